"""Parameters files: validated with pydantic before any notebook runs; errors name file and key."""

import ast
from datetime import date
from pathlib import Path

import nbformat
import papermill
import pytest

from scrutiny.exceptions import NoDataForPeriodError, ParameterError
from scrutiny.report import registry
from scrutiny.report.params import (
    find_params,
    load_params,
    notebooks_root,
    resolve_generated_on,
)
from scrutiny.report.period.params import PeriodReportParams
from scrutiny.report.registry import KINDS, open_report

GOOD = "report: period_report\ncontract: lincolnshire-css\nperiod: 2016-06\n"


def write(tmp_path: Path, text: str, name: str = "2016-06.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_committed_params_file_is_valid_and_named_after_its_period():
    files = find_params()
    loaded = [load_params(f) for f in files]
    assert all(f.stem.endswith(str(p.year) if p.report == "annual_review" else p.period)
               for f, p in zip(files, loaded, strict=True))  # a year-end review: its year
    by_report = {name: [p for p in loaded if p.report == name] for name in KINDS}
    css = [p.period for p in by_report["period_report"]]
    assert len(css) == 12 and css[0] == "2015-07" and css[-1] == "2016-06"
    assert sorted(p.target for p in by_report["council_report"]) == [
        "brent-lewisham-southwark/brent", "brent-lewisham-southwark/lewisham",
        "brent-lewisham-southwark/southwark"]
    assert sorted(p.period for p in by_report["portfolio_report"]) == ["2016-07", "2019-08"]
    assert [(p.plan, p.quarter, p.period) for p in by_report["action_plan_report"]] == [
        ("south-vale-capita", "Q1", "2018-09")]
    assert sorted((p.quarter, p.period) for p in by_report["partnership_report"]) == [
        ("2014/15 Q3", "2014-12"), ("2014/15 Q4", "2015-03")]
    assert [(p.contract, p.year, p.period) for p in by_report["annual_review"]] == [
        ("lincolnshire-css", 2015, "2016-03")]
    stems = [p.output_stem() for p in loaded]
    assert len(set(stems)) == len(stems)  # no two reports write the same file


def test_valid_file_gives_typed_parameters_with_defaults(tmp_path):
    params = load_params(write(tmp_path, GOOD))
    assert isinstance(params, PeriodReportParams)
    assert (params.contract, params.previous_months, params.heatmap_months) == (
        "lincolnshire-css", 5, 12)
    assert params.output_stem().as_posix() == "lincolnshire-css/2016-06/period_report"


@pytest.mark.parametrize("text, expected", [
    (GOOD + "previous_month: 3\n", "key 'previous_month': unknown parameter"),
    (GOOD + "previous_months: five\n", "key 'previous_months'"),
    (GOOD + "previous_months: 2.5\n", "key 'previous_months'"),
    (GOOD + "heatmap_months: 0\n", "key 'heatmap_months'"),
    (GOOD + "generated_on: 15/07/2016\n", "key 'generated_on'"),
    (GOOD + "generated_on: 2016-07-15 10:00:00\n", "key 'generated_on'"),
    ("report: period_report\ncontract: lincolnshire-css\n", "missing key 'period'"),
    ("report: period_report\nperiod: 2016-06\n", "missing key 'contract'"),
    ("contract: lincolnshire-css\nperiod: 2016-06\n", "missing key 'report'"),
    (GOOD.replace("period_report", "weekly_report"), "key 'report': unknown 'weekly_report'"),
    (GOOD.replace("2016-06", "June 2016"), "key 'period': 'June 2016' is not a month"),
    ("- just\n- a list\n", "expected 'key: value' lines"),
    ("report: [unclosed\n", "not valid YAML"),
])
def test_bad_parameters_name_the_file_and_the_key(tmp_path, text, expected):
    path = write(tmp_path, text, "bad.yaml")
    with pytest.raises(ParameterError) as caught:
        load_params(path)
    assert "bad.yaml" in str(caught.value)
    assert expected in str(caught.value)


def test_period_without_data_is_refused_before_rendering(tmp_path):
    path = write(tmp_path, GOOD.replace("2016-06", "2019-01"), "2019-01.yaml")
    with pytest.raises(NoDataForPeriodError,
                       match=r"2019-01.yaml: key 'period'.*2015-07 to 2016-06"):
        load_params(path)


def test_unknown_contract_names_the_file(tmp_path):
    with pytest.raises(Exception, match="nowhere.yaml: no data folder 'nowhere'"):
        load_params(write(tmp_path, GOOD.replace("lincolnshire-css", "nowhere"), "nowhere.yaml"))


def test_missing_file_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="not found"):
        load_params(tmp_path / "absent.yaml")


@pytest.mark.parametrize("extra, environ, expected", [
    ("generated_on: 2016-07-15\n", {"SOURCE_DATE_EPOCH": "0"}, date(2016, 7, 15)),
    ("", {"SOURCE_DATE_EPOCH": "1468800000"}, date(2016, 7, 18)),
    ("", {}, date.today()),  # the day it is made, never the period's end (2016-06-30)
    ("", {"SOURCE_DATE_EPOCH": " 0 "}, date(1970, 1, 1)),
])
def test_generated_on_comes_from_parameter_then_epoch_then_period(tmp_path, extra, environ,
                                                                  expected):
    params = load_params(write(tmp_path, GOOD + extra))
    assert resolve_generated_on(params, environ) == expected


@pytest.mark.parametrize("epoch", ["yesterday", "", "  ", "99999999999999", "-1", "1.5"])
def test_malformed_source_date_epoch_is_refused(tmp_path, epoch):
    params = load_params(write(tmp_path, GOOD + "generated_on: 2016-07-15\n"))
    with pytest.raises(ParameterError, match="SOURCE_DATE_EPOCH is") as err:
        resolve_generated_on(params, {"SOURCE_DATE_EPOCH": epoch})  # the kernel reads it too
    assert "\n" not in str(err.value)


def test_a_today_date_is_injected_blank_so_a_new_day_is_no_new_parameters(tmp_path):
    params = load_params(write(tmp_path, GOOD))
    assert params.notebook_parameters(params_file="x", environ={})["generated_on"] == ""
    pinned = params.notebook_parameters(params_file="x",
                                        environ={"SOURCE_DATE_EPOCH": "1468800000"})
    assert pinned["generated_on"] == "2016-07-18"


EXAMPLES = {
    "period_report": GOOD,
    "council_report": "report: council_report\nservice: brent-lewisham-southwark\n"
                      "council: Lewisham\nperiod: 2018-01\n",
    "portfolio_report": "report: portfolio_report\nportfolio: lincolnshire-imt\nperiod: 2019-08\n",
    "action_plan_report": "report: action_plan_report\nplan: south-vale-capita\nquarter: Q2\n",
    "partnership_report": "report: partnership_report\npartnership: lancashire-bt\n"
                          "quarter: 2014/15 Q3\n",
    "kpi_card": "report: kpi_card\ncontract: lincolnshire-css\nkpi: F_KPI_01\nperiod: 2016-05\n",
    "annual_review": "report: annual_review\ncontract: lincolnshire-css\nyear: 2016\n",
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_notebook_parameters_match_the_notebooks_parameters_cell(tmp_path, name):
    model = registry.model(name)
    assert model.model_config["extra"] == "forbid"
    params = load_params(write(tmp_path, EXAMPLES[name]))
    assert isinstance(params, model)
    injected = params.notebook_parameters(params_file="params/x.yaml", environ={})
    notebook = notebooks_root() / f"{name}.ipynb"
    declared = papermill.inspect_notebook(str(notebook))
    assert list(injected) == list(declared)  # same names, same order
    assert all(isinstance(v, (str, int)) for v in injected.values())
    for key, value in injected.items():  # papermill's types are the injected values' types
        assert declared[key]["inferred_type_name"] == type(value).__name__, key
    defaults = {k: f.default for k, f in model.model_fields.items() if not f.is_required()}
    for key, default in defaults.items():  # the notebook's defaults are the model's
        assert ast.literal_eval(declared[key]["default"]) == (
            "" if default is None else default), key
    cell = nbformat.read(notebook, as_version=4).cells[0]
    assert "parameters" in cell.metadata["tags"]
    assert cell.source == model.parameters_cell(), (
        f"{notebook.name}: make its parameters cell {model.__name__}.parameters_cell()")


@pytest.mark.parametrize("name", sorted(KINDS))
def test_notebook_variables_open_the_report_with_the_models_defaults(name):
    model = registry.model(name)
    namespace = {"params_file": "p.yaml", "unrelated": 1}
    exec(model.parameters_cell(), namespace)  # noqa: S102 - the cell the notebook runs
    values = model.values_in(namespace)
    assert set(values) == {*model.field_order(), "params_file"}
    params = model.from_values({k: v for k, v in values.items() if k != "params_file"})
    assert params.generated_on is None  # "" in a notebook means "not given"
    worked_out = {"period"} - set(model.field_order())  # a quarter report's period
    assert params.model_dump(exclude={"report", "generated_on", *worked_out}) == {
        **{k: f.default for k, f in model.model_fields.items()
           if not f.is_required() and k != "generated_on"},
        **model.examples}


def test_report_opened_from_values_is_the_validated_model():
    rep = open_report("period_report", contract="lincolnshire-css", period="2016-06",
                      trend_window=8, params_file="p.yaml")
    assert rep.params == PeriodReportParams.from_values(
        {"contract": "lincolnshire-css", "period": "2016-06", "trend_window": 8})
    assert (rep.trend_window, rep.params.previous_months) == (8, 5)
    assert list(rep.parameters) == ["report", "contract", "period", "previous_months",
                                    "heatmap_months", "trend_window", "trend_min_points",
                                    "trend_horizon", "rating_months", "scenarios",
                                    "generated_on", "params_file"]
    with pytest.raises(ParameterError, match="key 'trend_window'"):
        open_report("period_report", contract="lincolnshire-css", period="2016-06",
                    trend_window="8")


def test_report_generated_on_follows_source_date_epoch(monkeypatch):

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1468800000")
    rep = open_report("portfolio_report", portfolio="lincolnshire-imt", period="2019-08")
    assert rep.generated_on == date(2016, 7, 18)
    assert rep.parameters["generated_on"] == "2016-07-18"


@pytest.mark.parametrize("text, error, expected", [
    (EXAMPLES["council_report"].replace("Lewisham", "Camden"), NoDataForPeriodError,
     "no council 'Camden'; it has Brent, Lewisham, Southwark"),
    (EXAMPLES["council_report"].replace("2018-01", "2018-02"), NoDataForPeriodError,
     "Lewisham has no results in brent-lewisham-southwark for 2018-02; it has 2017-11 to 2018-01"),
    (EXAMPLES["portfolio_report"].replace("2019-08", "2019-03"), NoDataForPeriodError,
     "no project rows for 2019-03; it has 2016-07, 2019-08"),
    (EXAMPLES["council_report"] + "colour: red\n", ParameterError, "key 'colour'"),
    (GOOD + "trend_window: 4\n", ParameterError, "trend_min_points (5) cannot exceed"),
    (EXAMPLES["action_plan_report"].replace("Q2", "Q9"), ParameterError,
     "key 'quarter': plan south-vale-capita has no quarter 'Q9'; it has Q1 (July-Sept 2018)"),
    (EXAMPLES["action_plan_report"].replace("Q2", "'2018 Q2'"), ParameterError,
     "key 'quarter': plan south-vale-capita has no quarter '2018 Q2'"),
    (EXAMPLES["action_plan_report"] + "period: 2018-12\n", ParameterError,
     "key 'period': this report takes a quarter"),
    (EXAMPLES["action_plan_report"].replace("south-vale-capita", "nowhere"), ParameterError,
     "key 'quarter': no data folder 'nowhere'"),
    (EXAMPLES["partnership_report"].replace("Q3", "Q1"), NoDataForPeriodError,
     "key 'quarter': lancashire-bt has no statements for '2014/15 Q1'; it has 2014/15 Q3, "
     "2014/15 Q4"),
    (EXAMPLES["partnership_report"].replace("2014/15", "2014/16"), ParameterError,
     "key 'quarter': '2014/16 Q3' is not a financial quarter; write it like 2014/15 Q3"),
    (EXAMPLES["partnership_report"].replace("2014/15 Q3", "Q3"), ParameterError,
     "key 'quarter': 'Q3' is not a financial quarter"),
    (EXAMPLES["partnership_report"].replace("2014/15 Q3", "3"), ParameterError,
     "key 'quarter': Input should be a valid string"),
])
def test_council_and_portfolio_parameters_are_checked(tmp_path, text, error, expected):
    with pytest.raises(error) as caught:
        load_params(write(tmp_path, text, "bad.yaml"))
    assert "bad.yaml" in str(caught.value) and expected in str(caught.value)


@pytest.mark.parametrize("name, stem", [
    ("action_plan_report", "south-vale-capita/2018-12/action_plan_report"),
    ("partnership_report", "lancashire-bt/2014-12/partnership_report"),
])
def test_quarter_reports_are_filed_under_the_quarters_last_month(tmp_path, name, stem):
    params = load_params(write(tmp_path, EXAMPLES[name]))
    assert params.output_stem().as_posix() == stem
    assert "period" not in params.notebook_parameters(params_file="x.yaml", environ={})


def test_council_target_keeps_councils_apart(tmp_path):
    params = load_params(write(tmp_path, EXAMPLES["council_report"]))
    assert params.output_stem().as_posix() == (
        "brent-lewisham-southwark/lewisham/2018-01/council_report")


@pytest.mark.parametrize("key, value", [
    ("contract", "../data/lincolnshire-css"), ("contract", "/etc"), ("contract", ".hidden"),
    ("contract", "a/b"), ("contract", "a\\b"),
])
def test_names_that_would_leave_their_folder_are_refused(tmp_path, key, value):
    path = tmp_path / "bad.yaml"
    path.write_text(f"report: period_report\n{key}: '{value}'\nperiod: 2016-06\n")
    with pytest.raises(ParameterError, match=f"key '{key}': .* is not a plain name"):
        load_params(path)
