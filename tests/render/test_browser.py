"""Rendered reports in a real browser: headless Chromium driven by playwright, checked by axe-core.

Every page under the rendered outputs folder (``**/*.html``: reports and ``index.html``, so new
report kinds are covered as soon as ``scrutiny render`` writes them) is opened once; the tests
then check what a reader's browser saw. Needs Debian's ``chromium`` (``apt-get install chromium``)
and the ``test`` extra (playwright, axe-playwright-python); without them they are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from render_helpers import CHROMIUM, LAUNCH_ARGS, SCRIPT
from scrutiny.report.registry import KINDS

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
BLOCKING_IMPACTS = ("serious", "critical")
MIN_ALT_WORDS = 4
#: Words that say an image is there without saying what it shows.
GENERIC_ALT_WORDS = {"a", "an", "the", "of", "chart", "charts", "image", "images", "figure", "fig",
                     "graph", "graphic", "picture", "photo", "img", "plot", "diagram", "heatmap",
                     "icon", "logo", "svg", "png", "untitled", "placeholder", "alt", "text"}
_FILENAME = re.compile(r"[\w-]+\.(png|jpe?g|gif|svg|webp|bmp|pdf)\b", re.I)

_SCREEN_FACTS = """() => {
  const names = el => {
    if (el.tagName === 'IMG') return el.getAttribute('alt');
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\\s+/)
      .map(id => document.getElementById(id)?.textContent ?? '').join(' ');
    return el.getAttribute('aria-label') ?? el.querySelector(':scope > title')?.textContent ?? null;
  };
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    h1: [...document.querySelectorAll('h1')].map(h => h.innerText.trim()),
    scripts: document.querySelectorAll('script').length,
    images: [...document.querySelectorAll('img, svg[role="img"]')].map(el => ({
      what: el.tagName === 'IMG' ? 'img ' + (el.getAttribute('src') ?? '').slice(0, 40) : 'svg',
      name: names(el),
      loaded: el.tagName !== 'IMG' || (el.complete && el.naturalWidth > 0),
    })),
    anchors: [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'))
      .filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
      .filter(h => !h.startsWith('#')),
  };
}"""

# What a reader sees in the current media: which essential elements show, the page's text, and the
# RAG cells' text. Run once for screen and once for print.
_SEEN = """() => {
  const shown = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true})
    && el.getClientRects().length > 0;
  const root = document.querySelector('main') ?? document.body;
  const essential = [...root.querySelectorAll(
    'h1, h2, h3, p, li, table, caption, th, td, figure, img, figcaption, dt, dd, time, ' +
    'svg[role="img"], .rag')];
  return {
    elements: essential.map(el => el.tagName.toLowerCase() + ': ' +
      (el.innerText || el.getAttribute('alt') || '').trim().slice(0, 60)),
    shown: essential.map(shown),
    text: root.innerText,
    rag: [...document.querySelectorAll('.rag')].map(el => ({
      rag: el.className, text: el.innerText.trim(), shown: shown(el)})),
  };
}"""


@dataclass
class PageFindings:
    """What Chromium reported for one page."""

    path: Path
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    screen: dict = field(default_factory=dict)
    print: dict = field(default_factory=dict)

    def blocking_violations(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in BLOCKING_IMPACTS]

    def structure_problems(self) -> list[str]:
        facts, problems = self.facts, []
        if len(facts["h1"]) != 1:
            problems.append(f"{len(facts['h1'])} <h1> elements {facts['h1']}, want exactly one")
        if not (facts["lang"] or "").strip():
            problems.append("no lang attribute on <html>")
        if not facts["title"].strip():
            problems.append("no <title>")
        if facts["scripts"]:
            problems.append(f"{facts['scripts']} <script> elements; reports carry no scripts")
        problems += [f"in-page link {a} has no target" for a in facts["anchors"]]
        for link in facts["links"]:
            if not re.match(r"^[a-z][a-z0-9+.-]*:", link) and not (self.path.parent / link.split(
                    "#")[0]).is_file():
                problems.append(f"link {link} points at no file")
        return problems

    def image_problems(self) -> list[str]:
        problems = []
        for image in self.facts["images"]:
            problem = alt_text_problem(image["name"])
            if problem:
                problems.append(f"{image['what']}: {problem}")
            if not image["loaded"]:
                problems.append(f"{image['what']}: did not load")
        return problems

    def print_problems(self) -> list[str]:
        screen, printed = self.screen, self.print
        hidden = [what for what, on_screen, on_paper in zip(
            screen["elements"], screen["shown"], printed["shown"], strict=True)
            if on_screen and not on_paper]
        problems = [f"hidden in print: {what}" for what in hidden[:10]]
        if _words(screen["text"]) != _words(printed["text"]):
            problems.append("the printed text differs from the text on screen")
        for cell in printed["rag"]:
            if not cell["shown"] or not re.search(r"\w", cell["text"]):
                problems.append(f"RAG cell {cell['rag']!r} shows no text label in print")
        return problems


def _words(text: str) -> list[str]:
    return text.split()


def alt_text_problem(alt: str | None) -> str | None:
    """Say what is wrong with an image's text alternative, or None when it describes something."""
    if alt is None:
        return "no alt text"
    words = re.findall(r"[\w%'-]+", alt.lower())
    if not words:
        return "empty alt text"
    if _FILENAME.search(alt):
        return f"alt text is a file name: {alt!r}"
    if set(words) <= GENERIC_ALT_WORDS:
        return f"alt text is generic: {alt!r}"
    if len(words) < MIN_ALT_WORDS:
        return f"alt text too short to describe anything: {alt!r}"
    return None


def inspect_pages(pages: list[Path]) -> list[PageFindings]:
    """Open each page in headless Chromium; collect console errors, requests, dialogs, axe-core
    results and what shows on screen and in print."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe, found = Axe(), []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # Nothing may reach the network even if a page asks: abort, but record, such requests.
        context.route(re.compile(r"^(?!(file|data|blob|about):)"), lambda route: route.abort())
        for path in pages:
            seen = PageFindings(path)
            page = context.new_page()
            page.on("console", lambda m, s=seen: s.console_errors.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e, s=seen: s.console_errors.append(f"uncaught: {e}"))
            page.on("request", lambda r, s=seen: s.outside_requests.append(r.url)
                    if not r.url.startswith(LOCAL_SCHEMES) else None)
            page.on("requestfailed", lambda r, s=seen: s.failed_requests.append(r.url))
            page.on("dialog", lambda d, s=seen: (s.dialogs.append(f"{d.type}: {d.message}"),
                                                 d.dismiss()))
            page.goto(path.resolve().as_uri(), wait_until="load")
            seen.facts = page.evaluate(_SCREEN_FACTS)
            seen.screen = page.evaluate(_SEEN)
            page.emulate_media(media="print")
            seen.print = page.evaluate(_SEEN)
            page.emulate_media(media="screen")
            seen.violations = axe.run(page).response["violations"]
            page.close()
            found.append(seen)
        browser.close()
    return found


@pytest.fixture(scope="session")
def chromium():
    """Skip the browser tests, with how to fix it, when Chromium or playwright is missing."""
    if not CHROMIUM.is_file():
        pytest.skip("Chromium not found at /usr/bin/chromium: install Debian's chromium package "
                    "(apt-get install chromium) to run the browser tests")
    for module in ("playwright.sync_api", "axe_playwright_python.sync_playwright"):
        pytest.importorskip(module, reason=f"{module.split('.')[0]} is not installed: "
                            "pip install -e '.[test]' to run the browser tests")
    return CHROMIUM


@pytest.fixture(scope="session")
def seen(chromium, rendered_site) -> list[PageFindings]:
    """Every rendered page, opened once in Chromium."""
    return inspect_pages(rendered_site.pages())


def _report(findings: list[PageFindings], problems) -> str:
    lines = []
    for page in findings:
        lines += [f"{page.path.parent.name}/{page.path.name}: {p}" for p in problems(page)]
    return "\n".join(lines)


@pytest.mark.parametrize("alt, problem", [
    (None, "no alt text"),
    ("", "empty alt text"),
    ("   ", "empty alt text"),
    ("chart", "generic"),
    ("Figure", "generic"),
    ("an image of the chart", "generic"),
    ("heatmap.svg", "file name"),
    ("period_report_heatmap.png shows RAG", "file name"),
    ("RAG heatmap", "too short"),
    ("Heatmap of RAG status for 40 KPIs over 12 months", None),
    ("Abatement points per month since the contract began", None),
])
def test_alt_text_rule(alt, problem):
    found = alt_text_problem(alt)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.browser
@pytest.mark.slow
def test_checks_find_the_faults_of_a_bad_page(chromium, tmp_path):
    """The checks are able to fail: a page with every fault is caught on every count."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><style>@media print { .screen-only { display: none } }"
        "</style></head><body><main><h1>One</h1><h1>Two</h1>"
        '<p class="screen-only">Essential sentence</p><span class="rag rag-red"></span>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="chart.png">'
        '<img src="https://example.invalid/pixel.png" alt="A photograph of the town hall steps">'
        '<a href="#nowhere">x</a><a href="missing.html">y</a>'
        "<script>console.error('broken'); alert('hello')</script></main></body></html>",
        encoding="utf-8")
    page = inspect_pages([bad])[0]
    assert "broken" in page.console_errors
    assert page.outside_requests == ["https://example.invalid/pixel.png"]
    assert page.dialogs == ["alert: hello"]
    assert {v["id"] for v in page.blocking_violations()} >= {"html-has-lang", "document-title"}
    structure = "\n".join(page.structure_problems())
    for fault in ("2 <h1>", "no lang", "no <title>", "1 <script>", "#nowhere has no target",
                  "missing.html points at no file"):
        assert fault in structure
    images = "\n".join(page.image_problems())
    assert "file name" in images and "did not load" in images
    printed = "\n".join(page.print_problems())
    assert "hidden in print: p: Essential sentence" in printed
    assert "differs from the text on screen" in printed
    assert "rag rag-red" in printed



@pytest.mark.browser
@pytest.mark.slow
def test_every_rendered_page_is_opened(seen, rendered_site):
    names = {p.path.relative_to(rendered_site.root).as_posix() for p in seen}
    assert "index.html" in names
    assert {p.relative_to(rendered_site.root).as_posix()
            for p in (*rendered_site.real, rendered_site.hostile)} <= names
    # Every kind of report, the action-plan and partnership reports included, is opened.
    assert set(KINDS) <= {Path(name).stem for name in names}


@pytest.mark.browser
@pytest.mark.slow
def test_no_console_errors(seen):
    assert not _report(seen, lambda p: p.console_errors)


@pytest.mark.browser
@pytest.mark.slow
def test_no_request_leaves_the_file(seen):
    assert not _report(seen, lambda p: [f"request leaves the file: {u}"
                                        for u in p.outside_requests])
    assert not _report(seen, lambda p: [f"request failed: {u}" for u in p.failed_requests])


@pytest.mark.browser
@pytest.mark.slow
def test_no_serious_or_critical_axe_violations(seen):
    blocking = [v for page in seen for v in page.blocking_violations()]
    every = _report(seen, lambda p: [
        f"axe {v['impact']}: {v['id']} x{len(v['nodes'])}: {v['help']} "
        f"(first: {v['nodes'][0]['target']})" for v in p.violations])
    assert not blocking, every


@pytest.mark.browser
@pytest.mark.slow
def test_images_have_meaningful_alt_text(seen):
    assert any(p.facts["images"] for p in seen), "no report showed a figure"
    assert not _report(seen, PageFindings.image_problems)


@pytest.mark.browser
@pytest.mark.slow
def test_one_h1_a_language_a_title_and_working_links(seen):
    assert not _report(seen, PageFindings.structure_problems)


@pytest.mark.browser
@pytest.mark.slow
def test_print_hides_nothing_and_rag_labels_stay_text(seen):
    assert not _report(seen, PageFindings.print_problems)
    labels = {cell["text"] for page in seen for cell in page.print["rag"]}
    assert {"Green", "Amber", "Red", "Blue"} <= labels


@pytest.mark.browser
@pytest.mark.slow
def test_markup_from_data_is_shown_as_text_and_never_runs(seen, rendered_site):
    assert not _report(seen, lambda p: p.dialogs)
    hostile = next(p for p in seen if p.path == rendered_site.hostile)
    assert SCRIPT in hostile.facts["h1"][0] and SCRIPT in hostile.facts["title"]
    assert SCRIPT in hostile.screen["text"]
    index = next(p for p in seen if p.path.name == "index.html")
    assert SCRIPT in index.screen["text"]  # the hostile title, shown as text in the index
