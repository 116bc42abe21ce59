"""Fresh kernels without paying for their imports: each forked from a warmed, never-used template.

A report kernel spends most of its life importing: ipykernel (~1.5 s) and the library with pandas,
scipy, matplotlib and pandera (~2.5 s), before the report's own ~1 s of work. Each render worker
keeps one *template* process that has imported all of that and then only waits. For each report
it forks a child, and that child becomes the report's kernel: a new process of its own (own pid,
session, memory), so nothing of one report can reach the next, exactly as with a kernel started
from scratch. The template itself never runs report code, so every kernel starts from the same
state.

The template is a new interpreter (``python -m scrutiny.render.warm``), not a fork of the
worker, so it works the same under any executor: a worker may run threads and an event loop,
and the template starts clean. Used only when the kernelspec launches this interpreter's
ipykernel; any other kernel (``--kernel``) starts the ordinary way.

Nothing outlives the render command: the worker dies with the command, the template when its
worker's request pipe closes, and each kernel with the template (Linux parent-death signal), as
well as being shut down by its kernel manager after its report.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from scrutiny.report.registry import preload_modules

#: Modules every report imports; the template imports them once for all its kernels. Only
#: imports: the template runs no report code. pandera's pandas backends are imported by its
#: first validation (~0.25 s a kernel), so they are listed too.
#: The report modules come from the registry of report kinds, so a new kind is preloaded too.
PRELOAD = ("ipykernel.kernelapp", "pandas", *preload_modules(),
           "pandera.backends.pandas.register", "pandera.backends.pandas.builtin_checks",
           "pandera.backends.pandas.builtin_hypotheses", "pandera._pandas_deprecated")
_LAUNCHER = "ipykernel_launcher"
_template: _Template | None = None


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager that forks this interpreter's kernels from the worker's template."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        template = warm_template(kernel_cmd)
        if template is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        argv = kernel_cmd[kernel_cmd.index(_LAUNCHER) + 1:]
        pid = template.spawn(argv, cwd=kw.get("cwd") or os.getcwd(),
                             env=kw.get("env") or dict(os.environ))
        provisioner = self.provisioner
        provisioner.process = ForkedKernel(pid)
        provisioner.pid = provisioner.pgid = pid  # the kernel leads its own session
        self._reconcile_connection_info(provisioner.connection_info)


def prestart(kernel_name: str) -> None:
    """Start this process's template for the kernel ``kernel_name`` now, if it would fork one.

    Only saves time: when the kernelspec cannot be read or does not launch this interpreter's
    ipykernel, nothing starts here and :class:`WarmKernelManager` does as it always did.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except (NoSuchKernel, OSError, ValueError):
        return
    warm_template(list(argv))


def usable(kernel_cmd: list[str]) -> bool:
    """Return True when ``kernel_cmd`` starts this interpreter's ipykernel (so a fork can).

    Interpreter ``-X`` options before ``-m`` (``make`` installs the kernel with
    ``-Xfrozen_modules=off``, for the debugger) do not change what the kernel runs.
    """
    if sys.platform != "linux" or _LAUNCHER not in kernel_cmd[1:]:
        return False
    launcher = kernel_cmd.index(_LAUNCHER)
    options = kernel_cmd[1:launcher - 1]
    return (os.path.abspath(kernel_cmd[0]) == os.path.abspath(sys.executable)
            and kernel_cmd[launcher - 1] == "-m" and all(o.startswith("-X") for o in options))


def warm_template(kernel_cmd: list[str]) -> _Template | None:
    """Return this process's template (started on first use), or None when it cannot serve."""
    global _template
    if not usable(kernel_cmd):
        return None
    if _template is None or not _template.alive():
        _template = _Template.start()
    return _template


class ForkedKernel:
    """What a provisioner needs of a kernel process (poll, wait, signals) for a forked kernel.

    The kernel is the template's child, not ours, so its end is seen as its pid going away
    (the template reaps its children at once).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not _running(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class _Template:
    """The worker's side of a template process: its pipes and its process."""

    def __init__(self, process: subprocess.Popen, requests: int, replies: int):
        self.process, self._requests, self._replies = process, requests, replies
        self.pid = process.pid

    @classmethod
    def start(cls) -> _Template:
        to_template, requests = os.pipe()
        replies, from_template = os.pipe()
        process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(to_template), str(from_template)],
            pass_fds=(to_template, from_template), stdin=subprocess.DEVNULL)
        os.close(to_template)
        os.close(from_template)
        return cls(process, requests, replies)

    def alive(self) -> bool:
        return self.process.poll() is None

    def spawn(self, argv: list[str], *, cwd: str, env: dict[str, str]) -> int:
        """Have the template fork a kernel with ``argv`` (ipykernel's), ``cwd`` and ``env``."""
        request = json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n"
        os.write(self._requests, request)
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = os.read(self._replies, 64)
            if not chunk:
                raise RuntimeError("the kernel template process ended")
            reply += chunk
        return int(reply)


def _end_with_parent(signum: int) -> None:
    """Ask Linux to send ``signum`` to this process when its parent ends."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signum)


def serve(requests: int, replies: int) -> None:
    """The template's life: import, then fork one kernel per request until the pipe closes.

    The pipe closes when the worker ends, however it ends, so the template never outlives it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C on the command ends it quietly
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they end
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a report that needs it fails in its own kernel
            pass
    with os.fdopen(requests, "rb") as lines:
        for line in lines:
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                os.close(replies)
                _become_kernel(os.getppid(), **request)
            os.write(replies, f"{pid}\n".encode())


def _become_kernel(template: int, argv: list[str], cwd: str, env: dict[str, str]) -> None:
    """In a freshly forked child: take the kernel's session, place and environment, and run."""
    try:
        os.setsid()
        _end_with_parent(signal.SIGKILL)
        if os.getppid() != template:
            os._exit(1)
        for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [_LAUNCHER, *argv]
        sys.path.insert(0, cwd)
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        app.start()
    finally:
        os._exit(0)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
