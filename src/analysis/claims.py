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

from dataclasses import dataclass, field

import pandas as pd

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


@dataclass(frozen=True)
class FigureRule:
    """Compare with monitors' published annual totals of one measure."""

    measures: tuple[str, ...]
    can_check: str
    why: str


@dataclass(frozen=True)
class NoRecordRule:
    """No public record to compare with."""

    can_check: str
    why: str


CLAIM_RULES: dict[str, EventRule | FigureRule | NoRecordRule] = {
    "flag_meetings": EventRule(
        ("flag_meeting",), "no",
        "Flag meetings are rarely reported one by one; the log holds only those the press "
        "named, so a smaller count does not refute the claim."),
    "jcc_meetings": EventRule(
        ("jcc_meeting",), "no",
        "Only JCC rounds that the press dated are in the log; undated rounds cannot be placed "
        "in time."),
    "diplomatic_protests": EventRule(
        ("protest_or_demarche",), "no",
        "The log lists protests and summons made public by Pakistan; no itemised record of "
        "the claimed total exists.", initiators=("Pakistan",)),
    "isi_memorandums": NoRecordRule(
        "no", "No public record of ISI memorandums was found; the claim is an aggregate that "
              "only another official statement could confirm."),
    "demarches": EventRule(
        ("protest_or_demarche",), "no",
        "Same events as the protests row: public demarches and summons by Pakistan. The claimed "
        "total is not itemised anywhere public.", initiators=("Pakistan",)),
    "china_mediation": EventRule(
        ("mediated_talks", "trilateral_meeting"), "partly",
        "Chinese-hosted trilateral and mediated meetings are reported individually, so the log "
        "can show whether 'at least three' is plausible; informal interventions may be missing.",
        party="China"),
    "fm_visits_kabul": EventRule(
        ("ministerial_visit",), "partly",
        "Ministerial visits to Kabul are reported individually; the list below includes "
        "visits by ministers other than the foreign minister, so read the descriptions.",
        initiators=("Pakistan",), location="Kabul"),
    "cross_border_attacks": FigureRule(
        ("attacks",), "partly",
        "Monitors publish national totals of militant attacks, not attacks 'launched from "
        "across the Afghan border'. National totals bound the claim from above; the "
        "cross-border share is not public."),
    "pakistanis_killed": FigureRule(
        ("fatalities",), "partly",
        "Monitors publish deaths in militant attacks nationally, by their own definitions "
        "(PICSS's sometimes include militants). The cross-border share is not public."),
}

QUALITATIVE_WHY = ("A qualitative claim about engagement and violence over time; notebook 03 "
                   "examines how the two series move together.")


def _window(claim: pd.Series, end: str) -> tuple[pd.Period, pd.Period]:
    start = pd.Period(claim["period_start"], freq="M")
    stop = pd.Period(end if claim["period_end"] == "publication" else claim["period_end"], freq="M")
    return start, stop


def _event_evidence(rule: EventRule, events: pd.DataFrame, start: pd.Period,
                    stop: pd.Period) -> tuple[int, str]:
    chosen = filter_events(events, event_types=list(rule.event_types))
    months = chosen["date_start"].dt.to_period("M")
    chosen = chosen.loc[(months >= start) & (months <= stop)]
    if rule.initiators:
        chosen = chosen.loc[chosen["initiator"].isin(rule.initiators)]
    if rule.party:
        named = (chosen["initiator"].str.contains(rule.party, regex=False)
                 | chosen["third_party"].str.contains(rule.party, regex=False))
        chosen = chosen.loc[named]
    if rule.location:
        chosen = chosen.loc[chosen["location"].str.contains(rule.location, regex=False)]
    n = len(chosen)
    kinds = " or ".join(t.replace("_", " ") for t in rule.event_types)
    text = f"{n} individually reported {kinds} event(s)"
    if rule.initiators:
        text += f" initiated by {', '.join(rule.initiators)}"
    if rule.party:
        text += f" involving {rule.party}"
    if rule.location:
        text += f" in {rule.location}"
    if 0 < n <= 10:
        dates = [d.strftime("%Y-%m-%d") if p == "day" else d.strftime("%Y-%m")
                 for d, p in zip(chosen["date_start"], chosen["date_precision"])]
        text += ": " + ", ".join(dates)
    return n, text


def _figure_evidence(rule: FigureRule, figures: pd.DataFrame, start: pd.Period,
                     stop: pd.Period) -> tuple[None, str]:
    annual = figures.loc[(figures["granularity"] == "year") & figures["measure"].isin(rule.measures)
                         & (figures["region"] == "Pakistan") & (figures["actor"] == "")]
    years = annual["period_start"].dt.year
    first_year = start.year if start.month == 1 else start.year + 1
    last_year = stop.year if stop.month == 12 else stop.year - 1
    annual = annual.loc[(years >= first_year) & (years <= last_year)]
    parts = []
    for org, rows in annual.groupby("source_org", sort=True):
        first_per_year = rows.drop_duplicates("period_start", keep="first").sort_values("period_start")
        listed = "; ".join(f"{t.year}: {v:,}" for t, v in
                           zip(first_per_year["period_start"], first_per_year["value"]))
        total = int(first_per_year["value"].sum())
        n_years = len(first_per_year)
        parts.append(f"{org} national {'/'.join(rule.measures)}, {n_years} full year(s) "
                     f"({listed}); sum {total:,}")
    if not parts:
        return None, (f"no published annual {'/'.join(rule.measures)} totals for the full years "
                      f"{first_year}–{last_year}")
    return None, " | ".join(parts)


def check_claims(claims: pd.DataFrame, events: pd.DataFrame, figures: pd.DataFrame,
                 publication: str = "2025-08") -> pd.DataFrame:
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
        rows.append({
            "claim_id": claim.claim_id,
            "claim": text,
            "window": f"{start} to {stop}",
            "dataset_holds": holds,
            "events_in_log": n,
            "can_check": rule.can_check if rule else "qualitative",
            "why": rule.why if rule else QUALITATIVE_WHY,
        })
    table = pd.DataFrame(rows)
    table["events_in_log"] = table["events_in_log"].astype("Int64")
    return table
