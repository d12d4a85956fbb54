"""Benchmark the report builder against the naive loop, on the same reports.

Times, in one run and on the same list of (notebook, parameters) that
``analysis build --plan`` prints:

1. the naive loop: for each report, the ``papermill`` command line, then
   ``jupyter nbconvert --to html --no-input``, one report after another;
2. ``analysis build --force`` (cold: every report executed, ``--jobs`` workers);
3. ``analysis build`` again with nothing changed (every report reused).

Targets on the project's 2-core machine: the cold build takes at most 0.5× the
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KERNEL = "pak-afg-analysis"


def run(command: list[str | Path]) -> float:
    """Run a command from the project root; return its wall-clock time in seconds."""
    started = time.perf_counter()
    result = subprocess.run([str(c) for c in command], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(map(str, command))}\n"
                 f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def planned(config: Path) -> list[dict]:
    """The reports as ``analysis build --plan`` lists them."""
    result = subprocess.run([str(BIN / "analysis"), "build", "--plan", "--config", str(config)],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def naive_loop(plan: list[dict], folder: Path) -> float:
    """papermill CLI then nbconvert CLI, one report after another."""
    folder.mkdir(parents=True)
    total = 0.0
    for report in plan:
        executed = folder / f"{report['name']}.ipynb"
        total += run([BIN / "papermill", report["notebook"], executed, "-k", KERNEL,
                      "-y", json.dumps(report["parameters"]), "--cwd", ROOT])
        total += run([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "reports" / "reports.yaml")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    plan = planned(args.config)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        naive = naive_loop(plan, Path(tmp) / "naive")
        output = Path(tmp) / "built"
        build = [BIN / "analysis", "build", "--config", args.config, "--output", output,
                 "--jobs", str(args.jobs), "--quiet"]
        cold = run([*build, "--force"])
        warm = run(build)
        built = sorted(p.stem for p in output.glob("*.html") if p.name != "index.html")
        assert built == sorted(r["name"] for r in plan), built

    rows = [
        (f"naive loop: papermill CLI, then jupyter nbconvert --to html --no-input, "
         f"{len(plan)} reports one after another", naive),
        (f"analysis build --force (--jobs {args.jobs})", cold),
        ("analysis build, nothing changed (all reused)", warm),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"Report build benchmark: {len(plan)} reports, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"| {'step':{width}s} | time (s) | × naive |")
    print(f"|{'-' * (width + 2)}|---------:|--------:|")
    for label, seconds in rows:
        print(f"| {label:{width}s} | {seconds:8.2f} | {seconds / naive:7.2f} |")
    cold_ok, warm_ok = cold <= 0.5 * naive, warm <= 1.0
    print(f"Targets: cold build ≤ 0.5 × naive: {'met' if cold_ok else 'NOT met'} "
          f"({cold / naive:.2f}×); no-change rebuild ≤ 1 s: {'met' if warm_ok else 'NOT met'} "
          f"({warm:.2f} s)")


if __name__ == "__main__":
    main()
