"""The UK9 contract performance notice: released OCDS schema, decisions only, stable ids."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from itertools import pairwise

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import scrutiny
from scrutiny.cli import main
from scrutiny.exceptions import NoticeError
from scrutiny.insight.notice import CLASSIFICATION, merge_patch, merged_schema, notice_errors
from scrutiny.insight.ocds_profile import core_schema, extension_urls, versions

OCID = "ocds-h6vhtk-000000"
#: Synthetic identifiers for a test copy of the contract (not Lincolnshire's real ones).
IDENTIFIERS = {
    "ocid": OCID, "fts_contract_id": "000000-2016-TEST", "license":
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "procurement": {"id": "TEST-PROC-1", "title": "Corporate Support Services"},
    "publication_url": "https://data.example.org/notices/",
    "buyer_details": {"identifier": {"scheme": "GB-PPON", "id": "PTEST-0001"},
                      "address": {"street_address": "1 Test Street", "locality": "Lincoln",
                                  "postal_code": "LN0 0AA", "country_name": "United Kingdom"},
                      "email": "procurement@example.org"},
    "supplier_details": {"identifier": {"scheme": "GB-COH", "id": "00000000"},
                         "address": {"street_address": "2 Test Road", "locality": "Hook",
                                     "postal_code": "RG0 0AA",
                                     "country_name": "United Kingdom"},
                         "email": "contracts@example.org"},
}


@pytest.fixture(scope="module")
def css():
    return scrutiny.open_contract("lincolnshire-css")


@pytest.fixture(scope="module")
def package(css):
    return css.notice("2015-07", "2016-06", OCID, draft=True)


@pytest.fixture
def ready(css_copy):
    """A data root whose CSS copy has every identifier a notice needs."""
    path = css_copy / "lincolnshire-css" / "contract.yaml"
    info = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**info, **IDENTIFIERS}, sort_keys=False), encoding="utf-8")
    return css_copy


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _notice(root, start="2015-07", end="2016-06", **kwargs) -> dict:
    return scrutiny.open_contract("lincolnshire-css", root).notice(start, end, **kwargs)


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


def test_bundle_is_the_released_standard_with_registry_versions():
    assert core_schema("release-schema.json")["id"].endswith("/1__1__5/release-schema.json")
    assert versions()["standard"]["version"] == "1.1.5"
    urls = extension_urls()
    assert all("/master/" not in u or "metrics" not in u for u in urls)
    assert any("ocds_metrics_extension/1.1/extension.json" in u for u in urls)
    # The UK extension and each extension it depends on (its extension.json) are declared.
    from importlib import resources
    uk = json.loads(resources.files("scrutiny.insight").joinpath(
        "ocds", "extensions", "uk", "extension.json").read_text(encoding="utf-8"))
    declared = {u.split("/")[4] for u in urls}
    assert {d.split("/")[4] for d in uk["dependencies"]} <= declared
    assert {"ocds_uk_extension", "ocds_metrics_extension"} <= declared


def test_merged_schema_has_every_extension():
    defs = merged_schema()["definitions"]
    assert "agreedMetrics" in defs["Contract"]["properties"]
    assert {"metrics", "performanceFailures"} <= set(defs["Implementation"]["properties"])
    assert "measureClassification" in defs["Observation"]["properties"]
    assert "decisionDate" in defs["PerformanceFailure"]["properties"]
    assert "noticeType" in defs["Document"]["properties"]
    assert "Location" in defs  # from the location extension the UK extension depends on


def test_merged_schema_matches_ocdsextensionregistry(tmp_path):
    """The registry's own ProfileBuilder, reading the bundled files offline, agrees."""
    registry = pytest.importorskip("ocdsextensionregistry")
    from importlib import resources

    root = resources.files("scrutiny.insight").joinpath("ocds", "extensions")

    class Offline(registry.ProfileBuilder):
        def extensions(self):
            for ext in versions()["extensions"]:
                version = registry.ExtensionVersion({
                    "Id": ext["id"], "Date": "", "Version": ext["version"], "Base URL": None,
                    "Download URL": f"file://{root / ext['folder']}"})
                version.allow_schemes = {"file"}
                yield version

    built = Offline(None, []).patched_release_schema(schema=core_schema("release-schema.json"))
    assert built == merged_schema()


def test_draft_notice_validates_and_has_one_implementation_release(package):
    assert notice_errors(package) == []
    (release,) = package["releases"]
    assert release["tag"] == ["implementation"] and release["ocid"] == OCID
    assert release["id"].startswith("draft-uk9-2015-07-2016-06-")
    assert package["uri"].startswith("urn:contract-scrutiny:draft:")
    roles = {p["roles"][0]: p["name"] for p in release["parties"]}
    assert roles == {"buyer": "Lincolnshire County Council", "supplier": "Serco"}
    (contract,) = release["contracts"]
    assert len(contract["agreedMetrics"]) == 43
    (document,) = contract["implementation"]["documents"]
    assert document["documentType"] == "implementationNotice"
    assert document["noticeType"] == "UK9" and document["title"].startswith("DRAFT")
    assert package["extensions"] == extension_urls()


def test_missing_identifiers_are_listed_in_one_refusal(css):
    with pytest.raises(NoticeError) as refused:
        css.notice("2015-07", "2016-06")
    message = str(refused.value)
    for field in ("ocid", "fts_contract_id", "procurement.title", "buyer_details.email",
                  "supplier_details.identifier.id", "supplier_details.address.postal_code"):
        assert field in message
    assert "--draft" in message


def test_complete_notice_carries_identifiers_url_and_license(ready):
    package = _notice(ready)
    assert notice_errors(package) == []
    (release,) = package["releases"]
    buyer = next(p for p in release["parties"] if p["roles"] == ["buyer"])
    assert buyer["identifier"] == {"scheme": "GB-PPON", "id": "PTEST-0001",
                                   "legalName": "Lincolnshire County Council"}
    assert buyer["contactPoint"]["email"] == "procurement@example.org"
    assert buyer["address"]["postalCode"] == "LN0 0AA"
    assert release["tender"] == {"id": "TEST-PROC-1", "title": "Corporate Support Services"}
    assert release["contracts"][0]["id"] == "000000-2016-TEST"
    (document,) = release["contracts"][0]["implementation"]["documents"]
    url = "https://data.example.org/notices/contract-performance-notice-2015-07-2016-06.json"
    assert document["url"] == url and package["uri"] == url
    assert package["license"].startswith("https://www.nationalarchives.gov.uk/")
    assert not release["id"].startswith("draft")


@pytest.mark.parametrize("field", ["uri", "publisher", "publishedDate"])
def test_package_without_required_metadata_fails(package, field):
    broken = {k: v for k, v in package.items() if k != field}
    assert any(field in e and "required" in e for e in notice_errors(broken))


@pytest.mark.parametrize("ocid", ["not an ocid#1", "ocds-ABCDEF-1", "ocds-abc-1", ""])
def test_bad_ocid_fails_the_check_and_is_refused(package, css, ocid):
    broken = copy.deepcopy(package)
    broken["releases"][0]["ocid"] = ocid
    assert any("ocid" in e for e in notice_errors(broken))
    if ocid:
        with pytest.raises(NoticeError, match="not an Open Contracting ID"):
            css.notice("2015-07", "2016-06", ocid, draft=True)


def test_formats_are_checked(package):
    broken = copy.deepcopy(package)
    broken["publishedDate"] = "30/06/2016"
    assert any("date-time" in e for e in notice_errors(broken))


def test_undeclared_extension_fails(package):
    broken = {**package, "extensions": package["extensions"][:1]}
    assert any("not declared" in e for e in notice_errors(broken))


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


def test_agreed_metric_states_thresholds_units_and_direction(package):
    metrics = {m["id"]: m for m in package["releases"][0]["contracts"][0]["agreedMetrics"]}
    pm9 = metrics["PM_KPI_09"]
    assert "TSL 95, MSL 90" in pm9["description"] and "higher is better" in pm9["description"]
    assert {o["unit"]["id"] for o in pm9["observations"]} == {"P1"}


def test_thresholds_follow_overrides_month_by_month(package):
    """CSC_KPI_09 was revised to TSL 95 / MSL 90 from May 2016 (overrides.csv)."""
    metrics = {m["id"]: m for m in package["releases"][0]["contracts"][0]["agreedMetrics"]}
    tsl = [(o["period"]["startDate"][:7], o["period"]["endDate"][:7], o["measure"])
           for o in metrics["CSC_KPI_09"]["observations"] if o["id"].split("-")[1] == "tsl"]
    assert tsl == [("2015-07", "2016-04", 100.0), ("2016-05", "2016-06", 95.0)]


def test_ratings_alone_never_make_failures(package, css):
    ratings = css.ratings("2015-07", "2016-06")
    assert (ratings["rating"] == "Inadequate").sum() == 9
    assert "performanceFailures" not in package["releases"][0]["contracts"][0]["implementation"]


def test_a_recorded_decision_makes_exactly_one_failure(ready):
    before = _notice(ready)
    assert "performanceFailures" not in before["releases"][0]["contracts"][0]["implementation"]
    _run("failure", "--contract", "lincolnshire-css", "--kpi", "PM_KPI_02", "--decided",
         "2016-06-20", "--kind", "failed-to-improve", "--reason",
         "Errors in payments stayed above target after the improvement plan of March 2016",
         "--data-dir", str(ready))
    after = _notice(ready)
    implementation = after["releases"][0]["contracts"][0]["implementation"]
    (failure,) = implementation["performanceFailures"]
    assert failure["decisionDate"] == "2016-06-20T00:00:00Z"
    assert failure["category"].startswith("PM_KPI_02") and failure["events"] == 12
    assert "section 71(5)(a)" in failure["description"]
    assert notice_errors(after) == []
    # A changed notice gets a new id; a period ending before the decision does not carry it.
    assert after["releases"][0]["id"] != before["releases"][0]["id"]
    earlier = _notice(ready, "2015-06", "2016-05")
    assert "performanceFailures" not in earlier["releases"][0]["contracts"][0]["implementation"]


def test_failure_command_refuses_bad_decisions(ready):
    base = ["failure", "--contract", "lincolnshire-css", "--data-dir", str(ready), "--reason", "r"]
    unknown = CliRunner().invoke(main, [*base, "--kpi", "NOPE", "--decided", "2016-06-20",
                                        "--kind", "breach"])
    assert unknown.exit_code != 0 and "unknown KPI" in unknown.output
    future = CliRunner().invoke(main, [*base, "--kpi", "PM_KPI_02", "--decided", "2999-01-01",
                                       "--kind", "breach"])
    assert future.exit_code != 0 and "future" in future.output
    kind = CliRunner().invoke(main, [*base, "--kpi", "PM_KPI_02", "--decided", "2016-06-20",
                                     "--kind", "bad"])
    assert kind.exit_code != 0
    assert not (ready / "lincolnshire-css" / "failure_decisions.csv").exists()


def test_unchanged_rerun_keeps_ids_and_documents_differ_by_period(ready):
    first = _notice(ready, published=pd.Timestamp("2016-07-01", tz="UTC").to_pydatetime())
    again = _notice(ready, published=pd.Timestamp("2016-08-01", tz="UTC").to_pydatetime())
    assert first["releases"][0]["id"] == again["releases"][0]["id"]
    other = _notice(ready, "2015-08", "2016-07")
    doc = lambda p: p["releases"][0]["contracts"][0]["implementation"]["documents"][0]["id"]  # noqa: E731
    assert doc(first) == doc(again) and doc(first) != doc(other)


def test_free_text_is_exact_in_json(ready):
    """JSON keeps the council's words as given (no spreadsheet apostrophe)."""
    _run("failure", "--contract", "lincolnshire-css", "--kpi", "PM_KPI_02", "--decided",
         "2016-06-20", "--kind", "breach", "--reason", "=SUM(A1) settlement agreed",
         "--data-dir", str(ready))
    (failure,) = _notice(ready)["releases"][0]["contracts"][0]["implementation"][
        "performanceFailures"]
    assert ": =SUM(A1) settlement agreed." in failure["description"]


def test_blue_only_kpi_is_other_with_the_reason(css):
    scores = css.scores()
    months = sorted(scores.loc[scores["rag"] == "Blue", "month"].unique())
    for end in months:
        start = end - 11
        window = scores[scores["month"].between(start, end)]
        all_blue = window.groupby("kpi_id")["rag"].apply(lambda r: (r == "Blue").all())
        if all_blue.any():
            break
    else:
        pytest.skip("no KPI is Blue for a whole year in the seed data")
    package = css.notice(start, end, OCID, draft=True)
    metrics = package["releases"][0]["contracts"][0]["implementation"]["metrics"]
    kpi = all_blue[all_blue].index[0]
    (obs,) = next(m for m in metrics if m["id"] == kpi)["observations"]
    assert obs["measureClassification"]["id"] == "other"
    assert "every month was Blue" in obs["notes"]


def test_cli_refuses_without_identifiers_and_writes_a_draft(tmp_path):
    args = ["notice", "--contract", "lincolnshire-css", "--from", "2015-07", "--to", "2016-06"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code != 0 and "buyer_details.email" in refused.output
    out = tmp_path / "notice.json"
    _run(*args, "--draft", "--output", str(out))
    package = json.loads(out.read_text(encoding="utf-8"))
    assert notice_errors(package) == []
    assert package["releases"][0]["ocid"] == "ocds-000000-draft-lincolnshire-css"


def test_filing_sheet_html_escapes_and_xlsx_keeps_text(ready, tmp_path_factory):
    from openpyxl import load_workbook

    tmp_path = tmp_path_factory.mktemp("sheet")  # outside the data root: outputs never go there

    _run("failure", "--contract", "lincolnshire-css", "--kpi", "PM_KPI_02", "--decided",
         "2016-06-20", "--kind", "breach", "--reason", "<script>x</script> =1+1",
         "--data-dir", str(ready))
    base = ["notice", "--contract", "lincolnshire-css", "--from", "2015-07", "--to", "2016-06",
            "--data-dir", str(ready), "--output", str(tmp_path / "n.json")]
    _run(*base, "--sheet", str(tmp_path / "sheet.html"))
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    order = [html.index(s) for s in ("<h2>Contract</h2>", "<h2>Contracting authority</h2>",
                                     "<h2>Supplier</h2>", "<h2>KPI PM_KPI_01</h2>",
                                     "<h2>Performance failure 1</h2>")]
    assert order == sorted(order)
    assert "000000-2016-TEST" in html and "2016-06-20" in html
    _run(*base, "--sheet", str(tmp_path / "sheet.xlsx"))
    sheet = load_workbook(tmp_path / "sheet.xlsx").active
    values = [c.value for c in sheet["C"]]
    assert "PTEST-0001" in values
    cell = next(c for c in sheet["C"] if isinstance(c.value, str) and "=1+1" in c.value)
    assert cell.data_type == "s"
    bad = CliRunner().invoke(main, [*base, "--sheet", str(tmp_path / "sheet.pdf")])
    assert bad.exit_code != 0 and "FILE.html or FILE.xlsx" in bad.output



@given(st.lists(st.sampled_from([(95.0, 90.0), (90.0, 85.0), (99.9, 99.0)]), min_size=1,
                max_size=14))
@settings(deadline=None)
def test_threshold_runs_cover_each_month_once_with_its_levels(levels):
    from scrutiny.insight.notice import _threshold_runs

    months = pd.period_range("2015-07", periods=len(levels), freq="M")
    kpi = pd.DataFrame({"month": months, "tsl": [t for t, _ in levels],
                        "msl": [m for _, m in levels]})
    runs = _threshold_runs(kpi)
    covered = [m for r in runs for m in pd.period_range(r["first"], r["last"], freq="M")]
    assert covered == list(months)
    for r in runs:
        inside = kpi[kpi["month"].between(r["first"], r["last"])]
        assert set(zip(inside["tsl"], inside["msl"], strict=True)) == {(r["tsl"], r["msl"])}
    assert all((a["tsl"], a["msl"]) != (b["tsl"], b["msl"]) for a, b in pairwise(runs))


@given(st.datetimes(min_value=datetime(2016, 7, 1), max_value=datetime(2030, 1, 1)))
@settings(max_examples=5, deadline=None)
def test_release_id_does_not_depend_on_the_publication_date(css, when):
    package = css.notice("2016-01", "2016-06", OCID, draft=True,
                         published=when.replace(tzinfo=timezone.utc))
    reference = css.notice("2016-01", "2016-06", OCID, draft=True)
    assert package["releases"][0]["id"] == reference["releases"][0]["id"]
    assert package["releases"][0]["date"] != reference["releases"][0]["date"]
