"""One look for every chart: colour-blind-safe RAG colours that always travel with a text label.

Charts are drawn on plain :class:`matplotlib.figure.Figure` objects, never through pyplot, and
nothing here picks a backend: importing the library leaves an analyst's own plotting (e.g. inline
figures in JupyterLab) exactly as it was.

Colours are from the Okabe-Ito palette, chosen so Green, Amber, Red and Blue stay distinct for
the common colour-vision deficiencies; charts must still print the label, never colour alone.
"""

from __future__ import annotations

import matplotlib

from scrutiny.core.rag import AMBER, BLUE, GREEN, RED

RAG_COLOURS = {GREEN: "#009E73", AMBER: "#E69F00", RED: "#D55E00", BLUE: "#0072B2"}
#: Text on each RAG fill with at least 4.5:1 contrast.
RAG_TEXT_COLOURS = {GREEN: "#000000", AMBER: "#000000", RED: "#000000", BLUE: "#FFFFFF"}
GREY = "#999999"
SERVICE_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def apply_style() -> None:
    """Set deterministic, print-friendly matplotlib defaults (fixed SVG ids, no timestamps)."""
    matplotlib.rcParams.update({
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "contract-scrutiny",
        "svg.fonttype": "none",
        # User text (KPI descriptions, metric labels) is literal: "$...$" is not mathtext.
        "text.parse_math": False,
    })
