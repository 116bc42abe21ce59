"""tables.read_csv_text and fail_at: every problem named by file and spreadsheet row."""

from __future__ import annotations

import pandas as pd
import pytest

from scrutiny.exceptions import InputValidationError
from scrutiny.load.tables import fail_at, read_csv_text


def read(tmp_path, data: bytes) -> pd.DataFrame:
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    return read_csv_text(path)


def error(tmp_path, data: bytes) -> InputValidationError:
    with pytest.raises(InputValidationError) as info:
        read(tmp_path, data)
    return info.value


def test_byte_order_mark_is_accepted(tmp_path):
    frame = read(tmp_path, b"\xef\xbb\xbfa,b\n1,2\n")
    assert list(frame.columns) == ["a", "b"] and frame.loc[0, "a"] == "1"


@pytest.mark.parametrize(("data", "row", "words"), [
    (b"a,b\n1,2\n3,\"cut sho", 3, "ends inside a quoted value"),
    (b"a,b\n1,2\n3\n", 3, "has 1 cells"),
    (b"a,b\n1,\x002\n", 2, "NUL byte"),
    (b"a,b\n1,2\n\xe9,3\n", 3, "not UTF-8"),
    (b"a,a\n1,2\n", 1, "twice"),
    (b"", None, "empty"),
])
def test_broken_csv_is_named_by_row(tmp_path, data, row, words):
    err = error(tmp_path, data)
    assert (err.file, err.row) == ("t.csv", row) and words in str(err)


def test_rows_after_a_blank_line_keep_their_spreadsheet_numbers(tmp_path):
    frame = read(tmp_path, b"kpi_id,value\nA,1\n\nB,x\n")
    with pytest.raises(InputValidationError) as info:
        fail_at(frame, frame["value"] == "x", "t.csv", "value", "{kpi_id} is bad")
    assert info.value.row == 4


def test_fail_at_uses_position_for_a_non_integer_index():
    frame = pd.DataFrame({"v": ["1", "x"]}, index=["a", "b"])
    with pytest.raises(InputValidationError) as info:
        fail_at(frame, frame["v"] == "x", "t.csv", "v", "bad {v}")
    assert info.value.row == 3
