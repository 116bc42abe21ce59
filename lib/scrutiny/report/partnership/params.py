"""The parameters of a partnership report (``report: partnership_report``).

One field per key of its parameters file, each checked before any notebook starts.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from scrutiny.report.params import QuarterReportParams, SafeName


class PartnershipReportParams(QuarterReportParams):
    """A partnership's published statements for one quarter
    (``notebooks/partnership_report.ipynb``)."""

    dataset_key: ClassVar[str] = "partnership"
    subject: ClassVar[tuple[str, ...]] = ("partnership", "quarter")
    examples: ClassVar[dict[str, str]] = {"partnership": "lancashire-bt", "quarter": "2014/15 Q4"}

    report: Literal["partnership_report"]
    partnership: SafeName = Field(description="partnership data folder under data/")
    quarter: str = Field(pattern=r"^\d{4}/\d{2} Q[1-4]$",
                         description="financial quarter, e.g. 2014/15 Q4")

    @classmethod
    def period_of(cls, dataset: str, quarter: str) -> str:
        from scrutiny.systems.partnership import quarter_last_month

        return quarter_last_month(dataset, quarter)

    def load_subject(self):
        """The partnership, checked to have statements for the quarter."""
        from scrutiny.load.partnership import load_partnership
        from scrutiny.systems.partnership import require_quarter

        partnership = load_partnership(self.partnership)
        require_quarter(partnership, self.quarter)
        return partnership
