"""A contract's abatement terms as data: points per KPI, multipliers, point value, volumes, cap.

Layout, beside the contract's other files in ``data/<contract>/``::

    terms.yaml                 parameters (pydantic-validated), which of them are illustrative
    abatement_points.csv       points per KPI with effective dates (pandera-validated)

The terms are checked against the contract before use: every KPI in force in a month has exactly
one allocation, the allocations in force sum to the published total for that month, and every
service has a monthly volume.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scrutiny.config import NAME_PATTERN
from scrutiny.core.months import MONTH_PATTERN
from scrutiny.exceptions import InputValidationError, TermsError
from scrutiny.load import schemas
from scrutiny.load.contract import Contract
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml

TERMS_FILE = "terms.yaml"
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
    points_file: str = Field("abatement_points.csv", pattern=NAME_PATTERN)
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


#: How each term is described in reports: (label, unit or meaning).
_TERM_LABELS = {
    "allocation": "Points per KPI",
    "total_points": "Total points in force",
    "amber_fraction": "Share of a KPI's points for an Amber month",
    "red": "Share for a Red month or data not available",
    "blue": "Share for a Blue month (mitigation or glide)",
    "multipliers": "Multiplier for the 1st, 2nd, 3rd and later consecutive failing month",
    "blue_breaks_run": "A Blue month ends a run of failing months",
    "point_value_gbp": "Service credit per point (GBP)",
    "cap_fraction": "Cap on a service's credits, share of its monthly volume",
    "volumes": "Monthly financial volume per service (GBP)",
}


@dataclass(frozen=True)
class Terms:
    """Validated abatement terms of one contract.

    Attributes
    ----------
    params : TermsFile
        The parameters of ``terms.yaml``.
    allocation : pandas.DataFrame
        ``kpi_id, points, effective_from, effective_to`` (months as ``pandas.Period``, NaT open).
    """

    params: TermsFile
    allocation: pd.DataFrame

    @property
    def volumes(self) -> pd.DataFrame:
        """``service, monthly_volume_gbp, effective_from, effective_to`` (months as Period)."""
        services = self.params.services
        # Typed columns, not inferred: with no service ending, an all-NaT column would infer as
        # datetime and no longer compare with the month periods it is matched against.
        return pd.DataFrame({
            "service": list(services),
            "monthly_volume_gbp": [v.monthly_volume_gbp for v in services.values()],
            "effective_from": pd.PeriodIndex([v.effective_from for v in services.values()],
                                             freq="M"),
            "effective_to": pd.PeriodIndex([v.effective_to or None for v in services.values()],
                                           freq="M")})

    @property
    def illustrative(self) -> bool:
        """True when any term is an illustrative default rather than the contract's own."""
        return self.params.illustrative

    def replace(self, **changes) -> Terms:
        """Return a copy with some parameters changed, e.g. ``replace(blue_breaks_run=False)``."""
        params = TermsFile.model_validate({**self.params.model_dump(), **changes})
        return Terms(params, self.allocation)

    def describe(self) -> pd.DataFrame:
        """Return the terms as a table for reports: ``term, value, basis``.

        ``basis`` is ``"illustrative"`` for terms listed in ``illustrative_terms`` and
        ``"published"`` otherwise.
        """
        p = self.params
        totals = "; ".join(f"{t.points:g} from {t.from_month}"
                           + (f" to {t.to_month}" if t.to_month else "") for t in p.total_points)
        volumes = "; ".join(f"{s} {v.monthly_volume_gbp:,.0f}" for s, v in p.services.items())
        points = self.allocation["points"]
        values = {
            "allocation": f"{points.min():g}-{points.max():g} per KPI ({len(points)} allocations)",
            "total_points": totals or "not stated",
            "amber_fraction": f"{p.amber_fraction:g}",
            "red": "1 (full points)",
            "blue": "0 (no points)",
            "multipliers": ", ".join(f"{m:g}" for m in p.multipliers),
            "blue_breaks_run": "yes" if p.blue_breaks_run else "no (the month is skipped)",
            "point_value_gbp": f"{p.point_value_gbp:,.2f}",
            "cap_fraction": f"{p.cap_fraction:.0%}",
            "volumes": volumes,
        }
        basis = ["illustrative" if key in p.illustrative_terms else "published" for key in values]
        return pd.DataFrame({"term": [_TERM_LABELS[k] for k in values],
                             "value": list(values.values()), "basis": basis})


#: What a report or command says for a contract without ``terms.yaml``.
NO_TERMS = ("No service-credit terms are recorded for this contract, so no abatement is "
            "calculated.")


def has_terms(contract: Contract) -> bool:
    """True when the contract records abatement terms (``terms.yaml``); many contracts have none."""
    return (contract.folder / TERMS_FILE).exists()


def load_terms(contract: Contract) -> Terms:
    """Load and check ``terms.yaml`` and the points file of a contract.

    Raises
    ------
    InputValidationError
        For a missing file or a value that breaks its schema, naming file, row and column.
    TermsError
        When the allocation does not cover the KPIs in force or does not sum to the total.
    """
    path = contract.folder / TERMS_FILE
    params = load_yaml(path, TermsFile, hint=f"add {TERMS_FILE} to data/{contract.name}/ "
                                             "(see data/lincolnshire-css/terms.yaml)")
    unknown = sorted(set(params.services) ^ set(contract.info.services))
    if unknown:
        raise InputValidationError(
            f"services {', '.join(unknown)} differ from contract.yaml", file=path.name,
            column="services", hint="give every service of contract.yaml a monthly volume")
    allocation = load_allocation(contract.folder / params.points_file, contract.kpis)
    terms = Terms(params, allocation)
    check_allocation(terms, contract.kpis)
    return terms


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


def in_force(rows: pd.DataFrame, ranges: pd.DataFrame, key: str) -> pd.DataFrame:
    """Join each row (``key``, ``month``) to the ranged row in force that month.

    Returns
    -------
    pandas.DataFrame
        ``rows`` with the columns of ``ranges`` added; one output row per match, so a row with no
        match is absent and a row with two appears twice (callers check both).
    """
    joined = rows.reset_index().merge(ranges, on=key, how="inner")
    month = joined["month"]
    live = (month >= joined["effective_from"]) & (
        joined["effective_to"].isna() | (month <= joined["effective_to"]))
    return joined[live.to_numpy()]


def check_allocation(terms: Terms, kpis: pd.DataFrame) -> None:
    """Refuse allocations that leave a KPI-month without points or miss the stated total."""
    file = terms.params.points_file
    allocation = terms.allocation
    ends = pd.concat([kpis["effective_from"], kpis["effective_to"].dropna(),
                      allocation["effective_from"], allocation["effective_to"].dropna()])
    months = pd.period_range(ends.min(), ends.max() + 1, freq="M")
    grid = kpis[["kpi_id", "effective_from", "effective_to"]].merge(
        pd.DataFrame({"month": months}), how="cross")
    grid = grid[(grid["month"] >= grid["effective_from"])
                & (grid["effective_to"].isna() | (grid["month"] <= grid["effective_to"]))]
    grid = grid[["kpi_id", "month"]]
    matched = in_force(grid, terms.allocation, "kpi_id")
    counts = matched["index"].value_counts().reindex(grid.index, fill_value=0)
    if (counts != 1).any():
        bad = grid.loc[counts.ne(1).idxmax()]
        n = counts.loc[counts.ne(1).idxmax()]
        raise TermsError(
            f"{file}: {bad['kpi_id']} has {'no' if n == 0 else n} points allocation"
            f"{'' if n == 0 else 's'} in force in {bad['month']}; give it exactly one row "
            "whose effective dates cover every month kpis.csv has it in the contract")
    monthly = matched.groupby("month")["points"].sum()
    for total in terms.params.total_points:
        start = pd.Period(total.from_month, freq="M")
        stop = pd.Period(total.to_month, freq="M") if total.to_month else monthly.index.max()
        window = monthly[(monthly.index >= start) & (monthly.index <= stop)]
        wrong = window[(window - total.points).abs() > 1e-9]
        if not wrong.empty:
            raise TermsError(
                f"{file}: the KPIs in force in {wrong.index[0]} hold {wrong.iloc[0]:g} points, "
                f"but terms.yaml says {total.points:g}; correct the allocation or the total")


def allocation_for(scores: pd.DataFrame, terms: Terms) -> pd.Series:
    """Return the points allocation of each KPI-month of ``scores``, aligned with it.

    Raises
    ------
    TermsError
        If a KPI-month has no allocation in force.
    """
    matched = in_force(scores[["kpi_id", "month"]], terms.allocation[
        ["kpi_id", "points", "effective_from", "effective_to"]], "kpi_id")
    points = matched.set_index("index")["points"].reindex(scores.index)
    if points.isna().any():
        row = scores.loc[points.isna().idxmax()]
        raise TermsError(f"{terms.params.points_file}: no points allocation for {row['kpi_id']} "
                         f"in {row['month']}; add a row covering that month")
    return points.rename("allocation")


def volumes_for(frame: pd.DataFrame, terms: Terms) -> pd.Series:
    """Return each (``service``, ``month``) row's monthly volume in GBP, aligned with it."""
    matched = in_force(frame[["service", "month"]], terms.volumes, "service")
    volume = matched.set_index("index")["monthly_volume_gbp"].reindex(frame.index)
    if volume.isna().any():
        row = frame.loc[volume.isna().idxmax()]
        raise TermsError(f"{TERMS_FILE}: service {row['service']} has no monthly volume in "
                         f"{row['month']}; extend its effective dates under services")
    return volume.rename("monthly_volume_gbp")
