"""The exceptions register: every KPI-month that is not Green, with why and for how long.

Mitigation reasons are data (``data/<contract>/mitigation_reasons.csv``), keyed by KPI and an
inclusive month range, read by :func:`scrutiny.load.reasons.load_mitigation_reasons`. A reason
whose months have no results is listed by :func:`reasons_without_results` rather than silently
dropped, so a report can say which periods have results and which only have reasons.
"""

from __future__ import annotations

import pandas as pd

from scrutiny.core.months import month_label
from scrutiny.core.periods import require_period
from scrutiny.core.rag import BLUE, GREEN
from scrutiny.core.runs import FAILING, status_run_lengths
from scrutiny.core.statuses import CLAIMS
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load.folder import REASONS_FILE

REGISTER_COLUMNS = [
    "kpi_id", "service", "description", "month", "rag", "basis", "value", "status", "tsl", "msl",
    "override_reason", "run_length", "reason", "reason_source", "unit", "unit_label", "comment",
]
#: Score columns a register shows when present (blank otherwise): no label, no comment.
OPTIONAL_SCORE_COLUMNS = ("unit_label", "comment")
#: Where a Blue month's reason came from.
FROM_REASONS_FILE, FROM_GLIDE, NONE_RECORDED = REASONS_FILE, "glide period", "none recorded"
#: ``reason_source`` of a month whose return claims relief the council has not decided.
CLAIM_NOT_DECIDED = "claimed in the return, not decided"


def reasons_by_month(reasons: pd.DataFrame) -> pd.DataFrame:
    """Expand reasons to one row per KPI-month: ``kpi_id, month, short_description, reason``."""
    columns = ["kpi_id", "month", "short_description", "reason", "kpi_defined"]
    if reasons.empty:
        return pd.DataFrame({c: pd.Series(dtype="period[M]" if c == "month" else object)
                             for c in columns})
    months = [pd.period_range(a, b, freq="M")
              for a, b in zip(reasons["from_month"], reasons["to_month"], strict=True)]
    expanded = reasons.assign(month=months).explode("month")
    expanded["month"] = pd.PeriodIndex(expanded["month"], freq="M")
    return expanded[columns].reset_index(drop=True)


def failing_run_lengths(scores: pd.DataFrame) -> pd.Series:
    """Consecutive failing (Amber or Red) months up to and including each KPI-month.

    Green and Blue months end a run and score 0, as does a calendar gap between two results of
    the same KPI: the rule of ``ContractHandle.runs("failing")``
    (:func:`scrutiny.core.runs.status_rule`), so a register row's ``run_length`` is the
    length of the run ending in its month.

    Returns
    -------
    pandas.Series
        int64 aligned with ``scores``.
    """
    return status_run_lengths(scores, FAILING).rename("run_length")


def exceptions_register(scores: pd.DataFrame, period: pd.Period,
                        reasons: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every KPI-month of ``period`` that is not Green.

    Parameters
    ----------
    scores : pandas.DataFrame
        All of :func:`scrutiny.score.scoring.score` (earlier months are needed for run lengths).
    period : pandas.Period
        Reporting month.
    reasons : pandas.DataFrame, optional
        From :func:`load_mitigation_reasons`; Blue months look their reason up here first, then in
        the glide period, else ``reason_source`` says ``"none recorded"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REGISTER_COLUMNS` in the order of ``scores``: ``tsl``/``msl`` are those in
        force (``override_reason`` names a revision), ``run_length`` counts consecutive failing
        months (0 for Blue), ``reason`` is the mitigation reason for Blue rows, ``unit`` and
        ``unit_label`` say how to show ``value``, ``comment`` is the supplier's commentary.

    Raises
    ------
    NoDataForPeriodError
        If ``period`` has no results.
    """
    if reasons is not None and not (scores["month"] == period).any():
        _refuse_reason_only_period(reasons, period)
    require_period(scores, period)
    runs = failing_run_lengths(scores)
    rows = scores.assign(run_length=runs)
    rows = rows[(rows["month"] == period) & rows["rag"].ne(GREEN)]
    by_month = reasons_by_month(reasons if reasons is not None else pd.DataFrame())
    rows = rows.merge(by_month[["kpi_id", "month", "reason"]].rename(
        columns={"reason": "mitigation_reason"}), on=["kpi_id", "month"], how="left",
        validate="one_to_one")
    blue = rows["rag"].eq(BLUE)
    recorded = rows["mitigation_reason"].where(blue)
    glide = rows["glide_reason"].where(blue & recorded.isna())
    rows["reason"] = recorded.where(recorded.notna(), glide)
    rows["reason_source"] = pd.Series(pd.NA, index=rows.index, dtype="object").mask(
        blue, NONE_RECORDED).mask(glide.notna(), FROM_GLIDE).mask(recorded.notna(),
                                                                   FROM_REASONS_FILE)
    claimed = rows["status"].astype(object).isin(list(CLAIMS.values()))
    rows["reason"] = rows["reason"].mask(claimed, "the return claims relief; no council "
                                                  "decision is recorded (scrutiny mitigate)")
    rows["reason_source"] = rows["reason_source"].mask(claimed, CLAIM_NOT_DECIDED)
    for optional in OPTIONAL_SCORE_COLUMNS:  # scores built by hand may leave them out
        if optional not in rows:
            rows[optional] = ""
    return rows.reset_index(drop=True)[REGISTER_COLUMNS]


def _refuse_reason_only_period(reasons: pd.DataFrame, period: pd.Period) -> None:
    """Say so when a month without results does have mitigation reasons recorded."""
    named = reasons_for_period(reasons, period)["kpi_id"].drop_duplicates().tolist()
    if named:
        held = "no KPI results are held for this month"
        raise NoDataForPeriodError(
            f"{month_label(period)} has mitigation reasons ({', '.join(named)}, in "
            f"{REASONS_FILE}) but {held}; add that month's returns to score it")


def reasons_without_results(reasons: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Mitigation reasons for KPI-months that have no result in ``scores``.

    Returns
    -------
    pandas.DataFrame
        ``kpi_id, month, short_description, reason, kpi_defined``, one row per KPI-month.
    """
    by_month = reasons_by_month(reasons)
    held = scores[["kpi_id", "month"]].assign(_held=True)
    joined = by_month.merge(held, on=["kpi_id", "month"], how="left")
    return joined[joined["_held"].isna()].drop(columns="_held").reset_index(drop=True)


def reasons_for_period(reasons: pd.DataFrame, period: pd.Period) -> pd.DataFrame:
    """Mitigation reasons in force in ``period``, whether or not that month has results."""
    by_month = reasons_by_month(reasons)
    return by_month[by_month["month"] == period].reset_index(drop=True)
