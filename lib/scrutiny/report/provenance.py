"""Where a report's numbers came from: input files with SHA-256, parameters, toolkit version."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from scrutiny import __version__
from scrutiny.config import data_root
from scrutiny.load.fingerprints import fingerprint
from scrutiny.report import html as report
from scrutiny.report.flavours import to_html
from scrutiny.report.structure import Heading, Paragraph, Section, Table

#: Output metadata key under which the appendix declares its input files (name -> SHA-256), so
#: the renderer can tell later whether the report is out of date. Never shown in the report.
INPUTS_KEY = "scrutiny_inputs"
#: The appendix's heading (the notebooks' ``##`` heading).
APPENDIX = "Appendix: where the numbers come from"


def file_digests(files: Iterable[Path], root: Path | None = None) -> pd.DataFrame:
    """Return ``file`` (relative to ``data/``, never absolute) and ``sha256`` for each input."""
    root = (data_root() if root is None else Path(root)).resolve()
    paths = [Path(f).resolve() for f in files]
    return pd.DataFrame({
        "file": [_relative(p, root) for p in paths],
        "sha256": [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths],
    })


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def toolkit_version() -> str:
    """Return the version of the contract-scrutiny toolkit that made the report."""
    return __version__


def parameter_table(parameters: Mapping[str, object]) -> pd.DataFrame:
    """Return ``parameter``/``value`` rows in the order given, values as text."""
    return pd.DataFrame({"parameter": list(parameters),
                         "value": ["" if v is None else str(v) for v in parameters.values()]})


def appendix(files: Iterable[Path], parameters: Mapping[str, object],
             extra: Sequence[tuple[str, object]] = (), *,
             through: str | None = None) -> report.Html:
    """The HTML of :func:`appendix_section` (for kinds whose sections still return HTML)."""
    return to_html(appendix_section(files, parameters, extra, through=through))


def appendix_section(files: Iterable[Path], parameters: Mapping[str, object],
                     extra: Sequence[tuple[str, object]] = (), *,
                     through: str | None = None) -> Section:
    """Every report's closing appendix: input files with SHA-256, parameters, ``extra``
    report-specific (heading, body) parts (a body is a node, a section or HTML), then the
    toolkit version.

    ``files`` may name files that do not exist (a report *could* read them): the table lists
    those present; the renderer's metadata records every one, absent as absent, and fingerprints
    tables by month up to ``through`` (the last month the report used; see
    :mod:`scrutiny.load.fingerprints`), so only a change to what the report used makes it stale.
    """
    files = list(files)
    digests = file_digests([f for f in files if Path(f).is_file()]).rename(
        columns={"file": "File (under data/)", "sha256": "SHA-256"})
    table = parameter_table(parameters).rename(columns={"parameter": "Parameter",
                                                        "value": "Value"})
    parts = [
        Heading("Input files"),
        Table(digests, caption="SHA-256 fingerprint of each input file",
              row_header="File (under data/)"),
        Heading("Parameters"),
        Table(table, caption="Parameters of this report", row_header="Parameter"),
    ]
    for heading, body in extra:
        parts += [Heading(heading), body]
    parts += [Heading("Toolkit"), Paragraph(f"contract-scrutiny version {toolkit_version()}.")]
    return Section(tuple(parts), heading=APPENDIX,
                   metadata={INPUTS_KEY: input_fingerprints(files, through)})


def input_fingerprints(files: Sequence[Path], through: str | None = None
                       ) -> dict[str, str | None]:
    """Each input's name for the renderer (under ``data/`` when there, else absolute) and its
    fingerprint (:func:`scrutiny.load.fingerprints.fingerprint`; None when absent)."""
    root = data_root().resolve()
    found = {}
    for given in files:
        path = Path(given).resolve()
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = str(path)
        found[name] = fingerprint(Path(given), through)
    return found
