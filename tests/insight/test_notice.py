"""The UK9 contract performance notice: OCDS schema, classifications, failures."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import scrutiny
from scrutiny.cli import main
from scrutiny.exceptions import NoticeError
from scrutiny.insight.notice import CLASSIFICATION, merge_patch, merged_schema, notice_errors

OCID = "ocds-h6vhtk-000000"


@pytest.fixture(scope="module")
def css():
    return scrutiny.open_contract("lincolnshire-css")


@pytest.fixture(scope="module")
def package(css):
    return css.notice("2015-07", "2016-06", OCID)


def test_merge_patch_follows_rfc_7386():
    # RFC 7386 appendix A examples.
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge_patch({"a": "b"}, {"a": None}) == {}
    assert merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge_patch([1, 2], {"a": "b", "c": None}) == {"a": "b"}
    assert merge_patch({}, {"a": {"bb": {"ccc": None}}}) == {"a": {"bb": {}}}


@given(st.recursive(st.none() | st.integers() | st.text(max_size=3),
                    lambda inner: st.dictionaries(st.text(max_size=2), inner, max_size=3),
                    max_leaves=8))
def test_merge_patch_with_itself_twice_is_idempotent(patch):
    once = merge_patch({"x": 1}, patch)
    assert merge_patch(once, patch) == once


def test_merged_schema_has_every_extension():
    schema = merged_schema()
    defs = schema["definitions"]
    assert "agreedMetrics" in defs["Contract"]["properties"]
    assert {"metrics", "performanceFailures"} <= set(defs["Implementation"]["properties"])
    assert "measureClassification" in defs["Observation"]["properties"]
    assert "penaltyType" in defs["PerformanceFailure"]["properties"]


def test_notice_validates_and_has_one_implementation_release(package):
    assert notice_errors(package) == []
    (release,) = package["releases"]
    assert release["tag"] == ["implementation"] and release["ocid"] == OCID
    roles = {p["roles"][0]: p["name"] for p in release["parties"]}
    assert roles == {"buyer": "Lincolnshire County Council", "supplier": "Serco"}
    (contract,) = release["contracts"]
    assert len(contract["agreedMetrics"]) == 43
    assert [d["documentType"] for d in contract["implementation"]["documents"]] == [
        "implementationNotice"]


def test_classifications_match_scrutiny_ratings(css, package):
    ratings = css.ratings("2015-07", "2016-06").set_index("kpi_id")
    metrics = package["releases"][0]["contracts"][0]["implementation"]["metrics"]
    assert len(metrics) == 43
    for metric in metrics:
        (obs,) = metric["observations"]
        rating = ratings.loc[metric["id"], "rating"]
        assert obs["measureClassification"]["id"] == CLASSIFICATION[rating]
        assert obs["notes"].startswith(f"{rating}: ")
        assert f"{ratings.loc[metric['id'], 'green']} Green" in obs["notes"]


def test_agreed_metric_states_thresholds_and_direction(package):
    metric = package["releases"][0]["contracts"][0]["agreedMetrics"]
    pm9 = next(m for m in metric if m["id"] == "PM_KPI_09")
    assert "TSL) 95" in pm9["description"] and "MSL) 90" in pm9["description"]
    assert "higher is better" in pm9["description"]


def test_performance_failures_name_inadequate_kpis_and_months(css, package):
    ratings = css.ratings("2015-07", "2016-06")
    inadequate = ratings.loc[ratings["rating"] == "Inadequate", "kpi_id"].tolist()
    failures = package["releases"][0]["contracts"][0]["implementation"]["performanceFailures"]
    assert [f["id"].split("-")[0] for f in failures] == inadequate
    pm2 = next(f for f in failures if f["id"].startswith("PM_KPI_02"))
    assert pm2["events"] == 12 and "July 2015" in pm2["description"]


def test_blue_only_kpi_is_other_with_the_reason(css):
    scores = css.scores()
    # The first 12-month window in which some KPI is Blue throughout.
    months = sorted(scores.loc[scores["rag"] == "Blue", "month"].unique())
    for end in months:
        start = end - 11
        window = scores[scores["month"].between(start, end)]
        all_blue = window.groupby("kpi_id")["rag"].apply(lambda r: (r == "Blue").all())
        if all_blue.any():
            break
    else:
        pytest.skip("no KPI is Blue for a whole year in the seed data")
    package = css.notice(start, end, OCID)
    metrics = package["releases"][0]["contracts"][0]["implementation"]["metrics"]
    kpi = all_blue[all_blue].index[0]
    (obs,) = next(m for m in metrics if m["id"] == kpi)["observations"]
    assert obs["measureClassification"]["id"] == "other"
    assert "every month was Blue" in obs["notes"]


def test_invalid_package_is_reported():
    assert any("releases" in e for e in notice_errors({"version": "1.1"}))
    with pytest.raises(NoticeError, match="would not validate"):
        scrutiny.open_contract("lincolnshire-css").notice("2015-07", "2016-06", "")


def test_cli_writes_the_notice(tmp_path):
    out = tmp_path / "notice.json"
    result = CliRunner().invoke(main, ["notice", "--contract", "lincolnshire-css", "--from",
                                       "2015-07", "--to", "2016-06", "--ocid", OCID,
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    package = json.loads(out.read_text(encoding="utf-8"))
    assert notice_errors(package) == []
    assert pd.Period(package["releases"][0]["contracts"][0]["implementation"]["metrics"][0][
        "observations"][0]["period"]["startDate"][:7], "M") == pd.Period("2015-07", "M")
