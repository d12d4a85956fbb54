"""The claims check counts the right events in the right window, and never claims too much."""

from __future__ import annotations

import pandas as pd

from analysis import claims, schema
from conftest import event_row, events_on, text_frame, violence_row


def _claims(rows):
    base = {"claim_id": "", "quantity": "q", "value": "", "qualifier": "more than",
            "period_start": "2021-08", "period_end": "publication", "category": "engagement",
            "quote": "A quote.", "source": "An article"}
    return schema.parse_article_claims(text_frame([{**base, **r} for r in rows], schema.CLAIM_COLUMNS))


def test_flag_meetings_counted_only_inside_the_window():
    events = events_on(["2020-05-15", "2022-11-13", "2023-09-10", "2025-12-01"], event_type="flag_meeting")
    table = claims.check_claims(_claims([{"claim_id": "flag_meetings", "value": "200"}]), events,
                                pd.DataFrame(columns=schema.VIOLENCE_COLUMNS), publication="2025-08")
    row = table.iloc[0]
    assert row["events_in_log"] == 2
    assert "2022-11-13, 2023-09-10" in row["dataset_holds"]
    assert row["can_check"] == "no" and row["window"] == "2021-08 to 2025-08"


def test_protests_count_only_those_made_by_pakistan():
    events = pd.concat([
        events_on(["2023-01-01", "2023-02-01"], event_type="protest_or_demarche", initiator="Pakistan"),
        events_on(["2023-03-01"], event_type="protest_or_demarche", initiator="Afghanistan").assign(event_id="a"),
    ], ignore_index=True)
    table = claims.check_claims(_claims([{"claim_id": "demarches", "value": "180"}]), events,
                                pd.DataFrame(columns=schema.VIOLENCE_COLUMNS))
    assert table.iloc[0]["events_in_log"] == 2


def test_violence_claims_use_full_years_of_published_annual_totals():
    rows = [violence_row(figure_id=f"PICSS-{y}-attacks", period_start=f"{y}-01-01",
                         period_end=f"{y}-12-31", granularity="year", value=str(v))
            for y, v in [(2020, 5), (2021, 100), (2022, 200), (2025, 999)]]
    figures = schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))
    table = claims.check_claims(
        _claims([{"claim_id": "cross_border_attacks", "value": "1050", "period_start": "2021-01"}]),
        events_on(["2021-01-01"]), figures, publication="2025-08")
    holds = table.iloc[0]["dataset_holds"]
    assert "2 full year(s)" in holds and "sum 300" in holds  # 2020 outside, 2025 incomplete
    assert pd.isna(table.iloc[0]["events_in_log"])


def test_qualitative_and_unrecorded_claims_are_labelled():
    table = claims.check_claims(_claims([{"claim_id": "isi_memorandums", "value": "200"},
                                         {"claim_id": "violence_not_stopped"}]),
                                events_on(["2022-01-01"]), pd.DataFrame(columns=schema.VIOLENCE_COLUMNS))
    assert table["can_check"].tolist() == ["no", "qualitative"]
