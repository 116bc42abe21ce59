"""The council's section 71(5) decisions on performance failures (``failure_decisions.csv``).

Under section 71(5) of the Procurement Act 2023 a contract performance notice reports a failure
only once the contracting authority has *decided* that the supplier failed to improve after being
given the chance to (``failed-to-improve``), or that a breach of contract led to termination,
damages or a settlement (``breach``). A KPI rating alone is not such a decision. ``scrutiny
failure`` records each decision as one row; the notice publishes exactly these rows.

Columns: ``kpi_id``, ``decided`` (YYYY-MM-DD, the date of the decision), ``kind``, ``reason``
(what the council decided and why), ``recorded_at`` (UTC, when the row was written).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scrutiny.load import schemas
from scrutiny.load.tables import fail_at, read_csv_text, validate

#: The two grounds of section 71(5), as ``kind`` values.
FAILED_TO_IMPROVE, BREACH = "failed-to-improve", "breach"
FAILURE_KINDS = (FAILED_TO_IMPROVE, BREACH)


def load_failure_decisions(path: Path, kpis: pd.DataFrame) -> pd.DataFrame:
    """Read the decisions; ``decided`` becomes a ``datetime64`` date. Absent file: none.

    Refuses an unknown KPI code, an impossible date (2016-02-30) and a second decision of the
    same kind on the same KPI and day, naming file, row and column.
    """
    columns = list(schemas.FAILURE_DECISIONS.columns)
    if not path.exists():
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
        return frame.assign(decided=pd.to_datetime(frame["decided"]))
    text = validate(read_csv_text(path), schemas.FAILURE_DECISIONS, path.name)
    fail_at(text, ~text["kpi_id"].isin(kpis["kpi_id"]), path.name, "kpi_id",
            "unknown KPI code {kpi_id!r}", hint="add it to kpis.csv or correct the code")
    decided = pd.to_datetime(text["decided"], format="%Y-%m-%d", errors="coerce")
    fail_at(text, decided.isna(), path.name, "decided", "{decided!r} is not a date",
            hint="give the date of the decision as YYYY-MM-DD")
    fail_at(text, text.duplicated(["kpi_id", "decided", "kind"]), path.name, "decided",
            "{kpi_id}: a {kind} decision of {decided} is already recorded",
            hint="record each decision once")
    return text.assign(decided=decided)
