"""Reader-grade HTML from an executed notebook (no kernel needed), the builder's own pages,
atomic writes and the progress display."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.reporting import atomic
from analysis.reporting.pages import (
    BuildResult,
    Provenance,
    failing_cell,
    failure_html,
    headings,
    index_html,
    table_of_contents,
    unique_heading_ids,
)
from analysis.reporting.progress import LiveProgress, PlainProgress, make_progress

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def executed_notebook() -> nbformat.NotebookNode:
    """An executed notebook in the collection's shape: title, parameters, loading, Summary, sections."""

    def shown(cell, **data):
        cell.outputs = [new_output("display_data", data=data)]
        cell.execution_count = 1
        return cell

    return new_notebook(
        cells=[
            new_markdown_cell("# Does engagement move with violence?\n\nWhat this report does."),
            new_code_cell('start: str = "2021-08"  # first month', metadata={"tags": ["parameters"]}),
            new_code_cell("secret_loading_code = load_everything()"),
            new_markdown_cell("## Summary"),
            shown(
                new_code_cell("display(Markdown(summary_text))"),
                **{"text/markdown": "- The plain-language finding."},
            ),
            new_markdown_cell("## Method\n\n### Details\n\nText.\n\n### Details\n\nMore."),
            shown(
                new_code_cell("plots.show_figure(fig)"),
                **{
                    "text/html": (
                        f'<figure class="report-figure"><img src="data:image/png;base64,{PNG}" alt="A line">'
                        "<figcaption><em>Figure 1. A caption.</em></figcaption></figure>"
                    )
                },
            ),
            new_markdown_cell("## Results"),
            shown(new_code_cell("display(table)"), **{"image/png": PNG, "text/plain": "<Figure>"}),
        ]
    )


PROVENANCE = Provenance(
    commit="abc1234",
    notebook="03_x.ipynb",
    notebook_sha256="f" * 64,
    data_sha256={
        "data/reference/violence_figures.csv": "a" * 64,
        "data/reference/engagement_events.csv": "b" * 64,
    },
    parameters={"frequency": "Q"},
    versions={"python": "3.11.7", "pandas": "2.2.0", "statsmodels": "0.14.1", "papermill": "2.6.0"},
    generated="2025-01-02 03:04",
    declared={
        "frequency": {"default": '"M"', "help": "allowed: M, Q"},
        "start": {"default": '"2021-08"', "help": "first month"},
    },
)


@pytest.fixture(scope="module")
def page():
    from analysis.reporting.execute import notebook_to_html

    return notebook_to_html(
        executed_notebook(), "Engagement and attacks (quarterly)", PROVENANCE, "engagement.ipynb"
    )


def test_title_date_summary_then_contents_then_body(page):
    order = [
        page.index("<h1>Engagement and attacks (quarterly)</h1>"),
        page.index("Does engagement move with violence?"),  # the notebook's title, as subtitle
        page.index("Generated 2025-01-02 03:04"),
        page.index('id="Summary"'),
        page.index("The plain-language finding."),
        page.index('<nav class="report-toc"'),
        page.index("What this report does."),
        page.index('id="Method"'),
        page.index('id="Results"'),
        page.index('id="provenance"'),
    ]
    assert order == sorted(order)
    assert page.count("<h1") == 1


def test_contents_link_every_h2_and_h3_to_a_unique_anchor(page):
    toc = page[page.index('<nav class="report-toc"') : page.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets == ["Summary", "Method", "Details", "Details-2", "Results", "provenance"]
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for target in targets:
        assert target in ids
    assert '<li><a href="#Method">Method</a><ul><li><a href="#Details">' in toc


def test_code_is_hidden_and_nothing_is_loaded_from_the_network(page):
    body = re.sub(r"<style.*?</style>", "", page, flags=re.S)  # the CSS names every class
    assert "secret_loading_code" not in body and "display(Markdown" not in body
    assert "jp-InputArea-editor" not in body and "In&nbsp;[" not in body
    assert "<script" not in page and "@import" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert not re.search(r"url\((?!['\"]?data:)", page)
    assert body.count("data:image/png;base64,") == 2  # embedded, not linked


def test_figures_keep_caption_and_alt_text(page):
    assert '<img alt="A line"' in page or 'alt="A line"' in page
    assert "<figcaption><em>Figure 1. A caption.</em></figcaption>" in page


def test_provenance_footer(page):
    footer = page[page.index('id="provenance"') :]
    assert "git commit <code>abc1234</code>" in footer and "f" * 64 in footer
    for name, digest in PROVENANCE.data_sha256.items():
        assert f"<code>{name}</code></td><td><code>{digest}</code>" in footer
    for software, version in PROVENANCE.versions.items():
        assert f"<td>{software}</td><td>{version}</td>" in footer
    assert '<td><code>frequency</code></td><td><code>"Q"</code></td><td>report set</td>' in footer
    assert '<td><code>start</code></td><td><code>"2021-08"</code></td><td>notebook default</td>' in footer
    assert 'href="engagement.ipynb"' in page and 'href="index.html"' in page


def test_notebook_without_summary_still_gets_contents_first():
    from analysis.reporting.execute import reader_notebook

    notebook = new_notebook(cells=[new_markdown_cell("Intro"), new_markdown_cell("## A")])
    arranged, subtitle = reader_notebook(notebook)
    assert subtitle is None
    assert arranged.cells[0].metadata.get("report_toc") and arranged.cells[1].source == "Intro"


def test_headings_and_contents_escape_text():
    page = unique_heading_ids(
        '<h2 id="a">x &lt;b&gt;<a class="anchor-link" href="#a">¶</a></h2><h2 id="a">again</h2>'
    )
    assert headings(page) == [(2, "a", "x <b>"), (2, "a-2", "again")]
    toc = table_of_contents(headings(page))
    assert "x &lt;b&gt;" in toc and "¶" not in toc and 'href="#a-2"' in toc


def test_failure_page_shows_cell_and_error_plainly():
    notebook = new_notebook(cells=[new_code_cell("load('<missing>.csv')")])
    notebook.cells[0].outputs = [
        new_output(
            "error",
            ename="FileNotFoundError",
            evalue="x",
            traceback=["\x1b[0;31mFileNotFoundError\x1b[0m: <missing>.csv"],
        )
    ]
    source, trace = failing_cell(notebook)
    assert source == "load('<missing>.csv')" and trace == "FileNotFoundError: <missing>.csv"
    page = failure_html(
        "T",
        parameters={},
        error="FileNotFoundError in cell 1: x",
        failing_source=source,
        traceback=trace,
        ipynb_name="t.ipynb",
        notebook="n.ipynb",
        generated="now",
        provenance=PROVENANCE,
    )
    assert "This report failed to build" in page and "Failing cell" in page
    assert "load(&#x27;&lt;missing&gt;.csv&#x27;)" in page and "<missing>" not in page
    assert 'id="provenance"' in page


def _result(name, status, **extra):
    return BuildResult(
        name=name,
        title=name.title(),
        notebook="n.ipynb",
        parameters={"a": "<x>"},
        status=status,
        seconds=1.25,
        html_path=Path(f"{name}.html"),
        ipynb_path=Path(f"{name}.ipynb"),
        built_at="2025-01-01 10:00",
        **extra,
    )


def test_index_lists_status_parameters_time_and_links():
    page = index_html(
        [
            _result("a", "built", reason="notebook changed"),
            _result("b", "reused"),
            _result("c", "failed", error="ParameterError: `x`: no such parameter"),
            _result("d", "not rebuilt"),
        ],
        "now",
        "Reports",
    )
    for name, status in [("a", "built"), ("b", "reused from cache"), ("c", "failed"), ("d", "not rebuilt")]:
        row = page[page.index(f'id="report-{name}"') :]
        row = row[: row.index("</tr>")]
        assert f'href="{name}.html"' in row and f'href="{name}.ipynb"' in row
        assert f'<span class="status-word">{status}</span>' in row
        assert "&lt;x&gt;" in row and "1.2 s" in row
    assert "4 reports: 1 built, 1 reused from cache, 1 not rebuilt" in page and "1 failed" in page
    assert "no such parameter" in page


def test_atomic_write_never_leaves_a_half_written_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    atomic.write_atomic(target, "old page")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(target, "new page " * 100_000)
    assert target.read_text() == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left
    monkeypatch.undo()
    atomic.write_atomic(target, "new page")
    assert target.read_text() == "new page" and oct(target.stat().st_mode & 0o777) != "0o600"


def test_plain_progress_prints_one_line_per_report():
    lines = []
    progress = PlainProgress(lines.append)
    progress.begin(["alpha", "b"], reused=1, to_build=1, jobs=2)
    progress.started("alpha")
    progress.finished(_result("alpha", "built", reason="--force"))
    progress.finished(_result("b", "failed", error="ValueError: boom\nmore"))
    progress.end()
    assert lines == [
        "2 reports: 1 to build with 2 job(s), 1 unchanged (reused)",
        "built   alpha    1.2 s (--force)",
        "failed  b        1.2 s: ValueError: boom more",
    ]
    quiet = []
    progress = PlainProgress(quiet.append, quiet=True)
    progress.begin(["a"], 0, 1, 1)
    progress.finished(_result("a", "built"))
    progress.finished(_result("b", "failed", error="x"))
    assert quiet == ["failed  b    1.2 s: x"]


def test_live_progress_draws_a_table_per_report():
    stream = io.StringIO()
    progress = LiveProgress(stream)
    progress.begin(["alpha", "beta"], reused=0, to_build=2, jobs=2)
    progress.started("alpha")
    progress.finished(_result("alpha", "built"))
    progress.finished(_result("beta", "failed", error="KeyError: ['x'] [bold]"))
    progress.end()
    text = stream.getvalue()
    assert "alpha" in text and "built" in text and "beta" in text and "failed" in text
    assert "KeyError: ['x'] [bold]" in text  # names and errors are text, not markup


def test_progress_is_plain_in_ci_or_when_not_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert isinstance(make_progress(print, stream=Terminal()), LiveProgress)
    assert isinstance(make_progress(print, stream=io.StringIO()), PlainProgress)
    assert isinstance(make_progress(print, quiet=True, stream=Terminal()), PlainProgress)
    monkeypatch.setenv("CI", "true")
    assert isinstance(make_progress(print, stream=Terminal()), PlainProgress)
