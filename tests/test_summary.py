"""Plain-language text states N, intervals and refusals, and escapes data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import summary
from analysis.errors import InsufficientData
from analysis.relations import rank_association
from analysis.series import RegularSeries


def _series(values, label):
    index = pd.period_range("2022-01", periods=len(values), freq="M")
    return RegularSeries(
        values=pd.Series(values, index=index, dtype=float),
        label=label,
        frequency="M",
        source="test",
        measure="count",
        basis="simulated",
    )


def test_association_sentence_states_estimate_interval_and_n():
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    result = rank_association(_series(x, "a"), _series(x + rng.normal(size=40), "b"), n_boot=200)
    text = summary.association_sentence(result)
    assert f"{result.estimate:.2f}" in text and f"{result.ci_low:.2f} to {result.ci_high:.2f}" in text
    assert "Over 40 periods" in text and "not evidence" in text


def test_refusal_sentence_is_visible_and_gives_reason_and_n():
    text = summary.refusal_sentence(InsufficientData("only 3 periods have both observed", 3, 24))
    assert text.startswith("**Not estimable with these data**, because only 3 periods")
    assert "N = 3" in text and "minimum is 24" in text


def test_text_from_data_is_escaped():
    evil = _series([1.0, np.nan, 2.0], "<script>alert(1)</script>")
    text = summary.coverage_lines([evil])
    assert "<script>" not in text and "&lt;script&gt;" in text
    refusal = summary.refusal_sentence(InsufficientData("label <b>x</b>", 0, 24))
    assert "<b>" not in refusal


def test_interval_and_placebo_disagreeing_is_called_inconclusive():
    from analysis.relations import AssociationResult

    result = AssociationResult(
        estimate=0.3,
        ci_low=0.04,
        ci_high=0.52,
        ci_level=0.95,
        p_value=0.35,
        n=27,
        n_window=50,
        block_length=3.0,
        n_boot=2000,
        n_placebo=21,
        transform="difference",
        first_label="a",
        second_label="b",
        first_period="2021-09",
        last_period="2025-09",
    )
    text = summary.association_sentence(result, q_value=0.35, n_tests=2)
    assert "inconclusive" in text and "q = 0.35 across the 2 tests" in text
    agreeing = summary.association_sentence(result, q_value=0.01, n_tests=2)
    assert "placebo test agrees" in agreeing
