"""Does a row's verbatim quote support its number?

A violence figure is in the table only if its own quote states it
(data/README.md, section 1). This module checks that mechanically:

* :func:`numbers_in` finds every number a text states: digits (with ``,``
  thousands separators, and in Arabic-Indic, Urdu/Persian or Devanagari
  digits) and English numbers written in words ("nine", "sixty-one",
  "one hundred and six");
* :func:`value_support` says how a row's ``value`` is supported: by digits
  in the quote, by words in the quote (then ``scope_note`` must carry the
  marker "(number written in words)"), or by a reason stated in
  ``scope_note`` ("published zero", "stated as a difference");
* :func:`measure_words_near` says whether words naming the row's measure
  (attacks, killed, injured, combat-related, ...) stand near a mention of
  the number.

The number-word parser is written here (about thirty lines) rather than taken
from a library: the quotes in words are all English, and the checks need the
position of each mention in the text, which the word-to-number libraries do
not report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

#: Digits of other scripts, mapped to ASCII: Arabic-Indic (٠-٩), Extended
#: Arabic-Indic as used in Urdu and Persian (۰-۹), Devanagari (०-९).
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९", "0123456789" * 3)

#: A run of digits, optionally grouped in thousands by ``,`` or the Arabic
#: thousands separator (U+066C). A space is not a separator: tables in quotes
#: put numbers side by side with spaces.
_NUMBER_RE = re.compile(r"(?<![\d.])\d{1,3}(?:[,\u066c]\d{3})+(?!\d)|(?<![\d.])\d+(?!\d)")

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_SCALES = {"hundred": 100, "thousand": 1000}
_WORD_RE = re.compile(r"[A-Za-z]+|-|\s+")

#: Marker in ``scope_note`` when the quote states the value only in words.
WORDS_MARKER = "(number written in words)"
_WORDS_MARKER_RE = re.compile(r"\(numbers? written in words\)", re.IGNORECASE)
#: Reasons a quote may not state the value at all, each said in ``scope_note``.
ZERO_MARKER = "published zero"
DIFFERENCE_MARKER = "stated as a difference"


@dataclass(frozen=True)
class Mention:
    """One number stated in a text: its value, where it stands, and how it is written."""

    value: int
    start: int
    end: int
    written: str  # "digits" or "words"


def _word_mentions(text: str) -> list[Mention]:
    """English numbers written in words, e.g. "sixty-one", "one hundred and six"."""
    mentions: list[Mention] = []
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    i = 0
    while i < len(tokens):
        word = tokens[i][0].lower()
        if word not in _UNITS and word not in _TENS:
            i += 1
            continue
        start, end = tokens[i][1], tokens[i][2]
        total, current, j = 0, 0, i
        last_kind = None
        while j < len(tokens):
            token = tokens[j][0].lower()
            if token in _UNITS and last_kind in (None, "tens", "scale", "and"):
                if last_kind == "tens" and _UNITS[token] >= 10:
                    break
                current += _UNITS[token]
                last_kind = "unit"
            elif token in _TENS and last_kind in (None, "scale", "and"):
                current += _TENS[token]
                last_kind = "tens"
            elif token in _SCALES and last_kind in ("unit", "tens"):
                if _SCALES[token] == 100:
                    current *= 100
                else:
                    total, current = total + current * 1000, 0
                last_kind = "scale"
            elif token == "and" and last_kind == "scale":
                last_kind = "and"
                j += 1
                continue
            elif token.isspace() or token == "-":
                j += 1
                continue
            else:
                break
            end = tokens[j][2]
            j += 1
        mentions.append(Mention(total + current, start, end, "words"))
        # continue after the last token that was part of the number
        while i < len(tokens) and tokens[i][1] < end:
            i += 1
    return mentions


def numbers_in(text: str) -> list[Mention]:
    """Every number stated in ``text``, in digits or in English words.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of Mention
        In order of position. Digits of the Arabic-Indic, Urdu/Persian and
        Devanagari scripts count as digits; ``1,063`` is one thousand and
        sixty-three.

    Examples
    --------
    >>> [m.value for m in numbers_in("1,063 attacks, up from nine; ۱۲ killed")]
    [1063, 9, 12]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    ascii_text = text.translate(_DIGITS)  # same length: positions are kept
    mentions = [
        Mention(int(re.sub(r"\D", "", m.group())), m.start(), m.end(), "digits")
        for m in _NUMBER_RE.finditer(ascii_text)
    ]
    mentions += _word_mentions(text)
    return sorted(mentions, key=lambda m: m.start)


def value_support(value: int, quote: str, scope_note: str) -> str | None:
    """How the quote (or the scope note) supports a row's value.

    Parameters
    ----------
    value : int
        The row's ``value``.
    quote : str
        The row's ``source_quote``.
    scope_note : str
        The row's ``scope_note``.

    Returns
    -------
    str or None
        ``"digits"`` when the quote states the value in digits;
        ``"words"`` when only in words and ``scope_note`` carries
        :data:`WORDS_MARKER`; ``"published zero"`` (value 0) or
        ``"stated as a difference"`` when ``scope_note`` says so; ``None``
        when nothing supports the value (including a value in words without
        the marker).
    """
    mentions = numbers_in(quote)
    if any(m.value == value and m.written == "digits" for m in mentions):
        return "digits"
    note = scope_note.lower()
    if any(m.value == value for m in mentions) and _WORDS_MARKER_RE.search(scope_note):
        return "words"
    if value == 0 and ZERO_MARKER in note:
        return ZERO_MARKER
    if DIFFERENCE_MARKER in note:
        return DIFFERENCE_MARKER
    return None


#: Words that name each measure, as the quoted pages write them (lowercase
#: stems; English, Urdu, Hindi, Persian, Portuguese, German and French).
MEASURE_WORDS: dict[str, tuple[str, ...]] = {
    "attacks": (
        "attack",
        "incident",
        "terror",
        "violence",
        "strike",
        "bombing",
        "ataque",
        "anschl",
        "attentat",
        "हमल",
        "حمل",
        "واقع",
        "واقعات",
    ),
    "incidents": ("incident", "attack", "operation", "violen", "terror", "واقع", "हमल"),
    "fatalities": (
        "kill",
        "death",
        "dead",
        "died",
        "fatalit",
        "lives",
        "life",
        "lost",
        "martyr",
        "perish",
        "toll",
        "casualt",
        "mort",
        "décès",
        "tote",
        "getötet",
        "मौत",
        "मारे",
        "جاں بحق",
        "ہلاک",
        "شہید",
        "جان",
    ),
    "combat_deaths": (
        "combat",
        "violence-linked",
        "violence-related",
        "violence related",
        "fatalit",
        "death",
        "kill",
        "lives",
        "lost",
        "dead",
        "mort",
        "décès",
    ),
    "injured": ("injur", "wound", "hurt", "ferid", "verletzt", "blessé", "घायल", "زخمی"),
    "civilians_killed": ("civilian", "people", "citizen", "civil", "नागरिक", "شہری"),
    "security_forces_killed": (
        "security",
        "soldier",
        "personnel",
        "police",
        "troop",
        "army",
        "forces",
        "officials",
        "law enforcement",
        "jawan",
        "जवान",
        "सुरक्षा",
        "سیکیورٹی",
        "اہلکار",
    ),
    "militants_killed": (
        "militant",
        "terrorist",
        "insurgent",
        "outlaw",
        "attacker",
        "khawarij",
        "kharji",
        "khwarij",
        "fitna",
        "dahshatgard",
        "आतंकी",
        "दहशतगर्द",
        "دہشت",
    ),
}

#: Characters either side of a mention of the value searched for the measure's words.
MEASURE_WINDOW = 160


def measure_words_near(measure: str, value: int, quote: str, window: int = MEASURE_WINDOW) -> bool:
    """True if a word naming ``measure`` stands within ``window`` characters of
    a mention of ``value`` in ``quote``.

    Parameters
    ----------
    measure : str
        One of the keys of :data:`MEASURE_WORDS`.
    value : int
    quote : str
    window : int
        Characters searched before and after each mention.

    Returns
    -------
    bool
        False also when the value is not mentioned at all.

    Raises
    ------
    KeyError
        If ``measure`` has no word list (a derived measure).
    """
    words = MEASURE_WORDS[measure]
    lowered = quote.lower()
    for mention in numbers_in(quote):
        if mention.value != value:
            continue
        around = lowered[max(0, mention.start - window) : mention.end + window]
        if any(word in around for word in words):
            return True
    return False


def _is_table(quote: str) -> bool:
    """A quote copied from a table ("Table 01: ... Provinces No of attacks Fatalities ...")
    names its measures once, in the header: the whole quote is searched."""
    return quote.lstrip().lower().startswith("table")


def unsupported_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """Published violence rows whose quote does not support their value or measure.

    Parameters
    ----------
    figures : pandas.DataFrame
        Violence table with ``figure_id``, ``value``, ``measure``,
        ``scope_note``, ``source_quote`` and ``basis``.

    Returns
    -------
    pandas.DataFrame
        ``figure_id``, ``value``, ``measure`` and ``problem`` (what is
        missing), one row per failing figure; empty when every row passes.
        Rows derived from event data are not checked (they have no quote). A
        quote copied from a table (it starts with "Table") names the measure
        in its header, so the whole quote is searched for the measure's words.
    """
    problems = []
    published = figures.loc[figures["basis"] == "published"]
    for row in published.itertuples(index=False):
        value = int(row.value)
        how = value_support(value, row.source_quote, row.scope_note)
        if how is None:
            problems.append(
                (
                    row.figure_id,
                    value,
                    row.measure,
                    "the value is not in the quote in digits, and the scope note gives "
                    "no reason (" + WORDS_MARKER + ", published zero, stated as a "
                    "difference)",
                )
            )
        elif how in ("digits", "words") and not measure_words_near(
            row.measure,
            value,
            row.source_quote,
            len(row.source_quote) if _is_table(row.source_quote) else MEASURE_WINDOW,
        ):
            problems.append(
                (
                    row.figure_id,
                    value,
                    row.measure,
                    f"no word naming the measure within {MEASURE_WINDOW} characters "
                    "of the value in the quote",
                )
            )
    return pd.DataFrame(problems, columns=["figure_id", "value", "measure", "problem"])
