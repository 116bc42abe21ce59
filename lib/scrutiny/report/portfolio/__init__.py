"""The portfolio report: a project portfolio's position at one reporting snapshot.

``notebooks/portfolio_report.ipynb`` opens the report with
:func:`~scrutiny.report.registry.open_report` and
displays one section per cell; each section function takes the :class:`PortfolioReport` and
returns :class:`~scrutiny.report.html.Html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.rag import RAG_LABELS
from scrutiny.load.folder import PORTFOLIO_FILE
from scrutiny.report import html as report
from scrutiny.report import provenance
from scrutiny.report.html import Html
from scrutiny.report.opened import OpenedReport
from scrutiny.report.portfolio.params import PortfolioReportParams
from scrutiny.score.milestones import milestone_kpi_results
from scrutiny.systems import projects as pj

#: Project RAG words in reports; "none" is a project not yet rated.
PROJECT_RAG = {**RAG_LABELS, "none": "Not yet rated"}
_MOVEMENT = {"improved": "Improved", "worsened": "Worsened", "unchanged": "No change",
             "now rated": "Now rated", "no longer rated": "No longer rated"}


@dataclass(frozen=True)
class PortfolioReport(OpenedReport[PortfolioReportParams]):
    """What a portfolio report's sections read: the portfolio and the snapshot.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio, checked to have project rows at the snapshot (after ``params``, as in
        :class:`~scrutiny.report.opened.OpenedReport`).
    """

    portfolio: pj.Portfolio

    @property
    def title(self) -> str:
        return f"{self.portfolio.info.title}: position at {month_name(self.period)}"

    @cached_property
    def projects(self) -> pd.DataFrame:
        """This snapshot's projects with their next milestone and slippage."""
        return pj.project_table(self.portfolio, self.period)

    @cached_property
    def counts(self) -> pd.DataFrame:
        """RAG counts per snapshot up to this one, computed or published."""
        counts = pj.rag_counts_by_snapshot(self.portfolio)
        return counts[counts["snapshot"] <= self.period].reset_index(drop=True)

    @property
    def previous(self) -> pd.Period | None:
        """The latest earlier snapshot with project rows, if any."""
        earlier = self.portfolio.snapshots[self.portfolio.snapshots < self.period]
        return earlier[-1] if len(earlier) else None


def title(rep: PortfolioReport) -> Html:
    """The ``<h1>``: portfolio and snapshot, council and supplier, generated-on date."""
    info = rep.portfolio.info
    return report.title_block(rep.title, subtitle=f"{info.council} and {info.supplier}",
                              generated_on=rep.generated_on)


def date_text(text: pd.Series) -> list[str]:
    """Published dates as a committee writes them: ``1 Aug 2019``, ``Dec 2019``; words as given."""
    day = pd.to_datetime(text.where(text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), errors="coerce")
    month = pd.to_datetime(text.where(text.str.fullmatch(r"\d{4}-\d{2}")), format="%Y-%m",
                           errors="coerce")
    # Non-breaking spaces keep a date on one line in narrow columns.
    return [f"{d.day}\u00a0{d:%b\u00a0%Y}" if pd.notna(d) else f"{m:%b\u00a0%Y}" if pd.notna(m)
            else t for d, m, t in zip(day, month, text, strict=True)]


def summary(rep: PortfolioReport) -> Html:
    """In brief: projects by RAG now, and the change since the snapshot before."""
    counts = rep.counts
    now = counts.iloc[-1]
    text = (f"At {month_name(rep.period)} the portfolio held {now['total']} projects: "
            f"{now['green']} Green, {now['amber']} Amber and {now['red']} Red"
            + (f", with {now['none']} not yet rated" if now["none"] else "") + ".")
    if len(counts) > 1:
        before = counts.iloc[-2]
        text += (f" At {month_name(before['snapshot'])} ({before['basis']} counts) there were "
                 f"{before['green']} Green, {before['amber']} Amber and {before['red']} Red.")
    slipped = rep.projects["slippage_days"].gt(0)
    text += (f" {int(slipped.sum())} project{'s' if slipped.sum() != 1 else ''} forecast "
             "their next milestone later than its baseline date.")
    return report.paragraph(text)


def counts_section(rep: PortfolioReport) -> Html:
    """RAG counts per snapshot: computed from project rows, or as published, and whether equal."""
    counts = rep.counts
    check = {True: "Yes", False: "No"}
    frame = pd.DataFrame({
        "Snapshot": counts["snapshot"].map(month_name),
        "Counted from": counts["basis"].map({"computed": "Project rows",
                                             "published": "Published counts only"}),
        "Green": counts["green"], "Amber": counts["amber"], "Red": counts["red"],
        "Not yet rated": counts["none"], "Total": counts["total"],
        "Agrees with published counts": [check.get(m, "No published counts") if pd.notna(m)
                                         else "No published counts"
                                         for m in counts["matches_published"]],
    })
    return report.join(
        report.paragraph("Where a snapshot has project-by-project rows the counts are worked "
                         "out from them and checked against any counts the council published; "
                         "otherwise the published counts are shown."),
        report.table(frame, caption="Projects by RAG status at each snapshot",
                     row_header="Snapshot",
                     numeric=["Green", "Amber", "Red", "Not yet rated", "Total"]))


def movers_section(rep: PortfolioReport) -> Html:
    """Projects whose RAG changed since the previous snapshot, and projects closed or added."""
    parts = []
    if rep.previous is None:
        parts.append(report.paragraph(f"{month_name(rep.period)} is the first snapshot with "
                                      "project rows, so there is nothing to compare with."))
    else:
        moved = pj.movers(rep.portfolio.projects, rep.previous, rep.period)
        intro = (f"Compared with {month_name(rep.previous)}, the previous snapshot with project "
                 f"rows. Projects are matched on their project code; "
                 f"{len(moved)} project{'s' if len(moved) != 1 else ''} appear in both.")
        parts.append(report.paragraph(intro))
        if len(moved):
            parts.append(report.table(pd.DataFrame({
                "Project": moved["project_id"] + " " + moved["name"],
                "Then": moved["rag_before"].map(PROJECT_RAG), "rag_then": moved["rag_before"],
                "Now": moved["rag_after"].map(PROJECT_RAG), "rag_now": moved["rag_after"],
                "Movement": moved["movement"].map(_MOVEMENT)}),
                caption=f"RAG movement, {month_name(rep.previous)} to {month_name(rep.period)}",
                rag_columns={"Then": "rag_then", "Now": "rag_now"}, row_header="Project"))
    changes = rep.portfolio.changes
    changes = changes[changes["snapshot"] == rep.period] if len(changes) else changes
    if len(changes):
        parts.append(report.table(pd.DataFrame({
            "Project": changes["project_id"] + " " + changes["name"],
            "Change": changes["change"].str.capitalize(), "Details": changes["details"]}),
            caption=f"Projects closed or added at {month_name(rep.period)}",
            row_header="Project"))
    return report.join(*parts)


def slippage_section(rep: PortfolioReport) -> Html:
    """Each project's next milestone: baseline and forecast dates and days of slippage."""
    table = rep.projects.sort_values(["slippage_days", "name"], ascending=[False, True],
                                     na_position="last", kind="stable")
    frame = pd.DataFrame({
        "Project": (table["project_id"] + " " + table["name"]).str.strip(),
        "RAG": table["rag"].map(PROJECT_RAG), "rag": table["rag"],
        "Next milestone": table["milestone"].replace("", "None published"),
        "Baseline date": date_text(table["baseline_text"]),
        "Forecast date": date_text(table["forecast_text"]),
        "Slippage (days)": ["" if pd.isna(d) else f"{d:,.0f}" for d in table["slippage_days"]],
        "Forecast closure": date_text(table["forecast_closure_text"]),
    })
    return report.join(
        report.paragraph("Slippage is the forecast date minus the baseline date, in days "
                         "(positive means late). It is blank where either date is not a day "
                         "(TBC, a month only, or not published). Most slipped first."),
        report.table(frame, caption=f"Next milestone of each project, {month_name(rep.period)}",
                     rag_columns={"RAG": "rag"}, row_header="Project",
                     numeric=["Slippage (days)"]))


def path_to_green_section(rep: PortfolioReport) -> Html:
    """Amber and Red projects, worst first, with their path to green as published."""
    rows = pj.path_to_green(rep.portfolio.projects, rep.period)
    if rows.empty:
        return report.paragraph(f"No project was Amber or Red at {month_name(rep.period)}.")
    published = rows["path_to_green"].ne("").any()
    frame = pd.DataFrame({
        "Project": (rows["project_id"] + " " + rows["name"]).str.strip(),
        "RAG": rows["rag"].map(PROJECT_RAG), "rag": rows["rag"]})
    if published:
        frame["Path to green"] = rows["path_to_green"].replace("", "Not published")
        frame["Impact"] = rows["impact"].replace("", "Not published")
    else:
        snapshot = rep.portfolio.projects[rep.portfolio.projects["snapshot"] == rep.period]
        frame["Latest commentary"] = rows["name"].map(
            snapshot.set_index("name")["commentary"]).replace("", "None published")
    note = ("" if published else f" No path to green was published at "
            f"{month_name(rep.period)}; the committee may wish to ask for one.")
    return report.join(
        report.paragraph(f"{len(rows)} projects were Amber or Red at {month_name(rep.period)}."
                         + note),
        report.table(frame, caption="Amber and Red projects and their path to green",
                     rag_columns={"RAG": "rag"}, row_header="Project"))


def due_section(rep: PortfolioReport) -> Html:
    """Milestones and closures forecast by the end of the next reporting period."""
    nxt = rep.portfolio.info.snapshots.get(str(rep.period))
    if nxt is None or nxt.next_period is None:
        return report.paragraph(f"The {month_name(rep.period)} report does not say when the "
                                "next report falls, so nothing is listed as due by then.")
    due = pj.due_by_next_period(rep.portfolio, rep.period)
    # A closure is listed once: as the project's "Project Closure" milestone when it has one.
    closing = due["item"].eq("milestone") & due["what"].str.lower().eq("project closure")
    repeated = due["item"].eq("closure") & due.set_index(["project_id", "due"]).index.isin(
        due[closing].set_index(["project_id", "due"]).index)
    due = due[~repeated]
    until = month_name(pd.Period(nxt.next_period, freq="M"))
    if due.empty:
        return report.paragraph(f"Nothing is forecast to be due by the end of {until}.")
    frame = pd.DataFrame({
        "Project": (due["project_id"] + " " + due["name"]).str.strip(),
        "Due": due["what"], "Forecast date": date_text(due["forecast"])})
    return report.join(
        report.paragraph(f"{len(due)} milestones and closures are forecast on or before the end "
                         f"of {until}, the month of the next report. A date given only as a "
                         "month counts as due at the month's end."),
        report.table(frame, caption=f"Due by the end of {until}", row_header="Project"))


def stages_section(rep: PortfolioReport) -> Html:
    """How many projects are at each lifecycle stage."""
    stages = pj.stage_distribution(rep.portfolio.projects)
    stages = stages[stages["snapshot"] == rep.period]
    if (stages["stage"] == "not published").all():
        return report.paragraph(f"Project stages were not published at "
                                f"{month_name(rep.period)}.")
    return report.table(pd.DataFrame({"Stage": stages["stage"], "Projects": stages["projects"]}),
                        caption=f"Projects by stage, {month_name(rep.period)}",
                        row_header="Stage", numeric=["Projects"])


def milestone_kpi_section(rep: PortfolioReport) -> Html:
    """IMT_KPI_11: percentage of project milestones achieved each month, banded against TSL/MSL."""
    spec = rep.portfolio.info.milestone_kpi
    kpi = rep.portfolio.milestone_kpi
    kpi = kpi[kpi["reporting_month"] <= rep.period] if len(kpi) else kpi
    lead = (f"{spec.kpi_id} is the percentage of project milestones achieved each month; its "
            f"target (TSL) is {spec.tsl:g}% and its minimum (MSL) {spec.msl:g}%.")
    if kpi.empty:
        return report.paragraph(lead + " No results of it are held in the portfolio data up to "
                                f"{month_name(rep.period)}.")
    results = milestone_kpi_results(kpi, tsl=spec.tsl, msl=spec.msl)
    frame = pd.DataFrame({
        "Month measured": results["actual_month"].map(month_name),
        "Reported in": results["reporting_month"].map(month_name),
        "Milestones achieved": [f"{v:g}%" for v in results["value"]],
        "Status": results["rag"].map(RAG_LABELS), "rag": results["rag"]})
    return report.join(
        report.paragraph(lead + " Each month's figure is reported a month later."),
        report.table(frame, caption=f"{spec.kpi_id}: milestones achieved",
                     rag_columns={"Status": "rag"}, row_header="Month measured",
                     numeric=["Milestones achieved"]))


def provenance_section(rep: PortfolioReport) -> Html:
    """Appendix: input files with SHA-256, parameters, the snapshot's source, toolkit version."""
    folder = rep.portfolio.folder
    files = sorted([folder / PORTFOLIO_FILE, *folder.glob("*.csv")])
    source = rep.portfolio.info.snapshots[str(rep.period)].source
    return provenance.appendix(files, rep.parameters, [
        ("Source", report.paragraph(f"{month_name(rep.period)}: {source}."))])
