"""What every report kind shares: its parameters base and reading a parameters file.

One YAML file per report run, validated before any notebook starts.

A parameters file names the report (which notebook), what it is about and the period::

    report: period_report          # notebooks/period_report.ipynb
    contract: lincolnshire-css     # data/lincolnshire-css/
    period: 2016-06                # reporting month, YYYY-MM
    generated_on: 2016-07-15       # optional; else SOURCE_DATE_EPOCH; else today
    previous_months: 5             # optional report-specific knobs, with defaults

Every problem (unknown key, missing key, wrong type, a period without data) raises
:class:`~scrutiny.exceptions.ParameterError` or :class:`~scrutiny.exceptions.NoDataForPeriodError`
naming the file and the key, so a batch never starts a half-valid report.

A report about a quarter (action plans, partnerships) takes ``quarter`` instead of ``period``; its
``period`` is the quarter's last month, worked out from the dataset's YAML file, and names the
outputs folder (see :class:`QuarterReportParams`).

Adding a report kind: a folder ``report/<kind>/`` whose ``params.py`` subclasses
:class:`ReportParams` with ``report: Literal["<name>"]``, its own fields (defaults, bounds, a
description each) and :meth:`~ReportParams.load_subject`, and whose report object subclasses
:class:`scrutiny.report.opened.OpenedReport`; one line in :data:`scrutiny.report.registry.KINDS`;
and ``notebooks/<name>.ipynb`` whose ``parameters`` cell is :meth:`ReportParams.parameters_cell`
and whose report opens with ``open_report("<name>", **Model.values_in(globals()))``. Adding a
knob: one field in the model, one line in the cell.
"""

from __future__ import annotations

import json
import os
from abc import abstractmethod
from collections.abc import Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, ClassVar, Self

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from scrutiny.config import NAME_PATTERN, PROJECT_ROOT, is_safe_name
from scrutiny.core.months import MONTH_PATTERN
from scrutiny.exceptions import (
    InputValidationError,
    ParameterError,
    ScrutinyError,
)
from scrutiny.load.yaml_files import read_yaml

PERIOD_PATTERN = MONTH_PATTERN
Period = Annotated[str, Field(pattern=PERIOD_PATTERN, description="reporting month, YYYY-MM")]
#: A data folder, council or other name that becomes one folder of outputs/ (never ``..`` or ``/``).
SafeName = Annotated[str, Field(min_length=1, pattern=NAME_PATTERN)]


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


#: Injected into every report notebook beside the model's fields (not a key of a parameters file).
PARAMS_FILE_LINE = ('params_file: str = ""  # the parameters file of this run, named in the '
                    "provenance appendix")
_CELL_HEADER = ("# Parameters: `scrutiny render` injects these from a file in params/ "
                "(validated first).")


class ReportParams(BaseModel):
    """Fields every report shares. Subclasses add the report's subject and knobs.

    A report kind's defaults and checks live here only: the notebook's ``parameters`` cell is
    :meth:`parameters_cell` (a test keeps them equal) and the report object is opened from the
    validated model, so a new knob is one field here plus one line in the notebook.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: File names of notebooks live under notebooks/; override per report when needed.
    notebook_name: ClassVar[str] = ""
    #: Fields naming what the report is about; they come first (notebook cell, provenance).
    subject: ClassVar[tuple[str, ...]] = ()
    #: Values the notebook's parameters cell shows for required fields (a working example).
    examples: ClassVar[dict[str, str | int]] = {}

    report: str
    period: Period
    generated_on: date | None = Field(
        None,
        description='"Generated on" date, YYYY-MM-DD; empty: SOURCE_DATE_EPOCH, else today')

    @field_validator("generated_on", mode="before")
    @classmethod
    def _date_only(cls, value):
        if isinstance(value, datetime):
            raise ValueError("give a date (YYYY-MM-DD), not a date and time")
        return None if value == "" else value  # the notebook's "not given"

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
    def load_subject(self):
        """Load what the report is about, checked to have data for the period.

        Raises
        ------
        NoDataForPeriodError
            When there is nothing to report for the period.
        """

    def check_data(self) -> None:
        """Raise :class:`NoDataForPeriodError` when there is nothing to report for the period."""
        self.load_subject()

    @classmethod
    def field_order(cls) -> list[str]:
        """Field names as reports show them: subject, period, knobs, ``generated_on``."""
        knobs = [n for n in cls.model_fields
                 if n not in {"report", "period", "generated_on", *cls.subject}]
        return [*cls.subject, "period", *knobs, "generated_on"]

    @classmethod
    def parameters_cell(cls) -> str:
        """The notebook's ``parameters`` cell for this model: one typed, commented line a field.

        Papermill injects plain values, so dates and months are ``str``; a field without a
        default shows its example value.
        """
        lines = [_CELL_HEADER]
        for name in cls.field_order():
            info = cls.model_fields[name]
            kind = "int" if info.annotation is int else "str"
            value = cls.examples[name] if info.is_required() else info.default
            shown = "" if value is None else value
            literal = str(shown) if kind == "int" else json.dumps(str(shown))
            lines.append(f"{name}: {kind} = {literal}  # {info.description}")
        return "\n".join([*lines, PARAMS_FILE_LINE])

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> Self:
        """Validate keyword values (a notebook's variables, a caller's arguments).

        Raises
        ------
        ParameterError
            Naming the first key that is unknown, missing or of the wrong type.
        """
        report = cls.model_fields["report"].annotation.__args__[0]
        try:
            return cls.model_validate({"report": report, **values})
        except ValidationError as err:
            raise ParameterError(_describe(err.errors()[0], cls)) from None

    @classmethod
    def values_in(cls, namespace: Mapping[str, object]) -> dict[str, object]:
        """The model's fields and ``params_file`` taken from a notebook's ``globals()``."""
        return {name: namespace[name] for name in [*cls.field_order(), "params_file"]
                if name in namespace}

    def generated_date(self, environ=None) -> date:
        """The "Generated on" date (see :func:`resolve_generated_on`)."""
        return resolve_generated_on(self, environ)

    def provenance(self, params_file: str = "", environ=None) -> dict[str, object]:
        """The parameters a report lists in its appendix, ``generated_on`` resolved."""
        values = {"report": self.report,
                  **{name: getattr(self, name) for name in self.field_order()},
                  "generated_on": self.generated_date(environ).isoformat()}
        return {**values, "params_file": params_file} if params_file else values

    def notebook_parameters(self, *, params_file: str, environ=None) -> dict[str, object]:
        """Return the values papermill injects: plain str/int, ``generated_on`` resolved.

        A date that would be today is injected as ``""`` (the notebook resolves it when it runs):
        these values are fingerprinted for freshness, and a report is not stale merely because a
        day has passed.
        """
        values = self.provenance(params_file, environ)
        del values["report"]
        if self.generated_on is None and source_date_epoch(environ) is None:
            values["generated_on"] = ""
        return {**values, "params_file": params_file}


class DerivedPeriodParams(ReportParams):
    """A report whose ``period`` is worked out from another key, not written.

    A quarter's report takes ``quarter``, a year-end review ``year``; the period (the last month
    of that quarter or year) is worked out from the dataset's YAML file. ``period`` is neither a
    key of the parameters file nor a variable of the notebook: it names the outputs folder.
    Subclasses name the dataset field (:attr:`dataset_key`), the key the period comes from
    (:attr:`period_key`) and how its last month is found (:meth:`period_of`).
    """

    #: The field naming the data folder (``contract``, ``plan`` ...).
    dataset_key: ClassVar[str] = ""
    #: The field the period is worked out from (``quarter``, ``year``).
    period_key: ClassVar[str] = ""
    #: What stands for the period, in the message refusing a ``period`` key.
    period_words: ClassVar[tuple[str, str]] = ("", "")
    #: The key named when the last month cannot be worked out.
    error_key: ClassVar[str] = ""

    @classmethod
    @abstractmethod
    def period_of(cls, dataset: str, value) -> str:
        """Return the last month, ``YYYY-MM``, of ``value`` (a quarter, a year) in ``dataset``.

        Raises ``ScrutinyError`` or ``ValueError`` when the dataset does not have it.
        """

    @classmethod
    def usable(cls, value: object) -> bool:
        """Whether ``value`` of :attr:`period_key` is worth looking up (else its own check
        reports it)."""
        return isinstance(value, str)

    @property
    def target(self) -> str:
        """The dataset's folder name: its outputs go under it."""
        return getattr(self, self.dataset_key)

    @classmethod
    def field_order(cls) -> list[str]:
        """As :meth:`ReportParams.field_order`, without ``period`` (worked out)."""
        return [name for name in super().field_order() if name != "period"]

    @model_validator(mode="before")
    @classmethod
    def _derive_period(cls, raw):
        if not isinstance(raw, dict):
            return raw
        if "period" in raw:
            what, last = cls.period_words
            raise ValueError(f"key 'period': this report takes {what}; remove 'period' "
                             f"({last} is used)")
        dataset, value = raw.get(cls.dataset_key), raw.get(cls.period_key)
        if not (cls.usable(value) and isinstance(dataset, str) and is_safe_name(dataset)):
            # A stand-in month, so the error reported is the missing or mistyped key itself.
            return {**raw, "period": "1970-01"}
        try:
            period = cls.period_of(dataset, value)
        except (ScrutinyError, ValueError) as err:
            prefix = f"key '{cls.error_key}': "
            raise ValueError(prefix + str(err).removeprefix(prefix)) from None
        return {**raw, "period": period}


class QuarterReportParams(DerivedPeriodParams):
    """A report about one quarter: ``period`` is the quarter's last month, worked out.

    Subclasses name the dataset field (:attr:`dataset_key`) and how a quarter maps to its last
    month (:meth:`period_of`, which reads only the dataset's YAML file).
    """

    period_key: ClassVar[str] = "quarter"
    period_words: ClassVar[tuple[str, str]] = ("a quarter", "the quarter's last month")
    error_key: ClassVar[str] = "quarter"

    quarter: str = Field(min_length=1, description="the quarter the report is about")


#: The latest SOURCE_DATE_EPOCH a date can be made from (9999-12-31T23:59:59Z).
MAX_SOURCE_DATE_EPOCH = 253_402_300_799


def source_date_epoch(environ=None) -> int | None:
    """Return ``SOURCE_DATE_EPOCH`` as whole seconds, or None when it is not set.

    Raises
    ------
    ParameterError
        Set but blank, not a whole number, or beyond year 9999: refused before any notebook
        starts (a blank value would otherwise stop every report's kernel from starting).
    """
    environ = os.environ if environ is None else environ
    if "SOURCE_DATE_EPOCH" not in environ:
        return None
    text = environ["SOURCE_DATE_EPOCH"].strip()
    if not text.isdigit() or int(text) > MAX_SOURCE_DATE_EPOCH:
        shown = "blank" if not text else f"{environ['SOURCE_DATE_EPOCH']!r}"
        raise ParameterError(
            f"SOURCE_DATE_EPOCH is {shown}: give whole seconds since 1970-01-01 UTC, 0 to "
            f"{MAX_SOURCE_DATE_EPOCH} (e.g. 1468800000 for 18 July 2016), or unset it")
    return int(text)


def resolve_generated_on(params: ReportParams, environ=None, today: date | None = None) -> date:
    """Return the "Generated on" date: the parameter, else ``SOURCE_DATE_EPOCH``, else today.

    Today is the date the report is made, never the period's end. Set ``SOURCE_DATE_EPOCH``
    (or ``generated_on``) to make a re-render byte-identical. ``SOURCE_DATE_EPOCH`` is checked
    even when ``generated_on`` is given: the report's kernel reads it too.
    """
    epoch = source_date_epoch(environ)
    if params.generated_on is not None:
        return params.generated_on
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).date()
    return today or date.today()


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
    if path.is_dir():
        raise ParameterError(f"{name}: is a folder; name one parameters file (.yaml) in it")
    if not path.is_file():
        raise ParameterError(f"{name}: parameters file not found")
    try:
        raw = read_yaml(path)
    except InputValidationError as err:  # the loader names the bare file; show the project path
        raise ParameterError(str(err).replace(path.name, name, 1)) from None
    if not isinstance(raw, dict):
        raise ParameterError(f"{name}: expected 'key: value' lines, e.g. 'report: period_report'")
    from scrutiny.report import registry  # the kinds' models import this module

    report = raw.get("report")
    if report not in registry.KINDS:
        what = "missing key 'report'" if report is None else f"key 'report': unknown {report!r}"
        raise ParameterError(f"{name}: {what}; use one of {', '.join(registry.kind_names())}")
    model = registry.model(report)
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
    if error["type"] == "string_pattern_mismatch" and error["ctx"]["pattern"] == NAME_PATTERN:
        return (f"key '{key}': {error['input']!r} is not a plain name; use letters, digits, "
                "'-', '_' and '.' with no '/', '\\' or '..' (it names a folder)")
    if error["type"] == "string_pattern_mismatch" and key == "period":
        return f"key 'period': {error['input']!r} is not a month; write it as YYYY-MM, e.g. 2016-06"
    return f"key '{key}': {error['msg']} (got {error.get('input')!r})"


def find_params(root: Path | None = None) -> list[Path]:
    """Return every parameters file (``*.yaml``/``*.yml``) under ``params/``, sorted."""
    root = params_root() if root is None else Path(root)
    return sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")])
