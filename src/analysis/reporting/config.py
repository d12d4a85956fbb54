"""The report set: a validated model of ``reports/reports.yaml``.

Example::

    defaults:                 # merged under every report's parameters
      start: "2021-08"
    reports:
      - name: data_overview   # output: reports/data_overview.html
        notebook: 01_data_overview.ipynb
        title: What the data cover
        parameters: {}

      # A grid: one notebook run for every combination of the listed values.
      - name: engagement_{violence_measure}_{frequency}
        notebook: 03_engagement_and_violence.ipynb
        title: Engagement and {violence_measure} ({frequency})
        parameters: {violence_source: PICSS}
        grid:
          violence_measure: [attacks, fatalities]
          frequency: [M, Q]

A report (or a grid) may set ``timeout: SECONDS``: the time its notebook may
run, all cells together, before it is stopped (default: the build's ``--timeout``).

A grid expands, in the order its keys and values are written (the last key
varies fastest), into one report per combination. Its ``name`` and ``title``
may contain ``{parameter}`` fields: the name is filled with each value's
*slug* (lower case, runs of other characters than ``a-z0-9`` become ``-``), the
title with the value as written. A name without fields gets the slugs appended,
``<name>_<slug1>_<slug2>``; a title without fields gets ``(key: value, …)``.

The file is read with ``yaml.safe_load`` (no Python objects), and every name,
as written or expanded, must be a plain file stem (letters, digits, ``_``,
``-``; no path separator, no ``..``), so outputs stay inside ``reports/``.
"""

from __future__ import annotations

import itertools
import os
import re
import string
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from analysis import paths

#: A report name: the file stem of its outputs.
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
#: Names that would overwrite the builder's own files.
RESERVED_NAMES = frozenset({"index", "reports"})


def _check_notebook_name(value: str) -> str:
    if "/" in value or "\\" in value or value.startswith(".") or not value.endswith(".ipynb"):
        raise ValueError("must be a .ipynb file name inside the notebooks folder (no directories)")
    return value


def _check_name(value: str) -> str:
    if not re.match(NAME_PATTERN, value):
        raise ValueError(
            f"{value!r} is not a valid report name: use lower-case letters, digits, "
            "_ and - only (no path separators, no '..'), starting with a letter or "
            "digit, so the output stays inside reports/"
        )
    if value in RESERVED_NAMES:
        raise ValueError(f"{value!r} is reserved (reports/{value}.html is the builder's own page)")
    return value


#: What a report's ``timeout`` means.
TIMEOUT_HELP = (
    "Seconds the report may run (all its cells together) before it is stopped and "
    "gets a failure page; default: the build's --timeout."
)


class ReportSpec(BaseModel):
    """One report: a notebook run with one parameter set."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="File stem of the report; letters, digits, _ and - only, "
        "so the output stays inside reports/."
    )
    notebook: str = Field(description="Notebook file name inside notebooks/.")
    title: str = Field(min_length=1)
    parameters: dict[str, Any] = Field(default_factory=dict)
    timeout: float | None = Field(None, gt=0, description=TIMEOUT_HELP)

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("notebook")
    @classmethod
    def _valid_notebook(cls, value: str) -> str:
        return _check_notebook_name(value)


def value_slug(value: Any) -> str:
    """File-name-safe text for a parameter value (used in grid report names).

    ``"Q"`` → ``q``; ``["Pakistan→Afghanistan"]`` → ``pakistan-afghanistan``;
    ``[]`` or ``""`` → ``none``; ``True`` → ``true``.
    """
    if isinstance(value, (list, tuple)):
        text = "-".join(value_slug(v) for v in value) if value else ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = ""
    else:
        text = str(value)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "none"


def _value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) if value else "none"
    return str(value)


def _template_fields(template: str) -> list[str]:
    try:
        return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as exc:  # unbalanced braces
        raise ValueError(f"{template!r}: {exc}") from None


class GridSpec(BaseModel):
    """One notebook × every combination of the values listed under ``grid``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name pattern; may hold {parameter} fields filled with value slugs.")
    notebook: str
    title: str = Field(min_length=1, description="Title pattern; may hold {parameter} fields.")
    parameters: dict[str, Any] = Field(default_factory=dict, description="Shared by every combination.")
    grid: dict[str, list[Any]] = Field(min_length=1, description="Parameter → list of values.")
    timeout: float | None = Field(None, gt=0, description=TIMEOUT_HELP)

    @field_validator("notebook")
    @classmethod
    def _valid_notebook(cls, value: str) -> str:
        return _check_notebook_name(value)

    @model_validator(mode="after")
    def _consistent(self) -> "GridSpec":
        empty = [k for k, values in self.grid.items() if not values]
        if empty:
            raise ValueError(f"grid: no values listed for {empty}")
        both = sorted(set(self.grid) & set(self.parameters))
        if both:
            raise ValueError(f"grid: {both} also set under parameters; list each parameter once")
        for what, template in (("name", self.name), ("title", self.title)):
            unknown = [f for f in _template_fields(template) if f not in self.grid]
            if unknown:
                raise ValueError(
                    f"{what} {template!r}: fields {unknown} are not grid parameters ({sorted(self.grid)})"
                )
        for report in self.expand():  # every expanded name must be a valid, safe file stem
            _check_name(report.name)
        return self

    def expand(self) -> list[ReportSpec]:
        """The reports of the grid, in a deterministic order (last key varies fastest)."""
        keys = list(self.grid)
        name_fields = _template_fields(self.name)
        title_fields = _template_fields(self.title)
        expanded = []
        for combination in itertools.product(*(self.grid[k] for k in keys)):
            values = dict(zip(keys, combination))
            if name_fields:
                name = self.name.format(**{k: value_slug(v) for k, v in values.items()})
            else:
                name = "_".join([self.name, *(value_slug(values[k]) for k in keys)])
            if title_fields:
                title = self.title.format(**{k: _value_text(v) for k, v in values.items()})
            else:
                title = (
                    f"{self.title} (" + ", ".join(f"{k}: {_value_text(v)}" for k, v in values.items()) + ")"
                )
            expanded.append(
                ReportSpec.model_construct(
                    name=name,
                    notebook=self.notebook,
                    title=title,
                    parameters={**self.parameters, **values},
                    timeout=self.timeout,
                )
            )
        return expanded


def _entry_kind(entry: Any) -> str:
    if isinstance(entry, dict):
        return "grid" if "grid" in entry else "report"
    return "grid" if isinstance(entry, GridSpec) else "report"


Entry = Annotated[
    Union[Annotated[ReportSpec, Tag("report")], Annotated[GridSpec, Tag("grid")]], Discriminator(_entry_kind)
]


class ReportSet(BaseModel):
    """All reports (single reports and grids), with shared default parameters.

    Attributes
    ----------
    defaults : dict
        Merged under every report's parameters (a report's own value wins).
        Each must therefore be a parameter of every notebook in the set.
    reports : list of ReportSpec or GridSpec
        As written; :meth:`expanded` gives one :class:`ReportSpec` per output.
    notebooks_dir : str, optional
        Folder of the notebooks, relative to the project root (default ``notebooks``).
    """

    model_config = ConfigDict(extra="forbid")

    defaults: dict[str, Any] = Field(default_factory=dict)
    reports: list[Entry] = Field(min_length=1)
    notebooks_dir: str | None = None
    _source: Path | None = PrivateAttr(None)

    @property
    def source(self) -> Path | None:
        """The file the set was read from (by :func:`load_report_set`), or ``None``; it
        identifies the set in the output folder's cache manifest."""
        return self._source

    @model_validator(mode="after")
    def _unique_names(self) -> "ReportSet":
        names = [r.name for r in self.expanded()]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"report names must be unique (after grids are expanded); repeated: {duplicates}"
            )
        return self

    def expanded(self) -> list[ReportSpec]:
        """Every report, grids expanded in place, in the order of the file."""
        out: list[ReportSpec] = []
        for entry in self.reports:
            out.extend(entry.expand() if isinstance(entry, GridSpec) else [entry])
        return out

    def parameters_for(self, report: ReportSpec) -> dict[str, Any]:
        """Defaults overlaid by the report's own parameters."""
        return {**self.defaults, **report.parameters}

    def notebooks_path(self) -> Path:
        """Folder holding the notebooks."""
        if self.notebooks_dir is None:
            return paths.NOTEBOOKS_DIR
        folder = Path(self.notebooks_dir)
        return folder if folder.is_absolute() else paths.PROJECT_ROOT / folder

    def notebook_path(self, report: ReportSpec) -> Path:
        """Path of a report's notebook."""
        return self.notebooks_path() / report.notebook


class ReportSetError(ValueError):
    """The report-set file is unreadable or invalid."""


def _location(loc: tuple) -> str:
    parts = []
    for i, part in enumerate(loc):
        if part in ("report", "grid") and i > 0 and isinstance(loc[i - 1], int):
            continue  # the discriminator tag, not a field the user wrote
        parts.append(str(part))
    return ".".join(parts)


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
        raise ReportSetError(
            f"{path}: not valid YAML (or uses a tag that safe loading refuses): {exc}"
        ) from None
    if not isinstance(raw, dict):
        raise ReportSetError(f"{path}: expected a mapping with a 'reports' list")
    try:
        report_set = ReportSet.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: " + _location(err["loc"]) + f": {err['msg']}" for err in exc.errors()]
        raise ReportSetError("\n".join(lines)) from None
    report_set._source = path.resolve()
    return report_set
