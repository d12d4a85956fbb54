"""One build at a time per output folder: ``<output>/.build.lock``.

The builder holds an exclusive ``flock`` on the lock file for the whole build and
writes its PID, start time and command line into it, so that a second build on
the same folder can name the running one. The operating system drops the lock
when its holder dies, however it dies, so a lock file left behind by a killed
build is *stale*: the next build takes it over (and says so). Builds into
different folders do not meet.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.provenance import display_path
from analysis.reporting.atomic import OutputError, injected_fault

LOCK_FILE_NAME = ".build.lock"


class FolderBusyError(RuntimeError):
    """Another build holds the output folder."""


@dataclass
class FolderLock:
    """The held lock of one output folder (release it with :meth:`release`)."""

    path: Path
    fd: int
    stale_holder: dict | None = None

    def release(self) -> None:
        """Remove the lock file and drop the lock."""
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(self.fd)


def holder_text(holder: dict | None) -> str:
    """``PID 1234 (analysis build --force, started 2024-05-01 10:02:03)``."""
    if not holder or "pid" not in holder:
        return "a build whose PID is not written yet"
    details = ", ".join(
        x
        for x in (holder.get("command"), f"started {holder['started']}" if holder.get("started") else "")
        if x
    )
    return f"PID {holder['pid']}" + (f" ({details})" if details else "")


def _read_holder(fd: int) -> dict | None:
    try:
        text = os.pread(fd, 65536, 0).decode("utf-8", "replace")
        data = json.loads(text)
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def acquire(folder: Path, *, wait: float = 0.0) -> FolderLock:
    """Take the build lock of ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Output folder (must exist).
    wait : float
        Seconds to wait for a running build to finish before giving up.

    Raises
    ------
    FolderBusyError
        Naming the running build (its PID, command and start time).
    OutputError
        If the lock file cannot be created (the folder is not writable).
    """
    path = Path(folder) / LOCK_FILE_NAME
    deadline = time.monotonic() + wait
    while True:
        try:
            injected_fault(path)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(exc.errno, exc.strerror or str(exc), str(Path(folder))) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            for _ in range(20):  # the holder may not have written its PID yet
                if holder:
                    break
                time.sleep(0.05)
                holder = _read_holder(fd)
            os.close(fd)
            if time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            raise FolderBusyError(
                f"another build is writing to {display_path(Path(folder))}: "
                f"{holder_text(holder)}; wait for it to finish (or stop it), "
                f"or build into another folder with --output"
            ) from None
        # The file may have been removed by a finishing build between open and flock.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if not same:
            os.close(fd)
            continue
        stale = _read_holder(fd)
        record = {
            "pid": os.getpid(),
            "started": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300],
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode(), 0)
        except OSError as exc:
            os.close(fd)
            raise OutputError(exc.errno, exc.strerror or str(exc), str(path)) from None
        return FolderLock(path, fd, stale_holder=stale)
