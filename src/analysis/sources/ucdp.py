"""Adapter for the UCDP Georeferenced Event Dataset (GED), every release since 17.1.

Input: a comma-separated GED file (plain, or a zip holding it; a folder or
glob of several GED files is read as one) in any published vintage (see
:mod:`analysis.sources.detect`): the 42-column layout of 17.1 to 19.1, the
49-column layout of 20.1 and later and of the monthly candidate releases,
and the HDX republications of either (an added ``iso3`` and sometimes
``start_year``/``end_year``, which are not used; their second line, a row of
HXL hashtags, is passed over and not counted). Columns are found by name,
so their order does not matter. ``date_start`` and ``date_end`` are read as
``YYYY-MM-DD`` or ``YYYY-MM-DD 00:00:00.000``; quoted fields may hold line
breaks (a row is numbered by the line it starts on); a byte-order mark,
CRLF line ends and blank lines are read.

Output (:func:`load_violence`): canonical violence figures, one row per month
and measure, ``basis`` ``derived_from_events``, ``source_org`` ``"UCDP GED"``:

* ``events``: number of events;
* ``deaths``: sum of ``best``; ``deaths_low`` / ``deaths_high``: sums of
  ``low`` / ``high``.

**Date rule.** An event counts, with all its deaths, in the month of its
``date_start``. Events whose ``date_start`` and ``date_end`` fall in
different months, and events with ``date_prec`` > 1 (date known only to a
span), are counted (:attr:`ReadReport.extra`) and the counts are stated in
every row's ``scope_note`` and by ``analysis inspect``. Spreading deaths over
a span would invent a monthly split the source does not give.

**Zero rule.** Every month from the first to the last ``date_start`` month of
the whole (unfiltered) file gets a row; a month with no matching event is 0
(inside an event dataset's coverage, no event is a real zero). Months outside
are absent, i.e. missing.

**Validation.** Every row is checked; a problem names the file, line, column,
expectation and the value found: wrong number of fields (a truncated line),
bytes that are not UTF-8, impossible dates, dates before 1989-01-01 (GED's
first year) or after today, ``date_end`` before ``date_start``,
``type_of_violence`` not 1–3, ``date_prec`` not 1–5, non-numeric or negative
``best``/``low``/``high``. By default any problem raises
:class:`~analysis.errors.DataValidationError`; with ``on_bad_rows="skip"``
bad rows are left out, counted by reason, and the count is stated in
``scope_note``.

UCDP GED is CC BY 4.0: cite Sundberg & Melander (2013), *Journal of Peace
Research* 50(4), and the release's codebook.
"""

from __future__ import annotations

import os
from datetime import date

import pandas as pd

from analysis.errors import DataValidationError
from analysis.sources import _events as ev
from analysis.sources._io import ReadReport
from analysis.sources.detect import UCDP_GED_COLUMNS

SOURCE_ORG = "UCDP GED"
SOURCE_URL = "https://ucdp.uu.se/downloads/"
FIRST_DATE = date(1989, 1, 1)
#: Measure → column summed (``None``: count of events).
MEASURES: dict[str, str | None] = {
    "events": None,
    "deaths": "best",
    "deaths_low": "low",
    "deaths_high": "high",
}
DATE_RULE = "each event counted in the month of its date_start"
NEEDED: tuple[str, ...] = (
    "id",
    "type_of_violence",
    "dyad_name",
    "side_a",
    "side_b",
    "country",
    "date_prec",
    "date_start",
    "date_end",
    "best",
    "high",
    "low",
)


def read_events(path: str | os.PathLike[str], on_bad_rows: str = "error") -> tuple[pd.DataFrame, ReadReport]:
    """Read and validate a GED file into one typed row per event.

    Parameters
    ----------
    path : str or path-like
        File, zip, folder or glob.
    on_bad_rows : {"error", "skip"}
        Raise on the first pass's problems (all listed), or leave bad rows
        out and count them in the report.

    Returns
    -------
    events : pandas.DataFrame
        Columns of :data:`NEEDED` (text) with ``date_start``/``date_end`` as
        timestamps, ``type_of_violence``, ``date_prec``, ``best``, ``low``,
        ``high`` as int64, and ``month`` (``Period[M]`` of ``date_start``).
    report : ReadReport
        ``extra`` holds ``events_spanning_months`` and ``events_imprecise_date``.

    Raises
    ------
    DataValidationError
    """
    ev.check_on_bad_rows(on_bad_rows)
    frame, report = ev.read_event_files(path, "ucdp_ged", UCDP_GED_COLUMNS, NEEDED)
    checks = ev.RowChecks(frame)
    start, end = ev.iso_day(frame["date_start"]), ev.iso_day(frame["date_end"])
    today = date.today().isoformat()
    for column, parsed in (("date_start", start), ("date_end", end)):
        checks.check(
            parsed.notna(),
            column,
            "a real date written YYYY-MM-DD or YYYY-MM-DD 00:00:00.000",
            "invalid_date",
        )
        checks.check(
            ev.in_range(parsed, FIRST_DATE),
            column,
            f"a date from {FIRST_DATE} (GED's first year) to today ({today})",
            "date_out_of_range",
        )
    checks.check(
        start.isna() | end.isna() | (end >= start),
        "date_end",
        "a date_end on or after date_start",
        "date_end_before_start",
    )
    checks.check(
        frame["type_of_violence"].str.strip().isin(["1", "2", "3"]),
        "type_of_violence",
        "1 (state-based), 2 (non-state) or 3 (one-sided)",
        "invalid_type_of_violence",
    )
    checks.check(
        frame["date_prec"].str.strip().isin(["1", "2", "3", "4", "5"]),
        "date_prec",
        "a date precision from 1 to 5",
        "invalid_date_prec",
    )
    for column in ("best", "low", "high"):
        checks.check(
            ev.is_count(frame[column]), column, "a non-negative whole number of deaths", "non_numeric_deaths"
        )
    good = checks.finish(report, on_bad_rows).copy()
    good["date_start"] = start[good.index]
    good["date_end"] = end[good.index]
    for column in ("type_of_violence", "date_prec", "best", "low", "high"):
        good[column] = good[column].str.strip().astype("int64")
    good["month"] = good["date_start"].dt.to_period("M")
    spans = good["month"] != good["date_end"].dt.to_period("M")
    report.extra.update(
        {
            "date_rule": DATE_RULE,
            "events_spanning_months": int(spans.sum()),
            "events_imprecise_date": int((good["date_prec"] > 1).sum()),
        }
    )
    return good.drop(columns=["_file", "_vintage"]).reset_index(drop=True), report


def _filter(events: pd.DataFrame, filters: dict[str, list], label: str) -> pd.DataFrame:
    mask = pd.Series(True, index=events.index)
    if filters["country"]:
        ev.require_present("country", filters["country"], events["country"], label)
        mask &= events["country"].isin(filters["country"])
    if filters["dyad"]:
        ev.require_present("dyad", filters["dyad"], events["dyad_name"], label)
        mask &= events["dyad_name"].isin(filters["dyad"])
    if filters["actor"]:
        ev.require_present("actor", filters["actor"], pd.concat([events["side_a"], events["side_b"]]), label)
        mask &= events["side_a"].isin(filters["actor"]) | events["side_b"].isin(filters["actor"])
    if filters["type_of_violence"]:
        unknown = sorted(set(filters["type_of_violence"]) - {1, 2, 3})
        if unknown:
            raise ValueError(f"type_of_violence must be 1, 2 or 3; got {unknown}")
        mask &= events["type_of_violence"].isin(filters["type_of_violence"])
    return events.loc[mask]


def rule_text(report: ReadReport) -> str:
    """The date rule with its counts, plus skipped rows, for ``scope_note``."""
    text = (
        f"{DATE_RULE} ({report.extra['events_spanning_months']} events in the file span a "
        f"month boundary; {report.extra['events_imprecise_date']} have date_prec > 1)"
    )
    if report.n_rejected:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(report.rejected.items()))
        text += f"; {report.n_rejected} invalid rows left out ({reasons})"
    return text


def load_violence(
    path: str | os.PathLike[str],
    *,
    country=None,
    dyad=None,
    actor=None,
    type_of_violence=None,
    on_bad_rows: str = "error",
) -> pd.DataFrame:
    """Monthly violence figures derived from a UCDP GED file.

    Parameters
    ----------
    path : str or path-like
        GED file, zip, folder or glob.
    country : str or list of str, optional
        Values of ``country`` to keep (e.g. ``"Pakistan"``).
    dyad : str or list of str, optional
        Values of ``dyad_name`` (e.g. ``"Government of Pakistan - TTP"``).
    actor : str or list of str, optional
        Keep events where ``side_a`` or ``side_b`` is one of these.
    type_of_violence : int or list of int, optional
        1 state-based, 2 non-state, 3 one-sided.
    on_bad_rows : {"error", "skip"}

    Returns
    -------
    pandas.DataFrame
        Canonical violence figures (see the module docstring). ``region`` is
        the country filter (or the file's only country, or ``"all countries
        in the file"``); ``actor`` the dyad/actor filter or ``""``.

    Raises
    ------
    DataValidationError
        Bad input.
    ValueError
        A filter value that does not occur in the file.
    """
    events, report = read_events(path, on_bad_rows)
    label = ev.files_text(report.files)
    if events.empty:
        raise DataValidationError([f"{label}: no valid events; nothing to aggregate"])
    filters = {
        "country": ev.as_list(country),
        "dyad": ev.as_list(dyad),
        "actor": ev.as_list(actor),
        "type_of_violence": [int(t) for t in ev.as_list(type_of_violence)],
    }
    coverage = (events["month"].min(), events["month"].max())
    chosen = _filter(events, filters, label)
    countries = sorted(events["country"].unique())
    region = (
        " and ".join(filters["country"])
        if filters["country"]
        else countries[0]
        if len(countries) == 1
        else "all countries in the file"
    )
    return ev.derived_monthly_figures(
        chosen,
        coverage,
        measures=MEASURES,
        source_org=SOURCE_ORG,
        id_prefix="UCDP-GED",
        region=region,
        actor=" / ".join(filters["dyad"] + filters["actor"]),
        filters=filters,
        file_label=label,
        rule_text=rule_text(report),
        source_url=SOURCE_URL,
    )
