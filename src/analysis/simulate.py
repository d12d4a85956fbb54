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
    """Rejection rates of :func:`analysis.relations.granger_both_ways` over replications.

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
                                      break_date=brk, maxlags=maxlags)
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
