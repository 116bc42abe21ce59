"""The monthly cycle without hand-written files: a period report for every month scored.

Every KPI contract under ``data/`` (a folder with ``kpis.csv``) gets a period report for each
month it scores: every month it holds results for, and every month whose return is overdue with
none received (each expected KPI Red, "no return received": the committee needs that month's
report most). A parameters file in ``params/`` for that contract and month only
changes knobs; where there is none, the report kind's defaults are used.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from scrutiny.core.months import month_label
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load.contract import load_contract, reuse_loaded_contracts
from scrutiny.load.folder import kpi_contracts
from scrutiny.render.batch import Job, plan
from scrutiny.report.annual_review.params import AnnualReviewParams
from scrutiny.report.period.params import PeriodReportParams
from scrutiny.score.cache import scored_contract

#: What the provenance appendix names instead of a parameters file.
DEFAULTS_SOURCE = "defaults of period_report (no parameters file)"
YEAR_DEFAULTS_SOURCE = "defaults of annual_review (no parameters file)"



def default_job(contract: str, period: str) -> Job:
    """The period report of ``contract`` for ``period`` with every knob at its default.

    Raises
    ------
    NoDataForPeriodError
        The contract holds no results for ``period``.
    """
    params = PeriodReportParams(report="period_report", contract=contract, period=period)
    params.check_data()
    return Job(DEFAULTS_SOURCE, params.notebook(), params.output_stem(),
               params.notebook_parameters(params_file=DEFAULTS_SOURCE))


def year_job(contract: str, year: int) -> Job:
    """The year-end review of ``contract`` for contract year ``year`` with default knobs.

    Raises
    ------
    NoDataForPeriodError
        The contract holds no results in that year.
    """
    params = AnnualReviewParams(report="annual_review", contract=contract, year=year)
    params.check_data()
    return Job(YEAR_DEFAULTS_SOURCE, params.notebook(), params.output_stem(),
               params.notebook_parameters(params_file=YEAR_DEFAULTS_SOURCE))


def with_default_months(jobs: Iterable[Job], contracts: Iterable[str] | None = None, *,
                        period: str | None = None) -> list[Job]:
    """``jobs`` plus a default job for every scored month of ``contracts`` (held, or overdue
    with no return) not already covered, and a year-end review of every complete contract year
    (all twelve months scored)."""
    jobs = list(jobs)
    covered = {job.stem for job in jobs}
    with reuse_loaded_contracts():
        for contract in (kpi_contracts() if contracts is None else contracts):
            loaded = load_contract(contract)
            for month in loaded.scored_months:
                label = month_label(month)
                if period is not None and label != period:
                    continue
                if Path(contract) / label / "period_report" not in covered:
                    jobs.append(default_job(contract, label))
            jobs += [job for job in _year_jobs(loaded, period) if job.stem not in covered]
    return sorted(jobs, key=lambda j: j.name)


def _year_jobs(contract, period: str | None) -> list[Job]:
    """Default year-end reviews of ``contract``'s complete years (those ending in ``period``)."""
    from scrutiny.core.contract_year import contract_year
    from scrutiny.insight.contract_year import complete_years

    years = [y for y in complete_years(contract) if period is None
             or month_label(contract_year(y, contract.info.year_end)[1]) == period]
    return [year_job(contract.name, year) for year in years]


def contract_year_jobs(contract: str, params_files: Iterable[Path], year: int) -> list[Job]:
    """The year-end review of one contract for contract year ``year`` (a parameters file for
    that contract and year is used when one exists)."""
    job = year_job(contract, year)
    matching = [j for j in plan(params_files) if j.stem == job.stem]
    return matching or [job]


def contract_jobs(contract: str, params_files: Iterable[Path], *, period: str | None = None,
                  latest: bool = False) -> list[Job]:
    """The period report of one contract for ``period`` (or its latest month held).

    ``period`` may be any month scored: held, or overdue with no return. A parameters file for
    that contract and month is used when one exists.
    """
    loaded = scored_contract(contract)[0]  # the cache: no validation when unchanged
    months = loaded.months
    if latest:
        if not len(months):
            raise NoDataForPeriodError(f"contract {contract} holds no results yet; ingest a "
                                       "return first")
        period = month_label(months.max())
    if period is None:
        raise NoDataForPeriodError("give --period YYYY-MM or --latest with --contract")
    if period not in {month_label(m) for m in loaded.scored_months}:
        held = (f"it holds {month_label(months.min())} to {month_label(months.max())}"
                if len(months) else "it holds no results yet; ingest a return first")
        raise NoDataForPeriodError(f"contract {contract} has no KPI results for {period} and "
                                   f"its return is not overdue; {held}")
    stem = Path(contract) / period / "period_report"
    candidates = [p for p in params_files if _may_be_for(p, contract, period)]
    matching = [job for job in plan(candidates, period=period) if job.stem == stem]
    return matching or [default_job(contract, period)]


def _may_be_for(path: Path, contract: str, period: str) -> bool:
    """False only for a parameters file that plainly names another contract or period.

    Validating every parameters file would load every dataset they name (seconds, and a refusal
    when one of them is absent from this data folder) to pick the one report asked for. A file
    that cannot be read this way is kept, so ``plan`` reports its problem as before.
    """
    try:
        values = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True
    if not isinstance(values, dict):
        return True
    wanted = ("period_report", contract, period)
    named = tuple(values.get(key, want) for key, want in zip(("report", "contract", "period"),
                                                              wanted, strict=True))
    return not all(isinstance(v, str) for v in named) or named == wanted
