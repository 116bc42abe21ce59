"""pandera schemas for every input table, checked on the text as written in the file."""

from __future__ import annotations

import pandera.pandas as pa

from scrutiny.core.months import MONTH_PATTERN
from scrutiny.core.units import MAX_LABEL, UNITS

MONTH = MONTH_PATTERN
#: A KPI code as a council writes it (CSC_KPI_04, PE01, WASTE-3): letters, digits, "_" and "-";
#: no spaces, commas or dots (what-if settings are written points.KPI_ID).
KPI_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
NUMBER = r"^-?\d+(\.\d+)?$"
COUNT = r"^\d+$"
#: KPI frequencies: monthly, quarterly (in a quarter-end month), annual (in the year-end month).
FREQUENCIES = ("M", "Q", "A")
UTC_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$"


def text_column(*checks: pa.Check, nullable: bool = False, unique: bool = False,
                required: bool = True) -> pa.Column:
    """A column checked as text, as written in the file (nothing converted yet)."""
    return pa.Column(str, checks=list(checks), nullable=nullable, unique=unique, required=required)


def nonblank() -> pa.Check:
    """Refuse empty or all-space cells."""
    return pa.Check.str_matches(r"\S", error="must not be blank")


def month_or_blank() -> pa.Check:
    """Accept ``YYYY-MM`` or an empty cell (an open-ended date range)."""
    return pa.Check.str_matches(r"^$|" + MONTH[1:], error="must be YYYY-MM or blank")


KPIS = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID), unique=True),
        "service": text_column(nonblank()),
        "description": text_column(nonblank()),
        "frequency": text_column(pa.Check.isin(list(FREQUENCIES))),
        "tsl": text_column(pa.Check.str_matches(NUMBER)),
        "msl": text_column(pa.Check.str_matches(NUMBER)),
        "direction": text_column(pa.Check.isin(["higher", "lower"])),
        "unit": text_column(pa.Check.isin(list(UNITS))),
        "effective_from": text_column(pa.Check.str_matches(MONTH)),
        "effective_to": text_column(month_or_blank()),
        # Optional: shown beside every value ("per 100,000 collections"); one line, short.
        "unit_label": text_column(pa.Check.str_length(max_value=MAX_LABEL),
                                  pa.Check.str_matches(r"^[^\r\n]*$", error="must be one line"),
                                  required=False),
    },
    strict=True,
    name="kpis",
)

RETURNS = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID)),
        "month": text_column(pa.Check.str_matches(MONTH)),
        "value": text_column(),
        "footnote": text_column(required=False),
        # Optional: the supplier's comment on the KPI-month (only written when one was sent).
        "comment": text_column(required=False),
    },
    strict=True,
    name="returns",
)

OVERRIDES = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID)),
        "from_month": text_column(pa.Check.str_matches(MONTH)),
        "to_month": text_column(month_or_blank()),
        "tsl": text_column(pa.Check.str_matches(NUMBER)),
        "msl": text_column(pa.Check.str_matches(NUMBER)),
        "reason": text_column(nonblank()),
    },
    strict=True,
    name="overrides",
)

GLIDES = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(r"^$|" + KPI_ID[1:])),
        "service": text_column(nonblank()),
        "from_month": text_column(pa.Check.str_matches(MONTH)),
        "to_month": text_column(pa.Check.str_matches(MONTH)),
        "reason": text_column(nonblank()),
    },
    strict=True,
    name="glides",
)

PUBLISHED_SUMMARIES = pa.DataFrameSchema(
    {
        "source": text_column(nonblank()),
        "service": text_column(nonblank()),
        "month": text_column(pa.Check.str_matches(MONTH)),
        **{c: text_column(pa.Check.str_matches(COUNT)) for c in
           ("green", "amber", "red", "blue", "total")},
    },
    strict=True,
    unique=["source", "service", "month"],
    name="published_summaries",
)

MITIGATION_REASONS = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID)),
        "short_description": text_column(nonblank()),
        "from_month": text_column(pa.Check.str_matches(MONTH)),
        "to_month": text_column(pa.Check.str_matches(MONTH)),
        "reason": text_column(nonblank()),
        "source": text_column(nonblank()),
    },
    strict=True,
    name="mitigation_reasons",
)

FAILURE_DECISIONS = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID)),
        "decided": text_column(pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "kind": text_column(pa.Check.isin(["failed-to-improve", "breach"])),
        "reason": text_column(nonblank()),
        "recorded_at": text_column(pa.Check.str_matches(UTC_TIMESTAMP)),
    },
    strict=True,
    name="failure_decisions",
)

ABATEMENT_POINTS = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID)),
        "points": text_column(pa.Check.str_matches(NUMBER)),
        "effective_from": text_column(pa.Check.str_matches(MONTH)),
        "effective_to": text_column(month_or_blank()),
    },
    strict=True,
    name="abatement_points",
)

#: The council's decision log (``decisions.csv``): one row per decision, never rewritten.
DECISION_ACTIONS = ["mitigate", "withdraw", "override", "glide"]
DECISIONS = pa.DataFrameSchema(
    {
        "decided_at": text_column(pa.Check.str_matches(UTC_TIMESTAMP)),
        "decided_by": text_column(nonblank()),
        "action": text_column(pa.Check.isin(DECISION_ACTIONS)),
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID)),
        "from_month": text_column(pa.Check.str_matches(MONTH)),
        "to_month": text_column(month_or_blank()),
        "detail": text_column(),
        "reason": text_column(nonblank()),
    },
    strict=True,
    name="decisions",
)

CHANGES = pa.DataFrameSchema(
    {
        "kpi_id": text_column(pa.Check.str_matches(KPI_ID)),
        "month": text_column(pa.Check.str_matches(MONTH)),
        "old_value": text_column(),
        "old_footnote": text_column(),
        "new_value": text_column(),
        "new_footnote": text_column(),
        "changed_at": text_column(pa.Check.str_matches(UTC_TIMESTAMP)),
        "source_file": text_column(nonblank()),
        "source_sha256": text_column(pa.Check.str_matches(r"^[0-9a-f]{64}$")),
    },
    strict=True,
    name="changes",
)

RECEIPTS = pa.DataFrameSchema(
    {
        "received_at": text_column(pa.Check.str_matches(UTC_TIMESTAMP)),
        "stored_file": text_column(pa.Check.str_matches(r"^[0-9]{8}T[0-9]{12}Z-[0-9a-f]{12}\.\w+$"),
                                   unique=True),
        "rows_file": text_column(pa.Check.str_matches(r"^$|^[0-9]{8}T[0-9]{12}Z-[0-9a-f]{12}"
                                                      r"\.rows\.csv$")),
        "source_name": text_column(nonblank()),
        "sha256": text_column(pa.Check.str_matches(r"^[0-9a-f]{64}$")),
        "replace": text_column(pa.Check.isin(["yes", "no"])),
        # SHA-256 of rows_file; absent from stores made before it was recorded.
        "rows_sha256": text_column(pa.Check.str_matches(r"^$|^[0-9a-f]{64}$"), required=False),
    },
    strict=True,
    name="receipts",
)
