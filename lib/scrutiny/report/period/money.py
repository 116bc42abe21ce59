"""Period-report sections on money: abatement points, service credits, terms, cost of mitigation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from scrutiny.abate.abatement import ALL_SERVICES, relief_cost
from scrutiny.abate.terms import NO_TERMS, Terms
from scrutiny.core.months import month_name
from scrutiny.report import html as report
from scrutiny.report.charts import abatement as abatement_chart
from scrutiny.report.structure import Figure, Heading, Note, Paragraph, Section, Table, section

if TYPE_CHECKING:
    from scrutiny.report.period.scorecard import PeriodReport

ILLUSTRATIVE = "ILLUSTRATIVE"
#: Section headings (the notebook's ``##`` headings).
ABATEMENT = "Abatement points and service credits"
MITIGATION = "The cost of mitigation"
#: Units of the abatement tables' columns.
MONEY_UNITS = {"Abatement points": "points", "Credit before cap": "GBP", "Cap": "GBP",
               "Service credit payable": "GBP"}


def terms_table(terms: Terms) -> Section:
    """The abatement terms used, each marked ILLUSTRATIVE or published, with the caveat first."""
    described = terms.describe()
    frame = pd.DataFrame({
        "Term": described["term"], "Value used": described["value"],
        "Source": described["basis"].map({"illustrative": ILLUSTRATIVE + " (not published)",
                                          "published": "Published by the council"})})
    parts = []
    if terms.illustrative:
        parts.append(Note(terms.params.illustrative_note, label=ILLUSTRATIVE + ":"))
    parts.append(Table(frame, caption="Abatement terms used in this report", row_header="Term",
                       sheet=described))
    return section(*parts)


def months_to_period(rep: PeriodReport, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``frame`` (with ``month``) up to and including the period."""
    return frame[frame["month"] <= rep.period]


def abatement_section(rep: PeriodReport) -> Section:
    """Points and credits per service for the period, the history since the start, the terms."""
    if rep.terms is None:
        return section(Paragraph(NO_TERMS), heading=ABATEMENT)
    service_months = months_to_period(rep, rep.abatement.service_months)
    now = service_months[service_months["month"] == rep.period]
    names = {**rep.contract.info.services, ALL_SERVICES: "All services"}
    total = now[now["service"] == ALL_SERVICES].iloc[0]
    label = " (illustrative terms)" if rep.terms.illustrative else ""
    intro = Paragraph(
        f"A KPI that misses its target attracts abatement points; points become service credits "
        f"(money deducted from the supplier's monthly payment), capped for each service at "
        f"{rep.terms.params.cap_fraction:.0%} of its monthly value. In "
        f"{month_name(rep.period)} the KPIs attracted {total['points']:,.2f} points, worth "
        f"{report.pounds([total['credit']])[0]} in service credits{label}"
        + (", after the cap." if total["capped"] else "; no service reached its cap."))
    period_table = Table(pd.DataFrame({
        "Service": now["service"].map(names),
        "Abatement points": report.number(now["points"], 2),
        "Credit before cap": report.pounds(now["uncapped_credit"]),
        "Cap": report.pounds(now["cap"]),
        "Service credit payable": report.pounds(now["credit"]),
        "Capped": report.yes_no(now["capped"])}),
        caption=f"Abatement points and service credits by service, {month_name(rep.period)}"
                + label, row_header="Service", units=MONEY_UNITS,
        numeric=("Abatement points", "Credit before cap", "Cap", "Service credit payable"))
    return section(intro, period_table, _history(rep, service_months),
                   Heading("Terms used"), terms_table(rep.terms), heading=ABATEMENT)


def _history(rep: PeriodReport, service_months: pd.DataFrame) -> Section:
    every = service_months[service_months["service"] == ALL_SERVICES]
    first = every["month"].min()
    frame = pd.DataFrame({
        "Month": every["month"].map(month_name),
        "Abatement points": report.number(every["points"], 2),
        "Service credit payable": report.pounds(every["credit"]),
        "Running total since " + month_name(first): report.pounds(every["credit"].cumsum()),
        "Any service capped": report.yes_no(every["capped"])})
    services = rep.contract.info.services
    return section(
        Heading(f"Since {month_name(first)}"),
        Paragraph(
            f"Since {month_name(first)} the KPIs have attracted {every['points'].sum():,.2f} "
            f"points and {report.pounds([every['credit'].sum()])[0]} in service credits."),
        Figure(
            abatement_chart.abatement_points_chart(service_months, services=services,
                                                   illustrative=rep.terms.illustrative),
            alt=abatement_chart.alt_text(service_months, services=services),
            caption=("Abatement points each month for each service, after the multipliers for "
                     "consecutive failing months. Each service has its own marker shape."),
            data=service_months[["month", "service", "points"]]),
        Table(frame, caption="Abatement points and service credits each month, all services",
              row_header="Month", units={**MONEY_UNITS, frame.columns[3]: "GBP"},
              numeric=tuple(c for c in frame.columns if c not in ("Month",
                                                                   "Any service capped"))))


# ----------------------------------------------------------------------------------------------
# Cost of mitigation


def mitigation_tables(rep: PeriodReport) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Mitigation cost per KPI for the period, per KPI since the start, and per month."""
    start = rep.abatement.service_months["month"].min()
    value = rep.terms.params.point_value_gbp
    period_kpi, _ = relief_cost(rep.abatement, rep.relief, point_value_gbp=value,
                                start=rep.period, end=rep.period)
    since_kpi, by_month = relief_cost(rep.abatement, rep.relief, point_value_gbp=value,
                                      start=start, end=rep.period)
    return period_kpi, since_kpi, by_month[by_month["service"] == ALL_SERVICES]


def mitigation_section(rep: PeriodReport) -> Section:
    """What relief (mitigation and glides) saved the supplier, per KPI and per month."""
    if rep.terms is None:
        return section(Paragraph("No service-credit terms are recorded for this contract, so "
                                 "the cost of mitigation is not calculated."), heading=MITIGATION)
    period_kpi, since_kpi, by_month = mitigation_tables(rep)
    now = by_month[by_month["month"] == rep.period].iloc[0]
    first = by_month["month"].min()
    intro = Paragraph(
        "When the council agrees mitigation or a glide period, the KPI is Blue and attracts no "
        "points. This section shows what that relief is worth: the points and credits the "
        "supplier would have incurred had those months been scored on their results (a month "
        f"with no result counts as data not available). In {month_name(rep.period)} relief "
        f"saved the supplier {report.pounds([now['credit_forgone']])[0]} in service credits; "
        f"since {month_name(first)}, {report.pounds([by_month['credit_forgone'].sum()])[0]}.")
    since = since_kpi.set_index("kpi_id")
    now_kpi = period_kpi.set_index("kpi_id").reindex(since.index)
    kpi_frame = pd.DataFrame({
        "KPI": since.index,
        f"Months relieved, {month_name(rep.period)}": report.number(
            now_kpi["relieved_months"].fillna(0)),
        f"Points forgone, {month_name(rep.period)}": report.number(
            now_kpi["points_forgone"].fillna(0), 2),
        "Months relieved since " + month_name(first): report.number(since["relieved_months"]),
        "Points forgone since " + month_name(first): report.number(since["points_forgone"], 2),
        "Value forgone since " + month_name(first): report.pounds(since["value_forgone_gbp"])})
    month_frame = pd.DataFrame({
        "Month": by_month["month"].map(month_name),
        "Points charged": report.number(by_month["points"], 2),
        "Points without relief": report.number(by_month["points_without_mitigation"], 2),
        "Credit payable": report.pounds(by_month["credit"]),
        "Credit without relief": report.pounds(by_month["credit_without_mitigation"]),
        "Credit forgone": report.pounds(by_month["credit_forgone"])})
    by_kpi = (Table(kpi_frame, caption="Cost of mitigation by KPI (value before the cap)",
                    row_header="KPI", numeric=tuple(kpi_frame.columns[1:]),
                    units=_units(kpi_frame.columns[1:]))
              if len(kpi_frame) else Paragraph(
                  f"No KPI-month has been relieved since {month_name(first)}."))
    return section(
        intro, by_kpi,
        Table(month_frame, caption="Cost of mitigation by month, all services (after the cap)",
              row_header="Month", numeric=tuple(month_frame.columns[1:]),
              units=_units(month_frame.columns[1:])), heading=MITIGATION)


def _units(columns) -> dict[str, str]:
    """Each column's unit from its words: money (GBP), points, or months."""
    return {c: "GBP" if ("Credit" in c or "Value" in c) else
            "points" if "oints" in c else "months" for c in columns}
