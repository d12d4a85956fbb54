"""Build a report set: plan, reuse what is unchanged, check, run in parallel, index.

For the reports of a report set (or those named with ``only``):

1. **Plan**: expand grids, merge defaults, fix each output path
   (``<reports>/<name>.html`` and ``.ipynb`` beside it).
2. **Cache**: compute each report's inputs (:mod:`analysis.reporting.cache`);
   a report whose inputs are unchanged and whose outputs are intact is
   *reused*. This step imports neither papermill nor nbconvert, so a build
   with nothing to do takes a fraction of a second.
3. **Strict parameters**: every report still to build is checked against its
   notebook's ``parameters`` cell (:mod:`analysis.reporting.parameters`)
   before any kernel starts; a report that fails the check gets a failure page.
4. **Run**: the remaining reports run across ``jobs`` worker processes
   (:mod:`analysis.reporting.execute`; kernels over private IPC sockets, so no
   ports to clash). A failing report gets a page showing the failing cell and
   error; the others carry on.
5. **Index**: ``reports/index.html`` lists every report with its status
   (built, reused from cache, failed, not rebuilt), parameters, build time and
   links. The cache manifest is updated after each report.

Every file is written atomically (temporary file, then rename).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from analysis import paths
from analysis.provenance import display_path
from analysis.reporting.atomic import write_atomic
from analysis.reporting import cache
from analysis.reporting.cache import FileHashes, Manifest, data_files_for
from analysis.reporting.config import ReportSet
from analysis.reporting.pages import BuildResult, Job, index_html, now_text, write_failure_page
from analysis.reporting.parameters import ParameterError
from analysis.reporting.progress import Progress

__all__ = ["BuildResult", "ParameterError", "PlannedReport", "SelectionError", "build_reports",
           "data_files_for", "plan_reports", "write_atomic"]

INDEX_TITLE = "Pakistan–Afghanistan engagement and militant violence: reports"


class SelectionError(ValueError):
    """``only`` names a report that is not in the report set."""


@dataclass(frozen=True)
class PlannedReport:
    """One report as it will be built: resolved notebook, merged parameters, output paths."""

    name: str
    title: str
    notebook: str
    notebook_path: Path
    parameters: dict[str, Any]
    html_path: Path
    ipynb_path: Path

    def as_json(self) -> dict[str, Any]:
        """``{"name", "notebook", "parameters", "output"}`` (paths relative to the project root)."""
        return {"name": self.name, "notebook": display_path(self.notebook_path),
                "parameters": self.parameters, "output": display_path(self.html_path)}


def plan_reports(report_set: ReportSet, reports_dir: Path | None = None,
                 only: Iterable[str] | None = None) -> list[PlannedReport]:
    """Every report of the set (or those in ``only``), in the order of the file.

    Raises
    ------
    SelectionError
        If ``only`` names an unknown report (with the closest known name).
    """
    import difflib

    reports_dir = Path(reports_dir or paths.REPORTS_DIR).resolve()
    planned = []
    for spec in report_set.expanded():
        html_path = (reports_dir / f"{spec.name}.html").resolve()
        if html_path.parent != reports_dir:  # names are validated; this is a second lock
            raise SelectionError(f"report '{spec.name}': output would leave {reports_dir}")
        planned.append(PlannedReport(
            name=spec.name, title=spec.title, notebook=spec.notebook,
            notebook_path=report_set.notebook_path(spec),
            parameters=report_set.parameters_for(spec), html_path=html_path,
            ipynb_path=html_path.with_suffix(".ipynb")))
    if only:
        wanted = [n.strip() for item in only for n in str(item).split(",") if n.strip()]
        known = [p.name for p in planned]
        unknown = [n for n in wanted if n not in known]
        if unknown:
            hints = []
            for n in unknown:
                close = difflib.get_close_matches(n, known, n=1)
                hints.append(f"`{n}`" + (f" (did you mean `{close[0]}`?)" if close else ""))
            raise SelectionError(f"--only: no report named {', '.join(hints)}; "
                                 f"known: {', '.join(known)}")
        planned = [p for p in planned if p.name in wanted]
    return planned


def check_plan(planned: Iterable[PlannedReport]) -> tuple[dict[str, str], dict[Path, Any]]:
    """Strict check of each report's parameters against its notebook (no kernel started).

    Returns
    -------
    errors : dict
        Report name → error message, for the reports that fail.
    declared : dict
        Notebook path → its declared parameters (papermill's inspection).
    """
    from analysis.reporting.parameters import declared_parameters, parameter_problems

    declared: dict[Path, Any] = {}
    errors = {}
    for report in planned:
        if not report.notebook_path.is_file():
            errors[report.name] = (f"ParameterError: report '{report.name}': notebook "
                                   f"{display_path(report.notebook_path)} does not exist")
            continue
        if report.notebook_path not in declared:
            declared[report.notebook_path] = declared_parameters(report.notebook_path)
        problems = parameter_problems(report.parameters, declared[report.notebook_path],
                                      report.notebook)
        if problems:
            errors[report.name] = (f"ParameterError: report '{report.name}' ({report.notebook}): "
                                   + "; ".join(problems))
    return errors, declared


def parameter_errors(planned: Iterable[PlannedReport]) -> dict[str, str]:
    """Report name → parameter error, for the planned reports that fail the strict check."""
    return check_plan(planned)[0]


@dataclass
class Decision:
    """Whether a planned report is reused from the cache, and why (or why not)."""

    report: PlannedReport
    inputs: dict[str, Any]
    key: str
    reuse: bool
    reason: str


def decide(planned: Iterable[PlannedReport], manifest: Manifest, files: FileHashes, *,
           force: bool = False, kernel_name: str = paths.KERNEL_NAME) -> list[Decision]:
    """For each planned report: its cache inputs and key, and whether to reuse it.

    Cheap: hashes files and reads package metadata; imports no notebook machinery.
    """
    package, dependencies = cache.package_source_hash(), cache.dependency_versions()
    decisions = []
    for report in planned:
        inputs = cache.report_inputs(notebook_path=report.notebook_path, title=report.title,
                                     parameters=report.parameters, kernel=kernel_name, files=files,
                                     package=package, dependencies=dependencies)
        key = cache.inputs_key(inputs)
        if force:
            decisions.append(Decision(report, inputs, key, False, "--force"))
        elif manifest.reusable(report.name, key, report.html_path, report.ipynb_path, files):
            decisions.append(Decision(report, inputs, key, True, "inputs unchanged"))
        else:
            old = manifest.reports.get(report.name, {}).get("inputs")
            reason = "; ".join(cache.changed_inputs(old, inputs)) or "output missing or modified"
            decisions.append(Decision(report, inputs, key, False, reason))
    return decisions


def _execute(job: Job) -> BuildResult:
    from analysis.reporting.execute import execute_report

    return execute_report(job)


#: Thread limits of the maths libraries inside each kernel of a parallel build: the
#: workers already fill the cores, and oversubscribed BLAS/OpenMP threads slow them down.
KERNEL_THREAD_LIMITS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _worker_init() -> None:
    """Worker start-up: one maths thread per kernel (inherited by the kernels this worker
    starts; a value the user set is kept), and nbconvert imported in the background while
    the first kernel starts."""
    import os
    import threading

    for name, value in KERNEL_THREAD_LIMITS.items():
        os.environ.setdefault(name, value)

    def warm() -> None:
        from analysis.reporting import execute

        execute._exporter()

    threading.Thread(target=warm, daemon=True).start()


def _run(jobs: list[Job], workers: int, on_start: Callable[[str], None],
         on_done: Callable[[Job, BuildResult], None]) -> None:
    """Run jobs in-process (one worker) or across a pool of processes.

    ``on_start(name)`` is called when a job starts (for the pool: when a worker
    is free to take it, the pool being first in, first out), ``on_done(job,
    result)`` when it ends, in the calling process.
    """
    if workers <= 1:
        for job in jobs:
            on_start(job.name)
            on_done(job, _execute(job))
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Workers are forked (all at once) at the first submit, before the progress
    # display starts its refresh thread.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)
    try:
        futures = {pool.submit(_execute, job): job for job in jobs}
        queue = list(jobs)  # the pool runs jobs first in, first out
        for job in queue[:workers]:
            on_start(job.name)
        next_up = workers
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # the worker process died
                    generated = now_text()
                    error = f"{type(exc).__name__}: worker process failed: {exc}"
                    write_failure_page(job, error, None, generated)
                    result = BuildResult(name=job.name, title=job.title, notebook=job.notebook,
                                         parameters=job.parameters, status="failed", seconds=0.0,
                                         html_path=job.html_path, ipynb_path=None, error=error,
                                         built_at=generated)
                on_done(job, result)
                if next_up < len(queue):
                    on_start(queue[next_up].name)
                    next_up += 1
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def build_reports(report_set: ReportSet, *, only: Iterable[str] | None = None,
                  reports_dir: Path | None = None, jobs: int | None = None, force: bool = False,
                  progress: Progress | None = None,
                  kernel_name: str = paths.KERNEL_NAME) -> list[BuildResult]:
    """Build the reports of a report set and write the index.

    Parameters
    ----------
    report_set : ReportSet
    only : iterable of str, optional
        Names of the reports to build (default: all). Others stay in the index
        as "not rebuilt" when their page exists.
    reports_dir : pathlib.Path, optional
        Output folder (default ``reports/``); the cache manifest lives there.
    jobs : int, optional
        Worker processes (default: the number of cores).
    force : bool
        Rebuild even when the inputs are unchanged.
    progress : Progress, optional
        Progress display (default: silent).
    kernel_name : str
        Jupyter kernel the notebooks run on.

    Returns
    -------
    list of BuildResult
        One per selected report, in the order of the report set, with status
        ``built``, ``reused`` or ``failed``; the caller decides the exit code.

    Raises
    ------
    SelectionError
        If ``only`` names an unknown report (before anything is built).
    """
    reports_dir = Path(reports_dir or paths.REPORTS_DIR).resolve()
    reports_dir.mkdir(parents=True, exist_ok=True)
    progress = progress or Progress()
    everything = plan_reports(report_set, reports_dir)
    selected = plan_reports(report_set, reports_dir, only) if only else everything

    manifest = Manifest.load(reports_dir)
    files = FileHashes(manifest.files)
    decisions = decide(selected, manifest, files, force=force, kernel_name=kernel_name)
    results: dict[str, BuildResult] = {}
    to_build: list[tuple[PlannedReport, dict[str, Any], str, str]] = []
    for d in decisions:
        report, entry = d.report, manifest.reports.get(d.report.name, {})
        if d.reuse:
            results[report.name] = BuildResult(
                name=report.name, title=report.title, notebook=report.notebook,
                parameters=report.parameters, status="reused", seconds=entry.get("seconds", 0.0),
                html_path=report.html_path, ipynb_path=report.ipynb_path,
                reason=d.reason, built_at=entry.get("built_at"),
                data_files=[Path(f) for f in d.inputs["data"]])
        else:
            to_build.append((report, d.inputs, d.key, d.reason))

    errors, declared = check_plan(r for r, *_ in to_build) if to_build else ({}, {})

    def job_for(report: PlannedReport, inputs: dict[str, Any]) -> Job:
        return Job(name=report.name, title=report.title, notebook=report.notebook,
                   notebook_path=report.notebook_path, parameters=report.parameters,
                   html_path=report.html_path, ipynb_path=report.ipynb_path, kernel=kernel_name,
                   notebook_sha256=inputs["notebook"], data_sha256=inputs["data"],
                   declared=declared.get(report.notebook_path))

    runnable = [item for item in to_build if item[0].name not in errors]
    # Longest first (by the last recorded time), so parallel workers finish together.
    runnable.sort(key=lambda item: -manifest.reports.get(item[0].name, {}).get("seconds", 0.0))
    details = {report.name: (inputs, key, reason) for report, inputs, key, reason in to_build}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(runnable) or 1))

    def on_done(job: Job, result: BuildResult) -> None:
        inputs, key, reason = details[job.name]
        result.reason = reason
        result.data_files = [Path(f) for f in inputs["data"]]
        results[job.name] = result
        if result.status == "built":
            manifest.reports[job.name] = {
                "key": key, "inputs": inputs, "seconds": round(result.seconds, 2),
                "built_at": result.built_at, "title": job.title,
                "html_sha256": files.sha256(job.html_path),
                "ipynb_sha256": files.sha256(job.ipynb_path)}
        else:
            manifest.reports.pop(job.name, None)
        manifest.save(files)
        progress.finished(result)

    began = False

    def begin() -> None:
        """Start the display (once): after the workers are forked, so that no display
        thread exists at fork time; reused and refused reports are reported first."""
        nonlocal began
        if not began:
            began = True
            progress.begin([r.name for r in selected],
                           sum(r.status == "reused" for r in results.values()), len(to_build),
                           workers)
            for r in selected:
                if r.name in results:
                    progress.finished(results[r.name])

    def on_start(name: str) -> None:
        begin()
        progress.started(name)

    try:
        for report, inputs, _, reason in to_build:
            if report.name in errors:  # published before any kernel starts
                results[report.name] = _refuse(job_for(report, inputs), errors[report.name], reason)
                manifest.reports.pop(report.name, None)
        _run([job_for(report, inputs) for report, inputs, _, _ in runnable], workers, on_start,
             on_done)
        begin()
    finally:
        if began:
            progress.end()
        _write_index(everything, results, manifest, reports_dir)
        manifest.reports = {n: e for n, e in manifest.reports.items()
                            if n in {r.name for r in everything}}
        manifest.save(files)
    return [results[r.name] for r in selected if r.name in results]


def _refuse(job: Job, error: str, reason: str) -> BuildResult:
    """Publish the failure page of a report whose parameters failed the strict check."""
    generated = now_text()
    write_failure_page(job, error, None, generated)
    return BuildResult(name=job.name, title=job.title, notebook=job.notebook,
                       parameters=job.parameters, status="failed", seconds=0.0,
                       html_path=job.html_path, ipynb_path=None, error=error, reason=reason,
                       built_at=generated)


def _write_index(everything: list[PlannedReport], results: dict[str, BuildResult],
                 manifest: Manifest, reports_dir: Path) -> None:
    listed = []
    for report in everything:
        if report.name in results:
            listed.append(results[report.name])
        elif report.html_path.exists():  # outside --only: keep it in the index
            entry = manifest.reports.get(report.name, {})
            listed.append(BuildResult(
                name=report.name, title=report.title, notebook=report.notebook,
                parameters=report.parameters, status="not rebuilt",
                seconds=entry.get("seconds", 0.0), html_path=report.html_path,
                ipynb_path=report.ipynb_path if report.ipynb_path.exists() else None,
                built_at=entry.get("built_at")))
    write_atomic(reports_dir / "index.html", index_html(listed, now_text(), INDEX_TITLE))
