"""Figures show coverage: gaps for missing periods, shading, captions escaped."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np

from analysis import plots, series
from conftest import events_on, monthly_figures


def test_missing_months_are_gaps_and_shaded():
    figures = monthly_figures({"2023-01": 10, "2023-02": 12, "2023-04": 8})
    violence = series.violence_series(figures, "PICSS", "attacks")
    fig, ax = matplotlib.pyplot.subplots()
    assert plots.shade_missing(ax, violence) == 1
    plots.plot_series_with_gaps(ax, violence)
    y = ax.lines[-1].get_ydata()
    assert np.isnan(y[2])  # the line breaks at March instead of joining Feb to April
    matplotlib.pyplot.close(fig)


def test_every_figure_builder_returns_a_figure():
    figures = monthly_figures({"2021-07": 10, "2021-09": 12, "2021-10": 8})
    events = events_on(["2021-07-02", "2021-10-05", "2021-11"])
    violence = series.violence_series(figures, "PICSS", "attacks")
    engagement = series.engagement_counts(events, start="2021-07", end="2021-10")
    for fig in (
        plots.coverage_chart(figures, events),
        plots.engagement_timeline(events),
        plots.series_panels([violence]),
        plots.engagement_and_violence(engagement, violence),
        plots.period_totals_chart(figures.assign(granularity="year")),
    ):
        assert fig.axes
        matplotlib.pyplot.close(fig)


def test_figure_html_embeds_png_and_escapes_caption_and_alt():
    fig, ax = matplotlib.pyplot.subplots()
    ax.plot([1, 2], [3, 4])
    page = plots.figure_html(fig, 4, "<script>alert(1)</script> caption", 'a "quoted" chart')
    matplotlib.pyplot.close(fig)
    assert "data:image/png;base64," in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'alt="a &quot;quoted&quot; chart"' in page
    assert "Figure 4." in page


def test_breakdown_and_claims_charts_draw_what_they_are_given():
    from analysis import claims, schema
    from conftest import text_frame, violence_row

    rows = [
        violence_row(
            figure_id=f"r{i}",
            region=r,
            actor=a,
            period_start="2023-01-01",
            period_end="2023-12-31",
            granularity="year",
            value=str(v),
        )
        for i, (r, a, v) in enumerate(
            [
                ("Khyber Pakhtunkhwa", "", 300),
                ("Balochistan", "", 200),
                ("Pakistan", "TTP", 150),
                ("Pakistan", "", 700),
            ]
        )
    ]
    figures = schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))
    fig = plots.breakdown_chart(figures, "attacks")
    (ax,) = fig.axes
    assert len(ax.collections) == 3  # the national row is not a breakdown
    matplotlib.pyplot.close(fig)
    claim_rows = [
        {
            "claim_id": "cross_border_attacks",
            "quantity": "q",
            "value": "1050",
            "qualifier": "more than",
            "period_start": "2023-01",
            "period_end": "publication",
            "category": "violence",
            "quote": "A quote.",
            "source": "An article",
        }
    ]
    table = schema.parse_article_claims(text_frame(claim_rows, schema.CLAIM_COLUMNS))
    checks = claims.check_all(table, events_on(["2023-01-01"]), figures, publication="2023-12")
    fig = plots.claims_evidence_chart(checks)
    assert len(fig.axes[0].collections) == 1 + len(checks[0].evidence)
    matplotlib.pyplot.close(fig)
