"""Choosing the Jupyter kernel that executes report notebooks.

Reports must run in the interpreter that is running the toolkit, with the same library. A kernel
called ``python3`` may belong to any Python on the machine, so the runner names its kernel:

1. ``scrutiny`` (``scrutiny kernel install`` registers it; ``make`` runs that) when that
   kernelspec launches this very interpreter;
2. otherwise a kernelspec written for this run into a temporary folder, launching
   ``sys.executable``, found through ``JUPYTER_PATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

PREFERRED_KERNEL = "scrutiny"
RUNTIME_KERNEL = "scrutiny-runtime"


def launches_this_interpreter(kernel_name: str, executable: str | None = None) -> bool:
    """Return True when the installed kernelspec ``kernel_name`` starts ``executable``.

    Paths are compared without resolving symlinks: every virtual environment's ``python`` links
    to the same base interpreter, yet each sees different packages.
    """
    executable = os.path.abspath(executable or sys.executable)
    try:
        argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except NoSuchKernel:
        return False
    if not argv:
        return False
    program = argv[0] if os.path.isabs(argv[0]) else shutil.which(argv[0])
    return program is not None and os.path.abspath(program) == executable


def kernel_spec(executable: str | None = None) -> dict:
    """Return a kernelspec (``kernel.json`` content) that launches ``executable``."""
    return {
        # CRITICAL log level: ipykernel's start-up notices would interleave with the progress bar.
        "argv": [executable or sys.executable, "-m", "ipykernel_launcher", "-f",
                 "{connection_file}", "--IPKernelApp.log_level=CRITICAL"],
        "display_name": "Python (scrutiny runtime)",
        "language": "python",
        "metadata": {"debugger": False, "supported_encryption": ["curve"]},
    }


@contextmanager
def report_kernel(preferred: str | None = None) -> Iterator[str]:
    """Yield the name of a kernel that runs this interpreter; clean up any kernelspec written.

    Parameters
    ----------
    preferred : str, optional
        Kernel named by the user (``--kernel``); used as given, without checks.
    """
    if preferred:
        yield preferred
        return
    if launches_this_interpreter(PREFERRED_KERNEL):
        yield PREFERRED_KERNEL
        return
    folder = Path(tempfile.mkdtemp(prefix="scrutiny-kernel-"))
    spec_dir = folder / "kernels" / RUNTIME_KERNEL
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1), encoding="utf-8")
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), previous]))
    try:
        yield RUNTIME_KERNEL
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = previous
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def socket_files() -> Iterator[dict]:
    """Yield papermill keyword arguments that put a kernel's sockets in files, not TCP ports.

    Kernels started at the same moment by parallel workers can be handed the same free TCP port
    and one dies with "Address already in use" (seen under load with ``--jobs 2``). Unix socket
    files in a folder of the report's own cannot collide. The folder is removed afterwards.
    """
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="scrutiny-kernel-") as folder:
        yield {"config": Config({"KernelManager": {"transport": "ipc",
                                                   "ip": os.path.join(folder, "kernel")}})}
