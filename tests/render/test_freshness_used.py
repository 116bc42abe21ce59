"""Freshness by what a report used: files it could read (absent ones too) and, of tables read by
month, only the months up to its period. A later decision or a correction inside the window makes
a report stale; a new month after it does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest_support import CORPUS
from scrutiny.cli import main
from scrutiny.load.fingerprints import fingerprint, matches
from scrutiny.render import freshness
from scrutiny.render.batch import Job
from scrutiny.render.monthly import default_job

OWN = CORPUS / "own-contract"
SLUG = "north-waste"
NEW = ["new-contract", SLUG, "--schedule", str(OWN / "schedule.csv"),
       "--title", "Waste and street cleansing contract", "--council", "North District Council",
       "--supplier", "CleanCo Ltd", "--start", "2026-04-01",
       "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args], env={"SCRUTINY_DATA": str(root / "data"),
                                                  "SCRUTINY_OUTPUTS": str(root / "outputs"),
                                                  "SCRUTINY_PARAMS": str(root / "params")})


def ingest(root: Path, month: str) -> None:
    result = run(root, "ingest", "--contract", SLUG, str(OWN / f"return-{month}.csv"))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fresh")
    (root / "data").mkdir()
    assert run(root, *NEW).exit_code == 0
    for month in ("2026-04", "2026-05", "2026-06"):
        ingest(root, month)
    return root


@pytest.fixture
def own(built, tmp_path, monkeypatch) -> Path:
    shutil.copytree(built / "data", tmp_path / "data")
    for name, sub in (("SCRUTINY_DATA", "data"), ("SCRUTINY_OUTPUTS", "outputs"),
                      ("SCRUTINY_PARAMS", "params")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    return tmp_path


def fake_render(root: Path, period: str) -> Job:
    """Record a render of the period report exactly as the renderer would, without a kernel:
    the appendix the notebook displays declares the inputs, the record is made from them."""
    from scrutiny.report.period.scorecard import provenance_section
    from scrutiny.report.registry import open_report

    job = default_job(SLUG, period)
    markup, metadata = provenance_section(open_report("period_report", contract=SLUG, period=period)
                                          )._repr_html_()
    nb = {"cells": [{"outputs": [{"output_type": "display_data", "data": {"text/html": markup},
                                  "metadata": {"text/html": metadata}}]}]}
    out = root / "outputs"
    html = (out / job.stem).with_suffix(".html")
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(markup)
    freshness.record_path(out, job).write_text(
        freshness.record_text(job, freshness.declared_inputs(nb)))
    assert freshness.stale_reason(job, out) is None
    return job


def stale(root: Path, job: Job) -> str | None:
    return freshness.stale_reason(job, root / "outputs")


@pytest.mark.parametrize("decide, file", [
    (["override", "--contract", SLUG, "--kpi", "WST_KPI_02", "--from", "2026-05", "--to",
      "2026-06", "--tsl", "60", "--reason", "Depot move"], "overrides.csv"),
    (["mitigate", "--contract", SLUG, "--kpi", "WST_KPI_02", "--from", "2026-05",
      "--reason", "Vehicle fire"], "mitigation_reasons.csv"),
], ids=["first-override", "first-mitigation"])
def test_the_first_decision_inside_the_window_makes_the_report_stale(own, decide, file):
    folder = own / "data" / SLUG
    (folder / file).unlink(missing_ok=True)  # the first one: the file does not exist yet
    job = fake_render(own, "2026-05")
    assert run(own, *decide).exit_code == 0
    # The decision file itself, or the decision log written with it (checked first).
    assert stale(own, job) in {f"input {SLUG}/{name} {how}" for name in (file, "decisions.csv")
                               for how in ("was created since", "changed")}
    screen = run(own, "status", "--contract", SLUG).output
    assert "  2026-05: out of date (input" in screen


def test_adding_terms_makes_the_report_stale(own):
    job = fake_render(own, "2026-05")
    assert not (own / "data" / SLUG / "terms.yaml").exists()
    (own / "data" / SLUG / "terms.yaml").write_text("contract: north-waste\n")
    assert stale(own, job) == f"input {SLUG}/terms.yaml was created since"


def test_a_decision_after_the_period_leaves_it_fresh(own):
    run(own, "override", "--contract", SLUG, "--kpi", "WST_KPI_02", "--from", "2026-04",
        "--to", "2026-04", "--tsl", "60", "--reason", "First override, early month")
    job = fake_render(own, "2026-05")
    assert run(own, "override", "--contract", SLUG, "--kpi", "WST_KPI_02", "--from", "2026-06",
               "--to", "2026-07", "--tsl", "60", "--reason", "Later").exit_code == 0
    assert stale(own, job) is None


def test_a_new_month_leaves_earlier_reports_fresh_and_a_correction_inside_does_not(own,
                                                                                   tmp_path):
    april, may = fake_render(own, "2026-04"), fake_render(own, "2026-05")
    june = fake_render(own, "2026-06")
    ingest(own, "2026-07")
    assert stale(own, april) is None and stale(own, may) is None and stale(own, june) is None
    screen = run(own, "status", "--contract", SLUG).output
    assert "  2026-05: up to date" in screen and "  2026-06: up to date" in screen
    fixed = tmp_path / "return-2026-05-corrected.csv"
    fixed.write_text((OWN / "return-2026-05.csv").read_text().replace(
        "WST_KPI_03,Put right,M,95,90,95.00", "WST_KPI_03,Put right,M,95,90,91.00"))
    assert fixed.read_text() != (OWN / "return-2026-05.csv").read_text()
    assert run(own, "ingest", "--contract", SLUG, str(fixed), "--replace").exit_code == 0
    assert stale(own, april) is None
    changed = {f"input {SLUG}/{name} changed" for name in ("changes.csv", "returns.csv")}
    assert stale(own, may) in changed and stale(own, june) in changed


MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["K1", "K2"]), st.sampled_from(MONTHS),
                               st.integers(0, 100)), max_size=12),
       through=st.sampled_from(MONTHS), later=st.sampled_from(MONTHS),
       value=st.integers(0, 100))
def test_a_slice_changes_exactly_when_a_row_up_to_its_month_changes(tmp_path_factory, rows,
                                                                    through, later, value):
    path = tmp_path_factory.mktemp("slice") / "returns.csv"
    text = "kpi_id,month,value,footnote\n" + "".join(f"{k},{m},{v},\n" for k, m, v in rows)
    path.write_text(text)
    recorded = fingerprint(path, through)
    assert recorded.startswith(f"through {through}:") and matches(path, recorded)
    path.write_text(text + f"K3,{later},{value},\n")
    assert matches(path, recorded) is (later > through)


def test_absent_is_recorded_and_its_creation_is_seen(tmp_path):
    terms = tmp_path / "terms.yaml"
    assert fingerprint(terms, "2026-05") is None and matches(terms, None)
    terms.write_text("contract: x\n")
    assert not matches(terms, None)
    path = tmp_path / "overrides.csv"
    absent = fingerprint(path, "2026-05")
    assert absent == "through 2026-05:none" and matches(path, absent)
    path.write_text("kpi_id,from_month,to_month,tsl,msl,reason\nK,2026-06,2026-07,1,2,r\n")
    assert matches(path, absent)  # a decision after the window: nothing the report used
    path.write_text("kpi_id,from_month,to_month,tsl,msl,reason\nK,2026-05,2026-07,1,2,r\n")
    assert not matches(path, absent)


def test_a_file_without_months_counts_whole(tmp_path):
    path = tmp_path / "kpis.csv"
    path.write_text("kpi_id,tsl\nK1,9\n")
    assert fingerprint(path, "2026-05") == fingerprint(path)
    assert len(fingerprint(path)) == 64


def test_real_render_then_first_override_then_render_again_re_renders(built, tmp_path):
    """The sequence of issue 20 with the real renderer: render, first override, render."""
    shutil.copytree(built / "data", tmp_path / "data")
    (tmp_path / "data" / SLUG / "overrides.csv").unlink(missing_ok=True)
    render = ["render", "--contract", SLUG, "--period", "2026-05", "--no-progress"]
    first = run(tmp_path, *render)
    assert first.exit_code == 0, first.output
    assert "ok      north-waste/2026-05/period_report" in first.output
    assert "  2026-05: up to date" in run(tmp_path, "status", "--contract", SLUG).output
    assert run(tmp_path, "override", "--contract", SLUG, "--kpi", "WST_KPI_02", "--from",
               "2026-05", "--to", "2026-06", "--tsl", "60", "--reason", "Depot move"
               ).exit_code == 0
    assert "  2026-05: out of date (input north-waste/" in run(
        tmp_path, "status", "--contract", SLUG).output
    again = run(tmp_path, *render)
    assert again.exit_code == 0, again.output
    assert "ok      north-waste/2026-05/period_report" in again.output
    html = (tmp_path / "outputs" / SLUG / "2026-05" / "period_report.html").read_text()
    assert "Depot move" in html
