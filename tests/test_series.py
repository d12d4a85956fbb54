"""Series building: missing is missing, zero is zero, sources never merged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import series
from conftest import events_on, monthly_figures


def test_month_without_figure_is_missing_not_zero():
    figures = monthly_figures({"2023-01": 10, "2023-03": 0, "2023-04": 7})
    result = series.violence_series(figures, "PICSS", "attacks")
    assert list(result.values.index.astype(str)) == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert np.isnan(result.values["2023-02"])  # unpublished month: missing
    assert result.values["2023-03"] == 0  # a published zero stays zero
    assert result.n_observed == 3 and result.missing_periods == ["2023-02"]
    assert "3 of 4 months observed" in result.coverage_text()
    assert "missing: 2023-02" in result.coverage_text()


def test_window_extends_with_missing_periods():
    figures = monthly_figures({"2023-02": 5})
    result = series.violence_series(figures, "PICSS", "attacks", start="2023-01", end="2023-04")
    assert result.values.isna().tolist() == [True, False, True, True]


def test_sources_and_measures_are_never_merged():
    figures = pd.concat(
        [
            monthly_figures({"2023-01": 10}),
            monthly_figures({"2023-02": 99}, source="PIPS"),
            monthly_figures({"2023-02": 55}, measure="fatalities"),
        ],
        ignore_index=True,
    )
    result = series.violence_series(figures, "PICSS", "attacks", end="2023-02")
    assert result.values.tolist()[0] == 10 and np.isnan(result.values.tolist()[1])


def test_disagreeing_figures_of_one_source_are_recorded():
    figures = pd.concat(
        [
            monthly_figures({"2022-04": 34}),
            monthly_figures({"2022-04": 35}).assign(figure_id="PICSS-2022-04-attacks-b"),
        ],
        ignore_index=True,
    )
    result = series.violence_series(figures, "PICSS", "attacks")
    assert result.values.iloc[0] == 34  # first listed row
    assert result.conflicts.loc[0, "values"] == [34, 35]


def test_quarter_from_months_only_when_all_three_observed():
    figures = monthly_figures({"2023-01": 1, "2023-02": 2, "2023-03": 3, "2023-04": 4, "2023-06": 6})
    result = series.violence_series(figures, "PICSS", "attacks", frequency="Q")
    assert result.values["2023Q1"] == 6
    assert np.isnan(result.values["2023Q2"])  # May missing: the quarter is missing, not 10
    assert "sum of" in result.basis


def test_published_quarterly_figures_are_used_for_a_quarterly_publisher():
    quarterly = monthly_figures({"2023-01": 1}).assign(
        period_end=pd.Timestamp("2023-03-31"), granularity="quarter", value=50
    )
    result = series.violence_series(quarterly, "PICSS", "attacks", frequency="Q")
    assert result.values["2023Q1"] == 50 and "quarterly" in result.basis


def test_monthly_publisher_quarters_come_from_months_not_a_stray_quarterly_row():
    months = {f"2023-{m:02d}": m for m in range(1, 7)}
    stray = monthly_figures({"2023-04": 0}).assign(
        figure_id="q", period_end=pd.Timestamp("2023-06-30"), granularity="quarter", value=99
    )
    figures = pd.concat([monthly_figures(months), stray], ignore_index=True)
    result = series.violence_series(figures, "PICSS", "attacks", frequency="Q")
    assert result.values.tolist() == [6, 15]  # never the stray 99: bases are not mixed
    assert "sum of" in result.basis


def test_engagement_zero_inside_window_missing_outside():
    events = events_on(["2023-01-05", "2023-01-20", "2023-04-02"])
    counts = series.engagement_counts(events, start="2022-12", end="2023-05")
    assert np.isnan(counts.values["2022-12"])  # before the log's first event
    assert counts.values["2023-01"] == 2
    assert counts.values["2023-02"] == 0 and counts.values["2023-03"] == 0  # real zeros
    assert counts.values["2023-04"] == 1
    assert np.isnan(counts.values["2023-05"])  # after the log's last event


def test_month_precision_event_counts_in_its_month():
    events = events_on(["2023-01-05", "2023-02", "2023-03-09"])
    counts = series.engagement_counts(events)
    assert counts.values.tolist() == [1, 1, 1]


def test_quarterly_engagement_window_uses_whole_quarters():
    events = events_on(["2023-02-05", "2023-05-01", "2023-09-30"])
    start, end = series.engagement_window(events, "Q")
    assert (str(start), str(end)) == ("2023Q2", "2023Q3")
    counts = series.engagement_counts(events, frequency="Q", start="2023Q1")
    assert np.isnan(counts.values["2023Q1"])  # January not covered by the log
    assert counts.values["2023Q2"] == 1


def test_filters_and_directions():
    events = pd.concat(
        [
            events_on(["2023-01-05"]),
            events_on(["2023-01-06"], event_type="flag_meeting", initiator="Afghanistan").assign(
                event_id="x"
            ),
            events_on(["2023-02-06"], initiator="China").assign(event_id="y"),
        ],
        ignore_index=True,
    )
    only_flag = series.engagement_counts(events, event_types=["flag_meeting"])
    assert only_flag.values.tolist() == [1, 0]
    from_kabul = series.engagement_counts(events, directions=["Afghanistan→Pakistan"])
    assert from_kabul.values.tolist() == [1, 0]
    third = series.engagement_counts(events, directions=["third party"])
    assert third.values.tolist() == [0, 1]
    with pytest.raises(ValueError, match="unknown value"):
        series.engagement_counts(events, event_types=["picnic"])


@pytest.mark.parametrize(
    "label, direction",
    [
        ("Pakistan", "Pakistan→Afghanistan"),
        ("Afghanistan", "Afghanistan→Pakistan"),
        ("Pakistan and Afghanistan", "mutual"),
        ("China", "third party"),
        ("unknown", "unknown"),
    ],
)
def test_initiator_direction(label, direction):
    assert series.initiator_direction(label) == direction


def test_bad_frequency_is_rejected():
    with pytest.raises(ValueError, match="frequency"):
        series.violence_series(monthly_figures({"2023-01": 1}), "PICSS", "attacks", frequency="W")
