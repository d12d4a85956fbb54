"""The one module that knows where things live.

Every other module asks this one for paths. The project root is the directory
holding ``pyproject.toml`` above this package (the package is installed in
editable mode from ``src/``); set ``ANALYSIS_PROJECT_ROOT`` to point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_project_root() -> Path:
    override = os.environ.get("ANALYSIS_PROJECT_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "analysis").is_dir():
            return parent
    # Installed non-editable: fall back to the working directory.
    return Path.cwd().resolve()


PROJECT_ROOT: Path = _find_project_root()
PACKAGE_DIR: Path = Path(__file__).resolve().parent
DATA_DIR: Path = PROJECT_ROOT / "data"
REFERENCE_DIR: Path = DATA_DIR / "reference"
ENGAGEMENT_EVENTS_CSV: Path = REFERENCE_DIR / "engagement_events.csv"
VIOLENCE_FIGURES_CSV: Path = REFERENCE_DIR / "violence_figures.csv"
ARTICLE_CLAIMS_CSV: Path = REFERENCE_DIR / "article_claims.csv"
ENGAGEMENT_AGGREGATES_CSV: Path = REFERENCE_DIR / "engagement_aggregates.csv"
DATA_README: Path = DATA_DIR / "README.md"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
REPORT_SET_FILE: Path = REPORTS_DIR / "reports.yaml"
CITATION_FILE: Path = PROJECT_ROOT / "CITATION.cff"
#: Results of seeded simulations cached by the package's own code hash (git-ignored).
CACHE_DIR: Path = PROJECT_ROOT / ".cache"
#: Measured size, power and MDE of every test at the bundled shape (SIMULATED),
#: written by ``python -m analysis.simulate`` and keyed by the code hash.
CALIBRATION_RECORD: Path = PACKAGE_DIR / "calibration_record.json"
#: The primary test's size and power at the shipped engagement reports' shapes (SIMULATED),
#: written by ``python -m analysis.countlag --power-record`` and keyed by the code hash.
POWER_RECORD: Path = PACKAGE_DIR / "power_record.json"

#: Name of the Jupyter kernel that ``make`` registers for the project's environment.
KERNEL_NAME: str = "pak-afg-analysis"


def resolve_data_path(path: str | os.PathLike[str] | None, default: Path) -> Path:
    """Resolve a user-given data path.

    Parameters
    ----------
    path : str or path-like or None
        ``None`` or ``""`` selects ``default``. A relative path is taken
        relative to the project root, so notebooks and the CLI agree.
    default : pathlib.Path
        Path used when ``path`` is empty.

    Returns
    -------
    pathlib.Path
    """
    if path is None or str(path) == "":
        return default
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = PROJECT_ROOT / candidate
    return candidate
