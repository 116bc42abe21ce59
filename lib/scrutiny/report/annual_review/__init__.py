"""The year-end review: one contract year for the committee, with its UK9 notice beside it.

``notebooks/annual_review.ipynb`` opens the review with
:func:`~scrutiny.report.registry.open_report` and displays one section per cell; each section
function takes the :class:`AnnualReview` and returns :class:`~scrutiny.report.html.Html`.
Every figure comes from the contract handle, as the command line reads it: ratings from
:meth:`~scrutiny.insight.contract_handle.ContractHandle.ratings` (``scrutiny ratings``), points
and credits from :meth:`~scrutiny.insight.contract_handle.ContractHandle.abatement`
(``scrutiny abatement``), over the months of the contract year that are scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from scrutiny.insight.contract_year import ContractYear, year_of_contract
from scrutiny.report.annual_review.params import AnnualReviewParams
from scrutiny.report.opened import ContractReport


@dataclass(frozen=True)
class AnnualReview(ContractReport[AnnualReviewParams]):
    """What a year-end review's sections read: the contract handle and the contract year.

    The handle is checked to hold results in the year (:class:`AnnualReviewParams`).
    """

    @cached_property
    def year(self) -> ContractYear:
        """The contract year and the months of it that are scored."""
        return year_of_contract(self.handle.contract, self.params.year)

    @cached_property
    def previous(self) -> ContractYear | None:
        """The year before, when the contract holds any month of it; else None."""
        from scrutiny.exceptions import NoDataForPeriodError

        try:
            return year_of_contract(self.handle.contract, self.params.year - 1)
        except NoDataForPeriodError:
            return None

    @cached_property
    def ratings(self) -> pd.DataFrame:
        """Procurement Act rating of each KPI over the months held in the year."""
        return self.handle.ratings(self.year.first_held, self.year.last_held)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """The year's KPI-months as scored (lower-case RAG codes)."""
        scored = self.handle.scored
        return scored[scored["month"].between(self.year.first_held, self.year.last_held)]

    @cached_property
    def credits(self) -> pd.DataFrame | None:
        """The year's points and credits per month, all services (None without terms)."""
        if not self.handle.has_terms:
            return None
        return self.handle.abatement(self.year.first_held, self.year.last_held, by="month")
