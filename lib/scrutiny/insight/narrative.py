"""Plain-English highlights for a reporting period, every number taken from the library.

Each sentence function takes the same tables the reports print (summary counts, the exceptions
register, the trends table), so a sentence can never disagree with a table beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.periods import held_months, require_period
from scrutiny.core.rag import AMBER, BLUE, GREEN, RED
from scrutiny.insight.trends import ALPHA, DETERIORATING, IMPROVING, NOT_ENOUGH_DATA, flagged


def period_narrative(
    *,
    scores: pd.DataFrame,
    counts: pd.DataFrame,
    register: pd.DataFrame,
    trends: pd.DataFrame,
    services: Mapping[str, str],
    period: pd.Period,
    window: int,
    min_points: int,
    horizon: int,
    alpha: float = ALPHA,
    top_runs: int = 3,
) -> list[str]:
    """Short sentences a committee can read first, for one reporting month.

    Takes the tables a report has already computed, so nothing is scored twice and no sentence
    can disagree with a table beside it.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`scrutiny.score.scoring.score` of the contract.
    counts : pandas.DataFrame
        :func:`scrutiny.score.scoring.summary_counts` of ``scores``, covering the period and the
        month before it when that is held.
    register : pandas.DataFrame
        :func:`scrutiny.insight.register.exceptions_register` for ``period``.
    trends : pandas.DataFrame
        :func:`scrutiny.insight.trends.kpi_trends` for ``period`` with the settings below.
    services : mapping
        Service code -> name, in contract order.
    period : pandas.Period
        Reporting month.
    window, min_points, horizon, alpha : int, int, int, float
        The settings ``trends`` was computed with (months, months, months, probability).
    top_runs : int
        How many of the longest failing runs to name (ties at the cut-off are all named).

    Returns
    -------
    list of str
        Sentences in reading order: counts, failures by service, longest runs, Blue months and
        their reasons, trends, first-time failures.

    Raises
    ------
    NoDataForPeriodError
        If ``period`` has no results.
    """
    require_period(scores, period)
    first_held = held_months(scores)[0]
    return [
        counts_sentence(counts, period),
        failures_sentence(register, dict(services), period),
        runs_sentence(register, first_held, top=top_runs,
                      frequency=(scores.groupby("kpi_id")["frequency"].first()
                                 if "frequency" in scores else None)),
        blue_sentence(register),
        *trend_sentences(trends, window=window, min_points=min_points, alpha=alpha,
                         horizon=horizon),
        first_failure_sentence(scores, period),
    ]


def paragraph(sentences: list[str]) -> str:
    """Join sentences into one paragraph, leaving out empty ones."""
    return " ".join(s for s in sentences if s)


def counts_sentence(counts: pd.DataFrame, period: pd.Period) -> str:
    """How many KPIs met target, the change from the month before, and the other bands.

    ``counts`` is :func:`scrutiny.score.scoring.summary_counts`; its ``ALL`` rows are used.
    """
    overall = counts[counts["service"] == "ALL"].set_index("month")
    now = overall.loc[period]
    text = f"In {month_name(period)}, {now[GREEN]} of {now['total']} KPIs met their target (Green)"
    previous = period - 1
    if previous in overall.index:
        change = int(now[GREEN] - overall.loc[previous, GREEN])
        text += (f", the same as in {month_name(previous)}" if change == 0 else
                 f", {abs(change)} {'more' if change > 0 else 'fewer'} than in "
                 f"{month_name(previous)}")
    else:
        text += f", with no results held for {month_name(previous)} to compare with"
    return (text + f"; {now[AMBER]} met only the minimum (Amber), {now[RED]} were Red and "
            f"{now[BLUE]} were Blue (mitigated, in a glide period or not measured, so not "
            "scored).")


def failures_sentence(register: pd.DataFrame, services: dict[str, str],
                      period: pd.Period) -> str:
    """Which services had Amber or Red KPIs, with how many, and which had none."""
    failing = register[register["rag"].isin([AMBER, RED])]
    if failing.empty:
        return f"No KPI missed its target in {month_name(period)}."
    per_service = failing["service"].value_counts().reindex(list(services)).dropna()
    named = [f"{services[code]} ({int(n)} KPI{'s' if n != 1 else ''})"
             for code, n in per_service.items()]
    clear = [name for code, name in services.items() if code not in per_service.index]
    text = f"KPIs missed their target (Amber or Red) in {join_words(named)}"
    return text + (f"; {join_words(clear)} had none." if clear else ".")


#: A run counted in a KPI's results, by frequency (core.runs): months, quarters or years.
RUN_UNITS = {"M": ("consecutive month", "consecutive months"),
             "Q": ("consecutive quarterly result", "consecutive quarterly results"),
             "A": ("consecutive annual result", "consecutive annual results")}


def runs_sentence(register: pd.DataFrame, first_held: pd.Period, *, top: int = 3,
                  frequency: Mapping[str, str] | pd.Series | None = None) -> str:
    """The longest runs of consecutive failing results that reach the period.

    ``frequency`` (KPI -> ``M``/``Q``/``A``) names each run in its KPI's results: a quarterly
    KPI failing four quarters running has "4 consecutive quarterly results", not 4 months.
    Without it every KPI is taken as monthly.
    """
    runs = register[register["run_length"] > 0]
    if runs.empty:
        return ""
    if int(runs["run_length"].max()) == 1:
        return "No KPI has missed its target for more than one month in a row."
    longest = runs.nlargest(top, "run_length", keep="all")
    kinds = longest["kpi_id"].map(dict(frequency) if frequency is not None else {}).fillna("M")
    groups = longest.assign(kind=kinds.where(kinds.isin(list(RUN_UNITS)), "M")).groupby(
        ["run_length", "kind"], sort=False)["kpi_id"].apply(list)
    months_held = int(register["month"].iloc[0].ordinal - first_held.ordinal) + 1
    order = sorted(groups.items(), key=lambda item: (-item[0][0], list(RUN_UNITS).index(
        item[0][1])))
    parts = [f"{length} {RUN_UNITS[kind][length != 1]} for {join_words(ids)}"
             + (f" (every month held, since {month_name(first_held)})"
                if kind == "M" and length == months_held else "")
             for (length, kind), ids in order]
    return "The longest failing runs are " + "; ".join(parts) + "."


def blue_sentence(register: pd.DataFrame) -> str:
    """Which KPIs were Blue and whether the data record a reason for each."""
    blue = register[register["rag"] == BLUE]
    if blue.empty:
        return ""
    ids = blue["kpi_id"].tolist()
    unexplained = blue.loc[blue["reason"].isna(), "kpi_id"].tolist()
    text = f"{join_words(ids)} {'was' if len(ids) == 1 else 'were'} Blue"
    if not unexplained:
        return text + "; the reason for each is given in the exceptions register."
    if len(unexplained) == len(ids):
        return text + "; no reason for the mitigation is recorded in the data held."
    return text + f"; no reason is recorded for {join_words(unexplained)}."


#: Longest list of KPI codes a sentence names; beyond it the sentence points to the table.
MAX_NAMED = 10


def trend_sentences(trends: pd.DataFrame, *, window: int, min_points: int, alpha: float,
                    horizon: int) -> list[str]:
    """Significant trends, KPIs projected to miss TSL or MSL soon, and KPIs not assessed."""
    period = trends["period"].iloc[0]
    unassessed = trends.loc[trends["classification"] == NOT_ENOUGH_DATA, "kpi_id"].tolist()
    if len(unassessed) == len(trends):
        return [f"No trend could be assessed: a KPI needs {min_points} scored months in the "
                f"{window} months to {month_name(period)}, and none of the {len(trends)} KPIs "
                "has that many (Blue months, months without a number and months before the "
                "first return do not count)."]
    over = f"Over the {window} months to {month_name(period)}"
    worse = trends.loc[trends["classification"] == DETERIORATING, "kpi_id"].tolist()
    better = trends.loc[trends["classification"] == IMPROVING, "kpi_id"].tolist()
    level = f"{alpha:.0%}" if round(alpha * 100, 6).is_integer() else f"{alpha:.1%}"
    if worse or better:
        parts = [f"{join_words(ids)} {'shows' if len(ids) == 1 else 'show'} a significant "
                 f"{word} trend" for ids, word in ((worse, "deteriorating"),
                                                   (better, "improving")) if ids]
        first = f"{over}, {' and '.join(parts)} (Kendall's tau, {level} level)."
    else:
        first = f"{over}, no KPI shows a significant trend (Kendall's tau, {level} level)."
    warned = flagged(trends)
    if warned.empty:
        second = (f"No KPI is projected to miss its target or minimum within {horizon} "
                  f"month{'s' if horizon != 1 else ''} if trends continue.")
    else:
        second = "If trends continue, " + join_words(
            [_projection(row) for row in warned.itertuples()]) + "."
    named = (" (listed in the trends section)" if len(unassessed) > MAX_NAMED
             else f": {join_words(unassessed)}" if unassessed else "")
    third = "" if not unassessed else (
        f"{len(unassessed)} KPI{'s' if len(unassessed) != 1 else ''} had fewer than "
        f"{min_points} scored months in the window (Blue or no data) and "
        f"{'was' if len(unassessed) == 1 else 'were'} not assessed{named}.")
    return [first, second, third]


def _projection(row) -> str:
    parts = []
    if pd.notna(row.months_to_tsl):
        parts.append(f"its target in {_months(row.months_to_tsl)}")
    if pd.notna(row.months_to_msl):
        parts.append(f"its minimum in {_months(row.months_to_msl)}")
    return f"{row.kpi_id} would miss " + " and ".join(parts)


def _months(n: float) -> str:
    return f"{int(n)} month{'s' if int(n) != 1 else ''}"


def first_failure_sentence(scores: pd.DataFrame, period: pd.Period) -> str:
    """KPIs failing in ``period`` that never failed in an earlier month held."""
    failing = scores["rag"].isin([AMBER, RED])
    failed_before = scores.loc[failing & (scores["month"] < period), "kpi_id"].unique()
    now = scores.loc[failing & (scores["month"] == period), "kpi_id"]
    first = now[~now.isin(failed_before)].tolist()
    first_held = held_months(scores)[0]
    if period == first_held:
        return (f"{month_name(period)} is the first month held, so there are no earlier "
                "months to compare failures with.")
    since = f"since {month_name(first_held)}"
    if not first:
        return f"No KPI failed for the first time in the data held ({since})."
    verb = "failed" if len(first) == 1 else "each failed"
    return f"{join_words(first)} {verb} for the first time in the data held ({since})."


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
