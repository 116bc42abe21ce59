"""Reading the store of returns: ``receipts.csv`` and each return as received.

The store (``returns/`` and ``receipts.csv`` in ``data/<contract>/``) is written by
``scrutiny.ingest.store`` only; this module reads it, validated by the receipts schema, for
``ingest`` (folding the returns into ``returns.csv``) and for the contract's history, which marks
each value whose stored return no longer verifies (:mod:`scrutiny.load.evidence`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scrutiny.exceptions import IngestError
from scrutiny.load.contract import Contract
from scrutiny.load.evidence import Problem, damaged_store_files, verify_evidence
from scrutiny.load.folder import RECEIPTS_FILE, STORE_DIR
from scrutiny.load.schemas import RECEIPTS
from scrutiny.load.tables import read_csv_text, validate

RECEIPT_COLUMNS = list(RECEIPTS.columns)
ROWS_COLUMNS = ["kpi_id", "month", "value", "footnote", "comment"]
#: The optional last column: written only when some row has a comment, so files of contracts
#: whose suppliers never comment keep their four columns byte for byte.
OPTIONAL_COLUMN = "comment"


def columns_to_write(rows: pd.DataFrame) -> list[str]:
    """:data:`ROWS_COLUMNS`, without ``comment`` when no row has one."""
    has_comment = OPTIONAL_COLUMN in rows and rows[OPTIONAL_COLUMN].fillna("").ne("").any()
    return ROWS_COLUMNS if has_comment else ROWS_COLUMNS[:-1]
#: The ``receipt`` column of :func:`kpi_history`: the value's stored return verifies, or not.
VERIFIED, NOT_VERIFIED = "verified", "DOES NOT VERIFY"


def load_receipts(folder: Path) -> pd.DataFrame:
    """Read ``receipts.csv`` (empty frame when the contract has no stored return yet).

    A store made before ``rows_sha256`` was recorded reads with that column blank.
    """
    path = Path(folder) / RECEIPTS_FILE
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in RECEIPT_COLUMNS})
    receipts = validate(read_csv_text(path), RECEIPTS, path.name)
    return receipts.reindex(columns=RECEIPT_COLUMNS, fill_value="")


def receipt_rows(folder: Path, receipt: pd.Series) -> pd.DataFrame:
    """The KPI-months one stored return holds (text columns :data:`ROWS_COLUMNS`)."""
    path = Path(folder) / STORE_DIR / (receipt["rows_file"] or receipt["stored_file"])
    if not path.is_file():
        raise IngestError(f"{Path(folder).name}/{STORE_DIR}/{path.name}: a stored return named in "
                          f"{RECEIPTS_FILE} is missing; restore it from backup")
    rows = read_csv_text(path)
    for optional in ("footnote", OPTIONAL_COLUMN):
        if optional not in rows:
            rows[optional] = ""
    return rows[ROWS_COLUMNS]


def received_values(folder: Path, *, skip_missing: bool = False) -> pd.DataFrame:
    """Every KPI-month value of every stored return, in receipt order.

    Parameters
    ----------
    folder : pathlib.Path
        The contract folder.
    skip_missing : bool
        Leave out a stored return whose file is missing instead of refusing (``history``,
        which warns of it through :func:`scrutiny.load.evidence.verify_evidence`).

    Returns
    -------
    pandas.DataFrame
        :data:`ROWS_COLUMNS` plus ``received_at``, ``stored_file``, ``rows_file``,
        ``source_name`` and ``receipt`` (0 for the first stored return).
    """
    receipts = load_receipts(folder)
    store = Path(folder) / STORE_DIR
    frames = [receipt_rows(folder, r).assign(
        received_at=r["received_at"], stored_file=r["stored_file"], rows_file=r["rows_file"],
        source_name=r["source_name"], receipt=i) for i, r in receipts.iterrows()
        if not skip_missing or (store / (r["rows_file"] or r["stored_file"])).is_file()]
    if not frames:
        return pd.DataFrame(columns=[*ROWS_COLUMNS, "received_at", "stored_file", "rows_file",
                                     "source_name", "receipt"])
    return pd.concat(frames, ignore_index=True)


def kpi_history(contract: Contract, kpi: str,
                problems: list[Problem] | None = None) -> pd.DataFrame:
    """Every value received for one KPI, month by month (``scrutiny history``).

    Parameters
    ----------
    contract : Contract
        The loaded contract.
    kpi : str
        The KPI code, e.g. ``WST_KPI_01``.
    problems : list of Problem, optional
        What :func:`~scrutiny.load.evidence.verify_evidence` found in the contract's store
        (the caller may have warned of them already); checked here when not given.

    Returns
    -------
    pandas.DataFrame
        ``month, value`` (with its footnote), ``received_at``, ``file`` (as the supplier named
        it), ``stored_as`` (its name in the store), ``in_force`` (``yes`` on the value from
        the latest return giving that month), ``receipt`` (:data:`VERIFIED`, or
        :data:`NOT_VERIFIED` when its stored return or rows file was edited, swapped or its
        receipt discredited) and ``comment`` (the supplier's commentary sent with the value,
        ``""`` for none), sorted by month then time of receipt. A stored return whose file is
        missing gives no rows (the problem names it).

    Raises
    ------
    IngestError
        For a KPI the contract does not define, naming the ones it does.
    """
    if kpi not in set(contract.kpis["kpi_id"]):
        raise IngestError(f"{contract.folder.name}: unknown KPI {kpi!r}; the contract's KPIs are "
                          f"{', '.join(contract.kpis['kpi_id'])}")
    if problems is None:
        problems = verify_evidence(contract.folder)
    damaged = damaged_store_files(problems)
    values = received_values(contract.folder, skip_missing=True)
    values = values[values["kpi_id"] == kpi]
    in_force = ~values.duplicated("month", keep="last")
    return pd.DataFrame({
        "month": values["month"], "value": values["value"] + values["footnote"],
        "received_at": values["received_at"], "file": values["source_name"],
        "stored_as": values["stored_file"], "in_force": in_force.map({True: "yes", False: ""}),
        "receipt": [NOT_VERIFIED if {stored, rows} & damaged else VERIFIED
                    for stored, rows in zip(values["stored_file"], values["rows_file"],
                                            strict=True)],
        "comment": values["comment"],
    }).sort_values(["month", "received_at"], kind="stable")
