"""Project rules: clean notebooks, documented parameters, dependency lists in sync."""

from __future__ import annotations

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
            assert cell.outputs == [] and cell.execution_count is None, \
                f"{path.name}: strip outputs before committing"


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


def _name(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(map(_name, project["dependencies"] + project["optional-dependencies"]["test"]))
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text())
    conda = dict(_name(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("pip", None)
    for extra in (d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d):
        conda.update(map(_name, extra))  # packages not on conda-forge
    python = conda.pop("python")
    assert python == ">=" + project["requires-python"].lstrip(">=")
    assert conda == wanted
    assert all(bound.startswith(">=") for bound in wanted.values()), "lower-bounded versions only"


def test_users_named_dependencies_are_present():
    project = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(d)[0] for d in project["dependencies"]}
    assert {"jupyterlab", "pandas", "matplotlib", "seaborn", "statsmodels", "papermill"} <= names


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "analysis", "--help"],
    [str(Path(sys.executable).parent / "analysis"), "--help"],
], ids=["python -m analysis", "console script"])
def test_command_line_entry_points(command):
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "build" in result.stdout and "validate" in result.stdout


def test_project_kernel_is_registered():
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    assert paths.KERNEL_NAME in specs, "run `make setup` to register the kernel"
