"""Project portfolios: next milestones, slippage, RAG per snapshot, path to green, what is due.

Layout of ``data/<portfolio>/``::

    portfolio.yaml          title, date words, snapshots (with the next period), milestone KPI
    rag_key.csv             RAG words a project row may use: word, rag, meaning
    projects.csv            one row per project per snapshot
    milestones.csv          next milestone(s) per project per snapshot: baseline and forecast dates
    published_counts.csv    RAG counts as published per snapshot (optional)
    portfolio_changes.csv   projects closed or added at a snapshot (optional)
    milestone_kpi.csv       "% of milestones achieved" by reporting and actual month (optional)

Date cells hold ``YYYY-MM-DD``, ``YYYY-MM`` (month known, day not), one of the portfolio's date
words (e.g. ``TBC``) or nothing. Each date column ``X`` is loaded as ``X`` (the day, NaT unless a
day is published) and ``X_text`` (as published).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load import system_schemas as ss
from scrutiny.load.portfolio import Portfolio

RAG_COLUMNS = ["red", "amber", "green", "none"]


def require_snapshot(portfolio: Portfolio, period: pd.Period) -> None:
    """Raise :class:`NoDataForPeriodError` unless ``period`` has project rows."""
    if period not in portfolio.snapshots:
        held = ", ".join(s.strftime("%Y-%m") for s in portfolio.snapshots)
        raise NoDataForPeriodError(
            f"key 'period': portfolio {portfolio.info.portfolio} has no project rows for "
            f"{period.strftime('%Y-%m')}; it has {held}")


# ----------------------------------------------------------------------------------------------
# Pure functions on the loaded tables


def slippage_days(baseline: pd.Series, forecast: pd.Series) -> pd.Series:
    """Return forecast minus baseline in whole days (positive = late); NaN unless both are days.

    Parameters
    ----------
    baseline, forecast : pandas.Series of datetime64
        Baseline and forecast/actual dates; NaT where a day is not published.

    Returns
    -------
    pandas.Series of float
        Days of slippage (negative = early).
    """
    return (forecast - baseline).dt.days.astype("float64").rename("slippage_days")


def due_date(text: pd.Series) -> pd.Series:
    """Return the latest day a published date can mean: the day itself, or a month's last day.

    Parameters
    ----------
    text : pandas.Series of str
        Dates as published (``YYYY-MM-DD``, ``YYYY-MM``, a word, or blank).

    Returns
    -------
    pandas.Series of datetime64
        NaT for words and blanks.
    """
    day = pd.to_datetime(text.where(text.str.match(ss.ISO_DAY)), format="%Y-%m-%d",
                         errors="coerce")
    month = pd.to_datetime(text.where(text.str.match(ss.ISO_MONTH)), format="%Y-%m",
                           errors="coerce")
    return day.fillna(month + pd.offsets.MonthEnd(0))


def next_milestones(projects: pd.DataFrame, milestones: pd.DataFrame) -> pd.DataFrame:
    """Return one row per project per snapshot with its next milestone and slippage.

    Where a project lists several milestones (workstreams), the next is the one with the earliest
    forecast; a project without milestones keeps blank milestone columns.

    Returns
    -------
    pandas.DataFrame
        Project columns plus ``milestone``, ``baseline``, ``forecast`` (datetime), their ``_text``
        forms, ``slippage_days`` and ``milestones_listed`` (how many the project listed).
    """
    ordered = milestones.assign(_due=due_date(milestones["forecast_text"]),
                                _order=np.arange(len(milestones)))
    ordered = ordered.sort_values(["snapshot", "name", "_due", "_order"], na_position="last",
                                  kind="stable")
    listed = ordered.groupby(["snapshot", "name"]).size().rename("milestones_listed")
    first = ordered.drop_duplicates(["snapshot", "name"]).drop(columns=["_due", "_order"])
    table = projects.merge(first, on=["snapshot", "name"], how="left")
    table = table.merge(listed, on=["snapshot", "name"], how="left")
    table["milestones_listed"] = table["milestones_listed"].fillna(0).astype("int64")
    for column in ("milestone", "baseline_text", "forecast_text"):
        table[column] = table[column].fillna("")
    return table.assign(slippage_days=slippage_days(table["baseline"], table["forecast"]))


def project_table(portfolio: Portfolio, snapshot: pd.Period | None = None) -> pd.DataFrame:
    """Return the portfolio's projects with next milestone and slippage, optionally one snapshot."""
    table = next_milestones(portfolio.projects, portfolio.milestones)
    if snapshot is not None:
        table = table[table["snapshot"] == pd.Period(snapshot, freq="M")]
    return table.reset_index(drop=True)


def rag_counts(projects: pd.DataFrame) -> pd.DataFrame:
    """Count projects by RAG per snapshot.

    Returns
    -------
    pandas.DataFrame
        ``snapshot``, ``red``, ``amber``, ``green``, ``none`` (not yet rated), ``total``.
    """
    counts = pd.crosstab(projects["snapshot"], projects["rag"])
    counts = counts.reindex(columns=RAG_COLUMNS, fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.rename_axis(columns=None).reset_index()


def rag_counts_by_snapshot(portfolio: Portfolio) -> pd.DataFrame:
    """Return RAG counts for every snapshot: computed from project rows where they exist,
    published otherwise, with both side by side where both exist.

    Returns
    -------
    pandas.DataFrame
        ``snapshot``, ``basis`` (``computed`` or ``published``), ``red``, ``amber``, ``green``,
        ``none``, ``total``, and ``matches_published`` (True/False, NaN where nothing to compare).
    """
    computed = rag_counts(portfolio.projects).assign(basis="computed")
    published = portfolio.published_counts
    if published.empty:
        return computed.assign(matches_published=np.nan)
    published = published.drop(columns="source").assign(none=0, basis="published")
    published["total"] = published[["red", "amber", "green"]].sum(axis=1)
    both = published.merge(computed, on="snapshot", how="inner", suffixes=("_p", ""))
    agree = (both[[f"{c}_p" for c in ("red", "amber", "green")]].to_numpy()
             == both[["red", "amber", "green"]].to_numpy()).all(axis=1)
    verdict = pd.Series(agree, index=both["snapshot"])
    table = pd.concat([computed, published[~published["snapshot"].isin(computed["snapshot"])]])
    table["matches_published"] = table["snapshot"].map(verdict)
    return table.sort_values("snapshot", kind="stable").reset_index(drop=True)


def movers(projects: pd.DataFrame, before: pd.Period, after: pd.Period) -> pd.DataFrame:
    """Compare each project's RAG at two snapshots (matched on ``project_id``).

    Returns
    -------
    pandas.DataFrame
        ``project_id``, ``name`` (at ``after``), ``rag_before``, ``rag_after`` and ``movement``:
        ``improved``, ``worsened``, ``unchanged``, ``now rated`` or ``no longer rated``.
    """
    rank = {"green": 0, "amber": 1, "red": 2}
    keyed = projects[projects["project_id"] != ""]
    first = keyed[keyed["snapshot"] == pd.Period(before, freq="M")]
    second = keyed[keyed["snapshot"] == pd.Period(after, freq="M")]
    both = first[["project_id", "rag"]].merge(second[["project_id", "name", "rag"]],
                                              on="project_id", suffixes=("_before", "_after"))
    old, new = both["rag_before"].map(rank), both["rag_after"].map(rank)
    movement = np.select(
        [old.isna() & new.isna(), old.isna(), new.isna(), new < old, new > old],
        ["unchanged", "now rated", "no longer rated", "improved", "worsened"], "unchanged")
    return both.assign(movement=movement)[["project_id", "name", "rag_before", "rag_after",
                                           "movement"]]


def path_to_green(projects: pd.DataFrame, snapshot: pd.Period) -> pd.DataFrame:
    """Return the Amber and Red projects of a snapshot with their path to green, worst first."""
    rows = projects[(projects["snapshot"] == pd.Period(snapshot, freq="M"))
                    & projects["rag"].isin(["red", "amber"])]
    rows = rows.assign(_rank=rows["rag"].map({"red": 0, "amber": 1}))
    columns = ["project_id", "name", "rag", "path_to_green", "impact", "rag_commentary"]
    return rows.sort_values(["_rank", "project_id"], kind="stable")[columns].reset_index(drop=True)


def due_to_close(projects: pd.DataFrame, before: pd.Timestamp | str,
                 snapshot: pd.Period | None = None) -> pd.DataFrame:
    """Return projects whose forecast closure falls on or before ``before``, soonest first."""
    rows = projects if snapshot is None else projects[projects["snapshot"]
                                                      == pd.Period(snapshot, freq="M")]
    due = due_date(rows["forecast_closure_text"])
    rows = rows.assign(due=due)[due <= pd.Timestamp(before)]
    columns = ["snapshot", "project_id", "name", "rag", "forecast_closure_text", "due"]
    return rows.sort_values("due", kind="stable")[columns].reset_index(drop=True)


def due_by(projects: pd.DataFrame, milestones: pd.DataFrame, by: pd.Timestamp | str,
           snapshot: pd.Period) -> pd.DataFrame:
    """Return what a snapshot forecasts for on or before ``by``: milestones and project closures.

    A date known only to the month counts as due at the month's end.

    Returns
    -------
    pandas.DataFrame
        ``project_id``, ``name``, ``item`` (``milestone`` or ``closure``), ``what``, ``forecast``
        (as published), ``due`` (datetime), soonest first.
    """
    period = pd.Period(snapshot, freq="M")
    rows = projects[projects["snapshot"] == period]
    ids = rows.set_index("name")["project_id"]
    ms = milestones[milestones["snapshot"] == period]
    items = pd.concat([
        pd.DataFrame({"project_id": ms["name"].map(ids), "name": ms["name"], "item": "milestone",
                      "what": ms["milestone"], "forecast": ms["forecast_text"]}),
        pd.DataFrame({"project_id": rows["project_id"], "name": rows["name"], "item": "closure",
                      "what": "Project closure", "forecast": rows["forecast_closure_text"]}),
    ], ignore_index=True)
    items["due"] = due_date(items["forecast"])
    items = items[items["due"] <= pd.Timestamp(by)]
    return items.sort_values(["due", "project_id", "item"], kind="stable").reset_index(drop=True)


def due_by_next_period(portfolio: Portfolio, snapshot: pd.Period) -> pd.DataFrame:
    """Return what is due by the end of the month of the snapshot's next report.

    Raises
    ------
    NoDataForPeriodError
        If portfolio.yaml gives the snapshot no next period.
    """
    period = pd.Period(snapshot, freq="M")
    info = portfolio.info.snapshots.get(str(period))
    if info is None or info.next_period is None:
        raise NoDataForPeriodError(f"portfolio.yaml gives snapshot {period} no next_period; "
                                   "add one to see what is due by then")
    end = pd.Period(info.next_period, freq="M").end_time.normalize()
    return due_by(portfolio.projects, portfolio.milestones, end, period)


def stage_distribution(projects: pd.DataFrame) -> pd.DataFrame:
    """Count projects per stage per snapshot (blank stage shown as ``not published``)."""
    stage = projects["stage"].replace("", "not published")
    counts = projects.assign(stage=stage).groupby(["snapshot", "stage"]).size()
    return counts.rename("projects").reset_index()
