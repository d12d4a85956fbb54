"""Where violence happens and who claims it: region and actor breakdown rows.

Some reports split a monitor's figures by province or by the group that
claimed the attacks. Such rows use ``region`` (anything other than the
national ``Pakistan``) or ``actor`` (non-empty). The article speaks of
attacks "launched from across the Afghan border", a scope no monitor
publishes; the closest public proxies are

* violence in the **border regions**: Khyber Pakhtunkhwa, the merged tribal
  districts (ex-FATA) and Balochistan (:data:`BORDER_REGIONS`);
* violence claimed by **Afghanistan-based groups**: the Tehreek-e-Taliban
  Pakistan (TTP) and its affiliates (:data:`AFGHANISTAN_BASED_GROUPS`).

Neither is the article's scope: the border regions also see attacks by
Baloch separatists, and a group's claim says nothing about where an attack
was planned. ``region`` and ``actor`` are free text in the data, so they are
recognised here by patterns; the spellings data/README.md recommends are
matched, and so are common variants.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from analysis import words
from analysis.periods import period_label

NATIONAL_REGION = "Pakistan"

#: Canonical border region → lower-case regular expressions that recognise it.
#: Checked in order: a region naming Khyber Pakhtunkhwa is that province even
#: if it also mentions the merged districts.
BORDER_REGIONS: dict[str, tuple[str, ...]] = {
    "Khyber Pakhtunkhwa": (r"khyber[\s-]*pakh?tunkhwa", r"\bkpk?\b", r"\bk-p\b"),
    "merged tribal districts": (r"\bfata\b", r"merged", r"tribal"),
    "Balochistan": (r"balo?u?chistan",),
    "Pakistan-Afghanistan border": (r"pakistan[\s-]*afghanistan[\s-]*border", r"cross[\s-]*border"),
}

#: The TTP and groups reported as its affiliates or factions, based in
#: Afghanistan according to UN monitoring reports (lower-case patterns).
AFGHANISTAN_BASED_GROUPS: tuple[str, ...] = (
    r"\bttp\b",
    r"tehr[ie]e?k[\s-]*[ei]?[\s-]*taliban",
    r"pakistani taliban",
    r"jamaa?t[\s-]*ul[\s-]*ahrar",
    r"gul bahadur",
    r"lashkar[\s-]*e[\s-]*islam",
    r"ittehad[\s-]*ul[\s-]*mujahideen",
    r"tehr[ie]e?k[\s-]*e[\s-]*jihad",
    r"\btjp\b",
)

PROXY_BORDER = "border regions"
PROXY_GROUPS = "Afghanistan-based groups"


def border_region(region: str) -> str | None:
    """Canonical border region named by ``region``, or ``None``.

    >>> border_region("Khyber Pakhtunkhwa")
    'Khyber Pakhtunkhwa'
    >>> border_region("ex-FATA")
    'merged tribal districts'
    >>> border_region("Punjab") is None
    True
    """
    text = str(region or "").strip().lower()
    if not text or text == NATIONAL_REGION.lower():
        return None
    for name, patterns in BORDER_REGIONS.items():
        if any(re.search(p, text) for p in patterns):
            return name
    return None


#: Actor labels marking a group's own claims rather than a monitor's count.
OWN_CLAIMS = r"own claims?"


def is_afghanistan_based_group(actor: str) -> bool:
    """True if ``actor`` names the TTP or one of its affiliates in a monitor's count.

    A group's own claims (actor label containing "own claims") are not a
    monitor's count and are never used as a proxy.
    """
    text = str(actor or "").strip().lower()
    if not text or re.search(OWN_CLAIMS, text):
        return False
    return any(re.search(p, text) for p in AFGHANISTAN_BASED_GROUPS)


def breakdown_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """Rows that are not national all-actor figures, with their proxy class.

    Parameters
    ----------
    figures : pandas.DataFrame
        Canonical violence-figures table.

    Returns
    -------
    pandas.DataFrame
        The breakdown rows with extra columns ``period`` (label),
        ``border_region`` (canonical name or ``""``), ``afghanistan_based``
        (bool) and ``proxy``: ``border regions`` for a border region with
        all actors, ``Afghanistan-based groups`` for such a group
        nationally, ``""`` otherwise (other regions, other groups, and rows
        split by region *and* actor, which are shown but not used as proxies).
    """
    mask = (figures["region"] != NATIONAL_REGION) | (figures["actor"] != "")
    rows = figures.loc[mask].copy()
    rows["period"] = [
        period_label(s, e, g)
        for s, e, g in zip(rows["period_start"], rows["period_end"], rows["granularity"])
    ]
    rows["border_region"] = rows["region"].map(lambda r: border_region(r) or "")
    rows["afghanistan_based"] = rows["actor"].map(is_afghanistan_based_group).astype(bool)
    national = rows["region"] == NATIONAL_REGION
    all_actors = rows["actor"] == ""
    rows["proxy"] = ""
    rows.loc[(rows["border_region"] != "") & all_actors, "proxy"] = PROXY_BORDER
    rows.loc[rows["afghanistan_based"] & national, "proxy"] = PROXY_GROUPS
    return rows


def breakdown_overview(figures: pd.DataFrame) -> pd.DataFrame:
    """What breakdown rows exist: one line per source, region, actor, measure and granularity.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_org, region, actor, proxy, measure, granularity,
        rows, periods`` (periods as labels, in time order); empty if the
        table has no breakdown rows.
    """
    rows = breakdown_rows(figures)
    columns = ["source_org", "region", "actor", "proxy", "measure", "granularity", "rows", "periods"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = []
    keys = ["source_org", "region", "actor", "proxy", "measure", "granularity"]
    for key, group in rows.sort_values("period_start").groupby(keys, sort=True):
        labels = list(dict.fromkeys(group["period"]))
        out.append(dict(zip(keys, key), rows=len(group), periods=", ".join(labels)))
    return pd.DataFrame(out, columns=columns)


def breakdown_values(figures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Published values of one measure by region or actor (rows) and period (columns).

    Where a source published two values for the same cell, both are shown
    (``"12 / 13"``), never averaged. Empty cells are periods without a figure.

    Parameters
    ----------
    figures : pandas.DataFrame
    measure : str

    Returns
    -------
    pandas.DataFrame
        Index ``(source_org, region, actor)``; one column per period label,
        in time order; text cells.
    """
    rows = breakdown_rows(figures)
    rows = rows.loc[rows["measure"] == measure].sort_values(["period_start", "period_end"])
    if rows.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(rows["period"]))
    actor = rows["actor"].replace("", "all")
    table = (
        rows.assign(actor=actor)
        .groupby(["source_org", "region", "actor", "period"])["value"]
        .agg(lambda v: " / ".join(f"{x:,}" for x in dict.fromkeys(v)))
        .unstack("period")
    )
    return table.reindex(columns=order).fillna("")


def breakdown_sentence(figures: pd.DataFrame) -> str:
    """Markdown sentences on the breakdown rows present (or their absence); names
    taken from the data are HTML-escaped."""
    rows = breakdown_rows(figures)
    if rows.empty:
        return (
            "The dataset holds no figures broken down by region or by claiming group yet: "
            "every row is a national total for all actors. The border-region and "
            "Afghanistan-based-group proxies for the article's cross-border claims therefore "
            "cannot be shown."
        )
    n_border = int((rows["proxy"] == PROXY_BORDER).sum())
    n_groups = int((rows["proxy"] == PROXY_GROUPS).sum())
    regions = sorted(set(rows.loc[rows["region"] != NATIONAL_REGION, "region"]))
    actors = sorted(set(rows.loc[rows["actor"] != "", "actor"]))
    text = (
        f"The dataset holds {words.plural(len(rows), 'figure')} broken down by region or claiming group, from "
        f"{words.plural(rows['source_org'].nunique(), 'source')}: {n_border} for a border region "
        f"(Khyber Pakhtunkhwa, the merged tribal districts, Balochistan) and {n_groups} for "
        "Afghanistan-based groups (the TTP and its affiliates)."
    )
    if regions:
        text += " Regions: " + ", ".join(regions) + "."
    if actors:
        text += " Groups: " + ", ".join(actors) + "."
    return html.escape(text, quote=False)
