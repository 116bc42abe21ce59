"""Recording the council's decisions without editing CSV files: overrides, mitigations, failures.

``scrutiny override`` adds a row to ``overrides.csv`` (revised TSL/MSL for a range of months);
``scrutiny mitigate`` adds a row to ``mitigation_reasons.csv`` (the reason the council agreed
mitigation for a range of months); ``scrutiny failure`` adds a row to ``failure_decisions.csv``
(a section 71(5) decision that the supplier failed to improve, or that a breach led to
termination, damages or a settlement: the only source of a notice's performance failures).
Each is validated like the file it writes: the KPI exists and is in force for every month, the
range lies within the contract's life and does not overlap an earlier row for the KPI,
thresholds agree with the KPI's direction. The new file is loaded with
the whole contract before it replaces the old one, atomically, under the contract's write lock.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.core.atomic import StagedFiles
from scrutiny.core.months import month_label
from scrutiny.exceptions import IngestError
from scrutiny.ingest.store import contract_lock
from scrutiny.load import schemas
from scrutiny.load.contract import Contract, load_contract, overlapping_ranges
from scrutiny.load.failures import FAILURE_KINDS
from scrutiny.load.folder import FAILURES_FILE, OVERRIDES_FILE, REASONS_FILE
from scrutiny.load.tables import fail_at, read_csv_text, validate

#: The decision files, each in the contract folder: overrides.csv, mitigation_reasons.csv and
#: failure_decisions.csv (named in ``scrutiny.load.folder``).
DECISION_FILES = (OVERRIDES_FILE, REASONS_FILE, FAILURES_FILE)


def record_override(name: str, kpi: str, start: pd.Period, end: pd.Period, *,
                    tsl: float | None, msl: float | None, reason: str,
                    data_root: Path | None = None) -> dict[str, str]:
    """Add a threshold override; a level not given stays the KPI's own. Returns the row added."""
    if tsl is None and msl is None:
        raise IngestError("give --tsl, --msl or both: an override revises at least one level")
    folder = dataset_dir(name, data_root)
    with contract_lock(folder):
        contract = load_contract(name, data_root)
        base = _check_range(contract, kpi, start, end)
        row = {"kpi_id": kpi, "from_month": month_label(start), "to_month": month_label(end),
               "tsl": _number(base["tsl"] if tsl is None else tsl),
               "msl": _number(base["msl"] if msl is None else msl), "reason": _reason(reason)}
        data = _appended(folder / OVERRIDES_FILE, row, list(schemas.OVERRIDES.columns))
        with StagedFiles(folder) as staged:
            staged.write(OVERRIDES_FILE, data)
            load_contract(name, data_root, staged=staged.paths)  # overlaps, direction, units
            staged.commit([OVERRIDES_FILE])
    return row


def record_mitigation(name: str, kpi: str, start: pd.Period, end: pd.Period | None, *,
                      reason: str, data_root: Path | None = None,
                      today: date | None = None) -> dict[str, str]:
    """Add the reason the council agreed mitigation for ``kpi`` from ``start`` to ``end``."""
    end = start if end is None else end
    folder = dataset_dir(name, data_root)
    with contract_lock(folder):
        contract = load_contract(name, data_root)
        info = _check_range(contract, kpi, start, end)
        row = {"kpi_id": kpi, "short_description": info["description"],
               "from_month": month_label(start), "to_month": month_label(end),
               "reason": _reason(reason),
               "source": f"recorded with scrutiny mitigate on {(today or date.today()):%Y-%m-%d}"}
        path = folder / REASONS_FILE
        data = _appended(path, row, list(schemas.MITIGATION_REASONS.columns))
        with StagedFiles(folder) as staged:
            staged.write(REASONS_FILE, data)
            _check_reasons(staged.paths[REASONS_FILE])
            staged.commit([REASONS_FILE])
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
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    if decided > stamp.date():
        raise IngestError(f"--decided {decided:%Y-%m-%d} is in the future; record a decision "
                          "once it has been taken")
    folder = dataset_dir(name, data_root)
    with contract_lock(folder):
        contract = load_contract(name, data_root)
        month = pd.Period(decided, freq="M")
        _check_range(contract, kpi, month, month)
        row = {"kpi_id": kpi, "decided": f"{decided:%Y-%m-%d}", "kind": kind,
               "reason": _reason(reason),
               "recorded_at": stamp.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")}
        data = _appended(folder / FAILURES_FILE, row, list(schemas.FAILURE_DECISIONS.columns))
        with StagedFiles(folder) as staged:
            staged.write(FAILURES_FILE, data)
            load_contract(name, data_root, staged=staged.paths)  # known KPI, dates, repeats
            staged.commit([FAILURES_FILE])
    return row


def _check_range(contract: Contract, kpi: str, start: pd.Period, end: pd.Period) -> pd.Series:
    """The KPI's row of ``kpis.csv``; refuse an unknown KPI or months outside its life."""
    kpis = contract.kpis.set_index("kpi_id")
    if kpi not in kpis.index:
        raise IngestError(f"{contract.name}: unknown KPI {kpi!r}; the contract's KPIs are "
                          f"{', '.join(kpis.index)}")
    if end < start:
        raise IngestError(f"--to {month_label(end)} is before --from {month_label(start)}")
    commencement = pd.Period(contract.info.service_commencement, freq="M")
    info = kpis.loc[kpi]
    first = max(commencement, info["effective_from"])
    last = info["effective_to"]
    if start < first or (pd.notna(last) and end > last):
        life = f"{month_label(first)} to {month_label(last) if pd.notna(last) else 'now'}"
        raise IngestError(f"{kpi} {month_label(start)}..{month_label(end)} lies outside the "
                          f"contract: {kpi} is in force {life}; choose months within it")
    return info


def _check_reasons(path: Path) -> None:
    text = validate(read_csv_text(path), schemas.MITIGATION_REASONS, REASONS_FILE)
    ranges = text.assign(from_month=pd.PeriodIndex(text["from_month"], freq="M"),
                         to_month=pd.PeriodIndex(text["to_month"], freq="M"))
    fail_at(ranges, overlapping_ranges(ranges), REASONS_FILE, "from_month",
            "{kpi_id}: these months overlap a mitigation already recorded for the KPI",
            hint="give each month of a KPI one reason; choose months not yet mitigated")


def _appended(path: Path, row: dict[str, str], columns: list[str]) -> bytes:
    """The file's bytes with ``row`` appended (a header first when the file is new)."""
    from scrutiny.ingest.returns import append_csv_bytes

    old = path.read_bytes() if path.exists() else b""
    return append_csv_bytes(old, pd.DataFrame([row], columns=columns), columns)


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise IngestError("--reason is blank: say why the council agreed this")
    return reason


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise IngestError(f"{value} is not a threshold; give a finite number")
    return f"{value:g}"
