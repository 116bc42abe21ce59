"""Kernels forked from a warmed template: fresh processes that share nothing but the imports."""

from __future__ import annotations

import asyncio
import sys

import pytest

from scrutiny.render import warm


@pytest.mark.parametrize("argv, expected", [
    ([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"], True),
    ([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"], True),
    (["/usr/bin/python3-other", "-m", "ipykernel_launcher", "-f", "c.json"], False),
    ([sys.executable, "-c", "ipykernel_launcher"], False),
    (["R", "--slave", "-e", "IRkernel::main()", "--args", "c.json"], False),
], ids=["this-python", "x-option", "other-python", "not-the-launcher", "other-language"])
def test_only_this_interpreters_ipykernel_is_forked(argv, expected):
    assert warm.usable(argv) is (expected and sys.platform == "linux")


async def _run_in_two_kernels(tmp_path) -> list[dict]:
    from jupyter_client.kernelspec import KernelSpecManager

    seen = []
    for _ in range(2):
        manager = warm.WarmKernelManager(
            kernel_spec_manager=KernelSpecManager(), transport="ipc",
            ip=str(tmp_path / "kernel"))
        manager.kernel_spec_manager.get_kernel_spec = lambda name: _spec()
        await manager.start_kernel(kernel_name="this-python")
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        reply = await client.execute_interactive(
            "import os, sys\nleaked = 'secret' in globals()\nsecret = 1\n"
            "print(os.getpid(), leaked, 'pandas' in sys.modules)", timeout=60,
            output_hook=lambda msg: seen.append(msg["content"].get("text", ""))
            if msg["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok"
        seen.append({"kernel_pid": manager.provisioner.pid})
        client.stop_channels()
        await manager.shutdown_kernel(now=True)
    return seen


def _spec():
    from jupyter_client.kernelspec import KernelSpec

    return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                            "{connection_file}"], display_name="this python", language="python")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="templates fork kernels on Linux only")
def test_each_kernel_is_a_new_process_without_the_last_ones_state(tmp_path):
    seen = asyncio.run(_run_in_two_kernels(tmp_path))
    printed = [s.split() for s in seen if isinstance(s, str) and s.strip()]
    pids = [s["kernel_pid"] for s in seen if isinstance(s, dict)]
    assert len(printed) == 2 and len(set(pids)) == 2
    assert [int(p[0]) for p in printed] == pids  # the code ran in the forked kernels
    assert [p[1] for p in printed] == ["False", "False"]  # nothing of the first reached the second
    assert [p[2] for p in printed] == ["True", "True"]  # the template's imports were there
    assert warm._template is not None and warm._template.alive()
