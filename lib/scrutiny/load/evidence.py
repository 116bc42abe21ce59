"""Whether a contract's store of returns is still evidence: every receipt checked on read.

``scrutiny ingest`` keeps each return byte for byte, read-only, under ``returns/`` and names it,
with its SHA-256, in ``receipts.csv`` (see :mod:`scrutiny.ingest.store`). Nothing stops someone
with write access from editing, deleting or swapping a stored file, or editing ``receipts.csv`` or
``returns.csv`` by hand. :func:`verify_evidence` finds each of these, read-only, and names it in
one :class:`Problem` (one line: file, expected and found hash):

- a stored return that is missing, or whose SHA-256 differs from its receipt (edited, swapped);
- a receipt whose SHA-256 disagrees with the digest in the stored file's own name (the
  ``<received>-<sha256[:12]>`` the store gave it), i.e. ``receipts.csv`` edited to match a swap;
- a rows file (the KPI-months read from a return) missing, or differing from its recorded
  SHA-256 (``rows_sha256``; a receipt with a rows file but no digest is a problem too);
- a file under ``returns/`` that no receipt names (unregistered);
- a KPI-month of ``returns.csv`` (the values in force) that the receipts do not give, or a value
  the receipts give that ``returns.csv`` lacks or holds differently (``returns.csv`` edited);
- a symbolic link anywhere in the contract folder that points outside it.

Cost: the stored returns and rows files are hashed on every call (a few kB each); nothing is
cached, since a cache is exactly what an edit would go around. A contract whose ``returns.csv``
predates the store (no receipt yet) has nothing to check but its links.

Layer ``load``: reads only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from scrutiny.exceptions import EvidenceError
from scrutiny.load.folder import RECEIPTS_FILE, RETURNS_FILE, STORE_DIR

_DIGEST_IN_NAME = re.compile(r"^\d{8}T\d{12}Z-([0-9a-f]{12})\.")
_ROW_KEY = ("kpi_id", "month")


@dataclass(frozen=True)
class Problem:
    """One way the evidence no longer holds: the file, what is wrong, expected and found."""

    file: str  # relative to the contract folder, e.g. ``returns/2016...Z-3c0530df8b34.csv``
    what: str
    expected: str = ""
    found: str = ""
    concerns: str = ""  # the store file (under returns/) whose receipt this problem discredits

    def line(self, contract: str) -> str:
        """One line for a person: ``contract/file: what (expected X, found Y)``."""
        detail = ""
        if self.expected or self.found:
            detail = f" (expected {self.expected or '-'}, found {self.found or '-'})"
        return f"{contract}/{self.file}: {self.what}{detail}"


def verify_evidence(folder: Path) -> list[Problem]:
    """Check a contract's stored returns, receipts, ``returns.csv`` and links; read-only.

    Parameters
    ----------
    folder : pathlib.Path
        The contract folder, ``data/<contract>/``.

    Returns
    -------
    list of Problem
        Empty when every stored return matches its receipt and ``returns.csv`` is what the
        receipts give; otherwise one problem per finding, in a stable order.
    """
    folder = Path(folder)
    problems = _links_outside(folder)
    receipts = _read_rows(folder / RECEIPTS_FILE) if (folder / RECEIPTS_FILE).exists() else []
    problems += _unregistered(folder, receipts)
    received: list[dict[str, str]] = []
    intact = True
    for number, receipt in enumerate(receipts, start=2):
        found, rows = _check_receipt(folder, number, receipt)
        problems += found
        intact = intact and rows is not None
        received += rows or []
    if receipts and intact:  # returns.csv can only be checked against every receipt's rows
        problems += _returns_agree(folder, received)
    return problems


def verified_words(count: int) -> str:
    """What ``scrutiny verify`` says of ``count`` verified stored returns, verb agreeing.

    Examples
    --------
    >>> verified_words(1)
    '1 stored return matches its SHA-256, and returns.csv is what it gives'
    >>> verified_words(3)
    '3 stored returns match their SHA-256, and returns.csv is what they give'
    """
    if count == 1:
        return "1 stored return matches its SHA-256, and returns.csv is what it gives"
    return f"{count} stored returns match their SHA-256, and returns.csv is what they give"


def verified_returns(folder: Path) -> int:
    """Verify a contract's evidence (``scrutiny verify``); how many stored returns it holds.

    Parameters
    ----------
    folder : pathlib.Path
        The contract folder, ``data/<contract>/``.

    Returns
    -------
    int
        The number of receipts, every one of which verified.

    Raises
    ------
    EvidenceError
        Any problem :func:`verify_evidence` finds, each on its own line.
    """
    folder = Path(folder)
    lines = problem_lines(folder.name, verify_evidence(folder))
    if lines:
        raise EvidenceError(not_verified(folder.name, lines))
    path = folder / RECEIPTS_FILE
    return len(_read_rows(path)) if path.exists() else 0


def not_verified(contract: str, lines: list[str]) -> str:
    """The message for evidence that does not verify: a count, then each problem on its line."""
    return (f"{contract}: the store of returns does not verify ({len(lines)} "
            f"problem{'s' if len(lines) > 1 else ''}):\n"
            + "\n".join(f"  {line}" for line in lines))


def problem_lines(contract: str, problems: list[Problem]) -> list[str]:
    """The problems as lines of text (see :meth:`Problem.line`)."""
    return [p.line(contract) for p in problems]


def damaged_store_files(problems: list[Problem]) -> set[str]:
    """Names of the store files (under ``returns/``) whose receipts the problems discredit."""
    prefix = f"{STORE_DIR}/"
    return {p.concerns for p in problems if p.concerns} | {
        p.file[len(prefix):] for p in problems if p.file.startswith(prefix)}


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it is not a regular file."""
    if not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return [dict(row) for row in csv.DictReader(io.StringIO(text, newline=""))]


def _links_outside(folder: Path) -> list[Problem]:
    """Every symbolic link under ``folder`` whose target lies outside it (or dangles outside)."""
    home = folder.resolve()
    problems = []
    for parent, dirs, files in os.walk(folder):  # does not follow links
        for name in sorted([*dirs, *files]):
            path = Path(parent) / name
            if not path.is_symlink():
                continue
            target = path.resolve()
            if target != home and home not in target.parents:
                problems.append(Problem(path.relative_to(folder).as_posix(),
                                        "a symbolic link pointing outside the contract folder; "
                                        "replace it with the file itself",
                                        "a file inside the folder", str(target)))
    return problems


def _unregistered(folder: Path, receipts: list[dict[str, str]]) -> list[Problem]:
    store = folder / STORE_DIR
    if not store.is_dir():
        return []
    named = {r.get("stored_file", "") for r in receipts} | {r.get("rows_file", "")
                                                          for r in receipts}
    return [Problem(f"{STORE_DIR}/{p.name}", f"unregistered: no row of {RECEIPTS_FILE} names "
                    "this stored file; restore receipts.csv from backup, or remove the file if "
                    "it is not evidence", "a receipt", file_sha256(p) or "not a file")
            for p in sorted(store.iterdir()) if p.name not in named]


def _check_receipt(folder: Path, number: int, receipt: dict[str, str]
                   ) -> tuple[list[Problem], list[dict[str, str]] | None]:
    """Problems of one receipt (row ``number`` of receipts.csv) and the rows it gives.

    The rows are None when the file they are read from (the rows file, or the stored file of a
    transcription) is missing or changed.
    """
    stored = receipt.get("stored_file", "")
    recorded = receipt.get("sha256", "")
    where = f"{STORE_DIR}/{stored}"
    problems = []
    named = _DIGEST_IN_NAME.match(stored)
    if named is None or not recorded.startswith(named.group(1)):
        problems.append(Problem(
            RECEIPTS_FILE, f"row {number}: the receipt's sha256 does not match the digest in "
            f"the stored file's name {stored!r} (receipts.csv edited); restore it from backup",
            f"{named.group(1) if named else '?'}...", recorded, concerns=stored))
    found = file_sha256(folder / STORE_DIR / stored) if stored else None
    if found is None:
        problems.append(Problem(where, "stored return missing; restore it from backup",
                                recorded, "no file"))
    elif found != recorded:
        problems.append(Problem(where, "stored return changed since it was received (edited or "
                                "swapped); restore it from backup", recorded, found))
    rows_file = receipt.get("rows_file", "")
    source_ok = found is not None and found == recorded
    source = stored
    if rows_file:
        source = rows_file
        expected = receipt.get("rows_sha256", "")
        found_rows = file_sha256(folder / STORE_DIR / rows_file)
        source_ok = found_rows is not None and found_rows == expected
        if found_rows is None:
            problems.append(Problem(f"{STORE_DIR}/{rows_file}", "rows file of a stored return "
                                    "missing; restore it from backup", expected, "no file"))
        elif found_rows != expected:
            problems.append(Problem(f"{STORE_DIR}/{rows_file}", "rows file changed since it was "
                                    "received (or its receipt lacks rows_sha256); restore it "
                                    "from backup", expected or "a recorded rows_sha256",
                                    found_rows))
    return problems, _read_rows(folder / STORE_DIR / source) if source_ok else None


def _returns_agree(folder: Path, received: list[dict[str, str]]) -> list[Problem]:
    """``returns.csv`` must hold exactly the latest received value of each KPI-month."""
    in_force: dict[tuple[str, str], dict[str, str]] = {}
    for row in received:  # receipt order: a later return wins
        in_force[tuple(row.get(k, "") for k in _ROW_KEY)] = row
    path = folder / RETURNS_FILE
    held = _read_rows(path) if path.exists() else []
    problems = []
    seen = set()
    for line, row in enumerate(held, start=2):
        key = tuple(row.get(k, "") for k in _ROW_KEY)
        seen.add(key)
        given = in_force.get(key)
        if given is None:
            problems.append(Problem(RETURNS_FILE, f"row {line}: {key[0]} {key[1]} is in force but "
                                    "no stored return gives it (returns.csv edited); ingest the "
                                    "return that gives it, or restore returns.csv",
                                    "no such KPI-month", _shown(row)))
        elif not _same(given, row):
            problems.append(Problem(RETURNS_FILE, f"row {line}: {key[0]} {key[1]} differs from "
                                    "the latest stored return (returns.csv edited); restore "
                                    "returns.csv or ingest a correction with --replace",
                                    _shown(given), _shown(row)))
    for key, given in in_force.items():
        if key not in seen:
            problems.append(Problem(RETURNS_FILE, f"{key[0]} {key[1]} was received but is not in "
                                    "returns.csv (returns.csv edited); restore returns.csv",
                                    _shown(given), "no row"))
    return problems


def _shown(row: dict[str, str]) -> str:
    return repr(f"{row.get('value', '')}{row.get('footnote', '')}")


def _same(given: dict[str, str], held: dict[str, str]) -> bool:
    """Equal as ingest compares them: numbers as numbers, words ignoring case; same footnote."""
    if given.get("footnote", "") != held.get("footnote", ""):
        return False
    a, b = given.get("value", "").strip(), held.get("value", "").strip()
    try:
        return float(a) == float(b)
    except ValueError:
        return a.casefold() == b.casefold()
