"""UCDP GED adapter: monthly figures derived from events, date rule, zero rule, filters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import schema, series
from analysis.sources import load_violence, reference, ucdp

FIXTURE = Path(__file__).parent / "fixtures" / "ucdp_ged_simulated.csv"


def values(figures: pd.DataFrame, measure: str) -> dict[str, int]:
    rows = figures.loc[figures["measure"] == measure]
    return dict(zip(rows["period_start"].dt.strftime("%Y-%m"), rows["value"]))


@pytest.fixture(scope="module")
def pakistan():
    return ucdp.load_violence(FIXTURE, country="Pakistan")


def test_same_columns_and_dtypes_as_the_reference_table(pakistan):
    ref = reference.load_violence_figures()
    assert list(pakistan.columns) == list(ref.columns) == list(schema.VIOLENCE_COLUMNS)
    assert pakistan.dtypes.to_dict() == ref.dtypes.to_dict()


def test_every_month_of_the_file_coverage_with_zero_where_no_event(pakistan):
    # Coverage = the whole file's months (2023-01 .. 2023-05), not only Pakistan's.
    assert values(pakistan, "events") == {
        "2023-01": 3,
        "2023-02": 0,
        "2023-03": 0,
        "2023-04": 2,
        "2023-05": 0,
    }
    assert values(pakistan, "deaths") == {
        "2023-01": 14,
        "2023-02": 0,
        "2023-03": 0,
        "2023-04": 7,
        "2023-05": 0,
    }
    assert values(pakistan, "deaths_low")["2023-01"] == 13
    assert values(pakistan, "deaths_high")["2023-04"] == 8


def test_rows_are_marked_derived_with_landing_url_and_description(pakistan):
    assert set(pakistan["basis"]) == {"derived_from_events"}
    assert set(pakistan["granularity"]) == {"month"}
    assert set(pakistan["source_org"]) == {"UCDP GED"}
    assert set(pakistan["region"]) == {"Pakistan"} and set(pakistan["actor"]) == {""}
    assert set(pakistan["source_url"]) == {"https://ucdp.uu.se/downloads/"}
    jan = pakistan.loc[(pakistan["measure"] == "events")].iloc[0]
    assert jan["source_quote"].startswith("derived: 3 UCDP GED events in 2023-01 in ucdp_ged_simulated.csv")
    assert "country = Pakistan" in jan["scope_note"] and "ucdp_ged_simulated.csv" in jan["scope_note"]
    assert pakistan["figure_id"].is_unique
    assert (pakistan["period_end"] == pakistan["period_start"] + pd.offsets.MonthEnd(0)).all()


def test_date_rule_start_month_and_its_counts_are_stated(pakistan):
    # Event 900003 runs 2023-01-28 to 2023-02-03: all of it counts in January.
    events, report = ucdp.read_events(FIXTURE)
    assert report.extra["events_spanning_months"] == 1
    assert report.extra["events_imprecise_date"] == 1
    assert events.loc[events["id"] == "900003", "month"].iloc[0] == pd.Period("2023-01", "M")
    note = pakistan["scope_note"].iloc[0]
    assert "month of its date_start" in note and "1 events in the file span a month boundary" in note
    assert "1 have date_prec > 1" in note


def test_both_date_formats_are_read():
    events, _ = ucdp.read_events(FIXTURE)
    assert events.loc[events["id"] == "900001", "date_start"].iloc[0] == pd.Timestamp("2023-01-05")
    assert events.loc[events["id"] == "900002", "date_start"].iloc[0] == pd.Timestamp("2023-01-20")


@pytest.mark.parametrize(
    "filters, expected_events, actor",
    [
        (
            {"dyad": "Government of Pakistan - TTP"},
            {"2023-01": 2, "2023-04": 1},
            "Government of Pakistan - TTP",
        ),
        ({"actor": "TTP"}, {"2023-01": 2, "2023-04": 1}, "TTP"),
        ({"type_of_violence": 3}, {"2023-01": 1, "2023-05": 1}, ""),
        (
            {"country": ["Pakistan", "India"], "type_of_violence": [1]},
            {"2023-01": 2, "2023-03": 1, "2023-04": 2},
            "",
        ),
    ],
)
def test_filters(filters, expected_events, actor):
    figures = ucdp.load_violence(FIXTURE, **filters)
    got = {k: v for k, v in values(figures, "events").items() if v}
    assert got == expected_events
    assert set(figures["actor"]) == {actor}
    assert len(values(figures, "events")) == 5  # zeros kept over the whole coverage


def test_region_without_country_filter_says_all_countries():
    figures = ucdp.load_violence(FIXTURE)
    assert set(figures["region"]) == {"all countries in the file"}
    assert sum(values(figures, "deaths").values()) == 38


def test_unknown_filter_value_is_refused_with_suggestion():
    with pytest.raises(ValueError, match="closest: Government of Pakistan - TTP"):
        ucdp.load_violence(FIXTURE, dyad="Goverment of Pakistan - TTP")
    with pytest.raises(ValueError, match="type_of_violence must be 1, 2 or 3"):
        ucdp.load_violence(FIXTURE, type_of_violence=4)


def test_dispatcher_and_violence_series_use_the_derived_rows():
    figures = load_violence(FIXTURE, "ucdp_ged", country="Pakistan")
    result = series.violence_series(figures, "UCDP GED", "deaths", start="2022-12", end="2023-06")
    assert np.isnan(result.values["2022-12"]) and np.isnan(result.values["2023-06"])  # outside
    assert result.values["2023-02"] == 0 and result.values["2023-01"] == 14  # inside: real zero
    assert "derived" in result.basis
    assert load_violence(FIXTURE, country="Pakistan").equals(figures)  # auto-detected
