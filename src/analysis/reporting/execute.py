"""Run one report: papermill executes the notebook, nbconvert renders reader HTML.

This module runs in the builder's worker processes (one per ``--jobs``); it is
the only part of the builder that imports papermill and nbconvert. The HTML is
exported in-process with nbconvert's ``HTMLExporter`` and the ``reader``
template (code hidden, no network scripts), one exporter per worker.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import re
import signal
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from nbclient.exceptions import CellTimeoutError

from analysis import paths
from analysis.reporting import processes, provisioner
from analysis.reporting.atomic import (
    OutputError,
    forget_temporary,
    make_readable,
    remove_temporaries,
    temporary_beside,
    write_atomic,
)
from analysis.reporting.pages import ANSI as _ANSI
from analysis.reporting.pages import (
    PAGE_CSS,
    TOC_MARKER,
    BuildResult,
    Job,
    Provenance,
    footer_html,
    header_html,
    headings,
    now_text,
    provenance_for,
    table_of_contents,
    unique_heading_ids,
    write_failure_page,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class _NoCellTimeoutLine(logging.Filter):
    """Drop nbclient's "Timeout waiting for execute reply (Ns)." line: N is the time the
    cell had left, not the report's limit; the failure line and page say it properly."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Timeout waiting for execute reply")


logging.getLogger("papermill").addFilter(_NoCellTimeoutLine())
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
        # A kernel that ignores the shutdown request (a cell still running after a
        # timeout) gets SIGTERM after 1 s and SIGKILL after 2 s, instead of 2.5 and 5 s.
        kwargs.setdefault("shutdown_wait_time", 2.0)
        super().__init__(**kwargs)

    async def _async_pre_start_kernel(self, **kw):
        """In a worker with a fork server, the kernel is forked from it
        (:class:`~analysis.reporting.provisioner.ForkedProvisioner`)."""
        if self.provisioner is None and provisioner.fork_server_running():
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = provisioner.ForkedProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw) -> None:
        """Launch the kernel and remember it (see :func:`stop_kernels`)."""
        await super()._async_launch_kernel(kernel_cmd, **kw)
        pid = getattr(self.provisioner, "pid", None)
        if pid:
            _KERNELS[self] = pid

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


#: Kernels started by this process for the report it is running: manager → PID.
_KERNELS: dict[IPCKernelManager, int] = {}


def stop_kernels(grace: float = 0.0, hurry: Callable[[], bool] = lambda: False) -> None:
    """Stop every kernel this process started that is still running, with the processes
    it started (its process group): SIGTERM, then SIGKILL after ``grace`` seconds (sooner
    if ``hurry()`` turns true); then remove their connection and socket files."""
    pids = [pid for pid in _KERNELS.values() if processes.alive(pid)]
    for pid in pids:
        processes.send(pid, signal.SIGTERM, group=True)
    left = processes.wait_gone(pids, grace, hurry) if grace else pids
    for pid in left:
        processes.send(pid, signal.SIGKILL, group=True)
    processes.wait_gone(left, 1.0)
    for manager in list(_KERNELS):
        try:
            manager.cleanup_connection_file()
            manager.cleanup_ipc_files()
        except Exception:  # best effort: the files live in Jupyter's runtime folder
            pass
    _KERNELS.clear()


def abort_running(grace: float = 1.0, hurry: Callable[[], bool] = lambda: False) -> None:
    """Stop the report running in this process: its kernel and its temporary files."""
    stop_kernels(grace, hurry)
    remove_temporaries()


# --------------------------------------------------------------------------
# Reader HTML
# --------------------------------------------------------------------------

#: Sections shown first, in this order, before the table of contents.
_LEAD_HEADINGS = (
    re.compile(r"^\s*##\s+key findings\b", re.IGNORECASE),
    re.compile(r"^\s*##\s+summary\b", re.IGNORECASE),
)
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
    * The ``## Key findings`` section, then the ``## Summary`` section (each from its
      heading cell up to the next level-1 or 2 heading) come first, followed by the
      table-of-contents marker, then the rest in notebook order.
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
    lead: list = []
    for heading in _LEAD_HEADINGS:  # Key findings, then Summary
        start = next(
            (i for i, c in enumerate(cells) if c.cell_type == "markdown" and heading.match(_first_line(c))),
            None,
        )
        if start is None:
            continue
        end = next(
            (
                i
                for i in range(start + 1, len(cells))
                if cells[i].cell_type == "markdown" and _SECTION_HEADING.match(_first_line(cells[i]))
            ),
            len(cells),
        )
        lead, cells = lead + cells[start:end], cells[:start] + cells[end:]
    marker = nbformat.v4.new_raw_cell("", metadata={"report_toc": True})
    notebook.cells = lead + [marker] + cells
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


def notebook_to_html(
    executed: nbformat.NotebookNode, title: str, provenance: Provenance, ipynb_name: str | None
) -> str:
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
        "report_header": header_html(
            title,
            subtitle=subtitle,
            generated=provenance.generated,
            notebook=provenance.notebook,
            parameters=provenance.parameters,
            ipynb_name=ipynb_name,
            declared=provenance.declared,
        ),
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


def _limit_text(seconds: float) -> str:
    return f"{seconds:g} s"


def _mark_timed_out(executed: nbformat.NotebookNode | None, limit: str) -> str:
    """The timeout message, naming the cell that was running when the time ran out (the
    last cell papermill started); that cell gets the message as an error output, so the
    failure page and the executed notebook show it."""
    message = f"the report ran past its time limit of {limit} and was stopped"
    started = [
        (i, c)
        for i, c in enumerate(executed.cells if executed is not None else [])
        if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return message
    index, cell = started[-1]
    where = f"cell {cell.execution_count}" if cell.get("execution_count") else f"cell {index + 1}"
    message = f"{message} in {where}"
    cell.setdefault("outputs", []).append(
        nbformat.v4.new_output(
            "error", ename="TimeoutError", evalue=message, traceback=[f"TimeoutError: {message}"]
        )
    )
    return message


def execute_report(job: Job) -> BuildResult:
    """Execute and publish one report; a failure is published as a failure page, never raised.

    A report that runs past ``job.timeout`` seconds is stopped (its kernel shut down) and
    gets a failure page naming the cell that was running. A stop of the build
    (:class:`BaseException`, e.g. an interrupt) publishes nothing: the previous page and
    notebook stay. :class:`~analysis.reporting.atomic.OutputError` (the output folder
    cannot be written) is raised: it is the build's fault, not the report's.
    """
    started = time.perf_counter()
    generated = now_text()
    deadline = time.monotonic() + job.timeout if job.timeout else None

    def cell_timeout(cell) -> int | None:
        """Seconds the next cell may run: what is left of the report's time (nbclient)."""
        if deadline is None:
            return None
        return max(1, math.ceil(deadline - time.monotonic()))

    executed = None
    tmp = temporary_beside(job.ipynb_path, ".ipynb")
    try:
        try:
            failure = None
            try:
                papermill.execute_notebook(
                    str(job.notebook_path),
                    tmp,
                    parameters=job.parameters,
                    kernel_name=job.kernel,
                    cwd=str(paths.PROJECT_ROOT),
                    progress_bar=False,
                    log_output=False,
                    report_mode=True,
                    kernel_manager_class=IPCKernelManager,
                    timeout_func=cell_timeout,
                )
            except CellTimeoutError:
                failure = "timeout"
            except Exception as exc:  # published below with the partial notebook
                failure = exc
            # Only a finished or failed run gets here; a stopped build publishes nothing.
            if os.path.getsize(tmp) > 0:
                executed = nbformat.read(tmp, as_version=4)
                if failure == "timeout":
                    failure = TimeoutError(_mark_timed_out(executed, _limit_text(job.timeout or 0)))
                    nbformat.write(executed, tmp)
            if failure == "timeout":
                failure = TimeoutError(_mark_timed_out(None, _limit_text(job.timeout or 0)))
            if failure is not None:
                raise failure
            page = notebook_to_html(executed, job.title, provenance_for(job, generated), job.ipynb_path.name)
            write_atomic(job.html_path, page)
            status, error = "built", None
        except OutputError:
            raise
        except Exception as exc:  # a failed report is published as a failure page
            error = error_text(exc)
            write_failure_page(job, error, executed, generated)
            status = "failed"
        if executed is not None:  # the page and its notebook are published together
            make_readable(tmp)
            os.replace(tmp, job.ipynb_path)
    finally:
        forget_temporary(tmp)
        stop_kernels()
    return BuildResult(
        name=job.name,
        title=job.title,
        notebook=job.notebook,
        parameters=job.parameters,
        status=status,
        seconds=time.perf_counter() - started,
        html_path=job.html_path,
        ipynb_path=job.ipynb_path if job.ipynb_path.exists() else None,
        error=error,
        built_at=generated,
    )
