"""Known-truth simulations for validating the estimators (SIMULATED DATA ONLY).

Nothing here is data about Pakistan or Afghanistan. The functions generate
monthly counts whose causal structure is known, so that the package's
methods can be checked for size (false positives when there is no effect),
power (detecting an effect that exists) and interval coverage. Results from
this module must be labelled as simulated wherever they appear.

Data-generating processes (:data:`SCENARIOS`), all with ``n`` months and an
optional level shift at month ``break_at``:

* ``"a"``: engagement responds to violence at lag 1; no effect back; both
  shift up at the break.
* ``"b"``: violence responds to engagement at lag 1; no effect back; both
  shift up at the break.
* ``"c"``: the two series are independent, but both shift up at the break.
* ``"d"``: independent and stationary (no break).

Each series is a Poisson count whose log mean has its own lag-1 persistence
(``phi``) on ``log1p`` of the previous count, the shift, and, in ``a``/``b``,
``effect`` times the other series' previous ``log1p`` count (centred).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import InsufficientData

SCENARIOS: dict[str, str] = {
    "a": "engagement responds to violence at lag 1 (no effect back); both shift at the break",
    "b": "violence responds to engagement at lag 1 (no effect back); both shift at the break",
    "c": "independent series that both shift up at the break",
    "d": "independent, stationary series",
}
#: Label to print wherever simulated results appear.
SIMULATED_LABEL = "SIMULATED DATA: not observations of Pakistan or Afghanistan"


@dataclass(frozen=True)
class Design:
    """Parameters of the simulated pair of monthly count series."""

    n: int = 130
    break_at: int = 80
    violence_log_mean: float = 2.5  # about 12 events a month before the break
    engagement_log_mean: float = 1.5  # about 4.5 events a month
    persistence: float = 0.3  # own-lag coefficient on log1p counts
    shift: float = 0.7  # log-scale level shift at the break (about x2)
    effect: float = 0.6  # cross effect at lag 1 in scenarios a and b
    start: str = "2010-01"


def simulate_pair(
    scenario: str, design: Design = Design(), *, reps: int = 1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate ``reps`` independent pairs (engagement, violence), vectorised over reps.

    Returns
    -------
    engagement, violence : numpy.ndarray
        Shape ``(reps, n)`` of counts.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario must be one of {sorted(SCENARIOS)}; got {scenario!r}")
    rng = np.random.default_rng(seed)
    n = design.n
    shift_on = scenario in ("a", "b", "c")
    engagement = np.zeros((reps, n))
    violence = np.zeros((reps, n))
    # centring constants: log1p of each series' typical level
    centre_v = np.log1p(np.exp(design.violence_log_mean))
    centre_e = np.log1p(np.exp(design.engagement_log_mean))
    prev_v = np.full(reps, centre_v)
    prev_e = np.full(reps, centre_e)
    for t in range(n):
        post = design.shift if (shift_on and t >= design.break_at) else 0.0
        log_v = design.violence_log_mean + post + design.persistence * (prev_v - centre_v - post)
        log_e = design.engagement_log_mean + post + design.persistence * (prev_e - centre_e - post)
        if scenario == "a":
            log_e = log_e + design.effect * (prev_v - centre_v - post)
        elif scenario == "b":
            log_v = log_v + design.effect * (prev_e - centre_e - post)
        violence[:, t] = rng.poisson(np.exp(log_v))
        engagement[:, t] = rng.poisson(np.exp(log_e))
        prev_v, prev_e = np.log1p(violence[:, t]), np.log1p(engagement[:, t])
    return engagement, violence


def as_series(values: np.ndarray, name: str, design: Design = Design()) -> pd.Series:
    """One simulated row as a monthly series named ``name``."""
    index = pd.period_range(design.start, periods=len(values), freq="M")
    return pd.Series(values.astype(float), index=index, name=name)


def break_date(design: Design = Design()) -> str:
    """Start date of the first month after the simulated break."""
    return str(pd.Period(design.start, freq="M") + design.break_at)[:7] + "-01"


def naive_lagged_correlation(
    engagement: np.ndarray, violence: np.ndarray, lag: int = 1
) -> tuple[float, float]:
    """The naive check the package does NOT use: Pearson p-values of
    ``corr(engagement[t], violence[t+lag])`` and ``corr(violence[t], engagement[t+lag])``,
    with no break terms and no prewhitening."""
    p1 = stats.pearsonr(engagement[:-lag], violence[lag:]).pvalue
    p2 = stats.pearsonr(violence[:-lag], engagement[lag:]).pvalue
    return float(p1), float(p2)


def granger_study(
    scenario: str,
    design: Design = Design(),
    *,
    reps: int = 200,
    seed: int = 1,
    alpha: float = 0.05,
    maxlags: int = 4,
) -> dict:
    """Rejection rates of the VAR Granger tests (:func:`analysis.relations.granger_both_ways`
    with ``method="var"``) over replications.

    A direction "rejects" when its Benjamini–Hochberg q-value (across the two
    directions of one call) is at most ``alpha``. The naive lagged Pearson
    correlation (no break terms, no prewhitening; either direction at
    ``alpha``) is run on the same data for comparison.

    Returns
    -------
    dict
        ``scenario, reps, n, engagement_causes_violence, violence_causes_engagement,
        either_direction, either_direction_raw_p, naive_either_direction, refused``
        (rates are shares of the fitted replications).
    """
    from analysis.relations import granger_both_ways

    engagement, violence = simulate_pair(scenario, design, reps=reps, seed=seed)
    brk = break_date(design)
    e_to_v = v_to_e = either = either_raw = naive = refused = 0
    for i in range(reps):
        try:
            table = granger_both_ways(
                as_series(engagement[i], "engagement", design),
                as_series(violence[i], "violence", design),
                break_date=brk,
                maxlags=maxlags,
                method="var",
            )
        except InsufficientData:
            refused += 1
            continue
        rows = table.set_index("cause")
        hit_ev = rows.loc["engagement", "q_value"] <= alpha
        hit_ve = rows.loc["violence", "q_value"] <= alpha
        e_to_v += hit_ev
        v_to_e += hit_ve
        either += hit_ev or hit_ve
        either_raw += (rows["p_value"] <= alpha).any()
        naive += min(naive_lagged_correlation(engagement[i], violence[i])) <= alpha
    fitted = reps - refused
    share = (lambda k: k / fitted) if fitted else (lambda k: float("nan"))
    return {
        "scenario": scenario,
        "description": SCENARIOS[scenario],
        "reps": reps,
        "n": design.n,
        "engagement_causes_violence": share(e_to_v),
        "violence_causes_engagement": share(v_to_e),
        "either_direction": share(either),
        "either_direction_raw_p": share(either_raw),
        "naive_either_direction": share(naive),
        "refused": refused,
    }


def simulate_counts_with_break(
    design: Design = Design(),
    *,
    irr: float = 2.0,
    alpha: float = 0.3,
    trend: float = 0.003,
    reps: int = 1,
    seed: int = 0,
) -> np.ndarray:
    """Negative-binomial (NB2) monthly counts with trend, month effects and a level change.

    ``log mu_t = violence_log_mean + trend t + log(irr) after_t + 0.15 sin(2 pi month / 12)``,
    counts ~ NB2(mu, alpha) (Poisson–gamma mixture).

    Returns
    -------
    numpy.ndarray
        Shape ``(reps, n)``.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(design.n)
    months = pd.period_range(design.start, periods=design.n, freq="M").month.to_numpy() - 1
    log_mu = (
        design.violence_log_mean
        + trend * t
        + np.log(irr) * (t >= design.break_at)
        + 0.15 * np.sin(2 * np.pi * months / 12)
    )
    mu = np.exp(log_mu)
    gamma = rng.gamma(shape=1 / alpha, scale=alpha, size=(reps, design.n))
    return rng.poisson(mu * gamma).astype(float)


def count_model_study(
    design: Design = Design(), *, irr: float = 2.0, alpha: float = 0.3, reps: int = 200, seed: int = 2
) -> dict:
    """Coverage of the level-change IRR interval and the accuracy of alpha.

    Returns
    -------
    dict
        ``reps, n, true_irr, coverage, median_irr, true_alpha, median_alpha,
        alpha_relative_error`` (median of ``|alpha_hat - alpha| / alpha``).
    """
    from analysis.trends import segmented_count_model

    counts = simulate_counts_with_break(design, irr=irr, alpha=alpha, reps=reps, seed=seed)
    brk = break_date(design)
    covered, irrs, alphas = 0, [], []
    for i in range(reps):
        result = segmented_count_model(as_series(counts[i], "simulated counts", design), break_date=brk)
        row = result.term("level_change")
        covered += row["ci_low"] <= irr <= row["ci_high"]
        irrs.append(row["irr"])
        alphas.append(result.alpha)
    alphas = np.array(alphas)
    return {
        "reps": reps,
        "n": design.n,
        "true_irr": irr,
        "coverage": covered / reps,
        "median_irr": float(np.median(irrs)),
        "true_alpha": alpha,
        "median_alpha": float(np.median(alphas)),
        "alpha_relative_error": float(np.median(np.abs(alphas - alpha) / alpha)),
    }


def design_for(n: int, base: Design = Design()) -> Design:
    """The default design rescaled to ``n`` months, the break at the same relative position."""
    from dataclasses import replace

    return replace(base, n=int(n), break_at=int(round(n * base.break_at / base.n)))


def validation_table(sizes, *, reps: int = 200, seed: int = 1, scenarios: str = "abcd") -> pd.DataFrame:
    """Granger size and power for each sample size and scenario (SIMULATED DATA).

    Returns
    -------
    pandas.DataFrame
        One row per ``(n, scenario)`` with the rates of :func:`granger_study`
        and a ``reading`` column: for (a) and (b), the power in the true
        direction and the false-direction rate; for (c) and (d), the size.
    """
    rows = []
    for n in sizes:
        design = design_for(n)
        for scenario in scenarios:
            study = granger_study(scenario, design, reps=reps, seed=seed)
            if scenario == "a":
                reading = (
                    f"power {study['violence_causes_engagement']:.2f} (true direction); "
                    f"false direction {study['engagement_causes_violence']:.2f}"
                )
            elif scenario == "b":
                reading = (
                    f"power {study['engagement_causes_violence']:.2f} (true direction); "
                    f"false direction {study['violence_causes_engagement']:.2f}"
                )
            else:
                reading = (
                    f"size {study['either_direction']:.2f} (either direction); naive lagged "
                    f"correlation {study['naive_either_direction']:.2f}"
                )
            rows.append({**study, "break_at": design.break_at, "reading": reading})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Pairs shaped like the bundled data (length, gap pattern, overdispersion,
# shared break and trend): the calibration design of METHODS.md §4
# --------------------------------------------------------------------------

#: Months (offsets from ``ShapedDesign.start``) with no published PICSS monthly
#: figure in the bundled data, 2020-01..2026-01: 2020-02, 2020-03, 2020-07 to
#: 2021-01, 2021-06, 2021-07, 2023-06, 2023-10, 2023-12 and 2024-12.
#: ``tests/test_simulate_shape.py`` checks it against the bundled data.
BUNDLED_VIOLENCE_GAPS: tuple[int, ...] = (1, 2, 6, 7, 8, 9, 10, 11, 12, 17, 18, 41, 45, 47, 59)

SHAPED_SCENARIOS: dict[str, str] = {
    "independent": "independent series that share the break, a post-break trend and seasonality",
    "engagement_leads": "violence responds to engagement in the month before; no effect back",
    "violence_leads": "engagement responds to violence in the month before; no effect back",
}


@dataclass(frozen=True)
class ShapedDesign:
    """A simulated monthly pair shaped like the bundled engagement and violence series.

    Defaults follow the bundled data, 2020-01..2026-01 (73 months, 58 with a
    PICSS figure): violence near 18 attacks a month before the break, rising
    to about 80 by 2025 (a level change and a post-break slope on the log
    scale) with NB2 overdispersion; engagement (proactive diplomacy) near one
    event a month, Poisson, sharing the break and a weak trend. Both have a
    small annual harmonic and their own lag-1 persistence.

    Attributes
    ----------
    n : int
        Months simulated.
    break_at : int
        Offset of the first month after the break (2021-09 with the default
        start and the August 2021 break coded as "before").
    violence_gaps : tuple of int
        Offsets at which the violence value is set to missing (``NaN``).
    engagement_gaps : tuple of int
        Offsets at which the engagement value is set to missing.
    violence_log_mean, engagement_log_mean : float
        Log mean before the break.
    violence_level, engagement_level : float
        Log-scale level change at the break.
    violence_slope, engagement_slope : float
        Log-scale change per month after the break.
    violence_alpha, engagement_alpha : float
        NB2 dispersion (variance ``mu + alpha mu^2``); 0 gives Poisson.
    seasonal : float
        Amplitude of the annual harmonic on the log scale (both series).
    persistence : float
        Own-lag coefficient on the deviation of ``log1p`` of last month's
        count from its expected value.
    start : str
    """

    n: int = 73
    break_at: int = 20
    violence_gaps: tuple[int, ...] = BUNDLED_VIOLENCE_GAPS
    engagement_gaps: tuple[int, ...] = ()
    violence_log_mean: float = 2.9
    engagement_log_mean: float = -0.1
    violence_level: float = 0.3
    engagement_level: float = 0.2
    violence_slope: float = 0.02
    engagement_slope: float = 0.005
    violence_alpha: float = 0.05
    engagement_alpha: float = 0.0
    seasonal: float = 0.1
    persistence: float = 0.3
    start: str = "2020-01"

    def break_date(self) -> str:
        """Date that puts ``break_at`` first among the "after" months (its first day)."""
        return str(pd.Period(self.start, freq="M") + self.break_at) + "-01"

    def index(self) -> pd.PeriodIndex:
        return pd.period_range(self.start, periods=self.n, freq="M")


def _deterministic_log_mean(design: ShapedDesign, which: str) -> np.ndarray:
    t = np.arange(design.n, dtype=float)
    after = t >= design.break_at
    months = design.index().month.to_numpy() - 1
    base, level, slope = (getattr(design, f"{which}_{part}") for part in ("log_mean", "level", "slope"))
    return (
        base
        + level * after
        + slope * np.where(after, t - design.break_at, 0.0)
        + design.seasonal * np.sin(2 * np.pi * months / 12)
    )


def _draw_counts(rng: np.random.Generator, mu: np.ndarray, alpha: float) -> np.ndarray:
    if alpha <= 0:
        return rng.poisson(mu).astype(float)
    return rng.poisson(mu * rng.gamma(shape=1 / alpha, scale=alpha, size=mu.shape)).astype(float)


def simulate_shaped_pair(
    scenario: str, design: ShapedDesign = ShapedDesign(), *, effect: float = 0.0, reps: int = 1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate ``reps`` pairs (engagement, violence) shaped like the bundled data.

    SIMULATED DATA: label results with :data:`SIMULATED_LABEL`.

    Each series' log mean is its deterministic part (level, break, post-break
    slope, annual harmonic; see :class:`ShapedDesign`) plus ``persistence``
    times last month's deviation of ``log1p(count)`` from ``log1p`` of its
    deterministic mean. In ``"engagement_leads"`` the violence log mean adds
    ``effect`` times engagement's deviation last month; in
    ``"violence_leads"`` the reverse. ``effect`` is ignored for
    ``"independent"``. Gaps are applied after simulation (``NaN``).

    Parameters
    ----------
    scenario : {"independent", "engagement_leads", "violence_leads"}
    design : ShapedDesign
    effect : float
        Cross effect on the log scale per unit of ``log1p`` deviation.
    reps : int
    seed : int

    Returns
    -------
    engagement, violence : numpy.ndarray
        Shape ``(reps, n)``; ``NaN`` at the design's gaps.
    """
    if scenario not in SHAPED_SCENARIOS:
        raise ValueError(f"scenario must be one of {sorted(SHAPED_SCENARIOS)}; got {scenario!r}")
    rng = np.random.default_rng(seed)
    base_v = _deterministic_log_mean(design, "violence")
    base_e = _deterministic_log_mean(design, "engagement")
    centre_v, centre_e = np.log1p(np.exp(base_v)), np.log1p(np.exp(base_e))
    violence = np.zeros((reps, design.n))
    engagement = np.zeros((reps, design.n))
    dev_v = np.zeros(reps)
    dev_e = np.zeros(reps)
    for t in range(design.n):
        log_v = base_v[t] + design.persistence * dev_v
        log_e = base_e[t] + design.persistence * dev_e
        if scenario == "engagement_leads":
            log_v = log_v + effect * dev_e
        elif scenario == "violence_leads":
            log_e = log_e + effect * dev_v
        violence[:, t] = _draw_counts(rng, np.exp(log_v), design.violence_alpha)
        engagement[:, t] = _draw_counts(rng, np.exp(log_e), design.engagement_alpha)
        dev_v = np.log1p(violence[:, t]) - centre_v[t]
        dev_e = np.log1p(engagement[:, t]) - centre_e[t]
    for gaps, values in ((design.violence_gaps, violence), (design.engagement_gaps, engagement)):
        if gaps:
            values[:, list(gaps)] = np.nan
    return engagement, violence


def shaped_series(values: np.ndarray, name: str, design: ShapedDesign = ShapedDesign()) -> pd.Series:
    """One simulated row as a monthly series (``NaN`` = missing) named ``name``."""
    return pd.Series(np.asarray(values, dtype=float), index=design.index(), name=name)


def shaped_design_from(
    violence, engagement=None, *, break_date: str = "2021-08-15", base: ShapedDesign = ShapedDesign()
) -> ShapedDesign:
    """The design with the length, start, break and gap pattern of real series.

    Parameters
    ----------
    violence : RegularSeries or pandas.Series
        Monthly series (``NaN`` = missing); its index sets ``start`` and ``n``.
    engagement : RegularSeries or pandas.Series, optional
        Its missing months (on the violence index) become ``engagement_gaps``.
    break_date : str
        Months starting on or after it are "after" (as in the models).
    base : ShapedDesign
        Source of the other parameters.
    """
    from dataclasses import replace

    from analysis.series import as_period_series

    values = as_period_series(violence)
    index = values.index
    after = np.flatnonzero(index.to_timestamp(how="start") >= pd.Timestamp(break_date))
    break_at = int(after[0]) if len(after) else len(index)
    engagement_gaps: tuple[int, ...] = ()
    if engagement is not None:
        other = as_period_series(engagement).reindex(index)
        engagement_gaps = tuple(int(i) for i in np.flatnonzero(other.isna().to_numpy()))
    return replace(
        base,
        n=len(index),
        start=str(index[0]),
        break_at=break_at,
        violence_gaps=tuple(int(i) for i in np.flatnonzero(values.isna().to_numpy())),
        engagement_gaps=engagement_gaps,
    )


#: Published PICSS totals over spans containing a missing month of the bundled
#: attacks series, as (first, last) month offsets from 2020-01: the 2020 and 2021
#: years, 2023-H1, 2023-01..2023-11, the 2023 year and the 2024 year
#: (``analysis.consistency.published_spans``; checked in ``tests/test_statespace.py``).
BUNDLED_TOTAL_SPANS: tuple[tuple[int, int], ...] = ((0, 11), (12, 23), (36, 41), (36, 46), (36, 47), (48, 59))


def simulate_shaped_pair_with_totals(
    scenario: str,
    design: ShapedDesign = ShapedDesign(),
    *,
    effect: float = 0.0,
    reps: int = 1,
    seed: int = 0,
    spans: tuple[tuple[int, int], ...] = BUNDLED_TOTAL_SPANS,
):
    """:func:`simulate_shaped_pair` plus the complete violence and its totals over ``spans``.

    SIMULATED DATA: label results with :data:`SIMULATED_LABEL`.

    The draws are those of :func:`simulate_shaped_pair` with the same
    arguments (gaps are applied after simulation), so the gapped series are
    identical; the totals are exact sums of the simulated months.

    Returns
    -------
    engagement, violence : numpy.ndarray
        Shape ``(reps, n)``, ``NaN`` at the design's gaps.
    complete_violence : numpy.ndarray
        Shape ``(reps, n)``: violence before the gaps were applied (the truth).
    totals : pandas.DataFrame
        One row per (rep, span): ``rep, period_start, period_end, value``
        (monthly ``Period``), the frame a cumulator model takes.
    """
    from dataclasses import replace

    complete = replace(design, violence_gaps=())
    engagement, full = simulate_shaped_pair(scenario, complete, effect=effect, reps=reps, seed=seed)
    violence = full.copy()
    if design.violence_gaps:
        violence[:, list(design.violence_gaps)] = np.nan
    index = design.index()
    rows = []
    for rep in range(reps):
        for first, last in spans:
            if not 0 <= first <= last < design.n:
                raise ValueError(f"span ({first}, {last}) lies outside the {design.n} months")
            rows.append(
                {
                    "rep": rep,
                    "period_start": index[first],
                    "period_end": index[last],
                    "value": float(full[rep, first : last + 1].sum()),
                }
            )
    return engagement, violence, full, pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Calibration studies at the bundled shape: size, power across effect sizes
# and the minimum detectable effect of every test the reports use
# (SIMULATED DATA; label results with SIMULATED_LABEL)
# --------------------------------------------------------------------------

#: Cross effects (log scale per unit of ``log1p`` deviation) for power curves.
CROSS_EFFECTS: tuple[float, ...] = (0.25, 0.5, 1.0, 1.5, 2.0)
#: Level changes (log scale) for the count model's power curve.
LEVEL_EFFECTS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.5)
#: Log-scale trends per month for the Mann–Kendall power curve.
TREND_EFFECTS: tuple[float, ...] = (0.005, 0.01, 0.02, 0.03)


def monte_carlo_se(rate: float, reps: int) -> float:
    """Monte Carlo standard error of a rejection rate from ``reps`` runs."""
    return float(np.sqrt(max(rate * (1 - rate), 0.0) / reps)) if reps else float("nan")


def minimum_detectable_effect(effects, power, target: float = 0.8) -> float:
    """Smallest effect at which power reaches ``target``, by linear
    interpolation along the power curve (``NaN`` if never reached)."""
    effects, power = np.asarray(effects, float), np.asarray(power, float)
    order = np.argsort(effects)
    effects, power = effects[order], power[order]
    above = np.flatnonzero(power >= target)
    if not len(above):
        return float("nan")
    i = above[0]
    if i == 0:
        return float(effects[0])
    e0, e1, p0, p1 = effects[i - 1], effects[i], power[i - 1], power[i]
    return float(e0 + (target - p0) * (e1 - e0) / (p1 - p0)) if p1 > p0 else float(e1)


def _shaped_pairs(scenario: str, design: ShapedDesign, effect: float, reps: int, seed: int):
    engagement, violence = simulate_shaped_pair(scenario, design, effect=effect, reps=reps, seed=seed)
    for i in range(reps):
        yield (
            shaped_series(engagement[i], "engagement", design),
            shaped_series(violence[i], "violence", design),
        )


def _rate(hits: list) -> tuple[float, int]:
    fitted = [h for h in hits if h is not None]
    return (float(np.mean(fitted)) if fitted else float("nan")), len(hits) - len(fitted)


def _pair_rejections(test, scenario: str, design: ShapedDesign, effect: float, reps: int, seed: int) -> dict:
    """Run ``test(engagement, violence, break_date) -> dict of bool`` over
    simulated pairs; a refusal counts as no fit (``None``)."""
    hits: dict[str, list] = {}
    refused = 0
    for engagement, violence in _shaped_pairs(scenario, design, effect, reps, seed):
        try:
            outcome = test(engagement, violence, design.break_date())
        except InsufficientData:
            refused += 1
            continue
        for key, value in outcome.items():
            hits.setdefault(key, []).append(bool(value))
    rates = {key: float(np.mean(values)) for key, values in hits.items()}
    return {"rates": rates, "refused": refused, "fitted": reps - refused}


def _granger_primary(alpha: float, **options):
    def test(engagement, violence, brk):
        from analysis.relations import granger_both_ways

        table = granger_both_ways(engagement, violence, break_date=brk, **options).set_index("cause")
        return {
            "engagement_to_violence": table.loc["engagement", "p_value"] <= alpha,
            "violence_to_engagement": table.loc["violence", "p_value"] <= alpha,
        }

    return test


def _var_f(alpha: float, **options):
    def test(engagement, violence, brk):
        from analysis.relations import lagged_f_tests

        table = lagged_f_tests(engagement, violence, break_date=brk, **options).set_index("cause")
        return {
            "engagement_to_violence": table.loc["engagement", "p_value"] <= alpha,
            "violence_to_engagement": table.loc["violence", "p_value"] <= alpha,
        }

    return test


def _ccf(alpha: float, **options):
    def test(engagement, violence, brk):
        from analysis.relations import prewhitened_ccf

        table = prewhitened_ccf(engagement, violence, break_date=brk, **options)
        lag1 = table[(table["lag"] == 1)].set_index("cause")["q_value"]
        return {
            "any_lag": (table["q_value"] <= alpha).any(),
            "engagement_to_violence": lag1["engagement"] <= alpha,
            "violence_to_engagement": lag1["violence"] <= alpha,
        }

    return test


#: Event months of the event-window study: months with at least this many
#: simulated engagement events (sparse, and clustered where engagement is
#: high after the break, like ministerial visits).
EVENT_MONTH_MIN_COUNT = 2


def _event_window(alpha: float, n_placebo: int = 1000, min_count: int = EVENT_MONTH_MIN_COUNT, **options):
    def test(engagement, violence, brk):
        from analysis.relations import event_window_test

        counts = engagement.fillna(0).astype(int)
        periods = [p for p, c in counts.items() if c >= min_count for _ in range(int(c))]
        result = event_window_test(
            violence, periods, k=1, n_placebo=n_placebo, n_boot=50, seed=int(counts.sum()), **options
        )
        return {"engagement_to_violence": result.p_value <= alpha}

    return test


def _spearman(alpha: float, transform: str):
    def test(engagement, violence, brk):
        from analysis.relations import rank_association
        from analysis.series import RegularSeries

        def regular(values):
            return RegularSeries(
                values=values,
                frequency="M",
                label=str(values.name),
                source="simulated",
                measure="count",
                basis=SIMULATED_LABEL,
            )

        options = {"break_date": brk} if transform == "detrended" else {}
        result = rank_association(
            regular(engagement), regular(violence), transform=transform, n_boot=20, **options
        )
        return {"either": result.p_value <= alpha}

    return test


def _violence_rows(design: ShapedDesign, reps: int, seed: int):
    _, violence = simulate_shaped_pair("independent", design, reps=reps, seed=seed)
    return [shaped_series(violence[i], "violence", design) for i in range(reps)]


def count_model_shaped_study(
    design: ShapedDesign = ShapedDesign(),
    *,
    reps: int = 100,
    seed: int = 2,
    level_effects=LEVEL_EFFECTS,
    alpha: float = 0.05,
    null_runs: bool = True,
    **options,
) -> dict:
    """The segmented count model at the shaped design (SIMULATED DATA).

    Coverage of the 95% interval of the level-change IRR (true value
    ``exp(design.violence_level)``), size of the level-change test (true
    level change 0), power across ``level_effects`` and the Ljung–Box size
    on correctly specified fits (no persistence). ``null_runs=False`` skips
    all but the power curve.

    Returns
    -------
    dict
        ``coverage, coverage_se, size, power (effect → rate), mde, ljung_box_size,
        n_observed, reps``.
    """
    from dataclasses import replace

    from analysis.trends import segmented_count_model

    def fits(one_design, count, offset):
        out = []
        for values in _violence_rows(one_design, count, seed + offset):
            try:
                out.append(segmented_count_model(values, break_date=one_design.break_date(), **options))
            except InsufficientData:
                continue
        return out

    truth = float(np.exp(design.violence_level))
    results = fits(design, reps, 0) if null_runs else []
    covered = [
        r.term("level_change")["ci_low"] <= truth <= r.term("level_change")["ci_high"] for r in results
    ]
    null = fits(replace(design, violence_level=0.0), reps, 1) if null_runs else []
    size = (
        float(np.mean([r.term("level_change")["p_value"] <= alpha for r in null])) if null else float("nan")
    )
    power = {}
    for i, effect in enumerate(level_effects):
        runs = fits(replace(design, violence_level=effect), reps, 2 + i)
        power[effect] = float(np.mean([r.term("level_change")["p_value"] <= alpha for r in runs]))
    white = fits(replace(design, persistence=0.0), reps, 50) if null_runs else []
    lb_size = float(np.mean([r.ljung_box["p_value"] <= alpha for r in white])) if white else float("nan")
    coverage = float(np.mean(covered)) if covered else float("nan")
    return {
        "coverage": coverage,
        "coverage_se": monte_carlo_se(coverage, len(covered)),
        "size": size,
        "size_se": monte_carlo_se(size, len(null)),
        "power": power,
        "mde": minimum_detectable_effect(list(power), list(power.values())),
        "ljung_box_size": lb_size,
        "ljung_box_size_se": monte_carlo_se(lb_size, len(white)),
        "ljung_box_lags": results[0].ljung_box["lags"] if results else None,
        "n_observed": design.n - len(design.violence_gaps),
        "reps": reps,
    }


def smooth_trend_design(design: ShapedDesign = ShapedDesign(), slope: float = 0.02) -> ShapedDesign:
    """The shaped design with a smooth exponential trend over the whole span and no break."""
    from dataclasses import replace

    return replace(design, break_at=0, violence_level=0.0, violence_slope=slope)


def no_trend_design(design: ShapedDesign = ShapedDesign()) -> ShapedDesign:
    """The shaped design with neither trend nor break (violence stationary around its level)."""
    from dataclasses import replace

    return replace(design, break_at=design.n, violence_level=0.0, violence_slope=0.0)


def change_point_study(
    design: ShapedDesign = ShapedDesign(),
    *,
    reps: int = 100,
    seed: int = 3,
    level_effects=LEVEL_EFFECTS,
    tolerance: int = 3,
    **options,
) -> dict:
    """Change points on a smooth exponential trend (none is true) and around a
    true break of growing size (SIMULATED DATA).

    Returns
    -------
    dict
        ``false_rate`` (share of smooth-trend runs with at least one change
        point), ``mean_false`` (average number), ``power`` (effect → share of
        runs with a change point within ``tolerance`` months of the true
        break), ``mde``, ``reps``.
    """
    from dataclasses import replace

    from analysis.trends import change_points

    counts = []
    for values in _violence_rows(smooth_trend_design(design), reps, seed):
        counts.append(len(change_points(values, **options).attrs["breaks"]))
    counts = np.array(counts)
    brk = pd.Period(design.start, freq="M") + design.break_at
    power = {}
    for i, effect in enumerate(level_effects):
        found = []
        for values in _violence_rows(replace(design, violence_level=effect), reps, seed + 1 + i):
            breaks = [pd.Period(b, freq="M") for b in change_points(values, **options).attrs["breaks"]]
            found.append(any(abs((b - brk).n) <= tolerance for b in breaks))
        power[effect] = float(np.mean(found))
    false_rate = float(np.mean(counts > 0))
    return {
        "false_rate": false_rate,
        "false_rate_se": monte_carlo_se(false_rate, reps),
        "mean_false": float(counts.mean()),
        "power": power,
        "mde": minimum_detectable_effect(list(power), list(power.values())),
        "reps": reps,
    }


def trend_test_study(
    design: ShapedDesign = ShapedDesign(),
    *,
    reps: int = 100,
    seed: int = 4,
    trend_effects=TREND_EFFECTS,
    alpha: float = 0.05,
    **options,
) -> dict:
    """Mann–Kendall (Hamed–Rao) size with no trend and power across log-scale
    trends, and the Chow and CUSUM tests' size on a smooth trend with no
    break (SIMULATED DATA).

    Returns
    -------
    dict
        ``mk_size, mk_power (effect → rate), mk_mde, chow_size, cusum_size, reps``.
    """
    from analysis.trends import chow_test, cusum_test, theil_sen_trend

    null = _violence_rows(no_trend_design(design), reps, seed)
    mk_size = float(np.mean([theil_sen_trend(v, **options).mk_p_value <= alpha for v in null]))
    power = {}
    for i, effect in enumerate(trend_effects):
        rows = _violence_rows(smooth_trend_design(design, effect), reps, seed + 1 + i)
        power[effect] = float(np.mean([theil_sen_trend(v, **options).mk_p_value <= alpha for v in rows]))
    smooth = _violence_rows(smooth_trend_design(design), reps, seed + 20)
    real_break = design.break_date()
    chow = float(np.mean([chow_test(v, real_break).p_value <= alpha for v in smooth]))
    cusum = float(np.mean([cusum_test(v).p_value <= alpha for v in smooth]))
    return {
        "mk_size": mk_size,
        "mk_size_se": monte_carlo_se(mk_size, reps),
        "mk_power": power,
        "mk_mde": minimum_detectable_effect(list(power), list(power.values())),
        "chow_size": chow,
        "chow_size_se": monte_carlo_se(chow, reps),
        "cusum_size": cusum,
        "cusum_size_se": monte_carlo_se(cusum, reps),
        "reps": reps,
    }


def relation_study(
    name: str,
    design: ShapedDesign = ShapedDesign(),
    *,
    reps: int = 100,
    seed: int = 5,
    effects=CROSS_EFFECTS,
    alpha: float = 0.05,
    directions=("engagement_to_violence",),
    **options,
) -> dict:
    """Size and power of one engagement–violence test at the shaped design (SIMULATED DATA).

    Parameters
    ----------
    name : {"granger_primary", "var_f", "ccf", "event_window", "spearman_level",
            "spearman_detrended", "spearman_difference"}
    directions : tuple of str
        Directions whose power is simulated: ``"engagement_to_violence"``
        (scenario ``engagement_leads``) and/or ``"violence_to_engagement"``
        (``violence_leads``). Spearman tests have no direction: power is not
        simulated for them.
    **options
        Passed to the package function.

    Returns
    -------
    dict
        ``size`` (the larger of the directions' rejection rates, or the
        family-wise rate for the CCF), ``size_by_direction``, ``power``
        (direction → effect → rate), ``mde`` (direction → effect at 80%),
        ``refused``, ``reps``.
    """
    builders = {
        "granger_primary": _granger_primary,
        "var_f": _var_f,
        "ccf": _ccf,
        "event_window": _event_window,
    }
    if name in builders:
        test = builders[name](alpha, **options)
    elif name.startswith("spearman_"):
        test = _spearman(alpha, name[len("spearman_") :])
        directions = ()
    else:
        raise ValueError(f"unknown test {name!r}")
    null = _pair_rejections(test, "independent", design, 0.0, reps, seed)
    rates = null["rates"]
    size = rates.get("any_lag", max(rates.values()) if rates else float("nan"))
    power, mde = {}, {}
    scenario_of = {"engagement_to_violence": "engagement_leads", "violence_to_engagement": "violence_leads"}
    for direction in directions:
        curve = {}
        for i, effect in enumerate(effects):
            run = _pair_rejections(test, scenario_of[direction], design, effect, reps, seed + 1 + i)
            curve[effect] = run["rates"].get(direction, float("nan"))
        power[direction] = curve
        mde[direction] = minimum_detectable_effect(list(curve), list(curve.values()))
    fitted = null["fitted"]
    return {
        "test": name,
        "size": size,
        "size_se": monte_carlo_se(size, fitted),
        "size_by_direction": {k: v for k, v in rates.items() if k != "any_lag"},
        "power": power,
        "mde": mde,
        "refused": null["refused"],
        "reps": reps,
    }


# --------------------------------------------------------------------------
# The calibration table: every test the reports use, at the shaped design
# --------------------------------------------------------------------------

#: Tests of the calibration table: key → (plain name, what a rejection means
#: under no effect, unit of the effect sizes).
CALIBRATED_TESTS: dict[str, tuple[str, str, str]] = {
    "granger_primary": (
        "Primary Granger test (relations.granger_both_ways)",
        "p ≤ 0.05 in a direction, independent series",
        "cross effect (log scale per log1p unit)",
    ),
    "var_f": (
        "VAR equation F test at lag 1, HC3 Wald against F(q, df_resid) (relations.lagged_f_tests)",
        "p ≤ 0.05 in a direction, independent series",
        "cross effect (log scale per log1p unit)",
    ),
    "ccf": (
        "Prewhitened cross-correlation (relations.prewhitened_ccf)",
        "any lag with BH q ≤ 0.05, both directions",
        "cross effect (log scale per log1p unit)",
    ),
    "event_window": (
        "Event windows, placebos shifted within year (relations.event_window_test)",
        "p ≤ 0.05, independent series",
        "cross effect (log scale per log1p unit)",
    ),
    "spearman_level": (
        "Spearman placebo p on levels (relations.rank_association)",
        "p ≤ 0.05, independent series",
        "",
    ),
    "spearman_detrended": ("Spearman placebo p on detrended series", "p ≤ 0.05, independent series", ""),
    "spearman_difference": (
        "Spearman placebo p on month-to-month changes",
        "p ≤ 0.05, independent series",
        "",
    ),
    "count_model": (
        "Count model level change (trends.segmented_count_model)",
        "p ≤ 0.05 with no level change",
        "level change (log scale)",
    ),
    "count_model_coverage": ("Count model 95% interval of the level change", "interval misses the truth", ""),
    "ljung_box": ("Ljung–Box on the count model's residuals", "p ≤ 0.05 for a correctly specified fit", ""),
    "change_points": (
        "Change points against a trend (trends.change_points)",
        "any change point on a smooth exponential trend",
        "level change at the break (log scale)",
    ),
    "mann_kendall": (
        "Mann–Kendall, prewhitened (trends.theil_sen_trend)",
        "p ≤ 0.05 with no trend",
        "trend (log scale per month)",
    ),
    "chow": ("Chow test at the known break (trends.chow_test)", "p ≤ 0.05 on a smooth trend, no break", ""),
    "cusum": ("CUSUM (trends.cusum_test)", "p ≤ 0.05 on a smooth trend, no break", ""),
}
#: Largest measured size at which a test is shown as evidence.
MAX_CALIBRATED_SIZE = 0.10
#: Modules whose code the calibration depends on (their hash keys the stored record).
CALIBRATION_MODULES = ("relations", "trends", "simulate", "series", "statespace", "countlag")


def calibration_code_hash() -> str:
    """SHA-256 (first 16 hex digits) of the modules in :data:`CALIBRATION_MODULES`."""
    import hashlib
    import importlib.util

    digest = hashlib.sha256()
    for name in CALIBRATION_MODULES:
        spec = importlib.util.find_spec(f"analysis.{name}")
        if spec is None or spec.origin is None:
            continue
        with open(spec.origin, "rb") as handle:
            digest.update(name.encode() + b"\0" + handle.read())
    return digest.hexdigest()[:16]


def _row(
    key: str,
    size: float,
    size_se: float,
    reps: int,
    n: int,
    *,
    power: dict | None = None,
    stated: float | None = None,
    mde: float = float("nan"),
    refused: int = 0,
    direction: str = "",
    sample: str = "",
) -> dict:
    name, null, unit = CALIBRATED_TESTS[key]
    power = power or {}
    stated = stated if stated is not None else (max(power) if power else None)
    smallest = min(power) if power else None
    bound = "≤" if smallest is not None and power[smallest] >= 0.8 else ""
    return {
        "key": key,
        "test": name + (f", {direction.replace('_to_', ' → ')}" if direction else ""),
        "sample": sample,
        "rejects_when": null,
        "size": size,
        "size_se": size_se,
        "effect_unit": unit,
        "stated_effect": stated,
        "power_at_stated": power.get(stated, float("nan")) if stated is not None else float("nan"),
        "mde_80": mde,
        "mde_bound": bound,
        "n": n,
        "reps": reps,
        "refused": refused,
        "calibrated": bool(np.isfinite(size) and size <= MAX_CALIBRATED_SIZE),
    }


def calibration_study(
    design: ShapedDesign = ShapedDesign(),
    *,
    reps: int = 100,
    power_reps: int = 50,
    seed: int = 20210815,
    cross_effects=CROSS_EFFECTS,
    level_effects=LEVEL_EFFECTS,
    trend_effects=TREND_EFFECTS,
    tests=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Size, power across effect sizes and the 80%-power MDE of every test (SIMULATED DATA).

    Parameters
    ----------
    design : ShapedDesign
        Usually :func:`shaped_design_from` the real series, so the study
        follows the data (length, gap pattern, break).
    reps : int
        Replications for each size (Monte Carlo SE about 0.022 at 5% with 100).
    power_reps : int
        Replications for each point of each power curve.
    seed : int
    cross_effects, level_effects, trend_effects : sequence of float
        Effect sizes of the power curves (the largest is the stated effect).
    tests : sequence of str, optional
        Keys of :data:`CALIBRATED_TESTS` to run (default all).

    Returns
    -------
    table : pandas.DataFrame
        One row per test (and direction): ``key, test, sample, rejects_when,
        size, size_se, effect_unit, stated_effect, power_at_stated, mde_80,
        mde_bound, n, reps, refused, calibrated`` (``size`` is the coverage's
        complement for the interval row; ``mde_bound`` is "≤" when power
        already reaches 80% at the smallest effect simulated).
    curves : pandas.DataFrame
        ``key, direction, effect, power, power_se, reps``.
    """
    wanted = set(tests) if tests is not None else set(CALIBRATED_TESTS)
    n_obs = design.n - len(design.violence_gaps)
    sample = f"{design.n} months, {n_obs} with violence observed"
    rows, curves = [], []

    def add_curve(key, direction, power, count):
        for effect, rate in power.items():
            curves.append(
                {
                    "key": key,
                    "direction": direction,
                    "effect": effect,
                    "power": rate,
                    "power_se": monte_carlo_se(rate, count),
                    "reps": count,
                }
            )

    for i, key in enumerate(("granger_primary", "var_f", "ccf", "event_window")):
        if key not in wanted:
            continue
        directions = (
            ("engagement_to_violence",)
            if key in ("ccf", "event_window")
            else ("engagement_to_violence", "violence_to_engagement")
        )
        null = relation_study(key, design, reps=reps, seed=seed + 100 * i, effects=(), directions=())
        power = relation_study(
            key,
            design,
            reps=power_reps,
            seed=seed + 100 * i + 50,
            effects=cross_effects,
            directions=directions,
        )
        if key == "ccf":
            add_curve(key, "engagement_to_violence", power["power"]["engagement_to_violence"], power_reps)
            rows.append(
                _row(
                    key,
                    null["size"],
                    null["size_se"],
                    reps,
                    n_obs,
                    sample=sample,
                    power=power["power"]["engagement_to_violence"],
                    mde=power["mde"]["engagement_to_violence"],
                    refused=null["refused"],
                )
            )
            continue
        for direction in directions:
            size = null["size_by_direction"].get(direction, float("nan"))
            fitted = reps - null["refused"]
            add_curve(key, direction, power["power"][direction], power_reps)
            rows.append(
                _row(
                    key,
                    size,
                    monte_carlo_se(size, fitted),
                    reps,
                    n_obs,
                    sample=sample,
                    power=power["power"][direction],
                    mde=power["mde"][direction],
                    refused=null["refused"],
                    direction=direction,
                )
            )
    for j, key in enumerate(("spearman_level", "spearman_detrended", "spearman_difference")):
        if key in wanted:
            study = relation_study(key, design, reps=reps, seed=seed + 500 + j)
            rows.append(
                _row(
                    key, study["size"], study["size_se"], reps, n_obs, sample=sample, refused=study["refused"]
                )
            )
    if wanted & {"count_model", "count_model_coverage", "ljung_box"}:
        study = count_model_shaped_study(design, reps=reps, seed=seed + 600, level_effects=())
        power = count_model_shaped_study(
            design, reps=power_reps, seed=seed + 650, null_runs=False, level_effects=level_effects
        )
        add_curve("count_model", "", power["power"], power_reps)
        rows.append(
            _row(
                "count_model",
                study["size"],
                study["size_se"],
                reps,
                n_obs,
                sample=sample,
                power=power["power"],
                mde=power["mde"],
            )
        )
        miss = 1 - study["coverage"]
        rows.append(_row("count_model_coverage", miss, study["coverage_se"], reps, n_obs, sample=sample))
        rows.append(
            _row(
                "ljung_box",
                study["ljung_box_size"],
                study["ljung_box_size_se"],
                reps,
                n_obs,
                sample=sample + f", {study['ljung_box_lags']} lags",
            )
        )
    if "change_points" in wanted:
        study = change_point_study(design, reps=reps, seed=seed + 700, level_effects=())
        power = change_point_study(design, reps=power_reps, seed=seed + 750, level_effects=level_effects)
        add_curve("change_points", "", power["power"], power_reps)
        rows.append(
            _row(
                "change_points",
                study["false_rate"],
                study["false_rate_se"],
                reps,
                n_obs,
                sample=sample,
                power=power["power"],
                mde=power["mde"],
            )
        )
    if wanted & {"mann_kendall", "chow", "cusum"}:
        study = trend_test_study(design, reps=reps, seed=seed + 800, trend_effects=())
        power = trend_test_study(design, reps=power_reps, seed=seed + 850, trend_effects=trend_effects)
        add_curve("mann_kendall", "", power["mk_power"], power_reps)
        rows.append(
            _row(
                "mann_kendall",
                study["mk_size"],
                study["mk_size_se"],
                reps,
                n_obs,
                sample=sample,
                power=power["mk_power"],
                mde=power["mk_mde"],
            )
        )
        rows.append(_row("chow", study["chow_size"], study["chow_size_se"], reps, n_obs, sample=sample))
        rows.append(_row("cusum", study["cusum_size"], study["cusum_size_se"], reps, n_obs, sample=sample))
    table = pd.DataFrame(rows)
    table = table[table["key"].isin(wanted)].reset_index(drop=True)
    return table, pd.DataFrame(curves, columns=["key", "direction", "effect", "power", "power_se", "reps"])


#: Defaults of the stored calibration record (and of notebook 05).
RECORD_REPS = 200
RECORD_POWER_REPS = 50
RECORD_SEED = 20210815
RECORD_LONG_N = 130


def _design_key(design: ShapedDesign) -> dict:
    from dataclasses import asdict

    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(design).items()}


def run_calibration(
    design: ShapedDesign = ShapedDesign(),
    *,
    reps: int = RECORD_REPS,
    power_reps: int = RECORD_POWER_REPS,
    seed: int = RECORD_SEED,
    long_n: int = RECORD_LONG_N,
) -> dict:
    """The whole calibration bundle (SIMULATED DATA): the table and power
    curves at ``design``, and the 130-month comparison (Granger rates by
    scenario and the count model's coverage).

    Returns
    -------
    dict
        ``code_hash, design, reps, power_reps, seed, long_n, table, curves,
        long_rates, long_coverage`` (tables as lists of records).
    """
    table, curves = calibration_study(design, reps=reps, power_reps=power_reps, seed=seed)
    long_reps = max(20, power_reps)
    long_rates = validation_table([long_n], reps=long_reps, seed=seed)
    long_coverage = count_model_study(design_for(long_n), irr=2.0, alpha=0.3, reps=long_reps, seed=seed)
    return {
        "code_hash": calibration_code_hash(),
        "design": _design_key(design),
        "reps": reps,
        "power_reps": power_reps,
        "seed": seed,
        "long_n": long_n,
        "table": table.to_dict("records"),
        "curves": curves.to_dict("records"),
        "long_rates": long_rates.to_dict("records"),
        "long_coverage": long_coverage,
    }


def load_calibration_record(path=None) -> dict | None:
    """The stored calibration bundle (see :func:`run_calibration`), or ``None``."""
    import json

    from analysis.paths import CALIBRATION_RECORD

    path = path or CALIBRATION_RECORD
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def store_calibration_record(bundle: dict, path=None) -> None:
    """Write the bundle as JSON (the command ``python -m analysis.simulate`` does this)."""
    import json

    from analysis.paths import CALIBRATION_RECORD

    path = path or CALIBRATION_RECORD
    text = json.dumps(bundle, indent=1, sort_keys=True, default=float, allow_nan=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


def calibration(
    design: ShapedDesign = ShapedDesign(),
    *,
    reps: int = RECORD_REPS,
    power_reps: int = RECORD_POWER_REPS,
    seed: int = RECORD_SEED,
    long_n: int = RECORD_LONG_N,
) -> tuple[dict, bool]:
    """The calibration bundle, from the stored record when it was made by this
    code with these settings, otherwise computed now (never written: the
    report build must not change the package).

    Returns
    -------
    bundle : dict
    reused : bool
        True when the stored record was used.
    """
    record = load_calibration_record()
    wanted = {
        "code_hash": calibration_code_hash(),
        "design": _design_key(design),
        "reps": reps,
        "power_reps": power_reps,
        "seed": seed,
        "long_n": long_n,
    }
    if record is not None and all(record.get(k) == v for k, v in wanted.items()):
        return record, True
    return run_calibration(design, reps=reps, power_reps=power_reps, seed=seed, long_n=long_n), False


def measured_sizes(record: dict | None = None) -> dict[str, float]:
    """Largest measured size per test key from the stored record (``{}`` if none)."""
    record = record if record is not None else load_calibration_record()
    if not record:
        return {}
    sizes: dict[str, float] = {}
    for row in record["table"]:
        value = row["size"] if row["size"] is not None else float("nan")
        sizes[row["key"]] = max(sizes.get(row["key"], float("-inf")), float(value))
    return sizes


def _bundled_design() -> ShapedDesign:
    from analysis import series, sources

    figures = sources.load_violence(None)
    selection = series.resolve_violence_selection(figures, "PICSS", "attacks")
    violence = series.violence_series(figures, **selection, frequency="M", start="2020-01")
    return shaped_design_from(violence.values, break_date="2021-08-15")


def calibration_frames(bundle: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The calibration table and power curves of a bundle as DataFrames."""
    table = pd.DataFrame(bundle["table"])
    curves = pd.DataFrame(
        bundle["curves"], columns=["key", "direction", "effect", "power", "power_se", "reps"]
    )
    return table, curves


def long_comparison_frames(bundle: dict) -> tuple[pd.DataFrame, dict]:
    """The 130-month comparison of a bundle: Granger rates by scenario, count-model coverage."""
    return pd.DataFrame(bundle["long_rates"]), dict(bundle["long_coverage"])


if __name__ == "__main__":  # python -m analysis.simulate: refresh the stored calibration record
    import time

    started = time.process_time()
    bundle = run_calibration(_bundled_design())
    store_calibration_record(bundle)
    print(
        f"{SIMULATED_LABEL}\ncalibration record for code {bundle['code_hash']} written in "
        f"{time.process_time() - started:.0f} s of CPU time"
    )
    print(
        pd.DataFrame(bundle["table"])[
            ["test", "size", "size_se", "stated_effect", "power_at_stated", "mde_80", "n", "calibrated"]
        ].to_string()
    )
