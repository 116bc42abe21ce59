"""One KPI's results over a window of months, small enough to show one per KPI.

:func:`kpi_chart` draws a KPI's monthly results against the TSL and MSL in force each month (a
revised threshold shows as a step), with the direction in the axis title ("higher is better").
Months the council did not score (Blue) are a hatched band behind the month; months with no
number are a marker on the month axis, never at a value position. Markers differ by RAG in shape
as well as colour (those of :mod:`scrutiny.report.charts.trend`), so the chart reads in greyscale
print; the legend lists only what is drawn. :func:`alt_text` states every value in words and
:func:`data_table` gives the same numbers as rows for an HTML table beside the chart.

Both are pure functions of the KPI's scored rows (columns of :func:`scrutiny.score.scoring.score`),
so any report kind can use them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from scrutiny.core.rag import BLUE, RAG_LABELS, RAG_ORDER
from scrutiny.core.units import axis_label, format_value, number_text
from scrutiny.report.charts.style import RAG_COLOURS, styled
from scrutiny.report.charts.trend import RAG_MARKERS

#: Words for a month with a row but no number.
NO_NUMBER = "no number"
_INK = "#1a1a1a"


def direction_words(direction: str) -> str:
    """``"higher is better"`` or ``"lower is better"`` for a KPI's ``direction``."""
    return "lower is better" if direction == "lower" else "higher is better"


def _window(rows: pd.DataFrame, months: pd.PeriodIndex | None) -> tuple[pd.PeriodIndex,
                                                                         pd.DataFrame]:
    """The months on the axis and the KPI's rows among them, one per month (ascending)."""
    if months is None:
        months = pd.PeriodIndex(sorted(rows["month"].unique()), freq="M")
    shown = rows[rows["month"].isin(months)].drop_duplicates("month").sort_values("month")
    return months, shown.reset_index(drop=True)


def _on_axis(months: pd.PeriodIndex, rows: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Month positions, values, TSL and MSL on the axis's months (NaN where no row)."""
    frame = rows.set_index("month").reindex(months)
    return (np.arange(len(months)), frame["value"].to_numpy(float),
            frame["tsl"].to_numpy(float), frame["msl"].to_numpy(float))


@styled
def kpi_chart(rows: pd.DataFrame, kpi: Mapping[str, object], *,
              months: pd.PeriodIndex | None = None, compact: bool = False) -> Figure:
    """Draw one KPI's results month by month against its TSL and MSL in force.

    Parameters
    ----------
    rows : pandas.DataFrame
        Scored rows of the KPI (``month``, ``value``, ``rag``, ``tsl``, ``msl``); thresholds are
        those in force each month, so an override shows as a step.
    kpi : mapping
        The KPI's ``kpi_id``, ``direction``, ``unit`` and ``unit_label`` (a row of ``kpis``).
    months : pandas.PeriodIndex, optional
        The months on the axis (default: the rows' months). A month without a row is a gap.
    compact : bool
        A sparkline for small multiples: 2.4 x 0.9 inches, the line, TSL, MSL, Blue bands and
        no-number marks only (no text, no status markers: its caption and table carry them).

    Returns
    -------
    matplotlib.figure.Figure
        Drawn in the house style; every text literal.
    """
    fig = Figure(figsize=(2.4, 0.9) if compact else (6.4, 2.5))
    fig.patch.set_visible(False)  # the page is the background: fewer bytes
    ax = fig.add_subplot()
    months, rag, has_value = _draw(ax, rows, kpi, months, compact=compact)
    if not compact:
        _legend(ax, rag, has_value)
    fig.tight_layout(pad=0.3)
    return fig


@styled
def small_multiples(frames: list[tuple[pd.DataFrame, Mapping[str, object]]], *,
                    months: pd.PeriodIndex, columns: int = 4) -> Figure:
    """Many KPIs as sparklines in one figure (the compact form of :func:`kpi_chart`).

    Parameters
    ----------
    frames : list of (rows, kpi)
        Each KPI's scored rows and its ``kpi_id``, ``direction``, ``unit``, ``unit_label``.
    months : pandas.PeriodIndex
        The months on every panel's axis.
    columns : int
        Panels per row.

    Each panel is titled with its KPI and direction ("lower is better"); one figure shares its
    drawing definitions, so it is far smaller than a figure per KPI.
    """
    rows_needed = max(1, -(-len(frames) // columns))
    fig = Figure(figsize=(1.9 * columns, 1.0 * rows_needed))
    fig.patch.set_visible(False)
    for i, (rows, kpi) in enumerate(frames):
        ax = fig.add_subplot(rows_needed, columns, i + 1)
        _draw(ax, rows, kpi, months, compact=True)
        ax.set_title(f"{kpi['kpi_id']} ({direction_words(str(kpi['direction']))})", fontsize=6.5,
                     loc="left", pad=2)
    fig.tight_layout(pad=0.2, h_pad=0.4, w_pad=0.6)
    return fig


def _draw(ax, rows: pd.DataFrame, kpi: Mapping[str, object], months: pd.PeriodIndex | None,
          *, compact: bool) -> tuple[pd.PeriodIndex, np.ndarray, np.ndarray]:
    """Draw one KPI on ``ax``; return the months, their RAG codes and which have a number."""
    months, rows = _window(rows, months)
    x, values, tsl, msl = _on_axis(months, rows)
    ax.patch.set_visible(False)
    # Nothing needs clipping (the limits hold every number): no clip paths, fewer bytes.
    ax.step(x, tsl, where="mid", color=_INK, linestyle="--", linewidth=0.9, clip_on=False)
    ax.step(x, msl, where="mid", color=_INK, linestyle=":", linewidth=1.1, clip_on=False)
    ax.plot(x, values, color="#666666", linewidth=0.9, zorder=2, clip_on=False)
    rag = rows.set_index("month")["rag"].reindex(months).astype(object).to_numpy()
    has_value = ~np.isnan(values)
    for code in [] if compact else RAG_ORDER:  # a sparkline's statuses are in its table
        hit = (rag == code) & has_value
        ax.scatter(x[hit], values[hit], marker=RAG_MARKERS[code], s=30, zorder=3,
                   color=RAG_COLOURS[code], edgecolors=_INK, linewidths=0.5, clip_on=False)
    blue = rag == BLUE
    for xi in x[blue]:
        ax.axvspan(xi - 0.5, xi + 0.5, facecolor=RAG_COLOURS[BLUE], alpha=0.18, hatch="//",
                   edgecolor="#0072B2", linewidth=0, zorder=1, clip_on=False)
    no_number = pd.notna(rag) & ~has_value
    # On the month axis (axes y = 0), never at a value position.
    ax.scatter(x[no_number], np.zeros(no_number.sum()), transform=ax.get_xaxis_transform(),
               marker="^", s=22 if compact else 40, color="#ffffff", edgecolors=_INK,
               linewidths=0.9, clip_on=False, zorder=4, label=NO_NUMBER)
    _limits(ax, np.concatenate([values, tsl, msl]))
    _axes_text(ax, months, kpi, compact=compact)
    return months, rag, has_value


def _limits(ax, numbers: np.ndarray) -> None:
    finite = numbers[np.isfinite(numbers)]
    if not finite.size:
        ax.set_ylim(0, 1)
        return
    low, high = finite.min(), finite.max()
    pad = 0.15 * ((high - low) or abs(high) or 1.0)
    ax.set_ylim(low - pad, high + pad)


def _axes_text(ax, months: pd.PeriodIndex, kpi: Mapping[str, object], *, compact: bool) -> None:
    label = axis_label(str(kpi["unit"]), str(kpi.get("unit_label") or ""))
    better = direction_words(str(kpi["direction"]))
    ax.set_xlim(-0.6, len(months) - 0.4)
    if compact:  # the caption names the KPI and the direction: no text, few bytes
        ax.set_xticks([])
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        return
    # Every other month, the year only where it starts: fewer texts, fewer bytes (the table
    # beside the chart names every month).
    step = 1 if len(months) <= 6 else 2
    ticks = list(range(len(months) - 1, -1, -step))[::-1]  # always the report's month
    ax.set_xticks(ticks, [months[i].strftime("%b\n%Y" if i == ticks[0] or months[i].month <= step
                                             else "%b") for i in ticks], fontsize=7)
    ax.tick_params(axis="x", length=0)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel(f"{textwrap.fill(label, 24)}\n({better})", fontsize=7)
    ax.set_title(str(kpi["kpi_id"]), fontsize=9, loc="left")



def _legend(ax, rag: np.ndarray, has_value: np.ndarray) -> None:
    handles = [Line2D([], [], color=_INK, linestyle="--", label="TSL (target)"),
               Line2D([], [], color=_INK, linestyle=":", label="MSL (minimum)")]
    handles += [Line2D([], [], marker=RAG_MARKERS[c], linestyle="", color=RAG_COLOURS[c],
                       markeredgecolor=_INK, label=RAG_LABELS[c])
                for c in RAG_ORDER if ((rag == c) & has_value).any()]
    if (rag == BLUE).any():
        handles.append(Patch(facecolor=RAG_COLOURS[BLUE], alpha=0.3, hatch="//",
                             edgecolor="#0072B2", label="Blue month (not scored)"))
    if (pd.notna(rag) & ~has_value).any():
        handles.append(Line2D([], [], marker="^", linestyle="", color="#ffffff",
                              markeredgecolor=_INK, label="no number (on the axis)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
              fontsize=7)


def _value_text(value: float, kpi: Mapping[str, object]) -> str:
    if pd.isna(value):
        return NO_NUMBER
    return format_value(float(value), str(kpi["unit"]), str(kpi.get("unit_label") or ""))


def data_table(rows: pd.DataFrame, kpi: Mapping[str, object], *,
               months: pd.PeriodIndex | None = None) -> pd.DataFrame:
    """The chart's numbers as rows: ``Month``, ``Result``, ``Status``, ``rag``, ``TSL``, ``MSL``.

    Values and thresholds are shown with their unit (:func:`scrutiny.core.units.format_value`);
    ``Status`` is the RAG word and ``rag`` its code (for a coloured, labelled cell).
    """
    _, rows = _window(rows, months)
    unit, label = str(kpi["unit"]), str(kpi.get("unit_label") or "")
    return pd.DataFrame({
        "Month": [m.strftime("%b %Y") for m in rows["month"]],
        "Result": [_value_text(v, kpi) for v in rows["value"]],
        "Status": rows["rag"].astype(object).map(RAG_LABELS).to_numpy(),
        "rag": rows["rag"].astype(object).to_numpy(),
        "TSL": [format_value(float(t), unit, label) for t in rows["tsl"]],
        "MSL": [format_value(float(m), unit, label) for m in rows["msl"]],
    })


#: Columns of :func:`chart_data`, in order.
CHART_DATA_COLUMNS = ["kpi_id", "month", "value", "tsl", "msl", "rag", "unit"]


def chart_data(rows: pd.DataFrame, kpi: Mapping[str, object], *,
               months: pd.PeriodIndex | None = None) -> pd.DataFrame:
    """The numbers a chart draws, as data: one row per month drawn.

    Returns
    -------
    pandas.DataFrame
        :data:`CHART_DATA_COLUMNS`: ``month`` (``Period[M]``), ``value``, ``tsl`` and ``msl``
        in the KPI's ``unit`` (``value`` NaN where the return has no number), ``rag`` the RAG
        code; the rows of :func:`data_table`, unworded.
    """
    _, rows = _window(rows, months)
    return pd.DataFrame({
        "kpi_id": str(kpi["kpi_id"]), "month": rows["month"].to_numpy(),
        "value": rows["value"].astype(float).to_numpy(),
        "tsl": rows["tsl"].astype(float).to_numpy(), "msl": rows["msl"].astype(float).to_numpy(),
        "rag": rows["rag"].astype(object).to_numpy(), "unit": str(kpi["unit"]),
    }, columns=CHART_DATA_COLUMNS)


def _threshold_spans(rows: pd.DataFrame) -> str:
    """``TSL 10, MSL 12`` or, when they change, each level with the months it applied."""
    levels = list(zip(rows["tsl"], rows["msl"], strict=True))
    spans, start = [], 0
    for i in range(1, len(levels) + 1):
        if i == len(levels) or levels[i] != levels[start]:
            spans.append((levels[start], rows["month"].iloc[start], rows["month"].iloc[i - 1]))
            start = i
    if len(spans) == 1:
        (t, m), _, _ = spans[0]
        return f"TSL {number_text(t)}, MSL {number_text(m)}"
    return "; ".join(f"TSL {number_text(t)}, MSL {number_text(m)} "
                     f"{a.strftime('%b %Y')} to {b.strftime('%b %Y')}"
                     for (t, m), a, b in spans)


def alt_text(rows: pd.DataFrame, kpi: Mapping[str, object], *,
             months: pd.PeriodIndex | None = None) -> str:
    """The chart in words, every value stated.

    Example: ``CSC_KPI_04, lower is better, Jul 2015 to Jun 2016: 12.4 in Oct 2015 (Red), ...;
    TSL 10, MSL 12``. Thresholds that changed are given with the months each applied.
    """
    months, rows = _window(rows, months)
    head = (f"{kpi['kpi_id']}, {direction_words(str(kpi['direction']))}, "
            f"{months[0].strftime('%b %Y')} to {months[-1].strftime('%b %Y')}"
            if len(months) else f"{kpi['kpi_id']}")
    if rows.empty:
        return f"{head}: no results in these months."
    points = [f"{_value_text(v, kpi)} in {m.strftime('%b %Y')} ({RAG_LABELS.get(r, r)})"
              for m, v, r in zip(rows["month"], rows["value"], rows["rag"].astype(object),
                                 strict=True)]
    return f"{head}: {', '.join(points)}; {_threshold_spans(rows)}."
