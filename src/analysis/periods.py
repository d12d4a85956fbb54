"""Small helpers for calendar periods: labels and compact month lists.

Pure functions shared by :mod:`analysis.consistency`, :mod:`analysis.coverage`
and :mod:`analysis.claims`.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd


def month_range(start, end) -> pd.PeriodIndex:
    """All months from ``start`` to ``end`` inclusive (empty if ``end < start``).

    Parameters
    ----------
    start, end : str, Timestamp or Period
        Anything :class:`pandas.Period` accepts, e.g. ``"2021-08"``.
    """
    first, last = pd.Period(start, freq="M"), pd.Period(end, freq="M")
    if last < first:
        return pd.PeriodIndex([], freq="M")
    return pd.period_range(first, last, freq="M")


def is_whole_months(start: pd.Timestamp, end: pd.Timestamp) -> bool:
    """True if ``start`` is the first day of a month and ``end`` the last day of one."""
    return start.day == 1 and (end + pd.Timedelta(days=1)).day == 1


def compact_months(months: Iterable) -> str:
    """Months as compact ranges: ``"2022-12, 2023-06, 2024-09..2024-10"``.

    Parameters
    ----------
    months : iterable of Period, Timestamp or str
        In any order; duplicates are ignored.

    Returns
    -------
    str
        ``"none"`` for an empty input.
    """
    ordered = sorted({pd.Period(m, freq="M") for m in months})
    if not ordered:
        return "none"
    runs: list[tuple[pd.Period, pd.Period]] = []
    for month in ordered:
        if runs and month == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in runs)


def period_label(start: pd.Timestamp, end: pd.Timestamp, granularity: str) -> str:
    """Readable label of a figure's period: ``2024-03``, ``2024-Q1``, ``2023-H1``,
    ``2022``, ``2022-01..2022-05``, or ``2024-03-05`` for a day."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if granularity == "day":
        return start.strftime("%Y-%m-%d") if start == end else (f"{start:%Y-%m-%d}..{end:%Y-%m-%d}")
    first, last = pd.Period(start, freq="M"), pd.Period(end, freq="M")
    whole = is_whole_months(start, end)
    if granularity == "month" and first == last:
        return str(first)
    if granularity == "year" and whole and first.month == 1 and last == first + 11:
        return str(first.year)
    if granularity == "quarter" and whole and last == first + 2 and first.month % 3 == 1:
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if granularity == "half" and whole and last == first + 5 and first.month in (1, 7):
        return f"{first.year}-H{1 if first.month == 1 else 2}"
    if whole:
        return f"{first}..{last}"
    return f"{start:%Y-%m-%d}..{end:%Y-%m-%d}"
