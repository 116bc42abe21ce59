"""The explorer in a real JupyterLab, driven by headless Chromium through playwright.

JupyterLab serves a throw-away copy of ``notebooks/explore.ipynb`` (its autosave never touches the
tracked notebook), with its settings, workspaces and runtime files under the test's own folder.
The test runs all cells, then changes the KPI and the first month the way an analyst would and
checks that the chart's alt text and the history table follow; that a month without a number on
the lower-is-better CSC_KPI_04 is drawn on the month axis, below every real value (read from the
chart's SVG); and that a From month after the To month is refused in words with the range kept.
Set ``SCRUTINY_SCREENSHOTS`` to a folder to keep screenshots of the explorer for PM_KPI_01,
ACF_KPI_03, CSC_KPI_04 and the From-after-To refusal.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from render_helpers import CHROMIUM, LAUNCH_ARGS, NOTEBOOKS

TOKEN = "scrutiny-explorer-test"
WIDGET = ".scrutiny-explorer"
#: Seconds to wait for JupyterLab, the kernel and each redraw on a busy two-core machine.
START_TIMEOUT, DRAW_TIMEOUT = 120, 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free local port serving a copy of the explorer notebook."""
    if not CHROMIUM.is_file():
        pytest.skip("Chromium not found at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(NOTEBOOKS / "explore.ipynb", root / "explore.ipynb")
    home = root / ".home"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "TMPDIR": str(root)}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=(root / "lab.log").open("w"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text())
                time.sleep(1)
        yield url, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _dropdown(page, label: str):
    """The ``<select>`` of the ipywidgets dropdown described ``label``."""
    box = page.locator(f"{WIDGET}-controls .widget-dropdown").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")))
    return box.locator("select")


def _choose(page, label: str, text_start: str) -> None:
    """Pick the option of dropdown ``label`` whose text starts with ``text_start``."""
    select = _dropdown(page, label)
    deadline = time.monotonic() + DRAW_TIMEOUT
    while True:  # options follow the choice above them after a round trip to the kernel
        options = select.locator("option").evaluate_all("os => os.map(o => o.textContent)")
        matching = [o for o in options if o.replace("\xa0", " ").strip().startswith(text_start)]
        if matching or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert matching, f"{label} offers no {text_start!r}: {options}"
    select.select_option(label=matching[0])


def _shoot(page, path: Path) -> None:
    """Screenshot the whole explorer widget (JupyterLab scrolls it inside the notebook)."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 4200})  # room for all of it
    page.locator(f"{WIDGET}-controls").screenshot(path=str(path))
    page.set_viewport_size(size)


def _alt(page) -> str:
    return page.locator(f"{WIDGET} figure img").first.get_attribute("alt")


def _chart_heights(page) -> dict[str, list[float]]:
    """SVG y (pixels, down) of the chart's no-number markers, measured points and month axis."""
    import xml.etree.ElementTree as ET

    src = page.locator(f"{WIDGET} figure img").first.get_attribute("src")
    root = ET.fromstring(base64.b64decode(src.split("base64,", 1)[1]))
    ns = "{http://www.w3.org/2000/svg}"
    heights: dict[str, list[float]] = {"missing": [], "measured": []}
    for group in root.iter(f"{ns}g"):
        gid = group.get("id", "")
        kind = ("missing" if gid == "no-number-months" else
                "measured" if gid.startswith("measured-values-") else None)
        if kind:
            heights[kind] += [float(use.get("y")) for use in group.iter(f"{ns}use")]
    axis = next(g for g in root.iter(f"{ns}g") if g.get("id") == "month-axis")
    path = next(axis.iter(f"{ns}path")).get("d")
    return {**heights, "axis": [float(re.match(r"M\s*[-\d.]+[\s,]+([-\d.]+)", path).group(1))]}


def _history(page) -> str:
    return page.locator(f"{WIDGET} table").first.inner_text()


@pytest.mark.browser
@pytest.mark.slow
def test_explorer_follows_kpi_and_range_in_jupyterlab(lab):
    from playwright.sync_api import expect, sync_playwright

    url, root = lab
    shots = os.environ.get("SCRUTINY_SCREENSHOTS")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(DRAW_TIMEOUT * 1000)
        page.goto(f"{url}/lab/tree/explore.ipynb?token={TOKEN}")
        page.locator(".jp-Notebook").wait_for()
        # Run only once the kernel says it is idle: earlier, "Run All Cells" is ignored.
        page.locator("#jp-main-statusbar").get_by_text(re.compile(r"scrutiny\)\s*\|\s*Idle")
                                                        ).wait_for()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        page.locator(f"{WIDGET} figure img").wait_for()
        news = page.get_by_role("button", name="No", exact=True)  # "notified about news?"
        if news.count():
            news.first.click()
        first_alt = _alt(page)
        assert first_alt.startswith("PM_KPI_01: % of Payroll")
        assert "12 months from July 2015 to June 2016" in first_alt
        assert "without a number" in first_alt  # November 2015: Red, data not available
        if shots:
            _shoot(page, Path(shots) / "explorer-PM_KPI_01.png")

        _choose(page, "Service", "ACF")
        _choose(page, "KPI", "ACF_KPI_03")
        expect(page.locator(f"{WIDGET} figure img").first).to_have_attribute(
            "alt", re.compile(r"^ACF_KPI_03:"))
        assert "Note 1" in _history(page)
        assert "within 15 Business Days of referral from the Council" in page.locator(
            f"{WIDGET}-controls").inner_text()  # the whole name, though the dropdown is cut
        if shots:
            _shoot(page, Path(shots) / "explorer-ACF_KPI_03.png")

        before = _history(page)
        _choose(page, "From", "Mar 2016")
        expect(page.locator(f"{WIDGET} figure img").first).to_have_attribute(
            "alt", re.compile(r"4 months from March 2016 to June 2016"))
        after = _history(page)
        assert after != before and "July 2015" in before and "July 2015" not in after
        stats = page.locator(f"{WIDGET} table").nth(1).inner_text()
        assert "March 2016 to June 2016" in stats

        # A lower-is-better KPI: June 2016 (Blue, no number) sits on the month axis, below every
        # real value; it used to be drawn at the top, reading worse than October's real 12.40.
        _choose(page, "From", "Jul 2015")
        _choose(page, "Service", "CSC")
        _choose(page, "KPI", "CSC_KPI_04")
        expect(page.locator(f"{WIDGET} figure img").first).to_have_attribute(
            "alt", re.compile(r"^CSC_KPI_04:.*12 months from July 2015.*1 without a number"))
        heights = _chart_heights(page)
        assert len(heights["missing"]) == 1 and len(heights["measured"]) == 11
        assert abs(heights["missing"][0] - heights["axis"][0]) < 0.5  # on the axis (SVG y)
        assert heights["missing"][0] > max(heights["measured"])  # below every real value
        if shots:
            _shoot(page, Path(shots) / "explorer-CSC_KPI_04-no-number.png")

        # From after To: refused in words; the dropdowns keep the last valid range.
        _choose(page, "To", "Jan 2016")
        expect(page.locator(f"{WIDGET} figure img").first).to_have_attribute(
            "alt", re.compile(r"7 months from July 2015 to January 2016"))
        _choose(page, "From", "Mar 2016")
        refusal = page.locator(f"{WIDGET}-message [role=alert]")
        expect(refusal).to_contain_text("From March 2016 is after To January 2016")
        expect(refusal).to_contain_text("The range stays July 2015 to January 2016")
        shown = _dropdown(page, "From").evaluate("s => s.options[s.selectedIndex].textContent")
        assert shown.replace("\xa0", " ").strip() == "Jul 2015"  # put back, not swapped
        assert re.search(r"7 months from July 2015 to January 2016", _alt(page))
        if shots:
            _shoot(page, Path(shots) / "explorer-from-after-to.png")
        browser.close()
    saved = nbformat.read(root / "explore.ipynb", as_version=4)
    assert saved.metadata.kernelspec.name == "scrutiny"


@pytest.mark.slow
def test_explore_notebook_executes_headless_without_error(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / "explore.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "scrutiny"
    assert not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), (
        "the committed notebook carries outputs: run nbstripout on it")
    NotebookClient(nb, timeout=300, kernel_name="scrutiny",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
