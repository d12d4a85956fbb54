"""The ``analysis`` command (also ``python -m analysis``).

Subcommands:

* ``analysis build``: build every report of the report set into ``reports/``;
* ``analysis validate``: validate the reference dataset and print what it holds;
* ``analysis inspect PATH``: summarise a UCDP GED, ACLED, HDX HAPI or GDELT download as
  JSON, naming its vintage (GDELT optionally on a Dask cluster).
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from analysis import paths
from analysis.errors import DataValidationError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Pakistan–Afghanistan engagement and militant violence: reports and data.",
)


@app.callback()
def _root() -> None:
    """Pakistan–Afghanistan engagement and militant violence: reports and data."""


@app.command()
def build(
    config: Path = typer.Option(paths.REPORT_SET_FILE, "--config", help="Report-set YAML file."),
    only: Optional[List[str]] = typer.Option(
        None,
        "--only",
        metavar="NAME",
        help="Build only these reports (repeat the option, or separate names with commas).",
    ),
    jobs: Optional[int] = typer.Option(
        None,
        "--jobs",
        "-j",
        min=1,
        show_default=False,
        help="Reports built at once, each in its own process (default: one per core).",
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild even reports whose inputs are unchanged."),
    plan: bool = typer.Option(
        False, "--plan", help="Print one JSON object per planned report and run nothing."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only failures and the summary."),
    output: Path = typer.Option(paths.REPORTS_DIR, "--output", help="Folder for the built reports."),
    timeout: Optional[float] = typer.Option(
        None,
        "--timeout",
        metavar="SECONDS",
        min=0.1,
        show_default=False,
        help="Time limit of each report without its own `timeout:` in the report set "
        "(default: 1200 s); a report over it is stopped and gets a failure page.",
    ),
    wait: float = typer.Option(
        0.0,
        "--wait",
        metavar="SECONDS",
        min=0.0,
        show_default=False,
        help="Wait up to this long for another build of the same folder to finish (default: refuse at once).",
    ),
) -> None:
    """Build every report (HTML + executed notebook) and reports/index.html.

    A report whose inputs (notebook, parameters, data files, package source,
    dependency versions) are unchanged since its last build is reused.

    Exit status: 0 all built or reused; 1 a report failed; 2 invalid report set or
    options, or the folder holds another report set; 3 another build holds the
    folder; 4 the folder cannot be written (permission, disk full); 130 Ctrl-C;
    143 SIGTERM.
    """
    import json
    import time

    from analysis.reporting.atomic import OutputError
    from analysis.reporting.build import (
        BuildInterrupted,
        ForeignReportSetError,
        SelectionError,
        build_reports,
        parameter_errors,
        plan_reports,
    )
    from analysis.reporting.config import ReportSetError, load_report_set
    from analysis.reporting.lock import FolderBusyError
    from analysis.reporting.progress import make_progress

    started = time.perf_counter()
    try:
        report_set = load_report_set(config)
        planned = plan_reports(report_set, output, only)
    except (ReportSetError, SelectionError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)

    if plan:
        for report in planned:
            typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
        errors = parameter_errors(planned)
        for message in errors.values():
            typer.echo(f"error: {message}", err=True)
        raise typer.Exit(2 if errors else 0)

    progress = make_progress(typer.echo, quiet=quiet)
    index = output / "index.html"
    try:
        results = build_reports(
            report_set,
            only=only,
            reports_dir=output,
            jobs=jobs,
            force=force,
            progress=progress,
            timeout=timeout,
            wait=wait,
            warn=lambda message: typer.echo(f"warning: {message}", err=True),
        )
    except ForeignReportSetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    except FolderBusyError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3)
    except OutputError as exc:
        if hasattr(exc, "results"):  # stopped during the build
            done = sum(r.status in ("built", "failed") for r in exc.results)
            typer.echo(
                f"error: {exc}; the build stopped after {done} of {len(exc.results)} "
                "reports; the pages it did not finish are unchanged",
                err=True,
            )
        else:
            typer.echo(f"error: {exc}; nothing was built, the folder is unchanged", err=True)
        raise typer.Exit(4)
    except BuildInterrupted as exc:
        stopped = sum(r.status == "interrupted" for r in exc.results)
        built = sum(r.status == "built" for r in exc.results)
        name = "Ctrl-C" if exc.exit_status == 130 else "SIGTERM"
        typer.echo(
            f"Interrupted ({name}) after {time.perf_counter() - started:.1f} s: "
            f"{built} built, {stopped} interrupted (previous pages, where there were "
            f"any, are kept). Open {index} to read them.",
            err=True,
        )
        raise typer.Exit(exc.exit_status)
    counts = {s: sum(r.status == s for r in results) for s in ("built", "reused", "failed")}
    typer.echo(
        f"{len(results)} reports: {counts['built']} built, {counts['reused']} reused, "
        f"{counts['failed']} failed in {time.perf_counter() - started:.1f} s. "
        f"Open {index} to read them."
    )
    if counts["failed"]:
        typer.echo("Failed: " + ", ".join(r.name for r in results if r.status == "failed"), err=True)
        raise typer.Exit(1)


@app.command()
def validate(
    engagement: Optional[Path] = typer.Option(None, help="Engagement-events CSV (default: reference)."),
    violence: Optional[Path] = typer.Option(None, help="Violence-figures CSV (default: reference)."),
) -> None:
    """Validate the canonical tables and print their row counts."""
    from analysis.sources import reference

    try:
        events = reference.load_engagement_events(engagement)
        figures = reference.load_violence_figures(violence)
        claims = reference.load_article_claims()
    except DataValidationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"engagement events: {len(events)} rows, "
        f"{events['date_start'].min():%Y-%m} to {events['date_start'].max():%Y-%m}"
    )
    typer.echo(
        f"violence figures: {len(figures)} rows from {', '.join(sorted(figures['source_org'].unique()))}"
    )
    typer.echo(f"article claims: {len(claims)} rows")


@app.command("inspect")
def inspect_command(
    path: str = typer.Argument(..., help="File, zip, folder or glob (quote globs)."),
    fmt: str = typer.Option(
        "auto", "--format", help="auto, ucdp_ged, acled, hdx_hapi, gdelt, gdelt_v1, gdelt_v2 or reference."
    ),
    engine: str = typer.Option(
        "duckdb", "--engine", help="GDELT: duckdb (embedded) or dask (the same DuckDB scan as Dask tasks)."
    ),
    scheduler: Optional[str] = typer.Option(
        None,
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: a running Dask scheduler (default: start a local cluster).",
    ),
) -> None:
    """Print what a download holds as one JSON object (vintage, rows, rejects, dates, countries,
    deaths)."""
    import json

    from analysis.sources.inspect import inspect_path

    try:
        summary = inspect_path(path, fmt, engine=engine, scheduler=scheduler)
    except ValueError as exc:  # an unknown --format or --engine
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    if "error" in summary:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app()
