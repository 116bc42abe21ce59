"""The registry of report kinds: one line per kind, and everything else derived from it.

A report kind is a folder, ``report/<kind>/``, holding its parameters model (``params.py``), its
report object, its sections and any templates of its own, plus ``notebooks/<name>.ipynb``. The
registry names, per kind, where the model and the report object live and which modules its
notebook imports. From it come: which parameters files ``load_params`` accepts (and so the
render plan and the index, built from validated parameters), the modules the warm kernel imports
ahead of every report (:func:`preload_modules`), the kinds the command line offers
(:func:`kind_names`) and the one opener the notebooks call (:func:`open_report`).

Adding a report kind: its folder, its notebook, and one line in :data:`KINDS`.

Models and report objects are named as ``"module:attribute"`` and imported on first use, so
reading the registry (e.g. by ``scrutiny render`` before it starts any kernel) does not import
every report's sections and charts.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrutiny.report.opened import OpenedReport
    from scrutiny.report.params import ReportParams


@dataclass(frozen=True)
class ReportKind:
    """Where one kind of report lives.

    Parameters
    ----------
    model : str
        ``"module:Class"`` of its parameters model (a :class:`ReportParams` subclass).
    report : str
        ``"module:Class"`` of its report object (an :class:`OpenedReport` subclass), which the
        notebook's sections read.
    sections : tuple of str
        Further modules its notebook imports (the report object's module is always one).
    structure : str
        ``"module:function"`` giving the report's sections as trees
        (:class:`~scrutiny.report.structure.Section`), in reading order, for
        ``scrutiny report --format json|xlsx``; empty while the kind's sections return HTML.
    """

    model: str
    report: str
    sections: tuple[str, ...] = ()
    structure: str = ""

    @property
    def modules(self) -> tuple[str, ...]:
        """Every module the kind's notebook imports: the report object's, then its sections."""
        return (self.report.partition(":")[0], *self.sections)


#: Report name (the ``report:`` key of a parameters file, the notebook's name) -> where it lives.
KINDS: dict[str, ReportKind] = {
    "period_report": ReportKind(
        "scrutiny.report.period.params:PeriodReportParams",
        "scrutiny.report.period.scorecard:PeriodReport",
        ("scrutiny.report.period.insight", "scrutiny.report.period.kpi_charts",
         "scrutiny.report.period.money", "scrutiny.report.period.whatif"),
        structure="scrutiny.report.period.sections:sections"),
    "council_report": ReportKind("scrutiny.report.council.params:CouncilReportParams",
                                 "scrutiny.report.council:CouncilReport"),
    "portfolio_report": ReportKind("scrutiny.report.portfolio.params:PortfolioReportParams",
                                   "scrutiny.report.portfolio:PortfolioReport"),
    "action_plan_report": ReportKind(
        "scrutiny.report.action_plan.params:ActionPlanReportParams",
        "scrutiny.report.action_plan:ActionPlanReport"),
    "partnership_report": ReportKind(
        "scrutiny.report.partnership.params:PartnershipReportParams",
        "scrutiny.report.partnership:PartnershipReport"),
    "kpi_card": ReportKind("scrutiny.report.kpi_card.params:KpiCardParams",
                           "scrutiny.report.kpi_card:KpiCard"),
    "annual_review": ReportKind("scrutiny.report.annual_review.params:AnnualReviewParams",
                                "scrutiny.report.annual_review:AnnualReview",
                                ("scrutiny.report.annual_review.sections",)),
}


def kind_names() -> list[str]:
    """The report kinds, sorted: the values the ``report:`` key may take."""
    return sorted(KINDS)


@cache
def _attribute(where: str):
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)


def structure(name: str):
    """The function giving report kind ``name``'s sections as trees; ``None`` if it has none."""
    return _attribute(KINDS[name].structure) if KINDS[name].structure else None


def model(name: str) -> type[ReportParams]:
    """The parameters model of report kind ``name`` (a key of :data:`KINDS`)."""
    return _attribute(KINDS[name].model)


def models() -> dict[str, type[ReportParams]]:
    """Report name -> parameters model, for every kind."""
    return {name: model(name) for name in KINDS}


def report_class(name: str) -> type[OpenedReport]:
    """The report object of report kind ``name``."""
    return _attribute(KINDS[name].report)


def preload_modules() -> tuple[str, ...]:
    """Every module some report's notebook imports, once each, in registry order."""
    return tuple(dict.fromkeys(m for kind in KINDS.values() for m in kind.modules))


def open_report(name: str, params: ReportParams | None = None, /, *, params_file: str = "",
                **values) -> OpenedReport:
    """Open a report of kind ``name`` from its validated parameters, or from their values.

    A notebook opens its report with
    ``open_report("period_report", **PeriodReportParams.values_in(globals()))``.

    Parameters
    ----------
    name : str
        The report kind, e.g. ``"period_report"`` (a key of :data:`KINDS`).
    params : ReportParams, optional
        Already validated parameters (e.g. from :func:`scrutiny.report.params.load_params`).
    params_file : str
        The parameters file of the run, named in the provenance appendix.
    **values
        Otherwise the parameters by name (see the kind's model for the keys and defaults).

    Raises
    ------
    ParameterError
        An unknown kind, or a value that is unknown, missing or of the wrong type.
    NoDataForPeriodError
        Nothing to report for the period (the kind's model says what that means).
    """
    from scrutiny.exceptions import ParameterError

    if name not in KINDS:
        raise ParameterError(f"unknown report {name!r}; use one of {', '.join(kind_names())}")
    params = params if params is not None else model(name).from_values(values)
    return report_class(name).opened(params, params_file)
