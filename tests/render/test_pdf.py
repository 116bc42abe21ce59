"""The PDF committee pack: ``scrutiny render --pdf`` prints each report beside its HTML.

The real command renders the Lincolnshire CSS June 2016 period report into a throw-away outputs
folder, with and without ``--pdf``; the PDF is read back with pypdf (``pdf_checks``). Tests that
print need Debian's chromium and are skipped without it, like the other browser tests; the
converter checks and the refusals run everywhere.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pdf_checks
from render_helpers import CHROMIUM, PARAMS, child_env, render_command
from scrutiny.config import PROJECT_ROOT
from scrutiny.exceptions import PdfConverterError
from scrutiny.render import pdf

JUNE = PARAMS / "2016-06.yaml"
STEM = Path("lincolnshire-css") / "2016-06" / "period_report"
TITLE = "Corporate Support Services contract: performance report for June 2016"
#: One A4 page in PDF points (210 x 297 mm), as Chromium writes it.
A4_POINTS = (595, 842)


# -- Without a converter: one line, exit 2, nothing rendered -------------------------------------

def test_no_chromium_on_path_names_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.delenv(pdf.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PdfConverterError, match=r"apt-get install chromium"):
        pdf.find_browser()


def test_a_named_browser_that_is_not_there_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.BROWSER_ENV, str(tmp_path / "no-such-chromium"))
    with pytest.raises(PdfConverterError, match=r"SCRUTINY_CHROMIUM=.*not an executable"):
        pdf.find_browser()


def test_without_playwright_it_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    with pytest.raises(PdfConverterError, match=r"contract-scrutiny\[pdf\]"):
        pdf.find_browser()


def test_a_named_executable_is_used(monkeypatch, tmp_path):
    browser = tmp_path / "my-chrome"
    browser.write_text("#!/bin/sh\n", encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv(pdf.BROWSER_ENV, str(browser))
    assert pdf.find_browser() == browser


def test_render_pdf_without_a_converter_exits_2_before_rendering(tmp_path):
    outputs = tmp_path / "outputs"
    done = subprocess.run(
        [*render_command(JUNE), "--pdf"], cwd=PROJECT_ROOT, text=True, capture_output=True,
        timeout=120, env=child_env(tmp_path, SCRUTINY_OUTPUTS=str(outputs),
                                   SCRUTINY_CHROMIUM=str(tmp_path / "none")))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "apt-get install chromium" in lines[0], done.stderr
    assert not list(outputs.rglob("period_report*")), "nothing is rendered without a converter"


# -- With Chromium: the real command, the PDF read back ------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """Skip, saying how to fix it, when Chromium or playwright is missing."""
    if not CHROMIUM.is_file():
        pytest.skip("Chromium not found at /usr/bin/chromium: install Debian's chromium package "
                    "(apt-get install chromium) to print PDFs")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: "
                        "pip install -e '.[test,pdf]'")
    pytest.importorskip("pypdf", reason="pypdf is not installed: pip install -e '.[test]'")
    return CHROMIUM


@dataclass(frozen=True)
class Runs:
    """What each ``scrutiny render`` of June 2016 printed and left, in the order they ran."""

    root: Path
    first_html: bytes  # rendered with --pdf
    plain: subprocess.CompletedProcess  # --force, no --pdf: the old PDF goes
    plain_html: bytes
    plain_left_pdf: bool
    again: subprocess.CompletedProcess  # --pdf: the PDF is missing, so it renders again
    again_html: bytes
    fresh: subprocess.CompletedProcess  # --pdf once more: up to date
    broken: subprocess.CompletedProcess  # --pdf --force with a browser that cannot print
    before_broken: dict[str, bytes]  # the report's files before that run and after it
    after_broken: dict[str, bytes]

    @property
    def html(self) -> Path:
        return (self.root / STEM).with_suffix(".html")

    @property
    def pdf(self) -> Path:
        return (self.root / STEM).with_suffix(".pdf")


def _render(tmp: Path, root: Path, *options: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*render_command(JUNE), *options], cwd=PROJECT_ROOT, text=True,
                          capture_output=True, timeout=600,
                          env=child_env(tmp, SCRUTINY_OUTPUTS=str(root), **env))


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / STEM).parent.iterdir() if p.is_file()}


@pytest.fixture(scope="module")
def runs(browser, tmp_path_factory) -> Runs:
    tmp = tmp_path_factory.mktemp("pdf")
    root = tmp / "outputs"
    html, pdf_file = (root / STEM).with_suffix(".html"), (root / STEM).with_suffix(".pdf")
    first = _render(tmp, root, "--pdf")
    assert first.returncode == 0, first.stdout + first.stderr
    first_html = html.read_bytes()
    plain = _render(tmp, root, "--force")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    plain_html, plain_left_pdf = html.read_bytes(), pdf_file.exists()
    again = _render(tmp, root, "--pdf")
    assert again.returncode == 0, again.stdout + again.stderr
    again_html = html.read_bytes()
    fresh = _render(tmp, root, "--pdf")
    before = _files(root)
    # An executable that is not a browser: the converter is found, printing then fails.
    broken = _render(tmp, root, "--pdf", "--force", SCRUTINY_CHROMIUM="/bin/false")
    after = _files(root)
    assert before.keys() <= after.keys()
    return Runs(root, first_html, plain, plain_html, plain_left_pdf, again, again_html, fresh,
                broken, before, {name: after[name] for name in before})


@pytest.mark.browser
@pytest.mark.slow
def test_the_html_is_the_same_with_and_without_pdf(runs):
    assert runs.first_html == runs.plain_html == runs.again_html


@pytest.mark.browser
@pytest.mark.slow
def test_a_report_rendered_without_pdf_drops_its_old_pdf(runs):
    assert not runs.plain_left_pdf, "a PDF older than its HTML must not stay beside it"


@pytest.mark.browser
@pytest.mark.slow
def test_a_missing_pdf_renders_the_report_again_then_it_is_up_to_date(runs):
    assert re.search(rf"^ok\s+{STEM.as_posix()}\s", runs.again.stdout, re.M), runs.again.stdout
    assert runs.pdf.read_bytes().startswith(b"%PDF-")
    assert re.search(rf"^fresh\s+{STEM.as_posix()}\s+up to date", runs.fresh.stdout, re.M)


@pytest.mark.browser
@pytest.mark.slow
def test_a_pdf_that_cannot_be_printed_fails_the_report_and_replaces_nothing(runs):
    assert runs.broken.returncode != 0
    assert re.search(rf"^FAILED\s+{STEM.as_posix()}\s.*period_report\.pdf not written",
                     runs.broken.stdout, re.M), runs.broken.stdout
    assert "period_report.pdf" in runs.before_broken
    assert runs.after_broken == runs.before_broken, "the last good files are left as they were"


@pytest.fixture(scope="module")
def printed(runs):
    """The June 2016 PDF: the pypdf reader, page texts, structure tree, and the HTML's <main>."""
    main = BeautifulSoup(runs.html.read_text(encoding="utf-8"), "html.parser").find("main")
    return (pdf_checks.read(runs.pdf), pdf_checks.page_texts(runs.pdf),
            pdf_checks.structure(runs.pdf), main)


@pytest.mark.browser
@pytest.mark.slow
def test_pages_are_a4_and_the_footer_numbers_them(printed):
    reader, texts, _, _ = printed
    assert 10 <= len(texts) <= 60, f"{len(texts)} pages"
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
        footer = pdf_checks.words(text)
        assert footer.endswith(f"Page {number} of {len(texts)}"), footer[-120:]
        assert TITLE in footer, f"page {number} has no title in its footer"


@pytest.mark.browser
@pytest.mark.slow
def test_every_heading_is_in_the_text_and_the_outline(printed):
    reader, texts, _, main = printed
    text = pdf_checks.words(" ".join(texts))
    headings = [pdf_checks.words(h.get_text(" ")) for h in main.find_all(["h1", "h2", "h3"])]
    assert len(headings) > 15
    assert [h for h in headings if h not in text] == []
    outline = [pdf_checks.words(item.title) for item in _flat(reader.outline)]
    sections = [pdf_checks.words(h.get_text(" ")) for h in main.find_all("h2")]
    assert set(sections) <= set(outline)


def _flat(outline) -> list:
    return [leaf for item in outline
            for leaf in (_flat(item) if isinstance(item, list) else [item])]


@pytest.mark.browser
@pytest.mark.slow
def test_the_pdf_carries_every_figure_of_the_html(printed):
    _, texts, _, main = printed
    shown = pdf_checks.numbers(pdf_checks.words(main.get_text(" ")))
    assert {"£561,675", "5,815.75"} <= shown  # the year's credits and points, as a check
    assert shown - pdf_checks.numbers(pdf_checks.words(" ".join(texts))) == set()


@pytest.mark.browser
@pytest.mark.slow
def test_no_table_row_is_cut_across_pages(printed):
    _, texts, tree, main = printed
    rows = pdf_checks.find(tree, "/TR")
    assert len(rows) == len(main.find_all("tr")), "every row is tagged, so every row is checked"
    assert any(len(set(t.pages)) > 1 for t in pdf_checks.find(tree, "/Table")), \
        "some table runs over a page, so breaks inside tables are exercised"
    assert pdf_checks.split_rows(tree) == []


@pytest.mark.browser
@pytest.mark.slow
def test_no_heading_ends_a_page(printed):
    _, _, tree, _ = printed
    assert pdf_checks.orphaned_headings(tree) == []


# -- The checks themselves find what they look for -----------------------------------------------

#: The print rule that keeps each table row on one page, as the stylesheet writes it.
ROW_RULE = "table, figure, .table-wrap, dl, tr, .note { break-inside: avoid; }"


@pytest.mark.browser
@pytest.mark.slow
def test_the_row_check_finds_the_rows_cut_without_the_row_rule(runs, browser, monkeypatch):
    """Rows of four lines, pages of them: printed without ``tr`` in the row rule Chromium cuts
    some across a page end and the check sees it; with the report's own rule it cuts none.

    The control is a table of its own, so it does not depend on where the report's pages end.
    """
    page = runs.html.read_text(encoding="utf-8")
    assert page.count(ROW_RULE) == 1
    tall = "".join(f"<tr><td>Row {n}<br>second line<br>third line<br>fourth line</td>"
                   f"<td>{n}</td></tr>" for n in range(150))
    control = ("<!DOCTYPE html><html lang='en'><head><title>Control</title><style>{rule}</style>"
               "</head><body><h1>Control</h1><table><caption>Control</caption><thead><tr>"
               f"<th>Text</th><th>Number</th></tr></thead><tbody>{tall}</tbody></table>"
               "</body></html>")
    monkeypatch.setenv(pdf.BROWSER_ENV, str(browser))
    with pdf.Printer() as printer:
        for name, rule in (("bare", ""), ("kept", ROW_RULE)):
            (runs.root / f"control-{name}.pdf").write_bytes(printer.pdf(
                control.replace("{rule}", rule)))
    cut = pdf_checks.split_rows(pdf_checks.structure(runs.root / "control-bare.pdf"))
    assert cut, "without the row rule some row should be cut across a page end"
    assert pdf_checks.split_rows(pdf_checks.structure(runs.root / "control-kept.pdf")) == []


@pytest.mark.browser
@pytest.mark.slow
def test_printing_runs_no_script_and_fetches_nothing(browser, tmp_path, monkeypatch):
    """Whatever reached a page, printing it neither runs it nor lets it load anything."""
    import http.server
    import threading

    asked = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    here = f"http://127.0.0.1:{server.server_port}"
    page = (f"<!DOCTYPE html><html lang='en'><head><title>T</title>"
            f"<link rel='stylesheet' href='{here}/style.css'></head><body><main><h1>Plain</h1>"
            f"<img src='{here}/image.png' alt='an image from outside'>"
            "<script>document.querySelector('h1').textContent = 'ScriptRan';</script>"
            "</main></body></html>")
    monkeypatch.setenv(pdf.BROWSER_ENV, str(browser))
    try:
        with pdf.Printer() as printer:
            out = tmp_path / "page.pdf"
            out.write_bytes(printer.pdf(page))
    finally:
        server.shutdown()
    text = pdf_checks.words(" ".join(pdf_checks.page_texts(out)))
    assert "Plain" in text and "ScriptRan" not in text
    assert asked == []


def test_numbers_are_read_as_written():
    assert pdf_checks.numbers("£561,675 over 5,815.75 points, 63.05% in 12 months") == {
        "£561,675", "5,815.75", "63.05%", "12"}

