"""The claims check counts the right events in the right window, and never claims too much."""

from __future__ import annotations

import pandas as pd

from analysis import claims, schema
from conftest import event_row, events_on, text_frame, violence_row


def _claims(rows):
    base = {
        "claim_id": "",
        "quantity": "q",
        "value": "",
        "qualifier": "more than",
        "period_start": "2021-08",
        "period_end": "publication",
        "category": "engagement",
        "quote": "A quote.",
        "source": "An article",
    }
    return schema.parse_article_claims(text_frame([{**base, **r} for r in rows], schema.CLAIM_COLUMNS))


def test_flag_meetings_counted_only_inside_the_window():
    events = events_on(["2020-05-15", "2022-11-13", "2023-09-10", "2025-12-01"], event_type="flag_meeting")
    table = claims.check_claims(
        _claims([{"claim_id": "flag_meetings", "value": "200"}]),
        events,
        pd.DataFrame(columns=schema.VIOLENCE_COLUMNS),
        publication="2025-08",
    )
    row = table.iloc[0]
    assert row["events_in_log"] == 2
    assert "2022-11-13, 2023-09-10" in row["dataset_holds"]
    assert row["can_check"] == "no" and row["window"] == "2021-08 to 2025-08"


def test_protests_count_only_those_made_by_pakistan():
    events = pd.concat(
        [
            events_on(["2023-01-01", "2023-02-01"], event_type="protest_or_demarche", initiator="Pakistan"),
            events_on(["2023-03-01"], event_type="protest_or_demarche", initiator="Afghanistan").assign(
                event_id="a"
            ),
        ],
        ignore_index=True,
    )
    table = claims.check_claims(
        _claims([{"claim_id": "demarches", "value": "180"}]),
        events,
        pd.DataFrame(columns=schema.VIOLENCE_COLUMNS),
    )
    assert table.iloc[0]["events_in_log"] == 2


def test_violence_claims_use_full_years_of_published_annual_totals():
    rows = [
        violence_row(
            figure_id=f"PICSS-{y}-attacks",
            period_start=f"{y}-01-01",
            period_end=f"{y}-12-31",
            granularity="year",
            value=str(v),
        )
        for y, v in [(2020, 5), (2021, 100), (2022, 200), (2025, 999)]
    ]
    figures = schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))
    table = claims.check_claims(
        _claims([{"claim_id": "cross_border_attacks", "value": "1050", "period_start": "2021-01"}]),
        events_on(["2021-01-01"]),
        figures,
        publication="2025-08",
    )
    holds = table.iloc[0]["dataset_holds"]
    assert "2 full years" in holds and "sum 300" in holds  # 2020 outside, 2025 incomplete
    assert pd.isna(table.iloc[0]["events_in_log"])


def test_qualitative_and_unrecorded_claims_are_labelled():
    table = claims.check_claims(
        _claims([{"claim_id": "isi_memorandums", "value": "200"}, {"claim_id": "violence_not_stopped"}]),
        events_on(["2022-01-01"]),
        pd.DataFrame(columns=schema.VIOLENCE_COLUMNS),
    )
    assert table["can_check"].tolist() == ["no", "qualitative"]


# --------------------------------------------------------------------------
# Verdicts
# --------------------------------------------------------------------------

import math  # noqa: E402

import pytest  # noqa: E402

from conftest import aggregate_row  # noqa: E402

EMPTY_FIGURES = pd.DataFrame(columns=schema.VIOLENCE_COLUMNS)


def _annual(rows_spec, measure="attacks", region="Pakistan", actor="", source="PICSS"):
    """Typed figures from ``[(period_start, period_end, granularity, value), ...]``."""
    rows = [
        violence_row(
            figure_id=f"{source}-{region}-{actor}-{measure}-{i}",
            source_org=source,
            measure=measure,
            region=region,
            actor=actor,
            period_start=s,
            period_end=e,
            granularity=g,
            value=str(v),
        )
        for i, (s, e, g, v) in enumerate(rows_spec)
    ]
    return schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))


def _years(values: dict[int, int], **kw):
    return _annual([(f"{y}-01-01", f"{y}-12-31", "year", v) for y, v in values.items()], **kw)


def _months(values: dict[str, int], **kw):
    spec = []
    for month, v in values.items():
        p = pd.Period(month, freq="M")
        spec.append((p.start_time.strftime("%Y-%m-%d"), p.end_time.strftime("%Y-%m-%d"), "month", v))
    return _annual(spec, **kw)


def _aggs(rows):
    return schema.parse_engagement_aggregates(text_frame(rows, schema.AGGREGATE_COLUMNS))


CROSS_BORDER = {
    "claim_id": "cross_border_attacks",
    "value": "1050",
    "period_start": "2021-01",
    "category": "violence",
}


def _check(claim, events=None, figures=EMPTY_FIGURES, aggregates=None, publication="2022-12"):
    table = _claims([claim])
    return claims.check_all(
        table,
        events if events is not None else events_on(["2021-01-01"]),
        figures,
        aggregates,
        publication=publication,
    )[0]


@pytest.mark.parametrize(
    "value,qualifier,interval",
    [
        (10, "exactly", (10, 10)),
        (200, "more than", (201, math.inf)),
        (200, "over", (201, math.inf)),
        (3, "at least", (3, math.inf)),
        (3, "at_least", (3, math.inf)),
        (180, "around", (162, 198)),
        (180, "about", (162, 198)),
        (5, "up_to", (0, 5)),
    ],
)
def test_worded_numbers_become_ranges(value, qualifier, interval):
    lo, hi = claims.quantity_interval(value, qualifier)
    assert lo == pytest.approx(interval[0]) and hi == pytest.approx(interval[1])


def test_unknown_qualifier_is_rejected():
    with pytest.raises(ValueError, match="unknown qualifier 'roughly'"):
        claims.quantity_interval(3, "roughly")


def test_national_total_above_a_cross_border_claim_is_partly_checkable():
    check = _check(CROSS_BORDER, figures=_years({2021: 400, 2022: 700}))
    assert check.verdict == "partly checkable"
    (evidence,) = check.evidence
    assert evidence.arithmetic == "2021: 400 + 2022: 700 = 1,100"
    assert (evidence.kind, evidence.outcome, evidence.complete) == ("ceiling", "compatible", True)
    assert check.window == "2021-01 to 2022-12"


def test_national_total_below_the_claim_is_inconsistent():
    check = _check(CROSS_BORDER, figures=_years({2021: 400, 2022: 600}))
    assert check.verdict == "inconsistent"
    assert check.evidence[0].outcome == "contradicts"
    assert check.reason.startswith("Contradicted by PICSS (national attacks")


def test_missing_months_never_count_as_zero():
    # 2022 has eleven months published summing to 600: 400 + 600 < 1051, but December is missing,
    # so the national total could still exceed the claim: not inconsistent.
    months = {f"2022-{m:02d}": 50 for m in range(1, 12)}
    months["2022-01"] = 100
    figures = pd.concat([_years({2021: 400}), _months(months)], ignore_index=True)
    check = _check(CROSS_BORDER, figures=figures)
    assert check.verdict == "not checkable with public data"
    (evidence,) = check.evidence
    assert not evidence.complete and evidence.outcome == "undetermined"
    assert "months missing: 2022-12" in evidence.arithmetic
    assert "leave months of the window missing" in check.reason


def test_incomplete_parts_above_the_claim_still_bound_it():
    months = {f"2022-{m:02d}": 100 for m in range(1, 12)}
    figures = pd.concat([_years({2021: 400}), _months(months)], ignore_index=True)
    check = _check(CROSS_BORDER, figures=figures)
    assert check.verdict == "partly checkable"
    assert check.evidence[0].value == 1500 and not check.evidence[0].complete


def test_monitors_disagreeing_give_partly_checkable():
    figures = pd.concat(
        [_years({2021: 400, 2022: 700}), _years({2021: 300, 2022: 300}, source="SATP")], ignore_index=True
    )
    check = _check(CROSS_BORDER, figures=figures)
    assert check.verdict == "partly checkable" and check.reason.startswith(
        "The sources disagree: contradicted by SATP"
    )


def test_window_total_prefers_published_longer_periods_and_names_restatements():
    figures = pd.concat(
        [
            _years({2021: 400}),
            _annual([("2021-01-01", "2021-12-31", "year", 410)]).assign(figure_id="restated"),
            _months({"2021-03": 30, "2022-01": 10, "2022-02": 20}),
            _annual([("2022-01-01", "2022-03-31", "quarter", 45)]).assign(figure_id="q"),
        ],
        ignore_index=True,
    )
    total = claims.window_total(figures, pd.Period("2021-01", "M"), pd.Period("2022-04", "M"))
    assert [p[:2] for p in total.pieces] == [("2021", 400), ("2022-Q1", 45)]
    assert total.pieces[0][2] == [410]
    assert [str(m) for m in total.missing] == ["2022-04"] and not total.complete


def test_proxies_are_shown_but_never_refute():
    figures = pd.concat(
        [
            _years({2021: 600, 2022: 700}),
            _years({2021: 100, 2022: 200}, region="Khyber Pakhtunkhwa"),
            _years({2021: 50, 2022: 60}, region="Balochistan"),
            _years({2021: 90, 2022: 80}, actor="TTP"),
            _years({2021: 5, 2022: 5}, region="Punjab"),
        ],
        ignore_index=True,
    )
    check = _check(CROSS_BORDER, figures=figures)
    proxies = [e for e in check.evidence if e.kind == "proxy"]
    assert [e.what.split(",")[0] for e in proxies] == [
        "attacks in border regions",
        "attacks claimed by Afghanistan-based groups",
    ]
    border = proxies[0]
    assert border.value == 410 and border.outcome == "undetermined"  # below the claim, no refutation
    assert "Balochistan [2021: 50 + 2022: 60 = 110]" in border.arithmetic
    assert "Punjab" not in border.arithmetic
    assert check.verdict == "partly checkable"  # the national total still bounds it


def test_log_count_meeting_the_claim_is_consistent():
    events = events_on(
        ["2022-01-05", "2022-03-05", "2022-06-01"], event_type="trilateral_meeting", initiator="China"
    )
    check = _check(
        {"claim_id": "china_mediation", "value": "3", "qualifier": "at least", "period_start": "2021-08"},
        events=events,
    )
    assert check.verdict == "consistent"
    assert check.evidence[0].outcome == "confirms"


def test_log_count_above_an_exact_claim_is_inconsistent():
    events = events_on([f"2022-0{m}-01" for m in range(1, 4)], event_type="jcc_meeting")
    check = _check({"claim_id": "jcc_meetings", "value": "2", "qualifier": "exactly"}, events=events)
    assert check.verdict == "inconsistent"


def test_a_thin_floor_is_not_a_check():
    events = events_on(["2022-11-13", "2022-12-20"], event_type="flag_meeting")
    check = _check({"claim_id": "flag_meetings", "value": "200"}, events=events)
    assert check.verdict == "not checkable with public data"
    assert "floor" in check.reason


def test_official_aggregates_floor_ceiling_and_direct():
    claim = {"claim_id": "flag_meetings", "value": "200", "period_start": "2021-08"}
    events = events_on(["2022-11-13"], event_type="flag_meeting")
    # a sub-period count of over 250 confirms "more than 200" for the whole window
    floor = _aggs([aggregate_row(period_start="2021-08", period_end="2022-06-30", value="250")])
    assert _check(claim, events, aggregates=floor).verdict == "consistent"
    # a count for a longer period of exactly 150 contradicts it
    ceiling = _aggs(
        [aggregate_row(period_start="2021-01", period_end="2023-06", value="150", qualifier="exactly")]
    )
    check = _check(claim, events, aggregates=ceiling)
    assert check.verdict == "inconsistent"
    assert [e.kind for e in check.evidence] == ["floor", "ceiling"]
    # the same window, "about 190": compatible but not confirming
    direct = _aggs(
        [aggregate_row(period_start="2021-08", period_end="2022-12-31", value="190", qualifier="about")]
    )
    check = _check(claim, events, aggregates=direct)
    assert check.evidence[1].kind == "direct" and check.verdict == "partly checkable"
    # another event type or a partly overlapping period is not compared
    other = _aggs(
        [
            aggregate_row(event_type="jcc_meeting", value="999"),
            aggregate_row(
                aggregate_id="x", period_start="2022-01", period_end="2024-01", source_url="https://x.org/"
            ),
        ]
    )
    check = _check(claim, events, aggregates=other, publication="2023-12")
    assert [e.kind for e in check.evidence] == ["floor", "context"]
    assert check.verdict == "not checkable with public data"


def test_aggregates_match_claims_by_keyword():
    aggregates = _aggs(
        [
            aggregate_row(
                event_type="other",
                value="250",
                scope_note="formal memorandums issued by the ISI",
                period_start="2021-08",
                period_end="2022-06",
            )
        ]
    )
    check = _check({"claim_id": "isi_memorandums", "value": "200"}, aggregates=aggregates)
    assert check.verdict == "consistent"
    protests = claims.matching_aggregates(
        _aggs([aggregate_row(event_type="protest_or_demarche", scope_note="demarches delivered")]),
        ("protest_or_demarche",),
        ("protest",),
    )
    assert protests.empty


def test_trend_claims():
    rising = _years({2021: 100, 2022: 200, 2023: 300})
    claim = {"claim_id": "engagement_without_effect", "qualifier": "qualitative", "period_start": "2021-01"}
    assert _check(claim, figures=rising, publication="2023-12").verdict == "partly checkable"
    falling = _years({2021: 300, 2022: 200, 2023: 100})
    assert _check(claim, figures=falling, publication="2023-12").verdict == "inconsistent"
    stopped = {"claim_id": "violence_not_stopped", "qualifier": "qualitative", "period_start": "2021-01"}
    assert _check(stopped, figures=rising, publication="2023-12").verdict == "consistent"
    assert (
        _check(stopped, figures=_years({2021: 10, 2022: 0}), publication="2023-12").verdict == "inconsistent"
    )
    assert _check(stopped, publication="2023-12").verdict == "not checkable with public data"


def test_fm_visits_are_picked_out_by_the_initiator_in_the_description():
    rows = [
        event_row(
            event_id=f"v{i}",
            date_start=d,
            date_end="",
            event_type="ministerial_visit",
            location="Kabul",
            description=desc,
        )
        for i, (d, desc) in enumerate(
            [
                (
                    "2022-01-01",
                    "Visit [initiator: Pakistan (DPM/FM Ishaq Dar); counterpart: Afghanistan (FM Muttaqi)]",
                ),
                (
                    "2022-02-01",
                    "Visit [initiator: Pakistan (Interior Min. Naqvi); counterpart: Afghanistan (FM Muttaqi)]",
                ),
            ]
        )
    ]
    events = schema.parse_engagement_events(text_frame(rows, schema.ENGAGEMENT_COLUMNS))
    check = _check({"claim_id": "fm_visits_kabul", "value": "1", "qualifier": "exactly"}, events=events)
    # one FM-led visit, not two; a floor equal to an exact claim fits it but cannot confirm it
    assert check.evidence[0].value == 1 and check.verdict == "partly checkable"


def test_markdown_escapes_text_from_data():
    rows = [{"claim_id": "flag_meetings", "value": "200", "quote": "<script>alert(1)</script>"}]
    check = claims.check_all(_claims(rows), events_on(["2022-01-01"]), EMPTY_FIGURES)[0]
    text = claims.claim_markdown(check, 1, "2025-08")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "**Verdict: not checkable with public data.**" in text
    summary = claims.verdicts_summary_markdown([check], "2025-08")
    assert "1 not checkable with public data" in summary


def test_bundled_claims_all_get_a_verdict_from_the_vocabulary():
    from analysis.sources import reference

    checks = claims.check_all(
        reference.load_article_claims(),
        reference.load_engagement_events(),
        reference.load_violence_figures(),
        reference.load_engagement_aggregates(),
    )
    assert len(checks) == 11 and {c.verdict for c in checks} <= set(claims.VERDICTS)
    cross = next(c for c in checks if c.claim_id == "cross_border_attacks")
    assert cross.verdict in ("partly checkable", "inconsistent")  # never "consistent": scope unpublished
    table = claims.verdict_table(checks)
    assert list(table.columns) == ["claim", "window", "evidence items", "verdict", "reason"]
