"""What ``contract.yaml`` says about the buyer, the supplier and the procurement, for notices.

A Procurement Act contract performance notice (UK9) names the contracting authority and the
supplier by their identifiers, addresses and emails, and the procurement by its title and
identifier (regulation 39(4) of the Procurement Regulations 2024). The council enters them once in
``contract.yaml``::

    ocid: ocds-h6vhtk-04f1a2            # the contracting process on Find a Tender
    fts_contract_id: 004567-2025-1      # the contract's identifier on Find a Tender
    procurement: {id: LCC-2014-CSS, title: Corporate Support Services}
    publication_url: https://data.example.gov.uk/contracts/css/   # where notices are published
    buyer_details:
      identifier: {scheme: GB-PPON, id: PXYZ-1234-ABCD}
      address: {street_address: County Offices, locality: Lincoln, postal_code: LN1 1YL,
                country_name: United Kingdom}
      email: procurement@example.gov.uk
    supplier_details: {...the same keys...}

Every field is optional here, so a contract can be scored before they are known;
:func:`missing_notice_fields` lists those a notice still needs.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: Open Government Licence v3.0: the licence of the published notice unless contract.yaml says.
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class Identifier(BaseModel):
    """An organisation identifier: the register (``scheme``, e.g. GB-COH, GB-PPON) and the id."""

    model_config = ConfigDict(extra="forbid")
    scheme: str = ""
    id: str = ""


class Address(BaseModel):
    """A postal address, as OCDS 1.1 words it (``country_name``: United Kingdom)."""

    model_config = ConfigDict(extra="forbid")
    street_address: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country_name: str = ""


class PartyDetails(BaseModel):
    """The buyer's or supplier's identifier, address and email."""

    model_config = ConfigDict(extra="forbid")
    identifier: Identifier = Identifier()
    address: Address = Address()
    email: str = ""


class Procurement(BaseModel):
    """The procurement the contract came from, as Find a Tender names it."""

    model_config = ConfigDict(extra="forbid")
    id: str = ""
    title: str = ""


#: Fields a notice needs, as dotted paths into contract.yaml (region is optional).
REQUIRED_FIELDS = (
    "ocid", "fts_contract_id", "procurement.id", "procurement.title", "publication_url",
    *(f"{party}.{field}" for party in ("buyer_details", "supplier_details")
      for field in ("identifier.scheme", "identifier.id", "address.street_address",
                    "address.locality", "address.postal_code", "address.country_name", "email")),
)


def missing_notice_fields(info: BaseModel) -> list[str]:
    """The :data:`REQUIRED_FIELDS` that ``info`` (a ``ContractInfo``) leaves blank, in order."""
    missing = []
    for path in REQUIRED_FIELDS:
        value: object = info
        for part in path.split("."):
            value = getattr(value, part)
        if not str(value).strip():
            missing.append(path)
    return missing
