"""What is in a download: the summary printed by ``analysis inspect PATH``.

:func:`inspect_path` reads a file (or folder, glob, zip) in the lenient mode
of its adapter (bad rows are left out and counted by reason, never raised)
and returns one JSON-ready dict:

* ``path``, ``format`` (detected), ``vintage`` (which published layout, e.g.
  ``"19.1 (42 columns; the layout of 17.1 to 19.1)"``), ``format_label``,
  ``files``; ``hxl_hashtag_rows``: files whose line 2 was an HXL row
  (HDX), neither read nor counted;
* ``rows_read`` (data rows, header and blank lines excluded),
  ``rows_accepted``, ``rows_rejected`` (by reason), ``rows_skipped`` (by
  documented rule, e.g. blank lines, empty files, GDELT events dated outside
  the files' coverage) and ``problems`` (the first messages, with file, line
  and column);
* ``date_range`` (``first``/``last`` day) and ``coverage_months``;
* ``rows_by_country`` (UCDP ``country``; ACLED ``country``; GDELT
  ``Actor1CountryCode``, the 30 most frequent codes then ``other``);
* ``deaths``: UCDP ``best``/``low``/``high`` totals; ACLED ``fatalities``;
  ``null`` for GDELT (no deaths) and the reference engagement table;
* format-specific facts: the date rule and its counts (UCDP multi-month and
  imprecise events; ACLED imprecise dates and ``inter`` coding; GDELT dyad
  events by direction, state-actor pairs, multi-source events; old ACLED
  event types with no counterpart today, by type and with their lines; HDX
  HAPI rows by event type and rows without fatalities).

GDELT is read by the embedded DuckDB engine, or with ``engine="dask"`` by
the same DuckDB query on a Dask cluster (``analysis inspect PATH --engine
dask [--scheduler ADDRESS]``).

A file-level problem (empty file, wrong format, zip without CSV, missing
columns) gives ``{"path", "format", "error": [...]}`` instead.
"""

from __future__ import annotations

import os
from collections import Counter

import pandas as pd

from analysis.errors import DataValidationError
from analysis.sources import reference
from analysis.sources.detect import FORMATS, detect

#: Countries listed by name for GDELT before the rest are summed as ``other``.
TOP_COUNTRIES = 30


def _counts(values: pd.Series) -> dict[str, int]:
    counts = values.astype(str).value_counts()
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: int(v) for k, v in order}


def _day(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _base(path, detection, report) -> dict:
    return {
        "path": str(path),
        "format": detection.format,
        "vintage": detection.vintage,
        "format_label": FORMATS[detection.format].label,
        "files": list(report.files) if report else [str(f) for f in detection.files],
    }


def _rows(report, accepted: int) -> dict:
    return {
        "rows_read": report.rows_read,
        "rows_accepted": accepted,
        "rows_rejected": dict(sorted(report.rejected.items())),
        "rows_skipped": dict(sorted((k, v) for k, v in report.skipped.items() if v)),
    }


def _ucdp(path, detection) -> dict:
    from analysis.sources import ucdp

    events, report = ucdp.read_events(path, on_bad_rows="skip")
    out = _base(path, detection, report) | _rows(report, len(events))
    out["date_range"] = {
        "first": _day(events["date_start"].min() if len(events) else None),
        "last": _day(events["date_end"].max() if len(events) else None),
    }
    out["coverage_months"] = (
        {"first": str(events["month"].min()), "last": str(events["month"].max())} if len(events) else None
    )
    out["rows_by_country"] = _counts(events["country"])
    out["deaths"] = {
        "best": int(events["best"].sum()),
        "low": int(events["low"].sum()),
        "high": int(events["high"].sum()),
    }
    out["rows_by_type_of_violence"] = _counts(events["type_of_violence"])
    out["hxl_hashtag_rows"] = report.extra["hxl_rows"]
    out["date_rule"] = report.extra["date_rule"]
    out["events_spanning_months"] = report.extra["events_spanning_months"]
    out["events_imprecise_date"] = report.extra["events_imprecise_date"]
    out["problems"] = report.problems[:20]
    return out


def _acled(path, detection) -> dict:
    from analysis.sources import acled

    events, report = acled.read_events(path, on_bad_rows="skip")
    out = _base(path, detection, report) | _rows(report, len(events))
    out["date_range"] = {
        "first": _day(events["event_date"].min() if len(events) else None),
        "last": _day(events["event_date"].max() if len(events) else None),
    }
    out["coverage_months"] = (
        {"first": str(events["month"].min()), "last": str(events["month"].max())} if len(events) else None
    )
    out["rows_by_country"] = _counts(events["country"])
    out["deaths"] = {"fatalities": int(events["fatalities"].sum())}
    out["rows_by_event_type"] = _counts(events["event_type"])
    out["inter_coding"] = report.extra["inter_coding"]
    out["encodings"] = sorted(set(report.extra["encodings"].values()))
    out["event_types_without_counterpart"] = report.extra["event_types_without_counterpart"]
    out["rows_without_counterpart"] = report.extra["rows_without_counterpart"]
    out["date_rule"] = report.extra["date_rule"]
    out["events_imprecise_date"] = report.extra["events_imprecise_date"]
    out["problems"] = report.problems[:20]
    return out


def _hdx(path, detection) -> dict:
    from analysis.sources import hdx

    rows, report = hdx.read_rows(path, on_bad_rows="skip")
    out = _base(path, detection, report) | _rows(report, len(rows))
    out["hxl_hashtag_rows"] = report.extra["hxl_rows"]
    months = rows["month"]
    out["date_range"] = {
        "first": _day(months.min().start_time if len(rows) else None),
        "last": _day(months.max().end_time if len(rows) else None),
    }
    out["coverage_months"] = {"first": str(months.min()), "last": str(months.max())} if len(rows) else None
    out["rows_by_country"] = _counts(rows["location_code"])
    out["rows_by_country_basis"] = "location_code"
    out["rows_by_event_type"] = _counts(rows["event_type"])
    out["rows_by_admin_level"] = _counts(rows["admin_level"])
    out["events_by_event_type"] = {k: int(v) for k, v in rows.groupby("event_type")["events"].sum().items()}
    out["deaths"] = {
        "fatalities": int(rows["fatalities"].sum()),
        "rows_without_fatalities": report.extra["rows_without_fatalities"],
    }
    out["problems"] = report.problems[:20]
    return out


def _gdelt(path, detection, engine: str = "duckdb", scheduler: str | None = None) -> dict:
    from analysis.sources import gdelt

    result = gdelt.scan(
        path, detection.format, on_bad_rows="skip", by_country=True, engine=engine, scheduler=scheduler
    )
    report, groups = result.report, result.groups
    accepted = int(groups["n"].sum())
    dyad = groups.loc[groups["dir"] > 0]
    first, last = (pd.Period(m, freq="M") for m in report.extra["coverage"])
    months = pd.PeriodIndex(
        [pd.Period(f"{int(v) // 100:04d}-{int(v) % 100:02d}", "M") for v in dyad["ym"]], freq="M"
    )
    outside = int(dyad.loc[(months < first) | (months > last), "n"].sum())
    skipped = Counter(report.skipped)
    skipped["event_date_outside_coverage"] += outside
    report.skipped = skipped
    out = _base(path, detection, report) | _rows(report, accepted)
    out["vintage"] = report.extra["vintage"]
    out["engine"] = report.extra["engine"]
    out["date_range"] = {"first": report.extra["event_dates"][0], "last": report.extra["event_dates"][1]}
    out["coverage_months"] = {"first": report.extra["coverage"][0], "last": report.extra["coverage"][1]}
    by_country = groups.groupby(groups["actor1_country"].fillna("").replace("", "(none)"))["n"].sum()
    by_country = by_country.sort_values(ascending=False, kind="stable")
    shown = {str(k): int(v) for k, v in by_country.head(TOP_COUNTRIES).items()}
    rest = int(by_country.iloc[TOP_COUNTRIES:].sum())
    if rest:
        shown["other"] = rest
    out["rows_by_country"] = shown
    out["rows_by_country_basis"] = "Actor1CountryCode"
    out["deaths"] = None
    direction = dyad["dir"].map({1: gdelt.PAK_TO_AFG, 2: gdelt.AFG_TO_PAK})
    out["dyad_events"] = {d: int(dyad.loc[direction == d, "n"].sum()) for d in gdelt.DIRECTIONS}
    out["dyad_events_both_state_actors"] = int(
        dyad.loc[dyad["state_pair"].fillna(False).astype(bool), "n"].sum()
    )
    out["dyad_events_more_than_one_source"] = int(dyad.loc[dyad["n_sources"].fillna(0) > 1, "n"].sum())
    mapping = gdelt.cameo_map().set_index("cameo_code")["event_type"]
    mapped = dyad["code"].astype(str).map(mapping)
    out["dyad_events_by_type"] = {
        t: int(dyad.loc[mapped == t, "n"].sum()) for t in gdelt.event_types() if t != gdelt.ALL_EVENTS
    }
    out["date_rule"] = report.extra["date_rule"]
    out["problems"] = report.problems[:20]
    return out


def _reference(path, detection) -> dict:
    file = detection.files[0]
    if detection.format == "reference_violence":
        table = reference.load_violence_figures(file)
        first, last, countries = table["period_start"].min(), table["period_end"].max(), table["region"]
        deaths = {"by_measure": {m: int(v) for m, v in table.groupby("measure")["value"].sum().items()}}
    else:
        table = reference.load_engagement_events(file)
        first, last = table["date_start"].min(), table["date_start"].max()
        countries, deaths = table["initiator"], None
    return {
        "path": str(path),
        "format": detection.format,
        "vintage": detection.vintage,
        "format_label": FORMATS[detection.format].label,
        "files": [str(file)],
        "rows_read": len(table),
        "rows_accepted": len(table),
        "rows_rejected": {},
        "rows_skipped": {},
        "date_range": {"first": _day(first), "last": _day(last)},
        "rows_by_country": _counts(countries),
        "deaths": deaths,
    }


def inspect_path(
    path: str | os.PathLike[str], fmt: str = "auto", *, engine: str = "duckdb", scheduler: str | None = None
) -> dict:
    """Summarise a download (see the module docstring).

    Parameters
    ----------
    path : str or path-like
        File, zip, folder or glob.
    fmt : str
        ``"auto"`` or a format name (``ucdp_ged``, ``acled``, ``hdx_hapi``,
        ``gdelt``, ``gdelt_v1``, ``gdelt_v2``, ``reference``).
    engine : {"duckdb", "dask"}
        GDELT only: the embedded engine, or DuckDB on a Dask cluster.
    scheduler : str, optional
        GDELT with ``engine="dask"``: address of a running Dask scheduler
        (default: a local cluster is started).

    Returns
    -------
    dict
        JSON-ready. Contains ``"error"`` (a list of messages) when the input
        cannot be read at all.
    """
    try:
        detection = detect(path, fmt, skip_unreadable=True)
        if detection.format.startswith("gdelt"):
            return _gdelt(path, detection, engine, scheduler)
        if engine != "duckdb":
            raise ValueError(
                f"--engine {engine} applies to GDELT files only; found {FORMATS[detection.format].label}"
            )
        handler = {
            "ucdp_ged": _ucdp,
            "acled": _acled,
            "hdx_hapi_conflict": _hdx,
            "reference_violence": _reference,
            "reference_engagement": _reference,
        }[detection.format]
        return handler(path, detection)
    except DataValidationError as exc:
        return {"path": str(path), "format": None if fmt == "auto" else fmt, "error": list(exc.problems)}
