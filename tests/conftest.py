"""Shared fixtures: the real Lincolnshire CSS contract and throw-away copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scrutiny.config import PROJECT_ROOT
from scrutiny.load.contract import load_contract
from scrutiny.score.scoring import score

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


#: One parameters file per report notebook: the suite executes each notebook once (twice, to
#: check the second render is byte-identical), all in one batch.
RENDERED = {
    "period_report": "params/lincolnshire-css/2016-06.yaml",
    "council_report": "params/brent-lewisham-southwark/brent-2018-01.yaml",
    "portfolio_report": "params/lincolnshire-imt/2019-08.yaml",
    "action_plan_report": "params/south-vale-capita/2018-09.yaml",
    "partnership_report": "params/lancashire-bt/2015-03.yaml",
    "kpi_card": "params/lincolnshire-css/CSC_KPI_04-2016-06.yaml",
    "annual_review": "params/lincolnshire-css/annual-2015.yaml",
}


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Each report notebook rendered twice with papermill on the real data.

    Returns ``(root, first, second)``: the outputs folder and, per report name, the HTML bytes of
    the first and the second render.
    """
    from scrutiny.render import batch as render

    root = tmp_path_factory.mktemp("outputs")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SOURCE_DATE_EPOCH", raising=False)
        jobs = render.plan([PROJECT_ROOT / p for p in RENDERED.values()])
        pages = {job.parameters["params_file"]: root / job.stem.with_suffix(".html")
                 for job in jobs}
        by_name = {name: pages[path] for name, path in RENDERED.items()}
        runs = []
        for _ in range(2):
            results = render.render(jobs, root=root, progress=False, workers=len(jobs),
                                    force=True)
            assert all(r.ok for r in results), [r.error for r in results if not r.ok]
            runs.append({name: page.read_bytes() for name, page in by_name.items()})
    return root, runs[0], runs[1]


@pytest.fixture(scope="session")
def doc_run(tmp_path_factory):
    """``doc_run("README.md")``: that document's blocks run once per session (docs_runner)."""
    from docs_runner import run_document

    runs = {}

    def run(document: str):
        if document not in runs:
            runs[document] = run_document(document, tmp_path_factory.mktemp("doc"))
            DOC_RUNS.append(runs[document])
        return runs[document]

    return run


#: Every document run this session, for the summary line at the end.
DOC_RUNS: list = []


def pytest_terminal_summary(terminalreporter):
    """Say how many documentation blocks ran and which were skipped, with the reasons."""
    if not DOC_RUNS:
        return
    ran = sum(len(r.ran) for r in DOC_RUNS)
    skipped = [b for r in DOC_RUNS for b in r.skipped]
    terminalreporter.write_line(f"docs: {ran} blocks run, {len(skipped)} not run, in "
                                f"{len(DOC_RUNS)} documents")
    for block in skipped:
        terminalreporter.write_line(f"  not run: {block.where} -- {block.not_run}")
