"""Runs of consecutive months: one rule for abatement, the register and Procurement Act ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.core.runs import run_lengths, run_lengths_by_kpi


def test_run_lengths_on_arrays():
    key = np.array([0, 0, 0, 1, 1])
    month = np.array([1, 2, 3, 1, 2])
    failing = np.array([True, True, False, True, True])
    resets = ~failing
    assert run_lengths(key, month, failing, resets).tolist() == [1, 2, 0, 1, 2]


def test_run_lengths_across_row_blocks():
    # A run that straddles the 64k-row blocks must keep counting.
    n = 200_003
    rng = np.random.default_rng(3)
    key = np.repeat(np.arange(n // 1000 + 1), 1000)[:n]
    month = np.tile(np.arange(1000), n // 1000 + 1)[:n]
    failing = rng.random(n) < 0.9
    resets = ~failing & (rng.random(n) < 0.5)
    expected, run = [], 0
    for i in range(n):  # the plain loop, as benchmarks/naive.py writes it
        if i == 0 or key[i] != key[i - 1] or month[i] != month[i - 1] + 1:
            run = 0
        if failing[i]:
            run += 1
        elif resets[i]:
            run = 0
        expected.append(run if failing[i] else 0)
    assert run_lengths(key, month, failing, resets).tolist() == expected


def test_run_lengths_by_kpi_in_any_row_order_with_transparent_rows():
    frame = pd.DataFrame({
        "kpi_id": ["B", "A", "A", "A", "A", "B"],
        "month": pd.PeriodIndex(["2016-02", "2016-01", "2016-02", "2016-03", "2016-05",
                                 "2016-01"], freq="M"),
        "rag": ["red", "red", "blue", "red", "red", "red"],
    })
    extends = frame["rag"].eq("red")
    resets = frame["rag"].isin(["green", "amber"])
    # A: red, blue passed over, red (2), then a calendar gap (April missing) starts again.
    assert run_lengths_by_kpi(frame, extends, resets).tolist() == [2, 1, 0, 2, 1, 1]


@given(st.lists(st.tuples(st.sampled_from("MQA"), st.lists(st.booleans(), max_size=12),
                          st.integers(0, 3)), min_size=1, max_size=5))
def test_runs_count_consecutive_measurements_whatever_the_frequency(kpis):
    """A KPI measured every 1, 3 or 12 months: its run grows by one per failing measurement and
    ends at a passing one or at a measurement with no row (a gap), as the plain loop says."""
    from scrutiny.core.runs import MONTHS_BETWEEN

    rows, expected = [], []
    for key, (frequency, fails, gap_at) in enumerate(kpis):
        step, month, run = MONTHS_BETWEEN[frequency], 0, 0
        for i, fail in enumerate(fails):
            month += step * (2 if i == gap_at and i else 1)  # skip one measurement: a gap
            run = 0 if (i == gap_at and i) else run
            run = run + 1 if fail else 0
            rows.append((key, month, fail, frequency))
            expected.append(run if fail else 0)
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=["kpi_id", "month", "fail", "frequency"])
    frame["month"] = pd.PeriodIndex([pd.Period("2020-01", "M") + m for m in frame["month"]])
    got = run_lengths_by_kpi(frame, frame["fail"], ~frame["fail"])
    assert got.tolist() == expected


def test_a_quarterly_kpi_red_three_quarters_running_is_a_run_of_three_monthly_unchanged():
    months = pd.PeriodIndex(["2025-06", "2025-09", "2025-12"], freq="M")
    frame = pd.DataFrame({"kpi_id": "Q1", "month": months, "frequency": "Q"})
    red = pd.Series(True, index=frame.index)
    assert run_lengths_by_kpi(frame, red, ~red).tolist() == [1, 2, 3]
    # The same months for a monthly KPI are three separate runs (gaps between them).
    assert run_lengths_by_kpi(frame.assign(frequency="M"), red, ~red).tolist() == [1, 1, 1]
    assert run_lengths_by_kpi(frame.drop(columns="frequency"), red, ~red).tolist() == [1, 1, 1]
