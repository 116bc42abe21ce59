"""The parameters of a year-end review (``report: annual_review``).

One field per key of its parameters file, each checked before any notebook starts::

    report: annual_review
    contract: lincolnshire-css
    year: 2015            # the contract year that starts in 2015: April 2015 to March 2016

``period`` is not a key: it is the contract year's last month, worked out from ``contract.yaml``
(``year_end_month``), and the outputs go to ``<contract>/<year label>/annual_review`` (e.g.
``lincolnshire-css/2015-16/``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

import pandas as pd
from pydantic import Field, StrictInt

from scrutiny.core.contract_year import FIRST_YEAR, LAST_YEAR, contract_year, year_label
from scrutiny.core.months import month_label
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.report.params import DerivedPeriodParams, SafeName

if TYPE_CHECKING:
    from scrutiny.insight.contract_handle import ContractHandle


def year_end_month(contract: str) -> int:
    """The last month (1-12) of ``contract``'s contract year, from its ``contract.yaml``."""
    from scrutiny.load.contract import load_contract

    return load_contract(contract).info.year_end


class AnnualReviewParams(DerivedPeriodParams):
    """The year-end review of one contract year (``notebooks/annual_review.ipynb``).

    The review covers the months held in the year; a year with fewer than twelve says so.
    """

    dataset_key: ClassVar[str] = "contract"
    period_key: ClassVar[str] = "year"
    period_words: ClassVar[tuple[str, str]] = ("a year", "the contract year's last month")
    error_key: ClassVar[str] = "contract"
    subject: ClassVar[tuple[str, ...]] = ("contract", "year")
    examples: ClassVar[dict[str, str | int]] = {"contract": "lincolnshire-css", "year": 2015}

    report: Literal["annual_review"]
    contract: SafeName = Field(description="data folder under data/")
    year: StrictInt = Field(ge=FIRST_YEAR, le=LAST_YEAR, description=(
        "the contract year, named by the calendar year it starts in (2015: Apr 2015-Mar 2016 "
        "for a March year end)"))

    @classmethod
    def usable(cls, value: object) -> bool:
        return isinstance(value, int) and FIRST_YEAR <= value <= LAST_YEAR

    @classmethod
    def period_of(cls, dataset: str, value: int) -> str:
        """The last month of contract year ``value`` of contract ``dataset``."""
        _, last = contract_year(value, year_end_month(dataset))
        return month_label(last)

    @property
    def last_month(self) -> pd.Period:
        """The contract year's last month (the review's ``period``)."""
        return self.month

    @property
    def first_month(self) -> pd.Period:
        """The contract year's first month."""
        return self.month - 11

    @property
    def label(self) -> str:
        """The year as councils name it, e.g. ``2015-16``."""
        return year_label(self.year, self.month.month)

    def output_stem(self) -> Path:
        """``<contract>/<year label>/annual_review`` relative to the outputs root."""
        return Path(self.target) / self.label / self.report

    def load_subject(self) -> ContractHandle:
        """The contract's handle, checked to hold results for some month of the year."""
        from scrutiny.insight.contract_handle import open_contract
        from scrutiny.insight.contract_year import year_of_contract

        handle = open_contract(self.contract)
        try:
            year_of_contract(handle.contract, self.year)
        except NoDataForPeriodError as err:
            raise NoDataForPeriodError(f"key 'year': {err}") from None
        return handle
