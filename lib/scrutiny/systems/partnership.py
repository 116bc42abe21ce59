"""Partnerships that publish only narrative results: quarterly statements with their source quote.

Layout of ``data/<partnership>/``::

    partnership.yaml    council, supplier, services, month the financial year starts
    statements.csv      quarter (e.g. ``2014/15 Q3``), service, topic, statement, source_quote

No numbers are made up for such a partnership: a statement is a statement. Quarterly KPIs with real
values go in a contract folder (``kpis.csv`` frequency ``Q``) and are scored like monthly ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.load import system_schemas as ss
from scrutiny.load.tables import fail_at, read_csv_text, validate
from scrutiny.load.yaml_files import load_yaml


@dataclass(frozen=True)
class Partnership:
    """A partnership's narrative results."""

    info: ss.PartnershipInfo
    folder: Path
    statements: pd.DataFrame


def load_partnership(name: str, data_root: Path | None = None) -> Partnership:
    """Load and validate the partnership called ``name`` from ``data/<name>/``."""
    folder = dataset_dir(name, data_root)
    info = load_yaml(folder / "partnership.yaml", ss.PartnershipInfo)
    path = folder / "statements.csv"
    text = validate(read_csv_text(path), ss.STATEMENTS, path.name)
    fail_at(text, ~text["service"].isin(info.services), path.name, "service",
            "unknown service {service!r}", hint=f"use one of: {', '.join(info.services)}")
    fail_at(text, ~_year_pair_ok(text["quarter"]), path.name, "quarter",
            "{quarter!r}: the second year must follow the first (e.g. 2014/15)")
    months = quarter_months(text["quarter"], info.financial_year_start_month)
    return Partnership(info, folder, pd.concat([text, months], axis=1))


def _year_pair_ok(labels: pd.Series) -> pd.Series:
    first = labels.str.slice(0, 4).astype("int64")
    second = labels.str.slice(5, 7).astype("int64")
    return (first + 1) % 100 == second


def quarter_months(labels: pd.Series, year_start_month: int = 4) -> pd.DataFrame:
    """Return the first and last calendar month of financial-year quarters such as ``2014/15 Q3``.

    Parameters
    ----------
    labels : pandas.Series of str
        ``YYYY/YY Qn`` labels; the year is the one the financial year starts in.
    year_start_month : int
        Calendar month the financial year starts (4 = April, as in English councils).

    Returns
    -------
    pandas.DataFrame
        ``first_month`` and ``last_month`` as monthly periods.
    """
    year = labels.str.slice(0, 4).astype("int64")
    quarter = labels.str.slice(-1).astype("int64")
    months_in = year * 12 + (year_start_month - 1) + (quarter - 1) * 3
    first = pd.PeriodIndex.from_fields(year=months_in // 12, month=months_in % 12 + 1, freq="M")
    return pd.DataFrame({"first_month": first, "last_month": first + 2}, index=labels.index)


def statements_for(partnership: Partnership, quarter: str | None = None,
                   service: str | None = None) -> pd.DataFrame:
    """Return statements, optionally for one quarter label and/or one service, in file order."""
    rows = partnership.statements
    if quarter is not None:
        rows = rows[rows["quarter"] == quarter]
    if service is not None:
        rows = rows[rows["service"] == service]
    return rows.reset_index(drop=True)
