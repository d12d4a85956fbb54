"""Monthly figures summed against the same source's published totals: known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import consistency, schema
from analysis.sources import reference
from conftest import text_frame, violence_row


def _month(month: str, value: int, **kw) -> dict:
    period = pd.Period(month, freq="M")
    return violence_row(
        figure_id=kw.pop(
            "figure_id", f"m-{month}-{kw.get('measure', 'attacks')}-{kw.get('region', 'Pakistan')}"
        ),
        period_start=period.start_time.strftime("%Y-%m-%d"),
        period_end=period.end_time.strftime("%Y-%m-%d"),
        value=str(value),
        **kw,
    )


def _total(figure_id: str, start: str, end: str, granularity: str, value: int, **kw) -> dict:
    return violence_row(
        figure_id=figure_id,
        period_start=start,
        period_end=end,
        granularity=granularity,
        value=str(value),
        **kw,
    )


def _figures(rows):
    return schema.parse_violence_figures(text_frame(rows, schema.VIOLENCE_COLUMNS))


@pytest.fixture
def checks():
    rows = [
        _month("2023-01", 10),
        _month("2023-02", 20),
        _month("2023-03", 30),
        # a second page gives another February value: the first row (20) is used
        _month("2023-02", 21, figure_id="m-2023-02-b", source_url="https://other.org/p"),
        _month("2023-05", 7),
        _total("q1", "2023-01-01", "2023-03-31", "quarter", 60),
        _total("q1-b", "2023-01-01", "2023-03-31", "quarter", 63, source_url="https://b.org/"),
        _total("h1", "2023-01-01", "2023-06-30", "half", 100),
        _total("y", "2023-01-01", "2023-12-31", "year", 300),
        _total("span", "2023-01-01", "2023-02-28", "span", 31),
        _total("odd", "2023-01-10", "2023-02-28", "span", 5),
        # another region: its months are not the national months
        _month("2023-01", 4, region="Balochistan"),
        _month("2023-02", 5, region="Balochistan"),
        _month("2023-03", 6, region="Balochistan"),
        _total("q1-bal", "2023-01-01", "2023-03-31", "quarter", 15, region="Balochistan"),
        # a source with totals only has nothing to compare
        _total("crss", "2023-01-01", "2023-03-31", "quarter", 99, source_org="CRSS"),
        # another measure
        _month("2023-01", 1, measure="fatalities"),
        _total("q1-fat", "2023-01-01", "2023-03-31", "quarter", 9, measure="fatalities"),
    ]
    return consistency.monthly_sum_checks(_figures(rows)).set_index("total_id")


def test_complete_periods_are_summed_and_differences_signed(checks):
    q1 = checks.loc["q1"]
    assert (q1["sum_of_months"], q1["difference"], q1["status"]) == (60, 0, "equal")
    assert q1["arithmetic"] == "10 + 20 + 30 = 60"
    assert "2023-02: 20 used; also published 21" in q1["note"]
    q1b = checks.loc["q1-b"]
    assert (q1b["published_total"], q1b["sum_of_months"], q1b["difference"]) == (63, 60, 3)
    assert q1b["status"] == "differs"
    span = checks.loc["span"]
    assert (span["sum_of_months"], span["difference"], span["period"]) == (30, 1, "2023-01..2023-02")


def test_incomplete_periods_get_no_sum(checks):
    h1 = checks.loc["h1"]
    assert h1["status"] == "months missing: 2" and pd.isna(h1["sum_of_months"])
    assert pd.isna(h1["difference"]) and h1["arithmetic"] == ""
    assert (h1["months_in_period"], h1["months_used"]) == (6, 4)
    assert h1["missing_months"] == "2023-04, 2023-06"
    year = checks.loc["y"]
    assert year["months_missing"] == 8 and year["missing_months"] == "2023-04, 2023-06..2023-12"
    fat = checks.loc["q1-fat"]
    assert fat["status"] == "months missing: 2"


def test_series_never_mix_regions_sources_or_measures(checks):
    bal = checks.loc["q1-bal"]
    assert (bal["sum_of_months"], bal["difference"], bal["region"]) == (15, 0, "Balochistan")
    assert "crss" not in checks.index  # no CRSS monthly series
    assert checks.loc["odd", "status"] == "period is not whole months"


def test_differences_come_first_and_summary_counts(checks):
    table = checks.reset_index()
    ordered = consistency.differences_first(table)
    assert ordered["total_id"].tolist()[:2] == ["q1-b", "span"]  # +3 before +1
    assert ordered["status"].tolist()[-1] == "period is not whole months"
    counts = consistency.summary_counts(table)
    assert counts == {"total": 8, "complete": 4, "differ": 2, "equal": 2, "incomplete": 3, "not_months": 1}
    sentence = consistency.summary_sentence(table)
    assert "4 have every month published" in sentence and "2 differ" in sentence
    assert "largest difference is +3" in sentence


def test_empty_table_gives_empty_checks():
    empty = _figures([])
    table = consistency.monthly_sum_checks(empty)
    assert table.empty and list(table.columns) == list(consistency.CHECK_COLUMNS)
    assert "No source published" in consistency.summary_sentence(table)


def test_check_runs_on_the_bundled_data_and_its_arithmetic_holds():
    figures = reference.load_violence_figures()
    table = consistency.monthly_sum_checks(figures)
    assert len(table) > 0
    assert (
        table["months_used"] + table["months_missing"].fillna(0)
        == table["months_in_period"].fillna(table["months_used"])
    ).all()
    complete = table.loc[table["status"].isin(["equal", "differs"])]
    assert (complete["months_missing"] == 0).all()
    assert (complete["difference"] == complete["published_total"] - complete["sum_of_months"]).all()
    assert ((complete["difference"] == 0) == (complete["status"] == "equal")).all()
    for row in complete.itertuples():
        terms, result = row.arithmetic.split(" = ")
        assert sum(int(t.replace(",", "")) for t in terms.split(" + ")) == row.sum_of_months
        assert int(result.replace(",", "")) == row.sum_of_months
        assert len(terms.split(" + ")) == row.months_in_period
        # each term is the first monthly row of that month for the same series
        total = figures.loc[figures["figure_id"] == row.total_id].iloc[0]
        months = figures.loc[
            (figures["granularity"] == "month")
            & (figures["source_org"] == total["source_org"])
            & (figures["measure"] == total["measure"])
            & (figures["region"] == total["region"])
            & (figures["actor"] == total["actor"])
            & (figures["period_start"] >= total["period_start"])
            & (figures["period_end"] <= total["period_end"])
        ]
        first = months.drop_duplicates("period_start", keep="first")
        assert int(first["value"].sum()) == row.sum_of_months
    incomplete = table.loc[table["status"].str.startswith("months missing")]
    assert incomplete["sum_of_months"].isna().all() and (incomplete["months_missing"] > 0).all()


def test_border_and_group_proxies_recognise_merged_labels():
    from analysis import breakdowns

    assert breakdowns.border_region("Pakistan-Afghanistan border") == "Pakistan-Afghanistan border"
    assert breakdowns.border_region("Khyber Pakhtunkhwa (mainland)") == "Khyber Pakhtunkhwa"
    assert breakdowns.border_region("Sindh") is None
    assert breakdowns.is_afghanistan_based_group("Religiously inspired groups (incl. TTP)")
    assert not breakdowns.is_afghanistan_based_group("TTP (own claims, as reported by PICSS)")
