"""Kernels forked from a warmed template: fresh processes that share nothing but the imports."""

from __future__ import annotations

import asyncio
import sys

import pytest

from scrutiny.render import warm
from scrutiny.render.forked_kernel import WarmKernelManager


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
        manager = WarmKernelManager(
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


def _template_seen_by_worker() -> tuple[int, int | None]:
    """In a pool worker: (its pid, the pid of the template it would fork kernels from)."""
    import os

    template = warm.warm_template(_spec().argv)
    return os.getpid(), template.pid if template is not None else None


@pytest.mark.skipif(sys.platform != "linux", reason="templates fork kernels on Linux only")
def test_a_local_batch_shares_one_template_and_ends_it(monkeypatch):
    """Workers forked after ``start_shared`` use the command's template, not one each; when the
    batch is done, the template is gone (nothing outlives the command)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import psutil

    monkeypatch.setattr(warm, "_template", None)
    with warm.shared_template():
        shared = warm._template
        assert shared is not None and shared.alive()
        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
        with pool:
            seen = [pool.submit(_template_seen_by_worker).result() for _ in range(4)]
        assert {template for _, template in seen} == {shared.pid}
        assert len({worker for worker, _ in seen}) >= 1
    assert warm._template is None
    assert not psutil.pid_exists(shared.pid) or psutil.Process(shared.pid).status() == "zombie"


def _spawn_in_worker(cwd: str) -> list[int]:
    """In a pool worker: have the inherited template fork three short-lived "kernels"."""
    import os

    template = warm.warm_template(_spec().argv)
    # ipykernel prints its help and exits: a real fork through the template, no kernel left.
    return [template.spawn(["--help-all"], cwd=cwd, env=dict(os.environ)) for _ in range(3)]


@pytest.mark.skipif(sys.platform != "linux", reason="templates fork kernels on Linux only")
def test_workers_take_turns_at_a_template_the_caller_already_had(monkeypatch, tmp_path):
    """A template started before the batch (here by this process) is shared safely: each
    worker gets the pid of the kernel it asked for, none waits forever on another's reply,
    and the batch leaves the caller's template running for the caller."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    monkeypatch.setattr(warm, "_template", None)
    own = warm.warm_template(_spec().argv)
    try:
        with warm.shared_template():
            assert warm._template is own
            with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = [pool.submit(_spawn_in_worker, str(tmp_path)) for _ in range(4)]
                pids = [pid for f in futures for pid in f.result(timeout=120)]
        assert len(pids) == len(set(pids)) == 12
        assert warm._template is own and own.alive()
    finally:
        own.close()
        monkeypatch.setattr(warm, "_template", None)
