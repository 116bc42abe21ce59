"""The analyst's KPI explorer: pick a contract, service, KPI and months; see the trend and history.

Everything the widgets show is made by pure functions here (options, selection, trend chart, RAG
history, abatement detail, trend statistics), so the logic is tested without a browser. The data
come from the same :class:`~scrutiny.insight.contract_handle.ContractHandle` the command line and
``scrutiny.open_contract`` use. :class:`Explorer` only wires ipywidgets (dropdowns for contract,
service, KPI and the first and last month; what-if controls for the Amber share and whether Blue
breaks a run; a button that hands the KPI's table over as a DataFrame) to those functions;
``notebooks/explore.ipynb`` displays ``Explorer(contract).widget`` in JupyterLab.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.periods import held_months
from scrutiny.core.rag import RAG_LABELS
from scrutiny.core.units import with_unit
from scrutiny.insight.contract_handle import ContractHandle, open_contract
from scrutiny.insight.trends import MIN_POINTS, kpi_trends
from scrutiny.load.contract import Contract
from scrutiny.load.folder import kpi_contracts
from scrutiny.report import html as report
from scrutiny.report.charts import trend
from scrutiny.report.html import Html

#: Fewest scored months the explorer's trend test asks for (fewer when the range is shorter).
TREND_MIN_POINTS = MIN_POINTS
#: Name of the variable the explorer's button fills with the current KPI's table.
TABLE_VARIABLE = "kpi_table"



@lru_cache(maxsize=8)
def handle(contract: str) -> ContractHandle:
    """The contract's analysis handle, loaded and scored once per session."""
    return open_contract(contract)


def scored(contract: str) -> tuple[Contract, pd.DataFrame]:
    """The contract and its scores (lower-case RAG codes), once per session."""
    h = handle(contract)
    return h.contract, h.scored


def abated(contract: str, amber_fraction: float | None = None,
           blue_breaks_run: bool | None = None) -> tuple[pd.DataFrame, bool]:
    """Every KPI-month's abatement under the contract's terms or the what-if values given.

    Returns the KPI-month table and whether the terms are illustrative; ``(None, False)`` for a
    contract without abatement terms (they are optional). The handle computes each set of terms
    once per session.
    """
    h = handle(contract)
    if not h.has_terms:
        return None, False
    changes = {name: value for name, value in (("amber_fraction", amber_fraction),
                                               ("blue_breaks_run", blue_breaks_run))
               if value is not None and value != getattr(h.terms.params, name)}
    rows = h.abatement(by="kpi", terms=changes or None)
    return rows.assign(rag=rows["rag"].str.lower()), h.terms.illustrative


def service_options(contract: Contract) -> list[tuple[str, str]]:
    """Return ``(label, code)`` per service, in contract order, e.g. ``("IMT - Information ...``."""
    return [(f"{code} - {name}", code) for code, name in contract.info.services.items()]


#: Characters of a KPI's description shown in its dropdown (a ``<select>`` cannot wrap); the
#: explorer writes the whole description beneath it.
OPTION_CHARS = 70


def kpi_options(scores: pd.DataFrame, service: str) -> list[tuple[str, str]]:
    """Return ``(label, kpi_id)`` for the KPIs of ``service`` that have results.

    A description longer than :data:`OPTION_CHARS` ends in an ellipsis, so the label never runs
    past the dropdown's edge unannounced.
    """
    kpis = scores.loc[scores["service"] == service, ["kpi_id", "description"]].drop_duplicates(
        "kpi_id")
    short = kpis["description"].map(
        lambda d: d if len(d) <= OPTION_CHARS else d[:OPTION_CHARS - 1].rstrip() + "\u2026")
    return list(zip(kpis["kpi_id"] + " - " + short, kpis["kpi_id"], strict=True))


def kpi_name(scores: pd.DataFrame, kpi_id: str) -> str:
    """``kpi_id`` and its whole description, e.g. ``CSC_KPI_04: Avoidable contact ...``."""
    description = scores.loc[scores["kpi_id"] == kpi_id, "description"]
    return f"{kpi_id}: {description.iloc[0]}" if len(description) else kpi_id


def month_options(scores: pd.DataFrame) -> list[tuple[str, pd.Period]]:
    """Return ``(label, month)`` for every month with results, ascending."""
    months = held_months(scores)
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
    """The RAG history of one KPI: value or status word, RAG label, thresholds and why.

    A reason for revised thresholds usually covers several months; it is written once, under the
    table, and each month it applies to points to it ("Note 1").
    """
    notes = list(dict.fromkeys(rows["override_reason"].dropna()))
    number = {reason: i for i, reason in enumerate(notes, start=1)}
    shown = pd.DataFrame({
        "Month": rows["month"].map(month_name),
        "Value": _values_with_unit(rows).where(rows["status"] == "", rows["status"]),
        "RAG": rows["rag"].map(RAG_LABELS), "rag": rows["rag"],
        "TSL": rows["tsl"].map("{:g}".format), "MSL": rows["msl"].map("{:g}".format),
        "Why": rows["basis"],
        "Revised thresholds": rows["override_reason"].map(
            lambda r: f"Note {number[r]}" if r in number else ""),
    })
    if "comment" in rows and rows["comment"].fillna("").ne("").any():
        shown["Supplier's comment"] = rows["comment"].fillna("")
    table = report.table(shown, caption=f"RAG history of {kpi_id}", rag_columns={"RAG": "rag"},
                         row_header="Month", numeric=["Value", "TSL", "MSL"])
    if not notes:
        return table
    return report.join(table, report.bullet_list(
        [f"Note {number[r]} (revised thresholds): {r}" for r in notes]))


def _values_with_unit(rows: pd.DataFrame) -> pd.Series:
    """Each number to two decimals with the KPI's unit (``97.50%``, ``4.50 days``)."""
    labels = rows["unit_label"] if "unit_label" in rows else pd.Series("", index=rows.index)
    units = rows["unit"] if "unit" in rows else pd.Series("count", index=rows.index)
    return pd.Series([
        "" if pd.isna(v) else with_unit(f"{v:,.2f}", u, lab)
        for v, u, lab in zip(rows["value"], units, labels.fillna(""), strict=True)],
        index=rows.index, dtype=object)


def abatement_table(kpi_months: pd.DataFrame, *, kpi_id: str, start: pd.Period, end: pd.Period,
                    illustrative: bool = True, whatif: str = "") -> Html:
    """One KPI's abatement month by month: run length, multiplier, base points and points.

    ``whatif`` describes terms changed from the contract's (shown in the caption and total).
    """
    rows = select(kpi_months, kpi_id=kpi_id, start=start, end=end)
    terms = " (illustrative terms)" if illustrative else ""
    terms += f" (what-if: {whatif})" if whatif else ""
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


def trend_statistics(scores: pd.DataFrame, *, kpi_id: str, start: pd.Period,
                     end: pd.Period) -> Html:
    """The trend test of one KPI over the months chosen (the test the reports use).

    The window is ``start`` to ``end``; a KPI needs :data:`TREND_MIN_POINTS` scored months in it
    (all of them when the range is shorter).
    """
    window = (end.year - start.year) * 12 + end.month - start.month + 1
    if window < 2:
        return report.paragraph("Choose at least two months to test a trend.")
    stats = kpi_trends(scores, end, window=window, min_points=min(TREND_MIN_POINTS, window))
    row = stats[stats["kpi_id"] == kpi_id]
    if row.empty:
        return report.paragraph(f"{kpi_id} has no result in {month_name(end)} to test a trend.")
    r = row.iloc[0]
    shown = pd.DataFrame({
        "Measure": ["Window", "Scored months", "Left out (Blue / no number)", "Trend",
                    "Slope per month (Theil-Sen)", "Kendall's tau", "p-value",
                    "Least headroom over target", "Least headroom over minimum",
                    "Months until it would miss target", "Months until it would miss minimum",
                    "Early warning", "Green, drifting"],
        "Value": [f"{month_name(r['window_start'])} to {month_name(r['period'])}",
                  str(r["n_points"]), f"{r['excluded_blue']} / {r['excluded_no_data']}",
                  r["classification"], _number(r["slope"], "{:+.2f}"),
                  _number(r["tau"], "{:.2f}"), _number(r["p_value"], "{:.3f}"),
                  _number(r["min_headroom_tsl"], "{:+.2f}"),
                  _number(r["min_headroom_msl"], "{:+.2f}"),
                  _number(r["months_to_tsl"], "{:g}"), _number(r["months_to_msl"], "{:g}"),
                  "Yes" if r["flag"] else "No", "Yes" if r["drifting"] else "No"],
    })
    return report.table(shown, caption=f"Trend statistics of {kpi_id}", row_header="Measure")


def _number(value, fmt: str) -> str:
    return "-" if pd.isna(value) else fmt.format(value)


def view(scores: pd.DataFrame, *, kpi_id: str, start: pd.Period, end: pd.Period,
         kpi_months: pd.DataFrame | None = None, illustrative: bool = True,
         whatif: str = "") -> Html:
    """Trend chart, RAG history, trend statistics and abatement detail (``kpi_months``; without
    them, a line saying the contract has no abatement terms)."""
    rows = select(scores, kpi_id=kpi_id, start=start, end=end)
    parts = [trend_view(rows, kpi_id=kpi_id), history_table(rows, kpi_id=kpi_id),
             trend_statistics(scores, kpi_id=kpi_id, start=start, end=end)]
    if kpi_months is not None:
        parts.append(abatement_table(kpi_months, kpi_id=kpi_id, start=start, end=end,
                                     illustrative=illustrative, whatif=whatif))
    else:
        parts.append(report.paragraph("This contract has no abatement terms (terms.yaml), so no "
                                      "points are shown."))
    return report.join(*parts)


#: Styles for the widget's output, scoped so they never touch JupyterLab's own interface.
_SCOPE = ".scrutiny-explorer"
_WIDGET_CSS = report.table_styles(_SCOPE) + (
    # Wide tables scroll inside the output; long words and chart titles wrap, never cut off.
    f"{_SCOPE} {{ max-width: 100%; overflow-x: auto; overflow-wrap: anywhere; }}\n"
    f"{_SCOPE} img {{ max-width: 100%; height: auto; }}\n"
    f"{_SCOPE} td, {_SCOPE} th {{ white-space: normal; vertical-align: top; }}\n")


def widget_markup(content: Html) -> str:
    """``content`` wrapped with its scoped styles, for an ``ipywidgets.HTML`` value."""
    return f'<div class="scrutiny-explorer"><style>{_WIDGET_CSS}</style>{content.markup}</div>'


def kpi_table(contract: str, *, kpi_id: str, start: pd.Period, end: pd.Period,
              amber_fraction: float | None = None,
              blue_breaks_run: bool | None = None) -> pd.DataFrame:
    """One KPI's months in the range as a DataFrame: the history and abatement tables in one.

    Columns as :meth:`~scrutiny.insight.contract_handle.ContractHandle.kpi_history`; points
    follow the what-if values given (the contract's own terms when ``None``).
    """
    history = handle(contract).kpi_history(kpi_id)
    history = history[history["month"].between(start, end)].reset_index(drop=True)
    points, _ = abated(contract, amber_fraction, blue_breaks_run)
    if points is None:
        return history
    points = points[points["kpi_id"] == kpi_id][
        ["month", "allocation", "base_points", "run_length", "multiplier", "points"]]
    columns = list(history.columns)
    return history.drop(columns=points.columns[1:]).merge(
        points, on="month", how="left", validate="one_to_one")[columns]


class Explorer:
    """ipywidgets front end: contract, service, KPI and month dropdowns, what-if controls.

    Parameters
    ----------
    contract : str, optional
        Contract selected first; default the first KPI contract under ``data/``.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Display this in JupyterLab.
    output : ipywidgets.HTML
        The current trend chart, tables and statistics (library HTML).
    """

    def __init__(self, contract: str | None = None):
        import ipywidgets as w

        names = kpi_contracts()
        wide = w.Layout(width="min(100%, 64rem)")
        label = {"description_width": "9rem"}
        self.contract = w.Dropdown(options=names, value=contract or names[0],
                                   description="Contract", layout=wide, style=label)
        self.service = w.Dropdown(description="Service", layout=wide, style=label)
        self.kpi = w.Dropdown(description="KPI", layout=wide, style=label)
        self.kpi_name = w.HTML(layout=w.Layout(margin="0 0 0.5rem 9.5rem", max_width="56rem"))
        self.start = w.Dropdown(description="From", style=label)
        self.end = w.Dropdown(description="To", style=label)
        self.amber = w.FloatSlider(min=0, max=1, step=0.05, description="Amber share",
                                   continuous_update=False, readout_format=".2f", style=label,
                                   tooltip="Share of a KPI's points an Amber month attracts")
        self.blue_breaks = w.Checkbox(description="A Blue month ends a run of failing months",
                                      indent=False)
        self.take = w.Button(description=f"Table to DataFrame {TABLE_VARIABLE}",
                             tooltip=f"Put this KPI's table into the variable {TABLE_VARIABLE}",
                             layout=w.Layout(width="auto"))
        self.message = w.Label()
        self.output = w.HTML()
        self._quiet = False
        self.widget = w.VBox([
            self.contract, self.service, self.kpi, self.kpi_name, w.HBox([self.start, self.end]),
            w.HBox([self.amber, self.blue_breaks]), w.HBox([self.take, self.message]),
            self.output], layout=w.Layout(max_width="100%"))
        self.widget.add_class("scrutiny-explorer-controls")  # for tests and user styles
        self._on_contract()
        self.contract.observe(lambda _: self._on_contract(), names="value")
        self.service.observe(lambda _: self._on_service(), names="value")
        for control in (self.kpi, self.start, self.end, self.amber, self.blue_breaks):
            control.observe(lambda _: self.refresh(), names="value")
        self.take.on_click(lambda _: self._hand_over())

    @property
    def scores(self) -> pd.DataFrame:
        return scored(self.contract.value)[1]

    @property
    def months(self) -> tuple[pd.Period, pd.Period]:
        """The first and last month chosen (swapped if chosen the wrong way round)."""
        start, end = self.start.value, self.end.value
        return (start, end) if start <= end else (end, start)

    def table(self) -> pd.DataFrame:
        """The current KPI's months in the chosen range, under the what-if values shown."""
        start, end = self.months
        return kpi_table(self.contract.value, kpi_id=self.kpi.value, start=start, end=end,
                         **self._whatif())

    def _whatif(self) -> dict:
        return {"amber_fraction": round(self.amber.value, 4),
                "blue_breaks_run": bool(self.blue_breaks.value)}

    def _hand_over(self) -> None:
        """Put :meth:`table` into the notebook's ``kpi_table`` variable (or say it cannot)."""
        from IPython import get_ipython

        shell = get_ipython()
        frame = self.table()
        if shell is None:
            self.message.value = "No notebook here: call explorer.table() instead."
            return
        shell.user_ns[TABLE_VARIABLE] = frame
        self.message.value = (f"{TABLE_VARIABLE} now holds {self.kpi.value}, "
                              f"{len(frame)} months.")

    def _on_contract(self) -> None:
        loaded, scores = scored(self.contract.value)
        months = month_options(scores)
        h = handle(self.contract.value)
        self._quiet = True  # option changes fire observers; draw once at the end
        try:
            self.start.options = months
            self.end.options = months
            self.start.value, self.end.value = months[0][1], months[-1][1]
            self.amber.disabled = self.blue_breaks.disabled = not h.has_terms
            if h.has_terms:
                self.amber.value = h.terms.params.amber_fraction
                self.blue_breaks.value = h.terms.params.blue_breaks_run
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
        """Redraw the chart and tables for the current choices."""
        if self._quiet:
            return
        self.message.value = ""
        if self.kpi.value is None:
            self.output.value = self.kpi_name.value = ""
            return
        self.kpi_name.value = str(report.esc(kpi_name(self.scores, self.kpi.value)))
        start, end = self.months
        kpi_months, illustrative = abated(self.contract.value, **self._whatif())
        self.output.value = widget_markup(view(
            self.scores, kpi_id=self.kpi.value, start=start, end=end, kpi_months=kpi_months,
            illustrative=illustrative, whatif=self._whatif_words()))

    def _whatif_words(self) -> str:
        """The what-if values that differ from the contract's terms, in words ("" if none)."""
        if not handle(self.contract.value).has_terms:
            return ""
        terms = handle(self.contract.value).terms.params
        words = []
        if round(self.amber.value, 4) != terms.amber_fraction:
            words.append(f"Amber at {self.amber.value:.2f} of a KPI's points")
        if bool(self.blue_breaks.value) != terms.blue_breaks_run:
            words.append("a Blue month " + ("ends" if self.blue_breaks.value else "does not end")
                         + " a run")
        return ", ".join(words)
