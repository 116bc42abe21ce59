"""Fresh kernels without paying for their imports: each forked from a warmed, never-used template.

A report kernel spends most of its life importing: ipykernel (~1.5 s) and the library with pandas,
scipy, matplotlib and pandera (~2.5 s), before the report's own ~1 s of work. A *template*
process imports all of that once and then only waits. For each report it forks a child, and that
child becomes the report's kernel: a new process of its own (own pid, session, memory), so
nothing of one report can reach the next, exactly as with a kernel started from scratch. The
template itself never runs report code, so every kernel starts from the same state.

The template is a new interpreter (``python -m scrutiny.render.warm``), not a fork of the
command or a worker, so it works the same under any executor: a worker may run threads and an
event loop, and the template starts clean. Used only when the kernelspec launches this
interpreter's ipykernel; any other kernel (``--kernel``) starts the ordinary way.

One template serves a whole local batch: the render command starts it (:func:`start_shared`)
before it plans, so the template's imports run on the other core while the command imports and
validates, and the local workers, forked from the command, inherit it and take turns asking it for
kernels (a lock: two clients reading one reply pipe would take each other's answers). A single
report is rendered by the command itself. A worker that has none (a Dask worker) starts its own
on first use.

Nothing outlives the render command: the command ends its template when the batch is done
(:func:`stop_shared`); a worker's own template ends when the worker's request pipe closes; every
worker dies with the command, and each kernel with its template (Linux parent-death signal), as
well as being shut down by its kernel manager after its report.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from scrutiny.report.registry import preload_modules

#: Modules every report imports; the template imports them once for all its kernels. Only
#: imports: the template runs no report code. pandera's pandas backends are imported by its
#: first validation (~0.25 s a kernel), so they are listed too, as are the modules a period
#: report's kernel was seen importing on first use (~0.2 s): jsonschema for the draft notice's
#: check (without rfc3987_syntax, see ``scrutiny.render``), pyarrow's Parquet reader for the
#: scored-contract cache, pandera's accessor.
#: The report modules come from the registry of report kinds, so a new kind is preloaded too.
PRELOAD = ("ipykernel.kernelapp", "pandas", *preload_modules(),
           "pandera.backends.pandas.register", "pandera.backends.pandas.builtin_checks",
           "pandera.backends.pandas.builtin_hypotheses", "pandera._pandas_deprecated",
           "pandera.accessors.pandas_accessor", "jsonschema", "referencing.jsonschema",
           "pyarrow.parquet")
LAUNCHER = "ipykernel_launcher"
_template: _Template | None = None
#: How long a worker waits for another worker's turn at the shared template (seconds); a turn
#: is one fork, milliseconds, so only a worker that died mid-turn makes the wait run out.
TURN_TIMEOUT = 60.0

if TYPE_CHECKING:
    from multiprocessing.synchronize import Lock


def _kernel_argv(kernel_name: str) -> list[str]:
    """The kernelspec's command line, or ``[]`` when it cannot be read."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        return list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    except (NoSuchKernel, OSError, ValueError):
        return []


def with_library_path() -> None:
    """Make kernels import the same scrutiny package as this process, whatever their cwd."""
    import scrutiny

    library = str(Path(scrutiny.__file__).resolve().parents[1])
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    rest = [str(Path(p).resolve()) for p in rest]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([library, *rest]))


def start_shared(kernel_name: str | None = None) -> bool:
    """Start, now, one template for this process's whole local batch (Linux only).

    The render command calls this before it plans: the template's imports (seconds of CPU) then
    overlap the command's own. Workers forked from this process afterwards share the template
    (every template has a lock that gives each process its turn); :func:`stop_shared` ends it.
    With ``kernel_name``, nothing starts unless that kernelspec launches this interpreter's
    ipykernel. Only saves time: any other kernel is still started the ordinary way.

    Returns
    -------
    bool
        True when this call started a template (False: one was running already, or none
        would serve).
    """
    global _template
    if sys.platform != "linux" or (_template is not None and _template.alive()):
        return False
    if kernel_name is not None and not usable(_kernel_argv(kernel_name)):
        return False
    with_library_path()  # the template imports this very library, as its kernels will
    _template = _Template.start()
    return True


def stop_shared() -> None:
    """End the template :func:`start_shared` started (no-op elsewhere, or when there is none).

    Called when the batch is done: its kernels have all been shut down, so ending the template
    (which also ends a template still importing, when nothing needed rendering) leaves nothing
    running after the command.
    """
    global _template
    if _template is not None and _template.owned():
        _template.close()
        _template = None


@contextmanager
def shared_template(enabled: bool = True, kernel_name: str | None = None) -> Iterator[None]:
    """:func:`start_shared` (when ``enabled``) on entry; on exit, however the block ends,
    :func:`stop_shared` if this block started the template (a caller's template is left to it)."""
    started = enabled and start_shared(kernel_name)
    try:
        yield
    finally:
        if started:
            stop_shared()


def usable(kernel_cmd: list[str]) -> bool:
    """Return True when ``kernel_cmd`` starts this interpreter's ipykernel (so a fork can).

    Interpreter ``-X`` options before ``-m`` (``make`` installs the kernel with
    ``-Xfrozen_modules=off``, for the debugger) do not change what the kernel runs.
    """
    if sys.platform != "linux" or LAUNCHER not in kernel_cmd[1:] or len(kernel_cmd) < 3:
        return False
    launcher = kernel_cmd.index(LAUNCHER)
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


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class _Template:
    """A client's side of a template process: its pipes, its process and, when shared, the lock
    that gives each worker forked from the starting process its turn."""

    def __init__(self, process: subprocess.Popen, requests: int, replies: int, turn: Lock):
        self.process, self._requests, self._replies, self._turn = process, requests, replies, turn
        self.pid = process.pid
        self._owner = os.getpid()

    @classmethod
    def start(cls) -> _Template:
        # Every template has its lock: any process forked from this one may share it, and two
        # clients without turns would read each other's replies.
        turn = multiprocessing.get_context("fork").Lock()
        to_template, requests = os.pipe()
        replies, from_template = os.pipe()
        process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(to_template), str(from_template)],
            pass_fds=(to_template, from_template), stdin=subprocess.DEVNULL)
        os.close(to_template)
        os.close(from_template)
        return cls(process, requests, replies, turn)

    def owned(self) -> bool:
        """True in the process that started the template (not in a worker forked from it)."""
        return os.getpid() == self._owner

    def alive(self) -> bool:
        # Only the starting process can wait for it; a forked worker looks at /proc.
        return self.process.poll() is None if self.owned() else running(self.pid)

    def close(self) -> None:
        """End the template: close its pipes, stop it and wait for it (starting process only)."""
        for fd in (self._requests, self._replies):
            os.close(fd)
        self.process.terminate()
        self.process.wait()

    def spawn(self, argv: list[str], *, cwd: str, env: dict[str, str]) -> int:
        """Have the template fork a kernel with ``argv`` (ipykernel's), ``cwd`` and ``env``."""
        if not self._turn.acquire(timeout=TURN_TIMEOUT):
            raise RuntimeError(f"no turn at the kernel template in {TURN_TIMEOUT:.0f} s")
        try:
            return self._ask(argv, cwd, env)
        finally:
            self._turn.release()

    def _ask(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
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
        sys.argv = [LAUNCHER, *argv]
        sys.path.insert(0, cwd)
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        app.start()
    finally:
        os._exit(0)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
