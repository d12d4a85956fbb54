"""Numbers and words for readers: the one home of reader-facing formatting.

Every page a reader sees says "p < 0.001" (never "p = 0.000"), "1 month" and
"2 months" (never "month(s)"), "the month after" (never "the 1 month after"),
and names methods as readers know them ("STL", not "Stl"). The functions here
return plain text; callers escape it where it goes into Markdown or HTML.

:func:`show_tables_whole` sets pandas' display options so that no table in a
report is cut with "...": every row, every column and every cell in full.
:func:`show_reader_labels` makes every table's HTML display use reader labels for
its columns and index (:data:`COLUMN_LABELS`, :func:`reader_table`).
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
    "reader_label",
    "reader_table",
    "show_tables_whole",
    "show_reader_labels",
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

#: Reader labels for the package's column and index names, as report tables show them.
#: A name not listed here that is written in snake_case (``event_type``, ``ministerial_visit``)
#: is shown with spaces (``event type``); anything else (figure ids such as
#: ``PICSS-2024-attacks``, labels already in words) is shown as it is.
COLUMN_LABELS: dict[str, str] = {
    "n": "N",
    "p_value": "p",
    "q_value": "q (BH)",
    "q_value_bh": "q (BH)",
    "placebo_q_bh": "placebo q (BH)",
    "permutation_p": "permutation p",
    "placebo_p": "placebo p",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "ci_95": "95% CI",
    "ci_95_low": "95% CI low",
    "ci_95_high": "95% CI high",
    "excess_ci_95": "excess, 95% CI",
    "irr": "IRR",
    "sd": "SD",
    "ar_order": "AR order",
    "spearman_rho": "Spearman's ρ",
    "mann_kendall_tau": "Mann–Kendall τ",
    "mann_kendall_z": "Mann–Kendall z",
    "mann_kendall_p": "Mann–Kendall p",
    "theil_sen_slope_per_period": "Theil–Sen slope per period",
    "level_change_irr": "level change (IRR)",
    "level_ci_low": "level change, CI low",
    "level_ci_high": "level change, CI high",
    "level_p_value": "level change p",
    "slope_change_irr": "slope change (IRR)",
    "slope_ci_low": "slope change, CI low",
    "slope_ci_high": "slope change, CI high",
    "first_month_after": "first month after the break",
    "n_before": "N before",
    "n_after": "N after",
    "n_observed": "N observed",
    "n_events_used": "events used",
    "n_events_dropped": "events dropped",
    "n_periods_used": "periods used",
    "n_periods_in_window": "periods in the window",
    "window_k": "periods on each side",
    "source_org": "monitor",
    "months_present": "months with a figure",
    "months_in_window": "months in the window",
    "sum_of_months": "sum of the months",
    "total_id": "total (figure id)",
    "dataset_holds": "the dataset holds",
    "events_in_log": "events in the log",
    "can_check": "can be checked",
    "claim_id": "claim id",
    "engagement_causes_violence": "engagement → violence",
    "violence_causes_engagement": "violence → engagement",
    "naive_either_direction": "either direction, naive lagged correlation",
    # abbreviations in event types and claim ids
    "jcc_meeting": "JCC meeting",
    "jcc_meetings": "JCC meetings",
    "fm_visits_kabul": "FM visits to Kabul",
    "isi_memorandums": "ISI memorandums",
}

#: A snake_case name: lower-case words joined by underscores.
_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")

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


def reader_label(name):
    """The label a reader sees for a column or index name: :data:`COLUMN_LABELS`, or a
    snake_case name with spaces (``"event_type"`` → ``"event type"``); anything else, and
    every value that is not a string, unchanged (``"PICSS-2024-attacks"`` stays as it is)."""
    if not isinstance(name, str):
        return name
    key = name.strip()
    if key in COLUMN_LABELS:
        return COLUMN_LABELS[key]
    if _SNAKE_CASE.fullmatch(key):
        return key.replace("_", " ")
    return name


def reader_table(frame):
    """A copy of ``frame`` with reader labels (:func:`reader_label`) for its column labels,
    its index labels and the names of both axes, at every level; the values are unchanged.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"reader_table takes a pandas DataFrame; got {type(frame).__name__}")
    shown = frame.rename(columns=reader_label, index=reader_label)
    shown.columns = shown.columns.set_names([reader_label(n) for n in shown.columns.names])
    shown.index = shown.index.set_names([reader_label(n) for n in shown.index.names])
    return shown


def _reader_html(frame) -> str | None:
    return reader_table(frame)._repr_html_()


def show_reader_labels() -> None:
    """Show every pandas table in this IPython kernel with reader labels (:func:`reader_table`):
    report tables say "95% CI" and "event type", not ``ci_95`` and ``event_type``. Only the
    HTML display changes; the tables themselves, and their plain-text display, keep the
    package's names. Does nothing outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of every kernel
        return
    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _reader_html)


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
