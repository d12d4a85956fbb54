"""Adapter for GDELT event files, 1.0 (57 or 58 columns) and 2.0 (61 columns).

Input: tab-separated files with no header line, plain, gzipped or zipped
(``YYYYMMDD.export.CSV.zip`` for 1.0, ``YYYYMMDDHHMMSS.export.CSV.zip`` and
``YYYYMMDDHHMMSS.translation.export.CSV.zip`` for the main and translingual
streams of 2.0); one file, a folder or a glob. All files read together
must be of one version.

**Vintages.** GDELT 1.0 back-file lines (events 1979 to March 2013) have 57
fields, with no ``SOURCEURL``; daily files since April 2013 have 58. Both
may occur in one file or folder and are read together (1.0 is read with
null padding; a line of fewer than 57 fields is rejected as
``wrong_field_count``, and in 1.0 files an empty numeric field is a type
error rather than a missing value). Actor and type codes are stripped of
surrounding spaces (some 2013 files write `` UIS``). ``GLOBALEVENTID`` is
not used (``0`` occurs), nor is ``SOURCEURL`` (sometimes a name such as
``BBC Monitoring``, not a URL). The 2.0 translingual stream has the main
stream's 61 columns; its events are distinct and are counted with them.

**Engines.** ``engine="duckdb"`` (default) scans the batches in this
process. ``engine="dask"`` runs the very same scan of each group of files
(:func:`_scan_part`) as a task on a Dask cluster (``scheduler=`` its
address, or a new ``distributed.LocalCluster``) and adds the partial
tables exactly (:func:`_combine`): counts and sums add, nothing is
approximated, and the rejected rows keep their file and line.

**Reading.** DuckDB streams the files and aggregates as it reads: only the
columns used are materialised, and only aggregates (a few thousand rows)
reach pandas; whole files are never loaded into memory. DuckDB does not read
zip archives, so each zip's CSV member is stream-extracted (64 KiB at a time)
to a temporary folder, in batches of at most :data:`BATCH_BYTES`
uncompressed, read, and deleted. ``EventCode`` is read as text (leading
zeros kept: ``042`` is not ``42``). Each batch is read in one pass, one SQL
statement that also applies the date checks; lines are located in Python
only when that pass found rejected rows. The pass is bound by DuckDB's CSV
tokenising of all 61 fields (about 1 s of CPU per million GDELT 2.0 rows,
500 MB, on one core of the project's machine; the 14 columns used and the
grouping add about 40%), and DuckDB spreads it over the cores.

**Dyads.** Directed Pakistan–Afghanistan events: ``Actor1CountryCode`` PAK
and ``Actor2CountryCode`` AFG is ``Pakistan→Afghanistan`` (Actor1 acts on
Actor2), the reverse ``Afghanistan→Pakistan``. Options:

* ``government_only``: both actors are state actors, i.e. one of their
  ``Type1Code``/``Type2Code``/``Type3Code`` is in ``government_types``
  (default :data:`STATE_ACTOR_TYPES`: GOV government, MIL military, COP
  police, SPY state intelligence, JUD judiciary, LEG legislature). Caveat:
  GDELT may code the Taliban, before and after August 2021, as an
  insurgent/known group rather than GOV, so this option can drop Afghan
  government events; compare with and without it.
* ``min_sources``: keep events with ``NumSources`` ≥ this (2 keeps events
  reported by more than one source).

**CAMEO mapping.** ``cameo_engagement_map.csv`` (in this package; see
:func:`cameo_map`) lists each engagement type, its category and every CAMEO
code counted in it. Codes not listed count only in the dyad total
(``all_events``). Codes 18x–20x (assault, fight, mass violence) are
deliberately not mapped: violence comes from curated conflict data
(METHODS.md §1).

**Months and coverage.** An event counts in the month of its ``SQLDATE``
(event date). The files' coverage is the months from the first to the last
``DATEADDED`` (when GDELT recorded the events, i.e. which files were read).
Every month of the coverage gets a row for every type and direction: 0 where
no event matched (a real zero), never a gap. An event dated (``SQLDATE``)
outside the coverage (e.g. an old event reported in a 2023 file) is left
out and counted (``event_date_outside_coverage``), never silently. A first
or last month that the files cover only in part is counted as covered:
trim it with ``start``/``end`` when building series, or normalise.

**Output** (:func:`load_engagement`): the monthly engagement-counts table,
one row per month × direction × event type (the mapped types plus
``all_events``, every dyad event whatever its code), columns
:data:`COUNT_COLUMNS`; ``df.attrs["kind"] == "counts"``.

**Bad input.** A line with the wrong number of fields (e.g. a truncated last
line), a value that is not of its column's type (e.g. an impossible
``SQLDATE``), bytes that are not UTF-8 in a column read, an empty ``SQLDATE``
or ``DATEADDED``, and dates before 1979-01-01 or after today raise
:class:`DataValidationError` naming file, line and column; with ``on_bad_rows="skip"`` such rows are left out and
counted by reason (``analysis inspect`` shows them), as are empty files and
zips without a CSV member.
"""

from __future__ import annotations

import functools
import gzip
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from analysis.errors import DataValidationError
from analysis.sources import _events as ev
from analysis.sources._io import (
    MAX_PROBLEMS_KEPT,
    InputFile,
    ReadReport,
    expand_inputs,
    first_line_of,
    materialise,
    package_table,
    show,
)
from analysis.sources.detect import (
    FORMATS,
    GDELT_FIELD_COUNTS,
    _gdelt_header_problem,
    describe_line,
    detect_line,
    gdelt_layout,
)

#: State-actor type codes for ``government_only``.
STATE_ACTOR_TYPES: tuple[str, ...] = ("GOV", "MIL", "COP", "SPY", "JUD", "LEG")
#: Direction labels (as in :data:`analysis.series.DIRECTIONS`).
PAK_TO_AFG = "Pakistan→Afghanistan"
AFG_TO_PAK = "Afghanistan→Pakistan"
DIRECTIONS: tuple[str, ...] = (PAK_TO_AFG, AFG_TO_PAK)
#: ``event_type`` of the row holding every dyad event, mapped or not.
ALL_EVENTS = "all_events"
ALL_CATEGORY = "all"
QUAD_COLUMNS: tuple[str, ...] = (
    "quad1_verbal_cooperation",
    "quad2_material_cooperation",
    "quad3_verbal_conflict",
    "quad4_material_conflict",
)
COUNT_COLUMNS: tuple[str, ...] = (
    "month",
    "direction",
    "event_type",
    "category",
    "events",
    "goldstein_sum",
    *QUAD_COLUMNS,
    "dyad_total_events",
    "basis",
)
BASIS = "derived_from_gdelt"
FIRST_DATE = date(1979, 1, 1)
#: Uncompressed bytes read per DuckDB scan (zips are extracted per batch).
BATCH_BYTES = 4 << 30
SOURCE_LABELS = {"gdelt_v1": "GDELT 1.0", "gdelt_v2": "GDELT 2.0"}
#: Columns typed on read; every other column is read as text (and only if used).
#: ``SQLDATE`` is read as a number and checked by arithmetic (parsing it as a
#: DATE costs a third of the scan); impossible dates are then located by line.
_TYPES = {
    "SQLDATE": "INTEGER",
    "QuadClass": "INTEGER",
    "GoldsteinScale": "DOUBLE",
    "NumSources": "INTEGER",
    "DATEADDED": "BIGINT",
}
_TYPE_WORDS = {
    "SQLDATE": "a real date written YYYYMMDD",
    "INTEGER": "a whole number",
    "DOUBLE": "a number",
    "DATEADDED": "a whole number (date-time YYYYMMDD[HHMMSS])",
}


@functools.lru_cache(maxsize=1)
def cameo_map() -> pd.DataFrame:
    """The CAMEO → engagement-type table shipped with the package.

    Returns
    -------
    pandas.DataFrame
        Columns ``event_type``, ``category``, ``cameo_code`` (text, leading
        zeros kept), ``cameo_description``, ``closest_reference_types``
        (the reference log's types the GDELT type is closest to). Each code
        appears once.
    """
    return package_table("cameo_engagement_map.csv", "cameo_code")


def event_types() -> tuple[str, ...]:
    """Engagement types of the GDELT counts table, mapped types first, then ``all_events``."""
    return tuple(dict.fromkeys(cameo_map()["event_type"])) + (ALL_EVENTS,)


def type_categories() -> dict[str, str]:
    """Event type → category (``all_events`` → ``all``)."""
    table = cameo_map().drop_duplicates("event_type")
    return {**dict(zip(table["event_type"], table["category"])), ALL_EVENTS: ALL_CATEGORY}


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


@dataclass
class _Inputs:
    version: str
    files: list[Path]
    vintages: list[str]


def _inputs(path, fmt: str, report: ReadReport, on_bad_rows: str) -> _Inputs:
    """Files of ``path`` with their GDELT version; empty files and zips without
    CSV raise, or (skip mode) are counted and left out."""
    allowed = {"gdelt": ("gdelt_v1", "gdelt_v2"), "gdelt_v1": ("gdelt_v1",), "gdelt_v2": ("gdelt_v2",)}[fmt]
    version: str | None = None
    kept: list[Path] = []
    vintages: list[str] = []
    for file in expand_inputs(path):
        try:
            line = first_line_of(file)
        except DataValidationError as exc:
            if on_bad_rows == "skip":
                text = str(exc.problems[0])
                report.skipped["empty_file" if "empty" in text else "zip_without_csv"] += 1
                report.problems.append(text)
                continue
            raise
        name = detect_line(line)
        if name not in allowed:
            expected = " or ".join(FORMATS[a].describe() for a in allowed)
            raise DataValidationError(
                [f"{file}: line 1: expected {expected}; found {describe_line(line, chr(9))}"]
            )
        problems = _gdelt_header_problem(line, FORMATS[name], str(file))
        if problems:
            raise DataValidationError(problems)
        if version is not None and name != version:
            raise DataValidationError(
                [
                    f"{file}: line 1: expected {FORMATS[version].describe()} like {kept[0]}; "
                    f"found {describe_line(line)}: files of one version only"
                ]
            )
        version = name
        kept.append(file)
        vintages.append(gdelt_layout(line, file).vintage)
    if version is None:
        raise DataValidationError([f"{path}: no readable GDELT file"])
    return _Inputs(version, kept, vintages)


def _uncompressed_size(file: Path) -> int:
    if file.name.lower().endswith(".zip"):
        import zipfile

        with zipfile.ZipFile(file) as zf:
            return sum(i.file_size for i in zf.infolist())
    return file.stat().st_size


def _batches(files: Sequence[Path], limit: int = BATCH_BYTES) -> Iterable[list[Path]]:
    batch, size = [], 0
    for file in files:
        n = _uncompressed_size(file)
        if batch and size + n > limit:
            yield batch
            batch, size = [], 0
        batch.append(file)
        size += n
    if batch:
        yield batch


# --------------------------------------------------------------------------
# DuckDB scan
# --------------------------------------------------------------------------


def _quiet_progress(con) -> None:
    """Turn DuckDB's progress bar off. Inside a Jupyter kernel without ipywidgets DuckDB
    refuses any change to that setting; its default is then kept (reports run headless)."""
    import duckdb

    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


#: GDELT 1.0 is read with null padding, so that back-file lines (57 fields, no SOURCEURL) and
#: daily lines (58) mix; the NULL string is then a byte no file holds, so that an empty field
#: is empty (VARCHAR) or a type error (numbers), and only a padded field is NULL: a NULL
#: ``DATEADDED`` (field 57) marks a line of fewer than 57 fields.
_NEVER_NULL = "\x01"


def _read_csv_sql(paths: Sequence[str], version: str) -> str:
    columns = FORMATS[version].columns
    spec = ", ".join(f"{_sql_text(c)}: {_sql_text(_TYPES.get(c, 'VARCHAR'))}" for c in columns)
    files = "[" + ", ".join(_sql_text(p) for p in paths) + "]"
    padding = f"null_padding=true, nullstr={_sql_text(_NEVER_NULL)}, " if version == "gdelt_v1" else ""
    return (
        f"read_csv({files}, delim='\\t', header=false, quote='', escape='', "
        f"auto_detect=false, {padding}columns={{{spec}}}, "
        "store_rejects=true, rejects_table='rejects', rejects_scan='rejects_scan')"
    )


#: ``bad`` codes of the scan (why a row cannot be used) and the reason each is counted
#: under: 1 ``SQLDATE`` empty or not a calendar date, 2 ``SQLDATE`` out of range, 3
#: ``DATEADDED`` empty or its month out of range, 4 (GDELT 1.0) fewer than 57 fields.
_BAD_DATE_REASONS = {
    1: "invalid_date",
    2: "date_out_of_range",
    3: "date_out_of_range",
    4: "wrong_field_count",
}


@dataclass(frozen=True)
class _DateRule:
    """The date checks of one GDELT version, shared by the SQL scan and the line locator."""

    low: int  # first SQLDATE accepted (YYYYMMDD)
    high: int  # last SQLDATE accepted: today
    first_month: int  # first DATEADDED month accepted (YYYYMM)
    last_month: int
    #: DATEADDED // this is its month: YYYYMMDDHHMMSS (2.0) or YYYYMMDD (1.0).
    month_divisor: int

    @classmethod
    def of(cls, version: str) -> "_DateRule":
        today = date.today()
        return cls(
            int(FIRST_DATE.strftime("%Y%m%d")),
            int(today.strftime("%Y%m%d")),
            FIRST_DATE.year * 100 + 1,
            today.year * 100 + today.month,
            100_000_000 if version == "gdelt_v2" else 100,
        )

    def code(self, sqldate: int | None, dateadded: int | None) -> int:
        """The scan's ``bad`` code of a row (0: dates usable); same rule as :meth:`sql`."""
        if sqldate is None or not _is_calendar_number(sqldate):
            return 1
        if not self.low <= sqldate <= self.high:
            return 2
        if dateadded is None or dateadded < 0:
            return 3
        month = dateadded // self.month_divisor
        if not (1 <= month % 100 <= 12 and self.first_month <= month <= self.last_month):
            return 3
        return 0

    def sql(self, padded: bool = False) -> str:
        """SQL of the ``bad`` code, over columns ``SQLDATE``, ``DATEADDED`` and ``added_month``;
        with ``padded`` (GDELT 1.0) a NULL ``DATEADDED`` is a short line (code 4)."""
        short = "WHEN DATEADDED IS NULL THEN 4 " if padded else ""
        return (
            f"CASE {short}WHEN SQLDATE IS NULL OR NOT {_calendar_sql('SQLDATE')} THEN 1 "
            f"WHEN SQLDATE NOT BETWEEN {self.low} AND {self.high} THEN 2 "
            f"WHEN DATEADDED IS NULL OR NOT (added_month % 100 BETWEEN 1 AND 12 AND "
            f"added_month BETWEEN {self.first_month} AND {self.last_month}) THEN 3 "
            "ELSE 0 END"
        )


def _calendar_sql(column: str) -> str:
    """SQL: the integer ``column`` (YYYYMMDD) is a real date, as in :func:`_is_calendar_number`."""
    y, m, d = f"({column} // 10000)", f"(({column} // 100) % 100)", f"({column} % 100)"
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    days = (
        f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
        f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )
    return f"({m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {days})"


def _is_calendar_number(value: int) -> bool:
    """``value`` (YYYYMMDD) is a real calendar date: the rule of :func:`_calendar_sql`."""
    if value <= 0:  # SQL divides towards zero: a negative number never passes there either
        return False
    y, m, d = value // 10000, value // 100 % 100, value % 100
    if not 1 <= m <= 12:
        return False
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    days = (29 if leap else 28) if m == 2 else 30 if m in (4, 6, 9, 11) else 31
    return 1 <= d <= days


def _state_sql(actor: str, types: Sequence[str]) -> str:
    listed = ", ".join(_sql_text(t) for t in types) or "NULL"
    return " OR ".join(f"coalesce(trim(Actor{actor}Type{k}Code) IN ({listed}), false)" for k in (1, 2, 3))


def _scan_sql(source: str, version: str, types: Sequence[str], by_country: bool) -> str:
    """One pass over ``source``: every row counted in a few thousand groups.

    Keys: ``bad`` (see :class:`_DateRule`), ``dir`` (0 outside the dyad), the
    month of ``DATEADDED``, the dyad events' details (NULL for other rows),
    ``actor1_country`` (NULL unless ``by_country``) and ``bad_value`` (the
    offending date of rows with ``bad`` > 0, used to find their lines; NULL
    otherwise). Per row: the date rule and a few comparisons; the counts by
    reason, the coverage and the date range are then read from the groups.
    """
    rule = _DateRule.of(version)
    country = "trim(Actor1CountryCode)" if by_country else "NULL"
    return f"""
    WITH rows AS (
      SELECT *, DATEADDED // {rule.month_divisor} AS added_month,
             {rule.sql(padded=version == "gdelt_v1")} AS bad,
             trim(Actor1CountryCode) AS a1, trim(Actor2CountryCode) AS a2
      FROM {source})
    SELECT
      bad,
      CASE WHEN a1 = 'PAK' AND a2 = 'AFG' THEN 1
           WHEN a1 = 'AFG' AND a2 = 'PAK' THEN 2
           ELSE 0 END AS dir,
      CASE WHEN bad = 0 THEN added_month END AS month_added,
      CASE WHEN dir > 0 THEN SQLDATE // 100 END AS ym,
      CASE WHEN dir > 0 THEN trim(EventCode) END AS code,
      CASE WHEN dir > 0 THEN QuadClass END AS quad,
      CASE WHEN dir > 0 THEN ({_state_sql("1", types)}) AND ({_state_sql("2", types)}) END AS state_pair,
      CASE WHEN dir > 0 THEN NumSources END AS n_sources,
      {country} AS actor1_country,
      CASE WHEN bad IN (1, 2) THEN SQLDATE
           WHEN bad = 3 THEN DATEADDED // {rule.month_divisor // 100} END AS bad_value,
      count(*) AS n,
      {"count(*) FILTER (WHERE SOURCEURL IS NULL)" if version == "gdelt_v1" else "0"} AS n_57,
      sum(GoldsteinScale) AS goldstein,
      min(SQLDATE) AS date_first,
      max(SQLDATE) AS date_last
    FROM rows
    GROUP BY ALL
    """


def _opener(path: Path):
    return gzip.open if path.name.lower().endswith(".gz") else open


def _bad_utf8_columns(path: Path, lines: set[int], columns: Sequence[str]) -> dict[int, str]:
    """Column of the first field that is not UTF-8 on each of ``lines`` (error path: one pass)."""
    found: dict[int, str] = {}
    last = max(lines, default=0)
    with _opener(path)(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number > last:
                break
            if number not in lines:
                continue
            found[number] = "?"
            for i, field in enumerate(raw.rstrip(b"\r\n").split(b"\t")):
                try:
                    field.decode("utf-8")
                except UnicodeDecodeError:
                    found[number] = columns[i] if i < len(columns) else f"field {i + 1}"
                    break
    return found


def _field_counts(columns: Sequence[str]) -> str:
    """``"57 or 58"`` for GDELT 1.0 (back-file or daily lines), else the column count."""
    n = len(columns)
    return f"{n - 1} or {n}" if n == len(FORMATS["gdelt_v1"].columns) else str(n)


def _reject_message(
    row, labels: dict[int, str], columns: Sequence[str], utf8_columns: dict[tuple[int, int], str]
) -> tuple[str, str]:
    label = labels.get(int(row.file_id), "?")
    kind = str(row.error_type)
    line = int(row.line)
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = len(str(row.csv_line).split("\t"))
        what = "the line looks truncated" if kind == "MISSING COLUMNS" else "extra tabs?"
        return "wrong_field_count", (
            f"{label}: line {line}: expected {_field_counts(columns)} "
            f"tab-separated fields; found {found}; {what}"
        )
    column = str(row.column_name)
    if kind in _UTF8_ERRORS:
        column = utf8_columns.get((int(row.file_id), line), column)
        return "non_utf8", (
            f"{label}: line {line}, column '{column}': expected UTF-8 text; found bytes that are not UTF-8"
        )
    if kind == "CAST":
        fields = str(row.csv_line).rstrip("\r\n").split("\t")
        fields += [""] * (len(columns) - len(fields) == 1)  # a GDELT 1.0 back-file line
        value = fields[columns.index(column)] if column in columns and len(fields) == len(columns) else "?"
        if column == "DATEADDED" and value.strip() == "":
            return "date_out_of_range", (
                f"{label}: line {line}, column 'DATEADDED': expected a "
                f"date-time from {FIRST_DATE} to today; found ''"
            )
        reason = "invalid_date" if column == "SQLDATE" else "wrong_type"
        words = _TYPE_WORDS.get(column) or _TYPE_WORDS.get(_TYPES.get(column, ""), "a valid value")
        return reason, (f"{label}: line {line}, column '{column}': expected {words}; found '{show(value)}'")
    return "unreadable_line", f"{label}: line {line}: {kind}: {row.error_message}"


#: DuckDB's error types for bytes that are not UTF-8 (the name differs between versions).
_UTF8_ERRORS = ("INVALID ENCODING", "INVALID UNICODE")


_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?")


def _as_integer(text: str) -> int | None:
    """``text`` read as DuckDB reads an INTEGER field: None if empty; ValueError if not a number."""
    text = text.strip()
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        raise ValueError(text)
    return round(float(text)) if "." in text else int(text)  # DuckDB rounds "20230101.4"


def _date_problem(
    fields: Sequence[str], rule: _DateRule, i_date: int, i_added: int, where: str
) -> str | None:
    """Message for a line whose dates the scan rejects (None if they are fine or not numbers)."""
    sqldate, added = fields[i_date].strip(), fields[i_added].strip()
    try:
        code = rule.code(_as_integer(sqldate), _as_integer(added))
    except (ValueError, OverflowError):  # not a number: DuckDB rejected the line as CAST
        return None
    if code == 1:
        return f"{where}, column 'SQLDATE': expected a real date written YYYYMMDD; found '{show(sqldate)}'"
    if code == 2:
        return (
            f"{where}, column 'SQLDATE': expected a date from {FIRST_DATE} to today "
            f"({date.today()}); found '{show(sqldate)}'"
        )
    if code == 3:
        return (
            f"{where}, column 'DATEADDED': expected a date-time from {FIRST_DATE} to today; "
            f"found '{show(added)}'"
        )
    return None


def _lines_holding(path: Path, needles: Sequence[bytes], block: int = 1 << 24) -> Iterable[tuple[int, bytes]]:
    """(line number, line) of the lines holding any of ``needles``, in file order.

    Reads ``block`` bytes at a time and searches with ``bytes.find`` (C speed);
    lines are split on ``\\n`` as DuckDB numbers them.
    """
    base, tail = 0, b""
    with _opener(path)(path, "rb") as fh:
        while True:
            chunk = fh.read(block)
            data = tail + chunk
            cut = len(data) if not chunk else data.rfind(b"\n") + 1
            data, tail = data[:cut], data[cut:]
            starts = set()
            for needle in needles:
                pos = data.find(needle)
                while pos != -1:
                    start = data.rfind(b"\n", 0, pos) + 1
                    starts.add(start)
                    end = data.find(b"\n", pos)
                    pos = -1 if end == -1 else data.find(needle, end)
            counted, line = 0, base
            for start in sorted(starts):
                line += data.count(b"\n", counted, start)
                counted = start
                end = data.find(b"\n", start)
                yield line + 1, data[start : len(data) if end == -1 else end]
            base += data.count(b"\n")
            if not chunk:
                return


def _locate_bad_dates(
    inputs: Sequence[InputFile], version: str, bad_values: pd.DataFrame, expected: int, limit: int = 20
) -> list[tuple[str, int, str]]:
    """The first ``limit`` lines whose dates the scan rejected (error path only).

    ``bad_values`` holds the scan's ``bad`` codes and offending values: the
    lines holding those values are found by a byte search, then each is
    checked by the scan's own rule (:class:`_DateRule`). If that finds fewer
    than ``min(limit, expected)`` lines (an empty date; a number written
    unusually, e.g. ``+20230101``), every line is checked instead.
    """
    columns = FORMATS[version].columns
    i_date, i_added = columns.index("SQLDATE"), columns.index("DATEADDED")
    rule = _DateRule.of(version)
    wanted = min(limit, expected)
    needles: list[bytes] | None = []
    for code, value in zip(bad_values["bad"], bad_values["bad_value"]):
        if pd.isna(value):
            needles = None  # an empty date: nothing to search for
            break
        text = str(int(value)).encode()
        # SQLDATE is field 2 (tab after it); bad_value of DATEADDED is its first 8 digits.
        # (DATEADDED may end the line: GDELT 1.0 back-files have no SOURCEURL after it).
        needles.append(b"\t" + text + (b"\t" if code != 3 else b""))
    found: list[tuple[str, int, str]] = []

    padded = version == "gdelt_v1"

    def check(label: str, line_no: int, raw: bytes) -> bool:
        text = raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
        if not text.strip():
            return False  # a blank line: DuckDB passes it over
        fields = text.split("\t")
        if padded and len(fields) == len(columns) - 1:
            fields.append("")  # a back-file line: no SOURCEURL
        if len(fields) == len(columns):
            message = _date_problem(fields, rule, i_date, i_added, f"{label}: line {line_no}")
            if message:
                found.append((label, line_no, message))
        elif padded and len(fields) < len(columns) - 1:
            found.append(
                (
                    label,
                    line_no,
                    f"{label}: line {line_no}: expected "
                    f"{_field_counts(columns)} tab-separated fields; found {len(fields)}; "
                    "the line looks truncated",
                )
            )
        return len(found) >= wanted

    if needles:
        for inp in inputs:
            candidates = _lines_holding(inp.path, sorted(set(needles)))
            if any(check(inp.label, n, raw) for n, raw in candidates):
                return found
    found.clear()
    for inp in inputs:
        with _opener(inp.path)(inp.path, "rb") as fh:
            if any(check(inp.label, n, raw) for n, raw in enumerate(fh, start=1)):
                return found
    return found


@dataclass
class Scan:
    """Aggregates of one read: the raw dyad groups and the report."""

    version: str
    groups: pd.DataFrame
    report: ReadReport


def _scan_batch(
    plain: Sequence[InputFile],
    version: str,
    government_types: Sequence[str],
    by_country: bool,
    threads: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str], dict[int, Path]]:
    """One DuckDB pass over ``plain``: groups, rejected lines, and file ids → labels and paths."""
    import duckdb

    con = duckdb.connect()
    try:
        _quiet_progress(con)
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        source = _read_csv_sql([str(inp.path) for inp in plain], version)
        groups = con.execute(_scan_sql(source, version, government_types, by_country)).df()
        rejects = con.execute(
            "SELECT file_id, line, column_name, error_type, csv_line, error_message "
            "FROM rejects ORDER BY file_id, line"
        ).df()
        files = con.execute("SELECT file_id, file_path FROM rejects_scan").df()
    except duckdb.Error as exc:
        raise DataValidationError(
            [
                f"{', '.join(i.label for i in plain)}: could not be read as "
                f"{SOURCE_LABELS[version]} ({str(exc).splitlines()[0]})"
            ]
        ) from None
    finally:
        con.close()
    by_path = {str(inp.path): inp.label for inp in plain}
    labels = {int(r.file_id): by_path.get(str(r.file_path), str(r.file_path)) for r in files.itertuples()}
    paths = {int(r.file_id): Path(str(r.file_path)) for r in files.itertuples()}
    return groups, rejects, labels, paths


def _rejected_lines(
    rejects: pd.DataFrame,
    labels: dict[int, str],
    paths: dict[int, Path],
    columns: Sequence[str],
    report: ReadReport,
) -> list[tuple[str, int, str]]:
    """Count DuckDB's rejected lines by reason (one reason per line) and word their messages."""
    rejects = rejects.drop_duplicates(["file_id", "line"])  # DuckDB lists each missing column
    utf8 = rejects.loc[rejects["error_type"].isin(_UTF8_ERRORS)].head(MAX_PROBLEMS_KEPT)
    utf8_columns: dict[tuple[int, int], str] = {}
    for file_id, lines in utf8.groupby("file_id")["line"]:
        if int(file_id) in paths:
            found = _bad_utf8_columns(paths[int(file_id)], {int(n) for n in lines}, columns)
            utf8_columns.update({(int(file_id), n): c for n, c in found.items()})
    problems = []
    for row in rejects.itertuples():
        reason, message = _reject_message(row, labels, columns, utf8_columns)
        report.rejected[reason] += 1
        problems.append((labels.get(int(row.file_id), "?"), int(row.line), message))
    return problems


#: Group keys of the scan's output (the rest are sums, minima and maxima).
_GROUP_KEYS = ("dir", "month_added", "ym", "code", "quad", "state_pair", "n_sources", "actor1_country")
#: Engines of :func:`scan`.
ENGINES: tuple[str, ...] = ("duckdb", "dask")
#: Uncompressed bytes per Dask task (each task is one DuckDB scan of its files).
DASK_TASK_BYTES = 256 << 20
#: Lines with bad dates located (for messages) per read, as in the embedded engine.
LOCATED_LIMIT = 20


@dataclass
class _Part:
    """What one DuckDB scan of a group of files found (combined exactly by :func:`_combine`)."""

    files: list[str]
    groups: pd.DataFrame
    rejected: Counter
    problems: list[tuple[str, int, str]]
    date_problems: list[tuple[str, int, str]]
    rows_read: int


def _scan_part(
    batch: Sequence[Path],
    version: str,
    government_types: Sequence[str],
    by_country: bool,
    threads: int | None = None,
) -> _Part:
    """Scan one group of files: the unit of work of both engines (a Dask task runs exactly this).

    Zips are stream-extracted to a temporary folder, the files read by one
    DuckDB statement (:func:`_scan_sql`), DuckDB's rejected lines worded,
    and the lines of rows with bad dates located.
    """
    report = ReadReport(version)
    with tempfile.TemporaryDirectory(prefix="gdelt-") as tmp:
        plain = [inp for file in batch for inp in materialise(Path(file), Path(tmp))]
        groups, rejects, labels, paths = _scan_batch(plain, version, government_types, by_country, threads)
        problems = _rejected_lines(rejects, labels, paths, FORMATS[version].columns, report)
        bad = groups["bad"]
        for code, reason in _BAD_DATE_REASONS.items():
            n = int(groups.loc[bad == code, "n"].sum())
            if n:
                report.rejected[reason] += n
        n_bad = int(groups.loc[bad > 0, "n"].sum())
        located = []
        if n_bad:
            bad_values = groups.loc[bad > 0, ["bad", "bad_value"]].drop_duplicates()
            located = _locate_bad_dates(plain, version, bad_values, n_bad, LOCATED_LIMIT)
        n_rejected_lines = len(rejects[["file_id", "line"]].drop_duplicates())
        rows_read = int(groups["n"].sum()) + n_rejected_lines
    valid = groups.loc[bad == 0].drop(columns=["bad", "bad_value"])
    return _Part([inp.label for inp in plain], valid, report.rejected, problems, located, rows_read)


def _combine(parts: Sequence[_Part]) -> pd.DataFrame:
    """The groups of several parts as one table: counts and sums add, first and last dates
    are the minimum and maximum (exact: nothing is approximated)."""
    frames = [p.groups for p in parts if len(p.groups)]
    if not frames:
        return parts[0].groups if parts else pd.DataFrame()
    table = pd.concat(frames, ignore_index=True)
    if len(frames) == 1:
        return table
    return (
        table.groupby(list(_GROUP_KEYS), dropna=False, sort=False)
        .agg(
            n=("n", "sum"),
            n_57=("n_57", "sum"),
            goldstein=("goldstein", lambda s: s.sum(min_count=1)),
            date_first=("date_first", "min"),
            date_last=("date_last", "max"),
        )
        .reset_index()
    )


def _dask_client(scheduler):
    """A Dask client: on ``scheduler`` (an address), or on a new local cluster."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a dependency
        raise ImportError("engine='dask' needs dask[distributed]: pip install 'dask[distributed]'")
    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(threads_per_worker=1, dashboard_address=":0")
    return Client(cluster), cluster


def _run_parts(
    batches: list[list[Path]],
    version: str,
    government_types: Sequence[str],
    by_country: bool,
    engine: str,
    scheduler,
) -> list[_Part]:
    if engine == "duckdb":
        return [_scan_part(b, version, government_types, by_country) for b in batches]
    client, cluster = _dask_client(scheduler)
    try:
        futures = client.map(
            _scan_part,
            batches,
            version=version,
            government_types=tuple(government_types),
            by_country=by_country,
            threads=1,
            pure=False,
        )
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _vintage_text(inputs: _Inputs, groups: pd.DataFrame) -> str:
    """The vintages read: for GDELT 1.0 from the lines themselves (57 or 58 fields)."""
    if inputs.version != "gdelt_v1":
        return "; ".join(dict.fromkeys(inputs.vintages))
    short = int(groups["n_57"].sum())
    found = []
    if short:
        found.append(f"{GDELT_FIELD_COUNTS[57][1]}: {short} lines")
    if int(groups["n"].sum()) > short:
        found.append(f"{GDELT_FIELD_COUNTS[58][1]}: {int(groups['n'].sum()) - short} lines")
    return "; ".join(found)


def scan(
    path: str | os.PathLike[str],
    fmt: str = "gdelt",
    *,
    on_bad_rows: str = "error",
    government_types: Sequence[str] = STATE_ACTOR_TYPES,
    by_country: bool = False,
    batch_bytes: int | None = None,
    engine: str = "duckdb",
    scheduler=None,
) -> Scan:
    """Stream GDELT files through DuckDB into small aggregates.

    Each batch of files is read once, by one SQL statement that counts every
    row into groups (a few thousand rows reach pandas); the date checks are
    done in that pass. Lines are only located in Python when the pass found
    rows with bad dates.

    Parameters
    ----------
    path : str or path-like
        File, folder or glob.
    fmt : {"gdelt", "gdelt_v1", "gdelt_v2"}
    on_bad_rows : {"error", "skip"}
    government_types : sequence of str
        Type codes that make an actor a state actor (``state_pair`` column).
    by_country : bool
        Also count rows by ``Actor1CountryCode`` (for ``analysis inspect``).
    batch_bytes : int, optional
        Uncompressed bytes per DuckDB scan (default :data:`BATCH_BYTES`;
        with Dask, per task: :data:`DASK_TASK_BYTES`).
    engine : {"duckdb", "dask"}
        ``"duckdb"``: the batches are scanned one after another in this
        process (DuckDB uses every core). ``"dask"``: each batch is one Dask
        task running the same scan (:func:`_scan_part`, one DuckDB thread),
        on the cluster at ``scheduler`` or on a new ``LocalCluster``; the
        workers must see the files at the same paths. The partial tables
        are combined exactly (:func:`_combine`), so both engines give the
        same result.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``).

    Returns
    -------
    Scan
        ``groups``: the valid rows, one group per (direction, event month
        ``ym``, EventCode ``code``, QuadClass ``quad``, ``state_pair``,
        NumSources ``n_sources``, ``actor1_country``, ``month_added``) for
        the dyad's events, and with ``dir`` 0 for every other row, with
        counts ``n``, Goldstein sums and first and last ``SQLDATE``; the
        report holds rows read, rejected and coverage.
    """
    if fmt not in ("gdelt", "gdelt_v1", "gdelt_v2"):
        raise ValueError(f"fmt must be gdelt, gdelt_v1 or gdelt_v2; got {fmt!r}")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}")
    if scheduler and engine != "dask":
        raise ValueError("scheduler= needs engine='dask'")
    ev.check_on_bad_rows(on_bad_rows)
    report = ReadReport("gdelt")
    inputs = _inputs(path, fmt, report, on_bad_rows)
    report.format = inputs.version
    if batch_bytes is None:
        batch_bytes = DASK_TASK_BYTES if engine == "dask" else BATCH_BYTES
    batches = list(_batches(inputs.files, batch_bytes))
    parts = _run_parts(batches, inputs.version, government_types, by_country, engine, scheduler)
    problems: list[tuple[str, int, str]] = []
    located: list[tuple[str, int, str]] = []
    for part in parts:
        report.files.extend(part.files)
        report.rejected.update(part.rejected)
        report.rows_read += part.rows_read
        problems.extend(part.problems)
        located.extend(part.date_problems)
    problems.extend(sorted(located, key=lambda p: (p[0], p[1]))[:LOCATED_LIMIT])
    problems.sort(key=lambda p: (p[0], p[1]))
    report.problems.extend(m for _, _, m in problems[: MAX_PROBLEMS_KEPT - len(report.problems)])
    if on_bad_rows == "error" and report.n_rejected:
        shown = [m for _, _, m in problems[:MAX_PROBLEMS_KEPT]]
        if report.n_rejected > len(shown):
            shown.append(f"... {report.n_rejected} rejected row(s) in all")
        raise DataValidationError(shown)
    groups = _combine(parts)
    if groups.empty:
        raise DataValidationError([f"{path}: no valid GDELT rows; nothing to count"])
    first, last = int(groups["month_added"].min()), int(groups["month_added"].max())
    report.extra.update(
        {
            "source": SOURCE_LABELS[inputs.version],
            "vintage": _vintage_text(inputs, groups),
            "engine": engine,
            "coverage": (f"{first // 100:04d}-{first % 100:02d}", f"{last // 100:04d}-{last % 100:02d}"),
            "event_dates": tuple(
                datetime.strptime(str(int(v)), "%Y%m%d").strftime("%Y-%m-%d")
                for v in (groups["date_first"].min(), groups["date_last"].max())
            ),
            "date_rule": "each event counted in the month of its SQLDATE; coverage = months of DATEADDED",
        }
    )
    return Scan(inputs.version, groups, report)


# --------------------------------------------------------------------------
# Counts table
# --------------------------------------------------------------------------


def counts_from_scan(result: Scan, *, government_only: bool = False, min_sources: int = 1) -> pd.DataFrame:
    """Monthly engagement counts from a :class:`Scan` (see :func:`load_engagement`)."""
    if not isinstance(min_sources, int) or min_sources < 1:
        raise ValueError(f"min_sources must be a whole number ≥ 1; got {min_sources!r}")
    report = result.report
    first, last = (pd.Period(m, freq="M") for m in report.extra["coverage"])
    months = pd.period_range(first, last, freq="M")
    dyad = result.groups.loc[result.groups["dir"] > 0].copy()
    dropped = Counter()
    if government_only:
        keep = dyad["state_pair"].fillna(False).astype(bool)
        dropped["not_both_state_actors"] = int(dyad.loc[~keep, "n"].sum())
        dyad = dyad.loc[keep]
    if min_sources > 1:
        keep = dyad["n_sources"].fillna(0) >= min_sources
        dropped[f"fewer_than_{min_sources}_sources"] = int(dyad.loc[~keep, "n"].sum())
        dyad = dyad.loc[keep]
    ym = dyad["ym"].to_numpy(dtype="int64")
    dyad["month"] = pd.PeriodIndex.from_fields(year=ym // 100, month=ym % 100, freq="M")
    inside = (dyad["month"] >= first) & (dyad["month"] <= last)
    outside = int(dyad.loc[~inside, "n"].sum())
    dyad = dyad.loc[inside]
    dyad["direction"] = dyad["dir"].map({1: PAK_TO_AFG, 2: AFG_TO_PAK})
    mapping = cameo_map().set_index("cameo_code")["event_type"]
    dyad["event_type"] = dyad["code"].astype(str).str.strip().map(mapping)
    for q, column in enumerate(QUAD_COLUMNS, start=1):
        dyad[column] = dyad["n"].where(dyad["quad"] == q, 0)
    dyad["goldstein"] = dyad["goldstein"].fillna(0.0)
    sums = {"n": "sum", "goldstein": "sum", **{c: "sum" for c in QUAD_COLUMNS}}
    keys = ["month", "direction"]
    total = dyad.groupby(keys).agg(sums).assign(event_type=ALL_EVENTS)
    typed = dyad.dropna(subset=["event_type"]).groupby(keys + ["event_type"]).agg(sums)
    combined = pd.concat([typed.reset_index(), total.reset_index()], ignore_index=True)
    full = pd.MultiIndex.from_product(
        [months, DIRECTIONS, event_types()], names=["month", "direction", "event_type"]
    )
    table = combined.set_index(["month", "direction", "event_type"]).reindex(full).fillna(0).reset_index()
    table = table.rename(columns={"n": "events", "goldstein": "goldstein_sum"})
    for column in ("events", *QUAD_COLUMNS):
        table[column] = table[column].astype("int64")
    table["goldstein_sum"] = table["goldstein_sum"].astype(float).round(6)
    table["category"] = table["event_type"].map(type_categories())
    totals = table.loc[table["event_type"] == ALL_EVENTS].set_index(["month", "direction"])["events"]
    table["dyad_total_events"] = (
        pd.MultiIndex.from_frame(table[["month", "direction"]]).map(totals).astype("int64")
    )
    table["basis"] = BASIS
    table["month"] = table["month"].dt.to_timestamp()
    table = table.loc[:, list(COUNT_COLUMNS)]
    table.attrs.update(
        {
            "kind": "counts",
            "source": report.extra["source"],
            "vintage": report.extra["vintage"],
            "engine": report.extra["engine"],
            "files": list(report.files),
            "coverage": report.extra["coverage"],
            "options": {
                "government_only": government_only,
                "government_types": list(STATE_ACTOR_TYPES) if government_only else [],
                "min_sources": min_sources,
            },
            "rows_read": report.rows_read,
            "rejected": dict(report.rejected),
            "skipped": {**dict(report.skipped), "event_date_outside_coverage": outside},
            "filtered_out": dict(dropped),
            "date_rule": report.extra["date_rule"],
        }
    )
    return table


def load_engagement(
    path: str | os.PathLike[str],
    fmt: str = "gdelt",
    *,
    government_only: bool = False,
    government_types: Sequence[str] = STATE_ACTOR_TYPES,
    min_sources: int = 1,
    on_bad_rows: str = "error",
    batch_bytes: int | None = None,
    engine: str = "duckdb",
    scheduler=None,
) -> pd.DataFrame:
    """Monthly Pakistan–Afghanistan engagement counts derived from GDELT files.

    Parameters
    ----------
    path : str or path-like
        GDELT 1.0 or 2.0 file (plain, .gz or .zip), folder or glob.
    fmt : {"gdelt", "gdelt_v1", "gdelt_v2"}
    government_only : bool
        Keep only events whose two actors are state actors.
    government_types : sequence of str
        Type codes counted as state actors (default :data:`STATE_ACTOR_TYPES`).
    min_sources : int
        Keep events with ``NumSources`` ≥ this; 2 means "more than one source".
    on_bad_rows : {"error", "skip"}
    batch_bytes : int, optional
        Uncompressed bytes per DuckDB scan (bounds temporary disk use).
    engine : {"duckdb", "dask"}
        The embedded engine (default), or the same DuckDB scan run as Dask
        tasks on a cluster (see :func:`scan`); the tables are identical.
    scheduler : str, optional
        With ``engine="dask"``: address of a running Dask scheduler; none
        starts a ``distributed.LocalCluster`` for this call.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COUNT_COLUMNS`: ``month`` (first day, timestamp),
        ``direction``, ``event_type`` (mapped types and ``all_events``),
        ``category``, ``events`` (count), ``goldstein_sum`` (net Goldstein
        score of those events), one count per ``QuadClass``,
        ``dyad_total_events`` (all dyad events that month and direction
        under the same actor and source filters: the normaliser) and
        ``basis`` (``derived_from_gdelt``). One row per month of the
        coverage × direction × type, zeros included. ``attrs`` holds
        ``kind="counts"``, the source, files, coverage, options and the
        counts of rows read, rejected, skipped and filtered out.
    """
    result = scan(
        path,
        fmt,
        on_bad_rows=on_bad_rows,
        government_types=tuple(government_types),
        batch_bytes=batch_bytes,
        engine=engine,
        scheduler=scheduler,
    )
    table = counts_from_scan(result, government_only=government_only, min_sources=min_sources)
    table.attrs["options"]["government_types"] = list(government_types) if government_only else []
    return table
