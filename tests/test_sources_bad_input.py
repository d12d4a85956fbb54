"""Bad input: every case gives file, line, column and expectation, or a counted skip."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from analysis.errors import DataValidationError
from analysis.sources import acled, gdelt, load_engagement, load_violence, ucdp
from analysis.sources.detect import detect
from analysis.sources.inspect import inspect_path

FIXTURES = Path(__file__).parent / "fixtures"
UCDP = FIXTURES / "ucdp_ged_simulated.csv"
ACLED = FIXTURES / "acled_simulated_numeric.csv"
GDELT = FIXTURES / "gdelt_v2_simulated.export.CSV"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write(tmp_path: Path, name: str, text_lines: list[str] | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text_lines, bytes):
        path.write_bytes(text_lines)
    else:
        path.write_text("\n".join(text_lines) + "\n", encoding="utf-8")
    return path


def problems(call, *args, **kwargs) -> str:
    with pytest.raises(DataValidationError) as info:
        call(*args, **kwargs)
    return "\n".join(info.value.problems)


def replace_cell(path: Path, line_no: int, column: str, value: str, sep: str = ",") -> list[str]:
    """Lines of a fixture with one cell changed (``line_no`` 1-based, header = 1)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=sep))
    rows[line_no - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    return out.getvalue().splitlines()


# --------------------------------------------------------------------------
# Wrong delimiter / wrong format
# --------------------------------------------------------------------------


def test_wrong_delimiter_ucdp(tmp_path):
    path = write(tmp_path, "semicolons.csv", [line.replace(",", ";") for line in lines(UCDP)])
    text = problems(ucdp.load_violence, path)
    assert (
        f"{path}: line 1: expected UCDP GED (49 comma-separated columns starting id,relid,year,...)" in text
    )
    assert "found 1 column starting id;relid;year" in text
    assert "splits on ';' instead like the UCDP GED header: wrong delimiter?" in text


def test_wrong_delimiter_gdelt(tmp_path):
    path = write(tmp_path, "commas.export.CSV", [line.replace("\t", ",") for line in lines(GDELT)])
    text = problems(gdelt.load_engagement, path)
    assert f"{path}: line 1: expected GDELT 1.0 events (58 tab-separated columns, no header line)" in text
    assert "GDELT 2.0 events (61 tab-separated columns, no header line); found 63 columns" in text
    assert "the line holds no tab: wrong delimiter?" in text


def test_format_asked_for_does_not_match():
    text = problems(load_violence, ACLED, "ucdp_ged")
    assert (
        "expected UCDP GED (49 comma-separated columns starting id,relid,year,...); "
        "found 31 columns starting event_id_cnty,event_date,year,... "
        "(this looks like ACLED export)"
    ) in text
    text = problems(load_violence, GDELT)
    assert "found GDELT 2.0 events: GDELT feeds engagement counts only" in text
    text = problems(load_engagement, UCDP)
    assert "expected an engagement source" in text and "found UCDP GED" in text


def test_files_of_different_versions_are_not_mixed(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.export.CSV").write_bytes(GDELT.read_bytes())
    (folder / "b.export.CSV").write_bytes((FIXTURES / "gdelt_v1_simulated.export.CSV").read_bytes())
    assert "files of one version only" in problems(gdelt.load_engagement, folder)


# --------------------------------------------------------------------------
# Missing or renamed columns
# --------------------------------------------------------------------------


def test_renamed_column_ucdp(tmp_path):
    rows = lines(UCDP)
    path = write(tmp_path, "renamed.csv", [rows[0].replace(",best,", ",best_est,")] + rows[1:])
    text = problems(ucdp.read_events, path)
    assert (
        f"{path}: line 1 (header): missing column(s) best; unexpected column(s) best_est (renamed?)" in text
    )


def test_missing_column_acled(tmp_path):
    import pandas as pd

    frame = pd.read_csv(ACLED, dtype=str, keep_default_na=False).drop(columns=["fatalities"])
    path = tmp_path / "no_fatalities.csv"
    frame.to_csv(path, index=False)
    assert f"{path}: line 1 (header): missing column(s) fatalities" in problems(acled.read_events, path)


def test_gdelt_with_a_header_line(tmp_path):
    from analysis.sources.detect import GDELT_V2_COLUMNS

    path = write(tmp_path, "headed.export.CSV", ["\t".join(GDELT_V2_COLUMNS)] + lines(GDELT))
    assert "found a header line" in problems(gdelt.load_engagement, path)


# --------------------------------------------------------------------------
# Truncated last line
# --------------------------------------------------------------------------


def test_truncated_last_line_ucdp(tmp_path):
    rows = lines(UCDP)
    path = write(tmp_path, "cut.csv", rows[:-1] + [rows[-1][:60]])
    text = problems(ucdp.read_events, path)
    assert f"{path}: line 9: expected 49 fields as in the header; found" in text
    assert "the line looks truncated" in text
    events, report = ucdp.read_events(path, on_bad_rows="skip")
    assert len(events) == 7 and report.rejected == {"wrong_field_count": 1}


def test_truncated_last_line_gdelt(tmp_path):
    rows = lines(GDELT)
    path = write(tmp_path, "cut.export.CSV", rows[:-1] + [rows[-1][:40]])
    text = problems(gdelt.load_engagement, path)
    assert f"{path}: line 17: expected 61 tab-separated fields; found" in text
    assert "the line looks truncated" in text
    table = gdelt.load_engagement(path, on_bad_rows="skip")
    assert table.attrs["rejected"] == {"wrong_field_count": 1}
    assert table.attrs["rows_read"] == 17


def test_truncated_acled_line_inside_quotes(tmp_path):
    rows = lines(ACLED)
    cut = rows[-1][: rows[-1].index("made-up")]  # ends inside the quoted notes field
    path = write(tmp_path, "cut.csv", rows[:-1] + [cut])
    assert f"{path}: line 8: expected 31 fields as in the header" in problems(acled.read_events, path)


# --------------------------------------------------------------------------
# Non-UTF-8 bytes
# --------------------------------------------------------------------------


def test_non_utf8_bytes_ucdp(tmp_path):
    raw = UCDP.read_bytes().replace(b"near the simulated town", b"near Pesh\xe9war", 1)
    path = write(tmp_path, "latin1.csv", raw)
    text = problems(ucdp.read_events, path)
    assert f"{path}: line 2, column 'where_description': expected UTF-8 text" in text
    assert "Pesh\\xe9war" in text
    _, report = ucdp.read_events(path, on_bad_rows="skip")
    assert report.rejected == {"non_utf8": 1}


def test_non_utf8_bytes_gdelt(tmp_path):
    raw = GDELT.read_bytes().replace(b"\tGOV\t", b"\tG\xe9V\t", 1)
    path = write(tmp_path, "latin1.export.CSV", raw)
    text = problems(gdelt.load_engagement, path)
    assert f"{path}: line 1, column 'Actor1Type1Code': expected UTF-8 text" in text


# --------------------------------------------------------------------------
# Empty file, zip without CSV
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "loader", [ucdp.read_events, acled.read_events, gdelt.load_engagement, load_violence, load_engagement]
)
def test_empty_file(tmp_path, loader):
    path = write(tmp_path, "empty.csv", b"")
    assert f"{path}: the file is empty" in problems(loader, path)


def test_header_only_file_has_no_events(tmp_path):
    path = write(tmp_path, "header.csv", lines(UCDP)[:1])
    assert "no valid events" in problems(ucdp.load_violence, path)


@pytest.mark.parametrize("loader", [ucdp.load_violence, gdelt.load_engagement])
def test_zip_holding_no_csv(tmp_path, loader):
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("README.txt", "no data here")
    text = problems(loader, path)
    assert (
        f"{path}: the zip holds no CSV file; expected a member ending in .csv or .tsv; found README.txt"
        in text
    )


def test_zip_holding_a_csv_is_read(tmp_path):
    path = tmp_path / "ged.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(UCDP, "GEDEvent_simulated.csv")
    assert ucdp.load_violence(path)["value"].tolist() == ucdp.load_violence(UCDP)["value"].tolist()


def test_empty_files_in_a_gdelt_folder_are_skipped_and_counted_in_skip_mode(tmp_path):
    folder = tmp_path / "daily"
    folder.mkdir()
    (folder / "20230101.export.CSV").write_bytes(GDELT.read_bytes())
    (folder / "20230102.export.CSV").write_bytes(b"")
    assert "the file is empty" in problems(gdelt.load_engagement, folder)
    table = gdelt.load_engagement(folder, on_bad_rows="skip")
    assert table.attrs["skipped"]["empty_file"] == 1
    assert inspect_path(folder)["rows_skipped"]["empty_file"] == 1


# --------------------------------------------------------------------------
# Dates out of range, impossible dates
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1950-01-01", "2999-01-01"])
def test_ucdp_date_out_of_range(tmp_path, value):
    path = write(tmp_path, "old.csv", replace_cell(UCDP, 3, "date_start", value))
    text = problems(ucdp.read_events, path)
    assert f"{path}: line 3, column 'date_start': expected a date from 1989-01-01 (GED's first year)" in text
    assert f"found '{value}'" in text


def test_ucdp_impossible_date_and_end_before_start(tmp_path):
    rows = replace_cell(UCDP, 2, "date_start", "2023-02-30")
    path = write(tmp_path, "bad.csv", rows)
    assert "line 2, column 'date_start': expected a real date" in problems(ucdp.read_events, path)
    path = write(tmp_path, "reversed.csv", replace_cell(UCDP, 3, "date_end", "2023-01-01"))
    assert "line 3, column 'date_end': expected a date_end on or after date_start" in problems(
        ucdp.read_events, path
    )


def test_acled_date_out_of_range(tmp_path):
    path = write(tmp_path, "old.csv", replace_cell(ACLED, 4, "event_date", "1990-02-20"))
    text = problems(acled.read_events, path)
    assert f"{path}: line 4, column 'event_date': expected a date from 1997-01-01" in text


def test_gdelt_dates_out_of_range_and_impossible(tmp_path):
    rows = lines(GDELT)
    rows[4] = rows[4].replace("\t20230302\t", "\t19500302\t", 1)
    rows[6] = rows[6].replace("\t20230320\t", "\t20230231\t", 1)
    path = write(tmp_path, "dates.export.CSV", rows)
    text = problems(gdelt.load_engagement, path)
    assert f"{path}: line 5, column 'SQLDATE': expected a date from 1979-01-01" in text
    assert "found '19500302'" in text
    assert (
        f"{path}: line 7, column 'SQLDATE': expected a real date written YYYYMMDD; found '20230231'" in text
    )
    table = gdelt.load_engagement(path, on_bad_rows="skip")
    assert table.attrs["rejected"] == {"date_out_of_range": 1, "invalid_date": 1}
    report = inspect_path(path)
    assert report["rows_rejected"] == {"date_out_of_range": 1, "invalid_date": 1}
    assert report["rows_accepted"] == 15


def gdelt_cell(rows: list[str], line_no: int, column: str, value: str, version: int = 2) -> None:
    """Set one field of a GDELT line (``line_no`` 1-based; there is no header)."""
    from analysis.sources.detect import GDELT_V1_COLUMNS, GDELT_V2_COLUMNS

    columns = GDELT_V2_COLUMNS if version == 2 else GDELT_V1_COLUMNS
    fields = rows[line_no - 1].split("\t")
    fields[columns.index(column)] = value
    rows[line_no - 1] = "\t".join(fields)


@pytest.mark.parametrize("version", [1, 2])
def test_gdelt_only_the_rejected_rows_are_reported(tmp_path, version):
    # DATEADDED on days after the 12th (most rows) is fine: only line 5 is wrong.
    rows = lines(FIXTURES / f"gdelt_v{version}_simulated.export.CSV")
    gdelt_cell(rows, 5, "SQLDATE", "19500302", version)
    path = write(tmp_path, f"v{version}.export.CSV", rows)
    with pytest.raises(DataValidationError) as info:
        gdelt.load_engagement(path)
    assert info.value.problems == [
        f"{path}: line 5, column 'SQLDATE': expected a date from 1979-01-01 to today "
        f"({date.today()}); found '19500302'"
    ]


def test_gdelt_empty_and_oddly_written_dates_are_rejected_with_their_line(tmp_path):
    rows = lines(GDELT)
    gdelt_cell(rows, 4, "SQLDATE", "")  # a dyad event (Afghanistan→Pakistan)
    gdelt_cell(rows, 7, "SQLDATE", "020230231")  # read as the number 20230231: impossible
    gdelt_cell(rows, 6, "DATEADDED", "20231315101500")  # month 13
    gdelt_cell(rows, 8, "DATEADDED", "")
    path = write(tmp_path, "odd.export.CSV", rows)
    text = problems(gdelt.load_engagement, path)
    assert f"{path}: line 4, column 'SQLDATE': expected a real date written YYYYMMDD; found ''" in text
    assert (
        f"{path}: line 7, column 'SQLDATE': expected a real date written YYYYMMDD; found '020230231'" in text
    )
    assert (
        f"{path}: line 6, column 'DATEADDED': expected a date-time from 1979-01-01 to today; found '20231315101500'"
        in text
    )
    assert (
        f"{path}: line 8, column 'DATEADDED': expected a date-time from 1979-01-01 to today; found ''" in text
    )
    assert len(text.splitlines()) == 4
    table = gdelt.load_engagement(path, on_bad_rows="skip")
    assert table.attrs["rejected"] == {"invalid_date": 2, "date_out_of_range": 2}
    assert table.attrs["rows_read"] == 17
    # 10 dyad events in the coverage, 4 of them rejected: never silently dropped.
    assert table.loc[table["event_type"] == "all_events", "events"].sum() == 6


def test_gdelt_future_dateadded_is_found_by_its_value(tmp_path):
    rows = lines(GDELT) * 3  # the bad value is searched for as bytes, then each line checked
    gdelt_cell(rows, 40, "DATEADDED", "20990101101500")
    gdelt_cell(rows, 41, "GLOBALEVENTID", "20990101")  # the same digits elsewhere: not a problem
    path = write(tmp_path, "future.export.CSV", rows)
    with pytest.raises(DataValidationError) as info:
        gdelt.load_engagement(path)
    assert info.value.problems == [
        f"{path}: line 40, column 'DATEADDED': expected a date-time from 1979-01-01 to today; "
        "found '20990101101500'"
    ]


# --------------------------------------------------------------------------
# Non-numeric deaths
# --------------------------------------------------------------------------


def test_ucdp_non_numeric_deaths(tmp_path):
    path = write(tmp_path, "deaths.csv", replace_cell(UCDP, 4, "best", "about 4"))
    text = problems(ucdp.load_violence, path)
    assert (
        f"{path}: line 4, column 'best': expected a non-negative whole number of deaths; found 'about 4'"
        in text
    )


def test_acled_non_numeric_fatalities_error_and_counted_skip(tmp_path):
    path = write(tmp_path, "fat.csv", replace_cell(ACLED, 2, "fatalities", "four"))
    text = problems(acled.load_violence, path)
    assert (
        f"{path}: line 2, column 'fatalities': expected a non-negative whole number of fatalities; found 'four'"
        in text
    )
    figures = acled.load_violence(path, on_bad_rows="skip")
    assert "1 invalid rows left out (non_numeric_deaths: 1)" in figures["scope_note"].iloc[0]
    summary = inspect_path(path)
    assert summary["rows_rejected"] == {"non_numeric_deaths": 1}
    assert summary["rows_read"] == 7 and summary["rows_accepted"] == 6
    assert summary["deaths"] == {"fatalities": 15}
    assert "line 2, column 'fatalities'" in summary["problems"][0]


def test_every_problem_is_listed_at_once(tmp_path):
    rows = replace_cell(UCDP, 2, "best", "x")
    path = write(tmp_path, "two.csv", rows)
    path.write_text("\n".join(replace_cell(path, 5, "low", "-1")) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        ucdp.read_events(path)
    assert len(info.value.problems) == 2
    assert "line 2, column 'best'" in info.value.problems[0]
    assert "line 5, column 'low'" in info.value.problems[1]


def test_detect_unknown_format_lists_what_is_accepted(tmp_path):
    path = write(tmp_path, "other.csv", ["a,b,c", "1,2,3"])
    text = problems(detect, path)
    assert "expected one of: UCDP GED" in text and "found 3 columns starting a,b,c" in text
    with pytest.raises(ValueError, match="fmt must be one of"):
        detect(path, "excel")
