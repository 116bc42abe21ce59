"""The parameters of an action-plan report (``report: action_plan_report``).

One field per key of its parameters file, each checked before any notebook starts.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from scrutiny.report.params import QuarterReportParams, SafeName


class ActionPlanReportParams(QuarterReportParams):
    """An action plan at one of its quarters (``notebooks/action_plan_report.ipynb``)."""

    dataset_key: ClassVar[str] = "plan"
    subject: ClassVar[tuple[str, ...]] = ("plan", "quarter")
    examples: ClassVar[dict[str, str]] = {"plan": "south-vale-capita", "quarter": "Q1"}

    report: Literal["action_plan_report"]
    plan: SafeName = Field(description="action-plan data folder under data/")
    quarter: str = Field(pattern=r"^Q\d$", description="a quarter of the plan, e.g. Q1")

    @classmethod
    def period_of(cls, dataset: str, quarter: str) -> str:
        from scrutiny.systems.action_plan import quarter_last_month

        return quarter_last_month(dataset, quarter)

    def load_subject(self):
        """The action plan, checked to have the quarter."""
        from scrutiny.load.action_plan import load_action_plan
        from scrutiny.systems.action_plan import require_quarter

        plan = load_action_plan(self.plan)
        require_quarter(plan.info, self.quarter)
        return plan
