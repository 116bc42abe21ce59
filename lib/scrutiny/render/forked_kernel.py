"""The kernel manager that forks this interpreter's kernels from a warmed template.

Kept apart from :mod:`scrutiny.render.warm` because it needs jupyter_client, which the render
command should not import before it has started the template (see ``warm.start_shared``).
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from scrutiny.render.warm import LAUNCHER, running, warm_template


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager that forks this interpreter's kernels from the worker's template."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        template = warm_template(kernel_cmd)
        if template is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        argv = kernel_cmd[kernel_cmd.index(LAUNCHER) + 1:]
        pid = template.spawn(argv, cwd=kw.get("cwd") or os.getcwd(),
                             env=kw.get("env") or dict(os.environ))
        provisioner = self.provisioner
        provisioner.process = ForkedKernel(pid)
        provisioner.pid = provisioner.pgid = pid  # the kernel leads its own session
        self._reconcile_connection_info(provisioner.connection_info)


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
        if self.returncode is None and not running(self.pid):
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
