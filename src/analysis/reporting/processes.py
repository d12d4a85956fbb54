"""Finding and stopping the processes of one build (workers, kernels and their children).

Every build has a random *token*, put in the environment of its worker processes
and so inherited by every kernel they start and every process a kernel starts.
After a stop, :func:`kill_token_holders` sweeps ``/proc`` for processes that still
carry the token (a kernel orphaned by a killed worker, say) and kills them, so no
process of a stopped build outlives it. Without ``/proc`` (not Linux) the sweep
finds nothing and the workers' own clean-up is all there is.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable

#: Environment variable carrying the build's token.
TOKEN_VARIABLE = "ANALYSIS_BUILD_TOKEN"


def new_token() -> str:
    """A fresh random token for one build."""
    return uuid.uuid4().hex


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def token_holders(token: str) -> list[int]:
    """PIDs (other than this process) whose environment carries ``TOKEN_VARIABLE=token``."""
    needle = f"{TOKEN_VARIABLE}={token}".encode()
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0") and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def send(pid: int, sig: int, group: bool = False) -> None:
    """Send ``sig`` to a process (or to its process group); a vanished process is ignored."""
    try:
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def wait_gone(pids: Iterable[int], seconds: float, hurry: Callable[[], bool] = lambda: False) -> list[int]:
    """Wait up to ``seconds`` for the processes to end (less if ``hurry()`` turns true);
    returns those still alive."""
    pids = list(pids)
    deadline = time.monotonic() + seconds
    while True:
        pids = [p for p in pids if alive(p)]
        if not pids or time.monotonic() >= deadline or hurry():
            return pids
        time.sleep(0.05)


def kill_token_holders(token: str) -> list[int]:
    """SIGKILL every process still carrying the token (and its process group when it leads
    one, as kernels do); returns their PIDs."""
    holders = token_holders(token)
    for pid in holders:
        try:
            leads_group = os.getpgid(pid) == pid and pid != os.getpgrp()
        except OSError:
            leads_group = False
        send(pid, signal.SIGKILL, group=leads_group)
        send(pid, signal.SIGKILL)
    wait_gone(holders, 2.0)
    return holders


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux only)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
