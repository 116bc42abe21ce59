"""Portfolio report: a project portfolio at one snapshot, rendered and section by section."""

import pandas as pd
import pytest

from render_helpers import assert_sections
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.report import portfolio as por
from scrutiny.report.registry import open_report
from scrutiny.systems import projects as pj

SECTIONS = ("In brief", "Projects by RAG status over time", "What has changed",
            "Milestone slippage", "Amber and Red projects: the path to green",
            "Due by the next report", "Projects by stage", "Milestones achieved (IMT_KPI_11)",
            "Appendix: where the numbers come from")


@pytest.fixture(scope="module")
def august():
    return open_report("portfolio_report", portfolio="lincolnshire-imt", period="2019-08")


@pytest.fixture(scope="module")
def july_2016():
    return open_report("portfolio_report", portfolio="lincolnshire-imt", period="2016-07")


def test_counts_only_snapshot_is_refused():
    with pytest.raises(NoDataForPeriodError, match="it has 2016-07, 2019-08"):
        open_report("portfolio_report", portfolio="lincolnshire-imt", period="2018-11")


def test_summary_numbers_are_the_librarys(august):
    counts = pj.rag_counts_by_snapshot(august.portfolio).set_index("snapshot")
    now = counts.loc[pd.Period("2019-08", "M")]
    text = por.summary(august).markup
    assert (f"held {now['total']} projects: {now['green']} Green, {now['amber']} Amber and "
            f"{now['red']} Red") in text
    assert "At March 2019 (published counts)" in text


def test_slippage_sorted_latest_first_with_plain_dates(august):
    markup = por.slippage_section(august).markup
    assert markup.index("IMT-324 LFR 999 Solution") < markup.index("IMT-251 Lincoln Campus")
    assert "9\u00a0Aug\u00a02019" in markup and ">52<" in markup


def test_due_lists_each_closure_once(august):
    markup = por.due_section(august).markup
    assert markup.count("IMT-380-1808 10Gb") == 1
    assert "by the end of November 2019" in markup


def test_path_to_green_and_missing_paths(august, july_2016):
    assert "Vodafone to provide updated project plan." in por.path_to_green_section(august).markup
    old = por.path_to_green_section(july_2016).markup
    assert "No path to green was published at July 2016" in old and "Latest commentary" in old


def test_sections_say_when_there_is_nothing_to_show(august, july_2016):
    assert "not published at August 2019" in por.stages_section(august).markup
    assert "first snapshot with project rows" in por.movers_section(july_2016).markup
    assert "does not say when the next report falls" in por.due_section(july_2016).markup
    assert "No results of it are held" in por.milestone_kpi_section(july_2016).markup
    kpi = por.milestone_kpi_section(august).markup
    assert "92%" in kpi and "April 2019" in kpi and 'class="rag rag-green"' in kpi


@pytest.mark.slow
def test_rendered_portfolio_report(rendered):
    _, pages, _ = rendered
    html = pages["portfolio_report"].decode("utf-8")
    assert "<h1>IMT project portfolio: position at August 2019</h1>" in html
    assert_sections(html, SECTIONS)
    assert "In [" not in html and "open_report" not in html
