"""The build cache: a report is reused only while its notebook, parameters, data files, the
package source and the dependency versions are all unchanged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from analysis import paths
from analysis.reporting import build as build_module
from analysis.reporting import cache
from analysis.reporting.build import build_reports
from analysis.reporting.config import ReportSet, ReportSpec
from analysis.reporting.pages import BuildResult

from conftest import FIXTURE_NOTEBOOKS


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A report set over a copy of the parameter fixture notebook, a data file it reads,
    a stand-in package folder and stand-in dependency versions (all changeable)."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(FIXTURE_NOTEBOOKS / "parameters_fixture.ipynb", notebooks)
    data = tmp_path / "simulated.csv"
    data.write_text("month,value\n2023-01,1\n", encoding="utf-8")
    package = tmp_path / "package"
    (package / "__pycache__").mkdir(parents=True)
    (package / "module.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "PACKAGE_SOURCE_DIR", package)
    versions = {"python": "cpython 3.11.7", "pandas": "2.2.0"}
    monkeypatch.setattr(cache, "dependency_versions", lambda: dict(versions))
    report_set = ReportSet(
        notebooks_dir=str(notebooks),
        reports=[
            ReportSpec(
                name="one",
                notebook="parameters_fixture.ipynb",
                title="One",
                parameters={"frequency": "M", "data_path": str(data)},
            ),
            ReportSpec(
                name="two", notebook="parameters_fixture.ipynb", title="Two", parameters={"frequency": "Q"}
            ),
        ],
    )
    return {
        "set": report_set,
        "notebook": notebooks / "parameters_fixture.ipynb",
        "data": data,
        "package": package,
        "versions": versions,
        "out": tmp_path / "reports",
    }


@pytest.fixture
def executed(monkeypatch):
    """Replace kernel execution by a stand-in that writes both outputs; records what ran."""
    ran = []

    def fake(job):
        ran.append(job.name)
        job.html_path.write_text(
            f"<p>{job.name} {json.dumps(job.parameters)} {len(ran)}</p>", encoding="utf-8"
        )
        job.ipynb_path.write_text("{}", encoding="utf-8")
        return BuildResult(
            name=job.name,
            title=job.title,
            notebook=job.notebook,
            parameters=job.parameters,
            status="built",
            seconds=0.5,
            html_path=job.html_path,
            ipynb_path=job.ipynb_path,
            built_at="now",
        )

    monkeypatch.setattr(build_module, "_execute", fake)
    return ran


def build(project, **options):
    return {r.name: r for r in build_reports(project["set"], reports_dir=project["out"], jobs=1, **options)}


def test_unchanged_inputs_reuse_the_outputs(project, executed):
    first = build(project)
    assert executed == ["one", "two"] and {r.status for r in first.values()} == {"built"}
    page = (project["out"] / "one.html").read_text()
    second = build(project)
    assert executed == ["one", "two"]  # nothing ran again
    assert {r.status for r in second.values()} == {"reused"}
    assert second["one"].seconds == 0.5 and second["one"].built_at == "now"
    assert (project["out"] / "one.html").read_text() == page
    index = (project["out"] / "index.html").read_text()
    assert index.count("reused from cache") >= 2


def _edit_notebook(project):
    notebook = nbformat.read(project["notebook"], as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("A new paragraph."))
    nbformat.write(notebook, project["notebook"])


def _edit_parameters(project):
    project["set"].reports[0].parameters["frequency"] = "Q"


def _edit_data(project):
    with open(project["data"], "a", encoding="utf-8") as handle:
        handle.write("2023-02,2\n")


def _edit_package(project):
    (project["package"] / "module.py").write_text("x = 2\n", encoding="utf-8")


def _upgrade_dependency(project):
    project["versions"]["pandas"] = "2.3.0"


@pytest.mark.parametrize(
    "change, rebuilt, reason",
    [
        (_edit_notebook, ["one", "two"], "notebook changed"),
        (_edit_parameters, ["one"], "title or parameters changed"),
        (_edit_data, ["one"], "data changed: "),
        (_edit_package, ["one", "two"], "package source changed"),
        (_upgrade_dependency, ["one", "two"], "dependency versions changed: pandas 2.2.0 → 2.3.0"),
    ],
    ids=["notebook", "parameters", "data file", "package source", "dependency version"],
)
def test_each_kind_of_input_change_rebuilds(project, executed, change, rebuilt, reason):
    build(project)
    executed.clear()
    change(project)
    results = build(project)
    assert executed == rebuilt
    for name, result in results.items():
        if name in rebuilt:
            assert result.status == "built" and reason in result.reason
        else:
            assert result.status == "reused"
    executed.clear()
    build(project)  # and once rebuilt, the new inputs are the cached ones
    assert executed == []


def test_a_data_file_change_names_the_file(project, executed):
    build(project)
    _edit_data(project)
    assert str(project["data"]) in build(project)["one"].reason


def test_compiled_files_do_not_count_as_package_source(project, executed):
    build(project)
    executed.clear()
    (project["package"] / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"\0")
    build(project)
    assert executed == []


def test_force_rebuilds_everything(project, executed):
    build(project)
    executed.clear()
    results = build(project, force=True)
    assert executed == ["one", "two"] and results["two"].reason == "--force"


def test_missing_or_edited_output_is_rebuilt(project, executed):
    build(project)
    executed.clear()
    (project["out"] / "one.html").write_text("edited by hand", encoding="utf-8")
    (project["out"] / "two.ipynb").unlink()
    results = build(project)
    assert executed == ["one", "two"]
    assert results["one"].reason == "output missing or modified"


def test_failed_report_is_tried_again(project, executed, monkeypatch):
    fake = build_module._execute

    def fail_two(job):
        result = fake(job)
        if job.name == "two":
            result.status, result.error = "failed", "RuntimeError: simulated failure"
        return result

    monkeypatch.setattr(build_module, "_execute", fail_two)
    assert build(project)["two"].status == "failed"
    executed.clear()
    results = build(project)
    assert executed == ["two"] and results["one"].status == "reused"


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated (a build killed while writing, a full disk)
        lambda text: "{not json",
        lambda text: json.dumps({"format": cache.CACHE_FORMAT, "reports": [], "files": {}}),
    ],
    ids=["truncated", "not JSON", "wrong structure"],
)
def test_a_corrupt_manifest_is_reported_in_one_line_and_everything_rebuilt(project, executed, damage):
    build(project)
    manifest = project["out"] / cache.CACHE_FILE_NAME
    manifest.write_text(damage(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    executed.clear()
    warnings = []
    build(project, warn=warnings.append)
    assert executed == ["one", "two"]
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert f"cache manifest {manifest} is corrupt" in warnings[0]
    assert "rebuilding every report" in warnings[0]
    json.loads(manifest.read_text())  # rewritten whole
    warnings.clear()
    build(project, warn=warnings.append)
    assert warnings == []


def test_a_missing_manifest_is_not_a_warning(project, executed):
    warnings = []
    build(project, warn=warnings.append)
    assert warnings == [] and executed == ["one", "two"]


def _sets(tmp_path, project):
    """Two report-set files over the same notebook (read from disk, so each knows its file)."""
    from analysis.reporting import load_report_set

    folder = project["notebook"].parent
    files = []
    for name in ("main", "other"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            f"notebooks_dir: {folder}\nreports:\n"
            f"  - {{name: {name}_report, notebook: parameters_fixture.ipynb,"
            f" title: {name}}}\n",
            encoding="utf-8",
        )
        files.append(load_report_set(path))
    return files


def test_another_report_set_does_not_clobber_the_folder(tmp_path, project, executed):
    main, other = _sets(tmp_path, project)
    out = project["out"]
    build_reports(main, reports_dir=out, jobs=1)
    index = (out / "index.html").read_bytes()
    manifest = (out / cache.CACHE_FILE_NAME).read_bytes()
    with pytest.raises(
        build_module.ForeignReportSetError,
        match=r"holds the reports of .*main.yaml, not .*other.yaml; build .*other"
        r".yaml into another folder with --output DIR",
    ):
        build_reports(other, reports_dir=out, jobs=1)
    assert (out / "index.html").read_bytes() == index
    assert (out / cache.CACHE_FILE_NAME).read_bytes() == manifest
    assert not (out / "other_report.html").exists()
    executed.clear()
    assert build_reports(main, reports_dir=out, jobs=1)[0].status == "reused"
    build_reports(other, reports_dir=tmp_path / "elsewhere", jobs=1)  # its own folder is fine


def test_cli_refuses_another_report_set_with_exit_status_2(tmp_path, project, executed):
    from typer.testing import CliRunner

    from analysis.cli import app

    main, other = _sets(tmp_path, project)
    out = project["out"]
    build_reports(main, reports_dir=out, jobs=1)
    result = CliRunner().invoke(app, ["build", "--config", str(other.source), "--output", str(out)])
    assert result.exit_code == 2
    assert "--output DIR" in result.output and len(result.output.strip().splitlines()) == 1


def test_a_busy_folder_is_refused_naming_the_holder_and_can_be_waited_for(tmp_path):
    import threading

    from analysis.reporting import lock

    held = lock.acquire(tmp_path)
    with pytest.raises(lock.FolderBusyError, match=rf"PID {os.getpid()} \(.*started "):
        lock.acquire(tmp_path)
    threading.Timer(0.3, held.release).start()
    started = time.monotonic()
    lock.acquire(tmp_path, wait=10).release()
    assert 0.2 < time.monotonic() - started < 5
    assert not (tmp_path / lock.LOCK_FILE_NAME).exists()


def test_a_stale_lock_is_taken_over_with_a_warning(project, executed):
    from analysis.reporting import lock

    project["out"].mkdir()
    (project["out"] / lock.LOCK_FILE_NAME).write_text(
        json.dumps({"pid": 999999999, "started": "2024-01-01 00:00:00", "command": "analysis build"})
    )
    warnings = []
    results = build(project, warn=warnings.append)
    assert {r.status for r in results.values()} == {"built"}
    assert warnings == [
        f"took over the lock of {project['out']} left by PID 999999999 "
        "(analysis build, started 2024-01-01 00:00:00), which is no longer running"
    ]
    assert not (project["out"] / lock.LOCK_FILE_NAME).exists()


def test_temporary_files_left_by_a_killed_build_are_removed(project, executed):
    project["out"].mkdir()
    stray = [project["out"] / ".one.a1b2c3d4.ipynb", project["out"] / ".index.html.zz_9y8x7.tmp"]
    for path in stray:
        path.write_text("half", encoding="utf-8")
    keep = project["out"] / ".notes.ipynb"
    keep.write_text("{}", encoding="utf-8")
    build(project)
    assert not any(p.exists() for p in stray) and keep.exists()


def test_a_full_disk_when_writing_the_index_keeps_the_old_index(project, executed, monkeypatch):
    from analysis.reporting.atomic import FAULT_VARIABLE, OutputError

    build(project)
    index = (project["out"] / "index.html").read_bytes()
    monkeypatch.setenv(FAULT_VARIABLE, "ENOSPC:index.html")
    with pytest.raises(OutputError, match="cannot write .*index.html: No space left on device"):
        build(project, force=True)
    assert (project["out"] / "index.html").read_bytes() == index
    assert [p.name for p in project["out"].iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("how", ["hook", "chmod"])
def test_an_unwritable_folder_is_one_line_and_exit_status_4(tmp_path, project, executed, monkeypatch, how):
    from typer.testing import CliRunner

    from analysis.cli import app
    from analysis.reporting.atomic import FAULT_VARIABLE

    main, _ = _sets(tmp_path, project)
    out = project["out"]
    build_reports(main, reports_dir=out, jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    if how == "hook":
        monkeypatch.setenv(FAULT_VARIABLE, "EACCES:*")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        out.chmod(0o555)
    try:
        result = CliRunner().invoke(
            app, ["build", "--force", "--config", str(main.source), "--output", str(out)]
        )
    finally:
        out.chmod(0o755)
    assert result.exit_code == 4
    assert result.output.strip() == (
        f"error: cannot write {out}: Permission denied; nothing was built, the folder is unchanged"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_parameter_errors_are_not_cached_and_start_no_kernel(project, executed):
    project["set"].reports[1].parameters["frequency"] = "W"
    results = build(project)
    assert executed == ["one"]
    assert results["two"].status == "failed" and "'W' is not allowed" in results["two"].error
    assert "two" not in json.loads((project["out"] / cache.CACHE_FILE_NAME).read_text())["reports"]


def test_file_hashes_are_recomputed_only_when_size_or_mtime_change(tmp_path, monkeypatch):
    data = tmp_path / "d.csv"
    data.write_text("a\n", encoding="utf-8")
    first = cache.FileHashes()
    digest = first.sha256(data)
    calls = []
    monkeypatch.setattr(cache, "sha256_file", lambda p: calls.append(p) or "recomputed")
    assert cache.FileHashes(first.seen).sha256(data) == digest and calls == []
    data.write_text("ab\n", encoding="utf-8")
    assert cache.FileHashes(first.seen).sha256(data) == "recomputed"
    assert cache.FileHashes().sha256(tmp_path / "absent.csv") == "missing"


def test_data_files_are_the_reference_dataset_and_path_parameters(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n")
    files = cache.data_files_for(
        {
            "violence_path": "data/other.csv",
            "ucdp_path": str(folder),
            "label": "not a path",
            "engagement_path": "",
        }
    )
    reference_csvs = sorted(paths.REFERENCE_DIR.glob("*.csv"))
    assert files[: len(reference_csvs)] == reference_csvs
    assert paths.ENGAGEMENT_EVENTS_CSV in files and paths.VIOLENCE_FIGURES_CSV in files
    assert files[len(reference_csvs) :] == [paths.PROJECT_ROOT / "data/other.csv", folder / "a.csv"]


def test_dependency_versions_name_python_and_the_declared_dependencies():
    versions = cache.dependency_versions()
    assert versions["python"].split()[-1] == sys.version.split()[0]
    for name in ("pandas", "papermill", "nbconvert", "statsmodels"):
        assert versions[name][0].isdigit()


@pytest.mark.slow
def test_real_build_then_cached_rebuild_starts_no_notebook_machinery(tmp_path):
    """One real build (kernel, papermill, nbconvert); the no-change rebuild, in a fresh process,
    reuses it without importing papermill, nbconvert, jupyter_client or pandas."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(FIXTURE_NOTEBOOKS / "parameters_fixture.ipynb", notebooks)
    config = tmp_path / "set.yaml"
    config.write_text(
        f"notebooks_dir: {notebooks}\nreports:\n"
        "  - {name: monthly, notebook: parameters_fixture.ipynb, title: Monthly}\n"
        "  - {name: quarterly, notebook: parameters_fixture.ipynb, title: Quarterly,"
        " parameters: {frequency: Q}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    command = [
        sys.executable,
        "-c",
        "import sys\nfrom analysis.cli import app\ntry:\n    app()\nexcept SystemExit as e:\n"
        "    heavy = sorted(m for m in ('papermill', 'nbconvert', 'jupyter_client', 'pandas')"
        " if m in sys.modules)\n    print('HEAVY', heavy)\n    raise\n",
        "build",
        "--config",
        str(config),
        "--output",
        str(out),
        "--jobs",
        "2",
    ]
    env = {**os.environ, "CI": "1"}
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2 built, 0 reused" in first.stdout
    assert "frequency Q" in (out / "quarterly.html").read_text()  # parallel outputs not mixed up
    assert "frequency M" in (out / "monthly.html").read_text()
    assert not list(paths.PROJECT_ROOT.glob("kernel-ipc-*"))  # sockets live in the runtime dir
    started = time.perf_counter()
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.perf_counter() - started
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 built, 2 reused" in second.stdout and "HEAVY []" in second.stdout
    print(f"no-change rebuild of 2 reports in a fresh process: {elapsed:.2f} s")
