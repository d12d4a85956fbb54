"""Words for readers: numbers, counts, lags and method names in one helper; key findings
within their limits; figures numbered in the order shown; the index reading a report's
headline and figure from its executed notebook."""

from __future__ import annotations

import base64
import io
import json

import pandas as pd
import pytest

from analysis import plots, summary, words


@pytest.mark.parametrize(
    "p, text",
    [
        (0.0, "p < 0.001"),
        (0.0004, "p < 0.001"),
        (0.001, "p = 0.001"),
        (0.0042, "p = 0.004"),
        (0.03, "p = 0.03"),
        (0.0349, "p = 0.03"),
        (0.5, "p = 0.50"),
        (0.999, "p > 0.99"),
        (1.0, "p > 0.99"),
    ],
)
def test_p_values_never_read_as_zero(p, text):
    assert words.p_text(p) == text


def test_p_text_names_q_values_and_rejects_impossible_values():
    assert words.p_text(0.00001, "q") == "q < 0.001"
    assert words.p_number(0.2) == "0.20"
    assert words.p_text(float("nan")) == "p not available"
    with pytest.raises(ValueError, match="between 0 and 1"):
        words.p_text(1.5)


@pytest.mark.parametrize(
    "n, word, text",
    [
        (0, "month", "0 months"),
        (1, "month", "1 month"),
        (2, "month", "2 months"),
        (1204, "event", "1,204 events"),
        (3, "country", "3 countries"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
        (1, "flag meeting event", "1 flag meeting event"),
    ],
)
def test_plural_agrees_with_the_count(n, word, text):
    assert words.plural(n, word) == text


def test_count_text_irregular_plurals_and_bad_counts():
    assert words.count_text(0, "event") == "no events"
    assert words.count_text(2, "person", "people") == "2 people"
    assert words.plural(2, "person", "people") == "2 people"
    with pytest.raises(TypeError, match="whole number"):
        words.plural(1.5, "month")


@pytest.mark.parametrize(
    "k, text",
    [
        (0, "the same month"),
        (1, "the month after"),
        (2, "2 months after"),
        (-1, "the month before"),
        (-3, "3 months before"),
    ],
)
def test_lag_words(k, text):
    assert words.lag_words(k) == text


def test_spans_neighbours_and_intervals():
    assert words.span_words(1) == "the month" and words.span_words(2, "quarter") == "the 2 quarters"
    assert words.neighbour_words(1) == "in both neighbouring months"
    assert words.neighbour_words(2, "quarter") == "in the 2 quarters on either side"
    assert words.ci_text(0.123, 0.5) == "95% CI 0.12 to 0.50"
    assert words.ci_text(-3.7, 13.25, 0.9, 1) == "90% CI -3.7 to 13.2"


@pytest.mark.parametrize(
    "name, text",
    [
        ("stl", "STL decomposition"),
        ("STL", "STL decomposition"),
        ("chow", "Chow test"),
        ("count_model", "Segmented count model"),
        ("ADF_extra", "ADF extra"),
        ("new_method", "New method"),
    ],
)
def test_method_names_as_readers_know_them(name, text):
    assert words.method_name(name) == text


def test_tables_are_shown_whole():
    words.show_tables_whole()
    long_text = "a claim whose reason runs well past fifty characters and must not be cut"
    table = pd.DataFrame({"reason": [long_text] * 120, "n": range(120)})
    shown = table._repr_html_()
    assert long_text in shown and "..." not in shown and shown.count("<tr") == 121


def test_summary_sentences_use_reader_words():
    from types import SimpleNamespace

    window = SimpleNamespace(
        k=1,
        n_events=11,
        label="protests or demarches",
        n_events_dropped=10,
        difference=4.8,
        ci_low=-3.7,
        ci_high=13.2,
        placebo_mean=0.2,
        excess=4.6,
        excess_ci_low=-3.9,
        excess_ci_high=13.0,
        p_value=0.0,
    )
    text = summary.event_window_sentence(window, "PICSS attacks")
    assert "in the month after minus the month before" in text
    assert "p &lt; 0.001" in text and "0.000" not in text  # escaped for Markdown
    refusal = summary.trends_summary(
        SimpleNamespace(coverage_text=lambda: "PICSS attacks: 58 of 73 months observed."),
        {},
        {"stl": SimpleNamespace(reason="too few", n=3, required=24)},
    )
    assert "STL decomposition: " in refusal and "Stl" not in refusal


# --------------------------------------------------------------------------
# Key findings
# --------------------------------------------------------------------------


def test_key_findings_render_one_to_five_items_and_escape_data_text():
    text = summary.key_findings(["First <b>finding</b>.", "Second, **with emphasis**."])
    assert text == "- First &lt;b&gt;finding&lt;/b&gt;.\n- Second, **with emphasis**."


@pytest.mark.parametrize(
    "items, message",
    [
        ([], "1 to 5 items"),
        (["a"] * 6, "1 to 5 items"),
        (["ok", " "], "item 2 is empty"),
        (["x" * 300], "item 1 has 300 characters"),
        (["two\nlines"], "several lines"),
    ],
)
def test_key_findings_enforce_their_limits(items, message):
    with pytest.raises(ValueError, match=message):
        summary.key_findings(items)


def test_fit_list_counts_what_does_not_fit_never_cuts():
    names = ["alpha", "beta", "gamma", "delta"]
    assert summary.fit_list(names, 100) == "alpha; beta; gamma; delta"
    assert summary.fit_list(names, 22) == "alpha; beta and 2 more"
    assert summary.fit_list(["a very long first name"], 5) == "a very long first name"


def test_figures_are_numbered_in_the_order_shown():
    numbers = plots.FigureNumbers()
    shown = [numbers.next() for drawn in (True, False, True, True) if drawn]  # one refused
    assert shown == [1, 2, 3] and numbers.shown == 3


def test_simulation_legend_sits_below_the_bars():
    rates = pd.DataFrame(
        {
            "scenario": ["a", "b", "c"],
            "engagement_causes_violence": [0.9, 0.9, 0.9],
            "violence_causes_engagement": [0.9, 0.9, 0.9],
            "naive_either_direction": [0.9, 0.9, 0.9],
        }
    )
    fig = plots.simulation_rates_chart(rates, "test")
    ax = fig.axes[0]
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 <= ax.get_window_extent().y0  # wholly below the plotting area
    plots.plt.close(fig)


# --------------------------------------------------------------------------
# The index reads a report's headline and first figure as text
# --------------------------------------------------------------------------


def _png(width: int, height: int) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _executed(tmp_path, with_findings: bool):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}]
    if with_findings:
        cells += [
            {"cell_type": "markdown", "metadata": {}, "source": "## Key findings"},
            {
                "cell_type": "code",
                "metadata": {},
                "source": "",
                "execution_count": 1,
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "text/markdown": [
                                "- PICSS attacks rose **1.8 times** (95% CI 1.2 to 2.6, N = 58) &amp; more.\n",
                                "- Second.",
                            ]
                        },
                    }
                ],
            },
        ]
    cells += [
        {
            "cell_type": "code",
            "metadata": {},
            "source": "",
            "execution_count": 2,
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {
                        "text/html": (
                            f'<figure class="report-figure"><img src="data:image/png;base64,{_png(1000, 400)}" '
                            'alt="A line chart &amp; bars"><figcaption>Figure 1.</figcaption></figure>'
                        )
                    },
                }
            ],
        }
    ]
    path = tmp_path / ("with.ipynb" if with_findings else "without.ipynb")
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}))
    return path


def test_index_reads_the_first_key_finding_and_a_small_first_figure(tmp_path):
    from analysis.reporting.pages import report_digest

    digest = report_digest(_executed(tmp_path, True))
    assert digest.headline == "PICSS attacks rose 1.8 times (95% CI 1.2 to 2.6, N = 58) & more."
    assert digest.thumbnail.startswith("data:image/png;base64,")
    assert digest.thumbnail_size == (360, 144) and digest.thumbnail_alt == "A line chart & bars"
    bare = report_digest(_executed(tmp_path, False))
    assert bare.headline is None and bare.thumbnail  # graceful: no headline, still a figure
    assert report_digest(tmp_path / "missing.ipynb").headline is None


def test_index_states_the_question_then_findings_then_the_status_table(tmp_path):
    from analysis.reporting.pages import RESEARCH_QUESTION, BuildResult, index_html

    results = [
        BuildResult(
            name=name,
            title=f"Report <{name}>",
            notebook="01.ipynb",
            parameters={},
            status="built",
            seconds=1.0,
            html_path=tmp_path / f"{name}.html",
            ipynb_path=_executed(tmp_path, name == "with"),
            built_at="2025-01-02 03:04",
        )
        for name in ("with", "without")
    ]
    page = index_html(results, "2025-01-02 03:04", "Reports")
    order = [
        page.index(RESEARCH_QUESTION.replace("'", "&#x27;")),
        page.index("PICSS attacks rose 1.8 times"),
        page.index("Build status"),
    ]
    assert order == sorted(order)
    assert page.count('class="headline"') == 1 and "Report &lt;with&gt;" in page
    assert page.count("<img ") == 2 and 'width="360" height="144"' in page


# --------------------------------------------------------------------------
# The reader page: key findings first, tables boxed, a light stylesheet
# --------------------------------------------------------------------------


def test_reader_page_opens_with_key_findings_then_summary_and_boxes_tables():
    import re

    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from analysis.reporting.execute import notebook_to_html
    from analysis.reporting.pages import Provenance

    def shown(data):
        cell = new_code_cell("display(x)")
        cell.outputs, cell.execution_count = [new_output("display_data", data=data)], 1
        return cell

    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(40))
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Title\n\nIntro."),
            new_markdown_cell("## Summary"),
            shown({"text/markdown": "- Detail."}),
            new_markdown_cell("## Key findings"),
            shown({"text/markdown": "- The answer."}),
            new_markdown_cell("## Results"),
            shown(
                {"text/html": f'<table class="dataframe"><thead><tr><th>n</th></tr></thead>{rows}</table>'}
            ),
            shown({"text/markdown": "| a | b |\n|---|---|\n| 1 | 2 |"}),
        ]
    )
    provenance = Provenance(
        commit="abc",
        notebook="x.ipynb",
        notebook_sha256="f" * 64,
        data_sha256={},
        parameters={},
        versions={},
        generated="2025-01-02 03:04",
    )
    page = notebook_to_html(notebook, "A report", provenance, "x.ipynb")
    order = [
        page.index('id="Key-findings"'),
        page.index("The answer."),
        page.index('id="Summary"'),
        page.index('<nav class="report-toc"'),
        page.index("Intro."),
        page.index('id="Results"'),
    ]
    assert order == sorted(order)
    boxes = [tag for tag in re.findall(r"<div [^>]*>", page) if "table-box" in tag]
    assert ["long" in tag for tag in boxes] == [True, False]  # 40 rows scroll in a long box
    assert all('tabindex="0"' in tag and 'role="region"' in tag for tag in boxes)
    assert len({re.search(r'aria-label="([^"]+)"', tag).group(1) for tag in boxes}) == 2
    css = sum(len(m) for m in re.findall(r"<style.*?</style>", page, re.S))
    assert css < 20_000 and "@media print" in page and "jp-icon" not in page


def test_p_values_near_the_five_percent_line_keep_three_decimals():
    from analysis import words

    assert words.p_text(0.049) == "p = 0.049"
    assert words.p_text(0.0504) == "p = 0.050"
    assert words.p_text(0.06) == "p = 0.06"


def test_reader_table_relabels_columns_index_and_axis_names_but_not_values():
    import pandas as pd

    frame = pd.DataFrame(
        {"p_value": [0.5], "ci_95_low": [1.0], "figure_ids": ["PICSS-2024-civilians_killed"]},
        index=pd.Index(["ministerial_visit"], name="event_type"),
    )
    shown = words.reader_table(frame)
    assert list(shown.columns) == ["p", "95% CI low", "figure ids"]
    assert list(shown.index) == ["ministerial visit"] and shown.index.name == "event type"
    assert shown.iloc[0, 2] == "PICSS-2024-civilians_killed"  # values unchanged
    assert list(frame.columns) == ["p_value", "ci_95_low", "figure_ids"]  # the input is not changed


def test_reader_table_handles_multiindex_and_leaves_ids_and_words_alone():
    import pandas as pd

    frame = pd.DataFrame(
        [[1, 2]],
        index=pd.MultiIndex.from_tuples(
            [("PICSS", "security_forces_killed")], names=["source_org", "measure"]
        ),
        columns=pd.MultiIndex.from_tuples([("PICSS-2020-attacks", "n"), ("95% CI", "q_value_bh")]),
    )
    shown = words.reader_table(frame)
    assert list(shown.index.names) == ["monitor", "measure"]
    assert list(shown.index) == [("PICSS", "security forces killed")]
    assert list(shown.columns) == [("PICSS-2020-attacks", "N"), ("95% CI", "q (BH)")]


def test_reader_table_refuses_what_is_not_a_table():
    with pytest.raises(TypeError, match="DataFrame"):
        words.reader_table([1, 2])


def test_show_reader_labels_changes_only_the_html_display():
    import pandas as pd
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        words.show_reader_labels()
        frame = pd.DataFrame({"event_type": ["phone_call"], "n_events_used": [3]})
        data, _ = shell.display_formatter.format(frame)
        assert "event type" in data["text/html"] and "events used" in data["text/html"]
        assert (
            "event_type" not in data["text/html"] and "phone_call" in data["text/html"]
        )  # values as they are
        assert "event_type" in data["text/plain"]
    finally:
        InteractiveShell.clear_instance()
