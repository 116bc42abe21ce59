"""The KPI card: one KPI on one page, added as a report kind in one folder, a notebook and one
registry line."""

import pytest

from scrutiny.config import PROJECT_ROOT
from scrutiny.exceptions import NoDataForPeriodError, ParameterError
from scrutiny.insight.contract_handle import open_contract
from scrutiny.report import kpi_card as kc
from scrutiny.report import registry
from scrutiny.report.params import load_params
from scrutiny.report.registry import open_report

CSS = "lincolnshire-css"


@pytest.fixture(scope="module")
def card():
    return open_report("kpi_card", contract=CSS, kpi="CSC_KPI_04", period="2016-06")


def test_card_shows_the_month_status_as_words_and_colour(card):
    markup = kc.this_month(card).markup
    assert '<td class="rag rag-blue">Blue</td>' in markup  # mitigation agreed in June 2016
    assert "mitigation agreed" in markup


def test_history_is_the_handles_kpi_history_over_the_window(card):
    history = open_contract(CSS).kpi_history("CSC_KPI_04")
    expected = history[history["month"] <= card.period].tail(12)
    assert list(card.history["month"]) == list(expected["month"])
    assert card.history["points"].sum() == pytest.approx(expected["points"].sum())
    markup = kc.history_section(card).markup
    assert "July 2015 to June 2016" in markup
    assert markup.count('<th scope="row">') == 12
    # July 2015: 12% abandoned against 7% / 10%, Red, first month failing, 35 points.
    assert ('<th scope="row">July 2015</th><td class="num">12%</td><td class="rag rag-red">Red'
            '</td><td>7% / 10%</td><td class="num">1</td><td class="num">35.00</td>') in markup


def test_definition_gives_thresholds_and_direction(card):
    markup = kc.definition_section(card).markup
    assert "<dd>Lower is better</dd>" in markup and "<dd>7% / 10%</dd>" in markup
    assert "<dd>CSC - Customer Service Centre</dd>" in markup


def test_history_months_shortens_the_table():
    short = open_report("kpi_card", contract=CSS, kpi="F_KPI_01", period="2016-06",
                        history_months=3)
    assert len(short.history) == 3 and short.history["month"].iloc[-1] == short.period


def test_unknown_kpi_and_month_without_result_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="key 'kpi': contract lincolnshire-css has no "
                                             "results for KPI 'NOPE'; its KPIs are PM_KPI_01"):
        open_report("kpi_card", contract=CSS, kpi="NOPE", period="2016-06")
    path = tmp_path / "2014-01.yaml"
    path.write_text(f"report: kpi_card\ncontract: {CSS}\nkpi: CSC_KPI_04\nperiod: 2014-01\n",
                    encoding="utf-8")
    with pytest.raises(NoDataForPeriodError, match="2014-01.yaml: key 'period': KPI CSC_KPI_04"):
        load_params(path)


def test_committed_card_has_its_own_outputs_folder_per_kpi():
    params = load_params(PROJECT_ROOT / "params" / CSS / "CSC_KPI_04-2016-06.yaml")
    assert params.output_stem().as_posix() == "lincolnshire-css/CSC_KPI_04/2016-06/kpi_card"


def test_kind_is_registered_once_and_preloaded():
    assert "scrutiny.report.kpi_card" in registry.preload_modules()
    assert registry.model("kpi_card").__name__ == "KpiCardParams"
    assert registry.report_class("kpi_card") is kc.KpiCard


def test_warm_kernel_preloads_every_registered_kind():
    from scrutiny.render.warm import PRELOAD

    assert set(registry.preload_modules()) <= set(PRELOAD)
    assert "scrutiny.report.kpi_card" in PRELOAD
