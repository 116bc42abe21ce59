"""Ingesting a supplier's KPI return into a contract's ``returns.csv``.

The return is a *wide* table (CSV UTF-8 or Excel ``.xlsx``) laid out like the seed's dashboards:
columns ``KPI``, ``KPI Short Desc``, ``Freq.``, ``TSL``, ``MSL`` (case, spaces and the trailing
dot do not matter), then one column per month with a header as messy as a scanned report
(``Jul-15``, ``Sept-15``, ``May 16``, ``Jun - 16``, ``2016-06``). Each month cell holds a number
or a status word; a trailing ``*`` marks a footnote and is kept in the ``footnote`` column.

Layouts suppliers send are read as they are:

- a few title rows above the header (up to ten) are skipped: the header is the first row with a
  ``KPI`` and a ``TSL`` cell, and row numbers in messages stay those the supplier sees;
- ``96.0%`` in a CSV cell is read as 96.0 for a ``percent`` KPI (and refused for other units);
- an optional ``Comment`` (or ``Comments``) column holds the supplier's commentary per KPI row.
  It belongs to the row's latest month with a result (the month being reported), is stored in
  ``returns.csv``'s optional ``comment`` column, and is refused, with file, row and column, when
  it is longer than :data:`MAX_COMMENT` characters, holds control characters, or looks like a
  spreadsheet formula (starts with ``=``, ``+`` or ``@``, or holds ``=NAME(``): a comment is
  words for a committee, never something a spreadsheet could run. (Other text is still defused
  on every export.)

Rules, checked before anything is written, each reported by file, row and column:

- every column is one of the five above or a month, each month once; every KPI row once;
- KPI codes are defined in ``kpis.csv`` and ``Freq.`` agrees with it;
- ``TSL``/``MSL`` equal those in ``kpis.csv`` or those of an override in force in one of the
  file's months (the seed prints the contractual levels even in months an override applies);
- values are numbers or status words within the KPI's unit (:mod:`scrutiny.core.units`:
  percentages 0-100, counts whole and not negative, other units not negative), an annual KPI
  (``A``) is given only in the contract's year-end month, and a KPI is only reported in months
  it was part of the contract (a *blank* cell outside a KPI's
  life is skipped: it is how a wide table shows "not a KPI yet / any more");
- a KPI-month already in ``returns.csv`` with a different value (or footnote) is refused unless
  ``replace=True``; then each correction is appended to ``changes.csv``. Numbers are compared as
  numbers (``100`` equals ``100.00``; the stored text is kept) and words without regard to case.

The file itself is kept, byte for byte and read-only, in the contract's store of returns
(``returns/``, registered in ``receipts.csv``; see :mod:`scrutiny.ingest.store`), so what was
received, and when, can always be shown (``scrutiny history``). Everything happens under the
contract's write lock, reading the contract only once the lock is held: two ingests at once
lose nothing, and a correction cannot be undone by an ingest that read the data before it.

A KPI that the contract expects in one of the file's months (in force; monthly, or quarterly in a
quarter's last month) but that neither this return nor an earlier one gives is listed in
``IngestResult.missing``; nothing is stored for it and scoring counts it Red, "not in the return".
A quarterly KPI's blank cells in the months it is not due are skipped.

The merged ``returns.csv`` is validated by loading the whole contract from the staged files
(``load_contract(staged=...)``) and then replaced atomically together with ``receipts.csv`` and
``changes.csv`` (``scrutiny.core.atomic``): a failure at any point leaves the data folder's
files as they were (the stored copies are staged with them and move into ``returns/`` only as
part of that change).

``returns.csv`` is kept in one documented order so diffs stay small: KPIs in the order of
``kpis.csv``, then months ascending; columns ``kpi_id,month,value,footnote``; values as written
in the return (status words in their canonical spelling); ``\\n`` line endings. A ``comment``
column follows ``footnote`` only once some KPI-month has a comment.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from dataclasses import replace as replace_result
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.core.atomic import StagedFiles, recover, sha256_bytes
from scrutiny.core.months import month_label, parse_month
from scrutiny.core.statuses import canonical_status
from scrutiny.exceptions import IngestError, InputValidationError, MonthFormatError
from scrutiny.ingest.damage import require_evidence
from scrutiny.ingest.store import (
    check_new_store_file,
    contract_lock,
    receipts_csv_bytes,
    rows_csv_bytes,
    safe_rows,
    stored_name,
    unregistered_files,
)
from scrutiny.ingest.workbook import read_workbook
from scrutiny.load.completeness import DueMonths, missing_kpi_months
from scrutiny.load.contract import (
    check_known_kpis,
    load_contract,
    read_values,
    value_problems,
)
from scrutiny.load.folder import CHANGES_FILE, RECEIPTS_FILE, RETURNS_FILE, STORE_DIR
from scrutiny.load.receipts import (
    RECEIPT_COLUMNS,
    ROWS_COLUMNS,
    columns_to_write,
    load_receipts,
)
from scrutiny.load.schemas import CHANGES
from scrutiny.load.tables import fail_at, read_csv_text, sheet_row, to_number

#: The wide layout's fixed columns: normalised header -> the name used in messages.
KPI_COLUMNS = {"kpi": "KPI", "kpi short desc": "KPI Short Desc", "freq": "Freq.", "tsl": "TSL",
               "msl": "MSL"}
#: The optional commentary column, under either heading.
COMMENT_HEADERS = {"comment": "Comment", "comments": "Comment"}
RETURNS_COLUMNS = ROWS_COLUMNS
#: Longest supplier comment accepted (characters): a paragraph, not a document.
MAX_COMMENT = 2000
#: A comment a spreadsheet could run: a formula start, or a function call such as =HYPERLINK(.
_FORMULA_LIKE = re.compile(r"^\s*[=+@]|=\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CHANGE_COLUMNS = list(CHANGES.columns)
_LAYOUT_HINT = ("the header must be KPI,KPI Short Desc,Freq.,TSL,MSL followed by one column per "
                "month (e.g. Jun-16)")


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did. Frames hold ``kpi_id``, ``month`` (``YYYY-MM``) and values as text.

    ``new`` and ``unchanged`` have ``value``/``footnote``; ``replaced`` has the columns of
    ``changes.csv``. ``written`` is False when the return changed nothing. ``missing`` lists
    the KPI-months the contract expected in the file's months that neither this return nor an
    earlier one gives (scored Red, "not in the return"); nothing is stored for them.
    ``evidence_problems`` lists the damage to the store of returns the caller accepted.
    """

    contract: str
    source: Path
    source_sha256: str
    new: pd.DataFrame
    replaced: pd.DataFrame
    unchanged: pd.DataFrame
    written: bool
    missing: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["kpi_id", "month"]))
    #: Problems of the store of returns accepted with ``accept_damage`` (one line each).
    evidence_problems: tuple[str, ...] = ()


def ingest(name: str, path: Path, *, replace: bool = False, data_root: Path | None = None,
           now: datetime | None = None, accept_damage: str | None = None) -> IngestResult:
    """Validate a wide KPI return and merge it into ``data/<name>/returns.csv``.

    Parameters
    ----------
    name : str
        Contract folder, e.g. ``lincolnshire-css``.
    path : pathlib.Path
        The return, ``.csv`` (UTF-8) or ``.xlsx``.
    replace : bool
        Allow values that differ from ones already stored; each is logged in ``changes.csv``.
    data_root : pathlib.Path, optional
        Folder holding the contract folders (default ``SCRUTINY_DATA`` or the repo's ``data/``).
    now : datetime, optional
        Time stamped on ``changes.csv`` rows (UTC); default the current time.
    accept_damage : str, optional
        Go on although the contract's store of returns does not verify
        (:mod:`scrutiny.load.evidence`), for this reason, logged in ``damage_log.csv``.

    Returns
    -------
    IngestResult

    Raises
    ------
    InputValidationError
        A cell of the return breaks a rule; names file, row and column.
    IngestError
        The return would change stored values without ``replace``, or another ingest holds the
        contract. Nothing has been written.
    EvidenceError
        The contract's store of returns does not verify and no ``accept_damage`` reason was
        given. Nothing has been written.
    """
    path = Path(path)
    folder = dataset_dir(name, data_root)
    raw = _read_source_bytes(path)
    digest = sha256_bytes(raw)
    with contract_lock(folder):  # read and write under one lock: no writer undoes another
        damage = require_evidence(folder, command="ingest", accept_damage=accept_damage, now=now)
        result = _ingest_locked(name, folder, path, raw, digest, replace=replace,
                                data_root=data_root, now=now)
    return replace_result(result, evidence_problems=tuple(damage))


def _ingest_locked(name: str, folder: Path, path: Path, raw: bytes, digest: str, *,
                   replace: bool, data_root: Path | None, now: datetime | None) -> IngestResult:
    contract = load_contract(name, data_root)
    due = DueMonths.of(contract.info)
    incoming = return_to_long(read_return(path, find_header=is_return_header), contract.kpis,
                              contract.overrides, path.name, due)
    merged = _compare(incoming, contract.returns)
    replaced = merged[merged["_state"] == "replaced"]
    if len(replaced) and not replace:
        first = replaced.iloc[0]
        old, new = (_shown(first["value_old"], first["footnote_old"]),
                    _shown(first["value"], first["footnote"]))
        what = (f"is {old!r} in returns.csv but {new!r} here" if old != new else
                f"has a different comment in returns.csv ({_clip(first['comment_old'])!r}) "
                f"than here ({_clip(first['comment'])!r})")
        raise IngestError(
            f"{path.name}, row {first['row']}, column '{first['header']}': {first['kpi_id']} "
            f"{first['month']} {what} ({_count(len(replaced))}). Check the return, or pass "
            "--replace to correct the stored values (logged in changes.csv)")
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    changes = _change_rows(replaced, stamp, path.name, digest)
    union = _merge(contract.returns, merged)
    file_months = pd.PeriodIndex(sorted(set(incoming["month"])), freq="M")
    missing = missing_kpi_months(
        contract.kpis, union.assign(month=pd.PeriodIndex(union["month"], freq="M")), file_months,
        due)
    receipts = load_receipts(folder)
    result = IngestResult(
        contract=name, source=path, source_sha256=digest,
        new=merged.loc[merged["_state"] == "new", RETURNS_COLUMNS].reset_index(drop=True),
        replaced=changes, written=False,
        unchanged=merged.loc[merged["_state"] == "unchanged", RETURNS_COLUMNS]
        .reset_index(drop=True),
        missing=missing.assign(month=missing["month"].map(month_label)))
    if digest in set(receipts["sha256"]) or (result.new.empty and changes.empty):
        return result
    returns_bytes = returns_csv_bytes(union, list(contract.kpis["kpi_id"]))
    with StagedFiles(folder) as staged:
        # The stored copies are staged too and move into returns/ in the same change as
        # receipts.csv: an interrupted ingest leaves none behind, so nothing ever deletes one.
        new_receipts, order = _adopt_transcription(folder, receipts, stamp, staged)
        stored = stored_name(stamp, digest, path.suffix)
        rows_file = stored.rsplit(".", 1)[0] + ".rows.csv"
        rows_bytes = rows_csv_bytes(incoming)
        for file_name, data in ((stored, raw), (rows_file, rows_bytes)):
            check_new_store_file(folder, file_name)
            staged.write(f"{STORE_DIR}/{file_name}", data, read_only=True)
            order.append(f"{STORE_DIR}/{file_name}")
        new_receipts.append(_receipt(stamp, stored, rows_file, path.name, digest, replace,
                                     sha256_bytes(rows_bytes)))
        staged.write(RECEIPTS_FILE, receipts_csv_bytes(
            (folder / RECEIPTS_FILE).read_bytes() if (folder / RECEIPTS_FILE).exists()
            else b"", pd.DataFrame(new_receipts, columns=RECEIPT_COLUMNS)))
        staged.write(RETURNS_FILE, returns_bytes)
        order.append(RECEIPTS_FILE)
        if not changes.empty:
            old = (folder / CHANGES_FILE).read_bytes() if (folder / CHANGES_FILE).exists() \
                else b""
            staged.write(CHANGES_FILE, append_csv_bytes(old, changes, CHANGE_COLUMNS))
            order.append(CHANGES_FILE)
        load_contract(name, data_root, staged=staged.paths)
        staged.commit([*order, RETURNS_FILE])
    return IngestResult(**{**result.__dict__, "written": True})


def _receipt(stamp: datetime, stored: str, rows_file: str, source: str, digest: str,
             replace: bool, rows_digest: str = "") -> dict[str, str]:
    return {"received_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "stored_file": stored,
            "rows_file": rows_file, "source_name": source, "sha256": digest,
            "replace": "yes" if replace else "no", "rows_sha256": rows_digest}


def _adopt_transcription(folder: Path, receipts: pd.DataFrame, stamp: datetime,
                         staged: StagedFiles) -> tuple[list[dict[str, str]], list[str]]:
    """A contract whose ``returns.csv`` predates the store: keep that file as its first return.

    Returns the receipt rows to add and the store files staged (none when the store already
    exists or nothing is held).
    """
    current = folder / RETURNS_FILE
    if len(receipts) or not current.exists() or read_csv_text(current).empty:
        return [], []
    data = current.read_bytes()
    digest = sha256_bytes(data)
    earlier = stamp - timedelta(microseconds=1)  # received before the return being ingested
    stored = stored_name(earlier, digest, ".csv")
    check_new_store_file(folder, stored)
    staged.write(f"{STORE_DIR}/{stored}", data, read_only=True)
    return ([_receipt(earlier, stored, "", f"{RETURNS_FILE} (held before the store of returns)",
                      digest, False)], [f"{STORE_DIR}/{stored}"])


def recover_contract(name: str, data_root: Path | None = None) -> str:
    """Finish or undo an interrupted ingest into contract ``name``; say which, in words.

    Never deletes a stored return: a file under ``returns/`` that ``receipts.csv`` does not name
    (e.g. ``receipts.csv`` lost a row in a restore or a merge) is named and kept.
    """
    folder = dataset_dir(name, data_root)
    with contract_lock(folder):
        outcome = recover(folder)
        kept = unregistered_files(folder)
    if kept:
        outcome += (f"; kept {len(kept)} file{'s' if len(kept) > 1 else ''} in {STORE_DIR}/ that "
                    f"{RECEIPTS_FILE} does not name ({', '.join(kept)}): restore "
                    f"{RECEIPTS_FILE} from backup (scrutiny verify --contract {name} lists "
                    "what is wrong); stored returns are never deleted")
    return outcome


#: Largest return (or schedule) file read, in bytes. A month's return is a few kilobytes; a file
#: above this is refused before a byte is read, so a huge file cannot exhaust memory.
MAX_RETURN_BYTES = 20 * 2**20


def _read_source_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise IngestError(f"{path}: file not found")
    check_size(path)
    return path.read_bytes()


def check_size(path: Path) -> None:
    """Refuse a file above :data:`MAX_RETURN_BYTES` in one line, before reading it."""
    size = Path(path).stat().st_size
    if size > MAX_RETURN_BYTES:
        raise IngestError(f"{Path(path).name}: {size / 2**20:,.0f} MB is larger than a return can "
                          f"be ({MAX_RETURN_BYTES // 2**20} MB); check it is the right file, or "
                          "send the months as separate returns")


def is_return_header(cells: list[str]) -> bool:
    """True for a wide return's header row: it has a ``KPI`` and a ``TSL`` cell."""
    keys = {_key(cell) for cell in cells}
    return "kpi" in keys and "tsl" in keys


def _key(label: str) -> str:
    return str(label).strip().lower().rstrip(".").strip()


def read_return(path: Path, find_header=None) -> pd.DataFrame:
    """Read a wide return as text: ``.csv`` through ``tables.read_csv_text``, ``.xlsx`` with
    openpyxl (the one visible sheet). Blank cells are ``""``; ``tables.sheet_row(index)`` is a
    row's number in the file. ``find_header`` (e.g. :func:`is_return_header`) skips title rows
    above the header. Files above :data:`MAX_RETURN_BYTES` are refused before they are read."""
    check_size(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_text(path, find_header)
    if suffix == ".xlsx":
        return read_workbook(path, find_header)
    raise IngestError(f"{path.name}: cannot read '{suffix or 'no extension'}' files; "
                      "send the return as .csv (UTF-8) or .xlsx")


def return_to_long(wide: pd.DataFrame, kpis: pd.DataFrame, overrides: pd.DataFrame,
                   file: str, due: DueMonths | None = None) -> pd.DataFrame:
    """Check a wide return and melt it to one row per KPI-month.

    Parameters
    ----------
    due : DueMonths, optional
        The contract's quarter-end and year-end months (default Mar/Jun/Sep/Dec, March).

    Returns
    -------
    pandas.DataFrame
        ``kpi_id``, ``month`` (``YYYY-MM``), ``value`` (text, canonical status word),
        ``footnote`` (``*`` or ``""``), ``comment`` (``""`` for none), plus ``row`` and
        ``header`` locating the cell in the file; sorted by row, then month column.
    """
    header_row = int(wide.attrs.get("header_row", 1))
    wide, months = _classify_columns(wide, file, header_row)
    wide = wide[(wide != "").any(axis=1)]
    if wide.empty:
        raise InputValidationError("has no KPI rows", file=file, row=2,
                                   hint="add one row per KPI under the header")
    wide = wide.assign(KPI=wide["KPI"].str.strip())
    fail_at(wide, wide["KPI"] == "", file, "KPI", "the KPI code is blank",
            hint="put the KPI code (e.g. PM_KPI_01) in the first column")
    check_known_kpis(wide, kpis, file, column="KPI")
    fail_at(wide, wide["KPI"].duplicated(), file, "KPI", "{KPI} appears in a second row",
            hint="keep one row per KPI")
    _check_frequency(wide, kpis, file)
    _check_thresholds_in_file(wide, kpis, overrides, months, file)
    if "Comment" not in wide:
        wide = wide.assign(Comment="")
    _check_comments(wide, file)
    return _melt(wide, months, kpis, file, due or DueMonths())


def _classify_columns(wide: pd.DataFrame, file: str,
                      header_row: int = 1) -> tuple[pd.DataFrame, dict[str, pd.Period]]:
    named: dict[str, str] = {}
    months: dict[str, pd.Period] = {}
    keep: list[str] = []
    fixed = {**KPI_COLUMNS, **COMMENT_HEADERS}
    for label in wide.columns:
        key = _key(label)
        if key in fixed:
            if fixed[key] in named.values():
                raise InputValidationError(f"a second {fixed[key]} column", file=file,
                                           row=header_row, column=label, hint=_LAYOUT_HINT)
            named[label] = fixed[key]
        elif key == "" and (wide[label].str.strip() == "").all():
            continue  # an empty trailing column, as spreadsheets export
        else:
            months[label] = _month_of_header(label, file, header_row)
        keep.append(label)
    missing = [c for c in KPI_COLUMNS.values() if c not in named.values()]
    if missing:
        raise InputValidationError(f"missing column(s) {', '.join(missing)}", file=file,
                                   row=header_row, hint=_LAYOUT_HINT)
    if not months:
        raise InputValidationError("has no month columns", file=file, row=header_row,
                                   hint=_LAYOUT_HINT)
    seen: dict[pd.Period, str] = {}
    for label, month in months.items():
        if month in seen:
            raise InputValidationError(
                f"is the same month ({month_label(month)}) as column '{seen[month]}'", file=file,
                row=header_row, column=label, hint="keep one column per month")
        seen[month] = label
    return wide[keep].rename(columns=named), months


def _month_of_header(label: str, file: str, header_row: int = 1) -> pd.Period:
    try:
        return parse_month(label)
    except MonthFormatError:
        raise InputValidationError(
            f"column {label!r} is neither a KPI column nor a month", file=file, row=header_row,
            column=label, hint="write months as Jun-16 or 2016-06; " + _LAYOUT_HINT) from None


def _kpi_info(wide: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    return kpis.set_index("kpi_id").loc[wide["KPI"]].set_axis(wide.index)


def _check_frequency(wide: pd.DataFrame, kpis: pd.DataFrame, file: str) -> None:
    stated = wide["Freq."].str.strip().str.upper()
    expected = _kpi_info(wide, kpis)["frequency"]
    fail_at(wide.assign(_stated=stated, _expected=expected),
            (stated != "") & (stated != expected), file, "Freq.",
            "{KPI}: Freq. says {_stated!r} but kpis.csv says {_expected!r}",
            hint="use M for monthly, Q for quarterly or A for annual, as kpis.csv does")


def _check_comments(wide: pd.DataFrame, file: str) -> None:
    """Refuse comments that are too long, hold control characters or look like formulas."""
    comment = wide["Comment"].fillna("")
    shown = wide.assign(_length=comment.str.len())
    fail_at(shown, comment.str.len() > MAX_COMMENT, file, "Comment",
            f"{{KPI}}: the comment is {{_length:,}} characters, more than {MAX_COMMENT:,}",
            hint="shorten it to a paragraph; send longer explanations separately")
    fail_at(wide, comment.str.contains(_CONTROL), file, "Comment",
            "{KPI}: the comment holds control characters",
            hint="write the comment as plain text")
    fail_at(wide, comment.str.contains(_FORMULA_LIKE), file, "Comment",
            "{KPI}: the comment looks like a spreadsheet formula",
            hint="write it as words (it must not start with =, + or @, nor hold =NAME( )")


def _check_thresholds_in_file(wide: pd.DataFrame, kpis: pd.DataFrame, overrides: pd.DataFrame,
                              months: dict[str, pd.Period], file: str) -> None:
    """TSL/MSL must be the KPI's own levels or those of an override in force in a file month."""
    stated = wide.assign(tsl=to_number(wide, "TSL", file), msl=to_number(wide, "MSL", file))
    base = kpis[["kpi_id", "tsl", "msl"]]
    file_months = pd.PeriodIndex(list(months.values()), freq="M")
    in_force = overrides[pd.Series(
        [((file_months >= start) & (file_months <= end)).any() for start, end in
         zip(overrides["from_month"], overrides["to_month"], strict=True)],
        index=overrides.index, dtype=bool)]
    allowed = pd.concat([base, in_force[["kpi_id", "tsl", "msl"]]], ignore_index=True)
    pairs = stated[["KPI", "tsl", "msl"]].reset_index().merge(
        allowed, left_on="KPI", right_on="kpi_id", suffixes=("", "_allowed"))
    pair_ok = (pairs["tsl"] == pairs["tsl_allowed"]) & (pairs["msl"] == pairs["msl_allowed"])
    tsl_ok = pairs["tsl"] == pairs["tsl_allowed"]
    by_row = pairs.assign(pair_ok=pair_ok, tsl_ok=tsl_ok).groupby("index")[["pair_ok", "tsl_ok"]]
    ok = by_row.any().reindex(wide.index)
    levels = allowed.assign(text=allowed["tsl"].map("{:g}".format) + "/"
                            + allowed["msl"].map("{:g}".format))
    listed = levels.groupby("kpi_id")["text"].agg(" or ".join)
    report = wide.assign(_allowed=wide["KPI"].map(listed))
    message = ("{KPI}: TSL/MSL {TSL}/{MSL} disagree with kpis.csv and with every override in "
               "force in these months (expected {_allowed})")
    hint = "correct the return, or record the agreed levels in kpis.csv or overrides.csv"
    fail_at(report, ~ok["tsl_ok"], file, "TSL", message, hint=hint)
    fail_at(report, ~ok["pair_ok"], file, "MSL", message, hint=hint)


def _melt(wide: pd.DataFrame, months: dict[str, pd.Period], kpis: pd.DataFrame,
          file: str, due: DueMonths) -> pd.DataFrame:
    order = {label: position for position, label in enumerate(months)}
    long = (wide[["KPI", "Comment", *months]].rename(columns={"KPI": "kpi_id",
                                                               "Comment": "_comment"})
            .melt(id_vars=["kpi_id", "_comment"], var_name="header", value_name="cell",
                  ignore_index=False))
    long = long.assign(row=[sheet_row(i) for i in long.index],
                       _column=long["header"].map(order))
    long = long.sort_values(["row", "_column"], kind="stable").reset_index(drop=True)
    cell = long["cell"].str.strip()
    footnote = cell.str.extract(r"(\**)$", expand=False).fillna("")
    value = cell.str.replace(r"\s*\*+$", "", regex=True)
    info = kpis.set_index("kpi_id").loc[long["kpi_id"]].set_axis(long.index)
    value = _percent_signs(long.assign(value=value), info["unit"], file)
    status = canonical_status(value)
    long = long.assign(month=long["header"].map(months), value=value.where(status.isna(), status),
                       footnote=footnote)
    outside = (long["month"] < info["effective_from"]) | (
        info["effective_to"].notna() & (long["month"] > info["effective_to"]))
    # A quarterly or annual KPI's cells are blank in the months it is not due: not a result.
    not_due = (info["frequency"] != "M") & ~due.is_due(info["frequency"], long["month"])
    outside |= not_due
    blank = (long["value"] == "") & (long["footnote"] == "")
    _refuse_annual_off_month(long[(info["frequency"] == "A") & not_due & ~blank], due, file)
    long = read_values(long[~(outside & blank)])
    long = long.assign(comment=_comment_on_latest_month(long))
    for problem in value_problems(long, kpis):
        if problem.mask.any():
            first = long[problem.mask].iloc[0]
            raise InputValidationError(problem.message.format(**first.to_dict()), file=file,
                                       row=int(first["row"]), column=first["header"],
                                       hint=problem.hint)
    return long.assign(month=long["month"].map(month_label))[
        [*RETURNS_COLUMNS, "status", "number", "row", "header"]].reset_index(drop=True)


def _percent_signs(long: pd.DataFrame, unit: pd.Series, file: str) -> pd.Series:
    """``96.0%`` -> ``96.0`` for percent KPIs; refused (file, row, column) for other units."""
    value = long["value"]
    signed = value.str.fullmatch(r"[+-]?\d+(\.\d+)?\s*%")
    wrong = signed & (unit != "percent")
    if wrong.any():
        first = long[wrong].iloc[0]
        raise InputValidationError(
            f"{first['kpi_id']}: {first['value']!r} is a percentage but the KPI's unit is "
            f"{unit[wrong].iloc[0]}", file=file, row=int(first["row"]), column=first["header"],
            hint="give the result as a number in the KPI's unit, without %")
    return value.where(~signed, value.str.replace(r"\s*%$", "", regex=True))


def _refuse_annual_off_month(given: pd.DataFrame, due: DueMonths, file: str) -> None:
    """An annual KPI is given only in the contract's year-end month."""
    if given.empty:
        return
    first = given.iloc[0]
    due_name = pd.Period(f"2000-{due.year_end_month:02d}", freq="M").strftime("%B")
    raise InputValidationError(
        f"{first['kpi_id']} is an annual KPI, due in {due_name} (the contract year's last "
        f"month), but a result is given for {month_label(first['month'])}", file=file,
        row=int(first["row"]), column=first["header"],
        hint="give it in the year-end month's return, or set year_end_month in contract.yaml")


def _comment_on_latest_month(long: pd.DataFrame) -> pd.Series:
    """Each row's comment on its latest month with a result; ``""`` on its other months."""
    given = (long["value"] != "") | (long["footnote"] != "")
    latest = long[given].groupby("row")["month"].transform("max")
    on_latest = pd.Series(False, index=long.index)
    on_latest[latest.index] = long.loc[latest.index, "month"] == latest
    return long["_comment"].fillna("").str.strip().where(on_latest, "")


def _compare(incoming: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """Label each incoming KPI-month ``new``, ``unchanged`` or ``replaced``."""
    old = stored.assign(month=stored["month"].map(month_label))[
        ["kpi_id", "month", "value", "footnote", "comment", "status", "number"]]
    merged = incoming.merge(old, on=["kpi_id", "month"], how="left", suffixes=("", "_old"),
                            indicator=True)
    same_word = merged["status"].notna() & (merged["status"] == merged["status_old"])
    same_number = merged["number"].notna() & (merged["number"] == merged["number_old"])
    # A comment left out keeps the stored one; a different comment is a correction.
    same_comment = (merged["comment"] == "") | (merged["comment"] == merged["comment_old"])
    same = ((same_word | same_number) & (merged["footnote"] == merged["footnote_old"])
            & same_comment)
    merged["comment"] = merged["comment"].where(merged["comment"] != "",
                                                merged["comment_old"].fillna(""))
    state = pd.Series("replaced", index=merged.index)
    state[merged["_merge"] == "left_only"] = "new"
    state[(merged["_merge"] == "both") & same] = "unchanged"
    return merged.assign(_state=state)


def _merge(stored: pd.DataFrame, compared: pd.DataFrame) -> pd.DataFrame:
    """Stored rows with replaced values swapped in, plus new rows (text columns only)."""
    current = stored.assign(month=stored["month"].map(month_label))[RETURNS_COLUMNS]
    changed = compared[compared["_state"] != "unchanged"][RETURNS_COLUMNS]
    keys = ["kpi_id", "month"]
    kept = current.merge(changed[keys], on=keys, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"][RETURNS_COLUMNS]
    return pd.concat([kept, changed], ignore_index=True)


def returns_csv_bytes(returns: pd.DataFrame, kpi_order: list[str]) -> bytes:
    """Serialise returns in the documented order: ``kpi_order``, then month ascending."""
    ordered = returns.assign(_kpi=pd.Categorical(returns["kpi_id"], categories=kpi_order,
                                                 ordered=True))
    ordered = ordered.sort_values(["_kpi", "month"], kind="stable")[RETURNS_COLUMNS]
    return append_csv_bytes(b"", ordered, columns_to_write(ordered))


def append_csv_bytes(existing: bytes, rows: pd.DataFrame, columns: list[str]) -> bytes:
    """Return ``existing`` CSV bytes with ``rows`` appended (a header first if it is empty)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    if not existing.strip():
        writer.writerow(columns)
    writer.writerows(safe_rows(rows[columns]))  # logs are opened in spreadsheets: no formulas
    head = existing if existing.strip() else b""
    if head and not head.endswith(b"\n"):
        head += b"\n"
    return head + buffer.getvalue().encode("utf-8")


def _change_rows(replaced: pd.DataFrame, stamp: datetime, source: str,
                 digest: str) -> pd.DataFrame:
    return pd.DataFrame({
        "kpi_id": replaced["kpi_id"], "month": replaced["month"],
        "old_value": replaced["value_old"], "old_footnote": replaced["footnote_old"],
        "new_value": replaced["value"], "new_footnote": replaced["footnote"],
        "changed_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "source_file": source,
        "source_sha256": digest,
    }, columns=CHANGE_COLUMNS).reset_index(drop=True)


def _clip(text: object, width: int = 40) -> str:
    """A comment shortened for a one-line message."""
    text = "" if pd.isna(text) else str(text)
    return text if len(text) <= width else text[:width - 3] + "..."


def _shown(value: str, footnote: str) -> str:
    return f"{value}{footnote}"


def _count(differing: int) -> str:
    return f"{differing} KPI-month{'s differ' if differing > 1 else ' differs'}"
