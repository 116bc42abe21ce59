"""A cached, checked, columnar copy of a scored contract: what ``load_contract`` + ``score`` give.

Reading and validating a contract's CSV files costs ~1.3 s a call (pandera's import and first
validation are most of it); reading the same tables back from Parquet costs a few milliseconds.
:func:`scored_contract` returns exactly what ``load_contract(name)`` and ``score(contract)``
return, from a copy kept under the contract's cache folder when one matches, else computed
afresh and then kept.

The rules that make a copy safe to use:

- **Keyed by everything that could change the result.** The key is the SHA-256 of: each file
  ``load_contract`` reads (``load.folder.CONTRACT_FILES``), present or absent, by content; the
  date scored as of (``load.schedule.today``: overdue returns depend on it); the contract
  folder's path; the library's source (every ``.py`` file of ``scrutiny``, so an edited
  checkout counts, as in ``render.freshness``); and the versions of Python, pandas, numpy and
  pyarrow. Any change gives another key, so a stale copy is never found.
- **Checked on every read.** Each part's SHA-256 is in the entry's manifest and is checked
  before the bytes are parsed; the contract's description is validated by its own model again.
  A copy that is unreadable, truncated, edited or of another format is ignored and rebuilt.
- **Kept only if it reads back identical.** After writing, the entry is read back through the
  same path and compared with the fresh result value by value (types of missing values, dtypes,
  categories, index and paths included); an entry that would not be identical is not kept, so
  the cache can never change a figure.
- **Written atomically, safe with two processes at once.** An entry is built in a temporary folder
  and renamed into place in one step; a second process that built the same entry keeps the first
  one's and discards its own. Readers see a complete entry or none.
- **Never evidence.** The cache lives in ``data/<contract>/.cache/`` (git ignores it), or under
  ``$SCRUTINY_CACHE/<contract>-<digest of the folder's path>/`` when that variable names a folder;
  ``SCRUTINY_CACHE=off`` turns it off. Deleting it at any time is safe. Nothing that reads a
  contract's inputs (receipts, freshness, provenance) ever reads it.

A contract whose last ingest was interrupted (a journal is present) or a staged load is never
served from or written to the cache: ``load_contract`` runs and refuses as before.

Layer ``score``: may import ``core`` and ``load``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
import time
import typing
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.core.atomic import JOURNAL_FILE
from scrutiny.load.folder import CACHE_DIR, CONTRACT_FILES
from scrutiny.load.schedule import today

if TYPE_CHECKING:  # imported when a contract is loaded or decoded: pydantic and the loaders
    from scrutiny.load.contract import Contract

#: Environment variable: a folder to keep caches in, or ``off`` to keep none.
CACHE_ENV = "SCRUTINY_CACHE"
#: Bumped whenever the layout of an entry changes; part of the key.
FORMAT = "scored-contract/1"
#: Entries kept per contract (the newest by time); older ones are removed after each write.
KEEP = 4
#: Temporary folders older than this (seconds) were left by a killed process and are removed.
ABANDONED_AFTER = 3600
_LIBRARY = Path(__file__).resolve().parents[1]
_MANIFEST = "manifest.json"
_OFF = {"off", "0", "no", "false"}


class Uncacheable(Exception):
    """Raised when a value cannot be written so that it reads back identical (never cached)."""


def scored_contract(name: str, data_root: Path | None = None, *,
                    as_of: date | None = None) -> tuple[Contract, pd.DataFrame]:
    """Return ``(load_contract(name, data_root, as_of=as_of), score(contract))``, cached.

    Parameters
    ----------
    name : str
        Folder name under the data root, e.g. ``lincolnshire-css``.
    data_root : pathlib.Path, optional
        Folder holding the contract folders; default ``SCRUTINY_DATA`` or ``data/``.
    as_of : datetime.date, optional
        The date scored as of (which returns are overdue); default
        :func:`scrutiny.load.schedule.today`. Part of the key.

    Returns
    -------
    (Contract, pandas.DataFrame)
        Identical to the fresh computation, value by value.

    Raises
    ------
    The errors ``load_contract`` raises (unknown contract, invalid files, interrupted ingest):
    a contract that fails validation is never cached, so it fails on every call.
    """
    folder = dataset_dir(name, data_root)
    as_of = today(as_of)
    store = cache_folder(folder)
    if store is None or (folder / JOURNAL_FILE).exists():
        return _fresh(name, data_root, as_of)
    key = cache_key(folder, as_of)
    found = read_entry(store / key, key)
    if found is not None:
        return found
    shutil.rmtree(store / key, ignore_errors=True)  # a damaged entry would block its rebuild
    contract, scored = _fresh(name, data_root, as_of)
    write_entry(store, key, contract, scored)
    return contract, scored


def cached_scores(name: str, data_root: Path | None = None, *,
                  as_of: date | None = None) -> tuple[dict, pd.DataFrame]:
    """Return the contract's description and its scores, reading no other table.

    For commands that need only ``score(contract)`` and ``contract.yaml`` (``scrutiny summary``):
    on a cache hit this reads two things and imports none of the loaders.

    Returns
    -------
    (dict, pandas.DataFrame)
        ``contract.info`` as JSON-compatible values (``title``, ``services`` in contract order,
        ...), and the scores, identical to :func:`scored_contract`'s.
    """
    folder = dataset_dir(name, data_root)
    as_of = today(as_of)
    store = cache_folder(folder)
    if store is not None and not (folder / JOURNAL_FILE).exists():
        key = cache_key(folder, as_of)
        try:
            body = _manifest(store / key, key)
            info = body["contract"]["info"]["value"]
            item = body["scored"]
            scored = _read_frame(_checked_bytes(store / key / item["part"],
                                                body["parts"][item["part"]]),
                                 item["nan_columns"], item["categories"])
            if isinstance(info, dict) and isinstance(scored, pd.DataFrame):
                return info, scored
        except Exception:  # noqa: BLE001 - a damaged cache of any kind is ignored, never trusted
            pass
    contract, scored = scored_contract(name, data_root, as_of=as_of)
    return contract.info.model_dump(mode="json"), scored


def _fresh(name: str, data_root: Path | None, as_of: date) -> tuple[Contract, pd.DataFrame]:
    from scrutiny.load.contract import load_contract
    from scrutiny.score.scoring import score

    contract = load_contract(name, data_root, as_of=as_of)
    return contract, score(contract)


def cache_folder(folder: Path) -> Path | None:
    """Return where the cache of the contract in ``folder`` is kept, or None when it is off."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() in _OFF:
        return None
    if not setting:
        return Path(folder) / CACHE_DIR / "scored"
    where = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(setting) / f"{Path(folder).name}-{where}" / "scored"


def cache_key(folder: Path, as_of: date) -> str:
    """Return the SHA-256 (hex) of everything the scored contract of ``folder`` depends on.

    ``as_of`` is the date scored as of: which months' returns are overdue depends on it.
    """
    digest = hashlib.sha256()

    def add(label: str, value: str) -> None:
        digest.update(f"{label}\0{value}\0".encode())

    add("format", FORMAT)
    add("as_of", as_of.isoformat())
    add("folder", str(folder))
    add("resolved", str(Path(folder).resolve()))
    for name in CONTRACT_FILES:
        path = Path(folder) / name
        try:
            add(name, hashlib.sha256(path.read_bytes()).hexdigest())
        except FileNotFoundError:
            add(name, "absent")
    add("library", library_digest())
    add("runtime", runtime_versions())
    return digest.hexdigest()


def library_digest() -> str:
    """Return the SHA-256 of the library's Python source (every ``.py`` file, by path)."""
    digest = hashlib.sha256()
    for path in sorted(_LIBRARY.rglob("*.py")):
        digest.update(path.relative_to(_LIBRARY).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def runtime_versions() -> str:
    """Return the versions of Python and of the packages that build and read the frames.

    (pydantic is not among them: the description is validated by its model on every full read.)
    """
    import pyarrow

    return " ".join([platform.python_version(), pd.__version__, np.__version__,
                     pyarrow.__version__])


# -- reading ---------------------------------------------------------------------------------------

def read_entry(entry: Path, key: str) -> tuple[Contract, pd.DataFrame] | None:
    """Return the contract and scores kept in ``entry``, or None when absent or not trustworthy.

    Anything wrong (missing part, a part whose SHA-256 differs from the manifest's, bytes that are
    not Parquet, a description its model refuses, another format or key) means "no entry": the
    caller computes afresh. Never raises for a damaged entry.
    """
    from scrutiny.load.contract import Contract

    try:
        manifest = _manifest(entry, key)
        parts = {name: _checked_bytes(entry / name, digest)
                 for name, digest in manifest["parts"].items()}
        contract = _decode_dataclass(Contract, manifest["contract"], parts)
        scored = _decode(manifest["scored"], pd.DataFrame, parts)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged cache of any kind is ignored, never trusted
        return None
    if not isinstance(scored, pd.DataFrame):
        return None
    return contract, scored


def _manifest(entry: Path, key: str) -> dict:
    """The body of ``entry``'s manifest, checked against its own SHA-256, format and key."""
    manifest = json.loads((entry / _MANIFEST).read_text(encoding="utf-8"))
    body = manifest["body"]
    if manifest["sha256"] != _digest_of(body):
        raise ValueError("the manifest differs from its SHA-256")
    if body["format"] != FORMAT or body["key"] != key:
        raise ValueError("another format or key")
    return body


def _digest_of(body: dict) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _checked_bytes(path: Path, digest: str) -> bytes:
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(f"{path.name}: SHA-256 differs from the manifest")
    return data


def _decode_dataclass(cls: type, fields: dict, parts: dict[str, bytes]):
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    if set(fields) != names:
        raise ValueError(f"fields {sorted(fields)} are not those of {cls.__name__}")
    return cls(**{name: _decode(fields[name], hints[name], parts) for name in names})


def _decode(item: dict, hint: object, parts: dict[str, bytes]):
    kind = item["kind"]
    if kind == "frame":
        return _read_frame(parts[item["part"]], item["nan_columns"], item["categories"])
    if kind == "model":
        return hint.model_validate(item["value"])
    if kind == "dataclass":
        return _decode_dataclass(hint, item["value"], parts)
    if kind == "path":
        return Path(item["value"])
    if kind == "date":
        return date.fromisoformat(item["value"])
    if kind == "datetime":
        return datetime.fromisoformat(item["value"])
    if kind in ("list", "tuple"):
        (inner,) = typing.get_args(hint)[:1] or (object,)
        values = [_decode(v, inner, parts) for v in item["value"]]
        return values if kind == "list" else tuple(values)
    if kind == "value":
        return item["value"]
    raise ValueError(f"unknown kind {kind!r}")


def _read_frame(data: bytes, nan_columns: list[str], categories: dict[str, dict]
                ) -> pd.DataFrame:
    import pyarrow
    import pyarrow.parquet

    # ParquetFile reads the one file directly (read_parquet would set up pyarrow.dataset).
    frame = pyarrow.parquet.ParquetFile(pyarrow.BufferReader(data)).read(
        use_pandas_metadata=True).to_pandas()
    for column in nan_columns:
        values = frame[column].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = np.nan
        frame[column] = values
    for column, dtype in categories.items():  # an empty column comes back without categories
        frame[column] = frame[column].astype(pd.CategoricalDtype(dtype["categories"],
                                                                 dtype["ordered"]))
    return frame


# -- writing ---------------------------------------------------------------------------------------

def write_entry(store: Path, key: str, contract: Contract, scored: pd.DataFrame) -> bool:
    """Keep ``contract`` and ``scored`` under ``store/key`` if they read back identical.

    Returns True when the entry is in place (written now or by another process), False when it
    could not be kept (a value Parquet cannot carry exactly, a read-only or full disk). Never
    raises for a disk problem: the cache only saves time.
    """
    parts: dict[str, bytes] = {}
    try:
        body = {"format": FORMAT, "key": key, "contract": _encode_fields(contract, parts),
                "scored": _encode(scored, parts)}
    except Uncacheable:
        return False
    body["parts"] = {name: hashlib.sha256(data).hexdigest() for name, data in parts.items()}
    manifest = {"sha256": _digest_of(body), "body": body}
    try:
        store.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=store))
        temporary.chmod(0o755)  # mkdtemp's 0700 would hide the entry from others sharing data/
    except OSError:
        return False
    try:
        for name, data in parts.items():
            (temporary / name).write_bytes(data)
        (temporary / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        back = read_entry(temporary, key)
        if back is None or not identical((contract, scored), back):
            return False
        try:
            os.rename(temporary, store / key)
        except OSError:  # another process put the same entry in place first: keep theirs
            return (store / key / _MANIFEST).exists()
        _prune(store, keep=key)
        return True
    except OSError:
        return False
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _encode_fields(value, parts: dict[str, bytes]) -> dict:
    return {f.name: _encode(getattr(value, f.name), parts, f.name)
            for f in dataclasses.fields(value)}


def _encode(value, parts: dict[str, bytes], name: str = "scored") -> dict:
    from pydantic import BaseModel

    if isinstance(value, pd.DataFrame):
        part = f"{name}.parquet"
        parts[part] = _frame_bytes(value)
        return {"kind": "frame", "part": part, "nan_columns": _nan_columns(value),
                "categories": _categories(value)}
    if isinstance(value, BaseModel):
        return {"kind": "model", "value": value.model_dump(mode="json")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"kind": "dataclass", "value": _encode_fields(value, parts)}
    if isinstance(value, Path):
        return {"kind": "path", "value": str(value)}
    if type(value) in (date, datetime):
        return {"kind": type(value).__name__, "value": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return {"kind": type(value).__name__,
                "value": [_encode(v, parts, f"{name}.{i}") for i, v in enumerate(value)]}
    if value is None or type(value) in (str, int, bool, float):
        return {"kind": "value", "value": value}
    raise Uncacheable(f"{name}: {type(value).__name__}")


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    try:
        frame.to_parquet(buffer, engine="pyarrow")
    except Exception as err:  # noqa: BLE001 - pyarrow refuses mixed or odd object columns
        raise Uncacheable(str(err)) from None
    return buffer.getvalue()


def _categories(frame: pd.DataFrame) -> dict[str, dict]:
    """Each categorical column's categories and order (Parquet loses them on an empty column)."""
    found = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories.tolist()
            if not all(type(c) in (str, int, float) for c in categories):
                raise Uncacheable(f"{column}: categories of another type")
            found[column] = {"categories": categories, "ordered": bool(dtype.ordered)}
    return found


def _nan_columns(frame: pd.DataFrame) -> list[str]:
    """Object columns whose missing values are NaN (Parquet gives them back as None)."""
    found = []
    for column in frame.columns:
        if frame[column].dtype != object:
            continue
        kinds = {type(v) for v in frame[column] if v is None or v != v}
        if len(kinds) > 1:
            raise Uncacheable(f"{column}: both None and NaN")
        if kinds and kinds != {type(None)}:
            found.append(column)
    return found


def _prune(store: Path, keep: str) -> None:
    """Remove all but the newest :data:`KEEP` entries and temporary folders left by a kill."""
    now = time.time()
    entries = []
    for path in store.iterdir():
        try:
            modified = path.stat().st_mtime
        except OSError:
            continue
        if path.name.startswith(".tmp-"):
            if now - modified > ABANDONED_AFTER:
                shutil.rmtree(path, ignore_errors=True)
        elif path.name != keep:
            entries.append((modified, path))
    for _, path in sorted(entries, reverse=True)[KEEP - 1:]:
        shutil.rmtree(path, ignore_errors=True)


# -- comparing -------------------------------------------------------------------------------------

def identical(a: object, b: object) -> bool:
    """True when ``a`` and ``b`` are the same value: frames column by column, with dtypes,
    index, attributes and the type of every object cell (None is not NaN); dataclasses field by
    field; anything else by type and ``==``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame):
        return _same_frame(a, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a):
        return all(identical(getattr(a, f.name), getattr(b, f.name))
                   for f in dataclasses.fields(a))
    return bool(a == b)


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if (list(a.columns) != list(b.columns) or a.attrs != b.attrs
            or not _same_values(a.index.to_series(), b.index.to_series())
            or type(a.index) is not type(b.index) or a.index.names != b.index.names):
        return False
    return all(_same_values(a[c], b[c]) for c in a.columns)


def _same_values(a: pd.Series, b: pd.Series) -> bool:
    if a.dtype != b.dtype or len(a) != len(b):
        return False
    if a.dtype != object:
        return bool(a.reset_index(drop=True).equals(b.reset_index(drop=True)))
    return all(type(x) is type(y) and (x == y or (x != x and y != y))
               for x, y in zip(a.tolist(), b.tolist(), strict=True))


__all__ = ["CACHE_ENV", "Uncacheable", "cache_folder", "cache_key", "cached_scores", "identical",
           "read_entry", "scored_contract", "write_entry"]
