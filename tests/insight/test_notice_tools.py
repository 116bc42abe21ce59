"""The UK9 notice through the OCDS community's own tools, offline, with the bundled schemas.

ocdskit and ocdsmerge compile two notices for different periods into one record (the ids must
not collide, and a re-run must give the same ids); flattentool flattens a notice with the bundled
patched schema; plain jsonschema validates against OCDS 1.1.5 plus extensions with formats.
libcoveocds is not used: it downloads the standard and each extension at run time.
"""

from __future__ import annotations

import csv
import json
import warnings
from datetime import datetime, timezone

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import scrutiny
from scrutiny.insight.ocds_profile import core_schema, patched_schema

ocdskit = pytest.importorskip("ocdskit.combine")
flattentool = pytest.importorskip("flattentool")

OCID = "ocds-h6vhtk-000000"
HALVES = (("2015-07", "2015-12"), ("2016-01", "2016-06"))


def _notices(root=None, day=1) -> list[dict]:
    handle = scrutiny.open_contract("lincolnshire-css", root)
    when = datetime(2016, 7, day, tzinfo=timezone.utc)
    return [handle.notice(a, b, OCID, draft=True, published=when) for a, b in HALVES]


def _jsonschema_errors(package: dict) -> list[str]:
    """Plain jsonschema, as a data user would run it: package schema 1.1.5, patched releases."""
    release = patched_schema()
    registry = Registry().with_resource(release["id"], Resource(release, DRAFT4))
    validator = Draft4Validator(core_schema("release-package-schema.json"), registry=registry,
                                format_checker=FormatChecker())
    return [e.message for e in validator.iter_errors(package)]


def test_two_periods_compile_without_collisions_and_rerun_keeps_ids():
    first = _notices()
    ids = [(p["releases"][0]["ocid"], p["releases"][0]["id"]) for p in first]
    assert len(set(ids)) == 2  # libcove's "Non-unique combination of ocid, id values"
    rerun = _notices(day=15)  # another day: same content, same ids
    assert [(p["releases"][0]["ocid"], p["releases"][0]["id"]) for p in rerun] == ids
    combined = ocdskit.combine_release_packages(
        first, uri="https://data.example.org/notices/all.json",
        publisher=first[0]["publisher"], published_date="2016-07-01T00:00:00Z")
    assert len(combined["releases"]) == 2 and _jsonschema_errors(combined) == []
    (compiled,) = ocdskit.merge(first, schema=patched_schema())
    implementation = compiled["contracts"][0]["implementation"]
    assert len(implementation["documents"]) == 2  # one notice document per period
    for metric in implementation["metrics"]:
        assert len(metric["observations"]) == 2  # one assessment per period, none overwritten
    record = next(ocdskit.merge(first, schema=patched_schema(), return_package=True,
                                return_versioned_release=True))
    assert [r["id"] for r in record["records"][0]["releases"]] == [i for _, i in ids]


def test_ocdsmerge_compiles_the_failure_with_its_decision(css_copy):
    from ocdsmerge import Merger

    from scrutiny.ingest.decisions import record_failure

    record_failure("lincolnshire-css", "PM_KPI_02", datetime(2016, 6, 20).date(),
                   "failed-to-improve", reason="No improvement after the plan",
                   data_root=css_copy)
    notices = _notices(css_copy)
    releases = [p["releases"][0] for p in notices]
    compiled = Merger(patched_schema()).create_compiled_release(releases)
    (failure,) = compiled["contracts"][0]["implementation"]["performanceFailures"]
    assert failure["decisionDate"] == "2016-06-20T00:00:00Z"
    assert all(_jsonschema_errors(p) == [] for p in notices)


def test_flattentool_flattens_with_the_bundled_schema(tmp_path, css_copy):
    from scrutiny.ingest.decisions import record_failure

    record_failure("lincolnshire-css", "PM_KPI_02", datetime(2016, 6, 20).date(), "breach",
                   reason="Settlement agreed", data_root=css_copy)
    package = scrutiny.open_contract("lincolnshire-css", css_copy).notice(
        "2015-07", "2016-06", OCID, draft=True)
    (tmp_path / "notice.json").write_text(json.dumps(package), encoding="utf-8")
    (tmp_path / "schema.json").write_text(json.dumps(patched_schema()), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Skipping field ... no properties": core's own shape
        flattentool.flatten(str(tmp_path / "notice.json"), schema=str(tmp_path / "schema.json"),
                            output_name=str(tmp_path / "flat"), output_format="csv",
                            main_sheet_name="releases", root_list_path="releases",
                            root_id="ocid")

    def rows(name: str) -> list[dict]:
        with open(tmp_path / "flat" / name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    assert len(rows("releases.csv")) == 1
    assert len(rows("con_imp_met_observations.csv")) == 43
    assert len(rows("con_agreedMetrics.csv")) == 43
    (failure,) = rows("con_imp_performanceFailures.csv")
    assert failure["contracts/0/implementation/performanceFailures/0/decisionDate"] == (
        "2016-06-20T00:00:00Z")
