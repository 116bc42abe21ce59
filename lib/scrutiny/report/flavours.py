"""One section tree, four ways to show it: committee HTML, JSON records, Excel sheets, widgets.

Every flavour reads a :class:`~scrutiny.report.structure.Section` and nothing else, so the
committee report, ``scrutiny report --format json|xlsx`` and the explorer show the same tables
with the same captions. HTML goes through the Jinja2 blocks of :mod:`scrutiny.report.html`
(escaped there); JSON and Excel carry the tables' words and values, never HTML.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from scrutiny.report import html as report
from scrutiny.report import structure
from scrutiny.report.excel import sheet_name, write_workbook
from scrutiny.report.html import Html
from scrutiny.report.layouts import sheet_of
from scrutiny.report.structure import (
    BulletList,
    Figure,
    Heading,
    Note,
    Paragraph,
    RagKey,
    Section,
    Table,
)

# ----------------------------------------------------------------------------------------------
# HTML


def to_html(node: object) -> Html:
    """The committee HTML of a section or node (an :class:`Html` fragment passes through)."""
    if isinstance(node, Section):  # flattened: an empty nested section adds no blank line
        joined = report.join(*(to_html(p) for p in node.walk()))
        return Html(joined, metadata={**joined.metadata, **_metadata(node)})
    if isinstance(node, Html):
        return node
    return _HTML[type(node)](node)


_HTML = {
    Paragraph: lambda n: report.paragraph(n.text),
    Heading: lambda n: report.heading(n.text, n.level),
    Note: lambda n: report.note(n.text, label=n.label),
    BulletList: lambda n: report.bullet_list(n.items),
    RagKey: lambda n: report.rag_key(),
    Table: lambda n: report.table(n.frame, caption=n.caption, rag_columns=n.rag_columns or None,
                                  row_header=n.row_header, numeric=n.numeric,
                                  css_class=n.css_class),
    Figure: lambda n: report.figure(n.figure, alt=n.alt, caption=n.caption),
}


def _metadata(tree: Section) -> dict[str, object]:
    """The display metadata of ``tree`` and its nested sections (the outer wins)."""
    inner = [_metadata(p) for p in tree.parts if isinstance(p, Section)]
    return {k: v for m in [*inner, dict(tree.metadata)] for k, v in m.items()}


structure.HTML_FLAVOUR[:] = [to_html]


# ----------------------------------------------------------------------------------------------
# JSON


def _plain(value: object) -> object:
    """A cell as a JSON value: missing is null, a month is ``2016-06``, numpy becomes Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows of ``frame`` as ``{column name: value}`` records of JSON values."""
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, map(_plain, row), strict=True))
            for row in frame.itertuples(index=False, name=None)]


def _table_json(node: Table) -> dict[str, object]:
    shown = node.shown
    return {"type": "table", "caption": node.caption, "columns": [str(c) for c in shown.columns],
            "units": dict(node.units),
            "rag_columns": {k: v for k, v in node.rag_columns.items() if k != v},
            "records": records(node.frame)}


_JSON = {
    Paragraph: lambda n: {"type": "paragraph", "text": n.text},
    Heading: lambda n: {"type": "heading", "text": n.text, "level": n.level},
    Note: lambda n: {"type": "note", "label": n.label, "text": n.text},
    BulletList: lambda n: {"type": "list", "items": list(n.items)},
    RagKey: lambda n: {"type": "rag_key", "meanings": dict(report.RAG_MEANINGS)},
    Table: _table_json,
    Figure: lambda n: {"type": "figure", "alt": n.alt, "caption": n.caption,
                       "data": None if n.data is None else records(n.data)},
}


def to_json(section: Section) -> dict[str, object]:
    """A section as JSON-ready data: its heading and its parts (HTML fragments left out)."""
    return {"heading": section.heading,
            "parts": [_JSON[type(p)](p) for p in section.walk() if not isinstance(p, Html)]}


# ----------------------------------------------------------------------------------------------
# Excel


def sheets(sections: Iterable[Section]) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Every table of ``sections`` in order: ``({sheet name: frame}, {sheet name: caption})``.

    Sheet names are numbered in reading order (``01 KPIs by status...``) so two tables with
    the same caption stay apart; :mod:`scrutiny.report.excel` cuts them to Excel's 31 characters.
    A table that is also a toolkit table (its ``sheet``, e.g. the exceptions register) is
    written as every door writes it, under its own sheet name (:mod:`scrutiny.report.layouts`).
    """
    tables = [t for s in sections for t in s.tables]
    width = len(str(len(tables)))
    frames, titles, used = {}, {}, set()
    for number, table in enumerate(tables, start=1):
        own = None if table.sheet is None else sheet_of(table.sheet)[0]
        if own is None:
            name = sheet_name(f"{number:0{width}d} {table.caption}"[:31], used)
            frames[name], titles[name] = table.shown, table.caption
        else:  # a toolkit table: the sheet every door writes (scrutiny.report.layouts)
            name = sheet_name(own, used)
            frames[name], titles[name] = table.sheet, table.caption
    return frames, titles


def write_sections_workbook(path: str | Path, sections: Sequence[Section]) -> Path:
    """Write one sheet per table of ``sections``, in section order, atomically; return the path."""
    frames, titles = sheets(sections)
    return write_workbook(path, frames, titles=titles)


# ----------------------------------------------------------------------------------------------
# Widgets


def to_widgets(section: Section):
    """The section as an ``ipywidgets.VBox``: one ``HTML`` widget per part, tables styled as in
    the committee report (scoped to the widget)."""
    import ipywidgets as widgets

    scope = "scrutiny-section"
    style = f"<style>{report.table_styles('.' + scope)}</style>"
    children = [widgets.HTML(value=f'{style}<div class="{scope}">{to_html(p)}</div>')
                for p in section.walk()]
    return widgets.VBox(children)
