"""One look for every chart: colour-blind-safe RAG colours that always travel with a text label.

Charts are drawn on plain :class:`matplotlib.figure.Figure` objects, never through pyplot, and
nothing here picks a backend or changes the global ``rcParams``: the style is a context
(:func:`chart_style`), so an analyst's own plotting (e.g. inline figures in JupyterLab) is exactly
as it was before and after a report. Every chart function is decorated with :func:`styled`, so all
of its text is literal (:func:`literal`, no mathtext).

Colours are from the Okabe-Ito palette, chosen so Green, Amber, Red and Blue stay distinct for
the common colour-vision deficiencies; charts must still print the label, never colour alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

from scrutiny.core.rag import AMBER, BLUE, GREEN, RED

RAG_COLOURS = {GREEN: "#009E73", AMBER: "#E69F00", RED: "#D55E00", BLUE: "#0072B2"}
#: Text on each RAG fill with at least 4.5:1 contrast.
RAG_TEXT_COLOURS = {GREEN: "#000000", AMBER: "#000000", RED: "#000000", BLUE: "#FFFFFF"}
GREY = "#999999"
P = ParamSpec("P")
SERVICE_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


#: Deterministic, print-friendly matplotlib settings (fixed SVG ids, no timestamps), applied only
#: inside :func:`chart_style`, never to the global ``rcParams``.
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "contract-scrutiny",
    "svg.fonttype": "none",
    # User text (KPI descriptions, metric labels, file names) is literal: "$...$" is not mathtext.
    "text.parse_math": False,
}


@contextmanager
def chart_style() -> Iterator[None]:
    """Draw or save a chart in the house style, restoring the caller's ``rcParams`` afterwards.

    Tick labels and legend texts are made when a figure is drawn, so saving must happen inside
    this context too (:func:`scrutiny.report.html.figure` does).
    """
    with matplotlib.rc_context(STYLE):
        yield


def literal(fig: Figure) -> Figure:
    """Turn mathtext off for every text of ``fig`` (titles, labels, ticks, legends, annotations).

    The one rule for chart text: whatever a user wrote (``$\\frac{1}{$``) is drawn as written,
    never parsed by matplotlib. Returns ``fig`` for chaining.
    """
    for text in fig.findobj(Text):
        text.set_parse_math(False)
        # matplotlib measures wrapped text as mathtext whatever parse_math says (3.10): charts
        # wrap their own text with textwrap instead.
        text.set_wrap(False)
    return fig


def styled(draw: Callable[P, Figure]) -> Callable[P, Figure]:
    """Decorate a chart function: draw in :func:`chart_style`, return a :func:`literal` figure."""
    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with chart_style():
            return literal(draw(*args, **kwargs))
    return wrapper


#: Attributes holding only coordinates: their numbers are rounded by :func:`compact_svg`.
_GEOMETRY = re.compile(r'\s(d|x|y|width|height|viewBox|transform|points)="([^"]*)"')
_NUMBER = re.compile(r"-?\d+\.\d+")
_LEVEL = re.compile(r"([ML] [-\d.]+ ([-\d.]+))(?: L [-\d.]+ \2(?![\d.]))+( L [-\d.]+ \2(?![\d.]))")
_REPEATED = re.compile(r"( L [-\d.]+ [-\d.]+)(?:\1(?![\d.]))+")
#: matplotlib's long fallback font list; the short one keeps its first choice and the page's.
_FONTS = re.compile(r"font-family: [^;\"]*")
_STYLE = re.compile(r'style="([^"]*)"')
#: A tag: text never holds "<" or ">" (matplotlib escapes them), though it may hold quotes.
_TAG = re.compile(r"<[^<>]*>")


def _round_numbers(match: re.Match) -> str:
    value = " ".join(match.group(2).split())  # path data spans lines
    value = _NUMBER.sub(lambda n: f"{float(n.group()):.1f}".rstrip("0").rstrip("."), value)
    value = _REPEATED.sub(r"\1", value)  # a step line repeats each corner
    value = _LEVEL.sub(r"\1\3", value)  # a level line needs only its two ends
    return f' {match.group(1)}="{value.replace("rotate(-0 ", "rotate(0 ")}"'


def _compact_tag(tag: str) -> str:
    """One start tag with rounded geometry and its style without the font (stated once)."""
    tag = re.sub(r'\s*transform="rotate\(0 [^)]*\)"', "", _GEOMETRY.sub(_round_numbers, tag))
    return _STYLE.sub(lambda m: 'style="' + _FONTS.sub("", m.group(1)).replace("; ; ", "; ")
                      .removeprefix("; ").replace("stroke-dashoffset: 0; ", "") + '"', tag)


def _unwrap_groups(text: str) -> str:
    """Drop every ``<g>`` without attributes and its ``</g>`` (they group nothing visible)."""
    out, bare, last = [], [], 0
    for tag in re.finditer(r"<g(?:\s[^>]*)?>|</g>", text):
        out.append(text[last:tag.start()])
        last = tag.end()
        if tag.group() == "</g>":
            if not bare.pop():
                out.append(tag.group())
        else:
            bare.append(tag.group() == "<g>")
            if not bare[-1]:
                out.append(tag.group())
    out.append(text[last:])
    return "".join(out)


def compact_svg(svg: bytes) -> bytes:
    """The same drawing in fewer bytes: for reports that embed many small charts.

    Drops the XML prologue, the RDF metadata, empty groups and groups without attributes or with
    only matplotlib's own ids (no reference points at a ``<g>``; ids a chart set are kept),
    rounds coordinates to 0.1 pt (a third of a dot at 300 dpi),
    drops repeated corners and the middle points of level lines, states the font once for the
    drawing and removes the indentation. Text content is untouched: only attribute values of
    tags are rewritten, and matplotlib escapes ``<`` and ``>`` inside text, so a user's words
    (which may hold quotes, ``d="1.5"`` or ``font-family:``) are never mistaken for a tag.
    """
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<g[^>]*/>", "", text)  # empty groups (a scatter of no points)
    # matplotlib's own ids (figure_1, line2d_3, PathCollection_1) go; ids a chart gave on
    # purpose (month-axis, no-number-months) stay, for tests and for styling.
    text = _unwrap_groups(re.sub(r'<g id="[\w.]+_\d+">', "<g>", text))
    text = _TAG.sub(lambda tag: _compact_tag(tag.group()), text)
    text = text.replace("stroke-linecap: butt}", "stroke-linecap: butt}"
                        "text{font-family: 'DejaVu Sans', Arial, sans-serif}", 1)
    text = re.sub(r">\s+<", "><", text)
    return text.encode("utf-8")
