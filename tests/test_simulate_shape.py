"""The simulation design shaped like the bundled data (SIMULATED DATA)."""

import numpy as np

from analysis import series, simulate, sources


def _bundled_attacks():
    figures = sources.load_violence(None)
    selection = series.resolve_violence_selection(figures, "", "attacks")
    return series.violence_series(figures, **selection, frequency="M", start="2020-01", end="2026-01")


def test_default_gaps_are_the_bundled_gap_pattern():
    violence = _bundled_attacks()
    design = simulate.shaped_design_from(violence.values)
    assert design.n == simulate.ShapedDesign().n == 73
    assert design.violence_gaps == simulate.BUNDLED_VIOLENCE_GAPS
    assert design.break_at == simulate.ShapedDesign().break_at
    assert design.n - len(design.violence_gaps) == 58


def test_shaped_pair_has_gaps_level_and_overdispersion():
    design = simulate.ShapedDesign()
    engagement, violence = simulate.simulate_shaped_pair("independent", design, reps=400, seed=3)
    assert np.isnan(violence[:, list(design.violence_gaps)]).all()
    assert not np.isnan(engagement).any()
    observed = np.delete(violence, design.violence_gaps, axis=1)
    # pre-break near 18 a month, late months near 80 (the bundled series' shape)
    assert 12 < np.nanmean(violence[:, : design.break_at]) < 26
    assert 60 < np.nanmean(violence[:, -12:]) < 110
    assert 0.7 < engagement.mean() < 2.0
    # overdispersed relative to Poisson in the last year
    late = violence[:, -12:]
    assert np.nanvar(late) > 1.5 * np.nanmean(late)
    assert observed.shape[1] == 58


def test_effect_moves_the_responding_series_only():
    design = simulate.ShapedDesign(violence_gaps=())
    e0, v0 = simulate.simulate_shaped_pair("independent", design, reps=300, seed=5)
    e1, v1 = simulate.simulate_shaped_pair("violence_leads", design, effect=1.0, reps=300, seed=5)
    lagged = [
        np.corrcoef(np.log1p(v[i, :-1]), np.log1p(e[i, 1:]))[0, 1] for v, e in ((v0, e0),) for i in range(300)
    ]
    lagged1 = [np.corrcoef(np.log1p(v1[i, :-1]), np.log1p(e1[i, 1:]))[0, 1] for i in range(300)]
    assert np.mean(lagged1) > np.mean(lagged) + 0.05
