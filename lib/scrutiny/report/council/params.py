"""The parameters of a council report (``report: council_report``).

One field per key of its parameters file, each checked before any notebook starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from scrutiny.report.params import ReportParams, SafeName

if TYPE_CHECKING:
    from scrutiny.systems.shared_ict import SharedService


class CouncilReportParams(ReportParams):
    """One council of a shared ICT service, against its peers (``notebooks/council_report.ipynb``).

    Outputs go to ``<service>/<council>/<period>/`` so the councils of one service never
    overwrite each other's reports.
    """

    subject: ClassVar[tuple[str, ...]] = ("service", "council")
    examples: ClassVar[dict[str, str]] = {"service": "brent-lewisham-southwark",
                                          "council": "brent", "period": "2018-01"}

    report: Literal["council_report"]
    service: SafeName = Field(description="shared-service data folder under data/")
    council: SafeName = Field(description="the council this report is for (any case)")

    @property
    def target(self) -> str:
        return f"{self.service}/{self.council.lower()}"

    def load_subject(self) -> tuple[SharedService, str]:
        """The shared service and the council's name as its data spell it, checked for data."""
        from scrutiny.load.shared_service import load_shared_service
        from scrutiny.systems.shared_ict import known_council, require_month

        service = load_shared_service(self.service)
        council = known_council(service, self.council)
        require_month(service, council, self.month)
        return service, council
