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

Faults:

* **Lock.** The output folder is locked for the whole build
  (:mod:`analysis.reporting.lock`); a second build of it is refused, naming the first.
  The manifest names the report-set file whose reports the folder holds; a build of
  another set into it is refused (:class:`ForeignReportSetError`).
* **Time limits.** Each report has a time limit (its ``timeout:``, else ``timeout``,
  else :data:`DEFAULT_TIMEOUT`); one over it is stopped and gets a failure page naming
  the cell that was running.
* **Stop.** On SIGINT or SIGTERM no new report starts, every worker is sent SIGTERM
  (it stops its kernel, removes its temporary files and exits; SIGKILL after
  :data:`WORKER_GRACE` seconds, at once after a second signal), any process still
  carrying the build's token is killed (:mod:`analysis.reporting.processes`), the
  index marks unfinished reports ``interrupted`` (their previous pages stay) and
  :class:`BuildInterrupted` is raised.
* **Write errors** (permission, read-only, disk full) stop the build the same way and
  raise :class:`~analysis.reporting.atomic.OutputError`; pages already there stay.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from analysis import paths
from analysis.provenance import display_path
from analysis.reporting.atomic import OutputError, write_atomic
from analysis.reporting import cache
from analysis.reporting.cache import FileHashes, Manifest, data_files_for
from analysis.reporting.config import ReportSet
from analysis.reporting.pages import BuildResult, Job, index_html, now_text, write_failure_page
from analysis.reporting.parameters import ParameterError
from analysis.reporting.progress import Progress

__all__ = [
    "BuildInterrupted",
    "BuildResult",
    "ForeignReportSetError",
    "OutputError",
    "ParameterError",
    "PlannedReport",
    "SelectionError",
    "build_reports",
    "data_files_for",
    "plan_reports",
    "write_atomic",
]

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
        return {
            "name": self.name,
            "notebook": display_path(self.notebook_path),
            "parameters": self.parameters,
            "output": display_path(self.html_path),
        }


def plan_reports(
    report_set: ReportSet, reports_dir: Path | None = None, only: Iterable[str] | None = None
) -> list[PlannedReport]:
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
        planned.append(
            PlannedReport(
                name=spec.name,
                title=spec.title,
                notebook=spec.notebook,
                notebook_path=report_set.notebook_path(spec),
                parameters=report_set.parameters_for(spec),
                html_path=html_path,
                ipynb_path=html_path.with_suffix(".ipynb"),
            )
        )
    if only:
        wanted = [n.strip() for item in only for n in str(item).split(",") if n.strip()]
        known = [p.name for p in planned]
        unknown = [n for n in wanted if n not in known]
        if unknown:
            hints = []
            for n in unknown:
                close = difflib.get_close_matches(n, known, n=1)
                hints.append(f"`{n}`" + (f" (did you mean `{close[0]}`?)" if close else ""))
            raise SelectionError(f"--only: no report named {', '.join(hints)}; known: {', '.join(known)}")
        planned = [p for p in planned if p.name in wanted]
    return planned


def default_jobs() -> int:
    """Worker processes when ``--jobs`` is not given: one per core.

    Each worker forks its reports' kernels from a fork server of its own
    (:mod:`analysis.reporting.provisioner`), so a kernel starts in a fraction of
    a second and a worker's core seldom idles; a further worker would cost its
    own fork server's imports (about 1.6 s of CPU). On the project's 2-core
    machine, in alternating cold builds of the shipped set, 2 workers took 14.0
    to 14.7 s and 3 workers 15.1 to 15.5 s (``benchmarks/bench_build.py``).
    """
    return os.cpu_count() or 1


def skip_unused_format_checkers() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in the builder's processes.

    nbformat (hence papermill and nbconvert) imports jsonschema, which imports the
    optional ``rfc3987_syntax`` (installed for jupyter-events) to check the ``iri``
    string format; that import builds a grammar and costs over a second in every
    process. nbformat validates notebooks without format checks, so nothing the
    builder does uses it. Marking the module absent before jsonschema is first
    imported makes jsonschema skip that checker (its documented behaviour for a
    missing optional package). Kernels are separate programs and are not affected.
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


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
            errors[report.name] = (
                f"ParameterError: report '{report.name}': notebook "
                f"{display_path(report.notebook_path)} does not exist"
            )
            continue
        if report.notebook_path not in declared:
            declared[report.notebook_path] = declared_parameters(report.notebook_path)
        problems = parameter_problems(report.parameters, declared[report.notebook_path], report.notebook)
        if problems:
            errors[report.name] = f"ParameterError: report '{report.name}' ({report.notebook}): " + "; ".join(
                problems
            )
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


def decide(
    planned: Iterable[PlannedReport],
    manifest: Manifest,
    files: FileHashes,
    *,
    force: bool = False,
    kernel_name: str = paths.KERNEL_NAME,
) -> list[Decision]:
    """For each planned report: its cache inputs and key, and whether to reuse it.

    Cheap: hashes files and reads package metadata; imports no notebook machinery.
    """
    package, dependencies = cache.package_source_hash(), cache.dependency_versions()
    decisions = []
    for report in planned:
        inputs = cache.report_inputs(
            notebook_path=report.notebook_path,
            title=report.title,
            parameters=report.parameters,
            kernel=kernel_name,
            files=files,
            package=package,
            dependencies=dependencies,
        )
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


#: Default time limit of one report, in seconds (``--timeout``, a report's ``timeout:``).
DEFAULT_TIMEOUT = 1200.0
#: Seconds a stopped worker is given to stop its kernel (SIGTERM, then SIGKILL).
KERNEL_GRACE = 1.0
#: Seconds the builder waits for stopped workers before killing them.
WORKER_GRACE = 3.0

#: Thread limits of the maths libraries inside each kernel of a parallel build: the
#: workers already fill the cores, and oversubscribed BLAS/OpenMP threads slow them down.
KERNEL_THREAD_LIMITS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class BuildInterrupted(BaseException):
    """The build was stopped by a signal (Ctrl-C, SIGTERM).

    Attributes
    ----------
    signum : int
        The first signal received.
    results : list of BuildResult
        One per selected report; those not finished have status ``interrupted``.
    exit_status : int
        ``128 + signum``: 130 for SIGINT, 143 for SIGTERM.
    """

    def __init__(self, signum: int, results: list[BuildResult] | None = None):
        super().__init__(signum)
        self.signum = signum
        self.results = results or []
        self.exit_status = 128 + signum


class ForeignReportSetError(RuntimeError):
    """The output folder holds the reports of another report set."""


def _stop_worker(signum: int, frame: Any) -> None:
    """A worker's SIGTERM handler: stop the kernel it runs, remove its temporary files,
    and exit at once (the builder records what was finished)."""
    import signal
    import sys

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    execute = sys.modules.get("analysis.reporting.execute")
    try:
        if execute is not None:
            execute.abort_running(KERNEL_GRACE)
        else:
            from analysis.reporting.atomic import remove_temporaries

            remove_temporaries()
    finally:
        os._exit(128 + signum)


def _worker_init(token: str = "") -> None:
    """Worker start-up: one maths thread per kernel (inherited by the kernels this worker
    starts; a value the user set is kept), the build's token in the environment (so every
    kernel carries it), Ctrl-C left to the builder, SIGTERM stopping the running report,
    death with the builder, and, in the background, the worker's fork server started
    (its kernels are forked from it with the heavy imports done once,
    :mod:`analysis.reporting.provisioner`) and nbconvert imported."""
    import signal
    import threading

    from analysis.reporting.processes import TOKEN_VARIABLE, die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the builder handles Ctrl-C
    signal.signal(signal.SIGTERM, _stop_worker)
    die_with_parent(signal.SIGTERM)
    for name, value in KERNEL_THREAD_LIMITS.items():
        os.environ.setdefault(name, value)
    if token:
        os.environ[TOKEN_VARIABLE] = token

    from analysis.reporting import provisioner

    provisioner.start_fork_server()  # returns at once; the server imports in the background

    def warm() -> None:
        from analysis.reporting import execute

        execute._exporter()

    threading.Thread(target=warm, daemon=True).start()


class _Stop:
    """What the build's signal handlers received, and how to react.

    The first SIGINT or SIGTERM asks the build to stop (the run loop notices it; a report
    running in this very process is interrupted at once); a second one asks it to stop
    without waiting for the workers to clean up.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.count = 0
        self.inline = False  # a report is running in this process (one worker)
        self.fault: BaseException | None = None  # an OutputError that stops the build

    @property
    def requested(self) -> bool:
        return self.signum is not None or self.fault is not None

    @property
    def force(self) -> bool:
        return self.count >= 2

    def handler(self, signum: int, frame: Any) -> None:
        self.count += 1
        if self.signum is None:
            self.signum = signum
        if self.inline:  # interrupt the report running here (again on a second signal)
            raise BuildInterrupted(signum)

    def install(self) -> dict[int, Any]:
        """Install the handlers (main thread only); returns the previous ones."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return {}
        previous = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, self.handler)
        return previous

    @staticmethod
    def restore(previous: dict[int, Any]) -> None:
        import signal

        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _worker_failure(job: Job, exc: BaseException) -> BuildResult:
    """Publish the failure page of a report whose worker process failed."""
    return _failed_before_running(job, f"{type(exc).__name__}: worker process failed: {exc}")


def _run(
    jobs: list[Job],
    workers: int,
    on_start: Callable[[str], None],
    on_done: Callable[[Job, BuildResult], None],
    stop: _Stop | None = None,
    token: str = "",
) -> None:
    """Run jobs in-process (one worker) or across a pool of processes, until done or
    until ``stop`` is requested (a signal, or an :class:`OutputError`).

    ``on_start(name)`` is called when a job starts (for the pool: when a worker
    is free to take it, the pool being first in, first out), ``on_done(job,
    result)`` when it ends, in the calling process. On a stop, no new job starts,
    the running ones are stopped (kernels and workers included) and their results
    are not reported.
    """
    stop = stop or _Stop()
    if workers <= 1:
        for job in jobs:
            if stop.requested:
                return
            on_start(job.name)
            try:
                stop.inline = True
                result = _execute(job)
            except BuildInterrupted:
                return
            except OutputError as exc:
                stop.fault = exc
                return
            finally:
                stop.inline = False
            on_done(job, result)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Workers are forked (all at once) at the first submit, before the progress
    # display starts its refresh thread.
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(token,)
    )
    finished = False
    try:
        futures = {pool.submit(_execute, job): job for job in jobs}
        queue = list(jobs)  # the pool runs jobs first in, first out
        for job in queue[:workers]:
            on_start(job.name)
        next_up = workers
        pending = set(futures)
        while pending and not stop.requested:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:  # a report finished as the signal came still counts
                job = futures[future]
                try:
                    result = future.result()
                except OutputError as exc:
                    stop.fault = stop.fault or exc
                    continue
                except Exception as exc:  # the worker process died
                    if stop.requested:  # stopped by the builder
                        continue
                    result = _worker_failure(job, exc)
                on_done(job, result)
                if next_up < len(queue) and not stop.requested:
                    on_start(queue[next_up].name)
                    next_up += 1
        finished = not stop.requested
    finally:
        if finished:
            pool.shutdown(wait=True)
            _wait_for_fork_servers(token)
        else:
            _stop_pool(pool, stop)


#: Seconds the builder waits, after its workers ended, for their fork servers to end.
FORK_SERVER_GRACE = 5.0


def _wait_for_fork_servers(token: str) -> None:
    """Let each worker's fork server (and multiprocessing's resource tracker beside it)
    finish: they end on their own once their worker has, a moment after it. Whatever
    carries the build's token after :data:`FORK_SERVER_GRACE` seconds is killed, so no
    process of the build outlives it."""
    if not token:
        return
    from analysis.reporting import processes

    left = processes.wait_gone(processes.token_holders(token), FORK_SERVER_GRACE)
    if left:
        processes.kill_token_holders(token)


def _stop_pool(pool: Any, stop: _Stop) -> None:
    """Stop a process pool now: cancel queued jobs, SIGTERM every worker (each stops its
    kernel and removes its temporary files), SIGKILL those still there after
    :data:`WORKER_GRACE` seconds (at once after a second signal)."""
    import signal

    from analysis.reporting import processes

    pids = [p.pid for p in list(getattr(pool, "_processes", {}).values()) if p.pid]
    pool.shutdown(wait=False, cancel_futures=True)
    for pid in pids:
        processes.send(pid, signal.SIGKILL if stop.force else signal.SIGTERM)
    left = processes.wait_gone(pids, WORKER_GRACE, hurry=lambda: stop.force)
    for pid in left:
        processes.send(pid, signal.SIGKILL)
    processes.wait_gone(left, 1.0)


def build_reports(
    report_set: ReportSet,
    *,
    only: Iterable[str] | None = None,
    reports_dir: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
    timeout: float | None = None,
    wait: float = 0.0,
    warn: Callable[[str], None] | None = None,
    kernel_name: str = paths.KERNEL_NAME,
) -> list[BuildResult]:
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
        Worker processes (default: :func:`default_jobs`, one per core).
    force : bool
        Rebuild even when the inputs are unchanged.
    progress : Progress, optional
        Progress display (default: silent).
    timeout : float, optional
        Seconds each report may run, for reports without their own ``timeout``
        (default :data:`DEFAULT_TIMEOUT`).
    wait : float
        Seconds to wait for another build of the same folder to finish (default: refuse).
    warn : callable, optional
        Receives one-line warnings (a corrupt cache manifest, a stale lock);
        default: printed to standard error.
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
    FolderBusyError
        If another build holds the output folder (naming it).
    ForeignReportSetError
        If the folder holds the reports of another report-set file.
    OutputError
        If the output folder cannot be written (permission, read-only, disk full):
        the build stops, pages already there are left as they were.
    BuildInterrupted
        On SIGINT or SIGTERM, after the running reports are stopped and the index
        (marking them ``interrupted``) and the cache manifest are written.
    """
    import sys

    from analysis.reporting import lock, processes
    from analysis.reporting.atomic import remove_stray_temporaries

    if warn is None:

        def warn(message: str) -> None:
            print(f"warning: {message}", file=sys.stderr)

    reports_dir = Path(reports_dir or paths.REPORTS_DIR).resolve()
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(exc.errno, exc.strerror or str(exc), str(reports_dir)) from None
    progress = progress or Progress()
    everything = plan_reports(report_set, reports_dir)
    selected = plan_reports(report_set, reports_dir, only) if only else everything

    held = lock.acquire(reports_dir, wait=wait)
    stop = _Stop()
    previous_handlers = stop.install()
    try:
        if held.stale_holder and held.stale_holder.get("pid") != os.getpid():
            warn(
                f"took over the lock of {display_path(reports_dir)} left by "
                f"{lock.holder_text(held.stale_holder)}, which is no longer running"
            )
        remove_stray_temporaries(reports_dir)
        manifest = Manifest.load(reports_dir)
        if manifest.problem:
            warn(manifest.problem)
        owner = display_path(report_set.source) if report_set.source else None
        if owner and manifest.report_set and manifest.report_set != owner:
            raise ForeignReportSetError(
                f"{display_path(reports_dir)} holds the reports of {manifest.report_set}, not "
                f"{owner}; build {owner} into another folder with --output DIR (or delete "
                f"{display_path(manifest.path)} to hand this folder over to it)"
            )
        if owner:
            manifest.report_set = owner
        return _build(
            report_set,
            everything,
            selected,
            manifest,
            reports_dir,
            jobs=jobs,
            force=force,
            progress=progress,
            timeout=timeout,
            stop=stop,
            token=processes.new_token(),
            kernel_name=kernel_name,
        )
    finally:
        stop.restore(previous_handlers)
        held.release()


def _build(
    report_set: ReportSet,
    everything: list[PlannedReport],
    selected: list[PlannedReport],
    manifest: Manifest,
    reports_dir: Path,
    *,
    jobs: int | None,
    force: bool,
    progress: Progress,
    timeout: float | None,
    stop: _Stop,
    token: str,
    kernel_name: str,
) -> list[BuildResult]:
    """:func:`build_reports` once the folder is locked and the manifest read."""
    from analysis.reporting import processes

    files = FileHashes(manifest.files)
    decisions = decide(selected, manifest, files, force=force, kernel_name=kernel_name)
    limits = {spec.name: spec.timeout for spec in report_set.expanded()}
    results: dict[str, BuildResult] = {}
    to_build: list[tuple[PlannedReport, dict[str, Any], str, str]] = []
    for d in decisions:
        report, entry = d.report, manifest.reports.get(d.report.name, {})
        if d.reuse:
            results[report.name] = BuildResult(
                name=report.name,
                title=report.title,
                notebook=report.notebook,
                parameters=report.parameters,
                status="reused",
                seconds=entry.get("seconds", 0.0),
                html_path=report.html_path,
                ipynb_path=report.ipynb_path,
                reason=d.reason,
                built_at=entry.get("built_at"),
                data_files=[Path(f) for f in d.inputs["data"]],
            )
        else:
            to_build.append((report, d.inputs, d.key, d.reason))

    if to_build:
        skip_unused_format_checkers()
    errors, declared = check_plan(r for r, *_ in to_build) if to_build else ({}, {})

    def job_for(report: PlannedReport, inputs: dict[str, Any]) -> Job:
        return Job(
            name=report.name,
            title=report.title,
            notebook=report.notebook,
            notebook_path=report.notebook_path,
            parameters=report.parameters,
            html_path=report.html_path,
            ipynb_path=report.ipynb_path,
            kernel=kernel_name,
            notebook_sha256=inputs["notebook"],
            data_sha256=inputs["data"],
            declared=declared.get(report.notebook_path),
            timeout=limits.get(report.name) or timeout or DEFAULT_TIMEOUT,
        )

    runnable = [item for item in to_build if item[0].name not in errors]
    # Longest first (by the last recorded time), so parallel workers finish together.
    runnable.sort(key=lambda item: -manifest.reports.get(item[0].name, {}).get("seconds", 0.0))
    details = {report.name: (inputs, key, reason) for report, inputs, key, reason in to_build}
    workers = max(1, min(jobs or default_jobs(), len(runnable) or 1))

    def on_done(job: Job, result: BuildResult) -> None:
        inputs, key, reason = details[job.name]
        result.reason = reason
        result.data_files = [Path(f) for f in inputs["data"]]
        results[job.name] = result
        if result.status == "built":
            manifest.reports[job.name] = {
                "key": key,
                "inputs": inputs,
                "seconds": round(result.seconds, 2),
                "built_at": result.built_at,
                "title": job.title,
                "html_sha256": files.sha256(job.html_path),
                "ipynb_sha256": files.sha256(job.ipynb_path),
            }
        else:
            manifest.reports.pop(job.name, None)
        try:
            manifest.save(files)
        except OutputError as exc:
            stop.fault = exc
        progress.finished(result)

    began = False

    def begin() -> None:
        """Start the display (once): after the workers are forked, so that no display
        thread exists at fork time; reused and refused reports are reported first."""
        nonlocal began
        if not began:
            began = True
            progress.begin(
                [r.name for r in selected],
                sum(r.status == "reused" for r in results.values()),
                len(to_build),
                workers,
            )
            for r in selected:
                if r.name in results:
                    progress.finished(results[r.name])

    def on_start(name: str) -> None:
        begin()
        progress.started(name)

    saved_token = os.environ.get(processes.TOKEN_VARIABLE)
    os.environ[processes.TOKEN_VARIABLE] = token  # inherited by kernels started in-process
    try:
        try:
            for report, inputs, _, reason in to_build:
                if report.name in errors:  # published before any kernel starts
                    results[report.name] = _refuse(job_for(report, inputs), errors[report.name], reason)
                    manifest.reports.pop(report.name, None)
            if not stop.requested:
                _run(
                    [job_for(report, inputs) for report, inputs, _, _ in runnable],
                    workers,
                    on_start,
                    on_done,
                    stop,
                    token,
                )
        except BuildInterrupted:  # a second signal while the first was being handled
            pass
        except OutputError as exc:
            stop.fault = exc
        finally:
            if stop.requested:
                import sys

                from analysis.reporting.atomic import remove_stray_temporaries

                execute = sys.modules.get("analysis.reporting.execute")
                if execute is not None:  # a report ran in this process (one worker)
                    execute.abort_running(KERNEL_GRACE, hurry=lambda: stop.force)
                    _mute_abandoned_client()
                processes.kill_token_holders(token)
                remove_stray_temporaries(reports_dir)
    finally:
        if saved_token is None:
            os.environ.pop(processes.TOKEN_VARIABLE, None)
        else:
            os.environ[processes.TOKEN_VARIABLE] = saved_token
    begin()
    if stop.requested:
        why = (
            f"the build was stopped ({_signal_name(stop.signum)})"
            if stop.signum is not None
            else f"the build stopped: {stop.fault}"
        )
        for report in selected:
            if report.name not in results:
                kept = "its previous page is kept" if report.html_path.exists() else "no page yet"
                results[report.name] = BuildResult(
                    name=report.name,
                    title=report.title,
                    notebook=report.notebook,
                    parameters=report.parameters,
                    status="interrupted",
                    seconds=0.0,
                    html_path=report.html_path,
                    ipynb_path=report.ipynb_path if report.ipynb_path.exists() else None,
                    error=f"{why} before this report finished; {kept}",
                    built_at=manifest.reports.get(report.name, {}).get("built_at"),
                )
                progress.finished(results[report.name])
    progress.end()
    manifest.reports = {n: e for n, e in manifest.reports.items() if n in {r.name for r in everything}}
    ordered = [results[r.name] for r in selected if r.name in results]
    try:
        _write_index(everything, results, manifest, reports_dir)
        manifest.save(files)
    except OutputError as exc:
        if stop.fault is None:
            stop.fault = exc
    if stop.signum is not None:
        raise BuildInterrupted(stop.signum, ordered)
    if stop.fault is not None:
        stop.fault.results = ordered  # type: ignore[attr-defined]
        raise stop.fault
    return ordered


def _mute_abandoned_client() -> None:
    """After a report running in this process was interrupted, its notebook client's
    tasks are abandoned: keep their late complaints ("Kernel died", "Task exception was
    never retrieved") out of the build's output."""
    import logging

    for name in ("asyncio", "papermill", "nbclient", "traitlets"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _signal_name(signum: int | None) -> str:
    import signal

    try:
        name = signal.Signals(signum).name if signum is not None else "stopped"
    except ValueError:
        return f"signal {signum}"
    return {"SIGINT": "Ctrl-C, SIGINT"}.get(name, name)


def _refuse(job: Job, error: str, reason: str) -> BuildResult:
    """Publish the failure page of a report whose parameters failed the strict check."""
    result = _failed_before_running(job, error)
    result.reason = reason
    return result


def _failed_before_running(job: Job, error: str) -> BuildResult:
    """Write the failure page of a report that never ran, and return its result."""
    generated = now_text()
    write_failure_page(job, error, None, generated)
    return BuildResult(
        name=job.name,
        title=job.title,
        notebook=job.notebook,
        parameters=job.parameters,
        status="failed",
        seconds=0.0,
        html_path=job.html_path,
        ipynb_path=None,
        error=error,
        built_at=generated,
    )


def _write_index(
    everything: list[PlannedReport], results: dict[str, BuildResult], manifest: Manifest, reports_dir: Path
) -> None:
    listed = []
    for report in everything:
        if report.name in results:
            listed.append(results[report.name])
        elif report.html_path.exists():  # outside --only: keep it in the index
            entry = manifest.reports.get(report.name, {})
            listed.append(
                BuildResult(
                    name=report.name,
                    title=report.title,
                    notebook=report.notebook,
                    parameters=report.parameters,
                    status="not rebuilt",
                    seconds=entry.get("seconds", 0.0),
                    html_path=report.html_path,
                    ipynb_path=report.ipynb_path if report.ipynb_path.exists() else None,
                    built_at=entry.get("built_at"),
                )
            )
    write_atomic(reports_dir / "index.html", index_html(listed, now_text(), INDEX_TITLE))
