"""The year-end review's figures: status counts, worst runs, decisions and commentary of a year.

Pure functions of the contract's tables; the sections (:mod:`.sections`) only show them.
"""

from __future__ import annotations

import pandas as pd

from scrutiny.core.rag import AMBER, BLUE, RAG_LABELS, RAG_ORDER, RED
from scrutiny.core.runs import status_runs
from scrutiny.insight.procurement import RATINGS

#: Runs shorter than this are not "worst runs" (a single Red month is not a run).
MIN_RUN = 2
#: Most runs the worst-runs table lists.
MAX_RUNS = 10


def status_by_service(scores: pd.DataFrame, services: dict[str, str]) -> pd.DataFrame:
    """KPI-months by status per service over ``scores`` (every service, zeros included).

    Returns
    -------
    pandas.DataFrame
        ``service``, ``name``, one column per RAG label (Green, Amber, Red, Blue) and ``Total``,
        then an ``All services`` row.
    """
    counts = pd.crosstab(scores["service"], scores["rag"]).reindex(
        index=list(services), columns=RAG_ORDER, fill_value=0)
    counts.columns = [RAG_LABELS[r] for r in RAG_ORDER]
    counts["Total"] = counts.sum(axis=1)
    counts.loc["All services"] = counts.sum()
    names = {**services, "All services": "All services"}
    table = counts.rename_axis("service").reset_index()
    table.insert(1, "name", table["service"].map(names))
    return table


def rating_totals(ratings: pd.DataFrame) -> dict[str, int]:
    """KPIs per Procurement Act rating, in the Act's order (zeros included)."""
    counts = ratings["rating"].value_counts()
    return {r: int(counts.get(r, 0)) for r in RATINGS}


def worst_runs(scores: pd.DataFrame) -> pd.DataFrame:
    """The longest runs of consecutive Red months in ``scores``, longest first.

    The runs of ``ContractHandle.runs("Red")`` and the ratings' longest Red run (one rule,
    :func:`scrutiny.core.runs.status_runs`): Blue months neither extend nor break a run, a
    Green or Amber month ends it, and runs are counted within ``scores`` (the year) only.

    Returns
    -------
    pandas.DataFrame
        ``kpi_id``, ``service``, ``description``, ``first``, ``last`` (Periods), ``months``;
        runs of at least :data:`MIN_RUN` months, at most :data:`MAX_RUNS` rows.
    """
    runs = status_runs(scores, RED)
    about = scores.drop_duplicates("kpi_id", keep="last").set_index("kpi_id")
    table = pd.DataFrame({"kpi_id": runs["kpi_id"],
                          "service": runs["kpi_id"].map(about["service"]),
                          "description": runs["kpi_id"].map(about["description"]),
                          "first": runs["start"], "last": runs["end"],
                          "months": runs["length"]})
    table = table[table["months"] >= MIN_RUN]
    return table.sort_values(["months", "kpi_id", "first"], ascending=[False, True, True],
                             kind="stable").head(MAX_RUNS).reset_index(drop=True)


def ranges_in(frame: pd.DataFrame, start: pd.Period, end: pd.Period) -> pd.DataFrame:
    """Rows of a table of month ranges (``from_month``, ``to_month``) that touch the year.

    ``to_month`` may be blank or missing (open-ended). Months may be text or Periods.
    """
    if frame.empty:
        return frame
    first = pd.PeriodIndex(frame["from_month"].astype(str), freq="M")
    last_text = frame["to_month"].astype(str).replace({"": None, "NaT": None, "nan": None,
                                                       "None": None})
    last = pd.Series([pd.Period(t, freq="M") if t else end for t in last_text],
                     index=frame.index)
    return frame[(first <= end) & (last.to_numpy() >= start)]


def blue_months(scores: pd.DataFrame) -> int:
    """KPI-months scored Blue (mitigation or glide) in ``scores``."""
    return int(scores["rag"].eq(BLUE).sum())


def commentary(scores: pd.DataFrame) -> pd.DataFrame:
    """Amber and Red KPI-months whose return carries a supplier comment, by KPI then month."""
    if "comment" not in scores:
        return scores.iloc[0:0]
    text = scores["comment"].fillna("").astype(str).str.strip()
    rows = scores[scores["rag"].isin([AMBER, RED]) & text.ne("")]
    return rows.sort_values(["kpi_id", "month"], kind="stable")
