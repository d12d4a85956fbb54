"""`analysis inspect`: one JSON object per download; checked against direct pandas counts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis import paths
from analysis.cli import app

FIXTURES = Path(__file__).parent / "fixtures"


def run_inspect(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["inspect", *args])
    return result.exit_code, json.loads(result.stdout)


def test_inspect_ucdp_fixture():
    code, out = run_inspect(str(FIXTURES / "ucdp_ged_simulated.csv"))
    assert code == 0
    assert out["format"] == "ucdp_ged" and out["rows_read"] == 8 and out["rows_rejected"] == {}
    assert out["date_range"] == {"first": "2023-01-05", "last": "2023-05-30"}
    assert out["rows_by_country"] == {"Pakistan": 5, "Afghanistan": 2, "India": 1}
    assert out["deaths"] == {"best": 38, "low": 34, "high": 48}
    assert out["events_spanning_months"] == 1 and out["events_imprecise_date"] == 1


def test_inspect_acled_fixture_with_format_option():
    code, out = run_inspect(str(FIXTURES / "acled_simulated_text.csv"), "--format", "acled")
    assert code == 0 and out["format"] == "acled" and out["inter_coding"] == "text"
    assert out["deaths"] == {"fatalities": 19}
    assert out["rows_by_country"] == {"Pakistan": 4, "Afghanistan": 3}


def test_inspect_gdelt_fixture():
    code, out = run_inspect(str(FIXTURES / "gdelt_v1_simulated.export.CSV"), "--format", "gdelt")
    assert code == 0 and out["format"] == "gdelt_v1" and out["rows_read"] == 17
    assert out["deaths"] is None
    assert out["coverage_months"] == {"first": "2023-01", "last": "2023-03"}
    assert out["date_range"] == {"first": "2022-12-28", "last": "2023-03-29"}
    assert out["dyad_events"] == {"Pakistan→Afghanistan": 7, "Afghanistan→Pakistan": 4}
    assert out["rows_skipped"] == {"event_date_outside_coverage": 1}
    assert out["rows_by_country"]["PAK"] == 10 and sum(out["rows_by_country"].values()) == 17
    assert out["dyad_events_more_than_one_source"] == 8


def test_inspect_reference_table():
    code, out = run_inspect(str(paths.VIOLENCE_FIGURES_CSV))
    assert code == 0 and out["format"] == "reference_violence"
    assert out["rows_read"] == len(pd.read_csv(paths.VIOLENCE_FIGURES_CSV))


def test_inspect_unreadable_input_prints_an_error_object(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out = run_inspect(str(empty))
    assert code == 1 and out["format"] is None and "the file is empty" in out["error"][0]
    code, out = run_inspect(str(FIXTURES / "acled_simulated_text.csv"), "--format", "ucdp_ged")
    assert code == 1 and "expected UCDP GED" in out["error"][0]
    result = CliRunner().invoke(app, ["inspect", str(empty), "--format", "xls"])
    assert result.exit_code == 2


def test_committed_fixtures_are_what_make_fixtures_writes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in FIXTURES.iterdir() if p.suffix != ".py" and p.is_file())
    for name in written:
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def _samples_dir() -> Path | None:
    candidates = [
        os.environ.get("ANALYSIS_SAMPLES_DIR"),
        paths.PROJECT_ROOT.parent / "shared" / "formats" / "samples",
        "/work/shared/formats/samples",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


SAMPLES = _samples_dir()


@pytest.mark.skipif(SAMPLES is None, reason="../shared/formats/samples/ not present")
@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.csv")) if SAMPLES else [])
def test_inspect_real_samples_agrees_with_a_direct_pandas_count(name):
    path = SAMPLES / name
    code, out = run_inspect(str(path))
    assert code == 0, out
    direct = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert out["rows_read"] == len(direct) == out["rows_accepted"]
    assert out["rows_rejected"] == {}
    assert out["rows_by_country"] == direct["country"].value_counts().to_dict()
    if out["format"] == "ucdp_ged":
        assert out["deaths"] == {k: int(direct[k].astype(int).sum()) for k in ("best", "low", "high")}
        assert out["date_range"] == {
            "first": direct["date_start"].str[:10].min(),
            "last": direct["date_end"].str[:10].max(),
        }
    elif out["format"] == "acled":
        assert out["deaths"] == {"fatalities": int(direct["fatalities"].astype(int).sum())}
        assert out["date_range"] == {"first": direct["event_date"].min(), "last": direct["event_date"].max()}
    else:
        pytest.fail(f"unexpected sample format {out['format']}")
