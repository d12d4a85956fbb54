"""The article's claims beside what the dataset holds for the same window.

Each claim in ``article_claims.csv`` is matched by a rule in
:data:`CLAIM_RULES` to the evidence the dataset can offer: a count of
individually reported events of the matching type, a monitor's published
annual totals, or nothing. The rule also says whether the public record can
check the claim, and why. The comparison never turns a missing record into a
zero: a count of press-reported events is a floor on what happened, not a
refutation of a larger official count.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import pandas as pd

from analysis import words
from analysis.periods import compact_months, is_whole_months, month_range, period_label
from analysis.series import filter_events


@dataclass(frozen=True)
class EventRule:
    """Compare with a count of logged events.

    Attributes
    ----------
    event_types : tuple of str
    initiators : tuple of str, optional
        Initiator side labels to keep (``None``: any).
    party : str, optional
        Keep events whose initiator or third party names this party.
    location : str, optional
        Keep events whose location contains this text.
    can_check : {"yes", "partly", "no"}
    why : str
    """

    event_types: tuple[str, ...]
    can_check: str
    why: str
    initiators: tuple[str, ...] | None = None
    party: str | None = None
    location: str | None = None
    #: Regular expression searched in the initiator part of ``description``
    #: (``[initiator: …;``), e.g. the foreign minister among ministers.
    initiator_detail: str | None = None
    #: Keep only events whose first-named third party (or initiator) is ``party``.
    party_leads: bool = False
    #: Official aggregates compared with the claim: types (default: ``event_types``)
    #: and words one of which the aggregate's ``scope_note`` or quote must contain.
    aggregate_types: tuple[str, ...] | None = None
    aggregate_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureRule:
    """Compare with monitors' published annual totals of one measure."""

    measures: tuple[str, ...]
    can_check: str
    why: str
    #: Show border-region and Afghanistan-based-group totals as proxies.
    proxies: bool = True


@dataclass(frozen=True)
class NoRecordRule:
    """No itemised public record to compare with (official aggregates may exist)."""

    can_check: str
    why: str
    aggregate_types: tuple[str, ...] = ()
    aggregate_keywords: tuple[str, ...] = ()


CLAIM_RULES: dict[str, EventRule | FigureRule | NoRecordRule] = {
    "flag_meetings": EventRule(
        ("flag_meeting",),
        "no",
        "Flag meetings are rarely reported one by one; the log holds only those the press "
        "named, so a smaller count does not refute the claim.",
    ),
    "jcc_meetings": EventRule(
        ("jcc_meeting",),
        "no",
        "Only JCC rounds that the press dated are in the log; undated rounds cannot be placed in time.",
    ),
    "diplomatic_protests": EventRule(
        ("protest_or_demarche",),
        "no",
        "The log lists protests and summons made public by Pakistan; no itemised record of "
        "the claimed total exists.",
        initiators=("Pakistan",),
        aggregate_keywords=("protest",),
    ),
    "isi_memorandums": NoRecordRule(
        "no",
        "No public record of ISI memorandums was found; the claim is an aggregate that "
        "only another official statement could confirm.",
        aggregate_types=("other",),
        aggregate_keywords=("memorand",),
    ),
    "demarches": EventRule(
        ("protest_or_demarche",),
        "no",
        "Same events as the protests row: public demarches and summons by Pakistan. The claimed "
        "total is not itemised anywhere public.",
        initiators=("Pakistan",),
        aggregate_keywords=("demarche", "démarche"),
    ),
    "china_mediation": EventRule(
        ("mediated_talks", "trilateral_meeting"),
        "partly",
        "Chinese-hosted trilateral and mediated meetings are reported individually, so the log "
        "can show whether 'at least three' is plausible; informal interventions may be missing, "
        "and a trilateral meeting is not always mediation: read the dates and descriptions.",
        party="China",
        party_leads=True,
    ),
    "fm_visits_kabul": EventRule(
        ("ministerial_visit",),
        "partly",
        "Ministerial visits to Kabul are reported individually; visits led by the foreign "
        "minister are picked out by the initiator named in each event's description.",
        initiators=("Pakistan",),
        location="Kabul",
        initiator_detail=r"\b(FM|Foreign Minister)\b",
    ),
    "cross_border_attacks": FigureRule(
        ("attacks",),
        "partly",
        "Monitors publish national totals of militant attacks, not attacks 'launched from "
        "across the Afghan border'. National totals bound the claim from above; the "
        "cross-border share is not public.",
    ),
    "pakistanis_killed": FigureRule(
        ("fatalities",),
        "partly",
        "Monitors publish deaths in militant attacks nationally, by their own definitions "
        "(PICSS's sometimes include militants). The cross-border share is not public.",
    ),
}

QUALITATIVE_WHY = (
    "A qualitative claim about engagement and violence over time; notebook 03 "
    "examines how the two series move together."
)


def _window(claim: pd.Series, end: str) -> tuple[pd.Period, pd.Period]:
    start = pd.Period(claim["period_start"], freq="M")
    stop = pd.Period(end if claim["period_end"] == "publication" else claim["period_end"], freq="M")
    return start, stop


def _initiator_text(description: str) -> str:
    """The ``[initiator: …`` part of a description, up to the first ``;`` or ``]``."""
    match = re.search(r"\[initiator:([^;\]]*)", str(description))
    return match.group(1) if match else ""


def _apply_event_filters(rule: EventRule, chosen: pd.DataFrame) -> pd.DataFrame:
    """Events of ``chosen`` passing the rule's party, location and initiator filters."""
    if rule.party:
        if rule.party_leads:
            named = chosen["initiator"].str.startswith(rule.party) | chosen[
                "third_party"
            ].str.strip().str.startswith(rule.party)
        else:
            named = chosen["initiator"].str.contains(rule.party, regex=False) | chosen[
                "third_party"
            ].str.contains(rule.party, regex=False)
        chosen = chosen.loc[named.astype(bool)]
    if rule.location:
        chosen = chosen.loc[chosen["location"].str.contains(rule.location, regex=False)]
    if rule.initiator_detail:
        detail = chosen["description"].map(
            lambda d: bool(re.search(rule.initiator_detail, _initiator_text(d)))
        )
        chosen = chosen.loc[detail.astype(bool)]
    return chosen


def _event_evidence(
    rule: EventRule, events: pd.DataFrame, start: pd.Period, stop: pd.Period
) -> tuple[int, str]:
    chosen = filter_events(events, event_types=list(rule.event_types))
    months = chosen["date_start"].dt.to_period("M")
    chosen = chosen.loc[(months >= start) & (months <= stop)]
    if rule.initiators:
        chosen = chosen.loc[chosen["initiator"].isin(rule.initiators)]
    chosen = _apply_event_filters(rule, chosen)
    n = len(chosen)
    kinds = " or ".join(t.replace("_", " ") for t in rule.event_types)
    text = words.plural(n, f"individually reported {kinds} event")
    if rule.initiators:
        text += f" initiated by {', '.join(rule.initiators)}"
    if rule.party:
        text += f" involving {rule.party}"
    if rule.location:
        text += f" in {rule.location}"
    if 0 < n <= 10:
        dates = [
            d.strftime("%Y-%m-%d") if p == "day" else d.strftime("%Y-%m")
            for d, p in zip(chosen["date_start"], chosen["date_precision"])
        ]
        text += ": " + ", ".join(dates)
    return n, text


def _figure_evidence(
    rule: FigureRule, figures: pd.DataFrame, start: pd.Period, stop: pd.Period
) -> tuple[None, str]:
    annual = figures.loc[
        (figures["granularity"] == "year")
        & figures["measure"].isin(rule.measures)
        & (figures["region"] == "Pakistan")
        & (figures["actor"] == "")
    ]
    years = annual["period_start"].dt.year
    first_year = start.year if start.month == 1 else start.year + 1
    last_year = stop.year if stop.month == 12 else stop.year - 1
    annual = annual.loc[(years >= first_year) & (years <= last_year)]
    parts = []
    for org, rows in annual.groupby("source_org", sort=True):
        first_per_year = rows.drop_duplicates("period_start", keep="first").sort_values("period_start")
        listed = "; ".join(
            f"{t.year}: {v:,}" for t, v in zip(first_per_year["period_start"], first_per_year["value"])
        )
        total = int(first_per_year["value"].sum())
        n_years = len(first_per_year)
        parts.append(
            f"{org} national {'/'.join(rule.measures)}, {words.plural(n_years, 'full year')} "
            f"({listed}); sum {total:,}"
        )
    if not parts:
        return None, (
            f"no published annual {'/'.join(rule.measures)} totals for the full years "
            f"{first_year}–{last_year}"
        )
    return None, " | ".join(parts)


def check_claims(
    claims: pd.DataFrame, events: pd.DataFrame, figures: pd.DataFrame, publication: str = "2025-08"
) -> pd.DataFrame:
    """Put each claim beside what the dataset holds for the same window.

    Parameters
    ----------
    claims : pandas.DataFrame
        Canonical article-claims table.
    events, figures : pandas.DataFrame
        Canonical engagement and violence tables.
    publication : str
        Month used for the claims' open end ("publication"); the article
        gives no date, only that it was written about four years after
        August 2021.

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id, claim, window, dataset_holds, events_in_log,
        can_check, why``.
    """
    rows = []
    for claim in claims.itertuples(index=False):
        claim_s = pd.Series(claim._asdict())
        start, stop = _window(claim_s, publication)
        if pd.isna(claim.value):
            text = f"{claim.quantity} (qualitative)"
        else:
            text = f"{claim.qualifier} {int(claim.value):,} {claim.quantity}"
        rule = CLAIM_RULES.get(claim.claim_id)
        n: int | None = None
        if isinstance(rule, EventRule):
            n, holds = _event_evidence(rule, events, start, stop)
        elif isinstance(rule, FigureRule):
            n, holds = _figure_evidence(rule, figures, start, stop)
        elif isinstance(rule, NoRecordRule):
            holds = "nothing: no public record"
        else:
            holds = "see notebook 03"
        rows.append(
            {
                "claim_id": claim.claim_id,
                "claim": text,
                "window": f"{start} to {stop}",
                "dataset_holds": holds,
                "events_in_log": n,
                "can_check": rule.can_check if rule else "qualitative",
                "why": rule.why if rule else QUALITATIVE_WHY,
            }
        )
    table = pd.DataFrame(rows)
    table["events_in_log"] = table["events_in_log"].astype("Int64")
    return table


# ==========================================================================
# Verdicts: what each public source says for the claim's window, and whether
# it confirms, contradicts or merely bounds the claim.
# ==========================================================================

#: The four verdicts, from most to least decided.
VERDICTS: tuple[str, ...] = (
    "consistent",
    "inconsistent",
    "partly checkable",
    "not checkable with public data",
)

#: Relative tolerance of "around"/"about": ``around v`` means ``v`` ± 10 %.
AROUND_TOLERANCE = 0.10

_QUALIFIER_KIND = {
    "exactly": "exactly",
    "more than": "over",
    "over": "over",
    "around": "about",
    "about": "about",
    "at least": "at_least",
    "at_least": "at_least",
    "up to": "up_to",
    "up_to": "up_to",
}


@dataclass(frozen=True)
class TrendRule:
    """A qualitative claim about violence over the window, checked on annual totals.

    Attributes
    ----------
    measure : str
        Measure of the monitors' national annual totals used.
    test : {"not_stopped", "not_fallen"}
        ``not_stopped``: every full year in the window has a total above
        zero. ``not_fallen``: the last full year's total is at least the
        first's (needs two full years).
    part_only : bool
        The numbers check only part of the claim (e.g. not its causal
        "despite engagement"): a passing test gives "partly checkable".
    why : str
    """

    measure: str
    test: str
    part_only: bool
    why: str


TREND_RULES: dict[str, TrendRule] = {
    "engagement_without_effect": TrendRule(
        "attacks",
        "not_fallen",
        True,
        "The numbers can show whether militant attacks fell over the window; whether engagement "
        "had any effect on them is a question of timing and direction that notebook 03 "
        "examines, not something annual totals can settle.",
    ),
    "violence_not_stopped": TrendRule(
        "attacks",
        "not_stopped",
        False,
        "The claim that violence has not stopped is checked on the monitors' annual attack "
        "totals; the link to Kabul's promises is not a number and is not assessed.",
    ),
}


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for one claim, with its arithmetic.

    Attributes
    ----------
    source : str
        Who published it (a monitor, "engagement log", or an official source).
    what : str
        What is counted, over which period.
    arithmetic : str
        The numbers, e.g. ``"2021: 294 + 2022: 380 = 674"``.
    kind : {"ceiling", "floor", "direct", "proxy", "trend", "context"}
        How the evidence relates to the claimed quantity: ``ceiling`` bounds
        it from above (a wider scope), ``floor`` from below (part of it),
        ``direct`` measures the same thing, ``proxy`` is the closest public
        stand-in, ``trend`` tests a qualitative claim, ``context`` is shown but
        not compared.
    value : float or None
        The number compared with the claim (total, count, or bound).
    complete : bool
        False when some months of the window are unpublished: ``value`` is
        then only the sum of the published parts.
    outcome : {"confirms", "contradicts", "compatible", "undetermined"}
    informative : bool
        Whether a ``compatible`` outcome says something (e.g. a national total
        above the claim) or nothing (a handful of press-reported events against
        an official count in the hundreds).
    note : str
        Why the outcome is what it is.
    """

    source: str
    what: str
    arithmetic: str
    kind: str
    value: float | None
    complete: bool
    outcome: str
    informative: bool
    note: str = ""


@dataclass(frozen=True)
class ClaimCheck:
    """A claim, its window, the evidence and the verdict."""

    claim_id: str
    quote: str
    claim: str
    value: int | None
    qualifier: str
    start: pd.Period
    stop: pd.Period
    evidence: tuple[Evidence, ...]
    verdict: str
    reason: str
    open_end: bool = True

    @property
    def window(self) -> str:
        """``"2021-08 to 2025-08"``."""
        return f"{self.start} to {self.stop}"


# --------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------


def quantity_interval(
    value: float, qualifier: str, tolerance: float = AROUND_TOLERANCE
) -> tuple[float, float]:
    """The range of counts a worded number allows.

    ``exactly v`` → [v, v]; ``more than``/``over v`` → [v + 1, ∞);
    ``at least v`` → [v, ∞); ``around``/``about v`` → [v(1 − t), v(1 + t)];
    ``up to v`` → [0, v].

    Raises
    ------
    ValueError
        On an unknown qualifier.
    """
    kind = _QUALIFIER_KIND.get(str(qualifier).strip().lower())
    if kind is None:
        raise ValueError(f"unknown qualifier {qualifier!r}; expected one of {sorted(_QUALIFIER_KIND)}")
    v = float(value)
    return {
        "exactly": (v, v),
        "over": (v + 1, math.inf),
        "at_least": (v, math.inf),
        "about": (v * (1 - tolerance), v * (1 + tolerance)),
        "up_to": (0.0, v),
    }[kind]


def compare_intervals(claim: tuple[float, float], evidence: tuple[float, float]) -> str:
    """``contradicts`` if the two ranges do not meet, ``confirms`` if the evidence's
    range lies inside the claim's, ``compatible`` otherwise."""
    (c_lo, c_hi), (e_lo, e_hi) = claim, evidence
    if e_hi < c_lo or e_lo > c_hi:
        return "contradicts"
    if e_lo >= c_lo and e_hi <= c_hi:
        return "confirms"
    return "compatible"


def combine_verdict(evidence: list[Evidence]) -> tuple[str, str]:
    """Verdict from the evidence outcomes, with the rule that decided it.

    * any ``confirms`` and no ``contradicts`` → **consistent**;
    * any ``contradicts``, and nothing that confirms or informatively fits →
      **inconsistent**;
    * otherwise, evidence that contradicts beside evidence that fits, or
      only informative ``compatible`` evidence (e.g. a national total above a
      claim about part of it) → **partly checkable**;
    * nothing informative → **not checkable with public data** (the reason
      says whether months are missing, only a weak floor exists, or nothing).
    """
    confirms = [e for e in evidence if e.outcome == "confirms"]
    contradicts = [e for e in evidence if e.outcome == "contradicts"]
    fits = [e for e in evidence if e.outcome == "compatible" and e.informative]
    if confirms and not contradicts:
        return "consistent", "confirmed by " + _sources(confirms)
    if contradicts and not confirms and not fits:
        return "inconsistent", "contradicted by " + _sources(contradicts)
    if contradicts:
        return "partly checkable", (
            "the sources disagree: contradicted by "
            + _sources(contradicts)
            + ", compatible with "
            + _sources(confirms + fits)
        )
    if fits:
        return "partly checkable", "bounded but not settled by " + _sources(fits)
    partial = [e for e in evidence if e.outcome == "undetermined" and not e.complete and e.value]
    floors = [e for e in evidence if e.outcome == "compatible" and not e.informative]
    if partial:
        return "not checkable with public data", (
            "the published figures leave months of the window missing and their sum stays below "
            "the claimed value, so they neither bound nor contradict it (" + _sources(partial) + ")"
        )
    if floors:
        return "not checkable with public data", (
            "the only evidence is a count of individually reported events, a floor far from a "
            "complete record (" + _sources(floors) + ")"
        )
    return "not checkable with public data", "no public source in the dataset covers it"


def _sources(items: list[Evidence]) -> str:
    return ", ".join(dict.fromkeys(f"{e.source} ({e.what})" for e in items))


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    if math.isinf(x):
        return "∞"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


# --------------------------------------------------------------------------
# Window totals from published figures
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowTotal:
    """Published figures of one series tiling a window of months.

    Attributes
    ----------
    pieces : list of (label, value, others)
        Each published figure used, with other values published for the same
        period (not used, shown).
    missing : list of pandas.Period
        Months no used figure covers.
    """

    pieces: list
    missing: list

    @property
    def total(self) -> int:
        return int(sum(value for _, value, _ in self.pieces))

    @property
    def complete(self) -> bool:
        return not self.missing and bool(self.pieces)

    def arithmetic(self, with_missing: bool = True) -> str:
        """``"2021: 294 + 2022: 380 = 674"``, naming other published values and (unless
        ``with_missing`` is false) the missing months."""
        if not self.pieces:
            return "no published figure for any part of the window"
        terms = []
        for label, value, others in self.pieces:
            term = f"{label}: {value:,}"
            if others:
                term += " (also published: " + ", ".join(f"{o:,}" for o in others) + ")"
            terms.append(term)
        text = " + ".join(terms) + f" = {self.total:,}"
        if self.missing and with_missing:
            text += (
                f"; months missing: {compact_months(self.missing)}, so {self.total:,} is only "
                "the sum of the published parts"
            )
        return text


def window_total(rows: pd.DataFrame, start: pd.Period, stop: pd.Period) -> WindowTotal:
    """Tile the months ``start``..``stop`` with one series' published figures.

    The longest published periods lying wholly inside the window are taken
    first (years, then halves, quarters and spans by length, then months),
    never overlapping; where one period has several rows the first in table
    order is used. Months no figure covers are listed, never filled.

    Parameters
    ----------
    rows : pandas.DataFrame
        Canonical violence rows of **one** source, measure, region and actor.
    start, stop : pandas.Period
        Monthly periods.

    Returns
    -------
    WindowTotal
    """
    months = list(month_range(start, stop))
    remaining = set(months)
    candidates = []
    for (p_start, p_end), group in rows.groupby(["period_start", "period_end"], sort=False):
        if not is_whole_months(pd.Timestamp(p_start), pd.Timestamp(p_end)):
            continue
        covered = list(month_range(p_start, p_end))
        if not covered or covered[0] < start or covered[-1] > stop:
            continue
        first = group.iloc[0]
        others = [int(v) for v in dict.fromkeys(group["value"]) if int(v) != int(first["value"])]
        label = period_label(p_start, p_end, first["granularity"])
        candidates.append((len(covered), covered[0], label, int(first["value"]), others, covered))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    pieces = []
    for _, first_month, label, value, others, covered in candidates:
        if set(covered) <= remaining:
            pieces.append((first_month, label, value, others))
            remaining -= set(covered)
    pieces.sort(key=lambda p: p[0])
    return WindowTotal(
        pieces=[(label, value, others) for _, label, value, others in pieces], missing=sorted(remaining)
    )


def _ceiling_evidence(
    source: str, what: str, total: WindowTotal, claim: tuple[float, float], kind: str = "ceiling"
) -> Evidence:
    """A total over a scope that contains the claim's scope bounds it from above."""
    if total.complete:
        outcome = compare_intervals(claim, (0.0, float(total.total)))
        if kind == "proxy":
            outcome = "compatible" if outcome != "contradicts" else "undetermined"
        note = (
            f"the claimed {_fmt(claim[0])} or more is within this total"
            if outcome == "compatible"
            else f"the claim needs at least {_fmt(claim[0])}, above this total"
        )
        if kind == "proxy" and outcome == "undetermined":
            note += "; a proxy cannot refute the claim, but it does not support it"
        return Evidence(
            source,
            what,
            total.arithmetic(),
            kind,
            float(total.total),
            True,
            outcome,
            outcome == "compatible",
            note,
        )
    if total.pieces and total.total >= claim[0]:
        return Evidence(
            source,
            what,
            total.arithmetic(),
            kind,
            float(total.total),
            False,
            "compatible",
            True,
            f"even the published parts ({total.total:,}) reach the claimed value, so the full total does too",
        )
    return Evidence(
        source,
        what,
        total.arithmetic(),
        kind,
        float(total.total) if total.pieces else None,
        False,
        "undetermined",
        False,
        "with months missing, the published parts neither reach nor bound the claim",
    )


def _figure_rule_evidence(
    rule: FigureRule, figures: pd.DataFrame, start: pd.Period, stop: pd.Period, claim: tuple[float, float]
) -> list[Evidence]:
    from analysis import breakdowns

    evidence = []
    national = figures.loc[(figures["region"] == "Pakistan") & (figures["actor"] == "")]
    for measure in rule.measures:
        chosen = national.loc[national["measure"] == measure]
        for org, rows in chosen.groupby("source_org", sort=True):
            total = window_total(rows, start, stop)
            if not total.pieces:
                continue
            what = f"national {measure.replace('_', ' ')}, {start} to {stop}"
            evidence.append(_ceiling_evidence(org, what, total, claim))
    if not rule.proxies:
        return evidence
    rows = breakdowns.breakdown_rows(figures)
    for proxy in (breakdowns.PROXY_BORDER, breakdowns.PROXY_GROUPS):
        subset = rows.loc[(rows["proxy"] == proxy) & rows["measure"].isin(rule.measures)]
        for (org, measure), group in subset.groupby(["source_org", "measure"], sort=True):
            column = "region" if proxy == breakdowns.PROXY_BORDER else "actor"
            parts = [(name, window_total(g, start, stop)) for name, g in group.groupby(column)]
            parts = [(name, t) for name, t in parts if t.pieces]
            if not parts:
                continue
            pieces = [(f"{name} [{t.arithmetic(with_missing=False)}]", t.total, []) for name, t in parts]
            combined = WindowTotal(pieces=pieces, missing=sorted({m for _, t in parts for m in t.missing}))
            what = f"{measure.replace('_', ' ')} in {proxy}, {start} to {stop}"
            if proxy == breakdowns.PROXY_GROUPS:
                what = f"{measure.replace('_', ' ')} claimed by {proxy}, {start} to {stop}"
            evidence.append(_ceiling_evidence(org, what, combined, claim, kind="proxy"))
    return evidence


# --------------------------------------------------------------------------
# Event-log counts and official aggregates
# --------------------------------------------------------------------------


def _log_evidence(
    rule: EventRule, events: pd.DataFrame, start: pd.Period, stop: pd.Period, claim: tuple[float, float]
) -> Evidence:
    n, text = _event_evidence(rule, events, start, stop)
    outcome = compare_intervals(claim, (float(n), math.inf))
    informative = rule.can_check in ("yes", "partly")
    if outcome == "contradicts":
        note = f"the log alone lists {n}, more than the claim allows; each logged event is individually cited"
    elif outcome == "confirms":
        note = f"the log alone lists {n}, which meets the claim"
    else:
        note = f"the log lists {n}, a floor: the claim is not refuted by a shorter list" + (
            ""
            if informative
            else ", and these events are rarely reported one by one, so the floor says little"
        )
    what = f"{' or '.join(t.replace('_', ' ') for t in rule.event_types)}, {start} to {stop}"
    return Evidence("engagement log", what, text, "floor", float(n), True, outcome, informative, note)


def matching_aggregates(
    aggregates: pd.DataFrame, types: tuple[str, ...], keywords: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Official aggregates of the given event types whose scope note or quote
    contains one of ``keywords`` (any, if none given)."""
    if aggregates is None or aggregates.empty or not types:
        return pd.DataFrame(columns=list(aggregates.columns) if aggregates is not None else [])
    chosen = aggregates.loc[aggregates["event_type"].isin(types)]
    if keywords:
        text = (chosen["scope_note"] + " " + chosen["source_quote"]).str.lower()
        hit = pd.Series(False, index=chosen.index)
        for word in keywords:
            hit |= text.str.contains(word.lower(), regex=False)
        chosen = chosen.loc[hit]
    return chosen


def _aggregate_evidence(
    row: pd.Series, start: pd.Period, stop: pd.Period, claim: tuple[float, float]
) -> Evidence:
    a_start = pd.Period(row["period_start"], freq="M")
    a_end = pd.Period(row["period_end"], freq="M")
    lo, hi = quantity_interval(row["value"], row["qualifier"].replace("_", " "))
    period = f"{row['period_start']:%Y-%m-%d} to {row['period_end']:%Y-%m-%d}"
    stated = f"{row['qualifier'].replace('_', ' ')} {int(row['value']):,}"
    what = f"{row['event_type'].replace('_', ' ')}, {period} ({row['aggregate_id']})"
    arithmetic = f"{stated}, i.e. {_fmt(lo)} to {_fmt(hi)}"
    if a_start == start and a_end == stop:
        kind, interval = "direct", (lo, hi)
        relation = "same window as the claim"
    elif a_start >= start and a_end <= stop:
        kind, interval = "floor", (lo, math.inf)
        relation = "a part of the claim's window, so a floor"
    elif a_start <= start and a_end >= stop:
        kind, interval = "ceiling", (0.0, hi)
        relation = "a period containing the claim's window, so a ceiling"
    else:
        return Evidence(
            f"{row['source_org']} (official aggregate)",
            what,
            arithmetic,
            "context",
            float(row["value"]),
            True,
            "undetermined",
            False,
            "its period overlaps the claim's window only in part; not compared",
        )
    outcome = compare_intervals(claim, interval)
    return Evidence(
        f"{row['source_org']} (official aggregate)",
        what,
        arithmetic,
        kind,
        float(row["value"]),
        True,
        outcome,
        True,
        relation,
    )


# --------------------------------------------------------------------------
# Trends (qualitative claims)
# --------------------------------------------------------------------------


def _trend_evidence(
    rule: TrendRule, figures: pd.DataFrame, start: pd.Period, stop: pd.Period
) -> list[Evidence]:
    annual = figures.loc[
        (figures["granularity"] == "year")
        & (figures["measure"] == rule.measure)
        & (figures["region"] == "Pakistan")
        & (figures["actor"] == "")
    ]
    first_year = start.year if start.month == 1 else start.year + 1
    last_year = stop.year if stop.month == 12 else stop.year - 1
    if annual.empty:
        return []
    years = pd.to_datetime(annual["period_start"]).dt.year
    annual = annual.loc[(years >= first_year) & (years <= last_year)]
    evidence = []
    for org, rows in annual.groupby("source_org", sort=True):
        per_year = rows.drop_duplicates("period_start", keep="first").sort_values("period_start")
        values = [(t.year, int(v)) for t, v in zip(per_year["period_start"], per_year["value"])]
        listed = ", ".join(f"{y}: {v:,}" for y, v in values)
        what = f"national {rule.measure.replace('_', ' ')} per full year, {first_year}–{last_year}"
        if rule.test == "not_stopped":
            ok = all(v > 0 for _, v in values)
            note = "every full year has attacks" if ok else "a full year with no attacks: violence did stop"
        else:
            if len(values) < 2:
                evidence.append(
                    Evidence(
                        org,
                        what,
                        listed,
                        "trend",
                        None,
                        False,
                        "undetermined",
                        False,
                        "fewer than two full years: no trend",
                    )
                )
                continue
            (y0, v0), (y1, v1) = values[0], values[-1]
            ok = v1 >= v0
            note = f"{y1} ({v1:,}) is {'not below' if ok else 'below'} {y0} ({v0:,})"
        evidence.append(
            Evidence(
                org,
                what,
                listed,
                "trend",
                float(values[-1][1]),
                True,
                "confirms" if ok else "contradicts",
                True,
                note,
            )
        )
    return evidence


# --------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------


def _claim_text(claim) -> str:
    if pd.isna(claim.value):
        return f"{claim.quantity} (qualitative)"
    return f"{claim.qualifier} {int(claim.value):,} {claim.quantity}"


def check_claim(
    claim: pd.Series,
    events: pd.DataFrame,
    figures: pd.DataFrame,
    aggregates: pd.DataFrame | None,
    publication: str = "2025-08",
) -> ClaimCheck:
    """Gather the evidence for one claim and compute its verdict.

    Parameters
    ----------
    claim : pandas.Series
        One row of the canonical article-claims table.
    events, figures : pandas.DataFrame
        Canonical engagement and violence tables.
    aggregates : pandas.DataFrame or None
        Canonical engagement-aggregates table (may be empty).
    publication : str
        Month taken as the article's open end ("publication").

    Returns
    -------
    ClaimCheck
    """
    start, stop = _window(claim, publication)
    evidence: list[Evidence] = []
    rule = CLAIM_RULES.get(claim["claim_id"])
    trend = TREND_RULES.get(claim["claim_id"])
    why = rule.why if rule else (trend.why if trend else QUALITATIVE_WHY)
    if trend is not None:
        evidence = _trend_evidence(trend, figures, start, stop)
        verdict, decided = combine_verdict(evidence)
        if trend.part_only and verdict == "consistent":
            verdict, decided = "partly checkable", decided + ", for the part numbers can check"
    elif rule is None or pd.isna(claim["value"]):
        verdict, decided = "not checkable with public data", "no rule links this claim to the dataset"
    else:
        interval = quantity_interval(claim["value"], claim["qualifier"])
        if isinstance(rule, EventRule):
            evidence.append(_log_evidence(rule, events, start, stop, interval))
            types = rule.aggregate_types or rule.event_types
            keywords = rule.aggregate_keywords
        elif isinstance(rule, FigureRule):
            evidence += _figure_rule_evidence(rule, figures, start, stop, interval)
            types, keywords = (), ()
        else:
            types, keywords = rule.aggregate_types, rule.aggregate_keywords
        for _, row in matching_aggregates(aggregates, tuple(types), tuple(keywords)).iterrows():
            evidence.append(_aggregate_evidence(row, start, stop, interval))
        verdict, decided = combine_verdict(evidence)
    reason = f"{decided[0].upper()}{decided[1:]}. {why}"
    return ClaimCheck(
        claim_id=claim["claim_id"],
        quote=claim["quote"],
        claim=_claim_text(claim),
        value=None if pd.isna(claim["value"]) else int(claim["value"]),
        qualifier=claim["qualifier"],
        start=start,
        stop=stop,
        evidence=tuple(evidence),
        verdict=verdict,
        reason=reason,
        open_end=claim["period_end"] == "publication",
    )


def check_all(
    claims: pd.DataFrame,
    events: pd.DataFrame,
    figures: pd.DataFrame,
    aggregates: pd.DataFrame | None = None,
    publication: str = "2025-08",
) -> list[ClaimCheck]:
    """:func:`check_claim` for every claim, in table order."""
    if publication and not re.match(r"^\d{4}-\d{2}$", str(publication)):
        raise ValueError(f"publication must be a month written YYYY-MM; got {publication!r}")
    return [check_claim(row, events, figures, aggregates, publication) for _, row in claims.iterrows()]


def verdict_table(checks: list[ClaimCheck]) -> pd.DataFrame:
    """One row per claim: ``claim, window, verdict, reason``, indexed by ``claim_id``."""
    table = pd.DataFrame(
        [
            {
                "claim_id": c.claim_id,
                "claim": c.claim,
                "window": c.window,
                "evidence items": len(c.evidence),
                "verdict": c.verdict,
                "reason": c.reason,
            }
            for c in checks
        ]
    )
    return table.set_index("claim_id") if len(table) else table


def evidence_table(checks: list[ClaimCheck]) -> pd.DataFrame:
    """Every evidence item of every claim, one row each (for export and tests)."""
    rows = [
        {
            "claim_id": c.claim_id,
            "source": e.source,
            "what": e.what,
            "kind": e.kind,
            "value": e.value,
            "complete": e.complete,
            "outcome": e.outcome,
            "informative": e.informative,
            "arithmetic": e.arithmetic,
            "note": e.note,
        }
        for c in checks
        for e in c.evidence
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Markdown (text from data is HTML-escaped)
# --------------------------------------------------------------------------


def _esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def claim_markdown(check: ClaimCheck, number: int, publication: str) -> str:
    """The section of the claims report for one claim."""
    window = f"**Window:** {check.window}"
    if check.open_end:
        window += f' (the article\'s undated "publication" is taken as {_esc(publication)})'
    lines = [f"### {number}. {_esc(check.claim)}", "", f"> {_esc(check.quote)}", "", window + ".", ""]
    sources = [e for e in check.evidence if "official aggregate" not in e.source]
    official = [e for e in check.evidence if "official aggregate" in e.source]
    lines.append("**What the public sources in the dataset say for this window:**")
    lines.append("")
    if sources:
        for e in sources:
            lines.append(
                f"- *{_esc(e.source)}*, {_esc(e.what)} ({e.kind}): {_esc(e.arithmetic)}. "
                f"→ {e.outcome}: {_esc(e.note)}."
            )
    else:
        lines.append("- Nothing: no monitor or logged event series covers this claim.")
    lines += ["", "**Official aggregates** (`engagement_aggregates.csv`):", ""]
    if official:
        for e in official:
            lines.append(
                f"- *{_esc(e.source)}*, {_esc(e.what)}: {_esc(e.arithmetic)}. → {e.outcome}: {_esc(e.note)}."
            )
    else:
        lines.append("- None recorded for this kind of count.")
    lines += ["", f"**Verdict: {check.verdict}.** {_esc(check.reason)}"]
    return "\n".join(lines)


def verdicts_summary_markdown(checks: list[ClaimCheck], publication: str) -> str:
    """The report's summary: counts by verdict and one line per claim."""
    counts = pd.Series([c.verdict for c in checks]).value_counts()
    parts = [f"{int(counts.get(v, 0))} {v}" for v in VERDICTS if counts.get(v, 0)]
    lines = [
        f"- The article makes {words.plural(len(checks), 'claim')} checked here (its undated publication "
        f"taken as {_esc(publication)}). Verdicts: " + ", ".join(parts) + "."
    ]
    for c in checks:
        lines.append(f"- *{_esc(c.claim)}* ({c.window}): **{c.verdict}**.")
    lines.append(
        "- Verdicts are computed from the rows of the dataset by fixed rules (below); "
        "a count of press-reported events is a floor, a national total only a ceiling "
        "for the article's cross-border scope, which no monitor publishes."
    )
    return "\n".join(lines)


#: What would settle a claim, by the reason it could not be checked.
_WHAT_WOULD_SETTLE = (
    ("months of the window missing", "the monitors' figures for the missing months"),
    ("count of individually reported events", "an itemised official record or count for the window"),
    ("no public source", "a public source that covers them"),
)


def key_findings(checks: list[ClaimCheck], publication: str, budget: int = 290) -> list[str]:
    """The claims check's key findings (plain text, at most five, each within ``budget``
    characters): the verdict counts, then one item per verdict that occurs, naming its
    claims; the not-checkable item says what would settle them.

    Parameters
    ----------
    checks : list of ClaimCheck
        Output of :func:`check_all`.
    publication : str
        The month taken as the article's publication.
    budget : int
        Longest item, in characters.
    """
    from analysis import summary

    if not checks:
        raise ValueError("checks: no claims to summarise")
    by_verdict = {v: [c for c in checks if c.verdict == v] for v in VERDICTS}
    counts = ", ".join(f"{len(by_verdict[v])} {v}" for v in VERDICTS)
    items = [
        f"Verdicts on the article's {words.plural(len(checks), 'claim')} (publication taken "
        f"as {publication}), each against every public source for its window: {counts}."
    ]
    lead = {
        "consistent": "Consistent with the public record",
        "inconsistent": "Contradicted by the public record",
        "partly checkable": "Bounded but not settled by the public record",
        "not checkable with public data": "Not checkable with public data",
    }
    for verdict in VERDICTS:
        chosen = by_verdict[verdict]
        if not chosen:
            continue
        ending = "."
        if verdict == "not checkable with public data":
            needs = [need for key, need in _WHAT_WOULD_SETTLE if any(key in c.reason for c in chosen)] or [
                "a public source that covers them"
            ]
            ending = "; " + " or ".join(dict.fromkeys(needs)) + " would settle them."
        start = f"{lead[verdict]} ({len(chosen)}): "
        room = budget - len(start) - len(ending)
        items.append(start + summary.fit_list((c.claim for c in chosen), room, "more") + ending)
    return items
