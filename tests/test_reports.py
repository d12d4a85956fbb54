"""The whole pipeline: every shipped report built by papermill + nbconvert, and failures shown."""

from __future__ import annotations

import re

import nbformat
import pytest
from typer.testing import CliRunner

from analysis import paths
from analysis.cli import app
from analysis.reporting import ReportSpec, build_reports, load_report_set

pytestmark = pytest.mark.slow

FAILING = [
    ReportSpec(name="fails_at_runtime", notebook="03_engagement_and_violence.ipynb",
               title="A report whose data file is missing",
               parameters={"violence_path": "data/no_such_file.csv"}),
    ReportSpec(name="unknown_parameter", notebook="03_engagement_and_violence.ipynb",
               title="A report with a misspelt parameter",
               parameters={"violence_mesure": "fatalities"}),
]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the shipped report set plus two failing reports, once."""
    report_set = load_report_set(paths.REPORT_SET_FILE)
    shipped = [r.name for r in report_set.reports]
    report_set.reports.extend(FAILING)
    out = tmp_path_factory.mktemp("reports")
    results = {r.name: r for r in build_reports(report_set, reports_dir=out)}
    return shipped, results, out


def test_report_set_ships_at_least_three_reports_over_both_notebooks():
    report_set = load_report_set(paths.REPORT_SET_FILE)
    assert len(report_set.reports) >= 3
    assert {r.notebook for r in report_set.reports} >= {"01_data_overview.ipynb",
                                                        "03_engagement_and_violence.ipynb"}


def test_every_shipped_report_builds(built):
    shipped, results, out = built
    for name in shipped:
        assert results[name].status == "built", results[name].error
        assert (out / f"{name}.html").is_file() and (out / f"{name}.ipynb").is_file()


def _code_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]


def test_executed_notebooks_have_no_errors_and_show_figures_and_tables(built):
    shipped, results, out = built
    for name in shipped:
        outputs = _code_outputs(out / f"{name}.ipynb")
        assert not [o for o in outputs if o.output_type == "error"]
        assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"
                    and "Traceback" in o.text]
        html_outputs = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        figures = [h for h in html_outputs if "<figure" in h and "data:image/png;base64," in h]
        tables = [h for h in html_outputs if "<table" in h]
        notebook = results[name].notebook
        markdown = "\n".join(o["data"].get("text/markdown", "") for o in outputs if "data" in o)
        if notebook.startswith("01"):
            assert len(figures) >= 4 and len(tables) >= 5
        elif notebook.startswith("02"):
            assert len(figures) >= 1 and any("level_change" in t for t in tables)
        elif notebook.startswith("03"):
            assert len(figures) >= 1
            assert any("spearman_rho" in t for t in tables) or "Not estimable with these data" in markdown
            # every analysis either reports or says why not
            for section in ("Granger", "cross-correlation"):
                assert section in markdown
        elif notebook.startswith("04"):
            assert len(figures) == 1 and len(tables) >= 1
            assert markdown.count("**Verdict: ") == 11
        elif notebook.startswith("05"):
            assert len(figures) == 2
            page = (out / f"{name}.html").read_text(encoding="utf-8")
            assert page.count("SIMULATED DATA") >= 5


def test_built_html_hides_code_and_has_no_traceback(built):
    shipped, results, out = built
    for name in shipped:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        page = re.sub(r"<style.*?</style>", "", page, flags=re.S)  # CSS names every class
        assert "Traceback" not in page and "application/vnd.jupyter.stderr" not in page
        assert "hl-ipython3" not in page and "load_engagement_events(" not in page
        assert "<script src=" not in page  # nothing fetched from the network
        assert results[name].title in page
        assert "Parameters" in page and "Provenance" in page
        assert "data/reference/violence_figures.csv" in page  # data sources named
        assert page.count("<figcaption>") >= 1 and 'alt="' in page


def test_quarterly_report_refuses_visibly_when_sample_is_small(built):
    shipped, results, out = built
    page = (out / "engagement_and_attacks_quarterly.html").read_text(encoding="utf-8")
    assert "Not estimable with these data" in page


def test_failures_are_visible_and_do_not_stop_other_reports(built):
    shipped, results, out = built
    runtime = results["fails_at_runtime"]
    assert runtime.status == "failed" and "no_such_file.csv" in runtime.error
    page = (out / "fails_at_runtime.html").read_text(encoding="utf-8")
    assert "This report failed to build" in page and "Failing cell" in page
    assert "no_such_file.csv" in page
    typo = results["unknown_parameter"]
    assert typo.status == "failed" and "did you mean `violence_measure`" in typo.error
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in [*shipped, "fails_at_runtime", "unknown_parameter"]:
        assert f'href="{name}.html"' in index
    assert index.count(">failed</td>") == 2
    assert index.count(">built</td>") == len(shipped)


def test_cli_exits_non_zero_after_building_the_rest(tmp_path):
    config = tmp_path / "set.yaml"
    config.write_text(
        "reports:\n"
        "  - {name: bad, notebook: 03_engagement_and_violence.ipynb, title: Bad,"
        " parameters: {violence_mesure: fatalities}}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "--config", str(config), "--output", str(tmp_path)])
    assert result.exit_code == 1
    assert "did you mean `violence_measure`" in result.output
    assert (tmp_path / "index.html").is_file() and (tmp_path / "bad.html").is_file()


def test_invalid_report_set_is_rejected_before_anything_runs(tmp_path):
    config = tmp_path / "set.yaml"
    config.write_text("reports:\n  - {name: ../escape, notebook: x.ipynb, title: X}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "--config", str(config), "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "reports.0.name" in result.output
    assert not (tmp_path / "index.html").exists()


def test_only_rebuilds_one_report_and_keeps_the_others_in_the_index(built, tmp_path):
    import shutil

    shipped, results, out = built
    target = tmp_path / "reports"
    shutil.copytree(out, target)
    report_set = load_report_set(paths.REPORT_SET_FILE)
    rebuilt = build_reports(report_set, only=["data_overview"], reports_dir=target)
    assert [r.name for r in rebuilt] == ["data_overview"]
    index = (target / "index.html").read_text(encoding="utf-8")
    for name in shipped:
        assert f'href="{name}.html"' in index
    assert index.count(">not rebuilt</td>") == len(shipped) - 1
