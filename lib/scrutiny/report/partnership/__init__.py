"""The partnership report: what a partnership's published statements say about one quarter.

``notebooks/partnership_report.ipynb`` opens the report with
:func:`~scrutiny.report.registry.open_report` and
displays one section per cell; each section function takes the :class:`PartnershipReport` and
returns :class:`~scrutiny.report.html.Html`. Such partnerships publish sentences, not KPI tables,
so every figure shown is quoted with the sentence it comes from, and nothing is scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.report import html as report
from scrutiny.report import provenance
from scrutiny.report.html import Html
from scrutiny.report.opened import QuarterReport
from scrutiny.report.partnership.params import PartnershipReportParams
from scrutiny.systems import partnership as pt


@dataclass(frozen=True)
class PartnershipReport(QuarterReport[PartnershipReportParams]):
    """What a partnership report's sections read: the partnership (checked to have statements
    for the quarter) and the quarter."""

    partnership: pt.Partnership

    @property
    def info(self):
        return self.partnership.info

    def quarter_name(self, quarter: str | None = None) -> str:
        """``2014/15 Q4 (January to March 2015)``: the label and its calendar months."""
        label = self.quarter if quarter is None else quarter
        months = pt.quarter_months(pd.Series([label]), self.info.financial_year_start_month)
        first, last = months["first_month"][0], months["last_month"][0]
        return f"{label} ({first.strftime('%B')} to {month_name(last)})"

    @property
    def previous(self) -> str:
        return pt.previous_quarter(self.quarter)


def title(rep: PartnershipReport) -> Html:
    """The ``<h1>``: partnership and quarter; council and supplier; generated-on date."""
    return report.title_block(
        f"{rep.info.title}: performance statements for {rep.quarter_name()}",
        subtitle=f"{rep.info.council} and {rep.info.supplier}", generated_on=rep.generated_on)


def _met_words(met: object) -> str:
    if met is None or (not isinstance(met, bool) and pd.isna(met)):
        return "Not stated"
    return "Yes" if met else "No"


def summary(rep: PartnershipReport) -> Html:
    """In brief: targets met per service, how many figures are stated, what was not published."""
    targets = pt.targets_by_quarter(rep.partnership, rep.quarter)
    said = [f"{service}: {_met_words(met).lower()}" + (f" ({scope} targets)" if
                                                         isinstance(scope, str) else "")
            for service, met, scope in zip(targets["service"], targets["all_met"],
                                           targets["scope"], strict=True)]
    figures = rep.partnership.figures
    stated = int((figures["quarter"] == rep.quarter).sum())
    return report.join(
        report.paragraph(
            f"Were all targets met in {rep.quarter_name()}? {'; '.join(said)}. The published "
            f"report states {stated} figure{'' if stated == 1 else 's'} for the quarter; each is "
            "quoted below with its sentence."),
        *[report.note(text, label="Not published") for text in rep.info.not_published])


def targets_section(rep: PartnershipReport) -> Html:
    """Per service: whether all targets were met this quarter and the quarter before, quoted."""
    targets = pt.targets_by_quarter(rep.partnership, rep.quarter)
    frame = pd.DataFrame({
        "Service": targets["service"],
        "All targets met": [_met_words(m) for m in targets["all_met"]],
        "Which targets": targets["scope"].fillna("Not stated"),
        f"Quarter before ({rep.previous})": [_met_words(m) for m in targets["previous_all_met"]],
        "Source": targets["source_quote"].map(_quoted),
    })
    return report.join(
        report.paragraph(
            "\"Not stated\" means the published report says nothing about that quarter. The "
            "targets themselves are in the unpublished appendix, so they cannot be shown."),
        report.table(frame, caption=f"Targets met in {rep.quarter_name()}", row_header="Service"))


def _quoted(sentence: object) -> str:
    return f"\u201c{sentence}\u201d" if isinstance(sentence, str) and sentence else "Not stated"


def statements_section(rep: PartnershipReport) -> Html:
    """Each service's statements for the quarter, with the sentence each is taken from."""
    parts = []
    for service in rep.info.services:
        rows = pt.statements_for(rep.partnership, rep.quarter, service)
        parts.append(report.heading(service))
        if rows.empty:
            parts.append(report.paragraph(f"The report states nothing about {service} for this "
                                          "quarter."))
            continue
        frame = pd.DataFrame({"Topic": rows["topic"].str.capitalize(),
                              "Statement": rows["statement"],
                              "Source": rows["source_quote"].map(_quoted)})
        parts.append(report.table(frame, caption=f"{service}: statements for {rep.quarter}",
                                  row_header="Topic"))
    return report.join(*parts)


def _figure_text(value: float, unit: str) -> str:
    return f"{value:,.0f}%" if unit == "percent" else f"{value:,.0f}"


def _change_text(change: float, unit: str) -> str:
    if pd.isna(change):
        return ""
    if change == 0:
        return "No change"
    return f"{change:+,.0f}" + (" percentage points" if unit == "percent" else "")


def figures_section(rep: PartnershipReport) -> Html:
    """The figures the quarter's statements give, each with its words and sentence, and the
    change on the quarter before where both quarters state the same measure."""
    table = pt.quarter_on_quarter(rep.partnership.figures, rep.quarter)
    if table.empty:
        return report.paragraph("The published report states no figures for this quarter.")
    frame = pd.DataFrame({
        "Measure": table["measure"], "Service": table["service"],
        "Figure": [_figure_text(v, u) for v, u in zip(table["value"], table["unit"],
                                                     strict=True)],
        "As written": table["as_written"].map(_quoted),
        "Source": table["source_quote"].map(_quoted)})
    both = table[table["previous_value"].notna()]
    parts = [report.table(frame, caption=f"Figures stated for {rep.quarter}",
                          row_header="Measure", numeric=["Figure"]),
             report.heading("Change on the quarter before")]
    if both.empty:
        parts.append(report.paragraph(
            f"None of these measures is stated for {rep.previous} as well, so no change can be "
            "given."))
        return report.join(*parts)
    change = pd.DataFrame({
        "Measure": both["measure"], "Service": both["service"],
        rep.previous: [_figure_text(v, u) for v, u in zip(both["previous_value"], both["unit"],
                                                          strict=True)],
        rep.quarter: [_figure_text(v, u) for v, u in zip(both["value"], both["unit"],
                                                         strict=True)],
        "Change": [_change_text(c, u) for c, u in zip(both["change"], both["unit"],
                                                      strict=True)]})
    alone = len(table) - len(both)
    return report.join(*parts, report.paragraph(
        f"Only measures stated in both quarters are compared; {alone} of the {len(table)} "
        f"figures for {rep.quarter} have no figure for {rep.previous} to compare with."),
        report.table(change, caption=f"{rep.previous} to {rep.quarter}", row_header="Measure",
                     numeric=[rep.previous, rep.quarter, "Change"]))


def provenance_section(rep: PartnershipReport) -> Html:
    """Appendix: input files with SHA-256, parameters, source, toolkit version."""
    extra = [("Source", report.paragraph(rep.info.source))] if rep.info.source else []
    return provenance.appendix(rep.partnership.files, rep.parameters, extra)
