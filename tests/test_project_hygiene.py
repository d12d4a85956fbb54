"""Project rules: clean notebooks, documented parameters, lint, hooks, entry points."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml

from analysis import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))

#: Parameters every notebook that draws series declares; notebooks with another
#: purpose declare their own set.
SERIES_PARAMETERS = {"start", "end", "frequency", "violence_source", "break_date"}
REQUIRED_PARAMETERS = {
    "04_claims_check.ipynb": {"publication", "engagement_path", "violence_path", "aggregates_path"},
}


def test_notebooks_exist():
    assert [p.name for p in NOTEBOOKS][:1] == ["01_data_overview.ipynb"]
    assert "03_engagement_and_violence.ipynb" in [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: strip outputs before committing"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_declared_typed_and_documented(path):
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    declared = papermill.inspect_notebook(str(path))
    assert REQUIRED_PARAMETERS.get(path.name, SERIES_PARAMETERS) <= set(declared)
    for name, info in declared.items():
        assert info["help"], f"{path.name}: parameter {name} has no description"
        assert info["inferred_type_name"] != "None", f"{path.name}: parameter {name} has no type"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_declared_allowed_values_include_the_default(path):
    """Where a parameter comment ends with `allowed: a, b`, the default is one of them
    (and the values fit the declared type)."""
    from analysis.reporting.parameters import default_problems

    assert default_problems(papermill.inspect_notebook(str(path)), path.name) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_hold_calls_not_algorithms(path):
    notebook = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "read_csv" not in code and "import pandas" not in code
    assert not re.search(r"^\s*def ", code, flags=re.M)


def test_users_named_dependencies_are_present():
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    names = {re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower() for d in project["dependencies"]}
    assert {"jupyterlab", "pandas", "matplotlib", "seaborn", "statsmodels", "papermill"} <= names


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "analysis", "--help"],
        [str(Path(sys.executable).parent / "analysis"), "--help"],
    ],
    ids=["python -m analysis", "console script"],
)
def test_command_line_entry_points(command):
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "build" in result.stdout and "validate" in result.stdout


def test_project_kernel_is_registered():
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    assert paths.KERNEL_NAME in specs, "run `make setup` to register the kernel"


def test_ruff_finds_nothing():
    """CI's lint step: the rule set in pyproject.toml, over code and notebooks."""
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--no-cache", "--output-format=concise", "."],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_the_tree_as_it_is():
    """CI's format step: code and notebooks are as `ruff format` writes them (the pre-commit hook)."""
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "format", "--check", "--no-cache", "."],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, "run `.venv/bin/ruff format .`:\n" + result.stdout + result.stderr


def test_pre_commit_runs_ruff_and_nbstripout_from_the_locked_environment():
    config = yaml.safe_load((paths.PROJECT_ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "nbstripout"} <= set(hooks)
    for hook in hooks.values():
        tool = hook["entry"].split()[0]
        assert (paths.PROJECT_ROOT / tool).parent == paths.PROJECT_ROOT / ".venv" / "bin"
        assert (Path(sys.executable).parent / Path(tool).name).exists(), f"{tool} is not installed"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_notebooks_readme_lists_every_notebook():
    readme = (paths.NOTEBOOKS_DIR / "README.md").read_text()
    listed = re.findall(r"^- `(\d\d_[a-z_]+\.ipynb)`", readme, flags=re.M)
    assert listed == [p.name for p in NOTEBOOKS]


def test_the_nbstripout_hook_leaves_the_stored_notebooks_unchanged():
    config = yaml.safe_load((paths.PROJECT_ROOT / ".pre-commit-config.yaml").read_text())
    entry = next(
        hook["entry"] for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == "nbstripout"
    ).split()
    tool = str(Path(sys.executable).parent / Path(entry[0]).name)
    notebooks = [
        *map(str, NOTEBOOKS),
        *map(str, (paths.PROJECT_ROOT / "tests" / "fixtures" / "notebooks").glob("*.ipynb")),
    ]
    result = subprocess.run(
        [tool, *entry[1:], "--verify", *notebooks], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_a_stored_id(path):
    """Without stored ids, nbformat gives each cell a random one on every run, and the
    executed notebooks and pages of two builds differ."""
    notebook = json.loads(path.read_text(encoding="utf-8"))  # raw: nbformat.read would invent ids
    assert (notebook["nbformat"], notebook["nbformat_minor"]) >= (4, 5)
    ids = [cell.get("id") for cell in notebook["cells"]]
    assert all(ids) and len(set(ids)) == len(ids)
