"""Runs of consecutive measurements: the one rule behind abatement multipliers, the exceptions
register's "months failing in a row" and the Procurement Act rating's longest Red run.

A run continues from one *measurement* of a KPI to its next: the next month for a monthly KPI
(``M``), three months on for a quarterly one (``Q``) and twelve for an annual one (``A``), so a
quarterly KPI failing three quarters running is a run of 3 (:data:`MONTHS_BETWEEN`). It ends at a
new KPI, at a gap (a measurement with no row, e.g. a month not held), and at any row marked as a
reset. Rows that neither extend nor reset
(Blue months, where Blue does not break a run) are passed over: they keep the run alive and score
0 themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.core.blocks import row_blocks
from scrutiny.core.months import month_ordinals
from scrutiny.core.rag import AMBER, BLUE, GREEN, RED

#: Months from one measurement of a KPI to its next, by frequency.
MONTHS_BETWEEN = {"M": 1, "Q": 3, "A": 12}


def months_between(frequency: pd.Series | np.ndarray | None, rows: int) -> np.ndarray:
    """:data:`MONTHS_BETWEEN` per row (int64); every row monthly when ``frequency`` is None."""
    if frequency is None:
        return np.ones(rows, dtype=np.int64)
    steps = pd.Series(np.asarray(frequency, dtype=object)).map(MONTHS_BETWEEN)
    if steps.isna().any():
        bad = np.asarray(frequency, dtype=object)[steps.isna().to_numpy()][0]
        raise ValueError(f"unknown frequency {bad!r}; "
                         f"expected one of {', '.join(MONTHS_BETWEEN)}")
    return steps.to_numpy(dtype=np.int64)


def run_lengths(key: np.ndarray, month: np.ndarray, failing: np.ndarray,
                resets: np.ndarray, step: np.ndarray | None = None) -> np.ndarray:
    """Count each failing row's place in its run of consecutive failing months.

    Parameters
    ----------
    key, month : numpy.ndarray
        KPI code and month ordinal per row, sorted by key then month.
    failing : numpy.ndarray of bool
        Rows that extend a run.
    resets : numpy.ndarray of bool
        Rows that end any run before them (Green, and Blue when Blue breaks runs). Rows neither
        failing nor resetting are skipped.
    step : numpy.ndarray of int, optional
        Months from the KPI's previous measurement to this row's when they are consecutive
        (:func:`months_between`); default 1 (monthly) for every row.

    Returns
    -------
    numpy.ndarray of int64
        1, 2, 3, ... along each run; 0 on rows that are not failing.
    """
    runs = np.empty(len(key), dtype=np.int64)
    counted, first_of_run = 0, 0  # carried from block to block
    # Blocks of rows keep every temporary in cache (see core.blocks).
    for rows in row_blocks(len(key)):
        before = max(rows.start - 1, 0)  # the row before the block decides its first start
        steps = None if step is None else step[before:rows.stop]
        starts = _run_starts(key[before:rows.stop], month[before:rows.stop],
                             steps)[rows.start - before:]
        starts |= resets[rows]
        fails = failing[rows]
        running = np.cumsum(fails, dtype=np.int64)
        running += counted
        # Failing rows counted before each run's first row, carried forward over the run's
        # rows with a running maximum (the counts never decrease).
        run_base = np.where(starts, running - fails, first_of_run)
        np.maximum.accumulate(run_base, out=run_base)
        block = runs[rows]
        np.subtract(running, run_base, out=block)
        block *= fails
        counted, first_of_run = running[-1], run_base[-1]
    return runs


def _run_starts(key: np.ndarray, month: np.ndarray, step: np.ndarray | None) -> np.ndarray:
    """Rows that start a new KPI or follow a gap between measurements (the first row starts)."""
    starts = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=starts[1:])
    starts[1:] |= np.diff(month) != (1 if step is None else step[1:])
    return starts


def run_lengths_by_kpi(frame: pd.DataFrame, extends: pd.Series, resets: pd.Series) -> pd.Series:
    """:func:`run_lengths` for a table with ``kpi_id`` and ``month`` columns, in any row order.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``kpi_id`` and ``month`` (``Period[M]``) per row, and ``frequency`` (``M``/``Q``/``A``)
        when it has KPIs measured less often than monthly (absent: every KPI monthly).
    extends, resets : pandas.Series of bool
        Aligned with ``frame``: rows that extend a run, rows that end one.

    Returns
    -------
    pandas.Series
        int64 aligned with ``frame``: place in the run (1, 2, 3, ...), 0 where not extending.
    """
    ordered = frame.sort_values(["kpi_id", "month"], kind="stable")
    key = pd.factorize(ordered["kpi_id"].to_numpy())[0]
    runs = run_lengths(key, month_ordinals(ordered["month"]),
                       extends.reindex(ordered.index).to_numpy(bool),
                       resets.reindex(ordered.index).to_numpy(bool),
                       _steps(ordered))
    return pd.Series(runs, index=ordered.index, dtype="int64").reindex(frame.index)


def _steps(frame: pd.DataFrame) -> np.ndarray | None:
    """Months between measurements per row, or None (all monthly) without a frequency column."""
    if "frequency" not in frame:
        return None
    return months_between(frame["frequency"].to_numpy(), len(frame))


#: Columns of :func:`run_table`, in order.
RUN_COLUMNS = ["kpi_id", "start", "end", "length", "no_number"]


def run_table(frame: pd.DataFrame, extends: pd.Series, resets: pd.Series,
              no_number: pd.Series) -> pd.DataFrame:
    """One row per run of consecutive measurements, by the rule of :func:`run_lengths_by_kpi`.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``kpi_id`` and ``month`` per row (and ``frequency``, as for :func:`run_lengths_by_kpi`).
    extends, resets : pandas.Series of bool
        Aligned with ``frame``: rows that extend a run, rows that end one.
    no_number : pandas.Series of bool
        Aligned with ``frame``: rows whose month had no number (counted, per run).

    Returns
    -------
    pandas.DataFrame
        :data:`RUN_COLUMNS`: the KPI, the first and last month of the run, its length (in
        measurements; rows passed over, such as Blue months, are not counted) and how many of
        its months had no number. Ordered by KPI (as first met in ``frame``) then start.
    """
    lengths = run_lengths_by_kpi(frame, extends, resets)
    ordered = frame.assign(_length=lengths, _none=no_number.astype(bool))
    ordered = ordered.sort_values(["kpi_id", "month"], kind="stable")
    ordered = ordered[ordered["_length"] > 0]
    run_id = ordered["_length"].eq(1).cumsum()
    runs = ordered.groupby(run_id, sort=False).agg(
        kpi_id=("kpi_id", "first"), start=("month", "min"), end=("month", "max"),
        length=("_length", "max"), no_number=("_none", "sum"))
    order = {k: i for i, k in enumerate(pd.unique(frame["kpi_id"]))}
    runs = runs.sort_values(["kpi_id", "start"], kind="stable",
                            key=lambda s: s.map(order) if s.name == "kpi_id" else s)
    return runs.reset_index(drop=True).astype({"length": "int64", "no_number": "int64"})[
        RUN_COLUMNS]


#: The status of :func:`status_runs` meaning Amber or Red: the exceptions register's "months
#: failing in a row", where a Blue month ends the run (it is not a failure).
FAILING = "failing"
#: Statuses :func:`status_runs` takes (lower case; any case is accepted).
RUN_STATUSES = (GREEN, AMBER, RED, BLUE, FAILING)


def status_rule(rows: pd.DataFrame, status: str = RED, *, measured_only: bool = False
                ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Which KPI-months extend, end, or have no number, for runs of ``status``.

    The one rule behind every run the toolkit reports: ``ContractHandle.runs``, the ratings'
    ``longest_red_run``, the exceptions register's ``run_length`` (and the narrative's longest
    failing runs, read from it) and the annual review's worst runs.

    Parameters
    ----------
    rows : pandas.DataFrame
        Scored KPI-months: ``rag`` (codes) and ``value`` (NaN: no number; without the
        column every month has a number).
    status : {"red", "amber", "green", "blue", "failing"}
        The RAG whose runs are wanted (any case). ``failing`` is Amber or Red, and a Blue month
        ends the run; for a single RAG other than Blue, Blue months are passed over (neither
        extend nor end it).
    measured_only : bool
        True: only months with a number extend a run, and a month with no number ends it.

    Returns
    -------
    tuple of pandas.Series of bool
        ``extends``, ``resets`` and ``no_number``, aligned with ``rows``.

    Raises
    ------
    ValueError
        ``status`` is none of :data:`RUN_STATUSES`.
    """
    status = str(status).lower()
    if status not in RUN_STATUSES:
        raise ValueError(f"status must be one of Green, Amber, Red, Blue or failing (Amber or "
                         f"Red), not {status!r}")
    rag = rows["rag"].astype(object)
    # without a value column (run lengths of RAG codes alone) every month counts as numbered
    no_number = (rows["value"].isna() if "value" in rows
                 else pd.Series(False, index=rows.index))
    wanted = rag.isin([AMBER, RED]) if status == FAILING else rag.eq(status)
    extends = wanted & (~no_number if measured_only else True)
    passed_over = rag.eq(BLUE) & (status not in (BLUE, FAILING))
    return extends, ~extends & ~passed_over, no_number


def status_runs(rows: pd.DataFrame, status: str = RED, *,
                measured_only: bool = False) -> pd.DataFrame:
    """One row per run of consecutive months of ``status``, by :func:`status_rule`.

    Returns
    -------
    pandas.DataFrame
        :data:`RUN_COLUMNS`: ``length`` in measurements (Blue months are passed over unless
        ``status`` is Blue or failing), ``no_number`` the run's months without a number.
    """
    return run_table(rows, *status_rule(rows, status, measured_only=measured_only))


def status_run_lengths(rows: pd.DataFrame, status: str = RED, *,
                       measured_only: bool = False) -> pd.Series:
    """Each KPI-month's place in its run of ``status`` (1, 2, ...; 0 outside a run), by
    :func:`status_rule`: the ``length`` of the :func:`status_runs` run it ends, were the rows
    cut after it. int64, aligned with ``rows``."""
    extends, resets, _ = status_rule(rows, status, measured_only=measured_only)
    return run_lengths_by_kpi(rows, extends, resets)
