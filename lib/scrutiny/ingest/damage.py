"""Refusing to build on evidence that no longer verifies, and logging when a person goes on anyway.

``render`` and ``ingest`` call :func:`require_evidence` before they do anything: when
:func:`scrutiny.load.evidence.verify_evidence` finds a problem they stop with
:class:`~scrutiny.exceptions.EvidenceError`, one line per problem. Given ``accept_damage`` (the
reason a person gives with ``--accept-damage``) they go on, and the reason, the command and the
problems are appended to ``damage_log.csv`` in the contract folder, every text cell formula-safe
(``core.spreadsheet.defuse``), so the decision to rely on damaged evidence is itself on record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from scrutiny.config import data_root
from scrutiny.core.atomic import atomic_write
from scrutiny.core.spreadsheet import defuse
from scrutiny.exceptions import EvidenceError
from scrutiny.load.evidence import problem_lines, verify_evidence
from scrutiny.load.folder import DAMAGE_LOG_FILE

#: Columns of :data:`~scrutiny.load.folder.DAMAGE_LOG_FILE`, one row per time someone went on
#: despite damaged evidence.
DAMAGE_LOG_COLUMNS = ["logged_at", "command", "reason", "problems"]


def require_evidence(folder: Path, *, command: str, accept_damage: str | None = None,
                     now: datetime | None = None) -> list[str]:
    """Verify a contract's evidence; refuse, or log and go on when ``accept_damage`` is given.

    Parameters
    ----------
    folder : pathlib.Path
        The contract folder.
    command : str
        What is about to run, for the log (e.g. ``"render"``).
    accept_damage : str, optional
        Why the person goes on despite the damage; blank counts as not given.
    now : datetime, optional
        Time stamped in the log (UTC); default the current time.

    Returns
    -------
    list of str
        The problems, one line each (empty when the evidence verifies), for a warning.

    Raises
    ------
    EvidenceError
        The evidence does not verify and no reason was given. Nothing has been written.
    """
    folder = Path(folder)
    lines = problem_lines(folder.name, verify_evidence(folder))
    if not lines:
        return []
    if not (accept_damage or "").strip():
        raise EvidenceError(refusal(folder.name, lines, command))
    log_accepted_damage(folder, command, accept_damage.strip(), lines, now)
    return lines


def require_evidence_of(contracts: Iterable[object], *, command: str,
                        accept_damage: str | None = None) -> list[str]:
    """:func:`require_evidence` for each named contract that has a folder under the data root.

    ``contracts`` may hold anything a report's parameters name (None and non-text are skipped),
    so ``render`` passes each job's ``contract`` parameter as it is.
    """
    lines = []
    for name in sorted({c for c in contracts if isinstance(c, str)}):
        folder = data_root() / name
        if folder.is_dir():
            lines += require_evidence(folder, command=command, accept_damage=accept_damage)
    return lines


def refusal(contract: str, lines: list[str], command: str) -> str:
    """The message of a refusal: each problem on its own line, then what to do."""
    body = "\n".join(f"  {line}" for line in lines)
    count = f"{len(lines)} problem{'s' if len(lines) > 1 else ''}"
    return (f"{contract}: the store of returns no longer verifies ({count}); {command} refused:\n"
            f"{body}\nRestore the files from backup (scrutiny verify --contract {contract} "
            f"checks again), or run {command} again with --accept-damage \"reason\" (logged in "
            f"{contract}/{DAMAGE_LOG_FILE})")


def log_accepted_damage(folder: Path, command: str, reason: str, lines: list[str],
                        now: datetime | None = None) -> Path:
    """Append one row to ``damage_log.csv`` (created with a header), atomically.

    Every text cell goes through :func:`scrutiny.core.spreadsheet.defuse`: the log is for
    opening in a spreadsheet.
    """
    path = Path(folder) / DAMAGE_LOG_FILE
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    old = path.read_bytes() if path.exists() else b""
    if not old.strip():
        writer.writerow(DAMAGE_LOG_COLUMNS)
        old = b""
    elif not old.endswith(b"\n"):
        old += b"\n"
    writer.writerow([defuse(cell) for cell in (stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), command,
                                               reason, " | ".join(lines))])
    atomic_write(path, old + buffer.getvalue().encode("utf-8"))
    return path
