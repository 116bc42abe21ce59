"""Scoring each KPI-month Green, Amber, Red or Blue, exactly in the contract's order of rules.

1. Blue: a glide period for the KPI, or the return says "Mitigation Agreed" / "Not Measured".
   A value may still be recorded; it is shown but not scored.
2. Red, data not available: "Data not available", "Data not agreed" or a blank cell.
3. Otherwise the number, as published to two decimals, against the thresholds in force that
   month (an override where one applies): Green meets TSL, Amber meets MSL only, Red misses MSL.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.banding import BLUE, RAG_ORDER, RED, band
from scrutiny.contract import Contract
from scrutiny.statuses import STATUS_WORDS

SCORE_COLUMNS = [
    "kpi_id", "service", "month", "value", "status", "rag", "tsl", "msl", "direction", "unit",
    "basis", "override_reason", "glide_reason", "footnote", "description",
]


def score(contract: Contract) -> pd.DataFrame:
    """Score every KPI-month of a contract.

    Returns
    -------
    pandas.DataFrame
        One row per KPI-month, sorted by service (contract order), KPI and month, with columns
        ``kpi_id, service, month, value, status, rag, tsl, msl, direction, unit, basis,
        override_reason, glide_reason, footnote, description``. ``value`` is NaN where the return
        has no number; ``status`` is the return's word (``""`` for a number); ``tsl``/``msl`` are
        the thresholds in force that month.
    """
    kpis = contract.kpis[["kpi_id", "service", "description", "tsl", "msl", "direction", "unit"]]
    frame = contract.returns.merge(kpis, on="kpi_id", how="left", validate="many_to_one")
    frame = _apply_ranges(frame, contract.overrides, ["tsl", "msl", "reason"], "override")
    frame = _apply_ranges(frame, contract.glides[contract.glides["kpi_id"] != ""], ["reason"],
                          "glide")
    scored = score_frame(frame)
    order = {service: i for i, service in enumerate(contract.info.services)}
    scored = scored.sort_values(["service", "kpi_id", "month"],
                                key=lambda s: s.map(order) if s.name == "service" else s)
    return scored.reset_index(drop=True)[SCORE_COLUMNS]


def score_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the status rules to KPI-months that already carry the thresholds in force.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``status`` (canonical word or NaN), ``number`` (float), ``tsl``, ``msl``,
        ``direction`` (``"higher"``/``"lower"``), ``glide_reason`` (NaN outside a glide).

    Returns
    -------
    pandas.DataFrame
        ``frame`` with ``value``, ``status`` (``""`` for numbers), ``rag`` and ``basis`` set.
    """
    word = frame["status"]
    word_rag = word.map({w: rag for w, (rag, _) in STATUS_WORDS.items()})
    word_basis = word.map({w: basis for w, (_, basis) in STATUS_WORDS.items()})
    glide = frame["glide_reason"].notna()
    banded = band(frame["number"], tsl=frame["tsl"], msl=frame["msl"],
                  higher_is_better=frame["direction"].eq("higher").to_numpy())
    numeric_basis = banded.map({"green": "met TSL", "amber": "met MSL, missed TSL",
                                "red": "missed MSL"})
    rag = np.select([glide, word_rag.eq(BLUE), word_rag.eq(RED)], [BLUE, BLUE, RED],
                    default=banded.to_numpy())
    basis = np.select([glide, word_rag.notna()], ["glide period", word_basis],
                      default=numeric_basis.to_numpy())
    return frame.assign(value=frame["number"], status=word.fillna(""), rag=rag, basis=basis)


def _apply_ranges(frame: pd.DataFrame, ranges: pd.DataFrame, columns: list[str],
                  prefix: str) -> pd.DataFrame:
    """Join date-ranged rows (overrides, glides) onto KPI-months; the range's values win."""
    months = ranges.assign(month=[pd.period_range(a, b, freq="M") for a, b in
                                  zip(ranges["from_month"], ranges["to_month"], strict=True)])
    months = months.explode("month")[["kpi_id", "month", *columns]]
    renamed = {c: f"{prefix}_{c}" for c in columns}
    joined = frame.merge(months.rename(columns=renamed), on=["kpi_id", "month"], how="left",
                         validate="many_to_one")
    for col in columns:
        if col in frame:
            joined[col] = joined[f"{prefix}_{col}"].astype("float64").fillna(joined[col])
            joined = joined.drop(columns=f"{prefix}_{col}")
    return joined


def summary_counts(
    scores: pd.DataFrame,
    services: list[str],
    *,
    start: pd.Period | None = None,
    end: pd.Period | None = None,
) -> pd.DataFrame:
    """Count KPIs by RAG for each service and month, plus ``ALL`` services.

    Returns
    -------
    pandas.DataFrame
        Columns ``service, month, green, amber, red, blue, total``; services in contract order,
        then ``ALL``; months ascending.
    """
    rows = scores
    if start is not None:
        rows = rows[rows["month"] >= start]
    if end is not None:
        rows = rows[rows["month"] <= end]
    counts = pd.crosstab([rows["service"], rows["month"]], rows["rag"]).reindex(
        columns=RAG_ORDER, fill_value=0)
    counts["total"] = counts.sum(axis=1)
    per_service = counts.reset_index()
    overall = counts.groupby(level="month").sum().reset_index().assign(service="ALL")
    table = pd.concat([per_service, overall], ignore_index=True)
    order = {s: i for i, s in enumerate([*services, "ALL"])}
    table = table.sort_values(["service", "month"],
                              key=lambda s: s.map(order) if s.name == "service" else s)
    table.columns.name = None
    return table[["service", "month", *RAG_ORDER, "total"]].reset_index(drop=True)
