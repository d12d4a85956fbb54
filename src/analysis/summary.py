"""Plain-language text from results: sentences that never say more than the tables.

Every function returns Markdown in which text that came from data (labels,
source names) is HTML-escaped, so a value such as ``<script>`` renders as text.
"""

from __future__ import annotations

import html
import os
from typing import Iterable, Mapping

from analysis.errors import InsufficientData
from analysis.provenance import display_path, file_sha256
from analysis.relations import AssociationResult, bh_q_values
from analysis.series import RegularSeries


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def strength_word(rho: float) -> str:
    """Conventional label for the size of a rank correlation."""
    size = abs(rho)
    if size < 0.1:
        return "negligible"
    if size < 0.3:
        return "weak"
    if size < 0.5:
        return "moderate"
    return "strong"


def association_sentence(result: AssociationResult, q_value: float | None = None,
                         n_tests: int = 1) -> str:
    """One paragraph stating an association with its interval, N and caveat.

    Parameters
    ----------
    result : AssociationResult
    q_value : float, optional
        Benjamini–Hochberg q-value of the placebo p-value within its family.
    n_tests : int
        Size of that family.
    """
    level = int(round(result.ci_level * 100))
    what = ("changes from one period to the next in" if result.transform == "difference"
            else "levels of")
    direction = "positive" if result.estimate > 0 else "negative"
    excludes_zero = result.ci_low > 0 or result.ci_high < 0
    text = (f"Over {result.n} periods with both series observed ({result.first_period} to "
            f"{result.last_period}), the rank correlation between {what} "
            f"*{result.first_label}* and *{result.second_label}* is {result.estimate:.2f} "
            f"({strength_word(result.estimate)}, {direction}; {level}% block-bootstrap interval "
            f"{result.ci_low:.2f} to {result.ci_high:.2f}; circular-shift placebo p = "
            f"{result.p_value:.2f}"
            + (f"; Benjamini–Hochberg q = {q_value:.2f} across the {n_tests} tests in this report"
               if q_value is not None and n_tests > 1 else "")
            + "). ")
    significant = (q_value if q_value is not None else result.p_value) < 0.05
    if excludes_zero and significant:
        text += "The interval excludes zero and the placebo test agrees. "
    elif excludes_zero:
        text += ("The interval excludes zero, but the placebo test does not distinguish the "
                 "estimate from chance: treat it as inconclusive. ")
    else:
        text += "The interval includes zero: the data are consistent with no association. "
    if result.transform == "level":
        text += ("Both series trend and shift after August 2021, so a correlation of levels "
                 "describes co-movement; it is not evidence that either drives the other.")
    else:
        text += ("Correlating changes removes shared trends, but says nothing about which "
                 "series moves first.")
    return _escape(text)


def refusal_sentence(error: InsufficientData) -> str:
    """The visible 'not estimable' note for a refused analysis."""
    return _escape(f"**Not estimable with these data**, because {error.reason} "
                   f"(N = {error.n}; the documented minimum is {error.required}).")


def coverage_lines(series: Iterable[RegularSeries]) -> str:
    """Markdown bullet list of each series' coverage sentence."""
    return _escape("\n".join(f"- {one.coverage_text()} Basis: {one.basis}." for one in series))


def sources_markdown(files: Iterable[str | os.PathLike[str]]) -> str:
    """Markdown list of data files with their SHA-256 (first 12 hex digits)."""
    return "\n".join(f"- `{display_path(f)}` (sha256 `{file_sha256(f)[:12]}`)" for f in files)


def overview_summary(events, figures, claim_table, series: Iterable[RegularSeries],
                     break_date: str) -> str:
    """Plain-language summary of what the dataset covers (notebook 01).

    Parameters
    ----------
    events, figures : pandas.DataFrame
        Canonical tables.
    claim_table : pandas.DataFrame
        Output of :func:`analysis.claims.check_claims`.
    series : iterable of RegularSeries
        The violence series drawn in the notebook.
    break_date : str
    """
    by_category = events["category"].value_counts()
    cats = ", ".join(f"{by_category.get(c, 0)} {c}" for c in ("engagement", "security", "policy"))
    lines = [
        f"- The engagement log holds **{len(events)} dated events** from "
        f"{events['date_start'].min():%B %Y} to {events['date_start'].max():%B %Y} ({cats}); "
        f"every row cites a public page and quotes it.",
        f"- The violence table holds **{len(figures)} published figures** from "
        f"{figures['source_org'].nunique()} monitors ({', '.join(sorted(figures['source_org'].unique()))}), "
        "kept as separate series because their definitions differ.",
    ]
    for one in series:
        lines.append(f"- {one.coverage_text()}")
    numeric = claim_table.loc[claim_table["can_check"] != "qualitative"]
    counts = numeric["can_check"].value_counts()
    lines.append(
        f"- Of the article's {len(numeric)} numeric claims, {counts.get('yes', 0)} can be checked "
        f"against the public record, {counts.get('partly', 0)} only partly, and "
        f"{counts.get('no', 0)} not at all: the official aggregates it quotes (flag meetings, "
        "protests, demarches, memorandums) are not itemised in any public source found.")
    lines.append(f"- Charts mark the Taliban takeover of Kabul ({break_date}); grey bands are "
                 "periods with no published figure, which are missing, not zero.")
    return _escape("\n".join(lines))


def annual_table(figures, measures: Iterable[str] = ("attacks", "fatalities", "combat_deaths")):
    """Published annual national totals: one row per year, one column per source and measure.

    Where a source published two different annual figures, both are shown
    (``"376 / 380"``), never averaged.
    """
    import pandas as pd

    rows = figures.loc[(figures["granularity"] == "year") & figures["measure"].isin(list(measures))
                       & (figures["region"] == "Pakistan") & (figures["actor"] == "")]
    if rows.empty:
        return pd.DataFrame()
    rows = rows.assign(year=rows["period_start"].dt.year,
                       column=rows["source_org"] + " " + rows["measure"].str.replace("_", " "))
    table = rows.groupby(["year", "column"])["value"].agg(
        lambda v: " / ".join(f"{x:,}" for x in dict.fromkeys(v))).unstack("column")
    return table.fillna("—")


def relation_summary(engagement: RegularSeries, violence: RegularSeries,
                     results: Mapping[str, AssociationResult],
                     refusals: Mapping[str, InsufficientData]) -> str:
    """Plain-language summary of notebook 03: coverage, each association or refusal, caveat.

    Parameters
    ----------
    engagement, violence : RegularSeries
    results : mapping of transform to AssociationResult
    refusals : mapping of transform to InsufficientData
    """
    lines = [f"- {_escape(engagement.coverage_text())}", f"- {_escape(violence.coverage_text())}"]
    q_values = dict(zip(results, bh_q_values(r.p_value for r in results.values())))
    for transform, name in (("level", "Levels"), ("difference", "Changes")):
        if transform in results:
            sentence = association_sentence(results[transform], q_values[transform], len(results))
            lines.append(f"- {name}: {sentence}")
        elif transform in refusals:
            lines.append(f"- {name}: {refusal_sentence(refusals[transform])}")
    lines.append("- Neither result says which series moves first, or whether engagement reduces "
                 "violence; reverse causation (meetings and protests *reacting* to attacks) is "
                 "the default suspicion.")
    return "\n".join(lines)


def events_by_type_table(events, break_date: str):
    """Logged events per category and type, before and after ``break_date`` (counts, zeros shown)."""
    period = (events["date_start"] >= break_date).map({False: "before takeover", True: "after takeover"})
    return events.assign(period=period).pivot_table(
        index=["category", "event_type"], columns="period", values="event_id",
        aggfunc="count", fill_value=0)
