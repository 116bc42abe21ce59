"""Contract years: which twelve months ``--year 2015`` means, and how a year is named.

A contract year ends in the contract's year-end month (``contract.yaml`` ``year_end_month``,
default the month before service commencement's month). A year is named by the calendar year it
**starts** in: with a March year end, year 2015 is April 2015 to March 2016 (shown "2015-16");
with a December year end, year 2025 is January to December 2025 (shown "2025"). Naming by the
start is the one reading that stays the same for every year-end month, and it is how councils
say "2015-16".
"""

from __future__ import annotations

import pandas as pd

from scrutiny.exceptions import ParameterError

#: Years a contract year may be named by (a guard against typing a month or a two-digit year).
FIRST_YEAR, LAST_YEAR = 1990, 2100


def contract_year(year: int, year_end_month: int) -> tuple[pd.Period, pd.Period]:
    """The first and last month of the contract year that starts in calendar ``year``.

    Parameters
    ----------
    year : int
        Calendar year the contract year starts in, e.g. 2015 for April 2015 to March 2016.
    year_end_month : int
        Last month of every contract year, 1 (January) to 12 (December).

    Returns
    -------
    tuple of pandas.Period
        First and last month (inclusive), twelve months apart.

    Raises
    ------
    ParameterError
        A year outside 1990-2100 or a year-end month outside 1-12.
    """
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ParameterError(f"year {year}: give the calendar year the contract year starts "
                             f"in, {FIRST_YEAR} to {LAST_YEAR} (e.g. 2015 for 2015-16)")
    if not 1 <= int(year_end_month) <= 12:
        raise ParameterError(f"year_end_month {year_end_month}: give a month number, 1 to 12")
    first_month = year_end_month % 12 + 1
    start = pd.Period(year=int(year), month=first_month, freq="M")
    return start, start + 11


def year_label(year: int, year_end_month: int) -> str:
    """How a contract year is named: ``"2015-16"`` across two calendar years, else ``"2025"``."""
    start, end = contract_year(year, year_end_month)
    if start.year == end.year:
        return str(start.year)
    return f"{start.year}-{end.year % 100:02d}"


def year_of(month: pd.Period, year_end_month: int) -> int:
    """The contract year (named by its starting calendar year) that ``month`` falls in."""
    return month.year if month.month > year_end_month or year_end_month == 12 else month.year - 1
