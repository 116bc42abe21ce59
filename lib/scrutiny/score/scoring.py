"""Scoring each KPI-month Green, Amber, Red or Blue, exactly in the contract's order of rules.

1. Blue: a council decision: a glide period for the KPI, or mitigation the council agreed
   (``mitigation_reasons.csv``, written by ``scrutiny mitigate``). A value may still be recorded;
   it is shown but not scored. A return's "Mitigation Agreed" / "Not Measured" is only a claim:
   Blue when the council has decided it, else scored as the return stands (no number: Red,
   data not available, status "... (claimed, not decided)").
2. Red, data not available: "Data not available", "Data not agreed", a blank cell, or no row at
   all for a KPI the contract expected that month ("not in the return", see
   :mod:`scrutiny.load.completeness`): leaving a KPI out must not lower the supplier's penalty.
   Red, no return received: every KPI expected in a month whose return is overdue
   (:mod:`scrutiny.load.schedule`) and has not arrived.
3. Otherwise the number, as published to two decimals, against the thresholds in force that
   month (an override where one applies): Green meets TSL, Amber meets MSL only, Red misses MSL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scrutiny.core.rag import (
    AMBER_CODE,
    BLUE_CODE,
    GREEN_CODE,
    RAG_DTYPE,
    RAG_ORDER,
    RED_CODE,
    UNBANDED,
)
from scrutiny.core.statuses import (
    BLANK,
    CLAIMS,
    MITIGATION_AGREED,
    NO_RETURN,
    NOT_IN_RETURN,
    NOT_MEASURED,
    STATUS_WORDS,
    status_codes,
)
from scrutiny.load.completeness import DueMonths, missing_kpi_months
from scrutiny.score.banding import band_codes

if TYPE_CHECKING:  # summary_counts on cached scores should not import the loaders (pydantic)
    from scrutiny.load.contract import Contract

SCORE_COLUMNS = [
    "kpi_id", "service", "month", "value", "status", "rag", "tsl", "msl", "direction", "unit",
    "basis", "override_reason", "glide_reason", "footnote", "description", "frequency",
    "unit_label", "comment",
]


def score(contract: Contract) -> pd.DataFrame:
    """Score every KPI-month of a contract.

    Returns
    -------
    pandas.DataFrame
        One row per KPI-month, sorted by service (contract order), KPI and month, with columns
        ``kpi_id, service, month, value, status, rag, tsl, msl, direction, unit, basis,
        override_reason, glide_reason, footnote, description, frequency, unit_label, comment``
        (``comment``: the supplier's commentary, ``""`` for none). ``value`` is NaN where the return
        has no number; ``status`` is the return's word (``""`` for a number); ``tsl``/``msl`` are
        the thresholds in force that month.
    """
    kpis = contract.kpis[["kpi_id", "service", "description", "tsl", "msl", "direction", "unit",
                          "frequency", "unit_label"]]
    frame = with_missing_rows(contract).merge(kpis, on="kpi_id", how="left", validate="many_to_one")
    frame = _apply_ranges(frame, contract.overrides, ["tsl", "msl", "reason"], "override")
    frame = _apply_ranges(frame, contract.glides[contract.glides["kpi_id"] != ""], ["reason"],
                          "glide")
    frame = _apply_ranges(frame, contract.mitigations, ["reason"], "mitigation")
    scored = score_frame(decided(frame)).drop(columns="mitigation_reason")
    order = {service: i for i, service in enumerate(contract.info.services)}
    scored = scored.sort_values(["service", "kpi_id", "month"],
                                key=lambda s: s.map(order) if s.name == "service" else s)
    return scored.reset_index(drop=True)[SCORE_COLUMNS]


def with_missing_rows(contract: Contract) -> pd.DataFrame:
    """The contract's returns plus one row per KPI-month expected but not in the return.

    Added rows have an empty value and no number; their status is ``NO_RETURN`` in a month
    whose return is overdue and has not come (``contract.missing_returns``), else
    ``NOT_IN_RETURN``.
    """
    missing = missing_kpi_months(contract.kpis, contract.returns, contract.scored_months,
                                 DueMonths.of(contract.info))
    if missing.empty:
        return contract.returns
    no_return = missing["month"].isin(contract.missing_returns)
    added = missing.assign(value="", footnote="", comment="", number=float("nan"),
                           status=np.where(no_return, NO_RETURN, NOT_IN_RETURN))
    return pd.concat([contract.returns, added[list(contract.returns.columns)]],
                     ignore_index=True)


def decided(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn the return's claims into what the council decided.

    A KPI-month with a ``mitigation_reason`` (the council agreed mitigation) is "Mitigation
    Agreed" (a "Not Measured" stays so); a claim the council has not decided (no mitigation,
    no ``glide_reason``) becomes its ``CLAIMS`` word. Other rows are unchanged.
    """
    status = frame["status"].astype(object)
    agreed = frame["mitigation_reason"].notna()
    unconfirmed = status.isin(list(CLAIMS)) & ~agreed & frame["glide_reason"].isna()
    status = status.mask(agreed & status.ne(NOT_MEASURED), MITIGATION_AGREED)
    status = status.mask(unconfirmed, status.map(CLAIMS))
    return frame.assign(status=status)


def unconfirmed_claims(scores: pd.DataFrame) -> pd.DataFrame:
    """The KPI-months whose return claims relief the council has not decided (``kpi_id, month,
    status``): what ``scrutiny status`` and the register list."""
    claimed = scores["status"].astype(object).isin(list(CLAIMS.values()))
    return scores.loc[claimed, ["kpi_id", "month", "status"]].reset_index(drop=True)


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
        ``rag`` (categories ``RAG_ORDER``) and ``basis`` are categorical: one byte per row, and
        they compare, map, count and print as the words. ``value`` is ``number``'s data and the
        other columns are ``frame``'s, not copies (as ``DataFrame.copy(deep=False)``).
    """
    word = status_codes(frame["status"])
    # Every outcome as one small int: banded 0-2 (missing -1), status word 3+, glide last.
    outcome = band_codes(frame["number"], tsl=frame["tsl"], msl=frame["msl"],
                         higher_is_better=frame["direction"].eq("higher").to_numpy())
    np.add(word, _FIRST_WORD_OUTCOME, out=outcome, where=word >= 0)
    np.copyto(outcome, _GLIDE_OUTCOME, where=frame["glide_reason"].notna().to_numpy())
    status = frame["status"]
    if isinstance(status.dtype, pd.CategoricalDtype) and BLANK not in status.cat.categories:
        status = status.cat.add_categories(BLANK)
    return with_columns(
        frame, value=frame["number"], status=status.fillna(BLANK),
        rag=pd.Categorical.from_codes(_RAG_OF_OUTCOME[outcome], dtype=RAG_DTYPE, validate=False),
        basis=pd.Categorical.from_codes(outcome, dtype=_BASIS_DTYPE, validate=False))


def with_columns(frame: pd.DataFrame, **columns) -> pd.DataFrame:
    """``frame.assign(**columns)`` without copying any data (the result shares it).

    ``DataFrame.assign`` and ``frame[name] = array`` copy every column they touch (and assign
    copies the whole frame); on 10 million rows that copying costs more than the scoring.
    """
    data = {name: frame[name] for name in frame.columns}
    data.update(columns)
    return pd.DataFrame(data, index=frame.index, copy=False)


_BANDED_BASIS = ["met TSL", "met MSL, missed TSL", "missed MSL"]  # by band code 0-2
_FIRST_WORD_OUTCOME = len(_BANDED_BASIS)
_GLIDE_OUTCOME = _FIRST_WORD_OUTCOME + len(STATUS_WORDS)
_BASIS_DTYPE = pd.CategoricalDtype(
    [*_BANDED_BASIS, *(basis for _, basis in STATUS_WORDS.values()), "glide period"])
_RAG_OF_OUTCOME = np.array(
    [GREEN_CODE, AMBER_CODE, RED_CODE, *(RAG_ORDER.index(rag) for rag, _ in STATUS_WORDS.values()),
     BLUE_CODE, UNBANDED], dtype=np.int8)  # the last entry is outcome -1: nothing to score


def _apply_ranges(frame: pd.DataFrame, ranges: pd.DataFrame, columns: list[str],
                  prefix: str) -> pd.DataFrame:
    """Join date-ranged rows (overrides, glides) onto KPI-months; the range's values win."""
    months = ranges.assign(month=[pd.period_range(a, b, freq="M") for a, b in
                                  zip(ranges["from_month"], ranges["to_month"], strict=True)])
    months = months.explode("month")[["kpi_id", "month", *columns]]
    months["month"] = pd.PeriodIndex(months["month"], freq="M")  # typed even when empty
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
    if rows.empty:  # a contract with no results yet
        return pd.DataFrame({c: pd.Series(dtype="int64" if c not in ("service", "month")
                                          else object)
                             for c in ["service", "month", *RAG_ORDER, "total"]})
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
