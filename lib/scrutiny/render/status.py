"""A contract's state on one screen (``scrutiny status``): what is held, decided and rendered.

The screen needs the rendered reports' freshness records, so it lives with the renderer; every
table on it comes from ``load`` (validated), and :meth:`ContractStatus.lines` only words them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.core.months import month_label
from scrutiny.load.completeness import missing_kpi_months
from scrutiny.load.contract import Contract, load_contract
from scrutiny.load.reasons import load_mitigation_reasons
from scrutiny.load.receipts import load_receipts
from scrutiny.render.batch import plan
from scrutiny.render.freshness import stale_reason
from scrutiny.render.monthly import with_default_months
from scrutiny.report.params import find_params, params_root

#: The period report's notebook stem, the one report ``status`` follows month by month.
PERIOD_REPORT = "period_report"


@dataclass(frozen=True)
class ContractStatus:
    """What ``scrutiny status`` shows for one contract.

    Attributes
    ----------
    contract : Contract
        The loaded contract (title, parties, months held, overrides).
    receipts : pandas.DataFrame
        The register of returns kept as received, oldest first.
    missing : pandas.DataFrame
        ``kpi_id, month``: KPI-months expected but not in the returns (scored Red).
    reasons : pandas.DataFrame
        The mitigation reasons recorded, validated (months as ``pandas.Period``).
    reports : pandas.DataFrame
        ``month, state``: each month's period report, ``up to date``, ``not rendered`` or
        ``out of date (<why>)``.
    """

    contract: Contract
    receipts: pd.DataFrame
    missing: pd.DataFrame
    reasons: pd.DataFrame
    reports: pd.DataFrame

    @property
    def latest(self) -> pd.Period | None:
        """The latest month held, or None before the first return."""
        months = self.contract.months
        return months.max() if len(months) else None

    def lines(self) -> list[str]:
        """The screen as lines of text."""
        c, latest = self.contract, self.latest
        lines = [f"{c.info.title} ({c.folder.name}): {c.info.council} / {c.info.supplier}",
                 f"Months held: {_span(c.months)}"]
        if len(self.receipts):
            last = self.receipts.iloc[-1]
            lines.append(f"Returns kept as received: {len(self.receipts)} (latest "
                         f"{last['source_name']}, {last['received_at']})")
        lines.append("Expected but not in the return (scored Red, data not available):")
        by_month = self.missing.groupby("month")["kpi_id"].agg(", ".join)
        lines += [f"  {month_label(m)}: {kpis}" for m, kpis in by_month.items()] or ["  none"]
        lines.append("Overrides" + (f" (in force in {month_label(latest)} marked *)" if latest
                                    else "") + ":")
        lines += _ranges(c.overrides, latest,
                         lambda r: f"TSL {r.tsl:g} MSL {r.msl:g}: {r.reason}")
        lines.append("Mitigations recorded:")
        lines += _ranges(self.reasons, latest, lambda r: r.reason)
        lines.append(f"Period reports (outputs/{c.folder.name}/<month>/{PERIOD_REPORT}.html):")
        return lines + self._report_lines()

    def _report_lines(self) -> list[str]:
        lines = [f"  {month}: {state}" for month, state in self.reports.itertuples(index=False)]
        if any("up to date" not in line for line in lines):
            lines.append(f"  (render: scrutiny render --contract {self.contract.name} --period "
                         "YYYY-MM, or --latest)")
        return lines or ["  none (no month held yet)"]


def status(name: str, data_root: Path | None = None) -> ContractStatus:
    """Load contract ``name`` and gather what ``scrutiny status`` shows.

    Raises
    ------
    UnknownContractError, InputValidationError
        No such contract, or one of its files (mitigation reasons included) is invalid.
    """
    c = load_contract(name, data_root)
    missing = missing_kpi_months(c.kpis, c.returns, c.months)
    return ContractStatus(c, load_receipts(c.folder), missing, load_mitigation_reasons(c),
                          report_states(c))


def report_states(contract: Contract) -> pd.DataFrame:
    """Each held month's period report: ``month`` (``YYYY-MM``) and its ``state`` in words."""
    own = params_root() / contract.name  # a parameters file only changes knobs
    jobs = with_default_months(plan(find_params(own)) if own.is_dir() else [], [contract.name])
    rows = [(job.stem.parent.name, _state(stale_reason(job)))
            for job in jobs if job.stem.name == PERIOD_REPORT]
    return pd.DataFrame(rows, columns=["month", "state"])


def _state(reason: str | None) -> str:
    if reason is None:
        return "up to date"
    return "not rendered" if reason == "not rendered yet" else f"out of date ({reason})"


def _span(months: pd.PeriodIndex) -> str:
    if not len(months):
        return "none yet (ingest the first return)"
    return (f"{month_label(months.min())} to {month_label(months.max())} ({len(months)} "
            f"month{'s' if len(months) > 1 else ''}: {', '.join(map(month_label, months))})")


def _ranges(frame: pd.DataFrame, latest: pd.Period | None,
            describe: Callable[[tuple], str]) -> list[str]:
    lines = []
    for row in frame.itertuples(index=False):
        mark = "*" if latest is not None and row.from_month <= latest <= row.to_month else " "
        lines.append(f" {mark}{row.kpi_id} {month_label(row.from_month)}.."
                     f"{month_label(row.to_month)}: {describe(row)}")
    return lines or ["  none"]
