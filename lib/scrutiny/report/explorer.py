"""The analyst's KPI explorer: pick a contract, service, KPI and months; see the trend and history.

Everything the widgets show is made by pure functions here (options, selection, trend chart, RAG
history, abatement detail, trend statistics), so the logic is tested without a browser.
:class:`Explorer` only wires ipywidgets (dropdowns and a month ``SelectionRangeSlider``) to those
functions; ``notebooks/explore.ipynb`` displays ``Explorer(contract).widget`` in JupyterLab.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from scrutiny.abate.abatement import contract_abatement
from scrutiny.abate.terms import load_terms
from scrutiny.config import data_root
from scrutiny.core.months import month_name
from scrutiny.core.rag import RAG_LABELS
from scrutiny.insight.trends import WINDOW, kpi_trends
from scrutiny.load.contract import Contract, load_contract
from scrutiny.report import html as report
from scrutiny.report.charts import trend
from scrutiny.report.html import Html
from scrutiny.score.scoring import score


def kpi_contracts(root: Path | None = None) -> list[str]:
    """Return the data folders that hold a KPI contract (those with ``kpis.csv``), sorted."""
    root = data_root() if root is None else Path(root)
    return sorted(p.parent.name for p in root.glob("*/kpis.csv"))


@lru_cache(maxsize=8)
def scored(contract: str) -> tuple[Contract, pd.DataFrame]:
    """Load and score a contract once per session."""
    loaded = load_contract(contract)
    return loaded, score(loaded)


@lru_cache(maxsize=8)
def abated(contract: str) -> tuple[pd.DataFrame, bool]:
    """Abatement of every KPI-month of a contract, and whether its terms are illustrative."""
    loaded, scores = scored(contract)
    terms = load_terms(loaded)
    return contract_abatement(loaded, terms, scores=scores).kpi_months, terms.illustrative


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


def abatement_table(kpi_months: pd.DataFrame, *, kpi_id: str, start: pd.Period, end: pd.Period,
                    illustrative: bool = True) -> Html:
    """One KPI's abatement month by month: run length, multiplier, base points and points."""
    rows = select(kpi_months, kpi_id=kpi_id, start=start, end=end)
    terms = " (illustrative terms)" if illustrative else ""
    shown = pd.DataFrame({
        "Month": rows["month"].map(month_name),
        "RAG": rows["rag"].map(RAG_LABELS), "rag": rows["rag"],
        "Months failing in a row": rows["run_length"].astype(int),
        "Multiplier": rows["multiplier"].map("{:g}".format),
        "Base points": rows["base_points"].map("{:.2f}".format),
        "Points": rows["points"].map("{:.2f}".format),
    })
    total = report.paragraph(f"{kpi_id} attracted {rows['points'].sum():,.2f} abatement points "
                             f"in the months chosen{terms}.")
    return report.join(total, report.table(
        shown, caption=f"Abatement detail of {kpi_id}{terms}", rag_columns={"RAG": "rag"},
        row_header="Month",
        numeric=["Months failing in a row", "Multiplier", "Base points", "Points"]))


def trend_statistics(scores: pd.DataFrame, *, kpi_id: str, end: pd.Period,
                     window: int = WINDOW) -> Html:
    """The trend test of one KPI over the ``window`` months to ``end`` (as the reports use)."""
    stats = kpi_trends(scores, end, window=window)
    row = stats[stats["kpi_id"] == kpi_id]
    if row.empty:
        return report.paragraph(f"{kpi_id} has no result in {month_name(end)} to test a trend.")
    r = row.iloc[0]
    shown = pd.DataFrame({
        "Measure": ["Window", "Scored months", "Left out (Blue / no number)", "Trend",
                    "Slope per month (Theil-Sen)", "Kendall's tau", "p-value",
                    "Months until it would miss target", "Months until it would miss minimum",
                    "Early warning"],
        "Value": [f"{month_name(r['window_start'])} to {month_name(r['period'])}",
                  str(r["n_points"]), f"{r['excluded_blue']} / {r['excluded_no_data']}",
                  r["classification"], _number(r["slope"], "{:+.2f}"),
                  _number(r["tau"], "{:.2f}"), _number(r["p_value"], "{:.3f}"),
                  _number(r["months_to_tsl"], "{:g}"), _number(r["months_to_msl"], "{:g}"),
                  "Yes" if r["flag"] else "No"],
    })
    return report.table(shown, caption=f"Trend statistics of {kpi_id}", row_header="Measure")


def _number(value, fmt: str) -> str:
    return "-" if pd.isna(value) else fmt.format(value)


def view(scores: pd.DataFrame, *, kpi_id: str, start: pd.Period, end: pd.Period,
         kpi_months: pd.DataFrame | None = None, illustrative: bool = True) -> Html:
    """Trend chart, RAG history, trend statistics and (given ``kpi_months``) abatement detail."""
    rows = select(scores, kpi_id=kpi_id, start=start, end=end)
    parts = [trend_view(rows, kpi_id=kpi_id), history_table(rows, kpi_id=kpi_id),
             trend_statistics(scores, kpi_id=kpi_id, end=end)]
    if kpi_months is not None:
        parts.append(abatement_table(kpi_months, kpi_id=kpi_id, start=start, end=end,
                                     illustrative=illustrative))
    return report.join(*parts)


#: Styles for the widget's output, scoped so they never touch JupyterLab's own interface.
_SCOPE = ".scrutiny-explorer"
_WIDGET_CSS = (
    f"{_SCOPE} table {{ border-collapse: collapse; margin: 0.5rem 0 1rem; }}\n"
    f"{_SCOPE} th, {_SCOPE} td {{ border: 1px solid #767676; padding: 0.2rem 0.5rem; }}\n"
    f"{_SCOPE} caption {{ font-weight: 600; text-align: left; }}\n"
    f"{_SCOPE} td.rag {{ font-weight: 600; }}\n" + report.rag_rules(_SCOPE))


def widget_markup(content: Html) -> str:
    """``content`` wrapped with its scoped styles, for an ``ipywidgets.HTML`` value."""
    return f'<div class="scrutiny-explorer"><style>{_WIDGET_CSS}</style>{content.markup}</div>'


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
        kpi_months, illustrative = abated(self.contract.value)
        self.output.value = widget_markup(view(
            self.scores, kpi_id=self.kpi.value, start=start, end=end, kpi_months=kpi_months,
            illustrative=illustrative))
