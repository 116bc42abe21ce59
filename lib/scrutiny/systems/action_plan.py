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

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load import system_schemas as ss
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml
from scrutiny.systems.projects import check_rag_words

MONEY_COLUMNS = ["budget_2018_19", "pressure_2018_19"]


@dataclass(frozen=True)
class ActionPlan:
    """A validated action plan."""

    info: ss.ActionPlanInfo
    folder: Path
    rag_key: pd.DataFrame
    actions: pd.DataFrame
    milestones: pd.DataFrame
    contract_changes: pd.DataFrame

    @property
    def files(self) -> list[Path]:
        """The input files this plan was loaded from."""
        names = ("plan.yaml", "rag_key.csv", "actions.csv", "milestones.csv",
                 "contract_changes.csv")
        return [self.folder / n for n in names if (self.folder / n).exists()]


def load_action_plan(name: str, data_root: Path | None = None) -> ActionPlan:
    """Load and validate the action plan called ``name`` from ``data/<name>/``."""
    folder = dataset_dir(name, data_root)
    info = load_yaml(folder / "plan.yaml", ss.ActionPlanInfo)
    rag_key = validate(read_csv_text(folder / "rag_key.csv"), ss.RAG_KEY, "rag_key.csv")
    actions = load_actions(folder / "actions.csv")
    milestones = load_action_milestones(folder / "milestones.csv", info, actions, rag_key)
    changes = load_contract_changes(folder / "contract_changes.csv", actions)
    return ActionPlan(info, folder, rag_key, actions, milestones, changes)


def load_contract_changes(path: Path, actions: pd.DataFrame) -> pd.DataFrame:
    """Read ``contract_changes.csv`` (empty when absent); every plan row named must exist.

    Returns
    -------
    pandas.DataFrame
        The file's columns, ``plan_rows`` as a list of sheet-row numbers.
    """
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ss.CONTRACT_CHANGES.columns})
    text = validate(read_csv_text(path), ss.CONTRACT_CHANGES, path.name)
    rows = text["plan_rows"].map(lambda cell: [int(r) for r in cell.split(";") if r])
    known = set(actions["row"])
    unknown = rows.map(lambda listed: bool(set(listed) - known))
    fail_at(text, unknown, path.name, "plan_rows",
            "change {change}: plan row(s) {plan_rows} not all in actions.csv",
            hint="name rows of actions.csv, separated by ';'")
    return text.assign(plan_rows=rows)


def load_actions(path: Path) -> pd.DataFrame:
    """Read plan rows; money columns become floats (NaN where blank)."""
    text = validate(read_csv_text(path), ss.ACTIONS, path.name)
    money = {c: to_number(text, c, path.name, blank_ok=True) for c in MONEY_COLUMNS}
    return text.assign(row=text["row"].astype("int64"), **money)


def load_action_milestones(path: Path, info: ss.ActionPlanInfo, actions: pd.DataFrame,
                           rag_key: pd.DataFrame) -> pd.DataFrame:
    """Read quarterly milestones: known row and quarter, status (when given) from the RAG key."""
    text = validate(read_csv_text(path), ss.ACTION_MILESTONES, path.name)
    fail_at(text, ~text["row"].astype("int64").isin(actions["row"]), path.name, "row",
            "row {row} is not in actions.csv")
    fail_at(text, ~text["quarter"].isin(list(info.quarters)), path.name, "quarter",
            "unknown quarter {quarter!r}", hint=f"use one of: {', '.join(info.quarters)}")
    fail_at(text, (text["milestone"] == "") & (text["successor_lead"] == ""), path.name,
            "milestone", "row {row} {quarter}: the milestone is blank",
            hint="drop the row or give a milestone or successor lead")
    frame = text.assign(row=text["row"].astype("int64"))
    if "status" in frame:
        given = frame["status"] != ""
        rag = check_rag_words(frame[given], rag_key, path.name, column="status")
        frame["rag"] = rag.reindex(frame.index)
    return frame


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
    info = load_yaml(dataset_dir(name, data_root) / "plan.yaml", ss.ActionPlanInfo)
    require_quarter(info, quarter)
    return info.quarters[quarter].end
