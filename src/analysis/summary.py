"""Plain-language text from results: sentences that never say more than the tables.

Every function returns Markdown in which text that came from data (labels,
source names) is HTML-escaped, so a value such as ``<script>`` renders as text.
"""

from __future__ import annotations

import html
import os
from typing import Iterable, Mapping

from analysis import words
from analysis.errors import InsufficientData
from analysis.provenance import display_path, file_sha256
from analysis.relations import AssociationResult, bh_q_values
from analysis.series import RegularSeries


#: Reports show tables whole (every row, column and cell; no "...") and with reader labels
#: for their columns: every report notebook imports this module, so both hold wherever a
#: report displays a table.
words.show_tables_whole()
words.show_reader_labels()

#: At most this many key findings, each shorter than this many characters.
KEY_FINDINGS_MAX_ITEMS = 5
KEY_FINDING_MAX_CHARS = 300


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


def association_sentence(result: AssociationResult, q_value: float | None = None, n_tests: int = 1) -> str:
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
    what = "changes from one period to the next in" if result.transform == "difference" else "levels of"
    direction = "positive" if result.estimate > 0 else "negative"
    excludes_zero = result.ci_low > 0 or result.ci_high < 0
    text = (
        f"Over {result.n} periods with both series observed ({result.first_period} to "
        f"{result.last_period}), the rank correlation between {what} "
        f"*{result.first_label}* and *{result.second_label}* is {result.estimate:.2f} "
        f"({strength_word(result.estimate)}, {direction}; {level}% block-bootstrap interval "
        f"{result.ci_low:.2f} to {result.ci_high:.2f}; circular-shift placebo "
        f"{words.p_text(result.p_value)}"
        + (
            f"; Benjamini–Hochberg {words.p_text(q_value, 'q')} across the {n_tests} tests in this report"
            if q_value is not None and n_tests > 1
            else ""
        )
        + "). "
    )
    significant = (q_value if q_value is not None else result.p_value) < 0.05
    if excludes_zero and significant:
        text += "The interval excludes zero and the placebo test agrees. "
    elif excludes_zero:
        text += (
            "The interval excludes zero, but the placebo test does not distinguish the "
            "estimate from chance: treat it as inconclusive. "
        )
    else:
        text += "The interval includes zero: the data are consistent with no association. "
    if result.transform == "level":
        text += (
            "Both series trend and shift after August 2021, so a correlation of levels "
            "describes co-movement; it is not evidence that either drives the other."
        )
    else:
        text += "Correlating changes removes shared trends, but says nothing about which series moves first."
    return _escape(text)


def refusal_sentence(error: InsufficientData) -> str:
    """The visible 'not estimable' note for a refused analysis."""
    return _escape(
        f"**Not estimable with these data**, because {error.reason} "
        f"(N = {error.n}; the documented minimum is {error.required})."
    )


def coverage_lines(series: Iterable[RegularSeries]) -> str:
    """Markdown bullet list of each series' coverage sentence."""
    return _escape("\n".join(f"- {one.coverage_text()} Basis: {one.basis}." for one in series))


def sources_markdown(files: Iterable[str | os.PathLike[str]]) -> str:
    """Markdown list of data files with their SHA-256 (first 12 hex digits)."""
    return "\n".join(f"- `{display_path(f)}` (sha256 `{file_sha256(f)[:12]}`)" for f in files)


def overview_summary(events, figures, claim_table, series: Iterable[RegularSeries], break_date: str) -> str:
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
        "protests, demarches, memorandums) are not itemised in any public source found."
    )
    lines.append(
        f"- Charts mark the Taliban takeover of Kabul ({break_date}); grey bands are "
        "periods with no published figure, which are missing, not zero."
    )
    return _escape("\n".join(lines))


def annual_table(figures, measures: Iterable[str] = ("attacks", "fatalities", "combat_deaths")):
    """Published annual national totals: one row per year, one column per source and measure.

    Where a source published two different annual figures, both are shown
    (``"376 / 380"``), never averaged.
    """
    import pandas as pd

    rows = figures.loc[
        (figures["granularity"] == "year")
        & figures["measure"].isin(list(measures))
        & (figures["region"] == "Pakistan")
        & (figures["actor"] == "")
    ]
    if rows.empty:
        return pd.DataFrame()
    rows = rows.assign(
        year=rows["period_start"].dt.year,
        column=rows["source_org"] + " " + rows["measure"].str.replace("_", " "),
    )
    table = (
        rows.groupby(["year", "column"])["value"]
        .agg(lambda v: " / ".join(f"{x:,}" for x in dict.fromkeys(v)))
        .unstack("column")
    )
    return table.fillna("—")


def relation_summary(
    engagement: RegularSeries,
    violence: RegularSeries,
    results: Mapping[str, AssociationResult],
    refusals: Mapping[str, InsufficientData],
) -> str:
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
    lines.append(
        "- Neither result says which series moves first, or whether engagement reduces "
        "violence; reverse causation (meetings and protests *reacting* to attacks) is "
        "the default suspicion."
    )
    return "\n".join(lines)


def events_by_type_table(events, break_date: str):
    """Logged events per category and type, before and after ``break_date`` (counts, zeros shown)."""
    period = (events["date_start"] >= break_date).map({False: "before takeover", True: "after takeover"})
    return events.assign(period=period).pivot_table(
        index=["category", "event_type"], columns="period", values="event_id", aggfunc="count", fill_value=0
    )


# --------------------------------------------------------------------------
# Statistical core (notebooks 02 and 03): sentences from result objects
# --------------------------------------------------------------------------


def _ci(low: float, high: float, digits: int = 2) -> str:
    return words.ci_text(low, high, digits=digits)


def _pct(ratio: float) -> str:
    return f"{(ratio - 1) * 100:+.1f}%"


def count_model_sentences(result, measure_words: str) -> list[str]:
    """Plain-language sentences for the level and slope change of a count model.

    Parameters
    ----------
    result : analysis.trends.CountModelResult
    measure_words : str
        What is counted, e.g. ``"PICSS attacks"``.
    """
    level = result.term("level_change")
    slope = result.term("slope_change")
    brk = result.break_period
    sentences = []
    if level["ci_low"] > 1 or level["ci_high"] < 1:
        direction = "higher" if level["irr"] > 1 else "lower"
        sentences.append(
            f"From {brk}, {measure_words} per month were {level['irr']:.2f} times the level the "
            f"earlier trend implies ({direction}; {_ci(level['ci_low'], level['ci_high'])}, "
            f"N = {result.n} observed months)."
        )
    else:
        sentences.append(
            f"No evidence of a level change in {measure_words} at {brk}: the estimated ratio is "
            f"{level['irr']:.2f} ({_ci(level['ci_low'], level['ci_high'])}, which includes 1; "
            f"N = {result.n} observed months)."
        )
    if slope["ci_low"] > 1 or slope["ci_high"] < 1:
        sentences.append(
            f"After the break the monthly growth rate changed by {_pct(slope['irr'])} per month "
            f"({_ci((slope['ci_low'] - 1) * 100, (slope['ci_high'] - 1) * 100, 1)} percentage points)."
        )
    else:
        sentences.append(
            f"No evidence of a change in the monthly trend after the break (change "
            f"{_pct(slope['irr'])} per month; "
            f"{_ci((slope['ci_low'] - 1) * 100, (slope['ci_high'] - 1) * 100, 1)} percentage points)."
        )
    if result.n_before < 12:
        sentences.append(
            f"Only {words.plural(result.n_before, 'month')} before the break are observed, so the "
            "pre-break trend, and with it both changes, are uncertain."
        )
    return [_escape(s) for s in sentences]


def trend_sentence(result) -> str:
    """Theil–Sen slope and Mann–Kendall result in words (:class:`analysis.trends.TrendResult`)."""
    text = (
        f"Over {result.first_period} to {result.last_period} ({result.n} observed periods), the "
        f"median (Theil–Sen) trend is {result.slope:+.2f} per period "
        f"({_ci(result.slope_ci_low, result.slope_ci_high)}); "
    )
    if result.mk_p_value < 0.05:
        text += (
            f"the prewhitened Mann–Kendall test finds a monotonic trend ({words.p_text(result.mk_p_value)})."
        )
    else:
        text += (
            f"the prewhitened Mann–Kendall test finds no evidence of a monotonic "
            f"trend ({words.p_text(result.mk_p_value)})."
        )
    return _escape(text)


def granger_sentences(table, unit: str = "month") -> list[str]:
    """One sentence per direction of a Granger table, decided by the BH q-value."""
    sentences = []
    for _, row in table.iterrows():
        stats_text = (
            f"F({int(row['df_num'])}, {int(row['df_denom'])}) = {row['statistic']:.2f}, "
            f"{words.p_text(row['p_value'])}, {words.p_text(row['q_value'], 'q')}, "
            f"lag order {int(row['lag_order'])}"
            + (f", N = {int(row['n'])}" if "n" in row and row["n"] == row["n"] else "")
        )
        if row["q_value"] <= 0.05:
            sentences.append(
                f"Past *{row['cause']}* helps predict *{row['effect']}* beyond its own "
                f"past, the trend, the break and the seasons ({stats_text}). This is predictive "
                "(Granger) precedence, not proof of cause."
            )
        else:
            sentences.append(
                f"No evidence that past *{row['cause']}* helps predict *{row['effect']}* "
                f"({stats_text}). With few {unit}s this test has limited power: "
                "absence of evidence is not evidence of no effect."
            )
    return [_escape(s) for s in sentences]


def ccf_sentence(table) -> str:
    """Which lags of a prewhitened CCF stand out after Benjamini–Hochberg control."""
    hits = table[table["q_value"] <= 0.05]
    n, window = int(table["n"].iloc[0]), table.attrs.get("window", "")
    if hits.empty:
        return _escape(
            f"After prewhitening ({window}, N = {n}), no cross-correlation at any lag in "
            "either direction stands out from chance once the number of lags tested is "
            "accounted for (Benjamini–Hochberg q > 0.05)."
        )
    parts = [
        f"{row['label']} (r = {row['correlation']:.2f}, {words.p_text(row['q_value'], 'q')})"
        for _, row in hits.iterrows()
    ]
    return _escape(
        f"After prewhitening ({window}, N = {n}), these lags stand out: "
        + "; ".join(parts)
        + ". A lagged correlation is consistent with, but does not "
        "prove, one series responding to the other."
    )


def event_window_sentence(result, violence_words: str, unit: str = "month") -> str:
    """An event-window comparison in words (:class:`analysis.relations.EventWindowResult`)."""
    span = words.span_words(result.k, unit)
    direction = "more" if result.excess > 0 else "less"
    text = (
        f"Around {result.n_events} {result.label or 'events'} ({result.n_events_dropped} left out "
        f"for missing data), {violence_words} in {span} after minus {span} before averaged "
        f"{result.difference:+.1f} ({_ci(result.ci_low, result.ci_high, 1)}); at random dates "
        f"the same difference averages {result.placebo_mean:+.1f}. "
    )
    if result.p_value < 0.05:
        text += (
            f"The change around the events is {abs(result.excess):.1f} {direction} than at random "
            f"dates ({_ci(result.excess_ci_low, result.excess_ci_high, 1)}; permutation "
            f"{words.p_text(result.p_value)})."
        )
    else:
        text += (
            f"No evidence that violence changes differently around these events than at random "
            f"dates (difference {result.excess:+.1f}, {_ci(result.excess_ci_low, result.excess_ci_high, 1)}; "
            f"permutation {words.p_text(result.p_value)})."
        )
    return _escape(text)


def escape(text: str) -> str:
    """HTML-escape text that came from data before it is shown as Markdown."""
    return _escape(str(text))


def tests_table(tests: list[dict]):
    """Hypothesis tests (``TestResult.as_dict()`` rows) as a display table."""
    import pandas as pd

    return pd.DataFrame(tests).set_index("test")


def stationarity_table(result: dict):
    """ADF and KPSS results side by side with the reading (from :func:`analysis.trends.stationarity_tests`)."""
    import pandas as pd

    kpss_p = (
        f"{result['kpss_p_bound']}{result['kpss_p_value']:.3f}".strip()
        if result["kpss_p_bound"]
        else words.p_number(result["kpss_p_value"])
    )
    return pd.DataFrame(
        [
            {
                "test": "ADF (null: unit root; constant and trend, lags by AIC)",
                "statistic": round(result["adf_statistic"], 3),
                "p_value": words.p_number(result["adf_p_value"]),
            },
            {
                "test": "KPSS (null: trend-stationary; automatic lags)",
                "statistic": round(result["kpss_statistic"], 3),
                "p_value": kpss_p,
            },
            {
                "test": f"reading ({result['window']}, N = {result['n']})",
                "statistic": "",
                "p_value": result["reading"],
            },
        ]
    ).set_index("test")


def trends_summary(
    violence: RegularSeries, results: Mapping, refusals: Mapping, sizes: Mapping[str, float] | None = None
) -> str:
    """Plain-language summary of notebook 02, built only from its result objects.

    ``sizes`` maps test keys (``count_model``, ``mann_kendall``, ``chow``,
    ``change_points``) to their measured size at the bundled shape
    (:func:`analysis.simulate.measured_sizes`); a test above 0.10 is marked
    exploratory.
    """
    sizes = sizes or {}

    def flag(key: str) -> str:
        size = sizes.get(key)
        return f" ({EXPLORATORY_LABEL}: measured size {size:.2f})" if size is not None and size > 0.10 else ""

    lines = [f"- {_escape(violence.coverage_text())}"]
    if "count_model" in results:
        for sentence in count_model_sentences(results["count_model"], violence.label):
            lines.append(f"- {sentence}" + _escape(flag("count_model")))
    elif "count_model" in refusals:
        lines.append(f"- Count model: {refusal_sentence(refusals['count_model'])}")
    if "break_coding" in results and len(results["break_coding"]) > 1:
        table = results["break_coding"]
        parts = [
            f"{coding}: ratio {row['level_change_irr']:.2f} ({_ci(row['level_ci_low'], row['level_ci_high'])}, "
            f"p = {row['level_p_value']:.3f})"
            for coding, row in table.iterrows()
        ]
        lines.append(
            _escape("- The level change under both codings of the break month: " + "; ".join(parts) + ".")
        )
    if "trend" in results:
        lines.append(f"- {trend_sentence(results['trend'])}" + _escape(flag("mann_kendall")))
    if "chow" in results:
        chow = results["chow"]
        verdict = (
            "the data reject a stable trend across the break"
            if chow.p_value < 0.05
            else "no evidence of a break in the trend at that date"
        )
        lines.append(
            _escape(
                f"- Chow test at the break: {verdict} ({chow.detail}, "
                f"F = {chow.statistic:.2f}, {words.p_text(chow.p_value)})" + flag("chow") + "."
            )
        )
    if "change_points" in results:
        breaks = results["change_points"].attrs.get("breaks", [])
        lines.append(
            _escape(
                "- Change points in the trend found without being told the date: "
                + (", ".join(breaks) if breaks else "none")
                + flag("change_points")
                + "."
            )
        )
    for name in ("trend", "chow", "stationarity", "stl"):
        if name in refusals:
            lines.append(f"- {words.method_name(name)}: {refusal_sentence(refusals[name])}")
    lines.append("- These describe timing, not cause: other changes coincide with the break.")
    return "\n".join(lines)


def engagement_violence_summary(
    engagement: RegularSeries,
    violence: RegularSeries,
    associations: Mapping,
    results: Mapping,
    refusals: Mapping,
    unit: str = "month",
    primary: Iterable[str] = (),
) -> str:
    """Plain-language summary of notebook 03, built only from its result objects.

    Parameters
    ----------
    engagement, violence : RegularSeries
    associations : mapping of transform to AssociationResult
    results : mapping with optional keys ``"ccf"`` (table), ``"var"``
        (:class:`analysis.relations.VarAnalysis`) and ``"windows"`` (list of
        ``(EventWindowResult, q_value)``)
    refusals : mapping of analysis name to InsufficientData
    primary : iterable of str
        Markdown sentences of the primary test (:func:`primary_answer_sentence`,
        :func:`primary_power_sentence`, ...), shown first; everything after
        them is labelled exploratory.
    """
    lines = [f"- {line}" for line in primary]
    lines += [f"- {_escape(engagement.coverage_text())}", f"- {_escape(violence.coverage_text())}"]
    if "var_equations" in results:
        for sentence in granger_sentences(results["var_equations"], unit):
            lines.append(f"- Exploratory (the VAR's equations on every observed {unit}): {sentence}")
    elif "var_equations" in refusals:
        lines.append(
            f"- Exploratory VAR-equation Granger tests: {refusal_sentence(refusals['var_equations'])}"
        )
    if "var" in results:
        for sentence in granger_sentences(results["var"].granger, unit):
            lines.append(f"- Exploratory (VAR on the longest consecutive run): {sentence}")
    if "ccf" in results:
        lines.append(f"- Exploratory: {ccf_sentence(results['ccf'])}")
    elif "ccf" in refusals:
        lines.append(f"- Exploratory prewhitened cross-correlation: {refusal_sentence(refusals['ccf'])}")
    for window, q_value in results.get("windows", []):
        sentence = event_window_sentence(window, violence.label, unit)
        lines.append(
            f"- Exploratory: {sentence} "
            + _escape(
                f"(Benjamini–Hochberg {words.p_text(q_value, 'q')} across the "
                f"{len(results['windows'])} event types tested.)"
            )
        )
    for name, refusal in refusals.items():
        if name.startswith("window:"):
            lines.append(f"- Event window around {_escape(name[7:])}: {refusal_sentence(refusal)}")
    q_values = dict(zip(associations, bh_q_values(r.p_value for r in associations.values())))
    for transform, name in (
        ("level", "Exploratory rank correlation of levels"),
        ("difference", "Exploratory rank correlation of changes"),
    ):
        if transform in associations:
            lines.append(
                f"- {name}: {association_sentence(associations[transform], q_values[transform], len(associations))}"
            )
        elif transform in refusals:
            lines.append(f"- {name}: {refusal_sentence(refusals[transform])}")
    lines.append(
        "- Reverse causation is the default suspicion: flag meetings and protests often *react* "
        "to attacks. None of these results on its own shows that engagement reduces or "
        "raises violence."
    )
    return "\n".join(lines)


def validation_summary(rates, coverage: dict, bundled_n: int, short_n: int, minimum: int) -> str:
    """Plain-language summary of the method-validation report (SIMULATED DATA)."""
    lines = ["- **All results below are from simulated data.**"]
    if bundled_n < minimum:
        lines.append(
            f"- The bundled data offer {bundled_n} consecutive months with both series observed, "
            f"fewer than the {minimum} the package requires for a VAR, so the engagement-and-"
            f"violence report refuses the Granger tests. The short simulation uses {short_n} "
            "months, the smallest sample the package accepts."
        )
    else:
        lines.append(
            f"- The bundled data offer {bundled_n} consecutive months with both series observed; "
            "the short simulation uses that length."
        )
    for n in sorted(rates["n"].unique()):
        part = rates[rates["n"] == n].set_index("scenario")
        lines.append(
            f"- With {n} months: when engagement truly reacts to violence, the tests detect that direction "
            f"in {part.loc['a', 'violence_causes_engagement']:.0%} of runs and wrongly report the reverse in "
            f"{part.loc['a', 'engagement_causes_violence']:.0%}; when violence reacts to engagement, "
            f"{part.loc['b', 'engagement_causes_violence']:.0%} and {part.loc['b', 'violence_causes_engagement']:.0%}. "
            f"With no relation but a shared break, they report a relation in "
            f"{part.loc['c', 'either_direction']:.0%} of runs, while a naive lagged correlation does so in "
            f"{part.loc['c', 'naive_either_direction']:.0%}."
        )
    lines.append(
        f"- The count model's 95% interval for a true level change of {coverage['true_irr']:.1f} covered "
        f"it in {coverage['coverage']:.0%} of {coverage['reps']} runs of {coverage['n']} months; the "
        f"median dispersion estimate was {coverage['median_alpha']:.2f} for a true "
        f"{coverage['true_alpha']:.2f} (maximum likelihood is biased down in samples this small)."
    )
    return "\n".join(lines)


def validation_display_table(rates):
    """Rates of :func:`analysis.simulate.validation_table` shaped for display (SIMULATED DATA)."""
    table = rates[
        [
            "n",
            "scenario",
            "description",
            "engagement_causes_violence",
            "violence_causes_engagement",
            "either_direction",
            "naive_either_direction",
            "refused",
            "reading",
        ]
    ].copy()
    for column in (
        "engagement_causes_violence",
        "violence_causes_engagement",
        "either_direction",
        "naive_either_direction",
    ):
        table[column] = table[column].round(3)
    return table.set_index(["n", "scenario"])


def coverage_display_table(coverage: dict):
    """The count-model coverage study as a two-column table (SIMULATED DATA)."""
    import pandas as pd

    rows = [
        ("replications", coverage["reps"]),
        ("months per series", coverage["n"]),
        ("true level-change IRR", coverage["true_irr"]),
        ("95% interval coverage", f"{coverage['coverage']:.3f}"),
        ("median estimated IRR", f"{coverage['median_irr']:.3f}"),
        ("true dispersion alpha", coverage["true_alpha"]),
        ("median estimated alpha", f"{coverage['median_alpha']:.3f}"),
        ("median relative error of alpha", f"{coverage['alpha_relative_error']:.3f}"),
    ]
    return pd.DataFrame(rows, columns=["quantity", "value"]).set_index("quantity")


# --------------------------------------------------------------------------
# The primary test of the engagement report (analysis.countlag)
# --------------------------------------------------------------------------


def _power_for(power, cause_is_engagement: bool):
    if power is None or len(power) == 0:
        return None
    from analysis.countlag import DIRECTIONS

    return power.set_index("direction").loc[DIRECTIONS[0] if cause_is_engagement else DIRECTIONS[1]]


def primary_answer_sentence(
    table,
    power=None,
    *,
    engagement_label: str,
    outcome_words: str = "",
    unit: str = "month",
    level: float = 0.05,
) -> str:
    """One sentence answering "which moves first?" from the primary test, with p, N and power.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.relations.granger_both_ways` (``countlag``) output,
        engagement → violence first.
    power : pandas.DataFrame, optional
        :func:`analysis.countlag.primary_power` at this report's shape.
    engagement_label : str
        The engagement column's name in ``table``.
    outcome_words : str
        Words for the outcome (default: its column name).
    unit : str
    level : float
        A direction is evidence when its BH q is at most ``level``.
    """
    rows = {row["cause"] == engagement_label: row for _, row in table.iterrows()}
    forward, backward = rows[True], rows[False]
    engagement_words = engagement_label
    outcome_words = outcome_words or forward["effect"]
    hits = [row for row in (forward, backward) if row["q_value"] <= level]

    def stats_text(row) -> str:
        return f"{words.p_text(row['p_value'])}, {words.p_text(row['q_value'], 'q')}, N = {row['n']} {unit}s"

    def power_text(row, is_forward: bool) -> str:
        one = _power_for(power, is_forward)
        if one is None:
            return ""
        return f"power {one['power']:.2f} at an effect of {one['effect']:g}"

    if not hits:
        text = (
            f"**Which moves first?** Neither, on this evidence: the primary test finds no evidence "
            f"at its pre-specified level (Benjamini–Hochberg q ≤ {level:g}) that {engagement_words} "
            f"helps predict {outcome_words} the {unit} after ({stats_text(forward)}), nor the "
            f"reverse ({stats_text(backward)})"
        )
        powers = [p for p in (power_text(forward, True), power_text(backward, False)) if p]
        if powers:
            text += (
                f"; on simulated data of this shape the test has {powers[0]} in the first "
                f"direction and {powers[1]} in the second (the effects in words are in the "
                "power statement), so a smaller relation could go unseen"
            )
        return _escape(text + ".")
    parts = []
    for row in hits:
        first = engagement_words if row is forward else outcome_words
        second = outcome_words if row is forward else engagement_words
        parts.append(f"past {first} helps predict {second} ({stats_text(row)})")
    text = "**Which moves first?** In the primary test, " + " and ".join(parts)
    others = [row for row in (forward, backward) if row["q_value"] > level]
    for row in others:
        first = engagement_words if row is forward else outcome_words
        text += f"; no evidence the other way ({first} first: {stats_text(row)})"
    return _escape(text + ". This is predictive (Granger) precedence, not proof of cause.")


def primary_power_sentence(
    power,
    *,
    engagement_words: str = "proactive diplomatic events",
    violence_words: str = "attacks",
    unit: str = "month",
) -> str:
    """The primary test's size and power at this report's shape, in words (SIMULATED DATA)."""
    from analysis.countlag import DIRECTIONS, effect_words

    parts = []
    for direction in DIRECTIONS:
        one = power.set_index("direction").loc[direction]
        parts.append(
            f"{direction}: it detects an effect of {one['effect']:g} "
            f"({effect_words(direction, one['effect'], engagement_words, violence_words)}) "
            f"in {one['power'] * 100:.0f}% of simulated series and rejects in "
            f"{one['size'] * 100:.0f}% of series with no relation"
        )
    reps = int(power["reps"].iloc[0])
    text = (
        f"Power of the primary test on simulated data shaped like this report's series (its "
        f"length, missing {unit}s, levels, break and dispersion; {reps} simulated pairs per "
        "figure): " + "; ".join(parts) + '. "No evidence" is read with this power: a relation '
        "smaller than these can go unseen."
    )
    oversized = power.loc[power["size"] > 0.10, "direction"].tolist()
    if oversized:
        text += (
            f" **In {' and '.join(oversized)}, the test rejects in more than 10% of series with no "
            "relation at this shape, so its p-value here is exploratory, not calibrated evidence.**"
        )
    return _escape(text)


def robustness_sentence(table, level: float = 0.05) -> str:
    """Whether the primary answer changes under the robustness variants."""
    fitted = table.dropna(subset=["p_value"])
    refused = table.loc[table["p_value"].isna(), "description"].drop_duplicates().tolist()
    primary = fitted[fitted["variant"] == "primary"]
    base = set(primary.loc[primary["q_value"] <= level, "cause"])
    changed = []
    for variant, rows in fitted[fitted["variant"] != "primary"].groupby("variant", sort=False):
        if set(rows.loc[rows["q_value"] <= level, "cause"]) != base:
            changed.append(rows["description"].iloc[0])
    if changed:
        text = "The answer changes under: " + "; ".join(changed) + "."
    else:
        text = "The answer is the same under every robustness variant that could be estimated."
    if refused:
        text += " Not estimable: " + "; ".join(refused) + " (reasons in the table)."
    return _escape(text)


def primary_display_table(table):
    """The primary test's table for readers: one row per direction, p-values as text."""
    import pandas as pd

    rows = []
    for _, row in table.iterrows():
        rows.append(
            {
                "direction": f"{row['cause']} → {row['effect']}",
                "test": row["method"],
                "statistic": f"F({row['df_num']}, {row['df_denom']}) = {row['statistic']:.2f}",
                "p": words.p_number(row["p_value"]),
                "q (BH, two directions)": f"{row['q_value']:.3f}",
                "N (periods used)": int(row["n"]),
                "periods": row.get("window", ""),
                "lag coefficient (95% CI)": (
                    f"{row['coefficient']:.2f} ({row['ci_low']:.2f} to {row['ci_high']:.2f})"
                )
                if "coefficient" in row
                else "",
            }
        )
    return pd.DataFrame(rows).set_index("direction")


def robustness_display_table(table):
    """:func:`analysis.countlag.robustness_table` for readers (refusals keep their reason)."""
    import pandas as pd

    rows = []
    for _, row in table.iterrows():
        fitted = pd.notna(row["p_value"])
        rows.append(
            {
                "variant": row["description"],
                "direction": f"{row['cause']} → {row['effect']}" if fitted else "both",
                "statistic": (
                    f"F({int(row['df_num'])}, {int(row['df_denom'])}) = {row['statistic']:.2f}"
                    if fitted
                    else ""
                ),
                "p": words.p_number(row["p_value"]) if fitted else "",
                "q": f"{row['q_value']:.3f}" if fitted else "",
                "N": str(int(row["n"])) if fitted else "",
                "note": row["note"],
            }
        )
    return pd.DataFrame(rows).set_index(["variant", "direction"])


def state_space_display_table(table, by: str | None = None):
    """:func:`analysis.statespace.granger_state_space` (or ``cumulator_comparison``) for readers.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy Granger-type table with ``cause, effect, statistic, df_num,
        df_denom, p_value, q_value, n, calibration``.
    by : str, optional
        A further column that labels rows (``"totals"`` for the cumulator
        comparison), shown first.
    """
    import pandas as pd

    rows = []
    for _, row in table.iterrows():
        if pd.notna(row.get("df_denom")):
            statistic = f"F({int(row['df_num'])}, {int(row['df_denom'])}) = {row['statistic']:.2f}"
        else:
            statistic = f"chi2({int(row['df_num'])}) = {row['statistic']:.2f}"
        entry = {
            "direction": f"{row['cause']} → {row['effect']}",
            "Wald statistic": statistic,
            "p": words.p_number(row["p_value"]),
            "q (BH, two directions)": f"{row['q_value']:.3f}",
            "N (observed months of the outcome)": int(row["n"]),
            "calibration at this shape": row.get("calibration", ""),
        }
        if by:
            entry = {by: row[by], **entry}
        rows.append(entry)
    index = [by, "direction"] if by else ["direction"]
    return pd.DataFrame(rows).set_index(index)


def state_space_sentence(table, level: float = 0.05) -> str:
    """One sentence: does the state-space VAR agree with the primary test?"""
    found = table.loc[table["q_value"] <= level]
    if found.empty:
        return (
            "The VAR estimated by the Kalman filter on every observed month finds no evidence either "
            f"way ({'; '.join(_direction_p(row) for _, row in table.iterrows())})."
        )
    return (
        "The VAR estimated by the Kalman filter on every observed month finds "
        + "; ".join(
            f"evidence that {_escape(row['cause'])} moves before {_escape(row['effect'])} "
            f"({_direction_p(row)})"
            for _, row in found.iterrows()
        )
        + "."
    )


def _direction_p(row) -> str:
    return f"{_escape(row['cause'])} → {_escape(row['effect'])}: {words.p_text(row['p_value'])}, N = {int(row['n'])}"


def cumulator_sentence(table, level: float = 0.05) -> str:
    """Whether the state-space answer changes when the published totals inform the gaps."""
    if table["totals"].nunique() < 2:
        return (
            "No published total covers a missing month of this series, so the sensitivity "
            "cannot be run: the answer above is the only one."
        )
    verdicts = {}
    for totals, rows in table.groupby("totals", sort=False):
        verdicts[totals] = frozenset(rows.loc[rows["q_value"] <= level, "cause"])
    if len(set(verdicts.values())) == 1:
        same = next(iter(verdicts.values()))
        reached = (
            "no direction reaches q ≤ 0.05 either way"
            if not same
            else "the same direction reaches q ≤ 0.05 with and without them"
        )
        return (
            "Using the monitor's published totals to inform the missing months does not change the "
            f"answer: {reached}."
        )
    return (
        "**The answer depends on the gaps:** with the monitor's published totals informing the missing "
        "months, the directions that reach q ≤ 0.05 change (Table above). Read the primary answer "
        "with that caution."
    )


# --------------------------------------------------------------------------
# Calibration at the bundled shape (notebooks 02 and 05; SIMULATED results)
# --------------------------------------------------------------------------

#: Label of a test whose measured size at the sample at hand exceeds 0.10.
EXPLORATORY_LABEL = "exploratory (size not held at this sample)"


def _rate(value, digits: int = 2) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    return "—" if value != value else f"{value:.{digits}f}"


def calibration_display_table(table):
    """The calibration table of :func:`analysis.simulate.calibration_study` for readers (SIMULATED DATA).

    Columns: what is tested, the sample, what counts as a false positive,
    the measured size with its Monte Carlo standard error, the power at the
    stated effect, the effect at 80% power (MDE), N, runs and the status.
    """
    import pandas as pd

    rows = []
    for _, row in table.iterrows():
        coverage = row["key"] == "count_model_coverage"
        size = (
            f"coverage {1 - float(row['size']):.2f} ± {float(row['size_se']):.2f}"
            if coverage
            else f"{_rate(row['size'], 3)} ± {_rate(row['size_se'], 3)}"
        )
        stated = row.get("stated_effect")
        has_power = stated is not None and stated == stated and row["effect_unit"]
        if has_power:
            power = f"{_rate(row['power_at_stated'])} at {float(stated):g}"
            mde = (
                f"{row.get('mde_bound', '') or ''}{float(row['mde_80']):.3g}"
                if row["mde_80"] == row["mde_80"]
                else f"above {float(stated):g} (80% not reached)"
            )
            unit = row["effect_unit"]
        else:
            power, mde, unit = "not simulated", "—", ""
        if row["refused"] >= row["reps"]:
            status = "refused in every run"
        else:
            status = (
                "calibrated"
                if row["calibrated"]
                else ("interval too narrow" if coverage else EXPLORATORY_LABEL)
            )
        rows.append(
            {
                "test": row["test"],
                "sample": row["sample"],
                "false positive when": row["rejects_when"],
                "size (± MC SE)": size,
                "power": power,
                "MDE at 80% power": mde,
                "effect scale": unit,
                "N": int(row["n"]),
                "runs": int(row["reps"]),
                "refused runs": int(row["refused"]),
                "status": status,
            }
        )
    return pd.DataFrame(rows).set_index("test")


def calibration_summary(table, design, *, reused: bool, code_hash: str) -> str:
    """Plain-language summary of the calibration (notebook 05; SIMULATED DATA)."""
    n_obs = design.n - len(design.violence_gaps)
    lines = [
        "- **All results below are from simulated data** shaped like the bundled series: "
        f"{design.n} months from {design.start}, the same {len(design.violence_gaps)} missing "
        f"violence months ({n_obs} observed), over-dispersed counts, a shared break at "
        f"{design.break_date()[:7]} and a post-break trend."
    ]
    ran = table[table["refused"] < table["reps"]]
    bad = ran[~ran["calibrated"]]
    good = ran[ran["calibrated"]]
    lines.append(
        f"- {len(good)} of the {len(ran)} tests that ran hold their size (at most 0.10 at the 5% "
        "level) at this sample; they may be read as evidence."
    )
    if len(bad):
        names = "; ".join(f"{r['test']} ({_rate(r['size'])})" for _, r in bad.iterrows())
        lines.append(f"- Not calibrated here, so shown only as {EXPLORATORY_LABEL}: {names}.")
    primary = table[table["key"] == "granger_primary"]
    for _, row in primary.iterrows():
        if row["refused"] >= row["reps"]:
            lines.append(f"- {row['test']}: refused in every simulated run (see the table).")
            continue
        mde = (
            f"the effect detected 80% of the time is {float(row['mde_80']):.2g}"
            if row["mde_80"] == row["mde_80"]
            else f"80% power is not reached by an effect of {float(row['stated_effect']):g}"
        )
        lines.append(
            f"- {row['test']}: size {_rate(row['size'], 3)}, power "
            f"{_rate(row['power_at_stated'])} at a cross effect of {float(row['stated_effect']):g}; "
            f"{mde} (log scale per unit of log(1 + count))."
        )
    lines.append(
        f"- Results {'reused from the stored record' if reused else 'computed for this report'} "
        f"(code version {code_hash})."
    )
    return _escape("\n".join(lines))


def calibration_label(key: str, sizes: Mapping[str, float]) -> str:
    """Markdown note for a test shown in a report: empty when its measured size at the
    bundled shape is at most 0.10; otherwise the exploratory label with the size."""
    size = sizes.get(key)
    if size is None or size != size:
        return _escape("*Size not measured at this sample: read as exploratory.*")
    if size <= 0.10:
        return _escape(f"*Calibrated: measured size {size:.3f} at the bundled data's shape (simulated).*")
    return _escape(
        f"**{EXPLORATORY_LABEL[0].upper() + EXPLORATORY_LABEL[1:]}**: its measured false-positive "
        f"rate is {size:.2f} at the bundled data's shape (simulated), above 0.10, so it is "
        "not evidence."
    )


def long_comparison_summary(rates, coverage: dict) -> str:
    """The 130-month comparison (SIMULATED DATA) in words."""
    lines = []
    for n in sorted(rates["n"].unique()):
        part = rates[rates["n"] == n].set_index("scenario")
        lines.append(
            f"- With {n} consecutive months and no gaps: when engagement truly reacts to violence, the "
            f"package's Granger test detects that direction in {part.loc['a', 'violence_causes_engagement']:.0%} "
            f"of {int(part.loc['a', 'reps'])} runs; when violence reacts to engagement, in "
            f"{part.loc['b', 'engagement_causes_violence']:.0%}. With a shared break and no relation it "
            f"reports one in {part.loc['c', 'either_direction']:.0%} of runs, a naive lagged correlation in "
            f"{part.loc['c', 'naive_either_direction']:.0%}."
        )
    lines.append(
        f"- The count model's 95% interval for a level change of {coverage['true_irr']:.1f} covered it "
        f"in {coverage['coverage']:.0%} of {coverage['reps']} runs of {coverage['n']} months."
    )
    return _escape("\n".join(lines))


def lagged_f_display_table(table):
    """:func:`analysis.relations.lagged_f_tests` for readers: one row per direction."""
    import pandas as pd

    rows = [
        {
            "direction": f"{row['cause']} → {row['effect']}",
            "statistic": f"F({int(row['df_num'])}, {int(row['df_denom'])}) = {row['statistic']:.2f}",
            "p": words.p_number(row["p_value"]),
            "q (BH, two directions)": f"{row['q_value']:.3f}",
            "N (periods used)": int(row["n"]),
        }
        for _, row in table.iterrows()
    ]
    return pd.DataFrame(rows).set_index("direction")


def consecutive_var_note(refusal: InsufficientData) -> str:
    """Why the classical VAR (consecutive periods only) is not shown, and what replaces it."""
    return (
        f"The classical VAR, which needs at least {refusal.required} consecutive periods with both series "
        f"observed, is not shown: {_escape(refusal.reason)}. The Granger-type tests above and the "
        "state-space VAR use every observed period instead, so the question is still answered."
    )


# --------------------------------------------------------------------------
# Key findings: what a report shows first
# --------------------------------------------------------------------------


def key_findings(items: Iterable[str]) -> str:
    """The ``## Key findings`` list of a report, as Markdown (the heading is the notebook's
    Markdown cell above it).

    Parameters
    ----------
    items : iterable of str
        1 to :data:`KEY_FINDINGS_MAX_ITEMS` plain-text sentences built from the report's
        results (Markdown emphasis allowed), each shorter than
        :data:`KEY_FINDING_MAX_CHARS` characters. Text from data is escaped here.

    Raises
    ------
    ValueError
        When there is no item, more than five, an empty one or one too long (the
        message quotes its start and length).
    """
    items = [str(item).strip() for item in items]
    if not 1 <= len(items) <= KEY_FINDINGS_MAX_ITEMS:
        raise ValueError(f"key findings: expected 1 to {KEY_FINDINGS_MAX_ITEMS} items, got {len(items)}")
    for number, item in enumerate(items, start=1):
        if not item:
            raise ValueError(f"key findings: item {number} is empty")
        if "\n" in item:
            raise ValueError(f"key findings: item {number} spans several lines")
        if len(item) >= KEY_FINDING_MAX_CHARS:
            raise ValueError(
                f"key findings: item {number} has {len(item)} characters, the limit "
                f"is {KEY_FINDING_MAX_CHARS - 1}: {item[:60]!r}"
            )
    return "\n".join(f"- {_escape(item)}" for item in items)


def fit_list(names: Iterable[str], budget: int, noun: str = "more") -> str:
    """Names joined with ``"; "`` within ``budget`` characters; the rest are counted,
    never cut: ``"a; b and 3 more"``."""
    names = list(names)
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        tail = f" and {rest} {noun}" if rest else ""
        if shown and len("; ".join(shown + [name]) + tail) > budget:
            break
        shown.append(name)
    left = len(names) - len(shown)
    return "; ".join(shown) + (f" and {left} {noun}" if left else "")


def overview_findings(events, figures, claim_table, series: Iterable[RegularSeries], sum_checks) -> list[str]:
    """Key findings of the data overview (notebook 01), from its tables.

    Parameters
    ----------
    events, figures : pandas.DataFrame
        Canonical tables.
    claim_table : pandas.DataFrame
        Output of :func:`analysis.claims.check_claims`.
    series : iterable of RegularSeries
        The chosen monitor's series drawn in the report.
    sum_checks : pandas.DataFrame
        Output of :func:`analysis.consistency.monthly_sum_checks`.
    """
    from analysis import consistency
    from analysis.series import FREQUENCIES

    by_category = events["category"].value_counts()
    cats = ", ".join(f"{by_category.get(c, 0)} {c}" for c in ("engagement", "security", "policy"))
    items = [
        f"The engagement log lists {words.plural(len(events), 'dated event')} from "
        f"{events['date_start'].min():%B %Y} to {events['date_start'].max():%B %Y} ({cats}), "
        "each quoting a public page; it is a floor on what happened, not a census."
    ]
    series = [one for one in series if one.n_periods]
    if series:
        unit = FREQUENCIES[series[0].frequency]
        parts = [
            f"{one.measure.replace('_', ' ')} in {one.n_observed} of "
            f"{words.plural(one.n_periods, unit)} ({one.values.index[0]} to {one.values.index[-1]})"
            for one in series
        ]
        listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        items.append(
            f"{series[0].source} published {unit}ly figures for {listed}; a {unit} "
            "without a figure is missing, not zero."
        )
    counts = consistency.summary_counts(sum_checks)
    if counts["total"]:
        items.append(
            f"Of {words.plural(counts['complete'], 'published multi-month total')} whose "
            f"months are all published, {counts['equal']} equal the sum of their months and "
            f"{counts['differ']} differ; {counts['incomplete']} more lack a month, so no sum "
            "is given."
        )
    numeric = claim_table.loc[claim_table["can_check"] != "qualitative"]
    checkable = numeric["can_check"].value_counts()
    items.append(
        f"Of the article's {words.plural(len(numeric), 'numeric claim')}, "
        f"{checkable.get('yes', 0) or 'none'} can be checked in full against the public record, "
        f"{checkable.get('partly', 0)} only partly and {checkable.get('no', 0)} not at all: "
        "an itemised official record of the aggregates it quotes would make them checkable."
    )
    return items


def _short_p(row) -> str:
    return f"{words.p_text(row['p_value'])}, N = {words.plural(int(row['n']), 'month')}"


def engagement_findings(
    primary: Mapping,
    cross_border: Mapping,
    state_space: Mapping,
    refusals: Mapping,
    *,
    engagement_label: str,
    violence_words: str,
) -> list[str]:
    """Key findings of the engagement report (notebook 03), from its results.

    Parameters
    ----------
    primary : mapping
        ``"table"`` (:func:`analysis.relations.granger_both_ways`), ``"power"``
        (:func:`analysis.countlag.primary_power`) and ``"robustness"``
        (:func:`analysis.countlag.robustness_table`), any of them absent when refused.
    cross_border : mapping
        ``"table"`` and ``"power"`` for the cross-border outcome, when estimated.
    state_space : mapping
        ``"granger"`` and ``"cumulator"`` (:mod:`analysis.statespace`), when estimated.
    refusals : mapping of analysis name to InsufficientData
    engagement_label, violence_words : str
        Names of the primary series as they appear in the tables.
    """
    from analysis.countlag import DIRECTIONS, effect_words

    items = []
    if "table" in primary:
        table = primary["table"]
        forward = table[table["cause"] == engagement_label].iloc[0]
        backward = table[table["cause"] != engagement_label].iloc[0]
        hits = table[table["q_value"] <= 0.05]
        if hits.empty:
            items.append(
                f"Neither moves first: the pre-specified test finds no evidence that {engagement_label} "
                f"precedes {violence_words} ({_short_p(forward)}) or the reverse "
                f"({_short_p(backward)})."
            )
        else:
            items.append(
                "; ".join(
                    f"{row['cause']} moves before {row['effect']} ({_short_p(row)}, "
                    f"{words.p_text(row['q_value'], 'q')})"
                    for _, row in hits.iterrows()
                )
                + " in the pre-specified test: prediction, not proof of cause."
            )
        power = primary.get("power")
        if power is not None and len(power):
            one = power.set_index("direction").loc[DIRECTIONS[0]]
            items.append(
                f"Its power: it detects {effect_words(DIRECTIONS[0], one['effect'], violence_words=violence_words)} "
                f"in {one['power']:.0%} of simulated series shaped like these; smaller effects can go unseen."
            )
    elif "primary" in refusals:
        items.append(
            f"The pre-specified test is not estimable: {refusals['primary'].reason}; it needs "
            f"{refusals['primary'].required} months with the month before observed."
        )
    if "table" in cross_border:
        table = cross_border["table"]
        hits = table[table["q_value"] <= 0.05]
        verdict = (
            "no evidence either way once both directions are counted"
            if hits.empty
            else "evidence that " + " and ".join(f"{r['cause']} moves first" for _, r in hits.iterrows())
        )
        tests = "; ".join(
            ("diplomacy" if r.cause == engagement_label else "cross-border violence")
            + f" first: {words.p_text(r.p_value)}, {words.p_text(r.q_value, 'q')}"
            for r in table.itertuples()
        )
        items.append(
            f"Cross-border violence (border clashes and airstrikes): {verdict} "
            f"({tests}; N = {words.plural(int(table['n'].max()), 'month')})."
        )
    if "granger" in state_space:
        agree = (
            set(state_space["granger"].loc[state_space["granger"]["q_value"] <= 0.05, "cause"])
            == set(primary["table"].loc[primary["table"]["q_value"] <= 0.05, "cause"])
            if "table" in primary
            else None
        )
        totals = state_space.get("cumulator")
        same_with_totals = (
            totals is not None
            and totals["totals"].nunique() == 2
            and len(
                {
                    frozenset(rows.loc[rows["q_value"] <= 0.05, "cause"])
                    for _, rows in totals.groupby("totals")
                }
            )
            == 1
        )
        items.append(
            (
                "A VAR on every observed month (Kalman filter) gives the same answer"
                if agree
                else "A VAR on every observed month (Kalman filter) gives a different answer"
            )
            + (
                ", also when the monitor's published totals inform the missing months."
                if same_with_totals
                else "."
            )
        )
    elif "state_space" in refusals:
        items.append(f"The state-space VAR is not estimable: {refusals['state_space'].reason}.")
    return items[:5]


def trends_findings(violence: RegularSeries, results: Mapping, refusals: Mapping) -> list[str]:
    """Key findings of the violence-trends report (notebook 02), from its results."""
    items = [
        f"{violence.label}: {violence.n_observed} of {words.plural(violence.n_periods, 'month')} have a "
        "published figure; the others are missing, never filled."
    ]
    if "count_model" in results:
        model = results["count_model"]
        level = model.term("level_change")
        items.append(
            f"At the August 2021 break the level changed by a factor of {level['irr']:.2f} "
            f"({words.ci_text(level['ci_low'], level['ci_high'])}, "
            f"{words.p_text(level['p_value'])}, N = {words.plural(model.n, 'month')})."
        )
        slope = model.term("slope_change")
        items.append(
            f"After the break the monthly rate changed by a further factor of {slope['irr']:.3f} a month "
            f"({words.ci_text(slope['ci_low'], slope['ci_high'], digits=3)})."
        )
    elif "count_model" in refusals:
        items.append(f"The count model is not estimable: {refusals['count_model'].reason}.")
    if "trend" in results:
        trend = results["trend"]
        items.append(
            f"Over {trend.first_period} to {trend.last_period} the Theil–Sen trend is {trend.slope:+.2f} a "
            f"month ({words.ci_text(trend.slope_ci_low, trend.slope_ci_high)}; "
            f"Mann–Kendall {words.p_text(trend.mk_p_value)}, N = {trend.n})."
        )
    if "break_coding" in results:
        items.append(
            "The size of the level change depends on whether August 2021 counts as before or after "
            "the break; both codings are in Table 2b."
        )
    return items[:5]


def validation_findings(table) -> list[str]:
    """Key findings of the method-validation report (notebook 05; SIMULATED DATA)."""
    items = [
        "SIMULATED DATA: every result in this report comes from computer-generated series shaped like "
        "the bundled data, with a known answer."
    ]
    primary = table[table["test"].str.startswith("Primary Granger test")]
    for _, row in primary.iterrows():
        direction = row["test"].split("), ")[-1]
        items.append(
            f"Primary test, {direction}: false positives in {row['size']:.1%} of runs with no relation "
            f"(target 5%); 80% power at an effect of {row['mde_80']:.2f} (N = {int(row['n'])})."
        )
    over = table[table["size"] > 0.10]
    items.append(
        f"{words.plural(len(table) - len(over), 'test')} of {len(table)} hold their size at or below 10% "
        "at this shape"
        + ("." if over.empty else "; " + ", ".join(over["test"]) + " are shown as exploratory only.")
    )
    return items[:5]
