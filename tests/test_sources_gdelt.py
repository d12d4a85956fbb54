"""GDELT adapter: directed dyad counts, CAMEO mapping, options, inputs; series from counts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import series
from analysis.sources import gdelt, load_engagement, reference

FIXTURES = Path(__file__).parent / "fixtures"
V2 = FIXTURES / "gdelt_v2_simulated.export.CSV"
V1 = FIXTURES / "gdelt_v1_simulated.export.CSV"
P2A, A2P = "Pakistan→Afghanistan", "Afghanistan→Pakistan"


@pytest.fixture(scope="module")
def table():
    return gdelt.load_engagement(V2)


def cell(table, month, direction, event_type, column="events"):
    row = table.loc[
        (table["month"] == pd.Timestamp(month))
        & (table["direction"] == direction)
        & (table["event_type"] == event_type)
    ]
    assert len(row) == 1
    return row[column].iloc[0]


def test_table_shape_columns_and_marker(table):
    assert list(table.columns) == list(gdelt.COUNT_COLUMNS)
    assert table.attrs["kind"] == "counts" and table.attrs["source"] == "GDELT 2.0"
    # 3 months (DATEADDED 2023-01..2023-03) × 2 directions × (7 mapped types + all_events)
    assert len(table) == 3 * 2 * 8
    assert set(table["basis"]) == {"derived_from_gdelt"}
    assert table["events"].dtype == "int64"


def test_directed_counts_by_type(table):
    assert cell(table, "2023-01", P2A, "visit") == 2  # 042 and 043, EventCode read as text
    assert cell(table, "2023-01", A2P, "protest_or_demarche") == 1  # 1123
    assert cell(table, "2023-01", A2P, "phone_call") == 1
    assert cell(table, "2023-02", A2P, "consultation") == 1
    assert cell(table, "2023-02", P2A, "all_events") == 0  # inside coverage: a real zero
    assert cell(table, "2023-03", P2A, "mediated_talks") == 1
    assert cell(table, "2023-03", A2P, "agreement") == 1
    assert cell(table, "2023-03", P2A, "relations_reduced") == 1  # 1621
    assert cell(table, "2023-03", P2A, "all_events") == 4  # 190 counts only in the total
    # Non-dyad rows (USA→PAK, PAK→IND, PAK→PAK, AFG→IRN, empty actor 2) count nowhere.
    assert table.loc[table["event_type"] == "all_events", "events"].sum() == 10


def test_quad_classes_goldstein_and_dyad_totals(table):
    assert cell(table, "2023-03", P2A, "all_events", "quad4_material_conflict") == 2
    assert cell(table, "2023-03", P2A, "all_events", "quad3_verbal_conflict") == 1
    assert cell(table, "2023-03", P2A, "all_events", "quad1_verbal_cooperation") == 1
    assert cell(table, "2023-03", P2A, "all_events", "goldstein_sum") == pytest.approx(-12.6)
    assert cell(table, "2023-03", P2A, "visit", "dyad_total_events") == 4


def test_event_dated_before_coverage_is_left_out_and_counted(table):
    assert table.attrs["skipped"]["event_date_outside_coverage"] == 1
    assert table["month"].min() == pd.Timestamp("2023-01-01")


def test_government_only_and_min_sources():
    gov = gdelt.load_engagement(V2, government_only=True)
    assert cell(gov, "2023-01", P2A, "visit") == 1  # 043 had a non-state actor 2
    assert cell(gov, "2023-01", A2P, "protest_or_demarche") == 1  # GOV → MIL is a state pair
    assert cell(gov, "2023-03", P2A, "all_events") == 3  # MIL → (none) dropped
    assert gov.attrs["filtered_out"]["not_both_state_actors"] == 2
    multi = gdelt.load_engagement(V2, min_sources=2)
    assert cell(multi, "2023-01", P2A, "visit") == 1
    assert cell(multi, "2023-01", A2P, "phone_call") == 0
    assert cell(multi, "2023-03", P2A, "protest_or_demarche") == 0
    with pytest.raises(ValueError, match="min_sources"):
        gdelt.load_engagement(V2, min_sources=0)


def test_version_1_gives_the_same_counts(table):
    v1 = gdelt.load_engagement(V1)
    assert v1.attrs["source"] == "GDELT 1.0"
    assert v1.values.tolist() == table.values.tolist()


def test_zip_folder_and_glob_inputs_give_the_same_counts(tmp_path, table):
    lines = V2.read_text(encoding="utf-8").splitlines(keepends=True)
    folder = tmp_path / "daily"
    folder.mkdir()
    (folder / "20230101000000.export.CSV").write_text("".join(lines[:8]), encoding="utf-8")
    with zipfile.ZipFile(folder / "20230201000000.export.CSV.zip", "w") as zf:
        zf.writestr("20230201000000.export.CSV", "".join(lines[8:]))
    (folder / "notes.md").write_text("not read", encoding="utf-8")
    from_folder = gdelt.load_engagement(folder)
    from_glob = gdelt.load_engagement(str(folder / "2023*.export.CSV*"))
    assert from_folder.values.tolist() == table.values.tolist()
    assert from_glob.values.tolist() == table.values.tolist()
    assert len(from_folder.attrs["files"]) == 2
    assert any("!20230201000000.export.CSV" in f for f in from_folder.attrs["files"])
    # A small batch size makes one DuckDB scan per file: same answer.
    small = gdelt.load_engagement(folder, batch_bytes=1)
    assert small.values.tolist() == table.values.tolist()


def test_gzipped_files_are_read(tmp_path, table):
    import gzip

    path = tmp_path / "20230101.export.CSV.gz"
    path.write_bytes(gzip.compress(V2.read_bytes()))
    assert gdelt.load_engagement(path).values.tolist() == table.values.tolist()


def test_cameo_map_lists_each_code_once_with_the_methods_codes():
    mapping = gdelt.cameo_map()
    codes = mapping["cameo_code"]
    assert codes.is_unique and codes.str.fullmatch(r"\d{3,4}").all()
    for code in (
        "042",
        "043",
        "040",
        "044",
        "046",
        "045",
        "057",
        "111",
        "112",
        "114",
        "1123",
        "161",
        "162",
        "163",
        "164",
        "165",
        "166",
    ):
        assert code in set(codes), code
    assert not codes.str.match(r"^(18|19|20)").any()  # violence is never read from CAMEO 18x–20x
    assert set(mapping["category"]) <= {"engagement", "policy"}
    assert gdelt.DIRECTIONS == series.DIRECTIONS[:2]


def test_cameo_descriptions_match_the_cameo_codebook():
    codebook = (
        Path(gdelt.__file__).resolve().parents[4] / "shared" / "formats" / "cameo" / "CAMEO.eventcodes.txt"
    )
    if not codebook.is_file():
        codebook = Path("/work/shared/formats/cameo/CAMEO.eventcodes.txt")
    if not codebook.is_file():
        pytest.skip("CAMEO codebook not available")
    official = pd.read_csv(codebook, sep="\t", dtype=str, encoding="latin-1")
    names = dict(zip(official["CAMEOEVENTCODE"], official["EVENTDESCRIPTION"].str.strip()))
    for code, text in zip(gdelt.cameo_map()["cameo_code"], gdelt.cameo_map()["cameo_description"]):
        assert code in names
        if code != "044":  # the codebook's text for 044 carries broken quote characters
            assert names[code] == text, code


# --------------------------------------------------------------------------
# series.engagement_counts on the counts table
# --------------------------------------------------------------------------


def test_engagement_counts_default_is_every_mapped_type(table):
    result = series.engagement_counts(table)
    assert result.values.tolist() == [4.0, 1.0, 4.0]
    eng = series.engagement_counts(table, categories=["engagement"])
    assert eng.values.tolist() == [4.0, 1.0, 3.0]  # relations_reduced is policy
    assert "GDELT 2.0" in eng.label and "coverage 2023-01 to 2023-03" in eng.basis


def test_engagement_counts_filters_and_window(table):
    visits = series.engagement_counts(
        table, event_types=["visit"], directions=[P2A], start="2022-11", end="2023-04"
    )
    assert visits.values.index.astype(str).tolist() == [
        "2022-11",
        "2022-12",
        "2023-01",
        "2023-02",
        "2023-03",
        "2023-04",
    ]
    assert np.isnan(visits.values["2022-12"]) and np.isnan(visits.values["2023-04"])  # outside
    assert visits.values["2023-01"] == 2 and visits.values["2023-02"] == 0
    total = series.engagement_counts(table, event_types=["all_events"], directions=[A2P])
    assert total.values.tolist() == [2.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="unknown value"):
        series.engagement_counts(table, event_types=["ministerial_visit"])
    with pytest.raises(ValueError, match="unknown value"):
        series.engagement_counts(table, directions=["mutual"])


def test_normalised_by_dyad_volume(table):
    share = series.engagement_counts(table, categories=["engagement"], normalise=True)
    assert share.values.tolist() == pytest.approx([1.0, 1.0, 3 / 5])
    p2a = series.engagement_counts(table, categories=["engagement"], directions=[P2A], normalise=True)
    assert p2a.values["2023-01"] == 1.0 and np.isnan(p2a.values["2023-02"])  # 0 of 0: undefined
    assert "share" in share.label


def test_other_measures_and_quarters(table):
    gold = series.engagement_counts(
        table, event_types=["all_events"], directions=[P2A], measure="goldstein_sum"
    )
    assert gold.values["2023-03"] == pytest.approx(-12.6)
    quarterly = series.engagement_counts(table, frequency="Q", start="2022-10", end="2023-06")
    assert np.isnan(quarterly.values.iloc[0]) and np.isnan(quarterly.values.iloc[2])
    assert quarterly.values.iloc[1] == 9.0
    with pytest.raises(ValueError, match="measure"):
        series.engagement_counts(table, measure="deaths")


def test_attrs_lost_table_is_still_recognised(table):
    plain = pd.DataFrame(table.copy())
    plain.attrs = {}
    assert series.engagement_counts(plain).values.tolist() == [4.0, 1.0, 4.0]


def test_events_table_refuses_gdelt_only_options():
    events = reference.load_engagement_events()
    with pytest.raises(ValueError, match="GDELT counts tables only"):
        series.engagement_counts(events, normalise=True)


def test_dispatcher(table):
    assert load_engagement(V2).values.tolist() == table.values.tolist()
    assert load_engagement(V2, "gdelt", government_only=True).attrs["options"]["government_only"]
    assert load_engagement().equals(reference.load_engagement_events())
    assert load_engagement("", "reference").equals(reference.load_engagement_events())


@pytest.mark.parametrize("block", [1, 5, 64, 1 << 20])
def test_lines_holding_numbers_lines_across_blocks(tmp_path, block):
    text = b"a\tx1\tb\nc\td\n\nx1\tx2\nno\ny\tx2"  # last line has no newline
    path = tmp_path / "lines.tsv"
    path.write_bytes(text)
    found = list(gdelt._lines_holding(path, [b"x1", b"x2"], block=block))
    assert found == [(1, b"a\tx1\tb"), (4, b"x1\tx2"), (6, b"y\tx2")]


@pytest.mark.parametrize("version", ["gdelt_v1", "gdelt_v2"])
def test_date_rule_in_python_is_the_sql_rule(version):
    """The line locator (Python) and the scan (SQL) must reject exactly the same dates."""
    import duckdb
    from datetime import date, timedelta

    rule = gdelt._DateRule.of(version)
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    days = [
        None,
        -20230101,
        0,
        101,
        19781231,
        19790101,
        20230229,
        20240229,
        20000229,
        19000229,
        20231301,
        20230100,
        20230431,
        20231231,
        int(today.strftime("%Y%m%d")),
        int(tomorrow.strftime("%Y%m%d")),
    ]
    tail = 151500 if version == "gdelt_v2" else None
    added = (
        [None, -1]
        + [d if tail is None else d * 1_000_000 + tail for d in days if d]
        + [20231315 if tail is None else 20231315101500]
    )
    rows = [(d, a) for d in days for a in added]
    expected = [rule.code(d, a) for d, a in rows]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, SQLDATE INTEGER, DATEADDED BIGINT)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, d, a) for i, (d, a) in enumerate(rows)])
    got = [
        c
        for _, c in con.execute(
            f"SELECT i, {rule.sql()} FROM (SELECT *, DATEADDED // {rule.month_divisor} AS added_month "
            "FROM t) ORDER BY i"
        ).fetchall()
    ]
    assert got == expected
    assert set(expected) == {0, 1, 2, 3}
