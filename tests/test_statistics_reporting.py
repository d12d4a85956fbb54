"""Sentences and figures built from the statistical results: honest wording, escaping, no crash."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import plots, relations, simulate, summary, trends
from analysis.series import RegularSeries


def test_granger_sentences_never_claim_no_effect(reacting_pair):
    engagement, violence, brk = reacting_pair
    table = relations.granger_both_ways(engagement, violence, break_date=brk)
    sentences = dict(zip(table["cause"], summary.granger_sentences(table)))
    assert sentences["violence"].startswith("Past *violence* helps predict *engagement*")
    assert "not proof of cause" in sentences["violence"]
    assert sentences["engagement"].startswith("No evidence that past *engagement*")
    assert "no effect" not in sentences["engagement"].replace("evidence of no effect", "")
    assert "F(" in sentences["violence"] and (
        "q = " in sentences["violence"] or "q &lt; 0.001" in sentences["violence"]
    )


def test_sentences_escape_series_names(reacting_pair):
    engagement, violence, brk = reacting_pair
    table = relations.granger_both_ways(engagement.rename("<script>x</script>"), violence, break_date=brk)
    text = " ".join(summary.granger_sentences(table))
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_count_model_sentences_follow_the_interval():
    rng = np.random.default_rng(3)
    t = np.arange(120)
    counts = pd.Series(
        rng.poisson(np.exp(3 + np.log(2.5) * (t >= 60))).astype(float),
        index=pd.period_range("2010-01", periods=120, freq="M"),
        name="x",
    )
    result = trends.segmented_count_model(counts, break_date="2015-01-01")
    level, slope = summary.count_model_sentences(result, "attacks")
    assert level.startswith("From 2015-01, attacks per month were") and "95% CI" in level
    flat = pd.Series(rng.poisson(20, 120).astype(float), index=counts.index, name="x")
    level, _ = summary.count_model_sentences(
        trends.segmented_count_model(flat, break_date="2015-01-01"), "attacks"
    )
    assert level.startswith("No evidence of a level change")


def test_event_window_sentence_and_chart():
    rng = np.random.default_rng(0)
    values = pd.Series(
        rng.poisson(20, 100).astype(float), index=pd.period_range("2015-01", periods=100, freq="M")
    )
    result = relations.event_window_test(
        values, values.index[5:95:9], k=1, n_placebo=500, label="flag meetings"
    )
    sentence = summary.event_window_sentence(result, "attacks")
    assert "flag meetings" in sentence and "random dates" in sentence and "95% CI" in sentence
    assert isinstance(plots.event_window_chart(result), Figure)


def test_ccf_sentence_without_hits_says_so(reacting_pair):
    engagement, violence, brk = reacting_pair
    table = relations.prewhitened_ccf(engagement, violence, break_date=brk)
    assert "violence leads engagement by 1 month" in summary.ccf_sentence(table)
    quiet = table.assign(q_value=1.0)
    assert "no cross-correlation" in summary.ccf_sentence(quiet)


def test_statistical_figures_render(reacting_pair):
    engagement, violence, brk = reacting_pair
    analysis = relations.fit_var(engagement, violence, break_date=brk)
    irf = relations.impulse_responses(analysis, horizon=4, repl=50)
    assert isinstance(plots.impulse_response_chart(irf), Figure)
    assert isinstance(
        plots.ccf_chart(relations.prewhitened_ccf(engagement, violence, break_date=brk)), Figure
    )
    regular = RegularSeries(
        values=violence, label="violence", frequency="M", source="sim", measure="attacks", basis="simulated"
    )
    model = trends.segmented_count_model(violence, break_date=brk)
    assert isinstance(plots.count_model_fit(regular, model, break_date=brk), Figure)
    assert isinstance(plots.stl_chart(trends.stl_decomposition(violence), "violence"), Figure)


def test_validation_summary_labels_simulated_data():
    rates = simulate.validation_table([60], reps=5, seed=1)
    coverage = {"true_irr": 2.0, "coverage": 0.95, "reps": 5, "n": 60, "median_alpha": 0.3, "true_alpha": 0.3}
    text = summary.validation_summary(rates, coverage, bundled_n=22, short_n=36, minimum=36)
    assert text.startswith("- **All results below are from simulated data.**")
    assert "fewer than the 36" in text
    assert isinstance(plots.simulation_rates_chart(rates, "x"), Figure)
