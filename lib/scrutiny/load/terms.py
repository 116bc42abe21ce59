"""Reading a contract's abatement terms: ``terms.yaml`` and its points file.

Layout, beside the contract's other files in ``data/<contract>/``::

    terms.yaml                 parameters (pydantic-validated), which of them are illustrative
    abatement_points.csv       points per KPI with effective dates (pandera-validated)

Each file is validated by its own schema here; ``scrutiny.abate.terms`` checks the two against
the contract's KPIs (every KPI-month has one allocation, the stated totals hold) before use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scrutiny.config import NAME_PATTERN
from scrutiny.core.months import MONTH_PATTERN
from scrutiny.exceptions import InputValidationError
from scrutiny.load import schemas
from scrutiny.load.contract import Contract
from scrutiny.load.folder import POINTS_FILE, TERMS_FILE
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml

MonthText = Annotated[str, Field(pattern=MONTH_PATTERN)]


class PointsTotal(BaseModel):
    """Total points in force over a range of months (``to_month`` blank: still in force)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    from_month: MonthText
    to_month: MonthText | None = None
    points: float = Field(gt=0)


class ServiceVolume(BaseModel):
    """A service's monthly financial volume in GBP over its life in the contract."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    monthly_volume_gbp: float = Field(ge=0)
    effective_from: MonthText
    effective_to: MonthText | None = None


class TermsFile(BaseModel):
    """What ``terms.yaml`` holds."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    contract: str
    illustrative: bool
    illustrative_note: str = ""
    illustrative_terms: list[str] = Field(default_factory=list)
    source: str
    points_file: str = Field(POINTS_FILE, pattern=NAME_PATTERN)
    amber_fraction: float = Field(ge=0, le=1)
    multipliers: list[float] = Field(min_length=1)
    blue_breaks_run: bool
    point_value_gbp: float = Field(ge=0)
    cap_fraction: float = Field(ge=0, le=1)
    total_points: list[PointsTotal] = Field(default_factory=list)
    services: dict[str, ServiceVolume]

    @field_validator("multipliers")
    @classmethod
    def _non_decreasing(cls, values: list[float]) -> list[float]:
        if any(v < 1 for v in values) or values != sorted(values):
            raise ValueError("multipliers must be at least 1.0 and never fall (e.g. 1.0, 1.5, 2.0)")
        return values


def has_terms(contract: Contract) -> bool:
    """True when the contract records abatement terms (``terms.yaml``); many contracts have none."""
    return (contract.folder / TERMS_FILE).exists()


def read_terms(contract: Contract) -> tuple[TermsFile, pd.DataFrame]:
    """Read and validate ``terms.yaml`` and the points file it names.

    Returns
    -------
    tuple of (TermsFile, pandas.DataFrame)
        The parameters, and the allocation from :func:`load_allocation`.

    Raises
    ------
    InputValidationError
        For a missing file or a value that breaks its schema, naming file, row and column, or
        services that differ from ``contract.yaml``.
    """
    path = contract.folder / TERMS_FILE
    params = load_yaml(path, TermsFile, hint=f"add {TERMS_FILE} to data/{contract.name}/ "
                                             "(see data/lincolnshire-css/terms.yaml)")
    unknown = sorted(set(params.services) ^ set(contract.info.services))
    if unknown:
        raise InputValidationError(
            f"services {', '.join(unknown)} differ from contract.yaml", file=path.name,
            column="services", hint="give every service of contract.yaml a monthly volume")
    return params, load_allocation(contract.folder / params.points_file, contract.kpis)


def load_allocation(path: Path, kpis: pd.DataFrame) -> pd.DataFrame:
    """Read the points per KPI with their effective dates."""
    text = validate(read_csv_text(path), schemas.ABATEMENT_POINTS, path.name)
    fail_at(text, ~text["kpi_id"].isin(kpis["kpi_id"]), path.name, "kpi_id",
            "unknown KPI code {kpi_id!r}", hint="add it to kpis.csv or correct the code")
    allocation = text.assign(
        points=to_number(text, "points", path.name),
        effective_from=pd.PeriodIndex(text["effective_from"], freq="M"),
        effective_to=pd.PeriodIndex(text["effective_to"].replace("", None), freq="M"),
    )
    fail_at(allocation, allocation["points"] <= 0, path.name, "points",
            "{kpi_id}: points must be above zero")
    fail_at(allocation, allocation["effective_to"] < allocation["effective_from"], path.name,
            "effective_to", "{kpi_id}: the allocation ends before it starts")
    return allocation
