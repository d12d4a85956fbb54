"""State-space robustness for "which moves first?": every observed month, nothing filled.

Three tools, each a robustness check or sensitivity beside the primary
count-model test of :func:`analysis.relations.granger_both_ways`:

* :func:`fit_state_space_var` / :func:`granger_state_space` /
  :func:`state_space_impulse_responses`: a bivariate VAR on ``log1p``
  counts with a trend, a level change and a slope change at the break and
  annual harmonics, estimated by maximum likelihood with the Kalman filter
  (statsmodels :class:`~statsmodels.tsa.statespace.varmax.VARMAX`), which
  skips missing observations instead of refusing or filling them.
  Granger-type Wald tests both ways, referred to an F distribution whose
  size is checked at the bundled data's shape (:func:`calibrate_granger`);
  orthogonalised impulse responses in both Cholesky orderings with Monte
  Carlo bands.
* :class:`CumulatorVAR` / :func:`cumulator_comparison`: the same question
  when the monitor's own published multi-month totals (half-years, years,
  year-to-date spans) enter the model as observations of the sum of the
  latent months they cover. Nothing derived from a total is written into
  the data: the totals are extra observations in the likelihood. Shown only
  as a labelled sensitivity.
* :func:`missingness_level_test`: are the months around a gap quieter (or
  busier) than other months once trend, break and season are removed?

Every p-value here comes with its N, and the Granger-type tests with the
size measured at the bundled shape, so reports can label a test exploratory
when that size exceeds 0.10 (:data:`MAX_SHOWN_SIZE`).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import InsufficientData
from analysis.relations import bh_q_values
from analysis.series import as_period_series

#: Fewest observed months of each series for the state-space VAR.
MIN_OBSERVED_MONTHS = 36
#: Largest measured size at which a test is shown as evidence (METHODS.md §4).
MAX_SHOWN_SIZE = 0.10
#: Default break: the Taliban takeover (months starting on or after it are "after").
DEFAULT_BREAK_DATE = "2021-08-15"
#: Columns of the Granger-type tables.
GRANGER_COLUMNS: tuple[str, ...] = (
    "cause", "effect", "lag_order", "statistic", "df_num", "df_denom", "p_value", "q_value",
    "method", "n", "measured_size", "calibration")
#: Granger-type test methods: Wald statistic / q referred to F(q, df_denom), or Wald to chi2(q).
GRANGER_METHODS: tuple[str, ...] = ("wald_f", "wald_chi2")

#: Size (rejection rate at nominal 5%, independent series) of the state-space
#: Granger-type test measured at the bundled shape with
#: ``python -m analysis.statespace calibrate`` (see README, "State-space VAR
#: and the cumulator sensitivity"): keyed by (model, method, direction).
MEASURED_SIZE: dict[tuple[str, str, str], float] = {}


# --------------------------------------------------------------------------
# Deterministic terms
# --------------------------------------------------------------------------


def deterministic_terms(index: pd.PeriodIndex, break_date: str | None = DEFAULT_BREAK_DATE,
                        harmonics: int = 1) -> pd.DataFrame:
    """Trend, level change, slope change and annual harmonics for a monthly index.

    Parameters
    ----------
    index : pandas.PeriodIndex
        Monthly periods, complete (no holes).
    break_date : str or None
        Months starting on or after it are "after" (as :func:`analysis.trends.its_design`);
        ``None``: no break terms.
    harmonics : int
        Number of annual harmonic pairs (``sin``/``cos`` of ``2πkm/12``).

    Returns
    -------
    pandas.DataFrame
        Columns ``trend`` (years since the first month), ``level_change``,
        ``slope_change`` (years since the break, 0 before), ``sin1``, ``cos1``, …
        The constant is not included.
    """
    if not isinstance(index, pd.PeriodIndex) or not index.freqstr.startswith("M"):
        raise ValueError("deterministic_terms needs a monthly PeriodIndex")
    if harmonics < 0 or harmonics > 5:
        raise ValueError(f"harmonics must be between 0 and 5; got {harmonics}")
    t = np.arange(len(index), dtype=float)
    columns: dict[str, np.ndarray] = {"trend": t / 12.0}
    if break_date:
        after = np.asarray(index.to_timestamp(how="start") >= pd.Timestamp(break_date))
        if 0 < after.sum() < len(after):
            t_break = float(np.flatnonzero(after)[0])
            columns["level_change"] = after.astype(float)
            columns["slope_change"] = np.where(after, (t - t_break) / 12.0, 0.0)
    months = index.month.to_numpy(float)
    for k in range(1, harmonics + 1):
        columns[f"sin{k}"] = np.sin(2 * np.pi * k * months / 12.0)
        columns[f"cos{k}"] = np.cos(2 * np.pi * k * months / 12.0)
    return pd.DataFrame(columns, index=index)


def _pair_frame(engagement, violence) -> pd.DataFrame:
    """Both series on one complete monthly index (the union), named after the inputs."""
    first = as_period_series(engagement)
    second = as_period_series(violence)
    if not first.index.freqstr.startswith("M") or not second.index.freqstr.startswith("M"):
        raise ValueError("the state-space models take monthly series")
    name1 = str(first.name) if first.name is not None else "engagement"
    name2 = str(second.name) if second.name is not None else "violence"
    if name1 == name2:
        name1, name2 = f"{name1} (1)", f"{name2} (2)"
    frame = pd.concat([first.rename(name1), second.rename(name2)], axis=1, join="outer")
    if len(frame):
        frame = frame.reindex(pd.period_range(frame.index.min(), frame.index.max(), freq="M"))
    # trim months where neither series is observed at the ends
    both_missing = frame.isna().all(axis=1).to_numpy()
    keep = np.flatnonzero(~both_missing)
    if len(keep):
        frame = frame.iloc[keep[0]:keep[-1] + 1]
    for column in frame.columns:
        values = frame[column].dropna()
        if (values < 0).any():
            raise ValueError(f"'{column}' has negative values; counts are expected")
    return frame


def _check_observed(frame: pd.DataFrame, minimum: int, what: str) -> None:
    for column in frame.columns:
        observed = int(frame[column].notna().sum())
        if observed < minimum:
            raise InsufficientData(
                f"{what} needs at least {minimum} observed months of '{column}'; it has {observed}",
                n=observed, required=minimum)
        if np.ptp(frame[column].dropna().to_numpy()) == 0:
            raise InsufficientData(f"'{column}' does not vary over its {observed} observed months",
                                   n=observed, required=minimum)


# --------------------------------------------------------------------------
# Item 2: VAR by the Kalman filter with missing months (VARMAX)
# --------------------------------------------------------------------------


@dataclass
class StateSpaceVar:
    """A bivariate VAR fitted by the Kalman filter (missing months skipped).

    Attributes
    ----------
    results : statsmodels VARMAXResults
    names : tuple of str
        (engagement name, violence name), the model's variable order.
    data : pandas.DataFrame
        The transformed series (``NaN`` = missing), indexed by month.
    exog : pandas.DataFrame
        Deterministic terms (see :func:`deterministic_terms`).
    lag_order : int
    n_observed : dict
        Observed months of each series.
    n_months : int
        Months in the window.
    window : str
    converged : bool
    seconds : float
        Wall time of the fit.
    """

    results: object
    names: tuple[str, str]
    data: pd.DataFrame
    exog: pd.DataFrame
    lag_order: int
    n_observed: dict
    n_months: int
    window: str
    converged: bool
    seconds: float
    transform: str = "log1p"

    def cross_lag_names(self, cause: str, effect: str) -> list[str]:
        """Parameter names of ``cause``'s lags in ``effect``'s equation."""
        return [f"L{i}.{cause}.{effect}" for i in range(1, self.lag_order + 1)]

    def params_per_equation(self) -> int:
        """Mean parameters in each equation: constant, lags of both series, deterministic terms."""
        return 1 + 2 * self.lag_order + self.exog.shape[1]


def _ols_start_params(model, data: np.ndarray, exog: np.ndarray, lags: int) -> np.ndarray | None:
    """VARMAX start parameters from equation-by-equation OLS on the rows whose lags are observed."""
    n, k = data.shape
    rows = [t for t in range(lags, n) if np.isfinite(data[t - lags:t + 1]).all()]
    if len(rows) < 2 * (1 + k * lags + exog.shape[1]):
        return None
    X = np.column_stack([np.ones(len(rows))]
                        + [data[[t - i for t in rows]] for i in range(1, lags + 1)]
                        + [exog[rows]])
    Y = data[rows]
    coef, *_ = np.linalg.lstsq(X, Y, rcond=None)  # (1 + k*lags + kx, k)
    resid = Y - X @ coef
    cov = resid.T @ resid / max(len(rows) - X.shape[1], 1)
    params = pd.Series(np.asarray(model.start_params, dtype=float), index=model.param_names)
    names = list(model.endog_names)
    for j, eq in enumerate(names):
        params[f"intercept.{eq}"] = coef[0, j]
        for i in range(1, lags + 1):
            for m, var in enumerate(names):
                params[f"L{i}.{var}.{eq}"] = coef[1 + (i - 1) * k + m, j]
        for c, term in enumerate(model.exog_names):
            params[f"beta.{term}.{eq}"] = coef[1 + k * lags + c, j]
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return None
    params[f"sqrt.var.{names[0]}"] = chol[0, 0]
    params[f"sqrt.cov.{names[0]}.{names[1]}"] = chol[1, 0]
    params[f"sqrt.var.{names[1]}"] = chol[1, 1]
    return params.to_numpy()


def fit_state_space_var(engagement, violence, *, lags: int = 1,
                        break_date: str | None = DEFAULT_BREAK_DATE, harmonics: int = 1,
                        transform: str = "log1p", min_observed: int = MIN_OBSERVED_MONTHS,
                        start_params=None, maxiter: int = 500) -> StateSpaceVar:
    """Fit a bivariate VAR(``lags``) by maximum likelihood with the Kalman filter.

    The model is statsmodels ``VARMAX(endog, order=(lags, 0), trend="c",
    exog=deterministic terms)``: each equation has a constant, ``lags`` lags of
    both series, a trend, a level change and a slope change at the break and
    ``harmonics`` annual harmonic pairs. A month in which a series has no
    figure is a missing observation (``NaN``): the Kalman filter predicts
    through it and the likelihood uses every observed month. Nothing is filled.

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
        Monthly counts (``NaN`` = missing), indexed by month.
    lags : int
        VAR order (default 1, the pre-specified lag of the primary test).
    break_date : str or None
    harmonics : int
        Annual harmonic pairs (default 1; two add 2 terms per equation
        against about 58 observed months).
    transform : {"log1p", "none"}
    min_observed : int
        Fewest observed months of each series (default 36).
    start_params : array_like, optional
        Warm start (e.g. the previous fit's parameters); default: OLS on the
        rows whose lags are observed.
    maxiter : int

    Returns
    -------
    StateSpaceVar

    Raises
    ------
    InsufficientData
        Fewer than ``min_observed`` observed months of either series, or a
        series that does not vary.
    """
    from statsmodels.tsa.statespace.varmax import VARMAX

    if transform not in ("log1p", "none"):
        raise ValueError(f"transform must be 'log1p' or 'none'; got {transform!r}")
    if int(lags) < 1:
        raise ValueError(f"lags must be at least 1; got {lags}")
    frame = _pair_frame(engagement, violence)
    _check_observed(frame, min_observed, "The state-space VAR")
    data = np.log1p(frame) if transform == "log1p" else frame.astype(float)
    exog = deterministic_terms(frame.index, break_date, harmonics)
    endog = data.set_axis(frame.index.to_timestamp(), axis=0)
    endog.index.freq = "MS"
    exog_values = exog.set_axis(endog.index, axis=0)
    began = time.perf_counter()
    results = None
    # BFGS without the stationarity transform from OLS start values reaches the
    # same maximum as statsmodels' default (L-BFGS on the transformed
    # parameters) about five times faster; the default is the fallback.
    for enforce, method in ((False, "bfgs"), (True, "lbfgs")):
        model = VARMAX(endog, order=(int(lags), 0), trend="c", exog=exog_values,
                       enforce_stationarity=enforce)
        start = (np.asarray(start_params, dtype=float) if start_params is not None
                 else _ols_start_params(model, data.to_numpy(float), exog.to_numpy(float), int(lags)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = model.fit(start_params=start, disp=False, method=method, maxiter=maxiter)
        except (np.linalg.LinAlgError, ValueError):
            results = None
            continue
        if results.mle_retvals.get("converged", True) and np.isfinite(results.llf):
            break
    if results is None:
        raise np.linalg.LinAlgError("the state-space VAR could not be fitted (both optimisers failed)")
    seconds = time.perf_counter() - began
    return StateSpaceVar(
        results=results, names=tuple(data.columns), data=data, exog=exog, lag_order=int(lags),
        n_observed={c: int(frame[c].notna().sum()) for c in frame.columns},
        n_months=len(frame), window=f"{frame.index[0]} to {frame.index[-1]}",
        converged=bool(results.mle_retvals.get("converged", True)), seconds=seconds,
        transform=transform)


def _wald_rows(params: pd.Series, cov: pd.DataFrame, names: tuple[str, str], lag_order: int,
               n_effect: dict, k_per_equation: int, method: str, model: str) -> pd.DataFrame:
    rows = []
    for cause, effect in ((names[0], names[1]), (names[1], names[0])):
        tested = [f"L{i}.{cause}.{effect}" for i in range(1, lag_order + 1)]
        b = params[tested].to_numpy(float)
        v = cov.loc[tested, tested].to_numpy(float)
        try:
            wald = float(b @ np.linalg.solve(v, b))
        except np.linalg.LinAlgError:
            wald = np.nan
        q = len(tested)
        n = int(n_effect[effect])
        if method == "wald_f":
            df_denom = max(n - lag_order - k_per_equation, 1)
            statistic = wald / q
            p_value = float(stats.f.sf(statistic, q, df_denom)) if np.isfinite(wald) else np.nan
        else:
            df_denom = None
            statistic = wald
            p_value = float(stats.chi2.sf(wald, q)) if np.isfinite(wald) else np.nan
        size = MEASURED_SIZE.get((model, method, "engagement_causes_violence" if cause == names[0]
                                  else "violence_causes_engagement"))
        rows.append({"cause": cause, "effect": effect, "lag_order": lag_order,
                     "statistic": statistic, "df_num": q, "df_denom": df_denom,
                     "p_value": p_value, "method": method, "n": n,
                     "measured_size": size, "calibration": calibration_label(size)})
    table = pd.DataFrame(rows)
    table.insert(7, "q_value", bh_q_values(table["p_value"]))
    return table.loc[:, list(GRANGER_COLUMNS)]


def calibration_label(size: float | None) -> str:
    """Words for a test's measured size at the data's shape."""
    if size is None or not np.isfinite(size):
        return "size not measured at this shape: exploratory"
    if size > MAX_SHOWN_SIZE:
        return f"exploratory; not calibrated (size {size:.2f} at this shape)"
    return f"size {size:.2f} at this shape"


def granger_state_space(engagement, violence, *, lags: int = 1,
                        break_date: str | None = DEFAULT_BREAK_DATE, harmonics: int = 1,
                        method: str = "wald_f", fit: StateSpaceVar | None = None,
                        **fit_kwargs) -> pd.DataFrame:
    """Granger-type tests both ways from the state-space VAR (missing months skipped).

    The null hypothesis "``cause`` does not help predict ``effect``" sets the
    ``lags`` coefficients of ``cause``'s lags in ``effect``'s equation to
    zero. The Wald statistic uses the maximum-likelihood covariance of the
    parameters (outer product of gradients, statsmodels' default).

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
    lags, break_date, harmonics
        See :func:`fit_state_space_var`.
    method : {"wald_f", "wald_chi2"}
        ``"wald_f"`` (default): Wald / q referred to F(q, n − lags − k), with n
        the effect series' observed months and k the mean parameters per
        equation, the small-sample reference whose size is measured in
        :func:`calibrate_granger`; ``"wald_chi2"``: the asymptotic chi2(q).
    fit : StateSpaceVar, optional
        A fit to reuse (the other fitting arguments are then ignored).
    **fit_kwargs
        Passed to :func:`fit_state_space_var`.

    Returns
    -------
    pandas.DataFrame
        One row per direction, columns :data:`GRANGER_COLUMNS`: ``cause,
        effect, lag_order, statistic, df_num, df_denom`` (``None`` for chi2),
        ``p_value``, ``q_value`` (Benjamini–Hochberg across the two rows),
        ``method``, ``n`` (observed months of the effect series),
        ``measured_size`` (rejection rate at 5% for independent series at the
        bundled shape, :data:`MEASURED_SIZE`) and ``calibration`` (words;
        "exploratory; not calibrated" above :data:`MAX_SHOWN_SIZE`).
    """
    if method not in GRANGER_METHODS:
        raise ValueError(f"method must be one of {GRANGER_METHODS}; got {method!r}")
    if fit is None:
        fit = fit_state_space_var(engagement, violence, lags=lags, break_date=break_date,
                                  harmonics=harmonics, **fit_kwargs)
    results = fit.results
    params = pd.Series(np.asarray(results.params), index=results.model.param_names)
    cov = pd.DataFrame(np.asarray(results.cov_params()), index=params.index, columns=params.index)
    return _wald_rows(params, cov, fit.names, fit.lag_order, fit.n_observed,
                      fit.params_per_equation(), method, "varmax")


# --------------------------------------------------------------------------
# Impulse responses with Monte Carlo bands, both Cholesky orderings
# --------------------------------------------------------------------------


def _var_matrices(params: pd.Series, names: tuple[str, str], lag_order: int):
    """AR matrices (lag_order, 2, 2) [row = equation] and the error covariance."""
    ar = np.empty((lag_order, 2, 2))
    for i in range(1, lag_order + 1):
        for r, eq in enumerate(names):
            for c, var in enumerate(names):
                ar[i - 1, r, c] = params[f"L{i}.{var}.{eq}"]
    lower = np.array([[params[f"sqrt.var.{names[0]}"], 0.0],
                      [params[f"sqrt.cov.{names[0]}.{names[1]}"], params[f"sqrt.var.{names[1]}"]]])
    return ar, lower @ lower.T


def _orthogonal_irfs(ar: np.ndarray, sigma: np.ndarray, horizon: int, order: list[int]) -> np.ndarray:
    """Responses (horizon + 1, response, impulse) to one-s.d. Cholesky shocks with ``order``."""
    k = sigma.shape[0]
    lags = ar.shape[0]
    phi = [np.eye(k)]
    for h in range(1, horizon + 1):
        phi.append(sum(phi[h - i] @ ar[i - 1] for i in range(1, min(h, lags) + 1)))
    perm = np.array(order)
    chol = np.linalg.cholesky(sigma[np.ix_(perm, perm)])
    impact = np.zeros((k, k))
    impact[np.ix_(perm, perm)] = chol  # column j: shock to variable perm[j]
    return np.stack([p @ impact for p in phi])


def state_space_impulse_responses(fit: StateSpaceVar, *, horizon: int = 12, draws: int = 500,
                                  seed: int = 20210815, signif: float = 0.05) -> pd.DataFrame:
    """Orthogonalised impulse responses with Monte Carlo bands, in both Cholesky orderings.

    Point responses come from the fitted parameters; the bands are the
    ``signif/2`` and ``1 - signif/2`` quantiles of the responses computed
    from ``draws`` parameter vectors drawn from the normal approximation to
    the maximum-likelihood estimator (mean the estimates, covariance
    ``results.cov_params()``), the Monte Carlo method of Lütkepohl (2005,
    §3.7) that :func:`analysis.relations.impulse_responses` uses via
    ``errband_mc``. A parametric bootstrap would refit the model ``draws``
    times (seconds each); the draws cost milliseconds. Draws with an
    error covariance that is not positive definite are discarded (their
    number is in ``attrs["draws_used"]``).

    Parameters
    ----------
    fit : StateSpaceVar
    horizon : int
        Months after the shock.
    draws : int
    seed : int
    signif : float

    Returns
    -------
    pandas.DataFrame
        ``ordering, impulse, response, horizon, response_value, lower, upper``,
        the format of :func:`analysis.relations.impulse_responses` (so
        :func:`analysis.plots.impulse_response_chart` draws it). Responses are
        on the model's scale (``log1p`` counts) to a one-standard-deviation
        shock.
    """
    if horizon < 1 or draws < 50:
        raise ValueError("horizon must be at least 1 and draws at least 50")
    results = fit.results
    params = pd.Series(np.asarray(results.params), index=results.model.param_names)
    cov = np.asarray(results.cov_params(), dtype=float)
    ar, sigma = _var_matrices(params, fit.names, fit.lag_order)
    rng = np.random.default_rng(seed)
    sampled = rng.multivariate_normal(params.to_numpy(float), cov, size=draws, method="svd")
    orders = ([0, 1], [1, 0])
    draws_by_order: dict[int, list[np.ndarray]] = {0: [], 1: []}
    for row in sampled:
        ar_d, sigma_d = _var_matrices(pd.Series(row, index=params.index), fit.names, fit.lag_order)
        try:
            for o, order in enumerate(orders):
                draws_by_order[o].append(_orthogonal_irfs(ar_d, sigma_d, horizon, order))
        except np.linalg.LinAlgError:
            continue
    rows = []
    for o, order in enumerate(orders):
        point = _orthogonal_irfs(ar, sigma, horizon, order)
        stack = np.stack(draws_by_order[o])
        lower = np.quantile(stack, signif / 2, axis=0)
        upper = np.quantile(stack, 1 - signif / 2, axis=0)
        ordered = [fit.names[i] for i in order]
        label = " → ".join(ordered) + " (Cholesky order)"
        for i in order:
            for j in order:
                for h in range(horizon + 1):
                    rows.append({"ordering": label, "impulse": fit.names[i], "response": fit.names[j],
                                 "horizon": h, "response_value": float(point[h, j, i]),
                                 "lower": float(lower[h, j, i]), "upper": float(upper[h, j, i])})
    table = pd.DataFrame(rows)
    table.attrs["draws_used"] = len(draws_by_order[0])
    table.attrs["method"] = "Monte Carlo draws from the estimated parameter covariance"
    return table


# --------------------------------------------------------------------------
# Calibration at the bundled shape (SIMULATED DATA)
# --------------------------------------------------------------------------


def calibrate_granger(scenario: str = "independent", design=None, *, effect: float = 0.0,
                      reps: int = 100, seed: int = 10, lags: int = 1, harmonics: int = 1,
                      alpha: float = 0.05, warm_start: bool = False) -> pd.DataFrame:
    """Rejection rates of the state-space Granger-type tests on simulated pairs (SIMULATED DATA).

    Pairs come from :func:`analysis.simulate.simulate_shaped_pair` (by
    default the bundled shape: 73 months, the 15 PICSS gaps, NB2 violence,
    shared break, post-break trend and harmonic); each is fitted with
    :func:`fit_state_space_var` and tested both ways with both methods.

    Parameters
    ----------
    scenario : {"independent", "engagement_leads", "violence_leads"}
    design : analysis.simulate.ShapedDesign, optional
    effect : float
        Cross effect at lag 1 (log scale per unit of ``log1p`` deviation).
    reps, seed : int
    lags, harmonics : int
    alpha : float
        Nominal level.
    warm_start : bool
        Start each fit from the previous replication's estimates instead of OLS.

    Returns
    -------
    pandas.DataFrame
        One row per (method, direction): ``scenario, effect, method,
        direction, rejection_rate, mc_se, reps, failed, seconds_per_fit``, and
        for the Wald F method of the independent scenario also the share of
        runs whose 95% impulse-response band at the first month excludes zero
        is not computed here (see tests). ``attrs["label"]`` is
        :data:`analysis.simulate.SIMULATED_LABEL`.
    """
    from analysis import simulate

    design = design or simulate.ShapedDesign()
    engagement, violence = simulate.simulate_shaped_pair(scenario, design, effect=effect,
                                                         reps=reps, seed=seed)
    index = design.index()
    rejections = {(m, d): [] for m in GRANGER_METHODS
                  for d in ("engagement_causes_violence", "violence_causes_engagement")}
    failed, seconds, previous = 0, [], None
    for r in range(reps):
        e = pd.Series(engagement[r], index=index, name="engagement")
        v = pd.Series(violence[r], index=index, name="violence")
        try:
            fit = fit_state_space_var(e, v, lags=lags, break_date=design.break_date(),
                                      harmonics=harmonics,
                                      start_params=previous if warm_start else None)
        except (InsufficientData, np.linalg.LinAlgError, ValueError):
            failed += 1
            continue
        seconds.append(fit.seconds)
        previous = np.asarray(fit.results.params)
        for method in GRANGER_METHODS:
            table = granger_state_space(e, v, fit=fit, method=method)
            for row in table.itertuples():
                direction = ("engagement_causes_violence" if row.cause == "engagement"
                             else "violence_causes_engagement")
                rejections[(method, direction)].append(row.p_value <= alpha)
    rows = []
    for (method, direction), hits in rejections.items():
        rate = float(np.mean(hits)) if hits else np.nan
        rows.append({"scenario": scenario, "effect": effect, "method": method,
                     "direction": direction, "rejection_rate": rate,
                     "mc_se": float(np.sqrt(rate * (1 - rate) / max(len(hits), 1))),
                     "reps": len(hits), "failed": failed,
                     "seconds_per_fit": float(np.mean(seconds)) if seconds else np.nan})
    table = pd.DataFrame(rows)
    table.attrs["label"] = simulate.SIMULATED_LABEL
    return table


# --------------------------------------------------------------------------
# Item 3b: does missingness depend on the level around it?
# --------------------------------------------------------------------------

#: Fewest observed months for the missingness test.
MIN_MISSINGNESS_OBSERVED = 24
#: Columns of :func:`missingness_level_test`.
MISSINGNESS_COLUMNS: tuple[str, ...] = (
    "series", "statistic", "neighbour_mean", "other_mean", "p_value", "method", "n",
    "n_missing", "n_neighbours", "n_other", "n_rotations", "sentence")


def _detrended(values: pd.Series, break_date: str | None, harmonics: int, transform: str) -> np.ndarray:
    """Residuals of ``transform(values)`` on a constant and the deterministic terms (NaN where missing)."""
    y = np.log1p(values.to_numpy(float)) if transform == "log1p" else values.to_numpy(float)
    exog = deterministic_terms(values.index, break_date, harmonics).to_numpy(float)
    X = np.column_stack([np.ones(len(y)), exog])
    ok = np.isfinite(y)
    coef, *_ = np.linalg.lstsq(X[ok], y[ok], rcond=None)
    resid = np.full(len(y), np.nan)
    resid[ok] = y[ok] - X[ok] @ coef
    return resid


def _neighbour_contrast(resid: np.ndarray, mask: np.ndarray) -> tuple[float, float, float, int, int]:
    """Mean residual of months next to a masked month minus that of the other months.

    Only months that are observed (finite residual) and not masked enter.
    """
    before = np.r_[False, mask[:-1]]
    after = np.r_[mask[1:], False]
    usable = np.isfinite(resid) & ~mask
    neighbour = usable & (before | after)
    other = usable & ~(before | after)
    if neighbour.sum() == 0 or other.sum() == 0:
        return np.nan, np.nan, np.nan, int(neighbour.sum()), int(other.sum())
    a, b = float(resid[neighbour].mean()), float(resid[other].mean())
    return a - b, a, b, int(neighbour.sum()), int(other.sum())


def missingness_level_test(series, *, break_date: str | None = DEFAULT_BREAK_DATE,
                           harmonics: int = 1, transform: str = "log1p",
                           min_observed: int = MIN_MISSINGNESS_OBSERVED) -> pd.DataFrame:
    """Are the observed months next to a gap quieter (or busier) than the other months?

    The series is detrended by least squares on ``transform`` of the observed
    months (constant, trend, level and slope change at the break, annual
    harmonics). The statistic is the mean residual of the observed months
    adjacent to a missing month minus the mean residual of the other
    observed months: negative when gaps sit among quiet months ("missing
    because quiet"). Its reference distribution rotates the gap pattern
    around the window (every circular shift), which keeps the gaps' clustering
    and the series' autocorrelation; months whose value is unknown are left
    out of both groups under every shift. The p-value is two-sided,
    ``(1 + #{|T_shift| ≥ |T|}) / (shifts + 1)``; its smallest value is
    ``1 / n``.

    Parameters
    ----------
    series : RegularSeries or pandas.Series
        Monthly counts, ``NaN`` = missing.
    break_date : str or None
    harmonics : int
    transform : {"log1p", "none"}
    min_observed : int

    Returns
    -------
    pandas.DataFrame
        One row, columns :data:`MISSINGNESS_COLUMNS`: ``statistic``
        (difference of mean residuals), ``neighbour_mean``, ``other_mean``,
        ``p_value``, ``method``, ``n`` (months in the window),
        ``n_missing``, ``n_neighbours``, ``n_other``, ``n_rotations`` and a
        plain ``sentence``.

    Raises
    ------
    InsufficientData
        Fewer than ``min_observed`` observed months, or no missing month
        (nothing to test).
    """
    if transform not in ("log1p", "none"):
        raise ValueError(f"transform must be 'log1p' or 'none'; got {transform!r}")
    values = as_period_series(series)
    if not values.index.freqstr.startswith("M"):
        raise ValueError("missingness_level_test takes a monthly series")
    label = str(values.name) if values.name is not None else "series"
    observed = values.notna().to_numpy()
    observed_idx = np.flatnonzero(observed)
    if len(observed_idx) < min_observed:
        raise InsufficientData(f"the missingness test needs at least {min_observed} observed months "
                               f"of '{label}'", n=len(observed_idx), required=min_observed)
    values = values.iloc[observed_idx[0]:observed_idx[-1] + 1]  # gaps inside the window only
    mask = values.isna().to_numpy()
    if not mask.any():
        raise InsufficientData(f"'{label}' has no missing month inside its window; nothing to test",
                               n=int(len(values)), required=min_observed)
    resid = _detrended(values, break_date, harmonics, transform)
    statistic, near, far, n_near, n_far = _neighbour_contrast(resid, mask)
    shifted = np.array([_neighbour_contrast(resid, np.roll(mask, s))[0] for s in range(1, len(mask))])
    shifted = shifted[np.isfinite(shifted)]
    p_value = float((1 + np.sum(np.abs(shifted) >= abs(statistic) - 1e-12)) / (len(shifted) + 1))
    scale = "log1p counts" if transform == "log1p" else "counts"
    where = "below" if statistic < 0 else "above"
    pct = f" (about {abs(np.expm1(statistic)) * 100:.0f}% {where})" if transform == "log1p" else ""
    p_text = format_p(p_value)
    reading = ("months next to a gap are quieter than the others, as if months went unpublished "
               "because they were quiet" if (p_value <= 0.05 and statistic < 0) else
               "months next to a gap are busier than the others" if p_value <= 0.05 else
               "no evidence at the 5% level that a month's publication depends on the level around it")
    sentence = (f"{label}: the {n_near} observed months next to one of the {int(mask.sum())} missing "
                f"months sit {abs(statistic):.2f} {where} the other {n_far} observed months on the "
                f"{scale} scale after removing trend, break and season{pct}; rotation p {p_text} "
                f"({len(shifted)} shifts of the gap pattern, {len(values)} months): {reading}.")
    return pd.DataFrame([{
        "series": label, "statistic": statistic, "neighbour_mean": near, "other_mean": far,
        "p_value": p_value, "method": "gap-pattern rotation (two-sided), detrended " + scale,
        "n": int(len(values)), "n_missing": int(mask.sum()), "n_neighbours": n_near,
        "n_other": n_far, "n_rotations": int(len(shifted)), "sentence": sentence,
    }]).loc[:, list(MISSINGNESS_COLUMNS)]


def format_p(p: float) -> str:
    """``"= 0.041"`` or ``"< 0.001"`` (never ``"= 0.000"``)."""
    if not np.isfinite(p):
        return "not computed"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"
