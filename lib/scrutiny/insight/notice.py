"""The Procurement Act 2023 contract performance notice (UK9) as an OCDS release package.

Find a Tender publishes a contract performance notice (section 71; regulation 39 of the
Procurement Regulations 2024) as an OCDS release tagged ``implementation``:

* the KPIs are ``contracts[0].agreedMetrics`` (metrics extension), each KPI's TSL, MSL and
  direction in its description;
* the assessment is ``contracts[0].implementation.metrics[].observations[]`` with
  ``measureClassification`` (UK extension) ``met``, ``slightlyBelow``, ``below``,
  ``significantlyBelow`` or ``other`` for Good, Approaching target, Requires improvement,
  Inadequate and Other: the same rating :func:`~scrutiny.insight.procurement.procurement_ratings`
  gives the reports, with the result counts in ``notes``;
* the notice itself is a document of type ``implementationNotice``;
* Inadequate KPIs are ``implementation.performanceFailures`` (performance failures extension).

The schemas are package data (``ocds/``, with their licences); :func:`merged_schema` builds the
profile at run time by applying each extension to the core release schema as a JSON Merge Patch
(RFC 7386), in the order core, metrics, performance failures, UK. See
``docs/procurement_ratings.md`` for what the council adds by hand before publishing.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from functools import cache
from importlib import resources

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.rag import BLUE, RED
from scrutiny.insight.procurement import (
    APPROACHING,
    GOOD,
    INADEQUATE,
    OTHER,
    REQUIRES_IMPROVEMENT,
    RatingRules,
    procurement_ratings,
    rating_counts,
)
from scrutiny.load.contract import Contract

#: The UK extension's measureClassification code for each Procurement Act rating.
CLASSIFICATION = {GOOD: "met", APPROACHING: "slightlyBelow", REQUIRES_IMPROVEMENT: "below",
                  INADEQUATE: "significantlyBelow", OTHER: "other"}
#: Extension schemas applied to the core release schema, in order.
EXTENSION_FILES = ("metrics-release-schema.json", "performance-failures-release-schema.json",
                   "uk-release-schema.json")
#: Where each extension is published (listed in the package's ``extensions``).
EXTENSION_URLS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/"
    "master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_performance_failures_extension/master/extension.json",
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json",
)
RATING_SCHEME = "Procurement Act 2023 KPI rating"


def merge_patch(target: object, patch: object) -> object:
    """Apply a JSON Merge Patch (RFC 7386) to ``target``; neither argument is changed."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _schema_file(name: str) -> dict:
    return json.loads(resources.files("scrutiny.insight").joinpath("ocds", name)
                      .read_text(encoding="utf-8"))


@cache
def _merged() -> str:
    schema = _schema_file("core-release-schema.json")
    for name in EXTENSION_FILES:
        schema = merge_patch(schema, _schema_file(name))
    return json.dumps(schema)


def merged_schema() -> dict:
    """The OCDS 1.1 release schema with the metrics, performance failures and UK extensions."""
    return json.loads(_merged())


def notice_errors(package: dict) -> list[str]:
    """Schema errors of a release package (empty when it validates), one line each.

    The package is checked against the core package schema, its releases against
    :func:`merged_schema` (JSON Schema draft 4).
    """
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release = merged_schema()
    registry = Registry().with_resource(release["id"], Resource(release, DRAFT4))
    validator = Draft4Validator(_schema_file("core-release-package-schema.json"),
                                registry=registry)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(package)'}: {e.message}"
            for e in sorted(validator.iter_errors(package), key=lambda e: list(e.path))]


def performance_notice(contract: Contract, scores: pd.DataFrame, start: pd.Period,
                       end: pd.Period, ocid: str, *, rules: RatingRules | None = None,
                       published: datetime | None = None) -> dict:
    """Build the UK9 contract performance notice for ``start``..``end`` as a release package.

    Parameters
    ----------
    contract : Contract
        Names the buyer (council), supplier and contract.
    scores : pandas.DataFrame
        Output of :func:`scrutiny.score.scoring.score`.
    start, end : pandas.Period
        First and last month of the assessment period.
    ocid : str
        The contracting process's Open Contracting ID (from Find a Tender).
    rules : RatingRules, optional
        Rating thresholds; the defaults (as ``scrutiny ratings``) when omitted.
    published : datetime, optional
        Release and package date; now (UTC) when omitted.

    Returns
    -------
    dict
        An OCDS release package (``version`` 1.1) holding one release.
    """
    ratings = procurement_ratings(scores, start, end, rules or RatingRules())
    rows = scores[scores["month"].between(start, end)]
    info = contract.info
    when = (published or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
    period = {"startDate": f"{start.start_time.date()}T00:00:00Z",
              "endDate": f"{end.end_time.date()}T23:59:59Z"}
    span = f"{month_name(start)} to {month_name(end)}"
    buyer = {"id": f"buyer-{contract.name}", "name": info.council}
    supplier = {"id": f"supplier-{contract.name}", "name": info.supplier}
    implementation = {
        "metrics": [_observed(r, rows, period, span) for r in ratings.itertuples(index=False)],
        "documents": [_notice_document(ratings, info.title, span, when)],
    }
    failures = [_failure(r, rows, period, supplier) for r in ratings.itertuples(index=False)
                if r.rating == INADEQUATE]
    if failures:
        implementation["performanceFailures"] = failures
    release = {
        "ocid": ocid,
        "id": f"{ocid}-performance-{start}-{end}",
        "date": when,
        "tag": ["implementation"],
        "initiationType": "tender",
        "language": "en",
        "parties": [{**buyer, "roles": ["buyer"]}, {**supplier, "roles": ["supplier"]}],
        "buyer": buyer,
        "contracts": [{
            "id": contract.name,
            "awardID": contract.name,
            "title": info.title,
            "agreedMetrics": _agreed_metrics(contract, ratings, end),
            "implementation": implementation,
        }],
    }
    return {
        "uri": f"urn:contract-scrutiny:performance-notice:{ocid}:{start}:{end}",
        "version": "1.1",
        "publishedDate": when,
        "publisher": {"name": info.council},
        "extensions": list(EXTENSION_URLS),
        "releases": [release],
    }


def _agreed_metrics(contract: Contract, ratings: pd.DataFrame, end: pd.Period) -> list[dict]:
    """Each rated KPI with the thresholds in force at the end of the period."""
    kpis = contract.kpis
    live = kpis[(kpis["effective_from"] <= end)
                & (kpis["effective_to"].isna() | (kpis["effective_to"] >= end))]
    latest = pd.concat([live, kpis]).drop_duplicates("kpi_id").set_index("kpi_id")
    metrics = []
    for kpi_id in ratings["kpi_id"]:
        k = latest.loc[kpi_id]
        unit = f" {k['unit']}" if isinstance(k["unit"], str) and k["unit"] else ""
        better = "higher" if k["direction"] == "higher" else "lower"
        metrics.append({
            "id": kpi_id,
            "title": k["description"],
            "description": (f"{k['service']} service. Target service level (TSL) "
                            f"{k['tsl']:g}{unit}; minimum service level (MSL) {k['msl']:g}"
                            f"{unit}; {better} is better. Monthly results are Green at or "
                            "better than TSL, Amber between MSL and TSL, Red worse than MSL."),
            "observations": [
                {"id": f"{kpi_id}-tsl", "measure": float(k["tsl"]),
                 "notes": "Target service level (TSL)"},
                {"id": f"{kpi_id}-msl", "measure": float(k["msl"]),
                 "notes": "Minimum service level (MSL)"},
            ],
        })
    return metrics


def _counts_text(r) -> str:
    """The month counts behind a rating, in words."""
    parts = [f"{r.months} monthly results: {r.green} Green, {r.amber} Amber, {r.red} Red"
             + (f" ({r.no_data} with no number)" if r.no_data else "") + f", {r.blue} Blue"]
    if r.longest_red_run:
        parts.append(f"longest run of Red months {r.longest_red_run}")
    return "; ".join(parts) + "."


def _observed(r, rows: pd.DataFrame, period: dict, span: str) -> dict:
    """One KPI's assessment over the period."""
    notes = f"{r.rating}: {r.rule}. {_counts_text(r)}"
    if r.rating == OTHER:
        notes += " " + _blue_reason(rows[rows["kpi_id"] == r.kpi_id])
    return {
        "id": r.kpi_id,
        "title": r.description,
        "observations": [{
            "id": f"{r.kpi_id}-{period['startDate'][:7]}-{period['endDate'][:7]}",
            "period": period,
            "measure": r.rating,
            "measureClassification": {"scheme": RATING_SCHEME,
                                      "id": CLASSIFICATION[r.rating],
                                      "description": r.rating},
            "notes": notes,
        }],
    }


def _blue_reason(rows: pd.DataFrame) -> str:
    """Why a KPI has no scored month: the statuses and reasons of its Blue months."""
    blue = rows[rows["rag"] == BLUE]
    bases = blue["basis"].astype(str).drop_duplicates().tolist()
    reasons = pd.concat([blue["glide_reason"], blue["override_reason"]]).dropna().astype(str)
    reasons = [x for x in reasons.drop_duplicates() if x.strip()]
    text = ("Not rated on performance: every month was Blue (" + "; ".join(bases) + ")")
    return text + (", " + "; ".join(reasons) if reasons else "") + "."


def _failure(r, rows: pd.DataFrame, period: dict, supplier: dict) -> dict:
    """A performance failure entry for an Inadequate KPI, naming its Red months."""
    kpi = rows[rows["kpi_id"] == r.kpi_id].sort_values("month")
    red = kpi.loc[kpi["rag"] == RED, "month"]
    months = ", ".join(month_name(m) for m in red)
    return {
        "id": f"{r.kpi_id}-{period['startDate'][:7]}-{period['endDate'][:7]}",
        "period": period,
        "category": f"{r.kpi_id}: {r.description}",
        "events": int(len(red)),
        "requirement": r.description,
        "description": f"Rated Inadequate: {r.rule}. Red in {months}.",
        "suppliers": [supplier],
    }


def _notice_document(ratings: pd.DataFrame, title: str, span: str, when: str) -> dict:
    """The implementationNotice document: what the notice covers and the rating counts."""
    counts = rating_counts(ratings)
    summary = ", ".join(f"{row.rating} {row.kpis}" for row in counts.itertuples(index=False))
    return {
        "id": "contract-performance-notice",
        "documentType": "implementationNotice",
        "title": f"Contract performance notice: {title}, {span}",
        "description": (f"Assessment of the supplier's performance against the contract's "
                        f"{len(ratings)} KPIs from {span} (Procurement Act 2023 section 71). "
                        f"KPIs by rating: {summary}."),
        "datePublished": when,
        "language": "en",
    }
