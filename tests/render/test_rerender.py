"""``scrutiny render`` run again: up-to-date reports are skipped untouched, changed ones are
re-rendered, ``--force`` renders everything, and Dask writes the same HTML as the local pool."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
PERIOD = PROJECT_ROOT / "params" / "lincolnshire-css" / "2016-06.yaml"
PORTFOLIO = PROJECT_ROOT / "params" / "lincolnshire-imt" / "2019-08.yaml"
PERIOD_HTML = "lincolnshire-css/2016-06/period_report.html"
PORTFOLIO_HTML = "lincolnshire-imt/2019-08/portfolio_report.html"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A writable copy of the two contracts' data and an empty outputs folder."""
    data = tmp_path / "data"
    for name in ("lincolnshire-css", "lincolnshire-imt"):
        shutil.copytree(DATA / name, data / name)
    monkeypatch.setenv("SCRUTINY_DATA", str(data))
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(tmp_path / "outputs"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return data, tmp_path / "outputs"


def _render(*extra: str) -> dict[str, str]:
    """Run ``scrutiny render`` on both reports; return report name -> ok/fresh/FAILED."""
    result = CliRunner().invoke(main, ["render", str(PERIOD), str(PORTFOLIO), "--jobs", "2",
                                       "--no-progress", *extra])
    assert result.exit_code == 0, result.output
    return dict((name, state) for state, name in
                re.findall(r"^(ok|fresh|FAILED) +(\S+)", result.output, re.M))


def _pages(root):
    """Every HTML page (reports and index): relative path -> (bytes, mtime in ns)."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*.html"))}


@pytest.mark.slow
def test_second_render_skips_every_report_and_a_changed_input_renders_only_its_readers(site):
    data, root = site
    first = _render()
    assert set(first.values()) == {"ok"} and len(first) == 2
    before = _pages(root)
    assert set(before) == {PERIOD_HTML, PORTFOLIO_HTML, "index.html"}

    assert set(_render().values()) == {"fresh"}
    assert _pages(root) == before  # same bytes, same modification times

    overrides = data / "lincolnshire-css" / "overrides.csv"  # read only by the CSS report
    # A change the report uses (a reason it prints); a blank line alone would change nothing
    # it uses, and leave it fresh (scrutiny.load.fingerprints).
    overrides.write_text(overrides.read_text(encoding="utf-8").replace(
        "Revised change is TSL 95% and MSL 90%", "Revised change is TSL 95% and MSL 90%.", 1),
        encoding="utf-8")
    again = _render()
    assert again == {"lincolnshire-css/2016-06/period_report": "ok",
                     "lincolnshire-imt/2019-08/portfolio_report": "fresh"}
    after = _pages(root)
    assert after[PORTFOLIO_HTML] == before[PORTFOLIO_HTML]
    assert after[PERIOD_HTML][1] != before[PERIOD_HTML][1]

    assert set(_render().values()) == {"fresh"}
    forced = _render("--force")
    assert set(forced.values()) == {"ok"} and len(forced) == 2
    assert _pages(root)[PORTFOLIO_HTML][1] != before[PORTFOLIO_HTML][1]


@pytest.mark.slow
def test_dask_executor_writes_the_same_html_as_the_local_one(site, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    _, local = site
    assert set(_render().values()) == {"ok"}
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(tmp_path / "dask"))
    assert set(_render("--executor", "dask").values()) == {"ok"}
    assert ({name: page for name, (page, _) in _pages(tmp_path / "dask").items()}
            == {name: page for name, (page, _) in _pages(local).items()})


def test_scheduler_needs_the_dask_executor():
    result = CliRunner().invoke(main, ["render", str(PERIOD), "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2 and "--scheduler needs --executor dask" in result.output
