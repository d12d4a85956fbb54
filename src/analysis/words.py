"""Numbers and words for readers: the one home of reader-facing formatting.

Every page a reader sees says "p < 0.001" (never "p = 0.000"), "1 month" and
"2 months" (never "month(s)"), "the month after" (never "the 1 month after"),
and names methods as readers know them ("STL", not "Stl"). The functions here
return plain text; callers escape it where it goes into Markdown or HTML.

:func:`show_tables_whole` sets pandas' display options so that no table in a
report is cut with "...": every row, every column and every cell in full.
"""

from __future__ import annotations

import math
import re
from numbers import Integral, Real

__all__ = [
    "p_text",
    "p_number",
    "plural",
    "count_text",
    "lag_words",
    "span_words",
    "neighbour_words",
    "ci_text",
    "method_name",
    "show_tables_whole",
]

#: Method names as readers know them (keys are the package's result names).
METHOD_NAMES: dict[str, str] = {
    "stl": "STL decomposition",
    "var": "VAR (Granger tests)",
    "granger": "Granger tests",
    "ccf": "Prewhitened cross-correlation",
    "irf": "Impulse responses",
    "fevd": "Forecast-error variance decomposition",
    "adf": "ADF test",
    "kpss": "KPSS test",
    "chow": "Chow test",
    "stationarity": "Stationarity tests (ADF and KPSS)",
    "trend": "Trend (Theil–Sen slope and Mann–Kendall test)",
    "theil_sen": "Theil–Sen slope",
    "mann_kendall": "Mann–Kendall test",
    "count_model": "Segmented count model",
    "change_points": "Change points",
    "level": "Rank correlation of levels",
    "difference": "Rank correlation of changes",
    "bh": "Benjamini–Hochberg",
}

_ES_ENDINGS = ("s", "x", "z", "ch", "sh")


def _check_count(n, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, Integral):
        if isinstance(n, Real) and float(n).is_integer():
            return int(n)
        raise TypeError(f"{name} must be a whole number; got {n!r}")
    return int(n)


def _plural_form(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(_ES_ENDINGS):
        return word + "es"
    return word + "s"


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number: ``"1 month"``, ``"2 months"``, ``"1,204 events"``.

    Parameters
    ----------
    n : int
        The count (thousands are separated by commas).
    word : str
        The singular noun, possibly with words before it (``"flag meeting"``).
    plural_form : str, optional
        The plural when it is not regular (``"people"``); by default ``-s``,
        ``-es`` after s, x, z, ch and sh, and ``-ies`` for a consonant and ``y``.
    """
    n = _check_count(n)
    if not word:
        raise ValueError("word must not be empty")
    noun = word if n == 1 else (plural_form or _plural_form(word))
    return f"{n:,} {noun}"


def count_text(n: int, word: str, plural_form: str | None = None, *, zero: str = "no") -> str:
    """Like :func:`plural`, but a zero count reads ``"no events"`` (``zero`` sets the word)."""
    n = _check_count(n)
    if n == 0:
        return f"{zero} {plural_form or _plural_form(word)}"
    return plural(n, word, plural_form)


def p_number(p: float, digits: int = 3) -> str:
    """A p- or q-value for a table cell: ``"< 0.001"``, ``"0.004"``, ``"0.03"``, ``"> 0.99"``.

    Values from 0.01 up are shown to 2 decimals (to ``digits`` between 0.045 and 0.055,
    so a value just under 0.05 never reads as 0.05), smaller ones to ``digits``;
    anything below ``10 ** -digits`` is shown as a bound, never as zero.
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "not available"
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a p-value lies between 0 and 1; got {p}")
    floor = 10.0**-digits
    if p < floor:
        return f"< {floor:.{digits}f}"
    if p > 0.99:
        return "> 0.99"
    if p < 0.01 or 0.045 <= p < 0.055:
        # three decimals near the 5% line, so 0.049 is never shown as "0.05"
        return f"{p:.{digits}f}"
    return f"{p:.2f}"


def p_text(p: float, symbol: str = "p", digits: int = 3) -> str:
    """A p-value in a sentence: ``"p < 0.001"``, ``"p = 0.004"``, ``"p = 0.03"``.

    ``symbol`` names the quantity (``"q"`` for a Benjamini–Hochberg q-value).
    """
    number = p_number(p, digits)
    if number == "not available":
        return f"{symbol} not available"
    if number[0] in "<>":
        return f"{symbol} {number}"
    return f"{symbol} = {number}"


def lag_words(k: int, unit: str = "month") -> str:
    """A lag in words: ``"the same month"``, ``"the month after"``, ``"2 months after"``,
    ``"the month before"``, ``"3 quarters before"`` (negative ``k`` is before)."""
    k = _check_count(k, "k")
    if k == 0:
        return f"the same {unit}"
    side = "after" if k > 0 else "before"
    if abs(k) == 1:
        return f"the {unit} {side}"
    return f"{plural(abs(k), unit)} {side}"


def span_words(k: int, unit: str = "month") -> str:
    """A span of ``k`` periods with its article: ``"the month"``, ``"the 2 months"``."""
    k = _check_count(k, "k")
    if k < 1:
        raise ValueError(f"a span has at least one {unit}; got {k}")
    return f"the {unit}" if k == 1 else f"the {plural(k, unit)}"


def neighbour_words(k: int, unit: str = "month") -> str:
    """The ``k`` periods on each side of a date: ``"in both neighbouring months"`` (k = 1),
    ``"in the 2 months on either side"``."""
    k = _check_count(k, "k")
    if k < 1:
        raise ValueError(f"a window has at least one {unit} on each side; got {k}")
    if k == 1:
        return f"in both neighbouring {_plural_form(unit)}"
    return f"in the {plural(k, unit)} on either side"


def ci_text(low: float, high: float, level: float = 0.95, digits: int = 2, *, name: str = "CI") -> str:
    """An interval: ``"95% CI 0.12 to 0.56"``; ``name`` may say ``"block-bootstrap interval"``."""
    if not 0 < level < 1:
        raise ValueError(f"level is a probability between 0 and 1; got {level}")
    percent = f"{level * 100:.1f}".rstrip("0").rstrip(".")
    return f"{percent}% {name} {low:.{digits}f} to {high:.{digits}f}"


def method_name(name: str) -> str:
    """A method as readers know it: ``"stl"`` → ``"STL decomposition"``, ``"chow"`` →
    ``"Chow test"``; an unknown name has its underscores turned to spaces and its first
    letter raised, never the rest lowered (``"ADF_extra"`` → ``"ADF extra"``)."""
    key = name.strip()
    if key.lower() in METHOD_NAMES:
        return METHOD_NAMES[key.lower()]
    text = re.sub(r"[_\s]+", " ", key).strip()
    return text[:1].upper() + text[1:]


#: Tables longer than this are still cut by pandas: a guard for researchers who display a
#: whole raw table in JupyterLab. No report table comes near it, and the browser test fails
#: on any cut cell.
MAX_ROWS_SHOWN = 5000


def show_tables_whole() -> None:
    """Set pandas' display options so a report shows every table whole: all rows (up to
    :data:`MAX_ROWS_SHOWN`), all columns, every cell in full (no "..."); the page scrolls
    long or wide tables inside their own box."""
    import pandas as pd

    pd.set_option("display.max_rows", MAX_ROWS_SHOWN)
    pd.set_option("display.max_columns", None)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", None)
    pd.set_option("display.max_seq_items", None)
