"""Every return kept as received, and one writer at a time per contract.

Layout inside ``data/<contract>/``::

    returns/<received>-<sha256[:12]>.<ext>        the file as received, byte for byte, read-only
    returns/<received>-<sha256[:12]>.rows.csv     its KPI-months as read (kpi_id,month,value,
                                                  footnote, and comment when the return had
                                                  any); absent when the file is already in
                                                  that long layout (a transcription)
    receipts.csv                                  one row per stored return, oldest first,
                                                  with the SHA-256 of the file and of its rows

Stored files are staged and moved into ``returns/`` in the same atomic change as
``receipts.csv`` (``core.atomic.StagedFiles``), so an interrupted ingest leaves no stored file
that no receipt names. Nothing here ever deletes a stored file: one that ``receipts.csv`` does
not name (a lost row) is reported by ``scrutiny verify`` and ``ingest --recover`` and kept.
:mod:`scrutiny.load.evidence` checks the whole store on read; :mod:`scrutiny.load.receipts`
reads it.

A writer holds an exclusive ``fcntl.flock`` on the contract folder itself (no lock file, so a
refused command leaves the folder's bytes exactly as they were).

``<received>`` is the UTC time of receipt, ``YYYYMMDDTHHMMSS`` plus microseconds and ``Z``. Stored
files are read-only and a taken name is refused, so nothing overwrites one. ``returns.csv`` is
the union of the stored returns in receipt order, a later return winning per KPI-month
(:func:`fold_receipts`): ``scrutiny ingest`` rewrites it under the lock in the same atomic change
as ``receipts.csv``, so the register, the results and ``changes.csv`` always agree.

Two writers (``ingest``, ``mitigate``, ``override``) on one contract: the second waits for the lock
up to :data:`LOCK_WAIT_SECONDS` (``SCRUTINY_LOCK_WAIT`` overrides), then is refused with one line.
Each writer reads the contract *after* taking the lock, so a correction can never be undone by a
writer that read the data before it.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd

from scrutiny.core.spreadsheet import defuse
from scrutiny.exceptions import IngestError, ScrutinyError
from scrutiny.load.folder import STORE_DIR
from scrutiny.load.receipts import (
    OPTIONAL_COLUMN,
    RECEIPT_COLUMNS,
    columns_to_write,
    load_receipts,
)

LOCK_WAIT_SECONDS = 60.0


@contextmanager
def contract_lock(folder: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the contract's write lock for the block; wait for it up to ``wait`` seconds.

    Raises
    ------
    IngestError
        Another writer still holds the lock after ``wait`` seconds. Nothing has been written.
    """
    if wait is None:
        wait = float(os.environ.get("SCRUTINY_LOCK_WAIT", LOCK_WAIT_SECONDS))
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IngestError(
                        f"{Path(folder).name}: another ingest, mitigate or override is writing to "
                        f"this contract and did not finish within {wait:g} s; nothing was "
                        "written. Run the command again when it has finished") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


def stored_name(received: datetime, digest: str, suffix: str) -> str:
    """Return the store's file name for a return received at ``received`` (UTC)."""
    return f"{received.strftime('%Y%m%dT%H%M%S%fZ')}-{digest[:12]}{suffix.lower()}"


def check_new_store_file(folder: Path, name: str) -> None:
    """Refuse a store file name that is already taken: stored returns are never overwritten."""
    if (Path(folder) / STORE_DIR / name).exists():
        raise IngestError(f"{STORE_DIR}/{name} already exists in the store of returns; it is "
                          "never overwritten. Ingest the file again")


def rows_csv_bytes(rows: pd.DataFrame) -> bytes:
    """Serialise KPI-month rows (``kpi_id, month, value, footnote[, comment]``) as CSV text."""
    columns = columns_to_write(rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(safe_rows(rows[columns]))
    return buffer.getvalue().encode("utf-8")


def receipts_csv_bytes(existing: bytes, new_rows: pd.DataFrame) -> bytes:
    """``receipts.csv`` with ``new_rows`` appended, earlier rows kept as they were.

    A file written before a column existed (``rows_sha256``) gets it, blank in its old rows.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    old = list(csv.reader(io.StringIO(existing.decode("utf-8-sig"), newline="")))
    old = [row for row in old if row]
    if old and old[0] == RECEIPT_COLUMNS:
        head = existing if existing.endswith(b"\n") else existing + b"\n"
    else:
        header = old[0] if old else []
        writer.writerow(RECEIPT_COLUMNS)
        for row in old[1:]:
            given = dict(zip(header, row, strict=False))
            writer.writerow([given.get(c, "") for c in RECEIPT_COLUMNS])
        head = b""
    writer.writerows(safe_rows(new_rows[RECEIPT_COLUMNS]))
    return head + buffer.getvalue().encode("utf-8")


def safe_rows(rows: pd.DataFrame) -> Iterator[tuple[object, ...]]:
    """The rows of ``rows`` as tuples, every text cell defused (:func:`defuse`).

    The logs and tables the toolkit writes (``receipts.csv``, ``changes.csv``, the decision
    files) are opened in spreadsheets: a file name or reason starting ``=`` stays text.
    """
    for row in rows.itertuples(index=False, name=None):
        yield tuple(defuse(value) for value in row)


def fold_receipts(values: pd.DataFrame) -> pd.DataFrame:
    """The value in force for each KPI-month: the one from the latest return that gave it.

    Its comment is the latest one given for it (a return that leaves the comment out keeps the
    earlier one). Columns as ``returns.csv`` has them (``comment`` only when some row has one).
    """
    keys = ["kpi_id", "month"]
    latest = values.drop_duplicates(keys, keep="last")
    # A return that leaves a comment out keeps the one given before (as ingest stores it).
    comments = values[values[OPTIONAL_COLUMN].fillna("") != ""].drop_duplicates(keys, keep="last")
    latest = latest.drop(columns=OPTIONAL_COLUMN).merge(
        comments[[*keys, OPTIONAL_COLUMN]], on=keys, how="left")
    latest[OPTIONAL_COLUMN] = latest[OPTIONAL_COLUMN].fillna("")
    return latest[columns_to_write(latest)].reset_index(drop=True)


def unregistered_files(folder: Path) -> list[str]:
    """Names of files under ``returns/`` that ``receipts.csv`` does not name (never deleted)."""
    store = Path(folder) / STORE_DIR
    if not store.is_dir():
        return []
    try:
        receipts = load_receipts(folder)
        named = set(receipts["stored_file"]) | set(receipts["rows_file"])
    except (ScrutinyError, OSError, ValueError):  # receipts.csv damaged: it names nothing
        named = set()
    return sorted(p.name for p in store.iterdir() if p.name not in named)
