"""Where a report's numbers came from: input files with SHA-256, parameters, toolkit version."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from scrutiny import __version__
from scrutiny.config import data_root
from scrutiny.report import html as report

#: Output metadata key under which the appendix declares its input files (name -> SHA-256), so
#: the renderer can tell later whether the report is out of date. Never shown in the report.
INPUTS_KEY = "scrutiny_inputs"


class Appendix(report.Html):
    """The appendix's HTML, carrying the input files it lists as output metadata."""

    def __init__(self, markup: str, inputs: Mapping[str, str]):
        super().__init__(markup)
        self.inputs = dict(inputs)

    def _repr_html_(self):
        return self.markup, {INPUTS_KEY: self.inputs}


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
             extra: Sequence[tuple[str, report.Html]] = ()) -> report.Html:
    """Every report's closing appendix: input files with SHA-256, parameters, ``extra``
    report-specific (heading, body) parts, then the toolkit version."""
    files = list(files)
    digests = file_digests(files).rename(columns={"file": "File (under data/)",
                                                  "sha256": "SHA-256"})
    table = parameter_table(parameters).rename(columns={"parameter": "Parameter",
                                                        "value": "Value"})
    parts = [
        report.heading("Input files"),
        report.table(digests, caption="SHA-256 fingerprint of each input file",
                     row_header="File (under data/)"),
        report.heading("Parameters"),
        report.table(table, caption="Parameters of this report", row_header="Parameter"),
    ]
    for heading, body in extra:
        parts += [report.heading(heading), body]
    parts += [report.heading("Toolkit"),
              report.paragraph(f"contract-scrutiny version {toolkit_version()}.")]
    return Appendix(report.join(*parts).markup, input_names(files, digests["SHA-256"]))


def input_names(files: Sequence[Path], digests: Iterable[str]) -> dict[str, str]:
    """Return each input's name for the renderer (under ``data/`` when there, else absolute)."""
    root = data_root().resolve()
    names = []
    for path in (Path(f).resolve() for f in files):
        try:
            names.append(path.relative_to(root).as_posix())
        except ValueError:
            names.append(str(path))
    return dict(zip(names, digests, strict=True))
