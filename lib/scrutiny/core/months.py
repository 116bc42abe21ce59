"""Reading month labels as messy as a scanned council report ("Jul-15", "Sept-15", "Jun - 16")."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from scrutiny.exceptions import MonthFormatError

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
#: Years a contract month may fall in: a label outside them is a typing slip (0000-01, 2106-07).
FIRST_YEAR, LAST_YEAR = 1900, 2099
#: A calendar month written ``YYYY-MM`` (01-12): the one pattern every schema and model uses.
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_WORDY = re.compile(r"^\s*([A-Za-z]{3,9})\.?\s*[-/ ]?\s*(\d{2}|\d{4})\s*$")


def parse_month(label: object) -> pd.Period:
    """Return the calendar month a label names.

    Parameters
    ----------
    label : str or pandas.Period or datetime-like
        ``YYYY-MM`` or a seed-style header: ``Jul-15``, ``July-15``, ``Sept-15``, ``May 16``,
        ``Mar- 16``, ``Jun - 16``, ``June 2016``.

    Returns
    -------
    pandas.Period
        Monthly period.

    Raises
    ------
    MonthFormatError
        If the label names no month.
    """
    if label is pd.NaT:  # "no date": a datetime-like without a year, so refuse it here
        raise MonthFormatError(_bad(label))
    if isinstance(label, pd.Period):
        return label.asfreq("M")
    if isinstance(label, (pd.Timestamp,)) or hasattr(label, "year") and hasattr(label, "month"):
        return pd.Period(year=label.year, month=label.month, freq="M")
    text = str(label).replace("\u2013", "-").replace("\u2014", "-")
    if m := _ISO.match(text):
        year, month = int(m.group(1)), int(m.group(2))
    elif (m := _WORDY.match(text)) and m.group(1)[:3].lower() in _MONTHS:
        name = m.group(1).lower()
        if not _is_month_name(name):
            raise MonthFormatError(_bad(label))
        month = _MONTHS[name[:3]]
        year = int(m.group(2))
        year += 2000 if year < 100 else 0
    else:
        raise MonthFormatError(_bad(label))
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        raise MonthFormatError(_bad(label))
    return pd.Period(year=year, month=month, freq="M")


def _is_month_name(name: str) -> bool:
    full = ["january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december"]
    return any(f.startswith(name) for f in full) or name == "sept"


def _bad(label: object) -> str:
    return f"cannot read {label!r} as a month; write it as YYYY-MM (e.g. 2016-06) or Jun-16"


def month_label(period: pd.Period) -> str:
    """Return ``YYYY-MM`` for a monthly period, the form every CSV output uses."""
    return period.strftime("%Y-%m")


def month_name(period: pd.Period) -> str:
    """Return the month as a committee would write it, e.g. ``June 2016``."""
    return period.strftime("%B %Y")


def month_ordinals(month: pd.Series) -> np.ndarray:
    """Return months as consecutive integers (``Period[M]`` ordinals or ints as given)."""
    if isinstance(month.dtype, pd.PeriodDtype):
        return month.array.asi8
    return month.to_numpy(dtype="int64")
