"""Run each report's notebook with papermill and publish it as HTML.

For each report in the report set:

1. check its parameters against the notebook's ``parameters`` cell (an
   unknown name fails before any kernel starts, naming the closest valid one);
2. execute the notebook with papermill on the project's named kernel, keeping
   the executed ``.ipynb`` beside the HTML;
3. export HTML in-process with nbconvert, code hidden, figures embedded, with
   a header (title, date, parameters) and a provenance footer;
4. on failure, publish a page that shows the failing cell and error plainly.

``reports/index.html`` lists every report with its status. Every file is
written atomically (temporary file, then rename).
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter

from analysis import paths
from analysis.provenance import display_path, file_sha256, git_commit, library_versions
from analysis.reporting.config import ReportSet, ReportSpec
from analysis.sources.reference import reference_files

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class IPCKernelManager(AsyncKernelManager):
    """Kernel manager that talks to the kernel over IPC sockets in Jupyter's
    runtime folder instead of TCP ports: no port to clash between parallel
    builds, and no plain-text TCP traffic (so no ipykernel warning about it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)


class ParameterError(ValueError):
    """A report's parameters do not fit its notebook's ``parameters`` cell."""


@dataclass
class BuildResult:
    """What happened to one report."""

    name: str
    title: str
    notebook: str
    parameters: dict[str, Any]
    status: str  # "built", "failed", or "not rebuilt" (kept from an earlier build, --only)
    seconds: float
    html_path: Path
    ipynb_path: Path | None
    error: str | None = None
    data_files: list[Path] = field(default_factory=list)


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def _make_readable(path: str) -> None:
    """Give a temporary file the usual permissions (mkstemp creates it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        _make_readable(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The notebook's declared parameters (papermill's inspection)."""
    return papermill.inspect_notebook(str(notebook))


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
    "list": (list,), "dict": (dict,),
}


def check_parameters(spec: ReportSpec, parameters: dict[str, Any]) -> None:
    """Fail if a parameter is not declared in the notebook's ``parameters`` cell,
    or if its value does not fit the declared type.

    Raises
    ------
    ParameterError
        Naming the report, the unknown parameter and the closest valid one.
    """
    if not spec.notebook_path.is_file():
        raise ParameterError(f"report '{spec.name}': notebook {display_path(spec.notebook_path)} "
                             "does not exist")
    declared = notebook_parameters(spec.notebook_path)
    problems = []
    for name, value in parameters.items():
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; valid: {sorted(declared)}"
            problems.append(f"`{name}`: no such parameter in {spec.notebook}{hint}")
            continue
        expected = _TYPES.get(declared[name].get("inferred_type_name", ""))
        wrong_bool = isinstance(value, bool) and bool not in (expected or ())  # bool is an int
        if expected and (not isinstance(value, expected) or wrong_bool):
            problems.append(f"`{name}`: expected {declared[name]['inferred_type_name']} "
                            f"(default {declared[name].get('default')}); got {value!r}")
    if problems:
        raise ParameterError(f"report '{spec.name}': " + "; ".join(problems))


def data_files_for(parameters: dict[str, Any]) -> list[Path]:
    """Data files a report reads: the reference dataset plus any ``*_path`` parameter."""
    files = list(reference_files())
    for name, value in parameters.items():
        if name.endswith("_path") and isinstance(value, str) and value:
            files.append(paths.resolve_data_path(value, paths.REFERENCE_DIR))
    unique = []
    for f in files:
        if f not in unique:
            unique.append(f)
    return unique


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

_PAGE_CSS = """
<style>
.report-header, .report-footer { max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem;
  font-family: system-ui, sans-serif; }
.report-header h1 { margin-bottom: 0.2rem; }
.report-meta { color: #555; font-size: 0.9rem; }
.report-footer { border-top: 1px solid #ccc; padding-top: 1rem; font-size: 0.85rem; color: #333; }
.report-footer table, .report-header table { border-collapse: collapse; }
.report-footer td, .report-footer th, .report-header td, .report-header th {
  border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: left; }
.report-failed { background: #fdecea; border: 2px solid #c0392b; padding: 1rem; }
.report-failed pre { white-space: pre-wrap; background: #fff; padding: 0.5rem; }
</style>
"""


def _parameters_table(parameters: dict[str, Any]) -> str:
    if not parameters:
        return "<p>Notebook defaults (no parameters overridden).</p>"
    rows = "".join(f"<tr><td><code>{html.escape(k)}</code></td><td>{html.escape(repr(v))}</td></tr>"
                   for k, v in parameters.items())
    return f"<table><tr><th>parameter</th><th>value</th></tr>{rows}</table>"


def _header_html(title: str, parameters: dict[str, Any], generated: str, ipynb_name: str | None) -> str:
    link = (f' · <a href="{html.escape(ipynb_name)}">executed notebook (.ipynb)</a>'
            if ipynb_name else "")
    return (f'<header class="report-header"><h1>{html.escape(title)}</h1>'
            f'<p class="report-meta">Generated {html.escape(generated)}{link} · '
            f'<a href="index.html">all reports</a></p>'
            f"<details><summary>Parameters</summary>{_parameters_table(parameters)}</details>"
            f"</header>")


def _footer_html(parameters: dict[str, Any], data_files: Iterable[Path]) -> str:
    files = "".join(
        f"<tr><td><code>{html.escape(display_path(f))}</code></td>"
        f"<td><code>{file_sha256(f) if Path(f).is_file() else 'missing'}</code></td></tr>"
        for f in data_files)
    versions = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in library_versions().items())
    return (f'<footer class="report-footer"><h2>Provenance</h2>'
            f"<p>Git commit: <code>{html.escape(git_commit())}</code></p>"
            f"<p>Data files (SHA-256):</p><table><tr><th>file</th><th>sha256</th></tr>{files}</table>"
            f"<p>Parameters:</p>{_parameters_table(parameters)}"
            f"<p>Versions: {versions}</p></footer>")


TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="reader", extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    return exporter


def notebook_to_html(notebook: nbformat.NotebookNode, title: str, parameters: dict[str, Any],
                     data_files: Iterable[Path], ipynb_name: str | None) -> str:
    """Reader-facing HTML of an executed notebook: code hidden, figures embedded."""
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    resources = {
        "metadata": {"name": title},
        "report_css": _PAGE_CSS,
        "report_header": _header_html(title, parameters, generated, ipynb_name),
        "report_footer": _footer_html(parameters, data_files),
    }
    page, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return page


def _failing_cell(notebook: nbformat.NotebookNode | None) -> tuple[str, str]:
    if notebook is None:
        return "", ""
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                trace = _ANSI.sub("", "\n".join(output.get("traceback", [])))
                return cell.source, trace or f"{output.get('ename')}: {output.get('evalue')}"
    return "", ""


def failure_html(title: str, parameters: dict[str, Any], error: str,
                 notebook: nbformat.NotebookNode | None, ipynb_name: str | None) -> str:
    """A page that states plainly that the report failed, with the failing cell and error."""
    source, trace = _failing_cell(notebook)
    cell = (f"<h3>Failing cell</h3><pre>{html.escape(source)}</pre>" if source else "")
    detail = trace or error
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = (f'<section class="report-failed"><h2>This report failed to build</h2>'
            f"<p>{html.escape(error.splitlines()[0] if error else 'unknown error')}</p>{cell}"
            f"<h3>Error</h3><pre>{html.escape(detail)}</pre></section>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)} (failed)</title>{_PAGE_CSS}</head><body>"
            f"{_header_html(title, parameters, generated, ipynb_name)}"
            f'<main class="report-header">{body}</main></body></html>')


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def run_report(spec: ReportSpec, parameters: dict[str, Any], reports_dir: Path,
               kernel_name: str = paths.KERNEL_NAME) -> BuildResult:
    """Check, execute and publish one report; never raises for a report failure."""
    started = time.perf_counter()
    html_path = reports_dir / f"{spec.name}.html"
    ipynb_path = reports_dir / f"{spec.name}.ipynb"
    data_files = data_files_for(parameters)
    executed = None
    try:
        check_parameters(spec, parameters)
        handle, tmp = tempfile.mkstemp(dir=reports_dir, prefix=f".{spec.name}.", suffix=".ipynb")
        os.close(handle)
        try:
            try:
                papermill.execute_notebook(
                    str(spec.notebook_path), tmp, parameters=parameters,
                    kernel_name=kernel_name, cwd=str(paths.PROJECT_ROOT),
                    progress_bar=False, log_output=False, report_mode=True,
                    kernel_manager_class=IPCKernelManager,
                )
            finally:
                if os.path.getsize(tmp) > 0:
                    executed = nbformat.read(tmp, as_version=4)
                    _make_readable(tmp)
                    os.replace(tmp, ipynb_path)
                elif os.path.exists(tmp):
                    os.unlink(tmp)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        page = notebook_to_html(executed, spec.title, parameters, data_files, ipynb_path.name)
        write_atomic(html_path, page)
        status, error = "built", None
    except Exception as exc:  # a failed report is published as a failure page
        if isinstance(exc, papermill.PapermillExecutionError):
            error = f"{exc.ename} in cell {exc.exec_count}: {_ANSI.sub('', exc.evalue)}"
        else:
            error = f"{type(exc).__name__}: {_ANSI.sub('', str(exc))}"
        if executed is None and ipynb_path.exists():
            ipynb_path.unlink()  # never leave an earlier run's notebook beside a failure page
        link = ipynb_path.name if executed is not None else None
        write_atomic(html_path, failure_html(spec.title, parameters, error, executed, link))
        status = "failed"
    return BuildResult(name=spec.name, title=spec.title, notebook=spec.notebook,
                       parameters=parameters, status=status,
                       seconds=time.perf_counter() - started, html_path=html_path,
                       ipynb_path=ipynb_path if ipynb_path.exists() else None, error=error,
                       data_files=data_files)


def index_html(results: list[BuildResult], generated: str) -> str:
    """The reports index: every report with status, parameters, time and links."""
    rows = []
    for r in results:
        colour = {"built": "#1e8449", "failed": "#c0392b"}.get(r.status, "#555555")
        params = html.escape(json.dumps(r.parameters, ensure_ascii=False)) if r.parameters else "defaults"
        nb_link = (f' · <a href="{html.escape(r.ipynb_path.name)}">.ipynb</a>' if r.ipynb_path else "")
        rows.append(
            f"<tr><td><a href=\"{html.escape(r.html_path.name)}\">{html.escape(r.title)}</a>{nb_link}</td>"
            f"<td><code>{html.escape(r.notebook)}</code></td>"
            f"<td style=\"color:{colour};font-weight:bold\" class=\"status\">{r.status}</td>"
            f"<td><code>{params}</code></td><td>{r.seconds:.1f} s</td></tr>")
    failed = sum(r.status == "failed" for r in results)
    built = sum(r.status == "built" for r in results)
    summary = (f"{built} of {len(results)} reports built in this run"
               + (f"; <strong style='color:#c0392b'>{failed} failed</strong>" if failed else ""))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Pakistan–Afghanistan engagement and violence: reports</title>"
            f"{_PAGE_CSS}</head><body><main class='report-header'>"
            "<h1>Pakistan–Afghanistan engagement and militant violence: reports</h1>"
            f"<p class='report-meta'>Generated {html.escape(generated)} · {summary}</p>"
            "<table><tr><th>report</th><th>notebook</th><th>status</th><th>parameters</th>"
            f"<th>build time</th></tr>{''.join(rows)}</table>"
            "<p>Each report states its data sources, coverage and caveats. Numbers come from "
            "the project's cited reference dataset; see <code>data/README.md</code>.</p>"
            "</main></body></html>")


def build_reports(report_set: ReportSet, *, only: Iterable[str] | None = None,
                  reports_dir: Path | None = None,
                  progress: Callable[[str], None] | None = None) -> list[BuildResult]:
    """Build the reports of a report set and write the index.

    Parameters
    ----------
    report_set : ReportSet
    only : iterable of str, optional
        Names of the reports to build (default: all).
    reports_dir : pathlib.Path, optional
        Output folder (default ``reports/``).
    progress : callable, optional
        Called with one line per report as it finishes.

    Returns
    -------
    list of BuildResult
        Failures are results with ``status == "failed"``; the caller decides
        the exit code after every report has been attempted.
    """
    reports_dir = reports_dir or paths.REPORTS_DIR
    reports_dir.mkdir(parents=True, exist_ok=True)
    selected = report_set.reports
    if only:
        wanted = list(only)
        known = {r.name for r in selected}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise ParameterError(f"--only: no report named {unknown}; known: {sorted(known)}")
        selected = [r for r in selected if r.name in wanted]
    results = []
    for spec in selected:
        result = run_report(spec, report_set.parameters_for(spec), reports_dir)
        results.append(result)
        if progress:
            progress(f"{result.status:7s} {result.name} ({result.seconds:.1f} s)"
                     + (f": {' '.join(result.error.split())[:300]}" if result.error else ""))
    listed = {r.name: r for r in results}
    for spec in report_set.reports:  # keep reports not rebuilt this time in the index
        html_path = reports_dir / f"{spec.name}.html"
        if spec.name not in listed and html_path.exists():
            ipynb_path = reports_dir / f"{spec.name}.ipynb"
            listed[spec.name] = BuildResult(
                name=spec.name, title=spec.title, notebook=spec.notebook,
                parameters=report_set.parameters_for(spec), status="not rebuilt", seconds=0.0,
                html_path=html_path, ipynb_path=ipynb_path if ipynb_path.exists() else None)
    ordered = [listed[s.name] for s in report_set.reports if s.name in listed]
    write_atomic(reports_dir / "index.html",
                 index_html(ordered, dt.datetime.now().strftime("%Y-%m-%d %H:%M")))
    return results
