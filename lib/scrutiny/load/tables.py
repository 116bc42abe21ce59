"""Reading input tables so that every problem is reported by file, row and column.

CSV files are read as text (nothing guessed, blank cells kept as ``""``) and validated with a
pandera schema before any type conversion. Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scrutiny.core.spreadsheet import restore
from scrutiny.exceptions import InputValidationError

if TYPE_CHECKING:  # pandera costs ~0.7 s to import: only when a table is validated
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

HEADER_ROWS = 1


def sheet_row(index: int) -> int:
    """Return the 1-based spreadsheet row of a 0-based data-frame index (header is row 1)."""
    return int(index) + HEADER_ROWS + 1


#: How many rows above the header a ``find_header`` search looks through (title rows).
MAX_TITLE_ROWS = 10


def read_csv_text(path: Path, find_header: Callable[[list[str]], bool] | None = None
                  ) -> pd.DataFrame:
    """Read a CSV as strings, refusing bad encodings, empty or truncated files and ragged rows.

    Parameters
    ----------
    path : pathlib.Path
        UTF-8 file; a byte-order mark is accepted.
    find_header : callable, optional
        Given a row's cells, True for the header row. The header is then the first such row among
        the first :data:`MAX_TITLE_ROWS` + 1 rows; rows above it (titles) are skipped and
        ``frame.attrs["header_row"]`` is its row number. Default: row 1 is the header.

    Returns
    -------
    pandas.DataFrame
        Every cell as ``str``; blank cells are ``""``. The index counts data records from 0
        including blank lines, so ``sheet_row(index)`` is the row a spreadsheet shows even
        where blank lines were skipped.

    Raises
    ------
    InputValidationError
        Naming the file and row: bytes that are not UTF-8, an empty file, a quote left open
        (the file was cut short), a NUL byte, a header naming a column twice, or a row with
        more or fewer cells than the header.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputValidationError(
            f"byte {err.start} is not UTF-8", file=path.name, row=line,
            hint="save the file as UTF-8 (CSV UTF-8 in Excel)",
        ) from None
    if not text.strip():
        raise InputValidationError("the file is empty", file=path.name,
                                   hint="export the table again with its header row")
    if "\x00" in text:
        raise InputValidationError(
            "contains a NUL byte", file=path.name, row=text[: text.index("\x00")].count("\n") + 1,
            hint="this is not a text CSV (perhaps a spreadsheet saved as .csv); export CSV UTF-8")
    rows = _parse_records(text, path.name)
    skipped = _title_rows(rows, find_header) if find_header else 0
    rows = rows[skipped:]
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2 + skipped):
        if row and len(row) != len(header):
            raise InputValidationError(
                f"has {len(row)} cells but the header has {len(header)}",
                file=path.name, row=number,
                hint="the file may be truncated or a value may contain an unquoted comma",
            )
    rows = _without_empty_trailing_columns(rows)
    rows = [[restore(cell) for cell in row] for row in rows]  # the words, not defuse's apostrophe
    header = rows[0]
    _check_header(header, path.name)
    kept = [(position, row) for position, row in enumerate(rows[1:], start=skipped) if row]
    frame = pd.DataFrame([row for _, row in kept], columns=header, dtype=str,
                         index=pd.Index([position for position, _ in kept], dtype="int64"))
    frame.attrs["header_row"] = skipped + 1
    return frame


def _title_rows(rows: list[list[str]], find_header: Callable[[list[str]], bool]) -> int:
    """How many rows sit above the header (0 when none is found: row 1 is then reported)."""
    for position, row in enumerate(rows[:MAX_TITLE_ROWS + 1]):
        if find_header(row):
            return position
    return 0


def _parse_records(text: str, file: str) -> list[list[str]]:
    """Split CSV text into records; strict mode turns a quote left open into an error."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    # The csv module refuses cells over 128 KiB without saying which column; let any cell of the
    # file through so the table's own rules (e.g. a comment's length) name the column.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as err:
        record = len(rows) + 1
        if "unexpected end of data" in str(err):
            raise InputValidationError(
                "the file ends inside a quoted value", file=file, row=record,
                hint="the file looks truncated; export it again") from None
        raise InputValidationError(f"is not valid CSV ({err})", file=file, row=record,
                                   hint="export the table again as CSV UTF-8") from None
    finally:
        csv.field_size_limit(limit)
    return rows


def _without_empty_trailing_columns(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing columns with a blank heading and no cell, as spreadsheets export them.

    A blank-headed column that holds anything is kept (and then refused by the header checks).
    """
    header = rows[0]
    width = len(header)
    while width > 1 and not header[width - 1].strip() and all(
            not row or not row[width - 1].strip() for row in rows[1:]):
        width -= 1
    if width == len(header):
        return rows
    return [row[:width] if row else row for row in rows]


def _check_header(header: list[str], file: str) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputValidationError(f"the header names column {name!r} twice", file=file,
                                       row=1, column=name,
                                       hint="give every column a different name")
        seen.add(name)


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str) -> pd.DataFrame:
    """Validate a text table against a schema, raising the first failure by row and column."""
    missing = [c for c in schema.columns if c not in frame.columns
               and schema.columns[c].required]
    if missing:
        raise InputValidationError(
            f"missing column(s) {', '.join(missing)}", file=file, row=1,
            hint=f"the header must be: {','.join(schema.columns)}",
        )
    extra = [c for c in frame.columns if c not in schema.columns]
    if extra and schema.strict:
        raise InputValidationError(
            f"unexpected column(s) {', '.join(extra)}", file=file, row=1, column=extra[0],
            hint=f"the header must be: {','.join(schema.columns)}",
        )
    from pandera.errors import SchemaErrors

    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as errs:
        raise _first_failure(errs, file) from None


def _first_failure(errs: SchemaErrors, file: str) -> InputValidationError:
    cases = errs.failure_cases
    cases = cases.assign(_row=pd.to_numeric(cases["index"], errors="coerce")).sort_values(
        "_row", na_position="first", kind="stable")
    first = cases.iloc[0]
    row = None if pd.isna(first["_row"]) else sheet_row(first["_row"])
    column = first["column"] if isinstance(first["column"], str) else None
    check = _describe_check(str(first["check"]))
    more = len(cases) - 1
    message = f"value {first['failure_case']!r} fails: {check}"
    if more:
        message += f" ({more} more problem{'s' if more > 1 else ''} in this file)"
    return InputValidationError(message, file=file, row=row, column=column)


def _describe_check(check: str) -> str:
    if m := re.match(r"str_matches\('(.*)'\)", check):
        return f"must match the pattern {m.group(1)}"
    if m := re.match(r"isin\((.*)\)", check):
        return f"must be one of {m.group(1)}"
    if check == "field_uniqueness":
        return "must be unique"
    if check.startswith("coerce_dtype"):
        return "must be a number"
    return check


def to_number(frame: pd.DataFrame, column: str, file: str, *, blank_ok: bool = False) -> pd.Series:
    """Convert a text column to float, naming the first cell that is not a number."""
    text = frame[column].str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    numbers = numbers.where(np.isfinite(numbers))  # "inf" and "nan" are not numbers here
    bad = numbers.isna() & ((text != "") | (not blank_ok))
    if bad.any():
        index = bad.idxmax()
        raise InputValidationError(f"{frame.at[index, column]!r} is not a number", file=file,
                                   row=sheet_row(index), column=column)
    return numbers


def fail_at(frame: pd.DataFrame, mask: pd.Series, file: str, column: str, message: str,
            hint: str | None = None) -> None:
    """Raise for the first row where ``mask`` holds; do nothing when none does.

    The row reported is ``sheet_row`` of the frame's integer index label (as numbered by
    ``read_csv_text``), so filtering or reordering the frame keeps rows right; a frame with a
    non-integer index falls back to the row's position.
    """
    if mask.any():
        index = mask.idxmax()
        position = frame.index.get_loc(index)
        line = index if isinstance(index, (int, np.integer)) else position
        raise InputValidationError(message.format(**frame.iloc[position].to_dict()), file=file,
                                   row=sheet_row(line), column=column, hint=hint)
