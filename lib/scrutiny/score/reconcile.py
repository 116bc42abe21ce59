"""Reconciling published summary counts against the counts computed from KPI-level results."""

from __future__ import annotations

import pandas as pd

COUNT_COLUMNS = ["green", "amber", "red", "blue", "total"]


def reconcile(published: pd.DataFrame, computed: pd.DataFrame) -> pd.DataFrame:
    """List every published cell that the KPI-level data does not reproduce.

    Parameters
    ----------
    published : pandas.DataFrame
        Published counts: ``source, service, month`` and the count columns.
    computed : pandas.DataFrame
        Output of :func:`scrutiny.score.scoring.summary_counts`.

    Returns
    -------
    pandas.DataFrame
        ``source, service, month, category, published, computed, finding``: one row per differing
        cell, then one row (``category`` ``"all"``) per published summary that cannot be checked
        because the month has no KPI-level results (``finding`` ``"no KPI-level results"``).
    """
    long_pub = published.melt(id_vars=["source", "service", "month"], value_vars=COUNT_COLUMNS,
                              var_name="category", value_name="published")
    long_cmp = computed.melt(id_vars=["service", "month"], value_vars=COUNT_COLUMNS,
                             var_name="category", value_name="computed")
    both = long_pub.merge(long_cmp, on=["service", "month", "category"], how="left")
    both["computed"] = both["computed"].astype("Int64")
    unverifiable = both[both["computed"].isna()].drop_duplicates(["source", "service", "month"])
    unverifiable = unverifiable.assign(category="all", published=pd.NA,
                                       finding="no KPI-level results")
    differs = both[both["computed"].notna() & (both["published"] != both["computed"])]
    table = pd.concat([differs.assign(finding="differs"), unverifiable], ignore_index=True)
    return table.astype({"published": "Int64"})
