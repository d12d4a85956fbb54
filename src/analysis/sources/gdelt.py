"""Adapter for GDELT event files, 1.0 (58 columns) and 2.0 (61 columns).

Input: tab-separated files with no header line, plain, gzipped or zipped
(``YYYYMMDD.export.CSV.zip`` for 1.0, ``YYYYMMDDHHMMSS.export.CSV.zip`` for
2.0); one file, a folder or a glob of daily files. All files read together
must be of one version.

**Reading.** DuckDB streams the files and aggregates as it reads: only the
columns used are materialised, and only aggregates (a few thousand rows)
reach pandas; whole files are never loaded into memory. DuckDB does not read
zip archives, so each zip's CSV member is stream-extracted (64 KiB at a time)
to a temporary folder, in batches of at most :data:`BATCH_BYTES`
uncompressed, read, and deleted. ``EventCode`` is read as text (leading
zeros kept: ``042`` is not ``42``).

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
``SQLDATE``), bytes that are not UTF-8 in a column read, and dates before
1979-01-01 or after today raise :class:`DataValidationError` naming file,
line and column; with ``on_bad_rows="skip"`` such rows are left out and
counted by reason (``analysis inspect`` shows them), as are empty files and
zips without a CSV member.
"""

from __future__ import annotations

import functools
import gzip
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from analysis.errors import DataValidationError
from analysis.sources import _events as ev
from analysis.sources._io import (MAX_PROBLEMS_KEPT, ReadReport, expand_inputs, first_line_of,
                                  materialise, show)
from analysis.sources.detect import FORMATS, _gdelt_header_problem, describe_line, detect_line

#: State-actor type codes for ``government_only``.
STATE_ACTOR_TYPES: tuple[str, ...] = ("GOV", "MIL", "COP", "SPY", "JUD", "LEG")
#: Direction labels (as in :data:`analysis.series.DIRECTIONS`).
PAK_TO_AFG = "Pakistan→Afghanistan"
AFG_TO_PAK = "Afghanistan→Pakistan"
DIRECTIONS: tuple[str, ...] = (PAK_TO_AFG, AFG_TO_PAK)
#: ``event_type`` of the row holding every dyad event, mapped or not.
ALL_EVENTS = "all_events"
ALL_CATEGORY = "all"
QUAD_COLUMNS: tuple[str, ...] = ("quad1_verbal_cooperation", "quad2_material_cooperation",
                                 "quad3_verbal_conflict", "quad4_material_conflict")
COUNT_COLUMNS: tuple[str, ...] = ("month", "direction", "event_type", "category", "events",
                                  "goldstein_sum", *QUAD_COLUMNS, "dyad_total_events", "basis")
BASIS = "derived_from_gdelt"
FIRST_DATE = date(1979, 1, 1)
#: Uncompressed bytes read per DuckDB scan (zips are extracted per batch).
BATCH_BYTES = 4 << 30
SOURCE_LABELS = {"gdelt_v1": "GDELT 1.0", "gdelt_v2": "GDELT 2.0"}
#: Columns typed on read; every other column is read as text (and only if used).
#: ``SQLDATE`` is read as a number and checked by arithmetic (parsing it as a
#: DATE costs a third of the scan); impossible dates are then located by line.
_TYPES = {"SQLDATE": "INTEGER", "QuadClass": "INTEGER", "GoldsteinScale": "DOUBLE",
          "NumSources": "INTEGER", "DATEADDED": "BIGINT"}
_TYPE_WORDS = {"SQLDATE": "a real date written YYYYMMDD", "INTEGER": "a whole number",
               "DOUBLE": "a number", "DATEADDED": "a whole number (date-time YYYYMMDD[HHMMSS])"}


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
    text = resources.files("analysis.sources").joinpath("cameo_engagement_map.csv")
    with text.open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    if table["cameo_code"].duplicated().any():
        raise ValueError("cameo_engagement_map.csv lists a CAMEO code twice")
    return table


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


def _inputs(path, fmt: str, report: ReadReport, on_bad_rows: str) -> _Inputs:
    """Files of ``path`` with their GDELT version; empty files and zips without
    CSV raise, or (skip mode) are counted and left out."""
    allowed = {"gdelt": ("gdelt_v1", "gdelt_v2"), "gdelt_v1": ("gdelt_v1",),
               "gdelt_v2": ("gdelt_v2",)}[fmt]
    version: str | None = None
    kept = []
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
            raise DataValidationError([f"{file}: line 1: expected {expected}; "
                                       f"found {describe_line(line, chr(9))}"])
        problems = _gdelt_header_problem(line, FORMATS[name], str(file))
        if problems:
            raise DataValidationError(problems)
        if version is not None and name != version:
            raise DataValidationError(
                [f"{file}: line 1: expected {FORMATS[version].describe()} like {kept[0]}; "
                 f"found {describe_line(line)}: files of one version only"])
        version = name
        kept.append(file)
    if version is None:
        raise DataValidationError([f"{path}: no readable GDELT file"])
    return _Inputs(version, kept)


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


def _read_csv_sql(paths: Sequence[str], version: str) -> str:
    columns = FORMATS[version].columns
    spec = ", ".join(f"{_sql_text(c)}: {_sql_text(_TYPES.get(c, 'VARCHAR'))}" for c in columns)
    files = "[" + ", ".join(_sql_text(p) for p in paths) + "]"
    return (f"read_csv({files}, delim='\\t', header=false, quote='', escape='', "
            f"auto_detect=false, columns={{{spec}}}, "
            "store_rejects=true, rejects_table='rejects', rejects_scan='rejects_scan')")


def _calendar_sql(column: str) -> str:
    """SQL: the integer ``column`` (YYYYMMDD) is a real calendar date."""
    y, m, d = f"({column} // 10000)", f"(({column} // 100) % 100)", f"({column} % 100)"
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    days = (f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
            f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END")
    return f"({m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {days})"


def _state_sql(actor: str, types: Sequence[str]) -> str:
    listed = ", ".join(_sql_text(t) for t in types) or "NULL"
    return " OR ".join(f"coalesce(Actor{actor}Type{k}Code IN ({listed}), false)" for k in (1, 2, 3))


def _scan_sql(source: str, version: str, types: Sequence[str], by_country: bool) -> str:
    added_month = "DATEADDED // 100000000" if version == "gdelt_v2" else "DATEADDED // 100"
    today = date.today()
    low, high = FIRST_DATE.strftime("%Y%m%d"), today.strftime("%Y%m%d")
    real_date = _calendar_sql("SQLDATE")
    date_ok = f"{real_date} AND SQLDATE BETWEEN {low} AND {high}"
    added_ok = (f"({added_month}) % 100 BETWEEN 1 AND 12 AND ({added_month}) BETWEEN "
                f"{FIRST_DATE.year * 100 + 1} AND {today.year * 100 + today.month}")
    country = "Actor1CountryCode" if by_country else "NULL"
    return f"""
    WITH rows AS (
      SELECT *, ({date_ok}) AS date_ok, ({added_ok}) AS added_ok, {real_date} AS real_date,
             CASE WHEN Actor1CountryCode = 'PAK' AND Actor2CountryCode = 'AFG' THEN 1
                  WHEN Actor1CountryCode = 'AFG' AND Actor2CountryCode = 'PAK' THEN 2
                  ELSE 0 END AS dyad
      FROM {source})
    SELECT
      CASE WHEN date_ok AND added_ok THEN dyad ELSE 0 END AS dir,
      CASE WHEN dir > 0 THEN SQLDATE // 100 END AS ym,
      CASE WHEN dir > 0 THEN EventCode END AS code,
      CASE WHEN dir > 0 THEN QuadClass END AS quad,
      CASE WHEN dir > 0 THEN ({_state_sql('1', types)}) AND ({_state_sql('2', types)}) END AS state_pair,
      CASE WHEN dir > 0 THEN NumSources END AS n_sources,
      {country} AS actor1_country,
      date_ok AND added_ok AS valid,
      count(*) AS n,
      sum(GoldsteinScale) AS goldstein,
      min(CASE WHEN date_ok AND added_ok THEN {added_month} END) AS added_first,
      max(CASE WHEN date_ok AND added_ok THEN {added_month} END) AS added_last,
      min(CASE WHEN date_ok AND added_ok THEN SQLDATE END) AS date_first,
      max(CASE WHEN date_ok AND added_ok THEN SQLDATE END) AS date_last,
      count(*) FILTER (WHERE NOT real_date) AS impossible_sqldate,
      count(*) FILTER (WHERE real_date AND NOT date_ok) AS bad_sqldate,
      count(*) FILTER (WHERE date_ok AND NOT added_ok) AS bad_dateadded
    FROM rows
    GROUP BY ALL
    """


def _bad_utf8_column(path: Path, line_no: int, columns: Sequence[str]) -> str:
    """Column of the first field of line ``line_no`` that is not UTF-8 (error path only)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == line_no:
                for i, field in enumerate(raw.rstrip(b"\r\n").split(b"\t")):
                    try:
                        field.decode("utf-8")
                    except UnicodeDecodeError:
                        return columns[i] if i < len(columns) else f"field {i + 1}"
                break
    return "?"


def _reject_message(row, labels: dict[int, str], columns: Sequence[str],
                    files: dict[int, Path]) -> tuple[str, str]:
    label = labels.get(int(row.file_id), "?")
    kind = str(row.error_type)
    line = int(row.line)
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = len(str(row.csv_line).split("\t"))
        what = "the line looks truncated" if kind == "MISSING COLUMNS" else "extra tabs?"
        return "wrong_field_count", (f"{label}: line {line}: expected {len(columns)} "
                                     f"tab-separated fields; found {found}; {what}")
    column = str(row.column_name)
    if kind in ("INVALID ENCODING", "INVALID UNICODE"):  # the name differs between versions
        path = files.get(int(row.file_id))
        column = _bad_utf8_column(path, line, columns) if path else column
        return "non_utf8", (f"{label}: line {line}, column '{column}': expected UTF-8 text; "
                            "found bytes that are not UTF-8")
    if kind == "CAST":
        fields = str(row.csv_line).split("\t")
        value = fields[columns.index(column)] if column in columns and \
            len(fields) == len(columns) else "?"
        reason = "invalid_date" if column == "SQLDATE" else "wrong_type"
        words = _TYPE_WORDS.get(column) or _TYPE_WORDS.get(_TYPES.get(column, ""), "a valid value")
        return reason, (f"{label}: line {line}, column '{column}': expected {words}; "
                        f"found '{show(value)}'")
    return "unreadable_line", f"{label}: line {line}: {kind}: {row.error_message}"


def _is_calendar_day(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return len(text) == 8


def _locate_bad_dates(inputs: Sequence, version: str,
                      limit: int = 20) -> list[tuple[str, int, str]]:
    """Lines with SQLDATE or DATEADDED out of range (slow path: only on error)."""
    columns = FORMATS[version].columns
    i_date, i_added = columns.index("SQLDATE"), columns.index("DATEADDED")
    today = date.today()
    low, high = int(FIRST_DATE.strftime("%Y%m%d")), int(today.strftime("%Y%m%d"))
    cut = 6 if version == "gdelt_v2" else 2
    found = []
    for inp in inputs:
        opener = gzip.open if inp.path.name.lower().endswith(".gz") else open
        with opener(inp.path, "rt", encoding="utf-8", errors="replace") as fh:
            for line_no, line in enumerate(fh, start=1):
                fields = line.rstrip("\n").split("\t")
                if len(fields) != len(columns):
                    continue
                sqldate, added = fields[i_date].strip(), fields[i_added].strip()
                if sqldate.isdigit() and not _is_calendar_day(sqldate):
                    found.append((inp.label, line_no,
                                  f"{inp.label}: line {line_no}, column 'SQLDATE': expected a "
                                  f"real date written YYYYMMDD; found '{sqldate}'"))
                elif sqldate.isdigit() and not low <= int(sqldate) <= high:
                    found.append((inp.label, line_no,
                                  f"{inp.label}: line {line_no}, column 'SQLDATE': expected a "
                                  f"date from {FIRST_DATE} to today ({today}); found '{sqldate}'"))
                elif added.isdigit() and len(added) > cut and not (
                        low // 100 <= int(added[:-cut]) // 100 <= high // 100
                        and 1 <= int(added[:-cut]) % 100 <= 12 and
                        low <= int(added[:8]) <= high):
                    found.append((inp.label, line_no,
                                  f"{inp.label}: line {line_no}, column 'DATEADDED': expected a "
                                  f"date-time from {FIRST_DATE} to today; found '{added}'"))
                if len(found) >= limit:
                    return found
    return found


@dataclass
class Scan:
    """Aggregates of one read: the raw dyad groups and the report."""

    version: str
    groups: pd.DataFrame
    report: ReadReport


def scan(path: str | os.PathLike[str], fmt: str = "gdelt", *, on_bad_rows: str = "error",
         government_types: Sequence[str] = STATE_ACTOR_TYPES, by_country: bool = False,
         batch_bytes: int = BATCH_BYTES) -> Scan:
    """Stream GDELT files through DuckDB into small aggregates.

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
    batch_bytes : int
        Uncompressed bytes per DuckDB scan.

    Returns
    -------
    Scan
        ``groups``: one row per (direction, event month, EventCode,
        QuadClass, state pair, NumSources) of the dyad's valid events, plus
        rows with ``dir`` 0 for everything else, with counts and Goldstein
        sums; the report holds rows read, rejected and coverage.
    """
    import duckdb

    if fmt not in ("gdelt", "gdelt_v1", "gdelt_v2"):
        raise ValueError(f"fmt must be gdelt, gdelt_v1 or gdelt_v2; got {fmt!r}")
    ev.check_on_bad_rows(on_bad_rows)
    report = ReadReport("gdelt")
    inputs = _inputs(path, fmt, report, on_bad_rows)
    report.format = inputs.version
    columns = FORMATS[inputs.version].columns
    parts = []
    problems: list[tuple[str, int, str]] = []
    for batch in _batches(inputs.files, batch_bytes):
        with tempfile.TemporaryDirectory(prefix="gdelt-") as tmp:
            plain = [inp for file in batch for inp in materialise(file, Path(tmp))]
            report.files.extend(inp.label for inp in plain)
            con = duckdb.connect()
            _quiet_progress(con)
            try:
                source = _read_csv_sql([str(inp.path) for inp in plain], inputs.version)
                groups = con.execute(_scan_sql(source, inputs.version, government_types,
                                               by_country)).df()
                rejects = con.execute(
                    "SELECT file_id, line, column_name, error_type, csv_line, error_message "
                    "FROM rejects ORDER BY file_id, line").df()
                files = con.execute("SELECT file_id, file_path FROM rejects_scan").df()
            except duckdb.Error as exc:
                raise DataValidationError(
                    [f"{', '.join(i.label for i in plain)}: could not be read as "
                     f"{SOURCE_LABELS[inputs.version]} ({str(exc).splitlines()[0]})"]) from None
            finally:
                con.close()
            by_path = {str(inp.path): inp.label for inp in plain}
            labels = {int(r.file_id): by_path.get(str(r.file_path), str(r.file_path))
                      for r in files.itertuples()}
            real = {int(r.file_id): Path(str(r.file_path)) for r in files.itertuples()}
            seen: set[tuple[int, int]] = set()
            for row in rejects.itertuples():
                key = (int(row.file_id), int(row.line))
                if key in seen:  # one row, one reason (DuckDB lists each missing column)
                    continue
                seen.add(key)
                reason, message = _reject_message(row, labels, columns, real)
                report.rejected[reason] += 1
                problems.append((labels.get(key[0], "?"), key[1], message))
            n_impossible = int(groups["impossible_sqldate"].sum())
            n_bad_dates = int(groups["bad_sqldate"].sum() + groups["bad_dateadded"].sum())
            if n_impossible:
                report.rejected["invalid_date"] += n_impossible
            if n_bad_dates:
                report.rejected["date_out_of_range"] += n_bad_dates
            if n_impossible or n_bad_dates:
                located = _locate_bad_dates(plain, inputs.version)
                problems.extend(located)
            report.rows_read += int(groups["n"].sum()) + len(seen)
            parts.append(groups)
    problems.sort(key=lambda p: (p[0], p[1]))
    report.problems.extend(m for _, _, m in problems[:MAX_PROBLEMS_KEPT - len(report.problems)])
    if on_bad_rows == "error" and report.n_rejected:
        shown = [m for _, _, m in problems[:MAX_PROBLEMS_KEPT]]
        if report.n_rejected > len(shown):
            shown.append(f"... {report.n_rejected} rejected row(s) in all")
        raise DataValidationError(shown)
    groups = pd.concat(parts, ignore_index=True)
    # Rejected rows never reach `groups`; rows with bad dates sit in `valid == False`.
    groups = groups.loc[groups["valid"].fillna(False).astype(bool)]
    if groups.empty or groups["added_first"].isna().all():
        raise DataValidationError([f"{path}: no valid GDELT rows; nothing to count"])
    first, last = int(groups["added_first"].min()), int(groups["added_last"].max())
    report.extra.update({
        "source": SOURCE_LABELS[inputs.version],
        "coverage": (f"{first // 100:04d}-{first % 100:02d}", f"{last // 100:04d}-{last % 100:02d}"),
        "event_dates": tuple(datetime.strptime(str(int(v)), "%Y%m%d").strftime("%Y-%m-%d")
                             for v in (groups["date_first"].min(), groups["date_last"].max())),
        "date_rule": "each event counted in the month of its SQLDATE; coverage = months of "
                     "DATEADDED",
    })
    return Scan(inputs.version, groups, report)


# --------------------------------------------------------------------------
# Counts table
# --------------------------------------------------------------------------


def counts_from_scan(result: Scan, *, government_only: bool = False,
                     min_sources: int = 1) -> pd.DataFrame:
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
    dyad["month"] = pd.PeriodIndex([pd.Period(f"{int(ym) // 100:04d}-{int(ym) % 100:02d}", "M")
                                    for ym in dyad["ym"]], freq="M")
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
    full = pd.MultiIndex.from_product([months, DIRECTIONS, event_types()],
                                      names=["month", "direction", "event_type"])
    table = (combined.set_index(["month", "direction", "event_type"]).reindex(full)
             .fillna(0).reset_index())
    table = table.rename(columns={"n": "events", "goldstein": "goldstein_sum"})
    for column in ("events", *QUAD_COLUMNS):
        table[column] = table[column].astype("int64")
    table["goldstein_sum"] = table["goldstein_sum"].astype(float).round(6)
    table["category"] = table["event_type"].map(type_categories())
    totals = table.loc[table["event_type"] == ALL_EVENTS].set_index(["month", "direction"])["events"]
    table["dyad_total_events"] = pd.MultiIndex.from_frame(table[["month", "direction"]]).map(
        totals).astype("int64")
    table["basis"] = BASIS
    table["month"] = table["month"].dt.to_timestamp()
    table = table.loc[:, list(COUNT_COLUMNS)]
    table.attrs.update({
        "kind": "counts",
        "source": report.extra["source"],
        "files": list(report.files),
        "coverage": report.extra["coverage"],
        "options": {"government_only": government_only,
                    "government_types": list(STATE_ACTOR_TYPES) if government_only else [],
                    "min_sources": min_sources},
        "rows_read": report.rows_read,
        "rejected": dict(report.rejected),
        "skipped": {**dict(report.skipped), "event_date_outside_coverage": outside},
        "filtered_out": dict(dropped),
        "date_rule": report.extra["date_rule"],
    })
    return table


def load_engagement(path: str | os.PathLike[str], fmt: str = "gdelt", *,
                    government_only: bool = False,
                    government_types: Sequence[str] = STATE_ACTOR_TYPES,
                    min_sources: int = 1, on_bad_rows: str = "error",
                    batch_bytes: int = BATCH_BYTES) -> pd.DataFrame:
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
    batch_bytes : int
        Uncompressed bytes per DuckDB scan (bounds temporary disk use).

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
    result = scan(path, fmt, on_bad_rows=on_bad_rows,
                  government_types=tuple(government_types), batch_bytes=batch_bytes)
    table = counts_from_scan(result, government_only=government_only, min_sources=min_sources)
    table.attrs["options"]["government_types"] = list(government_types) if government_only else []
    return table
