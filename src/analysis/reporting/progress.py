"""One overall progress display for a build: a line per report with its status and time.

* :class:`LiveProgress` (an interactive terminal): a table redrawn in place,
  each report ``queued`` → ``running`` (with a clock) → ``built`` / ``reused`` /
  ``failed``.
* :class:`PlainProgress` (CI, a pipe or a file, ``TERM=dumb``): one plain
  line per report when it is done, in completion order, then nothing else.

:func:`make_progress` picks one. ``--quiet`` prints only failures.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, TextIO

from analysis.reporting.pages import BuildResult

_WIDTH = 7  # longest status word ("running", "skipped")


def _note(result: BuildResult) -> str:
    """The error of a failed report, or why a built one was rebuilt."""
    if result.status == "failed" and result.error:
        return " ".join(result.error.split())[:300]
    if result.status == "built" and result.reason:
        return result.reason
    return ""


def result_line(result: BuildResult, name_width: int = 0) -> str:
    """``built   engagement_and_attacks   6.1 s (notebook changed)``."""
    note = _note(result)
    if note:
        note = f": {note}" if result.status == "failed" else f" ({note})"
    if result.status == "interrupted":
        return f"{result.status:{_WIDTH}s} {result.name}"
    return f"{result.status:{_WIDTH}s} {result.name:{name_width}s} {result.seconds:6.1f} s{note}"


class Progress:
    """Interface (and a silent implementation) of the build's progress display."""

    def begin(self, names: list[str], reused: int, to_build: int, jobs: int) -> None:
        """The plan is known: ``names`` in the order shown."""

    def started(self, name: str) -> None:
        """A report's kernel is starting."""

    def finished(self, result: BuildResult) -> None:
        """A report is built, reused or failed."""

    def end(self) -> None:
        """The build is over (also called after an interruption)."""


class PlainProgress(Progress):
    """One plain line per report as it finishes (CI, pipes)."""

    def __init__(self, echo: Callable[[str], None], quiet: bool = False):
        self.echo = echo
        self.quiet = quiet
        self.width = 0

    def begin(self, names, reused, to_build, jobs):
        self.width = max((len(n) for n in names), default=0)
        if not self.quiet:
            self.echo(
                f"{len(names)} reports: {to_build} to build with {jobs} job(s), {reused} unchanged (reused)"
            )

    def finished(self, result):
        if not self.quiet or result.status == "failed":
            self.echo(result_line(result, self.width))


class LiveProgress(Progress):
    """A table redrawn in place on an interactive terminal (rich)."""

    _STYLE = {
        "queued": "dim",
        "running": "yellow",
        "built": "green",
        "reused": "cyan",
        "failed": "bold red",
        "interrupted": "magenta",
    }

    def __init__(self, stream: TextIO | None = None):
        from rich.console import Console

        self.console = Console(file=stream or sys.stdout)
        self.rows: dict[str, list] = {}
        self.live = None
        self.header = ""

    def _render(self):
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, show_header=False, title=self.header, title_justify="left", pad_edge=False)
        table.add_column("status", width=_WIDTH)
        table.add_column("report")
        table.add_column("time", justify="right")
        table.add_column("note", overflow="fold")
        now = time.perf_counter()
        for name, (status, started, seconds, note) in self.rows.items():
            if status == "running":
                seconds = now - started
            clock = f"{seconds:.1f} s" if seconds is not None else ""
            table.add_row(
                Text(status, style=self._STYLE.get(status, "")), Text(name), clock, Text(note)
            )  # Text: no markup read from names or errors
        return table

    def begin(self, names, reused, to_build, jobs):
        from rich.live import Live

        self.header = (
            f"{len(names)} reports: {to_build} to build with {jobs} job(s), {reused} unchanged (reused)"
        )
        self.rows = {n: ["queued", None, None, ""] for n in names}
        self.live = Live(
            get_renderable=self._render, console=self.console, refresh_per_second=4, transient=False
        )
        self.live.start()

    def started(self, name):
        if name in self.rows:
            self.rows[name][0:2] = ["running", time.perf_counter()]

    def finished(self, result):
        self.rows[result.name] = [result.status, None, result.seconds, _note(result)]

    def end(self):
        if self.live is not None:
            self.live.refresh()
            self.live.stop()
            self.live = None


def interactive(stream: TextIO) -> bool:
    """True on a terminal that is not CI and not ``TERM=dumb``."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def make_progress(echo: Callable[[str], None], quiet: bool = False, stream: TextIO | None = None) -> Progress:
    """The live table on an interactive terminal, plain lines otherwise (or when quiet)."""
    stream = stream or sys.stdout
    if not quiet and interactive(stream):
        return LiveProgress(stream)
    return PlainProgress(echo, quiet)
