"""Tables as Excel workbooks a colleague can open: the committee report's words, not column names.

One sheet per table: a bold, frozen heading row in the words the committee report uses, RAG as
its word on a coloured fill, months as real dates shown ``Jun 2016``, column widths fitted to the
text. Text from the data (descriptions, reasons) is always written as text: a value starting
``=``, ``+``, ``-`` or ``@`` shows as typed and is never run as a formula. The file is written
atomically: an earlier workbook at the path stays intact until the new one is complete.
"""

from __future__ import annotations

import io
import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from scrutiny.core.atomic import atomic_write
from scrutiny.core.rag import RAG_LABELS
from scrutiny.core.spreadsheet import FORMULA_STARTS
from scrutiny.report.layouts import sheet_of

#: Column names as the committee report words them.
HEADINGS = {
    "kpi_id": "KPI", "service": "Service", "description": "What it measures", "month": "Month",
    "value": "Result", "status": "Status word in the return", "rag": "Status",
    "tsl": "Target (TSL)", "msl": "Minimum (MSL)", "direction": "Better when",
    "unit": "Unit", "basis": "Why", "override_reason": "Revised thresholds",
    "glide_reason": "Glide period", "run_length": "Months failing in a row",
    "reason": "Mitigation reason (Blue only)", "reason_source": "Reason recorded in",
    "allocation": "Points per KPI", "base_points": "Base points", "multiplier": "Multiplier",
    "points": "Abatement points", "uncapped_credit": "Credit before cap", "cap": "Cap",
    "credit": "Service credit payable", "capped": "Capped", "months": "Months",
    "green": "Green months", "amber": "Amber months", "red": "Red months",
    "no_data": "Months with no number", "blue": "Blue months", "scored": "Scored months",
    "longest_red_run": "Longest run of Red months", "rating": "Rating", "rule": "Why this rating",
    "kpis": "KPIs", "unit_label": "Unit label", "comment": "Supplier's comment",
}
#: Light fills behind black text for each RAG word (every fill also carries the word).
RAG_FILLS = {"Green": "B7E1CD", "Amber": "FCE8B2", "Red": "F4C7C3", "Blue": "C9DAF8"}
MONTH_FORMAT = "mmm yyyy"
MONEY_COLUMNS = {"uncapped_credit", "cap", "credit"}
_WIDEST = 80  # characters; longer text wraps


Sheets = Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame]


def workbook_bytes(sheets: Sheets, *, titles: Mapping[str, str] | None = None) -> bytes:
    """Return an ``.xlsx`` file holding each table on its own sheet.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame, or sequence of pandas.DataFrame
        Sheet name (31 characters at most) to table, or tables that name their own sheet. A
        table the toolkit returns (``c.exceptions(...)``, ``c.scores()``, ``c.abatement()``,
        ``c.ratings()``, ``terms.describe()``) is laid out as every door lays it out
        (:mod:`scrutiny.report.layouts`: sheet name, column order, headings). Other columns
        named in :data:`HEADINGS` get the report's words; ``rag`` columns show the RAG word on
        its fill; ``Period`` columns become first-of-month dates shown as ``Jun 2016``.
    titles : mapping of str to str, optional
        A sheet's title, kept in the workbook's properties and as the sheet's header when printed.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    named = sheets.items() if isinstance(sheets, Mapping) else ((None, f) for f in sheets)
    for given, table in named:
        own, frame, headings = sheet_of(table)
        name = given if given is not None else own or "Sheet"
        sheet = book.create_sheet(sheet_name(name, used))
        _fill(sheet, frame, headings)
        if titles and name in titles:
            sheet.oddHeader.center.text = titles[name].replace("&", "&&")
    if titles:
        book.properties.title = next(iter(titles.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_workbook(path: str | Path, sheets: Sheets, *,
                   titles: Mapping[str, str] | None = None) -> Path:
    """Write :func:`workbook_bytes` to ``path`` atomically; return the path."""
    path = Path(path)
    atomic_write(path, workbook_bytes(sheets, titles=titles))
    return path


def _fill(sheet, frame: pd.DataFrame, headings: Mapping[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    columns = list(frame.columns)
    bold = Font(bold=True)
    widths = []
    words = {**HEADINGS, **headings}
    for j, column in enumerate(columns, start=1):
        heading = words.get(str(column), str(column))
        cell = sheet.cell(row=1, column=j)
        _set_text(cell, heading)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths.append(len(heading))
    fills = {word: PatternFill("solid", fgColor=colour) for word, colour in RAG_FILLS.items()}
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = sheet.cell(row=i, column=j)
            shown = _put(cell, column, value)
            if column == "rag" and shown in fills:
                cell.fill = fills[shown]
            if len(shown) > _WIDEST:
                cell.alignment = wrap
            widths[j - 1] = max(widths[j - 1], min(len(shown), _WIDEST))
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(j)].width = width + 2
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"


def _put(cell, column: str, value: object) -> str:
    """Write ``value`` into ``cell`` as its proper type; return the text a reader sees."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if column == "rag" and isinstance(value, str):
        word = RAG_LABELS.get(value.strip().lower(), value)
        _set_text(cell, word)
        return word
    if isinstance(value, pd.Period):
        cell.value = value.to_timestamp().to_pydatetime().date()
        cell.number_format = MONTH_FORMAT
        return value.strftime("%b %Y")
    if isinstance(value, (bool, np.bool_)):
        cell.value = "Yes" if value else "No"
        return cell.value
    if isinstance(value, numbers.Real):
        value = value.item() if isinstance(value, np.generic) else value
        cell.value = value
        if column in MONEY_COLUMNS:
            cell.number_format = "#,##0.00"
            return f"{value:,.2f}"
        return f"{value:g}"
    text = str(value)
    _set_text(cell, text)
    return text


def _set_text(cell, text: str) -> None:
    """Store ``text`` as a string cell, even when it starts like a formula."""
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl guessed a formula from the leading "="
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


#: Excel's longest sheet name, in UTF-16 code units (an emoji counts two).
MAX_SHEET_NAME = 31


def sheet_name(name: str, used: set[str]) -> str:
    """A legal, unused sheet name: no ``[]:*?/\\``, 31 characters at most, unique ignoring case.

    A name already taken (two long names cut to the same 31 characters) gets `` (2)``, `` (3)``
    ... within the limit; ``used`` (lower-cased names) is updated.
    """
    cleaned = "".join("-" if ch in '[]:*?/\\' or not ch.isprintable() else ch for ch in name)
    cleaned = cleaned.strip("'") or "Sheet"
    candidate, number = _fit(cleaned, ""), 1
    while candidate.lower() in used:
        number += 1
        candidate = _fit(cleaned, f" ({number})")
    used.add(candidate.lower())
    return candidate


def _fit(name: str, suffix: str) -> str:
    """``name`` cut so that it and ``suffix`` fit :data:`MAX_SHEET_NAME` UTF-16 units."""
    def units(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    while units(name + suffix) > MAX_SHEET_NAME:
        name = name[:-1]
    return (name.rstrip("'") or "Sheet") + suffix


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
