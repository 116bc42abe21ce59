"""HTML building blocks for committee reports: every notebook output is made here.

Notebook cells display :class:`Html` objects, so the rendered report shows HTML made by the library
(never a DataFrame or Python repr). Each block is a macro of the Jinja2 template
``templates/blocks.html.j2`` rendered with autoescape on, so every value taken from data is escaped
by markupsafe; :class:`Html` is markupsafe's ``Markup`` with a Jupyter display. RAG cells always
carry their text label as well as their colour, and figures are embedded as SVG images with alt
text, so the report is a single self-contained file. The committee stylesheet is
``templates/committee.css.j2``; its table and RAG rules are shared with the explorer.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from scrutiny.core.rag import RAG_LABELS, RAG_ORDER
from scrutiny.report.charts.style import (
    RAG_COLOURS,
    RAG_TEXT_COLOURS,
    chart_style,
    compact_svg,
    literal,
)

if TYPE_CHECKING:  # matplotlib.figure costs ~0.6 s: the index page needs only the stylesheet
    from matplotlib.figure import Figure

#: What each RAG status means, in the words reports use.
RAG_MEANINGS = {
    "green": "met the Target Service Level (TSL)",
    "amber": "met the Minimum Service Level (MSL) but not the target",
    "red": "missed the minimum, or no data was provided",
    "blue": "not scored: glide period, mitigation agreed or not measured",
}
#: Display metadata keys: the page title and subtitle a report's title block declares.
TITLE_KEY, SUBTITLE_KEY = "scrutiny_title", "scrutiny_subtitle"
#: Display metadata key of files a fragment publishes beside the report's HTML, ``{name: text}``
#: (a download the markup links to); the renderer writes them (``committee.attached_files``).
FILES_KEY = "scrutiny_files"
_TAGS = re.compile(r"<[^>]+>")


class Html(Markup):
    """A fragment of report HTML (markupsafe ``Markup``) that Jupyter shows as HTML.

    Parameters
    ----------
    markup : str
        Trusted HTML made by this module (data values already escaped).
    metadata : mapping, optional
        Display metadata for the renderer (never shown), e.g. the page title of a title block.
    """

    def __new__(cls, markup: object = "", *, metadata: Mapping[str, object] | None = None):
        fragment = super().__new__(cls, markup)
        fragment.metadata = dict(metadata or {})
        return fragment

    @property
    def markup(self) -> str:
        """The HTML as a plain string."""
        return str(self)

    @property
    def title(self) -> str | None:
        """The page title a title block declares, else ``None``."""
        return self.metadata.get(TITLE_KEY)

    @property
    def files(self) -> dict[str, str]:
        """``{file name: text}`` to publish beside the report's HTML (:data:`FILES_KEY`)."""
        return dict(self.metadata.get(FILES_KEY, {}))

    def _repr_html_(self):
        return (self.markup, self.metadata) if self.metadata else self.markup

    def __repr__(self) -> str:
        """The fragment's words, as a reader would see them (not a Python repr)."""
        return " ".join(html.unescape(_TAGS.sub(" ", self)).split())


@functools.cache
def _environment() -> Environment:
    # Autoescape HTML templates; the CSS templates hold only the toolkit's own constants.
    return Environment(loader=PackageLoader("scrutiny.report", "templates"),
                       autoescape=select_autoescape(("html.j2",), default_for_string=True),
                       undefined=StrictUndefined, keep_trailing_newline=True)


@functools.cache
def _blocks():
    return _environment().get_template("blocks.html.j2").module


def _text(value: object) -> object:
    """A value as report text: missing is empty, a month is ``Jun 2016``; escaped later."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Period):
        return value.strftime("%b %Y")
    return str(value)


def esc(value: object) -> Markup:
    """Escape a value for HTML; missing values become empty text."""
    return escape(_text(value))


def join(*parts: Html) -> Html:
    """Concatenate fragments, one per line, into one displayable fragment."""
    metadata = {}
    for part in reversed(parts):
        metadata.update(getattr(part, "metadata", {}))
    return Html(Markup("\n").join(parts), metadata=metadata)


def paragraph(text: str) -> Html:
    """One paragraph of plain text (escaped)."""
    return Html(_blocks().paragraph(_text(text)))


def bullet_list(items: Iterable[str]) -> Html:
    """An unordered list of plain-text items (escaped)."""
    return Html(_blocks().bullet_list([_text(i) for i in items]))


def heading(text: str, level: int = 3) -> Html:
    """A sub-heading inside a section (sections themselves are markdown ``##`` headings)."""
    return Html(_blocks().heading(_text(text), int(level)))


def title_block(title: str, *, subtitle: str, generated_on: date | str) -> Html:
    """The report's ``<h1>``, a subtitle and the "Generated on" line.

    Declares ``title`` and ``subtitle`` as display metadata: the page ``<title>`` and the index
    of reports are made from them, never scraped back out of the HTML.
    """
    when = date.fromisoformat(generated_on) if isinstance(generated_on, str) else generated_on
    return Html(_blocks().title_block(_text(title), _text(subtitle), when.isoformat(),
                                      long_date(when)),
                metadata={TITLE_KEY: title, SUBTITLE_KEY: subtitle})


def long_date(day: date) -> str:
    """Return a date as a committee writes it, e.g. ``15 July 2016``."""
    return f"{day.day} {day:%B %Y}"


def number(values: pd.Series | Iterable[float], decimals: int = 0) -> list[str]:
    """Format numbers with thousands separators and fixed decimals; missing values are empty."""
    return ["" if pd.isna(v) else f"{v:,.{decimals}f}" for v in values]


def pounds(values: pd.Series | Iterable[float], decimals: int = 0) -> list[str]:
    """Format amounts of money as ``£12,345``; missing values are empty."""
    return ["" if pd.isna(v) else ("-" if v < 0 else "") + f"£{abs(v):,.{decimals}f}"
            for v in values]


def yes_no(values: pd.Series | Iterable[object]) -> list[str]:
    """``Yes``/``No`` for truthy/falsy values; missing values are empty."""
    return ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else ("Yes" if v else "No")
            for v in values]


def note(text: str, *, label: str) -> Html:
    """A boxed notice that starts with a bold label, e.g. ``ILLUSTRATIVE``."""
    return Html(_blocks().note(_text(text), _text(label)))


def rag_label(rag: object) -> str:
    """Return ``Green``/``Amber``/``Red``/``Blue`` for a RAG code, empty text otherwise."""
    return RAG_LABELS.get(rag, "") if isinstance(rag, str) else ""


def _rag_cell(rag: object, text: object, tag: str, scope: str | None) -> tuple:
    label = rag_label(rag)
    return (tag, _text(label if text is None else text), scope,
            f"rag rag-{rag}" if label else None)


def rag_cell(rag: object, text: str | None = None, *, tag: str = "td") -> Html:
    """A table cell coloured by RAG that always shows the text label (or ``text``)."""
    return Html(_blocks().cell(*_rag_cell(rag, text, tag, None)))


def rag_key() -> Html:
    """The key to the RAG colours, as a short list."""
    return Html(_blocks().rag_key([(r, RAG_LABELS[r], RAG_MEANINGS[r]) for r in RAG_ORDER]))


def table(
    frame: pd.DataFrame,
    *,
    caption: str,
    rag_columns: Mapping[str, str] | None = None,
    row_header: str | None = None,
    numeric: Iterable[str] = (),
    css_class: str = "data",
) -> Html:
    """An accessible HTML table of a DataFrame: caption, ``th scope``, escaped cells.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns shown in order, headed by their names; values are shown as text.
    caption : str
        What the table shows (read out by screen readers before the rows).
    rag_columns : mapping, optional
        Display column -> column of ``frame`` holding its RAG code; that cell is coloured and,
        when the display column is the RAG column itself, labelled Green/Amber/Red/Blue.
    row_header : str, optional
        Column whose cells head their row (``<th scope="row">``).
    numeric : iterable of str
        Columns aligned right.
    """
    rag_columns = dict(rag_columns or {})
    shown = [c for c in frame.columns if c not in set(rag_columns.values()) - set(rag_columns)]
    numeric = set(numeric)
    columns = [(_text(c), "num" if c in numeric else None) for c in shown]
    rows = [_cells(row, shown, rag_columns, row_header, numeric)
            for row in frame.to_dict("records")]
    return Html(_blocks().table(_text(caption), columns, rows, css_class))


def _cells(row: dict, shown: list[str], rag_columns: dict[str, str], row_header: str | None,
           numeric: set[str]) -> list[tuple]:
    cells = []
    for column in shown:
        tag, scope = ("th", "row") if column == row_header else ("td", None)
        if column in rag_columns:
            text = None if rag_columns[column] == column else row[column]
            cells.append(_rag_cell(row[rag_columns[column]], text, tag, scope))
        else:
            cells.append((tag, _text(row[column]), scope, "num" if column in numeric else None))
    return cells


def figure(fig: Figure, *, alt: str, caption: str) -> Html:
    """Embed a matplotlib figure as an SVG image with alt text.

    The SVG is written with a fixed hash salt and no date, so the same figure gives the same
    bytes on every run, made compact (:func:`~scrutiny.report.charts.style.compact_svg`) so a
    report can carry a chart per KPI.
    """
    buffer = io.BytesIO()
    with chart_style():  # tick labels and legends are made while saving: literal text there too
        literal(fig).savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    data = base64.b64encode(compact_svg(buffer.getvalue())).decode("ascii")
    return Html(_blocks().figure(f"data:image/svg+xml;base64,{data}", _text(alt),
                                 _text(caption)))


def definition_list(items: Mapping[str, object]) -> Html:
    """A ``<dl>`` of label/value pairs (both escaped)."""
    return Html(_blocks().definition_list([(_text(k), _text(v)) for k, v in items.items()]))


def stylesheet() -> str:
    """The committee stylesheet: screen and A4 print, RAG colours from the chart style."""
    return _environment().get_template("committee.css.j2").render(**_css_values(""))


def table_styles(scope: str) -> str:
    """The table and RAG rules of the committee stylesheet, only inside ``scope`` (a selector).

    For HTML shown outside a committee page (the explorer in JupyterLab): the same rules, scoped
    so they never touch the host page.
    """
    env = _environment()
    values = _css_values(f"{scope} ")
    return (env.get_template("tables.css.j2").render(**values)
            + env.get_template("rag-colours.css.j2").render(**values))


def _css_values(scope: str) -> dict[str, object]:
    return {"s": scope, "rags": [(r, RAG_COLOURS[r], RAG_TEXT_COLOURS[r]) for r in RAG_ORDER]}
