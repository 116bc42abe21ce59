"""Replacing several files of a data folder so that a failure leaves them exactly as they were.

One file can be replaced atomically: write a temporary file in the same folder, ``fsync`` it and
``os.replace`` it over the old one. Two files (``returns.csv`` and ``changes.csv``) need two
renames, and a crash between them would leave one changed and the other not. ``StagedFiles``
makes the pair behave as one change:

1. **Stage.** ``mkdir <folder>/.ingest-staging`` (atomic, so it doubles as a lock: a second
   ingest into the same contract is refused), write each new file there under its real name and
   ``fsync`` it. Callers validate the staged files before going on (``load_contract(staged=...)``).
2. **Back up.** Copy every file to be replaced, except the last (the *commit file*), to
   ``<name>.old`` in the staging folder and ``fsync`` it.
3. **Journal.** Write ``<folder>/.ingest-journal.json`` (atomically) naming the commit file, the
   SHA-256 its new bytes will have, and for each other file whether it existed before.
4. **Replace** the other files, then the commit file: that last ``os.replace`` is the commit
   point. ``fsync`` the folder.
5. **Finish.** Delete the journal, ``fsync`` the folder, delete the staging folder.

A Python exception during 3-4 rolls back at once: the backups go back (or files that did not
exist are deleted) and the journal is removed, so the folder's bytes are exactly as before. A
crash (power cut, ``kill -9``, Ctrl-C) leaves the journal behind; ``load_contract`` then refuses
to read the contract and ``recover`` (``scrutiny ingest --recover``) decides from the journal:
if the commit file already has its new bytes the change completed and only the journal and
staging folder are removed; otherwise the backups are restored. Either way the folder ends up
exactly as before the ingest or exactly as after it, never in between.

A staged name may lie in a subfolder (``returns/<file>``: the store of returns): a new file there
is moved in with the others, and removed again (with the subfolder, if the change created it)
when the change is rolled back. So an ingest that never completed leaves no stored copy behind,
and nothing else ever has to delete one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from scrutiny.exceptions import IngestError, ProtectedFileError

STAGING_DIR = ".ingest-staging"
#: Marks an ingest in progress; the reader refuses a folder holding it (see load.contract).
JOURNAL_FILE = ".ingest-journal.json"
_BACKUP_SUFFIX = ".old"
#: Written into the staging folder once every file is in place (see ``_staging_outcome``).
_COMMITTED_MARK = "committed"
#: Written into the staging folder on entry: the command staging, so ``recover`` can name it.
_COMMAND_MARK = "command"


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` so that readers see the old file or the new one.

    The bytes go to a temporary file beside ``path``, which then replaces it; on any failure the
    temporary file is removed and ``path`` is left as it was. The file gets the usual permissions
    (0666 less the umask), not ``mkstemp``'s 0600: outputs are for sharing.
    """
    path = Path(path)
    refuse_read_only(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def refuse_read_only(path: Path) -> None:
    """Refuse to replace a read-only file (no write bit for anyone), even where ``os.replace``
    could (the folder is writable, or the user is root).

    Raises
    ------
    ProtectedFileError
        ``path`` exists and is read-only.
    """
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return
    if mode & 0o222 == 0:
        raise ProtectedFileError(f"{path} is read-only and is never written over (it may be "
                                 "evidence, such as a stored return); choose another file")


def _current_umask() -> int:
    """The process umask (setting and restoring it is the only portable way to read it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class StagedFiles:
    """New contents for files of ``folder``, replaced all together by ``commit``.

    Use as a context manager; leaving it (committed or not) removes the staging folder. Any
    exception before ``commit`` returns leaves the folder's files exactly as they were.
    """

    def __init__(self, folder: Path, command: str = "ingest"):
        self.folder = Path(folder)
        self.staging = self.folder / STAGING_DIR
        self.paths: dict[str, Path] = {}
        #: The command making the change (``ingest``, ``mitigate``, ...), as ``recover`` names it.
        self.command = command

    def __enter__(self) -> StagedFiles:
        if (self.folder / JOURNAL_FILE).exists():
            raise IngestError(f"{self.folder.name}/{JOURNAL_FILE}: a previous "
                              f"{interrupted_command(self.folder)} was interrupted; run "
                              f"`scrutiny ingest --contract {self.folder.name} --recover` first")
        try:
            os.mkdir(self.staging)
        except FileExistsError:
            raise IngestError(
                f"{self.folder.name}/{STAGING_DIR} exists: another ingest into this contract is "
                f"running, or one was interrupted; if none is running, run `scrutiny ingest "
                f"--contract {self.folder.name} --recover`") from None
        try:
            _write_synced(self.staging / _COMMAND_MARK, self.command.encode("utf-8"))
        except BaseException:  # __exit__ does not run when __enter__ fails: tidy up here
            shutil.rmtree(self.staging, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        # A journal still present means the commit was interrupted (Ctrl-C, a crash): its
        # backups in the staging folder are what ``recover`` needs, so they stay.
        if not (self.folder / JOURNAL_FILE).exists():
            shutil.rmtree(self.staging, ignore_errors=True)

    def write(self, name: str, data: bytes, *, read_only: bool = False) -> Path:
        """Stage ``data`` as the new content of ``<folder>/<name>``; return the staged path.

        ``name`` may lie in a subfolder (``returns/<file>``); ``read_only`` stages the file
        read-only (0444), as the store of returns keeps its files. A read-only
        ``<folder>/<name>`` is refused here, before anything is replaced.
        """
        refuse_read_only(self.folder / name)
        path = self.staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_synced(path, data)
        if read_only:
            os.chmod(path, 0o444)
        self.paths[name] = path
        return path

    def commit(self, order: list[str]) -> None:
        """Replace the folder's files with the staged ones; ``order[-1]`` is the commit point.

        Every name in ``order`` must have been staged with ``write``.
        """
        *others, last = order
        journal = self.folder / JOURNAL_FILE
        existed = {name: (self.folder / name).exists() for name in others}
        for name in others:
            if existed[name]:
                _write_synced(self.staging / (name + _BACKUP_SUFFIX),
                              (self.folder / name).read_bytes())
        record = {"commit_file": last, "command": self.command,
                  "commit_sha256": sha256_bytes(self.paths[last].read_bytes()),
                  "existed": existed}
        journal_staged = self.staging / JOURNAL_FILE
        _write_synced(journal_staged, json.dumps(record, indent=1).encode("utf-8"))
        try:
            os.replace(journal_staged, journal)
            for name in order:
                (self.folder / name).parent.mkdir(exist_ok=True)
                os.replace(self.paths[name], self.folder / name)
        except Exception:
            _roll_back(self.folder, self.staging, existed)
            raise
        # Committed: from here on a failure leaves the journal, and ``recover`` completes.
        for sub in {(self.folder / name).parent for name in order} - {self.folder}:
            _fsync_dir(sub)
        _fsync_dir(self.folder)
        # A mark in the staging folder outlives the journal, so a kill while tidying up is
        # recognised by ``recover`` as a completed ingest, not as one that changed nothing.
        _write_synced(self.staging / _COMMITTED_MARK, b"")
        journal.unlink()
        _fsync_dir(self.folder)


def interrupted_command(folder: Path) -> str:
    """The command a journal or staging folder in ``folder`` was left by, e.g. ``mitigate``.

    Read from the journal, else the staging folder's mark; ``ingest`` when neither names one
    (folders left by versions that did not record it).
    """
    folder = Path(folder)
    try:
        record = json.loads((folder / JOURNAL_FILE).read_text(encoding="utf-8"))
        if isinstance(record, dict) and isinstance(record.get("command"), str):
            return _plain(record["command"])
    except (OSError, ValueError):
        pass
    try:
        return _plain((folder / STAGING_DIR / _COMMAND_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "ingest"


def _plain(command: str) -> str:
    """A command name as recorded, or ``ingest`` if it is not a plain word (a damaged mark)."""
    words = command.strip()
    plain = words.replace("-", "").replace(" ", "")
    return words if plain.isascii() and plain.isalpha() and len(words) <= 30 else "ingest"


def _staging_outcome(staging: Path, command: str) -> str:
    """Say what a staging folder left without a journal means (see ``StagedFiles.commit``)."""
    if (staging / _COMMITTED_MARK).exists():
        return (f"the interrupted {command} had completed (its files are in place); removed the "
                "staging folder it left")
    return (f"removed a staging folder left by a {command} that stopped before changing "
            "anything")


def _roll_back(folder: Path, staging: Path, existed: dict[str, bool]) -> None:
    """Put back every file named in ``existed`` and drop the journal (commit file untouched)."""
    for name, was_there in existed.items():
        backup = staging / (name + _BACKUP_SUFFIX)
        if was_there and backup.exists():
            os.replace(backup, folder / name)
        elif not was_there:
            (folder / name).unlink(missing_ok=True)
            _remove_if_empty(folder, (folder / name).parent)
    (folder / JOURNAL_FILE).unlink(missing_ok=True)
    _fsync_dir(folder)


def _remove_if_empty(folder: Path, sub: Path) -> None:
    """Remove a subfolder the rolled-back change created (e.g. the first ``returns/``)."""
    if sub != folder and sub.is_dir() and not any(sub.iterdir()):
        sub.rmdir()


def recover(folder: Path) -> str:
    """Finish or undo an interrupted ``StagedFiles.commit``; return what was done, in words.

    The commit file decides: if it already holds the bytes the journal expects, the change
    completed and only the journal and staging folder are removed; otherwise every other file
    goes back to its backup. Safe to run when nothing was interrupted.
    """
    folder = Path(folder)
    journal = folder / JOURNAL_FILE
    staging = folder / STAGING_DIR
    command = interrupted_command(folder)
    if not journal.exists():
        if staging.exists():
            outcome = _staging_outcome(staging, command)
            shutil.rmtree(staging)
            return outcome
        return "nothing to recover"
    record = json.loads(journal.read_text(encoding="utf-8"))
    commit_path = folder / record["commit_file"]
    committed = commit_path.exists() and (
        sha256_bytes(commit_path.read_bytes()) == record["commit_sha256"])
    if committed:
        journal.unlink()
        _fsync_dir(folder)
        outcome = f"the interrupted {command} had completed; removed its journal"
    else:
        _roll_back(folder, staging, record["existed"])
        outcome = (f"the interrupted {command} had not completed; restored the files it had "
                   "replaced")
    shutil.rmtree(staging, ignore_errors=True)
    return outcome
