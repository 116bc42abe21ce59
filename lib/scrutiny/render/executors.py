"""Where a batch's reports run: a local process pool (the default) or a Dask distributed cluster.

Each executor calls the same ``render_one(job) -> result`` for every job and yields results as
they finish, so the HTML is the same byte for byte whichever runs it. ``render_one`` never
raises for a report's own failure; a worker that dies under a job becomes that job's failure
(``on_crash``), and the rest of the batch carries on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

from scrutiny.exceptions import RenderError

Job = TypeVar("Job")
Result = TypeVar("Result")

#: A scheduler address the toolkit can connect to: plain TCP, ``[tcp://]HOST:PORT``. TLS needs a
#: security configuration (certificates) that ``render`` has no options for.
SCHEDULER_ADDRESS = re.compile(r"(tcp://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):\d{1,5}")


def check_scheduler(address: str) -> str:
    """Return ``address`` if it is a TCP scheduler address; refuse anything else in one line."""
    if not SCHEDULER_ADDRESS.fullmatch(address):
        raise RenderError(f"--scheduler {address!r}: give a Dask scheduler as tcp://HOST:PORT "
                          "(e.g. tcp://10.0.0.5:8786); TLS and other protocols are not supported")
    return address


def run_local(render_one: Callable[[Job], Result], jobs: Sequence[Job], *, workers: int,
              initializer: Callable[[], None] | None = None) -> Iterator[Result]:
    """Run ``render_one`` over ``jobs`` in ``workers`` local processes; yield results as done."""
    with ProcessPoolExecutor(max_workers=max(1, workers), initializer=initializer) as pool:
        futures = [pool.submit(render_one, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


def run_dask(render_one: Callable[[Job], Result], jobs: Sequence[Job], *, workers: int,
             on_crash: Callable[[Job, BaseException], Result],
             scheduler: str | None = None) -> Iterator[Result]:
    """Run ``render_one`` over ``jobs`` on a Dask cluster; yield results as they finish.

    Parameters
    ----------
    render_one, jobs
        As for :func:`run_local`. The jobs and results travel by pickle, so a remote cluster's
        workers need this toolkit installed and the same data, notebooks and outputs paths.
    workers : int
        Worker processes of the local cluster started when no ``scheduler`` is given (one
        thread each: every report is a CPU-bound kernel of its own).
    on_crash : callable
        Turns a job whose worker died or could not run it into that job's failed result.
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.

    Raises
    ------
    RenderError
        When Dask is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise RenderError("--executor dask needs Dask: pip install 'contract-scrutiny[dask]'") \
            from None
    if scheduler:
        cluster = None
        try:
            client = Client(check_scheduler(scheduler), timeout="10s")
        except (OSError, TimeoutError, ValueError, TypeError) as err:
            raise RenderError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        # pure=False: each submission is its own task, even for equal jobs.
        futures = {client.submit(render_one, job, pure=False, retries=0): job for job in jobs}
        for future in dask_completed(futures):
            try:
                yield future.result()
            except Exception as err:  # noqa: BLE001 - a dead worker fails its job, not the batch
                yield on_crash(futures[future], err)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
