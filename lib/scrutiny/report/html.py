"""HTML building blocks for committee reports: every notebook output is made here.

Notebook cells display :class:`Html` objects, so the rendered report shows HTML made by the library
(never a DataFrame or Python repr). Every value taken from data is escaped. RAG cells always carry
their text label as well as their colour, and figures are embedded as SVG images with alt text, so
the report is a single self-contained file.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Mapping
from datetime import date

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from scrutiny.core.rag import RAG_LABELS, RAG_ORDER
from scrutiny.report.charts.style import RAG_COLOURS, RAG_TEXT_COLOURS, apply_style

#: What each RAG status means, in the words reports use.
RAG_MEANINGS = {
    "green": "met the Target Service Level (TSL)",
    "amber": "met the Minimum Service Level (MSL) but not the target",
    "red": "missed the minimum, or no data was provided",
    "blue": "not scored: glide period, mitigation agreed or not measured",
}
_TAGS = re.compile(r"<[^>]+>")


class Html:
    """A fragment of report HTML. Jupyter shows it as HTML; its plain-text form is its words.

    Parameters
    ----------
    markup : str
        Trusted HTML made by this module (data values already escaped).
    title : str, optional
        Set on the report's title block; the renderer uses it as the page ``<title>``.
    files : dict, optional
        ``{file name: text}`` to publish beside the report's HTML (e.g. a JSON download the
        markup links to); the renderer writes them (see ``render.committee.attached_files``).
    """

    def __init__(self, markup: str, *, title: str | None = None,
                 files: dict[str, str] | None = None):
        self.markup = markup
        self.title = title
        self.files = dict(files or {})

    def _repr_html_(self):
        meta = {k: v for k, v in (("scrutiny_title", self.title),
                                  ("scrutiny_files", self.files)) if v}
        return (self.markup, meta) if meta else self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return " ".join(html.unescape(_TAGS.sub(" ", self.markup)).split())

    def __add__(self, other: Html) -> Html:
        return join(self, other)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Html) and self.markup == other.markup

    __hash__ = None


def esc(value: object) -> str:
    """Escape a value for HTML; missing values become empty text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Period):
        value = value.strftime("%b %Y")
    return html.escape(str(value), quote=True)


def join(*parts: Html) -> Html:
    """Concatenate fragments into one displayable fragment."""
    return Html("\n".join(p.markup for p in parts),
                title=next((p.title for p in parts if p.title), None),
                files={name: text for p in parts for name, text in p.files.items()})


def paragraph(text: str) -> Html:
    """One paragraph of plain text (escaped)."""
    return Html(f"<p>{esc(text)}</p>")


def bullet_list(items: Iterable[str]) -> Html:
    """An unordered list of plain-text items (escaped)."""
    return Html("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")


def heading(text: str, level: int = 3) -> Html:
    """A sub-heading inside a section (sections themselves are markdown ``##`` headings)."""
    return Html(f"<h{level}>{esc(text)}</h{level}>")


def title_block(title: str, *, subtitle: str, generated_on: date | str) -> Html:
    """The report's ``<h1>``, a subtitle and the "Generated on" line."""
    when = date.fromisoformat(generated_on) if isinstance(generated_on, str) else generated_on
    return Html(
        f'<header class="report-title"><h1>{esc(title)}</h1>'
        f'<p class="subtitle">{esc(subtitle)}</p>'
        f'<p class="generated">Generated on <time datetime="{when.isoformat()}">'
        f"{esc(long_date(when))}</time></p></header>",
        title=title,
    )


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
    return Html(f'<p class="note"><strong>{esc(label)}</strong> {esc(text)}</p>')


def rag_label(rag: object) -> str:
    """Return ``Green``/``Amber``/``Red``/``Blue`` for a RAG code, empty text otherwise."""
    return RAG_LABELS.get(rag, "") if isinstance(rag, str) else ""


def rag_cell(rag: object, text: str | None = None, *, tag: str = "td") -> str:
    """A table cell coloured by RAG that always shows the text label (or ``text``)."""
    label = rag_label(rag)
    css = f' class="rag rag-{rag}"' if label else ""
    return f"<{tag}{css}>{esc(label if text is None else text)}</{tag}>"


def rag_key() -> Html:
    """The key to the RAG colours, as a short list."""
    items = "".join(f'<li><span class="rag rag-{r}">{RAG_LABELS[r]}</span> {esc(RAG_MEANINGS[r])}'
                    "</li>" for r in RAG_ORDER)
    return Html(f'<ul class="rag-key" aria-label="Key to RAG status">{items}</ul>')


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
    head = "".join(f'<th scope="col"{_align(c, numeric)}>{esc(c)}</th>' for c in shown)
    body = "\n".join(_row(row, shown, rag_columns, row_header, numeric)
                     for row in frame.to_dict("records"))
    return Html(f'<div class="table-wrap"><table class="{css_class}"><caption>{esc(caption)}'
                f"</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"
                "</div>")


def _align(column: str, numeric: set[str]) -> str:
    return ' class="num"' if column in numeric else ""


def _row(row: dict, shown: list[str], rag_columns: dict[str, str], row_header: str | None,
         numeric: set[str]) -> str:
    cells = []
    for column in shown:
        tag = "th" if column == row_header else "td"
        scope = ' scope="row"' if tag == "th" else ""
        if column in rag_columns:
            rag = row[rag_columns[column]]
            text = None if rag_columns[column] == column else row[column]
            cells.append(rag_cell(rag, text, tag=tag).replace(f"<{tag}", f"<{tag}{scope}", 1))
        else:
            cells.append(f"<{tag}{scope}{_align(column, numeric)}>{esc(row[column])}</{tag}>")
    return "<tr>" + "".join(cells) + "</tr>"


def figure(fig: Figure, *, alt: str, caption: str) -> Html:
    """Embed a matplotlib figure as an SVG image with alt text; the figure is closed.

    The SVG is written with a fixed hash salt and no date, so the same figure gives the same
    bytes on every run.
    """
    apply_style()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Html(f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{esc(alt)}">'
                f"<figcaption>{esc(caption)}</figcaption></figure>")


def definition_list(items: Mapping[str, object]) -> Html:
    """A ``<dl>`` of label/value pairs (both escaped)."""
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items.items())
    return Html(f"<dl>{body}</dl>")


def stylesheet() -> str:
    """The committee stylesheet: screen and A4 print, RAG colours from the chart style."""
    return _BASE_CSS + rag_rules() + "\n"


def rag_rules(scope: str = "") -> str:
    """CSS giving each RAG class its colour, optionally only inside ``scope`` (a selector)."""
    prefix = f"{scope} " if scope else ""
    return "\n".join(
        f"{prefix}.rag-{r} {{ background: {RAG_COLOURS[r]}; color: {RAG_TEXT_COLOURS[r]}; }}"
        for r in RAG_ORDER)


_BASE_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1a1a1a;
  font: 16px/1.5 "Segoe UI", Arial, "Liberation Sans", sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 0.25rem; }
h2 { font-size: 1.4rem; margin: 2.25rem 0 0.5rem; padding-top: 0.5rem;
  border-top: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
.subtitle { font-size: 1.15rem; margin: 0; }
.generated { color: #404040; margin: 0.25rem 0 1rem; }
a { color: #0b4f8a; }
a:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
nav.contents { border: 1px solid #767676; padding: 0.5rem 1rem; margin: 1rem 0 1.5rem; }
nav.contents h2 { border: 0; margin: 0.25rem 0; padding: 0; font-size: 1.1rem; }
nav.contents ol { margin: 0.25rem 0; }
.table-wrap { overflow-x: auto; margin: 0.75rem 0 1.25rem; }
table { border-collapse: collapse; font-size: 0.9rem; min-width: 26rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid #767676; padding: 0.2rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: #e8e8e8; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.rag, th.rag, span.rag { font-weight: 600; }
span.rag { display: inline-block; min-width: 4.2rem; padding: 0 0.4rem; text-align: center; }
.rag-key { list-style: none; padding: 0; }
.rag-key li { margin: 0.2rem 0; }
.current { outline: 2px solid #1a1a1a; outline-offset: -2px; }
.note { border: 2px solid #1a1a1a; padding: 0.5rem 0.75rem; background: #fff4d6; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #404040; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
code, .hash { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.8rem;
  word-break: break-all; }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.contents { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  table, figure, .table-wrap, dl { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: #000000; text-decoration: none; }
  .rag { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""
