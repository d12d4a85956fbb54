"""Trend, break and count-model functions against data with a known answer."""

import numpy as np
import pandas as pd
import pytest

from analysis import trends
from analysis.errors import InsufficientData
from analysis.series import as_period_series, longest_observed_run


def monthly(values, start="2018-01", name="counts"):
    return pd.Series(
        np.asarray(values, dtype=float),
        index=pd.period_range(start, periods=len(values), freq="M"),
        name=name,
    )


def test_as_period_series_accepts_month_start_datetimes_and_reindexes_gaps():
    index = pd.DatetimeIndex(["2021-01-01", "2021-02-01", "2021-04-01"])
    values = as_period_series(pd.Series([1.0, 2.0, 4.0], index=index, name="x"))
    assert list(values.index.astype(str)) == ["2021-01", "2021-02", "2021-03", "2021-04"]
    assert np.isnan(values["2021-03"])  # missing, not zero
    with pytest.raises(ValueError, match="month starts"):
        as_period_series(pd.Series([1.0], index=pd.DatetimeIndex(["2021-01-15"])))
    with pytest.raises(TypeError):
        as_period_series(pd.Series([1.0], index=[0]))


def test_longest_observed_run_never_bridges_gaps():
    values = monthly([1, 2, np.nan, 1, 2, 3, 4, np.nan, 5])
    run = longest_observed_run(values)
    assert list(run) == [1, 2, 3, 4]


def test_break_convention_month_containing_mid_month_date_is_before():
    design = trends.its_design(
        monthly(range(1, 13), start="2021-06"), break_date="2021-08-15", month_effects=False
    )
    assert design.loc[pd.Period("2021-08", "M"), "level_change"] == 0
    assert design.loc[pd.Period("2021-09", "M"), "level_change"] == 1
    assert design.loc[pd.Period("2021-10", "M"), "slope_change"] == 1
    on_first = trends.its_design(
        monthly(range(1, 13), start="2021-06"), break_date="2021-08-01", month_effects=False
    )
    assert on_first.loc[pd.Period("2021-08", "M"), "level_change"] == 1


def nb_counts(irr=2.0, n=360, alpha=0.2, seed=3, break_at=200):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    mu = np.exp(3.0 + np.log(irr) * (t >= break_at))
    return monthly(rng.poisson(mu * rng.gamma(1 / alpha, alpha, n)), start="1990-01"), str(
        pd.Period("1990-01", "M") + break_at
    ) + "-01"


def test_count_model_recovers_level_change_and_dispersion():
    counts, brk = nb_counts(irr=2.0, n=360, alpha=0.2)
    result = trends.segmented_count_model(counts, break_date=brk)
    row = result.term("level_change")
    assert row["ci_low"] < 2.0 < row["ci_high"]
    assert 1.6 < row["irr"] < 2.5
    assert 0.14 < result.alpha < 0.26  # estimated, not the GLM default of 1
    assert list(result.irr.columns) == ["term", "irr", "ci_low", "ci_high", "p_value"]
    assert {"level_change", "slope_change", "trend", "baseline"} <= set(result.irr["term"])
    assert result.n == 360 and result.maxlags == trends.newey_west_maxlags(360)
    assert result.dispersion_test["p_value"] < 0.01  # over-dispersed versus Poisson
    assert result.alpha_lr_test["p_value"] < 0.01
    assert 0 <= result.ljung_box["p_value"] <= 1
    assert np.isfinite(result.aic)


def test_poisson_family_and_no_effect():
    counts, brk = nb_counts(irr=1.0, n=240, alpha=0.05, seed=9, break_at=120)
    result = trends.segmented_count_model(counts, break_date=brk, family="poisson", maxlags=3)
    assert result.alpha == 0 and result.maxlags == 3
    row = result.term("level_change")
    assert row["ci_low"] < 1.0 < row["ci_high"]


def test_count_model_leaves_gaps_out_and_says_so():
    counts, brk = nb_counts(n=120, break_at=60)
    counts.iloc[[10, 50, 90]] = np.nan
    result = trends.segmented_count_model(counts, break_date=brk)
    assert result.n == 117
    assert any("3 missing months" in note for note in result.notes)
    assert len(result.fitted) == 117


def test_count_model_refuses_thin_data():
    short = monthly(np.arange(20) + 5)
    with pytest.raises(InsufficientData) as refusal:
        trends.segmented_count_model(short, break_date="2018-10-01")
    assert refusal.value.n == 20 and refusal.value.required == 24
    one_sided = monthly(np.arange(30) + 5)
    with pytest.raises(InsufficientData, match="after the break"):
        trends.segmented_count_model(one_sided, break_date="2020-04-01")  # 2 months after


def test_count_model_drops_month_effects_below_three_years():
    counts = monthly(np.random.default_rng(1).poisson(10, 30))
    result = trends.segmented_count_model(counts, break_date="2019-03-01", family="poisson")
    assert not result.month_effects
    assert not result.irr["term"].str.startswith("month_").any()
    assert any("Month effects left out" in note for note in result.notes)


def test_count_model_rejects_non_counts():
    with pytest.raises(ValueError, match="non-negative whole"):
        trends.segmented_count_model(monthly([1.5] * 40), break_date="2019-06-01")


def test_theil_sen_slope_is_exact_on_a_line_even_with_gaps():
    values = monthly(3 + 2 * np.arange(30))
    values.iloc[[4, 5, 17]] = np.nan
    result = trends.theil_sen_trend(values)
    assert result.slope == pytest.approx(2.0)
    assert (
        result.n == 27 and result.mk_p_value < 0.001 and result.mk_tau > 0.8
    )  # tau of the prewhitened series


def test_mann_kendall_does_not_find_trend_in_noise():
    noise = monthly(np.random.default_rng(5).poisson(20, 80))
    assert trends.theil_sen_trend(noise).mk_p_value > 0.05


def test_stl_needs_three_consecutive_years():
    values = monthly(10 + 5 * np.sin(2 * np.pi * np.arange(48) / 12))
    frame = trends.stl_decomposition(values)
    assert frame.attrs["seasonal_strength"] > 0.9
    values.iloc[20] = np.nan  # longest run now 27 months
    with pytest.raises(InsufficientData) as refusal:
        trends.stl_decomposition(values)
    assert refusal.value.n == 27


def test_chow_detects_a_known_break_and_not_a_false_one():
    rng = np.random.default_rng(11)
    with_break = monthly(rng.poisson(np.where(np.arange(80) >= 40, 40, 10)))
    assert trends.chow_test(with_break, "2021-05-01").p_value < 0.001
    without = monthly(rng.poisson(20, 80))
    assert trends.chow_test(without, "2021-05-01").p_value > 0.05


def test_change_points_find_the_step():
    rng = np.random.default_rng(2)
    values = monthly(rng.poisson(np.where(np.arange(120) >= 60, 45, 15)))
    frame = trends.change_points(values)
    assert len(frame.attrs["breaks"]) == 1
    found = pd.Period(frame.attrs["breaks"][0], "M")
    assert abs((found - values.index[60]).n) <= 2
    assert (frame["n"] >= trends.MIN_SEGMENT).all()


def test_stationarity_reading_rule():
    rng = np.random.default_rng(4)
    noise = monthly(np.exp(rng.normal(3, 0.2, 120)).round())
    assert trends.stationarity_tests(noise)["reading"].startswith("trend-stationary")
    walk = monthly(np.exp(3 + np.cumsum(rng.normal(0, 0.15, 200))).round())
    assert trends.stationarity_tests(walk)["reading"].startswith("unit root")
    with pytest.raises(InsufficientData):
        trends.stationarity_tests(monthly(np.arange(20)))
