"""Association between engagement and violence series.

This first version offers one measure the data honestly support: a Spearman
rank correlation over the periods where both series are observed, with a
stationary block-bootstrap interval (``arch``) that respects
autocorrelation, and a circular-shift placebo p-value. It can be computed on
levels or on period-to-period changes; levels share trends and breaks (both
series moved after August 2021), so a level correlation is descriptive, not
evidence of a relation. Prewhitened cross-correlation and Granger tests in
both directions (METHODS.md §3) belong to the statistical core.

Every function states its minimum data and raises
:class:`~analysis.errors.InsufficientData` below it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from arch.bootstrap import StationaryBootstrap, optimal_block_length
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.errors import InsufficientData
from analysis.series import RegularSeries, align

#: Fewest periods observed in both series for a rank correlation.
MIN_PAIRED_PERIODS = 24
#: Smallest circular shift used in the placebo distribution (periods).
MIN_PLACEBO_SHIFT = 3
TRANSFORMS = ("level", "difference")


@dataclass(frozen=True)
class AssociationResult:
    """A rank correlation with its uncertainty and sample.

    Attributes
    ----------
    estimate : float
        Spearman's rho.
    ci_low, ci_high : float
        Percentile interval from the stationary block bootstrap.
    ci_level : float
    p_value : float
        Share of circular-shift placebos with ``|rho|`` at least as large.
    n : int
        Periods used (both observed; for differences, both observed in two
        consecutive periods).
    n_window : int
        Periods in the aligned window.
    block_length : float
        Mean block length of the bootstrap (Politis–White optimal, ≥ 1).
    n_boot : int
    n_placebo : int
    transform : {"level", "difference"}
    first_label, second_label : str
    first_period, last_period : str
    """

    estimate: float
    ci_low: float
    ci_high: float
    ci_level: float
    p_value: float
    n: int
    n_window: int
    block_length: float
    n_boot: int
    n_placebo: int
    transform: str
    first_label: str
    second_label: str
    first_period: str
    last_period: str

    def as_frame(self) -> pd.DataFrame:
        """One-row table for display."""
        return pd.DataFrame([{
            "series": f"{self.first_label} vs {self.second_label}",
            "transform": self.transform,
            "spearman_rho": round(self.estimate, 3),
            f"ci_{int(self.ci_level * 100)}_low": round(self.ci_low, 3),
            f"ci_{int(self.ci_level * 100)}_high": round(self.ci_high, 3),
            "placebo_p": round(self.p_value, 3),
            "n_periods_used": self.n,
            "n_periods_in_window": self.n_window,
            "window": f"{self.first_period} to {self.last_period}",
            "bootstrap_block_length": round(self.block_length, 1),
        }])


def paired_observations(first: RegularSeries, second: RegularSeries,
                        transform: str = "level") -> pd.DataFrame:
    """Periods where both series are observed, after the transform.

    ``difference`` takes period-to-period changes; a change exists only where
    a series is observed in both periods (gaps are never bridged).
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}; got {transform!r}")
    frame = align(first, second)[["first", "second"]]
    if transform == "difference":
        frame = frame.diff()  # NaN wherever either period is missing
    return frame.dropna()


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row pair of two 2-D arrays (vectorised; NaN if a row is constant)."""
    rx = stats.rankdata(x, axis=1)
    ry = stats.rankdata(y, axis=1)
    rx = rx - rx.mean(axis=1, keepdims=True)
    ry = ry - ry.mean(axis=1, keepdims=True)
    denom = np.sqrt((rx ** 2).sum(axis=1) * (ry ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (rx * ry).sum(axis=1) / denom, np.nan)


def rank_association(first: RegularSeries, second: RegularSeries, *,
                     transform: str = "level", n_boot: int = 2000,
                     ci_level: float = 0.95, seed: int = 20210815,
                     min_periods: int = MIN_PAIRED_PERIODS) -> AssociationResult:
    """Spearman correlation of two series with a block-bootstrap interval.

    Parameters
    ----------
    first, second : RegularSeries
        Same frequency. Only periods observed in both are used; nothing is
        filled.
    transform : {"level", "difference"}
        Correlate levels, or period-to-period changes.
    n_boot : int
        Bootstrap replications (stationary bootstrap, Politis–Romano, with
        the Politis–White optimal mean block length of the two series).
    ci_level : float
        Interval level.
    seed : int
        Seed of the bootstrap.
    min_periods : int
        Minimum paired periods (default 24). Below it the function refuses.

    Returns
    -------
    AssociationResult

    Raises
    ------
    InsufficientData
        Fewer than ``min_periods`` paired periods, or a series without
        variation.
    """
    if not 0 < ci_level < 1:
        raise ValueError(f"ci_level must be between 0 and 1; got {ci_level}")
    paired = paired_observations(first, second, transform)
    n = len(paired)
    if transform == "difference":
        what = "period-to-period change" if n == 1 else "period-to-period changes"
    else:
        what = "period" if n == 1 else "periods"
    if n < min_periods:
        raise InsufficientData(
            f"only {n} {what} {'has' if n == 1 else 'have'} both '{first.label}' and "
            f"'{second.label}' observed", n=n, required=min_periods)
    x = paired["first"].to_numpy(float)
    y = paired["second"].to_numpy(float)
    estimate = _spearman(x, y)
    if np.isnan(estimate):
        raise InsufficientData(
            f"one of the series does not vary over the {n} paired {what}", n=n, required=min_periods)

    blocks = optimal_block_length(np.column_stack([x, y]))["stationary"].to_numpy()
    block_length = float(max(1.0, np.nanmax(blocks)))
    bootstrap = StationaryBootstrap(block_length, np.arange(n), seed=seed)
    indices = np.array([data[0] for data, _ in bootstrap.bootstrap(n_boot)])  # (n_boot, n)
    draws = _spearman_rows(x[indices], y[indices])
    draws = draws[~np.isnan(draws)]
    alpha = 1 - ci_level
    ci_low, ci_high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])

    shifts = np.arange(MIN_PLACEBO_SHIFT, n - MIN_PLACEBO_SHIFT + 1)
    rolled = (np.arange(n)[None, :] - shifts[:, None]) % n  # row k: np.roll(y, shifts[k])
    placebo = _spearman_rows(np.broadcast_to(x, rolled.shape), y[rolled])
    placebo = placebo[~np.isnan(placebo)]
    p_value = float((1 + np.sum(np.abs(placebo) >= abs(estimate) - 1e-12)) / (1 + len(placebo)))

    return AssociationResult(
        estimate=estimate, ci_low=float(ci_low), ci_high=float(ci_high), ci_level=ci_level,
        p_value=p_value, n=n, n_window=int(len(align(first, second))),
        block_length=block_length, n_boot=int(len(draws)), n_placebo=int(len(placebo)),
        transform=transform, first_label=first.label, second_label=second.label,
        first_period=str(paired.index.min()), last_period=str(paired.index.max()),
    )


def bh_q_values(p_values) -> np.ndarray:
    """Benjamini–Hochberg q-values across one family of tests."""
    p_values = np.asarray(list(p_values), dtype=float)
    if p_values.size == 0:
        return p_values
    return multipletests(p_values, method="fdr_bh")[1]


def association_table(results) -> pd.DataFrame:
    """Stack :meth:`AssociationResult.as_frame` rows, with Benjamini–Hochberg
    q-values of the placebo p-values across the results given (one family)."""
    results = list(results)
    if not results:
        return pd.DataFrame()
    table = pd.concat([r.as_frame() for r in results])
    table.insert(table.columns.get_loc("placebo_p") + 1, "placebo_q_bh",
                 np.round(bh_q_values(r.p_value for r in results), 3))
    return table.set_index("transform")


# --------------------------------------------------------------------------
# Common input handling for the time-series relations below
# --------------------------------------------------------------------------

#: Fewest consecutive periods with both series observed for a VAR (METHODS.md §4).
MIN_VAR_PERIODS = 36
#: Fewest consecutive periods with both series observed for a prewhitened CCF.
MIN_CCF_PERIODS = 24
#: Highest VAR lag order considered by BIC (monthly data, ≤ 130 months: few lags).
MAX_VAR_LAGS = 4
#: Highest AR order considered when prewhitening.
MAX_PREWHITEN_ORDER = 6
#: Fewest usable events for an event-window comparison.
MIN_WINDOW_EVENTS = 5


def _pair(engagement, violence, names: tuple[str, str] = ("engagement", "violence")) -> pd.DataFrame:
    """Two series on one complete period index, columns named after the inputs."""
    from analysis.series import as_period_series

    first = as_period_series(engagement)
    second = as_period_series(violence)
    if first.index.freqstr != second.index.freqstr:
        raise ValueError(f"the two series have different frequencies: {first.index.freqstr} "
                         f"and {second.index.freqstr}")
    name1 = str(first.name) if first.name is not None else names[0]
    name2 = str(second.name) if second.name is not None else names[1]
    if name1 == name2:
        name1, name2 = f"{name1} (1)", f"{name2} (2)"
    frame = pd.concat([first.rename(name1), second.rename(name2)], axis=1, join="outer")
    if len(frame):
        frame = frame.reindex(pd.period_range(frame.index.min(), frame.index.max(),
                                              freq=first.index.freq))
    return frame


def _consecutive_pair(engagement, violence, minimum: int, what: str) -> pd.DataFrame:
    from analysis.series import longest_observed_run

    frame = _pair(engagement, violence)
    run = longest_observed_run(frame)
    if len(run) < minimum:
        window = f" ({run.index[0]} to {run.index[-1]})" if len(run) else ""
        raise InsufficientData(
            f"{what[0].lower() + what[1:]} needs consecutive periods with both '{frame.columns[0]}' and "
            f"'{frame.columns[1]}' observed; the longest such run is {len(run)}{window}",
            n=len(run), required=minimum)
    return run


def _deterministic_terms(index: pd.PeriodIndex, break_date: str | None,
                         month_effects: bool) -> pd.DataFrame:
    """Exogenous terms of the VAR: a level-change dummy and month dummies."""
    columns: dict[str, np.ndarray] = {}
    if break_date:
        level = np.asarray(index.to_timestamp(how="start") >= pd.Timestamp(break_date), dtype=float)
        if 0 < level.sum() < len(level):
            columns["level_change"] = level
    if month_effects and index.freqstr.startswith("M"):
        months = index.month.to_numpy()
        for m in range(2, 13):
            column = (months == m).astype(float)
            if column.any():
                columns[f"month_{m:02d}"] = column
    return pd.DataFrame(columns, index=index)


def lead_lag_words(cause: str, effect: str, lag: int, unit: str = "month") -> str:
    """Plain words for one lag: ``"engagement leads violence by 2 months"``."""
    if lag == 0:
        return f"{cause} and {effect} in the same {unit}"
    plural = unit if abs(lag) == 1 else unit + "s"
    return f"{cause} leads {effect} by {abs(lag)} {plural}"


# --------------------------------------------------------------------------
# Prewhitened cross-correlation
# --------------------------------------------------------------------------


def _prewhiten_filter(x: np.ndarray, max_order: int) -> tuple[np.ndarray, int]:
    """AR coefficients (order by BIC, ≥ 1) fitted to ``x``."""
    from statsmodels.tsa.ar_model import AutoReg, ar_select_order

    max_order = max(1, min(max_order, len(x) // 4))
    selection = ar_select_order(x, maxlag=max_order, ic="bic", trend="n")
    order = max(1, max(selection.ar_lags) if selection.ar_lags else 1)
    fit = AutoReg(x, lags=order, trend="n").fit()
    return np.asarray(fit.params), order


def _apply_ar_filter(x: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    p = len(coefficients)
    filtered = x[p:].copy()
    for i, phi in enumerate(coefficients, start=1):
        filtered -= phi * x[p - i:len(x) - i]
    return filtered


def prewhitened_ccf(engagement, violence, *, max_lag: int = 6, break_date: str | None = "2021-08-15",
                    month_effects: bool = True, transform: str = "log1p",
                    max_ar_order: int = MAX_PREWHITEN_ORDER,
                    min_periods: int = MIN_CCF_PERIODS, unit: str = "month") -> pd.DataFrame:
    """Cross-correlations after prewhitening, in both directions.

    For each direction, the candidate *cause* is the input series: its AR
    model (order by BIC) filters both series (Box–Jenkins prewhitening), and
    ``corr(effect[t + k], cause[t])`` is computed for ``k = 0 … max_lag``.
    The ±1.96/√n band is valid only after prewhitening. Before
    prewhitening, a constant, a linear trend, the level change at
    ``break_date`` and month dummies are removed from both series by OLS, so
    a shared shift cannot produce a correlation.

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
        Monthly (or quarterly) series; the longest run of consecutive
        periods with both observed is used (gaps are never filled).
    max_lag : int
    break_date : str or None
    month_effects : bool
    transform : {"log1p", "none"}
    max_ar_order : int
    min_periods : int
        Minimum length of that run (default 24).
    unit : str
        Word for one period in the labels.

    Returns
    -------
    pandas.DataFrame
        One row per direction and lag: ``cause, effect, lag, correlation,
        band, p_value, q_value, ar_order, n, label``; ``q_value`` is
        Benjamini–Hochberg across all rows (both directions, all lags);
        ``label`` says in words which series leads. ``attrs["window"]``.

    Raises
    ------
    InsufficientData
    """
    run = _consecutive_pair(engagement, violence, min_periods, "A prewhitened cross-correlation")
    data = np.log1p(run) if transform == "log1p" else run.astype(float)
    terms = _deterministic_terms(run.index, break_date, month_effects)
    exog = np.column_stack([np.ones(len(run)), np.arange(len(run), dtype=float), terms.to_numpy()])
    residuals = {}
    for column in data.columns:
        y = data[column].to_numpy(float)
        beta, *_ = np.linalg.lstsq(exog, y, rcond=None)
        residuals[column] = y - exog @ beta
    rows = []
    names = list(data.columns)
    for cause, effect in ((names[0], names[1]), (names[1], names[0])):
        coefficients, order = _prewhiten_filter(residuals[cause], max_ar_order)
        a = _apply_ar_filter(residuals[cause], coefficients)
        b = _apply_ar_filter(residuals[effect], coefficients)
        n = len(a)
        band = 1.96 / np.sqrt(n)
        for k in range(0, max_lag + 1):
            if cause == names[1] and k == 0:
                continue  # lag 0 is symmetric: reported once, in the first direction
            x, y = a[: n - k], b[k:]
            r = float(np.corrcoef(x, y)[0, 1]) if np.std(x) > 0 and np.std(y) > 0 else float("nan")
            p = float(2 * stats.norm.sf(abs(r) * np.sqrt(n))) if not np.isnan(r) else float("nan")
            rows.append({"cause": cause, "effect": effect, "lag": k, "correlation": r, "band": band,
                         "p_value": p, "ar_order": order, "n": n,
                         "label": lead_lag_words(cause, effect, k, unit)})
    table = pd.DataFrame(rows)
    table["q_value"] = bh_q_values(table["p_value"].fillna(1.0))
    table = table[["cause", "effect", "lag", "correlation", "band", "p_value", "q_value",
                   "ar_order", "n", "label"]]
    table.attrs["window"] = f"{run.index[0]} to {run.index[-1]}"
    return table


# --------------------------------------------------------------------------
# VAR: Granger tests both ways, diagnostics, impulse responses, FEVD
# --------------------------------------------------------------------------


@dataclass
class VarAnalysis:
    """A VAR on two series with break and month terms, tested both ways.

    Attributes
    ----------
    granger : pandas.DataFrame
        One row per direction: ``cause, effect, lag_order, statistic, df_num,
        df_denom, p_value, q_value``.
    instantaneous : dict
        Wald test of instantaneous causality (``statistic``, ``df``, ``p_value``).
    whiteness : dict
        Portmanteau test of residual autocorrelation (``lags``, ``statistic``,
        ``p_value``).
    stable : bool
        All roots outside the unit circle.
    lag_order : int
    lag_criteria : pandas.DataFrame
        BIC (and AIC, HQIC) by lag, from ``select_order``.
    n : int
        Periods in the estimation window (before losing lags).
    window : str
    exog_terms : list of str
    results : statsmodels VARResults
    """

    granger: pd.DataFrame
    instantaneous: dict
    whiteness: dict
    stable: bool
    lag_order: int
    lag_criteria: pd.DataFrame
    n: int
    window: str
    exog_terms: list
    results: object
    names: tuple[str, str]
    exog: pd.DataFrame
    data: pd.DataFrame

    def diagnostics_table(self) -> pd.DataFrame:
        """Checks reported beside the Granger table."""
        rows = [
            ("lag order (BIC, capped)", str(self.lag_order)),
            ("window", f"{self.window} (N = {self.n})"),
            ("exogenous terms", ", ".join(self.exog_terms) or "none"),
            ("instantaneous causality (Wald)",
             f"chi2({self.instantaneous['df']}) = {self.instantaneous['statistic']:.2f}, "
             f"p = {self.instantaneous['p_value']:.4f}"),
            (f"residual whiteness (portmanteau, {self.whiteness['lags']} lags)",
             f"Q = {self.whiteness['statistic']:.2f}, p = {self.whiteness['p_value']:.4f}"),
            ("stable (all roots outside unit circle)", "yes" if self.stable else "no"),
        ]
        return pd.DataFrame(rows, columns=["check", "result"]).set_index("check")


def fit_var(engagement, violence, *, break_date: str | None = "2021-08-15", maxlags: int = MAX_VAR_LAGS,
            month_effects: bool = True, transform: str = "log1p",
            min_periods: int = MIN_VAR_PERIODS, diagnostics: bool = True) -> VarAnalysis:
    """Fit a two-variable VAR with break and month terms and test Granger causality both ways.

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
        Indexed by month (``PeriodIndex`` or month-start ``DatetimeIndex``).
        The longest run of consecutive months with both observed is used;
        gaps are never filled.
    break_date : str or None
        Level-change dummy (periods starting on or after the date).
    maxlags : int
        Cap of the BIC lag search (default 4); lag order is at least 1.
    month_effects : bool
        Month dummies as exogenous terms.
    transform : {"log1p", "none"}
    min_periods : int
        Minimum consecutive months with both observed (default 36).
    diagnostics : bool
        Compute the instantaneous-causality and whiteness tests (skipped by
        :func:`granger_both_ways`, which returns only the Granger table).

    Returns
    -------
    VarAnalysis

    Raises
    ------
    InsufficientData
    """
    from statsmodels.tsa.api import VAR

    run = _consecutive_pair(engagement, violence, min_periods, "A VAR")
    data = np.log1p(run) if transform == "log1p" else run.astype(float)
    for column in data.columns:
        if np.ptp(data[column].to_numpy()) == 0:
            raise InsufficientData(f"'{column}' does not vary over the {len(run)} periods",
                                   n=len(run), required=min_periods)
    exog = _deterministic_terms(run.index, break_date, month_effects)
    endog = data.set_axis(run.index.to_timestamp(), axis=0)
    exog_values = exog.set_axis(endog.index, axis=0) if exog.shape[1] else None
    model = VAR(endog, exog=exog_values)
    cap = max(1, min(maxlags, (len(run) - exog.shape[1] - 2) // 6))
    selection = model.select_order(maxlags=cap)
    lag_order = max(1, int(selection.selected_orders["bic"]))
    criteria = pd.DataFrame({name: [float(v) for v in values]
                             for name, values in selection.ics.items()})
    criteria.index.name = "lag"
    results = model.fit(lag_order)
    names = tuple(data.columns)
    rows = []
    for cause, effect in ((names[0], names[1]), (names[1], names[0])):
        test = results.test_causality(effect, [cause], kind="f")
        rows.append({"cause": cause, "effect": effect, "lag_order": lag_order,
                     "statistic": float(test.test_statistic), "df_num": int(test.df[0]),
                     "df_denom": int(test.df[1]), "p_value": float(test.pvalue)})
    granger = pd.DataFrame(rows)
    granger["q_value"] = bh_q_values(granger["p_value"])
    instantaneous, whiteness = {}, {}
    if diagnostics:
        inst = results.test_inst_causality(names[0])
        white_lags = max(lag_order + 2, min(12, len(run) // 5))
        white = results.test_whiteness(nlags=white_lags)
        instantaneous = {"statistic": float(inst.test_statistic),
                         "df": int(np.atleast_1d(inst.df)[0]), "p_value": float(inst.pvalue)}
        whiteness = {"lags": white_lags, "statistic": float(white.test_statistic),
                     "p_value": float(white.pvalue)}
    return VarAnalysis(
        granger=granger, instantaneous=instantaneous, whiteness=whiteness,
        stable=bool(results.is_stable()), lag_order=lag_order, lag_criteria=criteria,
        n=len(run), window=f"{run.index[0]} to {run.index[-1]}", exog_terms=list(exog.columns),
        results=results, names=names, exog=exog, data=data)


GRANGER_METHODS = ("countlag", "var")


def granger_both_ways(engagement, violence, *, break_date: str | None = "2021-08-15",
                      maxlags: int | None = None, month_effects: bool = True,
                      transform: str = "log1p", min_periods: int = MIN_VAR_PERIODS,
                      method: str = "countlag", engagement_family: str | None = None,
                      violence_family: str | None = None) -> pd.DataFrame:
    """Granger tests in both directions.

    By default (``method="countlag"``) the primary test of
    :mod:`analysis.countlag`: a count distributed-lag model of each series on
    its own lags, the other series' lags, trend, level and slope change at
    the break and an annual harmonic, fitted on every period whose lags are
    observed (missing months stay missing and cost only the rows that need
    them). ``method="var"`` is the earlier VAR on the longest consecutive run
    (:func:`fit_var`; refuses below 36 consecutive months).

    Parameters
    ----------
    engagement, violence : RegularSeries or pandas.Series
        Counts per period (``NaN`` = missing; never filled).
    break_date : str or None
    maxlags : int, optional
        ``countlag``: the lag order (default
        :data:`analysis.countlag.PRIMARY_SPECIFICATION` ``.lag_order``);
        ``var``: the cap of the BIC search (default 4).
    month_effects, transform, min_periods
        ``var`` only (see :func:`fit_var`).
    method : {"countlag", "var"}
    engagement_family, violence_family : {"poisson", "negative_binomial"}, optional
        ``countlag`` only; default: the primary specification's.

    Returns
    -------
    pandas.DataFrame
        One row per direction: ``cause, effect, lag_order, statistic,
        df_num, df_denom, p_value, q_value, method, n``; ``countlag`` adds
        ``coefficient, ci_low, ci_high, dispersion, window``. ``cause`` and
        ``effect`` are the input series' names; ``q_value`` is
        Benjamini–Hochberg across the two tests of this call; ``n`` is the
        number of periods the test used.

    Raises
    ------
    InsufficientData
        ``countlag``: fewer than :data:`analysis.countlag.MIN_ROWS` periods
        with the effect and all lags observed; ``var``: see :func:`fit_var`.
    """
    if method not in GRANGER_METHODS:
        raise ValueError(f"method must be one of {GRANGER_METHODS}; got {method!r}")
    if method == "countlag":
        from analysis import countlag

        spec = countlag.PRIMARY_SPECIFICATION
        return countlag.count_lag_granger(
            engagement, violence, break_date=break_date,
            lag_order=spec.lag_order if maxlags is None else maxlags,
            engagement_family=engagement_family or spec.engagement_family,
            violence_family=violence_family or spec.violence_family)
    analysis = fit_var(engagement, violence, break_date=break_date,
                       maxlags=MAX_VAR_LAGS if maxlags is None else maxlags,
                       month_effects=month_effects, transform=transform,
                       min_periods=min_periods, diagnostics=False)
    table = analysis.granger.copy()
    table["method"] = "VAR F (longest consecutive run)"
    table["n"] = analysis.n
    return table


def impulse_responses(analysis: VarAnalysis, *, horizon: int = 12, repl: int = 500,
                      seed: int = 20210815, signif: float = 0.05) -> pd.DataFrame:
    """Orthogonalised impulse responses with Monte Carlo bands, in both orderings.

    The Cholesky ordering matters for orthogonalised responses, so the VAR
    is refitted with the columns reversed and both orderings are reported.

    Returns
    -------
    pandas.DataFrame
        ``ordering, impulse, response, horizon, response_value, lower, upper``.
    """
    from statsmodels.tsa.api import VAR

    rows = []
    for ordering in (list(analysis.names), list(reversed(analysis.names))):
        endog = analysis.data[ordering].set_axis(analysis.data.index.to_timestamp(), axis=0)
        exog = analysis.exog.set_axis(endog.index, axis=0) if analysis.exog.shape[1] else None
        results = VAR(endog, exog=exog).fit(analysis.lag_order)
        irf = results.irf(horizon)
        lower, upper = irf.errband_mc(orth=True, repl=repl, signif=signif,
                                      rng=np.random.default_rng(seed))
        label = " → ".join(ordering) + " (Cholesky order)"
        for i, impulse in enumerate(ordering):
            for j, response in enumerate(ordering):
                for h in range(horizon + 1):
                    rows.append({"ordering": label, "impulse": impulse, "response": response,
                                 "horizon": h, "response_value": float(irf.orth_irfs[h, j, i]),
                                 "lower": float(lower[h, j, i]), "upper": float(upper[h, j, i])})
    return pd.DataFrame(rows)


def variance_decomposition(analysis: VarAnalysis, horizon: int = 12) -> pd.DataFrame:
    """Forecast-error variance decomposition (first ordering).

    Returns
    -------
    pandas.DataFrame
        ``variable, horizon, shock, share``.
    """
    decomposition = analysis.results.fevd(horizon).decomp  # (k, horizon, k)
    rows = []
    for i, variable in enumerate(analysis.names):
        for h in range(decomposition.shape[1]):
            for j, shock in enumerate(analysis.names):
                rows.append({"variable": variable, "horizon": h + 1, "shock": shock,
                             "share": float(decomposition[i, h, j])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Event windows against placebo dates
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EventWindowResult:
    """Violence after minus before engagement events, against placebo dates.

    Attributes
    ----------
    difference : float
        Mean over usable events of (mean of the ``k`` periods after the event
        period) − (mean of the ``k`` periods before it).
    ci_low, ci_high : float
        Bootstrap interval over events (resampling events).
    placebo_mean : float
        Mean of the same statistic over random placebo dates.
    placebo_low, placebo_high : float
        Central 95% range of the placebo distribution.
    excess : float
        ``difference - placebo_mean``.
    excess_ci_low, excess_ci_high : float
    p_value : float
        Two-sided permutation p-value of the observed difference within the
        placebo distribution.
    n_events, n_events_dropped : int
        Events used, and events left out because their window had a missing
        period or fell outside the series.
    k : int
    n_placebo : int
    placebo_draws : numpy.ndarray
    """

    difference: float
    ci_low: float
    ci_high: float
    placebo_mean: float
    placebo_low: float
    placebo_high: float
    excess: float
    excess_ci_low: float
    excess_ci_high: float
    p_value: float
    n_events: int
    n_events_dropped: int
    k: int
    n_placebo: int
    placebo_draws: np.ndarray
    label: str = ""

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "events": self.label, "window_k": self.k, "n_events_used": self.n_events,
            "n_events_dropped": self.n_events_dropped,
            "after_minus_before": round(self.difference, 2),
            "ci_95": f"{self.ci_low:.2f} to {self.ci_high:.2f}",
            "placebo_mean": round(self.placebo_mean, 2),
            "excess_over_placebo": round(self.excess, 2),
            "excess_ci_95": f"{self.excess_ci_low:.2f} to {self.excess_ci_high:.2f}",
            "permutation_p": round(self.p_value, 4)}])


def _window_differences(values: np.ndarray, k: int) -> np.ndarray:
    """Per period t: mean(values[t+1..t+k]) − mean(values[t-k..t-1]); NaN if incomplete."""
    n = len(values)
    out = np.full(n, np.nan)
    if n < 2 * k + 1:
        return out
    windows = np.lib.stride_tricks.sliding_window_view(values, 2 * k + 1)  # centred at t = i + k
    before = windows[:, :k].mean(axis=1)
    after = windows[:, k + 1:].mean(axis=1)
    out[k:n - k] = after - before  # NaN propagates from any missing period
    return out


def event_window_test(violence, event_periods, *, k: int = 2, n_placebo: int = 5000,
                      n_boot: int = 2000, seed: int = 20210815, ci_level: float = 0.95,
                      min_events: int = MIN_WINDOW_EVENTS, label: str = "") -> EventWindowResult:
    """Violence in the ``k`` periods after engagement events minus the ``k`` before,
    against the same statistic at randomly placed (placebo) periods.

    Parameters
    ----------
    violence : RegularSeries or pandas.Series
        Violence per period (``NaN`` = missing).
    event_periods : sequence of period-like
        Periods of the events (repeats count once per event).
    k : int
        Window half-width in periods.
    n_placebo : int
        Placebo sets; each draws as many periods as there are usable events,
        uniformly with replacement from the periods whose windows are fully
        observed (vectorised, seeded).
    n_boot : int
        Bootstrap resamples of the events for the interval.
    seed : int
    ci_level : float
    min_events : int
        Minimum usable events (default 5).
    label : str

    Returns
    -------
    EventWindowResult

    Raises
    ------
    InsufficientData
    """
    from analysis.series import as_period_series

    values = as_period_series(violence)
    freq = values.index.freq
    diffs = _window_differences(values.to_numpy(float), k)
    positions = []
    dropped = 0
    for p in event_periods:
        period = pd.Period(p, freq=freq)
        if period in values.index and not np.isnan(diffs[values.index.get_loc(period)]):
            positions.append(values.index.get_loc(period))
        else:
            dropped += 1
    if len(positions) < min_events:
        n = len(positions)
        raise InsufficientData(
            f"only {n} {'event has' if n == 1 else 'events have'} all {2 * k} periods around "
            f"{'it' if n == 1 else 'them'} observed ({dropped} left out)", n=n, required=min_events)
    event_diffs = diffs[positions]
    observed = float(event_diffs.mean())
    rng = np.random.default_rng(seed)
    eligible = np.flatnonzero(~np.isnan(diffs))
    draws = diffs[rng.choice(eligible, size=(n_placebo, len(positions)), replace=True)].mean(axis=1)
    boot = event_diffs[rng.integers(0, len(positions), size=(n_boot, len(positions)))].mean(axis=1)
    tail = (1 - ci_level) / 2
    ci_low, ci_high = np.quantile(boot, [tail, 1 - tail])
    placebo_mean = float(draws.mean())
    upper = (1 + np.sum(draws >= observed)) / (1 + n_placebo)
    lower = (1 + np.sum(draws <= observed)) / (1 + n_placebo)
    p_value = float(min(1.0, 2 * min(upper, lower)))
    p_low, p_high = np.quantile(draws, [tail, 1 - tail])
    return EventWindowResult(
        difference=observed, ci_low=float(ci_low), ci_high=float(ci_high),
        placebo_mean=placebo_mean, placebo_low=float(p_low), placebo_high=float(p_high),
        excess=observed - placebo_mean, excess_ci_low=float(ci_low) - placebo_mean,
        excess_ci_high=float(ci_high) - placebo_mean, p_value=p_value, n_events=len(positions),
        n_events_dropped=dropped, k=k, n_placebo=n_placebo, placebo_draws=draws, label=label)


#: Readable plurals of event types whose words do not simply take an "s".
PLURAL_EVENT_WORDS = {"protest_or_demarche": "protests or demarches", "border_clash": "border clashes",
                      "refugee_policy": "refugee-policy moves", "mediated_talks": "mediated talks"}


def event_windows_by_type(violence, events: pd.DataFrame, event_types, *, k: int = 1,
                          n_placebo: int = 5000, n_boot: int = 2000, seed: int = 20210815,
                          min_events: int = MIN_WINDOW_EVENTS):
    """:func:`event_window_test` for each event type, with BH q-values across the types tested.

    Returns
    -------
    results : list of (EventWindowResult, float)
        Each estimable type's result with its Benjamini–Hochberg q-value.
    refusals : dict
        ``"window:<type>"`` → :class:`InsufficientData` for types the data cannot support.
    """
    from analysis.series import as_period_series, event_periods

    values = as_period_series(violence)
    frequency = values.index.freqstr[0]
    estimates, refusals = [], {}
    for event_type in event_types:
        words = PLURAL_EVENT_WORDS.get(event_type, event_type.replace("_", " ") + "s")
        try:
            estimates.append(event_window_test(
                values, event_periods(events, [event_type], frequency=frequency), k=k,
                n_placebo=n_placebo, n_boot=n_boot, seed=seed, min_events=min_events, label=words))
        except InsufficientData as refusal:
            refusals[f"window:{words}"] = refusal
    q_values = bh_q_values([r.p_value for r in estimates])
    return list(zip(estimates, q_values)), refusals


def event_window_table(windows) -> pd.DataFrame:
    """Stack event-window results with their q-values (output of :func:`event_windows_by_type`)."""
    if not windows:
        return pd.DataFrame()
    table = pd.concat([result.as_frame() for result, _ in windows], ignore_index=True)
    table["q_value_bh"] = [round(float(q), 4) for _, q in windows]
    return table.set_index("events")


def longest_paired_run(engagement, violence) -> pd.DataFrame:
    """The longest run of consecutive periods with both series observed (the VAR/CCF sample)."""
    from analysis.series import longest_observed_run

    return longest_observed_run(_pair(engagement, violence))
