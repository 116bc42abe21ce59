"""Procurement Act 2023 KPI ratings for a Contract Performance Notice.

Under section 52 of the Procurement Act 2023 a public contract worth more than GBP 5m must have at
least three KPIs, and under section 71 the authority must assess and publish the supplier's
performance against them at least once every 12 months (and at the end of the contract), rating
each KPI with one of five descriptors: Good, Approaching target, Requires improvement, Inadequate
or Other. The Act does not say how monthly RAG results become a descriptor; :class:`RatingRules`
is this toolkit's documented, parameterised mapping (see ``docs/procurement_ratings.md``).

Rules are tried in order and the first that holds decides:

1. **Other**: fewer scored (non-Blue) months than ``min_scored_months`` - mitigated, in a glide
   period or not measured throughout.
2. **Inadequate**: a run of ``inadequate_red_run`` or more consecutive Red months, or the share of
   scored months with no number (data not available or not agreed, blank) at least
   ``inadequate_no_data_share``.
3. **Requires improvement**: at least ``requires_improvement_reds`` Red months, or fewer than
   ``approaching_min_green_share`` of scored months Green.
4. **Approaching target**: no rule above, and some Amber months.
5. **Good**: every scored month Green.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from scrutiny.core.periods import require_range
from scrutiny.core.rag import AMBER, BLUE, GREEN, RED
from scrutiny.core.runs import status_runs
from scrutiny.core.spreadsheet import tag_table

GOOD, APPROACHING, REQUIRES_IMPROVEMENT, INADEQUATE, OTHER = (
    "Good", "Approaching target", "Requires improvement", "Inadequate", "Other")
RATINGS = [GOOD, APPROACHING, REQUIRES_IMPROVEMENT, INADEQUATE, OTHER]
#: The descriptors' statutory meanings, for report footnotes.
RATING_MEANINGS = {
    GOOD: "performance is meeting or exceeding the KPI",
    APPROACHING: "performance is close to meeting the KPI",
    REQUIRES_IMPROVEMENT: "performance is below the KPI",
    INADEQUATE: "performance is significantly below the KPI",
    OTHER: "performance cannot be described by the other four ratings",
}
RATING_COLUMNS = [
    "kpi_id", "service", "description", "months", "green", "amber", "red", "no_data", "blue",
    "scored", "longest_red_run", "rating", "rule",
]


class RatingRules(BaseModel):
    """Thresholds that turn a period's KPI-months into a Procurement Act rating.

    The defaults are this toolkit's reading of the descriptors, not statutory values; every
    report that shows ratings should state them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_scored_months: int = Field(1, ge=1, description=(
        "Fewer scored (non-Blue) months than this gives Other (mitigated throughout)."))
    inadequate_red_run: int = Field(3, ge=1, description=(
        "Consecutive Red months (Blue months skipped) that make a KPI Inadequate."))
    inadequate_no_data_share: float = Field(1.0, gt=0, le=1, description=(
        "Share of scored months with no number at or above which a KPI is Inadequate."))
    requires_improvement_reds: int = Field(1, ge=1, description=(
        "Red months (including no data) that make a KPI Requires improvement."))
    approaching_min_green_share: float = Field(0.5, ge=0, le=1, description=(
        "Least share of scored months Green for Approaching target; below it, Requires "
        "improvement."))


def procurement_ratings(scores: pd.DataFrame, start: pd.Period, end: pd.Period,
                        rules: RatingRules | None = None) -> pd.DataFrame:
    """Rate each KPI over ``start``..``end`` (inclusive) with the counts behind the rating.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`scrutiny.score.scoring.score`.
    start, end : pandas.Period
        First and last month of the assessment period (normally 12 months).
    rules : RatingRules, optional
        Thresholds; the defaults when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per KPI with a result in the period, in ``scores`` order, columns
        :data:`RATING_COLUMNS`: month counts by RAG (``no_data`` counts Red months without a
        number and is part of ``red``), ``scored`` (non-Blue months), ``longest_red_run``,
        ``rating`` and ``rule`` (the words of the rule that decided it).

    Raises
    ------
    NoDataForPeriodError
        If no month of the period has results, or ``start`` is after ``end``.
    """
    rules = rules or RatingRules()
    require_range(scores, start, end)
    rows = scores[(scores["month"] >= start) & (scores["month"] <= end)]
    counts = rows.groupby("kpi_id", sort=False).agg(
        service=("service", "first"), description=("description", "first"),
        months=("month", "size"),
        **({"frequency": ("frequency", "first")} if "frequency" in rows else {}))
    by_rag = pd.crosstab(rows["kpi_id"], rows["rag"]).reindex(
        columns=[GREEN, AMBER, RED, BLUE], fill_value=0)
    no_data = (rows["rag"].eq(RED) & rows["value"].isna()).groupby(rows["kpi_id"]).sum()
    table = counts.join(by_rag).assign(no_data=no_data, longest_red_run=longest_red_runs(rows))
    table.columns.name = None
    table["scored"] = table["months"] - table[BLUE]
    table["rating"], table["rule"] = rate(table, rules)
    return table.reset_index()[RATING_COLUMNS]


def longest_red_runs(rows: pd.DataFrame) -> pd.Series:
    """Longest run of consecutive Red months per KPI; Blue months neither extend nor break it.

    A calendar gap (a month with no row) ends a run, as in abatement (:mod:`scrutiny.core.runs`).
    The runs are those of :func:`scrutiny.core.runs.status_runs`, so the rating and
    ``runs()`` agree.
    """
    runs = status_runs(rows, RED)
    return runs.groupby("kpi_id")["length"].max().reindex(rows["kpi_id"].unique(),
                                                          fill_value=0)


#: What a run of a KPI's results is counted in, by frequency: a quarterly KPI Red in November,
#: February and May is Red in 3 consecutive *quarterly results*, not "3 consecutive months".
RUN_WORDS = {"M": "months", "Q": "quarterly results", "A": "annual results"}


def rate(table: pd.DataFrame, rules: RatingRules) -> tuple[np.ndarray, np.ndarray]:
    """Apply :class:`RatingRules` in order to month counts; return ratings and rule words.

    A ``frequency`` column, when there is one, names a run in the KPI's results
    (:data:`RUN_WORDS`); without it runs are in months.
    """
    scored = table["scored"]
    frequency = table["frequency"] if "frequency" in table else pd.Series("M", table.index)
    run_words = frequency.map(RUN_WORDS).fillna("months")
    share = lambda n: n / scored.where(scored > 0)  # noqa: E731 - NaN where nothing was scored
    no_data_share, green_share = share(table["no_data"]), share(table[GREEN])
    s = lambda col: table[col].astype(str)  # noqa: E731
    of_scored = " of " + s("scored") + " scored months"
    conditions = [
        (scored < rules.min_scored_months,
         OTHER, "Blue in " + s(BLUE) + " of " + s("months") + " months; "
         + s("scored") + f" scored (Other below {rules.min_scored_months})"),
        (table["longest_red_run"] >= rules.inadequate_red_run,
         INADEQUATE, "Red in " + s("longest_red_run") + " consecutive " + run_words + " "
         + f"(Inadequate at {rules.inadequate_red_run} or more)"),
        (no_data_share >= rules.inadequate_no_data_share,
         INADEQUATE, "no number in " + s("no_data") + of_scored
         + f" (Inadequate at {rules.inadequate_no_data_share:.0%} or more)"),
        (table[RED] >= rules.requires_improvement_reds,
         REQUIRES_IMPROVEMENT, "Red in " + s(RED) + of_scored
         + f" (Requires improvement at {rules.requires_improvement_reds} or more)"),
        (green_share < rules.approaching_min_green_share,
         REQUIRES_IMPROVEMENT, "Green in only " + s(GREEN) + of_scored
         + f" (Approaching target needs {rules.approaching_min_green_share:.0%})"),
        (table[AMBER] > 0,
         APPROACHING, "Green in " + s(GREEN) + of_scored + ", Amber in " + s(AMBER)
         + ", no Red"),
    ]
    masks = [c.fillna(False).to_numpy(bool) for c, _, _ in conditions]
    rating = np.select(masks, [r for _, r, _ in conditions], default=GOOD)
    rule = np.select(masks, [w.to_numpy() for _, _, w in conditions],
                     default=("Green in all " + s("scored") + " scored months").to_numpy())
    return rating, rule


def rating_counts(ratings: pd.DataFrame) -> pd.DataFrame:
    """How many KPIs got each rating, in the Act's order (zeros included)."""
    counts = ratings["rating"].value_counts().reindex(RATINGS, fill_value=0)
    return tag_table(counts.rename_axis("rating").reset_index(name="kpis"), "rating_counts")
