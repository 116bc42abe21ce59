"""Which reports a render runs: the options of ``scrutiny render`` to a list of jobs.

:func:`select` is the whole of the choosing: parameters files named, ``--all``, one contract's
month (``--contract`` with ``--period`` or ``--latest``), filtered by period and council, with a
default period report for every month of a KPI contract that has no parameters file. The command
line only parses the options, calls it and runs the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scrutiny.exceptions import ParameterError, SelectionError
from scrutiny.render.batch import Job, plan
from scrutiny.render.monthly import (
    contract_jobs,
    contract_year_jobs,
    kpi_contracts,
    with_default_months,
)
from scrutiny.report.params import find_params, params_root


def select(params_files: Sequence[Path] = (), *, render_all: bool = False,
           period: str | None = None, contract: str | None = None, latest: bool = False,
           council: str | None = None, executor: str = "local",
           scheduler: str | None = None, year: int | None = None) -> list[Job]:
    """The validated jobs the render options ask for, before anything runs.

    Parameters
    ----------
    params_files : sequence of pathlib.Path
        Parameters files named on the command line.
    render_all : bool
        Every parameters file under ``params/`` and every month of every KPI contract.
    period : str, optional
        Only reports for this month (any spelling :func:`~scrutiny.core.months.parse_month`
        reads; ``YYYY-MM`` after).
    contract : str, optional
        The period report of this contract for ``period`` (or its latest month, ``latest``).
    council : str, optional
        Only reports for this contract or council.
    year : int, optional
        With ``contract``: its year-end review of the contract year starting in ``year``.
    executor, scheduler : str
        Where the jobs will run; checked here with the other options, before anything is read.

    Raises
    ------
    SelectionError
        Options that do not go together, or none that select anything.
    ParameterError, NoDataForPeriodError
        A parameters file or month that cannot be rendered, or nothing matching the filters.
    """
    period = _month(period)
    if latest and not contract:
        raise SelectionError("--latest needs --contract NAME")
    if scheduler and executor != "dask":
        raise SelectionError("--scheduler needs --executor dask")
    if scheduler:
        from scrutiny.render.executors import check_scheduler

        check_scheduler(scheduler)  # before anything is planned or started
    if year is not None:
        return _year(contract, year, period=period, latest=latest)
    if contract:
        if params_files or render_all:
            raise SelectionError("--contract renders one month; do not combine it with "
                                 "parameters files or --all")
        return contract_jobs(contract, find_params(), period=period, latest=latest)
    filtered = not params_files and bool(period or council)  # every file, then filtered
    paths = [*params_files, *(find_params() if render_all or filtered else [])]
    if not paths and not render_all:  # --all with no parameters files: every month held
        raise SelectionError("name parameters files, use --contract NAME --period YYYY-MM, or "
                             "--all (optionally with --period or --council)")
    selected = plan(dict.fromkeys(paths), period=period, council=council)
    if render_all or filtered:
        chosen = None if council is None else [c for c in kpi_contracts() if c == council.lower()]
        selected = with_default_months(selected, chosen, period=period)
    if not selected:
        raise ParameterError(f"no parameters file under {params_root().name}/ matches "
                             f"period={period or 'any'} council={council or 'any'}")
    return selected


def _year(contract: str | None, year: int, *, period: str | None, latest: bool) -> list[Job]:
    """The year-end review ``--contract NAME --year YYYY`` asks for."""
    if not contract or period or latest:
        raise SelectionError("--year YYYY renders one contract's year-end review: give it with "
                             "--contract NAME, without --period or --latest")
    return contract_year_jobs(contract, find_params(), year)


def _month(period: str | None) -> str | None:
    """``period`` as ``YYYY-MM`` (pandas is imported only when one is given)."""
    if period is None:
        return None
    from scrutiny.core.months import month_label, parse_month

    return month_label(parse_month(period))
