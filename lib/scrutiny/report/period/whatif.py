"""Period-report section on what-if terms: the ``scenarios:`` of the parameters file.

Each scenario (a name, the reason it was asked and its settings, as ``scrutiny whatif
--scenario`` reads them) is shown over the report's rating year: the proposed terms beside the
current ones, credits month by month under both, and one plain sentence on what changed and why,
worked out from the data (a change with no effect says so and why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from scrutiny.abate.whatif import Scenario, compare
from scrutiny.core.months import month_name
from scrutiny.insight.whatif_wording import explain, setting_values
from scrutiny.report import html as report
from scrutiny.report.period.insight import rating_window
from scrutiny.report.structure import Heading, Note, Paragraph, Section, Table, section

#: The section's heading (the notebook's ``##`` heading).
WHATIF = "What-if terms"

if TYPE_CHECKING:
    from scrutiny.report.period.scorecard import PeriodReport


def whatif_section(rep: PeriodReport) -> Section:
    """Every scenario of the report, or one line saying none was asked for."""
    if not rep.scenarios:
        return section(Paragraph("No alternative terms were asked for in this report."),
                       heading=WHATIF)
    months = rating_window(rep)
    span = f"{month_name(months[0])} to {month_name(months[-1])}"
    intro = Paragraph(
        f"Each scenario below recomputes abatement points and service credits for {span} under "
        "changed contract terms, beside what the contract's own terms give. Runs of failing "
        "months are counted from the first return, as for the actual figures.")
    return section(intro, *(scenario_part(rep, s, months, span) for s in rep.scenarios),
                   heading=WHATIF)


def scenario_part(rep: PeriodReport, scenario: Scenario, months: pd.PeriodIndex,
                  span: str) -> Section:
    """One scenario: why it was asked, what it changes and why, terms, then month by month."""
    plan = rep.handle.plan_whatif(scenario.settings)
    proposed = rep.handle.whatif_abatement(scenario.settings)
    start, end = months[0], months[-1]
    sentence = explain(plan, rep.abatement, proposed, start, end, span=span)
    values = setting_values(plan, rep.terms, rep.contract)
    terms = Table(pd.DataFrame({"Term": values["term"], "Current": values["current"],
                                       "Proposed": values["proposed"]}),
                  caption=f"Terms of \u201c{scenario.name}\u201d beside the current terms",
                  row_header="Term")
    monthly = compare(rep.abatement, proposed, start, end, by="month")
    frame = pd.DataFrame({
        "Month": monthly["month"].map(month_name),
        "Points, current terms": report.number(monthly["points"], 2),
        "Credit, current terms": report.pounds(monthly["credit"]),
        "Points, proposed terms": report.number(monthly["proposed_points"], 2),
        "Credit, proposed terms": report.pounds(monthly["proposed_credit"]),
        "Difference in credit": report.pounds(monthly["difference"])})
    table = Table(frame, caption=f"\u201c{scenario.name}\u201d month by month, all "
                                 "services (credits after the cap)",
                  row_header="Month", numeric=tuple(frame.columns[1:]),
                  units={c: "points" if c.startswith("Points") else "GBP"
                         for c in frame.columns[1:]})
    notes = [Note(n.removeprefix("allowed, but note: "), label="Note:") for n in plan.notes]
    return section(Heading(scenario.name), Paragraph(f"Asked because: {scenario.reason}"),
                   Paragraph(sentence), terms, *notes, table)
