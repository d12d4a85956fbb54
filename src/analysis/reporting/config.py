"""The report set: a validated model of ``reports/reports.yaml``.

Example::

    defaults:            # merged under every report's parameters
      start: "2020-01"
    reports:
      - name: data_overview
        notebook: 01_data_overview.ipynb
        title: What the data cover
        parameters: {}
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analysis import paths


class ReportSpec(BaseModel):
    """One report: a notebook run with one parameter set."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$",
                      description="File stem of the report; letters, digits, _ and - only, "
                                  "so the output stays inside reports/.")
    notebook: str = Field(description="Notebook file name inside notebooks/.")
    title: str = Field(min_length=1)
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("notebook")
    @classmethod
    def _notebook_inside(cls, value: str) -> str:
        if "/" in value or "\\" in value or value.startswith(".") or not value.endswith(".ipynb"):
            raise ValueError("must be a .ipynb file name inside notebooks/ (no directories)")
        return value

    @property
    def notebook_path(self) -> Path:
        return paths.NOTEBOOKS_DIR / self.notebook


class ReportSet(BaseModel):
    """All reports, with shared default parameters."""

    model_config = ConfigDict(extra="forbid")

    defaults: dict[str, Any] = Field(default_factory=dict)
    reports: list[ReportSpec] = Field(min_length=1)

    @field_validator("reports")
    @classmethod
    def _unique_names(cls, reports: list[ReportSpec]) -> list[ReportSpec]:
        names = [r.name for r in reports]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"report names must be unique; repeated: {duplicates}")
        return reports

    def parameters_for(self, report: ReportSpec) -> dict[str, Any]:
        """Defaults overlaid by the report's own parameters."""
        return {**self.defaults, **report.parameters}


class ReportSetError(ValueError):
    """The report-set file is unreadable or invalid."""


def load_report_set(path: str | os.PathLike[str] | None = None) -> ReportSet:
    """Read and validate a report-set YAML file (loaded with ``yaml.safe_load``).

    Raises
    ------
    ReportSetError
        Naming the file and each invalid field.
    """
    path = Path(path) if path else paths.REPORT_SET_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportSetError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise ReportSetError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ReportSetError(f"{path}: expected a mapping with a 'reports' list")
    try:
        return ReportSet.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: " + ".".join(map(str, err["loc"])) + f": {err['msg']}"
                 for err in exc.errors()]
        raise ReportSetError("\n".join(lines)) from None
