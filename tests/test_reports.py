"""The whole pipeline: every shipped report built by papermill + nbconvert (in parallel), failures
shown, reader-grade pages (summary first, contents, provenance), data text escaped."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
from typer.testing import CliRunner

from analysis import paths
from analysis.cli import app
from analysis.reporting import build_reports, load_report_set

pytestmark = pytest.mark.slow


def test_report_set_ships_at_least_three_reports_over_both_notebooks():
    report_set = load_report_set(paths.REPORT_SET_FILE)
    reports = report_set.expanded()
    assert len(reports) >= 3
    assert {r.notebook for r in reports} >= {"01_data_overview.ipynb", "03_engagement_and_violence.ipynb"}


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
        assert not [
            o for o in outputs if o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text
        ]
        html_outputs = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        figures = [h for h in html_outputs if "<figure" in h and "data:image/png;base64," in h]
        tables = [h for h in html_outputs if "<table" in h]
        notebook = results[name].notebook
        markdown = "\n".join(o["data"].get("text/markdown", "") for o in outputs if "data" in o)
        if notebook.startswith("01"):
            assert len(figures) >= 4 and len(tables) >= 5
        elif notebook.startswith("02"):
            assert len(figures) >= 1 and any("level change" in t for t in tables)  # reader labels
        elif notebook.startswith("03"):
            assert len(figures) >= 1
            assert any("Spearman" in t for t in tables) or "Not estimable with these data" in markdown
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
        assert "jp-InputArea-editor" not in page and "In&nbsp;[" not in page
        assert "<script" not in page  # nothing fetched, nothing run
        assert results[name].title in page
        assert page.count("<figcaption>") >= 1 and 'alt="' in page


def test_pages_put_title_date_summary_then_contents_first(built):
    shipped, results, out = built
    for name in shipped:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        title = page.index("<h1>")
        generated = page.index("Generated ")
        summary = page.index('id="Summary"')
        contents = page.index('<nav class="report-toc"')
        first_other_section = min(m.start() for m in re.finditer(r'<h2 id="(?!Summary|Key-findings)', page))
        assert title < generated < summary < contents < first_other_section, name
        toc = page[contents : page.index("</nav>", contents)]
        targets = re.findall(r'href="#([^"]+)"', toc)
        assert "Summary" in targets and "provenance" in targets and len(targets) >= 4
        for target in targets:
            assert f'id="{target}"' in page, f"{name}: contents link #{target} has no target"


def test_pages_end_with_provenance_and_link_the_executed_notebook(built):
    shipped, results, out = built
    commit = None
    for name in shipped:
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        footer = page[page.index('<footer class="report-footer" id="provenance">') :]
        commit = re.search(r"git commit <code>([^<]+)</code>", footer).group(1)
        assert re.fullmatch(r"[0-9a-f]{7,40}(\+dirty)?", commit)
        for data_file, digest in json.loads((out / ".build-cache.json").read_text())["reports"][name][
            "inputs"
        ]["data"].items():
            assert data_file in footer and digest in footer
        assert "data/reference/violence_figures.csv" in footer
        for software in ("python", "pandas", "statsmodels", "papermill"):
            assert f"<td>{software}</td>" in footer
        assert "<th>parameter</th>" in footer
        assert f'href="{name}.ipynb"' in page and (out / f"{name}.ipynb").is_file()


def test_quarterly_report_refuses_visibly_when_sample_is_small(built):
    shipped, results, out = built
    page = (out / "engagement_and_attacks_quarterly.html").read_text(encoding="utf-8")
    assert "Not estimable with these data" in page


def test_text_from_data_is_escaped(built):
    shipped, results, out = built
    assert results["escaping"].status == "built", results["escaping"].error
    page = (out / "escaping.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "<b>bold</b>" not in page
    # in the summary sentence, the table, the figure's caption and alt text, and the title
    assert page.count("&lt;script&gt;alert(") >= 4
    assert re.search(r"<h1>Text from data &lt;script&gt;alert\(.{1,12}title.{1,12}\)&lt;/script&gt;", page)


def test_failures_are_visible_and_do_not_stop_other_reports(built):
    shipped, results, out = built
    runtime = results["fails_at_runtime"]
    assert runtime.status == "failed" and "no_such_file.csv" in runtime.error
    page = (out / "fails_at_runtime.html").read_text(encoding="utf-8")
    assert "This report failed to build" in page and "Failing cell" in page
    assert "no_such_file.csv" in page and "\x1b[" not in page
    typo = results["unknown_parameter"]
    assert typo.status == "failed"
    assert "`violence_mesure`: no such parameter; did you mean `violence_measure`?" in typo.error
    assert not (out / "unknown_parameter.ipynb").exists()  # no kernel was started for it
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in [*shipped, "fails_at_runtime", "unknown_parameter", "escaping"]:
        assert f'href="{name}.html"' in index
    assert index.count("status status-failed") == 2
    assert index.count("status status-built") == len(shipped) + 1


def test_cli_exits_non_zero_after_building_the_rest(tmp_path):
    config = tmp_path / "set.yaml"
    config.write_text(
        "reports:\n"
        "  - {name: bad, notebook: 03_engagement_and_violence.ipynb, title: Bad,"
        " parameters: {violence_mesure: fatalities}}\n",
        encoding="utf-8",
    )
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
    shipped, results, out = built
    target = tmp_path / "reports"
    shutil.copytree(out, target)
    report_set = load_report_set(paths.REPORT_SET_FILE)
    rebuilt = build_reports(report_set, only=["data_overview"], reports_dir=target, force=True)
    assert [(r.name, r.status) for r in rebuilt] == [("data_overview", "built")]
    index = (target / "index.html").read_text(encoding="utf-8")
    for name in shipped:
        assert f'href="{name}.html"' in index
    assert index.count("status status-not-rebuilt") == len(shipped) - 1
