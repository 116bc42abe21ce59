"""Report parameters: one YAML file per report run, validated before any notebook starts.

A parameters file names the report (which notebook), what it is about and the period::

    report: period_report          # notebooks/period_report.ipynb
    contract: lincolnshire-css     # data/lincolnshire-css/
    period: 2016-06                # reporting month, YYYY-MM
    generated_on: 2016-07-15       # optional; else SOURCE_DATE_EPOCH; else the period's last day
    previous_months: 5             # optional report-specific knobs, with defaults

Every problem (unknown key, missing key, wrong type, a period without data) raises
:class:`~scrutiny.exceptions.ParameterError` or :class:`~scrutiny.exceptions.NoDataForPeriodError`
naming the file and the key, so a batch never starts a half-valid report.

A report about a quarter (action plans, partnerships) takes ``quarter`` instead of ``period``; its
``period`` is the quarter's last month, worked out from the dataset's YAML file, and names the
outputs folder (see :class:`QuarterReportParams`).

Adding a report: subclass :class:`ReportParams` with ``report: Literal["<name>"]``, its own fields
and :meth:`~ReportParams.check_data`, register it in :data:`REPORTS`, and add
``notebooks/<name>.ipynb`` whose ``parameters`` cell has one variable per field (see
:meth:`ReportParams.notebook_parameters`).
"""

from __future__ import annotations

import os
import re
from abc import abstractmethod
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from scrutiny.config import PROJECT_ROOT
from scrutiny.core.months import MONTH_PATTERN
from scrutiny.exceptions import NoDataForPeriodError, ParameterError, ScrutinyError

PERIOD_PATTERN = MONTH_PATTERN
Period = Annotated[str, Field(pattern=PERIOD_PATTERN, description="reporting month, YYYY-MM")]


def params_root() -> Path:
    """Return the folder holding the parameters files (``SCRUTINY_PARAMS`` overrides)."""
    return Path(os.environ.get("SCRUTINY_PARAMS", PROJECT_ROOT / "params"))


def notebooks_root() -> Path:
    """Return the folder holding the report notebooks (``SCRUTINY_NOTEBOOKS`` overrides)."""
    return Path(os.environ.get("SCRUTINY_NOTEBOOKS", PROJECT_ROOT / "notebooks"))


def display_path(path: Path) -> str:
    """Return ``path`` relative to the project (or its bare name) for messages and reports."""
    path = Path(path).absolute()
    for root in (PROJECT_ROOT, Path.cwd()):
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name


class ReportParams(BaseModel):
    """Fields every report shares. Subclasses add the report's subject and knobs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: File names of notebooks live under notebooks/; override per report when needed.
    notebook_name: ClassVar[str] = ""

    report: str
    period: Period
    generated_on: date | None = None

    @field_validator("generated_on", mode="before")
    @classmethod
    def _date_only(cls, value):
        if isinstance(value, datetime):
            raise ValueError("give a date (YYYY-MM-DD), not a date and time")
        return value

    @property
    def month(self) -> pd.Period:
        """The reporting month."""
        return pd.Period(self.period, freq="M")

    @property
    @abstractmethod
    def target(self) -> str:
        """The outputs folder this report belongs to (contract, council or portfolio name)."""

    def notebook(self) -> Path:
        """Return the notebook this report executes."""
        return notebooks_root() / f"{self.notebook_name or self.report}.ipynb"

    def output_stem(self) -> Path:
        """Return ``<target>/<period>/<report>`` relative to the outputs root (no suffix)."""
        return Path(self.target) / self.period / self.report

    @abstractmethod
    def check_data(self) -> None:
        """Raise :class:`NoDataForPeriodError` when there is nothing to report for the period."""

    def notebook_parameters(self, *, params_file: str, environ=None) -> dict[str, object]:
        """Return the values papermill injects: plain str/int, ``generated_on`` resolved."""
        values = self.model_dump(exclude={"report"})
        values["generated_on"] = resolve_generated_on(self, environ).isoformat()
        values["params_file"] = params_file
        return values


class PeriodReportParams(ReportParams):
    """One contract's KPI performance report for one month (``notebooks/period_report.ipynb``)."""

    report: Literal["period_report"]
    contract: str = Field(min_length=1, description="data folder under data/")
    previous_months: StrictInt = Field(5, ge=0, le=23,
                                       description="earlier months beside the period")
    heatmap_months: StrictInt = Field(12, ge=1, le=36,
                                      description="months in the KPI x month heatmap")
    trend_window: StrictInt = Field(6, ge=2, le=36,
                                    description="months in the trailing trend window")
    trend_min_points: StrictInt = Field(5, ge=2, le=36,
                                        description="fewest scored months to assess a trend")
    trend_horizon: StrictInt = Field(3, ge=1, le=24,
                                     description="months ahead a projected miss is flagged")
    rating_months: StrictInt = Field(12, ge=1, le=24,
                                     description="months rated for the Procurement Act 2023")

    @model_validator(mode="after")
    def _points_fit_window(self):
        if self.trend_min_points > self.trend_window:
            raise ValueError(f"trend_min_points ({self.trend_min_points}) cannot exceed "
                             f"trend_window ({self.trend_window})")
        return self

    @property
    def target(self) -> str:
        return self.contract

    def check_data(self) -> None:
        from scrutiny.load.contract import load_contract

        months = load_contract(self.contract).months
        if self.month not in months:
            raise NoDataForPeriodError(
                f"key 'period': contract {self.contract} has no KPI results for {self.period}; "
                f"it has {months.min().strftime('%Y-%m')} to {months.max().strftime('%Y-%m')}")


class CouncilReportParams(ReportParams):
    """One council of a shared ICT service, against its peers (``notebooks/council_report.ipynb``).

    Outputs go to ``<service>/<council>/<period>/`` so the councils of one service never
    overwrite each other's reports.
    """

    report: Literal["council_report"]
    service: str = Field(min_length=1, description="shared-service data folder under data/")
    council: str = Field(min_length=1, description="one council of the service, any case")

    @property
    def target(self) -> str:
        return f"{self.service}/{self.council.lower()}"

    def check_data(self) -> None:
        from scrutiny.report.council import known_council, require_month
        from scrutiny.systems.shared_ict import load_shared_service

        service = load_shared_service(self.service)
        require_month(service, known_council(service, self.council), self.month)


class PortfolioReportParams(ReportParams):
    """A project portfolio at one snapshot (``notebooks/portfolio_report.ipynb``)."""

    report: Literal["portfolio_report"]
    portfolio: str = Field(min_length=1, description="portfolio data folder under data/")

    @property
    def target(self) -> str:
        return self.portfolio

    def check_data(self) -> None:
        from scrutiny.report.portfolio import require_snapshot
        from scrutiny.systems.projects import load_portfolio

        require_snapshot(load_portfolio(self.portfolio), self.month)


class QuarterReportParams(ReportParams):
    """A report about one quarter: ``period`` (its last month) is worked out, not written.

    Subclasses name the dataset field (:attr:`dataset_key`) and how a quarter maps to its last
    month (:meth:`last_month`, which reads only the dataset's YAML file).
    """

    dataset_key: ClassVar[str] = ""

    quarter: str = Field(min_length=1, description="the quarter the report is about")

    @classmethod
    @abstractmethod
    def last_month(cls, dataset: str, quarter: str) -> str:
        """Return the quarter's last month, ``YYYY-MM``."""

    @model_validator(mode="before")
    @classmethod
    def _period_from_quarter(cls, raw):
        if not isinstance(raw, dict):
            return raw
        if "period" in raw:
            raise ValueError("key 'period': this report takes a quarter; remove 'period' "
                             "(the quarter's last month is used)")
        if not isinstance(raw.get("quarter"), str) or not isinstance(raw.get(cls.dataset_key),
                                                                      str):
            # A stand-in month, so the error reported is the missing or mistyped key itself.
            return {**raw, "period": "1970-01"}
        try:
            period = cls.last_month(raw[cls.dataset_key], raw["quarter"])
        except (ScrutinyError, ValueError) as err:
            raise ValueError(f"key 'quarter': {err}".replace("key 'quarter': key 'quarter': ",
                                                             "key 'quarter': ")) from None
        return {**raw, "period": period}

    def notebook_parameters(self, *, params_file: str, environ=None) -> dict[str, object]:
        values = super().notebook_parameters(params_file=params_file, environ=environ)
        values.pop("period")  # worked out again from the quarter by the report
        return values


class ActionPlanReportParams(QuarterReportParams):
    """An action plan at one of its quarters (``notebooks/action_plan_report.ipynb``)."""

    dataset_key: ClassVar[str] = "plan"

    report: Literal["action_plan_report"]
    plan: str = Field(min_length=1, description="action-plan data folder under data/")
    quarter: str = Field(pattern=r"^Q\d$", description="a quarter of the plan, e.g. Q1")

    @classmethod
    def last_month(cls, dataset: str, quarter: str) -> str:
        from scrutiny.systems.action_plan import quarter_last_month

        return quarter_last_month(dataset, quarter)

    @property
    def target(self) -> str:
        return self.plan

    def check_data(self) -> None:
        from scrutiny.systems.action_plan import load_action_plan

        load_action_plan(self.plan)


class PartnershipReportParams(QuarterReportParams):
    """A partnership's published statements for one quarter
    (``notebooks/partnership_report.ipynb``)."""

    dataset_key: ClassVar[str] = "partnership"

    report: Literal["partnership_report"]
    partnership: str = Field(min_length=1, description="partnership data folder under data/")
    quarter: str = Field(pattern=r"^\d{4}/\d{2} Q[1-4]$",
                         description="financial quarter, e.g. 2014/15 Q4")

    @classmethod
    def last_month(cls, dataset: str, quarter: str) -> str:
        from scrutiny.systems.partnership import quarter_last_month

        return quarter_last_month(dataset, quarter)

    @property
    def target(self) -> str:
        return self.partnership

    def check_data(self) -> None:
        from scrutiny.systems.partnership import load_partnership, require_quarter

        require_quarter(load_partnership(self.partnership), self.quarter)


#: Report name -> parameters model.
REPORTS: dict[str, type[ReportParams]] = {
    "period_report": PeriodReportParams,
    "council_report": CouncilReportParams,
    "portfolio_report": PortfolioReportParams,
    "action_plan_report": ActionPlanReportParams,
    "partnership_report": PartnershipReportParams,
}


def resolve_generated_on(params: ReportParams, environ=None) -> date:
    """Return the "Generated on" date: the parameter, else ``SOURCE_DATE_EPOCH``, else period end.

    Never today's date, so re-rendering the same inputs gives the same report.
    """
    environ = os.environ if environ is None else environ
    if params.generated_on is not None:
        return params.generated_on
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ParameterError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds")
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return params.month.end_time.date()


def load_params(path: Path, *, check_data: bool = True) -> ReportParams:
    """Read and validate one parameters file.

    Raises
    ------
    ParameterError
        File missing or unreadable, unknown report, unknown or missing key, wrong type.
    NoDataForPeriodError
        The period has no data (when ``check_data``).
    """
    path = Path(path)
    name = display_path(path)
    if not path.is_file():
        raise ParameterError(f"{name}: parameters file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ParameterError(f"{name}: not valid YAML ({_first_line(err)})") from None
    if not isinstance(raw, dict):
        raise ParameterError(f"{name}: expected 'key: value' lines, e.g. 'report: period_report'")
    report = raw.get("report")
    if report not in REPORTS:
        what = "missing key 'report'" if report is None else f"key 'report': unknown {report!r}"
        raise ParameterError(f"{name}: {what}; use one of {', '.join(sorted(REPORTS))}")
    model = REPORTS[report]
    try:
        params = model.model_validate(raw)
    except ValidationError as err:
        raise ParameterError(f"{name}: {_describe(err.errors()[0], model)}") from None
    if check_data:
        try:
            params.check_data()
        except ScrutinyError as err:
            raise type(err)(f"{name}: {err}") from None
    return params


def _describe(error: dict, model: type[ReportParams]) -> str:
    if not error["loc"]:  # a check across keys (model validator)
        return error["msg"].removeprefix("Value error, ")
    key = ".".join(map(str, error["loc"]))
    known = ", ".join(model.model_fields)
    if error["type"] == "extra_forbidden":
        return f"key '{key}': unknown parameter; {model.__name__} knows {known}"
    if error["type"] == "missing":
        return f"missing key '{key}'; {model.__name__} needs it"
    if error["type"] == "string_pattern_mismatch" and key == "period":
        return f"key 'period': {error['input']!r} is not a month; write it as YYYY-MM, e.g. 2016-06"
    return f"key '{key}': {error['msg']} (got {error.get('input')!r})"


def _first_line(err: Exception) -> str:
    return re.sub(r"\s+", " ", str(err)).strip()[:160]


def find_params(root: Path | None = None) -> list[Path]:
    """Return every parameters file (``*.yaml``/``*.yml``) under ``params/``, sorted."""
    root = params_root() if root is None else Path(root)
    return sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")])
