"""Shared ICT service: one council's metrics over the months beside its peers, in words too."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure

from scrutiny.core.months import month_name
from scrutiny.core.periods import held_months
from scrutiny.report.charts.style import SERVICE_PALETTE, styled

_MARKERS = ["o", "s", "^", "D", "v"]
#: Characters per line of a panel title (matplotlib's own wrapping parses mathtext, see style).
_TITLE_WIDTH = 48


def _label(metrics: pd.DataFrame, metric: str) -> tuple[str, str]:
    row = metrics.set_index("metric").loc[metric]
    unit = {"percent": "per cent", "score": "score", "ratio": "ratio"}.get(row["unit"], "count")
    return row["label"], unit


@styled
def council_trend_chart(performance: pd.DataFrame, metrics: pd.DataFrame, shown: list[str], *,
                        council: str, councils: list[str]) -> Figure:
    """Small multiples: one panel per metric, one line per council, ``council`` drawn heaviest.

    Parameters
    ----------
    performance : pandas.DataFrame
        Tidy results (``council, month, metric, value``).
    metrics : pandas.DataFrame
        Metric definitions (``metric, label, unit``).
    shown : list of str
        Metrics to plot, one panel each.
    council : str
        The council the report is for; its line is solid and thicker, the peers' dashed.
    councils : list of str
        Every council, in a fixed order so each keeps its colour and marker across reports.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(4.2 * len(shown), 3.6))
    axes = fig.subplots(1, len(shown), squeeze=False)
    months = held_months(performance)
    for ax, metric in zip(axes[0], shown, strict=True):
        label, unit = _label(metrics, metric)
        for i, name in enumerate(councils):
            rows = performance[(performance["council"] == name)
                               & (performance["metric"] == metric)].sort_values("month")
            own = name == council
            ax.plot([months.get_loc(m) for m in rows["month"]], rows["value"],
                    marker=_MARKERS[i % len(_MARKERS)], color=SERVICE_PALETTE[i],
                    linewidth=2.6 if own else 1.2, linestyle="-" if own else "--",
                    label=name + (" (this report)" if own else ""))
        ax.set_xticks(range(len(months)), [m.strftime("%b %y") for m in months], fontsize=8)
        ax.set_title(textwrap.fill(label, _TITLE_WIDTH), fontsize=9.5, loc="left")
        ax.set_ylabel(unit)
    axes[0][-1].legend(title="Council", frameon=False, fontsize=8, loc="upper left",
                       bbox_to_anchor=(1.02, 1))
    fig.tight_layout()
    return fig


def alt_text(performance: pd.DataFrame, metrics: pd.DataFrame, shown: list[str], *,
             council: str) -> str:
    """Describe the chart in words: each panel's values for every council, month by month."""
    months = held_months(performance)
    parts = []
    for metric in shown:
        label, _ = _label(metrics, metric)
        rows = performance[performance["metric"] == metric].sort_values(["council", "month"])
        series = rows.groupby("council", sort=False)["value"].apply(
            lambda v: ", ".join(f"{x:,.2f}".rstrip("0").rstrip(".") for x in v))
        parts.append(f"{label}: " + "; ".join(f"{c} {v}" for c, v in series.items()))
    return (f"Line charts of {len(shown)} measures for each council, {month_name(months[0])} "
            f"to {month_name(months[-1])}, {council} highlighted. " + ". ".join(parts) + ".")
