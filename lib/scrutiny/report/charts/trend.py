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


@styled
def kpi_trend(rows: pd.DataFrame, *, title: str) -> Figure:
    """Plot one KPI's monthly values with TSL and MSL bands and RAG-labelled points.

    Parameters
    ----------
    rows : pandas.DataFrame
        Scores of one KPI (``month``, ``value``, ``rag``, ``tsl``, ``msl``, ``direction``,
        ``unit``), months ascending. Months without a number are drawn at the foot of the chart
        in their RAG colour and shape, labelled "no data" (Red) or with their RAG word.
    title : str
        Chart title (wrapped to the chart's width).

    The legend lists the RAG statuses drawn, and "no number" only when a month has none.
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
                   color=RAG_COLOURS[rag], edgecolors="#1a1a1a", linewidths=0.6)
        for xi, yi in zip(x[hit], values[hit], strict=True):
            ax.annotate(RAG_LABELS[rag][0], (xi, yi), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=7)
    missing = np.isnan(values)
    foot = fail_edge + (0.06 if higher else -0.06) * (high - low)  # inside the plot, failing side
    for rag in RAG_ORDER:
        hit = (rows["rag"] == rag).to_numpy() & missing
        ax.scatter(x[hit], np.full(hit.sum(), foot), marker=RAG_MARKERS[rag], s=46, zorder=3,
                   color=RAG_COLOURS[rag], edgecolors="#1a1a1a", linewidths=0.6, hatch="////")
        for xi in x[hit]:
            ax.annotate(NO_NUMBER_LABELS.get(rag, RAG_LABELS[rag]), (xi, foot),
                        textcoords="offset points", xytext=(0, 7), ha="center", fontsize=7)
    ax.set_ylim(low, high)
    ax.set_xticks(x, [m.strftime("%b %y") for m in rows["month"]], fontsize=8,
                  rotation=45 if len(rows) > 12 else 0)
    unit = rows["unit"].iloc[0] if len(rows) else "count"
    label = rows["unit_label"].iloc[0] if len(rows) and "unit_label" in rows else ""
    ax.set_ylabel(axis_label(unit, label))
    ax.set_title(textwrap.fill(title, 80), fontsize=10, loc="left")
    handles = [Line2D([], [], color="#1a1a1a", linestyle="--", label="TSL (target)"),
               Line2D([], [], color="#1a1a1a", linestyle=":", label="MSL (minimum)")]
    drawn = set(rows["rag"])
    handles += [Line2D([], [], marker=RAG_MARKERS[r], linestyle="", color=RAG_COLOURS[r],
                       markeredgecolor="#1a1a1a", label=RAG_LABELS[r])
                for r in RAG_ORDER if r in drawn]
    if missing.any():
        handles.append(Line2D([], [], marker="s", linestyle="", color="#ffffff",
                              markeredgecolor="#1a1a1a", label="no number (at the foot)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
              fontsize=8)
    fig.tight_layout()
    return fig


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
