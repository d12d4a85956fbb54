"""The primary test (analysis.countlag) on SIMULATED pairs shaped like the bundled data: it uses
every observed month, loses exactly the rows whose lags are missing, holds its size in each
direction and reaches its stated power at the stated minimum detectable effect."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis import countlag, relations, simulate
from analysis.errors import InsufficientData
from analysis.simulate import ShapedDesign


def _pair(scenario="independent", effect=0.0, seed=5, design=ShapedDesign()):
    engagement, violence = simulate.simulate_shaped_pair(scenario, design, effect=effect, reps=1, seed=seed)
    return (
        simulate.shaped_series(engagement[0], "engagement", design),
        simulate.shaped_series(violence[0], "violence", design),
        design,
    )


def test_rows_used_follow_the_gap_pattern_and_nothing_is_filled():
    engagement, violence, design = _pair()
    before = violence.copy()
    table = countlag.count_lag_granger(engagement, violence, break_date=design.break_date())
    pd.testing.assert_series_equal(violence, before)  # input untouched, gaps stay NaN
    rows = table.set_index("cause")
    observed = ~np.isnan(violence.to_numpy())
    # violence equation: this month and last month observed; engagement equation: last month's violence
    assert rows.loc["engagement", "n"] == int((observed[1:] & observed[:-1]).sum()) == 50
    assert rows.loc["violence", "n"] == int(observed[:-1].sum()) == 57
    assert list(table.columns[:10]) == [
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
    assert table["method"].tolist() == [
        "count-lag quasi-F (negative binomial)",
        "count-lag quasi-F (Poisson)",
    ]
    # 8 mean parameters (constant, trend, level, slope, sine, cosine, own lag, cause lag), and α
    assert rows.loc["engagement", "df_denom"] == 50 - 8 - 1
    assert rows.loc["violence", "df_denom"] == 57 - 8


def test_each_isolated_gap_removes_up_to_lag_order_plus_one_rows():
    design = replace(ShapedDesign(), violence_gaps=(30,))
    engagement, violence, _ = _pair(design=design)
    for lag_order in (1, 2):
        rows = countlag.count_lag_granger(
            engagement, violence, break_date=design.break_date(), lag_order=lag_order
        ).set_index("cause")
        full = design.n - lag_order
        assert rows.loc["engagement", "n"] == full - (lag_order + 1)
        assert rows.loc["violence", "n"] == full - lag_order


def test_granger_both_ways_defaults_to_the_primary_test_and_matches_the_array_path():
    engagement, violence, design = _pair("engagement_leads", effect=0.6, seed=8)
    table = relations.granger_both_ways(engagement, violence, break_date=design.break_date())
    direct = countlag.count_lag_granger(engagement, violence, break_date=design.break_date())
    pd.testing.assert_frame_equal(table, direct)
    p = countlag.simulated_p_values(
        engagement.to_numpy()[None, :], violence.to_numpy()[None, :], countlag._design_terms(design)
    )
    assert np.allclose(p[0], table["p_value"].to_numpy())
    assert table.loc[0, "q_value"] < 0.05 and table.loc[0, "coefficient"] > 0


def test_refuses_only_for_too_few_observed_rows():
    engagement, violence, design = _pair()
    short = violence.copy()
    short.iloc[::2] = np.nan  # no two consecutive months observed
    with pytest.raises(
        InsufficientData, match="no month has 'violence' observed together with the previous month"
    ):
        countlag.count_lag_granger(engagement, short, break_date=design.break_date())
    with pytest.raises(ValueError, match="non-negative whole counts"):
        countlag.count_lag_granger(engagement, violence + 0.5, break_date=design.break_date())


def test_robustness_table_has_every_variant_and_states_refusals():
    engagement, violence, design = _pair()
    quarterly_e = engagement.groupby(engagement.index.asfreq("Q")).sum(min_count=3)
    quarterly_v = violence.groupby(violence.index.asfreq("Q")).sum(min_count=3)
    table = countlag.robustness_table(
        engagement,
        violence,
        engagement_quarterly=quarterly_e,
        violence_quarterly=quarterly_v,
        break_date=design.break_date(),
    )
    assert list(dict.fromkeys(table["variant"])) == list(countlag.ROBUSTNESS_VARIANTS)
    quarterly = table[table["variant"] == "quarterly"]
    assert quarterly["p_value"].isna().all() and "quarters" in quarterly["note"].iloc[0]
    steps = table[table["variant"] == "measure_change"]
    assert (
        steps["df_denom"].to_numpy() == table[table["variant"] == "primary"]["df_denom"].to_numpy() - 1
    ).all()


def test_design_like_recovers_the_shape_of_a_series():
    design = ShapedDesign()
    engagement, violence = simulate.simulate_shaped_pair("independent", design, reps=1, seed=2)
    fitted = countlag.design_like(
        simulate.shaped_series(violence[0], "v", design),
        simulate.shaped_series(engagement[0], "e", design),
        break_date=design.break_date(),
    )
    assert fitted.violence_gaps == design.violence_gaps and fitted.break_at == design.break_at
    assert abs(fitted.violence_log_mean - design.violence_log_mean) < 0.4
    assert abs(fitted.violence_slope - design.violence_slope) < 0.02


def test_power_is_cached_by_design_and_code(tmp_path, monkeypatch):
    from analysis import paths

    monkeypatch.setattr(paths, "CACHE_DIR", tmp_path)
    design = replace(ShapedDesign(), n=48, violence_gaps=(10, 30))
    first = countlag.primary_power(design, reps=10)
    assert len(list(tmp_path.rglob("*.json"))) == 1
    again = countlag.primary_power(design, reps=10)
    pd.testing.assert_frame_equal(first, again)
    assert list(first["direction"]) == list(countlag.DIRECTIONS)


@pytest.mark.slow
def test_size_at_most_0_08_in_each_direction_at_the_bundled_shape():
    """SIMULATED DATA: 400 independent pairs with the bundled gap pattern, shared break and trend."""
    rates = countlag.rejection_rates("independent", reps=400)
    print("\n" + simulate.SIMULATED_LABEL + "\n" + rates.to_string())
    assert (rates["rejection_rate"] <= 0.08).all()


@pytest.mark.slow
def test_power_at_least_0_8_at_the_stated_minimum_detectable_effect():
    """SIMULATED DATA: 200 pairs per direction at PRIMARY_MDE, and below 0.8 one grid step lower."""
    for direction, effect in countlag.PRIMARY_MDE.items():
        scenario = countlag.TRUE_SCENARIO[direction]
        at = countlag.rejection_rates(
            scenario, effect=effect, reps=200, seed=countlag.CALIBRATION_SEED + 1
        ).set_index("direction")
        lower = countlag.EFFECT_GRID[countlag.EFFECT_GRID.index(effect) - 1]
        below = countlag.rejection_rates(
            scenario, effect=lower, reps=200, seed=countlag.CALIBRATION_SEED + 1
        ).set_index("direction")
        print(
            f"\n{simulate.SIMULATED_LABEL}: {direction} power {at.loc[direction, 'rejection_rate']:.3f} "
            f"at {effect}, {below.loc[direction, 'rejection_rate']:.3f} at {lower}"
        )
        assert at.loc[direction, "rejection_rate"] >= 0.8
        assert below.loc[direction, "rejection_rate"] < 0.8
