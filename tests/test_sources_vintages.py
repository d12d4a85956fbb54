"""Every published vintage is recognised, named, and read whole (fixtures written from the codebooks
by tests/fixtures/make_fixtures.py; the same simulated events in each layout give the same figures)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.errors import DataValidationError
from analysis.sources import acled, gdelt, hdx, load_engagement, load_violence, ucdp
from analysis.sources.detect import detect
from analysis.sources.inspect import inspect_path

FIXTURES = Path(__file__).parent / "fixtures"
UCDP_23 = FIXTURES / "ucdp_ged_simulated.csv"
UCDP_19 = FIXTURES / "ucdp_ged_19.1_simulated.csv"
UCDP_CANDIDATE = FIXTURES / "ucdp_ged_candidate_v24_0_3_simulated.csv"
UCDP_HDX_22 = FIXTURES / "ucdp_ged_hdx_22.1_simulated.csv"
UCDP_HDX_19 = FIXTURES / "ucdp_ged_hdx_19.1_simulated.csv"
ACLED_NOW = FIXTURES / "acled_simulated_numeric.csv"
ACLED_2019 = FIXTURES / "acled_2019_simulated.csv"
ACLED_OLD = FIXTURES / "acled_pre2019_simulated.csv"
HAPI = FIXTURES / "hdx_hapi_conflict_events_simulated.csv"
GDELT_V1 = FIXTURES / "gdelt_v1_simulated.export.CSV"
GDELT_V1_MIXED = FIXTURES / "gdelt_v1_mixed_simulated.export.CSV"
GDELT_V2 = FIXTURES / "gdelt_v2_simulated.export.CSV"
GDELT_TRANSLATION = FIXTURES / "gdelt_v2_simulated.translation.export.CSV"
VIOLENT = ["Battles", "Explosions/Remote violence", "Violence against civilians"]
P2A, A2P = "Pakistan→Afghanistan", "Afghanistan→Pakistan"


def values(figures: pd.DataFrame, measure: str) -> dict[str, int]:
    rows = figures.loc[figures["measure"] == measure]
    return dict(zip(rows["period_start"].dt.strftime("%Y-%m"), rows["value"]))


def problems(call, *args, **kwargs) -> str:
    with pytest.raises(DataValidationError) as info:
        call(*args, **kwargs)
    return "\n".join(info.value.problems)


# --------------------------------------------------------------------------
# UCDP GED
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, vintage",
    [
        (UCDP_23, "20.1 or later (49 columns)"),
        (UCDP_19, "19.1 (42 columns; the layout of 17.1 to 19.1)"),
        (UCDP_CANDIDATE, "20.1 or later (49 columns), candidate release"),
        (
            UCDP_HDX_22,
            "20.1 or later (49 columns) as republished on HDX (adds iso3; HXL hashtag row as line 2)",
        ),
        (
            UCDP_HDX_19,
            "19.1 (42 columns; the layout of 17.1 to 19.1) as republished on HDX (adds "
            "iso3, start_year, end_year; HXL hashtag row as line 2)",
        ),
    ],
)
def test_ucdp_vintages_are_named_and_give_the_same_figures(path, vintage):
    out = inspect_path(path)
    assert out["format"] == "ucdp_ged" and out["vintage"] == vintage
    assert out["rows_read"] == out["rows_accepted"] == 8 and out["rows_rejected"] == {}
    assert out["deaths"] == {"best": 38, "low": 34, "high": 48}
    # The HXL row is neither rejected nor counted; loading needs no on_bad_rows="skip".
    assert out["hxl_hashtag_rows"] == int("HDX" in vintage)
    figures = load_violence(path, country="Pakistan")
    reference = ucdp.load_violence(UCDP_23, country="Pakistan")
    for measure in ("events", "deaths", "deaths_low", "deaths_high"):
        assert values(figures, measure) == values(reference, measure), measure


def test_ucdp_19_1_reads_crlf_and_quoted_line_breaks_numbering_rows_by_first_line():
    assert b"\r\n" in UCDP_19.read_bytes()
    events, _ = ucdp.read_events(UCDP_19)
    assert events["_line"].tolist() == [2, 4, 6, 8, 10, 12, 14, 16]  # each record spans 2 lines


def test_hdx_file_has_byte_order_mark_and_trailing_empty_line():
    raw = UCDP_HDX_22.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\n\n")
    events, report = ucdp.read_events(UCDP_HDX_22)
    assert len(events) == 8 and report.n_rejected == 0 and events["_line"].iloc[0] == 3


def test_ucdp_42_column_file_with_a_renamed_column_names_the_closest_vintage(tmp_path):
    text = UCDP_19.read_text(encoding="utf-8").replace(",low,best,high", ",low,best_est,high", 1)
    path = tmp_path / "ged191_renamed.csv"
    path.write_text(text, encoding="utf-8")
    message = problems(ucdp.read_events, path)
    assert f"{path}: line 1 (header): missing column(s) best; unexpected column(s) best_est" in message
    assert "closest vintage 19.1 (42 columns; the layout of 17.1 to 19.1)" in message


def test_ucdp_vintages_read_together_from_one_folder(tmp_path):
    for path in (UCDP_19, UCDP_HDX_22):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    detection = detect(tmp_path)
    assert detection.format == "ucdp_ged" and "19.1" in detection.vintage and "HDX" in detection.vintage
    assert sum(values(ucdp.load_violence(tmp_path), "events").values()) == 16


# --------------------------------------------------------------------------
# ACLED
# --------------------------------------------------------------------------


def test_acled_pre_2019_export_is_mapped_to_todays_event_types():
    out = inspect_path(ACLED_OLD)
    assert out["vintage"].startswith("export before 2019 (upper-case columns")
    assert out["rows_read"] == out["rows_accepted"] == 7 and out["encodings"] == ["cp1252"]
    assert out["event_types_without_counterpart"] == {"Riots/Protests": 1}
    assert out["rows_without_counterpart"] == [
        f"{ACLED_OLD}: line 4: event type 'Riots/Protests' has no counterpart today"
    ]
    figures = acled.load_violence(ACLED_OLD, country="Pakistan", event_type=VIOLENT)
    assert values(figures, "events") == {"2016-01": 2, "2016-02": 0, "2016-03": 0, "2016-04": 1}
    assert values(figures, "deaths") == {"2016-01": 6, "2016-02": 0, "2016-03": 0, "2016-04": 3}
    assert (
        "1 rows keep an old type with no counterpart today (Riots/Protests: 1)"
        in figures["scope_note"].iloc[0]
    )


def test_acled_pre_2019_rows_text_dates_and_sub_event_types():
    events, _ = acled.read_events(ACLED_OLD)
    by_id = events.set_index("event_id_cnty")
    assert by_id.loc["PAK1001", "event_date"] == pd.Timestamp("2016-01-03")  # DD/MM/YYYY
    assert by_id.loc["PAK1002", "event_date"] == pd.Timestamp("2016-01-15")  # DD Month YYYY
    assert by_id.loc["AFG1002", "event_type"] == "Strategic developments"
    assert by_id.loc["AFG1002", "sub_event_type"] == "Headquarters or base established"
    assert by_id.loc["AFG1002", "event_type_original"] == "Headquarters or base established"
    assert by_id.loc["PAK1003", "event_type"] == "Riots/Protests"  # no counterpart: kept
    assert by_id.loc["PAK1001", "inter1_label"] == "State forces"
    with pytest.raises(ValueError, match="iso '586' does not occur"):
        acled.load_violence(ACLED_OLD, iso=586)


def test_acled_event_type_map_is_complete_and_names_todays_types():
    table = acled.event_type_map()
    assert table["old_event_type"].is_unique and (table["note"] != "").all()
    today = {
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
        "",
    }
    assert set(table["event_type"]) <= today
    assert table.loc[table["event_type"] == "", "old_event_type"].tolist() == ["Riots/Protests"]


def test_acled_2019_export_gives_the_same_figures_as_todays():
    assert "2019 to 2023" in inspect_path(ACLED_2019)["vintage"]
    a = acled.load_violence(ACLED_2019, country="Pakistan", event_type=VIOLENT)
    b = acled.load_violence(ACLED_NOW, country="Pakistan", event_type=VIOLENT)
    assert a["value"].tolist() == b["value"].tolist()


# --------------------------------------------------------------------------
# HDX HAPI conflict events
# --------------------------------------------------------------------------


def test_hapi_monthly_rows_with_missing_deaths_where_fatalities_are_empty():
    out = inspect_path(HAPI)
    assert out["format"] == "hdx_hapi_conflict" and out["hxl_hashtag_rows"] == 1
    assert out["rows_read"] == out["rows_accepted"] == 8
    figures = load_violence(HAPI, location_code="PAK")  # detected; political_violence
    assert set(figures["basis"]) == {"derived_from_events"}
    assert set(figures["source_org"]) == {"HDX HAPI (ACLED)"} and set(figures["region"]) == {"PAK"}
    assert values(figures, "events") == {"2023-01": 5, "2023-02": 0, "2023-03": 1, "2023-04": 2}
    # March's only row has no fatalities: missing, never 0; April's "4.0" is 4.
    assert values(figures, "deaths") == {"2023-01": 6, "2023-02": 0, "2023-04": 4}
    assert "1 months have no deaths figure" in figures["scope_note"].iloc[0]


def test_hapi_demonstrations_have_no_deaths_and_types_are_never_summed():
    demos = hdx.load_violence(HAPI, event_type="demonstration", location_code="PAK")
    assert values(demos, "events") == {"2023-01": 4, "2023-02": 2, "2023-03": 0, "2023-04": 0}
    assert values(demos, "deaths") == {"2023-03": 0, "2023-04": 0}  # no rows there: a real zero
    with pytest.raises(ValueError, match="one at a time"):
        hdx.load_violence(HAPI, event_type=["political_violence", "civilian_targeting"])
    with pytest.raises(ValueError, match="closest: PAK"):
        hdx.load_violence(HAPI, location_code="PAQ")


def test_hapi_two_admin_levels_of_one_country_are_refused(tmp_path):
    lines = HAPI.read_text(encoding="utf-8").splitlines()
    extra = lines[2].replace(",Simulated District 1,2,", ",,1,", 1)
    path = tmp_path / "levels.csv"
    path.write_text("\n".join(lines + [extra]) + "\n", encoding="utf-8")
    assert "PAK has rows at admin levels 1, 2" in problems(hdx.load_violence, path)
    assert values(hdx.load_violence(path, admin_level=2, location_code="PAK"), "events")["2023-01"] == 5


def test_hapi_bad_rows_name_file_line_and_column(tmp_path):
    lines = HAPI.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",2023-01-31", ",2023-02-14", 1)
    lines[4] = lines[4].replace(",2,2023-01-01", ",two,2023-01-01", 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = problems(hdx.read_rows, path)
    assert f"{path}: line 4, column 'reference_period_end': expected the last day of the month" in text
    assert f"{path}: line 5, column 'fatalities': expected empty (not given) or a non-negative" in text
    assert inspect_path(path)["rows_rejected"] == {"invalid_date": 1, "non_numeric_deaths": 1}


# --------------------------------------------------------------------------
# GDELT
# --------------------------------------------------------------------------


def test_gdelt_1_back_file_and_daily_lines_mixed_give_the_same_counts():
    table = gdelt.load_engagement(GDELT_V1_MIXED)
    assert table.values.tolist() == gdelt.load_engagement(GDELT_V2).values.tolist()
    assert table.attrs["vintage"] == (
        "1.0 back-file (57 columns, no SOURCEURL): 8 lines; 1.0 daily files (58 columns): 9 lines"
    )
    assert table.attrs["rejected"] == {} and table.attrs["rows_read"] == 17


def test_gdelt_1_folder_of_back_files_and_daily_files(tmp_path):
    lines = GDELT_V1_MIXED.read_text(encoding="utf-8").splitlines()
    back = [line for line in lines if line.count("\t") == 56]
    daily = [line for line in lines if line.count("\t") == 57]
    (tmp_path / "20130301.back.csv").write_text("\n".join(back) + "\n", encoding="utf-8")
    (tmp_path / "20130401.export.CSV").write_text("\n".join(daily) + "\n", encoding="utf-8")
    assert detect(tmp_path).vintage == (
        "1.0 back-file (57 columns, no SOURCEURL); 1.0 daily files (58 columns)"
    )
    assert load_engagement(tmp_path).values.tolist() == gdelt.load_engagement(GDELT_V2).values.tolist()


def test_gdelt_1_short_line_bom_crlf_and_trailing_empty_line(tmp_path):
    lines = GDELT_V1_MIXED.read_text(encoding="utf-8").splitlines()
    lines[5] = "\t".join(lines[5].split("\t")[:30])
    path = tmp_path / "cut.export.CSV"
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
    assert problems(gdelt.load_engagement, path) == (
        f"{path}: line 6: expected 57 or 58 tab-separated fields; found 30; the line looks truncated"
    )
    table = gdelt.load_engagement(path, on_bad_rows="skip")
    assert table.attrs["rejected"] == {"wrong_field_count": 1} and table.attrs["rows_read"] == 17


def test_gdelt_line_of_neither_vintage_names_the_closest(tmp_path):
    line = GDELT_V1.read_text(encoding="utf-8").splitlines()[0] + "\textra"
    path = tmp_path / "odd.export.CSV"
    path.write_text(line + "\n", encoding="utf-8")
    assert (
        "found 59 tab-separated columns starting 990000001,20230110,202301,... (closest "
        "vintage: GDELT 1.0 daily files (58 columns): 1 field more than that"
    ) in problems(gdelt.load_engagement, path)


def test_gdelt_2_main_and_translingual_streams_plain_and_zipped_in_one_folder(tmp_path):
    (tmp_path / "20230101000000.export.CSV").write_bytes(GDELT_V2.read_bytes())
    with zipfile.ZipFile(tmp_path / "20230201000000.translation.export.CSV.zip", "w") as zf:
        zf.write(GDELT_TRANSLATION, "20230201000000.translation.export.CSV")
    table = gdelt.load_engagement(tmp_path)
    main = gdelt.load_engagement(GDELT_V2)
    assert table.attrs["vintage"] == ("2.0 (61 columns), main stream; 2.0 (61 columns), translingual stream")

    def cell(t, month, direction, event_type):
        return t.loc[
            (t["month"] == pd.Timestamp(month))
            & (t["direction"] == direction)
            & (t["event_type"] == event_type),
            "events",
        ].iloc[0]

    assert cell(table, "2023-02", P2A, "visit") == cell(main, "2023-02", P2A, "visit") + 2
    assert (
        cell(table, "2023-03", A2P, "protest_or_demarche")
        == cell(main, "2023-03", A2P, "protest_or_demarche") + 1
    )
    assert table["events"].sum() - main["events"].sum() == 2 * 3  # each in its type and the total


def test_cli_inspect_prints_the_vintage():
    result = CliRunner().invoke(app, ["inspect", str(UCDP_19)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["vintage"] == "19.1 (42 columns; the layout of 17.1 to 19.1)"
    result = CliRunner().invoke(app, ["inspect", str(UCDP_19), "--engine", "dask"])
    assert result.exit_code == 2 and "GDELT files only" in result.output
