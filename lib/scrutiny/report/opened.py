"""What every report object shares: its parameters, its parameters file, and what follows.

A report object is a frozen dataclass that a kind's notebook opens with
:func:`scrutiny.report.registry.open_report` and whose sections read it. Its first field is the
validated parameters (``params``), then what the report is about (its *subject*: a contract's
handle, a service, a portfolio, a plan ...), and ``params_file`` last, by keyword. The bases here
hold those fields and what is derived from them once (period, "Generated on" date, the
provenance parameters), so no kind declares them or resolves a date again:

* :class:`OpenedReport`: every kind.
* :class:`ContractReport`: a report on a KPI contract, read through its
  :class:`~scrutiny.insight.contract_handle.ContractHandle` (period report, KPI card, review).
* :class:`QuarterReport`: a report on one quarter of a dataset (action plan, partnership).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Generic, Self, TypeVar

import pandas as pd

from scrutiny.report.params import QuarterReportParams, ReportParams

if TYPE_CHECKING:
    from scrutiny.insight.contract_handle import ContractHandle

P = TypeVar("P", bound=ReportParams)
Q = TypeVar("Q", bound=QuarterReportParams)


@dataclass(frozen=True)
class OpenedReport(Generic[P]):
    """What every report object derives from its validated parameters.

    Parameters
    ----------
    params : ReportParams
        The validated parameters (the kind's model); every knob and default lives there.
    params_file : str
        Keyword only: the parameters file of the run, named in the provenance appendix.
    """

    params: P
    params_file: str = field(default="", kw_only=True)

    @property
    def period(self) -> pd.Period:
        """The reporting month."""
        return self.params.month

    @cached_property
    def generated_on(self) -> date:
        """The "Generated on" date: the parameter, else ``SOURCE_DATE_EPOCH``, else today."""
        return self.params.generated_date()

    @cached_property
    def parameters(self) -> dict[str, object]:
        """The parameters listed in the provenance appendix."""
        return self.params.provenance(self.params_file)

    @classmethod
    def opened(cls, params: P, params_file: str = "") -> Self:
        """The report of ``params``: its subject loaded and checked for data.

        Called by :func:`scrutiny.report.registry.open_report`; a report whose fields are not
        ``(params, subject)`` overrides it.
        """
        return cls(params, params.load_subject(), params_file=params_file)


@dataclass(frozen=True)
class ContractReport(OpenedReport[P]):
    """A report on one KPI contract, read through its handle.

    Parameters
    ----------
    params : ReportParams
        The validated parameters.
    handle : ContractHandle
        The contract's handle (the single cache of its tables), checked by the parameters'
        ``load_subject`` to hold results for what the report covers.
    params_file : str
        Keyword only: the parameters file of the run, named in the provenance appendix.
    """

    handle: ContractHandle


@dataclass(frozen=True)
class QuarterReport(OpenedReport[Q]):
    """A report on one quarter of a dataset (an action plan, a partnership's statements).

    Subclasses add the dataset as their one field after ``params`` and say how a quarter is
    named (:meth:`quarter_name`); ``period`` is the quarter's last month.
    """

    @property
    def quarter(self) -> str:
        """The quarter's key as the parameters give it, e.g. ``Q1`` or ``2014/15 Q4``."""
        return self.params.quarter

    @property
    @abstractmethod
    def info(self):
        """The dataset's description (its YAML file): title, councils, quarters ..."""

    @abstractmethod
    def quarter_name(self, quarter: str | None = None) -> str:
        """A quarter (default: the report's) as the report names it, with its months."""
