"""The parameters of a period report (``report: period_report``).

One field per key of its parameters file, each checked before any notebook starts.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, StrictInt, ValidationError, field_validator, model_validator

from scrutiny.abate.whatif import Scenario
from scrutiny.core.months import month_label
from scrutiny.exceptions import NoDataForPeriodError, ParameterError, TermsError
from scrutiny.report.params import ReportParams, SafeName

if TYPE_CHECKING:
    from scrutiny.insight.contract_handle import ContractHandle


class PeriodReportParams(ReportParams):
    """One contract's KPI performance report for one month (``notebooks/period_report.ipynb``)."""

    subject: ClassVar[tuple[str, ...]] = ("contract",)
    examples: ClassVar[dict[str, str]] = {"contract": "lincolnshire-css", "period": "2016-06"}

    report: Literal["period_report"]
    contract: SafeName = Field(description="data folder under data/")
    previous_months: StrictInt = Field(
        5, ge=0, le=23, description="earlier months shown beside the period in the summary tables")
    heatmap_months: StrictInt = Field(
        12, ge=1, le=36, description="months in the KPI x month heatmap, ending with the period")
    trend_window: StrictInt = Field(
        6, ge=2, le=36, description="months in the trailing trend window, ending with the period")
    trend_min_points: StrictInt = Field(
        5, ge=2, le=36, description="fewest scored months in the window to assess a KPI's trend")
    trend_horizon: StrictInt = Field(
        3, ge=1, le=24, description="months ahead within which a projected miss of TSL/MSL is "
                                    "flagged")
    rating_months: StrictInt = Field(
        12, ge=1, le=24, description="months rated for the Procurement Act 2023, ending with the "
                                     "period")
    scenarios: str = Field(
        "[]", description="what-if terms as JSON: [{name, reason, set: {term: value}}]")

    @field_validator("scenarios", mode="before")
    @classmethod
    def _scenarios_json(cls, value):
        """A YAML list or its JSON text, each entry a what-if scenario, as one JSON text."""
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError("give a list of scenarios (name, reason, set)") from None
        if not isinstance(value, list):
            raise ValueError("give a list of scenarios, each with name, reason and set")
        checked = []
        for i, entry in enumerate(value):
            try:
                checked.append(Scenario.model_validate(entry).model_dump(by_alias=True))
            except ValidationError as err:
                first = err.errors()[0]
                where = ".".join(map(str, first["loc"]))
                raise ValueError(f"scenario {i + 1}: {where}: {first['msg']}") from None
        return json.dumps(checked)

    @property
    def scenario_list(self) -> list[Scenario]:
        """The what-if scenarios (see :mod:`scrutiny.abate.whatif`)."""
        return [Scenario.model_validate(s) for s in json.loads(self.scenarios)]

    @model_validator(mode="after")
    def _points_fit_window(self):
        if self.trend_min_points > self.trend_window:
            raise ValueError(f"trend_min_points ({self.trend_min_points}) cannot exceed "
                             f"trend_window ({self.trend_window})")
        return self

    @property
    def target(self) -> str:
        return self.contract

    def load_subject(self) -> ContractHandle:
        """The contract's handle, checked to score the period: a month with results, or one
        whose return is overdue (every expected KPI Red, no return received)."""
        from scrutiny.insight.contract_handle import open_contract

        handle = open_contract(self.contract)
        months = handle.contract.scored_months
        if self.month not in months:
            held = (f"it scores {month_label(months.min())} to {month_label(months.max())}"
                    if len(months)
                    else "it scores no month yet; ingest a return first")
            raise NoDataForPeriodError(
                f"key 'period': contract {self.contract} has no KPI results for {self.period} "
                f"and its return is not overdue; {held}")
        for scenario in self.scenario_list:  # refused here, before any notebook starts
            try:
                handle.plan_whatif(scenario.settings)
            except TermsError as err:
                raise ParameterError(f"key 'scenarios' ({scenario.name}): {err}") from None
        return handle
