"""Reading a printed report back with pypdf: page texts, and where its structure lies on the pages.

The PDFs are tagged, so each table row, cell and heading is an element of the structure tree whose
marked content points at the page it is drawn on. That tells exactly which page(s) a table row
lies on, and which page the block after a heading starts on, without guessing from text positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

#: Structure types that are blocks of the page in reading order (what a heading is followed by).
BLOCKS = ("/H1", "/H2", "/H3", "/H4", "/P", "/Table", "/Figure", "/L", "/Caption")


@dataclass(frozen=True)
class Element:
    """One structure element: its type, the pages (0-based) its content is on, its children."""

    kind: str
    pages: tuple[int, ...]  # in content order, repeats kept
    children: tuple[Element, ...]


def read(path: Path):
    """Return a pypdf reader of ``path``."""
    from pypdf import PdfReader

    return PdfReader(str(path))


def page_texts(path: Path) -> list[str]:
    """The extracted text of each page, in order."""
    return [page.extract_text() for page in read(path).pages]


def words(text: str) -> str:
    """``text`` with every run of whitespace made one space (line breaks differ in a PDF)."""
    return " ".join(text.split())


def structure(path: Path) -> Element:
    """The structure tree of a tagged PDF, with each element's content pages."""
    reader = read(path)
    number = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    assert root is not None, f"{path.name} is not a tagged PDF (no structure tree)"
    return _element(root.get_object(), None, number)


def _element(node, page, number) -> Element:
    page = node.raw_get("/Pg") if "/Pg" in node else page  # the reference, not the page
    if node.get("/Type") == "/MCR":  # a marked-content reference, on its own page
        return Element("/MCR", (number[page.idnum],), ())
    kids = node.get("/K")
    kids = [] if kids is None else kids if isinstance(kids, list) else [kids]
    children, pages = [], []
    for kid in kids:
        kid = kid.get_object()
        if isinstance(kid, dict):
            if kid.get("/Type") == "/OBJR":  # an annotation (a link), not drawn content
                continue
            child = _element(kid, page, number)
            children.append(child)
            pages.extend(child.pages)
        elif page is not None:  # a marked-content id on the element's page
            pages.append(number[page.idnum])
    return Element(str(node.get("/S", "/StructTreeRoot")), tuple(pages), tuple(children))


def find(element: Element, kind: str) -> list[Element]:
    """Every element of ``kind`` under ``element``, in document order (not inside each other)."""
    if element.kind == kind:
        return [element]
    return [found for child in element.children for found in find(child, kind)]


def blocks(element: Element) -> list[Element]:
    """The page's blocks (headings, paragraphs, tables, figures, lists) in reading order."""
    if element.kind in BLOCKS:
        return [element] if element.pages else []
    return [block for child in element.children for block in blocks(child)]


def split_rows(tree: Element) -> list[str]:
    """Table rows whose content lies on more than one page, as ``"table T row R: pages"``.

    A table's first row of header cells only, which Chromium repeats at the top of every page
    the table runs onto, is allowed on every page of its table.
    """
    found = []
    for t, table in enumerate(find(tree, "/Table"), start=1):
        rows = find(table, "/TR")
        for r, row in enumerate(rows, start=1):
            pages = sorted(set(row.pages))
            repeated_header = r == 1 and all(c.kind == "/TH" for c in row.children)
            if len(pages) > 1 and not (repeated_header and pages == sorted(set(table.pages))):
                found.append(f"table {t} row {r}: pages {[p + 1 for p in pages]}")
    return found


def orphaned_headings(tree: Element) -> list[str]:
    """Headings that end a page: the block after them starts on a later page."""
    found = []
    sequence = blocks(tree)
    for block, after in pairwise(sequence):
        if block.kind in ("/H1", "/H2", "/H3", "/H4") and after.pages[0] != block.pages[-1]:
            found.append(f"{block.kind[1:]} on page {block.pages[-1] + 1}, "
                         f"{after.kind[1:]} after it on page {after.pages[0] + 1}")
    return found


_NUMBER = re.compile(r"£?-?\d[\d,]*(?:\.\d+)?%?")


def numbers(text: str) -> set[str]:
    """The figures in ``text`` as written: ``£561,675``, ``5,815.75``, ``63.05%``, ``12``."""
    return set(_NUMBER.findall(text))
