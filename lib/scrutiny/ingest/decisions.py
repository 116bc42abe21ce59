"""Recording the council's decisions without editing CSV files: overrides, mitigations, glides,
failures.

``scrutiny override`` adds a row to ``overrides.csv`` (revised TSL/MSL for a range of months,
open-ended when no last month is given); ``scrutiny mitigate`` adds a row to
``mitigation_reasons.csv`` (mitigation the council agreed: those KPI-months score Blue, so no
abatement accrues) and ``scrutiny mitigate --withdraw`` takes months out of it again;
``scrutiny glide`` adds a row to ``glides.csv`` (a glide period: Blue). Each of these is also
appended to ``decisions.csv``, the decision log: who decided (``--by``, else the user name from
the environment), when (UTC), what and why. The log is never rewritten: a withdrawal is a new row.
``scrutiny failure`` adds a row to ``failure_decisions.csv`` (a section 71(5) decision that the
supplier failed to improve, or that a breach led to termination, damages or a settlement: the
only source of a notice's performance failures), with the date decided and recorded.

Each decision is validated like the file it writes: the KPI exists and is in force for every
month, no month is after the current month or before the contract's start, the range does not
overlap an earlier row for the KPI, thresholds agree with the KPI's direction, the reason is at
most :data:`MAX_REASON_CHARS` characters. The new files are loaded with the whole contract before
they replace the old ones, together and atomically, under the contract's write lock.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.core.atomic import StagedFiles
from scrutiny.core.months import month_label
from scrutiny.exceptions import DecisionError, IngestError
from scrutiny.ingest.store import contract_lock
from scrutiny.load import schemas
from scrutiny.load.contract import Contract, load_contract, overlapping_ranges
from scrutiny.load.failures import FAILURE_KINDS
from scrutiny.load.folder import (
    DECISIONS_FILE,
    FAILURES_FILE,
    GLIDES_FILE,
    OVERRIDES_FILE,
    REASONS_FILE,
)
from scrutiny.load.schedule import today as today_or
from scrutiny.load.tables import fail_at, read_csv_text, validate

#: Longest reason a decision may carry, in characters (a committee paper's paragraph or two).
MAX_REASON_CHARS = 2000
#: Longest name ``--by`` may give.
MAX_NAME_CHARS = 100


def record_override(name: str, kpi: str, start: pd.Period, end: pd.Period | None, *,
                    tsl: float | None, msl: float | None, reason: str, by: str | None = None,
                    data_root: Path | None = None, today: date | None = None) -> dict[str, str]:
    """Add a threshold override; a level not given stays the KPI's own. Returns the row added.

    ``end`` None leaves the override open-ended (in force until the KPI ends or another decision).
    """
    if tsl is None and msl is None:
        raise IngestError("give --tsl, --msl or both: an override revises at least one level")
    reason, who = _reason(reason), decided_by(by)
    with _locked_contract(name, data_root) as (folder, contract):
        base = _check_range(contract, kpi, start, end, today)
        row = {"kpi_id": kpi, "from_month": month_label(start),
               "to_month": "" if end is None else month_label(end),
               "tsl": _number(base["tsl"] if tsl is None else tsl),
               "msl": _number(base["msl"] if msl is None else msl), "reason": reason}
        detail = f"TSL {row['tsl']} MSL {row['msl']}"
        _commit(contract, "override", {OVERRIDES_FILE: _appended(
            folder / OVERRIDES_FILE, row, list(schemas.OVERRIDES.columns))},
            _log_row("override", kpi, start, end, detail, reason, who))
    return row


def record_mitigation(name: str, kpi: str, start: pd.Period, end: pd.Period | None, *,
                      reason: str, by: str | None = None, data_root: Path | None = None,
                      today: date | None = None) -> dict[str, str]:
    """Record that the council agreed mitigation for ``kpi`` from ``start`` to ``end``.

    Those KPI-months score Blue ("mitigation agreed"): no abatement accrues. Returns the row
    added to ``mitigation_reasons.csv``.
    """
    end = start if end is None else end
    reason, who = _reason(reason), decided_by(by)
    with _locked_contract(name, data_root) as (folder, contract):
        info = _check_range(contract, kpi, start, end, today)
        when = today_or(today)
        row = {"kpi_id": kpi, "short_description": info["description"],
               "from_month": month_label(start), "to_month": month_label(end),
               "reason": reason,
               "source": f"recorded with scrutiny mitigate by {who} on {when:%Y-%m-%d}"}
        data = _appended(folder / REASONS_FILE, row, list(schemas.MITIGATION_REASONS.columns))
        _commit(contract, "mitigate", {REASONS_FILE: data},
                _log_row("mitigate", kpi, start, end, "mitigation agreed", reason, who))
    return row


def withdraw_mitigation(name: str, kpi: str, start: pd.Period, end: pd.Period | None, *,
                        reason: str, by: str | None = None, data_root: Path | None = None,
                        today: date | None = None) -> list[str]:
    """Withdraw the mitigation of ``kpi`` from ``start`` to ``end``: those months score on
    their values again. Every month must be mitigated now. Returns the months withdrawn.

    A recorded range is cut, not dropped: withdrawing June from April-August leaves
    April-May and July-August, each with its reason.
    """
    end = start if end is None else end
    reason, who = _reason(reason), decided_by(by)
    with _locked_contract(name, data_root) as (folder, contract):
        _check_range(contract, kpi, start, end, today)
        path = folder / REASONS_FILE
        text = read_csv_text(path) if path.exists() else pd.DataFrame(
            columns=list(schemas.MITIGATION_REASONS.columns))
        kept, withdrawn = _cut(text, kpi, start, end)
        asked = pd.period_range(start, end, freq="M")
        if len(withdrawn) != len(asked):
            missing = [month_label(m) for m in asked if m not in withdrawn]
            raise DecisionError(
                f"{kpi} {', '.join(missing)}: no mitigation is recorded for "
                f"{'this month' if len(missing) == 1 else 'these months'}, so there is nothing "
                "to withdraw; see `scrutiny status` for the mitigations in force")
        data = kept.to_csv(index=False, lineterminator="\n").encode("utf-8")
        _commit(contract, "mitigate --withdraw", {REASONS_FILE: data},
                _log_row("withdraw", kpi, start, end, "mitigation withdrawn", reason, who))
    return [month_label(m) for m in withdrawn]


def record_glide(name: str, kpi: str, start: pd.Period, end: pd.Period | None, *,
                 reason: str, by: str | None = None, data_root: Path | None = None,
                 today: date | None = None) -> dict[str, str]:
    """Record a glide period for ``kpi`` (``glides.csv``): those months score Blue.

    Returns the row added.
    """
    end = start if end is None else end
    reason, who = _reason(reason), decided_by(by)
    with _locked_contract(name, data_root) as (folder, contract):
        info = _check_range(contract, kpi, start, end, today)
        row = {"kpi_id": kpi, "service": info["service"], "from_month": month_label(start),
               "to_month": month_label(end), "reason": reason}
        data = _appended(folder / GLIDES_FILE, row, list(schemas.GLIDES.columns))
        _commit(contract, "glide", {GLIDES_FILE: data},
                _log_row("glide", kpi, start, end, "glide period", reason, who))
    return row


def record_failure(name: str, kpi: str, decided: date, kind: str, *, reason: str,
                   data_root: Path | None = None,
                   now: datetime | None = None) -> dict[str, str]:
    """Record a section 71(5) decision on ``kpi`` taken on ``decided``. Returns the row added.

    Parameters
    ----------
    kind : str
        ``failed-to-improve`` (section 71(5)(a)) or ``breach`` (section 71(5)(b)).
    decided : datetime.date
        The date of the council's decision: within the KPI's life, not in the future.
    now : datetime, optional
        The time recorded in ``recorded_at`` (UTC); now when omitted.
    """
    if kind not in FAILURE_KINDS:
        raise IngestError(f"--kind {kind!r}: use one of {', '.join(FAILURE_KINDS)}")
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    if decided > stamp.date():
        raise IngestError(f"--decided {decided:%Y-%m-%d} is in the future; record a decision "
                          "once it has been taken")
    with _locked_contract(name, data_root) as (folder, contract):
        month = pd.Period(decided, freq="M")
        _check_range(contract, kpi, month, month)
        row = {"kpi_id": kpi, "decided": f"{decided:%Y-%m-%d}", "kind": kind,
               "reason": _reason(reason),
               "recorded_at": stamp.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")}
        data = _appended(folder / FAILURES_FILE, row, list(schemas.FAILURE_DECISIONS.columns))
        with StagedFiles(folder, command="failure") as staged:
            staged.write(FAILURES_FILE, data)
            load_contract(name, data_root, staged=staged.paths)  # known KPI, dates, repeats
            staged.commit([FAILURES_FILE])
    return row


@contextmanager
def _locked_contract(name: str, data_root: Path | None) -> Iterator[tuple[Path, Contract]]:
    """The contract's folder and the contract as it stands, under its write lock: a decision is
    checked against, and written over, the same files."""
    folder = dataset_dir(name, data_root)
    with contract_lock(folder):
        yield folder, load_contract(name, data_root)


def decided_by(by: str | None) -> str:
    """Who decided: ``by`` if given, else the user name from the environment.

    Raises
    ------
    DecisionError
        If neither gives a name, or the name is too long or holds control characters.
    """
    name = by if by is not None else _user_name()
    name = " ".join((name or "").split())
    if not name:
        raise DecisionError("no name for the decision: give --by NAME (who made the decision)")
    if len(name) > MAX_NAME_CHARS or any(not c.isprintable() for c in name):
        raise DecisionError(f"--by must be a plain name of at most {MAX_NAME_CHARS} printable "
                            "characters (who made the decision)")
    return name


def _user_name() -> str:
    for variable in ("SCRUTINY_USER", "USER", "LOGNAME", "USERNAME"):
        if os.environ.get(variable, "").strip():
            return os.environ[variable]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return ""


def _commit(contract: Contract, command: str, files: dict[str, bytes],
            log_row: dict[str, str]) -> None:
    """Stage ``files`` and the decision log with ``log_row``, validate, replace all together."""
    folder = contract.folder
    log = _appended(folder / DECISIONS_FILE, log_row, list(schemas.DECISIONS.columns))
    with StagedFiles(folder, command=command) as staged:
        for file, data in files.items():
            staged.write(file, data)
        staged.write(DECISIONS_FILE, log)
        validate(read_csv_text(staged.paths[DECISIONS_FILE]), schemas.DECISIONS, DECISIONS_FILE)
        if REASONS_FILE in files:
            _check_reasons(staged.paths[REASONS_FILE])
        load_contract(contract.name, folder.parent, staged=staged.paths)  # overlaps, levels
        staged.commit([*files, DECISIONS_FILE])  # the log is the commit point


def _log_row(action: str, kpi: str, start: pd.Period, end: pd.Period | None, detail: str,
             reason: str, who: str) -> dict[str, str]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"decided_at": stamp, "decided_by": who, "action": action, "kpi_id": kpi,
            "from_month": month_label(start), "to_month": "" if end is None else month_label(end),
            "detail": detail, "reason": reason}


def _cut(text: pd.DataFrame, kpi: str, start: pd.Period,
         end: pd.Period) -> tuple[pd.DataFrame, list[pd.Period]]:
    """Rows of ``mitigation_reasons.csv`` with ``kpi``'s months ``start``..``end`` taken out,
    and the months that were mitigated (so taken out)."""
    rows, withdrawn = [], []
    for row in text.to_dict("records"):
        first, last = pd.Period(row["from_month"], "M"), pd.Period(row["to_month"], "M")
        if row["kpi_id"] != kpi or last < start or first > end:
            rows.append(row)
            continue
        withdrawn += list(pd.period_range(max(first, start), min(last, end), freq="M"))
        if first < start:  # the months before the withdrawal keep their reason
            rows.append({**row, "to_month": month_label(start - 1)})
        if last > end:  # and so do the months after it
            rows.append({**row, "from_month": month_label(end + 1)})
    kept = pd.DataFrame(rows, columns=text.columns)
    return kept, sorted(withdrawn)


def _check_range(contract: Contract, kpi: str, start: pd.Period, end: pd.Period | None,
                 today: date | None = None) -> pd.Series:
    """The KPI's row of ``kpis.csv``; refuse an unknown KPI, months outside its life, months
    before the contract's start and months after the current month (``end`` None: open)."""
    kpis = contract.kpis.set_index("kpi_id")
    if kpi not in kpis.index:
        raise IngestError(f"{contract.name}: unknown KPI {kpi!r}; the contract's KPIs are "
                          f"{', '.join(kpis.index)}")
    if end is not None and end < start:
        raise IngestError(f"--to {month_label(end)} is before --from {month_label(start)}")
    commencement = pd.Period(contract.info.service_commencement, freq="M")
    if start < commencement:
        raise DecisionError(f"{kpi} {month_label(start)} lies outside the contract, which "
                            f"started in {month_label(commencement)}; choose months from then on")
    current = pd.Period(today_or(today), freq="M")
    if max(start, end if end is not None else start) > current:
        raise DecisionError(
            f"{month_label(max(start, end or start))} is after the current month "
            f"({month_label(current)}): a decision covers months that have ended or are under "
            "way; record it when the month comes (an override may leave --to open instead)")
    info = kpis.loc[kpi]
    first = max(commencement, info["effective_from"])
    last = info["effective_to"]
    if start < first or (pd.notna(last) and (end is None or end > last)):
        life = f"{month_label(first)} to {month_label(last) if pd.notna(last) else 'now'}"
        shown = month_label(end) if end is not None else "open"
        raise IngestError(f"{kpi} {month_label(start)}..{shown} lies outside the "
                          f"contract: {kpi} is in force {life}; choose months within it")
    return info


def _check_reasons(path: Path) -> None:
    text = validate(read_csv_text(path), schemas.MITIGATION_REASONS, REASONS_FILE)
    ranges = text.assign(from_month=pd.PeriodIndex(text["from_month"], freq="M"),
                         to_month=pd.PeriodIndex(text["to_month"], freq="M"))
    fail_at(ranges, overlapping_ranges(ranges), REASONS_FILE, "from_month",
            "{kpi_id}: these months overlap a mitigation already recorded for the KPI",
            hint="give each month of a KPI one reason; choose months not yet mitigated, or "
                 "withdraw the earlier one first (scrutiny mitigate --withdraw)")


def _appended(path: Path, row: dict[str, str], columns: list[str]) -> bytes:
    """The file's bytes with ``row`` appended (a header first when the file is new)."""
    from scrutiny.ingest.returns import append_csv_bytes

    old = path.read_bytes() if path.exists() else b""
    return append_csv_bytes(old, pd.DataFrame([row], columns=columns), columns)


def _reason(text: str) -> str:
    """The reason with its whitespace folded; refuse a blank or over-long one."""
    reason = " ".join(str(text).split())
    if not reason:
        raise DecisionError("--reason is blank: say why the council agreed this")
    if len(reason) > MAX_REASON_CHARS:
        raise DecisionError(f"--reason is {len(reason):,} characters; keep it to "
                            f"{MAX_REASON_CHARS:,} (summarise, and cite the paper that gives "
                            "the detail)")
    return reason


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise IngestError(f"{value} is not a threshold; give a finite number")
    return f"{value:g}"
