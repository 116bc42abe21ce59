"""The parameters of a KPI card (``report: kpi_card``).

One field per key of its parameters file, each checked before any notebook starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, StrictInt

from scrutiny.exceptions import NoDataForPeriodError, ParameterError
from scrutiny.report.params import ReportParams, SafeName

if TYPE_CHECKING:
    from scrutiny.insight.contract_handle import ContractHandle


class KpiCardParams(ReportParams):
    """One KPI of a KPI contract on one page, for one month (``notebooks/kpi_card.ipynb``).

    Outputs go to ``<contract>/<kpi>/<period>/`` so the cards of one month never overwrite each
    other.
    """

    subject: ClassVar[tuple[str, ...]] = ("contract", "kpi")
    examples: ClassVar[dict[str, str]] = {"contract": "lincolnshire-css", "kpi": "CSC_KPI_04",
                                          "period": "2016-06"}

    report: Literal["kpi_card"]
    contract: SafeName = Field(description="data folder under data/")
    kpi: SafeName = Field(description="the KPI's code, e.g. CSC_KPI_04")
    history_months: StrictInt = Field(
        12, ge=1, le=36, description="months in the recent history table, ending with the period")

    @property
    def target(self) -> str:
        return f"{self.contract}/{self.kpi}"

    def load_subject(self) -> ContractHandle:
        """The contract's handle, checked to hold a result for the KPI in the period."""
        from scrutiny.insight.contract_handle import open_contract

        handle = open_contract(self.contract)
        scored = handle.scored
        rows = scored[scored["kpi_id"] == self.kpi]
        if rows.empty:
            known = ", ".join(scored["kpi_id"].drop_duplicates())
            raise ParameterError(f"key 'kpi': contract {self.contract} has no results for KPI "
                                 f"{self.kpi!r}; its KPIs are {known}")
        if not (rows["month"] == self.month).any():
            held = rows["month"]
            raise NoDataForPeriodError(
                f"key 'period': KPI {self.kpi} of {self.contract} has no result for "
                f"{self.period}; it has {held.min().strftime('%Y-%m')} to "
                f"{held.max().strftime('%Y-%m')}")
        return handle
