"""The year-end review (``report: annual_review``), the contract year and ``notice --year``.

Lincolnshire 2015-16 (April 2015 to March 2016, months held July 2015 to March 2016) is checked
against ``scrutiny ratings`` and ``scrutiny abatement`` run here; an invented contract with a
complete year is built with ``scrutiny new-contract`` and ``scrutiny ingest`` and rendered by
``scrutiny render --all``.
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT
from scrutiny.core.contract_year import contract_year, year_label, year_of
from scrutiny.exceptions import NoDataForPeriodError, ParameterError
from scrutiny.report.annual_review import figures
from scrutiny.report.annual_review import sections as ar
from scrutiny.report.params import load_params
from scrutiny.report.registry import open_report

CSS = "lincolnshire-css"
PARAMS_FILE = PROJECT_ROOT / "params" / CSS / "annual-2015.yaml"


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def cli_csv(*args: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(cli(*args, "--format", "csv")), keep_default_na=False)


def text_of(html: str) -> str:
    """Visible text, tags dropped, whitespace collapsed."""
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


# -- the contract year -----------------------------------------------------------------------

def test_a_year_is_named_by_the_calendar_year_it_starts_in():
    assert contract_year(2015, 3) == (pd.Period("2015-04", "M"), pd.Period("2016-03", "M"))
    assert contract_year(2025, 3) == (pd.Period("2025-04", "M"), pd.Period("2026-03", "M"))
    assert contract_year(2025, 12) == (pd.Period("2025-01", "M"), pd.Period("2025-12", "M"))
    assert year_label(2015, 3) == "2015-16" and year_label(2025, 12) == "2025"
    assert year_label(2099, 6) == "2099-00"
    with pytest.raises(ParameterError, match="calendar year the contract year starts in"):
        contract_year(15, 3)


@given(year=st.integers(1991, 2099), end_month=st.integers(1, 12), offset=st.integers(0, 11))
def test_every_month_of_a_year_belongs_to_that_year(year, end_month, offset):
    start, end = contract_year(year, end_month)
    assert end - start == 11 * start.freq and end.month == end_month
    assert year_of(start + offset, end_month) == year


# -- Lincolnshire 2015-16 --------------------------------------------------------------------

@pytest.fixture(scope="module")
def review():
    return open_report("annual_review", load_params(PARAMS_FILE))


def test_the_params_file_names_the_year_and_its_outputs_folder():
    params = load_params(PARAMS_FILE)
    assert (params.year, params.period, params.label) == (2015, "2016-03", "2015-16")
    assert params.output_stem().as_posix() == "lincolnshire-css/2015-16/annual_review"


def test_lincolnshire_2015_16_covers_the_nine_months_held_and_says_so(review):
    assert [str(m) for m in review.year.held] == [
        "2015-07", "2015-08", "2015-09", "2015-10", "2015-11", "2015-12", "2016-01",
        "2016-02", "2016-03"]
    assert not review.year.complete
    text = text_of(ar.coverage(review))
    assert "April 2015 to March 2016" in text
    assert "Only 9 of the year's 12 months are held" in text


def test_every_kpis_rating_agrees_with_scrutiny_ratings(review):
    expected = cli_csv("ratings", "--contract", CSS, "--from", "2015-07", "--to", "2016-03")
    assert len(expected) == 43
    rows = re.findall(r"<tr>(.*?)</tr>", ar.ratings_section(review), flags=re.S)
    shown = {}
    for row in rows:
        cells = [text_of(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row,
                                                        flags=re.S)]
        if len(cells) == 6 and cells[0] != "KPI":  # not the header row
            shown[cells[0]] = (cells[3], cells[4])
    assert shown == {r.kpi_id: (r.rating, r.rule) for r in expected.itertuples()}
    counts = expected["rating"].value_counts()
    summary = text_of(ar.summary(review))
    assert (f"{counts['Good']} Good, {counts['Approaching target']} Approaching target, "
            f"{counts['Requires improvement']} Requires improvement and "
            f"{counts['Inadequate']} Inadequate") in summary


def test_the_years_credits_agree_with_scrutiny_abatement(review):
    by_month = cli_csv("abatement", "--contract", CSS, "--from", "2015-07", "--to", "2016-03",
                       "--by", "month")
    points, credit = by_month["points"].sum(), by_month["credit"].sum()
    assert len(by_month) == 9 and credit == 436_675  # 561,675 over all 12 months held
    money = text_of(ar.money_section(review))
    assert f"£{credit:,.0f} ({points:,.2f} points)" in money
    assert f"Total 2015-16 {points:,.2f}" in money
    assert f"service credits of £{credit:,.0f}" in text_of(ar.summary(review))
    capped = int(by_month["capped"].astype(str).eq("True").sum())
    assert f"the cap limited the credits in {capped} months" in text_of(ar.summary(review))


def test_months_by_status_per_service_add_up_to_the_kpi_months(review, css_scores):
    table = figures.status_by_service(review.scores, review.handle.contract.info.services)
    rows = css_scores[css_scores["month"].between(pd.Period("2015-07", "M"),
                                                  pd.Period("2016-03", "M"))]
    for service, group in rows.groupby("service"):
        line = table[table["service"] == service].iloc[0]
        for rag, label in (("green", "Green"), ("amber", "Amber"), ("red", "Red"),
                           ("blue", "Blue")):
            assert line[label] == (group["rag"] == rag).sum(), (service, label)
    assert table.iloc[-1]["Total"] == len(rows) == 387


def test_the_worst_runs_are_the_longest_red_runs_with_their_months(review):
    runs = figures.worst_runs(review.scores)
    assert runs["months"].is_monotonic_decreasing and runs["months"].max() == 9
    first = runs.iloc[0]
    assert (str(first["first"]), str(first["last"])) == ("2015-07", "2016-03")
    # F_KPI_03: Red in 7 consecutive months (its rating's reason) is found with its dates.
    f3 = runs[runs["kpi_id"] == "F_KPI_03"].iloc[0]
    assert f3["months"] == 7 and f3["last"] - f3["first"] == 6 * f3["first"].freq
    months = review.scores[review.scores["kpi_id"] == "F_KPI_03"].set_index("month")["rag"]
    assert (months[f3["first"]:f3["last"]] == "red").all()


def test_decisions_of_the_year_are_listed_with_their_reasons(review):
    text = text_of(ar.decisions_section(review))
    assert "PM_KPI_08" in text and "October 2015 onwards" not in text
    assert "October 2015 to June 2016" in text  # the decision's own months, as recorded
    assert "mitigate February 2016 Lincolnshire" in text  # one month: named once
    assert "agreement was made to lower the TSL to 65%" in text  # ACF_KPI_03's override
    assert "CSC_KPI_04" not in text  # mitigated in June 2016, after the year
    assert "15 KPI-months of the year were scored Blue" in text


def test_no_year_before_is_said_so(review):
    assert "There is no year before 2015-16" in text_of(ar.comparison_section(review))


def test_2016_17_is_compared_with_2015_16():
    later = open_report("annual_review", contract=CSS, year=2016)
    text = text_of(ar.comparison_section(later))
    assert "2016-17 beside 2015-16" in text and "compare shares, not totals" in text
    assert "Months held 9 3" in text


def test_a_year_with_no_results_is_refused():
    with pytest.raises(NoDataForPeriodError, match=r"no results in its year 2017-18 "
                                                   r"\(2017-04 to 2018-03\)"):
        open_report("annual_review", contract=CSS, year=2017)
    with pytest.raises(ParameterError, match="key 'period': this report takes a year"):
        open_report("annual_review", contract=CSS, year=2015, period="2016-03")


def test_the_review_links_the_notice_of_exactly_its_months(review, tmp_path):
    html = ar.notice_section(review)
    assert 'href="contract-performance-notice.json"' in html
    written = json.loads(html.metadata["scrutiny_files"]["contract-performance-notice.json"])
    out = tmp_path / "notice.json"
    cli("notice", "--contract", CSS, "--year", "2015", "--draft", "--output", str(out))
    by_year = json.loads(out.read_text(encoding="utf-8"))
    assert by_year["releases"][0]["id"] == written["releases"][0]["id"]
    assert by_year["releases"][0]["id"].startswith("draft-uk9-2015-07-2016-03-")
    ranged = json.loads(cli("notice", "--contract", CSS, "--from", "2015-07", "--to", "2016-03",
                            "--draft"))
    assert ranged["releases"][0]["id"] == by_year["releases"][0]["id"]


def test_notice_takes_a_year_or_a_range_not_both():
    both = CliRunner().invoke(main, ["notice", "--contract", CSS, "--year", "2015",
                                     "--from", "2015-07", "--draft"])
    assert both.exit_code == 2 and "not both" in both.output
    neither = CliRunner().invoke(main, ["notice", "--contract", CSS, "--draft"])
    assert neither.exit_code == 2 and "--year YYYY" in neither.output
    empty = CliRunner().invoke(main, ["notice", "--contract", CSS, "--year", "2017",
                                      "--draft"])
    assert empty.exit_code != 0 and "no results in its year 2017-18" in empty.output


def test_render_contract_year_uses_the_params_file():
    from scrutiny.render.select import select

    jobs = select(contract=CSS, year=2015)
    assert [(j.name, j.params_file) for j in jobs] == [
        ("lincolnshire-css/2015-16/annual_review", "params/lincolnshire-css/annual-2015.yaml")]
    assert [j.params_file for j in select(contract=CSS, year=2016)] == [
        "defaults of annual_review (no parameters file)"]


# -- an invented contract with one complete year --------------------------------------------

SCHEDULE = PROJECT_ROOT / "tests" / "corpus" / "own-contract" / "schedule.csv"
YEAR = pd.period_range("2024-04", "2025-03", freq="M")
#: WST_KPI_01 Red Jul-Sep 2024 (a run of three, a comment in August); WST_KPI_02 Amber in
#: November; the rest Green; CLN_KPI_01 is quarterly (Jun, Sep, Dec, Mar).
RED_MONTHS = {"2024-07", "2024-08", "2024-09"}


def _return(month: pd.Period) -> str:
    label = month.strftime("%b-%y")
    rows = [f"KPI,KPI Short Desc,Freq.,TSL,MSL,{label},Comment",
            f"WST_KPI_01,Bins,M,99,97,{95 if str(month) in RED_MONTHS else 99.5},"
            + ("Two vehicles off the road" if str(month) == "2024-08" else ""),
            f"WST_KPI_02,Missed,M,50,80,{60 if str(month) == '2024-11' else 40},",
            "WST_KPI_03,Put right,M,95,90,96,",
            "CLN_KPI_02,Fly-tips,M,95,90,96,"]
    if month.month in (3, 6, 9, 12):
        rows.append("CLN_KPI_01,Streets,Q,90,85,92,")
    return "\n".join(rows) + "\n"


@pytest.fixture
def invented(tmp_path, monkeypatch):
    """``east-waste``: a year April 2024 to March 2025 held in full, scored to March 2025."""
    for name in ("data", "outputs", "params"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("SCRUTINY_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(tmp_path / "outputs"))
    monkeypatch.setenv("SCRUTINY_PARAMS", str(tmp_path / "params"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1746057600")  # 1 May 2025
    cli("new-contract", "east-waste", "--schedule", str(SCHEDULE), "--title", "Waste contract",
        "--council", "East District Council", "--supplier", "BinCo Ltd", "--start", "2024-04",
        "--service", "WST=Waste collection", "--service", "CLN=Street cleansing")
    yaml = tmp_path / "data" / "east-waste" / "contract.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "scored_to: 2025-03\n", encoding="utf-8")
    for month in YEAR:
        path = tmp_path / f"return-{month}.csv"
        path.write_text(_return(month), encoding="utf-8")
        cli("ingest", "--contract", "east-waste", str(path))
    return tmp_path


def test_render_all_renders_a_complete_year(invented):
    from scrutiny.render.select import select

    every = [j.name for j in select(render_all=True)]
    assert "east-waste/2024-25/annual_review" in every and len(every) == 13
    result = CliRunner().invoke(main, ["render", "--all", "--period", "2025-03",
                                       "--no-progress"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    folder = invented / "outputs" / "east-waste" / "2024-25"
    html = (folder / "annual_review.html").read_text(encoding="utf-8")
    text = text_of(html)
    assert "year-end review 2024-25" in text and "Only" not in text.split("Summary")[1][:200]
    assert "12 of the 12 months (April 2024 to March 2025)" in text
    assert ("Of the 5 KPIs assessed over those months: 3 Good, 1 Approaching target and "
            "1 Inadequate.") in text
    assert "WST_KPI_01 % bins collected on the scheduled day July 2024 September 2024 3" in text
    assert "WST_KPI_01 August 2024 Red Two vehicles off the road" in text
    assert "no abatement terms" in text
    assert "There is no year before 2024-25" in text
    notice = json.loads((folder / "contract-performance-notice.json").read_text("utf-8"))
    release = notice["releases"][0]
    assert release["id"].startswith("draft-uk9-2024-04-2025-03-")
    for leak in ("Traceback", "In [", str(invented), "/work/", "<script"):
        assert leak not in html, leak


def test_notice_year_writes_exactly_that_year(invented):
    out = invented / "notice.json"
    cli("notice", "--contract", "east-waste", "--year", "2024", "--draft", "--output", str(out))
    release = json.loads(out.read_text(encoding="utf-8"))["releases"][0]
    periods = {json.dumps(o["period"], sort_keys=True)
               for m in release["contracts"][0]["implementation"]["metrics"]
               for o in m["observations"]}
    assert periods == {json.dumps({"endDate": "2025-03-31T23:59:59Z",
                                   "startDate": "2024-04-01T00:00:00Z"}, sort_keys=True)}
    ratings = {m["id"]: m["observations"][0]["measureClassification"]["id"]
               for m in release["contracts"][0]["implementation"]["metrics"]}
    assert ratings["WST_KPI_01"] == "significantlyBelow" and ratings["WST_KPI_02"] == \
        "slightlyBelow"
