"""Converting an executed report notebook into committee HTML with the project's own template.

The template (``templates/committee/``) shows markdown and library-made HTML only. This module adds
what a template cannot do well: stable heading ids, the contents list after the title block, the
page ``<title>`` from the title block, and checks that nothing but report HTML reached the page.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from scrutiny.exceptions import ReportContentError
from scrutiny.report import html as report

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "committee"
#: Output types that may appear in a report; anything else is a leak of code-level detail.
_SHOWN = ("display_data", "execute_result")


def exporter() -> HTMLExporter:
    """Return an HTML exporter set up for the committee template (no inputs, no prompts)."""
    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )


@functools.lru_cache(maxsize=1)
def _shared_exporter() -> HTMLExporter:
    """One exporter per process: its template is loaded and compiled once, not per report.

    nbconvert itself converts many notebooks with one exporter; each conversion starts from
    fresh resources, so nothing of one report reaches the next.
    """
    return exporter()


def check_outputs(nb: nbformat.NotebookNode) -> None:
    """Refuse notebooks whose outputs would show a traceback or a plain-text repr.

    Raises
    ------
    ReportContentError
        Naming the first offending cell (1-based, counting every cell).
    """
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                raise ReportContentError(f"cell {number} raised {output['ename']}")
            if output["output_type"] in _SHOWN and "text/html" not in output.get("data", {}):
                kinds = ", ".join(sorted(output.get("data", {})))
                raise ReportContentError(
                    f"cell {number} displays {kinds} but no HTML; display a "
                    "scrutiny.report.html.Html made by the library instead")


def document_metadata(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Return the page title and subtitle the report's title block declared (display metadata).

    Keys are :data:`scrutiny.report.html.TITLE_KEY` and ``SUBTITLE_KEY``; empty when the
    notebook displays no title block.
    """
    keys = (report.TITLE_KEY, report.SUBTITLE_KEY)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            declared = {**meta.get("text/html", {}), **meta}
            if declared.get(report.TITLE_KEY):
                return {k: declared[k] for k in keys if declared.get(k)}
    return {}


def document_title(nb: nbformat.NotebookNode) -> str | None:
    """Return the title the report's title block declared, if any."""
    return document_metadata(nb).get(report.TITLE_KEY)


#: Names a report may give the files it publishes beside its HTML (no folders, no dot files).
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(json|csv)$")


def attached_files(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Files the report's outputs ask to publish beside its HTML: ``{name: text}``.

    Raises
    ------
    ReportContentError
        If a name is not a plain file name ending ``.json`` or ``.csv``.
    """
    files: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            found = meta.get("scrutiny_files") or meta.get("text/html", {}).get("scrutiny_files")
            for name, text in (found or {}).items():
                if not _FILE_NAME.match(name):
                    raise ReportContentError(f"a report output names the file {name!r}; "
                                             "use a plain name ending .json or .csv")
                files[name] = text
    return files


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy without execution timestamps and durations, so re-runs compare equal."""
    clean = copy.deepcopy(nb)
    papermill = clean.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "exception", "input_path", "output_path"):
        papermill.pop(key, None)
    for cell in clean.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.get("papermill", {}).clear()
        if cell.cell_type == "code":
            cell.execution_count = None
            for output in cell.outputs:
                if output["output_type"] == "execute_result":
                    output["execution_count"] = None
    return clean


def to_html(nb: nbformat.NotebookNode) -> str:
    """Convert an executed report notebook to committee HTML.

    Raises
    ------
    ReportContentError
        If an output is a traceback or has no HTML (see :func:`check_outputs`).
    """
    check_outputs(nb)
    nb = copy.deepcopy(nb)
    nb.metadata.setdefault("scrutiny", {})["title"] = document_title(nb)
    body, _ = _shared_exporter().from_notebook_node(
        nb, resources={"committee_css": report.stylesheet(), "metadata": {"name": "Report"}})
    return add_contents(body)


def slug(text: str) -> str:
    """Return a stable id for a heading's text: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def add_contents(page: str) -> str:
    """Give every h2/h3 a stable id and put a contents list of the h2s after the title block."""
    soup = BeautifulSoup(page, features="html.parser")
    main = soup.find("main")
    seen: dict[str, int] = {}
    sections = []
    for heading in main.find_all(["h2", "h3"]):
        base = slug(heading.get_text(" ", strip=True))
        seen[base] = seen.get(base, 0) + 1
        heading["id"] = base if seen[base] == 1 else f"{base}-{seen[base]}"
        if heading.name == "h2":
            sections.append((heading["id"], heading.get_text(" ", strip=True)))
    if sections:
        nav = soup.new_tag("nav", attrs={"class": "contents", "aria-labelledby": "contents"})
        title = soup.new_tag("h2", id="contents")
        title.string = "Contents"
        nav.append(title)
        items = soup.new_tag("ol")
        for anchor, text in sections:
            item, link = soup.new_tag("li"), soup.new_tag("a", href=f"#{anchor}")
            link.string = text
            item.append(link)
            items.append(item)
        nav.append(items)
        header = main.find("header", class_="report-title")
        if header is not None:
            header.insert_after(nav)
        else:
            main.insert(0, nav)
    return str(soup)
