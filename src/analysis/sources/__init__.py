"""Source adapters: one module per source, each returning canonical tables.

* :mod:`analysis.sources.reference`: the project's own cited reference dataset
  (``data/reference/*.csv``);
* :mod:`analysis.sources.ucdp`: UCDP GED events → monthly violence figures;
* :mod:`analysis.sources.acled`: ACLED exports (today's and older vintages) →
  monthly violence figures;
* :mod:`analysis.sources.hdx`: HDX HAPI conflict events (open monthly totals
  derived from ACLED) → monthly violence figures;
* :mod:`analysis.sources.gdelt`: GDELT 1.0/2.0 event files → monthly
  Pakistan–Afghanistan engagement counts (DuckDB, streaming; or DuckDB on a
  Dask cluster for the whole archive);
* :mod:`analysis.sources.detect`: format detection; :mod:`analysis.sources.inspect`:
  the ``analysis inspect`` summary.

The dispatchers :func:`load_violence` and :func:`load_engagement` pick the
adapter from ``fmt`` (or detect it), so notebooks switch sources by
parameters only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import DataValidationError
from analysis.sources import reference
from analysis.sources._io import expand_inputs
from analysis.sources.detect import FORMATS, detect

#: ``fmt`` values of :func:`load_violence`.
VIOLENCE_FORMATS: tuple[str, ...] = ("auto", "reference", "ucdp_ged", "acled", "hdx_hapi")
#: ``fmt`` values of :func:`load_engagement`.
ENGAGEMENT_FORMATS: tuple[str, ...] = ("auto", "reference", "gdelt", "gdelt_v1", "gdelt_v2")


def _empty(path) -> bool:
    return path is None or str(path).strip() == ""


def load_violence(path: str | os.PathLike[str] | None = None, fmt: str = "auto", **options) -> pd.DataFrame:
    """Canonical violence figures from the reference dataset, UCDP GED or ACLED.

    Parameters
    ----------
    path : str or path-like, optional
        ``None`` or ``""``: the bundled reference file. Otherwise a file, zip,
        folder or glob (relative paths are relative to the project root).
    fmt : {"auto", "reference", "ucdp_ged", "acled", "hdx_hapi"}
        ``"auto"`` detects the format (and vintage) from the header.
    **options
        Passed to the adapter: :func:`analysis.sources.ucdp.load_violence`
        (``country``, ``dyad``, ``actor``, ``type_of_violence``,
        ``on_bad_rows``) or :func:`analysis.sources.acled.load_violence`
        (``event_type``, ``sub_event_type``, ``country``, ``iso``, ``actor``,
        ``on_bad_rows``) or :func:`analysis.sources.hdx.load_violence`
        (``event_type``, ``location_code``, ``admin1``, ``admin_level``,
        ``on_bad_rows``). The reference table takes none.

    Returns
    -------
    pandas.DataFrame
        Columns and dtypes as :func:`analysis.sources.reference.load_violence_figures`.

    Raises
    ------
    DataValidationError
        Bad input, or a file that is not a violence source (e.g. GDELT).
    ValueError
        Unknown ``fmt`` or options.
    """
    if fmt not in VIOLENCE_FORMATS:
        raise ValueError(f"fmt must be one of {VIOLENCE_FORMATS}; got {fmt!r}")
    if _empty(path):
        if fmt not in ("auto", "reference"):
            raise ValueError(f"fmt {fmt!r} needs a path to your own file")
        return _reference(reference.load_violence_figures, None, options)
    detection = detect(path, "auto" if fmt == "auto" else fmt)
    name = detection.format
    if name == "reference_violence":
        return _reference(reference.load_violence_figures, detection, options)
    if name == "ucdp_ged":
        from analysis.sources import ucdp

        return ucdp.load_violence(path, **options)
    if name == "acled":
        from analysis.sources import acled

        return acled.load_violence(path, **options)
    if name == "hdx_hapi_conflict":
        from analysis.sources import hdx

        return hdx.load_violence(path, **options)
    note = (
        ": GDELT feeds engagement counts only; violence comes from curated conflict data (METHODS.md §1)"
        if name.startswith("gdelt")
        else ""
    )
    raise DataValidationError(
        [
            f"{detection.files[0]}: expected a violence source ({FORMATS['reference_violence'].describe()}, "
            f"{FORMATS['ucdp_ged'].describe()}, {FORMATS['acled'].describe()} or "
            f"{FORMATS['hdx_hapi_conflict'].describe()}); "
            f"found {FORMATS[name].label}{note}"
        ]
    )


def load_engagement(path: str | os.PathLike[str] | None = None, fmt: str = "auto", **options) -> pd.DataFrame:
    """Engagement data: the reference events table, or GDELT monthly counts.

    Parameters
    ----------
    path : str or path-like, optional
        ``None`` or ``""``: the bundled reference file. Otherwise a file,
        folder or glob.
    fmt : {"auto", "reference", "gdelt", "gdelt_v1", "gdelt_v2"}
    **options
        For GDELT: see :func:`analysis.sources.gdelt.load_engagement`
        (``government_only``, ``government_types``, ``min_sources``,
        ``on_bad_rows``, ``engine`` ``"duckdb"`` or ``"dask"``, ``scheduler``).

    Returns
    -------
    pandas.DataFrame
        ``"reference"``: the canonical events table (as
        :func:`analysis.sources.reference.load_engagement_events`). GDELT:
        the monthly counts table (``attrs["kind"] == "counts"``). Both work
        with :func:`analysis.series.engagement_counts`.
    """
    if fmt not in ENGAGEMENT_FORMATS:
        raise ValueError(f"fmt must be one of {ENGAGEMENT_FORMATS}; got {fmt!r}")
    if _empty(path):
        if fmt not in ("auto", "reference"):
            raise ValueError(f"fmt {fmt!r} needs a path to your own files")
        return _reference(reference.load_engagement_events, None, options)
    detection = detect(path, "auto" if fmt == "auto" else fmt)
    name = detection.format
    if name == "reference_engagement":
        return _reference(reference.load_engagement_events, detection, options)
    if name.startswith("gdelt"):
        from analysis.sources import gdelt

        return gdelt.load_engagement(path, name if fmt in ("gdelt_v1", "gdelt_v2") else "gdelt", **options)
    raise DataValidationError(
        [
            f"{detection.files[0]}: expected an engagement source "
            f"({FORMATS['reference_engagement'].describe()}, {FORMATS['gdelt_v1'].describe()} or "
            f"{FORMATS['gdelt_v2'].describe()}); found {FORMATS[name].label}"
        ]
    )


def _reference(loader, detection, options: dict) -> pd.DataFrame:
    if options:
        raise ValueError(f"the reference tables take no options; got {sorted(options)}")
    if detection is None:
        return loader(None)
    if len(detection.files) != 1:
        raise DataValidationError([f"expected one reference CSV; found {len(detection.files)} files"])
    return loader(detection.files[0])


def input_files(path: str | os.PathLike[str] | None, default: Path) -> list[Path]:
    """The files a loader reads for ``path`` (for provenance hashes).

    Parameters
    ----------
    path : str or path-like or None
        As given to :func:`load_violence` / :func:`load_engagement`.
    default : pathlib.Path
        The reference file used when ``path`` is empty, e.g.
        :data:`analysis.paths.VIOLENCE_FIGURES_CSV`.
    """
    if _empty(path):
        return [default]
    return expand_inputs(path)


def report_files(
    engagement_path=None, violence_path=None, *, with_engagement: bool = True, with_violence: bool = True
) -> list[Path]:
    """Every file a report reads through :func:`load_engagement` / :func:`load_violence`
    (for the "data files read" list and its hashes)."""
    files: list[Path] = []
    if with_engagement:
        files += input_files(engagement_path, paths.ENGAGEMENT_EVENTS_CSV)
    if with_violence:
        files += input_files(violence_path, paths.VIOLENCE_FIGURES_CSV)
    return files


__all__ = [
    "report_files",
    "DataValidationError",
    "ENGAGEMENT_FORMATS",
    "VIOLENCE_FORMATS",
    "input_files",
    "load_engagement",
    "load_violence",
    "paths",
    "reference",
]
