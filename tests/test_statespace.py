"""State-space VAR, cumulator sensitivity and missingness test (analysis.statespace).

Known-truth checks run on SIMULATED DATA shaped like the bundled series
(analysis.simulate.simulate_shaped_pair): 73 months, the 15 PICSS gaps, NB2
violence, a shared break, post-break trend and harmonic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import consistency, simulate, statespace
from analysis.errors import InsufficientData

DESIGN = simulate.ShapedDesign()


def _pair(scenario="independent", effect=0.0, seed=0, rep=0, design=DESIGN):
    engagement, violence = simulate.simulate_shaped_pair(
        scenario, design, effect=effect, reps=rep + 1, seed=seed
    )
    index = design.index()
    return (
        pd.Series(engagement[rep], index=index, name="engagement"),
        pd.Series(violence[rep], index=index, name="violence"),
    )


@pytest.fixture(scope="module")
def fitted():
    engagement, violence = _pair(seed=3)
    return statespace.fit_state_space_var(engagement, violence, break_date=DESIGN.break_date())


# ---------------------------------------------------------------- terms


def test_deterministic_terms_follow_the_break_convention():
    index = pd.period_range("2020-01", "2026-01", freq="M")
    terms = statespace.deterministic_terms(index, "2021-08-15", harmonics=2)
    assert list(terms.columns) == ["trend", "level_change", "slope_change", "sin1", "cos1", "sin2", "cos2"]
    assert terms.loc[pd.Period("2021-08", "M"), "level_change"] == 0  # August 2021 is "before"
    assert terms.loc[pd.Period("2021-09", "M"), "level_change"] == 1
    assert terms.loc[pd.Period("2022-09", "M"), "slope_change"] == pytest.approx(1.0)  # years
    assert terms["trend"].iloc[12] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="harmonics"):
        statespace.deterministic_terms(index, harmonics=7)


# ---------------------------------------------------------------- VARMAX


def test_state_space_var_uses_every_observed_month(fitted):
    assert fitted.n_observed == {"engagement": 73, "violence": 58}
    assert fitted.n_months == 73 and fitted.converged
    assert fitted.data["violence"].isna().sum() == 15  # nothing filled
    assert fitted.cross_lag_names("engagement", "violence") == ["L1.engagement.violence"]


def test_granger_table_is_tidy(fitted):
    table = statespace.granger_state_space(None, None, fit=fitted, method="wald_chi2")
    assert tuple(table.columns) == statespace.GRANGER_COLUMNS
    assert list(table["cause"]) == ["engagement", "violence"]
    assert table["df_denom"].isna().all() and (table["df_num"] == 1).all()
    assert list(table["n"]) == [58, 73]  # observed months of the effect series
    assert ((table["p_value"] > 0) & (table["p_value"] <= 1)).all()
    assert (table["q_value"] >= table["p_value"] - 1e-12).all()
    f_table = statespace.granger_state_space(None, None, fit=fitted, method="wald_f")
    # F = Wald / q with df_denom = n - lags - (1 + 2 lags + 5 deterministic terms)
    assert list(f_table["df_denom"]) == [58 - 1 - 8, 73 - 1 - 8]
    assert np.allclose(f_table["statistic"], table["statistic"])
    assert table["calibration"].str.contains("size").all()


def test_refuses_only_for_too_few_observed_months():
    engagement, violence = _pair(seed=4)
    violence.iloc[10:50] = np.nan  # 73 - 40 - (gaps outside) observed
    with pytest.raises(InsufficientData, match="observed months of 'violence'"):
        statespace.fit_state_space_var(engagement, violence)


def test_impulse_responses_match_statsmodels_and_the_chart_format(fitted):
    from analysis import plots

    irf = statespace.state_space_impulse_responses(fitted, horizon=6, draws=200, seed=1)
    assert list(irf.columns) == [
        "ordering",
        "impulse",
        "response",
        "horizon",
        "response_value",
        "lower",
        "upper",
    ]
    assert irf["ordering"].nunique() == 2 and len(irf) == 2 * 4 * 7
    first = irf[irf["ordering"].str.startswith("engagement →")]
    reference = fitted.results.impulse_responses(6, impulse=0, orthogonalized=True)
    mine = first[first["impulse"] == "engagement"].pivot(
        index="horizon", columns="response", values="response_value"
    )
    assert np.allclose(mine[["engagement", "violence"]].to_numpy(), reference.to_numpy(), atol=1e-8)
    assert (irf["lower"] <= irf["response_value"] + 1e-9).all()
    assert (irf["upper"] >= irf["response_value"] - 1e-9).all()
    fig = plots.impulse_response_chart(irf)
    assert len(fig.axes) == 4


# ---------------------------------------------------------------- published spans


def _figures(rows):
    base = {
        "source_org": "M",
        "region": "Pakistan",
        "actor": "",
        "measure": "attacks",
        "basis": "published",
        "scope_note": "",
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def test_published_spans_lists_each_span_once_as_published():
    rows = [
        {
            "figure_id": f"m{m}",
            "period_start": pd.Timestamp(f"2023-{m:02d}-01"),
            "period_end": pd.Timestamp(f"2023-{m:02d}-01") + pd.offsets.MonthEnd(0),
            "granularity": "month",
            "value": 10,
        }
        for m in range(1, 13)
        if m not in (6, 10)
    ]
    rows += [
        {
            "figure_id": "y",
            "period_start": pd.Timestamp("2023-01-01"),
            "period_end": pd.Timestamp("2023-12-31"),
            "granularity": "year",
            "value": 130,
        },
        {
            "figure_id": "y-b",
            "period_start": pd.Timestamp("2023-01-01"),
            "period_end": pd.Timestamp("2023-12-31"),
            "granularity": "year",
            "value": 128,
        },
        {
            "figure_id": "h1",
            "period_start": pd.Timestamp("2023-01-01"),
            "period_end": pd.Timestamp("2023-06-30"),
            "granularity": "half",
            "value": 61,
        },
        {
            "figure_id": "odd",
            "period_start": pd.Timestamp("2023-01-05"),
            "period_end": pd.Timestamp("2023-02-10"),
            "granularity": "span",
            "value": 5,
        },
        {
            "figure_id": "other",
            "period_start": pd.Timestamp("2023-01-01"),
            "period_end": pd.Timestamp("2023-12-31"),
            "granularity": "year",
            "value": 999,
            "measure": "fatalities",
        },
    ]
    spans = consistency.published_spans(_figures(rows), "M", "attacks")
    assert tuple(spans.columns) == consistency.SPAN_COLUMNS
    assert list(spans["figure_id"]) == ["h1", "y"]  # ordered by start, end; non-whole-month span left out
    year = spans.iloc[1]
    assert year["value"] == 130 and year["also_published"] == "128"  # first in table order
    assert year["months_missing"] == 2 and year["missing_months"] == "2023-06, 2023-10"
    assert spans.iloc[0]["months_missing"] == 1


def test_bundled_total_spans_match_the_picss_totals():
    from analysis import sources

    spans = consistency.published_spans(sources.load_violence(None), "PICSS", "attacks")
    informative = spans.loc[spans["months_missing"] > 0]
    index = DESIGN.index()
    offsets = tuple(
        (index.get_loc(a), index.get_loc(b))
        for a, b in zip(informative["period_start"], informative["period_end"])
    )
    assert offsets == simulate.BUNDLED_TOTAL_SPANS


# ---------------------------------------------------------------- cumulator


def test_cumulator_pins_a_missing_month_to_its_published_total():
    engagement, violence, complete, totals = simulate.simulate_shaped_pair_with_totals(
        "independent", DESIGN, reps=1, seed=7
    )
    index = DESIGN.index()
    e = pd.Series(engagement[0], index=index, name="engagement")
    v = pd.Series(violence[0], index=index, name="violence")
    fit = statespace.fit_cumulator_var(e, v, totals, break_date=DESIGN.break_date())
    assert len(fit.spans_used) == 6 and fit.uses_totals
    smoothed = fit.smoothed_violence()
    june = pd.Period("2023-06", "M")  # the only gap of 2023-H1: its total pins it
    assert np.isnan(smoothed.loc[june, "observed"])  # the data stay missing
    assert smoothed.loc[june, "smoothed"] == pytest.approx(complete[0, 41], abs=8)
    assert smoothed.loc[june, "upper"] - smoothed.loc[june, "lower"] < 25
    # observed months are reproduced
    observed = smoothed["observed"].notna()
    assert np.allclose(smoothed.loc[observed, "smoothed"], smoothed.loc[observed, "observed"], atol=1e-4)
    table = statespace.granger_cumulator(fit)
    assert tuple(table.columns) == statespace.GRANGER_COLUMNS + ("totals",)
    assert table["totals"].str.startswith("6 published totals").all()
    bare = statespace.fit_cumulator_var(e, v, totals, use_totals=False, break_date=DESIGN.break_date())
    assert not bare.uses_totals and len(bare.spans_used) == 0
    only_observed = totals.iloc[[2]].assign(
        period_start=pd.Period("2022-01", "M"), period_end=pd.Period("2022-12", "M")
    )  # no gap inside
    comparison = statespace.cumulator_comparison(e, v, only_observed, break_date=DESIGN.break_date())
    assert len(comparison) == 2 and comparison["totals"].str.contains("no published total").all()


def test_calibration_command_needs_its_subcommand(capsys):
    assert statespace.main(["nothing"]) == 2
    assert "usage" in capsys.readouterr().out


# ---------------------------------------------------------------- missingness


def test_missingness_test_holds_its_size_when_gaps_are_random():
    result = statespace.calibrate_missingness("random", reps=200, seed=11)  # SIMULATED DATA
    assert result["rejection_rate"] <= 0.08


def test_missingness_test_detects_months_missing_because_quiet():
    result = statespace.calibrate_missingness("quiet", reps=60, seed=12)  # SIMULATED DATA
    assert result["rejection_rate"] >= 0.6


def test_missingness_result_reads_plainly():
    _, violence = _pair(seed=5)
    result = statespace.missingness_level_test(violence, break_date=DESIGN.break_date())
    assert tuple(result.columns) == statespace.MISSINGNESS_COLUMNS
    row = result.iloc[0]
    assert row["n"] == 73 and row["n_missing"] == 15 and row["n_rotations"] == 72
    assert "p = 0.000" not in row["sentence"] and "(s)" not in row["sentence"]
    assert "15 missing months" in row["sentence"]
    full = violence.fillna(10.0)  # a test fixture, not data: no gaps left
    with pytest.raises(InsufficientData, match="no missing month"):
        statespace.missingness_level_test(full)


# ---------------------------------------------------------------- calibration (slow)


@pytest.mark.slow
def test_state_space_granger_holds_size_at_the_bundled_shape():
    table = statespace.calibrate_granger("independent", reps=100, seed=10, irf_draws=200)
    for row in table.itertuples():  # SIMULATED DATA
        assert row.failed == 0
        # measured 0.066 and 0.026 over 350 replications (README); 100 here
        assert row.rejection_rate <= 0.10, row
        assert row.irf_band_excludes_zero <= 0.12, row


@pytest.mark.slow
def test_state_space_granger_power_at_the_stated_effect():
    table = statespace.calibrate_granger("engagement_leads", effect=0.4, reps=40, seed=20)
    method = statespace.DEFAULT_METHOD
    right = table[(table["method"] == method) & (table["direction"] == "engagement_causes_violence")]
    assert right["rejection_rate"].iloc[0] >= 0.8  # SIMULATED DATA


@pytest.mark.slow
def test_cumulator_recovers_missing_months_and_holds_size():
    table = statespace.calibrate_cumulator("independent", reps=24, seed=30)
    row = table.iloc[0]  # SIMULATED DATA
    assert row["rmse_missing_with_totals"] < 0.8 * row["rmse_missing_without_totals"]
    assert row["share_better_with_totals"] >= 0.9
    assert (table["rejection_rate"] <= 0.125).all()  # at most 3 of 24 per direction
