"""Validation of the canonical tables: every rejection names file, line, column, expectation."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema
from analysis.errors import DataValidationError
from analysis.sources.reference import load_engagement_events, load_violence_figures, read_text_csv
from conftest import event_row, text_frame, violence_row


def _problems(parse, frame, source="data.csv"):
    with pytest.raises(DataValidationError) as info:
        parse(frame, source=source)
    return info.value.problems


def test_valid_tables_parse_to_types(violence_text, events_text):
    figures = schema.parse_violence_figures(violence_text([violence_row()]))
    assert figures["value"].dtype == "int64"
    assert figures.loc[0, "period_end"].day == 31
    events = schema.parse_engagement_events(
        events_text(
            [
                event_row(),
                event_row(event_id="m", date_start="2022-03", date_end="", date_precision="month"),
            ]
        )
    )
    assert events.loc[1, "date_start"].strftime("%Y-%m-%d") == "2022-03-01"
    assert events["date_end"].isna().sum() == 1


@pytest.mark.parametrize("table", ["violence", "events"])
def test_missing_source_url_is_rejected(table, violence_text, events_text):
    if table == "violence":
        problems = _problems(
            schema.parse_violence_figures,
            violence_text([violence_row(), violence_row(figure_id="b", source_url="")]),
        )
    else:
        problems = _problems(
            schema.parse_engagement_events, events_text([event_row(), event_row(event_id="b", source_url="")])
        )
    assert any("data.csv: line 3, column 'source_url'" in p and "expected" in p for p in problems)


def test_missing_quote_on_published_figure_is_rejected(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(source_quote="")]))
    assert any("line 2, column 'source_quote'" in p for p in problems)


def test_derived_rows_need_a_source_but_no_quote(violence_text):
    figures = schema.parse_violence_figures(
        violence_text([violence_row(basis="derived_from_events", source_url="ged.csv", source_quote="")])
    )
    assert len(figures) == 1


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13-01", "01/02/2023", "soon", ""])
def test_unparseable_or_impossible_period_date_is_rejected(bad, violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(period_start=bad)]))
    assert any(
        "line 2, column 'period_start': expected a real date written YYYY-MM-DD" in p for p in problems
    )


@pytest.mark.parametrize("bad", ["2023-02-29", "2023-1-5", "yesterday"])
def test_unparseable_or_impossible_event_date_is_rejected(bad, events_text):
    problems = _problems(
        schema.parse_engagement_events, events_text([event_row(date_start=bad, date_end="")])
    )
    assert any("line 2, column 'date_start'" in p and "YYYY-MM-DD" in p for p in problems)


def test_month_precision_requires_month_form(events_text):
    problems = _problems(schema.parse_engagement_events, events_text([event_row(date_precision="month")]))
    assert any("column 'date_start'" in p for p in problems)


def test_period_end_before_start_is_rejected(violence_text):
    problems = _problems(
        schema.parse_violence_figures,
        violence_text([violence_row(period_start="2023-02-01", period_end="2023-01-31")]),
    )
    assert problems == [
        "data.csv: line 2, column 'period_end': expected a period_end on or after "
        "period_start; found '2023-01-31'"
    ]


def test_event_end_before_start_is_rejected(events_text):
    problems = _problems(
        schema.parse_engagement_events,
        events_text([event_row(date_start="2023-01-10", date_end="2023-01-09")]),
    )
    assert any("column 'date_end': expected a date_end on or after date_start" in p for p in problems)


@pytest.mark.parametrize("bad", ["-3", "4.5", "many", ""])
def test_negative_or_non_count_value_is_rejected(bad, violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(value=bad)]))
    assert any("line 2, column 'value': expected a non-negative whole number" in p for p in problems)


def test_unknown_event_type_is_rejected(events_text):
    problems = _problems(schema.parse_engagement_events, events_text([event_row(event_type="tea_party")]))
    assert len(problems) == 1
    assert "line 2, column 'event_type': expected one of: ministerial_visit" in problems[0]
    assert "found 'tea_party'" in problems[0]


def test_unknown_measure_is_rejected(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(measure="killed")]))
    assert "column 'measure': expected one of: attacks" in problems[0]


def test_event_derived_measures_are_refused_on_published_rows(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(measure="deaths")]))
    assert "column 'measure': expected a published measure" in problems[0]
    derived = violence_row(
        measure="deaths",
        basis="derived_from_events",
        source_quote="",
        source_url="https://ucdp.uu.se/downloads/",
    )
    assert schema.parse_violence_figures(violence_text([derived]))["value"].iloc[0] == 44


def test_derived_rows_need_no_verbatim_quote_but_published_rows_do(violence_text):
    derived = violence_row(basis="derived_from_events", source_quote="")
    assert len(schema.parse_violence_figures(violence_text([derived]))) == 1
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(source_quote="")]))
    assert "column 'source_quote'" in problems[0]


@pytest.mark.parametrize("table", ["violence", "events"])
def test_duplicate_id_is_rejected(table, violence_text, events_text):
    if table == "violence":
        problems = _problems(
            schema.parse_violence_figures, violence_text([violence_row(), violence_row(value="45")])
        )
        column = "figure_id"
    else:
        problems = _problems(schema.parse_engagement_events, events_text([event_row(), event_row()]))
        column = "event_id"
    assert any(f"line 3, column '{column}': expected a unique value" in p for p in problems)


def test_all_problems_reported_at_once_in_file_order(violence_text):
    problems = _problems(
        schema.parse_violence_figures,
        violence_text(
            [
                violence_row(),
                violence_row(figure_id="b", value="-1", source_url="https://b.org/"),
                violence_row(figure_id="c", measure="x"),
            ]
        ),
    )
    assert [p.split(",")[0] for p in problems] == ["data.csv: line 3", "data.csv: line 4"]


def test_missing_column_names_file_and_column(tmp_path, violence_text):
    frame = violence_text([violence_row()]).drop(columns=["source_url"])
    path = tmp_path / "figures.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as info:
        load_violence_figures(path)
    message = str(info.value)
    assert str(path) in message and "missing column(s) source_url" in message


def test_loader_names_the_file_and_line(tmp_path, events_text):
    path = tmp_path / "events.csv"
    events_text([event_row(), event_row(event_id="x", event_type="picnic")]).to_csv(path, index=False)
    with pytest.raises(DataValidationError) as info:
        load_engagement_events(path)
    assert f"{path}: line 3, column 'event_type'" in str(info.value)


def test_empty_and_non_utf8_files_are_rejected(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataValidationError, match="empty"):
        read_text_csv(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,b\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataValidationError, match=r"line 2: byte 0xe9 is not UTF-8"):
        read_text_csv(latin)


def test_multi_source_quotes_are_checked_per_source():
    long_part = "x" * 390
    assert schema.quote_ok(f"[1] {long_part} [2] {long_part}")
    assert not schema.quote_ok("y" * 401)
    assert schema.urls_ok("https://a.org/1 ; https://b.org/2")
    assert not schema.urls_ok("https://a.org/1; not a url")


# --------------------------------------------------------------------------
# Duplicates, future periods, aggregates
# --------------------------------------------------------------------------

from datetime import date  # noqa: E402

from conftest import aggregate_row  # noqa: E402

TODAY = date(2024, 6, 15)


def test_same_figure_from_the_same_page_twice_is_a_duplicate(violence_text):
    problems = _problems(
        schema.parse_violence_figures,
        violence_text([violence_row(), violence_row(figure_id="PICSS-2023-01-attacks-b")]),
    )
    assert problems == [
        "data.csv: line 3, column 'source_url': expected no second row for the same source_org, "
        "period_start, period_end, granularity, region, actor and measure citing the same page "
        "(this repeats line 2; rows from different pages are kept); "
        "found 'https://example.org/report'"
    ]


def test_different_value_from_the_same_page_is_a_duplicate(violence_text):
    problems = _problems(
        schema.parse_violence_figures,
        violence_text(
            [
                violence_row(),
                violence_row(
                    figure_id="b", value="45", source_url="https://other.org/x ; https://example.org/report"
                ),
            ]
        ),
    )
    assert len(problems) == 1 and "line 3, column 'source_url'" in problems[0]
    assert "repeats line 2" in problems[0]


def test_rows_from_different_pages_are_kept_as_disagreement_or_corroboration(violence_text):
    figures = schema.parse_violence_figures(
        violence_text(
            [
                violence_row(),
                violence_row(figure_id="b", value="45", source_url="https://other.org/a"),  # disagreement
                violence_row(figure_id="c", value="44", source_url="https://third.org/b"),  # corroboration
            ]
        )
    )
    assert figures["value"].tolist() == [44, 45, 44]


@pytest.mark.parametrize(
    "column,value",
    [
        ("measure", "fatalities"),
        ("region", "Balochistan"),
        ("actor", "TTP"),
        ("granularity", "span"),
        ("source_org", "PIPS"),
    ],
)
def test_rows_differing_in_identity_are_not_duplicates(column, value, violence_text):
    figures = schema.parse_violence_figures(
        violence_text([violence_row(), violence_row(figure_id="b", **{column: value})])
    )
    assert len(figures) == 2


def test_figure_for_a_period_not_yet_ended_is_rejected(violence_text):
    rows = [
        violence_row(period_start="2024-06-01", period_end="2024-06-30", source_date="2024-06-30"),
        violence_row(figure_id="ok", period_start="2024-05-01", period_end="2024-05-31"),
    ]
    problems = _problems(
        lambda f, source: schema.parse_violence_figures(f, source, today=TODAY), violence_text(rows)
    )
    assert problems == [
        "data.csv: line 2, column 'period_end': expected a date on or before today "
        "(2024-06-15); a period that has not ended cannot have a published figure; "
        "found '2024-06-30'",
        "data.csv: line 2, column 'source_date': expected publication dates on or "
        "before today (2024-06-15); found '2024-06-30'",
    ]
    # The same row passes once the period has ended.
    assert len(schema.parse_violence_figures(violence_text(rows), today=date(2024, 7, 1))) == 2


def test_event_dated_after_today_is_rejected(events_text):
    frame = events_text(
        [
            event_row(date_start="2024-06-16", date_end="", source_date="2024-06-16"),
            event_row(
                event_id="m",
                date_start="2024-06",
                date_end="",
                date_precision="month",
                source_date="2024-06-15",
            ),
        ]
    )
    problems = _problems(lambda f, source: schema.parse_engagement_events(f, source, today=TODAY), frame)
    assert len(problems) == 2
    assert problems[0].startswith(
        "data.csv: line 2, column 'date_start': expected a date on or before today (2024-06-15)"
    )
    assert problems[0].endswith("found '2024-06-16'")
    assert problems[1].startswith(
        "data.csv: line 2, column 'source_date': expected publication dates on or before today"
    )


def test_bundled_data_pass_the_new_rules():
    """The shipped tables have no duplicates, no future periods, no end before start."""
    assert len(load_violence_figures()) > 0 and len(load_engagement_events()) > 0


def _aggregates(rows, today=TODAY):
    frame = text_frame(rows, schema.AGGREGATE_COLUMNS)
    return schema.parse_engagement_aggregates(frame, source="agg.csv", today=today)


def _aggregate_problems(rows):
    with pytest.raises(DataValidationError) as info:
        _aggregates(rows)
    return info.value.problems


def test_aggregates_parse_month_and_day_periods():
    table = _aggregates(
        [
            aggregate_row(),
            aggregate_row(
                aggregate_id="b",
                period_start="2021-08-15",
                period_end="2023-12",
                event_type="other",
                qualifier="about",
            ),
        ]
    )
    assert table["value"].dtype == "int64"
    assert table.loc[0, "period_start"].strftime("%Y-%m-%d") == "2021-01-01"
    assert table.loc[1, "period_end"].strftime("%Y-%m-%d") == "2023-12-31"


def test_empty_aggregates_table_is_valid():
    assert _aggregates([]).empty


@pytest.mark.parametrize(
    "column,bad,expected",
    [
        ("event_type", "tea_party", "expected one of: ministerial_visit"),
        ("qualifier", "more than", "expected one of: exactly, over, about, at_least, up_to"),
        ("value", "200+", "expected a non-negative whole number"),
        ("period_start", "2021", "expected a real date written YYYY-MM-DD or YYYY-MM"),
        ("source_url", "", "expected one or more http(s) addresses"),
        ("source_quote", "", "expected a verbatim quote"),
    ],
)
def test_bad_aggregate_cells_are_rejected(column, bad, expected):
    problems = _aggregate_problems([aggregate_row(**{column: bad})])
    assert any(p.startswith(f"agg.csv: line 2, column '{column}': {expected}") for p in problems), problems


def test_aggregate_end_before_start_future_and_duplicates_are_rejected():
    problems = _aggregate_problems(
        [
            aggregate_row(),
            aggregate_row(aggregate_id="b", value="210"),  # same page, same identity
            aggregate_row(
                aggregate_id="c",
                period_start="2023-05",
                period_end="2023-04",
                source_url="https://else.org/1",
            ),
            aggregate_row(aggregate_id="d", period_end="2024-07-01", source_url="https://else.org/2"),
        ]
    )
    assert [p.split(": expected")[0] for p in problems] == [
        "agg.csv: line 3, column 'source_url'",
        "agg.csv: line 4, column 'period_end'",
        "agg.csv: line 5, column 'period_end'",
    ]
    assert "on or after period_start" in problems[1] and "on or before today" in problems[2]


# --------------------------------------------------------------------------
# Dated sources (issue 13)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2023-02-30", "02/01/2023", "2023-02-01, 2023-02-02", " ; "])
def test_source_date_must_be_real_dates(bad, violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(source_date=bad)]))
    assert any(
        "line 2, column 'source_date': expected empty, or real dates written YYYY-MM-DD" in p
        for p in problems
    )


def test_source_date_needs_one_date_per_address(violence_text, events_text):
    two_pages = "https://a.org/1 ; https://b.org/2"
    problems = _problems(
        schema.parse_violence_figures,
        violence_text([violence_row(source_url=two_pages, source_date="2023-02-01")]),
    )
    assert any("column 'source_date': expected one publication date per address" in p for p in problems)
    assert (
        len(
            schema.parse_violence_figures(
                violence_text([violence_row(source_url=two_pages, source_date="2023-02-01 ; 2023-02-03")])
            )
        )
        == 1
    )
    problems = _problems(
        schema.parse_engagement_events,
        events_text([event_row(source_url=two_pages, source_date="2023-01-10 ; 2023-01-11 ; 2023-01-12")]),
    )
    assert any("line 2, column 'source_date': expected one publication date" in p for p in problems)


def test_empty_source_date_needs_the_not_established_note(violence_text, events_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(source_date="")]))
    assert problems == [
        "data.csv: line 2, column 'source_date': expected the publication date of "
        "every cited page; a date may be left empty only when scope_note says "
        "'publication date not established'; found ''"
    ]
    noted = violence_row(
        source_date="", scope_note="attacks; publication date not established (page not found)"
    )
    assert len(schema.parse_violence_figures(violence_text([noted]))) == 1
    # one unknown date of two needs the note too
    partly = event_row(source_url="https://a.org/1 ; https://b.org/2", source_date="2023-01-10 ; ")
    assert any(
        "column 'source_date'" in p for p in _problems(schema.parse_engagement_events, events_text([partly]))
    )
    partly["date_note"] = "publication date not established for [2]"
    assert len(schema.parse_engagement_events(events_text([partly]))) == 1
    # rows derived from event data have no page to date
    derived = violence_row(basis="derived_from_events", source_url="ged.csv", source_quote="", source_date="")
    assert len(schema.parse_violence_figures(violence_text([derived]))) == 1


def test_source_published_after_today_is_rejected(violence_text):
    problems = _problems(
        lambda f, source: schema.parse_violence_figures(f, source, today=TODAY),
        violence_text([violence_row(source_date="2024-06-16")]),
    )
    assert problems == [
        "data.csv: line 2, column 'source_date': expected publication dates on or "
        "before today (2024-06-15); found '2024-06-16'"
    ]


def test_figure_whose_period_ends_after_publication_is_rejected(violence_text):
    """A year counted "so far" on 29 December is not the whole year."""
    year = dict(period_start="2025-01-01", period_end="2025-12-31", granularity="year")
    problems = _problems(
        schema.parse_violence_figures, violence_text([violence_row(**year, source_date="2025-12-29")])
    )
    assert problems == [
        "data.csv: line 2, column 'period_end': expected a period_end on or before "
        "the earliest source_date (or, for granularity to_date, equal to it) "
        "(granularity year, source_date '2025-12-29'); found '2025-12-31'"
    ]
    # the earliest of several pages decides
    problems = _problems(
        schema.parse_violence_figures,
        violence_text(
            [
                violence_row(
                    **year,
                    source_url="https://a.org/1 ; https://b.org/2",
                    source_date="2026-01-02 ; 2025-12-29",
                )
            ]
        ),
    )
    assert len(problems) == 1 and "column 'period_end'" in problems[0]
    # published after the year: fine
    assert (
        len(schema.parse_violence_figures(violence_text([violence_row(**year, source_date="2026-01-01")])))
        == 1
    )


def test_to_date_figure_ends_on_its_publication_day(violence_text):
    to_date = dict(period_start="2025-01-01", granularity="to_date")
    ok = violence_row(**to_date, period_end="2025-12-29", source_date="2025-12-29")
    assert len(schema.parse_violence_figures(violence_text([ok]))) == 1
    early = violence_row(**to_date, period_end="2025-12-20", source_date="2025-12-29")
    problems = _problems(schema.parse_violence_figures, violence_text([early]))
    assert len(problems) == 1 and "line 2, column 'period_end'" in problems[0]
    undated = violence_row(
        **to_date, period_end="2025-12-29", source_date="", scope_note="publication date not established"
    )
    problems = _problems(schema.parse_violence_figures, violence_text([undated]))
    assert len(problems) == 1 and "granularity to_date" in problems[0]


def test_event_dated_after_its_earliest_source_is_rejected(events_text):
    late = event_row(
        date_start="2023-05-06",
        date_end="",
        source_url="https://a.org/1 ; https://b.org/2",
        source_date="2023-05-07 ; 2023-05-05",
    )
    problems = _problems(schema.parse_engagement_events, events_text([late]))
    assert problems == [
        "data.csv: line 2, column 'date_start': expected an event no later than its "
        "earliest source's publication date (or 'announced in advance' in "
        "date_note) (earliest source_date 2023-05-05); found '2023-05-06'"
    ]
    late["date_note"] = "Announced in advance: [2] announces the dialogue for May 6."
    assert len(schema.parse_engagement_events(events_text([late]))) == 1
    # a month-precision event counts from the first of its month
    month = event_row(date_start="2023-05", date_precision="month", date_end="", source_date="2023-05-02")
    assert len(schema.parse_engagement_events(events_text([month]))) == 1


def test_earliest_source_date_skips_unknown_entries():
    assert schema.earliest_source_date("2023-05-07 ;  ; 2023-05-05") == pd.Timestamp("2023-05-05")
    assert schema.earliest_source_date("") is None
