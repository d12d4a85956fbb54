"""Provenance: file hashes, git commit, library versions and the citation.

One home for what a report says about where its numbers came from.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

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
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
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


def _author_name(author: dict[str, Any]) -> str:
    """A CFF person (given and family names) or entity (``name``) as one name."""
    if author.get("name"):
        return str(author["name"])
    parts = [
        author.get("given-names"),
        author.get("name-particle"),
        author.get("family-names"),
        author.get("name-suffix"),
    ]
    return " ".join(str(part) for part in parts if part)


def citation(commit: str | None = None, path: str | os.PathLike[str] = paths.CITATION_FILE) -> str | None:
    """The one-line "how to cite" text, from ``CITATION.cff`` and the git commit.

    Parameters
    ----------
    commit : str, optional
        Commit to name; ``None`` asks git (:func:`git_commit`).
    path : path-like
        The Citation File Format file; the project's ``CITATION.cff`` by default.

    Returns
    -------
    str or None
        ``"<authors>. <title>. Version <version>, git commit <commit>."``, or ``None``
        when the file is missing (the package used outside its repository).

    Raises
    ------
    ValueError
        When the file exists but is not a CFF mapping with a title and authors.
    """
    path = Path(path)
    if not path.is_file():
        return None
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(meta, dict) or not meta.get("title") or not meta.get("authors"):
        raise ValueError(f"{path}: expected Citation File Format metadata with a title and authors")
    names = [_author_name(author) for author in meta["authors"]]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    version = f"Version {meta['version']}, " if meta.get("version") else ""
    commit = git_commit() if commit is None else commit
    return f"{authors}. {str(meta['title']).rstrip('.')}. {version}git commit {commit}."
