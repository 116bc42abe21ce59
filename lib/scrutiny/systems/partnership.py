"""Partnerships that publish only narrative results: quarterly statements with their source quote.

Layout of ``data/<partnership>/``::

    partnership.yaml    council, supplier, services, month the financial year starts
    statements.csv      quarter (e.g. ``2014/15 Q3``), service, topic, statement, source_quote
    figures.csv         optional: figures the statements give, each with the words it is written
                        in (``as_written``, which must appear in its ``source_quote``)
    targets.csv         optional: per quarter and service, whether all targets were met (yes/no),
                        which targets (``scope``) and the sentence that says so

No numbers are made up for such a partnership: a statement is a statement. Quarterly KPIs with real
values go in a contract folder (``kpis.csv`` frequency ``Q``) and are scored like monthly ones.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load import system_schemas as ss
from scrutiny.load.partnership import (
    Partnership,
    load_partnership_info,
    quarter_months,
    year_pair_ok,
)


def statements_for(partnership: Partnership, quarter: str | None = None,
                   service: str | None = None) -> pd.DataFrame:
    """Return statements, optionally for one quarter label and/or one service, in file order."""
    rows = partnership.statements
    if quarter is not None:
        rows = rows[rows["quarter"] == quarter]
    if service is not None:
        rows = rows[rows["service"] == service]
    return rows.reset_index(drop=True)


def previous_quarter(label: str) -> str:
    """Return the financial quarter before ``label``, e.g. ``2014/15 Q1`` -> ``2013/14 Q4``."""
    year, quarter = int(label[:4]), int(label[-1])
    if quarter > 1:
        return f"{year}/{(year + 1) % 100:02d} Q{quarter - 1}"
    return f"{year - 1}/{year % 100:02d} Q4"


def quarters_held(partnership: Partnership) -> list[str]:
    """Return the quarter labels with statements, in time order."""
    return sorted(set(partnership.statements["quarter"]))


def require_quarter(partnership: Partnership, quarter: str) -> None:
    """Raise :class:`NoDataForPeriodError` unless the partnership has statements for ``quarter``."""
    held = quarters_held(partnership)
    if quarter not in held:
        raise NoDataForPeriodError(
            f"key 'quarter': {partnership.info.partnership} has no statements for {quarter!r}; "
            f"it has {', '.join(held) or 'none'}")


def quarter_last_month(name: str, quarter: str, data_root: Path | None = None) -> str:
    """Return the last calendar month (``YYYY-MM``) of a partnership's financial quarter.

    Reads only ``partnership.yaml`` (for the month its financial year starts).

    Raises
    ------
    InputValidationError
        ``partnership.yaml`` missing or invalid.
    ValueError
        ``quarter`` is not a label like ``2014/15 Q3``.
    """
    label = pd.Series([quarter])
    if not label.str.fullmatch(ss.FINANCIAL_QUARTER[1:-1]).all() or not year_pair_ok(label).all():
        raise ValueError(f"{quarter!r} is not a financial quarter; write it like 2014/15 Q3")
    info = load_partnership_info(name, data_root)
    return quarter_months(label, info.financial_year_start_month)["last_month"][0].strftime("%Y-%m")


def quarter_on_quarter(figures: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Figures stated for ``quarter`` beside the same measure in the quarter before, if stated.

    Returns
    -------
    pandas.DataFrame
        The quarter's figure rows plus ``previous_value`` (NaN when the quarter before does not
        state the measure) and ``change`` (``value - previous_value``, in the figure's unit:
        a count, or percentage points for percentages).
    """
    now = figures[figures["quarter"] == quarter]
    before = figures.loc[figures["quarter"] == previous_quarter(quarter),
                         ["service", "measure", "unit", "value"]]
    table = now.merge(before.rename(columns={"value": "previous_value"}),
                      on=["service", "measure", "unit"], how="left", validate="one_to_one")
    return table.assign(change=table["value"] - table["previous_value"])


def targets_by_quarter(partnership: Partnership, quarter: str) -> pd.DataFrame:
    """Whether all targets were met, per service, for ``quarter`` and the quarter before.

    Returns
    -------
    pandas.DataFrame
        One row per service in ``partnership.yaml`` order: ``service``, ``all_met``, ``scope``,
        ``source_quote`` (missing when the quarter does not say), ``previous_all_met``.
    """
    targets = partnership.targets
    services = pd.DataFrame({"service": partnership.info.services})
    now = services.merge(targets[targets["quarter"] == quarter], on="service", how="left")
    before = targets.loc[targets["quarter"] == previous_quarter(quarter),
                         ["service", "all_met"]].rename(columns={"all_met": "previous_all_met"})
    return now.merge(before, on="service", how="left")[
        ["service", "all_met", "scope", "source_quote", "previous_all_met"]]
