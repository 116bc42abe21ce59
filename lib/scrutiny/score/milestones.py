"""Banding a project portfolio's milestones-achieved KPI (e.g. IMT_KPI_11), higher is better."""

from __future__ import annotations

import pandas as pd

from scrutiny.score.banding import band


def milestone_kpi_results(kpi: pd.DataFrame, *, tsl: float, msl: float,
                          lag_months: int = 1) -> pd.DataFrame:
    """Band the milestones-achieved KPI and check each reporting month reports ``lag_months`` back.

    Returns
    -------
    pandas.DataFrame
        Input columns plus ``rag`` (via ``banding.band``, higher is better) and ``lag_ok``.
    """
    lag = (kpi["reporting_month"] - kpi["actual_month"]).map(lambda offset: offset.n)
    return kpi.assign(rag=band(kpi["value"], tsl=tsl, msl=msl, higher_is_better=True),
                      lag_ok=lag == lag_months)
