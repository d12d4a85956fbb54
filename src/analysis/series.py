"""Regular monthly or quarterly series built from the canonical tables.

Missingness is explicit everywhere:

* a **violence** period with no published figure is missing (``NaN``), never
  zero, and never filled or interpolated;
* an **engagement** count for a period inside the engagement log's coverage
  window is a real count (zero allowed); outside the window it is missing.

Each builder returns a :class:`RegularSeries`, which carries its coverage
mask and a sentence stating what it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.schema import EVENT_CATEGORIES, EVENT_TYPES

FREQUENCIES: dict[str, str] = {"M": "month", "Q": "quarter"}

#: Directions of engagement, derived from the ``initiator`` side label.
DIRECTIONS: tuple[str, ...] = (
    "Pakistan→Afghanistan",
    "Afghanistan→Pakistan",
    "mutual",
    "third party",
    "unknown",
)


@dataclass(frozen=True)
class RegularSeries:
    """A regular series with an explicit coverage mask.

    Attributes
    ----------
    values : pandas.Series
        Float values on a complete ``PeriodIndex`` (no gaps in the index);
        ``NaN`` marks a period with no observation.
    label : str
        Short human label, e.g. ``"PICSS attacks"``.
    frequency : {"M", "Q"}
    source : str
        Where the numbers come from.
    measure : str
        What is counted.
    basis : str
        How the values were obtained, in words.
    conflicts : pandas.DataFrame
        Periods where one source published different values, with the values.
    """

    values: pd.Series
    label: str
    frequency: str
    source: str
    measure: str
    basis: str
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def observed(self) -> pd.Series:
        """Boolean coverage mask: True where a value exists."""
        return self.values.notna()

    @property
    def n_observed(self) -> int:
        """Number of observed periods."""
        return int(self.observed.sum())

    @property
    def n_periods(self) -> int:
        """Number of periods between the first and last period of the index."""
        return int(len(self.values))

    @property
    def missing_periods(self) -> list[str]:
        """Periods without an observation, as text."""
        return [str(p) for p in self.values.index[~self.observed]]

    def coverage_text(self) -> str:
        """One sentence stating coverage, e.g. ``"46 of 51 months observed …"``."""
        unit = FREQUENCIES[self.frequency]
        if self.n_periods == 0:
            return f"{self.label}: no {unit}s in the requested window."
        first, last = self.values.index[0], self.values.index[-1]
        text = f"{self.label}: {self.n_observed} of {self.n_periods} {unit}s observed ({first} to {last})"
        missing = self.missing_periods
        if missing:
            shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
            text += f"; missing: {shown}"
        return text + "."


def _check_frequency(frequency: str) -> str:
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {sorted(FREQUENCIES)}; got {frequency!r}")
    return frequency


def to_period(value: str | pd.Timestamp | pd.Period | None, frequency: str) -> pd.Period | None:
    """Convert ``"2021-08"``, a date or a period to a period of ``frequency``."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, pd.Period):
        return value.asfreq(frequency)
    if isinstance(value, str):
        return pd.Period(value.strip(), freq=frequency)
    return pd.Period(pd.Timestamp(value), freq=frequency)


def period_index(start: pd.Period, end: pd.Period, frequency: str) -> pd.PeriodIndex:
    """All periods from ``start`` to ``end`` inclusive."""
    _check_frequency(frequency)
    if end < start:
        return pd.PeriodIndex([], freq=frequency)
    return pd.period_range(start=start, end=end, freq=frequency)


def initiator_direction(initiator: str) -> str:
    """Direction of an event from its initiator side label.

    ``Pakistan`` → ``Pakistan→Afghanistan``; ``Afghanistan`` →
    ``Afghanistan→Pakistan``; ``Pakistan and Afghanistan`` → ``mutual``;
    ``unknown`` or empty → ``unknown``; any other label (a third country) →
    ``third party``.
    """
    label = (initiator or "").strip()
    if label == "Pakistan":
        return "Pakistan→Afghanistan"
    if label == "Afghanistan":
        return "Afghanistan→Pakistan"
    if label == "Pakistan and Afghanistan":
        return "mutual"
    if label in ("", "unknown"):
        return "unknown"
    return "third party"


# --------------------------------------------------------------------------
# Violence
# --------------------------------------------------------------------------


def select_figures(
    figures: pd.DataFrame, source_org: str, measure: str, region: str = "Pakistan", actor: str = ""
) -> pd.DataFrame:
    """Rows of one source, measure, region and actor (never mixing sources)."""
    mask = (
        (figures["source_org"] == source_org)
        & (figures["measure"] == measure)
        & (figures["region"] == region)
        & (figures["actor"] == actor)
    )
    return figures.loc[mask]


def _one_value_per_period(rows: pd.DataFrame, frequency: str) -> tuple[pd.Series, pd.DataFrame]:
    """Value per period; where one source published different values, keep the
    first row in table order and record the disagreement."""
    periods = rows["period_start"].map(lambda t: pd.Period(t, freq=frequency))
    values: dict[pd.Period, float] = {}
    conflicts = []
    for period, group in rows.groupby(periods, sort=True):
        values[period] = float(group["value"].iloc[0])
        distinct = sorted(set(group["value"].tolist()))
        if len(distinct) > 1:
            conflicts.append(
                {
                    "period": str(period),
                    "values": distinct,
                    "figure_ids": group["figure_id"].tolist(),
                    "used": int(group["value"].iloc[0]),
                }
            )
    return pd.Series(values, dtype=float), pd.DataFrame(conflicts)


def violence_series(
    figures: pd.DataFrame,
    source_org: str,
    measure: str,
    *,
    frequency: str = "M",
    start=None,
    end=None,
    region: str = "Pakistan",
    actor: str = "",
) -> RegularSeries:
    """Regular series of one monitor's published figures for one measure.

    Parameters
    ----------
    figures : pandas.DataFrame
        Canonical violence-figures table.
    source_org : str
        One source (e.g. ``"PICSS"``); sources are never merged.
    measure : str
        One measure (e.g. ``"attacks"``, ``"fatalities"``).
    frequency : {"M", "Q"}
        Monthly series use the source's monthly figures. Quarterly series
        follow the source's main publication rhythm for this measure, never
        mixing the two: if it publishes quarterly figures at least as often
        as monthly ones (e.g. CRSS), its published quarterly figures are used;
        otherwise (e.g. PICSS) a quarter is the sum of its three monthly
        figures, and is missing unless all three months are observed.
    start, end : str or Timestamp, optional
        Window (e.g. ``"2021-08"``); default: first to last observed period.
    region, actor : str
        Breakdown to select; default: national figures for all actors.

    Returns
    -------
    RegularSeries
        ``NaN`` where no figure was published. Nothing is filled.
    """
    _check_frequency(frequency)
    rows = select_figures(figures, source_org, measure, region, actor)
    label = f"{source_org} {measure.replace('_', ' ')}"
    if frequency == "M":
        chosen = rows.loc[rows["granularity"] == "month"]
        by_period, conflicts = _one_value_per_period(chosen, "M")
        extent = by_period.index
        basis = f"{source_org}'s published monthly figures"
        if len(chosen) and (chosen["basis"] == "derived_from_events").all():
            basis = (
                f"monthly totals the package derived from {source_org} events "
                "(zero where the file's coverage holds no matching event)"
            )
    else:
        quarterly = rows.loc[rows["granularity"] == "quarter"]
        monthly_rows = rows.loc[rows["granularity"] == "month"]
        if len(quarterly) >= len(monthly_rows) / 3 and len(quarterly):
            by_period, conflicts = _one_value_per_period(quarterly, "Q")
            extent = by_period.index
            basis = f"{source_org}'s published quarterly figures"
        else:
            monthly, conflicts = _one_value_per_period(monthly_rows, "M")
            counts = monthly.groupby(monthly.index.asfreq("Q")).agg(["sum", "count"])
            complete = counts["count"] == 3
            by_period = counts.loc[complete, "sum"].astype(float)
            extent = counts.index  # quarters with any monthly figure
            basis = (
                f"sum of {source_org}'s three monthly figures; a quarter with any "
                "month unpublished is missing"
            )
    start_p = to_period(start, frequency) or (extent.min() if len(extent) else None)
    end_p = to_period(end, frequency) or (extent.max() if len(extent) else None)
    if start_p is None or end_p is None:
        index = pd.PeriodIndex([], freq=frequency)
    else:
        index = period_index(start_p, end_p, frequency)
    values = by_period.reindex(index).astype(float)
    values.name = label
    if len(conflicts):
        conflicts = conflicts.loc[conflicts["period"].isin([str(p) for p in index])].reset_index(drop=True)
    return RegularSeries(
        values=values,
        label=label,
        frequency=frequency,
        source=source_org,
        measure=measure,
        basis=basis,
        conflicts=conflicts,
    )


# --------------------------------------------------------------------------
# Engagement
# --------------------------------------------------------------------------


def engagement_window(events: pd.DataFrame, frequency: str = "M") -> tuple[pd.Period, pd.Period]:
    """Coverage window of an engagement log: the month of its first event to
    the month of its last event (quarterly: the quarters wholly inside)."""
    _check_frequency(frequency)
    if events.empty:
        raise ValueError("the engagement table is empty; no coverage window")
    first = pd.Period(events["date_start"].min(), freq="M")
    last = pd.Period(events["date_start"].max(), freq="M")
    if frequency == "M":
        return first, last
    q_first = first.asfreq("Q")
    if first.asfreq("Q").asfreq("M", how="start") != first:
        q_first += 1
    q_last = last.asfreq("Q")
    if last.asfreq("Q").asfreq("M", how="end") != last:
        q_last -= 1
    return q_first, q_last


def filter_events(
    events: pd.DataFrame,
    event_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    directions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Events of the given types, categories and directions (``None`` = all).

    Raises
    ------
    ValueError
        On a type, category or direction outside the vocabulary.
    """
    for name, given, allowed in (
        ("event_types", event_types, EVENT_TYPES),
        ("categories", categories, EVENT_CATEGORIES),
        ("directions", directions, DIRECTIONS),
    ):
        unknown = sorted(set(given or ()) - set(allowed))
        if unknown:
            raise ValueError(f"{name}: unknown value(s) {unknown}; allowed: {list(allowed)}")
    mask = pd.Series(True, index=events.index)
    if event_types:
        mask &= events["event_type"].isin(event_types)
    if categories:
        mask &= events["category"].isin(categories)
    if directions:
        mask &= events["initiator"].map(initiator_direction).isin(directions)
    return events.loc[mask]


def is_gdelt_counts(table: pd.DataFrame) -> bool:
    """True for the monthly counts table of :func:`analysis.sources.gdelt.load_engagement`
    (``attrs["kind"] == "counts"``, or its columns when ``attrs`` were lost)."""
    from analysis.sources.gdelt import COUNT_COLUMNS

    return table.attrs.get("kind") == "counts" or set(COUNT_COLUMNS) <= set(table.columns)


def engagement_counts(
    events: pd.DataFrame,
    *,
    frequency: str = "M",
    event_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    directions: Sequence[str] | None = None,
    start=None,
    end=None,
    label: str | None = None,
    normalise: bool = False,
    measure: str = "events",
) -> RegularSeries:
    """Count events per period, zero allowed inside the log's coverage window.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical engagement table, or the GDELT monthly counts table
        (:func:`analysis.sources.gdelt.load_engagement`; see
        :func:`gdelt_engagement_counts`). In the engagement table an event
        counts in the period of its ``date_start`` (month-precision events in
        their month).
    frequency : {"M", "Q"}
    event_types, categories, directions : sequence of str, optional
        Filters; see :func:`filter_events`.
    start, end : optional
        Window of the returned index; periods outside the log's coverage
        window (:func:`engagement_window`) are missing, not zero.
    label : str, optional
    normalise : bool
        GDELT counts only: divide by the dyad's total event volume.
    measure : str
        GDELT counts only: ``"events"`` or another count column.

    Returns
    -------
    RegularSeries
    """
    if is_gdelt_counts(events):
        return gdelt_engagement_counts(
            events,
            frequency=frequency,
            event_types=event_types,
            categories=categories,
            directions=directions,
            start=start,
            end=end,
            label=label,
            normalise=normalise,
            measure=measure,
        )
    if normalise or measure != "events":
        raise ValueError(
            "normalise and measure apply to GDELT counts tables only; the engagement log is counted as events"
        )
    _check_frequency(frequency)
    win_start, win_end = engagement_window(events, frequency)
    selected = filter_events(events, event_types, categories, directions)
    start_p = to_period(start, frequency) or win_start
    end_p = to_period(end, frequency) or win_end
    index = period_index(start_p, end_p, frequency)
    periods = selected["date_start"].map(lambda t: pd.Period(t, freq=frequency))
    counts = periods.value_counts().reindex(index, fill_value=0).astype(float)
    inside = (index >= win_start) & (index <= win_end)
    counts[~inside] = np.nan
    if event_types:
        what = "logged events: " + ", ".join(t.replace("_", " ") for t in event_types)
    elif categories:
        what = f"logged {' and '.join(categories)} events"
    else:
        what = "all logged events"
    if directions:
        what += " (" + ", ".join(directions) + ")"
    label = label or what
    counts.name = label
    return RegularSeries(
        values=counts,
        label=label,
        frequency=frequency,
        source="engagement log",
        measure="events",
        basis=(
            f"count of logged events per {FREQUENCIES[frequency]} inside the "
            f"log's coverage window {win_start} to {win_end}"
        ),
    )


def gdelt_engagement_counts(
    table: pd.DataFrame,
    *,
    frequency: str = "M",
    event_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    directions: Sequence[str] | None = None,
    start=None,
    end=None,
    label: str | None = None,
    normalise: bool = False,
    measure: str = "events",
) -> RegularSeries:
    """Engagement series from the GDELT monthly counts table.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`analysis.sources.gdelt.load_engagement`: every month
        of the files' coverage is present (zeros included), so the coverage
        is the table's first to last month.
    frequency : {"M", "Q"}
        A quarter is the sum of its three months, and is missing unless all
        three lie inside the coverage.
    event_types, categories : sequence of str, optional
        Types of the GDELT table (``visit``, ``consultation``, …, or
        ``all_events`` for every dyad event) and categories (``engagement``,
        ``policy``). Default: every mapped type (``all_events`` excluded).
    directions : sequence of str, optional
        ``Pakistan→Afghanistan`` and/or ``Afghanistan→Pakistan``; default both.
    start, end : optional
        Window; periods outside the coverage are missing (``NaN``), inside
        they are counts (zero allowed).
    label : str, optional
    normalise : bool
        Divide by the dyad's total event volume (``dyad_total_events``
        summed over the chosen directions) in the same period; a period in
        which the dyad has no event at all is missing (0/0).
    measure : str
        ``"events"`` (default), ``"goldstein_sum"`` (net Goldstein score) or
        one of the ``quad*`` count columns.

    Returns
    -------
    RegularSeries
    """
    from analysis.sources import gdelt

    _check_frequency(frequency)
    allowed_measures = ("events", "goldstein_sum", *gdelt.QUAD_COLUMNS)
    if measure not in allowed_measures:
        raise ValueError(f"measure must be one of {list(allowed_measures)}; got {measure!r}")
    types = tuple(dict.fromkeys(table["event_type"]))
    cats = tuple(dict.fromkeys(table["category"]))
    for name, given, allowed in (
        ("event_types", event_types, types),
        ("categories", categories, cats),
        ("directions", directions, gdelt.DIRECTIONS),
    ):
        unknown = sorted(set(given or ()) - set(allowed))
        if unknown:
            raise ValueError(
                f"{name}: unknown value(s) {unknown} for a GDELT counts table; allowed: {list(allowed)}"
            )
    if table.empty:
        raise ValueError("the GDELT counts table is empty; no coverage window")
    rows = table
    if event_types:
        rows = rows.loc[rows["event_type"].isin(event_types)]
    elif categories:
        rows = rows.loc[rows["category"].isin(categories)]
    else:
        rows = rows.loc[rows["event_type"] != gdelt.ALL_EVENTS]
    chosen_directions = list(directions) if directions else list(gdelt.DIRECTIONS)
    rows = rows.loc[rows["direction"].isin(chosen_directions)]
    months = pd.PeriodIndex(pd.to_datetime(table["month"]), freq="M")
    first, last = months.min(), months.max()
    full = period_index(first, last, "M")
    numerator = (
        rows.groupby(pd.PeriodIndex(pd.to_datetime(rows["month"]), freq="M"))[measure]
        .sum()
        .reindex(full, fill_value=0)
        .astype(float)
    )
    totals = table.loc[(table["event_type"] == gdelt.ALL_EVENTS) & table["direction"].isin(chosen_directions)]
    denominator = (
        totals.groupby(pd.PeriodIndex(pd.to_datetime(totals["month"]), freq="M"))["events"]
        .sum()
        .reindex(full, fill_value=0)
        .astype(float)
    )
    if frequency == "Q":
        quarters = full.asfreq("Q")
        complete = pd.Series(1, index=full).groupby(quarters).sum() == 3
        numerator = numerator.groupby(quarters).sum()[complete]
        denominator = denominator.groupby(quarters).sum()[complete]
        win_start, win_end = (
            (complete.index[complete].min(), complete.index[complete].max())
            if complete.any()
            else (None, None)
        )
    else:
        win_start, win_end = first, last
    values = numerator / denominator.where(denominator > 0) if normalise else numerator
    start_p = to_period(start, frequency) or win_start
    end_p = to_period(end, frequency) or win_end
    index = (
        period_index(start_p, end_p, frequency)
        if start_p is not None and end_p is not None
        else pd.PeriodIndex([], freq=frequency)
    )
    values = values.reindex(index).astype(float)  # outside the coverage: NaN
    source = table.attrs.get("source", "GDELT")
    if event_types:
        what = ", ".join(t.replace("_", " ") for t in event_types)
    elif categories:
        what = f"{' and '.join(categories)} events"
    else:
        what = "all mapped engagement events"
    what = f"{source} {what}"
    if measure != "events":
        what += f" ({measure.replace('_', ' ')})"
    if directions:
        what += " (" + ", ".join(directions) + ")"
    if normalise:
        what += ", share of all dyad events"
    label = label or what
    values.name = label
    unit = FREQUENCIES[frequency]
    basis = (
        f"{measure.replace('_', ' ')} of {source} Pakistan–Afghanistan dyad events per {unit} "
        f"(CAMEO codes mapped by the package's table) inside the files' coverage "
        f"{first} to {last}"
    )
    if normalise:
        basis += ", divided by all dyad events in the same directions and period"
    return RegularSeries(
        values=values,
        label=label,
        frequency=frequency,
        source=f"{source} (derived)",
        measure=measure,
        basis=basis,
    )


def align(first: RegularSeries, second: RegularSeries) -> pd.DataFrame:
    """Put two series of the same frequency on one index (the union of both).

    Returns
    -------
    pandas.DataFrame
        Columns ``first``, ``second`` and ``both_observed``.
    """
    if first.frequency != second.frequency:
        raise ValueError(f"frequencies differ: {first.frequency} vs {second.frequency}")
    frame = pd.concat({"first": first.values, "second": second.values}, axis=1).sort_index()
    if len(frame):
        full = period_index(frame.index.min(), frame.index.max(), first.frequency)
        frame = frame.reindex(full)
    frame["both_observed"] = frame["first"].notna() & frame["second"].notna()
    return frame


def as_period_series(data: RegularSeries | pd.Series, name: str | None = None) -> pd.Series:
    """A float series on a complete monthly or quarterly ``PeriodIndex``.

    Public entry points of the statistics modules accept a
    :class:`RegularSeries`, or a pandas Series indexed by a ``PeriodIndex``
    or by a ``DatetimeIndex`` of period starts (e.g. month starts). Periods
    missing from the index become ``NaN`` (missing, never zero).

    Parameters
    ----------
    data : RegularSeries or pandas.Series
    name : str, optional
        Name of the result; defaults to the series' label or name.

    Returns
    -------
    pandas.Series

    Raises
    ------
    TypeError
        If the index is neither a ``PeriodIndex`` nor a ``DatetimeIndex``.
    ValueError
        If a ``DatetimeIndex`` has no inferable frequency and its dates are
        not all month starts, or if the index has duplicates.
    """
    if isinstance(data, RegularSeries):
        values = data.values.astype(float)
        name = name or data.label
    elif isinstance(data, pd.Series):
        values = data.astype(float)
        name = name or (str(data.name) if data.name is not None else None)
    else:
        raise TypeError(f"expected a RegularSeries or a pandas Series; got {type(data).__name__}")
    index = values.index
    if isinstance(index, pd.DatetimeIndex):
        if not (index == index.to_period("M").to_timestamp()).all():
            raise ValueError(
                "a DatetimeIndex must hold month starts (YYYY-MM-01); "
                "pass a PeriodIndex for other frequencies"
            )
        values = values.set_axis(index.to_period("M"))
    elif not isinstance(index, pd.PeriodIndex):
        raise TypeError(
            f"expected a PeriodIndex or a DatetimeIndex of month starts; got {type(index).__name__}"
        )
    if values.index.has_duplicates:
        raise ValueError("the index has duplicate periods")
    values = values.sort_index()
    if len(values):
        full = pd.period_range(values.index[0], values.index[-1], freq=values.index.freq)
        values = values.reindex(full)
    values.name = name
    return values


def longest_observed_run(frame: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """The longest stretch of consecutive periods with every column observed.

    Time-series models that need equally spaced data (VAR, AR filters, STL,
    unit-root tests) use this stretch; gaps are never bridged or filled. Ties
    go to the latest stretch.
    """
    observed = frame.notna() if isinstance(frame, pd.Series) else frame.notna().all(axis=1)
    best_start, best_len, start = 0, 0, None
    flags = observed.to_numpy()
    for i, ok in enumerate(np.append(flags, False)):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if i - start >= best_len:
                best_start, best_len = start, i - start
            start = None
    return frame.iloc[best_start : best_start + best_len]


def event_periods(
    events: pd.DataFrame,
    event_types: Sequence[str] | None = None,
    *,
    directions: Sequence[str] | None = None,
    frequency: str = "M",
) -> list[pd.Period]:
    """Periods of the events of the given types (one entry per event, repeats kept).

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical engagement table, or the GDELT monthly counts table (each
        month repeated as many times as it has events).
    event_types : sequence of str, optional
    directions : sequence of str, optional
    frequency : {"M", "Q"}
    """
    _check_frequency(frequency)
    if is_gdelt_counts(events):
        rows = events.loc[events["event_type"].isin(event_types)] if event_types else events
        if directions:
            rows = rows.loc[rows["direction"].isin(directions)]
        periods = []
        for month, count in zip(rows["month"], rows["events"]):
            periods.extend([pd.Period(pd.Timestamp(month), freq=frequency)] * int(count))
        return periods
    selected = filter_events(events, event_types, None, directions)
    return [pd.Period(t, freq=frequency) for t in selected["date_start"]]


#: Default monitor of the bundled reference dataset.
DEFAULT_VIOLENCE_SOURCE = "PICSS"


def resolve_violence_selection(
    figures: pd.DataFrame, source_org: str = "", measure: str = "attacks"
) -> dict[str, str]:
    """The source and measure a report uses, checked against the data.

    Parameters
    ----------
    figures : pandas.DataFrame
        Canonical violence-figures table (bundled, or from an adapter).
    source_org : str
        Empty: PICSS when the data hold it, else the data's only source.
    measure : str
        The measure asked for. For event-derived data (UCDP GED, ACLED),
        ``"attacks"`` means ``"events"`` (the count of events), since event
        data have no published attack counts.

    Returns
    -------
    dict
        Keyword arguments of :func:`violence_series`: ``source_org``,
        ``measure``, ``region`` and ``actor``. The breakdown is the national
        all-actor one (``Pakistan``, no actor) when the data have it, else
        the single breakdown an adapter produced (e.g. the country and dyad
        filters of a UCDP GED file).

    Raises
    ------
    ValueError
        The source or measure is not in the data; the message lists what is.
    """
    sources = sorted(figures["source_org"].unique())
    if not source_org:
        if DEFAULT_VIOLENCE_SOURCE in sources:
            source_org = DEFAULT_VIOLENCE_SOURCE
        elif len(sources) == 1:
            source_org = sources[0]
        else:
            raise ValueError(
                f"several sources in the data ({', '.join(sources)}); set violence_source to one of them"
            )
    if source_org not in sources:
        raise ValueError(
            f"violence_source {source_org!r} is not in the data; sources: {', '.join(sources) or 'none'}"
        )
    rows = figures.loc[figures["source_org"] == source_org]
    measures = sorted(rows["measure"].unique())
    if (
        measure not in measures
        and measure == "attacks"
        and "events" in measures
        and (rows["basis"] == "derived_from_events").all()
    ):
        measure = "events"
    if measure not in measures:
        raise ValueError(
            f"violence_measure {measure!r} is not published by {source_org} in the data; "
            f"measures: {', '.join(measures)}"
        )
    breakdowns = rows.loc[rows["measure"] == measure, ["region", "actor"]].drop_duplicates()
    national = (breakdowns["region"] == "Pakistan") & (breakdowns["actor"] == "")
    if national.any() or len(breakdowns) != 1:
        region, actor = "Pakistan", ""
    else:
        region, actor = breakdowns.iloc[0]["region"], breakdowns.iloc[0]["actor"]
    return {"source_org": source_org, "measure": measure, "region": region, "actor": actor}


# --------------------------------------------------------------------------
# Engagement groups and the cross-border violence series
# --------------------------------------------------------------------------

#: Which engagement can lead: every event type of the reference log and of the
#: GDELT counts table in one of two groups, with the reason (one home; the
#: engagement report shows this table). ``proactive`` diplomacy is begun by a
#: government's choice (a visit, a round of talks, a call, a signed
#: agreement) and can come before violence; ``reactive`` acts answer an
#: incident by construction (a protest or demarche after an attack, a flag
#: meeting after a firing, a border closure after a clash, and its
#: reopening), so a violence → reactive relation is expected and says nothing
#: about whether diplomacy moves first. Types in neither group are violence
#: (``border_clash``, ``airstrike``: the cross-border outcome), truces
#: (``ceasefire``) or economic and refugee policy.
ENGAGEMENT_GROUP_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # (vocabulary, event_type, group, why)
    ("log", "ministerial_visit", "proactive", "a visit is planned and chosen by a government"),
    ("log", "special_envoy_visit", "proactive", "an envoy is sent by choice"),
    ("log", "jcc_meeting", "proactive", "a scheduled round of the Joint Coordination Committee"),
    ("log", "trilateral_meeting", "proactive", "a convened multilateral meeting"),
    ("log", "other_bilateral_meeting", "proactive", "a convened bilateral meeting"),
    ("log", "mediated_talks", "proactive", "talks that third parties convene"),
    ("log", "phone_call", "proactive", "a call one side chooses to place"),
    ("log", "agreement", "proactive", "the outcome of negotiation (signed or announced)"),
    ("log", "protest_or_demarche", "reactive", "lodged in answer to an incident or attack"),
    ("log", "flag_meeting", "reactive", "held by border commanders after a firing or clash"),
    ("log", "border_closure", "reactive", "ordered after a clash, an attack or a dispute"),
    ("log", "border_reopening", "reactive", "undoes a closure; timed by the incident that caused it"),
    ("gdelt", "visit", "proactive", "CAMEO 042/043 make or host a visit"),
    ("gdelt", "consultation", "proactive", "CAMEO 040/044/046 consult, meet, negotiate"),
    ("gdelt", "phone_call", "proactive", "CAMEO 041 discuss by telephone"),
    ("gdelt", "mediated_talks", "proactive", "CAMEO 045 mediate"),
    ("gdelt", "agreement", "proactive", "CAMEO 057 sign formal agreement"),
    ("gdelt", "protest_or_demarche", "reactive", "CAMEO 111/112/114 criticise, accuse, complain"),
    ("gdelt", "relations_reduced", "reactive", "CAMEO 16x reduce relations, expel, halt talks"),
)

#: Engagement groups a report can choose (``all`` is the union of the two).
ENGAGEMENT_GROUPS: tuple[str, ...] = ("proactive", "reactive", "all")

#: Event types of the log counted as cross-border (interstate) violence.
CROSS_BORDER_TYPES: tuple[str, ...] = ("border_clash", "airstrike")


def engagement_group_table() -> pd.DataFrame:
    """:data:`ENGAGEMENT_GROUP_ROWS` as a table (``vocabulary, event_type, group, why``)."""
    return pd.DataFrame(ENGAGEMENT_GROUP_ROWS, columns=["vocabulary", "event_type", "group", "why"])


def engagement_group_types(group: str, vocabulary: str = "log") -> tuple[str, ...]:
    """Event types of an engagement group.

    Parameters
    ----------
    group : {"proactive", "reactive", "all"}
    vocabulary : {"log", "gdelt"}
        The reference log's event types or the GDELT counts table's.

    Returns
    -------
    tuple of str
    """
    if group not in ENGAGEMENT_GROUPS:
        raise ValueError(f"engagement group must be one of {list(ENGAGEMENT_GROUPS)}; got {group!r}")
    if vocabulary not in ("log", "gdelt"):
        raise ValueError(f"vocabulary must be 'log' or 'gdelt'; got {vocabulary!r}")
    return tuple(
        t for v, t, g, _ in ENGAGEMENT_GROUP_ROWS if v == vocabulary and (group == "all" or g == group)
    )


def engagement_group_counts(
    events: pd.DataFrame,
    group: str,
    *,
    frequency: str = "M",
    directions: Sequence[str] | None = None,
    start=None,
    end=None,
) -> RegularSeries:
    """Engagement counts of one group (:func:`engagement_group_types`), per period.

    Works on the reference log and on the GDELT counts table (its own types).
    Zero inside the log's coverage window, missing outside
    (:func:`engagement_counts`).
    """
    vocabulary = "gdelt" if is_gdelt_counts(events) else "log"
    types = engagement_group_types(group, vocabulary)
    if vocabulary == "gdelt":
        types = tuple(t for t in types if t in set(events["event_type"]))
    words = {
        "proactive": "proactive diplomacy",
        "reactive": "reactive acts",
        "all": "proactive and reactive engagement",
    }[group]
    label = words + (" (" + ", ".join(directions) + ")" if directions else "")
    if vocabulary == "gdelt":
        label = f"{events.attrs.get('source', 'GDELT')} {label}"
    return engagement_counts(
        events,
        frequency=frequency,
        event_types=list(types),
        directions=directions,
        start=start,
        end=end,
        label=label,
    )


def directed_group_table(events: pd.DataFrame) -> pd.DataFrame:
    """Logged events per engagement group and direction (who acted, from ``initiator``).

    Returns
    -------
    pandas.DataFrame
        Rows: groups (``proactive``, ``reactive``, ``cross-border violence``,
        ``other``); columns: :data:`DIRECTIONS` and ``total``.
    """
    if is_gdelt_counts(events):
        raise ValueError("the directed group table needs the engagement log, not GDELT counts")
    lookup = {t: g for v, t, g, _ in ENGAGEMENT_GROUP_ROWS if v == "log"}
    lookup.update({t: "cross-border violence" for t in CROSS_BORDER_TYPES})
    group = events["event_type"].map(lambda t: lookup.get(t, "other"))
    direction = events["initiator"].map(initiator_direction)
    table = (
        pd.crosstab(group, direction)
        .reindex(
            index=["proactive", "reactive", "cross-border violence", "other"],
            columns=list(DIRECTIONS),
            fill_value=0,
        )
        .fillna(0)
        .astype(int)
    )
    table["total"] = table.sum(axis=1)
    table.index.name = "group"
    table.columns.name = None
    return table


def cross_border_counts(events: pd.DataFrame, *, frequency: str = "M", start=None, end=None) -> RegularSeries:
    """Cross-border violence: the log's border clashes and airstrikes per period.

    Counted like engagement (:func:`engagement_counts`): a period inside the
    log's coverage window with no such event is a real zero; outside it,
    missing.

    Raises
    ------
    ValueError
        For a GDELT counts table, which does not hold these events (CAMEO
        18x–20x are not mapped).
    """
    if is_gdelt_counts(events):
        raise ValueError(
            "a GDELT counts table holds no border clashes or airstrikes (CAMEO 18x-20x "
            "are not mapped); the cross-border series needs the engagement log"
        )
    series = engagement_counts(
        events,
        frequency=frequency,
        event_types=list(CROSS_BORDER_TYPES),
        start=start,
        end=end,
        label="cross-border violence (logged border clashes and airstrikes)",
    )
    return series


def border_region_series(
    figures: pd.DataFrame, source_org: str, measure: str, *, frequency: str = "M", start=None, end=None
) -> list[RegularSeries]:
    """The monitor's published series for each border region it reports.

    Border regions are recognised by :func:`analysis.breakdowns.border_region`
    (Khyber Pakhtunkhwa, the merged tribal districts, Balochistan, the
    Pakistan–Afghanistan border); rows for all actors only. Months without a
    figure are missing.

    Returns
    -------
    list of RegularSeries
        One per region label in the data (empty if none).
    """
    from analysis.breakdowns import border_region

    rows = figures.loc[
        (figures["source_org"] == source_org) & (figures["measure"] == measure) & (figures["actor"] == "")
    ]
    regions = sorted(r for r in rows["region"].unique() if border_region(r))
    out = []
    for region in regions:
        found = violence_series(
            figures, source_org, measure, frequency=frequency, start=start, end=end, region=region, actor=""
        )
        label = f"{found.label} ({region})"
        out.append(replace(found, label=label, values=found.values.rename(label)))
    return out


def engagement_selection(
    events: pd.DataFrame,
    group: str,
    *,
    event_types: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    directions: Sequence[str] | None = None,
    frequency: str = "M",
    start=None,
    end=None,
) -> RegularSeries:
    """The engagement series a report asks for: a group, or ``"custom"`` types and categories.

    Parameters
    ----------
    events : pandas.DataFrame
        Engagement log or GDELT counts table.
    group : {"proactive", "reactive", "all", "custom"}
        A group of :func:`engagement_group_counts`, or ``"custom"`` for
        ``event_types`` (or, if empty, ``categories``) as in
        :func:`engagement_counts`.
    event_types, categories, directions, frequency, start, end
        As in :func:`engagement_counts`.
    """
    if group == "custom":
        return engagement_counts(
            events,
            frequency=frequency,
            event_types=event_types or None,
            categories=None if event_types else (categories or None),
            directions=directions or None,
            start=start,
            end=end,
        )
    return engagement_group_counts(
        events, group, frequency=frequency, directions=directions or None, start=start, end=end
    )
