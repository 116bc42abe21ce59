"""The period report's sections in the order its notebook shows them, for every flavour.

``notebooks/period_report.ipynb`` displays these functions one per cell (their HTML flavour);
``scrutiny report --format json|xlsx`` reads the same list, so the JSON and the workbook hold
every table of the committee report, in its order (a test checks the notebook against it).
"""

from __future__ import annotations

from scrutiny.report.period import insight, kpi_charts, money, whatif
from scrutiny.report.period import scorecard as pr
from scrutiny.report.period.scorecard import PeriodReport
from scrutiny.report.structure import Section

#: Every section of the report after its title block, in reading order.
SECTIONS = (
    pr.headline, pr.summary_by_service, pr.kpi_heatmap, insight.exceptions_section,
    kpi_charts.charts_section, insight.trends_section, money.abatement_section,
    money.mitigation_section, whatif.whatif_section, insight.procurement_section,
    pr.overrides_section, pr.reconciliation_section, kpi_charts.charts_appendix,
    pr.provenance_section,
)


def sections(rep: PeriodReport) -> list[Section]:
    """Every section of the period report ``rep``, as trees, in reading order."""
    return [make(rep) for make in SECTIONS]
