"""The KPI card: one KPI of a KPI contract on one page, for one month.

``notebooks/kpi_card.ipynb`` opens the card with :func:`~scrutiny.report.registry.open_report`
and displays one section per cell; each section function takes the :class:`KpiCard` and returns
:class:`~scrutiny.report.html.Html`. Every figure comes from the contract handle
(:meth:`~scrutiny.insight.contract_handle.ContractHandle.kpi_history`), as the command line's
``scrutiny history`` and the explorer read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.report import html as report
from scrutiny.report import provenance
from scrutiny.report.html import RAG_MEANINGS, Html
from scrutiny.report.kpi_card.params import KpiCardParams
from scrutiny.report.opened import ContractReport
from scrutiny.report.period.insight import levels_text, result_text

#: How a KPI's direction reads on the card.
DIRECTION_WORDS = {"higher": "Higher is better", "lower": "Lower is better"}


@dataclass(frozen=True)
class KpiCard(ContractReport[KpiCardParams]):
    """What a KPI card's sections read: the contract handle, the KPI and the month.

    The handle is checked to hold a result for the KPI (:class:`KpiCardParams`) in the period.
    """

    @property
    def kpi_id(self) -> str:
        return self.params.kpi

    @cached_property
    def definition(self) -> pd.Series:
        """The KPI's row of ``kpis.csv`` in force in the period (its latest before then)."""
        kpis = self.handle.contract.kpis
        rows = kpis[(kpis["kpi_id"] == self.kpi_id) & (kpis["effective_from"] <= self.period)]
        return rows.sort_values("effective_from").iloc[-1]

    @property
    def title(self) -> str:
        return f"{self.kpi_id}: {self.definition['description']}"

    @cached_property
    def history(self) -> pd.DataFrame:
        """Up to ``history_months`` months of the KPI's history, ending with the period.

        Columns as :data:`scrutiny.insight.contract_handle.HISTORY_COLUMNS`; ``rag`` holds the
        lower-case RAG code.
        """
        rows = self.handle.kpi_history(self.kpi_id)
        rows = rows[rows["month"] <= self.period].tail(self.params.history_months)
        return rows.assign(rag=rows["rag"].map(lambda r: str(r).lower())).reset_index(drop=True)

    @property
    def now(self) -> pd.Series:
        """The period's row of :attr:`history`."""
        return self.history.iloc[-1]


def title(card: KpiCard) -> Html:
    """The ``<h1>``: KPI and description; contract and month; generated-on date."""
    info = card.handle.contract.info
    return report.title_block(card.title,
                              subtitle=f"{info.title}: KPI card for {month_name(card.period)}",
                              generated_on=card.generated_on)


def definition_section(card: KpiCard) -> Html:
    """What the KPI measures and the levels it is held to (standard, and in force this month)."""
    kpi, now = card.definition, card.now
    unit = pd.Series([kpi["unit"]])
    standard = levels_text(pd.Series([kpi["tsl"]]), pd.Series([kpi["msl"]]), unit)[0]
    in_force = levels_text(pd.Series([now["tsl"]]), pd.Series([now["msl"]]), unit)[0]
    items = {
        "KPI": card.kpi_id,
        "Service": f"{kpi['service']} - {card.handle.contract.info.services[kpi['service']]}",
        "Measures": kpi["description"],
        "Direction": DIRECTION_WORDS.get(kpi["direction"], kpi["direction"]),
        "Target / minimum service level (standard)": standard,
        f"Target / minimum in force in {month_name(card.period)}": in_force,
    }
    if pd.notna(now["override_reason"]):
        items["Why the levels were revised"] = now["override_reason"]
    return report.definition_list(items)


def this_month(card: KpiCard) -> Html:
    """The period's RAG status with its text label and meaning, result and failing run."""
    now = card.now
    result = result_text(pd.Series([now["value"]]), pd.Series([card.definition["unit"]]),
                         pd.Series([now["basis"]]))[0]
    run = int(now["run_length"]) if pd.notna(now["run_length"]) else 0
    run_text = (f"It has missed its target {run} month{'s' if run != 1 else ''} in a row."
                if run else "It is not in a run of missed targets.")
    points = ("" if pd.isna(now["points"]) else
              f" It attracted {now['points']:,.2f} abatement points this month.")
    frame = pd.DataFrame({"Month": [month_name(card.period)],
                          "Status": [report.rag_label(now["rag"])], "rag": [now["rag"]],
                          "What it means": [RAG_MEANINGS[now["rag"]]],
                          "Result": [result]})
    return report.join(
        report.table(frame, caption=f"{card.kpi_id} in {month_name(card.period)}",
                     rag_columns={"Status": "rag"}, row_header="Month", numeric=["Result"]),
        report.paragraph(run_text + points))


def history_section(card: KpiCard) -> Html:
    """The recent months: result, status (label and colour), levels, run and points."""
    rows = card.history
    unit = pd.Series([card.definition["unit"]] * len(rows), index=rows.index)
    frame = pd.DataFrame({
        "Month": rows["month"].map(month_name),
        "Result": result_text(rows["value"], unit, rows["basis"]),
        "Status": rows["rag"].map(report.rag_label), "rag": rows["rag"],
        "TSL / MSL": levels_text(rows["tsl"], rows["msl"], unit),
        "Months failing in a row": rows["run_length"].map(
            lambda n: "" if pd.isna(n) else f"{int(n)}"),
        "Points": report.number(rows["points"], 2),
    })
    span = f"{month_name(rows['month'].iloc[0])} to {month_name(rows['month'].iloc[-1])}"
    table = report.table(frame, caption=f"{card.kpi_id} month by month, {span}",
                         rag_columns={"Status": "rag"}, row_header="Month",
                         numeric=["Result", "Months failing in a row", "Points"])
    if card.handle.has_terms:
        return table
    return report.join(table, report.paragraph(
        "This contract has no abatement terms (terms.yaml), so no points are shown."))


def provenance_section(card: KpiCard) -> Html:
    """Appendix: input files with SHA-256, parameters, toolkit."""
    return provenance.appendix(card.handle.input_files, card.parameters)
