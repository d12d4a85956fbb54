"""The two canonical tables, their vocabularies, and validation.

Everything the package reads is converted into one of two tables:

* **engagement events**: one row per dated Pakistan–Afghanistan event
  (:data:`ENGAGEMENT_COLUMNS`);
* **violence figures**: long format, one measure per row
  (:data:`VIOLENCE_COLUMNS`);
* **engagement aggregates**: official counts of engagement events over a
  period, e.g. "N flag meetings since 2021" (:data:`AGGREGATE_COLUMNS`).

Validation uses pandera and runs on the *text* of a table (as read from CSV,
every cell a string), so that an impossible date or a negative count is caught
before any conversion. Every problem is reported with the file, the CSV line,
the column and what was expected, in a single :class:`DataValidationError`.
:func:`parse_engagement_events`, :func:`parse_violence_figures` and
:func:`parse_engagement_aggregates` validate and then return typed tables.

Besides cell checks, these rules run across rows:

* **dated sources**: ``source_date`` holds the publication date of each page
  in ``source_url`` (``YYYY-MM-DD``, separated by `` ; `` in the same order);
  a date may be empty only when the row's note (``scope_note`` of a figure,
  ``date_note`` of an event) says "publication date not established", or on
  a figure derived from event data; no date lies after ``today``;
* **published after the period**: a figure's ``period_end`` is on or before
  its earliest ``source_date``, except a running "to date" count
  (``granularity`` ``to_date``), whose ``period_end`` is that very day; an
  event's ``date_start`` is on or before its earliest ``source_date``, unless
  ``date_note`` says the event was "announced in advance";

* **no period in the future**: a figure whose ``period_end``, an event whose
  ``date_start`` or an aggregate whose ``period_end`` lies after ``today``
  (a parameter, default :func:`datetime.date.today`, so tests are
  deterministic) is rejected;
* **no end before the start** (``period_end``/``date_end``);
* **no duplicate figure**: a second violence row for the same
  ``source_org``, ``period_start``, ``period_end``, ``granularity``,
  ``region``, ``actor`` and ``measure`` that cites a page (``source_url``
  address) the first row already cites. One page read twice for one quantity
  is a duplicate whether or not the two values agree. Two rows from
  *different* pages are kept: with different values they are a documented
  disagreement, with the same value a corroboration (data/README.md,
  sections 1 and 5). Aggregates follow the same rule on ``source_org``,
  period and ``event_type``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterable

import pandas as pd
import pandera.pandas as pa

from analysis.errors import DataValidationError

# --------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------

#: Controlled vocabulary of ``event_type`` (documented in data/README.md).
EVENT_TYPES: tuple[str, ...] = (
    "ministerial_visit",
    "special_envoy_visit",
    "jcc_meeting",
    "trilateral_meeting",
    "other_bilateral_meeting",
    "mediated_talks",
    "phone_call",
    "protest_or_demarche",
    "flag_meeting",
    "border_closure",
    "border_reopening",
    "agreement",
    "ceasefire",
    "border_clash",
    "airstrike",
    "trade_suspension",
    "refugee_policy",
)
EVENT_CATEGORIES: tuple[str, ...] = ("engagement", "security", "policy")
DATE_PRECISIONS: tuple[str, ...] = ("day", "month")

#: Measures of the violence table. ``fatalities`` are people killed in militant
#: attacks; ``combat_deaths`` add deaths in security-force operations
#: (militants included). The two are never substituted for each other.
#: ``events``, ``deaths``, ``deaths_low`` and ``deaths_high`` are derived from
#: event data by the adapters: number of events; UCDP GED ``best`` (ACLED
#: ``fatalities``); UCDP GED ``low`` and ``high``.
MEASURES: tuple[str, ...] = (
    "attacks",
    "incidents",
    "fatalities",
    "combat_deaths",
    "injured",
    "civilians_killed",
    "security_forces_killed",
    "militants_killed",
    "events",
    "deaths",
    "deaths_low",
    "deaths_high",
)
#: Measures only computed from event data (``basis`` ``derived_from_events``):
#: a monitor's published total is filed under one of the other measures.
DERIVED_MEASURES: tuple[str, ...] = ("events", "deaths", "deaths_low", "deaths_high")
#: ``span`` is any other multi-month period (e.g. January–September).
#: ``to_date`` is a running count from ``period_start`` to the day its source
#: was published ("so far this year"): its ``period_end`` is that day, the
#: row's earliest ``source_date``.
GRANULARITIES: tuple[str, ...] = ("day", "month", "quarter", "half", "year", "span", "to_date")
#: ``published``: a total a monitor published. ``derived_from_events``: the
#: package aggregated event-level data (UCDP GED, ACLED) to the period.
BASES: tuple[str, ...] = ("published", "derived_from_events")

ENGAGEMENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "date_start",
    "date_end",
    "date_precision",
    "event_type",
    "category",
    "initiator",
    "counterpart",
    "third_party",
    "location",
    "description",
    "source_url",
    "source_quote",
    "source_date",
    "date_note",
)
VIOLENCE_COLUMNS: tuple[str, ...] = (
    "figure_id",
    "source_org",
    "period_start",
    "period_end",
    "granularity",
    "region",
    "actor",
    "measure",
    "value",
    "scope_note",
    "source_url",
    "source_quote",
    "source_date",
    "basis",
)
CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "quantity",
    "value",
    "qualifier",
    "period_start",
    "period_end",
    "category",
    "quote",
    "source",
)

#: Official aggregate counts of engagement events (``engagement_aggregates.csv``).
AGGREGATE_COLUMNS: tuple[str, ...] = (
    "aggregate_id",
    "source_org",
    "period_start",
    "period_end",
    "event_type",
    "value",
    "qualifier",
    "scope_note",
    "source_url",
    "source_quote",
)
#: ``event_type`` of an aggregate: the engagement vocabulary, or ``other`` for
#: counts no event type fits (e.g. intelligence memorandums).
AGGREGATE_EVENT_TYPES: tuple[str, ...] = EVENT_TYPES + ("other",)
#: How the official statement words its number: ``exactly`` (a plain number),
#: ``over`` ("more than", "over"), ``about`` ("around", "nearly"),
#: ``at_least`` ("at least"), ``up_to`` ("up to", "as many as").
AGGREGATE_QUALIFIERS: tuple[str, ...] = ("exactly", "over", "about", "at_least", "up_to")

#: Columns that identify what a violence figure measures; two rows that agree
#: on all of them and cite the same page are duplicates.
VIOLENCE_IDENTITY: tuple[str, ...] = (
    "source_org",
    "period_start",
    "period_end",
    "granularity",
    "region",
    "actor",
    "measure",
)
AGGREGATE_IDENTITY: tuple[str, ...] = ("source_org", "period_start", "period_end", "event_type")

#: Longest verbatim quote accepted, in characters. Multi-source rows join
#: labelled quotes ([1], [2]), so the limit applies per source.
MAX_QUOTE_CHARS = 400

#: Words a note (``scope_note`` of a figure, ``date_note`` of an event) must
#: contain for a row whose ``source_date`` (or one of its dates) is empty.
DATE_NOT_ESTABLISHED = "publication date not established"
#: Separator of several addresses in ``source_url`` and of their dates in
#: ``source_date``.
SOURCE_SEPARATOR = " ; "

_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
_COUNT_RE = re.compile(r"^\d+$")
_URL_RE = re.compile(r"^https?://\S+$")


# --------------------------------------------------------------------------
# Element checks (pure functions on one cell's text)
# --------------------------------------------------------------------------


def is_day_date(text: object) -> bool:
    """True if ``text`` is a real calendar date written ``YYYY-MM-DD``."""
    if isinstance(text, (pd.Timestamp, date)):
        return True
    text = str(text)
    if not _DAY_RE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_month_date(text: object) -> bool:
    """True if ``text`` is a real month written ``YYYY-MM``."""
    text = str(text)
    if not _MONTH_RE.match(text):
        return False
    return 1 <= int(text[5:7]) <= 12


def is_count(text: object) -> bool:
    """True if ``text`` is a non-negative whole number."""
    if isinstance(text, (int,)) and not isinstance(text, bool):
        return text >= 0
    return bool(_COUNT_RE.match(str(text).strip()))


def urls_ok(text: object) -> bool:
    """True if ``text`` holds one or more http(s) addresses separated by `` ; ``."""
    text = str(text).strip()
    if not text:
        return False
    return all(_URL_RE.match(part.strip()) for part in text.split(" ; "))


def source_dates(text: object) -> list[str]:
    """The dates of ``source_date``, one per address, in ``source_url`` order.

    ``""`` (no date at all) gives ``[]``; an unknown date inside a list is
    ``""`` (e.g. ``"2023-01-02 ; "``).
    """
    text = str(text)
    if not text.strip():
        return []
    return [part.strip() for part in text.split(SOURCE_SEPARATOR.strip())]


def source_dates_ok(text: object) -> bool:
    """True if ``text`` is empty or real ``YYYY-MM-DD`` dates separated by `` ; ``
    (an entry may be empty when that page's date is not established)."""
    dates = source_dates(text)
    return all(d == "" or is_day_date(d) for d in dates) and (not dates or any(dates))


def earliest_source_date(text: object) -> pd.Timestamp | None:
    """Earliest established date of a ``source_date`` cell, or ``None``."""
    known = [pd.Timestamp(d) for d in source_dates(text) if d and is_day_date(d)]
    return min(known) if known else None


def quote_ok(text: object) -> bool:
    """True if ``text`` is a non-empty quote whose parts are each ≤ 400 characters."""
    text = str(text).strip()
    if not text:
        return False
    parts = re.split(r"\s*\[\d+\]\s*", text)
    return all(len(part) <= MAX_QUOTE_CHARS for part in parts)


def _date_fits_precision(row: pd.Series, column: str) -> bool:
    value = row[column]
    if column == "date_end":  # may be empty, or known more precisely than the start
        return str(value) == "" or is_day_date(value) or is_month_date(value)
    if row["date_precision"] == "month":
        return is_month_date(value)
    return is_day_date(value)


def _to_start(text: str) -> pd.Timestamp:
    """Start instant of a day (``YYYY-MM-DD``) or month (``YYYY-MM``) text date."""
    return pd.Timestamp(text + "-01") if _MONTH_RE.match(text) else pd.Timestamp(text)


def _to_end(text: str) -> pd.Timestamp:
    """Last day of a day or month text date."""
    if _MONTH_RE.match(text):
        return pd.Timestamp(text + "-01") + pd.offsets.MonthEnd(0)
    return pd.Timestamp(text)


def _end_not_before_start(df: pd.DataFrame, start: str, end: str) -> pd.Series:
    result = pd.Series(True, index=df.index)
    for idx, row in df.iterrows():
        s, e = str(row[start]), str(row[end])
        if not e:
            continue
        if not ((is_day_date(s) or is_month_date(s)) and (is_day_date(e) or is_month_date(e))):
            continue  # reported by the date checks
        result[idx] = _to_end(e) >= _to_start(s)
    return result


# --------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------

_NON_EMPTY = pa.Check(lambda s: s.str.strip() != "", error="a non-empty value")


def _vocab(values: Iterable[str]) -> pa.Check:
    values = tuple(values)
    return pa.Check.isin(values, error="one of: " + ", ".join(values))


def _text(*checks: pa.Check, unique: bool = False) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=False, unique=unique)


class RowRule:
    """A check across several columns (or rows), reported against one column.

    Parameters
    ----------
    column : str
        Column named in the error message.
    expected : str
        What was expected, in words.
    passes : callable
        ``passes(table) -> pandas.Series`` of bool, one per row.
    explain : callable, optional
        ``explain(table) -> pandas.Series`` of str: text appended to
        ``expected`` for a failing row (e.g. which earlier line it repeats).
    """

    def __init__(self, column: str, expected: str, passes, explain=None):
        self.column = column
        self.expected = expected
        self.passes = passes
        self.explain = explain


def _url_set(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in str(text).split(" ; ") if part.strip())


def duplicate_of(table: pd.DataFrame, identity: Iterable[str]) -> pd.Series:
    """For each row, the index of an earlier row it duplicates, or -1.

    A row duplicates an earlier one when they agree on every ``identity``
    column (compared as stripped text) and share at least one
    ``source_url`` address: the same page read twice for the same quantity.
    Rows from different pages are never duplicates (a different value is a
    disagreement, the same value a corroboration; both are kept).

    Parameters
    ----------
    table : pandas.DataFrame
        Text table with the ``identity`` columns and ``source_url``.
    identity : iterable of str

    Returns
    -------
    pandas.Series
        Integer, aligned with ``table``.
    """
    identity = list(identity)
    result = pd.Series(-1, index=table.index, dtype="int64")
    if table.empty:
        return result
    keys = table[identity].astype(str).apply(lambda col: col.str.strip())
    for _, group in keys.groupby(identity, sort=False):
        if len(group) < 2:
            continue
        seen: list[tuple[object, frozenset[str]]] = []
        for idx in group.index:
            urls = _url_set(table.at[idx, "source_url"])
            for earlier, earlier_urls in seen:
                if urls & earlier_urls:
                    result[idx] = earlier
                    break
            seen.append((idx, urls))
    return result


def _duplicate_rule(identity: tuple[str, ...], what: str) -> RowRule:
    return RowRule(
        "source_url",
        f"no second row for the same {what} citing the same page",
        lambda df: duplicate_of(df, identity) < 0,
        lambda df: duplicate_of(df, identity).map(
            lambda i: f" (this repeats {_line_number(i)}; rows from different pages are kept)"
        ),
    )


def _not_after(df: pd.DataFrame, column: str, today: date, use_end: bool) -> pd.Series:
    """True where the date in ``column`` is on or before ``today`` (or unparseable/empty:
    those are reported by the date checks)."""
    limit = pd.Timestamp(today)

    def ok(text: str) -> bool:
        text = str(text)
        if not (is_day_date(text) or is_month_date(text)):
            return True
        return (_to_end(text) if use_end else _to_start(text)) <= limit

    return df[column].map(ok).astype(bool)


def _n_urls(text: str) -> int:
    return len([p for p in str(text).split(SOURCE_SEPARATOR) if p.strip()])


def _source_date_rules(note_column: str, derived_ok: bool) -> tuple[RowRule, ...]:
    """Checks of ``source_date``: its form, one date per address, and an empty
    date only with ``DATE_NOT_ESTABLISHED`` in ``note_column`` (or, when
    ``derived_ok``, on rows derived from event data)."""

    def exempt(df: pd.DataFrame) -> pd.Series:
        noted = df[note_column].str.contains(DATE_NOT_ESTABLISHED, case=False, regex=False)
        if derived_ok:
            noted = noted | (df["basis"] == "derived_from_events")
        return noted

    def count_ok(df: pd.DataFrame) -> pd.Series:
        dates = df["source_date"].map(source_dates)
        return (dates.map(len) == 0) | (dates.map(len) == df["source_url"].map(_n_urls))

    def complete(df: pd.DataFrame) -> pd.Series:
        dates = df["source_date"].map(source_dates)
        whole = dates.map(lambda ds: len(ds) > 0 and all(ds))
        return whole | exempt(df)

    return (
        RowRule(
            "source_date",
            "empty, or real dates written YYYY-MM-DD, separated by ' ; '",
            lambda df: df["source_date"].map(source_dates_ok).astype(bool),
        ),
        RowRule("source_date", "one publication date per address in source_url, in the same order", count_ok),
        RowRule(
            "source_date",
            "the publication date of every cited page; a date may be left empty only when "
            f"{note_column} says '{DATE_NOT_ESTABLISHED}'",
            complete,
        ),
    )


def _sources_not_in_future(today: date | None) -> RowRule:
    today = today or date.today()
    limit = pd.Timestamp(today)
    return RowRule(
        "source_date",
        f"publication dates on or before today ({today.isoformat()})",
        lambda df: (
            df["source_date"]
            .map(lambda t: all(pd.Timestamp(d) <= limit for d in source_dates(t) if d and is_day_date(d)))
            .astype(bool)
        ),
    )


def _figure_published_after_period(df: pd.DataFrame) -> pd.Series:
    """A figure's period ends on or before its earliest source was published; a
    ``to_date`` figure ends on that very day."""
    result = pd.Series(True, index=df.index)
    for idx, row in df.iterrows():
        first = earliest_source_date(row["source_date"])
        if row["granularity"] == "to_date":
            result[idx] = (
                first is not None
                and is_day_date(row["period_end"])
                and pd.Timestamp(row["period_end"]) == first
            )
        elif first is not None and is_day_date(row["period_end"]):
            result[idx] = pd.Timestamp(row["period_end"]) <= first
    return result


def _figure_date_explain(df: pd.DataFrame) -> pd.Series:
    return df.apply(
        lambda row: f" (granularity {row['granularity']}, source_date {row['source_date']!r})", axis=1
    )


#: Words of ``date_note`` for an event whose cited pages announced it before it
#: took place (e.g. "will be held on May 6"): its sources may predate it.
ANNOUNCED_IN_ADVANCE = "announced in advance"


def _event_not_after_sources(df: pd.DataFrame) -> pd.Series:
    """An event starts on or before its earliest source was published, unless
    ``date_note`` says it was announced in advance."""
    result = pd.Series(True, index=df.index)
    for idx, row in df.iterrows():
        if ANNOUNCED_IN_ADVANCE in str(row["date_note"]).lower():
            continue
        first = earliest_source_date(row["source_date"])
        start = str(row["date_start"])
        if first is None or not (is_day_date(start) or is_month_date(start)):
            continue
        result[idx] = _to_start(start) <= first
    return result


def _future_rule(column: str, today: date | None, use_end: bool) -> RowRule:
    today = today or date.today()
    return RowRule(
        column,
        f"a date on or before today ({today.isoformat()}); "
        "a period that has not ended cannot have a published figure",
        lambda df: _not_after(df, column, today, use_end),
    )


ENGAGEMENT_SCHEMA = pa.DataFrameSchema(
    {
        "event_id": _text(_NON_EMPTY, unique=True),
        "date_start": _text(),
        "date_end": _text(),
        "date_precision": _text(_vocab(DATE_PRECISIONS)),
        "event_type": _text(_vocab(EVENT_TYPES)),
        "category": _text(_vocab(EVENT_CATEGORIES)),
        "initiator": _text(_NON_EMPTY),
        "counterpart": _text(),
        "third_party": _text(),
        "location": _text(),
        "description": _text(_NON_EMPTY),
        "source_url": _text(
            pa.Check(urls_ok, element_wise=True, error="one or more http(s) addresses separated by ' ; '")
        ),
        "source_quote": _text(
            pa.Check(
                quote_ok,
                element_wise=True,
                error=f"a verbatim quote of 1 to {MAX_QUOTE_CHARS} characters per source",
            )
        ),
        "source_date": _text(),
        "date_note": _text(),
    },
    strict=False,
    coerce=False,
)

ENGAGEMENT_ROW_RULES: tuple[RowRule, ...] = (
    RowRule(
        "date_start",
        "a real date written YYYY-MM-DD (or YYYY-MM when date_precision is month)",
        lambda df: df.apply(_date_fits_precision, axis=1, column="date_start"),
    ),
    RowRule(
        "date_end",
        "empty, or a real date written YYYY-MM-DD or YYYY-MM",
        lambda df: df.apply(_date_fits_precision, axis=1, column="date_end"),
    ),
    RowRule(
        "date_end",
        "a date_end on or after date_start",
        lambda df: _end_not_before_start(df, "date_start", "date_end"),
    ),
    *_source_date_rules("date_note", derived_ok=False),
    RowRule(
        "date_start",
        "an event no later than its earliest source's publication date "
        f"(or '{ANNOUNCED_IN_ADVANCE}' in date_note)",
        _event_not_after_sources,
        lambda df: (
            " (earliest source_date "
            + df["source_date"].map(
                lambda t: (
                    str(earliest_source_date(t).date()) if earliest_source_date(t) is not None else "none"
                )
            )
            + ")"
        ),
    ),
)

VIOLENCE_SCHEMA = pa.DataFrameSchema(
    {
        "figure_id": _text(_NON_EMPTY, unique=True),
        "source_org": _text(_NON_EMPTY),
        "period_start": _text(
            pa.Check(is_day_date, element_wise=True, error="a real date written YYYY-MM-DD")
        ),
        "period_end": _text(pa.Check(is_day_date, element_wise=True, error="a real date written YYYY-MM-DD")),
        "granularity": _text(_vocab(GRANULARITIES)),
        "region": _text(_NON_EMPTY),
        "actor": _text(),
        "measure": _text(_vocab(MEASURES)),
        "value": _text(pa.Check(is_count, element_wise=True, error="a non-negative whole number")),
        "scope_note": _text(),
        "source_url": _text(pa.Check(lambda s: s.str.strip() != "", error="a source (URL or file)")),
        "source_quote": _text(),
        "source_date": _text(),
        "basis": _text(_vocab(BASES)),
    },
    strict=False,
    coerce=False,
)

VIOLENCE_ROW_RULES: tuple[RowRule, ...] = (
    RowRule(
        "period_end",
        "a period_end on or after period_start",
        lambda df: _end_not_before_start(df, "period_start", "period_end"),
    ),
    RowRule(
        "measure",
        "a published measure (" + ", ".join(DERIVED_MEASURES) + " are only for rows derived from event data)",
        lambda df: (df["basis"] != "published") | ~df["measure"].isin(DERIVED_MEASURES),
    ),
    RowRule(
        "source_url",
        "one or more http(s) addresses separated by ' ; ' (published figures)",
        lambda df: (df["basis"] != "published") | df["source_url"].map(urls_ok).astype(bool),
    ),
    RowRule(
        "source_quote",
        f"a verbatim quote of 1 to {MAX_QUOTE_CHARS} characters per source (published figures)",
        lambda df: (df["basis"] != "published") | df["source_quote"].map(quote_ok).astype(bool),
    ),
    _duplicate_rule(
        VIOLENCE_IDENTITY, "source_org, period_start, period_end, granularity, region, actor and measure"
    ),
    *_source_date_rules("scope_note", derived_ok=True),
    RowRule(
        "period_end",
        "a period_end on or before the earliest source_date (or, for granularity to_date, equal to it)",
        _figure_published_after_period,
        _figure_date_explain,
    ),
)

CLAIM_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": _text(_NON_EMPTY, unique=True),
        "quantity": _text(_NON_EMPTY),
        "value": _text(
            pa.Check(
                lambda s: (s == "") | s.map(is_count),
                error="empty (qualitative claim) or a non-negative whole number",
            )
        ),
        "qualifier": _text(_NON_EMPTY),
        "period_start": _text(pa.Check(is_month_date, element_wise=True, error="a month written YYYY-MM")),
        "period_end": _text(_NON_EMPTY),
        "category": _text(_NON_EMPTY),
        "quote": _text(pa.Check(quote_ok, element_wise=True, error="a verbatim quote")),
        "source": _text(_NON_EMPTY),
    },
    strict=False,
    coerce=False,
)


def _day_or_month(text: object) -> bool:
    return is_day_date(text) or is_month_date(text)


AGGREGATE_SCHEMA = pa.DataFrameSchema(
    {
        "aggregate_id": _text(_NON_EMPTY, unique=True),
        "source_org": _text(_NON_EMPTY),
        "period_start": _text(
            pa.Check(_day_or_month, element_wise=True, error="a real date written YYYY-MM-DD or YYYY-MM")
        ),
        "period_end": _text(
            pa.Check(_day_or_month, element_wise=True, error="a real date written YYYY-MM-DD or YYYY-MM")
        ),
        "event_type": _text(_vocab(AGGREGATE_EVENT_TYPES)),
        "value": _text(pa.Check(is_count, element_wise=True, error="a non-negative whole number")),
        "qualifier": _text(_vocab(AGGREGATE_QUALIFIERS)),
        "scope_note": _text(),
        "source_url": _text(
            pa.Check(urls_ok, element_wise=True, error="one or more http(s) addresses separated by ' ; '")
        ),
        "source_quote": _text(
            pa.Check(
                quote_ok,
                element_wise=True,
                error=f"a verbatim quote of 1 to {MAX_QUOTE_CHARS} characters per source",
            )
        ),
    },
    strict=False,
    coerce=False,
)

AGGREGATE_ROW_RULES: tuple[RowRule, ...] = (
    RowRule(
        "period_end",
        "a period_end on or after period_start",
        lambda df: _end_not_before_start(df, "period_start", "period_end"),
    ),
    _duplicate_rule(AGGREGATE_IDENTITY, "source_org, period_start, period_end and event_type"),
)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _line_number(index_value: object) -> str:
    """CSV line of a row: the header is line 1, so data row 0 is line 2."""
    try:
        return f"line {int(index_value) + 2}"
    except (TypeError, ValueError):
        return f"row {index_value!r}"


def check_columns(frame: pd.DataFrame, expected: Iterable[str], source: str) -> None:
    """Fail if required columns are missing, naming each one.

    Parameters
    ----------
    frame : pandas.DataFrame
    expected : iterable of str
        Required column names.
    source : str
        File name (or other label) used in the message.

    Raises
    ------
    DataValidationError
    """
    expected = list(expected)
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "(no columns)"
        raise DataValidationError(
            [
                f"{source}: line 1 (header): missing column(s) {', '.join(missing)}; "
                f"expected the columns {', '.join(expected)}; found {found}"
            ]
        )


def validate_table(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    columns: Iterable[str],
    source: str,
    row_rules: Iterable[RowRule] = (),
) -> pd.DataFrame:
    """Validate a text table; report every problem at once.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table as text: every cell a string, empty cells ``""``, index 0..n-1
        in file order.
    schema : pandera.DataFrameSchema
        Column checks.
    columns : iterable of str
        Required columns, in canonical order.
    source : str
        File name used in messages.
    row_rules : iterable of RowRule
        Checks across columns, run after the column checks.

    Returns
    -------
    pandas.DataFrame
        The table restricted to ``columns``, unchanged otherwise.

    Raises
    ------
    DataValidationError
        Listing file, line, column and expectation for each problem.
    """
    columns = list(columns)
    check_columns(frame, columns, source)
    table = frame.loc[:, columns].copy().fillna("").astype(str).reset_index(drop=True)
    problems: list[tuple[int, int, str]] = []  # (row, column position, message)

    def add(row: int, column: str, expected: str) -> None:
        value = table.at[row, column]
        problems.append(
            (
                row,
                columns.index(column),
                f"{source}: {_line_number(row)}, column '{column}': expected {expected}; found {value!r}",
            )
        )

    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.itertuples(index=False):
            if case.index is None or pd.isna(case.index) or case.column not in columns:
                problems.append((-1, -1, f"{source}: {case.check}: {case.failure_case}"))
                continue
            check = str(case.check)
            if check == "field_uniqueness":
                check = "a unique value (this one is a duplicate)"
            add(int(case.index), str(case.column), check)
    for rule in row_rules:
        passes = rule.passes(table).astype(bool)
        failing = passes.index[~passes]
        details = rule.explain(table) if rule.explain is not None and len(failing) else None
        for row in failing:
            extra = str(details[row]) if details is not None else ""
            add(int(row), rule.column, rule.expected + extra)
    if problems:
        problems.sort(key=lambda p: (p[0], p[1]))
        raise DataValidationError([message for _, _, message in problems])
    return table


def parse_engagement_events(
    frame: pd.DataFrame, source: str = "<engagement events>", today: date | None = None
) -> pd.DataFrame:
    """Validate an engagement-events text table and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text table with the columns of :data:`ENGAGEMENT_COLUMNS`.
    source : str
        File name for error messages.
    today : datetime.date, optional
        An event starting after this day is rejected; default: today.

    Returns
    -------
    pandas.DataFrame
        ``date_start`` and ``date_end`` become timestamps (a month-precision
        date is the first of its month; an empty ``date_end`` is ``NaT``);
        other columns stay text.
    """
    table = validate_table(
        frame,
        ENGAGEMENT_SCHEMA,
        ENGAGEMENT_COLUMNS,
        source,
        ENGAGEMENT_ROW_RULES
        + (_future_rule("date_start", today, use_end=False), _sources_not_in_future(today)),
    )
    table["date_start"] = table["date_start"].map(_to_start)
    table["date_end"] = table["date_end"].map(lambda t: _to_end(t) if t else pd.NaT)
    table["date_end"] = pd.to_datetime(table["date_end"])
    table["date_start"] = pd.to_datetime(table["date_start"])
    return table.reset_index(drop=True)


def parse_violence_figures(
    frame: pd.DataFrame, source: str = "<violence figures>", today: date | None = None
) -> pd.DataFrame:
    """Validate a violence-figures text table and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text table with the columns of :data:`VIOLENCE_COLUMNS`.
    source : str
        File name for error messages.
    today : datetime.date, optional
        A figure whose period ends after this day is rejected; default: today.

    Returns
    -------
    pandas.DataFrame
        ``period_start``/``period_end`` as timestamps and ``value`` as int64.
    """
    table = validate_table(
        frame,
        VIOLENCE_SCHEMA,
        VIOLENCE_COLUMNS,
        source,
        VIOLENCE_ROW_RULES + (_future_rule("period_end", today, use_end=True), _sources_not_in_future(today)),
    )
    table["period_start"] = pd.to_datetime(table["period_start"], format="%Y-%m-%d")
    table["period_end"] = pd.to_datetime(table["period_end"], format="%Y-%m-%d")
    table["value"] = table["value"].str.strip().astype("int64")
    return table.reset_index(drop=True)


def parse_article_claims(frame: pd.DataFrame, source: str = "<article claims>") -> pd.DataFrame:
    """Validate the article-claims table and return it with ``value`` as a nullable integer."""
    table = validate_table(frame, CLAIM_SCHEMA, CLAIM_COLUMNS, source)
    table["value"] = pd.to_numeric(table["value"].replace("", None)).astype("Int64")
    return table.reset_index(drop=True)


def parse_engagement_aggregates(
    frame: pd.DataFrame, source: str = "<engagement aggregates>", today: date | None = None
) -> pd.DataFrame:
    """Validate an engagement-aggregates text table and return it typed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text table with the columns of :data:`AGGREGATE_COLUMNS`.
    source : str
        File name for error messages.
    today : datetime.date, optional
        An aggregate whose period ends after this day is rejected; default: today.

    Returns
    -------
    pandas.DataFrame
        ``period_start`` as the first day of its month or day, ``period_end``
        as the last day of its month or day (timestamps), ``value`` as int64;
        other columns stay text.
    """
    table = validate_table(
        frame,
        AGGREGATE_SCHEMA,
        AGGREGATE_COLUMNS,
        source,
        AGGREGATE_ROW_RULES + (_future_rule("period_end", today, use_end=True),),
    )
    table["period_start"] = pd.to_datetime(table["period_start"].map(_to_start))
    table["period_end"] = pd.to_datetime(table["period_end"].map(_to_end))
    table["value"] = table["value"].str.strip().astype("int64")
    return table.reset_index(drop=True)
