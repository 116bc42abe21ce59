"""Reading input tables so that every problem is reported by file, row and column.

CSV files are read as text (nothing guessed, blank cells kept as ``""``) and validated with a
pandera schema before any type conversion. Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from scrutiny.exceptions import InputValidationError

HEADER_ROWS = 1


def sheet_row(index: int) -> int:
    """Return the 1-based spreadsheet row of a 0-based data-frame index (header is row 1)."""
    return int(index) + HEADER_ROWS + 1


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV as strings, refusing bad encodings, empty files and ragged rows.

    Parameters
    ----------
    path : pathlib.Path
        UTF-8 file; a byte-order mark is accepted.

    Returns
    -------
    pandas.DataFrame
        Every cell as ``str``; blank cells are ``""``.
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
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if row and len(row) != len(header):
            raise InputValidationError(
                f"has {len(row)} cells but the header has {len(header)}",
                file=path.name, row=number,
                hint="the file may be truncated or a value may contain an unquoted comma",
            )
    if text and not text.endswith(("\n", "\r")) and rows[-1] and _looks_truncated(rows[-1]):
        raise InputValidationError("the last row ends mid-value", file=path.name, row=len(rows),
                                   hint="the file looks truncated; export it again")
    body = [r for r in rows[1:] if r]
    return pd.DataFrame(body, columns=header, dtype=str)


def _looks_truncated(row: list[str]) -> bool:
    return row[-1].count('"') % 2 == 1


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
    bad = numbers.isna() & ((text != "") | (not blank_ok))
    if bad.any():
        index = bad.idxmax()
        raise InputValidationError(f"{frame.at[index, column]!r} is not a number", file=file,
                                   row=sheet_row(index), column=column)
    return numbers


def fail_at(frame: pd.DataFrame, mask: pd.Series, file: str, column: str, message: str,
            hint: str | None = None) -> None:
    """Raise for the first row where ``mask`` holds; do nothing when none does."""
    if mask.any():
        index = mask.idxmax()
        position = frame.index.get_loc(index)
        raise InputValidationError(message.format(**frame.iloc[position].to_dict()), file=file,
                                   row=sheet_row(position), column=column, hint=hint)
