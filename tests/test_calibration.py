"""Every shown test holds its size at the bundled data's shape (SIMULATED DATA).

The design is :class:`analysis.simulate.ShapedDesign`: 73 months, the bundled
PICSS gap pattern (58 observed), NB2 violence, Poisson engagement near one
event a month, a shared break, a post-break trend and an annual cycle. Each
check is seeded; the tolerances allow for the Monte Carlo error of the runs
used (stated beside each).
"""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis import relations, simulate, summary, trends

SHAPE = simulate.ShapedDesign()
N36 = replace(SHAPE, n=36, break_at=20, violence_gaps=())  # 36 consecutive months


def _pairs(scenario, design, reps, seed, effect=0.0):
    engagement, violence = simulate.simulate_shaped_pair(
        scenario, design, effect=effect, reps=reps, seed=seed
    )
    return [
        (
            simulate.shaped_series(engagement[i], "engagement", design),
            simulate.shaped_series(violence[i], "violence", design),
        )
        for i in range(reps)
    ]


@pytest.mark.parametrize("design", [N36, SHAPE], ids=["n36", "bundled_shape"])
def test_ccf_family_wise_false_positive_rate(design):
    # 150 runs: a true rate of 0.10 would give <= 0.06 with probability below 3%
    hits = [
        (relations.prewhitened_ccf(e, v, break_date=design.break_date())["q_value"] <= 0.05).any()
        for e, v in _pairs("independent", design, 150, seed=101)
    ]
    assert np.mean(hits) <= 0.06


def test_ccf_uses_every_observed_month_and_finds_the_leading_series():
    e, v = _pairs("engagement_leads", SHAPE, 1, seed=5, effect=1.5)[0]
    table = relations.prewhitened_ccf(e, v, break_date=SHAPE.break_date())
    assert table.attrs["n_paired"] == 58  # not the longest gap-free run (22 months)
    lag1 = table[(table["lag"] == 1) & (table["cause"] == "engagement")].iloc[0]
    assert lag1["q_value"] <= 0.05 and lag1["n"] < 58  # the lag's own pairs
    with pytest.raises(relations.InsufficientData) as refusal:
        relations.prewhitened_ccf(e.iloc[:30], v.iloc[:30], break_date=SHAPE.break_date())
    assert "only" in refusal.value.reason and refusal.value.required == relations.MIN_CCF_PERIODS


def test_var_exact_f_is_the_one_equation_f_and_holds_its_size():
    pairs = _pairs("independent", N36, 200, seed=202)
    e, v = pairs[0]
    analysis = relations.fit_var(
        e, v, break_date=N36.break_date(), maxlags=1, diagnostics=False, robust=False
    )
    row = analysis.granger.set_index("cause").loc["engagement"]
    # the same F from two OLS fits of the violence equation
    data = np.log1p(pd.concat([e, v], axis=1))
    exog = analysis.exog.to_numpy()
    y = data["violence"].to_numpy()[1:]
    restricted = sm.add_constant(np.column_stack([data["violence"].to_numpy()[:-1], exog[1:]]))
    full = np.column_stack([restricted, data["engagement"].to_numpy()[:-1]])
    f, p, df = sm.OLS(y, full).fit().compare_f_test(sm.OLS(y, restricted).fit())
    assert np.isclose(row["statistic"], f) and np.isclose(row["p_value"], p)
    assert row["df_denom"] == len(y) - full.shape[1]
    robust = relations.fit_var(e, v, break_date=N36.break_date(), maxlags=1, diagnostics=False)
    assert robust.granger["df_denom"].iloc[0] == row["df_denom"]  # HC3 Wald, same reference
    rejections = []
    for e, v in pairs:  # default: lag order by BIC, HC3 Wald over q against F(q, df_resid)
        granger = relations.fit_var(e, v, break_date=N36.break_date(), diagnostics=False).granger
        rejections.append((granger["p_value"] <= 0.05).to_numpy())
    rates = np.mean(rejections, axis=0)  # per direction, 200 runs: SE about 0.015
    assert (rates <= 0.08).all(), rates


def test_lagged_f_tests_use_gappy_months_and_hold_size():
    rejections = []
    for e, v in _pairs("independent", SHAPE, 300, seed=303):  # SE about 0.013 at 0.05
        table = relations.lagged_f_tests(e, v, break_date=SHAPE.break_date())
        rejections.append((table["p_value"] <= 0.05).to_numpy())
    assert (np.mean(rejections, axis=0) <= 0.08).all()
    rows = table.set_index("effect")["n"]
    assert rows["violence"] == 50  # violence observed this month and the month before
    assert rows["engagement"] == 57  # violence observed the month before
    plain = relations.lagged_f_tests(e, v, break_date=SHAPE.break_date(), robust=False)
    assert not np.allclose(plain["statistic"], table["statistic"])


def _event_periods(engagement, minimum=2):
    counts = engagement.astype(int)
    return [p for p, c in counts.items() if c >= minimum for _ in range(int(c))]


def test_event_window_size_with_visit_like_event_months():
    p_values = []
    for e, v in _pairs("independent", SHAPE, 300, seed=404):  # SE about 0.013 at 0.05
        result = relations.event_window_test(
            v, _event_periods(e), k=1, n_placebo=500, n_boot=20, seed=1, break_date=SHAPE.break_date()
        )
        p_values.append(result.p_value)
    assert np.mean(np.array(p_values) <= 0.05) <= 0.08


def test_event_window_counts_shared_months_once_and_detects_a_real_lead():
    e, v = _pairs("engagement_leads", SHAPE, 1, seed=9, effect=1.5)[0]
    periods = _event_periods(e)
    result = relations.event_window_test(
        v, periods, k=1, n_placebo=2000, seed=1, break_date=SHAPE.break_date()
    )
    assert result.n_events + result.n_events_dropped <= len(periods)
    assert result.n_events == len({p for p in periods}) - sum(
        1
        for p in set(periods)
        if np.isnan(
            relations._window_differences(relations.detrended_counts(v, SHAPE.break_date()).to_numpy(), 1)[
                v.index.get_loc(p)
            ]
        )
    )


@pytest.mark.slow
def test_count_model_interval_coverage_at_58_observed_months():
    study = simulate.count_model_shaped_study(SHAPE, reps=100, seed=505, level_effects=())
    # 100 runs: SE about 0.02 at 0.95
    assert study["coverage"] >= 0.90
    assert study["size"] <= 0.10
    assert study["ljung_box_size"] <= 0.10  # correctly specified fits (no persistence)
    assert study["n_observed"] == 58


@pytest.mark.slow
def test_ljung_box_size_on_correct_fits():
    fits = [
        trends.segmented_count_model(v, break_date=SHAPE.break_date())
        for _, v in _pairs("independent", replace(SHAPE, persistence=0.0), 150, seed=606)
    ]
    assert fits[0].ljung_box["lags"] == trends.ljung_box_lags(58) == 5
    assert np.mean([f.ljung_box["p_value"] <= 0.05 for f in fits]) <= 0.08


def test_count_model_aic_counts_alpha():
    _, v = _pairs("independent", SHAPE, 1, seed=7)[0]
    negbin = trends.segmented_count_model(v, break_date=SHAPE.break_date())
    k = len(negbin.irr)
    assert k == 6  # baseline, trend, level, slope, one harmonic pair
    fitted = negbin.fitted
    mu, y, alpha = fitted["fitted"].to_numpy(), fitted["observed"].to_numpy(), negbin.alpha
    loglike = sm.families.NegativeBinomial(alpha=alpha).loglike(y, mu)
    assert negbin.aic == pytest.approx(-2 * loglike + 2 * (k + 1), rel=1e-6)


def test_change_points_find_none_on_a_smooth_trend_and_find_a_big_break():
    smooth = simulate.smooth_trend_design(SHAPE)
    found = [
        len(trends.change_points(v).attrs["breaks"]) for _, v in _pairs("independent", smooth, 100, seed=707)
    ]
    assert np.mean(np.array(found) > 0) <= 0.12 and np.mean(found) < 0.2
    big = replace(SHAPE, violence_level=1.5, violence_gaps=())
    _, v = _pairs("independent", big, 1, seed=3)[0]
    breaks = [pd.Period(b, "M") for b in trends.change_points(v).attrs["breaks"]]
    assert any(abs((b - pd.Period("2021-09", "M")).n) <= 3 for b in breaks)


def test_trend_and_break_tests_hold_size():
    study = simulate.trend_test_study(SHAPE, reps=150, seed=808, trend_effects=(0.03,))
    assert study["mk_size"] <= 0.08
    assert study["chow_size"] <= 0.10
    assert study["cusum_size"] <= 0.10
    assert study["mk_power"][0.03] >= 0.8


def test_spearman_detrended_holds_size():
    study = simulate.relation_study("spearman_detrended", SHAPE, reps=150, seed=909)
    assert study["size"] <= 0.08


def test_break_month_coded_both_ways():
    _, v = _pairs("independent", SHAPE, 1, seed=11)[0]
    table = trends.break_convention_table(v, "2021-08-15")
    assert list(table["first_month_after"]) == ["2021-09", "2021-08"]
    assert table["n_before"].iloc[0] == table["n_before"].iloc[1] + 1


def test_minimum_detectable_effect_and_labels():
    assert simulate.minimum_detectable_effect([0.5, 1.0, 1.5], [0.2, 0.6, 1.0]) == pytest.approx(1.25)
    assert np.isnan(simulate.minimum_detectable_effect([0.5, 1.0], [0.1, 0.3]))
    assert "exploratory" in summary.calibration_label("chow", {"chow": 0.21}).lower()
    assert "calibrated" in summary.calibration_label("chow", {"chow": 0.04}).lower()
    assert "not measured" in summary.calibration_label("chow", {})


def test_calibration_table_rows_and_display():
    table, curves = simulate.calibration_study(
        SHAPE,
        reps=6,
        power_reps=4,
        seed=1,
        cross_effects=(1.0,),
        level_effects=(0.5,),
        trend_effects=(0.02,),
        tests=["ccf", "var_f", "mann_kendall", "chow"],
    )
    assert set(table["key"]) == {"ccf", "var_f", "mann_kendall", "chow"}
    assert {"size", "size_se", "power_at_stated", "mde_80", "n", "calibrated"} <= set(table.columns)
    assert (table["n"] == 58).all()
    shown = summary.calibration_display_table(table)
    assert "status" in shown.columns and len(shown) == len(table)
    assert set(curves["key"]) == {"ccf", "var_f", "mann_kendall"}
    from matplotlib.figure import Figure

    from analysis import plots

    assert isinstance(plots.power_curves_chart(curves, table), Figure)
