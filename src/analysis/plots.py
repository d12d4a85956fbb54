"""Figures in one house style.

Every function returns a :class:`matplotlib.figure.Figure` and never reads
files. Missing periods are drawn as gaps and shaded; no line crosses a
missing period. The break date (the Taliban takeover, 15 August 2021 by
default) is marked on every time axis.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis import words
from analysis.schema import EVENT_CATEGORIES, EVENT_TYPES
from analysis.series import RegularSeries

BREAK_LABEL = "Taliban takeover of Kabul"
MISSING_COLOUR = "#bbbbbb"
CATEGORY_COLOURS = {"engagement": "#1b9e77", "security": "#d95f02", "policy": "#7570b3"}
SERIES_COLOUR = "#2c3e50"
ENGAGEMENT_COLOUR = "#1b9e77"


def set_style() -> None:
    """Apply the house style (seaborn whitegrid, readable sizes)."""
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "figure.autolayout": False,
        }
    )


def _period_edges(index: pd.PeriodIndex) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    return index.to_timestamp(how="start"), (index + 1).to_timestamp(how="start")


def _mark_break(ax: plt.Axes, break_date: str | None, label: bool = True) -> None:
    if not break_date:
        return
    ax.axvline(
        pd.Timestamp(break_date),
        color="#c0392b",
        linestyle="--",
        linewidth=1.2,
        label=BREAK_LABEL if label else None,
    )


def shade_missing(ax: plt.Axes, series: RegularSeries, label: str = "no figure published") -> int:
    """Shade each missing period of ``series`` on ``ax``; return how many."""
    starts, ends = _period_edges(series.values.index)
    n = 0
    for missing, start, end in zip(~series.observed.to_numpy(), starts, ends):
        if missing:
            ax.axvspan(
                start, end, color=MISSING_COLOUR, alpha=0.35, linewidth=0, label=label if n == 0 else None
            )
            n += 1
    return n


def plot_series_with_gaps(
    ax: plt.Axes, series: RegularSeries, colour: str = SERIES_COLOUR, label: str | None = None
) -> None:
    """Line and markers at period mid-points; NaN breaks the line."""
    starts, ends = _period_edges(series.values.index)
    mids = starts + (ends - starts) / 2
    ax.plot(
        mids,
        series.values.to_numpy(),
        color=colour,
        marker="o",
        markersize=3,
        linewidth=1.4,
        label=label or series.label,
    )


def coverage_chart(
    figures: pd.DataFrame,
    events: pd.DataFrame,
    *,
    granularity: str = "month",
    start: str | None = None,
    end: str | None = None,
    break_date: str | None = "2021-08-15",
):
    """Which periods each source and measure covers.

    One row per (source, measure, granularity) of published figures, one bar
    per covered period, plus one row for the engagement log's window.
    """
    set_style()
    rows = figures.loc[figures["granularity"] == granularity] if granularity else figures
    keys = sorted(rows.groupby(["source_org", "measure"]).groups)
    fig, ax = plt.subplots(figsize=(11, 0.42 * (len(keys) + 2) + 1.5))
    labels = []
    for i, (org, measure) in enumerate(keys):
        part = rows.loc[(rows["source_org"] == org) & (rows["measure"] == measure)]
        spans = [
            (mdates.date2num(s), mdates.date2num(e + pd.Timedelta(days=1)) - mdates.date2num(s))
            for s, e in zip(part["period_start"], part["period_end"])
        ]
        ax.broken_barh(spans, (i - 0.35, 0.7), facecolors=SERIES_COLOUR)
        labels.append(f"{org} {measure.replace('_', ' ')}")
    if len(events):
        first, last = events["date_start"].min(), events["date_start"].max()
        first = first.to_period("M").to_timestamp()
        last = (last.to_period("M") + 1).to_timestamp()
        i = len(keys)
        ax.broken_barh(
            [(mdates.date2num(first), mdates.date2num(last) - mdates.date2num(first))],
            (i - 0.35, 0.7),
            facecolors=ENGAGEMENT_COLOUR,
        )
        labels.append("engagement log (window)")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.xaxis_date()
    if start or end:
        ax.set_xlim(pd.Timestamp(start) if start else None, pd.Timestamp(end) if end else None)
    _mark_break(ax, break_date)
    ax.set_title(f"Coverage of the dataset ({granularity} figures; gaps are unpublished periods)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def engagement_timeline(
    events: pd.DataFrame, *, event_types: Sequence[str] | None = None, break_date: str | None = "2021-08-15"
):
    """Each dated event as a mark on a line per event type, coloured by category."""
    set_style()
    types = [t for t in EVENT_TYPES if t in set(events["event_type"])]
    if event_types:
        types = [t for t in types if t in event_types]
    fig, ax = plt.subplots(figsize=(11, 0.38 * len(types) + 1.8))
    for category in EVENT_CATEGORIES:
        part = events.loc[(events["category"] == category) & events["event_type"].isin(types)]
        y = part["event_type"].map({t: i for i, t in enumerate(types)})
        month_only = part["date_precision"] == "month"
        ax.scatter(
            part.loc[~month_only, "date_start"],
            y[~month_only],
            marker="|",
            s=160,
            color=CATEGORY_COLOURS[category],
            label=category,
        )
        if month_only.any():
            ax.scatter(
                part.loc[month_only, "date_start"] + pd.Timedelta(days=14),
                y[month_only],
                marker="o",
                s=18,
                facecolors="none",
                edgecolors=CATEGORY_COLOURS[category],
                label=f"{category} (month only)",
            )
    ax.set_yticks(range(len(types)), [t.replace("_", " ") for t in types])
    ax.invert_yaxis()
    _mark_break(ax, break_date)
    ax.set_title("Engagement log: one mark per dated event")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), fontsize=8, ncols=4, frameon=False)
    fig.tight_layout()
    return fig


def series_panels(
    series: Sequence[RegularSeries], *, break_date: str | None = "2021-08-15", title: str | None = None
):
    """One panel per series: values with gaps, missing periods shaded."""
    set_style()
    fig, axes = plt.subplots(
        len(series), 1, figsize=(11, 2.6 * len(series) + 0.6), sharex=True, squeeze=False
    )
    for ax, one in zip(axes[:, 0], series):
        shade_missing(ax, one)
        plot_series_with_gaps(ax, one)
        _mark_break(ax, break_date)
        ax.set_ylabel(one.measure.replace("_", " "))
        ax.set_title(f"{one.label} — {one.n_observed} of {one.n_periods} periods observed", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
        ax.set_ylim(bottom=0)
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def engagement_and_violence(
    engagement: RegularSeries, violence: RegularSeries, *, break_date: str | None = "2021-08-15"
):
    """Violence (top) and engagement counts (bottom) on one time axis."""
    set_style()
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(11, 6.5), sharex=True, gridspec_kw={"height_ratios": [1.2, 1]}
    )
    shade_missing(top, violence)
    plot_series_with_gaps(top, violence)
    _mark_break(top, break_date)
    top.set_ylabel(violence.measure.replace("_", " "))
    top.set_ylim(bottom=0)
    top.set_title(violence.label)
    top.legend(loc="upper left", fontsize=8)

    shade_missing(bottom, engagement, label="outside the log's window")
    starts, ends = _period_edges(engagement.values.index)
    widths = (ends - starts).days * 0.8
    bottom.bar(
        starts,
        engagement.values.fillna(0).to_numpy(),
        width=widths,
        align="edge",
        color=ENGAGEMENT_COLOUR,
        label="events per period",
    )
    _mark_break(bottom, break_date, label=False)
    bottom.set_ylabel("events")
    bottom.set_title(engagement.label)
    bottom.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def figure_html(fig, number: int, caption: str, alt: str) -> str:
    """A figure as self-contained HTML: embedded PNG with alt text and a caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    number : int
        Figure number shown in the caption.
    caption : str
        Caption text (escaped).
    alt : str
        Text alternative describing what the chart shows (escaped).
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure class="report-figure" style="margin:1rem 0">'
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}" '
        f'style="max-width:100%">'
        f"<figcaption><em>Figure {number}. {html.escape(caption)}</em></figcaption></figure>"
    )


class FigureNumbers:
    """Numbers a report's figures 1, 2, 3 … in the order they are shown, so a refused
    analysis (whose figure is not drawn) leaves no gap.

    Examples
    --------
    >>> numbers = FigureNumbers()
    >>> numbers.next(), numbers.next()
    (1, 2)
    """

    def __init__(self) -> None:
        self._shown = 0

    def next(self) -> int:
        """The number of the figure about to be shown."""
        self._shown += 1
        return self._shown

    @property
    def shown(self) -> int:
        """How many figures have been numbered so far."""
        return self._shown


def show_figure(fig, number: int, caption: str, alt: str) -> None:
    """Display a figure with its caption and alt text in a notebook, then close it."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, number, caption, alt)))
    plt.close(fig)


SOURCE_COLOURS = ("#2c3e50", "#c0392b", "#2980b9", "#8e44ad", "#16a085", "#d35400")


def period_totals_chart(
    figures: pd.DataFrame,
    *,
    measures: Sequence[str] = ("attacks", "fatalities"),
    granularity: str = "year",
    break_date: str | None = "2021-08-15",
):
    """Published period totals by source: each figure drawn as a segment over its period.

    One panel per measure, one colour per source; a total is drawn across the
    period it covers (never as a point that suggests a single month), and
    sources are not joined to each other or across years without a figure.
    """
    set_style()
    rows = figures.loc[
        (figures["granularity"] == granularity) & (figures["region"] == "Pakistan") & (figures["actor"] == "")
    ]
    measures = [m for m in measures if (rows["measure"] == m).any()]
    sources = sorted(rows["source_org"].unique())
    fig, axes = plt.subplots(
        max(len(measures), 1), 1, figsize=(11, 2.8 * max(len(measures), 1) + 0.6), sharex=True, squeeze=False
    )
    for ax, measure in zip(axes[:, 0], measures):
        for colour, source in zip(SOURCE_COLOURS * 3, sources):
            part = rows.loc[(rows["measure"] == measure) & (rows["source_org"] == source)]
            if part.empty:
                continue
            ends = part["period_end"] + pd.Timedelta(days=1)
            ax.hlines(part["value"], part["period_start"], ends, colors=colour, linewidth=3, label=source)
        _mark_break(ax, break_date)
        ax.set_ylabel(measure.replace("_", " "))
        ax.set_ylim(bottom=0)
        ax.set_title(f"Published {granularity}ly totals: {measure.replace('_', ' ')}", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------
# Statistical results
# --------------------------------------------------------------------------


def count_model_fit(series: RegularSeries, result, *, break_date: str | None = "2021-08-15"):
    """Observed counts (gaps shaded) with the count model's fitted mean and 95% interval.

    Parameters
    ----------
    series : RegularSeries
        The series the model was fitted to.
    result : analysis.trends.CountModelResult
    """
    set_style()
    fig, ax = plt.subplots(figsize=(11, 4.2))
    shade_missing(ax, series)
    plot_series_with_gaps(ax, series, label=f"{series.label} (published)")
    fitted = result.fitted.reindex(series.values.index)
    starts, ends = _period_edges(fitted.index)
    mids = starts + (ends - starts) / 2
    ax.plot(
        mids,
        fitted["fitted"].to_numpy(),
        color="#2980b9",
        linewidth=2,
        label=f"fitted mean ({'negative binomial' if result.family == 'negbin' else 'Poisson'})",
    )
    ax.fill_between(
        mids,
        fitted["ci_low"].to_numpy(),
        fitted["ci_high"].to_numpy(),
        color="#2980b9",
        alpha=0.2,
        linewidth=0,
        label="95% interval of the mean",
    )
    _mark_break(ax, break_date)
    ax.set_ylabel(series.measure.replace("_", " "))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(f"{series.label}: segmented count model")
    fig.tight_layout()
    return fig


def stl_chart(decomposition: pd.DataFrame, label: str):
    """The STL components (observed, trend, seasonal, remainder) in four panels."""
    set_style()
    fig, axes = plt.subplots(4, 1, figsize=(11, 7), sharex=True)
    x = decomposition.index.to_timestamp()
    for ax, column, title in zip(
        axes, ("observed", "trend", "seasonal", "resid"), ("observed", "trend", "seasonal", "remainder")
    ):
        ax.plot(x, decomposition[column].to_numpy(), color=SERIES_COLOUR, linewidth=1.3)
        ax.set_ylabel(title)
    axes[0].set_title(f"{label}: STL decomposition (period 12, robust)")
    fig.tight_layout()
    return fig


def ccf_chart(table: pd.DataFrame, unit: str = "month"):
    """Prewhitened cross-correlations in both directions with the ±1.96/√n band.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`analysis.relations.prewhitened_ccf`.
    """
    set_style()
    pairs = list(dict.fromkeys(zip(table["cause"], table["effect"])))
    fig, axes = plt.subplots(1, len(pairs), figsize=(11, 3.8), sharey=True, squeeze=False)
    for ax, (cause, effect) in zip(axes[0], pairs):
        part = table[(table["cause"] == cause) & (table["effect"] == effect)]
        if cause == pairs[-1][0] and len(pairs) > 1:  # lag 0 lives in the first direction
            zero = table[(table["cause"] == pairs[0][0]) & (table["lag"] == 0)]
            part = pd.concat([zero, part])
        colours = ["#c0392b" if q <= 0.05 else SERIES_COLOUR for q in part["q_value"]]
        ax.bar(part["lag"], part["correlation"], color=colours, width=0.6)
        band = float(part["band"].iloc[0])
        ax.axhspan(-band, band, color=MISSING_COLOUR, alpha=0.35, linewidth=0, label="±1.96/√n")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"{unit}s by which {cause} leads {effect}")
        ax.set_title(f"Does {cause} lead {effect}?", fontsize=10)
        ax.legend(loc="upper right", fontsize=8)
    axes[0][0].set_ylabel("correlation after prewhitening")
    fig.tight_layout()
    return fig


def impulse_response_chart(irf: pd.DataFrame, unit: str = "month"):
    """Cross responses (each series to a shock in the other) with Monte Carlo bands, both orderings.

    Parameters
    ----------
    irf : pandas.DataFrame
        Output of :func:`analysis.relations.impulse_responses`.
    """
    set_style()
    cross = irf[irf["impulse"] != irf["response"]]
    orderings = list(dict.fromkeys(cross["ordering"]))
    pairs = list(dict.fromkeys(zip(cross["impulse"], cross["response"])))
    fig, axes = plt.subplots(
        len(orderings), len(pairs), figsize=(11, 3.2 * len(orderings)), sharex=True, squeeze=False
    )
    for row, ordering in enumerate(orderings):
        for col, (impulse, response) in enumerate(pairs):
            ax = axes[row][col]
            part = cross[
                (cross["ordering"] == ordering)
                & (cross["impulse"] == impulse)
                & (cross["response"] == response)
            ]
            ax.fill_between(
                part["horizon"],
                part["lower"],
                part["upper"],
                color="#2980b9",
                alpha=0.2,
                linewidth=0,
                label="95% Monte Carlo band",
            )
            ax.plot(
                part["horizon"],
                part["response_value"],
                color="#2980b9",
                marker="o",
                markersize=3,
                label="response",
            )
            ax.axhline(0, color="black", linewidth=0.8)
            ax.set_title(f"{response} after a shock to {impulse}\n{ordering}", fontsize=9)
            ax.set_xlabel(f"{unit}s after the shock")
            ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    return fig


def event_window_chart(result, unit: str = "month"):
    """Observed after-minus-before difference against its placebo distribution.

    Parameters
    ----------
    result : analysis.relations.EventWindowResult
    """
    set_style()
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.hist(result.placebo_draws, bins=40, color=MISSING_COLOUR, label="random (placebo) dates")
    ax.axvline(result.difference, color="#c0392b", linewidth=2, label="around the events")
    ax.axvspan(
        result.ci_low,
        result.ci_high,
        color="#c0392b",
        alpha=0.15,
        linewidth=0,
        label="95% bootstrap interval",
    )
    span = words.span_words(result.k, unit)
    ax.set_xlabel(f"mean of {span} after minus {span} before")
    ax.set_ylabel("placebo draws")
    ax.set_title(result.label or "Event window", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def simulation_rates_chart(rates: pd.DataFrame, title: str):
    """Rejection rates by scenario (SIMULATED DATA), with the 5% and 80% reference lines.

    Parameters
    ----------
    rates : pandas.DataFrame
        One row per scenario with columns ``scenario``,
        ``engagement_causes_violence``, ``violence_causes_engagement``,
        ``naive_either_direction``.
    """
    set_style()
    fig, ax = plt.subplots(figsize=(10, 3.8))
    width = 0.27
    x = range(len(rates))
    columns = (
        ("engagement_causes_violence", "Granger: engagement → violence", "#1b9e77"),
        ("violence_causes_engagement", "Granger: violence → engagement", "#d95f02"),
        ("naive_either_direction", "naive lagged correlation", MISSING_COLOUR),
    )
    for i, (column, label, colour) in enumerate(columns):
        ax.bar([v + (i - 1) * width for v in x], rates[column], width=width, color=colour, label=label)
    ax.axhline(0.05, color="black", linestyle=":", linewidth=1, label="5%")
    ax.axhline(0.80, color="black", linestyle="--", linewidth=1, label="80%")
    ax.set_xticks(list(x), [f"({s})" for s in rates["scenario"]])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of simulated runs rejecting")
    ax.set_title("SIMULATED DATA: " + title, fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, ncol=3, frameon=False)
    fig.tight_layout()
    return fig


#: Short names and effect scales of the calibrated tests in the power chart.
POWER_CHART_TESTS = {
    "granger_primary": ("primary Granger test", "cross effect (log scale per unit of log(1 + count))"),
    "var_f": ("VAR equation F", "cross effect (log scale per unit of log(1 + count))"),
    "ccf": ("prewhitened CCF", "cross effect (log scale per unit of log(1 + count))"),
    "event_window": ("event windows", "cross effect (log scale per unit of log(1 + count))"),
    "count_model": ("count model level change", "level change at the break (log scale)"),
    "change_points": ("change points", "level change at the break (log scale)"),
    "mann_kendall": ("Mann–Kendall", "trend (log scale per month)"),
}


def power_curves_chart(curves: pd.DataFrame, table: pd.DataFrame | None = None):
    """Power against effect size for each test (SIMULATED DATA), one panel per effect scale,
    with ±2 Monte Carlo standard errors and the 80% and 5% lines.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``key, direction, effect, power, power_se`` (from
        :func:`analysis.simulate.calibration_study`).
    table : pandas.DataFrame, optional
        The calibration table (unused; kept for call symmetry with the table).
    """
    set_style()
    curves = curves[curves["key"].isin(list(POWER_CHART_TESTS))]
    panels = list(dict.fromkeys(POWER_CHART_TESTS[k][1] for k in curves["key"]))
    fig, axes = plt.subplots(1, max(1, len(panels)), figsize=(4.6 * max(1, len(panels)), 4.2), squeeze=False)
    for ax, unit in zip(axes[0], panels):
        part = curves[curves["key"].map(lambda k: POWER_CHART_TESTS[k][1]) == unit]
        for (key, direction), line in part.groupby(["key", "direction"], sort=False):
            line = line.sort_values("effect")
            label = POWER_CHART_TESTS[key][0] + (f", {direction.replace('_to_', ' → ')}" if direction else "")
            ax.errorbar(
                line["effect"],
                line["power"],
                yerr=2 * line["power_se"],
                marker="o",
                capsize=2,
                linewidth=1.2,
                label=label,
            )
        ax.axhline(0.80, color="black", linestyle="--", linewidth=1)
        ax.axhline(0.05, color="black", linestyle=":", linewidth=1)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel(unit, fontsize=8)
        ax.set_ylabel("share of simulated runs rejecting", fontsize=8)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, frameon=False)
    fig.suptitle(
        "SIMULATED DATA: power by effect size at the bundled data's shape "
        "(dashed 80%, dotted 5%; bars ±2 Monte Carlo SE)",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------
# Region/actor breakdowns and the claims check
# --------------------------------------------------------------------------


def breakdown_chart(figures: pd.DataFrame, measure: str, *, break_date: str | None = "2021-08-15"):
    """Published figures of one measure by region or claiming group, as segments over their periods.

    One panel per source; one colour per region or group; each figure spans
    the period it covers (a month, a quarter, a year). Nothing is summed,
    filled or joined across periods without a figure.

    Parameters
    ----------
    figures : pandas.DataFrame
        Canonical violence table; only breakdown rows (region other than
        ``Pakistan`` or a non-empty actor) are drawn.
    measure : str
    """
    from analysis.breakdowns import breakdown_rows

    set_style()
    rows = breakdown_rows(figures)
    rows = rows.loc[rows["measure"] == measure]
    sources = sorted(rows["source_org"].unique())
    fig, axes = plt.subplots(
        max(len(sources), 1), 1, figsize=(11, 2.8 * max(len(sources), 1) + 0.6), sharex=True, squeeze=False
    )
    for ax, source in zip(axes[:, 0], sources):
        part = rows.loc[rows["source_org"] == source]
        labels = part["region"].where(part["region"] != "Pakistan", "national") + part["actor"].map(
            lambda a: f" ({a})" if a else ""
        )
        for colour, label in zip(SOURCE_COLOURS * 5, sorted(labels.unique())):
            cell = part.loc[labels == label]
            ax.hlines(
                cell["value"],
                cell["period_start"],
                cell["period_end"] + pd.Timedelta(days=1),
                colors=colour,
                linewidth=3,
                label=label,
            )
        _mark_break(ax, break_date, label=False)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(measure.replace("_", " "))
        ax.set_title(f"{source}: {measure.replace('_', ' ')} by region or group", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


OUTCOME_COLOURS = {
    "confirms": "#1a9850",
    "contradicts": "#d73027",
    "compatible": "#4575b4",
    "undetermined": "#999999",
}
_KIND_MARKERS = {"floor": ">", "ceiling": "<", "direct": "o", "proxy": "s"}


def claims_evidence_chart(checks: Sequence) -> plt.Figure:
    """Each numeric claim beside the numbers the public record offers for its window.

    One row per claim with a number. The black diamond is the claimed value;
    each marker is one piece of evidence: ``>`` a floor (at least this many:
    logged events, or the published parts of an incomplete total), ``<`` a
    ceiling (at most this many: a complete total over a wider scope), ``o``
    an aggregate for the same window, ``■`` a proxy. Colours give the outcome;
    a black edge marks a total with months missing (the sum of its published
    parts, so the full total is at least this).
    The x axis is logarithmic above 1.

    Parameters
    ----------
    checks : sequence of analysis.claims.ClaimCheck
    """
    from matplotlib.lines import Line2D

    set_style()
    numeric = [c for c in checks if c.value is not None]
    fig, ax = plt.subplots(figsize=(11, 0.65 * max(len(numeric), 1) + 1.6))
    for y, check in enumerate(numeric):
        ax.scatter([check.value], [y], marker="D", s=70, color="black", zorder=3)
        shown = [e for e in check.evidence if e.kind in _KIND_MARKERS and e.value is not None]
        for k, e in enumerate(shown):
            marker = _KIND_MARKERS[e.kind]
            if e.kind == "ceiling" and not e.complete:
                marker = ">"  # only the published parts: the total is at least this
            offset = 0.18 * ((k % 4) - 1.5)
            ax.scatter(
                [max(e.value, 0)],
                [y + offset],
                marker=marker,
                s=55,
                color=OUTCOME_COLOURS.get(e.outcome, "#999999"),
                zorder=2,
                edgecolors="white" if e.complete else "black",
                linewidths=0.6,
            )
    ax.set_xscale("symlog", linthresh=1)
    ax.set_yticks(range(len(numeric)))
    ax.set_yticklabels([f"{c.claim_id} ({c.qualifier} {c.value:,})" for c in numeric], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("count (log scale)")
    ax.set_title("Claimed values and what the public record bounds", fontsize=10)
    handles = [Line2D([], [], marker="D", color="black", linestyle="", label="claimed value")]
    handles += [
        Line2D([], [], marker=m, color="#555555", linestyle="", label=label)
        for m, label in (
            (">", "at least (floor)"),
            ("<", "at most (ceiling)"),
            ("o", "official aggregate, same window"),
            ("s", "proxy"),
        )
    ]
    handles += [
        Line2D([], [], marker="o", color=c, linestyle="", label=o) for o, c in OUTCOME_COLOURS.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker=">",
            color="white",
            markeredgecolor="black",
            linestyle="",
            label="black edge: published parts only (months missing)",
        )
    )
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    fig.tight_layout()
    return fig
