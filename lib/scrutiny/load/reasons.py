"""Reading the council's mitigation reasons, ``data/<contract>/mitigation_reasons.csv``.

Keyed by KPI and an inclusive month range. A reason may name a KPI that ``kpis.csv`` does not
define (seed 001's Table 2 names ACF_KPI_10 and IMT_KPI_15, which were added to the contract after
the 2015-16 results held), so each reason carries its own ``short_description``; ``kpi_defined``
says which. ``scrutiny mitigate`` (``scrutiny.ingest.decisions``) is the file's writer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scrutiny.load import schemas
from scrutiny.load.contract import Contract, overlapping_ranges
from scrutiny.load.folder import DECISIONS_FILE, REASONS_FILE
from scrutiny.load.tables import fail_at, read_csv_text, validate

REASON_COLUMNS = ["kpi_id", "service", "short_description", "from_month", "to_month", "reason",
                  "source", "kpi_defined"]


def load_mitigation_reasons(contract: Contract) -> pd.DataFrame:
    """Read the contract's mitigation reasons; an absent file means none are recorded.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REASON_COLUMNS`; months as ``pandas.Period``; ``service`` from kpis.csv
        (else the code's prefix); ``kpi_defined`` True where ``kpis.csv`` defines the KPI.

    Raises
    ------
    InputValidationError
        Naming file, row and column: schema failures, a service prefix the contract does not have,
        a range that ends before it starts, overlapping ranges for one KPI, or months outside a
        defined KPI's life.
    """
    path = contract.folder / REASONS_FILE
    if not path.exists():
        return pd.DataFrame(columns=REASON_COLUMNS)
    text = validate(read_csv_text(path), schemas.MITIGATION_REASONS, path.name)
    # The KPI's service from kpis.csv; for a KPI it does not define, the code's prefix.
    defined = contract.kpis.set_index("kpi_id")["service"]
    text["service"] = text["kpi_id"].map(defined).fillna(
        text["kpi_id"].str.extract(r"^([A-Z]+)_KPI_", expand=False))
    fail_at(text, ~text["service"].isin(list(contract.info.services)), path.name, "kpi_id",
            "{kpi_id}: no service {service!r} in this contract",
            hint=f"KPI codes start with a service: {', '.join(contract.info.services)}")
    reasons = text.assign(from_month=pd.PeriodIndex(text["from_month"], freq="M"),
                          to_month=pd.PeriodIndex(text["to_month"], freq="M"))
    fail_at(reasons, reasons["from_month"] > reasons["to_month"], path.name, "to_month",
            "{kpi_id}: the range ends before it starts")
    fail_at(reasons, overlapping_ranges(reasons), path.name, "from_month",
            "{kpi_id}: this reason's months overlap an earlier reason for the same KPI",
            hint="give each month of a KPI one reason")
    life = contract.kpis.set_index("kpi_id")[["effective_from", "effective_to"]]
    reasons["kpi_defined"] = reasons["kpi_id"].isin(life.index)
    known = life.reindex(reasons["kpi_id"]).set_axis(reasons.index)
    outside = reasons["kpi_defined"] & (
        (reasons["from_month"] < known["effective_from"])
        | (known["effective_to"].notna() & (reasons["to_month"] > known["effective_to"])))
    fail_at(reasons, outside, path.name, "from_month",
            "{kpi_id} was not part of the contract for all of this reason's months",
            hint="check the months here and effective_from/effective_to in kpis.csv")
    return reasons[REASON_COLUMNS]


def load_decision_log(folder: Path) -> pd.DataFrame:
    """Read the decision log (who decided what, when and why), oldest first.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`scrutiny.load.schemas.DECISIONS`, as text; empty (no columns) when no
        decision has been recorded.

    Raises
    ------
    InputValidationError
        Naming file, row and column when the log does not match its schema.
    """
    path = folder / DECISIONS_FILE
    if not path.exists():
        return pd.DataFrame()
    return validate(read_csv_text(path), schemas.DECISIONS, path.name)
