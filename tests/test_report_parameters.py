"""Strict parameters: unknown names, types and allowed values, checked from the notebook's own
`parameters` cell (papermill's inspection) before any kernel starts."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.reporting.parameters import (
    ParameterError,
    allowed_values,
    check_parameters,
    declared_parameters,
    default_problems,
    parameter_problems,
)

from conftest import FIXTURE_NOTEBOOKS

NOTEBOOK = FIXTURE_NOTEBOOKS / "parameters_fixture.ipynb"


@pytest.fixture(scope="module")
def declared():
    return declared_parameters(NOTEBOOK)


def problems(declared, **parameters):
    return parameter_problems(parameters, declared, NOTEBOOK.name)


def test_fixture_declarations_are_read(declared):
    assert declared["frequency"]["inferred_type_name"] == "str"
    assert allowed_values(declared["frequency"]["help"]) == ["M", "Q"]
    assert allowed_values(declared["measures"]["help"]) == ["attacks", "fatalities", "injured"]
    assert allowed_values(declared["share"]["help"]) is None


def test_valid_parameters_pass(declared):
    assert (
        problems(
            declared,
            frequency="Q",
            measures=["fatalities", "injured"],
            n_boot=1000,
            share=1,
            show_table=False,
            label="any text",
            data_path="x.csv",
        )
        == []
    )
    assert problems(declared, measures=[]) == []


def test_unknown_name_fails_with_the_closest_valid_one(declared):
    assert problems(declared, violence_mesure="fatalities") == [
        "`violence_mesure`: no such parameter; did you mean `violence_measure`?"
    ]


def test_unknown_name_without_a_close_match_lists_the_declared_ones(declared):
    [message] = problems(declared, zzz=1)
    assert message.startswith("`zzz`: no such parameter; parameters_fixture.ipynb declares: ")
    assert "frequency" in message and "violence_measure" in message


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("n_boot", "100", "`n_boot`: expected int (default 100); got str '100'"),
        ("n_boot", True, "`n_boot`: expected int (default 100); got bool True"),
        ("n_boot", 1.0, "`n_boot`: expected int (default 100); got float 1.0"),
        ("share", "0.5", "`share`: expected float (default 0.5); got str '0.5'"),
        ("show_table", 1, "`show_table`: expected bool (default True); got int 1"),
        ("measures", "attacks", "`measures`: expected list (default [\"attacks\"]); got str 'attacks'"),
        ("label", None, '`label`: expected str (default "simulated"); got NoneType None'),
        ("label", dt.date(2021, 8, 15), "quote it"),
    ],
)
def test_a_value_of_the_wrong_type_fails(declared, name, value, expected):
    [message] = problems(declared, **{name: value})
    assert expected in message


def test_values_outside_the_declared_set_fail(declared):
    assert problems(declared, frequency="W") == ["`frequency`: 'W' is not allowed; allowed: M, Q"]
    assert problems(declared, frequency="m") != []  # case matters
    assert problems(declared, n_boot=500) == ["`n_boot`: 500 is not allowed; allowed: 100, 1000"]


def test_each_element_of_a_list_parameter_must_be_allowed(declared):
    assert problems(declared, measures=["attacks", "deaths", "wounded"]) == [
        "`measures`: 'deaths', 'wounded' not allowed; each element must be one of: "
        "attacks, fatalities, injured"
    ]


def test_every_problem_is_reported_at_once(declared):
    found = problems(declared, frequency="W", n_boot="x", violence_mesure=1)
    assert len(found) == 3


@pytest.mark.parametrize(
    "comment, values",
    [
        ('"M" (monthly) or "Q" (quarterly); allowed: M, Q', ["M", "Q"]),
        ("allowed: M,Q", ["M", "Q"]),
        ("monitor. Allowed: PICSS, PIPS, CRSS, SATP.", ["PICSS", "PIPS", "CRSS", "SATP"]),
        ("measure; allowed: 'attacks', \"fatalities\"", ["attacks", "fatalities"]),
        ("replications; allowed: 100, 1000", ["100", "1000"]),
        ("first month shown, YYYY-MM", None),
        ("values allowed: are not declared here; other text", None),
        ("", None),
    ],
)
def test_allowed_values_are_read_from_the_end_of_the_comment(comment, values):
    assert allowed_values(comment) == values


def test_a_declaration_whose_values_do_not_fit_the_type_is_reported():
    declared = {
        "n": {"name": "n", "inferred_type_name": "int", "default": "1", "help": "a count; allowed: one, two"}
    }
    [message] = parameter_problems({"n": 1}, declared, "x.ipynb")
    assert "declares allowed values ['one', 'two'] that are not all int" in message


def test_default_outside_its_allowed_values_is_found():
    declared = {
        "frequency": {"inferred_type_name": "str", "default": '"W"', "help": "allowed: M, Q"},
        "measures": {
            "inferred_type_name": "list",
            "default": '["attacks", "x"]',
            "help": "allowed: attacks, fatalities",
        },
        "ok": {"inferred_type_name": "str", "default": '"M"', "help": "allowed: M, Q"},
    }
    found = default_problems(declared)
    assert len(found) == 2 and "'W' is not allowed" in found[0] and "'x'" in found[1]


def test_check_parameters_names_report_and_notebook():
    check_parameters("fine", NOTEBOOK, {"frequency": "M"})
    with pytest.raises(ParameterError) as caught:
        check_parameters("typo", NOTEBOOK, {"violence_mesure": "x"})
    assert str(caught.value) == (
        "report 'typo' (parameters_fixture.ipynb): `violence_mesure`: "
        "no such parameter; did you mean `violence_measure`?"
    )
    with pytest.raises(ParameterError, match="does not exist"):
        check_parameters("missing", NOTEBOOK.with_name("nope.ipynb"), {})


WRAPPED_CELL = """# Parameters
measure: str = "attacks"  # measure drawn;
#   allowed: attacks, fatalities,
#   injured
# a plain comment: not a continuation
kinds: list = ["a",
               "b"]  # kinds counted
#   allowed: a, b, c
short: int = 1  # one line

#   after a blank line: not a continuation
"""


def test_wrapped_comments_are_joined_to_their_parameter():
    from analysis.reporting.parameters import continued_comments

    assert continued_comments(WRAPPED_CELL) == {
        "measure": "allowed: attacks, fatalities, injured",
        "kinds": "allowed: a, b, c",
    }


def test_papermill_reads_wrapped_comments_whole_for_the_project_kernel(tmp_path):
    """Through the package's papermill plug-in: in-process and in papermill's own CLI."""
    import subprocess
    import sys
    from pathlib import Path

    import nbformat

    from analysis import paths

    notebook = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {
                "name": paths.KERNEL_NAME,
                "language": "python",
                "display_name": "Python (pak-afg-analysis)",
            }
        }
    )
    notebook.cells = [nbformat.v4.new_code_cell(WRAPPED_CELL, metadata={"tags": ["parameters"]})]
    path = tmp_path / "wrapped.ipynb"
    nbformat.write(notebook, path)
    declared = declared_parameters(path)
    assert allowed_values(declared["measure"]["help"]) == ["attacks", "fatalities", "injured"]
    assert allowed_values(declared["kinds"]["help"]) == ["a", "b", "c"]
    assert parameter_problems({"kinds": ["a", "d"]}, declared, path.name) == [
        "`kinds`: 'd' not allowed; each element must be one of: a, b, c"
    ]
    shown = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), "--help-notebook", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "measure drawn; allowed: attacks, fatalities, injured" in shown
