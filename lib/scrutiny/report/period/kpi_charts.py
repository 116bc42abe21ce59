"""KPI charts: each KPI not Green this month as a chart beside its data table, and every KPI
in an appendix as small multiples (one figure per service) beside a table of its results.

Each chart (:mod:`scrutiny.report.charts.kpi_chart`) shows the report's heatmap window of months
against the TSL and MSL in force each month; its alt text states every value, and the table beside
it gives month, result, status word, TSL and MSL. The sections are trees
(:mod:`scrutiny.report.structure`), so ``scrutiny report --format json|xlsx`` carries each chart's
table, and each figure's data drawn (month, value, TSL, MSL, RAG code, unit).
"""

from __future__ import annotations

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.rag import GREEN
from scrutiny.report.charts import kpi_chart as chart
from scrutiny.report.period.scorecard import PeriodReport
from scrutiny.report.structure import Figure, Heading, Paragraph, Section, Table, section

#: The sections' headings (the notebook's ``##`` headings).
CHARTS = "Charts of the KPIs not Green this month"
APPENDIX = "Appendix: every KPI month by month"

#: What the marks mean, said once above the charts (every mark also has a legend entry).
KEY = ("Each chart shows the KPI's result month by month (line and markers) against its target "
       "(TSL, dashed line) and minimum (MSL, dotted line) in force that month, so a revised "
       "threshold shows as a step. Markers differ by status in shape as well as colour: circle "
       "Green, square Amber, cross Red, diamond Blue. A hatched band marks a Blue month (not "
       "scored); a hollow triangle on the month axis marks a month with no number. The axis title "
       "says whether higher or lower is better.")


#: What a sparkline shows (it carries no text of its own, to stay small).
APPENDIX_KEY = ("Each small chart shows one KPI's result month by month (solid line) against its "
                "target (TSL, dashed) and minimum (MSL, dotted) in force that month, titled with "
                "whether higher or lower is better. A hatched band marks a Blue month (not "
                "scored); a hollow triangle on the bottom line marks a month with no number. The "
                "table after each service's charts gives each month's result and status.")


def _kpi(rep: PeriodReport, kpi_id: str) -> dict:
    kpis = rep.contract.kpis.drop_duplicates("kpi_id", keep="last").set_index("kpi_id")
    return {**kpis.loc[kpi_id].to_dict(), "kpi_id": kpi_id}


def _rows(rep: PeriodReport, kpi_id: str) -> pd.DataFrame:
    scores = rep.scores
    return scores[(scores["kpi_id"] == kpi_id) & scores["month"].isin(rep.heatmap_months)]


def not_green(rep: PeriodReport) -> list[str]:
    """KPIs scored this month and not Green, in the scores' order."""
    now = rep.scores[rep.scores["month"] == rep.period]
    return now.loc[now["rag"] != GREEN, "kpi_id"].drop_duplicates().tolist()


def kpi_figure(rep: PeriodReport, kpi_id: str, *, compact: bool = False) -> Figure:
    """One KPI's chart over the report's window, with alt text stating every value and the
    numbers drawn (:func:`~scrutiny.report.charts.kpi_chart.chart_data`)."""
    kpi, rows, months = _kpi(rep, kpi_id), _rows(rep, kpi_id), rep.heatmap_months
    caption = (f"{kpi_id}: {kpi['description']}. "
               f"{chart.direction_words(kpi['direction']).capitalize()}, "
               f"{month_name(months[0])} to {month_name(months[-1])}.")
    return Figure(chart.kpi_chart(rows, kpi, months=months, compact=compact),
                  alt=chart.alt_text(rows, kpi, months=months), caption=caption,
                  data=chart.chart_data(rows, kpi, months=months))


def kpi_table(rep: PeriodReport, kpi_id: str) -> Table:
    """The chart's numbers: month, result, status as a word, TSL and MSL."""
    kpi = _kpi(rep, kpi_id)
    frame = chart.data_table(_rows(rep, kpi_id), kpi, months=rep.heatmap_months)
    return Table(frame, caption=f"{kpi_id} month by month: result, status, TSL and MSL",
                 rag_columns={"Status": "rag"}, row_header="Month",
                 numeric=("Result", "TSL", "MSL"), units={"Result": str(kpi["unit"]),
                                                          "TSL": str(kpi["unit"]),
                                                          "MSL": str(kpi["unit"])})


def charts_section(rep: PeriodReport) -> Section:
    """A chart and its data table for every KPI not Green this month."""
    shown = not_green(rep)
    if not shown:
        return section(Paragraph(f"Every KPI was Green in {month_name(rep.period)}."),
                       heading=CHARTS)
    parts = [Paragraph(KEY)]
    for kpi_id in shown:
        parts += [Heading(f"{kpi_id}: {_kpi(rep, kpi_id)['description']}"),
                  kpi_figure(rep, kpi_id), kpi_table(rep, kpi_id)]
    return section(*parts, heading=CHARTS)


def service_sparklines(rep: PeriodReport, kpi_ids: list[str], *, name: str) -> Figure:
    """One figure of small multiples for a service; its alt text states every KPI's values,
    its data holds every KPI's numbers drawn."""
    months = rep.heatmap_months
    frames = [(_rows(rep, k), _kpi(rep, k)) for k in kpi_ids]
    alt = " ".join(chart.alt_text(rows, kpi, months=months) for rows, kpi in frames)
    data = pd.concat([chart.chart_data(rows, kpi, months=months) for rows, kpi in frames],
                     ignore_index=True)
    return Figure(chart.small_multiples(frames, months=months), alt=alt,
                  caption=f"{name}: each KPI month by month, {month_name(months[0])} to "
                          f"{month_name(months[-1])}, against its TSL and MSL.", data=data)


def results_table(rep: PeriodReport, kpi_ids: list[str], months: pd.PeriodIndex, *,
                  caption: str) -> Table:
    """KPI x month results with their unit, each cell coloured and lettered by status."""
    labels = [m.strftime("%b %Y") for m in months]
    rows = []
    for kpi_id in kpi_ids:
        kpi = _kpi(rep, kpi_id)
        table = chart.data_table(_rows(rep, kpi_id), kpi, months=months).set_index("Month")
        row = {"KPI": kpi_id}  # the chart's title says which way is better
        for label in labels:
            hit = label in table.index
            row[label] = (f"{table.at[label, 'Result']} ({table.at[label, 'Status'][0]})"
                          if hit else "")
            row[f"rag {label}"] = table.at[label, "rag"] if hit else None
        row["TSL / MSL now"] = (f"{table['TSL'].iloc[-1]} / {table['MSL'].iloc[-1]}"
                                if len(table) else "")
        rows.append(row)
    return Table(pd.DataFrame(rows), caption=caption, row_header="KPI",
                 rag_columns={label: f"rag {label}" for label in labels})


def charts_appendix(rep: PeriodReport) -> Section:
    """Every KPI as a sparkline, service by service, with a table of every month's result."""
    kpis = rep.scores.loc[rep.scores["month"].isin(rep.heatmap_months),
                          ["service", "kpi_id"]].drop_duplicates()
    names = rep.contract.info.services
    parts = [Paragraph(APPENDIX_KEY)]
    for service in rep.services:
        ids = kpis.loc[kpis["service"] == service, "kpi_id"].tolist()
        if not ids:
            continue
        name = f"{names.get(service, service)} ({service})"
        parts += [Heading(name), service_sparklines(rep, ids, name=name)]
        for half in _halves(rep.heatmap_months):  # six months a table: fits the page's width
            parts.append(results_table(rep, ids, half, caption=(
                f"{name}: each KPI's result, {month_name(half[0])} to {month_name(half[-1])}. "
                "Letters: G Green, A Amber, R Red, B Blue.")))
    return section(*parts, heading=APPENDIX)


def _halves(months: pd.PeriodIndex) -> list[pd.PeriodIndex]:
    return [months[i:i + 6] for i in range(0, len(months), 6)]
