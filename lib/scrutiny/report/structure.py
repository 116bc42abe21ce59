"""What a report section says, as a small tree of plain data: no HTML inside.

A section function returns a :class:`Section`: paragraphs, sub-headings, notes, lists, tables
(DataFrames with their caption and units) and figures (with alt text and the data drawn). The
flavours in :mod:`scrutiny.report.flavours` turn the same tree into committee HTML (through the
Jinja2 templates of :mod:`scrutiny.report.html`), JSON records, Excel sheets or ipywidgets, as
ydata-profiling renders one description several ways. A notebook cell that shows a section
shows its HTML flavour.

During the move from HTML-returning sections, a :class:`Section` may also hold an
:class:`~scrutiny.report.html.Html` fragment (a block not yet expressed as nodes); the HTML
flavour passes it through unchanged and the other flavours skip it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (``level`` 3 unless told)."""

    text: str
    level: int = 3


@dataclass(frozen=True)
class Note:
    """A boxed notice that starts with a bold ``label``, e.g. ``ILLUSTRATIVE:``."""

    text: str
    label: str


@dataclass(frozen=True)
class BulletList:
    """An unordered list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class RagKey:
    """The key to the RAG colours (what Green, Amber, Red and Blue mean)."""


@dataclass(frozen=True, eq=False)
class Table:
    """A table: a DataFrame shown column by column, with what it shows and its units.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns shown in order, headed by their names (values already worded for the reader).
    caption : str
        What the table shows.
    units : mapping of str to str
        Column -> unit of its values (``"GBP"``, ``"points"``, ``"KPIs"``, ``"months"``);
        columns not named are text.
    rag_columns : mapping of str to str
        Display column -> column of ``frame`` holding its RAG code (that column is not shown).
    row_header : str, optional
        Column whose cells head their row.
    numeric : tuple of str
        Columns aligned right in HTML.
    css_class : str
        The HTML table's class.
    sheet : pandas.DataFrame, optional
        The same table as the toolkit returns it (marked by
        :func:`scrutiny.core.spreadsheet.tag_table`), for a workbook: the Excel flavour writes
        it in its one layout (:mod:`scrutiny.report.layouts`), as ``write_workbook`` and the
        CLI's ``--format xlsx`` do, instead of the worded ``frame``.
    """

    frame: pd.DataFrame
    caption: str
    units: Mapping[str, str] = field(default_factory=dict)
    rag_columns: Mapping[str, str] = field(default_factory=dict)
    row_header: str | None = None
    numeric: tuple[str, ...] = ()
    css_class: str = "data"
    sheet: pd.DataFrame | None = None

    @property
    def shown(self) -> pd.DataFrame:
        """The columns a reader sees: ``frame`` without the RAG code columns, a RAG column
        showing its code's word when it is its own code column."""
        hidden = set(self.rag_columns.values()) - set(self.rag_columns)
        return self.frame[[c for c in self.frame.columns if c not in hidden]]


@dataclass(frozen=True, eq=False)
class Figure:
    """A chart: the drawing, its alt text and caption, and the data it draws.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The chart.
    alt : str
        Alt text: what the chart shows, for a reader who cannot see it.
    caption : str
        The caption under it.
    data : pandas.DataFrame, optional
        The values drawn (for JSON and spreadsheets).
    """

    figure: object
    alt: str
    caption: str
    data: pd.DataFrame | None = None


@dataclass(frozen=True, eq=False)
class Section:
    """A report section: its parts in order (nodes, nested sections, or transitional HTML).

    Parameters
    ----------
    parts : tuple
        :class:`Paragraph`, :class:`Heading`, :class:`Note`, :class:`BulletList`,
        :class:`RagKey`, :class:`Table`, :class:`Figure`, nested :class:`Section` or an
        :class:`~scrutiny.report.html.Html` fragment.
    heading : str, optional
        The section's title (the notebook's ``##`` heading), for JSON and workbooks.
    metadata : mapping, optional
        Display metadata for the renderer (never shown), e.g. the input files' fingerprints.
    """

    parts: tuple = ()
    heading: str | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)

    def walk(self):
        """Yield every part in reading order, nested sections flattened."""
        for part in self.parts:
            if isinstance(part, Section):
                yield from part.walk()
            else:
                yield part

    @property
    def tables(self) -> list[Table]:
        """Every table, in reading order."""
        return [p for p in self.walk() if isinstance(p, Table)]

    @property
    def markup(self) -> str:
        """The section's committee HTML (its HTML flavour), as for an HTML fragment."""
        return _html(self).markup

    def _repr_html_(self):
        return _html(self)._repr_html_()

    def __repr__(self) -> str:
        """The section's words, as its HTML flavour reads (as for an HTML fragment)."""
        return repr(_html(self))


#: The HTML flavour a notebook shows a section with; :mod:`scrutiny.report.flavours` registers
#: it when imported (it imports this module, so this module cannot import it).
HTML_FLAVOUR: list = []


def _html(node: Section):
    if not HTML_FLAVOUR:  # a programming error, not bad input: say what to import
        raise LookupError("no HTML flavour registered: import scrutiny.report.flavours")
    return HTML_FLAVOUR[0](node)


def section(*parts, heading: str | None = None) -> Section:
    """A :class:`Section` of ``parts`` (``None`` parts are left out)."""
    return Section(tuple(p for p in parts if p is not None), heading=heading)
