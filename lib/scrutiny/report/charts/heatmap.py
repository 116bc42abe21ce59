"""KPI x month RAG heatmap as an accessible HTML table: a row per KPI, a column per month.

Each cell carries its RAG colour and its letter (G/A/R/B), so colour is never the only signal;
the KPIs head the rows and the months head the columns, so a screen reader announces both for
every cell, and the table prints as crisply as the page's text. (It replaced a drawn SVG chart
that was most of a period report's size and a second of its rendering time.)
"""

from __future__ import annotations

import pandas as pd

from scrutiny.core.rag import RAG_LABELS, RAG_ORDER
from scrutiny.report.structure import Table

#: The letter printed in each cell, so colour is never the only signal.
RAG_LETTERS = {rag: label[0] for rag, label in RAG_LABELS.items()}
#: What a cell without a result shows.
NO_RESULT = "–"
KPI_HEADER = "KPI"


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


def rag_table(scores: pd.DataFrame, months: pd.PeriodIndex, *, caption: str) -> Table:
    """Return the heatmap as a table: each cell coloured by RAG and lettered G, A, R or B.

    Parameters
    ----------
    scores, months
        As for :func:`rag_grid`.
    caption : str
        What the table shows, read out before its rows.
    """
    grid = rag_grid(scores, months).astype(object)
    frame = pd.DataFrame({KPI_HEADER: grid.index.astype(str)})
    colours = {}
    for month in months:
        rags = grid[month].to_numpy()
        label = month.strftime("%b %Y")
        frame[label] = [RAG_LETTERS.get(r, NO_RESULT) if isinstance(r, str) else NO_RESULT
                        for r in rags]
        frame[f"rag {label}"] = rags
        colours[label] = f"rag {label}"
    return Table(frame, caption=caption, rag_columns=colours, row_header=KPI_HEADER,
                 css_class="data heatmap")


def summary_text(scores: pd.DataFrame, months: pd.PeriodIndex) -> str:
    """Describe the heatmap in words: size, totals, the most often Red KPIs."""
    grid = rag_grid(scores, months)
    counts = grid.stack().value_counts().reindex(RAG_ORDER, fill_value=0)
    totals = ", ".join(f"{counts[r]} {RAG_LABELS[r]}" for r in RAG_ORDER)
    reds = (grid == "red").sum(axis=1).sort_values(ascending=False, kind="stable")
    reds = reds[reds > 0].head(3)
    worst = ("; most often Red: " + ", ".join(f"{k} ({n} months)" for k, n in reds.items())
             if len(reds) else "; no KPI was Red")
    return (f"RAG status of {len(grid)} KPIs over {len(months)} months, "
            f"{months[0].strftime('%B %Y')} to {months[-1].strftime('%B %Y')}: "
            f"{totals} KPI-months{worst}.")
