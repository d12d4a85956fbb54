"""Shared machinery of the event-data adapters (UCDP GED, ACLED).

* :class:`RowChecks`: vectorised checks on a text table whose failures are
  reported with file, line, column, expectation and the value found;
* text-to-type helpers for dates and counts;
* :func:`derived_monthly_figures`: events → canonical violence figures,
  one row per month and measure over the file's whole coverage, zero where no
  event matches;
* filter helpers that refuse a value absent from the file (a typo would
  otherwise give a silent series of zeros).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from datetime import date
from typing import Callable, Iterable, Sequence

import pandas as pd

from analysis import schema
from analysis.errors import DataValidationError
from analysis.sources._io import MAX_PROBLEMS_KEPT, ReadReport, TextTable, show

_COUNT = re.compile(r"^\s*\d+\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?)?\s*$")

ON_BAD_ROWS = ("error", "skip")


def check_on_bad_rows(value: str) -> str:
    """Validate the ``on_bad_rows`` option."""
    if value not in ON_BAD_ROWS:
        raise ValueError(f"on_bad_rows must be one of {ON_BAD_ROWS}; got {value!r}")
    return value


def read_event_files(
    path,
    fmt: str,
    columns: Sequence[str],
    needed: Sequence[str],
    *,
    legacy_encoding: Callable[[str], str | None] | None = None,
) -> tuple[pd.DataFrame, ReadReport]:
    """Read every file named by ``path`` (file, zip, folder or glob) in the headed-CSV
    format ``fmt`` into one text frame, with the read report (files, lines, problems).

    Each file is read by its own header, whatever its vintage: columns are
    found by canonical name (:func:`analysis.sources.detect.canonical_name`),
    a needed column the vintage lacks is empty text, and an HXL hashtag row
    (line 2 of HDX files) is passed over and not counted.

    Parameters
    ----------
    path : str or path-like
    fmt : {"ucdp_ged", "acled", "hdx_hapi_conflict"}
        Format to detect (a mismatch raises with what was expected and found).
    columns : sequence of str
        The format's full header (for messages).
    needed : sequence of str
        Columns the adapter uses (canonical names).
    legacy_encoding : callable, optional
        Vintage label → the encoding its files may be written in when they
        are not UTF-8 (e.g. ``"cp1252"``), or ``None``.

    Returns
    -------
    frame : pandas.DataFrame
        Text columns ``needed`` plus ``_line``, ``_file`` and ``_vintage``.
    report : ReadReport
        ``extra`` holds ``vintage``, ``hxl_rows`` (files whose line 2 was
        an HXL row) and ``encodings`` (file → encoding used).
    """
    import tempfile
    from pathlib import Path

    from analysis.sources._io import materialise, read_headed_csv, sniff_encoding
    from analysis.sources.detect import canonical_name, detect

    detection = detect(path, fmt)
    report = ReadReport(detection.format)
    frames = []
    encodings: dict[str, str] = {}
    hxl = 0
    with tempfile.TemporaryDirectory(prefix=f"{fmt}-") as tmp:
        for file in detection.files:
            layout = detection.layout_of(file)
            for inp in materialise(file, Path(tmp)):
                report.files.append(inp.label)
                encoding = "utf-8"
                fallback = legacy_encoding(layout.vintage) if legacy_encoding else None
                if fallback:
                    encoding = sniff_encoding(inp.path, fallback)
                encodings[inp.label] = encoding
                hxl += layout.hxl_row
                frame = to_frame(
                    read_headed_csv(
                        inp,
                        tuple(columns),
                        tuple(needed),
                        report,
                        encoding=encoding,
                        hxl_row=layout.hxl_row,
                        rename=canonical_name,
                    )
                )
                frame["_vintage"] = layout.vintage
                frames.append(frame)
    report.extra.update({"vintage": detection.vintage, "hxl_rows": hxl, "encodings": encodings})
    return pd.concat(frames, ignore_index=True), report


def to_frame(table: TextTable) -> pd.DataFrame:
    """Text table → DataFrame with ``_line`` and ``_file`` columns."""
    frame = pd.DataFrame(table.columns, dtype=object)
    frame["_line"] = table.lines
    frame["_file"] = table.labels
    return frame


class RowChecks:
    """Checks over a text table; collects every failure with its location.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text table with ``_line`` and ``_file`` columns.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.reason = pd.Series(pd.NA, index=frame.index, dtype=object)
        self._problems: list[tuple[int, int, str]] = []
        self._order = 0

    def check(self, ok: pd.Series, column: str, expected: str, reason: str) -> None:
        """Record a failure for every row where ``ok`` is False.

        Rows already failing an earlier check keep their first reason, but
        every problem is listed.
        """
        self._order += 1
        bad = ~ok.fillna(False).astype(bool)
        if not bad.any():
            return
        rows = self.frame.loc[bad]
        for idx, line, label, value in zip(rows.index, rows["_line"], rows["_file"], rows[column]):
            self._problems.append(
                (
                    int(line),
                    self._order,
                    f"{label}: line {line}, column '{column}': expected {expected}; "
                    f"found '{show(str(value))}'",
                )
            )
        self.reason[bad & self.reason.isna()] = reason

    @property
    def ok(self) -> pd.Series:
        """True for rows that passed every check."""
        return self.reason.isna()

    def finish(self, report: ReadReport, on_bad_rows: str) -> pd.DataFrame:
        """Count rejected rows in ``report``; raise or return the good rows.

        Raises
        ------
        DataValidationError
            When ``on_bad_rows == "error"`` and any row was rejected here or
            while reading (wrong field count, non-UTF-8).
        """
        read_stage = report.n_rejected
        for reason in self.reason.dropna():
            report.rejected[reason] += 1
        self._problems.sort()
        room = MAX_PROBLEMS_KEPT - len(report.problems)
        report.problems.extend(m for _, _, m in self._problems[: max(room, 0)])
        if on_bad_rows == "error" and report.n_rejected:
            problems = list(report.problems)
            listed = len(problems)
            total = read_stage + len(self._problems)
            if total > listed:
                problems.append(f"... {total - listed} more problem(s) not listed")
            raise DataValidationError(problems)
        return self.frame.loc[self.ok]


def is_count(values: pd.Series) -> pd.Series:
    """True where the text is a non-negative whole number."""
    return values.astype(str).str.match(_COUNT)


def iso_day(values: pd.Series) -> pd.Series:
    """Parse ``YYYY-MM-DD`` or ``YYYY-MM-DD hh:mm:ss[.fff]`` text to dates (NaT if not a real date)."""
    day = values.astype(str).str.extract(_ISO_DAY, expand=False)
    return pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")


def in_range(dates: pd.Series, first: date, last: date | None = None) -> pd.Series:
    """True where a (valid) date lies between ``first`` and ``last`` (default today)."""
    last = last or date.today()
    return dates.isna() | ((dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last)))


def as_list(value: str | int | Iterable | None) -> list:
    """``None`` → ``[]``; a scalar → ``[scalar]``; an iterable → list."""
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    return list(value)


def require_present(name: str, wanted: Sequence[str], present: Iterable[str], label: str) -> None:
    """Refuse a filter value that never occurs in the file, with suggestions."""
    present = set(present)
    for value in wanted:
        if value not in present:
            close = difflib.get_close_matches(str(value), sorted(present), n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise ValueError(f"{name} {value!r} does not occur in {label}{hint}")


def filter_text(filters: dict[str, list]) -> str:
    """``{"country": ["Pakistan"]}`` → ``"country = Pakistan"`` (``"no filters"`` if none)."""
    parts = [f"{k} = {' or '.join(map(str, v))}" for k, v in filters.items() if v]
    return "; ".join(parts) if parts else "no filters"


def files_text(labels: Sequence[str]) -> str:
    """Short name of the input: one file's name, or ``N files: a, b, …``."""
    names = [label.replace("\\", "/").split("/")[-1] for label in labels]
    if len(names) == 1:
        return names[0]
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return f"{len(names)} files: {shown}"


def derived_monthly_figures(
    events: pd.DataFrame,
    coverage: tuple[pd.Period, pd.Period],
    *,
    measures: dict[str, str | None],
    source_org: str,
    id_prefix: str,
    region: str,
    actor: str,
    filters: dict[str, list],
    file_label: str,
    rule_text: str,
    source_url: str,
) -> pd.DataFrame:
    """Monthly violence figures derived from events, typed like the reference table.

    Parameters
    ----------
    events : pandas.DataFrame
        Filtered events with a ``month`` column (``Period[M]``) and the value
        columns named in ``measures``.
    coverage : (Period, Period)
        First and last month of the *unfiltered* file: every month between
        them gets a row, 0 when no event matches (a real zero inside an event
        dataset's coverage); months outside are absent (missing).
    measures : dict
        Measure name → column summed, or ``None`` to count events.
    source_org, id_prefix, region, actor : str
        Canonical columns; ``figure_id`` is ``{id_prefix}-{YYYY-MM}-{measure}``
        plus a short hash of the filters when there are any.
    filters : dict
        Filters applied, for ``scope_note`` and ``source_quote``.
    file_label : str
        Input name for ``scope_note`` and ``source_quote``.
    rule_text : str
        The date rule and its counts, for ``scope_note``.
    source_url : str
        The dataset's public landing page.

    Returns
    -------
    pandas.DataFrame
        Canonical violence table (``basis`` ``derived_from_events``,
        ``granularity`` ``month``), validated by
        :func:`analysis.schema.parse_violence_figures`.
    """
    first, last = coverage
    months = pd.period_range(first, last, freq="M")
    grouped = events.groupby("month")
    counts = grouped.size().reindex(months, fill_value=0)
    what = filter_text(filters)
    tag = ("-" + hashlib.sha1(what.encode()).hexdigest()[:6]) if what != "no filters" else ""
    scope = (
        f"{source_org} events ({what}) aggregated per month: {rule_text}; months from "
        f"{first} to {last} (the file's coverage) with no matching event are 0; "
        f"file: {file_label}"
    )
    rows = []
    for measure, column in measures.items():
        if column is None:
            values = counts
        else:
            values = grouped[column].sum().reindex(months, fill_value=0)
        for month in months:
            n = int(counts[month])
            how = (
                f"{n} {source_org} events"
                if column is None
                else f"sum of {column} over {n} {source_org} events"
            )
            rows.append(
                {
                    "figure_id": f"{id_prefix}-{month}-{measure}{tag}",
                    "source_org": source_org,
                    "period_start": month.start_time.strftime("%Y-%m-%d"),
                    "period_end": month.end_time.strftime("%Y-%m-%d"),
                    "granularity": "month",
                    "region": region,
                    "actor": actor,
                    "measure": measure,
                    "value": str(int(values[month])),
                    "scope_note": scope,
                    "source_url": source_url,
                    "source_quote": f"derived: {how} in {month} in {file_label} ({what})",
                    "source_date": "",
                    "basis": "derived_from_events",
                }
            )
    text = pd.DataFrame(rows, columns=list(schema.VIOLENCE_COLUMNS)).astype(str)
    return schema.parse_violence_figures(text, source=f"figures derived from {file_label}")
