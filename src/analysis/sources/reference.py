"""Adapter for the project's reference dataset (``data/reference/*.csv``).

Each loader reads one CSV as text, validates it with :mod:`analysis.schema`
(errors name the file, line, column and expectation) and returns the typed
canonical table.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import paths, schema
from analysis.errors import DataValidationError


def read_text_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a UTF-8 CSV with every cell as text and empty cells as ``""``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataValidationError
        If the file is missing, empty, not UTF-8 or not parseable as CSV.
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError([f"{path}: no such file"])
    raw = path.read_bytes()
    if not raw.strip():
        raise DataValidationError([f"{path}: the file is empty; expected a CSV with a header line"])
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataValidationError(
            [f"{path}: line {line}: byte {raw[exc.start]:#04x} is not UTF-8; expected UTF-8 text"]
        ) from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.ParserError as exc:
        raise DataValidationError([f"{path}: not a well-formed CSV: {exc}"]) from None


def load_engagement_events(
    path: str | os.PathLike[str] | None = None, today: date | None = None
) -> pd.DataFrame:
    """Load and validate the engagement-events table.

    Parameters
    ----------
    path : str or path-like, optional
        Defaults to ``data/reference/engagement_events.csv``; a relative path
        is relative to the project root.
    today : datetime.date, optional
        Events dated after this day are rejected; default: today.

    Returns
    -------
    pandas.DataFrame
        Typed canonical engagement table (see :mod:`analysis.schema`).
    """
    resolved = paths.resolve_data_path(path, paths.ENGAGEMENT_EVENTS_CSV)
    return schema.parse_engagement_events(read_text_csv(resolved), source=str(resolved), today=today)


def load_violence_figures(
    path: str | os.PathLike[str] | None = None, today: date | None = None
) -> pd.DataFrame:
    """Load and validate the violence-figures table.

    Parameters
    ----------
    path : str or path-like, optional
        Defaults to ``data/reference/violence_figures.csv``.
    today : datetime.date, optional
        Figures for periods ending after this day are rejected; default: today.

    Returns
    -------
    pandas.DataFrame
        Typed canonical violence table.
    """
    resolved = paths.resolve_data_path(path, paths.VIOLENCE_FIGURES_CSV)
    return schema.parse_violence_figures(read_text_csv(resolved), source=str(resolved), today=today)


def load_article_claims(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load and validate the article's claims (``data/reference/article_claims.csv``)."""
    resolved = paths.resolve_data_path(path, paths.ARTICLE_CLAIMS_CSV)
    return schema.parse_article_claims(read_text_csv(resolved), source=str(resolved))


def load_engagement_aggregates(
    path: str | os.PathLike[str] | None = None, today: date | None = None
) -> pd.DataFrame:
    """Load and validate the official engagement aggregates.

    Parameters
    ----------
    path : str or path-like, optional
        Defaults to ``data/reference/engagement_aggregates.csv``.
    today : datetime.date, optional
        Aggregates for periods ending after this day are rejected; default: today.

    Returns
    -------
    pandas.DataFrame
        Typed aggregates table (see :func:`analysis.schema.parse_engagement_aggregates`);
        it may have no rows.
    """
    resolved = paths.resolve_data_path(path, paths.ENGAGEMENT_AGGREGATES_CSV)
    return schema.parse_engagement_aggregates(read_text_csv(resolved), source=str(resolved), today=today)


def data_files(
    engagement_path: str | os.PathLike[str] | None = None,
    violence_path: str | os.PathLike[str] | None = None,
    with_claims: bool = False,
    aggregates_path: str | os.PathLike[str] | None = None,
    with_aggregates: bool = False,
    with_engagement: bool = True,
) -> list[Path]:
    """The files the loaders read for these arguments, resolved as they resolve them.

    Parameters
    ----------
    engagement_path, violence_path : str or path-like, optional
        As given to :func:`load_engagement_events` and :func:`load_violence_figures`.
    with_claims : bool
        Include ``article_claims.csv``.
    aggregates_path : str or path-like, optional
        As given to :func:`load_engagement_aggregates`; listed only with
        ``with_aggregates``.
    with_aggregates : bool
        Include the engagement-aggregates file.
    with_engagement : bool
        Include the engagement file (reports on violence alone leave it out).
    """
    files = [paths.resolve_data_path(engagement_path, paths.ENGAGEMENT_EVENTS_CSV)] if with_engagement else []
    files.append(paths.resolve_data_path(violence_path, paths.VIOLENCE_FIGURES_CSV))
    if with_claims:
        files.append(paths.ARTICLE_CLAIMS_CSV)
    if with_aggregates:
        files.append(paths.resolve_data_path(aggregates_path, paths.ENGAGEMENT_AGGREGATES_CSV))
    return files


def reference_files() -> list[Path]:
    """The files of the bundled reference dataset, for provenance hashes."""
    return data_files(with_claims=True, with_aggregates=True)


__all__ = [
    "DataValidationError",
    "data_files",
    "load_article_claims",
    "load_engagement_aggregates",
    "load_engagement_events",
    "load_violence_figures",
    "read_text_csv",
    "reference_files",
]
