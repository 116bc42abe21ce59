"""Reading a project portfolio, ``data/<portfolio>/``, into validated frames.

The layout is described in ``scrutiny.systems.projects``, which computes on what this reads.
Date cells hold ``YYYY-MM-DD``, ``YYYY-MM`` (month known, day not), one of the portfolio's date
words (e.g. ``TBC``) or nothing. Each date column ``X`` is loaded as ``X`` (the day, NaT unless a
day is published) and ``X_text`` (as published).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.core.periods import held_months
from scrutiny.load import system_schemas as ss
from scrutiny.load.folder import (
    MILESTONE_KPI_FILE,
    MILESTONES_FILE,
    PORTFOLIO_CHANGES_FILE,
    PORTFOLIO_FILE,
    PROJECTS_FILE,
    PUBLISHED_COUNTS_FILE,
    RAG_KEY_FILE,
)
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml


@dataclass(frozen=True)
class Portfolio:
    """A validated project portfolio; dates typed, snapshots as monthly periods."""

    info: ss.PortfolioInfo
    folder: Path
    rag_key: pd.DataFrame
    projects: pd.DataFrame
    milestones: pd.DataFrame
    published_counts: pd.DataFrame
    changes: pd.DataFrame
    milestone_kpi: pd.DataFrame

    @property
    def snapshots(self) -> pd.PeriodIndex:
        """Snapshots with project rows, in order."""
        return held_months(self.projects, "snapshot")


def load_portfolio(name: str, data_root: Path | None = None) -> Portfolio:
    """Load and validate the portfolio called ``name`` from ``data/<name>/``."""
    folder = dataset_dir(name, data_root)
    info = load_yaml(folder / PORTFOLIO_FILE, ss.PortfolioInfo)
    rag_key = validate(read_csv_text(folder / RAG_KEY_FILE), ss.RAG_KEY, RAG_KEY_FILE)
    projects = load_projects(folder / PROJECTS_FILE, info, rag_key)
    milestones = load_milestones(folder / MILESTONES_FILE, info, projects)
    return Portfolio(
        info, folder, rag_key, projects, milestones,
        _optional(folder / PUBLISHED_COUNTS_FILE, load_published_counts),
        _optional(folder / PORTFOLIO_CHANGES_FILE, _load_changes),
        _optional(folder / MILESTONE_KPI_FILE, load_milestone_kpi),
    )


def _optional(path: Path, loader) -> pd.DataFrame:
    return loader(path) if path.exists() else pd.DataFrame()


def parse_dates(frame: pd.DataFrame, column: str, file: str, date_words) -> pd.DataFrame:
    """Check a date column and add ``<column>_text``; ``<column>`` becomes the day (or NaT).

    Parameters
    ----------
    frame : pandas.DataFrame
        Text table as read by ``tables.read_csv_text``.
    column : str
        Column holding ``YYYY-MM-DD``, ``YYYY-MM``, a date word or nothing.
    file : str
        File name for error messages.
    date_words : iterable of str
        Words allowed instead of a date (e.g. ``TBC``).

    Raises
    ------
    InputValidationError
        Naming file, row and column of the first cell that is none of these, or is no real day.
    """
    text = frame[column].str.strip()
    words = list(date_words)
    day = text.str.match(ss.ISO_DAY)
    month = text.str.match(ss.ISO_MONTH)
    allowed = day | month | text.isin(words) | (text == "")
    fail_at(frame, ~allowed, file, column, "{" + column + "!r} is not a date",
            hint=f"write YYYY-MM-DD, YYYY-MM or one of: {', '.join(words)}")
    days = pd.to_datetime(text.where(day), format="%Y-%m-%d", errors="coerce")
    fail_at(frame, day & days.isna(), file, column, "{" + column + "!r} is not a real day",
            hint="check the day and month")
    months = pd.to_datetime(text.where(month), format="%Y-%m", errors="coerce")
    fail_at(frame, month & months.isna(), file, column, "{" + column + "!r} is not a real month",
            hint="months run 01-12")
    return frame.assign(**{column: days, f"{column}_text": text})


def check_rag_words(frame: pd.DataFrame, rag_key: pd.DataFrame, file: str,
                    column: str = "rag") -> pd.Series:
    """Refuse RAG words not in the key; return each row's RAG (``green``, ..., ``none``)."""
    words = rag_key.set_index("word")["rag"]
    fail_at(frame, ~frame[column].isin(words.index), file, column,
            "unknown RAG word {" + column + "!r}",
            hint=f"use one of the words in rag_key.csv: {', '.join(words.index)}")
    return frame[column].map(words)


def load_projects(path: Path, info: ss.PortfolioInfo, rag_key: pd.DataFrame) -> pd.DataFrame:
    """Read project rows: known snapshot, known RAG word, valid dates."""
    text = validate(read_csv_text(path), ss.PROJECTS, path.name)
    fail_at(text, ~text["snapshot"].isin(list(info.snapshots)), path.name, "snapshot",
            "snapshot {snapshot} is not listed in portfolio.yaml",
            hint="add it under snapshots: in portfolio.yaml")
    frame = text.assign(rag_word=text["rag"], rag=check_rag_words(text, rag_key, path.name))
    for column in ("start_date", "forecast_closure"):
        frame = parse_dates(frame, column, path.name, info.date_words)
    return frame.assign(snapshot=pd.PeriodIndex(frame["snapshot"], freq="M"))


def load_milestones(path: Path, info: ss.PortfolioInfo, projects: pd.DataFrame) -> pd.DataFrame:
    """Read milestone rows; each must belong to a project row of the same snapshot."""
    text = validate(read_csv_text(path), ss.PROJECT_MILESTONES, path.name)
    known = set(zip(projects["snapshot"].astype(str), projects["name"], strict=True))
    pairs = zip(text["snapshot"], text["name"], strict=True)
    fail_at(text, ~pd.Series([pair in known for pair in pairs], index=text.index),
            path.name, "name", "no project {name!r} in projects.csv for snapshot {snapshot}",
            hint="the name must match projects.csv exactly")
    frame = text
    for column in ("baseline", "forecast"):
        frame = parse_dates(frame, column, path.name, info.date_words)
    return frame.assign(snapshot=pd.PeriodIndex(frame["snapshot"], freq="M"))


def load_published_counts(path: Path) -> pd.DataFrame:
    """Read published RAG counts per snapshot."""
    text = validate(read_csv_text(path), ss.PUBLISHED_PROJECT_COUNTS, path.name)
    counts = text.astype({c: "int64" for c in ("red", "amber", "green")})
    return counts.assign(snapshot=pd.PeriodIndex(counts["snapshot"], freq="M"))


def _load_changes(path: Path) -> pd.DataFrame:
    text = validate(read_csv_text(path), ss.PORTFOLIO_CHANGES, path.name)
    return text.assign(snapshot=pd.PeriodIndex(text["snapshot"], freq="M"))


def load_milestone_kpi(path: Path) -> pd.DataFrame:
    """Read the milestones-achieved KPI by reporting month and the month it measures."""
    text = validate(read_csv_text(path), ss.MILESTONE_KPI, path.name)
    return text.assign(value=to_number(text, "value", path.name),
                       reporting_month=pd.PeriodIndex(text["reporting_month"], freq="M"),
                       actual_month=pd.PeriodIndex(text["actual_month"], freq="M"))
