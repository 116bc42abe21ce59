"""The analyst's KPI explorer: pick a contract, service, KPI and months; see the trend and history.

Everything the widgets show is made by pure functions here (options, selection, trend chart, RAG
history table), so the logic is tested without a browser. :class:`Explorer` only wires ipywidgets
(dropdowns and a month ``SelectionRangeSlider``) to those functions; ``notebooks/explore.ipynb``
displays ``Explorer(contract).widget`` in JupyterLab.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from scrutiny import report
from scrutiny.banding import RAG_LABELS
from scrutiny.charts import trend
from scrutiny.contract import Contract, load_contract
from scrutiny.months import month_name
from scrutiny.paths import data_root
from scrutiny.report import Html
from scrutiny.scoring import score


def kpi_contracts(root: Path | None = None) -> list[str]:
    """Return the data folders that hold a KPI contract (those with ``kpis.csv``), sorted."""
    root = data_root() if root is None else Path(root)
    return sorted(p.parent.name for p in root.glob("*/kpis.csv"))


@lru_cache(maxsize=8)
def scored(contract: str) -> tuple[Contract, pd.DataFrame]:
    """Load and score a contract once per session."""
    loaded = load_contract(contract)
    return loaded, score(loaded)


def service_options(contract: Contract) -> list[tuple[str, str]]:
    """Return ``(label, code)`` per service, in contract order, e.g. ``("IMT - Information ...``."""
    return [(f"{code} - {name}", code) for code, name in contract.info.services.items()]


def kpi_options(scores: pd.DataFrame, service: str) -> list[tuple[str, str]]:
    """Return ``(label, kpi_id)`` for the KPIs of ``service`` that have results."""
    kpis = scores.loc[scores["service"] == service, ["kpi_id", "description"]].drop_duplicates(
        "kpi_id")
    return list(zip(kpis["kpi_id"] + " - " + kpis["description"], kpis["kpi_id"], strict=True))


def month_options(scores: pd.DataFrame) -> list[tuple[str, pd.Period]]:
    """Return ``(label, month)`` for every month with results, ascending."""
    months = pd.PeriodIndex(sorted(scores["month"].unique()), freq="M")
    return [(m.strftime("%b %Y"), m) for m in months]


def select(scores: pd.DataFrame, *, kpi_id: str, start: pd.Period, end: pd.Period) -> pd.DataFrame:
    """Return one KPI's scores from ``start`` to ``end`` inclusive, months ascending."""
    rows = scores[(scores["kpi_id"] == kpi_id) & scores["month"].between(start, end)]
    return rows.sort_values("month").reset_index(drop=True)


def trend_view(rows: pd.DataFrame, *, kpi_id: str) -> Html:
    """The trend chart of one KPI (TSL/MSL bands, RAG-labelled points) with alt text."""
    if rows.empty:
        return report.paragraph(f"{kpi_id} has no results in the months chosen.")
    title = f"{kpi_id}: {rows['description'].iloc[0]}"
    return report.figure(trend.kpi_trend(rows, title=title),
                         alt=trend.alt_text(rows, title=title),
                         caption=f"{kpi_id} by month against its TSL and MSL")


def history_table(rows: pd.DataFrame, *, kpi_id: str) -> Html:
    """The RAG history of one KPI: value or status word, RAG label, thresholds and why."""
    shown = pd.DataFrame({
        "Month": rows["month"].map(month_name),
        "Value": rows["value"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        .where(rows["status"] == "", rows["status"]),
        "RAG": rows["rag"].map(RAG_LABELS), "rag": rows["rag"],
        "TSL": rows["tsl"].map("{:g}".format), "MSL": rows["msl"].map("{:g}".format),
        "Why": rows["basis"],
        "Revised thresholds": rows["override_reason"].fillna(""),
    })
    return report.table(shown, caption=f"RAG history of {kpi_id}", rag_columns={"RAG": "rag"},
                        row_header="Month", numeric=["Value", "TSL", "MSL"])


def view(scores: pd.DataFrame, *, kpi_id: str, start: pd.Period, end: pd.Period) -> Html:
    """Trend chart and RAG history for one KPI and month range."""
    rows = select(scores, kpi_id=kpi_id, start=start, end=end)
    return report.join(trend_view(rows, kpi_id=kpi_id), history_table(rows, kpi_id=kpi_id))


class Explorer:
    """ipywidgets front end: contract, service and KPI dropdowns and a month range slider.

    Parameters
    ----------
    contract : str, optional
        Contract selected first; default the first KPI contract under ``data/``.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Display this in JupyterLab.
    output : ipywidgets.HTML
        The current trend chart and history table (library HTML).
    """

    def __init__(self, contract: str | None = None):
        import ipywidgets as w

        names = kpi_contracts()
        self.contract = w.Dropdown(options=names, value=contract or names[0],
                                   description="Contract")
        self.service = w.Dropdown(description="Service")
        self.kpi = w.Dropdown(description="KPI", layout=w.Layout(width="40rem"))
        self.months = w.SelectionRangeSlider(options=[("", 0)], description="Months",
                                             layout=w.Layout(width="40rem"))
        self.output = w.HTML()
        self._quiet = False
        self.widget = w.VBox([self.contract, self.service, self.kpi, self.months, self.output])
        self._on_contract()
        self.contract.observe(lambda _: self._on_contract(), names="value")
        self.service.observe(lambda _: self._on_service(), names="value")
        self.kpi.observe(lambda _: self.refresh(), names="value")
        self.months.observe(lambda _: self.refresh(), names="value")

    @property
    def scores(self) -> pd.DataFrame:
        return scored(self.contract.value)[1]

    def _on_contract(self) -> None:
        loaded, scores = scored(self.contract.value)
        months = month_options(scores)
        self._quiet = True  # option changes fire observers; draw once at the end
        try:
            self.months.options = months
            self.months.index = (0, len(months) - 1)
            self.service.options = service_options(loaded)
            self.service.value = self.service.options[0][1]
        finally:
            self._quiet = False
        self._on_service()

    def _on_service(self) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self.kpi.options = kpi_options(self.scores, self.service.value)
            self.kpi.value = self.kpi.options[0][1] if self.kpi.options else None
        finally:
            self._quiet = False
        self.refresh()

    def refresh(self) -> None:
        """Redraw the chart and table for the current choices."""
        if self._quiet:
            return
        if self.kpi.value is None:
            self.output.value = ""
            return
        start, end = self.months.value
        self.output.value = view(self.scores, kpi_id=self.kpi.value, start=start,
                                 end=end).markup
