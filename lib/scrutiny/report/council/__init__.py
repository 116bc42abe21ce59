"""The council report: one council of a shared ICT service, against its peers, for one month.

``notebooks/council_report.ipynb`` opens the report with
:func:`~scrutiny.report.registry.open_report` and displays
one section per cell; each section function takes the :class:`CouncilReport` and returns
:class:`~scrutiny.report.html.Html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.load.folder import SERVICE_FILES, existing
from scrutiny.report import html as report
from scrutiny.report import provenance
from scrutiny.report.charts import risk as risk_chart
from scrutiny.report.charts import shared_ict as council_chart
from scrutiny.report.council.params import CouncilReportParams
from scrutiny.report.html import Html
from scrutiny.report.opened import OpenedReport
from scrutiny.systems import shared_ict as si

#: Measures charted over the months: overall SLA, satisfaction and workload per employee.
CHARTED = ["sla_overall", "nps", "calls_per_employee"]


@dataclass(frozen=True)
class CouncilReport(OpenedReport[CouncilReportParams]):
    """What a council report's sections read: the service, the council and the month.

    Parameters
    ----------
    service : SharedService
        The shared service, checked to hold the council's results for the period (after
        ``params``, as in :class:`~scrutiny.report.opened.OpenedReport`).
    council : str
        The council's name as the data spell it.
    """

    service: si.SharedService
    council: str

    @property
    def title(self) -> str:
        return (f"{self.service.info.title}: {self.council} performance report for "
                f"{month_name(self.period)}")

    @classmethod
    def opened(cls, params: CouncilReportParams, params_file: str = "") -> CouncilReport:
        """The report of ``params``: the service and the council as its data spell it."""
        service, council = params.load_subject()
        return cls(params, service, council, params_file=params_file)

    @property
    def peers(self) -> list[str]:
        return [c for c in self.service.info.councils if c != self.council]

    @cached_property
    def comparison(self) -> pd.DataFrame:
        """:func:`scrutiny.systems.shared_ict.council_vs_peers` for the council and month."""
        return si.council_vs_peers(self.service.performance, self.service.metrics, self.council,
                                   self.period)


def title(rep: CouncilReport) -> Html:
    """The ``<h1>``: service, council and month, host and partners, generated-on date."""
    info = rep.service.info
    return report.title_block(
        rep.title, subtitle=f"Hosted by {info.host} for {', '.join(info.councils)}",
        generated_on=rep.generated_on)


def value_text(values: pd.Series, units: pd.Series, decimals: pd.Series) -> list[str]:
    """Values as published: thousands separators, the metric's decimals, ``%`` for percentages."""
    return ["" if pd.isna(v) else f"{v:,.{int(d)}f}" + ("%" if u == "percent" else "")
            for v, u, d in zip(values, units, decimals, strict=True)]


def _with_metrics(rep: CouncilReport, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(rep.service.metrics[["metric", "label", "unit", "direction", "decimals"]],
                       on="metric", how="left", validate="many_to_one")


_DIRECTION_WORDS = {"higher": "Higher is better", "lower": "Lower is better",
                    "neutral": "Neither (workload)"}


def summary(rep: CouncilReport) -> Html:
    """In brief: how many ranked measures the council leads, trails, and its overall SLA."""
    table = _with_metrics(rep, rep.comparison)
    ranked = table[table["rank"].notna()]
    best = ranked.loc[ranked["rank"] == 1, "label"].tolist()
    worst = ranked.loc[ranked["rank"] == len(rep.service.info.councils), "label"].tolist()
    better = int(ranked["better_than_peers"].eq(True).sum())
    overall = table.set_index("metric").loc["sla_overall"]
    sentences = [
        f"In {month_name(rep.period)} {rep.council} was better than the average of "
        f"{' and '.join(rep.peers)} on {better} of the {len(ranked)} measures where higher or "
        "lower is better.",
        f"Its overall SLA performance was {overall['value']:.2f}%, ranked {int(overall['rank'])} "
        f"of {len(rep.service.info.councils)} (the others averaged "
        f"{overall['peer_mean']:.2f}%).",
        f"It ranked first on {len(best)} measure{'s' if len(best) != 1 else ''}"
        + (f" ({'; '.join(best)})" if best else "") + f" and last on {len(worst)}"
        + (f" ({'; '.join(worst)})" if worst else "") + ".",
    ]
    return report.paragraph(" ".join(sentences))


def peers_section(rep: CouncilReport) -> Html:
    """Each measure: the council's value, the peers' average, the difference, rank and verdict."""
    table = _with_metrics(rep, rep.comparison)
    verdict = np.select(
        [table["direction"].eq("neutral"), table["better_than_peers"].eq(True),
         table["better_than_peers"].eq(False)],
        ["Not ranked (workload)", "Better than peers", "Worse than peers"], "Same as peers")
    n = len(rep.service.info.councils)
    frame = pd.DataFrame({
        "Measure": table["label"],
        rep.council: value_text(table["value"], table["unit"], table["decimals"]),
        "Average of " + " and ".join(rep.peers): value_text(
            table["peer_mean"], table["unit"], table["decimals"].clip(lower=1)),
        "Which way is better": table["direction"].map(_DIRECTION_WORDS),
        "Rank": ["" if pd.isna(r) else f"{int(r)} of {n}" for r in table["rank"]],
        "Compared with peers": verdict,
    })
    return report.join(
        report.paragraph(
            "Rank 1 is best. Workload measures (calls and requests) have no better direction, "
            "so they are shown but not ranked. The peers' average is the plain mean of the "
            "other councils' figures."),
        report.table(frame, caption=f"{rep.council} against {' and '.join(rep.peers)}, "
                                    f"{month_name(rep.period)}", row_header="Measure",
                     numeric=[rep.council, frame.columns[2], "Rank"]))


def trend_section(rep: CouncilReport) -> Html:
    """Month by month for the council, the change since the month before, and a chart."""
    service = rep.service
    changes = si.month_on_month(service.performance, service.metrics)
    own = _with_metrics(rep, changes[(changes["council"] == rep.council)
                                     & (changes["month"] <= rep.period)])
    months = sorted(own["month"].unique())
    wide = own.pivot(index="metric", columns="month", values="value").reindex(
        service.metrics["metric"])
    now = own[own["month"] == rep.period].set_index("metric").reindex(service.metrics["metric"])
    metrics = service.metrics.set_index("metric")
    frame = pd.DataFrame({"Measure": metrics["label"].to_numpy()})
    for month in months:
        frame[month.strftime("%b %Y")] = value_text(wide[month], metrics["unit"],
                                                    metrics["decimals"])
    frame["Change on month before"] = [
        "" if pd.isna(c) else f"{c:+,.{int(d)}f}" for c, d in zip(
            now["change"], metrics["decimals"], strict=True)]
    frame["Better or worse"] = np.select(
        [now["improved"].eq(True).to_numpy(), now["improved"].eq(False).to_numpy(),
         metrics["direction"].eq("neutral").to_numpy(), now["previous"].isna().to_numpy()],
        ["Better", "Worse", "Not ranked (workload)", "No earlier month"], "No change")
    chart_rows = service.performance[service.performance["month"] <= rep.period]
    return report.join(
        report.table(frame, caption=f"{rep.council} month by month, {month_name(months[0])} to "
                                    f"{month_name(months[-1])}", row_header="Measure",
                     numeric=[c for c in frame.columns if c not in ("Measure",
                                                                    "Better or worse")]),
        report.figure(
            council_chart.council_trend_chart(chart_rows, service.metrics, CHARTED,
                                              council=rep.council,
                                              councils=list(service.info.councils)),
            alt=council_chart.alt_text(chart_rows, service.metrics, CHARTED,
                                       council=rep.council),
            caption=(f"Overall SLA performance, customer satisfaction (Net Promoter Score) and "
                     f"calls per employee each month; {rep.council} is the solid, heavier "
                     "line, each council has its own marker shape.")))


def staff_section(rep: CouncilReport) -> Html:
    """Headcount implied by the per-employee ratios, with its rounding range and a check."""
    staff = si.derived_staff(rep.service.performance, rep.service.metrics)
    staff = staff[(staff["council"] == rep.council) & (staff["month"] <= rep.period)]
    labels = rep.service.metrics.set_index("metric")["label"]
    check = si.staff_consistency(staff).set_index("month")
    frame = pd.DataFrame({
        "Month": staff["month"].map(month_name),
        "Worked out from": [f"{labels[c]} ÷ {labels[r]}" for c, r in
                            zip(staff["count_metric"], staff["ratio_metric"], strict=True)],
        "Count": report.number(staff["count"]),
        "Per employee (as published)": report.number(staff["ratio"], 2),
        "Staff (estimate)": report.number(staff["staff"]),
        "Possible range": [f"{a:,.0f} to {b:,.0f}" for a, b in
                           zip(staff["staff_low"], staff["staff_high"], strict=True)],
        "Estimates agree": report.yes_no(staff["month"].map(check["consistent"])),
    })
    return report.join(
        report.paragraph(
            "The pack does not publish how many staff each council has, but it publishes calls "
            "per employee and open calls per employee. Dividing each count by its ratio gives "
            "the headcount. The ratios are rounded to two decimal places, so each estimate is "
            "really a range; \"Estimates agree\" says whether the two ranges overlap, as they "
            "should if both ratios use the same headcount."),
        report.table(frame, caption=f"{rep.council}: staff numbers derived from the pack",
                     row_header="Month",
                     numeric=["Count", "Per employee (as published)", "Staff (estimate)"]))


def objectives_section(rep: CouncilReport) -> Html:
    """The shared service's delivery-plan objectives and their reported status."""
    objectives = rep.service.objectives
    if objectives.empty:
        return report.paragraph("No delivery-plan objectives are held for this service.")
    frame = pd.DataFrame({
        "Objective": objectives["objective"],
        "Condition": objectives["condition"].replace("", "No condition attached"),
        # Items of a cell are published as "item.; item."; read them as sentences.
        "Status reported": objectives["status_feb_2018"].str.replace(".; ", ". ", regex=False),
    })
    return report.join(
        report.paragraph(
            f"The delivery plan is shared by all {len(rep.service.info.councils)} councils. "
            "Status as reported in the February 2018 performance pack."),
        report.table(frame, caption="Delivery-plan objectives and status", row_header="Objective"))


def risks_section(rep: CouncilReport) -> Html:
    """The risk register, highest score first, and the impact x likelihood heat map."""
    risks = si.risk_scores(rep.service.risks)
    scale = (rep.service.info.risk_scale.minimum, rep.service.info.risk_scale.maximum)
    band = [risk_chart.DEFAULT_BANDS[i][2] for i in
            risk_chart.score_band(risks["computed_score"].to_numpy())]
    frame = pd.DataFrame({
        "Risk": risks["risk_id"] + " " + risks["risk"],
        "Impact": risks["impact"], "Likelihood": risks["likelihood"],
        "Score": risks["computed_score"], "Level": band,
        "Mitigation": risks["mitigation"], "Owner": risks["owner"],
    })
    mismatched = risks.loc[~risks["score_matches"], "risk_id"].tolist()
    check = ("Every published score equals impact × likelihood." if not mismatched else
             f"The published score of risk {', '.join(mismatched)} differs from impact × "
             "likelihood; the table shows impact × likelihood.")
    return report.join(
        report.paragraph(
            f"Impact and likelihood are each scored {scale[0]} to {scale[1]}; the risk score is "
            "impact × likelihood. Levels: 1-2 Low, 3-4 Medium, 6-9 High (the pack publishes "
            f"no bands, so these are the toolkit's). {check}"),
        report.table(frame, caption="Risk register, highest score first", row_header="Risk",
                     numeric=["Impact", "Likelihood", "Score"]),
        report.figure(risk_chart.risk_heatmap(rep.service.risks, scale=scale),
                      alt=risk_chart.alt_text(rep.service.risks, scale=scale),
                      caption="Risks placed by impact (up) and likelihood (across). Each cell "
                              "gives its score and level in words as well as colour."))


def provenance_section(rep: CouncilReport) -> Html:
    """Appendix: input files with SHA-256, parameters, source, toolkit version."""
    folder = rep.service.folder
    files = existing(folder, SERVICE_FILES)
    return provenance.appendix(files, rep.parameters,
                               [("Source", report.paragraph(rep.service.info.source))])
