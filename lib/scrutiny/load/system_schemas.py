"""pandera schemas and YAML models for the project portfolios, shared services, action plans and
partnership statements, checked on the text as written in the file.

Vocabularies (RAG words, date words, metric codes, quarters) live in each dataset's own files,
so the checks that depend on them are made by the loaders with ``tables.fail_at``; the schemas
below check only what is true of every dataset of the kind.
"""

from __future__ import annotations

import pandera.pandas as pa
from pydantic import BaseModel, ConfigDict

from scrutiny.core.months import MONTH_PATTERN
from scrutiny.load.schemas import COUNT, MONTH, NUMBER, nonblank, text_column

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
ISO_MONTH = MONTH_PATTERN
#: A project's reference, e.g. IMT-117 or IMT-381-1808.
PROJECT_ID = r"^$|^[A-Z]+-\d+(-\d+)?$"
SNAKE = r"^[a-z][a-z0-9_]*$"
QUARTER = r"^Q\d$"
FINANCIAL_QUARTER = r"^\d{4}/\d{2} Q[1-4]$"


def _number_or_blank() -> pa.Check:
    return pa.Check.str_matches(r"^$|" + NUMBER[1:], error="must be a number or blank")


RAG_KEY = pa.DataFrameSchema(
    {
        "word": text_column(nonblank(), unique=True),
        "rag": text_column(pa.Check.isin(["green", "amber", "red", "blue", "grey", "none"])),
        "meaning": text_column(nonblank()),
    },
    strict=True,
    name="rag_key",
)

PROJECTS = pa.DataFrameSchema(
    {
        "snapshot": text_column(pa.Check.str_matches(MONTH)),
        "project_id": text_column(pa.Check.str_matches(PROJECT_ID)),
        "name": text_column(nonblank()),
        **{c: text_column() for c in ("area", "sponsor", "manager", "stage", "status")},
        "rag": text_column(nonblank()),
        **{c: text_column() for c in ("rag_commentary", "path_to_green", "impact")},
        "start_date": text_column(),
        "forecast_closure": text_column(),
        **{c: text_column() for c in ("expected_next_period", "commentary", "notes")},
    },
    strict=True,
    unique=["snapshot", "name"],
    name="projects",
)

PROJECT_MILESTONES = pa.DataFrameSchema(
    {
        "snapshot": text_column(pa.Check.str_matches(MONTH)),
        "name": text_column(nonblank()),
        "milestone": text_column(),
        "baseline": text_column(),
        "forecast": text_column(),
    },
    strict=True,
    name="milestones",
)

PUBLISHED_PROJECT_COUNTS = pa.DataFrameSchema(
    {
        "snapshot": text_column(pa.Check.str_matches(MONTH), unique=True),
        "source": text_column(nonblank()),
        **{c: text_column(pa.Check.str_matches(COUNT)) for c in ("red", "amber", "green")},
    },
    strict=True,
    name="published_counts",
)

PORTFOLIO_CHANGES = pa.DataFrameSchema(
    {
        "snapshot": text_column(pa.Check.str_matches(MONTH)),
        "change": text_column(pa.Check.isin(["closed", "added"])),
        "project_id": text_column(pa.Check.str_matches(PROJECT_ID)),
        "name": text_column(nonblank()),
        "details": text_column(nonblank()),
    },
    strict=True,
    name="portfolio_changes",
)

MILESTONE_KPI = pa.DataFrameSchema(
    {
        "kpi_id": text_column(nonblank()),
        "reporting_month": text_column(pa.Check.str_matches(MONTH), unique=True),
        "actual_month": text_column(pa.Check.str_matches(MONTH)),
        "value": text_column(pa.Check.str_matches(NUMBER)),
    },
    strict=True,
    name="milestone_kpi",
)

SERVICE_METRICS = pa.DataFrameSchema(
    {
        "metric": text_column(pa.Check.str_matches(SNAKE), unique=True),
        "label": text_column(nonblank()),
        "unit": text_column(pa.Check.isin(["count", "percent", "ratio", "score"])),
        "direction": text_column(pa.Check.isin(["higher", "lower", "neutral"])),
        "decimals": text_column(pa.Check.str_matches(COUNT)),
        "per_employee_of": text_column(pa.Check.str_matches(r"^$|" + SNAKE[1:])),
    },
    strict=True,
    name="metrics",
)

SERVICE_PERFORMANCE = pa.DataFrameSchema(
    {
        "council": text_column(nonblank()),
        "month": text_column(pa.Check.str_matches(MONTH)),
        "metric": text_column(pa.Check.str_matches(SNAKE)),
        "value": text_column(pa.Check.str_matches(NUMBER)),
    },
    strict=True,
    unique=["council", "month", "metric"],
    name="performance",
)

RISKS = pa.DataFrameSchema(
    {
        "risk_id": text_column(nonblank(), unique=True),
        "risk": text_column(nonblank()),
        "consequence": text_column(),
        "owner": text_column(nonblank()),
        "impact": text_column(pa.Check.str_matches(COUNT)),
        "likelihood": text_column(pa.Check.str_matches(COUNT)),
        "score": text_column(pa.Check.str_matches(COUNT)),
        "mitigation": text_column(),
        "responsible_officer": text_column(),
    },
    strict=True,
    name="risks",
)

OBJECTIVES = pa.DataFrameSchema(
    {
        "objective": text_column(nonblank(), unique=True),
        "condition": text_column(),
        "key_activity": text_column(),
        "progress_milestones": text_column(),
        "success_criteria": text_column(),
        "status_feb_2018": text_column(),
    },
    strict=True,
    name="objectives",
)

ACTIONS = pa.DataFrameSchema(
    {
        "row": text_column(pa.Check.str_matches(COUNT), unique=True),
        "stream": text_column(nonblank()),
        "project": text_column(nonblank()),
        "lead": text_column(),
        "resourcing": text_column(),
        "funding_approach": text_column(),
        "budget_2018_19": text_column(_number_or_blank()),
        "pressure_2018_19": text_column(_number_or_blank()),
    },
    strict=True,
    name="actions",
)

ACTION_MILESTONES = pa.DataFrameSchema(
    {
        "row": text_column(pa.Check.str_matches(COUNT)),
        "quarter": text_column(pa.Check.str_matches(QUARTER)),
        "milestone": text_column(),
        "successor_lead": text_column(),
        "status": text_column(required=False),
    },
    strict=True,
    unique=["row", "quarter"],
    name="action_milestones",
)

STATEMENTS = pa.DataFrameSchema(
    {
        "quarter": text_column(pa.Check.str_matches(FINANCIAL_QUARTER,
                                              error="must look like 2014/15 Q3")),
        "service": text_column(nonblank()),
        "topic": text_column(nonblank()),
        "statement": text_column(nonblank()),
        "source_quote": text_column(nonblank()),
    },
    strict=True,
    name="statements",
)

FIGURES = pa.DataFrameSchema(
    {
        "quarter": text_column(pa.Check.str_matches(FINANCIAL_QUARTER,
                                              error="must look like 2014/15 Q3")),
        "service": text_column(nonblank()),
        "topic": text_column(nonblank()),
        "measure": text_column(nonblank()),
        "value": text_column(pa.Check.str_matches(NUMBER, error="must be a number")),
        "unit": text_column(pa.Check.isin(["count", "percent"])),
        "as_written": text_column(nonblank()),
        "source_quote": text_column(nonblank()),
    },
    strict=True,
    unique=["quarter", "service", "measure"],
    name="figures",
)

TARGETS = pa.DataFrameSchema(
    {
        "quarter": text_column(pa.Check.str_matches(FINANCIAL_QUARTER,
                                              error="must look like 2014/15 Q3")),
        "service": text_column(nonblank()),
        "all_met": text_column(pa.Check.isin(["yes", "no"])),
        "scope": text_column(nonblank()),
        "source_quote": text_column(nonblank()),
    },
    strict=True,
    unique=["quarter", "service"],
    name="targets",
)

CONTRACT_CHANGES = pa.DataFrameSchema(
    {
        "change": text_column(nonblank(), unique=True),
        "title": text_column(nonblank()),
        "what_it_does": text_column(nonblank()),
        "stated_cost": text_column(nonblank()),
        "cost_source": text_column(),
        "progress": text_column(),
        "plan_rows": text_column(pa.Check.str_matches(r"^$|^\d+(;\d+)*$",
                                                error="must be sheet rows like 13 or 15;16")),
    },
    strict=True,
    name="contract_changes",
)

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SnapshotInfo(_Strict):
    """One reporting snapshot of a portfolio."""

    source: str
    next_period: str | None = None


class MilestoneKpiInfo(_Strict):
    """Thresholds of the supplier KPI that measures milestones achieved."""

    kpi_id: str
    tsl: float
    msl: float


class PortfolioInfo(_Strict):
    """What a portfolio's ``portfolio.yaml`` holds."""

    portfolio: str
    title: str
    council: str
    supplier: str
    date_words: dict[str, str]
    snapshots: dict[str, SnapshotInfo]
    milestone_kpi: MilestoneKpiInfo | None = None


class RiskScale(_Strict):
    """Lowest and highest value of impact and likelihood."""

    minimum: int
    maximum: int


class SharedServiceInfo(_Strict):
    """What a shared service's ``service.yaml`` holds."""

    service: str
    title: str
    host: str
    councils: list[str]
    source: str
    calls_components: list[str] = []
    risk_scale: RiskScale


class QuarterInfo(_Strict):
    """A plan quarter: its label as published and its first and last month."""

    label: str
    start: str
    end: str


class ActionPlanInfo(_Strict):
    """What an action plan's ``plan.yaml`` holds."""

    plan: str
    title: str
    councils: list[str]
    supplier: str
    money_unit: str
    quarters: dict[str, QuarterInfo]
    published_totals: dict[str, float] = {}
    successor_lead_note: str = ""
    #: Why milestones carry no status when the source showed it in a form that was lost.
    milestone_status_note: str = ""
    source: str = ""


class PartnershipInfo(_Strict):
    """What a partnership's ``partnership.yaml`` holds."""

    partnership: str
    title: str
    council: str
    supplier: str
    services: list[str]
    financial_year_start_month: int
    source: str = ""
    #: What the source left out (e.g. an unpublished appendix), said plainly in reports.
    not_published: list[str] = []
