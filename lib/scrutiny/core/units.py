"""The units a KPI schedule measures in: which values each allows, and how a value is shown.

A KPI's ``unit`` (``kpis.csv``) is one of :data:`UNITS`; an optional free-text ``unit_label``
is shown beside its values ("per 100,000 collections", "out of 10", "working days").

Which numbers each unit allows (results in a return, and TSL/MSL in the schedule):

==========  =================================  =========================================
unit        allowed                            shown as (:func:`format_value`)
==========  =================================  =========================================
percent     0 to 100                           ``97.5%`` (label after: ``97.5% of calls``)
count       a whole number, 0 or more          ``3`` (label after: ``3 complaints``)
rate        0 or more, finite                  ``12.3 per 1,000`` (label), else ``12.3``
days        0 or more, finite                  ``4.5 days``, ``1 day`` (label replaces word)
hours       0 or more, finite                  ``4.5 hours``, ``1 hour``
minutes     0 or more, finite                  ``3 minutes``, ``1 minute``
gbp         0 or more, finite                  ``GBP 1,200``, ``GBP 1,200.50``
score       0 or more, finite                  ``8.2 out of 10`` (label), else ``8.2``
==========  =================================  =========================================

Numbers are shown with thousands separators and at most two decimals, trailing zeros dropped
(``_number``), as the period report always has; money keeps two decimals when it has pence. A
percentage and a count without a label show exactly as before units were added ("97.5%", "3"),
so reports of contracts in those units are unchanged. CSV and Excel exports keep raw numbers
(a spreadsheet can sum them) beside the KPI's ``unit`` and ``unit_label`` columns.
"""

from __future__ import annotations

import math

import numpy as np

#: Every unit a schedule may use, in the order documented.
UNITS = ("percent", "count", "rate", "days", "hours", "minutes", "gbp", "score")
#: Units whose value is followed by a word (singular, plural) when no label is given.
_WORDS = {"days": ("day", "days"), "hours": ("hour", "hours"), "minutes": ("minute", "minutes")}
#: Longest unit label accepted (characters): it is printed beside every value.
MAX_LABEL = 40


def value_problem(value: float, unit: str) -> str | None:
    """Why ``value`` cannot be a result (or threshold) in ``unit``; ``None`` when it can.

    Parameters
    ----------
    value : float
        The number as read.
    unit : str
        One of :data:`UNITS`.

    Returns
    -------
    str or None
        A short phrase for an error message, e.g. ``"is a percentage outside 0-100"``.

    Examples
    --------
    >>> value_problem(140, "percent"), value_problem(-2, "days"), value_problem(2.5, "count")
    ('is a percentage outside 0-100', 'is negative (days cannot be)', 'is not a whole number')
    >>> value_problem(4.5, "days") is None
    True
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if not math.isfinite(value):
        return "is not a finite number"
    if unit == "percent":
        return None if 0 <= value <= 100 else "is a percentage outside 0-100"
    if value < 0:
        return "is a negative count" if unit == "count" else f"is negative ({unit} cannot be)"
    if unit == "count" and not float(value).is_integer():
        return "is not a whole number"
    return None


def unit_problems(values: np.ndarray, units: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """:func:`value_problem` for whole columns: ``(mask, phrase)`` per rule, in report order.

    NaN values break no rule (they are status words or blanks, checked elsewhere).
    """
    values = np.asarray(values, dtype="float64")
    units = np.asarray(units, dtype=object)
    percent, count = units == "percent", units == "count"
    with np.errstate(invalid="ignore"):
        whole = np.isnan(values) | (np.mod(values, 1) == 0)
        return [
            (percent & ((values < 0) | (values > 100)), "is a percentage outside 0-100"),
            (count & (values < 0), "is a negative count"),
            (~percent & ~count & (values < 0), "is negative (a result in this unit cannot be)"),
            (count & ~whole, "is not a whole number (a count)"),
        ]


def number_text(value: float) -> str:
    """A number as the reports print it: ``1,234.5``; two decimals at most, no trailing zeros."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def with_unit(number: str, unit: str, label: str = "", *, singular: bool = False) -> str:
    """Put an already formatted ``number`` beside its unit (see the module's table).

    Parameters
    ----------
    number : str
        The number as text, e.g. ``"4.5"``.
    unit : str
        One of :data:`UNITS`.
    label : str
        The schedule's ``unit_label``; blank for none.
    singular : bool
        The number is exactly 1: ``1 day`` rather than ``1 days``.
    """
    label = (label or "").strip()
    if unit == "percent":
        text = f"{number}%"
    elif unit == "gbp":
        text = f"GBP {number}"
    elif unit in _WORDS and not label:
        return f"{number} {_WORDS[unit][0 if singular else 1]}"
    else:
        text = number
    return f"{text} {label}" if label else text


def axis_label(unit: str, label: str = "") -> str:
    """A chart's value-axis title: ``per cent``, ``count``, ``days``, ``GBP``, or the label.

    Examples
    --------
    >>> axis_label("percent"), axis_label("count"), axis_label("rate", "per 1,000")
    ('per cent', 'count', 'per 1,000')
    """
    if unit == "percent":
        return "per cent"
    if (label or "").strip():
        return label.strip()
    return {"gbp": "GBP"}.get(unit, unit)


def format_value(value: float, unit: str, label: str = "") -> str:
    """Show a result with its unit: ``97.5%``, ``4.5 days``, ``GBP 1,200``, ``12.3 per 1,000``.

    Examples
    --------
    >>> format_value(97.5, "percent"), format_value(3, "count"), format_value(4.5, "days")
    ('97.5%', '3', '4.5 days')
    >>> format_value(1200, "gbp"), format_value(1200.5, "gbp"), format_value(1, "hours")
    ('GBP 1,200', 'GBP 1,200.50', '1 hour')
    >>> format_value(12.3, "rate", "per 1,000"), format_value(8.2, "score", "out of 10")
    ('12.3 per 1,000', '8.2 out of 10')
    >>> format_value(97.995, "percent")  # as the supplier sent it; the comparison may round
    '97.995%'
    """
    if unit == "gbp" and not float(value).is_integer():
        number = f"{value:,.2f}"
    else:
        number = number_text(value)
    if float(number.replace(",", "")) != value and round(value, 6) == value:
        # Sent with more decimals: shown as sent (97.995, never the 98 it is compared as).
        number = f"{value:,.6f}".rstrip("0").rstrip(".")
    return with_unit(number, unit, label, singular=number == "1")
