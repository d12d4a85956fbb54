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
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import InsufficientData

FAMILIES = ("poisson", "negative_binomial")
#: Fewest rows (effect and every lag observed) an equation is fitted on.
MIN_ROWS = 30
METHOD_WORDS = {"poisson": "count-lag quasi-F (Poisson)",
                "negative_binomial": "count-lag quasi-F (negative binomial)"}


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
            "violence_source": "violence monitor", "violence_measure": "violence measure (primary outcome)",
            "frequency": "frequency", "lag_order": "lags of each series (periods)",
            "harmonics": "annual harmonics (sine and cosine pairs)",
            "lag_transform": "transform of lagged counts", "engagement_family": "family when engagement is the effect",
            "violence_family": "family when violence is the effect",
            "break_date": "break (level and slope change; periods starting on or after)",
            "alpha": "level (Benjamini–Hochberg q across the two directions)",
            "min_rows": "fewest usable rows per equation"}
        return pd.DataFrame({"setting": [words[k] for k in asdict(self)],
                             "value": [str(v) for v in asdict(self).values()]}).set_index("setting")


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


def deterministic_terms(index: pd.PeriodIndex, *, break_date: str | None, harmonics: int = 1,
                        extra_breaks: tuple[str, ...] = (), steps: tuple[str, ...] = ()) -> pd.DataFrame:
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


def lag_design(frame: pd.DataFrame, cause: str, effect: str, *, lag_order: int,
               deterministic: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame, pd.Index]:
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

    ``statsmodels`` ``NegativeBinomial`` (NB2), BFGS from the Poisson fit and
    a moment estimate of α (Newton from the default start fails often at
    N ≈ 50), Nelder–Mead if BFGS does not converge.
    """
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, X, family=sm.families.Poisson()).fit()
        mu = np.asarray(poisson.fittedvalues)
        moment = float(np.sum(((y - mu) ** 2 - y) / mu ** 2) / max(1, len(y) - X.shape[1]))
        start = np.append(poisson.params, min(max(moment, 0.01), 5.0))
        model = sm.NegativeBinomial(y, X, loglike_method="nb2")
        result = model.fit(start_params=start, method="bfgs", maxiter=1000, disp=0)
        if not np.isfinite(result.llf) or not result.mle_retvals.get("converged", True):
            result = model.fit(start_params=start, method="nm", maxiter=20000, disp=0)
    if not np.isfinite(result.llf) or result.llf <= poisson.llf:
        return 0.0
    return float(np.asarray(result.params)[-1])


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
    glm_family = (sm.families.NegativeBinomial(alpha=alpha) if alpha > 0 else sm.families.Poisson())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = sm.GLM(y, X, family=glm_family).fit()
        reduced = sm.GLM(y, X[:, restricted], family=glm_family).fit()
    q = int((~restricted).sum())
    df_denom = int(len(y) - X.shape[1] - (family == "negative_binomial"))
    scale = float(full.pearson_chi2 / df_denom)
    difference = max(0.0, float(reduced.deviance - full.deviance))
    statistic = difference / q / scale
    return {"statistic": statistic, "df_num": q, "df_denom": df_denom,
            "p_value": float(stats.f.sf(statistic, q, df_denom)),
            "lr_statistic": difference, "lr_p_value": float(stats.chi2.sf(difference, q)),
            "params": np.asarray(full.params), "bse": np.asarray(full.bse) * np.sqrt(scale),
            "dispersion": alpha, "scale": scale}


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


def count_lag_test(frame: pd.DataFrame, cause: str, effect: str, *, family: str, lag_order: int = 1,
                   break_date: str | None = "2021-08-15", harmonics: int = 1,
                   extra_breaks: tuple[str, ...] = (), steps: tuple[str, ...] = (),
                   min_rows: int = MIN_ROWS) -> LagTestResult:
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
    deterministic = deterministic_terms(frame.index, break_date=break_date, harmonics=harmonics,
                                        extra_breaks=extra_breaks, steps=steps)
    y, X, rows = lag_design(frame, cause, effect, lag_order=lag_order, deterministic=deterministic)
    unit = "quarter" if frame.index.freqstr.startswith("Q") else "month"
    n = len(y)
    if n < min_rows:
        raise InsufficientData(
            f"only {n} {unit}{'' if n == 1 else 's'} {'has' if n == 1 else 'have'} '{effect}' observed "
            f"together with the {lag_order} previous {unit}{'' if lag_order == 1 else 's'} of both "
            "series (nothing is filled)", n=n, required=min_rows)
    keep = X.std(axis=0).to_numpy() > 0
    keep[0] = True  # the constant
    X = X.loc[:, keep]
    if np.ptp(y) == 0:
        raise InsufficientData(f"'{effect}' does not vary over the {n} usable {unit}s", n=n, required=min_rows)
    cause_columns = np.array([c.startswith("cause lag") for c in X.columns])
    test = quasi_f_test_arrays(y, X.to_numpy(float), ~cause_columns, family)
    coefficients = np.asarray(test["params"])[cause_columns]
    errors = np.asarray(test["bse"])[cause_columns]
    z = stats.t.ppf(0.975, test["df_denom"])
    return LagTestResult(
        cause=cause, effect=effect, lag_order=lag_order, statistic=test["statistic"],
        df_num=test["df_num"], df_denom=test["df_denom"], p_value=test["p_value"],
        lr_statistic=test["lr_statistic"], lr_p_value=test["lr_p_value"], scale=test["scale"],
        method=METHOD_WORDS[family], n=n, family=family,
        cause_coefficients=tuple(float(c) for c in coefficients),
        ci_low=tuple(float(c - z * e) for c, e in zip(coefficients, errors)),
        ci_high=tuple(float(c + z * e) for c, e in zip(coefficients, errors)),
        dispersion=test["dispersion"], terms=tuple(X.columns),
        first_period=str(rows[0]), last_period=str(rows[-1]))


def count_lag_granger(engagement, violence, *, break_date: str | None = "2021-08-15",
                      lag_order: int = PRIMARY_SPECIFICATION.lag_order,
                      harmonics: int = PRIMARY_SPECIFICATION.harmonics,
                      engagement_family: str = PRIMARY_SPECIFICATION.engagement_family,
                      violence_family: str = PRIMARY_SPECIFICATION.violence_family,
                      extra_breaks: tuple[str, ...] = (), steps: tuple[str, ...] = (),
                      min_rows: int = MIN_ROWS) -> pd.DataFrame:
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
    for cause, effect, family in ((names[0], names[1], violence_family),
                                  (names[1], names[0], engagement_family)):
        r = count_lag_test(frame, cause, effect, family=family, lag_order=lag_order,
                           break_date=break_date, harmonics=harmonics, extra_breaks=extra_breaks,
                           steps=steps, min_rows=min_rows)
        rows.append({"cause": r.cause, "effect": r.effect, "lag_order": r.lag_order,
                     "statistic": r.statistic, "df_num": r.df_num, "df_denom": r.df_denom,
                     "p_value": r.p_value, "method": r.method, "n": r.n,
                     "coefficient": r.cause_coefficients[0], "ci_low": r.ci_low[0],
                     "ci_high": r.ci_high[0], "dispersion": r.dispersion,
                     "window": f"{r.first_period} to {r.last_period}"})
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


def _lagged(values: np.ndarray, j: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    out[j:] = values[:-j]
    return out


def simulated_p_values(engagement: np.ndarray, violence: np.ndarray, deterministic: np.ndarray, *,
                       lag_order: int = PRIMARY_SPECIFICATION.lag_order,
                       engagement_family: str = PRIMARY_SPECIFICATION.engagement_family,
                       violence_family: str = PRIMARY_SPECIFICATION.violence_family) -> np.ndarray:
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
        for d, (effect, cause, family) in enumerate(((violence[i], engagement[i], violence_family),
                                                     (engagement[i], violence[i], engagement_family))):
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
    return deterministic_terms(design.index(), break_date=break_date or design.break_date(),
                               harmonics=harmonics).to_numpy(float)


def rejection_rates(scenario: str, design=None, *, effect: float = 0.0, reps: int = 400,
                    seed: int = CALIBRATION_SEED, level: float = PRIMARY_SPECIFICATION.alpha,
                    lag_order: int = PRIMARY_SPECIFICATION.lag_order) -> pd.DataFrame:
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
    return pd.DataFrame({"scenario": scenario, "effect": effect, "direction": list(DIRECTIONS),
                         "reps": valid.sum(axis=0), "rejection_rate": rates,
                         "mc_se": np.sqrt(rates * (1 - rates) / valid.sum(axis=0))})


def primary_power(design=None, *, effects: dict | None = None, reps: int = 200,
                  seed: int = CALIBRATION_SEED) -> pd.DataFrame:
    """Size and power of the primary test at a design (e.g. a report's own gap pattern).

    SIMULATED DATA. Size comes from independent pairs; the power of each
    direction from pairs in which only that direction holds, at the effect
    given (default: :data:`PRIMARY_MDE`, the smallest round effect reaching
    power 0.8 at the bundled shape).

    Parameters
    ----------
    design : analysis.simulate.ShapedDesign, optional
        E.g. ``simulate.shaped_design_from(violence, engagement)``.
    effects : dict, optional
        Direction → effect.
    reps : int
    seed : int

    Returns
    -------
    pandas.DataFrame
        One row per direction: ``direction, size, effect, power, reps``.
    """
    from analysis.simulate import ShapedDesign

    design = design or ShapedDesign()
    effects = {**PRIMARY_MDE, **(effects or {})}
    size = rejection_rates("independent", design, reps=reps, seed=seed).set_index("direction")
    rows = []
    for direction in DIRECTIONS:
        power = rejection_rates(TRUE_SCENARIO[direction], design, effect=effects[direction],
                                reps=reps, seed=seed + 1).set_index("direction")
        rows.append({"direction": direction, "size": float(size.loc[direction, "rejection_rate"]),
                     "effect": effects[direction],
                     "power": float(power.loc[direction, "rejection_rate"]), "reps": reps})
    return pd.DataFrame(rows)


def minimum_detectable_effects(design=None, *, grid=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
                               reps: int = 200, seed: int = CALIBRATION_SEED,
                               target: float = 0.8) -> pd.DataFrame:
    """Power over a grid of effects, both directions, and the smallest reaching ``target``.

    SIMULATED DATA. Returns one row per direction and effect: ``direction,
    effect, power, reps, mde`` (``mde`` is True on the smallest effect whose
    power reaches ``target``).
    """
    from analysis.simulate import ShapedDesign

    design = design or ShapedDesign()
    rows = []
    for direction in DIRECTIONS:
        reached = False
        for effect in grid:
            rate = rejection_rates(TRUE_SCENARIO[direction], design, effect=effect, reps=reps,
                                   seed=seed + 1).set_index("direction").loc[direction, "rejection_rate"]
            mde = bool(rate >= target and not reached)
            reached = reached or mde
            rows.append({"direction": direction, "effect": effect, "power": float(rate),
                         "reps": reps, "mde": mde})
    return pd.DataFrame(rows)
