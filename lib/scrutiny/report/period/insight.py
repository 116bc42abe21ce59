"""Period-report sections on what needs attention: exceptions, trends, Procurement Act ratings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.periods import held_months
from scrutiny.core.rag import BLUE, RAG_LABELS
from scrutiny.core.units import format_value
from scrutiny.exceptions import NoticeError
from scrutiny.insight.narrative import join_words
from scrutiny.insight.notice import notice_errors, performance_notice, undecided_inadequate
from scrutiny.insight.procurement import (
    APPROACHING,
    INADEQUATE,
    OTHER,
    RATING_MEANINGS,
    RATINGS,
    REQUIRES_IMPROVEMENT,
    RatingRules,
    rating_counts,
)
from scrutiny.insight.register import NONE_RECORDED
from scrutiny.insight.trends import (
    DETERIORATING,
    GREEN_DRIFTING,
    IMPROVING,
    NOT_ENOUGH_DATA,
    flagged,
)
from scrutiny.load.parties import missing_notice_fields
from scrutiny.report import html as report
from scrutiny.report.charts import trend as trend_chart
from scrutiny.report.html import Html
from scrutiny.report.structure import Figure, Paragraph, Section, Table, section

if TYPE_CHECKING:
    from scrutiny.report.period.scorecard import PeriodReport

#: Section headings (the notebook's ``##`` headings).
EXCEPTIONS = "Exceptions this month"
TRENDS = "Trends and early warnings"
RATINGS_HEADING = "Procurement Act 2023 ratings"
#: How each trend class reads in a table.
TREND_WORDS = {DETERIORATING: "Getting worse", IMPROVING: "Getting better",
               "stable": "No significant trend", NOT_ENOUGH_DATA: "Not assessed (too few months)"}


def result_text(value: pd.Series, unit: pd.Series, basis: pd.Series,
                label: pd.Series | None = None) -> list[str]:
    """A KPI result with its unit (``92.5%``, ``3``, ``4.5 days``); the basis words when there
    is no number. ``label`` is the KPI's ``unit_label`` (see :mod:`scrutiny.core.units`)."""
    labels = label if label is not None else pd.Series("", index=value.index)
    return [format_value(v, u, lab) if pd.notna(v) else b
            for v, u, b, lab in zip(value, unit, basis, labels.fillna(""), strict=True)]


def levels_text(tsl: pd.Series, msl: pd.Series, unit: pd.Series,
                label: pd.Series | None = None) -> list[str]:
    """``TSL / MSL`` with their unit: ``95% / 90%``, ``1 / 5``, ``GBP 1,000 / GBP 800``."""
    labels = label if label is not None else pd.Series("", index=tsl.index)
    return [f"{_level(t, u, lab)} / {_level(n, u, lab)}"
            for t, n, u, lab in zip(tsl, msl, unit, labels.fillna(""), strict=True)]


def _level(value: float, unit: str, label: str) -> str:
    return format_value(value, unit, label)


# ----------------------------------------------------------------------------------------------
# Exceptions register


def exceptions_section(rep: PeriodReport) -> Section:
    """Every KPI not Green in the period: status (label and colour), result, run, reason."""
    reg = rep.register
    if reg.empty:
        return section(Paragraph(f"Every KPI was Green in {month_name(rep.period)}: there "
                                 "are no exceptions to report."), heading=EXCEPTIONS)
    blue = reg["rag"].eq(BLUE)
    unit, label = _units(rep, reg["kpi_id"]), _labels(rep, reg["kpi_id"])
    frame = pd.DataFrame({
        "KPI": reg["kpi_id"],
        "What it measures": reg["description"],
        "Status": [RAG_LABELS[r] for r in reg["rag"]],
        "rag": reg["rag"],
        "Result": result_text(reg["value"], unit, reg["basis"], label),
        "Target / minimum": levels_text(reg["tsl"], reg["msl"], unit, label),
        "Months failing in a row": [str(n) if n else "" for n in reg["run_length"]],
        "Mitigation reason (Blue only)": reg["reason"].where(
            reg["reason"].notna(), np.where(blue, "None recorded in the data held", "")),
    })
    if reg["comment"].fillna("").ne("").any():  # only contracts whose suppliers comment
        frame["Supplier's comment"] = reg["comment"].fillna("")
    counts = reg["rag"].value_counts()
    intro = (f"{len(reg)} KPIs were not Green in {month_name(rep.period)}: "
             + ", ".join(f"{counts.get(r, 0)} {RAG_LABELS[r]}" for r in ("red", "amber", "blue"))
             + ". \"Months failing in a row\" counts consecutive Amber or Red months up to and "
             "including this one; \"Result\" gives the supplier's figure, or why there is none.")
    unexplained = int((blue & reg["reason_source"].eq(NONE_RECORDED)).sum())
    if unexplained:
        intro += (f" No mitigation reason is recorded for {unexplained} of the Blue KPIs; the "
                  "committee may wish to ask for one.")
    return section(
        Paragraph(intro),
        Table(frame, caption=f"Exceptions register, {month_name(rep.period)}",
              rag_columns={"Status": "rag"}, row_header="KPI",
              units={"Months failing in a row": "months"}, numeric=("Months failing in a row",),
              sheet=rep.handle.exceptions(rep.period)),
        heading=EXCEPTIONS)


def _units(rep: PeriodReport, kpi_id: pd.Series) -> pd.Series:
    return kpi_id.map(rep.contract.kpis.set_index("kpi_id")["unit"])


def _labels(rep: PeriodReport, kpi_id: pd.Series) -> pd.Series:
    return kpi_id.map(rep.contract.kpis.set_index("kpi_id")["unit_label"]).fillna("")


# ----------------------------------------------------------------------------------------------
# Trends and early warnings


def trend_kpis(rep: PeriodReport) -> pd.DataFrame:
    """Rows of the trends table worth showing: flagged first, then significant trends."""
    trends = rep.trends
    warned = flagged(trends)
    significant = trends[trends["classification"].isin([DETERIORATING, IMPROVING])
                         & ~trends["kpi_id"].isin(warned["kpi_id"])]
    return pd.concat([warned, significant], ignore_index=True)


def trends_section(rep: PeriodReport) -> Section:
    """What the trend test found, which KPIs it could not assess and why, and a chart per KPI."""
    trends, shown = rep.trends, trend_kpis(rep)
    start = trends["window_start"].iloc[0]
    parts = [Paragraph(
        f"Each KPI's monthly results from {month_name(start)} to {month_name(rep.period)} "
        f"({rep.trend_window} months) were tested for a steady rise or fall (the Mann-Kendall "
        "test, at the 5% level) and the rate fitted with a robust straight line (Theil-Sen). "
        "Blue months (glide, mitigation or not measured) and months with no number are left out "
        f"of the fits. A KPI needs at least {rep.trend_min_points} scored months in the window "
        f"to be assessed. A worsening KPI is flagged when, if the trend continues, it would miss "
        f"its target or minimum within {rep.trend_horizon} months.")]
    parts.append(_excluded(trends, rep))
    parts.extend(_drifting(trends, rep))
    if shown.empty:
        parts.append(Paragraph("No KPI shows a significant trend in this window, and none "
                               "is flagged."))
        return section(*parts, heading=TRENDS)
    parts.append(_trend_table(shown, rep))
    parts.extend(_trend_figure(rep, row) for row in shown.itertuples())
    return section(*parts, heading=TRENDS)


def _excluded(trends: pd.DataFrame, rep: PeriodReport) -> Paragraph:
    out = trends[trends["classification"] == NOT_ENOUGH_DATA]
    excluded = int(trends["excluded_blue"].sum() + trends["excluded_no_data"].sum())
    lead = (f"In all, {excluded} KPI-months in the window were left out of the fits "
            f"({int(trends['excluded_blue'].sum())} Blue, "
            f"{int(trends['excluded_no_data'].sum())} with no number).")
    if out.empty:
        return Paragraph(lead + " Every KPI had enough scored months to be assessed.")
    named = [f"{r.kpi_id} ({int(r.n_points)} scored: {int(r.excluded_no_data)} with no number, "
             f"{int(r.excluded_blue)} Blue)" for r in out.itertuples()]
    return Paragraph(
        lead + f" {len(out)} KPI{'s' if len(out) != 1 else ''} had fewer than "
        f"{rep.trend_min_points} scored months and {'was' if len(out) == 1 else 'were'} not "
        f"assessed: {join_words(named)}.")


def _drifting(trends: pd.DataFrame, rep: PeriodReport) -> list[Paragraph]:
    """A paragraph naming the KPIs Green throughout but heading for their target, if any."""
    rows = trends[trends["drifting"]]
    if rows.empty:
        return []
    named = [f"{r.kpi_id} (least headroom over target {r.min_headroom_tsl:.2f}"
             + (" points" if r.unit == "percent" else "") + f", moving {r.slope:+.2f} a month)"
             for r in rows.itertuples()]
    return [Paragraph(
        f"{GREEN_DRIFTING}: {join_words(named)} met {'its' if len(rows) == 1 else 'their'} "
        f"target in every month of the window but, at the fitted rate, would miss it within "
        f"{rep.trend_horizon} months.")]


def _trend_table(shown: pd.DataFrame, rep: PeriodReport) -> Table:
    unit = shown["unit"]
    per_month = [f"{s:+.2f}" + (" points" if u == "percent" else "") + " a month"
                 for s, u in zip(shown["slope"], unit, strict=True)]
    frame = pd.DataFrame({
        "KPI": shown["kpi_id"],
        "What it measures": shown["description"],
        "Trend": shown["classification"].map(TREND_WORDS),
        "Rate of change": per_month,
        f"{month_name(rep.period)}": result_text(shown["value"], unit, shown["rag"].map(
            RAG_LABELS)),
        "Status": shown["rag"].map(RAG_LABELS), "rag": shown["rag"],
        "Months until it would miss target": _months(shown["months_to_tsl"],
                                                     shown["classification"]),
        "Months until it would miss minimum": _months(shown["months_to_msl"],
                                                      shown["classification"]),
        "Flagged": ["Yes" if f else "No" for f in shown["flag"]],
    })
    return Table(frame, caption="KPIs with a significant trend or an early warning",
                 rag_columns={"Status": "rag"}, row_header="KPI",
                 units={"Months until it would miss target": "months",
                        "Months until it would miss minimum": "months"},
                 numeric=("Rate of change", month_name(rep.period)))


def _months(values: pd.Series, classification: pd.Series) -> list[str]:
    return [f"{int(v)}" if pd.notna(v) else
            "Not worsening" if c != DETERIORATING else "Not within reach"
            for v, c in zip(values, classification, strict=True)]


def _trend_figure(rep: PeriodReport, row) -> Figure:
    rows = rep.scores[(rep.scores["kpi_id"] == row.kpi_id)
                      & rep.scores["month"].isin(rep.heatmap_months)].sort_values("month")
    title = f"{row.kpi_id}: {row.description}"
    return Figure(
        trend_chart.kpi_trend(rows, title=title), alt=trend_chart.alt_text(rows, title=title),
        data=rows[["kpi_id", "month", "value", "tsl", "msl", "rag"]],
        caption=(f"{row.kpi_id} month by month against its target (TSL, dashed) and minimum "
                 f"(MSL, dotted); {TREND_WORDS[row.classification].lower()} over the "
                 f"{rep.trend_window} months to {month_name(rep.period)}. Letters give the "
                 "status: G Green, A Amber, R Red, B Blue."))


# ----------------------------------------------------------------------------------------------
# Procurement Act 2023 ratings


def rating_window(rep: PeriodReport) -> pd.PeriodIndex:
    """Months with results among the ``rating_months`` months ending with the period."""
    held = held_months(rep.scores)
    return held[(held > rep.period - rep.rating_months) & (held <= rep.period)]


def rules_text(rules: RatingRules) -> str:
    """The rating rules in words, from the thresholds in use."""
    reds = rules.requires_improvement_reds
    no_data = ("every scored month" if rules.inadequate_no_data_share == 1 else
               f"{rules.inadequate_no_data_share:.0%} or more of the scored months")
    return (
        "The Act does not say how monthly results become a rating; the toolkit's rules are: "
        f"{rules.inadequate_red_run} or more Red months in a row, or no number in {no_data}, "
        "gives Inadequate; "
        + ("any Red month" if reds == 1 else f"{reds} or more Red months")
        + ", or Green in fewer than "
        f"{rules.approaching_min_green_share:.0%} of the scored months, gives Requires "
        "improvement; otherwise any Amber month gives Approaching target, and Green in every "
        "scored month gives Good. Blue months are not scored; a KPI Blue throughout is Other.")


def procurement_section(rep: PeriodReport) -> Section:
    """Ratings for the 12 months to the period: counts by rating, then each KPI below Good."""
    months, rules = rating_window(rep), RatingRules()
    ratings = rep.handle.ratings(months[0], months[-1], rules)
    counts = rating_counts(ratings)
    span = f"{month_name(months[0])} to {month_name(months[-1])}"
    short = (f" Results are held for only {len(months)} of these months, so this is a partial "
             "year." if len(months) < rep.rating_months else "")
    intro = Paragraph(
        f"Under the Procurement Act 2023 the council must rate the supplier's performance "
        f"against each KPI at least once a year. These ratings cover the {rep.rating_months} "
        f"months to {month_name(rep.period)}: {span} ({len(months)} months with results).{short} "
        + rules_text(rules))
    table = Table(pd.DataFrame({
        "Rating": counts["rating"], "What it means": counts["rating"].map(RATING_MEANINGS),
        "KPIs": counts["kpis"]}), caption=f"KPIs by Procurement Act rating, {span}",
        row_header="Rating", units={"KPIs": "KPIs"}, numeric=("KPIs",))
    below = ratings[ratings["rating"] != RATINGS[0]]
    worst_first = [INADEQUATE, REQUIRES_IMPROVEMENT, APPROACHING, OTHER]
    order = below["rating"].map({r: i for i, r in enumerate(worst_first)})
    below = below.assign(_order=order).sort_values(["_order", "kpi_id"], kind="stable")
    detail = Table(pd.DataFrame({
        "KPI": below["kpi_id"], "What it measures": below["description"],
        "Rating": below["rating"], "Why": below["rule"]}),
        caption=f"KPIs rated below Good, worst first, {span}", row_header="KPI")
    # The notice link carries the file to publish beside the HTML: kept as an HTML fragment.
    return section(intro, table, detail, notice_download(rep, months), heading=RATINGS_HEADING)


#: The notice's file name, beside the report's HTML (the link is relative).
NOTICE_FILE = "contract-performance-notice.json"


def notice_download(rep: PeriodReport, months: pd.PeriodIndex) -> Html:
    """A link to the UK9 notice for the rating year, published beside the report as JSON.

    When contract.yaml lacks fields a notice needs, the notice is a draft (marked in the
    package and its document) and the text names the missing fields. Inadequate KPIs without a
    recorded section 71(5) decision are named: the notice does not list them as failures.
    """
    from datetime import datetime, time, timezone

    start, end = months[0], months[-1]
    missing = missing_notice_fields(rep.contract.info)
    published = datetime.combine(rep.generated_on, time(), tzinfo=timezone.utc)
    package = performance_notice(rep.contract, rep.scores, start, end, draft=bool(missing),
                                 published=published)
    errors = notice_errors(package)
    if errors:
        raise NoticeError(f"the notice would not validate against the OCDS schema: {errors[0]}")
    todo = (" This is a DRAFT: contract.yaml does not yet give " + join_words(missing)
            + ", so the notice cannot be filed (see the toolkit's notice guide)."
            if missing else "")
    text = report.paragraph(
        "The ratings above as a Procurement Act contract performance notice (UK9), in the Open "
        "Contracting Data Standard format Find a Tender publishes." + todo)
    ratings = rep.handle.ratings(start, end, RatingRules())
    undecided = undecided_inadequate(rep.contract, ratings, start, end)
    failures = report.paragraph(
        "A performance failure is published only once the council has decided it (Procurement "
        "Act 2023 section 71(5); record it with scrutiny failure). "
        + (f"Inadequate KPIs with no failure decision recorded in the period: "
           f"{join_words(undecided)}." if undecided
           else "Every Inadequate KPI has a failure decision recorded in the period."
           if (ratings["rating"] == INADEQUATE).any() else "No KPI is rated Inadequate."))
    link = Html(f'<p><a href="{report.esc(NOTICE_FILE)}" download>Download the '
                f"{'draft ' if missing else ''}contract performance notice, "
                f"{report.esc(month_name(start))} to {report.esc(month_name(end))} "
                f"(OCDS JSON)</a></p>",
                metadata={report.FILES_KEY: {
                    NOTICE_FILE: json.dumps(package, indent=2, ensure_ascii=False) + "\n"}})
    return report.join(link, text, failures)
