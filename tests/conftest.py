"""Shared fixtures: small canonical tables whose answers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema

URL = "https://example.org/report"
QUOTE = "A verbatim sentence from the page."


def violence_row(**overrides) -> dict:
    row = {
        "figure_id": "PICSS-2023-01-attacks", "source_org": "PICSS",
        "period_start": "2023-01-01", "period_end": "2023-01-31", "granularity": "month",
        "region": "Pakistan", "actor": "", "measure": "attacks", "value": "44",
        "scope_note": "militant attacks", "source_url": URL, "source_quote": QUOTE,
        "basis": "published",
    }
    row.update(overrides)
    return row


def event_row(**overrides) -> dict:
    row = {
        "event_id": "2023-01-10-phone_call", "date_start": "2023-01-10", "date_end": "2023-01-10",
        "date_precision": "day", "event_type": "phone_call", "category": "engagement",
        "initiator": "Pakistan", "counterpart": "Afghanistan", "third_party": "",
        "location": "", "description": "Foreign ministers spoke by phone.",
        "source_url": URL, "source_quote": QUOTE, "date_note": "",
    }
    row.update(overrides)
    return row


def aggregate_row(**overrides) -> dict:
    row = {
        "aggregate_id": "ISPR-2021-01..2024-05-flag_meeting", "source_org": "ISPR",
        "period_start": "2021-01", "period_end": "2024-05-31", "event_type": "flag_meeting",
        "value": "200", "qualifier": "over", "scope_note": "simulated test row",
        "source_url": URL, "source_quote": QUOTE,
    }
    row.update(overrides)
    return row


def text_frame(rows: list[dict], columns) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns)).astype(str)


@pytest.fixture
def violence_text():
    return lambda rows: text_frame(rows, schema.VIOLENCE_COLUMNS)


@pytest.fixture
def events_text():
    return lambda rows: text_frame(rows, schema.ENGAGEMENT_COLUMNS)


def monthly_figures(values: dict[str, int], measure: str = "attacks", source: str = "PICSS") -> pd.DataFrame:
    """Typed violence table with one monthly figure per given month (``"2023-01": 44``)."""
    rows = []
    for month, value in values.items():
        start = pd.Period(month, freq="M")
        rows.append(violence_row(
            figure_id=f"{source}-{month}-{measure}", source_org=source, measure=measure,
            period_start=start.start_time.strftime("%Y-%m-%d"),
            period_end=start.end_time.strftime("%Y-%m-%d"), value=str(value)))
    return schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))


def events_on(dates: list[str], event_type: str = "phone_call", initiator: str = "Pakistan") -> pd.DataFrame:
    """Typed engagement table with one event per date."""
    rows = [event_row(event_id=f"e{i}", date_start=d, date_end="", event_type=event_type,
                      initiator=initiator,
                      date_precision="month" if len(d) == 7 else "day")
            for i, d in enumerate(dates)]
    return schema.parse_engagement_events(text_frame(rows, schema.ENGAGEMENT_COLUMNS))
