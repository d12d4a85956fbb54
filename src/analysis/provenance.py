"""Provenance: file hashes, git commit and library versions.

One home for what a report says about where its numbers came from.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from analysis import paths

#: Libraries whose versions every report names.
REPORTED_LIBRARIES = ("pandas", "statsmodels", "scipy", "arch", "matplotlib", "papermill")


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def display_path(path: str | os.PathLike[str]) -> str:
    """Path relative to the project root when inside it, else absolute."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def git_commit() -> str:
    """Short commit of the project checkout, with ``+dirty`` if modified; ``unknown`` outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=paths.PROJECT_ROOT,
                                capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=paths.PROJECT_ROOT, capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def library_versions() -> dict[str, str]:
    """Versions of Python and the reported libraries."""
    versions = {"python": platform.python_version()}
    for name in REPORTED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
