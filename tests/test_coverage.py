"""Coverage summary: computed from the tables, and data/README.md kept in step with the data."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import coverage, paths
from analysis.periods import compact_months, period_label
from analysis.sources import reference
from conftest import events_on, monthly_figures, text_frame, violence_row


def test_compact_months_joins_runs():
    months = ["2024-10", "2022-12", "2024-09", "2023-06", "2024-11", "2023-06"]
    assert compact_months(months) == "2022-12, 2023-06, 2024-09..2024-11"
    assert compact_months([]) == "none"


@pytest.mark.parametrize(
    "start,end,granularity,label",
    [
        ("2024-01-01", "2024-03-31", "quarter", "2024-Q1"),
        ("2023-07-01", "2023-12-31", "half", "2023-H2"),
        ("2022-01-01", "2022-12-31", "year", "2022"),
        ("2022-01-01", "2022-05-31", "span", "2022-01..2022-05"),
        ("2024-11-01", "2024-11-30", "month", "2024-11"),
        ("2024-03-05", "2024-03-05", "day", "2024-03-05"),
    ],
)
def test_period_labels(start, end, granularity, label):
    assert period_label(pd.Timestamp(start), pd.Timestamp(end), granularity) == label


def test_monthly_coverage_counts_present_and_lists_missing():
    figures = pd.concat(
        [
            monthly_figures({"2021-08": 1, "2021-09": 2, "2021-12": 3, "2022-03": 4}),
            monthly_figures({"2020-05": 7}, measure="fatalities"),
        ],
        ignore_index=True,
    )
    table = coverage.monthly_coverage(figures, "2021-08", "2022-01").set_index("measure")
    attacks = table.loc["attacks"]
    assert (attacks["months_present"], attacks["months_in_window"]) == (3, 6)
    assert attacks["missing"] == "2021-10..2021-11, 2022-01"
    assert attacks["present"] == "2021-08..2021-09, 2021-12"
    # a series with monthly rows elsewhere shows 0 in this window, not nothing
    assert table.loc["fatalities", "months_present"] == 0
    assert coverage.whole_range(figures) == ("2020-05", "2022-03")


def test_quarterly_rows_are_not_monthly_coverage(violence_text):
    from analysis import schema

    rows = [
        violence_row(figure_id="q", period_start="2023-01-01", period_end="2023-03-31", granularity="quarter")
    ]
    figures = schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))
    assert coverage.monthly_coverage(figures, "2023-01", "2023-03").empty
    assert "2023-Q1 (attacks)" in coverage.non_monthly_periods(figures).iloc[0]["periods (measures)"]


def test_regions_are_separate_series():
    from analysis import schema

    national = monthly_figures({"2023-01": 5, "2023-02": 6})
    rows = [violence_row(figure_id="kp", region="Khyber Pakhtunkhwa")]
    kp = schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))
    table = coverage.monthly_coverage(pd.concat([national, kp], ignore_index=True), "2023-01", "2023-02")
    assert table[["region", "months_present"]].values.tolist() == [["Pakistan", 2], ["Khyber Pakhtunkhwa", 1]]


def test_events_per_type_per_year_shows_zeros_totals_and_partial_years():
    events = pd.concat(
        [
            events_on(["2021-03-01", "2021-05-02", "2023-01-01"]),
            events_on(["2022-06-01"], event_type="flag_meeting").assign(event_id="f"),
        ],
        ignore_index=True,
    )
    table = coverage.events_per_type_per_year(events)
    assert list(table.columns) == ["2021 (from Mar)", "2022", "2023 (to Jan)", "total"]
    assert table.loc["phone_call"].tolist() == [2, 0, 1, 3]
    assert table.loc["flag_meeting", "2022"] == 1 and table.loc["jcc_meeting", "total"] == 0
    assert table.loc["total", "total"] == 4


def test_markdown_table_escapes_pipes():
    text = coverage.markdown_table(pd.DataFrame({"a": ["x|y"], "b": [1]}), code_columns=["a"])
    assert text.splitlines() == ["| a | b |", "|---|---|", "| `x\\|y` | 1 |"]


def test_update_readme_replaces_only_between_markers():
    text = "intro\n<!-- counts:start -->\nold\n<!-- counts:end -->\noutro\n"
    assert coverage.update_readme(text, {"counts": "new\n"}) == (
        "intro\n<!-- counts:start -->\nnew\n<!-- counts:end -->\noutro\n"
    )
    with pytest.raises(ValueError, match="coverage:start"):
        coverage.update_readme(text, {"coverage": "x"})


def test_data_readme_is_up_to_date():
    """Fails when a CSV changed without re-running scripts/update_data_readme.py."""
    text = paths.DATA_README.read_text(encoding="utf-8")
    blocks = coverage.readme_blocks(
        reference.load_engagement_events(),
        reference.load_violence_figures(),
        reference.load_engagement_aggregates(),
        reference.load_article_claims(),
    )
    assert coverage.update_readme(text, blocks) == text, (
        "data/README.md is stale: run `.venv/bin/python scripts/update_data_readme.py`"
    )
