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
    bootstrap = StationaryBootstrap(block_length, x, y, seed=seed)
    draws = np.array([_spearman(bx, by) for (bx, by), _ in bootstrap.bootstrap(n_boot)])
    draws = draws[~np.isnan(draws)]
    alpha = 1 - ci_level
    ci_low, ci_high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])

    shifts = range(MIN_PLACEBO_SHIFT, n - MIN_PLACEBO_SHIFT + 1)
    placebo = np.array([_spearman(x, np.roll(y, k)) for k in shifts])
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
