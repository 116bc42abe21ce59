"""Which KPIs a contract expects in each month it holds returns for, and which are missing.

A KPI is expected in a month when it is in force (``effective_from`` to ``effective_to``) and
due: monthly KPIs (``M``) every month, quarterly KPIs (``Q``) in the last month of each calendar
quarter (March, June, September, December). A month counts as held once any return has a result
for it; a KPI expected in a held month with no row at all is *not in the return*, which the
contract scores as data not available (Red, full points).
"""

from __future__ import annotations

import pandas as pd

#: Months in which a quarterly KPI is due: the last month of each calendar quarter.
QUARTER_END_MONTHS = (3, 6, 9, 12)


def expected_kpi_months(kpis: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Return every KPI-month due in ``months``.

    Parameters
    ----------
    kpis : pandas.DataFrame
        ``kpi_id``, ``frequency`` (``M``/``Q``), ``effective_from`` and ``effective_to``
        (monthly ``pandas.Period``, ``effective_to`` NaT when open-ended).
    months : pandas.PeriodIndex
        Monthly periods to check (normally the months the contract holds returns for).

    Returns
    -------
    pandas.DataFrame
        ``kpi_id`` and ``month`` (Period), KPIs in ``kpis`` order, months ascending.
    """
    if kpis.empty or len(months) == 0:
        return pd.DataFrame({"kpi_id": pd.Series(dtype=str),
                             "month": pd.PeriodIndex([], freq="M")})
    grid = kpis[["kpi_id", "frequency", "effective_from", "effective_to"]].merge(
        pd.DataFrame({"month": pd.PeriodIndex(sorted(set(months)), freq="M")}), how="cross")
    in_force = (grid["month"] >= grid["effective_from"]) & (
        grid["effective_to"].isna() | (grid["month"] <= grid["effective_to"]))
    quarter_end = grid["month"].map(lambda m: m.month in QUARTER_END_MONTHS)
    due = (grid["frequency"] == "M") | ((grid["frequency"] == "Q") & quarter_end)
    return grid.loc[in_force & due, ["kpi_id", "month"]].reset_index(drop=True)


def missing_kpi_months(kpis: pd.DataFrame, returns: pd.DataFrame,
                       months: pd.PeriodIndex | None = None) -> pd.DataFrame:
    """Return the KPI-months expected in ``months`` (default: every month held) with no row.

    ``returns`` needs ``kpi_id`` and ``month`` (Period). Columns as
    :func:`expected_kpi_months`.
    """
    if months is None:
        months = pd.PeriodIndex(sorted(returns["month"].unique()), freq="M")
    expected = expected_kpi_months(kpis, months)
    held = returns[["kpi_id", "month"]].drop_duplicates()
    merged = expected.merge(held, on=["kpi_id", "month"], how="left", indicator=True)
    return merged.loc[merged["_merge"] == "left_only", ["kpi_id", "month"]].reset_index(drop=True)
