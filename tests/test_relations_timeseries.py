"""Prewhitened CCF, Granger both ways, impulse responses and event windows on known truth."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import relations, simulate
from analysis.errors import InsufficientData


def test_granger_table_shape_names_and_direction(reacting_pair):
    engagement, violence, brk = reacting_pair
    for method in ("countlag", "var"):
        table = relations.granger_both_ways(engagement, violence, break_date=brk, method=method)
        assert list(table.columns)[:10] == [
            "cause",
            "effect",
            "lag_order",
            "statistic",
            "df_num",
            "df_denom",
            "p_value",
            "q_value",
            "method",
            "n",
        ]
        _check_reacting_direction(table)
    assert table["method"].iloc[0].startswith("VAR")
    assert (
        relations.granger_both_ways(engagement, violence, break_date=brk)["method"]
        .str.startswith("count-lag")
        .all()
    )


def _check_reacting_direction(table):
    rows = table.set_index("cause")
    assert rows.loc["violence", "effect"] == "engagement"
    assert rows.loc["violence", "q_value"] < 0.01
    assert rows.loc["engagement", "p_value"] > 0.05
    expected_q = relations.bh_q_values(table["p_value"])
    assert np.allclose(table["q_value"], expected_q)
    assert (table["df_num"] == table["lag_order"]).all()


def test_granger_accepts_datetime_and_period_indexes_identically(reacting_pair):
    engagement, violence, brk = reacting_pair
    by_period = relations.granger_both_ways(engagement, violence, break_date=brk)
    by_date = relations.granger_both_ways(
        engagement.set_axis(engagement.index.to_timestamp()),
        violence.set_axis(violence.index.to_timestamp()),
        break_date=brk,
    )
    pd.testing.assert_frame_equal(by_period, by_date)


def test_granger_uses_every_observed_month_by_default_and_var_still_refuses_gaps(reacting_pair):
    engagement, violence, brk = reacting_pair
    gappy = violence.copy()
    gappy.iloc[35::36] = np.nan  # runs of 35 months at most
    table = relations.granger_both_ways(engagement, gappy, break_date=brk).set_index("cause")
    # violence equation: each of the 3 isolated gaps removes the month and the month after;
    # engagement equation: the month after each gap (its lag of violence is missing)
    assert table.loc["engagement", "n"] == 129 - 3 * 2
    assert table.loc["violence", "n"] == 129 - 3
    assert table.loc["violence", "q_value"] < 0.01
    with pytest.raises(InsufficientData) as refusal:
        relations.granger_both_ways(engagement, gappy, break_date=brk, method="var")
    assert refusal.value.n == 35 and refusal.value.required == 36
    one_gap = violence.copy()
    one_gap.iloc[40] = np.nan
    analysis = relations.fit_var(engagement, one_gap, break_date=brk)
    assert analysis.n == 130 - 41  # the longer stretch after the gap, nothing filled
    assert analysis.window.startswith(str(violence.index[41]))


def test_var_diagnostics_and_impulse_responses(reacting_pair):
    engagement, violence, brk = reacting_pair
    analysis = relations.fit_var(engagement, violence, break_date=brk)
    assert analysis.stable
    assert {"trend", "level_change", "slope_change", "season_sin_1", "season_cos_1"} <= set(
        analysis.exog_terms
    )
    assert 0 <= analysis.whiteness["p_value"] <= 1 and 0 <= analysis.instantaneous["p_value"] <= 1
    irf = relations.impulse_responses(analysis, horizon=6, repl=100)
    assert irf["ordering"].nunique() == 2
    assert (
        (irf["lower"] <= irf["response_value"] + 1e-9) & (irf["response_value"] <= irf["upper"] + 1e-9)
    ).mean() > 0.9
    one = irf[(irf["impulse"] == "violence") & (irf["response"] == "engagement") & (irf["horizon"] == 1)]
    assert (one["lower"] > 0).all()  # violence raises engagement a month later, in both orderings
    fevd = relations.variance_decomposition(analysis, horizon=6)
    shares = fevd.groupby(["variable", "horizon"])["share"].sum()
    assert np.allclose(shares, 1.0)


def test_prewhitened_ccf_labels_the_leading_series(reacting_pair):
    engagement, violence, brk = reacting_pair
    table = relations.prewhitened_ccf(engagement, violence, break_date=brk, max_lag=4)
    assert len(table) == 5 + 4  # lag 0 once, lags 1-4 in each direction
    top = table.loc[table["correlation"].abs().idxmax()]
    assert top["label"] == "violence leads engagement by 1 month"
    assert top["correlation"] > top["band"] and top["q_value"] < 0.05
    wrong_way = table[(table["cause"] == "engagement") & (table["lag"] > 0)]
    assert (wrong_way["q_value"] > 0.05).all()
    first = table.iloc[0]  # the band is the 5% critical correlation of a t test with the lag's own df
    t_crit = stats.t.ppf(0.975, first["df"])
    assert np.isclose(first["band"], t_crit / np.sqrt(first["df"] + t_crit**2))
    assert (table["df"] < table["n"] - 6).all()  # constant, trend, level, slope, two harmonics, AR


def test_shared_break_does_not_create_a_ccf_peak():
    design = simulate.Design(shift=1.5)
    engagement, violence = simulate.simulate_pair("c", design, reps=1, seed=8)
    e = simulate.as_series(engagement[0], "engagement", design)
    v = simulate.as_series(violence[0], "violence", design)
    table = relations.prewhitened_ccf(e, v, break_date=simulate.break_date(design))
    assert (table["q_value"] > 0.05).all()
    raw = np.corrcoef(e.to_numpy()[:-1], v.to_numpy()[1:])[0, 1]
    assert raw > 0.5  # the naive correlation is large


def test_lead_lag_words():
    assert relations.lead_lag_words("a", "b", 0) == "a and b in the same month"
    assert relations.lead_lag_words("a", "b", 3, "quarter") == "a leads b by 3 quarters"


def monthly(values, start="2015-01", name="violence"):
    return pd.Series(
        np.asarray(values, float), index=pd.period_range(start, periods=len(values), freq="M"), name=name
    )


def test_event_window_finds_a_planted_rise_and_not_a_random_one():
    rng = np.random.default_rng(0)
    base = rng.poisson(20, 200).astype(float)
    events = list(range(10, 190, 12))
    planted = base.copy()
    for e in events:
        planted[e + 1 : e + 3] += 15
    series = monthly(planted)
    periods = series.index[events]
    result = relations.event_window_test(series, periods, k=2, n_placebo=3000, seed=1, break_date=None)
    # the events recur in one calendar month, so the annual harmonic of the
    # detrending absorbs part of the planted rise of 15
    assert result.excess > 5 and result.excess_ci_low > 0 and result.p_value < 0.01
    assert result.n_events == len(events) and result.n_events_dropped == 0
    again = relations.event_window_test(series, periods, k=2, n_placebo=3000, seed=1, break_date=None)
    assert again.p_value == result.p_value  # seeded
    null = relations.event_window_test(monthly(base), periods, k=2, n_placebo=3000, seed=1, break_date=None)
    assert null.p_value > 0.05 and null.excess_ci_low < 0 < null.excess_ci_high


def test_event_window_drops_incomplete_windows_and_refuses():
    values = monthly(np.arange(40) % 7 + 5)
    values.iloc[[5, 6]] = np.nan
    periods = values.index[[4, 20, 25, 30, 33, 38]]  # 4: missing neighbours; 38: runs off the end
    with pytest.raises(InsufficientData) as refusal:
        relations.event_window_test(values, periods, k=2)
    assert refusal.value.n == 4
    result = relations.event_window_test(values, periods, k=2, min_events=3)
    assert result.n_events == 4 and result.n_events_dropped == 2
