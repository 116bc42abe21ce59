"""One KPI over time: its values against the TSL and MSL in force, each point labelled by RAG."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from scrutiny.core.rag import RAG_LABELS, RAG_ORDER
from scrutiny.core.units import axis_label
from scrutiny.report.charts.style import GREY, RAG_COLOURS, styled

#: Marker shapes differ by RAG too, so the points read without colour.
RAG_MARKERS = {"green": "o", "amber": "s", "red": "X", "blue": "D"}
#: Label of a month without a number, by its RAG (a Red month without one is "data not available").
NO_NUMBER_LABELS = {"red": "no data"}
#: Marker of a month without a number: hollow, so it never reads as a RAG-coloured value.
NO_NUMBER_MARKER = "^"
#: SVG ids of the no-number markers, the measured points and the month axis (tests find them).
NO_NUMBER_GID, VALUES_GID, AXIS_GID = "no-number-months", "measured-values", "month-axis"


@styled
def kpi_trend(rows: pd.DataFrame, *, title: str) -> Figure:
    """Plot one KPI's monthly values with TSL and MSL bands and RAG-labelled points.

    Parameters
    ----------
    rows : pandas.DataFrame
        Scores of one KPI (``month``, ``value``, ``rag``, ``tsl``, ``msl``, ``direction``,
        ``unit``), months ascending. Months without a number have no value position: each is a
        hatched grey band over its whole month and a hollow triangle sitting on the month axis,
        labelled "no data" (Red) or with its RAG word, never a point among the values.
    title : str
        Chart title (wrapped to the chart's width).

    The legend lists the RAG shapes drawn as points, and the no-number triangle only when a month
    has no number.
    """
    fig = Figure(figsize=(8, 4))
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    tsl, msl = rows["tsl"].to_numpy(float), rows["msl"].to_numpy(float)
    higher = rows["direction"].iloc[0] == "higher" if len(rows) else True
    values = rows["value"].to_numpy(float)
    finite = np.concatenate([values[~np.isnan(values)], tsl, msl])
    span = (finite.max() - finite.min()) if finite.size else 1.0
    low = finite.min() - 0.15 * (span or 1.0) if finite.size else 0.0
    high = finite.max() + 0.15 * (span or 1.0) if finite.size else 1.0
    target_edge, fail_edge = (high, low) if higher else (low, high)
    ax.fill_between(x, tsl, target_edge, step="mid", color=RAG_COLOURS["green"], alpha=0.12,
                    linewidth=0)
    ax.fill_between(x, msl, tsl, step="mid", color=RAG_COLOURS["amber"], alpha=0.15, linewidth=0)
    ax.fill_between(x, fail_edge, msl, step="mid", color=RAG_COLOURS["red"], alpha=0.10,
                    linewidth=0)
    ax.step(x, tsl, where="mid", color="#1a1a1a", linestyle="--", linewidth=1, label="TSL")
    ax.step(x, msl, where="mid", color="#1a1a1a", linestyle=":", linewidth=1.2, label="MSL")
    ax.plot(x, values, color=GREY, linewidth=1, zorder=2)
    for rag in RAG_ORDER:
        hit = (rows["rag"] == rag).to_numpy() & ~np.isnan(values)
        ax.scatter(x[hit], values[hit], marker=RAG_MARKERS[rag], s=46, zorder=3,
                   color=RAG_COLOURS[rag], edgecolors="#1a1a1a", linewidths=0.6,
                   gid=f"{VALUES_GID}-{rag}")
        for xi, yi in zip(x[hit], values[hit], strict=True):
            ax.annotate(RAG_LABELS[rag][0], (xi, yi), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=7)
    missing = np.isnan(values)
    _no_number_marks(ax, x[missing], rows["rag"].to_numpy()[missing])
    ax.spines["bottom"].set_gid(AXIS_GID)
    ax.set_ylim(low, high)
    ax.set_xticks(x, [m.strftime("%b %y") for m in rows["month"]], fontsize=8,
                  rotation=45 if len(rows) > 12 else 0)
    unit = rows["unit"].iloc[0] if len(rows) else "count"
    label = rows["unit_label"].iloc[0] if len(rows) and "unit_label" in rows else ""
    ax.set_ylabel(axis_label(unit, label))
    ax.set_title(textwrap.fill(title, 80), fontsize=10, loc="left")
    handles = [Line2D([], [], color="#1a1a1a", linestyle="--", label="TSL (target)"),
               Line2D([], [], color="#1a1a1a", linestyle=":", label="MSL (minimum)")]
    drawn = set(rows["rag"][~missing])  # the RAG shapes drawn as points, nothing else
    handles += [Line2D([], [], marker=RAG_MARKERS[r], linestyle="", color=RAG_COLOURS[r],
                       markeredgecolor="#1a1a1a", label=RAG_LABELS[r])
                for r in RAG_ORDER if r in drawn]
    if missing.any():
        handles.append(Line2D([], [], marker=NO_NUMBER_MARKER, linestyle="",
                              markerfacecolor="#ffffff", markeredgecolor="#1a1a1a",
                              markersize=7, label="no number (marked on the axis)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
              fontsize=8)
    fig.tight_layout()
    return fig


def _no_number_marks(ax, x: np.ndarray, rags: np.ndarray) -> None:
    """Mark months without a number on the month axis, never at a value's height.

    The y position is in axes units (0 = the axis line), so the marker cannot be read against
    the value scale, whichever way the KPI runs; the grey band shows the whole month is missing.
    """
    if not len(x):
        return
    on_axis = ax.get_xaxis_transform()  # x in months, y in axes units
    for xi, rag in zip(x, rags, strict=True):
        ax.axvspan(xi - 0.5, xi + 0.5, color=GREY, alpha=0.12, hatch="////", linewidth=0)
        ax.annotate(NO_NUMBER_LABELS.get(rag, RAG_LABELS.get(rag, "")), (xi, 0),
                    xycoords=on_axis, textcoords="offset points", xytext=(0, 9), ha="center",
                    fontsize=7)
    ax.scatter(x, np.zeros(len(x)), transform=on_axis, marker=NO_NUMBER_MARKER, s=60,
               zorder=4, facecolors="#ffffff", edgecolors="#1a1a1a", linewidths=1,
               clip_on=False, gid=NO_NUMBER_GID)


def alt_text(rows: pd.DataFrame, *, title: str) -> str:
    """Describe the trend chart in words: months covered, RAG counts, latest value and levels."""
    if rows.empty:
        return f"{title}: no results in the months chosen."
    counts = rows["rag"].value_counts().reindex(RAG_ORDER, fill_value=0)
    latest = rows.iloc[-1]
    value = "no number" if pd.isna(latest["value"]) else f"{latest['value']:g}"
    gaps = int(rows["value"].isna().sum())
    return (f"{title}: {len(rows)} months from {rows['month'].iloc[0].strftime('%B %Y')} to "
            f"{latest['month'].strftime('%B %Y')}; "
            + ", ".join(f"{counts[r]} {RAG_LABELS[r]}" for r in RAG_ORDER)
            + (f" ({gaps} without a number)" if gaps else "")
            + f". Latest {value} ({RAG_LABELS.get(latest['rag'], '')}) against TSL "
            f"{latest['tsl']:g} and MSL {latest['msl']:g}.")
