"""Atomic file writes: a temporary file in the same folder, then a rename.

A reader (or an interrupted build) sees either the old file or the new one,
never half of one. Every temporary file still open is remembered, so that a
build that is stopped can remove them (:func:`remove_temporaries`), and a
failure to write into the output folder (permission denied, read-only file
system, disk full) is raised as :class:`OutputError`, which the builder treats
as a fault of the build, not of one report.

**Test hook.** The environment variable ``ANALYSIS_TEST_WRITE_FAULT``, read only
by the fault-injection tests, makes writes fail as the disk would:
``ENOSPC:*.html`` raises ``OSError(ENOSPC)`` for every file whose name matches
the glob ``*.html`` (``EACCES:*`` for every file). It is never set in normal use.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import tempfile
from pathlib import Path

#: Environment variable of the write-fault test hook (see the module docstring).
FAULT_VARIABLE = "ANALYSIS_TEST_WRITE_FAULT"

#: Temporary files created by this process and not yet renamed or removed.
_TEMPORARIES: set[str] = set()


class OutputError(OSError):
    """A file of the output folder could not be written (not a report's own failure)."""

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


def _output_error(exc: OSError, path: str | os.PathLike[str]) -> OutputError:
    if isinstance(exc, OutputError):
        return exc
    return OutputError(exc.errno or errno.EIO, exc.strerror or str(exc), str(path))


def injected_fault(path: str | os.PathLike[str]) -> None:
    """Raise the ``OSError`` the test hook asks for when writing ``path`` (else nothing)."""
    setting = os.environ.get(FAULT_VARIABLE)
    if not setting:
        return
    code, _, pattern = setting.partition(":")
    if fnmatch.fnmatch(Path(path).name, pattern or "*"):
        number = getattr(errno, code)
        raise OSError(number, os.strerror(number), str(path))


def make_readable(path: str | os.PathLike[str]) -> None:
    """Give a temporary file the usual permissions (``mkstemp`` creates it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file in the same folder and a rename.

    Raises
    ------
    OutputError
        If the folder or the file cannot be written (the old file is left as it was).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        injected_fault(path)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _output_error(exc, path) from None
    _TEMPORARIES.add(tmp)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        make_readable(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise _output_error(exc, path) from None
    except BaseException:
        _discard(tmp)
        raise
    _TEMPORARIES.discard(tmp)


def temporary_beside(path: Path, suffix: str) -> str:
    """An empty temporary file in ``path``'s folder, to be renamed onto ``path`` when complete
    (and then :func:`forget_temporary`); it is removed by :func:`remove_temporaries`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        injected_fault(path)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=suffix)
    except OSError as exc:
        raise _output_error(exc, path) from None
    os.close(handle)
    _TEMPORARIES.add(tmp)
    return tmp


def forget_temporary(tmp: str) -> None:
    """Remove ``tmp`` if it still exists, and stop tracking it."""
    _discard(tmp)


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    _TEMPORARIES.discard(tmp)


def remove_temporaries() -> None:
    """Remove every temporary file this process created and has not renamed yet."""
    for tmp in list(_TEMPORARIES):
        try:
            _discard(tmp)
        except OSError:
            _TEMPORARIES.discard(tmp)


#: Names of the temporary files above (``mkstemp`` adds 8 random characters).
_TEMPORARY_NAME = r"^\..+\.[a-z0-9_]{8}\.(tmp|ipynb)$"


def remove_stray_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files a stopped build left in ``folder`` (call with the folder locked)."""
    import re

    removed = []
    pattern = re.compile(_TEMPORARY_NAME)
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if pattern.match(entry.name) and entry.is_file():
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed
