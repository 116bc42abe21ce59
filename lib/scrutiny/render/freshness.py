"""Whether a rendered report is out of date: THE rule, used by ``render`` and ``status`` alike.

A report is stale when any of these changed since its HTML was written: its parameters, what it
used of its input files (the files its provenance appendix declares: every file it *could* read,
an absent one recorded as absent so that its creation counts; a table read by month only in the
months the report used, so a new month after a report's period leaves it fresh; see
:mod:`scrutiny.load.fingerprints`), its notebook, or the library (its version and the digest of
its own source and templates, so an edited checkout counts as a new version). What a report was
made from is kept beside its HTML in a small record,
``<report>.render.json``, written after the HTML; a report without a record is stale.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import scrutiny
from scrutiny.config import data_root, outputs_root
from scrutiny.load.fingerprints import matches

if TYPE_CHECKING:  # batch imports this module; a runtime import back would be a cycle
    from scrutiny.render.batch import Job

#: Suffix of the record kept beside each report's HTML.
RECORD_SUFFIX = ".render.json"
_LIBRARY = Path(scrutiny.__file__).resolve().parent


def stale_reason(job: Job, root: Path | None = None, *,
                 outputs: Sequence[str] = (".html",)) -> str | None:
    """Return why ``job``'s report must be rendered again, or None when it is up to date.

    Parameters
    ----------
    job : scrutiny.render.batch.Job
        A planned report (parameters file, notebook, outputs stem, injected parameters).
    root : pathlib.Path, optional
        Outputs folder; default :func:`scrutiny.config.outputs_root`.
    outputs : sequence of str
        The files expected beside each other, by suffix: ``(".html", ".pdf")`` when PDFs are
        wanted. One missing makes the report stale.

    Returns
    -------
    str or None
        A short reason in words (e.g. ``"input data/x/kpi_results.csv changed"``), or None.
    """
    root = outputs_root() if root is None else Path(root)
    html = (root / job.stem).with_suffix(".html")
    if not html.is_file():
        return "not rendered yet"
    for suffix in outputs:
        if not html.with_suffix(suffix).is_file():
            return f"{html.with_suffix(suffix).name} not written yet"
    record = read_record(record_path(root, job))
    if record is None:
        return "no render record"
    if record.get("library") != library_fingerprint():
        return "library changed"
    if record.get("notebook") != file_sha256(job.notebook):
        return "notebook changed"
    if record.get("parameters") != parameters_digest(job.parameters):
        return "parameters changed"
    inputs = record.get("inputs")
    if not isinstance(inputs, dict):
        return "report lists no input files"
    for name, recorded in inputs.items():
        path = input_path(name)
        if matches(path, recorded):
            continue
        if recorded is None:
            return f"input {name} was created since"
        if not path.is_file():
            return f"input {name} is missing"
        return f"input {name} changed"
    return None


def record_path(root: Path, job: Job) -> Path:
    """Return where the record of ``job``'s render is kept: ``<report>.render.json``."""
    return (Path(root) / job.stem).with_suffix(RECORD_SUFFIX)


def record_text(job: Job, inputs: Mapping[str, str] | None) -> str:
    """Return the record of ``job``'s render: what it is made from, as JSON text.

    ``inputs`` maps each input file's name (under ``data/``, or absolute) to its fingerprint
    (None: absent), as the report declared them (:func:`declared_inputs`); None when it
    declared none.
    """
    record = {"library": library_fingerprint(), "notebook": file_sha256(job.notebook),
              "parameters": parameters_digest(job.parameters),
              "inputs": None if inputs is None else dict(sorted(inputs.items()))}
    return json.dumps(record, indent=1) + "\n"


def declared_inputs(nb: Mapping) -> dict[str, str] | None:
    """Return the input files (name -> SHA-256) an executed report declared, or None.

    The provenance appendix carries them as output metadata (``provenance.INPUTS_KEY``); a
    notebook without it cannot tell what it read, so its report is always re-rendered.
    """
    from scrutiny.report.provenance import INPUTS_KEY  # pandas and charts: only when rendering

    found = None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            inputs = meta.get(INPUTS_KEY) or meta.get("text/html", {}).get(INPUTS_KEY)
            if isinstance(inputs, dict):
                found = {**(found or {}), **inputs}
    return found


def read_record(path: Path) -> dict | None:
    """Return a record, or None when it is missing or unreadable (then the report is stale)."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def input_path(name: str) -> Path:
    """Return the file an input name stands for: relative names are under ``data/``."""
    path = Path(name)
    return path if path.is_absolute() else data_root() / path


def parameters_digest(parameters: Mapping[str, object]) -> str:
    """Return the SHA-256 of the injected parameters, written as canonical JSON."""
    text = json.dumps(dict(parameters), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """Return a file's SHA-256, read once per process while its size and mtime stay the same."""
    stat = Path(path).stat()
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """Return ``<version>+<digest>``: the version and a digest of the library's code and templates.

    The version alone would miss an edited checkout (the version changes only on release).
    """
    digest = hashlib.sha256()
    for path in sorted(_library_files()):
        digest.update(path.relative_to(_LIBRARY).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return f"{scrutiny.__version__}+{digest.hexdigest()[:16]}"


def _library_files() -> Iterable[Path]:
    for path in _LIBRARY.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path
