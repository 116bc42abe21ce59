"""Reading the store of returns: ``receipts.csv`` and each return as received.

The store (``returns/`` and ``receipts.csv`` in ``data/<contract>/``) is written by
``scrutiny.ingest.store`` only; this module reads it, validated by the receipts schema, for
``ingest`` (folding the returns into ``returns.csv``) and for the contract's history.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scrutiny.exceptions import IngestError
from scrutiny.load.folder import RECEIPTS_FILE, STORE_DIR
from scrutiny.load.schemas import RECEIPTS
from scrutiny.load.tables import read_csv_text, validate

RECEIPT_COLUMNS = list(RECEIPTS.columns)
ROWS_COLUMNS = ["kpi_id", "month", "value", "footnote"]


def load_receipts(folder: Path) -> pd.DataFrame:
    """Read ``receipts.csv`` (empty frame when the contract has no stored return yet)."""
    path = Path(folder) / RECEIPTS_FILE
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in RECEIPT_COLUMNS})
    return validate(read_csv_text(path), RECEIPTS, path.name)


def receipt_rows(folder: Path, receipt: pd.Series) -> pd.DataFrame:
    """The KPI-months one stored return holds (text columns :data:`ROWS_COLUMNS`)."""
    path = Path(folder) / STORE_DIR / (receipt["rows_file"] or receipt["stored_file"])
    if not path.is_file():
        raise IngestError(f"{Path(folder).name}/{STORE_DIR}/{path.name}: a stored return named in "
                          f"{RECEIPTS_FILE} is missing; restore it from backup")
    rows = read_csv_text(path)
    if "footnote" not in rows:
        rows["footnote"] = ""
    return rows[ROWS_COLUMNS]


def received_values(folder: Path) -> pd.DataFrame:
    """Every KPI-month value of every stored return, in receipt order.

    Returns
    -------
    pandas.DataFrame
        :data:`ROWS_COLUMNS` plus ``received_at``, ``stored_file``, ``source_name`` and
        ``receipt`` (0 for the first stored return).
    """
    receipts = load_receipts(folder)
    frames = [receipt_rows(folder, r).assign(
        received_at=r["received_at"], stored_file=r["stored_file"],
        source_name=r["source_name"], receipt=i) for i, r in receipts.iterrows()]
    if not frames:
        return pd.DataFrame(columns=[*ROWS_COLUMNS, "received_at", "stored_file", "source_name",
                                     "receipt"])
    return pd.concat(frames, ignore_index=True)
