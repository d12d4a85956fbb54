"""A report's kernel forked from the builder's fork server, and what that server imports.

A parallel build's worker keeps a :mod:`multiprocessing` fork server (the
standard library's ``forkserver`` start method) whose one preloaded module is
:mod:`analysis.kernel_preload`: it calls :func:`preload`, which imports, once per
worker, what every report's kernel imports anyway: IPython and ipykernel,
numpy, pandas, scipy, statsmodels, matplotlib, seaborn, arch and pandera. Each
report's kernel is then a fresh process forked from that server
(:func:`run_kernel`, started by
:class:`analysis.reporting.provisioner.ForkedProvisioner`): its interpreter has
run no notebook code and no code of the project's analysis modules, only these
library imports; nothing a kernel does reaches another.

The module lives outside :mod:`analysis.reporting` so that neither the server
nor a kernel imports the builder; importing it is cheap (the builder's workers
import it to name :func:`run_kernel`).
"""

from __future__ import annotations

import importlib
import os
import sys

#: The module search path of a fresh ``python -m ipykernel_launcher`` (as seen in the fork
#: server, a fresh interpreter; kernels use the server's copy of this module), once the launcher
#: has removed the script folder (IPython puts ``''`` back when the kernel starts).
FRESH_PATH = [entry for entry in sys.path if entry != ""]

#: ipykernel's default when MPLBACKEND is unset (``IPKernelApp.init_gui_pylab``); set here
#: before matplotlib is imported, so the preloaded matplotlib reads the same backend as a
#: kernel started from scratch (each kernel sets its own environment again on start).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

#: Imported once in the fork server: what the notebooks import through the package.
PRELOADED = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "numpy",
    "pandas",
    "scipy.stats",
    "scipy.optimize",
    "statsmodels.api",
    "statsmodels.tsa.api",
    "statsmodels.tsa.statespace.varmax",
    "matplotlib.pyplot",
    "seaborn",
    "arch.bootstrap",
    "pandera.pandas",
)


def preload() -> None:
    """Import :data:`PRELOADED` (in the fork server; a module that fails is left to the
    kernels to import)."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in PRELOADED:
        try:
            importlib.import_module(name)
        except Exception:  # a kernel imports what is missing itself
            pass


def run_kernel(arguments: list[str], env: dict[str, str], cwd: str | None) -> None:
    """Run an IPython kernel in this (freshly forked) process, as ``python -m
    ipykernel_launcher <arguments>`` would, until it is shut down.

    The kernel leads a new session (so its process group can be signalled, as
    jupyter_client's own launcher arranges), runs in ``cwd`` with exactly the
    environment ``env`` the kernel manager prepared, and watches the fork server as its
    parent (it exits when the server does, which happens when the worker ends). Like
    a kernel started by jupyter_client's launcher (``close_fds``), it keeps only standard
    input, output and error: the descriptors inherited from the fork server are closed,
    so the server ends with its worker instead of waiting for the kernels it forked.
    """
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.setsid()
    env = dict(env)
    env["JPY_PARENT_PID"] = str(os.getppid())
    os.environ.clear()
    os.environ.update(env)
    if cwd:
        os.chdir(cwd)
    sys.path[:] = FRESH_PATH
    import ipykernel_launcher
    from ipykernel import kernelapp

    # The kernel watches the fork server, its parent (IPKernelApp reads JPY_PARENT_PID
    # when ipykernel is imported, which here was in the server, so it is given again).
    sys.argv = [ipykernel_launcher.__file__, *arguments, f"--IPKernelApp.parent_handle={os.getppid()}"]
    kernelapp.launch_new_instance()
