"""One contract year of a contract: its twelve months and the months held in them.

The year is named by the calendar year it starts in (see :mod:`scrutiny.core.contract_year`);
the year-end month is the contract's (``contract.yaml`` ``year_end_month``). The year-end review
and ``scrutiny notice --year`` read the same :class:`ContractYear`, so the notice beside a review
covers exactly the months the review rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scrutiny.core.contract_year import contract_year, year_label
from scrutiny.core.months import month_label, month_name
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load.contract import Contract


@dataclass(frozen=True)
class ContractYear:
    """A contract year and the months of it a contract holds results for.

    Attributes
    ----------
    year : int
        Calendar year the contract year starts in.
    start, end : pandas.Period
        First and last month of the contract year (twelve months).
    held : pandas.PeriodIndex
        Months of the year scored (a return held, or overdue and so Red), ascending; may be
        fewer than twelve.
    """

    year: int
    start: pd.Period
    end: pd.Period
    held: pd.PeriodIndex

    @property
    def label(self) -> str:
        """``2015-16`` for a year across two calendar years, ``2025`` for January-December."""
        return year_label(self.year, self.end.month)

    @property
    def complete(self) -> bool:
        """True when all twelve months of the year are held."""
        return len(self.held) == 12

    @property
    def first_held(self) -> pd.Period:
        return self.held[0]

    @property
    def last_held(self) -> pd.Period:
        return self.held[-1]

    def span_text(self) -> str:
        """The year in words, e.g. ``April 2015 to March 2016``."""
        return f"{month_name(self.start)} to {month_name(self.end)}"

    def held_text(self) -> str:
        """The months held in words, e.g. ``9 of the 12 months (July 2015 to March 2016)``."""
        return (f"{len(self.held)} of the 12 months ({month_name(self.first_held)} to "
                f"{month_name(self.last_held)})")


def year_of_contract(contract: Contract, year: int) -> ContractYear:
    """The contract year starting in calendar ``year``, with the months ``contract`` holds.

    Raises
    ------
    ParameterError
        A year outside 1990-2100.
    NoDataForPeriodError
        The contract holds no results in that year (the message says which months it holds).
    """
    start, end = contract_year(year, contract.info.year_end)
    months = contract.scored_months  # an overdue return's months count: Red, no return
    held = months[(months >= start) & (months <= end)]
    if not len(held):
        span = (f"it holds {month_label(months.min())} to {month_label(months.max())}"
                if len(months) else "it holds no results yet")
        raise NoDataForPeriodError(
            f"contract {contract.name} has no results in its year {year_label(year, end.month)}"
            f" ({month_label(start)} to {month_label(end)}); {span}")
    return ContractYear(int(year), start, end, pd.PeriodIndex(held, freq="M"))


def complete_years(contract: Contract) -> list[int]:
    """The contract years (by starting calendar year) whose twelve months are all held."""
    from scrutiny.core.contract_year import year_of

    months = contract.scored_months
    years = sorted({year_of(m, contract.info.year_end) for m in months})
    return [y for y in years if year_of_contract(contract, y).complete]
