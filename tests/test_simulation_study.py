"""Proof by simulation (SIMULATED DATA): size, power and coverage of the package's methods.

Each study runs 200 seeded replications of 130 monthly counts with a level
shift at month 80 (METHODS.md §4). A direction "rejects" when its
Benjamini–Hochberg q-value across the two directions of one call is ≤ 0.05.
The rates are printed (run pytest with -s to see the table).
"""

import pytest

from analysis import simulate

pytestmark = pytest.mark.slow

REPS = 200


@pytest.fixture(scope="module")
def granger_rates():
    rates = {s: simulate.granger_study(s, reps=REPS, seed=1) for s in "abcd"}
    print("\nSIMULATED DATA. Granger both ways, share of 200 runs rejecting (q <= 0.05):")
    print(
        f"{'scenario':<9}{'eng->vio':>9}{'vio->eng':>9}{'either':>8}{'either(raw p)':>14}{'naive lagged r':>15}"
    )
    for s, r in rates.items():
        print(
            f"{s:<9}{r['engagement_causes_violence']:>9.3f}{r['violence_causes_engagement']:>9.3f}"
            f"{r['either_direction']:>8.3f}{r['either_direction_raw_p']:>14.3f}{r['naive_either_direction']:>15.3f}"
        )
    return rates


@pytest.mark.parametrize("scenario", ["c", "d"])
def test_size_under_no_effect(granger_rates, scenario):
    rates = granger_rates[scenario]
    assert rates["refused"] == 0
    assert rates["either_direction"] <= 0.10


def test_naive_correlation_is_fooled_by_a_shared_break(granger_rates):
    # the point of the method: without break terms, a shared shift looks like a relation
    assert granger_rates["c"]["naive_either_direction"] >= 0.5
    assert granger_rates["c"]["naive_either_direction"] >= 5 * granger_rates["c"]["either_direction"]


def test_power_and_direction_when_engagement_responds(granger_rates):
    rates = granger_rates["a"]
    assert rates["violence_causes_engagement"] >= 0.80  # the true direction
    assert rates["engagement_causes_violence"] <= 0.10  # the false one


def test_power_and_direction_when_violence_responds(granger_rates):
    rates = granger_rates["b"]
    assert rates["engagement_causes_violence"] >= 0.80
    assert rates["violence_causes_engagement"] <= 0.10


def test_count_model_interval_coverage_and_dispersion():
    study = simulate.count_model_study(irr=2.0, alpha=0.3, reps=REPS, seed=2)
    print(
        f"\nSIMULATED DATA. Level-change IRR 2.0: 95% CI coverage {study['coverage']:.3f}; "
        f"median IRR {study['median_irr']:.3f}; alpha 0.3: median estimate "
        f"{study['median_alpha']:.3f} (median relative error {study['alpha_relative_error']:.3f})"
    )
    assert 0.90 <= study["coverage"] <= 0.98
    # stated tolerance: the median NB alpha estimate is within 20% of the truth (maximum
    # likelihood is biased down by the 15 mean parameters at N = 130)
    assert abs(study["median_alpha"] - 0.3) / 0.3 <= 0.20
    assert study["alpha_relative_error"] <= 0.30
