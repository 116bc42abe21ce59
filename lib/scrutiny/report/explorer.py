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

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from scrutiny.abate.whatif import load_scenario as read_scenario
from scrutiny.core.atomic import atomic_write
from scrutiny.core.months import month_name
from scrutiny.core.periods import held_months
from scrutiny.core.rag import RAG_LABELS, rag_words
from scrutiny.core.units import with_unit
from scrutiny.exceptions import ScrutinyError, TermsError
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
           blue_breaks_run: bool | None = None,
           settings: Mapping[str, object] | None = None) -> tuple[pd.DataFrame, bool]:
    """Every KPI-month's abatement under the contract's terms or the what-if values given.

    ``settings`` are what-if settings as ``scrutiny whatif --set`` takes them (``tsl.KPI``,
    ``msl.KPI``, ``amber_fraction`` ...); ``amber_fraction``/``blue_breaks_run`` add to them.
    Returns the KPI-month table, with ``contract_rag`` (the RAG under the contract's own
    thresholds; it differs from ``rag`` in re-scored months), and whether the terms are
    illustrative; ``(None, False)`` for a contract without abatement terms (they are optional).
    The handle computes each set of settings once per session.

    Raises
    ------
    TermsError
        For a setting the contract's terms refuse (an unknown KPI, an MSL on the wrong side).
    """
    h = handle(contract)
    if not h.has_terms:
        return None, False
    changes = changed_settings(h, {**(settings or {}), "amber_fraction": amber_fraction,
                                   "blue_breaks_run": blue_breaks_run})
    own = h.abatement(by="kpi")
    rows = own if not changes else h.whatif_abatement(changes).kpi_months.merge(
        h.contract.kpis[["kpi_id", "description"]].drop_duplicates("kpi_id"), on="kpi_id",
        how="left").assign(rag=lambda f: rag_words(f["rag"]))
    rows = rows.reset_index(drop=True).assign(
        rag=lambda f: f["rag"].str.lower(),
        contract_rag=own.set_index(["kpi_id", "month"])["rag"].str.lower().reindex(
            pd.MultiIndex.from_frame(rows[["kpi_id", "month"]])).to_numpy())
    return rows, h.terms.illustrative


def changed_settings(h: ContractHandle, settings: Mapping[str, object]) -> dict[str, object]:
    """``settings`` less those that are ``None`` or equal the contract's own plain terms."""
    own = h.terms.params
    return {name: value for name, value in settings.items()
            if value is not None and not (hasattr(own, name) and getattr(own, name) == value)}


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
        **_contract_rag_column(rows),
        "Months failing in a row": rows["run_length"].astype(int),
        "Multiplier": rows["multiplier"].map("{:g}".format),
        "Base points": rows["base_points"].map("{:.2f}".format),
        "Points": rows["points"].map("{:.2f}".format),
    })
    total = report.paragraph(f"{kpi_id} attracted {rows['points'].sum():,.2f} abatement points "
                             f"in the months chosen{terms}.")
    total = report.join(total, report.paragraph(rescored_words(rows))) if whatif else total
    return report.join(total, report.table(
        shown, caption=f"Abatement detail of {kpi_id}{terms}", rag_columns={"RAG": "rag"},
        row_header="Month",
        numeric=["Months failing in a row", "Multiplier", "Base points", "Points"]))


def rescored_months(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows whose what-if RAG differs from the RAG under the contract's own thresholds."""
    if "contract_rag" not in rows:
        return rows.iloc[:0]
    return rows[rows["contract_rag"].ne(rows["rag"])]


def rescored_words(rows: pd.DataFrame) -> str:
    """The re-scored months in words, e.g. "2 months re-scored: August 2015 Amber to Green, ..."."""
    moved = rescored_months(rows)
    if moved.empty:
        return "No month in the range changes RAG under the what-if."
    return (f"{len(moved)} month{'s' if len(moved) > 1 else ''} re-scored: " + ", ".join(
        f"{month_name(m)} {RAG_LABELS.get(a, a)} to {RAG_LABELS.get(b, b)}"
        for m, a, b in zip(moved["month"], moved["contract_rag"], moved["rag"], strict=True))
        + ".")


def _contract_rag_column(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """A "RAG under the contract" column when some month is re-scored, else nothing."""
    if rescored_months(rows).empty:
        return {}
    return {"RAG under the contract": rows["contract_rag"].map(RAG_LABELS)}


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
              blue_breaks_run: bool | None = None,
              settings: Mapping[str, object] | None = None) -> pd.DataFrame:
    """One KPI's months in the range as a DataFrame: the history and abatement tables in one.

    Columns as :meth:`~scrutiny.insight.contract_handle.ContractHandle.kpi_history`; points
    follow the what-if values given (the contract's own terms when ``None``).
    """
    history = handle(contract).kpi_history(kpi_id)
    history = history[history["month"].between(start, end)].reset_index(drop=True)
    points, _ = abated(contract, amber_fraction, blue_breaks_run, settings)
    if points is None:
        return history
    points = points[points["kpi_id"] == kpi_id][
        ["month", "rag", "contract_rag", "allocation", "base_points", "run_length",
         "multiplier", "points"]]
    columns = list(history.columns)
    rescored = bool(settings) and any(k.startswith(("tsl.", "msl.")) for k in settings)
    if not rescored:
        points = points.drop(columns=["rag", "contract_rag"])
    else:
        columns.insert(columns.index("rag") + 1, "contract_rag")
        points = points.assign(rag=points["rag"].map(RAG_LABELS),
                               contract_rag=points["contract_rag"].map(RAG_LABELS))
    return history.drop(columns=[c for c in points.columns[1:] if c in history]).merge(
        points, on="month", how="left", validate="one_to_one")[columns]


class Explorer:
    """ipywidgets front end: contract, service, KPI and month dropdowns, what-if controls.

    What-if settings are kept per contract (switching contracts and back restores them); the
    TSL and MSL boxes set ``tsl.KPI``/``msl.KPI`` for the KPI shown. A From month after the To
    month is refused in words and the range stays as it was.

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
    message : ipywidgets.HTML
        A refusal or the outcome of the last button (empty when there is nothing to say).
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
        self.tsl = w.Text(description="What-if TSL", style=label, continuous_update=False)
        self.msl = w.Text(description="What-if MSL", style=label, continuous_update=False)
        self.take = w.Button(description=f"Table to DataFrame {TABLE_VARIABLE}",
                             tooltip=f"Put this KPI's table into the variable {TABLE_VARIABLE}",
                             layout=w.Layout(width="auto"))
        self.scenario_file = w.Text(description="Scenario file", style=label,
                                    placeholder="whatif.yaml", continuous_update=False)
        self.save = w.Button(description="Save what-if", tooltip="Write the what-if settings "
                             "as a scenario that scrutiny whatif --scenario reads")
        self.load = w.Button(description="Load what-if",
                             tooltip="Read a scenario file's settings into this contract")
        self.message = w.HTML()
        self.message.add_class("scrutiny-explorer-message")
        self.output = w.HTML()
        self._quiet = False
        self._settings: dict[str, dict[str, object]] = {}  # what-if settings per contract
        self._range: tuple[pd.Period, pd.Period] | None = None  # last valid From, To
        self.widget = w.VBox([
            self.contract, self.service, self.kpi, self.kpi_name, w.HBox([self.start, self.end]),
            w.HBox([self.amber, self.blue_breaks]), w.HBox([self.tsl, self.msl]),
            w.HBox([self.scenario_file, self.save, self.load]), w.HBox([self.take]),
            self.message, self.output], layout=w.Layout(max_width="100%"))
        self.widget.add_class("scrutiny-explorer-controls")  # for tests and user styles
        self._on_contract()
        self.contract.observe(lambda _: self._on_contract(), names="value")
        self.service.observe(lambda _: self._on_service(), names="value")
        self.kpi.observe(lambda _: self._on_kpi(), names="value")
        for control in (self.start, self.end):
            control.observe(self._on_range, names="value")
        for control in (self.amber, self.blue_breaks, self.tsl, self.msl):
            control.observe(lambda _: self._on_whatif(), names="value")
        self.take.on_click(lambda _: self._hand_over())
        self.save.on_click(lambda _: self._button(self.save_scenario))
        self.load.on_click(lambda _: self._button(self.load_scenario))

    @property
    def scores(self) -> pd.DataFrame:
        return scored(self.contract.value)[1]

    @property
    def months(self) -> tuple[pd.Period, pd.Period]:
        """The first and last month of the range shown (From is never after To)."""
        return self._range

    @property
    def settings(self) -> dict[str, object]:
        """The current contract's what-if settings, as ``scrutiny whatif --set`` takes them."""
        return dict(self._settings.get(self.contract.value, {}))

    def table(self) -> pd.DataFrame:
        """The current KPI's months in the chosen range, under the what-if values shown."""
        start, end = self.months
        return kpi_table(self.contract.value, kpi_id=self.kpi.value, start=start, end=end,
                         settings=self.settings)

    def save_scenario(self, path: str | Path | None = None) -> Path:
        """Write this contract's what-if settings as a scenario file, atomically.

        ``scrutiny whatif --contract CONTRACT --scenario FILE`` reads the file. ``path`` defaults
        to the widget's scenario-file box.

        Raises
        ------
        TermsError
            When no setting differs from the contract's terms (a scenario needs one).
        """
        path = Path(path or self.scenario_file.value.strip() or "whatif.yaml")
        settings = self.settings
        if not settings:
            raise TermsError(f"{path.name}: nothing to save; change a what-if value first "
                             "(a scenario needs at least one setting)")
        start, end = self.months
        document = {"name": f"Explorer what-if on {self.contract.value}",
                    "reason": f"Saved from the explorer at {self.kpi.value}, "
                              f"{month_name(start)} to {month_name(end)}.",
                    "set": settings}
        text = (f"# scrutiny whatif --contract {self.contract.value} --scenario {path.name}\n"
                + yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
        atomic_write(path, text)
        return path

    def load_scenario(self, path: str | Path | None = None) -> dict[str, object]:
        """Read a scenario file's settings into this contract's what-if and redraw.

        The file is read by :func:`scrutiny.abate.whatif.load_scenario` (the CLI's reader) and
        its settings checked against this contract's terms before anything changes.

        Raises
        ------
        InputValidationError, TermsError
            For a file that is not a scenario, or a setting this contract's terms refuse.
        """
        path = Path(path or self.scenario_file.value.strip() or "whatif.yaml")
        h = handle(self.contract.value)
        if not h.has_terms:
            raise TermsError(f"{path.name}: {self.contract.value} has no abatement terms "
                             "(terms.yaml), so a what-if cannot apply")
        settings = dict(read_scenario(path).settings)
        h.plan_whatif(settings)  # refuse before changing anything
        self._settings[self.contract.value] = changed_settings(h, settings)
        self._show_settings()
        self.refresh()
        return self.settings

    def _button(self, action) -> None:
        """Run a save or load for a button, saying what happened or why it could not."""
        try:
            done = action()
        except (ScrutinyError, OSError) as error:
            self.message.value = _refusal(str(error))
            return
        what = f"Saved {done}" if isinstance(done, Path) else "Loaded " + ", ".join(
            f"{k}={v}" for k, v in done.items())
        self.message.value = str(report.esc(what))

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
        self._quiet = True  # option changes fire observers; draw once at the end
        try:
            self.start.options = months
            self.end.options = months
            self.start.value, self.end.value = months[0][1], months[-1][1]
            self._range = (months[0][1], months[-1][1])
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
        self._on_kpi()

    def _on_kpi(self) -> None:
        if self._quiet:
            return
        self._show_settings()
        self.refresh()

    def _show_settings(self) -> None:
        """Fill the what-if controls from this contract's settings; clear and grey them if the
        contract has no terms, so a greyed control never shows another contract's value."""
        h = handle(self.contract.value)
        settings = self.settings
        self._quiet = True
        try:
            for control in (self.amber, self.blue_breaks, self.tsl, self.msl, self.save,
                            self.load, self.scenario_file):
                control.disabled = not h.has_terms
            self.amber.readout = h.has_terms
            if not h.has_terms:
                self.amber.value, self.blue_breaks.value = self.amber.min, False
                self.tsl.value = self.msl.value = self.tsl.placeholder = ""
                self.msl.placeholder = ""
                return
            own = h.terms.params
            self.amber.value = settings.get("amber_fraction", own.amber_fraction)
            self.blue_breaks.value = bool(settings.get("blue_breaks_run", own.blue_breaks_run))
            levels = self._levels()
            for control, level in ((self.tsl, "tsl"), (self.msl, "msl")):
                value = settings.get(f"{level}.{self.kpi.value}")
                control.value = "" if value is None else f"{value:g}"
                control.placeholder = (f"contract: {levels[level]:g}"
                                       if levels.get(level) is not None else "")
        finally:
            self._quiet = False

    def _levels(self) -> dict[str, float]:
        """The current KPI's TSL and MSL under the contract in the last month shown."""
        rows = select(self.scores, kpi_id=self.kpi.value, start=self.months[0],
                      end=self.months[1])
        if rows.empty:
            return {}
        return {"tsl": float(rows["tsl"].iloc[-1]), "msl": float(rows["msl"].iloc[-1])}

    def _on_range(self, change) -> None:
        """Take a new From or To, or refuse it in words and put the dropdown back."""
        if self._quiet:
            return
        start, end = self.start.value, self.end.value
        if start > end:
            self._quiet = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._quiet = False
            self.message.value = _refusal(
                f"From {month_name(start)} is after To {month_name(end)}: choose a From month "
                f"no later than the To month. The range stays {month_name(self._range[0])} to "
                f"{month_name(self._range[1])}.")
            return
        self._range = (start, end)
        self.refresh()

    def _on_whatif(self) -> None:
        """Keep the what-if values shown as this contract's settings, then redraw."""
        if self._quiet:
            return
        h = handle(self.contract.value)
        if not h.has_terms:
            return
        settings = {k: v for k, v in self.settings.items()
                    if k not in (f"tsl.{self.kpi.value}", f"msl.{self.kpi.value}")}
        settings.update(amber_fraction=round(self.amber.value, 4),
                        blue_breaks_run=bool(self.blue_breaks.value))
        for control, level in ((self.tsl, "tsl"), (self.msl, "msl")):
            text = control.value.strip()
            if not text:
                continue
            try:
                settings[f"{level}.{self.kpi.value}"] = float(text)
            except ValueError:
                self.message.value = _refusal(
                    f"What-if {level.upper()} {text!r} is not a number: give a number such "
                    "as 10, or leave the box empty for the contract's level.")
                return
        try:
            h.plan_whatif(changed_settings(h, settings))
        except ScrutinyError as error:
            self.message.value = _refusal(str(error))
            return
        self._settings[self.contract.value] = changed_settings(h, settings)
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
        kpi_months, illustrative = abated(self.contract.value, settings=self.settings)
        self.output.value = widget_markup(view(
            self.scores, kpi_id=self.kpi.value, start=start, end=end, kpi_months=kpi_months,
            illustrative=illustrative, whatif=self._whatif_words()))

    def _whatif_words(self) -> str:
        """The what-if values that differ from the contract's terms, in words ("" if none)."""
        words = []
        for name, value in self.settings.items():
            if name == "amber_fraction":
                words.append(f"Amber at {value:.2f} of a KPI's points")
            elif name == "blue_breaks_run":
                words.append("a Blue month " + ("ends" if value else "does not end") + " a run")
            else:
                level, _, kpi = name.partition(".")
                words.append(f"{level.upper()} of {kpi} at {value:g}" if kpi else
                             f"{name}={value}")
        return ", ".join(words)


def _refusal(text: str) -> str:
    """``text`` as the widget's refusal line (escaped; role=alert so a screen reader says it)."""
    return (f'<div role="alert" class="scrutiny-explorer-refusal" style="color:#a4000f">'
            f"{report.esc(text)}</div>")
