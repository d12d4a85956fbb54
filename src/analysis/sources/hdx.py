"""Adapter for HDX HAPI conflict events: open monthly totals derived from ACLED.

The Humanitarian Data Exchange's HAPI publishes, openly, monthly counts of
ACLED events and fatalities per country and administrative area
(``location_code, admin1_name, admin2_name, admin_level, event_type, events,
fatalities, reference_period_start, reference_period_end, ...``; see
https://hdx-hapi.readthedocs.io/en/latest/data_usage_guides/coordination_and_context/#conflict-events).
Researchers without an ACLED licence thus still have a monthly series. The
file may carry an HXL hashtag row as line 2 (HDX resources do): it is passed
over and not counted.

Output (:func:`load_violence`): canonical violence figures, ``basis``
``derived_from_events``, ``source_org`` ``"HDX HAPI (ACLED)"``, one row per
month and measure:

* ``events``: sum of ``events`` over the matching rows (admin areas);
* ``deaths``: sum of ``fatalities``. HAPI leaves ``fatalities`` empty where
  it gives none (demonstrations): a month in which any matching row has an
  empty ``fatalities`` has **no** deaths row (missing, never 0), and the
  number of such months is stated in ``scope_note``.

**One event type at a time.** HAPI's types overlap (civilian-targeting
events are also political-violence events), so they are never summed:
``event_type`` takes one of :data:`EVENT_TYPES` (default
``political_violence``).

**One admin level per country.** Rows of one country at two admin levels
would count the same events twice: that is refused unless ``admin_level``
picks one.

**Zero rule** as for the event adapters: every month from the first to the
last ``reference_period_start`` of the whole (unfiltered) file gets an
``events`` row, 0 when no row matches (HAPI's totals come from ACLED's
event data, where no event is a real zero); months outside are missing.

**Validation.** Every row is checked, problems name file, line and column:
a reference period that is not one calendar month, an unknown
``event_type`` or ``admin_level``, ``events`` not a whole number, and
``fatalities`` neither empty nor a whole number (``2.0`` is read as 2).
"""

from __future__ import annotations

import hashlib
import os
import re

import pandas as pd

from analysis import schema
from analysis.errors import DataValidationError
from analysis.sources import _events as ev
from analysis.sources._io import ReadReport
from analysis.sources.detect import HDX_HAPI_CONFLICT_COLUMNS, HDX_HAPI_REQUIRED

SOURCE_ORG = "HDX HAPI (ACLED)"
SOURCE_URL = (
    "https://hdx-hapi.readthedocs.io/en/latest/data_usage_guides/coordination_and_context/#conflict-events"
)
#: HAPI's conflict event types (they overlap: never summed).
EVENT_TYPES: tuple[str, ...] = ("political_violence", "civilian_targeting", "demonstration")
ADMIN_LEVELS: tuple[str, ...] = ("0", "1", "2")
NEEDED: tuple[str, ...] = HDX_HAPI_REQUIRED
_WHOLE = re.compile(r"^\s*\d+(?:\.0*)?\s*$")


def _whole(values: pd.Series) -> pd.Series:
    return values.astype(str).str.match(_WHOLE)


def read_rows(path: str | os.PathLike[str], on_bad_rows: str = "error") -> tuple[pd.DataFrame, ReadReport]:
    """Read and validate HAPI conflict-event rows.

    Parameters
    ----------
    path : str or path-like
        File, zip, folder or glob.
    on_bad_rows : {"error", "skip"}

    Returns
    -------
    rows : pandas.DataFrame
        Columns of :data:`NEEDED` (text), ``events`` int64, ``fatalities``
        float (NaN where empty), ``month`` (``Period[M]``).
    report : ReadReport
    """
    ev.check_on_bad_rows(on_bad_rows)
    frame, report = ev.read_event_files(path, "hdx_hapi_conflict", HDX_HAPI_CONFLICT_COLUMNS, NEEDED)
    checks = ev.RowChecks(frame)
    start = ev.iso_day(frame["reference_period_start"])
    end = ev.iso_day(frame["reference_period_end"])
    checks.check(
        start.notna() & (start.dt.day == 1),
        "reference_period_start",
        "the first day of a month written YYYY-MM-DD",
        "invalid_date",
    )
    checks.check(
        end.notna() & (end == start + pd.offsets.MonthEnd(0)),
        "reference_period_end",
        "the last day of the month of reference_period_start (monthly totals)",
        "invalid_date",
    )
    checks.check(
        frame["event_type"].str.strip().isin(EVENT_TYPES),
        "event_type",
        "one of " + ", ".join(EVENT_TYPES),
        "invalid_event_type",
    )
    checks.check(
        frame["admin_level"].str.strip().isin(ADMIN_LEVELS), "admin_level", "0, 1 or 2", "invalid_admin_level"
    )
    checks.check(
        _whole(frame["events"]), "events", "a non-negative whole number of events", "non_numeric_events"
    )
    fatalities = frame["fatalities"].str.strip()
    checks.check(
        (fatalities == "") | _whole(fatalities),
        "fatalities",
        "empty (not given) or a non-negative whole number",
        "non_numeric_deaths",
    )
    good = checks.finish(report, on_bad_rows).copy()
    good["events"] = good["events"].astype(float).astype("int64")
    good["fatalities"] = pd.to_numeric(good["fatalities"].str.strip().replace("", None))
    good["event_type"] = good["event_type"].str.strip()
    good["admin_level"] = good["admin_level"].str.strip()
    good["location_code"] = good["location_code"].str.strip()
    good["month"] = start[good.index].dt.to_period("M")
    report.extra["rows_without_fatalities"] = int(good["fatalities"].isna().sum())
    return good.drop(columns=["_file", "_vintage"]).reset_index(drop=True), report


def _filter(
    rows: pd.DataFrame,
    event_type: str,
    locations: list[str],
    admin1: list[str],
    admin_level: str | None,
    label: str,
) -> pd.DataFrame:
    if event_type not in EVENT_TYPES:
        raise ValueError(
            f"event_type must be one of {EVENT_TYPES} (they overlap, so one at a time); got {event_type!r}"
        )
    mask = rows["event_type"] == event_type
    if locations:
        ev.require_present("location_code", locations, rows["location_code"], label)
        mask &= rows["location_code"].isin(locations)
    if admin1:
        ev.require_present("admin1", admin1, rows["admin1_name"], label)
        mask &= rows["admin1_name"].isin(admin1)
    if admin_level is not None:
        if str(admin_level) not in ADMIN_LEVELS:
            raise ValueError(f"admin_level must be 0, 1 or 2; got {admin_level!r}")
        mask &= rows["admin_level"] == str(admin_level)
    chosen = rows.loc[mask]
    levels = chosen.groupby("location_code")["admin_level"].unique()
    for location, found in levels.items():
        if len(found) > 1:
            raise DataValidationError(
                [
                    f"{label}: {location} has rows at admin levels {', '.join(sorted(found))}: "
                    "summing them would count the same events twice; pass admin_level= to pick one"
                ]
            )
    return chosen


def load_violence(
    path: str | os.PathLike[str],
    *,
    event_type: str = "political_violence",
    location_code=None,
    admin1=None,
    admin_level=None,
    on_bad_rows: str = "error",
) -> pd.DataFrame:
    """Monthly violence figures from an HDX HAPI conflict-events file.

    Parameters
    ----------
    path : str or path-like
        File, zip, folder or glob.
    event_type : {"political_violence", "civilian_targeting", "demonstration"}
        One HAPI event type (they overlap).
    location_code : str or list of str, optional
        ISO 3166 alpha-3 codes, e.g. ``"PAK"``.
    admin1 : str or list of str, optional
        Values of ``admin1_name``.
    admin_level : {0, 1, 2}, optional
        Keep rows of this admin level only (needed when a country has rows
        at several levels).
    on_bad_rows : {"error", "skip"}

    Returns
    -------
    pandas.DataFrame
        Canonical violence figures (see the module docstring): ``events``
        for every month of the file's coverage, ``deaths`` for the months
        where every matching row gives ``fatalities``.
    """
    rows, report = read_rows(path, on_bad_rows)
    label = ev.files_text(report.files)
    if rows.empty:
        raise DataValidationError([f"{label}: no valid rows; nothing to aggregate"])
    locations = [str(v).strip() for v in ev.as_list(location_code)]
    admin1_names = ev.as_list(admin1)
    chosen = _filter(rows, event_type, locations, admin1_names, admin_level, label)
    months = pd.period_range(rows["month"].min(), rows["month"].max(), freq="M")
    grouped = chosen.groupby("month")
    n_rows = grouped.size().reindex(months, fill_value=0)
    events = grouped["events"].sum().reindex(months, fill_value=0)
    deaths = grouped["fatalities"].sum(min_count=0).reindex(months, fill_value=0)
    gaps = grouped["fatalities"].apply(lambda s: bool(s.isna().any())).reindex(months, fill_value=False)
    filters = {
        "event_type": [event_type],
        "location_code": locations,
        "admin1": admin1_names,
        "admin_level": [] if admin_level is None else [str(admin_level)],
    }
    what = ev.filter_text(filters)
    tag = "-" + hashlib.sha1(what.encode()).hexdigest()[:6]
    found = sorted(rows["location_code"].unique())
    region = (
        " and ".join(locations) if locations else found[0] if len(found) == 1 else "all countries in the file"
    )
    if admin1_names:
        region += f" ({' and '.join(admin1_names)})"
    scope = (
        f"{SOURCE_ORG} monthly conflict-event totals ({what}) summed over admin areas; "
        f"months from {months[0]} to {months[-1]} (the file's coverage) with no matching "
        f"row are 0; {int(gaps.sum())} months have no deaths figure (fatalities not given)"
        + (f"; {report.n_rejected} invalid rows left out" if report.n_rejected else "")
        + f"; file: {label}"
    )
    out = []
    for month in months:
        base = {
            "source_org": SOURCE_ORG,
            "period_start": month.start_time.strftime("%Y-%m-%d"),
            "period_end": month.end_time.strftime("%Y-%m-%d"),
            "granularity": "month",
            "region": region,
            "actor": "",
            "scope_note": scope,
            "source_url": SOURCE_URL,
            "basis": "derived_from_events",
        }
        n = int(n_rows[month])
        out.append(
            {
                **base,
                "figure_id": f"HDX-HAPI-{month}-events{tag}",
                "measure": "events",
                "value": str(int(events[month])),
                "source_quote": f"derived: sum of events over {n} HAPI rows in {month} in {label} ({what})",
            }
        )
        if not gaps[month]:
            out.append(
                {
                    **base,
                    "figure_id": f"HDX-HAPI-{month}-deaths{tag}",
                    "measure": "deaths",
                    "value": str(int(deaths[month])),
                    "source_quote": f"derived: sum of fatalities over {n} HAPI rows in "
                    f"{month} in {label} ({what})",
                }
            )
    text = pd.DataFrame(out, columns=list(schema.VIOLENCE_COLUMNS)).astype(str)
    return schema.parse_violence_figures(text, source=f"figures derived from {label}")
