"""Benchmark the report builder against the naive loop, on the same reports.

Times, in one run and on the same list of (notebook, parameters) that
``analysis build --plan`` prints:

1. the naive loop: for each report, the ``papermill`` command line, then
   ``jupyter nbconvert --to html --no-input``, one report after another;
2. ``analysis build --force`` (cold: every report executed, ``--jobs`` workers);
3. ``analysis build`` again with nothing changed (every report reused).

Both cold runs start as in a fresh clone: the package's simulation cache
(``.cache/``, git-ignored) is moved aside for the benchmark and emptied before
each of them, so neither profits from the other; the committed records
(``src/analysis/calibration_record.json``, ``power_record.json``) are used by
both, as in a fresh clone.

Each step's CPU time (user + system, every process it started: papermill,
nbconvert, workers, their fork servers, kernels; descendants orphaned by their
parent are adopted and waited for, so none escapes the count) is shown beside its wall time: on a machine shared
with other work the wall-time ratio of a parallel build depends on the other
load, the CPU-time ratio much less.

Targets on the project's 2-core machine: the cold build takes at most 0.3× the
naive loop, and the no-change rebuild at most 1 s. Outputs go to a temporary
folder; ``reports/`` is left alone.

Usage::

    .venv/bin/python benchmarks/bench_build.py [--jobs N] [--config reports/reports.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KERNEL = "pak-afg-analysis"


#: CPU seconds (user + system) of every command run so far, kernels included.
CPU = {"seconds": 0.0}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _adopt_orphans() -> None:
    """Make this process the reaper of its orphaned descendants (Linux ``prctl``
    ``PR_SET_CHILD_SUBREAPER``), so their CPU time is counted too: a build worker's fork
    server, and the kernels it forked, end just after the worker, not before it."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _reap_orphans() -> None:
    """Wait for every descendant left to this process (see :func:`_adopt_orphans`)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def run(command: list[str | Path]) -> float:
    """Run a command from the project root; return its wall-clock time in seconds (and add
    its CPU time, with every process it waited for, to :data:`CPU`)."""
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run([str(c) for c in command], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    _reap_orphans()
    CPU["seconds"] += _children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(
            f"failed ({result.returncode}): {' '.join(map(str, command))}\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return elapsed


def planned(config: Path) -> list[dict]:
    """The reports as ``analysis build --plan`` lists them."""
    result = subprocess.run(
        [str(BIN / "analysis"), "build", "--plan", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def naive_loop(plan: list[dict], folder: Path) -> float:
    """papermill CLI then nbconvert CLI, one report after another."""
    folder.mkdir(parents=True)
    total = 0.0
    for report in plan:
        executed = folder / f"{report['name']}.ipynb"
        total += run(
            [
                BIN / "papermill",
                report["notebook"],
                executed,
                "-k",
                KERNEL,
                "-y",
                json.dumps(report["parameters"]),
                "--cwd",
                ROOT,
            ]
        )
        total += run([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed])
    return total


CACHE = ROOT / ".cache"


def empty_cache() -> None:
    """Start from no package cache, as a fresh clone does."""
    shutil.rmtree(CACHE, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "reports" / "reports.yaml")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="workers of the build (default: the builder's, one per core)",
    )
    args = parser.parse_args()

    _adopt_orphans()
    plan = planned(args.config)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        saved = Path(tmp) / "saved-cache"
        if CACHE.exists():
            shutil.move(CACHE, saved)
        try:
            empty_cache()
            naive = naive_loop(plan, Path(tmp) / "naive")
            naive_cpu, CPU["seconds"] = CPU["seconds"], 0.0
            output = Path(tmp) / "built"
            build = [
                BIN / "analysis",
                "build",
                "--config",
                args.config,
                "--output",
                output,
                "--quiet",
                *(["--jobs", str(args.jobs)] if args.jobs else []),
            ]
            empty_cache()
            cold = run([*build, "--force"])
            cold_cpu, CPU["seconds"] = CPU["seconds"], 0.0
            warm = run(build)
            warm_cpu = CPU["seconds"]
        finally:
            empty_cache()
            if saved.exists():
                shutil.move(saved, CACHE)
        built = sorted(p.stem for p in output.glob("*.html") if p.name != "index.html")
        assert built == sorted(r["name"] for r in plan), built

    rows = [
        (
            f"naive loop: papermill CLI, then jupyter nbconvert --to html --no-input, "
            f"{len(plan)} reports one after another",
            naive,
            naive_cpu,
        ),
        (f"analysis build --force (--jobs {args.jobs or os.cpu_count() or 1})", cold, cold_cpu),
        ("analysis build, nothing changed (all reused)", warm, warm_cpu),
    ]
    width = max(len(label) for label, *_ in rows)
    load = os.getloadavg()[0]
    print(
        f"Report build benchmark: {len(plan)} reports, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average at the end {load:.1f}"
    )
    print(f"| {'step':{width}s} | time (s) | × naive | CPU time (s) | CPU × naive |")
    print(f"|{'-' * (width + 2)}|---------:|--------:|-------------:|------------:|")
    for label, seconds, cpu in rows:
        print(
            f"| {label:{width}s} | {seconds:8.2f} | {seconds / naive:7.2f} | {cpu:12.2f} "
            f"| {cpu / naive_cpu:11.2f} |"
        )
    cold_ok, warm_ok = cold <= 0.3 * naive, warm <= 1.0
    print(
        f"Targets: cold build ≤ 0.3 × naive: {'met' if cold_ok else 'NOT met'} "
        f"({cold / naive:.2f}×); no-change rebuild ≤ 1 s: {'met' if warm_ok else 'NOT met'} "
        f"({warm:.2f} s)"
    )


if __name__ == "__main__":
    main()
