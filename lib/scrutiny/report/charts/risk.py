"""Risk heat map: impact against likelihood, every cell labelled with its score and its risks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from scrutiny.core.rag import AMBER, GREEN, RED
from scrutiny.report.charts.style import RAG_COLOURS, RAG_TEXT_COLOURS, styled

#: Score bands for a 1-3 x 1-3 register: 1-2 low, 3-4 medium, 6-9 high. Seed 003 publishes no
#: bands, so these are a labelled default; pass ``bands=`` to use a council's own.
DEFAULT_BANDS = ((2, GREEN, "Low"), (4, AMBER, "Medium"), (9, RED, "High"))


def score_band(score: np.ndarray, bands=DEFAULT_BANDS) -> np.ndarray:
    """Return the band index of each score (0 = lowest band)."""
    limits = np.array([upper for upper, _, _ in bands])
    return np.searchsorted(limits, score, side="left")


def _cell_risks(risks: pd.DataFrame) -> pd.Series:
    cells = risks.groupby(["impact", "likelihood"])["risk_id"]
    return cells.agg(lambda ids: ", ".join(sorted(ids)))


@styled
def risk_heatmap(risks: pd.DataFrame, *, scale: tuple[int, int] = (1, 3), bands=DEFAULT_BANDS,
                 title: str = "Risk register: impact x likelihood"):
    """Draw the register as a grid of impact (rows) by likelihood (columns).

    Each cell is filled by its score band and carries, as text, the score, the band name and the
    ids of the risks that sit there, so colour is never the only signal.

    Parameters
    ----------
    risks : pandas.DataFrame
        ``risk_id``, ``impact``, ``likelihood`` (integers on ``scale``).
    scale : tuple of int
        Lowest and highest value of impact and likelihood.
    bands : sequence of (upper score, RAG colour key, label)
        Score bands, ascending.

    Returns
    -------
    matplotlib.figure.Figure
    """
    low, high = scale
    levels = np.arange(low, high + 1)
    impact, likelihood = np.meshgrid(levels, levels, indexing="ij")
    score = impact * likelihood
    band_index = score_band(score, bands)
    colours = ListedColormap([RAG_COLOURS[key] for _, key, _ in bands])
    placed = _cell_risks(risks)
    fig = Figure(figsize=(1.8 * len(levels) + 1.5, 1.4 * len(levels) + 1.2))
    ax = fig.subplots()
    ax.imshow(band_index, cmap=colours, vmin=0, vmax=len(bands) - 1, origin="lower",
              extent=(low - 0.5, high + 0.5, low - 0.5, high + 0.5))
    for (i, j), value in np.ndenumerate(score):
        _, key, label = bands[band_index[i, j]]
        ids = placed.get((impact[i, j], likelihood[i, j]), "")
        text = f"{value} {label}" + (f"\nRisk {ids}" if ids else "")
        ax.text(likelihood[i, j], impact[i, j], text, ha="center", va="center",
                color=RAG_TEXT_COLOURS[key], fontsize=9)
    ax.set_xticks(levels)
    ax.set_yticks(levels)
    ax.set_xlabel("Likelihood (next 12 months)")
    ax.set_ylabel("Impact")
    ax.set_title(title)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig


def alt_text(risks: pd.DataFrame, *, scale: tuple[int, int] = (1, 3), bands=DEFAULT_BANDS) -> str:
    """Describe the heat map in words for screen readers: every risk with its cell and band."""
    scored = risks.assign(score=risks["impact"] * risks["likelihood"])
    labels = [bands[i][2] for i in score_band(scored["score"].to_numpy(), bands)]
    scored = scored.assign(band=labels).sort_values(["score", "risk_id"], ascending=[False, True])
    parts = [f"risk {r.risk_id} ({r.risk}) impact {r.impact}, likelihood {r.likelihood}, "
             f"score {r.score}, {r.band}" for r in scored.itertuples()]
    return (f"Heat map of {len(scored)} risks on a {scale[0]}-{scale[1]} impact by likelihood "
            f"grid; score is impact times likelihood. " + "; ".join(parts) + ".")
