"""Action plans: projects by activity stream with budgets, pressures and quarterly milestones.

Layout of ``data/<plan>/``::

    plan.yaml          quarters (label, first and last month), money unit, published totals
    rag_key.csv        the plan's own RAG key: word, rag, meaning
    actions.csv        one row per sheet row: stream, project, lead, resourcing, funding approach,
                       budget and pressure (money unit; blank = none published)
    milestones.csv     one row per non-empty quarter cell: row, quarter, milestone, successor lead,
                       optional status (a word from rag_key.csv)
    contract_changes.csv  optional: contract changes the plan carries out: change letter, title,
                       what it does, its stated cost and where that is stated, progress, and the
                       plan rows (``;``-separated) that deliver it
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load import system_schemas as ss
from scrutiny.load.action_plan import MONEY_COLUMNS, ActionPlan, load_plan_info


def totals_by_stream(actions: pd.DataFrame) -> pd.DataFrame:
    """Sum budget and pressure per activity stream, in plan order, with an all-streams row.

    Returns
    -------
    pandas.DataFrame
        ``stream``, ``projects``, and each money column (plan's money unit; blank cells count 0).
    """
    grouped = actions.groupby("stream", sort=False)
    table = grouped[MONEY_COLUMNS].sum().assign(projects=grouped.size())
    table.loc["All streams"] = table.sum()
    table["projects"] = table["projects"].astype("int64")
    return table.reset_index()[["stream", "projects", *MONEY_COLUMNS]]


def check_published_totals(plan: ActionPlan) -> pd.DataFrame:
    """Compare the transcribed rows' totals with the plan's published totals row.

    Returns
    -------
    pandas.DataFrame
        ``column``, ``published``, ``computed``, ``matches``.
    """
    computed = plan.actions[MONEY_COLUMNS].sum()
    published = pd.Series(plan.info.published_totals, dtype="float64")
    out = pd.DataFrame({"published": published, "computed": computed.reindex(published.index)})
    out["matches"] = out["published"] == out["computed"]
    return out.rename_axis("column").reset_index()


def milestones_by_quarter(plan: ActionPlan) -> pd.DataFrame:
    """Return every milestone with its stream, project and quarter dates, in quarter order.

    Returns
    -------
    pandas.DataFrame
        ``quarter``, ``quarter_label``, ``start``, ``end`` (monthly periods), ``stream``,
        ``project``, ``milestone``, ``successor_lead``.
    """
    quarters = pd.DataFrame(
        [(q, i.label, i.start, i.end) for q, i in plan.info.quarters.items()],
        columns=["quarter", "quarter_label", "start", "end"])
    quarters["start"] = pd.PeriodIndex(quarters["start"], freq="M")
    quarters["end"] = pd.PeriodIndex(quarters["end"], freq="M")
    quarters["_order"] = range(len(quarters))
    table = (plan.milestones.merge(plan.actions[["row", "stream", "project"]], on="row")
             .merge(quarters, on="quarter"))
    table = table.sort_values(["_order", "row"], kind="stable")
    columns = ["quarter", "quarter_label", "start", "end", "stream", "project", "milestone",
               "successor_lead"]
    return table[columns + (["rag"] if "rag" in table else [])].reset_index(drop=True)


def milestone_counts(plan: ActionPlan) -> pd.DataFrame:
    """Count milestones per quarter and stream (quarters as columns, in plan order)."""
    table = milestones_by_quarter(plan)
    counts = pd.crosstab(table["stream"], table["quarter"])
    counts = counts.reindex(columns=list(plan.info.quarters), fill_value=0)
    order = list(dict.fromkeys(plan.actions["stream"]))
    return counts.reindex(order).fillna(0).astype("int64").rename_axis(columns=None).reset_index()


def next_quarter(info: ss.ActionPlanInfo, quarter: str) -> str | None:
    """Return the plan quarter after ``quarter``, or None for the plan's last quarter."""
    keys = list(info.quarters)
    position = keys.index(quarter)
    return keys[position + 1] if position + 1 < len(keys) else None


def require_quarter(info: ss.ActionPlanInfo, quarter: str) -> None:
    """Raise :class:`NoDataForPeriodError` unless ``quarter`` is one of the plan's quarters."""
    if quarter not in info.quarters:
        raise NoDataForPeriodError(
            f"key 'quarter': plan {info.plan} has no quarter {quarter!r}; it has "
            + ", ".join(f"{k} ({q.label})" for k, q in info.quarters.items()))


def quarter_last_month(name: str, quarter: str, data_root: Path | None = None) -> str:
    """Return the last month (``YYYY-MM``) of a plan quarter, reading only ``plan.yaml``.

    Raises
    ------
    UnknownContractError, InputValidationError
        No such plan folder, or ``plan.yaml`` invalid.
    NoDataForPeriodError
        The plan has no such quarter.
    """
    info = load_plan_info(name, data_root)
    require_quarter(info, quarter)
    return info.quarters[quarter].end
