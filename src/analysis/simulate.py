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
    violence_log_mean: float = 2.5     # about 12 events a month before the break
    engagement_log_mean: float = 1.5   # about 4.5 events a month
    persistence: float = 0.3           # own-lag coefficient on log1p counts
    shift: float = 0.7                 # log-scale level shift at the break (about x2)
    effect: float = 0.6                # cross effect at lag 1 in scenarios a and b
    start: str = "2010-01"


def simulate_pair(scenario: str, design: Design = Design(), *, reps: int = 1,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
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


def naive_lagged_correlation(engagement: np.ndarray, violence: np.ndarray, lag: int = 1) -> tuple[float, float]:
    """The naive check the package does NOT use: Pearson p-values of
    ``corr(engagement[t], violence[t+lag])`` and ``corr(violence[t], engagement[t+lag])``,
    with no break terms and no prewhitening."""
    p1 = stats.pearsonr(engagement[:-lag], violence[lag:]).pvalue
    p2 = stats.pearsonr(violence[:-lag], engagement[lag:]).pvalue
    return float(p1), float(p2)


def granger_study(scenario: str, design: Design = Design(), *, reps: int = 200, seed: int = 1,
                  alpha: float = 0.05, maxlags: int = 4) -> dict:
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
            table = granger_both_ways(as_series(engagement[i], "engagement", design),
                                      as_series(violence[i], "violence", design),
                                      break_date=brk, maxlags=maxlags, method="var")
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
    return {"scenario": scenario, "description": SCENARIOS[scenario], "reps": reps, "n": design.n,
            "engagement_causes_violence": share(e_to_v), "violence_causes_engagement": share(v_to_e),
            "either_direction": share(either), "either_direction_raw_p": share(either_raw),
            "naive_either_direction": share(naive), "refused": refused}


def simulate_counts_with_break(design: Design = Design(), *, irr: float = 2.0, alpha: float = 0.3,
                               trend: float = 0.003, reps: int = 1, seed: int = 0) -> np.ndarray:
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
    months = (pd.period_range(design.start, periods=design.n, freq="M").month.to_numpy() - 1)
    log_mu = (design.violence_log_mean + trend * t + np.log(irr) * (t >= design.break_at)
              + 0.15 * np.sin(2 * np.pi * months / 12))
    mu = np.exp(log_mu)
    gamma = rng.gamma(shape=1 / alpha, scale=alpha, size=(reps, design.n))
    return rng.poisson(mu * gamma).astype(float)


def count_model_study(design: Design = Design(), *, irr: float = 2.0, alpha: float = 0.3,
                      reps: int = 200, seed: int = 2) -> dict:
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
    return {"reps": reps, "n": design.n, "true_irr": irr, "coverage": covered / reps,
            "median_irr": float(np.median(irrs)), "true_alpha": alpha,
            "median_alpha": float(np.median(alphas)),
            "alpha_relative_error": float(np.median(np.abs(alphas - alpha) / alpha))}


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
                reading = (f"power {study['violence_causes_engagement']:.2f} (true direction); "
                           f"false direction {study['engagement_causes_violence']:.2f}")
            elif scenario == "b":
                reading = (f"power {study['engagement_causes_violence']:.2f} (true direction); "
                           f"false direction {study['violence_causes_engagement']:.2f}")
            else:
                reading = (f"size {study['either_direction']:.2f} (either direction); naive lagged "
                           f"correlation {study['naive_either_direction']:.2f}")
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
    return (base + level * after + slope * np.where(after, t - design.break_at, 0.0)
            + design.seasonal * np.sin(2 * np.pi * months / 12))


def _draw_counts(rng: np.random.Generator, mu: np.ndarray, alpha: float) -> np.ndarray:
    if alpha <= 0:
        return rng.poisson(mu).astype(float)
    return rng.poisson(mu * rng.gamma(shape=1 / alpha, scale=alpha, size=mu.shape)).astype(float)


def simulate_shaped_pair(scenario: str, design: ShapedDesign = ShapedDesign(), *, effect: float = 0.0,
                         reps: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
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


def shaped_design_from(violence, engagement=None, *, break_date: str = "2021-08-15",
                       base: ShapedDesign = ShapedDesign()) -> ShapedDesign:
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
    return replace(base, n=len(index), start=str(index[0]), break_at=break_at,
                   violence_gaps=tuple(int(i) for i in np.flatnonzero(values.isna().to_numpy())),
                   engagement_gaps=engagement_gaps)


#: Published PICSS totals over spans containing a missing month of the bundled
#: attacks series, as (first, last) month offsets from 2020-01: the 2020 and 2021
#: years, 2023-H1, 2023-01..2023-11, the 2023 year and the 2024 year
#: (``analysis.consistency.published_spans``; checked in ``tests/test_statespace.py``).
BUNDLED_TOTAL_SPANS: tuple[tuple[int, int], ...] = ((0, 11), (12, 23), (36, 41), (36, 46), (36, 47),
                                                    (48, 59))


def simulate_shaped_pair_with_totals(scenario: str, design: ShapedDesign = ShapedDesign(), *,
                                     effect: float = 0.0, reps: int = 1, seed: int = 0,
                                     spans: tuple[tuple[int, int], ...] = BUNDLED_TOTAL_SPANS):
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
            rows.append({"rep": rep, "period_start": index[first], "period_end": index[last],
                         "value": float(full[rep, first:last + 1].sum())})
    return engagement, violence, full, pd.DataFrame(rows)
