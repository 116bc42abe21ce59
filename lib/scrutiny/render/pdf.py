"""Committee HTML to an A4 PDF, printed by headless Chromium driven by playwright.

The converter is a real browser's print engine, not a PDF writer of our own: Chromium lays the
page out with the stylesheet's print rules (``@page`` A4, no table row split, headings kept with
what follows), and the PDF's text is the page's text, so it is selectable and carries the same
numbers. The PDF is tagged (headings, tables, rows and cells in its structure tree) and has an
outline of the headings. Each page's footer gives the report title and "Page N of M".

Chromium is not downloaded by playwright (that needs a network): the one installed on the machine
is used, ``SCRUTINY_CHROMIUM`` or the first of :data:`BROWSER_NAMES` on ``PATH`` (Debian:
``apt-get install chromium``). The page is printed with JavaScript off and every request refused,
so nothing in a report can run or fetch anything while it is printed.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

from scrutiny.exceptions import PdfConverterError

#: Environment variable naming the Chromium (or Chrome) executable to print with.
BROWSER_ENV = "SCRUTINY_CHROMIUM"
#: Executables looked for on ``PATH`` when ``SCRUTINY_CHROMIUM`` is not set, in order.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_HOW_TO_GET_ONE = ("install Debian's chromium (apt-get install chromium) or set "
                   f"{BROWSER_ENV} to a Chromium or Chrome executable, or render without --pdf")
#: Chromium flags: nothing phoning home; no sandbox only where Chromium refuses one (root).
_FLAGS = ("--disable-gpu", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run", "--disable-quic")
#: Printed in each page's bottom margin; Chromium fills the spans (as text, never as markup).
FOOTER_TEMPLATE = (
    '<div style="font: 8pt Arial, \'Liberation Sans\', sans-serif; color: #1a1a1a; width: 100%; '
    'margin: 0 12mm; display: flex; justify-content: space-between; gap: 2em;">'
    '<span class="title"></span>'
    '<span style="white-space: nowrap;">Page <span class="pageNumber"></span> of '
    '<span class="totalPages"></span></span></div>')
#: Milliseconds allowed to lay out and print one report.
TIMEOUT_MS = 120_000


def find_browser() -> Path:
    """Return the Chromium executable to print with.

    Returns
    -------
    pathlib.Path
        ``$SCRUTINY_CHROMIUM`` if set, else the first of :data:`BROWSER_NAMES` on ``PATH``.

    Raises
    ------
    PdfConverterError
        When playwright is not installed, or no executable Chromium is found.
    """
    try:
        import playwright.sync_api  # noqa: F401 - only whether it can be imported
    except ImportError:
        raise PdfConverterError(
            "--pdf needs playwright to drive Chromium: pip install 'contract-scrutiny[pdf]' "
            f"(make installs it), then {_HOW_TO_GET_ONE}") from None
    named = os.environ.get(BROWSER_ENV)
    if named:
        path = Path(named)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise PdfConverterError(f"{BROWSER_ENV}={named} is not an executable file: "
                                    f"{_HOW_TO_GET_ONE}")
        return path
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise PdfConverterError(f"--pdf needs Chromium to print reports and none was found: "
                            f"{_HOW_TO_GET_ONE}")


class Printer:
    """One headless Chromium, kept open to print one report after another.

    Use as a context manager, or :func:`shared_printer` for one per process.
    """

    def __init__(self, browser: Path | None = None):
        from playwright.sync_api import sync_playwright

        executable = browser or find_browser()
        flags = [*_FLAGS, *(["--no-sandbox"] if _is_root() else [])]
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=str(executable),
                                                             args=flags)
        except BaseException:
            self._playwright.stop()
            raise

    def pdf(self, html: str) -> bytes:
        """Return ``html`` (a whole committee page) printed as an A4 PDF.

        Parameters
        ----------
        html : str
            The page, self-contained (styles inline, images embedded).

        Returns
        -------
        bytes
            The PDF: A4 (the stylesheet's ``@page``), backgrounds printed, tagged, with an
            outline and the footer of :data:`FOOTER_TEMPLATE`.
        """
        context = self._browser.new_context(java_script_enabled=False)
        try:
            context.set_default_timeout(TIMEOUT_MS)
            context.route("**/*", _refuse_unless_inline)
            page = context.new_page()
            page.set_content(html, wait_until="load")
            return page.pdf(prefer_css_page_size=True, print_background=True,
                            display_header_footer=True, header_template="<span></span>",
                            footer_template=FOOTER_TEMPLATE, tagged=True, outline=True)
        finally:
            context.close()

    def close(self) -> None:
        """Stop the browser and playwright's driver."""
        try:
            self._browser.close()
        finally:
            self._playwright.stop()

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _refuse_unless_inline(route) -> None:
    """Let embedded ``data:`` resources load; refuse every other request."""
    if route.request.url.startswith("data:"):
        route.continue_()
    else:
        route.abort()


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@functools.lru_cache(maxsize=1)
def shared_printer() -> Printer:
    """Return this process's printer, started on first use and stopped when the process ends.

    A render worker prints every report it renders with one browser: starting Chromium costs
    about a second, printing a report about as much.
    """
    from multiprocessing import util

    printer = Printer()
    # Runs at interpreter exit in the main process and when a pool worker finishes, where
    # atexit handlers do not run.
    util.Finalize(printer, printer.close, exitpriority=10)
    return printer


def html_to_pdf(html: str) -> bytes:
    """Return ``html`` printed as a PDF by this process's :func:`shared_printer`.

    A printer that fails is stopped and forgotten, so the next report starts a fresh browser
    rather than reuse one that may have crashed.
    """
    printer = shared_printer()
    try:
        return printer.pdf(html)
    except Exception:
        shared_printer.cache_clear()
        try:
            printer.close()
        except Exception:  # noqa: BLE001 - the print error below is the one to report
            pass
        raise
