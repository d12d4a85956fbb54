"""The quote checks find numbers as the pages write them, and fail when a quote does not
support its row."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import quotes


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,063 terrorist attacks", [1063]),
        ("3,387 deaths and 2,115 militants", [3387, 2115]),
        ("nine militant attacks", [9]),
        ("Sixty-one terror attacks", [61]),
        ("one hundred and six killed", [106]),
        ("two thousand and five", [2005]),
        ("۱۲ افراد ہلاک", [12]),  # Urdu (Extended Arabic-Indic) digits
        ("٣٤ قتيلا", [34]),  # Arabic-Indic digits
        ("२२९ नागरिकों की मौत", [229]),  # Devanagari digits
        ("110 254 218 472", [110, 254, 218, 472]),  # a table row: spaces do not group thousands
        ("up 27.5 per cent", [27]),  # the fraction of a decimal is not a number of its own
        ("someone was killed", []),  # 'one' inside a word is not a number
    ],
)
def test_numbers_in_reads_digits_scripts_and_words(text, expected):
    assert [m.value for m in quotes.numbers_in(text)] == expected


def test_numbers_in_reports_positions_and_how_written():
    text = "compared to nine attacks, 18 were recorded"
    nine, eighteen = quotes.numbers_in(text)
    assert text[nine.start : nine.end] == "nine" and nine.written == "words"
    assert text[eighteen.start : eighteen.end] == "18" and eighteen.written == "digits"


def test_numbers_in_rejects_non_text():
    with pytest.raises(TypeError):
        quotes.numbers_in(12)


@pytest.mark.parametrize(
    "value, quote, note, expected",
    [
        (1063, "Says 1,063 terrorist attacks recorded", "", "digits"),
        (9, "compared to nine militant attacks", "(number written in words)", "words"),
        (9, "compared to nine militant attacks", "April figures", None),  # marker missing
        (0, "no militant attack reported in August", "published zero", "published zero"),
        (0, "no militant attack reported in August", "", None),
        (12, "up by 12 from 30", "stated as a difference", "digits"),
        (18, "up from 30 to 48", "stated as a difference", "stated as a difference"),
        (45, "44 attacks", "", None),
    ],
)
def test_value_support(value, quote, note, expected):
    assert quotes.value_support(value, quote, note) == expected


def test_measure_words_must_be_near_the_number():
    quote = "PICSS recorded 44 attacks in January. " + "x" * 200 + " In all, 61 people were injured."
    assert quotes.measure_words_near("attacks", 44, quote)
    assert quotes.measure_words_near("injured", 61, quote)
    assert not quotes.measure_words_near("injured", 44, quote)  # 'injured' is 200+ characters away
    assert not quotes.measure_words_near("attacks", 45, quote)  # value not in the quote


def test_unsupported_rows_names_each_failing_row():
    rows = pd.DataFrame(
        [
            {
                "figure_id": "ok",
                "value": "44",
                "measure": "attacks",
                "scope_note": "",
                "source_quote": "44 militant attacks",
                "basis": "published",
            },
            {
                "figure_id": "wrong-number",
                "value": "45",
                "measure": "attacks",
                "scope_note": "",
                "source_quote": "44 militant attacks",
                "basis": "published",
            },
            {
                "figure_id": "wrong-measure",
                "value": "44",
                "measure": "injured",
                "scope_note": "",
                "source_quote": "44 militant attacks",
                "basis": "published",
            },
            {
                "figure_id": "table",
                "value": "54",
                "measure": "incidents",
                "scope_note": "",
                "source_quote": "Table 01: Provinces No of attacks Fatalities "
                + "Punjab 25 28 " * 20
                + "Sindh 54 56",
                "basis": "published",
            },
            {
                "figure_id": "derived",
                "value": "3",
                "measure": "events",
                "scope_note": "",
                "source_quote": "",
                "basis": "derived_from_events",
            },
        ]
    )
    bad = quotes.unsupported_rows(rows)
    assert list(bad["figure_id"]) == ["wrong-number", "wrong-measure"]
    assert "not in the quote" in bad.loc[0, "problem"]
    assert "naming the measure" in bad.loc[1, "problem"]
