"""pandera schemas and YAML models for the project portfolios, shared services, action plans and
partnership statements, checked on the text as written in the file.

Vocabularies (RAG words, date words, metric codes, quarters) live in each dataset's own files,
so the checks that depend on them are made by the loaders with ``tables.fail_at``; the schemas
below check only what is true of every dataset of the kind.
"""

from __future__ import annotations

from pathlib import Path

import pandera.pandas as pa
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from scrutiny.exceptions import InputValidationError
from scrutiny.schemas import COUNT, MONTH, NUMBER, _nonblank, _text

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
ISO_MONTH = r"^\d{4}-\d{2}$"
#: A project's reference, e.g. IMT-117 or IMT-381-1808.
PROJECT_ID = r"^$|^[A-Z]+-\d+(-\d+)?$"
SNAKE = r"^[a-z][a-z0-9_]*$"
QUARTER = r"^Q\d$"
FINANCIAL_QUARTER = r"^\d{4}/\d{2} Q[1-4]$"


def _number_or_blank() -> pa.Check:
    return pa.Check.str_matches(r"^$|" + NUMBER[1:], error="must be a number or blank")


RAG_KEY = pa.DataFrameSchema(
    {
        "word": _text(_nonblank(), unique=True),
        "rag": _text(pa.Check.isin(["green", "amber", "red", "blue", "grey", "none"])),
        "meaning": _text(_nonblank()),
    },
    strict=True,
    name="rag_key",
)

PROJECTS = pa.DataFrameSchema(
    {
        "snapshot": _text(pa.Check.str_matches(MONTH)),
        "project_id": _text(pa.Check.str_matches(PROJECT_ID)),
        "name": _text(_nonblank()),
        **{c: _text() for c in ("area", "sponsor", "manager", "stage", "status")},
        "rag": _text(_nonblank()),
        **{c: _text() for c in ("rag_commentary", "path_to_green", "impact")},
        "start_date": _text(),
        "forecast_closure": _text(),
        **{c: _text() for c in ("expected_next_period", "commentary", "notes")},
    },
    strict=True,
    unique=["snapshot", "name"],
    name="projects",
)

PROJECT_MILESTONES = pa.DataFrameSchema(
    {
        "snapshot": _text(pa.Check.str_matches(MONTH)),
        "name": _text(_nonblank()),
        "milestone": _text(),
        "baseline": _text(),
        "forecast": _text(),
    },
    strict=True,
    name="milestones",
)

PUBLISHED_PROJECT_COUNTS = pa.DataFrameSchema(
    {
        "snapshot": _text(pa.Check.str_matches(MONTH), unique=True),
        "source": _text(_nonblank()),
        **{c: _text(pa.Check.str_matches(COUNT)) for c in ("red", "amber", "green")},
    },
    strict=True,
    name="published_counts",
)

PORTFOLIO_CHANGES = pa.DataFrameSchema(
    {
        "snapshot": _text(pa.Check.str_matches(MONTH)),
        "change": _text(pa.Check.isin(["closed", "added"])),
        "project_id": _text(pa.Check.str_matches(PROJECT_ID)),
        "name": _text(_nonblank()),
        "details": _text(_nonblank()),
    },
    strict=True,
    name="portfolio_changes",
)

MILESTONE_KPI = pa.DataFrameSchema(
    {
        "kpi_id": _text(_nonblank()),
        "reporting_month": _text(pa.Check.str_matches(MONTH), unique=True),
        "actual_month": _text(pa.Check.str_matches(MONTH)),
        "value": _text(pa.Check.str_matches(NUMBER)),
    },
    strict=True,
    name="milestone_kpi",
)

SERVICE_METRICS = pa.DataFrameSchema(
    {
        "metric": _text(pa.Check.str_matches(SNAKE), unique=True),
        "label": _text(_nonblank()),
        "unit": _text(pa.Check.isin(["count", "percent", "ratio", "score"])),
        "direction": _text(pa.Check.isin(["higher", "lower", "neutral"])),
        "decimals": _text(pa.Check.str_matches(COUNT)),
        "per_employee_of": _text(pa.Check.str_matches(r"^$|" + SNAKE[1:])),
    },
    strict=True,
    name="metrics",
)

SERVICE_PERFORMANCE = pa.DataFrameSchema(
    {
        "council": _text(_nonblank()),
        "month": _text(pa.Check.str_matches(MONTH)),
        "metric": _text(pa.Check.str_matches(SNAKE)),
        "value": _text(pa.Check.str_matches(NUMBER)),
    },
    strict=True,
    unique=["council", "month", "metric"],
    name="performance",
)

RISKS = pa.DataFrameSchema(
    {
        "risk_id": _text(_nonblank(), unique=True),
        "risk": _text(_nonblank()),
        "consequence": _text(),
        "owner": _text(_nonblank()),
        "impact": _text(pa.Check.str_matches(COUNT)),
        "likelihood": _text(pa.Check.str_matches(COUNT)),
        "score": _text(pa.Check.str_matches(COUNT)),
        "mitigation": _text(),
        "responsible_officer": _text(),
    },
    strict=True,
    name="risks",
)

OBJECTIVES = pa.DataFrameSchema(
    {
        "objective": _text(_nonblank(), unique=True),
        "condition": _text(),
        "key_activity": _text(),
        "progress_milestones": _text(),
        "success_criteria": _text(),
        "status_feb_2018": _text(),
    },
    strict=True,
    name="objectives",
)

ACTIONS = pa.DataFrameSchema(
    {
        "row": _text(pa.Check.str_matches(COUNT), unique=True),
        "stream": _text(_nonblank()),
        "project": _text(_nonblank()),
        "lead": _text(),
        "resourcing": _text(),
        "funding_approach": _text(),
        "budget_2018_19": _text(_number_or_blank()),
        "pressure_2018_19": _text(_number_or_blank()),
    },
    strict=True,
    name="actions",
)

ACTION_MILESTONES = pa.DataFrameSchema(
    {
        "row": _text(pa.Check.str_matches(COUNT)),
        "quarter": _text(pa.Check.str_matches(QUARTER)),
        "milestone": _text(),
        "successor_lead": _text(),
        "status": _text(required=False),
    },
    strict=True,
    unique=["row", "quarter"],
    name="action_milestones",
)

STATEMENTS = pa.DataFrameSchema(
    {
        "quarter": _text(pa.Check.str_matches(FINANCIAL_QUARTER,
                                              error="must look like 2014/15 Q3")),
        "service": _text(_nonblank()),
        "topic": _text(_nonblank()),
        "statement": _text(_nonblank()),
        "source_quote": _text(_nonblank()),
    },
    strict=True,
    name="statements",
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


class PartnershipInfo(_Strict):
    """What a partnership's ``partnership.yaml`` holds."""

    partnership: str
    title: str
    council: str
    supplier: str
    services: list[str]
    financial_year_start_month: int


def load_yaml(path: Path, model: type[BaseModel]) -> BaseModel:
    """Read a YAML file into ``model``, naming the file and the key on any problem."""
    path = Path(path)
    if not path.exists():
        raise InputValidationError("file not found", file=path.name,
                                   hint=f"every dataset of this kind needs a {path.name}")
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as err:
        raise InputValidationError(f"is not valid YAML ({err.__class__.__name__})",
                                   file=path.name) from None
    except ValidationError as err:
        first = err.errors()[0]
        raise InputValidationError(first["msg"], file=path.name,
                                   column=".".join(map(str, first["loc"]))) from None
