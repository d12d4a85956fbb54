"""A parallel build forks each report's kernel from its worker's fork server: every report
still runs in a fresh interpreter of its own, started as a kernel started from scratch is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import paths

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the fork server is used on Linux")

PROBE = """\
import json, os, sys
state = {
    "pid": os.getpid(),
    "leads_its_session": os.getsid(0) == os.getpid(),
    "forked": "analysis.kernel_fork" in sys.modules,
    "builder_modules": sorted(m for m in sys.modules if m.startswith("analysis.reporting")),
    "left_by_another_report": sorted(k for k in globals() if k.startswith("planted_")),
    "cwd": os.getcwd(),
    "token": os.environ.get("ANALYSIS_BUILD_TOKEN", ""),
    "parent_watched": int(os.environ.get("JPY_PARENT_PID", "0")) == os.getppid(),
}
globals()[f"planted_{value}"] = value
print(json.dumps(state))
"""


def probe_notebook(folder: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": paths.KERNEL_NAME,
        "language": "python",
        "display_name": "Python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    parameters = nbformat.v4.new_code_cell("value: int = 0  # which report this is")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Kernel probe"),
        parameters,
        nbformat.v4.new_code_cell(PROBE),
    ]
    nbformat.write(notebook, folder / "probe.ipynb")


def test_each_report_runs_in_a_fresh_forked_kernel_of_its_own(tmp_path):
    notebooks, out = tmp_path / "notebooks", tmp_path / "reports"
    notebooks.mkdir()
    probe_notebook(notebooks)
    config = tmp_path / "set.yaml"
    config.write_text(
        f"notebooks_dir: {notebooks}\nreports:\n"
        "  - {name: 'probe_{value}', notebook: probe.ipynb, title: 'Probe {value}', "
        "grid: {value: [1, 2, 3, 4]}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "build",
            "--config",
            str(config),
            "--output",
            str(out),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    states = []
    for value in (1, 2, 3, 4):
        executed = nbformat.read(out / f"probe_{value}.ipynb", as_version=4)
        text = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
        states.append(json.loads(text))
    assert len({s["pid"] for s in states}) == 4  # a kernel per report, none reused
    tokens = {s["token"] for s in states}
    assert len(tokens) == 1 and tokens != {""}  # the build's token, so a stop finds them
    for state in states:
        assert state["forked"]
        assert state["leads_its_session"]  # its process group can be signalled alone
        assert state["parent_watched"]  # it ends when its fork server (its worker) does
        assert state["builder_modules"] == []
        assert state["left_by_another_report"] == []
        assert Path(state["cwd"]) == paths.PROJECT_ROOT
