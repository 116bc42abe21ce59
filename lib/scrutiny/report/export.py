"""A report's sections as data: JSON records or one Excel sheet per table, without HTML.

The door of ``scrutiny report PARAMS_FILE --format json|xlsx``: the parameters file is read and
validated as ``scrutiny render`` reads it, the report is opened through the registry, and the
kind's section list (:attr:`~scrutiny.report.registry.ReportKind.structure`) is turned into the
chosen flavour of :mod:`scrutiny.report.flavours`. JSON holds every table as records keyed by
its column names, with caption and units; figures as alt text, caption and the data drawn.
"""

from __future__ import annotations

import json
from pathlib import Path

from scrutiny.exceptions import ParameterError
from scrutiny.report import registry
from scrutiny.report.flavours import to_json, write_sections_workbook
from scrutiny.report.params import load_params
from scrutiny.report.structure import Section

#: The formats ``scrutiny report`` writes.
FORMATS = ("json", "xlsx")


def report_sections(params_file: Path) -> tuple[str, list[Section]]:
    """Open the report of ``params_file`` and return its title and its sections as trees.

    Raises
    ------
    ParameterError
        The parameters file is invalid, or its kind has no sections as structure yet.
    """
    params = load_params(Path(params_file))
    make = registry.structure(params.report)
    if make is None:
        structured = ", ".join(n for n, k in registry.KINDS.items() if k.structure)
        raise ParameterError(f"{params_file}: report {params.report!r} cannot be exported as "
                             f"data yet; reports that can: {structured}")
    rep = registry.open_report(params.report, params, params_file=str(params_file))
    return rep.title, list(make(rep))


def sections_json(params_file: Path) -> str:
    """The report's title and sections as indented JSON text (ending with a newline)."""
    title, sections = report_sections(params_file)
    document = {"report": title, "params_file": str(params_file),
                "sections": [to_json(s) for s in sections]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_sections_xlsx(params_file: Path, output: Path) -> Path:
    """Write one sheet per table of the report, in section order, to ``output`` (atomically)."""
    _, sections = report_sections(params_file)
    return write_sections_workbook(output, sections)
