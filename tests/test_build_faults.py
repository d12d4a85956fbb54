"""Fault injection on real builds: `analysis build` runs as its own process (its own session,
as a terminal would run it), is sent real signals, and every worker and kernel it started is
checked to be gone afterwards (a scan of /proc). The notebook is the small
tests/fixtures/notebooks/fault_fixture.ipynb: it sleeps, dies or ignores SIGTERM on request,
and writes its kernel's PID to a file when its slow cell starts, so the tests know when
kernels are running."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_NOTEBOOKS

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="process checks read /proc (Linux)"
)

#: The issue's bound on the time from the signal to the end of the build.
STOP_SECONDS = 5.0
PREVIOUS = "<p>the page of an earlier build</p>"


def report_set(tmp_path: Path, reports: list[dict]) -> Path:
    """A report set of fault-fixture reports (``{"name", **parameters}``; ``timeout`` kept
    as the report's own key)."""
    lines = [f"notebooks_dir: {FIXTURE_NOTEBOOKS}", "reports:"]
    for report in reports:
        report = dict(report)
        name, limit = report.pop("name"), report.pop("timeout", None)
        entry = {
            "name": name,
            "notebook": "fault_fixture.ipynb",
            "title": f"Fixture {name}",
            "parameters": report,
        }
        if limit is not None:
            entry["timeout"] = limit
        lines.append(f"  - {json.dumps(entry)}")
    path = tmp_path / "set.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_build(
    config: Path, out: Path, *options: str, env: dict | None = None, log: Path | None = None
) -> subprocess.Popen:
    """``python -m analysis build`` in a new session (its process group is what Ctrl-C hits)."""
    log = log or out.parent / f"{out.name}.log"
    handle = open(log, "w", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "analysis",
        "build",
        "--config",
        str(config),
        "--output",
        str(out),
        *options,
    ]
    process = subprocess.Popen(
        command,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "CI": "1", **(env or {})},
    )
    process.log = log  # type: ignore[attr-defined]
    return process


def output(process: subprocess.Popen) -> str:
    return Path(process.log).read_text(encoding="utf-8")  # type: ignore[attr-defined]


def wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition.__doc__ or condition}")
        time.sleep(0.05)


def started_kernels(path: Path) -> list[int]:
    """PIDs the fixture's kernels wrote when their slow cell started."""
    if not path.exists():
        return []
    return [int(x) for x in path.read_text().split()]


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def descendants(root: int) -> dict[int, str]:
    """Every process descending from ``root``: PID → start time (to tell a reused PID)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat:
                children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = {}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            stat = _stat(child)
            if stat:
                found[child] = stat[19]
                todo.append(child)
    return found


def survivors(processes: dict[int, str]) -> list[int]:
    """Those of ``processes`` still running (zombies count as gone)."""
    left = []
    for pid, start in processes.items():
        stat = _stat(pid)
        if stat and stat[19] == start and stat[0] != "Z":
            left.append(pid)
    return left


def is_kernel(pid: int) -> bool:
    """A report's kernel: started as ``ipykernel_launcher``, or forked from a worker's fork
    server (its command line is the server's; a kernel leads its own session)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    if b"ipykernel" in cmdline:
        return True
    stat = _stat(pid)
    return b"multiprocessing.forkserver" in cmdline and stat is not None and int(stat[3]) == pid


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if re.match(r"^\..*\.(tmp|ipynb)$", p.name))


def index_status(out: Path, name: str) -> str:
    page = (out / "index.html").read_text(encoding="utf-8")
    row = re.search(rf'<tr id="report-{name}">.*?</tr>', page, re.S)
    assert row, f"{name} not in the index"
    return re.search(r'class="status status-([a-z-]+)"', row.group(0)).group(1)


def stop_and_time(process: subprocess.Popen, send) -> float:
    """Run ``send()`` (the signal) and return the seconds until the build has exited."""
    sent = time.monotonic()
    send()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("the build did not stop within 30 s:\n" + output(process))
    return time.monotonic() - sent


@pytest.mark.slow
def test_ctrl_c_stops_a_parallel_build_and_keeps_what_was_finished(tmp_path):
    """SIGINT to the build's process group (a terminal's Ctrl-C) while two kernels run."""
    marker, out = tmp_path / "started", tmp_path / "reports"
    config = report_set(
        tmp_path,
        [
            {"name": "quick"},
            {"name": "slow_a", "seconds": 120, "started_file": str(marker)},
            {"name": "slow_b", "seconds": 120, "started_file": str(marker)},
        ],
    )
    out.mkdir()
    (out / "slow_a.html").write_text(PREVIOUS, encoding="utf-8")
    build = start_build(config, out, "--jobs", "2")
    wait_for(lambda: (out / "quick.html").exists() and len(started_kernels(marker)) == 2)
    tree = descendants(build.pid)
    assert sum(is_kernel(p) for p in tree) == 2 and len(tree) >= 4  # two workers, two kernels
    seconds = stop_and_time(build, lambda: os.killpg(build.pid, signal.SIGINT))
    print(f"Ctrl-C, 2 jobs, 2 kernels running: stopped in {seconds:.2f} s")
    assert build.returncode == 130, output(build)
    assert seconds < STOP_SECONDS
    assert survivors(tree) == []
    assert temporaries(out) == []
    assert "This report failed" not in (out / "quick.html").read_text(encoding="utf-8")
    assert (out / "slow_a.html").read_text(encoding="utf-8") == PREVIOUS
    assert not (out / "slow_b.html").exists()
    assert [index_status(out, n) for n in ("quick", "slow_a", "slow_b")] == [
        "built",
        "interrupted",
        "interrupted",
    ]
    assert "Interrupted (Ctrl-C)" in output(build)
    manifest = json.loads((out / ".build-cache.json").read_text(encoding="utf-8"))
    assert set(manifest["reports"]) == {"quick"}
    assert not (out / ".build.lock").exists()


def test_a_second_ctrl_c_stops_a_stubborn_kernel_at_once(tmp_path):
    """One job (the report runs in the builder's own process); the kernel ignores SIGTERM;
    two Ctrl-C in a row."""
    marker, out = tmp_path / "started", tmp_path / "reports"
    config = report_set(
        tmp_path, [{"name": "stubborn", "seconds": 120, "ignore_sigterm": True, "started_file": str(marker)}]
    )
    build = start_build(config, out, "--jobs", "1")
    wait_for(lambda: len(started_kernels(marker)) == 1)
    tree = descendants(build.pid)
    assert [p for p in tree if is_kernel(p)] == started_kernels(marker)

    def twice():
        os.killpg(build.pid, signal.SIGINT)
        time.sleep(0.1)
        os.killpg(build.pid, signal.SIGINT)

    seconds = stop_and_time(build, twice)
    print(f"Ctrl-C twice, 1 job, kernel ignoring SIGTERM: stopped in {seconds:.2f} s")
    assert build.returncode == 130, output(build)
    assert seconds < STOP_SECONDS
    assert survivors(tree) == []
    assert temporaries(out) == []
    assert "Task exception was never retrieved" not in output(build)


@pytest.mark.slow
def test_time_limits_stop_hung_reports_and_name_the_cell(tmp_path):
    """A report's own `timeout:`, the build's --timeout, and a kernel that dies (kept as
    it was: a failure page saying the kernel died); the other report builds."""
    out = tmp_path / "reports"
    config = report_set(
        tmp_path,
        [
            {"name": "quick"},
            {"name": "own_limit", "seconds": 600, "timeout": 2},
            {"name": "build_limit", "seconds": 600},
            {"name": "dies", "die": True},
        ],
    )
    started = time.monotonic()
    build = start_build(config, out, "--jobs", "2", "--timeout", "3")
    seen: dict[int, str] = {}
    while build.poll() is None and time.monotonic() - started < 60:
        seen.update(descendants(build.pid))
        time.sleep(0.1)
    build.wait(timeout=30)
    elapsed = time.monotonic() - started
    print(f"build with two hung reports (limits 2 s and 3 s) and a dying kernel: {elapsed:.1f} s")
    assert build.returncode == 1, output(build)
    assert survivors(seen) == []
    assert index_status(out, "quick") == "built"
    for name, limit in (("own_limit", "2 s"), ("build_limit", "3 s")):
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert index_status(out, name) == "failed"
        assert (
            f"TimeoutError: the report ran past its time limit of {limit} and was stopped in cell 4"
        ) in page
        assert "time.sleep(seconds)" in page  # the failing cell is shown
    assert "DeadKernelError: Kernel died" in (out / "dies.html").read_text(encoding="utf-8")
    assert elapsed < 40


@pytest.mark.slow
def test_one_build_per_folder_then_sigterm_to_the_builder_leaves_no_worker_or_kernel(tmp_path):
    """While a two-job build runs, a second build of its folder is refused naming it, and a
    build into another folder runs; then SIGTERM to the main process only (what a scheduler
    or `timeout` sends) stops it cleanly."""
    marker, out, other = tmp_path / "started", tmp_path / "reports", tmp_path / "other"
    config = report_set(
        tmp_path,
        [
            {"name": "slow_a", "seconds": 120, "started_file": str(marker)},
            {"name": "slow_b", "seconds": 120, "started_file": str(marker)},
        ],
    )
    quick = tmp_path / "quick"
    quick.mkdir()
    # Refused by the strict parameter check: a whole build, but no kernel to wait for.
    quick_config = report_set(quick, [{"name": "refused", "no_such_parameter": 1}])
    build = start_build(config, out, "--jobs", "2")
    try:
        wait_for(lambda: len(started_kernels(marker)) == 2)
        second = subprocess.run(
            [sys.executable, "-m", "analysis", "build", "--config", str(quick_config), "--output", str(out)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 3
        assert f"another build is writing to {out}: PID {build.pid} (" in second.stderr
        assert "--output" in second.stderr and len(second.stderr.splitlines()) == 1
        beside = subprocess.run(
            [
                sys.executable,
                "-m",
                "analysis",
                "build",
                "--config",
                str(quick_config),
                "--output",
                str(other),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "CI": "1"},
        )
        assert beside.returncode == 1, beside.stdout + beside.stderr
        assert "1 failed" in beside.stdout and index_status(other, "refused") == "failed"
        assert build.poll() is None  # still running
        tree = descendants(build.pid)
        assert sum(is_kernel(p) for p in tree) == 2
    finally:
        seconds = stop_and_time(build, lambda: os.kill(build.pid, signal.SIGTERM))
    print(f"SIGTERM to the builder, 2 jobs, 2 kernels running: stopped in {seconds:.2f} s")
    assert build.returncode == 143, output(build)
    assert seconds < STOP_SECONDS
    assert survivors(tree) == []
    assert temporaries(out) == []
    assert index_status(out, "slow_a") == index_status(out, "slow_b") == "interrupted"
    assert "Interrupted (SIGTERM)" in output(build)
    assert not (out / ".build.lock").exists()


def test_full_disk_stops_the_build_with_one_line_and_keeps_the_old_page(tmp_path):
    """ENOSPC injected (test hook) when a worker writes one report's page."""
    out = tmp_path / "reports"
    out.mkdir()
    (out / "second.html").write_text(PREVIOUS, encoding="utf-8")
    config = report_set(tmp_path, [{"name": "first"}, {"name": "second"}])
    started = time.monotonic()
    build = start_build(config, out, "--jobs", "2", env={"ANALYSIS_TEST_WRITE_FAULT": "ENOSPC:second.html"})
    seen: dict[int, str] = {}
    while build.poll() is None and time.monotonic() - started < 60:
        seen.update(descendants(build.pid))
        time.sleep(0.1)
    build.wait(timeout=30)
    assert build.returncode == 4, output(build)
    errors = [line for line in output(build).splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert f"cannot write {out / 'second.html'}: No space left on device" in errors[0]
    assert (out / "second.html").read_text(encoding="utf-8") == PREVIOUS
    assert temporaries(out) == []
    assert survivors(seen) == []
    assert not (out / ".build.lock").exists()
