"""Run one report: papermill executes the notebook, nbconvert renders reader HTML.

This module runs in the builder's worker processes (one per ``--jobs``); it is
the only part of the builder that imports papermill and nbconvert. The HTML is
exported in-process with nbconvert's ``HTMLExporter`` and the ``reader``
template (code hidden, no network scripts), one exporter per worker.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir

from analysis import paths
from analysis.reporting.atomic import make_readable, temporary_beside, write_atomic
from analysis.reporting.pages import ANSI as _ANSI
from analysis.reporting.pages import (PAGE_CSS, TOC_MARKER, BuildResult, Job, Provenance,
                                      footer_html, header_html, headings, now_text,
                                      provenance_for, table_of_contents, unique_heading_ids,
                                      write_failure_page)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_SOCKET_PATH_MAX = 100  # AF_UNIX paths are limited to ~107 bytes


def _ipc_prefix() -> str:
    """A private, unique path prefix for one kernel's IPC sockets."""
    name = f"report-{uuid.uuid4().hex[:12]}-ipc"
    folder = jupyter_runtime_dir()
    if len(os.path.join(folder, name)) + 3 > _SOCKET_PATH_MAX:
        folder = tempfile.mkdtemp(prefix="ipc")  # 0700, short
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return os.path.join(folder, name)


class IPCKernelManager(AsyncKernelManager):
    """Kernel manager that talks to the kernel over IPC (Unix) sockets in Jupyter's
    private runtime folder instead of TCP ports.

    Each kernel gets its own socket prefix, so parallel builds cannot clash (by
    default jupyter_client names IPC sockets ``kernel-ipc-N`` in the working
    directory, which parallel kernels would race for), and no plain-text TCP
    traffic is exposed (so no ipykernel warning about it).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", _ipc_prefix())
        super().__init__(**kwargs)

    async def _async_interrupt_kernel(self) -> None:
        """Skip the SIGINT that jupyter_client (8.x) sends before every shutdown request.

        A report's kernel is idle when it is shut down, and the interrupt only made
        the kernel print a spurious ``KeyboardInterrupt caught in kernel`` error into
        the build output. A kernel that does not honour the shutdown request is still
        terminated, then killed, by ``finish_shutdown``. Interrupts at other times
        are unchanged.
        """
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel


# --------------------------------------------------------------------------
# Reader HTML
# --------------------------------------------------------------------------

_SUMMARY_HEADING = re.compile(r"^\s*##\s+summary\b", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^\s*#{1,2}\s+\S")
_TITLE_HEADING = re.compile(r"^\s*#\s+(?P<text>\S.*)$")


def _first_line(cell) -> str:
    for line in cell.source.splitlines():
        if line.strip():
            return line
    return ""


def reader_notebook(executed: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, str | None]:
    """A copy of the executed notebook arranged for readers.

    * The notebook's own level-1 title moves to the page header (returned as the subtitle).
    * The ``## Summary`` section (its heading cell up to the next level-1 or 2
      heading) comes first, followed by the table-of-contents marker, then the
      rest in notebook order.
    * Code cells without outputs are dropped (their code is hidden anyway).
    """
    notebook = copy.deepcopy(executed)
    subtitle = None
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and not cell.get("outputs"):
            continue
        if subtitle is None and cell.cell_type == "markdown" and not cells:
            lines = cell.source.strip().splitlines()
            match = _TITLE_HEADING.match(lines[0]) if lines else None
            if match:
                subtitle = match.group("text").strip().rstrip("#").strip()
                cell.source = "\n".join(lines[1:]).strip()
                if not cell.source:
                    continue
        cells.append(cell)
    start = next((i for i, c in enumerate(cells)
                  if c.cell_type == "markdown" and _SUMMARY_HEADING.match(_first_line(c))), None)
    summary: list = []
    if start is not None:
        end = next((i for i in range(start + 1, len(cells))
                    if cells[i].cell_type == "markdown" and _SECTION_HEADING.match(_first_line(cells[i]))),
                   len(cells))
        summary, cells = cells[start:end], cells[:start] + cells[end:]
    marker = nbformat.v4.new_raw_cell("", metadata={"report_toc": True})
    notebook.cells = summary + [marker] + cells
    return notebook, subtitle


_EXPORTER = None


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="reader", extra_template_basedirs=[str(TEMPLATES_DIR)])
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.embed_images = True
        _EXPORTER = exporter
    return _EXPORTER


def notebook_to_html(executed: nbformat.NotebookNode, title: str, provenance: Provenance,
                     ipynb_name: str | None) -> str:
    """Reader-facing HTML of an executed notebook.

    Title, subtitle and generated date first, then the plain-language summary,
    a table of contents of the h2/h3 headings, the body with code hidden and
    figures embedded, and the provenance footer. Nothing is loaded from the
    network.
    """
    notebook, subtitle = reader_notebook(executed)
    resources = {
        "metadata": {"name": title},
        "report_css": PAGE_CSS,
        "report_header": header_html(title, subtitle=subtitle, generated=provenance.generated,
                                     notebook=provenance.notebook,
                                     parameters=provenance.parameters, ipynb_name=ipynb_name,
                                     declared=provenance.declared),
        "report_footer": footer_html(provenance),
    }
    page, _ = _exporter().from_notebook_node(notebook, resources=resources)
    page = unique_heading_ids(page)
    entries = headings(page) + [(2, "provenance", "Provenance")]
    return page.replace(TOC_MARKER, table_of_contents(entries), 1)


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def error_text(exc: BaseException) -> str:
    """One-line description of a failure."""
    if isinstance(exc, papermill.PapermillExecutionError):
        return f"{exc.ename} in cell {exc.exec_count}: {_ANSI.sub('', exc.evalue)}"
    return f"{type(exc).__name__}: {_ANSI.sub('', str(exc))}"


def execute_report(job: Job) -> BuildResult:
    """Execute and publish one report; a failure is published as a failure page, never raised."""
    started = time.perf_counter()
    generated = now_text()
    executed = None
    try:
        tmp = temporary_beside(job.ipynb_path, ".ipynb")
        try:
            try:
                papermill.execute_notebook(
                    str(job.notebook_path), tmp, parameters=job.parameters,
                    kernel_name=job.kernel, cwd=str(paths.PROJECT_ROOT),
                    progress_bar=False, log_output=False, report_mode=True,
                    kernel_manager_class=IPCKernelManager,
                )
            finally:
                if os.path.getsize(tmp) > 0:
                    executed = nbformat.read(tmp, as_version=4)
                    make_readable(tmp)
                    os.replace(tmp, job.ipynb_path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        page = notebook_to_html(executed, job.title, provenance_for(job, generated),
                                job.ipynb_path.name)
        write_atomic(job.html_path, page)
        status, error = "built", None
    except Exception as exc:  # a failed report is published as a failure page
        error = error_text(exc)
        write_failure_page(job, error, executed, generated)
        status = "failed"
    return BuildResult(name=job.name, title=job.title, notebook=job.notebook,
                       parameters=job.parameters, status=status,
                       seconds=time.perf_counter() - started, html_path=job.html_path,
                       ipynb_path=job.ipynb_path if job.ipynb_path.exists() else None,
                       error=error, built_at=generated)
