"""Validation of the canonical tables: every rejection names file, line, column, expectation."""

from __future__ import annotations

import pytest

from analysis import schema
from analysis.errors import DataValidationError
from analysis.sources.reference import load_engagement_events, load_violence_figures, read_text_csv
from conftest import event_row, violence_row


def _problems(parse, frame, source="data.csv"):
    with pytest.raises(DataValidationError) as info:
        parse(frame, source=source)
    return info.value.problems


def test_valid_tables_parse_to_types(violence_text, events_text):
    figures = schema.parse_violence_figures(violence_text([violence_row()]))
    assert figures["value"].dtype == "int64"
    assert figures.loc[0, "period_end"].day == 31
    events = schema.parse_engagement_events(events_text([
        event_row(),
        event_row(event_id="m", date_start="2022-03", date_end="", date_precision="month"),
    ]))
    assert events.loc[1, "date_start"].strftime("%Y-%m-%d") == "2022-03-01"
    assert events["date_end"].isna().sum() == 1


@pytest.mark.parametrize("table", ["violence", "events"])
def test_missing_source_url_is_rejected(table, violence_text, events_text):
    if table == "violence":
        problems = _problems(schema.parse_violence_figures,
                             violence_text([violence_row(), violence_row(figure_id="b", source_url="")]))
    else:
        problems = _problems(schema.parse_engagement_events,
                             events_text([event_row(), event_row(event_id="b", source_url="")]))
    assert any("data.csv: line 3, column 'source_url'" in p and "expected" in p for p in problems)


def test_missing_quote_on_published_figure_is_rejected(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(source_quote="")]))
    assert any("line 2, column 'source_quote'" in p for p in problems)


def test_derived_rows_need_a_source_but_no_quote(violence_text):
    figures = schema.parse_violence_figures(violence_text([violence_row(
        basis="derived_from_events", source_url="ged.csv", source_quote="")]))
    assert len(figures) == 1


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13-01", "01/02/2023", "soon", ""])
def test_unparseable_or_impossible_period_date_is_rejected(bad, violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(period_start=bad)]))
    assert any("line 2, column 'period_start': expected a real date written YYYY-MM-DD" in p
               for p in problems)


@pytest.mark.parametrize("bad", ["2023-02-29", "2023-1-5", "yesterday"])
def test_unparseable_or_impossible_event_date_is_rejected(bad, events_text):
    problems = _problems(schema.parse_engagement_events, events_text([event_row(date_start=bad, date_end="")]))
    assert any("line 2, column 'date_start'" in p and "YYYY-MM-DD" in p for p in problems)


def test_month_precision_requires_month_form(events_text):
    problems = _problems(schema.parse_engagement_events,
                         events_text([event_row(date_precision="month")]))
    assert any("column 'date_start'" in p for p in problems)


def test_period_end_before_start_is_rejected(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(
        period_start="2023-02-01", period_end="2023-01-31")]))
    assert problems == ["data.csv: line 2, column 'period_end': expected a period_end on or after "
                        "period_start; found '2023-01-31'"]


def test_event_end_before_start_is_rejected(events_text):
    problems = _problems(schema.parse_engagement_events,
                         events_text([event_row(date_start="2023-01-10", date_end="2023-01-09")]))
    assert any("column 'date_end': expected a date_end on or after date_start" in p for p in problems)


@pytest.mark.parametrize("bad", ["-3", "4.5", "many", ""])
def test_negative_or_non_count_value_is_rejected(bad, violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(value=bad)]))
    assert any("line 2, column 'value': expected a non-negative whole number" in p for p in problems)


def test_unknown_event_type_is_rejected(events_text):
    problems = _problems(schema.parse_engagement_events,
                         events_text([event_row(event_type="tea_party")]))
    assert len(problems) == 1
    assert "line 2, column 'event_type': expected one of: ministerial_visit" in problems[0]
    assert "found 'tea_party'" in problems[0]


def test_unknown_measure_is_rejected(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(measure="killed")]))
    assert "column 'measure': expected one of: attacks" in problems[0]


def test_event_derived_measures_are_refused_on_published_rows(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([violence_row(measure="deaths")]))
    assert "column 'measure': expected a published measure" in problems[0]
    derived = violence_row(measure="deaths", basis="derived_from_events", source_quote="",
                           source_url="https://ucdp.uu.se/downloads/")
    assert schema.parse_violence_figures(violence_text([derived]))["value"].iloc[0] == 44


def test_derived_rows_need_no_verbatim_quote_but_published_rows_do(violence_text):
    derived = violence_row(basis="derived_from_events", source_quote="")
    assert len(schema.parse_violence_figures(violence_text([derived]))) == 1
    problems = _problems(schema.parse_violence_figures,
                         violence_text([violence_row(source_quote="")]))
    assert "column 'source_quote'" in problems[0]


@pytest.mark.parametrize("table", ["violence", "events"])
def test_duplicate_id_is_rejected(table, violence_text, events_text):
    if table == "violence":
        problems = _problems(schema.parse_violence_figures,
                             violence_text([violence_row(), violence_row(value="45")]))
        column = "figure_id"
    else:
        problems = _problems(schema.parse_engagement_events, events_text([event_row(), event_row()]))
        column = "event_id"
    assert any(f"line 3, column '{column}': expected a unique value" in p for p in problems)


def test_all_problems_reported_at_once_in_file_order(violence_text):
    problems = _problems(schema.parse_violence_figures, violence_text([
        violence_row(), violence_row(figure_id="b", value="-1"), violence_row(figure_id="c", measure="x")]))
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
