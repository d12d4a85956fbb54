#!/usr/bin/env python3
"""One-off conversion of the shared reference facts into the project's canonical tables.

Inputs (read-only):  /work/shared/reference/
    violence_figures_press.csv  (178 rows, wide: one row per published figure set)
    engagement_events.csv       (151 rows)
    article_claims.csv          (11 claims)
Outputs:             data/reference/violence_figures.csv   (long: one measure per row)
                     data/reference/engagement_events.csv
                     data/reference/article_claims.csv
                     data/README.md                        (data dictionary; coverage,
                                                            disagreements and exclusions
                                                            are computed here from the output)

Rules applied (research integrity):
  * numbers, dates, URLs and quotes are copied, never changed, interpolated or invented;
  * a violence row whose source_quote is empty is left out entirely (listed in the README);
  * a measure is only emitted if the row's own quote supports it: every value is
    checked to occur in its quote (digits, with or without thousands separators, or
    spelled out), and a few values whose category the quote does not name are
    excluded by hand (EXCLUDE below, with the reason);
  * the input column `fatalities` is mapped to `fatalities` (killed in militant attacks)
    or `combat_deaths` (attacks + security-force operations, militants included) row by
    row from the scope note and quote (COMBAT_DEATH_ROWS below);
  * disagreeing figures are all kept.

HISTORICAL RECORD, DO NOT RE-RUN. This script made the first version of the
tables (2026-11-26) and is kept so the conversion rules can be audited. The CSVs
in data/reference/ are now the source and data/README.md has been edited since;
re-running would overwrite both. It needs the team's shared compilation, which is
not in this repository, and refuses to run without --overwrite.

Standard library only.
"""

import calendar
import collections
import csv
import datetime as dt
import os
import re
import sys

SRC = "/work/shared/reference"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "reference")
README = os.path.join(ROOT, "data", "README.md")

ORGS = ("PICSS", "PIPS", "CRSS", "SATP")
MEASURES = ("attacks", "incidents", "fatalities", "combat_deaths", "injured",
            "civilians_killed", "security_forces_killed", "militants_killed")
GRANULARITIES = ("day", "month", "quarter", "half", "year", "span")

VIOLENCE_COLS = ["figure_id", "source_org", "period_start", "period_end", "granularity",
                 "region", "actor", "measure", "value", "scope_note", "source_url",
                 "source_quote", "basis"]
EVENT_COLS = ["event_id", "date_start", "date_end", "date_precision", "event_type",
              "category", "initiator", "counterpart", "third_party", "location",
              "description", "source_url", "source_quote", "date_note"]
CLAIM_COLS = ["claim_id", "quantity", "value", "qualifier", "period_start", "period_end",
              "category", "quote", "source_url"]

EVENT_TYPES = ("ministerial_visit", "special_envoy_visit", "jcc_meeting", "trilateral_meeting",
               "other_bilateral_meeting", "mediated_talks", "phone_call", "protest_or_demarche",
               "flag_meeting", "border_closure", "border_reopening", "agreement", "ceasefire",
               "border_clash", "airstrike", "trade_suspension", "refugee_policy")
CATEGORIES = ("engagement", "security", "policy")

# Published article: searched for (see README); not found, so left empty. Never guessed.
ARTICLE_URL = ""

# --------------------------------------------------------------------------------------
# Per-row decisions for the violence table. Keys are 0-based data-row indices of
# violence_figures_press.csv, each paired with (source_org, period) and asserted on load,
# so a changed input file fails loudly instead of silently mis-mapping.
# --------------------------------------------------------------------------------------

# input `fatalities` that are combined attack + security-operation deaths, militants included
COMBAT_DEATH_ROWS = {
    0: ("CRSS", "2020"), 1: ("CRSS", "2020-Q3"), 3: ("CRSS", "2021"), 4: ("CRSS", "2021-Q1"),
    6: ("CRSS", "2022-Q1"), 8: ("CRSS", "2023"), 9: ("CRSS", "2023-01..2023-09"),
    12: ("CRSS", "2023-Q3"), 14: ("CRSS", "2024-01..2024-09"), 16: ("CRSS", "2024-Q1"),
    17: ("CRSS", "2024-Q2"), 18: ("CRSS", "2024-Q3"), 19: ("CRSS", "2024-Q4"),
    20: ("CRSS", "2025"), 21: ("CRSS", "2025-01..2025-09"), 22: ("CRSS", "2025-Q1"),
    23: ("CRSS", "2025-Q2"), 25: ("CRSS", "2025-Q3"),
    27: ("PICSS", "2020"),            # 429 killed in all 333 incidents incl. 165 militants
    94: ("PICSS", "2024"), 95: ("PICSS", "2024"),          # 1950 combat-related deaths
    117: ("PICSS", "2025"), 118: ("PICSS", "2025"), 119: ("PICSS", "2025"),
    125: ("PICSS", "2025-03"),        # 335 = militant violence + security operations
    128: ("PICSS", "2025-04"),        # 287 = militant violence + security operations
    145: ("PICSS", "2026-01..2026-02"), 146: ("PICSS", "2026-02"), 147: ("PICSS", "2026-02"),
}

# input `injured` that covers attacks and security operations together
INJURED_COMBINED_ROWS = {
    1: ("CRSS", "2020-Q3"), 3: ("CRSS", "2021"), 4: ("CRSS", "2021-Q1"), 6: ("CRSS", "2022-Q1"),
    8: ("CRSS", "2023"), 12: ("CRSS", "2023-Q3"), 16: ("CRSS", "2024-Q1"), 17: ("CRSS", "2024-Q2"),
    18: ("CRSS", "2024-Q3"), 22: ("CRSS", "2025-Q1"), 23: ("CRSS", "2025-Q2"),
    25: ("CRSS", "2025-Q3"),
    27: ("PICSS", "2020"), 125: ("PICSS", "2025-03"), 128: ("PICSS", "2025-04"),
    146: ("PICSS", "2026-02"), 147: ("PICSS", "2026-02"),
}

# militants_killed_in_sf_ops -> militants_killed; "ops" = killed in security-force
# operations, "all" = all militants killed in the period (attacks and operations)
MILITANT_SCOPE = {
    0: ("CRSS", "2020", "all"), 3: ("CRSS", "2021", "ops"), 8: ("CRSS", "2023", "ops"),
    12: ("CRSS", "2023-Q3", "ops"), 23: ("CRSS", "2025-Q2", "all"),
    24: ("CRSS", "2025-Q2", "all"), 25: ("CRSS", "2025-Q3", "all"),
    34: ("PICSS", "2021", "ops"), 55: ("PICSS", "2022-04", "ops"), 62: ("PICSS", "2022-10", "ops"),
    63: ("PICSS", "2022-11", "ops"), 68: ("PICSS", "2023", "ops"), 70: ("PICSS", "2023-01", "ops"),
    73: ("PICSS", "2023-02", "ops"), 74: ("PICSS", "2023-02", "ops"),
    77: ("PICSS", "2023-03", "ops"), 78: ("PICSS", "2023-04", "ops"),
    79: ("PICSS", "2023-04", "ops"), 80: ("PICSS", "2023-05", "ops"),
    81: ("PICSS", "2023-05", "ops"), 83: ("PICSS", "2023-07", "ops"),
    85: ("PICSS", "2023-08", "ops"), 87: ("PICSS", "2023-09", "ops"),
    89: ("PICSS", "2023-11", "ops"), 91: ("PICSS", "2023-H1", "ops"),
    93: ("PICSS", "2024", "ops"), 105: ("PICSS", "2024-05", "ops"),
    107: ("PICSS", "2024-06", "ops"), 108: ("PICSS", "2024-07", "ops"),
    109: ("PICSS", "2024-07", "ops"), 111: ("PICSS", "2024-08", "ops"),
    113: ("PICSS", "2024-11", "ops"), 114: ("PICSS", "2024-11", "all"),
    118: ("PICSS", "2025", "all"), 119: ("PICSS", "2025", "all"),
    121: ("PICSS", "2025-01", "ops"), 122: ("PICSS", "2025-02", "ops"),
    123: ("PICSS", "2025-02", "ops"), 126: ("PICSS", "2025-03", "ops"),
    128: ("PICSS", "2025-04", "ops"), 130: ("PICSS", "2025-05", "ops"),
    134: ("PICSS", "2025-08", "ops"), 141: ("PICSS", "2025-11", "ops"), 144: ("PICSS", "2026-01", "ops"),
    145: ("PICSS", "2026-01..2026-02", "all"), 146: ("PICSS", "2026-02", "all"),
    147: ("PICSS", "2026-02", "all"),
    152: ("PIPS", "2020-05", "ops"), 159: ("PIPS", "2024-08", "ops"),
}

# what the security_forces_killed / civilians_killed figures of a row cover
VICTIM_SCOPE_TEXT = {
    "attacks": "killed in militant attacks",
    "combined": "combined total across militant attacks and security-force operations",
    "crss": "CRSS category total across terror attacks and counter-terror operations",
    "satp": "SATP count as summarised by the press (second-hand)",
}
VICTIM_SCOPE = {}
for _i, _o, _p in [(0, "CRSS", "2020"), (1, "CRSS", "2020-Q3"), (24, "CRSS", "2025-Q2"),
                   (25, "CRSS", "2025-Q3")]:
    VICTIM_SCOPE[_i] = (_o, _p, "crss")
for _i, _p in [(31, "2020-05"), (32, "2020-06"), (33, "2020-06"), (34, "2021"), (39, "2021-09"),
               (40, "2021-10"), (42, "2021-11"), (43, "2021-12"), (47, "2022-01"),
               (49, "2022-01..2022-10"), (55, "2022-04"), (57, "2022-06"), (58, "2022-06"),
               (59, "2022-07"), (61, "2022-09"), (62, "2022-10"), (63, "2022-11"),
               (73, "2023-02"), (74, "2023-02"), (80, "2023-05"), (81, "2023-05"),
               (83, "2023-07"), (87, "2023-09"), (89, "2023-11"), (93, "2024"), (97, "2024-01"),
               (105, "2024-05"), (106, "2024-06"), (107, "2024-06"), (111, "2024-08"),
               (113, "2024-11"), (114, "2024-11"), (121, "2025-01"), (122, "2025-02"),
               (123, "2025-02"), (126, "2025-03"), (130, "2025-05"), (134, "2025-08"),
               (136, "2025-09"),
               (137, "2025-09"), (139, "2025-10"), (141, "2025-11")]:
    VICTIM_SCOPE[_i] = ("PICSS", _p, "attacks")
for _i, _p in [(27, "2020"), (95, "2024"), (117, "2025"), (118, "2025"), (119, "2025"),
               (128, "2025-04"), (144, "2026-01"), (145, "2026-01..2026-02"),
               (146, "2026-02"), (147, "2026-02")]:
    VICTIM_SCOPE[_i] = ("PICSS", _p, "combined")
for _i, _p in [(150, "2020-02"), (153, "2021"), (160, "2024-09"), (161, "2024-10"),
               (163, "2025")]:
    VICTIM_SCOPE[_i] = ("PIPS", _p, "attacks")
for _i, _p in [(167, "2024-01..2024-11"), (177, "2024-11")]:
    VICTIM_SCOPE[_i] = ("SATP", _p, "satp")

# measures left out although the wide row has a number: the quote does not support it
EXCLUDE = {
    (63, "militants_killed"): ("PICSS", "2022-11",
        "34 militants killed in SF operations is in the scope_note only; the quote's only "
        "'34' is the number of attacks"),
    (95, "civilians_killed"): ("PICSS", "2024",
        "the quote fragment 'rose by 24 per cent to 580 in 2025, compared to 468 last year' "
        "does not name the category (civilians per scope_note; the same page's quote in the "
        "other 2025 row names '580 civilians'); extend the quote to include it"),
    (128, "security_forces_killed"): ("PICSS", "2025-04",
        "the quote ends 'with 30 and 32 fatalities, respectively' without saying which "
        "category is which"),
    (128, "civilians_killed"): ("PICSS", "2025-04",
        "the quote ends 'with 30 and 32 fatalities, respectively' without saying which "
        "category is which"),
    (163, "security_forces_killed"): ("PIPS", "2025",
        "the quote fragment '... with 437 lives lost ...' does not name the category "
        "(security forces per arithmetic 1034-354-243, but not stated)"),
}

# extra row-level remarks appended to scope_note (after the input scope_note)
EXTRA_NOTE = {
    35: ("PICSS", "2021-02", "attacks",
         "the February attack count is given as 'the same number' as March's 20"),
    176: ("SATP", "2024-10", "fatalities",
          "coded fatalities because the excerpt attributes the 100 fatalities to the 74 "
          "attacks; whether militants are included is not stated"),
}

# where a dropped (unquoted) row's figures already appear verbatim in another kept row's
# quote for a different period (found by reading the quotes; checked in validate())
DROPPED_LEADS = {
    65: ("PICSS", "2022-H1", "151 attacks, causing 293 deaths and 487 injuries",
         "the 2023-H1 row's Dawn quote (dawn.com/news/1762682) states the same figures"),
    13: ("CRSS", "2024", "2,546 deaths in total",
         "the 2025-01..2025-09 row's quote (thenews.com.pk/latest/1348090) states 2,546 for 2024"),
    112: ("PICSS", "2024-10", "compared to 68 in October",
          "the 2024-11 WION quote states 68 attacks in October (attacks only)"),
    127: ("PICSS", "2025-04", "up slightly from 81 in April",
          "the 2025-05 youdigital quote states 81 April attacks"),
}

# --------------------------------------------------------------------------------------
# Engagement side labels
# --------------------------------------------------------------------------------------
MUTUAL = "Pakistan and Afghanistan"
MUTUAL_INITIATORS = {
    "Pakistan and Afghanistan",
    "Pakistan and Afghanistan (mutual)",
    "Pakistan / Afghanistan",
    "Pakistan/Afghanistan border forces (clash)",
    "Pakistani and Afghan border forces",
    "Pakistani and Afghan border forces (armed clash)",
    "Pakistan-Afghan jirga",
    "Pakistan (Khawaja Asif) and Afghanistan (Mullah Yaqoob) - signatories",
    "Pakistani jirga (head Syed Jawad Hussain Kazmi) and Afghan jirga/Taliban representatives",
    "Afghan-side gunman / Afghan border forces; Pakistani forces",
    "Afghan border forces / Pakistani troops",
    "Afghan Taliban forces / Pakistani border guards",
    "Afghan Taliban forces / Pakistan Army",
    "Afghan Taliban forces / Pakistani forces (each blames the other)",
    "Afghan Taliban forces (heavy-weapons fire on Pakistani posts) / Pakistani security forces",
    "Afghanistan (Taliban forces; 'retaliation' for airstrikes) / Pakistan",
    "Afghanistan (Taliban retaliatory attacks on border posts) / Pakistan ('Operation Ghazab lil Haq')",
    # 2025-10-15 ceasefire: each side says the other asked for it
    "Pakistan MoFA announcement ('at the request of the Afghan Taliban regime'); Taliban say at Pakistan's request",
}
THIRD_COUNTRY_PREFIXES = [("Saudi Arabia and Qatar", "Saudi Arabia and Qatar"),
                          ("Saudi Arabia", "Saudi Arabia"), ("China", "China"),
                          ("Russia", "Russia"), ("Iran", "Iran"), ("Qatar", "Qatar"),
                          ("Turkiye", "Turkey"), ("Turkey", "Turkey"),
                          ("United States", "United States")]
COUNTERPART_OVERRIDES = {
    # Pakistan-TTP talks hosted and mediated by the Afghan Taliban government (2022-06-01);
    # TTP is not a state, the Afghan side is the host/mediator.
    "Tehreek-e-Taliban Pakistan (TTP)": "Afghanistan",
    # Tehran meeting 2025-12-14: the Taliban government declined to attend.
    "Pakistan (Special Rep. Mohammad Sadiq); Afghanistan (Taliban invited but declined)": "Pakistan",
    "Registered Afghan refugees (PoR card holders)": "Afghanistan",
    "Registered Afghan refugees (~1.45m PoR card holders)": "Afghanistan",
}
SIDE_LABELS = {"Pakistan", "Afghanistan", MUTUAL, "China", "Russia", "Iran", "Qatar", "Turkey",
               "Saudi Arabia", "Saudi Arabia and Qatar", "United States", "unknown", ""}


def side_initiator(text):
    t = text.strip()
    if t in MUTUAL_INITIATORS:
        return MUTUAL
    if t == "(not stated)" or not t:
        return "unknown"
    for prefix, label in THIRD_COUNTRY_PREFIXES:
        if t.startswith(prefix):
            return label
    if t.startswith("Pakistan"):
        return "Pakistan"
    if t.startswith("Afghan"):
        return "Afghanistan"
    raise ValueError("no side label for initiator %r" % text)


def side_counterpart(text):
    t = text.strip()
    if not t:
        return ""
    if t in COUNTERPART_OVERRIDES:
        return COUNTERPART_OVERRIDES[t]
    if t == "(not stated)":
        return "unknown"
    has_pk = re.search(r"(^|; )Pakistan \(", t) is not None or t.startswith("Pakistan")
    has_af = re.search(r"(^|; )Afghanistan \(", t) is not None or t.startswith("Afghan")
    if ";" in t and has_pk and has_af:
        return MUTUAL
    for prefix, label in THIRD_COUNTRY_PREFIXES:
        if t.startswith(prefix):
            return label
    if t.startswith("Pakistan"):
        return "Pakistan"
    if t.startswith("Afghan"):          # incl. "Afghan PoR card holders / Afghanistan"
        return "Afghanistan"
    raise ValueError("no side label for counterpart %r" % text)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def read_csv(name):
    with open(os.path.join(SRC, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, cols, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        for r in rows:
            w.writerow({c: r[c] for c in cols})


def last_day(y, m):
    return calendar.monthrange(y, m)[1]


def parse_period(period):
    """'2023-01' | '2024-Q3' | '2022-H1' | '2021' | '2025-01..2025-09' -> (start, end) ISO."""
    p = period.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})", p)
    if m:
        y1, m1, y2, m2 = map(int, m.groups())
        return dt.date(y1, m1, 1), dt.date(y2, m2, last_day(y2, m2))
    m = re.fullmatch(r"(\d{4})-(\d{2})", p)
    if m:
        y, mo = map(int, m.groups())
        return dt.date(y, mo, 1), dt.date(y, mo, last_day(y, mo))
    m = re.fullmatch(r"(\d{4})-Q([1-4])", p)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        m1, m2 = 3 * q - 2, 3 * q
        return dt.date(y, m1, 1), dt.date(y, m2, last_day(y, m2))
    m = re.fullmatch(r"(\d{4})-H([12])", p)
    if m:
        y, h = int(m.group(1)), int(m.group(2))
        m1, m2 = (1, 6) if h == 1 else (7, 12)
        return dt.date(y, m1, 1), dt.date(y, m2, last_day(y, m2))
    m = re.fullmatch(r"(\d{4})", p)
    if m:
        y = int(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    raise ValueError("unparseable period %r" % period)


def map_granularity(g, period):
    g = g.strip()
    if g in ("month", "month (partial)"):
        return "month"
    if g == "quarter":
        return "quarter"
    if g == "half-year":
        return "half"
    if g == "year":
        return "year"
    if re.fullmatch(r"\d+ months( \(partial\))?", g):
        if ".." not in period:
            raise ValueError("span granularity without a range: %r %r" % (g, period))
        return "span"
    raise ValueError("unknown granularity %r" % g)


_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
         80: "eighty", 90: "ninety"}


def number_words(n):
    if n < 20:
        return [_UNITS[n]]
    if n < 100:
        t, u = (n // 10) * 10, n % 10
        return [_TENS[t]] if u == 0 else [_TENS[t] + "-" + _UNITS[u], _TENS[t] + " " + _UNITS[u]]
    return []


def quote_supports(value, quote):
    """True if the integer occurs in the quote as digits (1,524 / 1524) or spelled out."""
    v = int(value)
    forms = {str(v), "{:,}".format(v)}
    for f in forms:
        if re.search(r"(?<![\d,.])" + re.escape(f) + r"(?![\d]|,\d)", quote):
            return True
    q = quote.lower()
    for w in number_words(v):
        if re.search(r"(?<![a-z-])" + re.escape(w) + r"(?![a-z-])", q):
            return True
    return False


def check_key(table, idx, row):
    exp = table[idx]
    if (row["source_org"], row["period"]) != (exp[0], exp[1]):
        raise SystemExit("input changed: row %d is %s %s, expected %s %s"
                         % (idx, row["source_org"], row["period"], exp[0], exp[1]))


def suffix(n):
    return "" if n == 0 else "-" + "abcdefghijklmnopqrstuvwxyz"[n]


# --------------------------------------------------------------------------------------
# violence figures
# --------------------------------------------------------------------------------------
def convert_violence():
    src = read_csv("violence_figures_press.csv")
    assert len(src) == 178, len(src)
    for table in (COMBAT_DEATH_ROWS, INJURED_COMBINED_ROWS, MILITANT_SCOPE, VICTIM_SCOPE,
                  EXTRA_NOTE, DROPPED_LEADS):
        for idx in table:
            check_key(table, idx, src[idx])
    for (idx, _m), exp in EXCLUDE.items():
        check_key({idx: exp}, idx, src[idx])

    out, dropped, excluded = [], [], []
    id_count = collections.Counter()
    numeric = ["attacks", "fatalities", "injured", "militants_killed_in_sf_ops",
               "security_forces_killed", "civilians_killed"]

    for idx, r in enumerate(src):
        org = r["source_org"].strip()
        assert org in ORGS, org
        if not r["source_quote"].strip():
            dropped.append((idx, r))
            continue
        start, end = parse_period(r["period"])
        gran = map_granularity(r["granularity"], r["period"])
        for col in numeric:
            raw = r[col].strip()
            if raw == "":
                continue
            if not re.fullmatch(r"\d+", raw):
                raise SystemExit("row %d %s: non-integer %r" % (idx, col, raw))
            notes = []
            if col == "attacks":
                measure = "attacks"
                if org == "SATP":
                    notes.append("coded attacks: SATP count of terrorism-linked incidents/"
                                 "attacks as summarised by the press (second-hand)")
            elif col == "fatalities":
                if idx in COMBAT_DEATH_ROWS:
                    measure = "combat_deaths"
                    notes.append("coded combat_deaths: deaths in militant attacks and "
                                 "security-force operations combined, militants included")
                else:
                    measure = "fatalities"
                    if org == "SATP" and idx != 176:
                        notes.append("coded fatalities: civilians and security personnel "
                                     "killed, militants not included")
            elif col == "injured":
                measure = "injured"
                if idx in INJURED_COMBINED_ROWS:
                    notes.append("injured in attacks and security-force operations combined")
            elif col == "militants_killed_in_sf_ops":
                measure = "militants_killed"
                if idx not in MILITANT_SCOPE:
                    raise SystemExit("row %d: militant scope not decided" % idx)
                scope = MILITANT_SCOPE[idx][2]
                notes.append("militants_killed = militants killed in security-force operations"
                             if scope == "ops" else
                             "militants_killed = all militants killed in the period "
                             "(attacks and operations)")
            else:
                measure = col
                if idx not in VICTIM_SCOPE:
                    raise SystemExit("row %d: victim scope not decided" % idx)
                notes.append(VICTIM_SCOPE_TEXT[VICTIM_SCOPE[idx][2]])
            if (idx, measure) in EXCLUDE:
                excluded.append((idx, r, measure, raw, EXCLUDE[(idx, measure)][2]))
                continue
            if not quote_supports(raw, r["source_quote"]):
                raise SystemExit("row %d %s=%s not found in its quote and not excluded"
                                 % (idx, col, raw))
            if idx in EXTRA_NOTE and EXTRA_NOTE[idx][2] == measure:
                notes.append(EXTRA_NOTE[idx][3])
            if "partial" in r["granularity"]:
                notes.append("partial month" if gran == "month"
                             else "partial period (last month incomplete)")
            scope_note = r["scope_note"]
            if notes:
                scope_note = (scope_note + "; " if scope_note.strip() else "") + "; ".join(notes)
            base = "%s-%s-%s" % (org, r["period"].strip(), measure)
            fid = base + suffix(id_count[base])
            id_count[base] += 1
            out.append({
                "figure_id": fid, "source_org": org,
                "period_start": start.isoformat(), "period_end": end.isoformat(),
                "granularity": gran, "region": "Pakistan", "actor": "", "measure": measure,
                "value": str(int(raw)), "scope_note": scope_note,
                "source_url": r["source_url"], "source_quote": r["source_quote"],
                "basis": "published", "_idx": idx, "_period": r["period"].strip(),
            })

    out.sort(key=lambda x: (x["source_org"], x["period_start"], x["granularity"], x["measure"],
                            x["period_end"], x["_idx"]))
    return src, out, dropped, excluded


# --------------------------------------------------------------------------------------
# engagement events
# --------------------------------------------------------------------------------------
def convert_events():
    src = read_csv("engagement_events.csv")
    assert len(src) == 151, len(src)
    out, dropped = [], []
    id_count = collections.Counter()
    for idx, r in enumerate(src):
        if not r["source_url"].strip() or not r["source_quote"].strip():
            dropped.append((idx, r))
            continue
        ds = r["date_start"].strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", ds):
            prec = "day"
        elif re.fullmatch(r"\d{4}-\d{2}", ds):
            prec = "month"
        else:
            raise SystemExit("event row %d: bad date_start %r" % (idx, ds))
        ini = side_initiator(r["initiator"])
        cp = side_counterpart(r["counterpart"])
        if ini == MUTUAL:
            cp = ""          # both sides are already in initiator
        desc = r["description"] + " [initiator: %s; counterpart: %s]" % (
            r["initiator"], r["counterpart"])
        base = "%s-%s" % (ds, r["event_type"])
        eid = base + suffix(id_count[base])
        id_count[base] += 1
        out.append({
            "event_id": eid, "date_start": r["date_start"], "date_end": r["date_end"],
            "date_precision": prec, "event_type": r["event_type"], "category": r["category"],
            "initiator": ini, "counterpart": cp, "third_party": r["third_party"],
            "location": r["location"], "description": desc, "source_url": r["source_url"],
            "source_quote": r["source_quote"], "date_note": r["date_note"], "_idx": idx,
        })
    out.sort(key=lambda x: (x["date_start"], x["event_id"]))
    return src, out, dropped


# --------------------------------------------------------------------------------------
# article claims
# --------------------------------------------------------------------------------------
def convert_claims():
    src = read_csv("article_claims.csv")
    out = []
    for r in src:
        row = {c: r[c] for c in CLAIM_COLS if c != "source_url"}
        row["source_url"] = ARTICLE_URL
        out.append(row)
    return src, out


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------
def parse_loose_date(s):
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return dt.date.fromisoformat(s)
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return dt.date.fromisoformat(s + "-01")
    raise ValueError(s)


def validate(vsrc, vout, esrc, eout, csrc, cout):
    errors = []
    ids = [r["figure_id"] for r in vout]
    if len(ids) != len(set(ids)):
        errors.append("duplicate figure_id")
    for r in vout:
        if not r["source_url"].strip() or not r["source_quote"].strip():
            errors.append("empty url/quote " + r["figure_id"])
        s, e = dt.date.fromisoformat(r["period_start"]), dt.date.fromisoformat(r["period_end"])
        if e < s:
            errors.append("period_end < period_start " + r["figure_id"])
        if r["measure"] not in MEASURES or r["granularity"] not in GRANULARITIES:
            errors.append("vocabulary " + r["figure_id"])
        if not re.fullmatch(r"\d+", r["value"]) or int(r["value"]) < 0:
            errors.append("value " + r["figure_id"])
        if r["basis"] != "published" or r["region"] != "Pakistan" or r["actor"] != "":
            errors.append("basis/region/actor " + r["figure_id"])
        srow = vsrc[r["_idx"]]
        if r["source_url"] != srow["source_url"] or r["source_quote"] != srow["source_quote"]:
            errors.append("url/quote not verbatim " + r["figure_id"])
        if not r["scope_note"].startswith(srow["scope_note"]):
            errors.append("scope_note not kept verbatim " + r["figure_id"])
        if r["measure"] == "fatalities" and "combat-related" in srow["scope_note"]:
            errors.append("combined figure under fatalities " + r["figure_id"])
    eids = [r["event_id"] for r in eout]
    if len(eids) != len(set(eids)):
        errors.append("duplicate event_id")
    for r in eout:
        srow = esrc[r["_idx"]]
        for c in ("date_start", "date_end", "event_type", "category", "third_party", "location",
                  "source_url", "source_quote", "date_note"):
            if r[c] != srow[c]:
                errors.append("event %s: %s not verbatim" % (r["event_id"], c))
        if not r["description"].startswith(srow["description"]):
            errors.append("event description " + r["event_id"])
        if not r["source_url"].strip() or not r["source_quote"].strip():
            errors.append("event empty url/quote " + r["event_id"])
        if r["event_type"] not in EVENT_TYPES or r["category"] not in CATEGORIES:
            errors.append("event vocabulary " + r["event_id"])
        if r["initiator"] not in SIDE_LABELS - {""} or r["counterpart"] not in SIDE_LABELS:
            errors.append("event side label " + r["event_id"])
        ds = parse_loose_date(r["date_start"])
        if r["date_precision"] == "day" and len(r["date_start"]) != 10:
            errors.append("precision " + r["event_id"])
        if r["date_precision"] == "month" and len(r["date_start"]) != 7:
            errors.append("precision " + r["event_id"])
        if r["date_end"]:
            de = parse_loose_date(r["date_end"])
            if de < ds:
                errors.append("date_end < date_start " + r["event_id"])
    if [tuple(r[c] for c in CLAIM_COLS if c != "source_url") for r in cout] != \
       [tuple(r[c] for c in CLAIM_COLS if c != "source_url") for r in csrc]:
        errors.append("article claims not copied verbatim")
    for idx, (org, period, text, _why) in DROPPED_LEADS.items():
        if not any(text in r["source_quote"] for r in vout):
            errors.append("dropped-row lead text not found: %s %s" % (org, period))
    if errors:
        raise SystemExit("VALIDATION FAILED:\n  " + "\n  ".join(errors))


# --------------------------------------------------------------------------------------
# coverage, disagreements and README
# --------------------------------------------------------------------------------------
def month_range(a, b):
    y, m = a
    out = []
    while (y, m) <= b:
        out.append("%04d-%02d" % (y, m))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def monthly_set(vout, org, measure):
    return sorted({r["period_start"][:7] for r in vout
                   if r["source_org"] == org and r["measure"] == measure
                   and r["granularity"] == "month"})


def coverage_line(vout, org, measure, a, b):
    months = month_range(a, b)
    have = set(monthly_set(vout, org, measure))
    present = [m for m in months if m in have]
    missing = [m for m in months if m not in have]
    return len(present), len(months), missing


def compress(months):
    """['2020-01','2020-02','2020-03','2020-05'] -> '2020-01..2020-03, 2020-05'"""
    if not months:
        return "none"
    idx = [int(m[:4]) * 12 + int(m[5:]) - 1 for m in months]
    runs, start = [], 0
    for i in range(1, len(idx) + 1):
        if i == len(idx) or idx[i] != idx[i - 1] + 1:
            runs.append((months[start], months[i - 1]))
            start = i
    return ", ".join(a if a == b else "%s..%s" % (a, b) for a, b in runs)


DISAGREEMENT_NOTES = {
    ("PICSS", "2022-04", "attacks"): "the April 2022 report gives 34; the June 2022 report restates April as 35",
    ("PICSS", "2023-02", "fatalities"): "Dawn gives 62, Pakistan Today 59 for the same breakdown",
    ("PICSS", "2023-03", "attacks"): "the March 2023 report gives 37/57/72; the April 2023 report restates March as 39/58/73",
    ("PICSS", "2023-03", "fatalities"): "restated in the April 2023 report (see attacks)",
    ("PICSS", "2023-03", "injured"): "restated in the April 2023 report (see attacks)",
    ("PICSS", "2024", "attacks"): "the 2024 annual report (Jan 2025) gives 905; the 2025 annual report restates 2024 as 908",
    ("PICSS", "2025", "combat_deaths"): "the 29-Dec-2025 report gives 3,387; a later PICSS figure (via ThePrint) gives 3,413",
    ("PICSS", "2025", "security_forces_killed"): "664 in the 29-Dec-2025 report vs 667 in the later figure",
    ("PICSS", "2020", "attacks"): "the 2020 annual report gives 187; the 2021 annual report restates 2020 as 188",
    ("PICSS", "2020", "injured"): "not a disagreement: 595 = injured in the 188 militant attacks (2021 report); 619 = injured in all 333 violent incidents incl. security-force actions (2020 report)",
    ("PICSS", "2025-03", "injured"): "not a disagreement: 258 = injured in militant attacks; 271 = attacks and security operations combined (see scope_note)",
    ("PICSS", "2024", "security_forces_killed"): "not a disagreement: 461 = killed in militant attacks (2024 annual report); 528 = combined attacks + operations total (2025 annual report)",
    ("PICSS", "2024-11", "militants_killed"): "not a disagreement: 100 = killed in security-force actions; 127 = all militants killed in the month",
}


def find_disagreements(vout):
    groups = collections.defaultdict(list)
    for r in vout:
        groups[(r["source_org"], r["_period"], r["measure"])].append(r)
    res = []
    for key, rows in sorted(groups.items()):
        vals = sorted({int(r["value"]) for r in rows})
        if len(vals) > 1:
            res.append((key, rows))
    return res


def sum_checks(vout):
    """Compare published multi-month totals with the sum of the same source's monthly
    figures, where every month in the period is present (first figure per month used)."""
    monthly = {}
    for r in vout:
        if r["granularity"] == "month":
            monthly.setdefault((r["source_org"], r["measure"], r["period_start"][:7]), r)
    res = []
    for r in vout:
        if r["granularity"] in ("quarter", "half", "year", "span"):
            s, e = r["period_start"], r["period_end"]
            months = month_range((int(s[:4]), int(s[5:7])), (int(e[:4]), int(e[5:7])))
            parts = [monthly.get((r["source_org"], r["measure"], m)) for m in months]
            if all(parts):
                total = sum(int(p["value"]) for p in parts)
                res.append((r, total, [p["figure_id"] for p in parts]))
    return res


def md_escape(s):
    return s.replace("|", "\\|").replace("\n", " ")


def build_readme(vsrc, vout, dropped, excluded, eout, edropped, cout):
    L = []
    add = L.append
    n_v, n_e, n_c = len(vout), len(eout), len(cout)
    cnt_org = collections.Counter(r["source_org"] for r in vout)
    cnt_measure = collections.Counter(r["measure"] for r in vout)
    cnt_etype = collections.Counter(r["event_type"] for r in eout)
    cnt_cat = collections.Counter(r["category"] for r in eout)

    add("# Reference data: militant violence in Pakistan and Pakistan–Afghanistan engagement")
    add("")
    add("This folder holds the project's canonical reference tables. They were converted from the "
        "compiled, cited facts in the shared reference folder (`/work/shared/reference/`) by "
        "`scripts/convert_reference.py`, which also wrote this file: the coverage, disagreement "
        "and exclusion sections below are computed from the output tables, not copied.")
    add("")
    add("| file | rows | one row is |")
    add("|---|---|---|")
    add("| `reference/violence_figures.csv` | %d | one published figure (one measure, one source, one period) |" % n_v)
    add("| `reference/engagement_events.csv` | %d | one dated Pakistan–Afghanistan event |" % n_e)
    add("| `reference/article_claims.csv` | %d | one claim made in the opinion article that started the project |" % n_c)
    add("")
    add("## 1. Ground rules")
    add("")
    add("- **Every row has a source URL and a verbatim quote** from that page (`source_url`, "
        "`source_quote`; for article claims, `quote`). A figure is in a row only if the row's "
        "own quote states it. Quotes are at most 400 characters; ` ... ` joins fragments of the "
        "same page; in multi-source rows the addresses are separated by ` ; ` and the quote "
        "fragments are labelled [1], [2] in the same order. Some quotes are in Urdu, Persian, "
        "German or French and are kept in the original language.")
    add("- **Missing is missing, not zero.** A month with no row means no published figure was "
        "found; it does not mean no attacks. Build a coverage mask with every series.")
    add("- **Sources are never merged.** PICSS, PIPS, CRSS and SATP define attacks and deaths "
        "differently; keep `source_org` and `measure` separate and never splice two sources "
        "into one series without a stated harmonisation.")
    add("- **Gaps are never filled.** Nothing is interpolated, estimated or derived from other "
        "rows in the `published` rows. Totals for a quarter or year are not the sum of months.")
    add("- **Disagreements are kept.** When two pages (or a later restatement) give different "
        "numbers for the same thing, both rows are kept and listed in section 5.")
    add("")

    # ---------------------------------------------------------------- dictionary
    add("## 2. Column dictionary")
    add("")
    add("### 2.1 `reference/violence_figures.csv`")
    add("")
    add("| column | type | allowed values | meaning |")
    add("|---|---|---|---|")
    add("| `figure_id` | string, unique | `{source_org}-{period}-{measure}`, plus `-b`, `-c`… | Stable readable id, e.g. `PICSS-2023-01-attacks`, `CRSS-2024-Q3-combat_deaths`, `PICSS-2022-01..2022-05-attacks`. `-b`, `-c` mark further rows for the same source, period and measure (a second page or a restatement), in the order of the input compilation. |")
    add("| `source_org` | string | `PICSS`, `PIPS`, `CRSS`, `SATP` | The monitor whose figure it is (see section 3). |")
    add("| `period_start` | date `YYYY-MM-DD` | | First calendar day of the period the figure covers. |")
    add("| `period_end` | date `YYYY-MM-DD` | ≥ `period_start` | Last calendar day of the period (also for partial periods: see `scope_note`). |")
    add("| `granularity` | string | `day`, `month`, `quarter`, `half`, `year`, `span` | Length of the period. `span` is any other multi-month range (e.g. a cumulative \"first five months\" or \"January–September\" total). A partial month is `month` with \"partial month\" in `scope_note`. |")
    add("| `region` | string | `Pakistan` | Geographic scope; all current rows are national totals. |")
    add("| `actor` | string | empty | Reserved for perpetrator-specific figures (e.g. one group); empty = all actors. |")
    add("| `measure` | string | see below | What is counted, chosen by the source's own definition. |")
    add("| `value` | integer ≥ 0 | | The published number, as printed. |")
    add("| `scope_note` | string | | The compilation's note on the figure, verbatim, followed by `; ` and this conversion's remarks (e.g. how the measure was chosen, whether `militants_killed` means in operations or in total, partial periods). |")
    add("| `source_url` | string | | Page(s) the figure was read from; ` ; ` separates several. |")
    add("| `source_quote` | string | | Verbatim sentence(s) from the page that state the figure. |")
    add("| `basis` | string | `published`, `derived_from_events` | `published` = the number was published by the source for that period. `derived_from_events` = computed by the project from event-level data (e.g. UCDP GED events aggregated to a month); such rows are added by the source adapters, never mixed with `published` ones. All rows in this file are `published`. |")
    add("")
    add("Measure vocabulary (choose by the source's definition, read from its wording):")
    add("")
    add("| measure | meaning | examples |")
    add("|---|---|---|")
    add("| `attacks` | militant/terrorist attacks | PICSS \"militant attacks\", PIPS \"terrorist attacks\", CRSS \"terror attacks\"; SATP terrorism-linked incidents (said so in `scope_note`) |")
    add("| `incidents` | counts that mix attacks with security-force operations | CRSS \"incidents of terrorism and counter-terror operations\", PICSS \"violent incidents\" (attacks + SF actions). No rows yet: the compilation carried such counts only in notes and quotes. |")
    add("| `fatalities` | people killed **in militant attacks** (may include attackers who died in their own attacks where the source counts them) | PICSS \"killed in militant attacks\", PIPS deaths in terrorist attacks, SATP civilians + security personnel killed |")
    add("| `combat_deaths` | deaths in militant attacks **plus** security-force operations, militants included | PICSS \"combat-related deaths\", CRSS \"violence-linked/violence-related fatalities\" (terror + counter-terror). Never filed under `fatalities`. |")
    add("| `injured` | people injured | `scope_note` says when attacks and operations are combined |")
    add("| `civilians_killed` | civilians killed | `scope_note` says whether in attacks only or the combined total |")
    add("| `security_forces_killed` | security-force / law-enforcement personnel killed | as above |")
    add("| `militants_killed` | militants killed | `scope_note` says \"militants killed in security-force operations\" or \"all militants killed in the period\" |")
    add("")
    add("Rows by measure: " + ", ".join("%s %d" % (m, cnt_measure[m]) for m in MEASURES) + ". "
        "Rows by source: " + ", ".join("%s %d" % (o, cnt_org[o]) for o in ORGS) + ".")
    add("")

    add("### 2.2 `reference/engagement_events.csv`")
    add("")
    add("| column | type | allowed values | meaning |")
    add("|---|---|---|---|")
    add("| `event_id` | string, unique | `{date_start}-{event_type}`, plus `-b`, `-c`… | e.g. `2020-01-29-border_closure`; `-b`, `-c` mark further events of the same type on the same date, in input order. |")
    add("| `date_start` | `YYYY-MM-DD` or `YYYY-MM` | | Day the event happened (or began); month only when the day is not known. |")
    add("| `date_end` | `YYYY-MM-DD`, `YYYY-MM` or empty | ≥ `date_start` | Last day of a multi-day event (e.g. visit, closure until reopening, policy deadline). Empty = no end date was found (not \"same day\" and not \"ongoing\"). |")
    add("| `date_precision` | string | `day`, `month` | Precision of `date_start`. Dates worked out from a weekday or \"yesterday\" are marked \"(derived)\" in `date_note`. |")
    add("| `event_type` | string | 17 types below | What happened. |")
    add("| `category` | string | `engagement`, `security`, `policy` | Broad class (below). |")
    add("| `initiator` | string | side label (below) | The side that acted: visited, called, protested/summoned, hosted, closed, struck. |")
    add("| `counterpart` | string | side label or empty | The side acted upon or received: visited, called, whose envoy was summoned, struck. Empty when `initiator` is `Pakistan and Afghanistan` or when the source names none. |")
    add("| `third_party` | string | free text | Third countries or bodies present, hosting, mediating or appealing (verbatim). |")
    add("| `location` | string | free text | Where it happened (verbatim). |")
    add("| `description` | string | free text | What happened (verbatim), followed by ` [initiator: …; counterpart: …]` holding the compilation's original detailed initiator and counterpart text, so the people and offices involved are kept. |")
    add("| `source_url` | string | | Page(s); ` ; ` separates several. |")
    add("| `source_quote` | string | | Verbatim excerpt(s), labelled [1], [2] to match the addresses. |")
    add("| `date_note` | string | | How the date was established, conflicts between pages, missing end dates (verbatim). |")
    add("")
    add("`event_type` vocabulary (controlled; 17 types):")
    add("")
    defs = [
        ("ministerial_visit", "a visit to the other country by a minister or other top leader (head of state or government, foreign/defence/interior minister, army or intelligence chief, NSA, a ministerial-level delegation)"),
        ("special_envoy_visit", "a visit to the other country by a special representative/envoy for Afghanistan (e.g. Pakistan's Special Representative)"),
        ("jcc_meeting", "a round of the Pakistan–Afghanistan Joint Coordination Committee"),
        ("trilateral_meeting", "a meeting of both sides with one or more third countries, including multilateral formats on Afghanistan (China–Afghanistan–Pakistan dialogue, Moscow Format, Troika Plus, OIC session, neighbours' meetings)"),
        ("other_bilateral_meeting", "any other bilateral meeting: trade talks, lower-level mechanisms, meetings on the sidelines of multilateral events, meetings with Afghan non-government parties"),
        ("mediated_talks", "talks or contacts between the sides brokered, hosted or mediated by a third party (Qatar, Turkey, Saudi Arabia, China; also the Afghan-mediated Pakistan–TTP talks); includes third-party de-escalation contacts"),
        ("phone_call", "a telephone call between officials of the two sides"),
        ("protest_or_demarche", "a formal protest, demarche, envoy summons or recall, or an official public protest statement; initiator = the side protesting/summoning, counterpart = the side whose envoy was summoned"),
        ("flag_meeting", "a meeting of border commanders or officials at a crossing point"),
        ("border_closure", "closure of one or more crossings, full or partial (trade/cargo only, pedestrians only)"),
        ("border_reopening", "reopening of a crossing, full or partial"),
        ("agreement", "an agreement, signed framework or announced understanding between the sides (incl. upgrading of diplomatic missions, jirga agreements, ceasefire agreements)"),
        ("ceasefire", "a declared ceasefire, truce or pause in hostilities, or its extension"),
        ("border_clash", "an exchange of fire or armed clash between the two sides' forces along the border"),
        ("airstrike", "an air or drone strike on the other's territory, including alleged strikes that were not officially confirmed (the allegation is in `description`)"),
        ("trade_suspension", "suspension of bilateral or transit trade"),
        ("refugee_policy", "a policy decision on Afghan nationals in Pakistan (repatriation plans and deadlines, Proof of Registration card extensions or expiry)"),
    ]
    assert [d[0] for d in defs] == list(EVENT_TYPES)
    add("| event_type | definition | rows |")
    add("|---|---|---|")
    for t, d in defs:
        add("| `%s` | %s | %d |" % (t, d, cnt_etype[t]))
    add("")
    add("`category`: `engagement` = diplomatic or cooperative contact, including protests and "
        "mediated talks (%d rows); `security` = armed incidents and security-driven measures: "
        "clashes, strikes, ceasefires, security closures and reopenings (%d rows); `policy` = "
        "administrative measures: COVID-19 closures/reopenings, trade suspensions, refugee policy "
        "(%d rows). The category is the compilation's, copied."
        % (cnt_cat["engagement"], cnt_cat["security"], cnt_cat["policy"]))
    add("")
    add("**Side labels and direction.** `initiator` and `counterpart` are normalised to a short "
        "side label so that directed series can be built: `Pakistan`, `Afghanistan`, "
        "`Pakistan and Afghanistan` (mutual acts, and clashes where both sides act or each blames "
        "the other), a third country by its plain name (`China`, `Russia`, `Iran`, `Qatar`, "
        "`Turkey`, `Saudi Arabia`, `Saudi Arabia and Qatar`, `United States`, …), or `unknown` "
        "(not stated). The Afghan Taliban (before and after August 2021), the Ghani government "
        "and other Afghan delegations all map to `Afghanistan`; a third-party host or mediator maps "
        "to that third party; an alleged Pakistani strike keeps `Pakistan`. Direction of an event:")
    add("")
    add("| `initiator` | direction |")
    add("|---|---|")
    add("| `Pakistan` | Pakistan→Afghanistan |")
    add("| `Afghanistan` | Afghanistan→Pakistan |")
    add("| `Pakistan and Afghanistan` | mutual |")
    add("| any third country | third party (→ both sides, or the side in `counterpart`) |")
    add("| `unknown` | unknown |")
    add("")
    ini_cnt = collections.Counter(r["initiator"] for r in eout)
    add("Initiators in this file: " + ", ".join("%s %d" % (k, v) for k, v in ini_cnt.most_common()) + ".")
    add("")
    add("Judgement calls in the side labels (original text is in `description`):")
    add("")
    add("- 2022-06-01 `mediated_talks`: Pakistan's talks were with the TTP, hosted and mediated "
        "by the Afghan Taliban government; the TTP is not a state, so `counterpart` is "
        "`Afghanistan` (the host/mediator side).")
    add("- 2025-10-15 `ceasefire`: Pakistan announced it \"at the request of the Afghan Taliban "
        "regime\" while the Taliban say it was at Pakistan's request; coded `Pakistan and "
        "Afghanistan` (each attributes it to the other).")
    add("- 2025-12-14 `trilateral_meeting` (Tehran): the Taliban government declined to attend, "
        "so `counterpart` is `Pakistan` only.")
    add("- Refugee-policy rows: the counterparts \"Registered Afghan refugees (PoR card holders)\" "
        "and \"Afghan nationals / Afghanistan\" map to `Afghanistan`.")
    add("- Border clashes written \"A / B\" in the compilation (both sides fired) are "
        "`Pakistan and Afghanistan`; clashes with a single stated initiator keep it.")
    add("- Labels that are generous in the compilation are kept as published, e.g. the "
        "2026-02-27 `mediated_talks` row is Saudi and Qatari de-escalation calls, not talks; "
        "the 2020-06-09 army-chief visit is a `ministerial_visit`.")
    add("")

    add("### 2.3 `reference/article_claims.csv`")
    add("")
    add("| column | type | meaning |")
    add("|---|---|---|")
    add("| `claim_id` | string, unique | Short id of the claim. |")
    add("| `quantity` | string | What is counted. |")
    add("| `value` | integer or empty | The number claimed; empty for the two qualitative claims. |")
    add("| `qualifier` | string | `more than`, `exactly`, `around`, `at least`, `qualitative`: how the article words the number. |")
    add("| `period_start` | `YYYY-MM` | Start of the period the article names (\"since August 2021\" → 2021-08, \"since 2021\" → 2021-01). |")
    add("| `period_end` | string | The literal `publication`: the article runs to its own (unknown) publication date. |")
    add("| `category` | string | `engagement`, `mediation`, `violence`, `hypothesis`. |")
    add("| `quote` | string | Verbatim sentence from the article. |")
    add("| `source_url` | string | URL of the published article; empty, see below. |")
    add("")
    add("**The article's URL and publication date were not found.** The publicly searchable "
        "pages and documentation were searched for its text (\"More than 200 border flag meetings\", "
        "\"Pakistan has chosen diplomacy over confrontation\", \"Ten Joint Coordination Committee "
        "(JCC) meetings\", \"over 200 formal memorandums\", \"diplomacy is noble, but deterrence "
        "is sometimes necessary\", \"Hamna Obaid Afghanistan\", and others) without a match, so "
        "`source_url` is left empty rather than guessed. The full text is in the project's shared "
        "reference as `article.txt` (by Hamna Obaid). By its own text it was written about four "
        "years after August 2021; the date is not stated.")
    add("")

    # ---------------------------------------------------------------- sources
    add("## 3. Source organisations and how their definitions differ")
    add("")
    add("What follows is only what the compiled pages and their scope notes say; check each "
        "organisation's own methodology before analysis.")
    add("")
    add("- **PICSS – Pakistan Institute for Conflict and Security Studies** (described in the "
        "quoted pages as an Islamabad-based think tank with a militancy database). Monthly, "
        "half-yearly and annual reports. Its headline count is **militant attacks**, with people "
        "**killed in militant attacks**; that toll sometimes includes militants who died in their "
        "own attacks (e.g. 2024-05: 90 killed incl. 20 militants). Militants killed in "
        "security-force actions are reported separately (`militants_killed`, \"in security-force "
        "operations\"). **From late 2024 PICSS press releases lead with combat-related deaths** "
        "(attacks plus security-force operations, militants included), filed here as "
        "`combat_deaths`; in some months only the combined figure was published (2025-04, "
        "2026-02). 2025-03 has both: 228 killed in attacks (`PICSS-2025-03-fatalities`) and 335 "
        "combined (`PICSS-2025-03-combat_deaths`). Its 2020 annual report also gave a combined "
        "\"violent incidents\" toll (429 killed in 333 incidents), filed as `combat_deaths`.")
    add("- **PIPS – Pak Institute for Peace Studies** (described as an Islamabad-based think-tank "
        "with a digital database of security incidents). Counts **terrorist attacks** by militant, "
        "nationalist/insurgent and violent sectarian groups, and people killed in those attacks "
        "(`fatalities`), which can include militants (2021: 335 killed incl. 32 militants; 2025: "
        "1,034 incl. 243 militants). Anti-militant operations are reported separately.")
    add("- **CRSS – Center for Research and Security Studies**. Quarterly and annual security "
        "reports. Its headline is **violence-linked (violence-related) fatalities from terror "
        "attacks and counter-terror operations together, outlaws/militants included**, filed as "
        "`combat_deaths`; injuries are likewise combined. Terror attacks are occasionally split out "
        "(`attacks`), and its category counts (civilians, security personnel, outlaws) are totals "
        "across both kinds of incident.")
    add("- **SATP – South Asia Terrorism Portal**. All SATP figures here are **second-hand**: "
        "press summaries of SATP data (Business Recorder). Monthly counts are \"incidents\"/"
        "\"attacks\" of terrorism-linked violence (filed as `attacks`, said so in `scope_note`); "
        "the fatalities given are civilians + security personnel (militants excluded), except "
        "2024-10 where the category is not stated.")
    add("")
    add("Consequences: PICSS `fatalities` and PICSS `combat_deaths` are different series; CRSS "
        "`combat_deaths` is not comparable to PICSS or PIPS `fatalities`; PICSS's switch of "
        "headline in late 2024 means a naive \"PICSS deaths\" series breaks there. Never splice.")
    add("")

    # ---------------------------------------------------------------- coverage
    add("## 4. Coverage (computed from `violence_figures.csv`)")
    add("")
    add("Counts are of calendar months with at least one `month` row for that source and measure. "
        "Quarterly, half-yearly, annual and span rows are not counted as monthly coverage.")
    add("")
    add("PICSS monthly, the post-takeover window **2021-08 to 2025-10** (51 months):")
    add("")
    add("| measure | months present | missing months |")
    add("|---|---|---|")
    for m in ("attacks", "fatalities", "combat_deaths", "injured", "militants_killed",
              "security_forces_killed", "civilians_killed"):
        n, tot, miss = coverage_line(vout, "PICSS", m, (2021, 8), (2025, 10))
        add("| `%s` | %d of %d | %s |" % (m, n, tot, compress(miss) if len(miss) <= 25
                                          else "%d months; present: %s" % (
                                              len(miss), compress([x for x in month_range((2021, 8), (2025, 10)) if x not in miss]))))
    add("")
    n_pre, tot_pre, miss_pre = coverage_line(vout, "PICSS", "attacks", (2020, 1), (2021, 7))
    have_pre = [m for m in month_range((2020, 1), (2021, 7)) if m not in miss_pre]
    n_f, tot_f, miss_f = coverage_line(vout, "PICSS", "fatalities", (2020, 1), (2021, 7))
    have_f = [m for m in month_range((2020, 1), (2021, 7)) if m not in miss_f]
    add("PICSS monthly before the takeover, **2020-01 to 2021-07** (19 months): attacks %d of %d "
        "(present: %s); fatalities %d of %d (present: %s)."
        % (n_pre, tot_pre, compress(have_pre), n_f, tot_f, compress(have_f)))
    add("")
    n_all, tot_all, miss_all = coverage_line(vout, "PICSS", "attacks", (2020, 1), (2026, 2))
    add("PICSS monthly attacks over the whole range **2020-01 to 2026-02**: %d of %d months." % (n_all, tot_all))
    add("")
    add("Other sources' monthly rows:")
    add("")
    add("| source | measure | months present |")
    add("|---|---|---|")
    for org in ("PIPS", "SATP", "CRSS"):
        for m in MEASURES:
            ms = monthly_set(vout, org, m)
            if ms:
                add("| %s | `%s` | %d: %s |" % (org, m, len(ms), compress(ms)))
    add("")
    add("Non-monthly rows (quarters, halves, years, spans):")
    add("")
    add("| source | granularity | periods (measures) |")
    add("|---|---|---|")
    agg = collections.OrderedDict()
    for r in vout:
        if r["granularity"] != "month":
            agg.setdefault((r["source_org"], r["granularity"]), collections.OrderedDict()) \
               .setdefault(r["_period"], set()).add(r["measure"])
    for (org, g), periods in agg.items():
        add("| %s | %s | %s |" % (org, g, "; ".join(
            "%s (%s)" % (p, ", ".join(sorted(ms))) for p, ms in periods.items())))
    add("")

    # ---------------------------------------------------------------- disagreements
    add("## 5. Known disagreements (kept as published)")
    add("")
    add("Every case where one source, period and measure has more than one distinct value in "
        "the table. Rows that merely repeat the same value from a second page are not listed.")
    add("")
    add("| source | period | measure | values (figure_ids) | note |")
    add("|---|---|---|---|---|")
    dis = find_disagreements(vout)
    for (org, period, measure), rows in dis:
        vals = "; ".join("%s (`%s`)" % (r["value"], r["figure_id"]) for r in rows)
        note = DISAGREEMENT_NOTES.get((org, period, measure), "")
        add("| %s | %s | `%s` | %s | %s |" % (org, period, measure, vals, note))
    add("")
    add("Also kept as published, across periods or sources:")
    add("")
    add("- Disagreements whose second row is still awaiting a quote (section 8.1), so only "
        "one side is in the table: PICSS 2022 annual 376/533/832 (awaiting) vs 380/539/836 "
        "restated in the 2023 report (`PICSS-2022-attacks` etc.); PICSS 2022 halves 151 + 228 "
        "attacks (both awaiting) vs the annual 376 (awaiting) or 380; PICSS 2025-08 294 killed "
        "(awaiting) vs 194 killed in attacks (`PICSS-2025-08-fatalities`); PICSS 2025-04 82 "
        "attacks (`PICSS-2025-04-attacks`) vs 81 restated in the May report (awaiting); CRSS 2021 "
        "850 (awaiting) vs 853 (`CRSS-2021-combat_deaths`); CRSS 2023 restated as 1,533/1,462 "
        "(awaiting) vs 1,524/1,463 (`CRSS-2023-combat_deaths`, `CRSS-2023-injured`).")
    add("- CRSS restates its own earlier totals in later reports: 2024 is 2,546 in the Q3-2025 "
        "report quote (`CRSS-2025-01..2025-09-combat_deaths`) and 2,555 in the 2025 annual "
        "report quote (`CRSS-2025-combat_deaths`); neither 2024 total has a row of its own yet.")
    add("- Different sources for the same period are not disagreements but different "
        "definitions (e.g. 2024-08 attacks: PICSS 83, PIPS 59, SATP 66).")
    add("")
    add("**Annual and multi-month totals do not equal the sum of the monthly figures** in "
        "general: they come from different releases of the same source, and earlier months are "
        "sometimes restated. Never derive one from the other. Where every month of a longer "
        "period is present for the same source and measure, the comparison is below (where a "
        "month has two rows, the first in `figure_id` order is used; SATP's November 2024 is a "
        "partial month reported to the article's date):")
    add("")
    add("| total row | published total | sum of monthly rows | difference |")
    add("|---|---|---|---|")
    for r, total, parts in sum_checks(vout):
        add("| `%s` | %s | %d | %+d |" % (r["figure_id"], r["value"], total, int(r["value"]) - total))
    add("")

    # ---------------------------------------------------------------- licences
    add("## 6. Licences and third-party data")
    add("")
    add("- **Compilation: CC BY 4.0; quoted excerpts remain the copyright of their publishers and "
        "are reproduced as short citations for verification.** The quotes are short verbatim "
        "excerpts from news and institute pages, kept so each number can be checked (fair-use "
        "citation); the project's own compilation (the CSV structure, ids, codings and notes) is "
        "under CC BY 4.0.")
    add("- **UCDP GED** (Uppsala Conflict Data Program Georeferenced Event Dataset) is CC BY 4.0; "
        "cite Sundberg, Ralph and Erik Melander (2013), \"Introducing the UCDP Georeferenced Event "
        "Dataset\", *Journal of Peace Research* 50(4). Users download it themselves; any rows "
        "aggregated from it enter `violence_figures.csv` with `basis = derived_from_events`.")
    add("- **ACLED** data may not be redistributed: it is never bundled in this repository. Users "
        "with an ACLED account fetch it themselves.")
    add("- **GDELT** is free and open; event data are fetched by the adapters, not stored here.")
    add("")

    # ---------------------------------------------------------------- how to add
    add("## 7. How to add a row")
    add("")
    add("1. Find the **public page** that states the figure or event (the monitor's own release "
        "or a news report of it). Note its URL.")
    add("2. Copy the **verbatim sentence(s)** that state the number or the event, at most 400 "
        "characters; join fragments of the same page with ` ... `. Do not paraphrase, translate or "
        "tidy the text. If you cannot copy a quote, the row does not go in (add it to the list "
        "in section 8 instead).")
    add("3. Fill every column as in section 2. For violence figures, **choose `measure` by the "
        "source's definition** (does the death toll include security-force operations and "
        "militants? then `combat_deaths`, not `fatalities`), write the period's first and last "
        "calendar day, and say anything unusual in `scope_note` (a comparison quoted from the "
        "next month's report, a restatement, a partial month). Use `basis = published`.")
    add("4. Give it a **new unique id** (`figure_id` / `event_id` as in section 2; add `-b`, "
        "`-c` if the id is taken). Never reuse or renumber existing ids.")
    add("5. **If two sources disagree, add both rows**; do not average, choose or correct. Add a "
        "line to section 5 if useful.")
    add("6. Run **`make test`**: the data are validated on load (ids unique, dates parse, "
        "`period_end` ≥ `period_start`, vocabularies, non-negative integer values, URL and quote "
        "present).")
    add("")

    # ---------------------------------------------------------------- exclusions
    add("## 8. Rows awaiting a quote, and other exclusions")
    add("")
    add("### 8.1 Rows awaiting a quote (%d violence rows left out)" % len(dropped))
    add("")
    add("These rows of the compilation had figures but **no recorded quote**, so they are not in "
        "the table. To add one, find the quote on the page (or another public page) and follow "
        "section 7. \"Same figures kept\" means another page's quoted row already carries the "
        "same numbers for that period; \"lead\" points to a quote already in the table that "
        "states the figure.")
    add("")
    add("| # | source_org | period | figures | URL | compilation note | status / lead |")
    add("|---|---|---|---|---|---|---|")
    numeric = ["attacks", "fatalities", "injured", "militants_killed_in_sf_ops",
               "security_forces_killed", "civilians_killed"]
    kept_by = collections.defaultdict(list)
    for r in vout:
        kept_by[(r["source_org"], r["_period"])].append(r)
    col_measures = {"attacks": {"attacks"}, "fatalities": {"fatalities", "combat_deaths"},
                    "injured": {"injured"}, "militants_killed_in_sf_ops": {"militants_killed"},
                    "security_forces_killed": {"security_forces_killed"},
                    "civilians_killed": {"civilians_killed"}}
    for n, (idx, r) in enumerate(dropped, 1):
        figs = "; ".join("%s=%s" % (c, r[c]) for c in numeric if r[c].strip()) or "(none in columns)"
        status = ""
        kept = kept_by.get((r["source_org"], r["period"]), [])
        hits, misses = set(), []
        for c in numeric:
            v = r[c].strip()
            if not v:
                continue
            found = [k["figure_id"] for k in kept
                     if k["value"] == v and k["measure"] in col_measures[c]]
            if found:
                hits.update(found)
            else:
                misses.append("%s=%s" % (c, v))
        ids = ", ".join("`%s`" % f for f in sorted(hits))
        if hits and not misses:
            status = "same figures kept from another page: " + ids
        elif hits:
            status = "partly kept from another page (%s); not kept: %s" % (ids, ", ".join(misses))
        if idx in DROPPED_LEADS:
            status = (status + "; " if status else "") + "lead: " + DROPPED_LEADS[idx][3]
        add("| %d | %s | %s | %s | %s | %s | %s |" % (
            n, r["source_org"], r["period"], figs, md_escape(r["source_url"]),
            md_escape(r["scope_note"]), md_escape(status)))
    add("")
    add("### 8.2 Measures left out of kept rows (the quote does not support them)")
    add("")
    add("| source_org | period | measure | value in compilation | reason | URL |")
    add("|---|---|---|---|---|---|")
    for idx, r, measure, raw, why in excluded:
        add("| %s | %s | `%s` | %s | %s | %s |" % (r["source_org"], r["period"], measure, raw,
                                               md_escape(why), md_escape(r["source_url"])))
    add("")
    add("### 8.3 Engagement rows left out")
    add("")
    if edropped:
        add("| date_start | event_type | reason |")
        add("|---|---|---|")
        for idx, r in edropped:
            add("| %s | %s | missing source_url or source_quote |" % (r["date_start"], r["event_type"]))
    else:
        add("None: all %d events in the compilation have a source URL and a quote." % (len(eout)))
    add("")
    add("### 8.4 Not yet extracted")
    add("")
    add("Some kept quotes state further numbers that the compilation did not put in its figure "
        "columns, so they are not rows yet; they can be added by the steps in section 7 (same "
        "URL and quote). Examples: incident counts mixing attacks and operations (CRSS 2020: 361 "
        "incidents; CRSS 2024-Q1: 245; PICSS 2020: 333 violent incidents; PICSS 2023: 1016 "
        "violent incidents with 1529 killed) → `incidents` / `combat_deaths`; CRSS deaths in "
        "terror attacks only (2020: 372; 2023-Q3: 318; 2024-01..09: 1022) → `fatalities`.")
    add("")
    add("Not found in the public pages searched (from the compilation): only 2 of the article's "
        "\"ten\" JCC rounds have dates (6th, Islamabad, 2024-01-03; 7th, Kabul, 2025-04-16); only 4 "
        "flag meetings are individually reported (2020-05-15 Torkham, 2022-11-13 Chaman, "
        "2022-12-20 Chaman, 2023-09-10 Torkham); no itemised record exists of the \"800 protests\", "
        "\"200 ISI memorandums\" or \"180 demarches\"; several border reopening dates are missing "
        "(see `date_note`).")
    add("")
    return "\n".join(L)


def main():
    vsrc, vout, dropped, excluded = convert_violence()
    esrc, eout, edropped = convert_events()
    csrc, cout = convert_claims()
    validate(vsrc, vout, esrc, eout, csrc, cout)
    os.makedirs(OUT, exist_ok=True)
    write_csv(os.path.join(OUT, "violence_figures.csv"), VIOLENCE_COLS, vout)
    write_csv(os.path.join(OUT, "engagement_events.csv"), EVENT_COLS, eout)
    write_csv(os.path.join(OUT, "article_claims.csv"), CLAIM_COLS, cout)
    with open(README, "w", encoding="utf-8") as f:
        f.write(build_readme(vsrc, vout, dropped, excluded, eout, edropped, cout))
    print("violence_figures.csv: %d rows from %d input rows (%d dropped: empty quote; "
          "%d measures excluded)" % (len(vout), len(vsrc), len(dropped), len(excluded)))
    print("engagement_events.csv: %d rows (%d dropped)" % (len(eout), len(edropped)))
    print("article_claims.csv: %d rows" % len(cout))
    for m in ("attacks", "fatalities", "combat_deaths"):
        n, tot, miss = coverage_line(vout, "PICSS", m, (2021, 8), (2025, 10))
        print("PICSS monthly %s 2021-08..2025-10: %d/%d; missing %s" % (m, n, tot, compress(miss)))
    return 0


if __name__ == "__main__":
    if "--overwrite" not in sys.argv:
        sys.exit("convert_reference.py is a historical record; see its docstring. "
                 "Pass --overwrite to regenerate data/reference/ and data/README.md.")
    sys.exit(main())
