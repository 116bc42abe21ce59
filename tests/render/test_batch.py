"""Batch rendering: papermill on the real notebooks and data, atomic outputs, failures apart."""

import dataclasses
import json
import os
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from render_helpers import assert_sections
from scrutiny.abate.abatement import contract_abatement
from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT
from scrutiny.exceptions import NoDataForPeriodError, ParameterError
from scrutiny.render import batch as render
from scrutiny.render import kernels
from scrutiny.report.params import notebooks_root
from scrutiny.report.period.scorecard import headline_counts
from scrutiny.report.registry import KINDS, open_report

PARAMS = PROJECT_ROOT / "params" / "lincolnshire-css"
ALL_KINDS = sorted(KINDS)  # every kind of the registry, each with a file in RENDERED
PERIOD_SECTIONS = (
    "Headline", "Performance by service", "Each KPI, month by month", "Exceptions this month",
    "Charts of the KPIs not Green this month", "Trends and early warnings",
    "Abatement points and service credits", "The cost of mitigation", "What-if terms",
    "Procurement Act 2023 ratings", "Revised thresholds in force",
    "Reconciliation with published summaries", "Appendix: every KPI month by month",
    "Appendix: where the numbers come from")


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL_KINDS)
def test_second_render_is_byte_identical(rendered, name):
    _, first, second = rendered
    assert first[name] == second[name]


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL_KINDS)
def test_report_has_no_code_prompts_scripts_or_paths(rendered, name):
    root, pages, _ = rendered
    html = pages[name].decode("utf-8")
    for leak in ("In [", "Out[", "<script", "import ", "pr.headline", "open_report",
                 "cr.", "por.", "apr.", "ptr.", "kc.", "insight.", "money.",
                 "Traceback", "object at 0x", "<pre", "DataFrame", str(PROJECT_ROOT),
                 str(root), "/work/", "mathjax", "require.js", "http://", "https://"):
        assert leak.lower() not in html.lower(), leak
    assert '<html lang="en">' in html
    assert "@page { size: A4" in html


@pytest.mark.slow
def test_report_has_title_contents_and_sections(rendered):
    _, pages, _ = rendered
    html = pages["period_report"].decode("utf-8")
    assert html.count("<h1>") == 1
    assert ("<h1>Corporate Support Services contract: performance report for June 2016</h1>"
            in html)
    assert "<title>Corporate Support Services contract: performance report for June 2016" in html
    assert f'Generated on <time datetime="{date.today().isoformat()}">' in html  # made today
    assert_sections(html, PERIOD_SECTIONS)
    assert "lincolnshire-css/returns.csv" in html and "params/lincolnshire-css/2016-06.yaml" in html


@pytest.mark.slow
def test_headline_numbers_equal_the_librarys(rendered):
    _, pages, _ = rendered
    html = pages["period_report"].decode("utf-8")
    rep = open_report("period_report", contract="lincolnshire-css", period="2016-06")
    now = headline_counts(rep)[rep.period]
    sentence = re.search(r"(\d+) of (\d+) KPIs met their target \(Green\).*?; (\d+) met only the "
                         r"minimum \(Amber\), (\d+) were Red and (\d+) were Blue", html)
    assert [int(g) for g in sentence.groups()] == [now["green"], now["total"], now["amber"],
                                                   now["red"], now["blue"]]


@pytest.mark.slow
def test_abatement_totals_equal_the_librarys(rendered):
    _, pages, _ = rendered
    html = pages["period_report"].decode("utf-8")
    rep = open_report("period_report", contract="lincolnshire-css", period="2016-06")
    months = contract_abatement(rep.contract).service_months
    months = months[(months["service"] == "ALL") & (months["month"] <= rep.period)]
    now = months[months["month"] == rep.period].iloc[0]
    assert (f"In June 2016 the KPIs attracted {now['points']:,.2f} points, worth "
            f"£{now['credit']:,.0f} in service credits") in html
    assert (f"Since July 2015 the KPIs have attracted {months['points'].sum():,.2f} points and "
            f"£{months['credit'].sum():,.0f} in service credits") in html
    assert "ILLUSTRATIVE" in html and "(illustrative terms)" in html


@pytest.mark.slow
def test_notice_is_published_beside_the_report_and_linked(rendered):
    from scrutiny.insight.notice import notice_errors

    root, pages, _ = rendered
    html = pages["period_report"].decode("utf-8")
    assert re.search(r'<a (download="" )?href="contract-performance-notice.json"', html)
    notice = root / "lincolnshire-css" / "2016-06" / "contract-performance-notice.json"
    package = json.loads(notice.read_text(encoding="utf-8"))
    assert notice_errors(package) == []
    assert package["publishedDate"] == f"{date.today().isoformat()}T00:00:00+00:00"  # report's
    assert "What-if terms" in html and "no KPI went failing, then Blue" in html


@pytest.mark.slow
def test_index_links_every_report_relatively(rendered):
    root, _, _ = rendered
    index = (root / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert links == ["brent-lewisham-southwark/brent/2018-01/council_report.html",
                     "lancashire-bt/2015-03/partnership_report.html",
                     "lincolnshire-css/2015-16/annual_review.html",
                     "lincolnshire-css/2016-06/period_report.html",
                     "lincolnshire-css/CSC_KPI_04/2016-06/kpi_card.html",
                     "lincolnshire-imt/2019-08/portfolio_report.html",
                     "south-vale-capita/2018-09/action_plan_report.html"]
    assert all((root / link).is_file() for link in links)
    assert ">Performance report for June 2016</a>" in index
    assert ">Year-end review 2015-16 (April 2015 to March 2016)</a>" in index
    assert ("<h2>Corporate Support Services contract (Lincolnshire County Council and Serco)"
            "</h2>") in index
    assert "<h2>Shared ICT service (Hosted by Brent for Brent, Lewisham, Southwark)</h2>" in index
    assert (">Performance statements for 2014/15 Q4 (January to March 2015)</a>") in index
    assert ">Report for Q1 (July-Sept 2018)</a>" in index


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL_KINDS)
def test_contents_links_resolve(rendered, name):
    _, pages, _ = rendered
    html = pages[name].decode("utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = re.findall(r'href="#([^"]+)"', html)
    assert targets and all(t in ids for t in targets)


@pytest.mark.slow
def test_executed_notebook_is_kept_without_timestamps(rendered):
    root, _, _ = rendered
    executed = root / "lincolnshire-css" / "2016-06" / "period_report.ipynb"
    assert executed.is_file()
    text = executed.read_text(encoding="utf-8")
    assert "start_time" not in text and "iopub" not in text
    assert not list(executed.parent.glob(".*"))  # no temporary files left behind


def _failing_notebooks(tmp_path: Path) -> Path:
    """A copy of the notebooks where the period report raises for May 2016 only, half way through
    (after the title and some sections have been displayed)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.read(notebooks_root() / "period_report.ipynb", as_version=4)
    nb.cells.insert(len(nb.cells) // 2, nbformat.v4.new_code_cell(
        'if period == "2016-05":\n    raise RuntimeError("boom for May")'))
    nbformat.write(nb, folder / "period_report.ipynb")
    return folder


@pytest.mark.slow
def test_failing_report_in_a_batch(tmp_path, monkeypatch, rendered_site):
    root = tmp_path / "outputs"
    shutil.copytree(rendered_site.root / "lincolnshire-css", root / "lincolnshire-css")
    good_may = root / "lincolnshire-css" / "2016-05" / "period_report.html"
    last_good = {p.name: p.read_bytes() for p in good_may.parent.iterdir()}
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(root))
    monkeypatch.setenv("SCRUTINY_NOTEBOOKS", str(_failing_notebooks(tmp_path)))
    result = CliRunner().invoke(main, ["render", str(PARAMS / "2016-05.yaml"),
                                       str(PARAMS / "2016-06.yaml"), "--jobs", "2",
                                       "--no-progress"])
    assert result.exit_code != 0
    assert re.search(r"^FAILED +lincolnshire-css/2016-05/period_report .*RuntimeError.*boom for "
                     r"May", result.output, re.M)
    assert re.search(r"^ok +lincolnshire-css/2016-06/period_report", result.output, re.M)
    assert "2 reports: 1 ok, 1 failed" in result.output
    kept = good_may.with_name("period_report.failed.ipynb")
    assert {p.name: p.read_bytes() for p in good_may.parent.iterdir() if p != kept} == last_good
    failed = kept.read_text(encoding="utf-8")
    assert "boom for May" in failed and "performance report for May 2016" in failed
    assert (root / "lincolnshire-css" / "2016-06" / "period_report.html").is_file()
    index = (root / "index.html").read_text(encoding="utf-8")
    assert 'href="lincolnshire-css/2016-05/period_report.html"' in index


def test_parameter_errors_stop_the_batch_before_anything_runs(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("report: period_report\ncontract: lincolnshire-css\nperiod: 2016-06\n"
                   "colour: blue\n", encoding="utf-8")
    empty = tmp_path / "2019-01.yaml"
    empty.write_text("report: period_report\ncontract: lincolnshire-css\nperiod: 2019-01\n",
                     encoding="utf-8")
    with pytest.raises(ParameterError, match="key 'colour'"):
        render.plan([bad])
    with pytest.raises(NoDataForPeriodError):
        render.plan([empty])
    with pytest.raises(ParameterError, match=r"2 parameters files are invalid(.|\n)*bad.yaml"
                                             r"(.|\n)*2019-01.yaml"):
        render.plan([bad, empty, PARAMS / "2016-06.yaml"])


def test_cli_reports_a_parameter_error_on_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(tmp_path / "outputs"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("report: period_report\ncontract: lincolnshire-css\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml: missing key 'period'" in result.output
    assert not (tmp_path / "outputs").exists()


def test_plan_filters_by_period_and_council(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    every = sorted(PARAMS.glob("*.yaml"))
    assert [j.name for j in render.plan(every, period="2016-03")] == [
        "lincolnshire-css/2015-16/annual_review",  # contract year 2015-16 ends in March 2016
        "lincolnshire-css/2016-03/period_report"]
    kinds = [j.stem.name for j in render.plan(every, council="Lincolnshire-CSS")]
    assert sorted(kinds) == ["annual_review", "kpi_card"] + ["period_report"] * 12
    assert render.plan(every, council="brent") == []
    job = render.plan([PARAMS / "2016-06.yaml"])[0]
    assert job.parameters["params_file"] == "params/lincolnshire-css/2016-06.yaml"
    assert job.parameters["generated_on"] == ""  # today, resolved by the notebook as it runs


def test_cli_needs_files_or_all():
    result = CliRunner().invoke(main, ["render"])
    assert result.exit_code == 2 and "--all" in result.output


def test_atomic_write_never_leaves_half_a_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("good", encoding="utf-8")

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(render.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render.atomic_write(target, "new and half")
    assert target.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_failed_job_keeps_html_and_reports_error(tmp_path):
    job = render.plan([PARAMS / "2016-06.yaml"])[0]
    broken = dataclasses.replace(job, notebook=tmp_path / "missing.ipynb")
    result = render.render_job(broken, "no-such-kernel", tmp_path)
    assert not result.ok and result.error and result.failed_notebook is None
    assert not (tmp_path / job.stem).with_suffix(".html").exists()


def _rendered(root: Path, stem: str, title: str, subtitle: str = "") -> None:
    """A report page and its manifest, as render_job leaves them."""
    job = render.Job("p.yaml", Path("n.ipynb"), Path(stem), {})
    page = (root / stem).with_suffix(".html")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("<html><title>not read</title></html>", encoding="utf-8")
    metadata = {"scrutiny_title": title, "scrutiny_subtitle": subtitle}
    render.manifest_path(root, job).write_text(json.dumps(render.manifest(job, metadata)),
                                               encoding="utf-8")


def test_index_lists_reports_grouped_by_folder(tmp_path):
    _rendered(tmp_path, "b-contract/2016-01/period_report", "B <one>")
    _rendered(tmp_path, "a-contract/2016-02/period_report", "A two")
    index = render.write_index(tmp_path).read_text(encoding="utf-8")
    assert index.index("<h2>a-contract</h2>") < index.index("<h2>b-contract</h2>")
    assert '<a href="b-contract/2016-01/period_report.html">B &lt;one&gt;</a>' in index
    assert index.startswith('<!DOCTYPE html>\n<html lang="en">')


def test_index_headings_name_the_contract_and_parties_not_the_folder(tmp_path):
    _rendered(tmp_path, "shared/brent/2018-01/council_report",
              "Shared ICT service: Brent report for January 2018", "Brent, Lewisham & Southwark")
    index = render.write_index(tmp_path).read_text(encoding="utf-8")
    assert "<h2>Shared ICT service (Brent, Lewisham &amp; Southwark)</h2>" in index
    assert ('<a href="shared/brent/2018-01/council_report.html">Brent report for January 2018'
            "</a>") in index


def test_index_comes_from_manifests_not_pages(tmp_path):
    _rendered(tmp_path, "c/2016-01/period_report", "C: June")
    stray = tmp_path / "c" / "2016-02" / "period_report.html"  # a page with no manifest
    stray.parent.mkdir()
    stray.write_text("<title>Stray</title>", encoding="utf-8")
    _rendered(tmp_path, "c/2016-03/period_report", "C: gone")
    (tmp_path / "c" / "2016-03" / "period_report.html").unlink()  # manifest without its page
    (tmp_path / "c" / "2016-04").mkdir()
    (tmp_path / "c" / "2016-04" / "period_report.index.json").write_text("{", encoding="utf-8")
    index = render.write_index(tmp_path).read_text(encoding="utf-8")
    assert index.count("<li>") == 1 and "June" in index
    assert "Stray" not in index and "gone" not in index


def test_empty_index_says_so(tmp_path):
    index = render.write_index(tmp_path).read_text(encoding="utf-8")
    assert "<p>No reports have been rendered yet.</p>\n</main>" in index


def test_manifest_names_kind_target_and_period():
    job = render.Job("p.yaml", Path("n.ipynb"), Path("svc/brent/2018-01/council_report"), {})
    assert render.manifest(job, {"scrutiny_title": "T", "scrutiny_subtitle": "S"}) == {
        "kind": "council_report", "target": "svc/brent", "period": "2018-01", "title": "T",
        "subtitle": "S", "link": "svc/brent/2018-01/council_report.html"}


def _fake_kernel(tmp_path: Path, monkeypatch, argv0: str) -> None:
    spec = tmp_path / "jupyter" / "kernels" / kernels.PREFERRED_KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [argv0, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "x", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))


def test_kernel_installed_for_this_interpreter_is_used(tmp_path, monkeypatch):
    _fake_kernel(tmp_path, monkeypatch, sys.executable)
    with kernels.report_kernel() as name:
        assert name == kernels.PREFERRED_KERNEL


def test_kernel_of_another_python_falls_back_to_a_runtime_kernel(tmp_path, monkeypatch):
    _fake_kernel(tmp_path, monkeypatch, "/opt/elsewhere/bin/python")
    assert not kernels.launches_this_interpreter(kernels.PREFERRED_KERNEL)
    with kernels.report_kernel() as name:
        assert name == kernels.RUNTIME_KERNEL
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec(name)
        assert spec.argv[0] == sys.executable
        written = Path(os.environ["JUPYTER_PATH"].split(os.pathsep)[0])
    assert os.environ["JUPYTER_PATH"] == str(tmp_path / "jupyter")
    assert not written.exists()


def test_named_kernel_is_used_as_given():
    with kernels.report_kernel("my-kernel") as name:
        assert name == "my-kernel"


def test_notebooks_are_committed_without_outputs():
    for path in sorted(notebooks_root().glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1, path.name


def test_kernels_talk_over_socket_files_not_tcp_ports():
    # Parallel workers starting kernels together could be handed the same free TCP port.
    with kernels.socket_files() as sockets:
        manager = sockets["config"]["KernelManager"]
        folder = Path(manager["ip"]).parent
        assert manager["transport"] == "ipc" and folder.is_dir()
    assert not folder.exists()


def test_render_job_starts_its_kernel_with_socket_files(tmp_path, monkeypatch):
    import papermill

    seen = {}

    def fake_execute(source, target, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(papermill, "execute_notebook", fake_execute)
    job = render.plan([PARAMS / "2016-06.yaml"])[0]
    result = render.render_job(job, "any-kernel", tmp_path)
    assert not result.ok and "stop here" in result.error
    assert seen["config"]["KernelManager"]["transport"] == "ipc"
