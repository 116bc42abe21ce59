"""Writing the UK9 filing sheet (:mod:`scrutiny.insight.notice_form`) as HTML or Excel.

HTML goes through the Jinja2 template ``notice_sheet.html.j2`` with autoescape on; Excel through
the toolkit's workbook writer (:mod:`scrutiny.report.excel`), which stores every value as text so
a reason starting ``=`` is never run as a formula. Both are written atomically.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from scrutiny.core.atomic import atomic_write
from scrutiny.insight.notice_form import filing_fields
from scrutiny.report.excel import write_workbook


def sheet_html(package: dict) -> str:
    """The filing sheet as a standalone HTML page."""
    fields = filing_fields(package)
    release = package["releases"][0]
    env = Environment(loader=PackageLoader("scrutiny.report", "templates"), autoescape=True,
                      undefined=StrictUndefined)
    sections = [(name, list(zip(group["field"], group["value"], strict=True)))
                for name, group in fields.groupby("section", sort=False)]
    return env.get_template("notice_sheet.html.j2").render(
        title=_title(package), draft=release["id"].startswith("draft-"),
        release_id=release["id"], sections=sections)


def write_sheet(package: dict, path: Path) -> Path:
    """Write the filing sheet to ``path`` (``.html`` or ``.xlsx``, by its suffix)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return write_workbook(path, {"UK9 form": filing_fields(package)},
                              titles={"UK9 form": _title(package)})
    atomic_write(path, sheet_html(package))
    return path


def _title(package: dict) -> str:
    return package["releases"][0]["contracts"][0]["implementation"]["documents"][0]["title"]
