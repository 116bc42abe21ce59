"""Shared fixtures: the real Lincolnshire CSS contract and throw-away copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scrutiny.contract import load_contract
from scrutiny.paths import PROJECT_ROOT
from scrutiny.scoring import score

DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="session")
def rendered_site(tmp_path_factory):
    """Real reports (two CSS periods, the newest of every other kind) and one from hostile data,
    rendered once per session by the real ``scrutiny render`` command (see render_helpers)."""
    from render_helpers import render_site

    return render_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def css():
    """The transcribed Lincolnshire CSS contract (seed 000)."""
    return load_contract("lincolnshire-css", data_root=DATA)


@pytest.fixture(scope="session")
def css_scores(css):
    """Every KPI-month of the CSS contract, scored."""
    return score(css)


@pytest.fixture
def css_copy(tmp_path: Path) -> Path:
    """A writable copy of data/lincolnshire-css under tmp_path; returns the data root."""
    shutil.copytree(DATA / "lincolnshire-css", tmp_path / "lincolnshire-css")
    return tmp_path
