"""Which KPIs a contract expects in each month it holds returns for, and which are missing.

A KPI is expected in a month when it is in force (``effective_from`` to ``effective_to``) and
due: monthly KPIs (``M``) every month, quarterly KPIs (``Q``) in the contract's quarter-end months
(``contract.yaml`` ``quarter_end_months``, default March, June, September, December) and annual
KPIs (``A``) in the contract year's last month (``year_end_month``, default the month before
service commencement's month). A month counts as held once any return has a result
for it; a KPI expected in a held month with no row at all is *not in the return*, which the
contract scores as data not available (Red, full points).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Months in which a quarterly KPI is due unless the contract says otherwise.
QUARTER_END_MONTHS = (3, 6, 9, 12)


@dataclass(frozen=True)
class DueMonths:
    """When a contract's quarterly and annual KPIs are due (calendar month numbers 1-12)."""

    quarter_end_months: tuple[int, ...] = QUARTER_END_MONTHS
    year_end_month: int = 3

    @classmethod
    def of(cls, info) -> DueMonths:
        """From a contract's ``ContractInfo``."""
        return cls(tuple(info.quarter_end_months), info.year_end)

    def is_due(self, frequency: pd.Series, month: pd.Series) -> pd.Series:
        """True where a KPI of ``frequency`` (``M``/``Q``/``A``) is due in ``month`` (Period)."""
        number = month.map(lambda m: m.month)
        return ((frequency == "M") | ((frequency == "Q") & number.isin(self.quarter_end_months))
                | ((frequency == "A") & (number == self.year_end_month)))


def expected_kpi_months(kpis: pd.DataFrame, months: pd.PeriodIndex,
                        due: DueMonths | None = None) -> pd.DataFrame:
    """Return every KPI-month due in ``months``.

    Parameters
    ----------
    kpis : pandas.DataFrame
        ``kpi_id``, ``frequency`` (``M``/``Q``), ``effective_from`` and ``effective_to``
        (monthly ``pandas.Period``, ``effective_to`` NaT when open-ended).
    months : pandas.PeriodIndex
        Monthly periods to check (normally the months the contract holds returns for).
    due : DueMonths, optional
        The contract's quarter-end and year-end months (default Mar/Jun/Sep/Dec and March).

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
    is_due = (due or DueMonths()).is_due(grid["frequency"], grid["month"])
    return grid.loc[in_force & is_due, ["kpi_id", "month"]].reset_index(drop=True)


def missing_kpi_months(kpis: pd.DataFrame, returns: pd.DataFrame,
                       months: pd.PeriodIndex | None = None,
                       due: DueMonths | None = None) -> pd.DataFrame:
    """Return the KPI-months expected in ``months`` (default: every month held) with no row.

    ``returns`` needs ``kpi_id`` and ``month`` (Period). Columns as
    :func:`expected_kpi_months`.
    """
    if months is None:
        months = pd.PeriodIndex(sorted(returns["month"].unique()), freq="M")
    expected = expected_kpi_months(kpis, months, due)
    held = returns[["kpi_id", "month"]].drop_duplicates()
    merged = expected.merge(held, on=["kpi_id", "month"], how="left", indicator=True)
    return merged.loc[merged["_merge"] == "left_only", ["kpi_id", "month"]].reset_index(drop=True)
