import pandas as pd
import pytest

from scrutiny.core.months import parse_month
from scrutiny.exceptions import MonthFormatError


@pytest.mark.parametrize(
    "label, expected",
    [
        ("2016-06", "2016-06"),
        ("Jul-15", "2015-07"),
        ("July-15", "2015-07"),
        ("Sept-15", "2015-09"),
        ("May 16", "2016-05"),
        ("Mar- 16", "2016-03"),
        ("Jun - 16", "2016-06"),
        ("Jun -16", "2016-06"),
        ("May - 16", "2016-05"),
        ("June 2016", "2016-06"),
    ],
)
def test_seed_month_headers_parse(label, expected):
    assert parse_month(label) == pd.Period(expected, freq="M")


@pytest.mark.parametrize("label", ["2016-13", "Foo-16", "16", "", "Junk 2016", "Jux-16"])
def test_unreadable_months_are_refused_with_a_hint(label):
    with pytest.raises(MonthFormatError, match="YYYY-MM"):
        parse_month(label)
