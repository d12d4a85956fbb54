"""The Dask engine runs the embedded engine's DuckDB scan per group of files and adds the partial
tables exactly: identical tables, rejected rows and their file and line (on a small LocalCluster)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.errors import DataValidationError
from analysis.sources import gdelt, load_engagement
from analysis.sources.inspect import inspect_path

FIXTURES = Path(__file__).parent / "fixtures"
V2 = FIXTURES / "gdelt_v2_simulated.export.CSV"
V1_MIXED = FIXTURES / "gdelt_v1_mixed_simulated.export.CSV"


@pytest.fixture(scope="module")
def scheduler():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def _folder(tmp_path: Path, source: Path, pieces: int = 4) -> Path:
    """``source`` split into ``pieces`` files (one Dask task each with a 1-byte batch size)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    folder = tmp_path / source.name.split(".")[0]
    folder.mkdir()
    step = -(-len(lines) // pieces)
    for i in range(pieces):
        (folder / f"2023010{i}.export.CSV").write_text(
            "".join(lines[i * step : (i + 1) * step]), encoding="utf-8"
        )
    return folder


def _same(a, b) -> None:
    assert a.values.tolist() == b.values.tolist()
    for key in ("files", "rows_read", "rejected", "skipped", "filtered_out", "coverage", "vintage"):
        assert a.attrs[key] == b.attrs[key], key


@pytest.mark.parametrize("source", [V2, V1_MIXED], ids=["2.0", "1.0 mixed"])
def test_both_engines_give_identical_tables(tmp_path, scheduler, source):
    folder = _folder(tmp_path, source)
    embedded = gdelt.load_engagement(folder)
    on_dask = gdelt.load_engagement(folder, engine="dask", scheduler=scheduler, batch_bytes=1)
    _same(embedded, on_dask)
    assert on_dask.attrs["engine"] == "dask" and embedded.attrs["engine"] == "duckdb"
    gov = dict(government_only=True, min_sources=2)
    _same(
        gdelt.load_engagement(folder, **gov),
        load_engagement(folder, engine="dask", scheduler=scheduler, batch_bytes=1, **gov),
    )


def test_rejected_rows_are_reported_alike_with_file_and_line(tmp_path, scheduler):
    folder = _folder(tmp_path, V2)
    files = sorted(folder.iterdir())
    rows = files[1].read_text(encoding="utf-8").splitlines()
    fields = rows[1].split("\t")
    fields[1] = "19500302"  # SQLDATE out of range
    rows[1] = "\t".join(fields)
    rows[2] = "\t".join(rows[2].split("\t")[:20])  # a truncated line
    files[1].write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as embedded:
        gdelt.load_engagement(folder)
    with pytest.raises(DataValidationError) as on_dask:
        gdelt.load_engagement(folder, engine="dask", scheduler=scheduler, batch_bytes=1)
    assert on_dask.value.problems == embedded.value.problems
    assert any(f"{files[1]}: line 2, column 'SQLDATE'" in p for p in on_dask.value.problems)
    assert any(f"{files[1]}: line 3: expected 61 tab-separated fields" in p for p in on_dask.value.problems)
    skip = dict(on_bad_rows="skip")
    _same(
        gdelt.load_engagement(folder, **skip),
        gdelt.load_engagement(folder, engine="dask", scheduler=scheduler, batch_bytes=1, **skip),
    )
    a = inspect_path(folder)
    b = inspect_path(folder, engine="dask", scheduler=scheduler)
    assert b.pop("engine") == "dask" and a.pop("engine") == "duckdb"
    assert a == b and a["rows_rejected"] == {"date_out_of_range": 1, "wrong_field_count": 1}


def test_cli_inspect_on_a_dask_scheduler(scheduler):
    result = CliRunner().invoke(app, ["inspect", str(V2), "--engine", "dask", "--scheduler", scheduler])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["engine"] == "dask" and out["rows_read"] == 17
    assert out["dyad_events"] == inspect_path(V2)["dyad_events"]


def test_engine_options_are_checked():
    with pytest.raises(ValueError, match="engine must be one of"):
        gdelt.load_engagement(V2, engine="spark")
    with pytest.raises(ValueError, match="scheduler= needs engine='dask'"):
        gdelt.load_engagement(V2, scheduler="tcp://127.0.0.1:8786")


def test_without_an_address_a_local_cluster_is_started():
    table = gdelt.load_engagement(V2, engine="dask")
    _same(gdelt.load_engagement(V2), table)
