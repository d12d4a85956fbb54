"""Kernels forked from a warm fork server: the heavy imports paid once per worker, not per report.

Every report runs in a kernel of its own. Started the usual way (``python -m
ipykernel_launcher``), each kernel first imports IPython, ipykernel, pandas,
statsmodels, matplotlib and the rest: about 2 s of CPU per report, nearly half
of what a report costs. In a parallel build each worker instead starts, once, a
fork server of the standard library's :mod:`multiprocessing` (the
``forkserver`` start method), which imports those libraries
(:mod:`analysis.kernel_fork`); :class:`ForkedProvisioner`, a
jupyter_client *kernel provisioner* (the documented way to change how a kernel
manager starts its kernels), then starts each report's kernel as a fresh
process forked from that server, with the connection file, environment and
working folder the kernel manager prepared. The kernel is still a separate
process that no other report ever uses; only the library imports are shared.

A kernel that is not this interpreter's ipykernel, or a build without a fork
server (one worker, or a platform without ``fork``), starts the usual way.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

#: The module the fork server preloads (its import does the work).
PRELOAD_MODULE = "analysis.kernel_preload"

_SERVER: dict[str, Any] = {"context": None}


def _main_module_preload() -> list[str] | None:
    """What the fork server must import for this program's main module, or None if a
    process started from it would run the main module's code again.

    multiprocessing prepares every process it starts from a fork server by importing the
    parent's main script (as ``__mp_main__``), unless the main module is a package's
    ``__main__`` or the program is interactive. The ``analysis`` command's script only
    imports :mod:`analysis.cli` (preloaded, so it costs nothing); any other script is
    left alone: its kernels start the usual way.
    """
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return [] if name == "__main__" or name.endswith(".__main__") else None
    path = getattr(main, "__file__", None)
    if path is None:
        return []
    script = Path(sys.executable).with_name("analysis")
    if Path(path).absolute() == script.absolute():
        return ["analysis.cli"]
    return None


def start_fork_server() -> bool:
    """Start this process's fork server (it preloads in the background); True if kernels
    will be forked from it. Call it in a worker once its environment is set: the server
    and every kernel forked from it start with that environment (thread limits, the
    build's token)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    extra = _main_module_preload()
    if extra is None:
        return False
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD_MODULE, *extra])
    forkserver.ensure_running()
    _SERVER["context"] = context
    return True


def fork_server_running() -> bool:
    """True once :func:`start_fork_server` has started this process's fork server."""
    return _SERVER["context"] is not None


#: Interpreter options of a kernel command that a forked kernel may do without:
#: ipykernel's kernel specs add ``-Xfrozen_modules=off`` (for its debugger: the standard
#: library's start-up modules read from source instead of their frozen copies; same code).
_IGNORED_OPTIONS = ("-Xfrozen_modules=off",)


def _launcher_arguments(cmd: list[str]) -> list[str] | None:
    """The arguments after ``python -m ipykernel_launcher`` when ``cmd`` starts this very
    interpreter's ipykernel (with no interpreter option other than those in
    :data:`_IGNORED_OPTIONS`), else None."""
    if not cmd or os.path.abspath(os.path.expanduser(cmd[0])) != os.path.abspath(sys.executable):
        return None
    rest = [a for a in cmd[1:] if a not in _IGNORED_OPTIONS]
    if rest[:2] != ["-m", "ipykernel_launcher"]:
        return None
    return [os.path.expanduser(a) for a in rest[2:]]


class _ForkedKernel:
    """The parts of :class:`subprocess.Popen` that :class:`LocalProvisioner` uses, for a
    kernel process started from the fork server."""

    stdin = stdout = stderr = None

    def __init__(self, process: multiprocessing.process.BaseProcess):
        self._process = process
        self.pid = process.pid

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int | None:
        self._process.join(timeout)
        return self._process.exitcode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, forking the kernel from this process's fork
    server when there is one and the kernel is this interpreter's ipykernel."""

    #: Seconds to wait for a forked kernel to lead its own process group (the fork server
    #: may still be importing when the first kernel is asked for).
    SESSION_WAIT = 60.0

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        context = _SERVER["context"]
        arguments = _launcher_arguments(cmd)
        if context is None or arguments is None:
            return await super().launch_kernel(cmd, **kwargs)
        from analysis.kernel_fork import run_kernel

        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd")
        process = context.Process(
            target=run_kernel, args=(arguments, env, str(cwd) if cwd else None), daemon=False
        )
        try:
            process.start()
        except OSError:  # the fork server is gone: start this kernel the usual way
            return await super().launch_kernel(cmd, **kwargs)
        self.process = _ForkedKernel(process)
        self.pid = process.pid
        # The kernel calls setsid() first; until then its group is the fork server's.
        # Signals go to the kernel's own group only, never to another.
        deadline = time.monotonic() + self.SESSION_WAIT
        while process.exitcode is None and time.monotonic() < deadline:
            try:
                if os.getpgid(process.pid) == process.pid:
                    break
            except OSError:
                break
            await asyncio.sleep(0.005)
        self.pgid = process.pid
        self.cwd = cwd or os.getcwd()
        return self.connection_info
