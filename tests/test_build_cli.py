"""`analysis build` options: --plan, --only, --jobs, exit codes; `make reports` calls it."""

from __future__ import annotations

import json

import pytest

from typer.testing import CliRunner

from analysis import paths
from analysis.cli import app
from analysis.reporting import load_report_set


def test_plan_prints_one_json_object_per_report_and_runs_nothing(tmp_path):
    result = CliRunner().invoke(app, ["build", "--plan", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    expected = load_report_set(paths.REPORT_SET_FILE).expanded()
    assert [r["name"] for r in records] == [r.name for r in expected]
    for record in records:
        assert set(record) == {"name", "notebook", "parameters", "output"}
        assert (paths.PROJECT_ROOT / record["notebook"]).is_file()
        assert record["output"] == str(tmp_path.resolve() / f"{record['name']}.html")
    assert list(tmp_path.iterdir()) == []


def test_plan_default_output_is_inside_reports():
    result = CliRunner().invoke(app, ["build", "--plan", "--only", "data_overview"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "name": "data_overview",
        "notebook": "notebooks/01_data_overview.ipynb",
        "parameters": {},
        "output": "reports/data_overview.html",
    }


def test_plan_checks_parameters_strictly(tmp_path):
    config = tmp_path / "set.yaml"
    config.write_text(
        "reports:\n"
        "  - {name: a, notebook: 03_engagement_and_violence.ipynb, title: A,"
        " parameters: {violence_mesure: fatalities}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["build", "--plan", "--config", str(config), "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "`violence_mesure`: no such parameter; did you mean `violence_measure`?" in result.output
    assert not (tmp_path / "index.html").exists()


def test_unknown_only_name_exits_2_with_the_closest_name(tmp_path):
    result = CliRunner().invoke(app, ["build", "--only", "data_overveiw", "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "did you mean `data_overview`" in result.output
    assert not (tmp_path / "index.html").exists()


def test_jobs_must_be_positive():
    result = CliRunner().invoke(app, ["build", "--jobs", "0", "--plan"])
    assert result.exit_code == 2


def test_make_reports_calls_analysis_build():
    makefile = (paths.PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nreports:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/analysis build" in recipe


def _option(name):
    import typer.main

    command = typer.main.get_command(app).commands["build"]
    return next(p for p in command.params if name in p.opts)


def test_timeout_help_states_the_builder_default():
    from analysis.reporting.build import DEFAULT_TIMEOUT

    assert f"(default: {DEFAULT_TIMEOUT:g} s)" in _option("--timeout").help


def test_timeout_must_be_positive():
    assert CliRunner().invoke(app, ["build", "--timeout", "0", "--plan"]).exit_code == 2


def test_a_report_timeout_is_validated_and_reaches_grid_reports(tmp_path):
    from analysis.reporting.config import ReportSetError

    config = tmp_path / "set.yaml"
    config.write_text("reports:\n  - {name: a, notebook: x.ipynb, title: A, timeout: 0}\n", encoding="utf-8")
    with pytest.raises(ReportSetError, match=r"reports\.0\.timeout: Input should be greater than 0"):
        load_report_set(config)
    config.write_text(
        "reports:\n"
        "  - {name: g, notebook: x.ipynb, title: G, timeout: 30,"
        " grid: {frequency: [M, Q]}}\n"
        "  - {name: b, notebook: x.ipynb, title: B}\n",
        encoding="utf-8",
    )
    assert [(r.name, r.timeout) for r in load_report_set(config).expanded()] == [
        ("g_m", 30),
        ("g_q", 30),
        ("b", None),
    ]
