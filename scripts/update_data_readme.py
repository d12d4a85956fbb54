"""Regenerate the generated sections of data/README.md from the reference CSV files.

Usage::

    .venv/bin/python scripts/update_data_readme.py          # rewrite the file
    .venv/bin/python scripts/update_data_readme.py --check  # exit 1 if it is stale

The sections sit between ``<!-- name:start -->`` and ``<!-- name:end -->``
comments (``counts``, ``coverage``, ``consistency``); everything else in the
file is left alone. Run it after every change to a CSV file in
data/reference/ (data/README.md, section 7).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from analysis import coverage, paths
from analysis.errors import DataValidationError
from analysis.sources import reference


def render(text: str) -> str:
    """``text`` (the README) with its generated sections recomputed from the bundled data."""
    blocks = coverage.readme_blocks(
        reference.load_engagement_events(),
        reference.load_violence_figures(),
        reference.load_engagement_aggregates(),
        reference.load_article_claims(),
    )
    return coverage.update_readme(text, blocks)


def _write_atomically(path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if data/README.md is stale"
    )
    args = parser.parse_args(argv)
    readme = paths.DATA_README
    current = readme.read_text(encoding="utf-8")
    try:
        updated = render(current)
    except (DataValidationError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if updated == current:
        print(f"{paths.DATA_README.relative_to(paths.PROJECT_ROOT)} is up to date.")
        return 0
    if args.check:
        print(f"{readme} is stale: run .venv/bin/python scripts/update_data_readme.py", file=sys.stderr)
        return 1
    _write_atomically(readme, updated)
    print(f"Updated {paths.DATA_README.relative_to(paths.PROJECT_ROOT)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
