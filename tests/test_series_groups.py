"""Engagement groups (proactive / reactive), directed counts and the cross-border series."""

import numpy as np
import pandas as pd
import pytest

from analysis import series
from analysis.schema import EVENT_TYPES
from analysis.sources import gdelt


def _events(rows):
    frame = pd.DataFrame(rows, columns=["date_start", "event_type", "initiator"])
    frame["date_start"] = pd.to_datetime(frame["date_start"])
    frame["category"] = "engagement"
    return frame


def test_groups_are_one_table_over_known_types_and_disjoint():
    table = series.engagement_group_table()
    log = table[table["vocabulary"] == "log"]
    assert set(log["event_type"]) <= set(EVENT_TYPES)
    assert not log["event_type"].duplicated().any()
    assert not set(series.engagement_group_types("proactive")) & set(
        series.engagement_group_types("reactive")
    )
    assert not set(log["event_type"]) & set(series.CROSS_BORDER_TYPES)
    assert set(series.engagement_group_types("all")) == set(log["event_type"])
    assert set(series.engagement_group_types("all", "gdelt")) == set(gdelt.cameo_map()["event_type"])
    assert (table["why"].str.len() > 10).all()
    with pytest.raises(ValueError, match="engagement group"):
        series.engagement_group_types("friendly")


def test_group_counts_directions_and_cross_border_zero_inside_window():
    events = _events(
        [
            ("2021-01-05", "ministerial_visit", "Pakistan"),
            ("2021-01-20", "protest_or_demarche", "Afghanistan"),
            ("2021-03-02", "border_clash", "Afghanistan"),
            ("2021-03-09", "airstrike", "Pakistan"),
            ("2021-04-01", "phone_call", "Pakistan and Afghanistan"),
        ]
    )
    proactive = series.engagement_group_counts(events, "proactive", start="2020-12", end="2021-05")
    assert proactive.values.tolist()[1:5] == [1.0, 0.0, 0.0, 1.0]
    assert np.isnan(proactive.values.iloc[0]) and np.isnan(proactive.values.iloc[-1])  # outside the log
    reactive = series.engagement_group_counts(events, "reactive", directions=["Afghanistan→Pakistan"])
    assert reactive.values.tolist() == [1.0, 0.0, 0.0, 0.0]
    border = series.cross_border_counts(events)
    assert border.values.tolist() == [0.0, 0.0, 2.0, 0.0]
    directed = series.directed_group_table(events)
    assert directed.loc["cross-border violence", "total"] == 2
    assert directed["total"].sum() == len(events)
    assert directed.loc["proactive", "mutual"] == 1
