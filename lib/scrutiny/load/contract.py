"""Loading a KPI contract's data folder: definitions, monthly returns, overrides, glides.

Every table is validated against its schema and against the other tables before anything is scored.
Layout of ``data/<contract>/``::

    contract.yaml              title, council, supplier, services
    kpis.csv                   one row per KPI: thresholds, direction, unit, effective dates
    returns.csv                one row per KPI-month in force: the union of the stored returns,
                               the later winning (optional: none yet for a new contract)
    returns/, receipts.csv     every return as received, unchanged, and the register of them
                               (written by ``scrutiny ingest`` only; see scrutiny.ingest.store)
    overrides.csv              revised thresholds for a date range, with the reason (optional;
                               a blank ``to_month`` is open-ended)
    glides.csv                 glide periods (scored Blue), with the reason (optional)
    mitigation_reasons.csv     mitigation the council agreed (scored Blue), with the reason
    decisions.csv              the council's decision log: who decided what, when (optional)
    published_summaries.csv    summary counts as published, for reconciliation (optional)
    changes.csv                every value ``scrutiny ingest --replace`` corrected (optional)
    failure_decisions.csv      the council's section 71(5) failure decisions, written by
                               ``scrutiny failure`` (optional; see scrutiny.load.failures)

Only ``contract.yaml`` and ``kpis.csv`` are required: an absent optional file means "none".
The months scored are those held plus every month whose return is overdue
(:mod:`scrutiny.load.schedule`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scrutiny.config import dataset_dir
from scrutiny.core.atomic import JOURNAL_FILE, interrupted_command
from scrutiny.core.periods import held_months
from scrutiny.core.statuses import canonical_status, known_words
from scrutiny.core.units import unit_problems
from scrutiny.exceptions import IngestError
from scrutiny.load import schemas
from scrutiny.load.failures import load_failure_decisions
from scrutiny.load.folder import (
    CHANGES_FILE,
    CONTRACT_FILE,
    CONTRACT_FILES,
    FAILURES_FILE,
    GLIDES_FILE,
    KPIS_FILE,
    OVERRIDES_FILE,
    PUBLISHED_FILE,
    REASONS_FILE,
    RETURNS_FILE,
    existing,
)
from scrutiny.load.parties import OGL, PartyDetails, Procurement
from scrutiny.load.schedule import DEFAULT_RETURN_DUE, parse_return_due, scored_months, today
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml


def quarter_ends(months: Iterable[int]) -> tuple[int, ...]:
    """Return the months quarterly KPIs are due in, in order, if they are four months (1-12)
    three apart; otherwise raise ``ValueError`` saying what to give."""
    ordered = tuple(sorted(months))
    if (len(ordered) != 4 or any(not 1 <= m <= 12 for m in ordered)
            or any(b - a != 3 for a, b in zip(ordered, ordered[1:], strict=False))):
        raise ValueError("give four months (1-12) three apart, e.g. [3, 6, 9, 12] or "
                         "[2, 5, 8, 11]")
    return ordered


class ContractInfo(BaseModel):
    """What ``contract.yaml`` holds."""

    model_config = ConfigDict(extra="forbid")
    contract: str
    title: str
    council: str
    supplier: str
    service_commencement: date
    services: dict[str, str]
    #: Last month of the contract year (1-12): annual KPIs (frequency ``A``) are due in it.
    #: Default: the month before ``service_commencement``'s month (a year starting in April
    #: ends in March).
    year_end_month: int | None = Field(default=None, ge=1, le=12)
    #: Months in which quarterly KPIs are due: four months, three apart (default Mar/Jun/Sep/Dec).
    quarter_end_months: tuple[int, int, int, int] = (3, 6, 9, 12)

    @field_validator("quarter_end_months")
    @classmethod
    def _quarters_three_apart(cls, months: tuple[int, ...]) -> tuple[int, ...]:
        return quarter_ends(months)

    @property
    def year_end(self) -> int:
        """The month (1-12) annual KPIs are due in."""
        if self.year_end_month is not None:
            return self.year_end_month
        return (self.service_commencement.month - 2) % 12 + 1

    #: Open Contracting ID of the contracting process on Find a Tender, when known (optional).
    #: This and the fields below are what a contract performance notice (UK9) needs; see
    #: :mod:`scrutiny.load.parties`.
    ocid: str = ""
    fts_contract_id: str = ""
    procurement: Procurement = Procurement()
    publication_url: str = ""
    license: str = OGL
    buyer_details: PartyDetails = PartyDetails()
    supplier_details: PartyDetails = PartyDetails()
    #: When a month's return is due: ``N working days`` or ``N days`` after the month ends.
    return_due: str = DEFAULT_RETURN_DUE
    #: First and last month scored (``YYYY-MM``); default from commencement, open-ended.
    scored_from: str | None = None
    scored_to: str | None = None

    @field_validator("return_due")
    @classmethod
    def _due(cls, value: str) -> str:
        parse_return_due(value)
        return value

    @field_validator("scored_from", "scored_to", mode="before")
    @classmethod
    def _month(cls, value: object) -> str | None:
        if value is None:
            return None
        text = str(value)
        if not re.fullmatch(schemas.MONTH, text):
            raise ValueError(f"{text!r} is not a month; write YYYY-MM, e.g. 2016-06")
        return text

    def first_scored(self) -> pd.Period:
        """``scored_from``, else the month of ``service_commencement``."""
        return pd.Period(self.scored_from or self.service_commencement, freq="M")

    def last_scored(self) -> pd.Period | None:
        """``scored_to``, or None when the contract states no end."""
        return pd.Period(self.scored_to, freq="M") if self.scored_to else None


@dataclass(frozen=True)
class Contract:
    """A validated KPI contract: every table typed, months as ``pandas.Period``."""

    info: ContractInfo
    folder: Path
    kpis: pd.DataFrame
    returns: pd.DataFrame
    overrides: pd.DataFrame
    glides: pd.DataFrame
    published: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    changes: pd.DataFrame = field(default_factory=lambda: _empty(schemas.CHANGES))
    #: The council's section 71(5) failure decisions (see :mod:`scrutiny.load.failures`).
    failures: pd.DataFrame = field(default_factory=lambda: _empty(schemas.FAILURE_DECISIONS))
    mitigations: pd.DataFrame = field(default_factory=lambda: empty_mitigations())
    #: The date the contract was scored as of (see :func:`scrutiny.load.schedule.today`).
    as_of: date = field(default_factory=date.today)

    @property
    def name(self) -> str:
        return self.info.contract

    @property
    def months(self) -> pd.PeriodIndex:
        """Months with at least one result, in order."""
        return held_months(self.returns)

    @property
    def scored_months(self) -> pd.PeriodIndex:
        """Months held plus every month whose return is overdue (see ``load.schedule``)."""
        return scored_months(self.months, start=self.info.first_scored(),
                             end=self.info.last_scored(), as_of=self.as_of,
                             return_due=self.info.return_due)

    @property
    def missing_returns(self) -> pd.PeriodIndex:
        """Scored months with no return at all: each expected KPI is Red, no return received."""
        return self.scored_months.difference(self.months)


#: Contracts already loaded inside :func:`reuse_loaded_contracts`, by data folder and date
#: scored as of; else None.
_LOADED: ContextVar[dict[tuple[Path, date], Contract] | None] = ContextVar(
    "loaded_contracts", default=None)


@contextmanager
def reuse_loaded_contracts() -> Iterator[None]:
    """Within the block, load each contract folder once and hand out that same object.

    For validating a batch: twelve parameters files of one contract would otherwise read and
    validate the same data folder twelve times. Only for short, read-only uses: files changed
    inside the block are not seen. Staged loads (``scrutiny ingest``) are never reused.
    """
    token = _LOADED.set({})
    try:
        yield
    finally:
        _LOADED.reset(token)


def load_contract(name: str, data_root: Path | None = None, *,
                  staged: Mapping[str, Path] | None = None,
                  as_of: date | None = None) -> Contract:
    """Load and validate the contract called ``name`` from ``data/<name>/``.

    Parameters
    ----------
    name : str
        Folder name under the data root, e.g. ``lincolnshire-css``.
    data_root : pathlib.Path, optional
        Folder holding the contract folders; default ``paths.data_root()`` (``SCRUTINY_DATA``).
    staged : mapping of file name to pathlib.Path, optional
        Files to read instead of the folder's own, e.g. ``{RETURNS_FILE: candidate}``: how
        ``scrutiny ingest`` validates a candidate before it replaces the real file. Errors
        name the file by its base name, so stage a candidate under the real file's name
        (in a staging folder).
    as_of : datetime.date, optional
        The date to score as of (which returns are overdue); default
        :func:`scrutiny.load.schedule.today`.
    """
    folder = dataset_dir(name, data_root)
    as_of = today(as_of)
    loaded = _LOADED.get()
    if loaded is None or staged:
        return _read_contract(folder, dict(staged or {}), as_of)
    key = (folder.resolve(), as_of)
    if key not in loaded:
        loaded[key] = _read_contract(folder, {}, as_of)
    return loaded[key]


def _read_contract(folder: Path, staged: dict[str, Path], as_of: date) -> Contract:
    check_no_interrupted_ingest(folder)

    def path(file: str) -> Path:
        return Path(staged[file]) if file in staged else folder / file

    info = load_info(folder / CONTRACT_FILE)
    kpis = load_kpis(path(KPIS_FILE), info)
    returns = load_returns(path(RETURNS_FILE), kpis)
    scored = scored_months(held_months(returns), start=info.first_scored(),
                           end=info.last_scored(), as_of=as_of, return_due=info.return_due)
    overrides = load_overrides(path(OVERRIDES_FILE), kpis, scored)
    glides = load_glides(path(GLIDES_FILE), kpis, info)
    mitigations = load_mitigations(path(REASONS_FILE))
    published_path = path(PUBLISHED_FILE)
    published = load_published(published_path) if published_path.exists() else _empty_published()
    changes_path = path(CHANGES_FILE)
    changes = load_changes(changes_path) if changes_path.exists() else _empty(schemas.CHANGES)
    failures = load_failure_decisions(path(FAILURES_FILE), kpis)
    files = existing(folder, CONTRACT_FILES)
    return Contract(info, folder, kpis, returns, overrides, glides, published, files, changes,
                    failures, mitigations, as_of)


def check_no_interrupted_ingest(folder: Path) -> None:
    """Refuse to read a contract whose last ingest was interrupted before it finished."""
    if (folder / JOURNAL_FILE).exists():
        raise IngestError(
            f"{folder.name}/{JOURNAL_FILE}: a {interrupted_command(folder)} into this contract "
            "was interrupted; run "
            f"`scrutiny ingest --contract {folder.name} --recover` to finish or undo it")


def load_info(path: Path) -> ContractInfo:
    """Read ``contract.yaml``."""
    return load_yaml(path, ContractInfo, hint="every contract folder needs a contract.yaml")


def load_kpis(path: Path, info: ContractInfo) -> pd.DataFrame:
    """Read KPI definitions and check each direction against its thresholds."""
    text = validate(read_csv_text(path), schemas.KPIS, path.name)
    if "unit_label" not in text:
        text["unit_label"] = ""
    fail_at(text, ~text["service"].isin(list(info.services)), path.name, "service",
            "unknown service {service!r}",
            hint=f"use one of the services in contract.yaml: {', '.join(info.services)}")
    kpis = text.assign(
        tsl=to_number(text, "tsl", path.name),
        msl=to_number(text, "msl", path.name),
        effective_from=pd.PeriodIndex(text["effective_from"], freq="M"),
        effective_to=pd.PeriodIndex(text["effective_to"].replace("", None), freq="M"),
    )
    check_thresholds(kpis, kpis, path.name)
    return kpis


def check_thresholds(rows: pd.DataFrame, kpis: pd.DataFrame, file: str) -> None:
    """Refuse TSL/MSL pairs that contradict the KPI's stated direction or unit."""
    info = kpis.set_index("kpi_id").loc[rows["kpi_id"], ["direction", "unit"]].set_axis(rows.index)
    up = info["direction"] == "higher"
    fail_at(rows, up & (rows["tsl"] < rows["msl"]), file, "tsl",
            "{kpi_id}: TSL {tsl:g} is below MSL {msl:g}, but the KPI is higher-is-better",
            hint="swap TSL and MSL, or set direction to 'lower' in kpis.csv")
    fail_at(rows, ~up & (rows["tsl"] > rows["msl"]), file, "tsl",
            "{kpi_id}: TSL {tsl:g} is above MSL {msl:g}, but the KPI is lower-is-better",
            hint="swap TSL and MSL, or set direction to 'higher' in kpis.csv")
    for col in ("tsl", "msl"):
        for mask, phrase in unit_problems(rows[col].to_numpy(), info["unit"].to_numpy()):
            fail_at(rows, pd.Series(mask, index=rows.index), file, col,
                    f"{{kpi_id}}: threshold {{{col}:g}} {phrase}",
                    hint="thresholds are in the KPI's unit: a percentage 0-100, a count a "
                         "whole number, any other unit 0 or more")


def load_returns(path: Path, kpis: pd.DataFrame) -> pd.DataFrame:
    """Read monthly results; keep the return's own text, add the number where there is one.

    An absent file means no results yet (a contract just set up)."""
    if not path.exists():
        return read_values(pd.DataFrame({
            "kpi_id": pd.Series(dtype=str), "month": pd.PeriodIndex([], freq="M"),
            "value": pd.Series(dtype=str), "footnote": pd.Series(dtype=str),
            "comment": pd.Series(dtype=str)}))
    text = validate(read_csv_text(path), schemas.RETURNS, path.name)
    for optional in ("footnote", "comment"):
        if optional not in text:
            text[optional] = ""
    check_known_kpis(text, kpis, path.name)
    fail_at(text, text.duplicated(["kpi_id", "month"]), path.name, "month",
            "{kpi_id} has a second result for {month}",
            hint="keep one row per KPI and month (use `scrutiny ingest --replace` to correct one)")
    returns = read_values(text.assign(month=pd.PeriodIndex(text["month"], freq="M")))
    check_values(returns, kpis, path.name)
    return returns


def read_values(returns: pd.DataFrame) -> pd.DataFrame:
    """Add ``status`` (canonical status word, NaN for a number) and ``number`` to ``value`` text.

    A value that is neither a number nor a status word gets NaN in both; ``value_problems``
    reports it.
    """
    status = canonical_status(returns["value"])
    stripped = returns["value"].fillna("").str.strip()
    numbers = pd.to_numeric(stripped.where(status.isna()), errors="coerce")
    # "inf", "nan" and 1e400 parse as floats but are not results: value_problems names them.
    return returns.assign(status=status, number=numbers.where(np.isfinite(numbers)))


def check_known_kpis(rows: pd.DataFrame, kpis: pd.DataFrame, file: str,
                     column: str = "kpi_id") -> None:
    """Refuse rows whose KPI code (in ``column``, ``kpi_id`` by default) is not in ``kpis.csv``."""
    fail_at(rows, ~rows[column].isin(kpis["kpi_id"]), file, column,
            f"unknown KPI code {{{column}!r}}",
            hint="add it to kpis.csv, or correct the code (codes look like CSC_KPI_04)")


def check_values(returns: pd.DataFrame, kpis: pd.DataFrame, file: str) -> None:
    """Refuse unreadable values, percentages outside 0-100, negative counts and months outside
    a KPI's life, naming the first offending row of ``returns``."""
    for problem in value_problems(returns, kpis):
        fail_at(returns, problem.mask, file, problem.column, problem.message, hint=problem.hint)


#: What each :func:`~scrutiny.core.units.unit_problems` rule allows, for the hint.
_UNIT_RULES = [("percent", "lies between 0 and 100"), ("count", "is 0 or more"),
               ("days, hours, minutes, rate, gbp or score", "is 0 or more"),
               ("count", "is a whole number")]


class ValueProblem(NamedTuple):
    """One rule a KPI-month result can break: where (``mask``, ``column``) and what to say."""

    mask: pd.Series
    column: str
    message: str
    hint: str | None = None


def value_problems(returns: pd.DataFrame, kpis: pd.DataFrame) -> list[ValueProblem]:
    """Check results (``kpi_id``, ``month`` Period, ``value``, ``status``, ``number``).

    Returns the rules in the order they are reported; each mask marks the rows breaking it.
    ``message`` is a ``str.format`` template over the row's columns.
    """
    info = kpis.set_index("kpi_id").loc[returns["kpi_id"]].set_axis(returns.index)
    n = returns["number"]
    before = returns["month"] < info["effective_from"]
    after = info["effective_to"].notna() & (returns["month"] > info["effective_to"])
    written = pd.to_numeric(returns["value"].fillna("").str.strip(), errors="coerce")
    return [
        ValueProblem(returns["status"].isna() & written.notna() & ~np.isfinite(written), "value",
                     "{value!r} is not a finite number", "give the result as a number, e.g. 97.5"),
        ValueProblem(returns["month"] > pd.Period.now("M"), "month",
                     "{kpi_id} {month} is after the current month",
                     "results can only be given for months that have ended or are under way"),
        ValueProblem(returns["status"].isna() & n.isna(), "value",
                     "{value!r} is neither a number nor a known status word",
                     f"use a number or one of {known_words()}"),
        *(ValueProblem(pd.Series(mask, index=returns.index), "value",
                       f"{{kpi_id}} {{value}} {phrase}",
                       f"a {unit} result {rule}") for (mask, phrase), (unit, rule) in zip(
            unit_problems(n.to_numpy(), info["unit"].to_numpy()), _UNIT_RULES, strict=True)),
        ValueProblem(before | after, "month", "{kpi_id} was not part of the contract in {month}",
                     "check effective_from/effective_to in kpis.csv"),
    ]


def load_overrides(path: Path, kpis: pd.DataFrame,
                   scored: pd.PeriodIndex | None = None) -> pd.DataFrame:
    """Read threshold overrides; refuse overlaps and thresholds against the KPI's direction.

    An absent file means no overrides. A blank ``to_month`` is open-ended: it is read as the
    later of ``from_month`` and the last month scored (capped at the KPI's ``effective_to``),
    and ``open_ended`` is True on that row."""
    if not path.exists():
        return pd.DataFrame({"kpi_id": pd.Series(dtype=str),
                             "from_month": pd.PeriodIndex([], freq="M"),
                             "to_month": pd.PeriodIndex([], freq="M"),
                             "tsl": pd.Series(dtype=float), "msl": pd.Series(dtype=float),
                             "reason": pd.Series(dtype=str),
                             "open_ended": pd.Series(dtype=bool)})
    text = validate(read_csv_text(path), schemas.OVERRIDES, path.name)
    check_known_kpis(text, kpis, path.name)
    open_ended = text["to_month"].eq("")
    text = text.assign(to_month=text["to_month"].mask(open_ended, text["from_month"]))
    overrides = _month_range(text, path.name).assign(
        tsl=to_number(text, "tsl", path.name), msl=to_number(text, "msl", path.name),
        open_ended=open_ended)
    if open_ended.any():
        overrides["to_month"] = _open_end(overrides, kpis, scored)
    check_thresholds(overrides, kpis, path.name)
    fail_at(overrides, overlapping_ranges(overrides), path.name, "from_month",
            "{kpi_id}: this override overlaps an earlier one for the same KPI",
            hint="merge the two rows or make their date ranges disjoint")
    return overrides


def _open_end(ranges: pd.DataFrame, kpis: pd.DataFrame,
              scored: pd.PeriodIndex | None) -> pd.Series:
    """``to_month`` with each open-ended range run to the last month scored (or its KPI's end)."""
    last = scored.max() if scored is not None and len(scored) else None
    ends = kpis.set_index("kpi_id")["effective_to"].reindex(ranges["kpi_id"]).set_axis(
        ranges.index)
    far = ends.where(ends.notna(), last) if last is not None else ends
    if last is not None:
        far = far.where(far.isna() | (far <= last), last)
    to = ranges["to_month"].where(~ranges["open_ended"] | far.isna(), far)
    return to.where(to >= ranges["from_month"], ranges["from_month"])


def load_mitigations(path: Path) -> pd.DataFrame:
    """Read the mitigation the council agreed: ``kpi_id, from_month, to_month, reason, source``.

    Refuses a range that ends before it starts and overlapping ranges of one KPI. A KPI
    ``kpis.csv`` does not define is kept (the register lists it); scoring ignores it.
    An absent file means no mitigation has been agreed.
    """
    if not path.exists():
        return empty_mitigations()
    text = validate(read_csv_text(path), schemas.MITIGATION_REASONS, path.name)
    reasons = _month_range(text, path.name)
    fail_at(reasons, overlapping_ranges(reasons), path.name, "from_month",
            "{kpi_id}: this reason's months overlap an earlier reason for the same KPI",
            hint="give each month of a KPI one reason")
    return reasons[["kpi_id", "from_month", "to_month", "reason", "source"]]


def empty_mitigations() -> pd.DataFrame:
    """No mitigation agreed: the columns :func:`load_mitigations` returns."""
    return pd.DataFrame({"kpi_id": pd.Series(dtype=str),
                         "from_month": pd.PeriodIndex([], freq="M"),
                         "to_month": pd.PeriodIndex([], freq="M"),
                         "reason": pd.Series(dtype=str), "source": pd.Series(dtype=str)})


def load_glides(path: Path, kpis: pd.DataFrame, info: ContractInfo) -> pd.DataFrame:
    """Read glide periods. A row without a KPI code is recorded but cannot be scored."""
    if not path.exists():
        return pd.DataFrame({"kpi_id": pd.Series(dtype=str), "service": pd.Series(dtype=str),
                             "from_month": pd.PeriodIndex([], freq="M"),
                             "to_month": pd.PeriodIndex([], freq="M"),
                             "reason": pd.Series(dtype=str)})
    text = validate(read_csv_text(path), schemas.GLIDES, path.name)
    named = text["kpi_id"] != ""
    fail_at(text, named & ~text["kpi_id"].isin(kpis["kpi_id"]), path.name, "kpi_id",
            "unknown KPI code {kpi_id!r}", hint="add it to kpis.csv or correct the code")
    fail_at(text, ~text["service"].isin(list(info.services)), path.name, "service",
            "unknown service {service!r}")
    glides = _month_range(text, path.name)
    attributed = glides[glides["kpi_id"] != ""]
    fail_at(attributed, overlapping_ranges(attributed), path.name, "from_month",
            "{kpi_id}: this glide overlaps an earlier glide of the same KPI",
            hint="merge the two rows into one range, or end the first before the second starts")
    return glides


def _month_range(text: pd.DataFrame, file: str) -> pd.DataFrame:
    frame = text.assign(from_month=pd.PeriodIndex(text["from_month"], freq="M"),
                        to_month=pd.PeriodIndex(text["to_month"], freq="M"))
    fail_at(frame, frame["from_month"] > frame["to_month"], file, "to_month",
            "{kpi_id}: the range ends before it starts")
    return frame


def overlapping_ranges(ranges: pd.DataFrame) -> pd.Series:
    """Flag each date range that starts before the previous range of the same KPI has ended."""
    ordered = ranges.sort_values(["kpi_id", "from_month"], kind="stable")
    previous_end = ordered.groupby("kpi_id")["to_month"].shift()
    overlap = previous_end.notna() & (ordered["from_month"] <= previous_end)
    return overlap.reindex(ranges.index)


def load_published(path: Path) -> pd.DataFrame:
    """Read published summary counts; each row's parts must add up to its total."""
    text = validate(read_csv_text(path), schemas.PUBLISHED_SUMMARIES, path.name)
    counts = ["green", "amber", "red", "blue", "total"]
    published = text.astype({c: "int64" for c in counts})
    fail_at(published, published[counts[:4]].sum(axis=1) != published["total"], path.name,
            "total", "{service} {month}: the counts do not add up to the total {total}")
    return published.assign(month=pd.PeriodIndex(published["month"], freq="M"))


def _empty_published() -> pd.DataFrame:
    return pd.DataFrame(columns=["source", "service", "month", "green", "amber", "red", "blue",
                                 "total"])


def load_changes(path: Path) -> pd.DataFrame:
    """Read the log of values that ``scrutiny ingest --replace`` corrected, oldest first."""
    text = validate(read_csv_text(path), schemas.CHANGES, path.name)
    return text.assign(month=pd.PeriodIndex(text["month"], freq="M"),
                       changed_at=pd.to_datetime(text["changed_at"], utc=True))


def _empty(schema) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=str) for name in schema.columns})
