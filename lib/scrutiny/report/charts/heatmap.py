"""KPI x month RAG heatmap: one row per KPI, one column per month, each cell lettered G/A/R/B."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from scrutiny.core.rag import RAG_LABELS, RAG_ORDER
from scrutiny.report.charts.style import GREY, RAG_COLOURS, RAG_TEXT_COLOURS, apply_style

#: The letter printed in each cell, so colour is never the only signal.
RAG_LETTERS = {rag: label[0] for rag, label in RAG_LABELS.items()}
NO_RESULT = "no result"


def rag_grid(scores: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Return KPI x month RAG codes (rows in the scores' order, NaN where no result).

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`scrutiny.score.scoring.score` (``kpi_id``, ``month``, ``rag``).
    months : pandas.PeriodIndex
        Columns, in order.
    """
    window = scores[scores["month"].isin(months)]
    kpis = pd.unique(window["kpi_id"])
    grid = window.pivot(index="kpi_id", columns="month", values="rag")
    return grid.reindex(index=kpis, columns=months)


def rag_heatmap(scores: pd.DataFrame, months: pd.PeriodIndex) -> Figure:
    """Draw the KPI x month heatmap; each cell carries its RAG letter (G, A, R, B)."""
    apply_style()
    grid = rag_grid(scores, months)
    codes = grid.apply(lambda col: col.map({r: i for i, r in enumerate(RAG_ORDER)}))
    values = codes.to_numpy(dtype="float64")
    cmap = ListedColormap([RAG_COLOURS[r] for r in RAG_ORDER]).with_extremes(bad=GREY)
    height = 1.2 + 0.24 * len(grid)
    fig = Figure(figsize=(1.8 + 0.62 * len(months), height))
    ax = fig.add_subplot()
    # pcolormesh draws vector cells (crisp in print), unlike imshow's embedded raster.
    ax.pcolormesh(np.arange(-0.5, len(months)), np.arange(-0.5, len(grid)),
                  np.ma.masked_invalid(values), cmap=cmap, vmin=-0.5,
                  vmax=len(RAG_ORDER) - 0.5, edgecolors="white", linewidth=1)
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylim(len(grid) - 0.5, -0.5)
    rows, cols = np.nonzero(~np.isnan(values))
    rags = np.asarray(RAG_ORDER, dtype=object)[values[rows, cols].astype(int)]
    for r, c, rag in zip(rows, cols, rags, strict=True):
        ax.text(c, r, RAG_LETTERS[rag], ha="center", va="center", fontsize=7.5,
                color=RAG_TEXT_COLOURS[rag], fontweight="bold")
    ax.set_xticks(range(len(months)), [m.strftime("%b %y") for m in months], rotation=0,
                  fontsize=8)
    ax.set_yticks(range(len(grid)), grid.index, fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    legend = [Patch(facecolor=RAG_COLOURS[r], label=f"{RAG_LETTERS[r]} = {RAG_LABELS[r]}")
              for r in RAG_ORDER]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=4,
              frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def alt_text(scores: pd.DataFrame, months: pd.PeriodIndex) -> str:
    """Describe the heatmap in words for screen readers: size, totals, the most often Red KPIs."""
    grid = rag_grid(scores, months)
    counts = grid.stack().value_counts().reindex(RAG_ORDER, fill_value=0)
    totals = ", ".join(f"{counts[r]} {RAG_LABELS[r]}" for r in RAG_ORDER)
    reds = (grid == "red").sum(axis=1).sort_values(ascending=False, kind="stable")
    reds = reds[reds > 0].head(3)
    worst = ("; most often Red: " + ", ".join(f"{k} ({n} months)" for k, n in reds.items())
             if len(reds) else "; no KPI was Red")
    return (f"Heatmap of RAG status for {len(grid)} KPIs over {len(months)} months, "
            f"{months[0].strftime('%B %Y')} to {months[-1].strftime('%B %Y')}: "
            f"{totals} KPI-months{worst}. "
            "The same results are listed in the tables of this report.")
