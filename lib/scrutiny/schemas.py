"""pandera schemas for every input table, checked on the text as written in the file."""

from __future__ import annotations

import pandera.pandas as pa

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
KPI_ID = r"^[A-Z]+_KPI_\d{2}$"
NUMBER = r"^-?\d+(\.\d+)?$"
COUNT = r"^\d+$"
UTC_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$"


def _text(*checks: pa.Check, nullable: bool = False, unique: bool = False,
          required: bool = True) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=nullable, unique=unique, required=required)


def _nonblank() -> pa.Check:
    return pa.Check.str_matches(r"\S", error="must not be blank")


def _month_or_blank() -> pa.Check:
    return pa.Check.str_matches(r"^$|" + MONTH[1:], error="must be YYYY-MM or blank")


KPIS = pa.DataFrameSchema(
    {
        "kpi_id": _text(pa.Check.str_matches(KPI_ID), unique=True),
        "service": _text(_nonblank()),
        "description": _text(_nonblank()),
        "frequency": _text(pa.Check.isin(["M", "Q"])),
        "tsl": _text(pa.Check.str_matches(NUMBER)),
        "msl": _text(pa.Check.str_matches(NUMBER)),
        "direction": _text(pa.Check.isin(["higher", "lower"])),
        "unit": _text(pa.Check.isin(["percent", "count"])),
        "effective_from": _text(pa.Check.str_matches(MONTH)),
        "effective_to": _text(_month_or_blank()),
    },
    strict=True,
    name="kpis",
)

RETURNS = pa.DataFrameSchema(
    {
        "kpi_id": _text(pa.Check.str_matches(KPI_ID)),
        "month": _text(pa.Check.str_matches(MONTH)),
        "value": _text(),
        "footnote": _text(required=False),
    },
    strict=True,
    name="returns",
)

OVERRIDES = pa.DataFrameSchema(
    {
        "kpi_id": _text(pa.Check.str_matches(KPI_ID)),
        "from_month": _text(pa.Check.str_matches(MONTH)),
        "to_month": _text(pa.Check.str_matches(MONTH)),
        "tsl": _text(pa.Check.str_matches(NUMBER)),
        "msl": _text(pa.Check.str_matches(NUMBER)),
        "reason": _text(_nonblank()),
    },
    strict=True,
    name="overrides",
)

GLIDES = pa.DataFrameSchema(
    {
        "kpi_id": _text(pa.Check.str_matches(r"^$|" + KPI_ID[1:])),
        "service": _text(_nonblank()),
        "from_month": _text(pa.Check.str_matches(MONTH)),
        "to_month": _text(pa.Check.str_matches(MONTH)),
        "reason": _text(_nonblank()),
    },
    strict=True,
    name="glides",
)

PUBLISHED_SUMMARIES = pa.DataFrameSchema(
    {
        "source": _text(_nonblank()),
        "service": _text(_nonblank()),
        "month": _text(pa.Check.str_matches(MONTH)),
        **{c: _text(pa.Check.str_matches(COUNT)) for c in
           ("green", "amber", "red", "blue", "total")},
    },
    strict=True,
    unique=["source", "service", "month"],
    name="published_summaries",
)

MITIGATION_REASONS = pa.DataFrameSchema(
    {
        "kpi_id": _text(pa.Check.str_matches(KPI_ID)),
        "short_description": _text(_nonblank()),
        "from_month": _text(pa.Check.str_matches(MONTH)),
        "to_month": _text(pa.Check.str_matches(MONTH)),
        "reason": _text(_nonblank()),
        "source": _text(_nonblank()),
    },
    strict=True,
    name="mitigation_reasons",
)

ABATEMENT_POINTS = pa.DataFrameSchema(
    {
        "kpi_id": _text(pa.Check.str_matches(KPI_ID)),
        "points": _text(pa.Check.str_matches(NUMBER)),
        "effective_from": _text(pa.Check.str_matches(MONTH)),
        "effective_to": _text(_month_or_blank()),
    },
    strict=True,
    name="abatement_points",
)

CHANGES = pa.DataFrameSchema(
    {
        "kpi_id": _text(pa.Check.str_matches(KPI_ID)),
        "month": _text(pa.Check.str_matches(MONTH)),
        "old_value": _text(),
        "old_footnote": _text(),
        "new_value": _text(),
        "new_footnote": _text(),
        "changed_at": _text(pa.Check.str_matches(UTC_TIMESTAMP)),
        "source_file": _text(_nonblank()),
        "source_sha256": _text(pa.Check.str_matches(r"^[0-9a-f]{64}$")),
    },
    strict=True,
    name="changes",
)
