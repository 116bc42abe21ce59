"""Rendering under bad conditions: interrupted runs, bad parameters files, markup in the data.

In every case the last good report must survive byte for byte. (A report failing in the middle of a
batch is covered by ``test_render.py::test_failing_report_in_a_batch``.)
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time

import psutil
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from render_helpers import (
    ESCAPED_SCRIPT,
    PARAMS,
    PAYLOADS,
    SCRIPT,
    child_env,
    slow_notebooks,
    snapshot,
    start_render,
)
from scrutiny.cli import main

#: Fields every period report shows today; the others must come out escaped wherever shown.
SHOWN_FIELDS = ("title", "council", "supplier", "service", "override")


@pytest.fixture
def last_good(rendered_site, tmp_path):
    """An outputs folder holding real rendered reports and their index: (root, snapshot)."""
    root = tmp_path / "outputs"
    shutil.copytree(rendered_site.root / "lincolnshire-css", root / "lincolnshire-css")
    shutil.copy(rendered_site.root / "index.html", root / "index.html")
    return root, snapshot(root)


def _wait_for(marker, run: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not marker.exists():
        if run.poll() is not None:
            pytest.fail(f"render ended before the slow cell ran:\n{run.stdout.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the slow cell did not start within {seconds}s")
        time.sleep(0.05)


def _start_slow_render(tmp_path, root) -> subprocess.Popen:
    """Start ``scrutiny render`` on a notebook that sleeps, and return once its cell runs."""
    marker = tmp_path / "mid-render"
    notebooks = slow_notebooks(tmp_path / "notebooks", marker)
    run = start_render(PARAMS / "2016-06.yaml", env=child_env(
        tmp_path, SCRUTINY_OUTPUTS=str(root), SCRUTINY_NOTEBOOKS=str(notebooks)))
    try:
        _wait_for(marker, run)
    except BaseException:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        raise
    return run


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_interrupted_render_keeps_the_last_good_report(last_good, tmp_path, signum):
    """Kill the whole command (as Ctrl-C or a CI time-out does) while a report is executing."""
    root, before = last_good
    run = _start_slow_render(tmp_path, root)
    family: list[psutil.Process] = []
    try:
        # Kernels run in their own session, so remember every process this run started.
        family = psutil.Process(run.pid).children(recursive=True)
        os.killpg(run.pid, signum)
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        _, survivors = psutil.wait_procs(family, timeout=20)
        for process in survivors:
            process.kill()
    assert run.returncode != 0, output
    assert not survivors, f"processes outlived the interrupted run: {survivors}"
    after = snapshot(root)
    changed = [name for name, data in before.items() if after.get(name) != data]
    assert not changed, f"last good outputs changed: {changed}"
    left = sorted(set(after) - set(before))
    assert not [name for name in left if name.endswith(".html")], left
    assert all(name.rsplit("/", 1)[-1].startswith(".") for name in left), left
    if signum == signal.SIGINT:
        assert not left, f"an interrupted run that could clean up left {left}"


@pytest.mark.slow
def test_killing_only_the_render_command_stops_its_workers(last_good, tmp_path):
    """``kill -9`` of the command alone (an OOM kill): no worker may finish the report later."""
    root, before = last_good
    run = _start_slow_render(tmp_path, root)
    family: list[psutil.Process] = []
    try:
        family = psutil.Process(run.pid).children(recursive=True)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        _, survivors = psutil.wait_procs(family, timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for process in psutil.Process().children(recursive=True):
            if process in family:
                process.kill()
    assert not survivors, f"workers or kernels outlived the killed command: {survivors}"
    after = snapshot(root)
    assert all(after.get(name) == data for name, data in before.items())


def test_a_later_render_removes_temp_files_of_killed_runs(tmp_path):
    from scrutiny.render.batch import _remove_stale_runs

    dead = subprocess.Popen(["true"])  # its pid has ended once it is waited for
    dead.wait()
    stale = tmp_path / f".period_report.{dead.pid}.running.ipynb"
    live = tmp_path / f".period_report.{os.getpid()}.running.ipynb"
    stale.write_text("{}")
    live.write_text("{}")
    _remove_stale_runs(tmp_path, "period_report")
    assert not stale.exists() and live.exists()


@pytest.mark.parametrize("text, key", [
    ("report: period_report\ncontract: lincolnshire-css\nperiod: 2016-06\ncolour: blue\n",
     "key 'colour': unknown parameter"),
    ("report: period_report\ncontract: lincolnshire-css\nperiod: 2016-06\n"
     "previous_months: five\n", "key 'previous_months'"),
    ("report: period_report\nperiod: 2016-06\n", "missing key 'contract'"),
], ids=["unknown-key", "wrong-type", "missing-key"])
def test_bad_parameters_file_stops_the_batch_with_one_line(last_good, tmp_path, monkeypatch,
                                                           text, key):
    root, before = last_good
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(root))
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(PARAMS / "2016-06.yaml"), str(bad),
                                       "--no-progress"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "bad.yaml: " in lines[0] and key in lines[0]
    assert snapshot(root) == before


def test_markup_from_data_is_escaped_in_the_report(rendered_site):
    page = rendered_site.hostile.read_text(encoding="utf-8")
    assert SCRIPT not in page
    assert ESCAPED_SCRIPT in page
    soup = BeautifulSoup(page, features="html.parser")
    assert not soup.find_all(["script", "b", "i"])
    assert not [(tag.name, name) for tag in soup.find_all(True) for name in tag.attrs
                if name.lower().startswith("on")]
    assert not soup.find_all("img", src="x")
    text = " ".join(soup.get_text(" ").split())
    for name, payload in PAYLOADS.items():
        marker = re.search(r"\w+Marker", payload).group()
        if name in SHOWN_FIELDS:
            assert marker in text, f"{name} is no longer shown; update SHOWN_FIELDS"
        if marker in text:
            assert payload in text, f"{name} reached the page altered: {payload!r}"
    assert PAYLOADS["title"] in soup.title.get_text()


def test_markup_from_data_is_escaped_in_the_index(rendered_site):
    index = (rendered_site.root / "index.html").read_text(encoding="utf-8")
    assert SCRIPT not in index and ESCAPED_SCRIPT in index
    soup = BeautifulSoup(index, features="html.parser")
    assert not soup.find_all("script")
    assert PAYLOADS["title"] in soup.get_text()
