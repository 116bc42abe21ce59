"""The action-plan report: an action plan and the contract changes it carries, at one quarter.

``notebooks/action_plan_report.ipynb`` opens the report with
:func:`~scrutiny.report.registry.open_report` and
displays one section per cell; each section function takes the :class:`ActionPlanReport` and
returns :class:`~scrutiny.report.html.Html`. Nothing the source does not give is shown: a milestone
without a published status has none here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scrutiny.core.rag import RAG_LABELS
from scrutiny.report import html as report
from scrutiny.report import provenance
from scrutiny.report.action_plan.params import ActionPlanReportParams
from scrutiny.report.html import Html
from scrutiny.report.opened import QuarterReport
from scrutiny.systems import action_plan as ap

MONEY_NAMES = {"budget_2018_19": "Budget outside contract", "pressure_2018_19": "Pressure"}


@dataclass(frozen=True)
class ActionPlanReport(QuarterReport[ActionPlanReportParams]):
    """What an action-plan report's sections read: the plan (checked to have the quarter) and
    the quarter."""

    plan: ap.ActionPlan

    @property
    def info(self):
        return self.plan.info

    def quarter_name(self, quarter: str | None = None) -> str:
        """``Q1 (July-Sept 2018)``: a quarter's key and the plan's own label for it."""
        key = self.quarter if quarter is None else quarter
        return f"{key} ({self.info.quarters[key].label})"

    @property
    def next_quarter(self) -> str | None:
        return ap.next_quarter(self.info, self.quarter)

    @property
    def unit(self) -> str:
        return self.info.money_unit


def title(rep: ActionPlanReport) -> Html:
    """The ``<h1>``: plan title and quarter; councils and supplier; generated-on date."""
    return report.title_block(
        f"{rep.info.title}: report for {rep.quarter_name()}",
        subtitle=f"{' and '.join(rep.info.councils)}, with {rep.info.supplier}",
        generated_on=rep.generated_on)


def _money(values: pd.Series) -> list[str]:
    return report.number(values)


def summary(rep: ActionPlanReport) -> Html:
    """In brief: size of the plan, its money totals against the published row, what is due."""
    actions = rep.plan.actions
    streams = actions["stream"].nunique()
    due = ap.milestones_by_quarter(rep.plan)
    totals = ap.totals_by_stream(actions).iloc[-1]
    sentences = [
        f"The plan has {len(actions)} projects in {streams} activity streams and "
        f"{len(rep.plan.contract_changes)} contract changes.",
        f"Its 2018-19 budget outside the contract totals {totals['budget_2018_19']:,.0f} and its "
        f"budget pressures {totals['pressure_2018_19']:,.0f} ({rep.unit}). {_totals_check(rep)}",
        f"{_count(due['quarter'].eq(rep.quarter).sum(), 'milestone')} fall in "
        f"{rep.quarter_name()}" + (
            f" and {_count(due['quarter'].eq(rep.next_quarter).sum(), 'milestone')} in "
            f"{rep.quarter_name(rep.next_quarter)}." if rep.next_quarter else
            "; it is the plan's last quarter."),
    ]
    return report.paragraph(" ".join(sentences))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _totals_check(rep: ActionPlanReport) -> str:
    check = ap.check_published_totals(rep.plan)
    if check.empty:
        return "The plan publishes no totals row to check these against."
    if check["matches"].all():
        return "Both agree with the totals row the plan publishes."
    wrong = check[~check["matches"]]
    return "They differ from the plan's published totals row: " + "; ".join(
        f"{MONEY_NAMES.get(c, c)} published {p:,.0f}, rows add up to {s:,.0f}"
        for c, p, s in zip(wrong["column"], wrong["published"], wrong["computed"],
                           strict=True)) + "."


def contract_changes_section(rep: ActionPlanReport) -> Html:
    """Each contract change: what it does, its stated cost and where that is stated, progress,
    and the plan rows that deliver it with their budget."""
    changes = rep.plan.contract_changes
    if changes.empty:
        return report.paragraph("This plan lists no contract changes.")
    projects = rep.plan.actions.set_index("row")
    frame = pd.DataFrame({
        "Change": changes["change"].str.cat(changes["title"], sep=". "),
        "What it does": changes["what_it_does"],
        "Stated cost": [f"{cost} ({where})" if where else cost for cost, where in
                        zip(changes["stated_cost"], changes["cost_source"], strict=True)],
        "Progress": changes["progress"],
        "In the plan": [_plan_rows_text(projects, rows, rep.unit)
                        for rows in changes["plan_rows"]],
    })
    return report.table(frame, caption=f"The {len(frame)} contract changes", row_header="Change")


def _plan_rows_text(projects: pd.DataFrame, rows: list[int], unit: str) -> str:
    parts = []
    for row in rows:
        project = projects.loc[row]
        budget = project["budget_2018_19"]
        money = "no budget given" if pd.isna(budget) else f"budget {budget:,.0f} ({unit})"
        parts.append(f"{project['project']} (funding approach: "
                     f"{project['funding_approach'] or 'not given'}; {money})")
    return "; ".join(parts)


def rag_key_section(rep: ActionPlanReport) -> Html:
    """The plan's own status key, as data, and what happened to the statuses themselves."""
    key = rep.plan.rag_key
    frame = pd.DataFrame({
        "Status word": key["word"],
        "Colour": [RAG_LABELS.get(r, r.title()) for r in key["rag"]],
        "rag": key["rag"],
        "Meaning": key["meaning"],
    })
    return report.join(
        report.table(frame, caption="The plan's key to milestone status",
                     rag_columns={"Colour": "rag"}, row_header="Status word"),
        report.note(_status_note(rep), label="Milestone status"))


def _status_note(rep: ActionPlanReport) -> str:
    if "rag" in rep.plan.milestones:
        return "Each milestone's status is shown beside it in the plan tables."
    return (rep.info.milestone_status_note
            or "The plan publishes no status for its milestones, so none is shown.")


def _milestone_text(milestone: str, successor: str) -> str:
    if not successor:
        return milestone
    return f"{milestone} (successor lead {successor})" if milestone else (
        f"Successor lead {successor}")


def plan_section(rep: ActionPlanReport) -> Html:
    """The plan by stream: a count of milestones per quarter, then each stream's projects with
    their milestones quarter by quarter."""
    counts = ap.milestone_counts(rep.plan)
    counts.columns = ["Activity stream", *[rep.quarter_name(q) for q in rep.info.quarters]]
    table = ap.milestones_by_quarter(rep.plan)
    table["text"] = [_milestone_text(m, s) for m, s in
                     zip(table["milestone"], table["successor_lead"], strict=True)]
    if "rag" in table:
        words = rep.plan.rag_key.set_index("rag")["word"]
        table["text"] = [t if pd.isna(r) else f"{t} [{words.get(r, r)}]"
                         for t, r in zip(table["text"], table["rag"], strict=True)]
    wide = table.pivot(index=["stream", "project"], columns="quarter", values="text").reindex(
        columns=list(rep.info.quarters)).fillna("")
    parts = [report.table(counts, caption="Milestones per activity stream and quarter",
                          row_header="Activity stream", numeric=counts.columns[1:])]
    for stream, rows in rep.plan.actions.groupby("stream", sort=False):
        frame = pd.DataFrame({"Project": rows["project"].to_numpy(),
                              "Lead": rows["lead"].to_numpy()})
        for quarter in rep.info.quarters:
            cells = wide[quarter].reindex(pd.MultiIndex.from_frame(rows[["stream", "project"]]))
            frame[rep.quarter_name(quarter)] = cells.fillna("").to_numpy()
        parts += [report.heading(stream),
                  report.table(frame, caption=f"{stream}: milestones by quarter",
                               row_header="Project")]
    lead_note = (f"Initials in brackets after a milestone (the plan's key: "
                 f"\"{rep.info.successor_lead_note}\") name the permanent or successor lead; "
                 "they are shown as \"successor lead\". "
                 if rep.info.successor_lead_note else "")
    return report.join(report.paragraph(
        f"{lead_note}Leads are given as initials, as the plan publishes them."), *parts)


def money_section(rep: ActionPlanReport) -> Html:
    """Budgets outside the contract and budget pressures: by stream with the plan's total, the
    check against the published totals row, and the projects that carry money."""
    totals = ap.totals_by_stream(rep.plan.actions)
    by_stream = pd.DataFrame({
        "Activity stream": totals["stream"], "Projects": totals["projects"],
        **{f"{name} ({rep.unit})": _money(totals[c]) for c, name in MONEY_NAMES.items()}})
    actions = rep.plan.actions
    money_rows = actions[actions[list(MONEY_NAMES)].gt(0).any(axis=1)]
    projects = pd.DataFrame({
        "Project": money_rows["project"], "Activity stream": money_rows["stream"],
        "Resourcing": money_rows["resourcing"],
        "Funding approach": money_rows["funding_approach"].replace("", "Not given"),
        **{f"{name} ({rep.unit})": _money(money_rows[c]) for c, name in MONEY_NAMES.items()}})
    money_columns = [f"{name} ({rep.unit})" for name in MONEY_NAMES.values()]
    return report.join(
        report.paragraph(
            f"Amounts are in {rep.unit}, for 2018-19, as the plan gives them. A blank cell in the "
            f"plan counts as nothing in the totals. {_totals_check(rep)}"),
        report.table(by_stream, caption="Budget and pressure by activity stream",
                     row_header="Activity stream", numeric=["Projects", *money_columns]),
        report.table(projects, caption="Projects with a budget or a pressure",
                     row_header="Project", numeric=money_columns))


def next_quarter_section(rep: ActionPlanReport) -> Html:
    """The milestones that fall due in the quarter after the report's quarter."""
    after = rep.next_quarter
    if after is None:
        return report.paragraph(f"{rep.quarter_name()} is the plan's last quarter; the plan "
                                "schedules nothing after it.")
    table = ap.milestones_by_quarter(rep.plan)
    due = table[table["quarter"] == after]
    if due.empty:
        return report.paragraph(f"The plan schedules no milestones for "
                                f"{rep.quarter_name(after)}.")
    frame = pd.DataFrame({
        "Project": due["project"], "Activity stream": due["stream"],
        "Milestone": [_milestone_text(m, s) for m, s in
                      zip(due["milestone"], due["successor_lead"], strict=True)]})
    return report.join(
        report.paragraph(f"{_count(len(frame), 'milestone')}, across "
                         f"{_count(due['project'].nunique(), 'project')}, "
                         f"{'falls' if len(frame) == 1 else 'fall'} due in "
                         f"{rep.quarter_name(after)}."),
        report.table(frame, caption=f"Due in {rep.quarter_name(after)}", row_header="Project"))


def provenance_section(rep: ActionPlanReport) -> Html:
    """Appendix: input files with SHA-256, parameters, source, toolkit version."""
    extra = [("Source", report.paragraph(rep.info.source))] if rep.info.source else []
    return provenance.appendix(rep.plan.files, rep.parameters, extra)
