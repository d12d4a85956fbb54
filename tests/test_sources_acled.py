"""ACLED adapter: numeric and text inter codes, event-type filters, fatalities."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.sources import acled, load_violence, reference

FIXTURES = Path(__file__).parent / "fixtures"
NUMERIC = FIXTURES / "acled_simulated_numeric.csv"
TEXT = FIXTURES / "acled_simulated_text.csv"
VIOLENT = ["Battles", "Explosions/Remote violence", "Violence against civilians"]


def values(figures, measure):
    rows = figures.loc[figures["measure"] == measure]
    return dict(zip(rows["period_start"].dt.strftime("%Y-%m"), rows["value"]))


def test_violent_event_types_in_pakistan():
    figures = acled.load_violence(NUMERIC, country="Pakistan", event_type=VIOLENT)
    assert values(figures, "events") == {"2023-01": 2, "2023-02": 0, "2023-03": 0, "2023-04": 1}
    assert values(figures, "deaths") == {"2023-01": 6, "2023-02": 0, "2023-03": 0, "2023-04": 3}
    assert set(figures["source_org"]) == {"ACLED"} and set(figures["region"]) == {"Pakistan"}
    assert set(figures["source_url"]) == {"https://acleddata.com/"}
    assert figures.dtypes.to_dict() == reference.load_violence_figures().dtypes.to_dict()


def test_numeric_and_text_inter_codes_give_the_same_result():
    a = acled.load_violence(NUMERIC, country="Pakistan")
    b = acled.load_violence(TEXT, country="Pakistan")
    assert a["value"].tolist() == b["value"].tolist()
    events_n, report_n = acled.read_events(NUMERIC)
    events_t, report_t = acled.read_events(TEXT)
    assert report_n.extra["inter_coding"] == "numeric" and report_t.extra["inter_coding"] == "text"
    assert events_n["inter1_label"].tolist() == events_t["inter1_label"].tolist()
    assert events_n.loc[0, "inter1_label"] == "State forces"


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"sub_event_type": "Armed clash"}, {"2023-01": 2}),
        ({"iso": 4}, {"2023-01": 1, "2023-03": 1, "2023-04": 1}),
        ({"actor": "TTP: Tehreek-i-Taliban Pakistan"}, {"2023-01": 1, "2023-04": 1}),
    ],
)
def test_filters(filters, expected):
    figures = acled.load_violence(NUMERIC, **filters)
    assert {k: v for k, v in values(figures, "events").items() if v} == expected


def test_iso_filter_names_the_country_as_region():
    figures = acled.load_violence(NUMERIC, iso="586")
    assert set(figures["region"]) == {"Pakistan"}


def test_imprecise_dates_are_counted_and_stated():
    figures = acled.load_violence(NUMERIC)
    assert "2 events in the file have time_precision > 1" in figures["scope_note"].iloc[0]
    assert sum(values(figures, "deaths").values()) == 19


def test_older_day_month_year_dates_are_read(tmp_path):
    text = NUMERIC.read_text(encoding="utf-8").replace("2023-01-03,2023", "3 January 2023,2023", 1)
    path = tmp_path / "old.csv"
    path.write_text(text, encoding="utf-8")
    events, _ = acled.read_events(path)
    assert str(events.loc[0, "event_date"].date()) == "2023-01-03"


def test_unknown_event_type_is_refused():
    with pytest.raises(ValueError, match="closest: Battles"):
        acled.load_violence(NUMERIC, event_type="Battle")


def test_dispatcher_detects_acled():
    assert load_violence(TEXT, event_type=VIOLENT).equals(acled.load_violence(TEXT, event_type=VIOLENT))
