"""The Procurement Act 2023 contract performance notice (UK9) as an OCDS release package.

Find a Tender publishes a contract performance notice (section 71; regulation 39 of the
Procurement Regulations 2024) as an OCDS release tagged ``implementation``:

* the buyer and supplier are ``parties`` with identifier, address and email, the procurement is
  ``tender`` (id, title) and the contract has the id Find a Tender holds, all from
  ``contract.yaml`` (:mod:`scrutiny.load.parties`);
* the KPIs are ``contracts[0].agreedMetrics`` (metrics extension): one target observation per
  level and per run of months it was in force (an override gives a second), with its unit;
* the assessment is ``contracts[0].implementation.metrics[].observations[]`` with
  ``measureClassification`` (UK extension) ``met``, ``slightlyBelow``, ``below``,
  ``significantlyBelow`` or ``other`` for Good, Approaching target, Requires improvement,
  Inadequate and Other: the rating :func:`~scrutiny.insight.procurement.procurement_ratings`
  gives the reports, with the result counts in ``notes``;
* the notice itself is a document of type ``implementationNotice`` with ``noticeType`` UK9;
* ``implementation.performanceFailures`` holds the council's recorded section 71(5) decisions
  (``scrutiny failure``) taken within the period, each with its ``decisionDate``, and nothing
  else: a rating is not a decision.

Identifiers are stable: the release id is ``uk9-<start>-<end>-<hash>`` where the hash covers the
whole release except its id and dates, so re-running an unchanged notice gives the same id and a
changed one a new id; the document id carries the same hash. The package is checked against the
released OCDS 1.1.5 schema with the pinned extensions (:mod:`scrutiny.insight.ocds_profile`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.rag import BLUE, RED
from scrutiny.exceptions import NoticeError
from scrutiny.insight.ocds_profile import (
    OCID_PATTERN,
    extension_urls,
    merge_patch,
    patched_schema,
    profile_errors,
    schema_errors,
)
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
from scrutiny.load.failures import BREACH
from scrutiny.load.parties import PartyDetails, missing_notice_fields

__all__ = ["CLASSIFICATION", "merge_patch", "merged_schema", "notice_errors",
           "notice_file_name", "performance_notice", "decisions_in", "undecided_inadequate"]

#: The UK extension's measureClassification code for each Procurement Act rating.
CLASSIFICATION = {GOOD: "met", APPROACHING: "slightlyBelow", REQUIRES_IMPROVEMENT: "below",
                  INADEQUATE: "significantlyBelow", OTHER: "other"}
RATING_SCHEME = "Procurement Act 2023 KPI rating"
#: UN/CEFACT Recommendation 20 codes for the units kpis.csv uses (P1 percent, C62 one).
UNITS = {"percent": {"scheme": "UNCEFACT", "id": "P1", "name": "percent"},
         "count": {"scheme": "UNCEFACT", "id": "C62", "name": "count"},
         # Recommendation 20 codes for the schedule's time units (core.units); rates, scores and
         # money have no unit of measure there, so their levels carry none.
         "days": {"scheme": "UNCEFACT", "id": "DAY", "name": "day"},
         "hours": {"scheme": "UNCEFACT", "id": "HUR", "name": "hour"},
         "minutes": {"scheme": "UNCEFACT", "id": "MIN", "name": "minute"}}
#: The ocid a draft carries when contract.yaml has none (prefix-shaped, marked as a draft).
DRAFT_OCID = "ocds-000000-draft-{contract}"
KIND_TEXT = {
    "failed-to-improve": "The council decided that the supplier failed to improve its "
                         "performance after being given the opportunity to do so "
                         "(Procurement Act 2023 section 71(5)(a))",
    BREACH: "The council decided that a breach of contract resulted in termination, damages or "
            "a settlement (Procurement Act 2023 section 71(5)(b))",
}


def merged_schema() -> dict:
    """The OCDS 1.1.5 release schema with every bundled extension (see ``ocds_profile``)."""
    return patched_schema()


def notice_errors(package: dict) -> list[str]:
    """Everything wrong with a release package (empty when it is publishable), one line each:
    schema errors against 1.1.5 plus extensions with formats checked, a bad ocid, an extension
    used but not declared."""
    return schema_errors(package) + profile_errors(package)


def notice_file_name(start: pd.Period, end: pd.Period) -> str:
    """The notice's file name, e.g. ``contract-performance-notice-2015-07-2016-06.json``."""
    return f"contract-performance-notice-{start}-{end}.json"


def performance_notice(contract: Contract, scores: pd.DataFrame, start: pd.Period,
                       end: pd.Period, *, ocid: str | None = None, draft: bool = False,
                       rules: RatingRules | None = None,
                       published: datetime | None = None) -> dict:
    """Build the UK9 contract performance notice for ``start``..``end`` as a release package.

    Parameters
    ----------
    contract : Contract
        Its ``contract.yaml`` names the buyer, supplier, procurement, ocid and where notices
        are published; its ``failures`` are the recorded section 71(5) decisions.
    scores : pandas.DataFrame
        Output of :func:`scrutiny.score.scoring.score` (thresholds in force per month).
    start, end : pandas.Period
        First and last month of the assessment period.
    ocid : str, optional
        Overrides ``contract.yaml``'s ocid.
    draft : bool
        Build even when contract.yaml lacks fields a notice needs; the package's ``uri``, the
        release id and the notice document's title then say it is a draft.
    rules : RatingRules, optional
        Rating thresholds; the defaults (as ``scrutiny ratings``) when omitted.
    published : datetime, optional
        Release and package date; now (UTC) when omitted. Not part of the release id.

    Returns
    -------
    dict
        An OCDS release package (``version`` 1.1) holding one release.

    Raises
    ------
    NoticeError
        Not a draft and contract.yaml lacks required fields (all named), or the ocid is not an
        OCDS ocid.
    """
    info = contract.info
    ocid = ocid or info.ocid
    missing = [f for f in missing_notice_fields(info) if not (f == "ocid" and ocid)]
    if missing and not draft:
        raise NoticeError(
            f"{contract.name}/contract.yaml lacks what a contract performance notice needs: "
            f"{', '.join(missing)}; add them (see docs/notice.md), or pass --draft for a draft")
    ocid = ocid or DRAFT_OCID.format(contract=contract.name)
    if not OCID_PATTERN.match(ocid):
        raise NoticeError(f"ocid {ocid!r} is not an Open Contracting ID: it must start with "
                          "ocds-, a six-character prefix of lower-case letters or digits, and a "
                          "hyphen (e.g. ocds-h6vhtk-04f1a2); copy it from Find a Tender")
    ratings = procurement_ratings(scores, start, end, rules or RatingRules())
    rows = scores[scores["month"].between(start, end)]
    when = (published or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
    period = {"startDate": f"{start.start_time.date()}T00:00:00Z",
              "endDate": f"{end.end_time.date()}T23:59:59Z"}
    span = f"{month_name(start)} to {month_name(end)}"
    buyer = _party(contract, "buyer", info.council, info.buyer_details)
    supplier = _party(contract, "supplier", info.supplier, info.supplier_details)
    reference = {"id": supplier["id"], "name": supplier["name"]}
    decisions = decisions_in(contract, start, end)
    release = {
        "ocid": ocid,
        "date": when,
        "tag": ["implementation"],
        "initiationType": "tender",
        "language": "en",
        "parties": [buyer, supplier],
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "contracts": [{
            "id": info.fts_contract_id or contract.name,
            "awardID": info.fts_contract_id or contract.name,
            "title": info.title,
            "agreedMetrics": _agreed_metrics(rows, ratings),
            "implementation": {
                "metrics": [_observed(r, rows, period) for r in ratings.itertuples(index=False)],
            },
        }],
    }
    if info.procurement.id:
        release["tender"] = {"id": info.procurement.id,
                             **({"title": info.procurement.title}
                                if info.procurement.title else {})}
    failures = [_failure(d, rows, period, reference, start, end)
                for d in decisions.itertuples(index=False)]
    if failures:
        release["contracts"][0]["implementation"]["performanceFailures"] = failures
    digest = _content_hash(release)
    label = f"{start}-{end}-{digest}"
    release["id"] = ("draft-" if draft else "") + f"uk9-{label}"
    url = _notice_url(info.publication_url, start, end)
    release["contracts"][0]["implementation"]["documents"] = [
        _notice_document(ratings, decisions, info.title, span, when, label, url,
                         missing if draft else None)]
    package = {
        "uri": (url if url and not draft
                else f"urn:contract-scrutiny:draft:{contract.name}:{start}:{end}:{digest}"),
        "version": "1.1",
        "extensions": extension_urls(),
        "publishedDate": when,
        "publisher": {"name": info.council},
        "license": info.license,
        "releases": [release],
    }
    if info.buyer_details.identifier.id:
        package["publisher"].update(scheme=info.buyer_details.identifier.scheme,
                                    uid=info.buyer_details.identifier.id)
    return package


def decisions_in(contract: Contract, start: pd.Period, end: pd.Period) -> pd.DataFrame:
    """The recorded section 71(5) decisions taken within ``start``..``end``, oldest first."""
    failures = contract.failures
    months = failures["decided"].dt.to_period("M")
    return failures[months.between(start, end)].sort_values(["decided", "kpi_id"],
                                                            kind="stable")


def undecided_inadequate(contract: Contract, ratings: pd.DataFrame, start: pd.Period,
                         end: pd.Period) -> list[str]:
    """KPIs rated Inadequate over the period with no failure decision recorded within it."""
    decided = set(decisions_in(contract, start, end)["kpi_id"])
    inadequate = ratings.loc[ratings["rating"] == INADEQUATE, "kpi_id"]
    return [k for k in inadequate if k not in decided]


def _party(contract: Contract, role: str, name: str, details: PartyDetails) -> dict:
    """An OCDS party from contract.yaml; blank details are left out (only in a draft)."""
    ident = details.identifier
    party: dict = {"id": f"{ident.scheme}-{ident.id}" if ident.scheme and ident.id
                   else f"{role}-{contract.name}", "name": name}
    if ident.scheme and ident.id:
        party["identifier"] = {"scheme": ident.scheme, "id": ident.id, "legalName": name}
    address = {key: value for key, value in (
        ("streetAddress", details.address.street_address),
        ("locality", details.address.locality), ("region", details.address.region),
        ("postalCode", details.address.postal_code),
        ("countryName", details.address.country_name)) if value}
    if address:
        party["address"] = address
    if details.email:
        party["contactPoint"] = {"email": details.email}
    party["roles"] = [role]
    return party


def _content_hash(release: dict) -> str:
    """12 hex digits of SHA-256 over the release as canonical JSON, without ``date``."""
    content = {k: v for k, v in release.items() if k not in ("id", "date")}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _notice_url(base: str, start: pd.Period, end: pd.Period) -> str:
    """Where the notice will be published: ``publication_url`` plus its file name."""
    return f"{base.rstrip('/')}/{notice_file_name(start, end)}" if base else ""


def _agreed_metrics(rows: pd.DataFrame, ratings: pd.DataFrame) -> list[dict]:
    """Each rated KPI with the TSL and MSL in force, one observation per run of months."""
    metrics = []
    for kpi_id in ratings["kpi_id"]:
        kpi = rows[rows["kpi_id"] == kpi_id].sort_values("month")
        first = kpi.iloc[0]
        unit = UNITS.get(first["unit"])
        better = "higher" if first["direction"] == "higher" else "lower"
        runs = _threshold_runs(kpi)
        levels = "; ".join(
            f"{_month_span(r)}: TSL {r['tsl']:g}, MSL {r['msl']:g}" for r in runs)
        metrics.append({
            "id": kpi_id,
            "title": first["description"],
            "description": (f"{first['service']} service. Target service level (TSL) and "
                            f"minimum service level (MSL) in force ({first['unit']}): {levels}; "
                            f"{better} is better. Monthly results are Green at or better than "
                            "TSL, Amber between MSL and TSL, Red worse than MSL."),
            "observations": [obs for r in runs for obs in _level_observations(kpi_id, r, unit)],
        })
    return metrics


def _threshold_runs(kpi: pd.DataFrame) -> list[dict]:
    """Consecutive months with the same TSL and MSL: ``{first, last, tsl, msl}`` each."""
    levels = kpi[["tsl", "msl"]].astype(float)
    change = levels.ne(levels.shift()).any(axis=1).cumsum()
    return [{"first": g["month"].iloc[0], "last": g["month"].iloc[-1],
             "tsl": float(g["tsl"].iloc[0]), "msl": float(g["msl"].iloc[0])}
            for _, g in kpi.groupby(change.to_numpy(), sort=True)]


def _month_span(run: dict) -> str:
    first, last = month_name(run["first"]), month_name(run["last"])
    return first if first == last else f"{first} to {last}"


def _level_observations(kpi_id: str, run: dict, unit: dict | None) -> list[dict]:
    period = {"startDate": f"{run['first'].start_time.date()}T00:00:00Z",
              "endDate": f"{run['last'].end_time.date()}T23:59:59Z"}
    span = f"{run['first']}-{run['last']}"
    return [{"id": f"{kpi_id}-{level.lower()}-{span}", "period": period,
             "measure": run[level.lower()], **({"unit": dict(unit)} if unit else {}),
             "notes": f"{name} ({level})"}
            for level, name in (("TSL", "Target service level"),
                                ("MSL", "Minimum service level"))]


#: How a KPI's results are named in a notice, by frequency: a quarterly KPI has four
#: quarterly results a year, and its longest run of Red is counted in quarters (core.runs).
RESULT_WORDS = {"M": ("monthly results", "Red months"), "Q": ("quarterly results", "Red quarters"),
                "A": ("annual results", "Red years")}


def _counts_text(r, frequency: str = "M") -> str:
    """The counts behind a rating, in words, named by the KPI's ``frequency``."""
    results, reds = RESULT_WORDS.get(frequency, RESULT_WORDS["M"])
    parts = [f"{r.months} {results}: {r.green} Green, {r.amber} Amber, {r.red} Red"
             + (f" ({r.no_data} with no number)" if r.no_data else "") + f", {r.blue} Blue"]
    if r.longest_red_run:
        parts.append(f"longest run of {reds} {r.longest_red_run}")
    return "; ".join(parts) + "."


def _observed(r, rows: pd.DataFrame, period: dict) -> dict:
    """One KPI's assessment over the period."""
    own = rows.loc[rows["kpi_id"] == r.kpi_id, "frequency"] if "frequency" in rows else []
    notes = f"{r.rating}: {r.rule}. {_counts_text(r, own.iloc[0] if len(own) else 'M')}"
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


def _failure(d, rows: pd.DataFrame, period: dict, supplier: dict, start: pd.Period,
             end: pd.Period) -> dict:
    """A performance failure from one recorded decision, with the KPI's Red months."""
    kpi = rows[rows["kpi_id"] == d.kpi_id].sort_values("month")
    red = kpi.loc[kpi["rag"] == RED, "month"]
    description = kpi["description"].iloc[0] if len(kpi) else d.kpi_id
    months = (f" Red in {', '.join(month_name(m) for m in red)}." if len(red)
              else " No Red month in the period.")
    return {
        "id": f"{d.kpi_id}-{d.kind}-{d.decided:%Y-%m-%d}-{start}-{end}",
        "period": period,
        "category": f"{d.kpi_id}: {description}",
        "events": int(len(red)),
        "requirement": description,
        "description": f"{KIND_TEXT[d.kind]}: {d.reason}.{months}",
        "decisionDate": f"{d.decided:%Y-%m-%d}T00:00:00Z",
        "suppliers": [supplier],
    }


def _notice_document(ratings: pd.DataFrame, decisions: pd.DataFrame, title: str, span: str,
                     when: str, label: str, url: str, missing: list[str] | None) -> dict:
    """The implementationNotice document: what the notice covers and the rating counts."""
    counts = rating_counts(ratings)
    summary = ", ".join(f"{row.rating} {row.kpis}" for row in counts.itertuples(index=False))
    failures = (f" Performance failures decided by the council: {len(decisions)}."
                if len(decisions) else " No performance failure decision was recorded.")
    draft = ("DRAFT, not for publication (contract.yaml lacks: " + ", ".join(missing) + "). "
             if missing is not None else "")
    document = {
        "id": f"uk9-notice-{label}",
        "documentType": "implementationNotice",
        "noticeType": "UK9",
        "title": f"{'DRAFT ' if missing is not None else ''}Contract performance notice: "
                 f"{title}, {span}",
        "description": (f"{draft}Assessment of the supplier's performance against the "
                        f"contract's {len(ratings)} KPIs from {span} (Procurement Act 2023 "
                        f"section 71). KPIs by rating: {summary}.{failures}"),
        "datePublished": when,
        "format": "application/json",
        "language": "en",
    }
    if url:
        document["url"] = url
    return document
