"""Council report: one shared-ICT council against its peers, rendered and section by section."""

import re

import pytest

from render_helpers import assert_sections
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.report import council as cr
from scrutiny.report.registry import open_report
from scrutiny.systems import shared_ict as si

SECTIONS = ("In brief", "Compared with the other councils", "Month by month", "Staff numbers",
            "Delivery plan", "Risks", "Appendix: where the numbers come from")


SERVICE = "brent-lewisham-southwark"


@pytest.fixture(scope="module")
def brent():
    return open_report("council_report", service=SERVICE, council="BRENT", period="2018-01")


def test_council_is_matched_ignoring_case_and_unknown_ones_are_named():
    assert open_report("council_report", service=SERVICE, council="southwark",
                       period="2018-01").council == "Southwark"
    with pytest.raises(NoDataForPeriodError, match="it has Brent, Lewisham, Southwark"):
        open_report("council_report", service=SERVICE, council="Camden", period="2018-01")


def test_peer_table_ranks_in_words_as_the_library_does(brent):
    markup = cr.peers_section(brent).markup
    expected = si.council_vs_peers(brent.service.performance, brent.service.metrics, "Brent",
                                   "2018-01").set_index("metric")
    assert int(expected.loc["sla_overall", "rank"]) == 3
    assert re.search(r"<th scope=\"row\">Overall SLA Performance</th><td class=\"num\">79.72%"
                     r"</td><td class=\"num\">87.02%</td><td>Higher is better</td>"
                     r"<td class=\"num\">3 of 3</td><td>Worse than peers</td>", markup)
    assert "Not ranked (workload)" in markup


def test_summary_counts_measures_better_than_peers(brent):
    table = brent.comparison
    better = int(table["better_than_peers"].eq(True).sum())
    ranked = int(table["rank"].notna().sum())
    assert f"on {better} of the {ranked} measures" in cr.summary(brent).markup


def test_staff_are_derived_with_their_range(brent):
    markup = cr.staff_section(brent).markup
    assert "Total Calls Logged ÷ Avg Number of calls per Employee" in markup
    assert "3,006" in markup and "2,995 to 3,016" in markup  # 4,268 / 1.42 in January 2018


def test_risks_highest_first_with_heat_map_alt_text(brent):
    markup = cr.risks_section(brent).markup
    assert markup.index("01 Catastrophic loss of Data Centre") < markup.index("02 Loss of Access")
    assert 'alt="Heat map of 5 risks' in markup
    assert "Every published score equals impact × likelihood" in markup


def test_trend_chart_has_alt_text_naming_every_council(brent):
    markup = cr.trend_section(brent).markup
    alt = re.search(r'alt="([^"]+)"', markup).group(1)
    assert all(c in alt for c in ("Brent", "Lewisham", "Southwark")) and "79.72" in alt


@pytest.mark.slow
def test_rendered_council_report(rendered):
    _, pages, _ = rendered
    html = pages["council_report"].decode("utf-8")
    assert "<h1>Shared ICT service: Brent performance report for January 2018</h1>" in html
    assert_sections(html, SECTIONS)
    assert "In [" not in html and "open_report" not in html
