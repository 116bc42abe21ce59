"""The period report: one contract's KPI performance for one month, section by section.

``notebooks/period_report.ipynb`` opens the report with
:func:`~scrutiny.report.registry.open_report` and displays one
section per cell. Every section function takes the :class:`PeriodReport` and returns a
:class:`~scrutiny.report.structure.Section` (the title block returns HTML). This module holds
the scorecard sections; the others live in :mod:`scrutiny.report.period` by concern
(``insight``: exceptions, trends, Procurement Act ratings; ``money``: abatement, service credits
and the cost of mitigation; ``whatif``: other terms). :mod:`scrutiny.report.period.sections`
lists them in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from scrutiny.abate.abatement import Abatement
from scrutiny.abate.terms import NO_TERMS, Terms
from scrutiny.core.months import month_label, month_name
from scrutiny.core.rag import RAG_LABELS, RAG_ORDER
from scrutiny.insight import narrative
from scrutiny.load.contract import Contract
from scrutiny.report import html as report
from scrutiny.report import provenance
from scrutiny.report.charts import heatmap
from scrutiny.report.html import Html
from scrutiny.report.opened import ContractReport
from scrutiny.report.period.money import terms_table
from scrutiny.report.period.params import PeriodReportParams
from scrutiny.report.structure import BulletList, Paragraph, RagKey, Section, Table, section
from scrutiny.score.reconcile import reconcile


@dataclass(frozen=True)
class PeriodReport(ContractReport[PeriodReportParams]):
    """A period report is the contract handle plus a window: what every section reads.

    The handle (:class:`~scrutiny.insight.contract_handle.ContractHandle`) loads the contract
    and caches every table computed from it (scores, terms, reasons, abatement, registers,
    trends); the report only picks the window of months its parameters
    (:class:`PeriodReportParams`) ask for. The handle is checked to have results for the period.
    """

    @property
    def contract(self) -> Contract:
        """The validated contract tables (``kpis``, ``returns``, ``overrides``, ...)."""
        return self.handle.contract

    @property
    def trend_window(self) -> int:
        return self.params.trend_window

    @property
    def trend_min_points(self) -> int:
        return self.params.trend_min_points

    @property
    def trend_horizon(self) -> int:
        return self.params.trend_horizon

    @property
    def rating_months(self) -> int:
        return self.params.rating_months

    @property
    def services(self) -> list[str]:
        return self.handle.services

    @property
    def title(self) -> str:
        return f"{self.contract.info.title}: performance report for {month_name(self.period)}"

    @property
    def scores(self) -> pd.DataFrame:
        """:func:`scrutiny.score.scoring.score` of the contract (every month held)."""
        return self.handle.scored

    @cached_property
    def _scored_to_period(self) -> pd.PeriodIndex:
        """Months scored up to the period: held, or overdue with no return (Red)."""
        scored = self.contract.scored_months
        return scored[scored <= self.period]

    @cached_property
    def summary_months(self) -> pd.PeriodIndex:
        """The period and up to ``previous_months`` earlier months scored."""
        return self._scored_to_period[-(self.params.previous_months + 1):]

    @cached_property
    def heatmap_months(self) -> pd.PeriodIndex:
        """Up to ``heatmap_months`` months scored, ending with the period."""
        return self._scored_to_period[-self.params.heatmap_months:]

    @property
    def counts(self) -> pd.DataFrame:
        """Summary counts (service x month) of every month held up to the period."""
        return self.handle.counts(end=self.period)

    @property
    def register(self) -> pd.DataFrame:
        """The period's exceptions register, with mitigation reasons."""
        return self.handle.register(self.period)

    @property
    def trends(self) -> pd.DataFrame:
        """:func:`scrutiny.insight.trends.kpi_trends` over the report's trend window."""
        return self.handle.trend_table(self.period, self.trend_window,
                                       min_points=self.trend_min_points,
                                       horizon=self.trend_horizon)

    @property
    def terms(self) -> Terms | None:
        """The contract's abatement terms (``terms.yaml`` and its points file); None if absent."""
        return self.handle.terms_if_any

    @property
    def abatement(self) -> Abatement:
        """Abatement points and service credits of every month held (later months included)."""
        return self.handle.charged

    @property
    def scenarios(self) -> list:
        """What-if scenarios of the parameters (:class:`scrutiny.abate.whatif.Scenario`)."""
        return self.params.scenario_list

    @property
    def relief(self) -> Abatement:
        """Abatement as it would be had no month been relieved (mitigation, glides)."""
        return self.handle.relief

    @property
    def input_files(self) -> list:
        """Every file the report could read, present or not: the contract's, the terms, points
        and mitigation reasons (the appendix lists those present; freshness records all)."""
        return self.handle.input_files


#: Section headings (the notebook's ``##`` headings) used by more than one branch.
OVERRIDES = "Revised thresholds in force"
RECONCILIATION = "Reconciliation with published summaries"


def title(rep: PeriodReport) -> Html:
    """The ``<h1>``: contract and period, council and supplier, generated-on date."""
    info = rep.contract.info
    return report.title_block(rep.title, subtitle=f"{info.council} and {info.supplier}",
                              generated_on=rep.generated_on)


def headline_counts(rep: PeriodReport) -> pd.DataFrame:
    """All-services counts by RAG for the period and the month before (when there is one).

    Returns
    -------
    pandas.DataFrame
        Index ``green, amber, red, blue, total``; one column per month (period last).
    """
    counts = rep.counts
    every = counts[counts["service"] == "ALL"].set_index("month")
    months = rep.summary_months[-2:]
    return every.loc[months, [*RAG_ORDER, "total"]].T


def narrative_sentences(rep: PeriodReport) -> list[str]:
    """The period's highlights in plain English (see :mod:`scrutiny.insight.narrative`)."""
    return narrative.period_narrative(
        scores=rep.scores, counts=rep.counts, register=rep.register, trends=rep.trends,
        services=rep.contract.info.services, period=rep.period, window=rep.trend_window,
        min_points=rep.trend_min_points, horizon=rep.trend_horizon)


def headline(rep: PeriodReport) -> Section:
    """The narrative (every number from the library) and a small table of the period's counts."""
    counts = headline_counts(rep)
    now = counts[rep.period]
    sentences = [s for s in narrative_sentences(rep) if s]
    lead, rest = sentences[:2], sentences[2:]
    frame = pd.DataFrame({"Status": [*(RAG_LABELS[r] for r in RAG_ORDER), "Total"],
                          "rag": [*RAG_ORDER, None],
                          month_name(rep.period): now.to_numpy()})
    if counts.shape[1] == 2:
        before = counts.iloc[:, 0]
        change = (now - before).to_numpy()
        frame.insert(2, month_name(counts.columns[0]), before.to_numpy())
        frame["Change"] = [f"{c:+d}" if c else "no change" for c in change]
    month_columns = [c for c in frame.columns if c not in ("Status", "rag")]
    return section(
        Paragraph(narrative.paragraph(lead)),
        Paragraph(narrative.paragraph(rest)),
        Table(frame, caption=f"KPIs by status, all services, {month_name(rep.period)}",
              units=dict.fromkeys(month_columns, "KPIs"), rag_columns={"Status": "rag"},
              row_header="Status", numeric=tuple(month_columns)),
        heading="Headline")


def summary_by_service(rep: PeriodReport) -> Section:
    """One table per service (and all services): KPIs by status for the period and months before."""
    counts = rep.counts[rep.counts["month"].isin(rep.summary_months)]
    names = {**rep.contract.info.services, "ALL": "All services"}
    long = counts.melt(id_vars=["service", "month"], value_vars=[*RAG_ORDER, "total"],
                       var_name="status", value_name="kpis")
    wide = long.pivot_table(index=["service", "status"], columns="month", values="kpis",
                            aggfunc="sum").reindex(columns=rep.summary_months)
    labels = [m.strftime("%b %Y") for m in rep.summary_months]
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    parts = [RagKey()]
    for service in [*rep.services, "ALL"]:
        block = wide.loc[service].reindex([*RAG_ORDER, "total"])
        frame = pd.DataFrame(block.to_numpy(), columns=labels).assign(
            Status=[*(RAG_LABELS[r] for r in RAG_ORDER), "Total"], rag=[*RAG_ORDER, None])
        frame = frame[["Status", "rag", *labels]]
        title = f"{names[service]} ({service})" if service != "ALL" else names[service]
        parts.append(Table(
            frame, caption=f"{title}: KPIs by status, {span}", units=dict.fromkeys(labels, "KPIs"),
            rag_columns={"Status": "rag"}, row_header="Status", numeric=tuple(labels)))
    return section(*parts, heading="Performance by service")


def kpi_heatmap(rep: PeriodReport) -> Section:
    """The KPI x month RAG heatmap: a table whose cells carry colour and letter, and its totals."""
    months = rep.heatmap_months
    return section(
        Paragraph(heatmap.summary_text(rep.scores, months)),
        heatmap.rag_table(rep.scores, months, caption=(
            f"RAG status of each KPI, {month_name(months[0])} to {month_name(months[-1])}. "
            f"Letters: G Green, A Amber, R Red, B Blue; {heatmap.NO_RESULT} no result.")),
        heading="Each KPI, month by month")


def overrides_in_force(rep: PeriodReport) -> pd.DataFrame:
    """Threshold revisions in force in any month the report shows, with standard levels."""
    months = rep.summary_months.union(rep.heatmap_months)
    overrides = rep.contract.overrides
    live = overrides[(overrides["from_month"] <= months.max())
                     & (overrides["to_month"] >= months.min())]
    standard = rep.contract.kpis.set_index("kpi_id")[["tsl", "msl", "description"]]
    return live.join(standard, on="kpi_id", rsuffix="_standard").assign(
        in_period=(live["from_month"] <= rep.period) & (live["to_month"] >= rep.period))


def overrides_section(rep: PeriodReport) -> Section:
    """Revised thresholds in force, with their reasons; says so when there are none."""
    live = overrides_in_force(rep)
    if live.empty:
        return section(Paragraph("No revised thresholds were in force in the months shown."),
                       heading=OVERRIDES)
    frame = pd.DataFrame({
        "KPI": live["kpi_id"],
        "Months": _spans(live),
        f"In force in {month_name(rep.period)}": live["in_period"].map({True: "Yes", False: "No"}),
        "Revised TSL / MSL": _levels(live["tsl"], live["msl"]),
        "Standard TSL / MSL": _levels(live["tsl_standard"], live["msl_standard"]),
        "Reason": live["reason"],
    })
    return section(Table(frame, caption="Revised thresholds (overrides) in force",
                         row_header="KPI"), heading=OVERRIDES)


def _spans(live: pd.DataFrame) -> list[str]:
    return [f"{a.strftime('%b %Y')} to {b.strftime('%b %Y')}"
            for a, b in zip(live["from_month"], live["to_month"], strict=True)]


def _levels(tsl: pd.Series, msl: pd.Series) -> list[str]:
    return [f"{t:g} / {m:g}" for t, m in zip(tsl, msl, strict=True)]


def reconciliation(rep: PeriodReport) -> pd.DataFrame:
    """Published summary cells in the report's months that the KPI-level results do not match."""
    months = rep.summary_months.union(rep.heatmap_months)
    published = rep.contract.published
    published = published[published["month"].isin(months)]
    return reconcile(published, rep.counts)


def reconciliation_section(rep: PeriodReport) -> Section:
    """Say how many published cells were checked and list every one that differs."""
    months = rep.summary_months.union(rep.heatmap_months)
    published = rep.contract.published
    checked = published[published["month"].isin(months)]
    if checked.empty:
        return section(Paragraph("No published summaries cover the months shown, so there is "
                                 "nothing to reconcile."), heading=RECONCILIATION)
    differences = reconciliation(rep)
    cells = len(checked) * 5
    sources = ", ".join(sorted(checked["source"].unique()))
    intro = (f"Published summaries ({sources}) give {len(checked)} service-month rows "
             f"({cells} counts) for the months shown. ")
    if differences.empty:
        return section(Paragraph(intro + "Every count agrees with the KPI-level results."),
                       heading=RECONCILIATION)
    frame = pd.DataFrame({
        "Source": differences["source"], "Service": differences["service"],
        "Month": differences["month"].map(month_name),
        "Status": differences["category"].map({**RAG_LABELS, "total": "Total", "all": "All"}),
        "Published": differences["published"], "From KPI results": differences["computed"],
        "Finding": differences["finding"],
    })
    return section(
        Paragraph(intro + f"{len(differences)} differ from the KPI-level results:"),
        Table(frame, caption="Published counts that differ from the KPI-level results",
              units={"Published": "KPIs", "From KPI results": "KPIs"},
              numeric=("Published", "From KPI results")), heading=RECONCILIATION)


def provenance_section(rep: PeriodReport) -> Section:
    """Appendix: input files with SHA-256, parameters, terms, overrides in force, toolkit."""
    live = overrides_in_force(rep)
    overrides = (BulletList(tuple(
        f"{k}: TSL {t:g} / MSL {m:g}, {span}. {r}" for k, t, m, span, r in
        zip(live["kpi_id"], live["tsl"], live["msl"], _spans(live), live["reason"], strict=True)))
        if len(live) else Paragraph("No overrides were in force in the months shown."))
    return provenance.appendix_section(
        rep.input_files, rep.parameters, through=month_label(rep.period), extra=[
            ("Abatement terms",
             terms_table(rep.terms) if rep.terms is not None else Paragraph(NO_TERMS)),
            ("Overrides in force", overrides)])
