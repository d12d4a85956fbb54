"""The association measure on data whose answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InsufficientData
from analysis.relations import MIN_PAIRED_PERIODS, paired_observations, rank_association
from analysis.series import RegularSeries


def make_series(values, start="2020-01", label="x") -> RegularSeries:
    index = pd.period_range(start=start, periods=len(values), freq="M")
    return RegularSeries(
        values=pd.Series(values, index=index, dtype=float),
        label=label,
        frequency="M",
        source="test",
        measure="count",
        basis="simulated",
    )


def test_monotone_relation_gives_rho_one_with_tight_interval():
    rng = np.random.default_rng(1)
    x = rng.poisson(20, 60).astype(float) + np.arange(60) * 0.01
    result = rank_association(make_series(x), make_series(3 * x + 2, label="y"), n_boot=300)
    assert result.estimate == pytest.approx(1.0)
    assert result.ci_low > 0.95
    assert result.n == 60


def test_independent_series_interval_covers_zero_in_most_runs():
    covered = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        a = make_series(rng.poisson(10, 60))
        b = make_series(rng.poisson(10, 60), label="y")
        result = rank_association(a, b, n_boot=200, seed=seed)
        covered += result.ci_low <= 0 <= result.ci_high
    assert covered >= 16  # nominal 95%: 19 of 20 expected


def test_strong_negative_relation_is_detected():
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, 80)
    y = -x + rng.normal(0, 0.3, 80)
    result = rank_association(make_series(x), make_series(y, label="y"), n_boot=300)
    assert result.estimate < -0.8 and result.ci_high < 0 and result.p_value < 0.05


def test_only_periods_observed_in_both_are_used():
    x = np.arange(40, dtype=float)
    y = x.copy()
    x[[3, 10]] = np.nan
    y[[10, 20, 30]] = np.nan
    paired = paired_observations(make_series(x), make_series(y))
    assert len(paired) == 36


def test_differences_never_bridge_gaps():
    x = np.arange(30, dtype=float)
    x[10] = np.nan
    paired = paired_observations(make_series(x), make_series(np.arange(30.0)), "difference")
    # 29 changes in a complete series; the gap at 10 removes changes 9→10 and 10→11.
    assert len(paired) == 27


def test_refuses_below_minimum_with_reason_and_n():
    x = np.arange(30, dtype=float)
    y = np.full(30, np.nan)
    y[: MIN_PAIRED_PERIODS - 1] = np.arange(MIN_PAIRED_PERIODS - 1)
    with pytest.raises(InsufficientData) as info:
        rank_association(make_series(x), make_series(y, label="y"))
    assert info.value.n == MIN_PAIRED_PERIODS - 1
    assert info.value.required == MIN_PAIRED_PERIODS
    assert "both" in info.value.reason


def test_refuses_when_a_series_does_not_vary():
    with pytest.raises(InsufficientData, match="does not vary"):
        rank_association(make_series(np.arange(30.0)), make_series(np.zeros(30), label="y"))


def test_is_reproducible_with_seed():
    rng = np.random.default_rng(3)
    a, b = make_series(rng.poisson(5, 50)), make_series(rng.poisson(5, 50), label="y")
    first = rank_association(a, b, n_boot=200, seed=11)
    second = rank_association(a, b, n_boot=200, seed=11)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)


def test_benjamini_hochberg_q_values():
    from analysis.relations import association_table, bh_q_values

    assert np.allclose(bh_q_values([0.01, 0.04, 0.03]), [0.03, 0.04, 0.04])
    rng = np.random.default_rng(5)
    a, b = make_series(rng.poisson(5, 40)), make_series(rng.poisson(5, 40), label="y")
    results = [rank_association(a, b, n_boot=100, transform=t) for t in ("level", "difference")]
    table = association_table(results)
    assert list(table.index) == ["level", "difference"]
    assert (table["placebo_q_bh"] >= table["placebo_p"] - 1e-9).all()
