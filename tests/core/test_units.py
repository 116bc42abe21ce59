"""Units of a KPI schedule: which values each allows, and how a value is shown."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.core.units import UNITS, format_value, unit_problems, value_problem, with_unit

numbers = st.floats(allow_nan=False, allow_infinity=True)


@given(value=st.floats(allow_nan=True, allow_infinity=True), unit=st.sampled_from(UNITS))
def test_a_value_is_allowed_exactly_when_its_unit_allows_it(value, unit):
    problem = value_problem(value, unit) if not math.isnan(value) else "nan"
    allowed = math.isfinite(value) and value >= 0 and (
        value <= 100 if unit == "percent" else value == int(value) if unit == "count" else True)
    assert (problem is None) == allowed


@given(values=st.lists(numbers, min_size=1, max_size=20), data=st.data())
def test_the_column_rules_agree_with_the_one_value_rule(values, data):
    units = data.draw(st.lists(st.sampled_from(UNITS), min_size=len(values),
                               max_size=len(values)))
    finite = [v if math.isfinite(v) else np.nan for v in values]
    broken = np.zeros(len(values), dtype=bool)
    for mask, _ in unit_problems(np.array(finite), np.array(units, dtype=object)):
        broken |= mask
    for v, u, b in zip(finite, units, broken, strict=True):
        assert b == (not math.isnan(v) and value_problem(v, u) is not None)


@given(value=st.floats(0, 1e9, allow_nan=False), unit=st.sampled_from(UNITS),
       label=st.sampled_from(["", "per 1,000", "out of 10", "working days"]))
def test_a_formatted_value_carries_its_number_and_its_unit(value, unit, label):
    text = format_value(value, unit, label)
    number = re.search(r"\d[\d,]*(\.\d+)?", text).group(0)
    assert float(number.replace(",", "")) == pytest.approx(value, abs=0.005)
    if label:
        assert text.endswith(" " + label)
    marks = {"percent": "%", "gbp": "GBP ", "days": " day", "hours": " hour",
             "minutes": " minute"}
    if unit in marks and not (label and unit in ("days", "hours", "minutes")):
        assert marks[unit] in text


@given(value=st.floats(0, 1e6, allow_nan=False))
def test_percent_and_count_show_as_the_reports_always_have(value):
    """Lincolnshire's units: ``97.5%`` and ``3``, two decimals at most, no trailing zeros;
    a value sent with more decimals (up to 6) is shown as sent, never rounded to a better one."""
    old = f"{value:,.2f}".rstrip("0").rstrip(".")
    if float(old.replace(",", "")) != value and round(value, 6) == value:
        old = f"{value:,.6f}".rstrip("0").rstrip(".")
        assert float(old.replace(",", "")) == value
    assert format_value(value, "percent") == old + "%"
    assert format_value(value, "count") == old


def test_a_value_sent_with_three_decimals_is_shown_as_sent():
    assert format_value(97.995, "percent") == "97.995%"
    assert format_value(97.99, "percent") == "97.99%"


def test_examples():
    assert format_value(4.5, "days") == "4.5 days"
    assert format_value(1, "days") == "1 day"
    assert format_value(1200, "gbp") == "GBP 1,200"
    assert format_value(12.3, "rate", "per 1,000") == "12.3 per 1,000"
    assert format_value(97.5, "percent") == "97.5%"
    assert format_value(8.2, "score", "out of 10") == "8.2 out of 10"
    assert format_value(3, "minutes", "minutes to answer") == "3 minutes to answer"
    assert with_unit("95", "percent") == "95%"
    with pytest.raises(ValueError, match="unknown unit"):
        value_problem(1, "furlongs")
