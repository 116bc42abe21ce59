"""The period report's what-if section and the ``scenarios:`` parameter."""

from __future__ import annotations

import json
import re

import pytest

from scrutiny.exceptions import ParameterError
from scrutiny.report.params import load_params
from scrutiny.report.period import whatif
from scrutiny.report.registry import open_report

AMBER = {"name": "Amber at full points", "reason": "was half points too generous?",
         "set": {"amber_fraction": 1.0}}
BLUE = {"name": "Blue <b>pauses</b> runs", "reason": "renegotiation",
        "set": {"blue_breaks_run": False}}


@pytest.fixture(scope="module")
def june():
    return open_report("period_report", contract="lincolnshire-css", period="2016-06",
                       scenarios=[AMBER, BLUE])


def test_each_scenario_has_terms_side_by_side_and_twelve_months(june):
    markup = whatif.whatif_section(june).markup
    assert markup.count("<table") == 4
    months = re.findall(r"<tr><th scope=\"row\">(\w+ \d{4})</th>", markup)
    assert months[:12][0] == "July 2015" and months[11] == "June 2016"
    # Figures as scrutiny whatif gives them (hand-worked for PM in tests/abate/test_whatif.py).
    assert "£675,050 in service credits from July 2015 to June 2016 instead of £561,675" in markup
    assert "<td>50%</td><td>100%</td>" in markup


def test_a_change_with_no_effect_says_why(june):
    markup = whatif.whatif_section(june).markup
    assert ("changes nothing from July 2015 to June 2016 because no KPI went failing, then Blue,"
            " then failing again") in markup


def test_scenario_names_are_escaped(june):
    markup = whatif.whatif_section(june).markup
    assert "<b>pauses</b>" not in markup and "&lt;b&gt;pauses&lt;/b&gt;" in markup


def test_no_scenarios_says_so():
    rep = open_report("period_report", contract="lincolnshire-css", period="2016-06")
    assert "No alternative terms" in whatif.whatif_section(rep).markup


def test_scenarios_parameter_is_checked_before_rendering(tmp_path):
    path = tmp_path / "p.yaml"
    base = "report: period_report\ncontract: lincolnshire-css\nperiod: 2016-06\n"
    path.write_text(base + "scenarios:\n  - {name: x, reason: y, set: {amber_fraction: 2}}\n",
                    encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p.yaml: key 'scenarios' \(x\): amber_fraction"):
        load_params(path)
    path.write_text(base + "scenarios:\n  - {name: x, set: {amber_fraction: 1}}\n",
                    encoding="utf-8")
    with pytest.raises(ParameterError, match="scenarios"):
        load_params(path)
    path.write_text(base + "scenarios:\n  - {name: x, reason: y, set: {amber_fraction: 1}}\n",
                    encoding="utf-8")
    values = load_params(path).notebook_parameters(params_file="p.yaml")
    assert json.loads(values["scenarios"]) == [{"name": "x", "reason": "y",
                                                "set": {"amber_fraction": 1}}]


def test_procurement_section_offers_the_notice(june):
    from scrutiny.insight.notice import notice_errors
    from scrutiny.report.flavours import to_html
    from scrutiny.report.period import insight

    section = to_html(insight.procurement_section(june))  # the files ride on its HTML
    assert '<a href="contract-performance-notice.json" download>' in section.markup
    package = json.loads(section.files["contract-performance-notice.json"])
    assert notice_errors(package) == []
    # contract.yaml has no identifiers yet: a draft, saying what is missing.
    assert package["releases"][0]["ocid"] == "ocds-000000-draft-lincolnshire-css"
    assert package["releases"][0]["id"].startswith("draft-uk9-")
    assert "DRAFT" in section.markup and "buyer_details.email" in section.markup
    # Ratings alone are not decisions: no failures, and the Inadequate KPIs are named.
    contract = package["releases"][0]["contracts"][0]
    assert "performanceFailures" not in contract["implementation"]
    assert "Inadequate KPIs with no failure decision recorded" in section.markup
