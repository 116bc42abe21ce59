"""Reading an action plan, ``data/<plan>/``, into validated frames.

The layout is described in ``scrutiny.systems.action_plan``, which computes on what this reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.load import system_schemas as ss
from scrutiny.load.folder import (
    ACTIONS_FILE,
    CONTRACT_CHANGES_FILE,
    MILESTONES_FILE,
    PLAN_FILE,
    PLAN_FILES,
    RAG_KEY_FILE,
    existing,
)
from scrutiny.load.portfolio import check_rag_words
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml

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
        return existing(self.folder, PLAN_FILES)


def load_action_plan(name: str, data_root: Path | None = None) -> ActionPlan:
    """Load and validate the action plan called ``name`` from ``data/<name>/``."""
    folder = dataset_dir(name, data_root)
    info = load_yaml(folder / PLAN_FILE, ss.ActionPlanInfo)
    rag_key = validate(read_csv_text(folder / RAG_KEY_FILE), ss.RAG_KEY, RAG_KEY_FILE)
    actions = load_actions(folder / ACTIONS_FILE)
    milestones = load_action_milestones(folder / MILESTONES_FILE, info, actions, rag_key)
    changes = load_contract_changes(folder / CONTRACT_CHANGES_FILE, actions)
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


def load_plan_info(name: str, data_root: Path | None = None) -> ss.ActionPlanInfo:
    """Read only ``plan.yaml`` of the plan called ``name`` (its quarters, money unit, totals).

    Raises
    ------
    UnknownContractError, InputValidationError
        No such plan folder, or ``plan.yaml`` invalid.
    """
    return load_yaml(dataset_dir(name, data_root) / PLAN_FILE, ss.ActionPlanInfo)
