"""A contract's state on one screen (``scrutiny status``): what is held, decided and rendered.

The screen needs the rendered reports' freshness records, so it lives with the renderer; every
table on it comes from ``load`` (validated), and :meth:`ContractStatus.lines` only words them.
It also verifies the store of returns (as ``scrutiny verify`` does, :mod:`scrutiny.load.evidence`):
each problem is listed under *Evidence* and :attr:`ContractStatus.problems` is true, so the
command can exit non-zero after showing the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.core.months import month_label
from scrutiny.load.completeness import DueMonths, missing_kpi_months
from scrutiny.load.contract import Contract, load_contract
from scrutiny.load.evidence import problem_lines, verify_evidence
from scrutiny.load.folder import DECISIONS_FILE
from scrutiny.load.reasons import load_decision_log, load_mitigation_reasons
from scrutiny.load.receipts import load_receipts, received_values
from scrutiny.load.schedule import due_date
from scrutiny.render.batch import plan
from scrutiny.render.freshness import stale_reason
from scrutiny.render.monthly import with_default_months
from scrutiny.report.params import find_params, params_root
from scrutiny.score.scoring import score, unconfirmed_claims

#: The period report's notebook stem, the one report ``status`` follows month by month.
PERIOD_REPORT = "period_report"
#: Starts each line of the screen that names a problem with the evidence.
PROBLEM_MARK = "  PROBLEM "


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
    claims : pandas.DataFrame
        ``kpi_id, month, status``: relief a return claims that the council has not decided.
    first_received : dict
        Each month held -> when a supplier's return first gave a value for it (late returns).
    decision_log : pandas.DataFrame
        The decision log (who, when, what, why), oldest first; empty when none is recorded.
    evidence : tuple of str
        Each problem with the store of returns, one line (empty when it verifies).
    """

    contract: Contract
    receipts: pd.DataFrame
    missing: pd.DataFrame
    reasons: pd.DataFrame
    reports: pd.DataFrame
    claims: pd.DataFrame
    first_received: dict
    decision_log: pd.DataFrame
    evidence: tuple[str, ...] = ()

    @property
    def problems(self) -> bool:
        """Whether the store of returns does not verify (``scrutiny status`` then exits 1)."""
        return bool(self.evidence)

    def problem_message(self) -> str:
        """What the command says on exiting for :attr:`problems`: the count and what to run."""
        name, count = self.contract.folder.name, len(self.evidence)
        return (f"{name}: the store of returns does not verify ({count} "
                f"problem{'s' if count > 1 else ''}, listed under Evidence); run scrutiny verify "
                f"--contract {name}")

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
        lines.append("Evidence (stored returns against receipts.csv and returns.csv):")
        lines += [f"{PROBLEM_MARK}{line}" for line in self.evidence] or ["  verified"]
        lines += self._schedule_lines()
        lines.append("Expected but not in the return (scored Red, data not available):")
        by_month = self.missing.groupby("month")["kpi_id"].agg(", ".join)
        lines += [f"  {month_label(m)}: {kpis}" for m, kpis in by_month.items()] or ["  none"]
        lines.append("Relief claimed in a return but not decided by the council (scored on the "
                     "value; record it with scrutiny mitigate or glide):")
        lines += [f"  {r.kpi_id} {month_label(r.month)}: {r.status}"
                  for r in self.claims.itertuples(index=False)] or ["  none"]
        lines.append("Overrides" + (f" (in force in {month_label(latest)} marked *)" if latest
                                    else "") + ":")
        lines += _ranges(c.overrides, latest,
                         lambda r: f"TSL {r.tsl:g} MSL {r.msl:g}: {r.reason}")
        lines.append("Glides:")
        lines += _ranges(c.glides[c.glides["kpi_id"] != ""], latest, lambda r: r.reason)
        lines.append("Mitigations recorded:")
        lines += _ranges(self.reasons, latest, lambda r: r.reason)
        lines += self._log_lines()
        lines.append(f"Period reports (outputs/{c.folder.name}/<month>/{PERIOD_REPORT}.html):")
        return lines + self._report_lines()

    def _schedule_lines(self) -> list[str]:
        """Returns due and not received (scored Red), and returns received after their due date."""
        c = self.contract
        due = c.info.return_due
        lines = [f"Returns due {due} after the month ends; missing (scored Red, no return "
                 "received):"]
        lines += [f"  {month_label(m)}: due {due_date(m, due):%Y-%m-%d}"
                  for m in c.missing_returns] or ["  none"]
        lines.append("Late returns (first received after the due date):")
        late = [(m, when) for m, when in self.first_received.items()
                if when.date() > due_date(m, due)]
        lines += [f"  {month_label(m)}: due {due_date(m, due):%Y-%m-%d}, received "
                  f"{when:%Y-%m-%d}" for m, when in late] or ["  none"]
        return lines

    def _log_lines(self) -> list[str]:
        """The last decisions in the decision log: when, who, what, why."""
        log = self.decision_log
        if log.empty:
            return ["Decision log: none recorded"]
        lines = [f"Decision log ({DECISIONS_FILE}, {len(log)} decisions; latest 5):"]
        for row in log.tail(5).itertuples(index=False):
            months = f"{row.from_month}..{row.to_month or 'open'}"
            lines.append(f"  {row.decided_at[:10]} {row.decided_by}: {row.action} {row.kpi_id} "
                         f"{months}: {row.reason}")
        return lines

    def _report_lines(self) -> list[str]:
        lines = [f"  {month}: {state}" for month, state in self.reports.itertuples(index=False)]
        if any("up to date" not in line for line in lines):
            lines.append(f"  (render: scrutiny render --contract {self.contract.name} --period "
                         "YYYY-MM, or --latest)")
        return lines or ["  none (no month held yet)"]


def status(name: str, data_root: Path | None = None) -> ContractStatus:
    """Load contract ``name``, verify its store of returns and gather what ``scrutiny status``
    shows.

    Raises
    ------
    UnknownContractError, InputValidationError
        No such contract, or one of its files (mitigation reasons included) is invalid.
    """
    c = load_contract(name, data_root)
    missing = missing_kpi_months(c.kpis, c.returns, c.months, DueMonths.of(c.info))
    receipts = load_receipts(c.folder)
    log = load_decision_log(c.folder)
    evidence = problem_lines(c.folder.name, verify_evidence(c.folder))
    return ContractStatus(c, receipts, missing, load_mitigation_reasons(c), report_states(c),
                          unconfirmed_claims(score(c)), first_received(c, receipts), log,
                          tuple(evidence))


def first_received(contract: Contract, receipts: pd.DataFrame) -> dict:
    """Each month held -> when a supplier's return first gave a value for it.

    Only returns ingested as received count (their receipt has a rows file): a ``returns.csv``
    adopted into the store (a transcription, data held before the store) was not received on
    the date it was adopted, so its months are never called late.
    """
    if not len(receipts):
        return {}
    values = received_values(contract.folder, skip_missing=True)
    returned = set(receipts.loc[receipts["rows_file"] != "", "stored_file"])
    values = values[values["stored_file"].isin(returned)]
    if values.empty:
        return {}
    stamps = pd.to_datetime(values["received_at"], utc=True)
    months = pd.PeriodIndex(values["month"], freq="M")
    return stamps.groupby(months).min().to_dict()


def report_states(contract: Contract) -> pd.DataFrame:
    """Each scored month's period report (held, or overdue with no return): ``month``
    (``YYYY-MM``) and its ``state`` in words."""
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
        end = "open" if getattr(row, "open_ended", False) else month_label(row.to_month)
        lines.append(f" {mark}{row.kpi_id} {month_label(row.from_month)}..{end}: "
                     f"{describe(row)}")
    return lines or ["  none"]
