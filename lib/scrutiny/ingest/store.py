"""Every return kept as received, and one writer at a time per contract.

Layout inside ``data/<contract>/``::

    returns/<received>-<sha256[:12]>.<ext>        the file as received, byte for byte, read-only
    returns/<received>-<sha256[:12]>.rows.csv     its KPI-months as read (kpi_id,month,value,
                                                  footnote); absent when the file is already in
                                                  that long layout (a transcription)
    receipts.csv                                  one row per stored return, oldest first

A writer holds an exclusive ``fcntl.flock`` on the contract folder itself (no lock file, so a
refused command leaves the folder's bytes exactly as they were).

``<received>`` is the UTC time of receipt, ``YYYYMMDDTHHMMSS`` plus microseconds and ``Z``. Stored
files are created with ``O_EXCL`` and made read-only, so nothing overwrites one. ``returns.csv`` is
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

from scrutiny.exceptions import IngestError
from scrutiny.load.folder import STORE_DIR
from scrutiny.load.receipts import ROWS_COLUMNS, load_receipts

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


def write_immutable(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``, synced and read-only; refuse if it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError:
        raise IngestError(f"{path.parent.name}/{path.name} already exists in the store of "
                          "returns; it is never overwritten. Ingest the file again") from None
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def rows_csv_bytes(rows: pd.DataFrame) -> bytes:
    """Serialise KPI-month rows (``kpi_id, month, value, footnote``) as CSV text."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROWS_COLUMNS)
    writer.writerows(rows[ROWS_COLUMNS].itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def fold_receipts(values: pd.DataFrame) -> pd.DataFrame:
    """The value in force for each KPI-month: the one from the latest return that gave it."""
    latest = values.drop_duplicates(["kpi_id", "month"], keep="last")
    return latest[ROWS_COLUMNS].reset_index(drop=True)


def remove_orphans(folder: Path) -> int:
    """Delete stored files that ``receipts.csv`` does not name (an ingest that did not complete).

    Returns how many were removed; an empty store folder is removed too.
    """
    store = Path(folder) / STORE_DIR
    if not store.is_dir():
        return 0
    receipts = load_receipts(folder)
    named = set(receipts["stored_file"]) | set(receipts["rows_file"])
    orphans = [p for p in store.iterdir() if p.name not in named]
    for orphan in orphans:
        orphan.unlink()
    if not any(store.iterdir()):
        store.rmdir()
    return len(orphans)
