"""The parameters of a portfolio report (``report: portfolio_report``).

One field per key of its parameters file, each checked before any notebook starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from scrutiny.report.params import Period, ReportParams, SafeName

if TYPE_CHECKING:
    from scrutiny.systems.projects import Portfolio


class PortfolioReportParams(ReportParams):
    """A project portfolio at one snapshot (``notebooks/portfolio_report.ipynb``)."""

    subject: ClassVar[tuple[str, ...]] = ("portfolio",)
    examples: ClassVar[dict[str, str]] = {"portfolio": "lincolnshire-imt", "period": "2019-08"}

    report: Literal["portfolio_report"]
    period: Period = Field(description="the reporting snapshot, YYYY-MM")
    portfolio: SafeName = Field(description="portfolio data folder under data/")

    @property
    def target(self) -> str:
        return self.portfolio

    def load_subject(self) -> Portfolio:
        """The portfolio, checked to have project rows at the snapshot."""
        from scrutiny.load.portfolio import load_portfolio
        from scrutiny.systems.projects import require_snapshot

        portfolio = load_portfolio(self.portfolio)
        require_snapshot(portfolio, self.month)
        return portfolio
