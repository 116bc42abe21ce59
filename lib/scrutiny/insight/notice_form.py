"""The filing sheet: a UK9 notice's content as the fields of Find a Tender's form, in order.

Find a Tender takes a contract performance notice through its web form (or its e-sender API),
not as OCDS JSON. The sheet lists, section by section, what the form asks for (regulation 39(4) of
the Procurement Regulations 2024: the contract and procurement, the contracting authority, the
supplier, each KPI's assessment, then any performance failure), each filled from the same OCDS
package ``scrutiny notice`` writes, so the form and the open data cannot disagree.
"""

from __future__ import annotations

import pandas as pd

#: measureClassification id -> the rating as the form offers it.
FORM_RATINGS = {"met": "Good", "slightlyBelow": "Approaching target", "below":
                "Requires improvement", "significantlyBelow": "Inadequate", "other": "Other"}
#: The columns of the sheet.
COLUMNS = ["section", "field", "value"]


def filing_fields(package: dict) -> pd.DataFrame:
    """One row per form field (``section``, ``field``, ``value``), in the form's order."""
    (release,) = package["releases"]
    (contract,) = release["contracts"]
    notice = contract["implementation"]["documents"][0]
    rows = [("Notice", "Notice type", "UK9 Contract performance notice"),
            ("Notice", "Status", "DRAFT: not ready to file" if notice["title"].startswith(
                "DRAFT") else "Ready to file")]
    rows += _contract_rows(release, contract)
    parties = {p["roles"][0]: p for p in release["parties"]}
    rows += _party_rows("Contracting authority", parties["buyer"])
    rows += _party_rows("Supplier", parties["supplier"])
    rows += _kpi_rows(contract)
    rows += _failure_rows(contract)
    return pd.DataFrame(rows, columns=COLUMNS)


def _contract_rows(release: dict, contract: dict) -> list[tuple[str, str, str]]:
    tender = release.get("tender", {})
    return [("Contract", "Contract identifier (Find a Tender)", contract["id"]),
            ("Contract", "Contract title", contract.get("title", "")),
            ("Contract", "Procurement identifier", tender.get("id", "")),
            ("Contract", "Procurement title", tender.get("title", "")),
            ("Contract", "Open Contracting ID (ocid)", release["ocid"])]


def _party_rows(section: str, party: dict) -> list[tuple[str, str, str]]:
    ident, address = party.get("identifier", {}), party.get("address", {})
    return [(section, "Name", party["name"]),
            (section, "Identifier register", ident.get("scheme", "")),
            (section, "Identifier", ident.get("id", "")),
            (section, "Street address", address.get("streetAddress", "")),
            (section, "Town or city", address.get("locality", "")),
            (section, "Postcode", address.get("postalCode", "")),
            (section, "Country", address.get("countryName", "")),
            (section, "Email", party.get("contactPoint", {}).get("email", ""))]


def _kpi_rows(contract: dict) -> list[tuple[str, str, str]]:
    agreed = {m["id"]: m for m in contract["agreedMetrics"]}
    rows = []
    for metric in contract["implementation"]["metrics"]:
        (obs,) = metric["observations"]
        section = f"KPI {metric['id']}"
        rows += [(section, "KPI name", metric["title"]),
                 (section, "KPI description and targets", agreed[metric["id"]]["description"]),
                 (section, "Assessment period start", obs["period"]["startDate"][:10]),
                 (section, "Assessment period end", obs["period"]["endDate"][:10]),
                 (section, "Rating", FORM_RATINGS[obs["measureClassification"]["id"]]),
                 (section, "Explanation", obs["notes"])]
    return rows


def _failure_rows(contract: dict) -> list[tuple[str, str, str]]:
    failures = contract["implementation"].get("performanceFailures", [])
    if not failures:
        return [("Performance failures", "Performance failures",
                 "None: no section 71(5) decision recorded in the period")]
    rows = []
    for n, failure in enumerate(failures, 1):
        section = f"Performance failure {n}"
        rows += [(section, "Requirement not met", failure["category"]),
                 (section, "Date of the decision", failure["decisionDate"][:10]),
                 (section, "Description", failure["description"]),
                 (section, "Supplier", ", ".join(s["name"] for s in failure["suppliers"]))]
    return rows
