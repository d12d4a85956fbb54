"""The ``analysis`` command (also ``python -m analysis``).

Subcommands:

* ``analysis build``: build every report of the report set into ``reports/``;
* ``analysis validate``: validate the reference dataset and print what it holds;
* ``analysis inspect PATH``: summarise a UCDP GED, ACLED or GDELT download as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from analysis import paths
from analysis.errors import DataValidationError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Pakistan–Afghanistan engagement and militant violence: reports and data.")


@app.callback()
def _root() -> None:
    """Pakistan–Afghanistan engagement and militant violence: reports and data."""


@app.command()
def build(
    config: Path = typer.Option(paths.REPORT_SET_FILE, "--config", help="Report-set YAML file."),
    only: Optional[List[str]] = typer.Option(None, "--only", help="Build only these reports."),
    quiet: bool = typer.Option(False, "--quiet", help="Print only failures and the summary."),
    output: Path = typer.Option(paths.REPORTS_DIR, "--output", help="Folder for the built reports."),
) -> None:
    """Build every report (HTML + executed notebook) and reports/index.html."""
    from analysis.reporting.build import ParameterError, build_reports
    from analysis.reporting.config import ReportSetError, load_report_set

    try:
        report_set = load_report_set(config)
    except ReportSetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)

    def progress(line: str) -> None:
        if not quiet or line.startswith("failed"):
            typer.echo(line)

    try:
        results = build_reports(report_set, only=only, reports_dir=output, progress=progress)
    except ParameterError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    failed = [r for r in results if r.status == "failed"]
    index = output / "index.html"
    typer.echo(f"{len(results) - len(failed)} of {len(results)} reports built. "
               f"Open {index} to read them.")
    if failed:
        typer.echo("Failed: " + ", ".join(r.name for r in failed), err=True)
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
    typer.echo(f"engagement events: {len(events)} rows, "
               f"{events['date_start'].min():%Y-%m} to {events['date_start'].max():%Y-%m}")
    typer.echo(f"violence figures: {len(figures)} rows from "
               f"{', '.join(sorted(figures['source_org'].unique()))}")
    typer.echo(f"article claims: {len(claims)} rows")


@app.command("inspect")
def inspect_command(
    path: str = typer.Argument(..., help="File, zip, folder or glob (quote globs)."),
    fmt: str = typer.Option("auto", "--format",
                            help="auto, ucdp_ged, acled, gdelt, gdelt_v1, gdelt_v2 or reference."),
) -> None:
    """Print what a download holds as one JSON object (rows, rejects, dates, countries, deaths)."""
    import json

    from analysis.sources.inspect import inspect_path

    try:
        summary = inspect_path(path, fmt)
    except ValueError as exc:  # an unknown --format
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    if "error" in summary:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app()
