"""The build cache: skip a report whose inputs have not changed.

A report's *inputs* are

* ``notebook``: SHA-256 of the notebook file;
* ``report``: its title, its parameters (defaults merged) and the kernel name;
* ``data``: SHA-256 of every data file it reads (:func:`data_files_for`);
* ``package``: one SHA-256 over every file under ``src/analysis`` (code and
  the HTML templates), so any change to the package rebuilds everything;
* ``dependencies``: the Python version and the installed version of each
  dependency declared in ``pyproject.toml``.

The cache key is the SHA-256 of those inputs. The manifest
(``reports/.build-cache.json``, written atomically) keeps, per report, the
key, the inputs, the build time and the SHA-256 of the HTML and executed
notebook it produced; it also names the report-set file whose reports the folder
holds, so that a build of another set into the same folder is refused instead of
overwriting the index and the cache. A corrupt or truncated manifest is reported
(:attr:`Manifest.problem`) and treated as empty. A report is reused when its key matches and both files
are still there, unmodified. Only successful builds are recorded, so a failed
report is always tried again.

Everything here is cheap (hashing small files, reading package metadata): a
build whose reports are all reused never imports papermill, nbconvert or
pandas. A data file's hash is recomputed only when its size or modification
time changed since the last build (as git does for its index).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from analysis import paths
from analysis.provenance import display_path
from analysis.provenance import file_sha256 as sha256_file
from analysis.reporting.atomic import write_atomic

#: Bump when the meaning of the key changes: every report is rebuilt once.
CACHE_FORMAT = 1
CACHE_FILE_NAME = ".build-cache.json"
#: Folder whose every file is part of the key (the package's source and templates).
PACKAGE_SOURCE_DIR: Path = paths.PACKAGE_DIR
#: Distribution name of the project (used when pyproject.toml is not beside the package).
DISTRIBUTION = "pak-afg-analysis"
#: Parameters whose names end with this suffix name a data file the report reads.
PATH_PARAMETER_SUFFIX = "_path"


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def data_files_for(parameters: dict[str, Any]) -> list[Path]:
    """Data files a report reads: every file of the bundled reference dataset
    (``data/reference/*.csv``) plus the file named by any ``*_path`` parameter.

    A ``*_path`` value that is a folder adds every file under it; a glob adds the files it matches. Paths are
    resolved as the loaders resolve them (relative to the project root).
    """
    files = sorted(paths.REFERENCE_DIR.glob("*.csv"))
    for name, value in parameters.items():
        if name.endswith(PATH_PARAMETER_SUFFIX) and isinstance(value, str) and value:
            resolved = paths.resolve_data_path(value, paths.REFERENCE_DIR)
            if any(ch in value for ch in "*?[") and not resolved.exists():  # a glob of files
                files.extend(sorted(Path(p) for p in glob.glob(str(resolved)) if Path(p).is_file()))
            elif resolved.is_dir():
                files.extend(sorted(p for p in resolved.rglob("*") if p.is_file()))
            else:
                files.append(resolved)
    unique: list[Path] = []
    for f in files:
        if f not in unique:
            unique.append(f)
    return unique


def package_source_hash(root: Path | None = None) -> str:
    """One SHA-256 over the relative path and content of every file under the package
    (``__pycache__`` and compiled files excluded)."""
    root = Path(root or PACKAGE_SOURCE_DIR)
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for filename in sorted(filenames):
            if filename.endswith((".pyc", ".pyo")) or filename.startswith("."):
                continue
            path = Path(dirpath) / filename
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(sha256_file(path).encode() + b"\n")
    return digest.hexdigest()


def declared_dependencies() -> list[str]:
    """Names of the project's runtime dependencies (``pyproject.toml``, else package metadata)."""
    pyproject = paths.PROJECT_ROOT / "pyproject.toml"
    requirements: Iterable[str]
    try:
        requirements = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        try:
            requirements = [r for r in metadata.requires(DISTRIBUTION) or [] if "extra ==" not in r]
        except metadata.PackageNotFoundError:
            requirements = []
    names = []
    for requirement in requirements:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match:
            names.append(match.group(1).lower().replace("_", "-"))
    return sorted(set(names))


def dependency_versions() -> dict[str, str]:
    """Python's version and the installed version of each declared dependency."""
    versions = {"python": f"{sys.implementation.name} {sys.version.split()[0]}"}
    for name in declared_dependencies():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


class FileHashes:
    """SHA-256 of files, recomputed only when size or modification time changed.

    Parameters
    ----------
    known : dict
        ``{path: {"size", "mtime_ns", "sha256"}}`` from the previous manifest.
    """

    def __init__(self, known: dict[str, dict[str, Any]] | None = None):
        self.known = dict(known or {})
        self.seen: dict[str, dict[str, Any]] = {}

    def sha256(self, path: Path) -> str:
        """The file's hash, or ``"missing"`` when it does not exist."""
        key = str(Path(path).resolve())
        if key in self.seen:
            return self.seen[key]["sha256"]
        try:
            stat = os.stat(key)
        except OSError:
            return "missing"
        old = self.known.get(key)
        if old and old.get("size") == stat.st_size and old.get("mtime_ns") == stat.st_mtime_ns:
            digest = old["sha256"]
        else:
            digest = sha256_file(Path(key))
        self.seen[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        return digest


def report_inputs(
    *,
    notebook_path: Path,
    title: str,
    parameters: dict[str, Any],
    kernel: str,
    files: FileHashes,
    package: str,
    dependencies: dict[str, str],
) -> dict[str, Any]:
    """Everything a report's output depends on (see the module docstring)."""
    return {
        "format": CACHE_FORMAT,
        "notebook": files.sha256(notebook_path),
        "report": {"title": title, "parameters": parameters, "kernel": kernel},
        "data": {display_path(f): files.sha256(f) for f in data_files_for(parameters)},
        "package": package,
        "dependencies": dependencies,
    }


def inputs_key(inputs: dict[str, Any]) -> str:
    """The cache key: SHA-256 of the canonical JSON of the inputs."""
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=True, default=str)
    return sha256_bytes(text.encode())


_INPUT_LABELS = {
    "notebook": "notebook changed",
    "report": "title or parameters changed",
    "package": "package source changed",
    "format": "cache format changed",
}


def changed_inputs(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Plain reasons why ``new`` differs from ``old`` (empty when they are equal)."""
    if not old:
        return ["not built before"]
    reasons = []
    for part in ("format", "notebook", "report"):
        if old.get(part) != new.get(part):
            reasons.append(_INPUT_LABELS[part])
    old_data, new_data = old.get("data", {}), new.get("data", {})
    changed = sorted(f for f in set(old_data) | set(new_data) if old_data.get(f) != new_data.get(f))
    if changed:
        reasons.append("data changed: " + ", ".join(changed))
    if old.get("package") != new.get("package"):
        reasons.append(_INPUT_LABELS["package"])
    old_deps, new_deps = old.get("dependencies", {}), new.get("dependencies", {})
    deps = sorted(d for d in set(old_deps) | set(new_deps) if old_deps.get(d) != new_deps.get(d))
    if deps:
        reasons.append(
            "dependency versions changed: "
            + ", ".join(f"{d} {old_deps.get(d, 'none')} → {new_deps.get(d, 'none')}" for d in deps)
        )
    return reasons


class Manifest:
    """The cache manifest of one output folder (``<reports>/.build-cache.json``).

    Attributes
    ----------
    report_set : str or None
        The report-set file whose reports the folder holds (as the user would
        write it), or ``None`` when unknown.
    problem : str or None
        Why an existing manifest could not be used (corrupt, truncated), for a
        warning; ``None`` when it was read, or when there was none.
    """

    def __init__(self, path: Path, data: dict[str, Any] | None = None, problem: str | None = None):
        self.path = path
        data = data or {}
        self.reports: dict[str, dict[str, Any]] = dict(data.get("reports", {}))
        self.files: dict[str, dict[str, Any]] = dict(data.get("files", {}))
        self.report_set: str | None = data.get("report_set")
        self.problem = problem

    @classmethod
    def load(cls, reports_dir: Path) -> "Manifest":
        """Read the manifest. A missing one, or one of another cache format, is an empty
        cache; an unreadable, corrupt or truncated one too, with :attr:`problem` saying why."""
        path = reports_dir / CACHE_FILE_NAME
        shown = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as exc:
            return cls(
                path,
                problem=f"cannot read the cache manifest {shown} ({exc}); "
                "ignoring it and rebuilding every report",
            )
        try:
            data = json.loads(text)
        except ValueError as exc:
            return cls(
                path,
                problem=f"the cache manifest {shown} is corrupt or truncated ({exc}); "
                "ignoring it and rebuilding every report",
            )
        if not isinstance(data, dict) or (
            data.get("format") == CACHE_FORMAT
            and not (isinstance(data.get("reports"), dict) and isinstance(data.get("files"), dict))
        ):
            return cls(
                path,
                problem=f"the cache manifest {shown} is corrupt (not the structure "
                "the builder writes); ignoring it and rebuilding every report",
            )
        if data.get("format") != CACHE_FORMAT:
            return cls(path, {"report_set": data.get("report_set")})
        return cls(path, data)

    def save(self, files: FileHashes | None = None) -> None:
        """Write the manifest atomically."""
        if files is not None:
            self.files.update(files.seen)
        data = {
            "format": CACHE_FORMAT,
            "report_set": self.report_set,
            "reports": self.reports,
            "files": self.files,
        }
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, default=str))

    def reusable(self, name: str, key: str, html_path: Path, ipynb_path: Path, files: FileHashes) -> bool:
        """True when ``name`` was built with this key and its outputs are intact."""
        entry = self.reports.get(name)
        if not entry or entry.get("key") != key:
            return False
        return files.sha256(html_path) == entry.get("html_sha256") and files.sha256(ipynb_path) == entry.get(
            "ipynb_sha256"
        )
