"""The committed simulation records match the code: a stale record would make every cold build
recompute the simulations (minutes), so it fails here, with the command that refreshes it."""

from __future__ import annotations

from analysis import countlag, simulate


def test_the_calibration_record_is_for_this_code_and_the_bundled_shape():
    record = simulate.load_calibration_record()
    assert record is not None, "no calibration record: run `.venv/bin/python -m analysis.simulate`"
    wanted = {
        "code_hash": simulate.calibration_code_hash(),
        "design": simulate._design_key(simulate._bundled_design()),
        "reps": simulate.RECORD_REPS,
        "power_reps": simulate.RECORD_POWER_REPS,
        "seed": simulate.RECORD_SEED,
        "long_n": simulate.RECORD_LONG_N,
    }
    stale = {k: (record.get(k), v) for k, v in wanted.items() if record.get(k) != v}
    assert not stale, (
        "src/analysis/calibration_record.json is stale (stored, current): "
        f"{stale}; refresh it with `.venv/bin/python -m analysis.simulate`"
    )


def test_the_power_record_holds_every_shipped_engagement_report_shape():
    record = countlag.load_power_record()
    refresh = "refresh it with `.venv/bin/python -m analysis.countlag --power-record`"
    assert record["code_hash"] == countlag.power_code_hash(), (
        f"src/analysis/power_record.json is for code {record['code_hash']}, not "
        f"{countlag.power_code_hash()}; {refresh}"
    )
    for name, design in countlag.shipped_power_designs().items():
        key = countlag._power_cache_key(design, dict(countlag.PRIMARY_MDE), 200, countlag.CALIBRATION_SEED)
        assert key in record["entries"], f"no stored power for the {name} shape; {refresh}"
