"""Refusing reporting periods that hold no results, with a message that says which do."""

from __future__ import annotations

import pandas as pd

from scrutiny.core.months import month_label
from scrutiny.exceptions import NoDataForPeriodError


def held_months(table: pd.DataFrame | pd.Series, column: str = "month") -> pd.PeriodIndex:
    """Return the distinct months of a table (its ``column``) or of a Series of months, in order.

    The one way every layer answers "which months are held": a contract's returns, a scored
    table, a shared service's performance pack, a portfolio's snapshots.
    """
    months = table if isinstance(table, pd.Series) else table[column]
    return pd.PeriodIndex(sorted(months.dropna().unique()), freq="M")


def require_period(scores: pd.DataFrame, period: pd.Period) -> None:
    """Raise ``NoDataForPeriodError`` unless ``period`` has at least one KPI result."""
    require_range(scores, period, period)


def require_range(scores: pd.DataFrame, start: pd.Period, end: pd.Period) -> None:
    """Raise ``NoDataForPeriodError`` unless some month from ``start`` to ``end`` has results."""
    if start > end:
        raise NoDataForPeriodError(
            f"the period starts ({month_label(start)}) after it ends ({month_label(end)}); "
            "swap --from and --to")
    held = held_months(scores)
    if not ((held >= start) & (held <= end)).any():
        span = (f"{month_label(held[0])} to {month_label(held[-1])}" if len(held)
                else "no months at all")
        asked = month_label(start) if start == end else (
            f"{month_label(start)} to {month_label(end)}")
        raise NoDataForPeriodError(
            f"no KPI results for {asked}; results are held for {span}")
