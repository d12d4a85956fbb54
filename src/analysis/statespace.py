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
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis import words
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
    "measured_size",
    "calibration",
)
#: Granger-type test methods: Wald statistic / q referred to F(q, df_denom), or Wald to chi2(q).
GRANGER_METHODS: tuple[str, ...] = ("wald_chi2", "wald_f")
#: Default method: the asymptotic chi2 Wald test holds its size at the bundled
#: shape (README table), so the F reference, more conservative, is an option.
DEFAULT_METHOD = "wald_chi2"

#: Size (rejection rate at nominal 5%, independent series) of the state-space
#: Granger-type test measured at the bundled shape with
#: ``python -m analysis.statespace calibrate`` (see README, "State-space VAR
#: and the cumulator sensitivity"): keyed by (model, method, direction).
#: Pooled over two seeded runs (seed 1, 150 replications; seed 2026, 200), so
#: 350 replications for the state-space VAR and 120 for the cumulator.
MEASURED_SIZE: dict[tuple[str, str, str], float] = {
    ("varmax", "wald_chi2", "engagement_causes_violence"): 0.066,
    ("varmax", "wald_chi2", "violence_causes_engagement"): 0.026,
    ("varmax", "wald_f", "engagement_causes_violence"): 0.057,
    ("varmax", "wald_f", "violence_causes_engagement"): 0.026,
    ("cumulator", "wald_chi2", "engagement_causes_violence"): 0.050,
    ("cumulator", "wald_chi2", "violence_causes_engagement"): 0.008,
}


# --------------------------------------------------------------------------
# Deterministic terms
# --------------------------------------------------------------------------


def deterministic_terms(
    index: pd.PeriodIndex, break_date: str | None = DEFAULT_BREAK_DATE, harmonics: int = 1
) -> pd.DataFrame:
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
        frame = frame.iloc[keep[0] : keep[-1] + 1]
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
                n=observed,
                required=minimum,
            )
        if np.ptp(frame[column].dropna().to_numpy()) == 0:
            raise InsufficientData(
                f"'{column}' does not vary over its {observed} observed months", n=observed, required=minimum
            )


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
    rows = [t for t in range(lags, n) if np.isfinite(data[t - lags : t + 1]).all()]
    if len(rows) < 2 * (1 + k * lags + exog.shape[1]):
        return None
    X = np.column_stack(
        [np.ones(len(rows))] + [data[[t - i for t in rows]] for i in range(1, lags + 1)] + [exog[rows]]
    )
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


def fit_state_space_var(
    engagement,
    violence,
    *,
    lags: int = 1,
    break_date: str | None = DEFAULT_BREAK_DATE,
    harmonics: int = 1,
    transform: str = "log1p",
    min_observed: int = MIN_OBSERVED_MONTHS,
    start_params=None,
    maxiter: int = 500,
) -> StateSpaceVar:
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
        model = VARMAX(endog, order=(int(lags), 0), trend="c", exog=exog_values, enforce_stationarity=enforce)
        start = (
            np.asarray(start_params, dtype=float)
            if start_params is not None
            else _ols_start_params(model, data.to_numpy(float), exog.to_numpy(float), int(lags))
        )
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
        results=results,
        names=tuple(data.columns),
        data=data,
        exog=exog,
        lag_order=int(lags),
        n_observed={c: int(frame[c].notna().sum()) for c in frame.columns},
        n_months=len(frame),
        window=f"{frame.index[0]} to {frame.index[-1]}",
        converged=bool(results.mle_retvals.get("converged", True)),
        seconds=seconds,
        transform=transform,
    )


def _wald_rows(
    params: pd.Series,
    cov: pd.DataFrame,
    names: tuple[str, str],
    lag_order: int,
    n_effect: dict,
    k_per_equation: int,
    method: str,
    model: str,
) -> pd.DataFrame:
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
        size = MEASURED_SIZE.get(
            (
                model,
                method,
                "engagement_causes_violence" if cause == names[0] else "violence_causes_engagement",
            )
        )
        rows.append(
            {
                "cause": cause,
                "effect": effect,
                "lag_order": lag_order,
                "statistic": statistic,
                "df_num": q,
                "df_denom": df_denom,
                "p_value": p_value,
                "method": method,
                "n": n,
                "measured_size": size,
                "calibration": calibration_label(size),
            }
        )
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


def granger_state_space(
    engagement,
    violence,
    *,
    lags: int = 1,
    break_date: str | None = DEFAULT_BREAK_DATE,
    harmonics: int = 1,
    method: str = DEFAULT_METHOD,
    fit: StateSpaceVar | None = None,
    **fit_kwargs,
) -> pd.DataFrame:
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
    method : {"wald_chi2", "wald_f"}
        ``"wald_chi2"`` (default): the Wald statistic referred to chi2(q);
        ``"wald_f"``: Wald / q referred to F(q, n − lags − k), with n the
        effect series' observed months and k the mean parameters per equation
        (more conservative). Both sizes are measured at the bundled shape by
        :func:`calibrate_granger` (README table).
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
        fit = fit_state_space_var(
            engagement, violence, lags=lags, break_date=break_date, harmonics=harmonics, **fit_kwargs
        )
    results = fit.results
    params = pd.Series(np.asarray(results.params), index=results.model.param_names)
    cov = pd.DataFrame(np.asarray(results.cov_params()), index=params.index, columns=params.index)
    return _wald_rows(
        params, cov, fit.names, fit.lag_order, fit.n_observed, fit.params_per_equation(), method, "varmax"
    )


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
    lower = np.array(
        [
            [params[f"sqrt.var.{names[0]}"], 0.0],
            [params[f"sqrt.cov.{names[0]}.{names[1]}"], params[f"sqrt.var.{names[1]}"]],
        ]
    )
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


def state_space_impulse_responses(
    fit: StateSpaceVar, *, horizon: int = 12, draws: int = 500, seed: int = 20210815, signif: float = 0.05
) -> pd.DataFrame:
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
                    rows.append(
                        {
                            "ordering": label,
                            "impulse": fit.names[i],
                            "response": fit.names[j],
                            "horizon": h,
                            "response_value": float(point[h, j, i]),
                            "lower": float(lower[h, j, i]),
                            "upper": float(upper[h, j, i]),
                        }
                    )
    table = pd.DataFrame(rows)
    table.attrs["draws_used"] = len(draws_by_order[0])
    table.attrs["method"] = "Monte Carlo draws from the estimated parameter covariance"
    return table


# --------------------------------------------------------------------------
# Calibration at the bundled shape (SIMULATED DATA)
# --------------------------------------------------------------------------


def calibrate_granger(
    scenario: str = "independent",
    design=None,
    *,
    effect: float = 0.0,
    reps: int = 100,
    seed: int = 10,
    lags: int = 1,
    harmonics: int = 1,
    alpha: float = 0.05,
    irf_draws: int = 0,
) -> pd.DataFrame:
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
    irf_draws : int
        If positive, also compute :func:`state_space_impulse_responses` with
        this many draws and record how often the 95% band of the cross
        response (``effect`` series the month after a shock to ``cause``, in
        the ordering with ``cause`` first) excludes zero.

    Returns
    -------
    pandas.DataFrame
        One row per (method, direction): ``scenario, effect, method,
        direction, rejection_rate, mc_se, reps, failed, seconds_per_fit`` and
        ``irf_band_excludes_zero`` (``NaN`` unless ``irf_draws``).
        ``attrs["label"]`` is :data:`analysis.simulate.SIMULATED_LABEL`.
    """
    from analysis import simulate

    design = design or simulate.ShapedDesign()
    engagement, violence = simulate.simulate_shaped_pair(
        scenario, design, effect=effect, reps=reps, seed=seed
    )
    index = design.index()
    rejections = {
        (m, d): []
        for m in GRANGER_METHODS
        for d in ("engagement_causes_violence", "violence_causes_engagement")
    }
    failed, seconds = 0, []
    excludes = {"engagement_causes_violence": [], "violence_causes_engagement": []}
    for r in range(reps):
        e = pd.Series(engagement[r], index=index, name="engagement")
        v = pd.Series(violence[r], index=index, name="violence")
        try:
            fit = fit_state_space_var(e, v, lags=lags, break_date=design.break_date(), harmonics=harmonics)
        except (InsufficientData, np.linalg.LinAlgError, ValueError):
            failed += 1
            continue
        seconds.append(fit.seconds)
        for method in GRANGER_METHODS:
            table = granger_state_space(e, v, fit=fit, method=method)
            for row in table.itertuples():
                direction = (
                    "engagement_causes_violence"
                    if row.cause == "engagement"
                    else "violence_causes_engagement"
                )
                rejections[(method, direction)].append(row.p_value <= alpha)
        if irf_draws:
            irf = state_space_impulse_responses(fit, horizon=1, draws=irf_draws, seed=seed + r)
            for cause, effect_name, direction in (
                ("engagement", "violence", "engagement_causes_violence"),
                ("violence", "engagement", "violence_causes_engagement"),
            ):
                part = irf.loc[
                    (irf["impulse"] == cause)
                    & (irf["response"] == effect_name)
                    & (irf["horizon"] == 1)
                    & irf["ordering"].str.startswith(cause)
                ]
                excludes[direction].append(bool((part["lower"] > 0).any() or (part["upper"] < 0).any()))
    rows = []
    for (method, direction), hits in rejections.items():
        rate = float(np.mean(hits)) if hits else np.nan
        rows.append(
            {
                "scenario": scenario,
                "effect": effect,
                "method": method,
                "direction": direction,
                "rejection_rate": rate,
                "mc_se": float(np.sqrt(rate * (1 - rate) / max(len(hits), 1))),
                "reps": len(hits),
                "failed": failed,
                "seconds_per_fit": float(np.mean(seconds)) if seconds else np.nan,
                "irf_band_excludes_zero": (
                    float(np.mean(excludes[direction])) if excludes[direction] else np.nan
                ),
            }
        )
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
    "series",
    "statistic",
    "neighbour_mean",
    "other_mean",
    "p_value",
    "method",
    "n",
    "n_missing",
    "n_neighbours",
    "n_other",
    "n_rotations",
    "sentence",
)


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


def missingness_level_test(
    series,
    *,
    break_date: str | None = DEFAULT_BREAK_DATE,
    harmonics: int = 1,
    transform: str = "log1p",
    min_observed: int = MIN_MISSINGNESS_OBSERVED,
) -> pd.DataFrame:
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
        raise InsufficientData(
            f"the missingness test needs at least {min_observed} observed months of '{label}'",
            n=len(observed_idx),
            required=min_observed,
        )
    values = values.iloc[observed_idx[0] : observed_idx[-1] + 1]  # gaps inside the window only
    mask = values.isna().to_numpy()
    if not mask.any():
        raise InsufficientData(
            f"'{label}' has no missing month inside its window; nothing to test",
            n=int(len(values)),
            required=min_observed,
        )
    resid = _detrended(values, break_date, harmonics, transform)
    statistic, near, far, n_near, n_far = _neighbour_contrast(resid, mask)
    shifted = np.array([_neighbour_contrast(resid, np.roll(mask, s))[0] for s in range(1, len(mask))])
    shifted = shifted[np.isfinite(shifted)]
    p_value = float((1 + np.sum(np.abs(shifted) >= abs(statistic) - 1e-12)) / (len(shifted) + 1))
    scale = "log1p counts" if transform == "log1p" else "counts"
    where = "below" if statistic < 0 else "above"
    pct = f" (about {abs(np.expm1(statistic)) * 100:.0f}% {where})" if transform == "log1p" else ""
    p_text = words.p_text(p_value, "rotation p")
    reading = (
        "months next to a gap are quieter than the others, as if months went unpublished "
        "because they were quiet"
        if (p_value <= 0.05 and statistic < 0)
        else "months next to a gap are busier than the others"
        if p_value <= 0.05
        else "no evidence at the 5% level that a month's publication depends on the level around it"
    )
    sentence = (
        f"{label}: the {n_near} observed months next to one of the {int(mask.sum())} missing "
        f"months sit {abs(statistic):.2f} {where} the other {n_far} observed months on the "
        f"{scale} scale after removing trend, break and season{pct}; {p_text} "
        f"({len(shifted)} shifts of the gap pattern, {len(values)} months): {reading}."
    )
    return pd.DataFrame(
        [
            {
                "series": label,
                "statistic": statistic,
                "neighbour_mean": near,
                "other_mean": far,
                "p_value": p_value,
                "method": "gap-pattern rotation (two-sided), detrended " + scale,
                "n": int(len(values)),
                "n_missing": int(mask.sum()),
                "n_neighbours": n_near,
                "n_other": n_far,
                "n_rotations": int(len(shifted)),
                "sentence": sentence,
            }
        ]
    ).loc[:, list(MISSINGNESS_COLUMNS)]


# --------------------------------------------------------------------------
# Item 3: the cumulator sensitivity (published totals as observations)
# --------------------------------------------------------------------------

#: Default standard deviation of a published total's error, relative to the total
#: (restatements and month sums differ from totals by about 1%: see the
#: consistency report), with a floor of one event.
TOTAL_RELATIVE_SD = 0.01


class CumulatorVAR:  # the statsmodels subclass is built lazily (import cost)
    """Factory for the cumulator state-space VAR; see :func:`fit_cumulator_var`."""

    def __new__(cls, *args, **kwargs):
        return _cumulator_class()(*args, **kwargs)


_CUMULATOR_CLASS = None


def _cumulator_class():
    global _CUMULATOR_CLASS
    if _CUMULATOR_CLASS is not None:
        return _CUMULATOR_CLASS
    from statsmodels.tsa.statespace.mlemodel import MLEModel
    from statsmodels.tsa.statespace.tools import (
        constrain_stationary_multivariate,
        unconstrain_stationary_multivariate,
    )

    class _CumulatorVAR(MLEModel):
        """Bivariate VAR in which violence is a latent monthly state and published
        multi-month totals observe the sum of the months they span.

        Observation vector at month t: engagement (``log1p``), violence
        scaled by a known positive weight (``y_t / w_t``), and up to K published
        totals ending at t. The latent violence deviation ``u_t`` is kept with
        its lags back to the longest span, so a total over months
        ``s..t`` is observed as ``sum_j w_j (D_j beta_v + u_j)`` plus a small
        measurement error (a cumulator written with lagged states; it allows
        nested and overlapping spans). Sums are linear on the count scale,
        which is why violence enters as counts (divided by the weights, which
        removes most of the trend in its variance) rather than ``log1p``.
        """

        def __init__(
            self,
            engagement,
            violence_scaled,
            exog,
            weights,
            spans,
            *,
            lags=1,
            names=("engagement", "violence"),
            enforce_stationarity=False,
        ):
            engagement = np.asarray(engagement, float)
            violence_scaled = np.asarray(violence_scaled, float)
            exog = np.asarray(exog, float)
            weights = np.asarray(weights, float)
            n = len(engagement)
            ends: dict[int, int] = {}
            slots = []
            for start, end, value, sd in spans:
                slot = ends.get(end, 0)
                ends[end] = slot + 1
                slots.append((int(start), int(end), float(value), float(sd), slot))
            k_totals = max(ends.values()) if ends else 0
            longest = max((e - s + 1 for s, e, *_ in slots), default=1)
            self.p = int(lags)
            self.n_lags_v = max(self.p, longest)
            k_states = self.p + self.n_lags_v
            endog = np.full((n, 2 + k_totals), np.nan)
            endog[:, 0] = engagement
            endog[:, 1] = violence_scaled
            for start, end, value, sd, slot in slots:
                endog[end, 2 + slot] = value
            super().__init__(endog, k_states=k_states, k_posdef=2, initialization="stationary")
            self.names = tuple(names)
            self.enforce_stationarity = enforce_stationarity
            self.k_totals = k_totals
            self.exog_matrix = np.column_stack([np.ones(n), exog])
            self.kx = self.exog_matrix.shape[1]
            self.weights = weights
            self.spans = slots
            design = np.zeros((2 + k_totals, k_states, n))
            design[0, 0, :] = 1.0
            design[1, self.p, :] = 1.0
            obs_cov = np.zeros((2 + k_totals, 2 + k_totals, n))
            self.total_exog = np.zeros((k_totals, n, self.kx))
            for start, end, value, sd, slot in slots:
                for j in range(end - start + 1):
                    design[2 + slot, self.p + j, end] = weights[end - j]
                self.total_exog[slot, end] = weights[start : end + 1] @ self.exog_matrix[start : end + 1]
                obs_cov[2 + slot, 2 + slot, end] = sd**2
            self["design"] = design
            self["obs_cov"] = obs_cov
            selection = np.zeros((k_states, 2))
            selection[0, 0] = 1.0
            selection[self.p, 1] = 1.0
            self["selection"] = selection
            transition = np.zeros((k_states, k_states))
            for j in range(1, self.p):
                transition[j, j - 1] = 1.0
            for j in range(1, self.n_lags_v):
                transition[self.p + j, self.p + j - 1] = 1.0
            self["transition"] = transition
            self._transition_base = transition
            self._start = self._ols_start(engagement, violence_scaled)

        @property
        def param_names(self):
            names = []
            for eq in self.names:
                names += [f"beta.const.{eq}"] + [f"beta.x{c}.{eq}" for c in range(1, self.kx)]
            for eq in self.names:
                for i in range(1, self.p + 1):
                    names += [f"L{i}.{var}.{eq}" for var in self.names]
            e, v = self.names
            return names + [f"sqrt.var.{e}", f"sqrt.cov.{e}.{v}", f"sqrt.var.{v}"]

        @property
        def start_params(self):
            return self._start

        def _slices(self):
            kx, p = self.kx, self.p
            return (
                slice(0, kx),
                slice(kx, 2 * kx),
                slice(2 * kx, 2 * kx + 4 * p),
                slice(2 * kx + 4 * p, 2 * kx + 4 * p + 3),
            )

        def _ols_start(self, engagement, violence_scaled):
            data = np.column_stack([engagement, violence_scaled])
            X = self.exog_matrix
            betas, resid = [], np.full_like(data, np.nan)
            for c in range(2):
                ok = np.isfinite(data[:, c])
                coef, *_ = np.linalg.lstsq(X[ok], data[ok, c], rcond=None)
                betas.append(coef)
                resid[ok, c] = data[ok, c] - X[ok] @ coef
            p = self.p
            rows = [t for t in range(p, len(data)) if np.isfinite(resid[t - p : t + 1]).all()]
            lagged = np.column_stack([resid[[t - i for t in rows]] for i in range(1, p + 1)])
            ar, *_ = np.linalg.lstsq(lagged, resid[rows], rcond=None)  # (2p, 2)
            ar = ar.T  # rows = equations
            eps = resid[rows] - lagged @ ar.T
            cov = eps.T @ eps / max(len(rows) - 2 * p, 1)
            chol = np.linalg.cholesky(cov + 1e-8 * np.eye(2))
            return np.concatenate([betas[0], betas[1], ar.ravel(), [chol[0, 0], chol[1, 0], chol[1, 1]]])

        def _state_cov(self, params):
            c = params[self._slices()[3]]
            lower = np.zeros((2, 2), dtype=params.dtype)
            lower[0, 0], lower[1, 0], lower[1, 1] = c[0], c[1], c[2]
            return lower @ lower.T

        def transform_params(self, unconstrained):
            unconstrained = np.array(unconstrained, ndmin=1)
            if not self.enforce_stationarity:
                return unconstrained
            constrained = unconstrained.copy()
            s_ar = self._slices()[2]
            coefs = unconstrained[s_ar].reshape(2, 2 * self.p)
            constrained[s_ar] = constrain_stationary_multivariate(coefs, self._state_cov(unconstrained))[
                0
            ].ravel()
            return constrained

        def untransform_params(self, constrained):
            constrained = np.array(constrained, ndmin=1)
            if not self.enforce_stationarity:
                return constrained
            unconstrained = constrained.copy()
            s_ar = self._slices()[2]
            coefs = constrained[s_ar].reshape(2, 2 * self.p)
            unconstrained[s_ar] = unconstrain_stationary_multivariate(coefs, self._state_cov(constrained))[
                0
            ].ravel()
            return unconstrained

        def update(self, params, **kwargs):
            params = super().update(params, **kwargs)
            s_e, s_v, s_ar, _ = self._slices()
            beta_e, beta_v = params[s_e], params[s_v]
            n = self.nobs
            intercept = np.zeros((2 + self.k_totals, n), dtype=params.dtype)
            intercept[0] = self.exog_matrix @ beta_e
            intercept[1] = self.exog_matrix @ beta_v
            for slot in range(self.k_totals):
                intercept[2 + slot] = self.total_exog[slot] @ beta_v
            self["obs_intercept"] = intercept
            ar = params[s_ar].reshape(2, 2 * self.p)
            transition = np.array(self._transition_base, dtype=params.dtype)
            p = self.p
            for i in range(1, p + 1):
                for row, eq in ((0, 0), (p, 1)):
                    transition[row, i - 1] = ar[eq, 2 * (i - 1)]
                    transition[row, p + i - 1] = ar[eq, 2 * (i - 1) + 1]
            self["transition"] = transition
            self["state_cov"] = self._state_cov(params)

    _CUMULATOR_CLASS = _CumulatorVAR
    return _CUMULATOR_CLASS


@dataclass
class CumulatorFit:
    """A fitted cumulator VAR (see :func:`fit_cumulator_var`).

    Attributes
    ----------
    results : statsmodels MLEResults
    names : tuple of str
        (engagement name, violence name).
    uses_totals : bool
    spans_used : pandas.DataFrame
        The published totals entered as observations (``period_start,
        period_end, value, figure_id, months_missing``); empty when ignored.
    weights : pandas.Series
        Known scale ``w_t`` of violence (violence enters as ``y_t / w_t``).
    data : pandas.DataFrame
        Engagement and violence as given (counts, ``NaN`` = missing).
    exog : pandas.DataFrame
    lag_order : int
    n_observed : dict
    window : str
    converged : bool
    seconds : float
    """

    results: object
    names: tuple[str, str]
    uses_totals: bool
    spans_used: pd.DataFrame
    weights: pd.Series
    data: pd.DataFrame
    exog: pd.DataFrame
    lag_order: int
    n_observed: dict
    window: str
    converged: bool
    seconds: float

    def params_per_equation(self) -> int:
        return 1 + 2 * self.lag_order + self.exog.shape[1]

    def smoothed_violence(self) -> pd.DataFrame:
        """Smoothed monthly violence on the count scale, with its 95% interval.

        Returns
        -------
        pandas.DataFrame
            Indexed by month: ``observed`` (the published figure or ``NaN``),
            ``smoothed``, ``lower``, ``upper``. Model output for reading the
            sensitivity, never data: the missing months stay missing in
            ``observed``.
        """
        model = self.results.model
        state = self.results.smoothed_state[model.p]
        var = self.results.smoothed_state_cov[model.p, model.p]
        beta_v = np.asarray(self.results.params)[model._slices()[1]]
        mean_z = model.exog_matrix @ beta_v + state
        w = self.weights.to_numpy(float)
        sd = np.sqrt(np.maximum(var, 0)) * w
        smoothed = mean_z * w
        return pd.DataFrame(
            {
                "observed": self.data[self.names[1]].to_numpy(float),
                "smoothed": smoothed,
                "lower": smoothed - 1.96 * sd,
                "upper": smoothed + 1.96 * sd,
            },
            index=self.data.index,
        )


def _violence_weights(violence: pd.Series, exog: pd.DataFrame) -> pd.Series:
    """Known scale of violence: exp of the least-squares fit of ``log1p`` on the terms."""
    y = np.log1p(violence.to_numpy(float))
    X = np.column_stack([np.ones(len(y)), exog.to_numpy(float)])
    ok = np.isfinite(y)
    coef, *_ = np.linalg.lstsq(X[ok], y[ok], rcond=None)
    return pd.Series(np.exp(X @ coef), index=violence.index, name="weight")


def _spans_inside(spans: pd.DataFrame, index: pd.PeriodIndex, missing: np.ndarray) -> pd.DataFrame:
    """Published totals wholly inside the window that span at least one missing month."""
    required = {"period_start", "period_end", "value"}
    if not required <= set(spans.columns):
        raise ValueError(f"spans: missing column(s) {sorted(required - set(spans.columns))}")
    rows = []
    first, last = index[0], index[-1]
    for row in spans.itertuples(index=False):
        start, end = pd.Period(row.period_start, freq="M"), pd.Period(row.period_end, freq="M")
        if start < first or end > last or end < start:
            continue
        a, b = index.get_loc(start), index.get_loc(end)
        n_missing = int(missing[a : b + 1].sum())
        if n_missing == 0:
            continue  # every month published: says nothing about the gaps
        if b - a + 1 > 24:
            continue
        rows.append(
            {
                "period_start": start,
                "period_end": end,
                "value": float(row.value),
                "figure_id": getattr(row, "figure_id", ""),
                "months_missing": n_missing,
                "start_pos": a,
                "end_pos": b,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "period_start",
            "period_end",
            "value",
            "figure_id",
            "months_missing",
            "start_pos",
            "end_pos",
        ],
    )


def fit_cumulator_var(
    engagement,
    violence,
    spans: pd.DataFrame | None,
    *,
    use_totals: bool = True,
    lags: int = 1,
    break_date: str | None = DEFAULT_BREAK_DATE,
    harmonics: int = 1,
    total_relative_sd: float = TOTAL_RELATIVE_SD,
    min_observed: int = MIN_OBSERVED_MONTHS,
    maxiter: int = 500,
) -> CumulatorFit:
    """Fit the cumulator VAR: published multi-month totals as observations of sums of months.

    Violence is a latent monthly state observed in the months with a
    published figure; each published total whose span lies in the window and
    contains at least one missing month is an extra observation equal to the
    sum of the latent months it spans plus an error with standard deviation
    ``max(1, total_relative_sd × total)``. Totals whose months are all
    published carry no information about the gaps and are left out. Sums are
    linear on the count scale, so violence enters as counts divided by a known
    weight ``w_t`` (the exponential of a least-squares fit of ``log1p``
    violence on the deterministic terms), which keeps the innovations'
    variance roughly constant as the level quadruples; engagement enters as
    ``log1p`` counts. Each equation has a constant, trend, level and slope
    change at the break and ``harmonics`` annual harmonics; the deviations
    follow a VAR(``lags``). Nothing derived from a total is written into the
    data.

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
        Monthly counts, ``NaN`` = missing.
    spans : pandas.DataFrame or None
        ``period_start, period_end, value`` (and optionally ``figure_id``),
        e.g. :func:`analysis.consistency.published_spans`.
    use_totals : bool
        ``False`` fits the same model without the totals (the comparison).
    lags, break_date, harmonics, min_observed, maxiter
        As in :func:`fit_state_space_var`.
    total_relative_sd : float

    Returns
    -------
    CumulatorFit
    """
    frame = _pair_frame(engagement, violence)
    _check_observed(frame, min_observed, "The cumulator VAR")
    names = tuple(frame.columns)
    exog = deterministic_terms(frame.index, break_date, harmonics)
    missing = frame[names[1]].isna().to_numpy()
    if use_totals and spans is not None and len(spans):
        used = _spans_inside(spans, frame.index, missing)
    else:
        used = _spans_inside(
            pd.DataFrame(columns=["period_start", "period_end", "value"]), frame.index, missing
        )
    weights = _violence_weights(frame[names[1]], exog)
    span_list = [
        (r.start_pos, r.end_pos, r.value, max(1.0, total_relative_sd * r.value))
        for r in used.itertuples(index=False)
    ]
    began = time.perf_counter()
    results = None
    for enforce, method in ((False, "bfgs"), (True, "lbfgs")):
        model = CumulatorVAR(
            np.log1p(frame[names[0]].to_numpy(float)),
            frame[names[1]].to_numpy(float) / weights.to_numpy(float),
            exog.to_numpy(float),
            weights.to_numpy(float),
            span_list,
            lags=lags,
            names=names,
            enforce_stationarity=enforce,
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = model.fit(disp=False, method=method, maxiter=maxiter)
        except (np.linalg.LinAlgError, ValueError):
            results = None
            continue
        if results.mle_retvals.get("converged", True) and np.isfinite(results.llf):
            break
    if results is None:
        raise np.linalg.LinAlgError("the cumulator VAR could not be fitted (both optimisers failed)")
    return CumulatorFit(
        results=results,
        names=names,
        uses_totals=bool(len(used)),
        weights=weights,
        spans_used=used.drop(columns=["start_pos", "end_pos"]),
        data=frame,
        exog=exog,
        lag_order=int(lags),
        n_observed={c: int(frame[c].notna().sum()) for c in names},
        window=f"{frame.index[0]} to {frame.index[-1]}",
        converged=bool(results.mle_retvals.get("converged", True)),
        seconds=time.perf_counter() - began,
    )


def granger_cumulator(fit: CumulatorFit, *, method: str = DEFAULT_METHOD) -> pd.DataFrame:
    """Granger-type Wald tests both ways from a :class:`CumulatorFit` (table as
    :func:`granger_state_space`, plus ``totals``: "used as observations" or "ignored")."""
    if method not in GRANGER_METHODS:
        raise ValueError(f"method must be one of {GRANGER_METHODS}; got {method!r}")
    results = fit.results
    params = pd.Series(np.asarray(results.params), index=results.model.param_names)
    cov = pd.DataFrame(np.asarray(results.cov_params()), index=params.index, columns=params.index)
    model_key = "cumulator" if fit.uses_totals else "cumulator_no_totals"
    table = _wald_rows(
        params, cov, fit.names, fit.lag_order, fit.n_observed, fit.params_per_equation(), method, model_key
    )
    table["totals"] = (
        f"{len(fit.spans_used)} published totals used as observations" if fit.uses_totals else "ignored"
    )
    return table


def cumulator_comparison(
    engagement,
    violence,
    spans: pd.DataFrame,
    *,
    lags: int = 1,
    break_date: str | None = DEFAULT_BREAK_DATE,
    harmonics: int = 1,
    method: str = DEFAULT_METHOD,
    total_relative_sd: float = TOTAL_RELATIVE_SD,
) -> pd.DataFrame:
    """The Granger-type tests with the gaps ignored and with them informed by the published totals.

    A labelled sensitivity: the same cumulator VAR (:func:`fit_cumulator_var`)
    fitted twice, once without the totals and once with every published total
    that spans a missing month as an observation.

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
    spans : pandas.DataFrame
        :func:`analysis.consistency.published_spans` of the violence series.
    lags, break_date, harmonics, method, total_relative_sd
        See :func:`fit_cumulator_var` and :func:`granger_state_space`.

    Returns
    -------
    pandas.DataFrame
        Four rows (two directions × totals ignored / used; two when no
        published total spans a missing month), the columns of
        :func:`granger_state_space` plus ``totals``; ``q_value`` is
        Benjamini–Hochberg within each fit. ``attrs["fits"]`` holds the two
        :class:`CumulatorFit` objects (``"ignored"``, ``"used"``) and
        ``attrs["seconds"]`` their total fitting time.
    """
    fits = {}
    tables = []
    for key, use in (("ignored", False), ("used", True)):
        fit = fit_cumulator_var(
            engagement,
            violence,
            spans,
            use_totals=use,
            lags=lags,
            break_date=break_date,
            harmonics=harmonics,
            total_relative_sd=total_relative_sd,
        )
        if use and not fit.uses_totals:
            tables[0]["totals"] = "ignored (no published total spans a missing month)"
            break
        fits[key] = fit
        tables.append(granger_cumulator(fit, method=method))
    table = pd.concat(tables, ignore_index=True)
    table.attrs["fits"] = fits
    table.attrs["seconds"] = sum(f.seconds for f in fits.values())
    return table


def _smoothed_without_totals(fit: CumulatorFit) -> np.ndarray:
    """Smoothed violence counts at the same parameters with the totals removed."""
    model = fit.results.model
    names = fit.names
    bare = CumulatorVAR(
        np.log1p(fit.data[names[0]].to_numpy(float)),
        fit.data[names[1]].to_numpy(float) / fit.weights.to_numpy(float),
        fit.exog.to_numpy(float),
        fit.weights.to_numpy(float),
        [],
        lags=fit.lag_order,
        names=names,
    )
    params = np.asarray(fit.results.params)
    smoothed = bare.smooth(params)
    beta_v = params[model._slices()[1]]
    return (bare.exog_matrix @ beta_v + smoothed.smoothed_state[bare.p]) * fit.weights.to_numpy(float)


def calibrate_cumulator(
    scenario: str = "independent",
    design=None,
    *,
    effect: float = 0.0,
    reps: int = 30,
    seed: int = 30,
    lags: int = 1,
    harmonics: int = 1,
    alpha: float = 0.05,
    method: str = "wald_chi2",
) -> pd.DataFrame:
    """Size or power of the cumulator Granger-type test and its recovery of missing months
    (SIMULATED DATA).

    Each replication simulates a complete pair (:func:`analysis.simulate.simulate_shaped_pair_with_totals`),
    removes the bundled gap months, computes the exact totals over the
    bundled spans, fits :func:`fit_cumulator_var` with the totals and tests
    both ways. Recovery compares, at the fitted parameters, the smoothed
    missing months with and without the totals against the simulated truth.

    Returns
    -------
    pandas.DataFrame
        One row per direction: ``scenario, effect, method, direction,
        rejection_rate, mc_se, reps, failed, rmse_missing_with_totals,
        rmse_missing_without_totals, share_better_with_totals,
        seconds_per_fit``. ``attrs["label"]`` is the simulated-data label.
    """
    from analysis import simulate

    design = design or simulate.ShapedDesign()
    engagement, violence, complete, totals = simulate.simulate_shaped_pair_with_totals(
        scenario, design, effect=effect, reps=reps, seed=seed
    )
    index = design.index()
    gaps = np.isnan(violence[0])
    hits = {"engagement_causes_violence": [], "violence_causes_engagement": []}
    errors_with, errors_without, seconds, failed = [], [], [], 0
    for r in range(reps):
        e = pd.Series(engagement[r], index=index, name="engagement")
        v = pd.Series(violence[r], index=index, name="violence")
        try:
            fit = fit_cumulator_var(
                e,
                v,
                totals.loc[totals["rep"] == r],
                lags=lags,
                break_date=design.break_date(),
                harmonics=harmonics,
            )
        except (InsufficientData, np.linalg.LinAlgError, ValueError):
            failed += 1
            continue
        seconds.append(fit.seconds)
        table = granger_cumulator(fit, method=method)
        for row in table.itertuples():
            key = "engagement_causes_violence" if row.cause == "engagement" else "violence_causes_engagement"
            hits[key].append(row.p_value <= alpha)
        truth = complete[r, gaps]
        errors_with.append(fit.smoothed_violence()["smoothed"].to_numpy()[gaps] - truth)
        errors_without.append(_smoothed_without_totals(fit)[gaps] - truth)
    rmse_with = np.sqrt(np.mean(np.square(errors_with), axis=1))
    rmse_without = np.sqrt(np.mean(np.square(errors_without), axis=1))
    rows = []
    for direction, flags in hits.items():
        rate = float(np.mean(flags)) if flags else np.nan
        rows.append(
            {
                "scenario": scenario,
                "effect": effect,
                "method": method,
                "direction": direction,
                "rejection_rate": rate,
                "mc_se": float(np.sqrt(rate * (1 - rate) / max(len(flags), 1))),
                "reps": len(flags),
                "failed": failed,
                "rmse_missing_with_totals": float(np.mean(rmse_with)),
                "rmse_missing_without_totals": float(np.mean(rmse_without)),
                "share_better_with_totals": float(np.mean(rmse_with < rmse_without)),
                "seconds_per_fit": float(np.mean(seconds)) if seconds else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["label"] = simulate.SIMULATED_LABEL
    return table


def calibrate_missingness(
    mechanism: str = "random", design=None, *, reps: int = 200, seed: int = 11, alpha: float = 0.05
) -> dict:
    """Rejection rate of :func:`missingness_level_test` on simulated violence (SIMULATED DATA).

    Parameters
    ----------
    mechanism : {"random", "quiet"}
        ``"random"``: the design's gap pattern at a random rotation, unrelated
        to the level (the size); ``"quiet"``: as many gaps placed in the
        quietest months (lowest three-month mean of the detrended series),
        the "missing because quiet" alternative (the power).
    design : analysis.simulate.ShapedDesign, optional
    reps, seed : int
    alpha : float

    Returns
    -------
    dict
        ``mechanism, rejection_rate, reps, n_missing, label``.
    """
    from dataclasses import replace

    from analysis import simulate

    if mechanism not in ("random", "quiet"):
        raise ValueError(f"mechanism must be 'random' or 'quiet'; got {mechanism!r}")
    design = design or simulate.ShapedDesign()
    complete = simulate.simulate_shaped_pair(
        "independent", replace(design, violence_gaps=()), reps=reps, seed=seed
    )[1]
    rng = np.random.default_rng(seed)
    mask = np.zeros(design.n, bool)
    mask[list(design.violence_gaps)] = True
    index = design.index()
    hits = []
    for r in range(reps):
        values = complete[r].copy()
        if mechanism == "quiet":
            resid = _detrended(pd.Series(values, index=index), design.break_date(), 1, "log1p")
            smooth = pd.Series(resid).rolling(3, center=True, min_periods=1).mean().to_numpy()
            gaps = np.argsort(smooth)[: int(mask.sum())]
        else:
            gaps = np.flatnonzero(np.roll(mask, int(rng.integers(design.n))))
        gaps = gaps[(gaps > 0) & (gaps < design.n - 1)]  # gaps inside the window
        values[gaps] = np.nan
        result = missingness_level_test(
            pd.Series(values, index=index, name="simulated"), break_date=design.break_date()
        )
        hits.append(result["p_value"].iloc[0] <= alpha)
    return {
        "mechanism": mechanism,
        "rejection_rate": float(np.mean(hits)),
        "reps": reps,
        "n_missing": int(mask.sum()),
        "label": simulate.SIMULATED_LABEL,
    }


#: Effects at which power is reported (log scale per unit of ``log1p`` deviation, lag 1).
STATED_EFFECTS: dict[str, tuple[float, ...]] = {"engagement_leads": (0.2, 0.4), "violence_leads": (1.2, 1.6)}


def calibration_table(
    *, reps: int = 200, power_reps: int = 100, cumulator_reps: int = 60, seed: int = 2026
) -> pd.DataFrame:
    """The README calibration table of this module at the bundled shape (SIMULATED DATA).

    Rows: size of both Granger-type methods of the state-space VAR in each
    direction (independent series) with the Monte Carlo impulse-band check;
    power at :data:`STATED_EFFECTS` in the true direction (and the rate in
    the false one); size of the cumulator test and its recovery of the
    missing months; size and power of the missingness test. Run with
    ``python -m analysis.statespace calibrate``.

    Returns
    -------
    pandas.DataFrame
        ``model, check, scenario, effect, method, direction, rate, mc_se,
        reps, note``.
    """
    rows = []

    def add(model, check, table, note_column=None):
        for row in table.itertuples():
            note = ""
            if note_column == "irf":
                note = f"impulse band excludes zero in {row.irf_band_excludes_zero:.3f} of runs"
            elif note_column == "recovery":
                note = (
                    f"RMSE of the missing months {row.rmse_missing_with_totals:.1f} with the "
                    f"totals vs {row.rmse_missing_without_totals:.1f} without; better in "
                    f"{row.share_better_with_totals:.0%} of runs"
                )
            note += ("; " if note else "") + f"{row.seconds_per_fit:.2f} s per fit"
            rows.append(
                {
                    "model": model,
                    "check": check,
                    "scenario": row.scenario,
                    "effect": row.effect,
                    "method": row.method,
                    "direction": row.direction,
                    "rate": row.rejection_rate,
                    "mc_se": row.mc_se,
                    "reps": row.reps,
                    "note": note,
                }
            )

    add(
        "state-space VAR",
        "size",
        calibrate_granger("independent", reps=reps, seed=seed, irf_draws=200),
        "irf",
    )
    for scenario, effects in STATED_EFFECTS.items():
        for effect in effects:
            add(
                "state-space VAR",
                "power",
                calibrate_granger(scenario, effect=effect, reps=power_reps, seed=seed + 1),
            )
    add(
        "cumulator VAR",
        "size",
        calibrate_cumulator("independent", reps=cumulator_reps, seed=seed + 2),
        "recovery",
    )
    for mechanism, check in (("random", "size"), ("quiet", "power")):
        result = calibrate_missingness(mechanism, reps=reps * 2, seed=seed + 3)
        rate = result["rejection_rate"]
        rows.append(
            {
                "model": "missingness test",
                "check": check,
                "scenario": f"gaps {mechanism}",
                "effect": np.nan,
                "method": "gap-pattern rotation",
                "direction": "",
                "rate": rate,
                "mc_se": float(np.sqrt(rate * (1 - rate) / result["reps"])),
                "reps": result["reps"],
                "note": "",
            }
        )
    table = pd.DataFrame(rows)
    from analysis import simulate

    table.attrs["label"] = simulate.SIMULATED_LABEL
    return table


def markdown_table(table: pd.DataFrame) -> str:
    """A plain Markdown table (floats to three decimals, missing as blank)."""

    def cell(value):
        if isinstance(value, float):
            return "" if not np.isfinite(value) else f"{value:.3f}"
        return str(value).replace("_", " ")

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * table.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def main(argv=None) -> int:
    """``python -m analysis.statespace calibrate [reps]``: print the calibration table."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "calibrate":
        print("usage: python -m analysis.statespace calibrate [reps]")
        return 2
    reps = int(args[1]) if len(args) > 1 else 200
    began = time.perf_counter()
    table = calibration_table(reps=reps)
    from analysis import simulate

    print(simulate.SIMULATED_LABEL)
    print(markdown_table(table))
    print(f"\n{time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
