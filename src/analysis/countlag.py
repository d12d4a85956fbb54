"""Count distributed-lag Granger tests that use every observed month (the primary test).

Each series is modelled as a count: the effect series at month ``t`` on its
own lags, the other (cause) series' lags, a trend, the level and slope change
at the break, and an annual harmonic; the test asks whether the cause's lags
improve the fit (both directions): the deviance (likelihood-ratio)
difference scaled by the Pearson dispersion, against F (a quasi-likelihood
F-test; the plain χ² LR test is slightly oversized at N ≈ 50). Nothing is filled:
a row enters only when the effect at ``t`` and every lag of both series in the
model are observed, so with lag order ``L`` an isolated missing month removes
up to ``L + 1`` rows of an equation in which that series appears as effect and
lag, and up to ``L`` rows of one in which it is only a lag.

The confirmatory specification is written down once, in
:data:`PRIMARY_SPECIFICATION`. It was chosen from simulations only
(:func:`analysis.simulate.simulate_shaped_pair` at the bundled data's shape),
before it was run on the bundled data; the README's "Primary test" section
gives the calibration (size, power, minimum detectable effect) and the
command that produced it.

Families: a monitor's violence count is negative binomial (NB2, dispersion
estimated by maximum likelihood, ``statsmodels.discrete.NegativeBinomial``);
the sparse engagement count is Poisson (``statsmodels`` GLM).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import InsufficientData

FAMILIES = ("poisson", "negative_binomial")
#: Fewest rows (effect and every lag observed) an equation is fitted on.
MIN_ROWS = 30
METHOD_WORDS = {
    "poisson": "count-lag quasi-F (Poisson)",
    "negative_binomial": "count-lag quasi-F (negative binomial)",
}


@dataclass(frozen=True)
class PrimarySpecification:
    """The confirmatory (primary) test, fixed before it is run on real data.

    Attributes
    ----------
    engagement_group : str
        Engagement series: the group of :data:`analysis.series.ENGAGEMENT_GROUPS`
        counted per month (all directions).
    violence_source, violence_measure : str
        The monitor's national monthly series (the primary outcome; the
        engagement report also shows fatalities and the cross-border count
        with the same specification, labelled as such).
    frequency : str
    lag_order : int
        Lags of both series in each equation (months).
    harmonics : int
        Annual sine/cosine pairs.
    lag_transform : str
        Transform of the lagged regressors (``log1p`` of the count).
    engagement_family, violence_family : str
        Distribution of each series when it is the effect.
    break_date : str
        Level change and slope change for periods starting on or after it.
    alpha : float
        Level at which a direction is called evidence (Benjamini–Hochberg
        q across the two directions).
    min_rows : int
        Fewest usable rows per equation.
    """

    engagement_group: str = "proactive"
    violence_source: str = "PICSS"
    violence_measure: str = "attacks"
    frequency: str = "M"
    lag_order: int = 1
    harmonics: int = 1
    lag_transform: str = "log1p"
    engagement_family: str = "poisson"
    violence_family: str = "negative_binomial"
    break_date: str = "2021-08-15"
    alpha: float = 0.05
    min_rows: int = MIN_ROWS

    def as_frame(self) -> pd.DataFrame:
        """The specification as a two-column table for display."""
        words = {
            "engagement_group": "engagement series (count per month, all directions)",
            "violence_source": "violence monitor",
            "violence_measure": "violence measure (primary outcome)",
            "frequency": "frequency",
            "lag_order": "lags of each series (periods)",
            "harmonics": "annual harmonics (sine and cosine pairs)",
            "lag_transform": "transform of lagged counts",
            "engagement_family": "family when engagement is the effect",
            "violence_family": "family when violence is the effect",
            "break_date": "break (level and slope change; periods starting on or after)",
            "alpha": "level (Benjamini–Hochberg q across the two directions)",
            "min_rows": "fewest usable rows per equation",
        }
        return pd.DataFrame(
            {"setting": [words[k] for k in asdict(self)], "value": [str(v) for v in asdict(self).values()]}
        ).set_index("setting")


#: The confirmatory specification (see the README, "Primary test").
PRIMARY_SPECIFICATION = PrimarySpecification()


@dataclass(frozen=True)
class LagTestResult:
    """One direction of the count distributed-lag Granger test.

    Attributes
    ----------
    cause, effect : str
    lag_order : int
    statistic : float
        Quasi-likelihood F: deviance difference per restriction over the
        Pearson scale (:func:`quasi_f_test_arrays`).
    df_num : int
        Restrictions (the cause's lags).
    df_denom : int
        Residual degrees of freedom of the full model (rows − parameters).
    p_value : float
        From ``F(df_num, df_denom)``.
    lr_statistic, lr_p_value : float
        The unscaled deviance difference and its χ² p (shown for reference;
        slightly oversized for the NB model at N ≈ 50).
    scale : float
        Pearson scale φ of the full model.
    method : str
    n : int
        Rows used by both models.
    family : str
    cause_coefficients : tuple of float
        Coefficients of the cause's lags (log scale, per unit of ``log1p``).
    ci_low, ci_high : tuple of float
        95% Wald intervals of those coefficients.
    dispersion : float
        NB2 α of the full model (0 for Poisson).
    terms : tuple of str
        Columns of the full model.
    first_period, last_period : str
    """

    cause: str
    effect: str
    lag_order: int
    statistic: float
    df_num: int
    df_denom: int
    p_value: float
    lr_statistic: float
    lr_p_value: float
    scale: float
    method: str
    n: int
    family: str
    cause_coefficients: tuple
    ci_low: tuple
    ci_high: tuple
    dispersion: float
    terms: tuple
    first_period: str
    last_period: str


# --------------------------------------------------------------------------
# Design
# --------------------------------------------------------------------------


def _periods_per_year(index: pd.PeriodIndex) -> int:
    return 4 if index.freqstr.startswith("Q") else 12


def deterministic_terms(
    index: pd.PeriodIndex,
    *,
    break_date: str | None,
    harmonics: int = 1,
    extra_breaks: tuple[str, ...] = (),
    steps: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Constant, trend (per year), level and slope change at each break, annual harmonics, steps.

    Parameters
    ----------
    index : pandas.PeriodIndex
        Complete monthly or quarterly index.
    break_date : str or None
        Periods starting on or after it are "after".
    harmonics : int
        Annual sine/cosine pairs.
    extra_breaks : tuple of str
        Further dates with their own level and slope change.
    steps : tuple of str
        Dates with a level change only (e.g. a change of the monitor's measure).

    Returns
    -------
    pandas.DataFrame
        One column per term, on ``index``.
    """
    per_year = _periods_per_year(index)
    t = np.arange(len(index), dtype=float)
    starts = index.to_timestamp(how="start")
    columns: dict[str, np.ndarray] = {"const": np.ones(len(index)), "trend": t / per_year}
    for name, date in ([("", break_date)] if break_date else []) + [(f"_{d}", d) for d in extra_breaks]:
        after = np.asarray(starts >= pd.Timestamp(date), dtype=float)
        if 0 < after.sum() < len(after):
            first = int(np.argmax(after))
            columns[f"level_change{name}"] = after
            columns[f"slope_change{name}"] = after * (t - first) / per_year
    for date in steps:
        after = np.asarray(starts >= pd.Timestamp(date), dtype=float)
        if 0 < after.sum() < len(after):
            columns[f"step_{date}"] = after
    position = (index.month.to_numpy() - 1) / 12 if per_year == 12 else (index.quarter.to_numpy() - 1) / 4
    for k in range(1, harmonics + 1):
        columns[f"sin_{k}"] = np.sin(2 * np.pi * k * position)
        columns[f"cos_{k}"] = np.cos(2 * np.pi * k * position)
    return pd.DataFrame(columns, index=index)


def lag_design(
    frame: pd.DataFrame, cause: str, effect: str, *, lag_order: int, deterministic: pd.DataFrame
) -> tuple[np.ndarray, pd.DataFrame, pd.Index]:
    """Response, regressors and rows of one equation (rows with every lag observed).

    Returns
    -------
    y : numpy.ndarray
    X : pandas.DataFrame
        Deterministic terms, then ``<effect> lag j`` and ``<cause> lag j``
        (``log1p`` of the count), on the rows used.
    rows : pandas.Index
    """
    parts = {name: deterministic[name] for name in deterministic}
    for j in range(1, lag_order + 1):
        parts[f"own lag {j}"] = np.log1p(frame[effect].shift(j))
    for j in range(1, lag_order + 1):
        parts[f"cause lag {j}"] = np.log1p(frame[cause].shift(j))
    X = pd.DataFrame(parts, index=frame.index)
    y = frame[effect]
    ok = y.notna() & X.notna().all(axis=1)
    return y[ok].to_numpy(float), X.loc[ok], frame.index[ok.to_numpy()]


# --------------------------------------------------------------------------
# Fitting (array level; used by the simulations too)
# --------------------------------------------------------------------------


def nb2_alpha(y: np.ndarray, X: np.ndarray) -> float:
    """Maximum-likelihood NB2 dispersion α of a count model (0 when the Poisson fit is the maximum).

    ``statsmodels`` ``NegativeBinomial`` (NB2) by Newton's method from the
    Poisson fit and a moment estimate of α (from the default start it fails
    often at N ≈ 50), then from α = 0.5, accepted where the score is zero. Otherwise α
    maximises (to about 5%) the profile
    log-likelihood of NB GLMs with α fixed (bounded search on log α).
    """
    import statsmodels.api as sm
    from scipy.optimize import minimize_scalar

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, X, family=sm.families.Poisson()).fit()
        mu = np.asarray(poisson.fittedvalues)
        moment = float(np.sum(((y - mu) ** 2 - y) / mu**2) / max(1, len(y) - X.shape[1]))
        start = np.append(poisson.params, min(max(moment, 0.01), 5.0))
        model = sm.NegativeBinomial(y, X, loglike_method="nb2")
        for first_alpha in (start[-1], 0.5):  # a second start rescues some sparse series
            start[-1] = first_alpha
            try:
                result = model.fit(start_params=start, method="newton", maxiter=50, disp=0)
            except np.linalg.LinAlgError:  # singular Hessian on the way: try the next start
                converged = False
                continue
            params = np.asarray(result.params)
            alpha, llf = float(params[-1]), float(result.llf)
            score = np.abs(model.score(params)) if np.all(np.isfinite(params)) else np.array([np.inf])
            converged = bool(np.isfinite(llf) and 0 < alpha < 1e3 and np.all(score < 1e-4 * len(y)))
            if converged:
                break
        if not converged:

            def profile(log_alpha: float) -> float:
                fit = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=float(np.exp(log_alpha)))).fit()
                return -float(fit.llf)

            best = minimize_scalar(profile, bounds=(-9.0, 4.0), method="bounded", options={"xatol": 0.05})
            alpha, llf = float(np.exp(best.x)), -float(best.fun)
    if not np.isfinite(llf) or llf <= poisson.llf or alpha < 1e-6:
        return 0.0
    return alpha


def quasi_f_test_arrays(y: np.ndarray, X: np.ndarray, restricted: np.ndarray, family: str) -> dict:
    """Test that the columns ``~restricted`` of ``X`` are zero: deviance difference over the
    Pearson scale, against F (the quasi-likelihood F-test).

    The full and the restricted model are GLMs on the same rows with the same
    family: Poisson, or NB2 with α fixed at its maximum-likelihood estimate
    in the full model (:func:`nb2_alpha`). The statistic is
    ``(D_restricted − D_full) / q / φ``, with ``φ`` the full model's Pearson
    χ² over its residual degrees of freedom (``n − k``, one less for α),
    referred to ``F(q, n − k)``. At the bundled shape the plain
    likelihood-ratio χ² test of the NB model is slightly oversized (α by
    maximum likelihood is biased down with 8 mean parameters at N = 50);
    scaling by ``φ`` restores the size (README, "Primary test").

    Returns
    -------
    dict
        ``statistic, df_num, df_denom, p_value, lr_statistic, lr_p_value,
        params, bse`` (``bse`` scaled by ``φ``), ``dispersion`` (α),
        ``scale`` (φ).
    """
    import statsmodels.api as sm

    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}; got {family!r}")
    alpha = nb2_alpha(y, X) if family == "negative_binomial" else 0.0
    glm_family = sm.families.NegativeBinomial(alpha=alpha) if alpha > 0 else sm.families.Poisson()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = sm.GLM(y, X, family=glm_family).fit()
        reduced = sm.GLM(y, X[:, restricted], family=glm_family).fit()
    q = int((~restricted).sum())
    df_denom = int(len(y) - X.shape[1] - (family == "negative_binomial"))
    scale = float(full.pearson_chi2 / df_denom)
    difference = max(0.0, float(reduced.deviance - full.deviance))
    statistic = difference / q / scale
    return {
        "statistic": statistic,
        "df_num": q,
        "df_denom": df_denom,
        "p_value": float(stats.f.sf(statistic, q, df_denom)),
        "lr_statistic": difference,
        "lr_p_value": float(stats.chi2.sf(difference, q)),
        "params": np.asarray(full.params),
        "bse": np.asarray(full.bse) * np.sqrt(scale),
        "dispersion": alpha,
        "scale": scale,
    }


# --------------------------------------------------------------------------
# Public tests
# --------------------------------------------------------------------------


def _frame(engagement, violence) -> pd.DataFrame:
    from analysis.relations import _pair

    frame = _pair(engagement, violence)
    for column in frame.columns:
        values = frame[column].dropna().to_numpy()
        if len(values) and (np.any(values < 0) or np.any(values != np.round(values))):
            raise ValueError(f"'{column}' must hold non-negative whole counts (NaN for missing)")
    return frame


def count_lag_test(
    frame: pd.DataFrame,
    cause: str,
    effect: str,
    *,
    family: str,
    lag_order: int = 1,
    break_date: str | None = "2021-08-15",
    harmonics: int = 1,
    extra_breaks: tuple[str, ...] = (),
    steps: tuple[str, ...] = (),
    min_rows: int = MIN_ROWS,
) -> LagTestResult:
    """One direction: do the cause's lags improve a count model of the effect?

    Parameters
    ----------
    frame : pandas.DataFrame
        Both series on one complete ``PeriodIndex`` (``NaN`` = missing).
    cause, effect : str
        Column names.
    family : {"poisson", "negative_binomial"}
        Distribution of the effect.
    lag_order : int
    break_date, harmonics, extra_breaks, steps
        Deterministic terms (:func:`deterministic_terms`).
    min_rows : int
        Fewest usable rows.

    Returns
    -------
    LagTestResult

    Raises
    ------
    InsufficientData
        Fewer than ``min_rows`` rows with the effect and every lag observed,
        or an effect that does not vary.
    """
    if lag_order < 1:
        raise ValueError(f"lag_order must be at least 1; got {lag_order}")
    deterministic = deterministic_terms(
        frame.index, break_date=break_date, harmonics=harmonics, extra_breaks=extra_breaks, steps=steps
    )
    y, X, rows = lag_design(frame, cause, effect, lag_order=lag_order, deterministic=deterministic)
    unit = "quarter" if frame.index.freqstr.startswith("Q") else "month"
    n = len(y)
    if n < min_rows:
        previous = f"the previous {unit}" if lag_order == 1 else f"the {lag_order} previous {unit}s"
        count = f"no {unit} has" if n == 0 else f"only {n} {unit}{' has' if n == 1 else 's have'}"
        raise InsufficientData(
            f"{count} '{effect}' observed together with {previous} of both series (nothing is filled)",
            n=n,
            required=min_rows,
        )
    keep = X.std(axis=0).to_numpy() > 0
    keep[0] = True  # the constant
    X = X.loc[:, keep]
    if np.ptp(y) == 0:
        raise InsufficientData(
            f"'{effect}' does not vary over the {n} usable {unit}s", n=n, required=min_rows
        )
    cause_columns = np.array([c.startswith("cause lag") for c in X.columns])
    test = quasi_f_test_arrays(y, X.to_numpy(float), ~cause_columns, family)
    coefficients = np.asarray(test["params"])[cause_columns]
    errors = np.asarray(test["bse"])[cause_columns]
    z = stats.t.ppf(0.975, test["df_denom"])
    return LagTestResult(
        cause=cause,
        effect=effect,
        lag_order=lag_order,
        statistic=test["statistic"],
        df_num=test["df_num"],
        df_denom=test["df_denom"],
        p_value=test["p_value"],
        lr_statistic=test["lr_statistic"],
        lr_p_value=test["lr_p_value"],
        scale=test["scale"],
        method=METHOD_WORDS[family],
        n=n,
        family=family,
        cause_coefficients=tuple(float(c) for c in coefficients),
        ci_low=tuple(float(c - z * e) for c, e in zip(coefficients, errors)),
        ci_high=tuple(float(c + z * e) for c, e in zip(coefficients, errors)),
        dispersion=test["dispersion"],
        terms=tuple(X.columns),
        first_period=str(rows[0]),
        last_period=str(rows[-1]),
    )


def count_lag_granger(
    engagement,
    violence,
    *,
    break_date: str | None = "2021-08-15",
    lag_order: int = PRIMARY_SPECIFICATION.lag_order,
    harmonics: int = PRIMARY_SPECIFICATION.harmonics,
    engagement_family: str = PRIMARY_SPECIFICATION.engagement_family,
    violence_family: str = PRIMARY_SPECIFICATION.violence_family,
    extra_breaks: tuple[str, ...] = (),
    steps: tuple[str, ...] = (),
    min_rows: int = MIN_ROWS,
) -> pd.DataFrame:
    """The count distributed-lag Granger test in both directions, on every observed period.

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
        Counts per month (or quarter), ``NaN`` where missing; never filled.
    break_date : str or None
    lag_order : int
    harmonics : int
    engagement_family, violence_family : {"poisson", "negative_binomial"}
    extra_breaks, steps : tuple of str
        Robustness terms (:func:`deterministic_terms`).
    min_rows : int

    Returns
    -------
    pandas.DataFrame
        One row per direction (engagement → violence first): ``cause,
        effect, lag_order, statistic, df_num, df_denom, p_value, q_value,
        method, n, coefficient, ci_low, ci_high, dispersion, window``.
        ``q_value`` is Benjamini–Hochberg across the two directions;
        ``coefficient`` is the cause's lag-1 coefficient (log scale per unit
        of ``log1p``) with its 95% Wald interval.

    Raises
    ------
    InsufficientData
        Either direction has too few usable rows.
    """
    from analysis.relations import bh_q_values

    frame = _frame(engagement, violence)
    names = list(frame.columns)
    rows = []
    for cause, effect, family in (
        (names[0], names[1], violence_family),
        (names[1], names[0], engagement_family),
    ):
        r = count_lag_test(
            frame,
            cause,
            effect,
            family=family,
            lag_order=lag_order,
            break_date=break_date,
            harmonics=harmonics,
            extra_breaks=extra_breaks,
            steps=steps,
            min_rows=min_rows,
        )
        rows.append(
            {
                "cause": r.cause,
                "effect": r.effect,
                "lag_order": r.lag_order,
                "statistic": r.statistic,
                "df_num": r.df_num,
                "df_denom": r.df_denom,
                "p_value": r.p_value,
                "method": r.method,
                "n": r.n,
                "coefficient": r.cause_coefficients[0],
                "ci_low": r.ci_low[0],
                "ci_high": r.ci_high[0],
                "dispersion": r.dispersion,
                "window": f"{r.first_period} to {r.last_period}",
            }
        )
    table = pd.DataFrame(rows)
    table.insert(table.columns.get_loc("p_value") + 1, "q_value", bh_q_values(table["p_value"]))
    return table


# --------------------------------------------------------------------------
# Calibration on simulated pairs shaped like the data (SIMULATED DATA)
# --------------------------------------------------------------------------

#: Directions in the order of :func:`count_lag_granger`'s rows.
DIRECTIONS = ("engagement → violence", "violence → engagement")
#: Scenario in which each direction's effect is true.
TRUE_SCENARIO = {"engagement → violence": "engagement_leads", "violence → engagement": "violence_leads"}
#: Seed of every calibration study (tests, README table, report power).
CALIBRATION_SEED = 20240101
#: Effects (log scale per unit of ``log1p`` deviation, lag 1) searched for the
#: minimum detectable effect: round values.
EFFECT_GRID: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
#: The smallest effect of :data:`EFFECT_GRID` at which each direction of the
#: primary test reaches power 0.8 at the bundled shape (200 simulated pairs,
#: seed :data:`CALIBRATION_SEED`; README "Primary test";
#: ``python -m analysis.countlag`` recomputes it).
PRIMARY_MDE: dict[str, float] = {"engagement → violence": 0.3, "violence → engagement": 1.5}


def effect_words(
    direction: str,
    effect: float,
    engagement_words: str = "proactive diplomatic events",
    violence_words: str = "attacks",
) -> str:
    """An effect of the simulation design in plain words.

    The cross effect ``b`` multiplies next month's mean of the effect series
    by ``exp(b · Δ)`` where ``Δ`` is the change of ``log1p`` of this month's
    cause. Engagement → violence: one month with two events instead of one
    (``Δ = ln 1.5``); violence → engagement: a month with half as many
    attacks again (``Δ ≈ ln 1.5``).
    """
    factor = float(np.exp(effect * np.log(1.5)))
    change = f"{(factor - 1) * 100:.0f}% more"
    if direction == DIRECTIONS[0]:
        return (
            f"{change} {violence_words} in the month after a month with two {engagement_words} instead of one"
        )
    return f"{change} {engagement_words} in the month after a month with 50% more {violence_words}"


def _lagged(values: np.ndarray, j: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    out[j:] = values[:-j]
    return out


def simulated_p_values(
    engagement: np.ndarray,
    violence: np.ndarray,
    deterministic: np.ndarray,
    *,
    lag_order: int = PRIMARY_SPECIFICATION.lag_order,
    engagement_family: str = PRIMARY_SPECIFICATION.engagement_family,
    violence_family: str = PRIMARY_SPECIFICATION.violence_family,
) -> np.ndarray:
    """p-values of both directions for each simulated pair (rows of ``engagement``, ``violence``).

    The same design and test as :func:`count_lag_granger` on arrays (no
    pandas per replication). SIMULATED DATA.

    Returns
    -------
    numpy.ndarray
        Shape ``(reps, 2)``: engagement → violence, violence → engagement.
    """
    reps = engagement.shape[0]
    out = np.full((reps, 2), np.nan)
    keep = deterministic.std(axis=0) > 0
    keep[0] = True
    deterministic = deterministic[:, keep]
    k = deterministic.shape[1]
    restricted = np.r_[np.ones(k + lag_order, bool), np.zeros(lag_order, bool)]
    for i in range(reps):
        for d, (effect, cause, family) in enumerate(
            ((violence[i], engagement[i], violence_family), (engagement[i], violence[i], engagement_family))
        ):
            own = [np.log1p(_lagged(effect, j)) for j in range(1, lag_order + 1)]
            other = [np.log1p(_lagged(cause, j)) for j in range(1, lag_order + 1)]
            X = np.column_stack([deterministic, *own, *other])
            ok = ~np.isnan(effect) & ~np.isnan(X).any(axis=1)
            y = effect[ok]
            if np.ptp(y) == 0:
                continue
            out[i, d] = quasi_f_test_arrays(y, X[ok], restricted, family)["p_value"]
    return out


def _design_terms(design, break_date: str | None = None, harmonics: int = 1) -> np.ndarray:
    return deterministic_terms(
        design.index(), break_date=break_date or design.break_date(), harmonics=harmonics
    ).to_numpy(float)


def rejection_rates(
    scenario: str,
    design=None,
    *,
    effect: float = 0.0,
    reps: int = 400,
    seed: int = CALIBRATION_SEED,
    level: float = PRIMARY_SPECIFICATION.alpha,
    lag_order: int = PRIMARY_SPECIFICATION.lag_order,
) -> pd.DataFrame:
    """How often each direction of the primary test rejects on simulated pairs. SIMULATED DATA.

    Parameters
    ----------
    scenario : {"independent", "engagement_leads", "violence_leads"}
    design : analysis.simulate.ShapedDesign, optional
        Default: the bundled data's shape.
    effect : float
        Cross effect (log scale per unit of ``log1p`` deviation) at lag 1.
    reps : int
    seed : int
    level : float
        Nominal level of each direction's test (p < level).
    lag_order : int

    Returns
    -------
    pandas.DataFrame
        ``scenario, effect, direction, reps, rejection_rate, mc_se`` (the
        Monte Carlo standard error), one row per direction.
    """
    from analysis.simulate import ShapedDesign, simulate_shaped_pair

    design = design or ShapedDesign()
    engagement, violence = simulate_shaped_pair(scenario, design, effect=effect, reps=reps, seed=seed)
    p = simulated_p_values(engagement, violence, _design_terms(design), lag_order=lag_order)
    valid = ~np.isnan(p)
    rates = np.where(valid, p < level, False).sum(axis=0) / valid.sum(axis=0)
    return pd.DataFrame(
        {
            "scenario": scenario,
            "effect": effect,
            "direction": list(DIRECTIONS),
            "reps": valid.sum(axis=0),
            "rejection_rate": rates,
            "mc_se": np.sqrt(rates * (1 - rates) / valid.sum(axis=0)),
        }
    )


def power_code_hash() -> str:
    """SHA-256 (first 16 hex digits) of the code behind :func:`primary_power`
    (this module and :mod:`analysis.simulate`)."""
    from analysis import simulate

    code = Path(simulate.__file__).read_bytes() + Path(__file__).read_bytes()
    return hashlib.sha256(code).hexdigest()[:16]


def _power_cache_key(design, effects: dict, reps: int, seed: int) -> str:
    import statsmodels

    text = json.dumps(
        {
            "design": asdict(design),
            "effects": effects,
            "reps": reps,
            "seed": seed,
            "numpy": np.__version__,
            "statsmodels": statsmodels.__version__,
            "code": power_code_hash(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_power_record(path=None) -> dict:
    """The stored power record (see :func:`refresh_power_record`): ``code_hash`` and
    ``entries`` (cache key → rows of :func:`primary_power`); empty if there is none."""
    from analysis.paths import POWER_RECORD

    try:
        with open(path or POWER_RECORD, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {"code_hash": None, "entries": {}}


def primary_power(
    design=None,
    *,
    effects: dict | None = None,
    reps: int = 200,
    seed: int = CALIBRATION_SEED,
    cache: bool = True,
) -> pd.DataFrame:
    """Size and power of the primary test at a design (e.g. a report's own shape).

    SIMULATED DATA. Size comes from independent pairs; the power of each
    direction from pairs in which only that direction holds, at the effect
    given (default: :data:`PRIMARY_MDE`, the smallest round effect reaching
    power 0.8 at the bundled shape).

    Parameters
    ----------
    design : analysis.simulate.ShapedDesign, optional
        E.g. :func:`design_like` of a report's series.
    effects : dict, optional
        Direction → effect.
    reps : int
    seed : int
    cache : bool
        Reuse a result computed with the same design, effects, reps, seed,
        code (this module and :mod:`analysis.simulate`) and library
        versions: first from the committed record
        (:data:`analysis.paths.POWER_RECORD`, the shipped reports' shapes,
        :func:`refresh_power_record`), then from
        :data:`analysis.paths.CACHE_DIR`; the result is deterministic given
        these, so either only saves time.

    Returns
    -------
    pandas.DataFrame
        One row per direction: ``direction, size, effect, power, reps``.
    """
    import os
    import tempfile

    from analysis import paths
    from analysis.simulate import ShapedDesign

    design = design or ShapedDesign()
    effects = {**PRIMARY_MDE, **(effects or {})}
    key = _power_cache_key(design, effects, reps, seed)
    recorded = load_power_record()["entries"].get(key) if cache else None
    if recorded is not None:
        return pd.DataFrame(recorded)
    path = paths.CACHE_DIR / "primary_power" / f"{key}.json"
    if cache and path.is_file():
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    size = rejection_rates("independent", design, reps=reps, seed=seed).set_index("direction")
    rows = []
    for direction in DIRECTIONS:
        power = rejection_rates(
            TRUE_SCENARIO[direction], design, effect=effects[direction], reps=reps, seed=seed + 1
        ).set_index("direction")
        rows.append(
            {
                "direction": direction,
                "size": float(size.loc[direction, "rejection_rate"]),
                "effect": effects[direction],
                "power": float(power.loc[direction, "rejection_rate"]),
                "reps": reps,
            }
        )
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(rows, out)
        os.replace(temporary, path)  # atomic: parallel reports never read half a file
    return pd.DataFrame(rows)


def shipped_power_designs(
    *, start: str = "2020-01", break_date: str = PRIMARY_SPECIFICATION.break_date
) -> dict:
    """The designs whose power the shipped engagement reports quote, from the bundled data.

    The same series as notebook 03 at its defaults (``start`` 2020-01, no
    ``end``): the primary test's monthly engagement group against PICSS
    attacks and PICSS fatalities, and the log's cross-border count.

    Returns
    -------
    dict
        Name → :class:`analysis.simulate.ShapedDesign`.
    """
    from analysis import series, sources

    events, figures = sources.load_engagement(None), sources.load_violence(None)
    group = PRIMARY_SPECIFICATION.engagement_group
    designs = {}
    for measure in ("attacks", "fatalities"):
        selection = series.resolve_violence_selection(figures, "", measure)
        violence = series.violence_series(figures, **selection, frequency="M", start=start)
        engagement = series.engagement_group_counts(
            events, group, frequency="M", start=start, end=violence.values.index.max()
        )
        designs[f"national {measure}"] = design_like(violence, engagement, break_date=break_date)
    border = series.cross_border_counts(events, start=start)
    engagement = series.engagement_group_counts(events, group, start=start, end=border.values.index.max())
    designs["cross-border"] = design_like(border, engagement, break_date=break_date)
    return designs


def refresh_power_record(reps: int = 200, seed: int = CALIBRATION_SEED, path=None) -> dict:
    """Compute :func:`primary_power` at every :func:`shipped_power_designs` and write the
    record (``python -m analysis.countlag --power-record``). SIMULATED DATA."""
    from analysis.paths import POWER_RECORD

    entries = {}
    for design in shipped_power_designs().values():
        rows = primary_power(design, reps=reps, seed=seed, cache=False)
        entries[_power_cache_key(design, dict(PRIMARY_MDE), reps, seed)] = rows.to_dict("records")
    record = {"code_hash": power_code_hash(), "reps": reps, "seed": seed, "entries": entries}
    with open(path or POWER_RECORD, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return record


def minimum_detectable_effects(
    design=None, *, grid=EFFECT_GRID, reps: int = 200, seed: int = CALIBRATION_SEED, target: float = 0.8
) -> pd.DataFrame:
    """Power over a grid of effects, both directions, and the smallest reaching ``target``.

    SIMULATED DATA. Returns one row per direction and effect: ``direction,
    effect, power, reps, mde`` (``mde`` is True on the smallest effect whose
    power reaches ``target``; larger effects are not run).
    """
    from analysis.simulate import ShapedDesign

    design = design or ShapedDesign()
    rows = []
    for direction in DIRECTIONS:
        reached = False
        for effect in grid:
            if reached:
                break
            rate = (
                rejection_rates(TRUE_SCENARIO[direction], design, effect=effect, reps=reps, seed=seed + 1)
                .set_index("direction")
                .loc[direction, "rejection_rate"]
            )
            reached = bool(rate >= target)
            rows.append(
                {"direction": direction, "effect": effect, "power": float(rate), "reps": reps, "mde": reached}
            )
    return pd.DataFrame(rows)


def design_like(violence, engagement, *, break_date: str = PRIMARY_SPECIFICATION.break_date):
    """A simulation design shaped like two real series (length, gaps, levels, break, dispersion).

    Starts from :func:`analysis.simulate.shaped_design_from` (length, start,
    break and both gap patterns) and sets each series' log mean before the
    break, level change, post-break slope (per month) and, for violence, the
    NB2 dispersion from a count model of the observed months (constant,
    level and slope change). Persistence and seasonality keep the bundled
    design's values. Used to quote the primary test's power at a report's
    own shape (fatalities, the cross-border count).

    Returns
    -------
    analysis.simulate.ShapedDesign
    """
    import statsmodels.api as sm

    from analysis.series import as_period_series
    from analysis.simulate import shaped_design_from

    base = shaped_design_from(violence, engagement, break_date=break_date)
    values = {}
    for which, data in (("violence", violence), ("engagement", engagement)):
        series = as_period_series(data).reindex(base.index())
        t = np.arange(base.n, dtype=float)
        after = (t >= base.break_at).astype(float)
        X = np.column_stack([np.ones(base.n), after, after * (t - base.break_at)])
        ok = series.notna().to_numpy()
        y = series.to_numpy(float)[ok]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = sm.GLM(y, X[ok], family=sm.families.Poisson()).fit()
        values[f"{which}_log_mean"], values[f"{which}_level"], values[f"{which}_slope"] = (
            float(v) for v in fit.params
        )
        if which == "violence":
            values["violence_alpha"] = nb2_alpha(y, X[ok])
    return replace(base, **values)


#: Robustness variants of the primary test: name → (description, keyword changes).
ROBUSTNESS_VARIANTS: dict[str, str] = {
    "primary": "primary specification (August 2021 coded before the break)",
    "august_after": "August 2021 coded after the break (break 2021-08-01)",
    "ceasefire_end": "second break (level and slope) at the end of the TTP ceasefire, 28 Nov 2022",
    "measure_change": "step at PICSS's October 2024 change of headline measure",
    "quarterly": "quarterly aggregation (one lag = one quarter)",
}


def robustness_table(
    engagement,
    violence,
    *,
    engagement_quarterly=None,
    violence_quarterly=None,
    break_date: str = PRIMARY_SPECIFICATION.break_date,
    measure_change: str | None = "2024-10-01",
    ceasefire_end: str = "2022-11-28",
) -> pd.DataFrame:
    """The primary test under each robustness variant, in one table (labelled robustness).

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
        The primary test's monthly series.
    engagement_quarterly, violence_quarterly : optional
        The same series by quarter (the ``quarterly`` variant; skipped if
        not given).
    break_date : str
    measure_change : str or None
        Date of a change in the monitor's headline measure (a level step);
        ``None`` leaves the variant out (monitors other than PICSS).
    ceasefire_end : str

    Returns
    -------
    pandas.DataFrame
        One row per variant and direction: ``variant, description, cause,
        effect, statistic, df_num, df_denom, p_value, q_value, n, method,
        note``; a variant the data cannot support has its refusal reason in
        ``note`` and no numbers.
    """
    variants = {
        "primary": dict(break_date=break_date),
        "august_after": dict(break_date="2021-08-01"),
        "ceasefire_end": dict(break_date=break_date, extra_breaks=(ceasefire_end,)),
    }
    if measure_change:
        variants["measure_change"] = dict(break_date=break_date, steps=(measure_change,))
    rows = []
    runs = [(name, engagement, violence, kwargs) for name, kwargs in variants.items()]
    if engagement_quarterly is not None and violence_quarterly is not None:
        runs.append(("quarterly", engagement_quarterly, violence_quarterly, dict(break_date=break_date)))
    primary_p = None
    for name, first, second, kwargs in runs:
        description = ROBUSTNESS_VARIANTS[name]
        try:
            table = count_lag_granger(first, second, **kwargs)
        except InsufficientData as refusal:
            rows.append(
                {
                    "variant": name,
                    "description": description,
                    "note": refusal.reason + f" (N = {refusal.n}; at least {refusal.required} required)",
                }
            )
            continue
        note = ""
        if name == "primary":
            primary_p = table["p_value"].to_numpy()
        elif primary_p is not None and np.allclose(table["p_value"].to_numpy(), primary_p, rtol=1e-6):
            note = (
                "the same fit as the primary test: with these data the change alters no row "
                "used (e.g. a recoded month whose previous month is missing is not a row)"
            )
        for _, row in table.iterrows():
            rows.append(
                {
                    "variant": name,
                    "description": description,
                    "cause": row["cause"],
                    "effect": row["effect"],
                    "statistic": row["statistic"],
                    "df_num": row["df_num"],
                    "df_denom": row["df_denom"],
                    "p_value": row["p_value"],
                    "q_value": row["q_value"],
                    "n": row["n"],
                    "method": row["method"],
                    "note": note,
                }
            )
    columns = [
        "variant",
        "description",
        "cause",
        "effect",
        "statistic",
        "df_num",
        "df_denom",
        "p_value",
        "q_value",
        "n",
        "method",
        "note",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def calibration_table(
    *, size_reps: int = 400, power_reps: int = 200, seed: int = CALIBRATION_SEED
) -> pd.DataFrame:
    """The README's calibration table at the bundled shape. SIMULATED DATA.

    Returns
    -------
    pandas.DataFrame
        Per direction: ``size`` (independent pairs, ``size_reps``), the
        power over :data:`EFFECT_GRID` up to the minimum detectable effect
        (``power_reps`` each) and ``mde``.
    """
    size = rejection_rates("independent", reps=size_reps, seed=seed).set_index("direction")
    grid = minimum_detectable_effects(reps=power_reps, seed=seed)
    rows = []
    for direction in DIRECTIONS:
        own = grid[grid["direction"] == direction]
        hit = own[own["mde"]]
        rows.append(
            {
                "direction": direction,
                f"size ({size_reps} pairs)": round(float(size.loc[direction, "rejection_rate"]), 3),
                "power by effect": ", ".join(f"{e:g}: {p:.2f}" for e, p in zip(own["effect"], own["power"])),
                "mde (power ≥ 0.8)": float(hit["effect"].iloc[0]) if len(hit) else float("nan"),
                "mde in words": effect_words(direction, float(hit["effect"].iloc[0])) if len(hit) else "",
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":  # python -m analysis.countlag: the README's calibration table
    import sys

    from analysis.simulate import SIMULATED_LABEL

    if sys.argv[1:] == ["--power-record"]:  # refresh the stored power record
        record = refresh_power_record()
        print(
            f"{SIMULATED_LABEL}\npower record for code {record['code_hash']}: "
            f"{len(record['entries'])} designs, {record['reps']} pairs each"
        )
        sys.exit(0)
    table = calibration_table()
    print(SIMULATED_LABEL)
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for _, row in table.iterrows():
        print("| " + " | ".join(str(v) for v in row) + " |")
