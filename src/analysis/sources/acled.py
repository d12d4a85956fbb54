"""Adapter for ACLED exports, today's and older vintages.

ACLED's terms restrict redistribution: the project never bundles ACLED rows;
this module reads a user's own export (plain CSV, a zip holding it, a folder
or a glob).

**Vintages** (see :mod:`analysis.sources.detect`): today's export (31
lower-case columns); the 2019 to 2023 export (lower case, ``data_id``,
``iso3``, no ``disorder_type``); and the exports before 2019: upper-case
names (``GWNO, EVENT_ID_CNTY, EVENT_ID_NO_CNTY, EVENT_DATE, ...``),
``ALLY_ACTOR_1``/``ALLY_ACTOR_2`` in place of ``assoc_actor_*``, no
``SUB_EVENT_TYPE``, ``ISO`` or ``DISORDER_TYPE``, text often in Windows-1252
(read as such when a file is not valid UTF-8) and ``EVENT_DATE`` written
``DD/MM/YYYY`` or ``DD Month YYYY``. Their event types are mapped to
today's by the package table ``acled_event_type_map.csv``
(:func:`event_type_map`; the old type is kept in ``event_type_original``);
an old type with no counterpart today (``Riots/Protests``, which today is
split into Protests and Riots, or a type the table does not list) keeps its
old name, and the rows are counted by type and listed by file and line
(:attr:`ReadReport.extra` ``rows_without_counterpart``; ``analysis
inspect`` shows them). ``iso`` is empty in these files: filter by
``country`` instead.

Output (:func:`load_violence`): canonical violence figures, one row per month
and measure, ``basis`` ``derived_from_events``, ``source_org`` ``"ACLED"``:
``events`` (number of events) and ``deaths`` (sum of ``fatalities``).

**Dates.** ``event_date`` is read as ``YYYY-MM-DD`` (current exports), or
``D Month YYYY``, ``D-Month-YYYY`` or ``DD/MM/YYYY`` (older exports). An event counts in the
month of its ``event_date``; events with ``time_precision`` > 1 (date known
to the week or month only) are counted and reported, as for UCDP GED.
Dates before 1997-01-01 (ACLED's earliest coverage) or after today are
rejected, as is a ``year`` that differs from ``event_date``'s year.

**inter codes.** Older exports code ``inter1``/``inter2``/``interaction`` as
numbers, current ones as text labels. Both are accepted; ``inter1_label``
and ``inter2_label`` hold the text label either way (:data:`INTER_LABELS`),
and ``analysis inspect`` reports which coding a file uses.

**Zero rule and validation** as in :mod:`analysis.sources.ucdp`: every month
of the unfiltered file's coverage gets a row, 0 when no event matches; a
non-numeric ``fatalities`` is an error naming file, line and column (or, with
``on_bad_rows="skip"``, a counted skip).
"""

from __future__ import annotations

import functools
import os
from datetime import date

import pandas as pd

from analysis.errors import DataValidationError
from analysis.sources import _events as ev
from analysis.sources._io import ReadReport, package_table
from analysis.sources.detect import ACLED_COLUMNS

SOURCE_ORG = "ACLED"
SOURCE_URL = "https://acleddata.com/"
FIRST_DATE = date(1997, 1, 1)
MEASURES: dict[str, str | None] = {"events": None, "deaths": "fatalities"}
DATE_RULE = "each event counted in the month of its event_date"
NEEDED: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "inter1",
    "actor2",
    "inter2",
    "interaction",
    "iso",
    "country",
    "fatalities",
)
#: ACLED's numeric actor-type codes and the text labels of current exports.
INTER_LABELS: dict[str, str] = {
    "0": "",
    "1": "State forces",
    "2": "Rebel group",
    "3": "Political militia",
    "4": "Identity militia",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}


def inter_label(value: str) -> str:
    """Text label of an ``inter1``/``inter2`` value, numeric or text."""
    text = str(value).strip()
    return INTER_LABELS.get(text, text)


def inter_coding(values: pd.Series) -> str:
    """``"numeric"``, ``"text"``, ``"mixed"`` or ``"empty"`` for a column of inter codes."""
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return "empty"
    numeric = text.str.fullmatch(r"\d+")
    return "numeric" if numeric.all() else "text" if not numeric.any() else "mixed"


#: Vintage labels (start) of the exports whose text may be Windows-1252 and whose
#: event types are mapped by :func:`event_type_map`.
PRE_2019 = "export before 2019"


@functools.lru_cache(maxsize=1)
def event_type_map() -> pd.DataFrame:
    """The table mapping pre-2019 ACLED event types to today's, shipped with the package.

    Returns
    -------
    pandas.DataFrame
        Columns ``old_event_type``, ``event_type`` (empty: no counterpart
        today), ``sub_event_type`` (today's sub-event type when the old type
        names exactly one, else empty) and ``note`` (why).
    """
    return package_table("acled_event_type_map.csv", "old_event_type")


def _legacy_encoding(vintage: str) -> str | None:
    return "cp1252" if vintage.startswith(PRE_2019) else None


def map_old_event_types(frame: pd.DataFrame, report: ReadReport) -> pd.DataFrame:
    """Today's event (and where one-to-one, sub-event) types for rows of pre-2019 exports.

    Adds ``event_type_original``; rows of other vintages are unchanged.
    Rows whose old type has no counterpart keep it and are counted in
    ``report.extra["event_types_without_counterpart"]`` and listed (file and
    line, first 20) in ``report.extra["rows_without_counterpart"]``.
    """
    frame = frame.copy()
    frame["event_type_original"] = frame["event_type"]
    old = frame["_vintage"].str.startswith(PRE_2019)
    table = event_type_map().set_index("old_event_type")
    original = frame["event_type"].str.strip()
    new_type = original.map(table["event_type"]).where(old)
    new_sub = original.map(table["sub_event_type"]).where(old)
    matched = old & new_type.fillna("").ne("")
    frame.loc[matched, "event_type"] = new_type[matched]
    has_sub = matched & new_sub.fillna("").ne("")
    frame.loc[has_sub, "sub_event_type"] = new_sub[has_sub]
    orphan = old & ~matched
    counts = original[orphan].value_counts()
    report.extra["event_types_without_counterpart"] = {str(k): int(v) for k, v in counts.items()}
    rows = frame.loc[orphan]
    report.extra["rows_without_counterpart"] = [
        f"{f}: line {n}: event type '{t}' has no counterpart today"
        for f, n, t in zip(rows["_file"].head(20), rows["_line"].head(20), original[orphan].head(20))
    ]
    return frame


def parse_event_date(values: pd.Series) -> pd.Series:
    """``YYYY-MM-DD``, ``D Month YYYY``, ``D-Month-YYYY`` or ``DD/MM/YYYY`` text → dates
    (NaT if none fits)."""
    parsed = ev.iso_day(values)
    text = values.astype(str).str.strip()
    for fmt in ("%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        todo = parsed.isna()
        if todo.any():
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return parsed


def read_events(path: str | os.PathLike[str], on_bad_rows: str = "error") -> tuple[pd.DataFrame, ReadReport]:
    """Read and validate an ACLED export into one typed row per event.

    Parameters
    ----------
    path : str or path-like
        File, zip, folder or glob.
    on_bad_rows : {"error", "skip"}

    Returns
    -------
    events : pandas.DataFrame
        Columns of :data:`NEEDED` (text) with ``event_date`` a timestamp,
        ``fatalities``/``time_precision`` int64, ``inter1_label``,
        ``inter2_label``, ``event_type_original`` and ``month`` (``Period[M]``).
    report : ReadReport
        ``extra`` holds ``vintage``, ``encodings``, ``inter_coding``,
        ``events_imprecise_date`` and the old event types without counterpart.
    """
    ev.check_on_bad_rows(on_bad_rows)
    frame, report = ev.read_event_files(
        path, "acled", ACLED_COLUMNS, NEEDED, legacy_encoding=_legacy_encoding
    )
    frame = map_old_event_types(frame, report)
    checks = ev.RowChecks(frame)
    when = parse_event_date(frame["event_date"])
    checks.check(
        when.notna(),
        "event_date",
        "a real date written YYYY-MM-DD (or D Month YYYY, or DD/MM/YYYY)",
        "invalid_date",
    )
    checks.check(
        ev.in_range(when, FIRST_DATE),
        "event_date",
        f"a date from {FIRST_DATE} (ACLED's earliest) to today ({date.today()})",
        "date_out_of_range",
    )
    checks.check(
        when.isna() | (frame["year"].str.strip() == when.dt.year.astype("Int64").astype(str)),
        "year",
        "the year of event_date",
        "invalid_date",
    )
    checks.check(
        frame["time_precision"].str.strip().isin(["1", "2", "3"]),
        "time_precision",
        "a time precision of 1, 2 or 3",
        "invalid_time_precision",
    )
    checks.check(
        ev.is_count(frame["fatalities"]),
        "fatalities",
        "a non-negative whole number of fatalities",
        "non_numeric_deaths",
    )
    good = checks.finish(report, on_bad_rows).copy()
    good["event_date"] = when[good.index]
    good["fatalities"] = good["fatalities"].str.strip().astype("int64")
    good["time_precision"] = good["time_precision"].str.strip().astype("int64")
    good["inter1_label"] = good["inter1"].map(inter_label)
    good["inter2_label"] = good["inter2"].map(inter_label)
    good["month"] = good["event_date"].dt.to_period("M")
    report.extra.update(
        {
            "date_rule": DATE_RULE,
            "events_imprecise_date": int((good["time_precision"] > 1).sum()),
            "inter_coding": inter_coding(pd.concat([good["inter1"], good["inter2"]])),
        }
    )
    return good.drop(columns=["_file", "_vintage"]).reset_index(drop=True), report


def _filter(events: pd.DataFrame, filters: dict[str, list], label: str) -> pd.DataFrame:
    mask = pd.Series(True, index=events.index)
    for name, column in (
        ("event_type", "event_type"),
        ("sub_event_type", "sub_event_type"),
        ("country", "country"),
    ):
        if filters[name]:
            ev.require_present(name, filters[name], events[column], label)
            mask &= events[column].isin(filters[name])
    if filters["iso"]:
        iso = events["iso"].str.strip()
        ev.require_present("iso", filters["iso"], iso, label)
        mask &= iso.isin(filters["iso"])
    if filters["actor"]:
        ev.require_present("actor", filters["actor"], pd.concat([events["actor1"], events["actor2"]]), label)
        mask &= events["actor1"].isin(filters["actor"]) | events["actor2"].isin(filters["actor"])
    return events.loc[mask]


def rule_text(report: ReadReport) -> str:
    """The date rule with its counts, plus skipped rows, for ``scope_note``."""
    text = f"{DATE_RULE} ({report.extra['events_imprecise_date']} events in the file have time_precision > 1)"
    if PRE_2019 in report.extra.get("vintage", ""):
        text += "; event types of the pre-2019 export mapped to today's (acled_event_type_map.csv)"
        orphans = report.extra.get("event_types_without_counterpart", {})
        if orphans:
            listed = ", ".join(f"{k}: {v}" for k, v in orphans.items())
            text += f"; {sum(orphans.values())} rows keep an old type with no counterpart today ({listed})"
    if report.n_rejected:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(report.rejected.items()))
        text += f"; {report.n_rejected} invalid rows left out ({reasons})"
    return text


def load_violence(
    path: str | os.PathLike[str],
    *,
    event_type=None,
    sub_event_type=None,
    country=None,
    iso=None,
    actor=None,
    on_bad_rows: str = "error",
) -> pd.DataFrame:
    """Monthly violence figures derived from an ACLED export.

    Parameters
    ----------
    path : str or path-like
        Export file, zip, folder or glob.
    event_type : str or list of str, optional
        E.g. ``["Battles", "Explosions/Remote violence", "Violence against civilians"]``.
    sub_event_type : str or list of str, optional
    country : str or list of str, optional
    iso : int, str or list, optional
        ISO 3166 numeric codes as in the export (Pakistan 586, Afghanistan 4).
    actor : str or list of str, optional
        Keep events where ``actor1`` or ``actor2`` is one of these.
    on_bad_rows : {"error", "skip"}

    Returns
    -------
    pandas.DataFrame
        Canonical violence figures with measures ``events`` and ``deaths``.
    """
    events, report = read_events(path, on_bad_rows)
    label = ev.files_text(report.files)
    if events.empty:
        raise DataValidationError([f"{label}: no valid events; nothing to aggregate"])
    filters = {
        "event_type": ev.as_list(event_type),
        "sub_event_type": ev.as_list(sub_event_type),
        "country": ev.as_list(country),
        "iso": [str(i).strip() for i in ev.as_list(iso)],
        "actor": ev.as_list(actor),
    }
    coverage = (events["month"].min(), events["month"].max())
    chosen = _filter(events, filters, label)
    if filters["country"]:
        region = " and ".join(filters["country"])
    else:
        pool = events.loc[events["iso"].str.strip().isin(filters["iso"])] if filters["iso"] else events
        countries = sorted(pool["country"].unique())
        region = (
            " and ".join(countries) if filters["iso"] or len(countries) == 1 else "all countries in the file"
        )
    return ev.derived_monthly_figures(
        chosen,
        coverage,
        measures=MEASURES,
        source_org=SOURCE_ORG,
        id_prefix="ACLED",
        region=region,
        actor=" / ".join(filters["actor"]),
        filters=filters,
        file_label=label,
        rule_text=rule_text(report),
        source_url=SOURCE_URL,
    )
