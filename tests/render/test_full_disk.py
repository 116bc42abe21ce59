"""A render onto a full disk never ends in success for a report it did not write.

The disk's refusal (ENOSPC) is injected at each write of a render in turn: the downloads beside
the report, its notebook, HTML, manifest, render record and the index. Each must end non-zero,
naming what is missing, and leave the report out of date; ``--force`` and fresh reports alike.
The kernel runs once for real; later renders replay its executed notebook (papermill stubbed),
so everything after execution, every write included, is the real code.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import papermill
import pytest
from click.testing import CliRunner

from ingest_support import CORPUS
from scrutiny.cli import main
from scrutiny.core import atomic
from scrutiny.render import batch, freshness
from scrutiny.render.monthly import default_job

OWN = CORPUS / "own-contract"
SLUG = "north-waste"
PERIOD = "2026-05"
NEW = ["new-contract", SLUG, "--schedule", str(OWN / "schedule.csv"),
       "--title", "Waste and street cleansing contract", "--council", "North District Council",
       "--supplier", "CleanCo Ltd", "--start", "2026-04-01",
       "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]
RENDER = ["render", "--contract", SLUG, "--period", PERIOD, "--no-progress"]


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args], env={"SCRUTINY_DATA": str(root / "data"),
                                                  "SCRUTINY_OUTPUTS": str(root / "outputs"),
                                                  "SCRUTINY_PARAMS": str(root / "params")})


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """A contract with two months and its May report rendered once, for real."""
    root = tmp_path_factory.mktemp("disk")
    (root / "data").mkdir()
    assert run(root, *NEW).exit_code == 0
    for month in ("2026-04", "2026-05"):
        assert run(root, "ingest", "--contract", SLUG,
                   str(OWN / f"return-{month}.csv")).exit_code == 0
    result = run(root, *RENDER)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def site(rendered, tmp_path, monkeypatch) -> Path:
    """A copy of the rendered site whose renders replay the executed notebook."""
    shutil.copytree(rendered, tmp_path / "site")
    root = tmp_path / "site"
    executed = (rendered / "outputs" / SLUG / PERIOD / "period_report.ipynb").read_text()

    def replay(input_path, output_path, **kwargs):
        Path(output_path).write_text(executed)

    monkeypatch.setattr(papermill, "execute_notebook", replay)
    for name, sub in (("SCRUTINY_DATA", "data"), ("SCRUTINY_OUTPUTS", "outputs"),
                      ("SCRUTINY_PARAMS", "params")):
        monkeypatch.setenv(name, str(root / sub))
    return root


def report_files(root: Path) -> list[str]:
    """Every file one render writes, in the order written (downloads first, index last)."""
    folder = root / "outputs" / SLUG / PERIOD
    downloads = sorted(p.name for p in folder.iterdir() if not p.name.startswith(
        "period_report.") and not p.name.startswith("."))
    return [*downloads, "period_report.ipynb", "period_report.html", "period_report.index.json",
            "period_report.render.json", "index.html"]


def full_disk_at(monkeypatch, name: str) -> None:
    """The disk refuses the write of ``name`` as a full disk does: ENOSPC, no file named."""
    real = atomic.atomic_write

    def write(path, data):
        if Path(path).name == name:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(batch, "atomic_write", write)


def test_the_render_writes_a_download_beside_the_report(rendered):
    assert report_files(rendered)[0] == "contract-performance-notice.json"


@pytest.mark.parametrize("name", ["contract-performance-notice.json", "period_report.ipynb",
                                  "period_report.html", "period_report.index.json",
                                  "period_report.render.json", "index.html"])
def test_a_full_disk_at_any_write_of_a_forced_render_ends_loudly(site, monkeypatch, name):
    assert name in report_files(site)
    full_disk_at(monkeypatch, name)
    result = run(site, *RENDER, "--force")
    assert result.exit_code != 0, result.output
    assert name in result.output
    if name != "index.html":
        assert "FAILED" in result.output and "not written" in result.output
        job = default_job(SLUG, PERIOD)
        assert freshness.stale_reason(job, site / "outputs") is not None
    else:
        assert "the disk is full" in result.output


def test_a_fresh_report_needs_no_write_and_says_so(site, monkeypatch):
    def refuse(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch, "atomic_write", refuse)
    result = run(site, *RENDER)
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_a_fresh_report_with_its_index_gone_fails_naming_the_index(site, monkeypatch):
    (site / "outputs" / "index.html").unlink()
    full_disk_at(monkeypatch, "index.html")
    result = run(site, *RENDER)
    assert result.exit_code != 0
    assert "index.html: the disk is full" in result.output
