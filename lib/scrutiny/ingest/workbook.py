"""Reading a supplier's Excel return the way Excel shows it, refusing what is ambiguous.

A return made by people holds more than values: formulas, percentage formats, merged cells, hidden
draft sheets. Each is read as a person looking at the sheet would read it, or refused with one
line naming the sheet and the cell:

* **Formulas** are read as their saved result. A formula with no saved result (a file written by
  a program, never opened in Excel) is refused: reading it as blank would make the KPI Red.
* **Percent formats**: 0.9995 shown as ``99.95%`` is read as 99.95, as the sheet shows it.
* **Merged cells** are refused: a value merged across two months could mean either month.
* **Sheets**: hidden sheets are ignored; exactly one visible sheet must remain.
* **Title rows** above the header (a council name, "KPI return June 2026") are skipped when the
  caller says how to recognise the header row.
* **Decompression bombs**: the zip's declared sizes are checked before anything is parsed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from scrutiny.core.months import month_label, parse_month
from scrutiny.exceptions import InputValidationError, MonthFormatError
from scrutiny.load.tables import MAX_TITLE_ROWS

#: Largest uncompressed workbook accepted (bytes). A month's return is a few tens of KB.
MAX_UNPACKED_BYTES = 50 * 2**20
#: Largest compression ratio of one member of the zip; real workbooks stay well under 100.
MAX_RATIO = 200
_FIX = "open the file in Excel, fix it and save it again as .xlsx (or export it as CSV UTF-8)"


def read_workbook(path: Path, find_header: Callable[[list[str]], bool] | None = None
                  ) -> pd.DataFrame:
    """Read the one visible sheet of a return as text, row 1 (or the row found) the header.

    ``find_header`` works as in :func:`scrutiny.load.tables.read_csv_text`: title rows above the
    header are skipped and ``frame.attrs["header_row"]`` is the header's Excel row.

    Returns
    -------
    pandas.DataFrame
        Every cell as ``str`` as Excel shows it (blank ``""``); columns are the header texts (a
        date header becomes ``YYYY-MM``); the index is the Excel row minus 2, so
        ``tables.sheet_row(index)`` is the row Excel shows (title rows included).

    Raises
    ------
    InputValidationError
        Naming the file, sheet and cell: a formula with no saved result, a merged range, a repeated
        header, more than one visible sheet, a workbook that unpacks too large or is unreadable.
    """
    path = Path(path)
    check_unpacked_size(path)
    values, formulas = _open(path, data_only=True), _open(path, data_only=False)
    sheet = _the_visible_sheet(values, path.name)
    formula_sheet = formulas[sheet.title]
    where = f"sheet '{sheet.title}'"
    if sheet.merged_cells.ranges:
        merged = sorted(str(r) for r in sheet.merged_cells.ranges)
        raise InputValidationError(
            f"{where}, cells {', '.join(merged[:3])} are merged", file=path.name,
            hint="unmerge them and give each KPI and month its own cell, then save again")
    rows = [[_shown(cell, formula_sheet[cell.coordinate], where, path.name) for cell in row]
            for row in sheet.iter_rows()]
    if not rows:
        return pd.DataFrame()
    skipped = 0
    if find_header is not None:
        texts = [[_header_text(cell.value) for cell in row] for row in
                 sheet.iter_rows(max_row=MAX_TITLE_ROWS + 1)]
        skipped = next((i for i, row in enumerate(texts) if find_header(row)), 0)
    header = [_header_text(cell.value) for cell in sheet[skipped + 1]]
    _refuse_repeated_headers(header, where, path.name, skipped + 1)
    body = [r + [""] * (len(header) - len(r)) for r in rows[skipped + 1:]]
    frame = pd.DataFrame(body, columns=header, dtype=str,
                         index=pd.RangeIndex(skipped, skipped + len(body)))
    frame.attrs["header_row"] = skipped + 1
    return frame


def check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose zip members unpack beyond :data:`MAX_UNPACKED_BYTES`."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputValidationError("is not a readable Excel workbook (not a .xlsx zip)",
                                   file=path.name, hint=_FIX) from None
    total = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > MAX_UNPACKED_BYTES or (ratio > MAX_RATIO and total > 2**20):
        raise InputValidationError(
            f"unpacks to {total / 2**20:,.0f} MB (compressed {ratio:,.0f} to 1), far more than a "
            "KPI return holds", file=path.name,
            hint="send the return itself: one sheet, one row per KPI, as .xlsx or CSV UTF-8")


def _open(path: Path, *, data_only: bool):
    import openpyxl  # ~0.3 s: only an Excel ingest pays for it

    try:
        return openpyxl.load_workbook(path, data_only=data_only, read_only=False)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds for a bad workbook
        raise InputValidationError(
            f"is not a readable Excel workbook ({type(err).__name__})", file=path.name,
            hint=_FIX) from None


def _the_visible_sheet(workbook, file: str):
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if len(visible) != 1:
        names = ", ".join(f"'{ws.title}'" for ws in visible) or "none"
        raise InputValidationError(
            f"has {len(visible)} visible sheets ({names}); the return must be the only one",
            file=file, hint="delete or hide every sheet but the return, then save again")
    return visible[0]


def _shown(cell, formula_cell, where: str, file: str) -> str:
    """One cell's text as Excel shows it."""
    value = cell.value
    if value is None and formula_cell.data_type == "f":
        formula = str(formula_cell.value)[:40]
        raise InputValidationError(
            f"{where}, cell {cell.coordinate} holds a formula ({formula}) with no saved result",
            file=file, hint="open the file in Excel and save it (or paste the values over the "
                            "formulas), so the value Excel shows is stored")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "%" in (cell.number_format or ""):
            value = round(value * 100, 9)  # 0.9995 formatted 0.00% is shown as 99.95
        return _number_text(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _number_text(value: float) -> str:
    """Shortest text of a number, whole numbers without ``.0`` (as pandas read them as text)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_text(label: object) -> str:
    """Excel turns a typed ``Jun-16`` into a date; show it as ``YYYY-MM``."""
    if isinstance(label, (datetime, date, pd.Timestamp)):
        try:
            return month_label(parse_month(pd.Timestamp(label)))
        except MonthFormatError:
            return str(label)
    return "" if label is None else str(label).strip()


def _refuse_repeated_headers(header: list[str], where: str, file: str, row: int = 1) -> None:
    from openpyxl.utils import get_column_letter

    seen: dict[str, int] = {}
    for number, text in enumerate(header, start=1):
        if not text:
            continue
        if text in seen:
            raise InputValidationError(
                f"{where}, header '{text}' is in column {get_column_letter(seen[text])} and again "
                f"in column {get_column_letter(number)}", file=file, row=row,
                hint="keep one column per month (and one per heading)")
        seen[text] = number
