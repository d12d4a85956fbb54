"""Sentences of the engagement report's primary test: both directions, p, N and power, honest words."""

import pandas as pd

from analysis import countlag, summary


def _table(p_forward, p_backward):
    from analysis.relations import bh_q_values

    table = pd.DataFrame(
        [
            {
                "cause": "proactive diplomacy",
                "effect": "PICSS attacks",
                "lag_order": 1,
                "statistic": 0.1,
                "df_num": 1,
                "df_denom": 41,
                "p_value": p_forward,
                "method": "count-lag quasi-F (negative binomial)",
                "n": 50,
                "coefficient": 0.02,
                "ci_low": -0.1,
                "ci_high": 0.15,
                "window": "2020-05 to 2026-01",
            },
            {
                "cause": "PICSS attacks",
                "effect": "proactive diplomacy",
                "lag_order": 1,
                "statistic": 0.2,
                "df_num": 1,
                "df_denom": 49,
                "p_value": p_backward,
                "method": "count-lag quasi-F (Poisson)",
                "n": 57,
                "coefficient": -0.3,
                "ci_low": -1.5,
                "ci_high": 0.9,
                "window": "2020-02 to 2026-01",
            },
        ]
    )
    table.insert(7, "q_value", bh_q_values(table["p_value"]))
    return table


POWER = pd.DataFrame(
    {
        "direction": list(countlag.DIRECTIONS),
        "size": [0.05, 0.12],
        "effect": [0.3, 1.5],
        "power": [0.92, 0.84],
        "reps": [100, 100],
    }
)


def test_no_evidence_is_read_with_its_power():
    text = summary.primary_answer_sentence(
        _table(0.81, 0.62), POWER, engagement_label="proactive diplomacy", outcome_words="PICSS attacks"
    )
    assert text.startswith("**Which moves first?** Neither")
    assert "p = 0.81" in text and "N = 50 months" in text and "N = 57 months" in text
    assert "power 0.92 at an effect of 0.3" in text and "power 0.84 at an effect of 1.5" in text
    assert "no effect" not in text


def test_a_direction_with_evidence_is_named_and_tiny_p_is_not_zero():
    text = summary.primary_answer_sentence(
        _table(0.00001, 0.5), POWER, engagement_label="proactive diplomacy", outcome_words="PICSS attacks"
    )
    assert "past proactive diplomacy helps predict PICSS attacks (p &lt; 0.001" in text  # escaped Markdown
    assert "p = 0.000" not in text and "not proof of cause" in text


def test_power_sentence_flags_an_oversized_test_and_words_the_effects():
    text = summary.primary_power_sentence(POWER)
    assert "13% more attacks in the month after a month with two proactive diplomatic events" in text
    assert "84% more proactive diplomatic events" in text
    assert "In violence → engagement, the test rejects in more than 10%" in text  # size 0.12 > 0.10
    assert "exploratory, not calibrated evidence" in text
    assert "exploratory" not in summary.primary_power_sentence(POWER.assign(size=[0.05, 0.07]))


def test_display_tables_keep_refusals_with_their_reason():
    display = summary.primary_display_table(_table(0.81, 0.00001))
    assert display["p"].tolist() == ["0.81", "< 0.001"]
    robustness = pd.DataFrame(
        [
            {
                "variant": "primary",
                "description": "primary",
                "cause": "a",
                "effect": "b",
                "statistic": 1.0,
                "df_num": 1,
                "df_denom": 40,
                "p_value": 0.3,
                "q_value": 0.3,
                "n": 50,
                "method": "m",
                "note": "",
            },
            {"variant": "quarterly", "description": "quarterly", "note": "only 10 quarters"},
        ]
    )
    shown = summary.robustness_display_table(robustness)
    assert shown.loc[("quarterly", "both"), "note"] == "only 10 quarters"
    assert "Not estimable: quarterly" in summary.robustness_sentence(robustness)


def test_cross_border_finding_names_q_when_a_p_below_5_percent_does_not_survive_two_directions():
    table = _table(0.64, 0.049)
    items = summary.engagement_findings(
        {},
        {"table": table},
        {},
        {},
        engagement_label="proactive diplomacy",
        violence_words="PICSS attacks",
    )
    (item,) = items
    assert "no evidence either way once both directions are counted" in item
    assert "cross-border violence first: p = 0.049, q = 0.10" in item
    assert "diplomacy first: p = 0.64, q = 0.64" in item and len(item) < 300
