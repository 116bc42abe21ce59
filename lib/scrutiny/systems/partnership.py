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

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load import system_schemas as ss
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml


@dataclass(frozen=True)
class Partnership:
    """A partnership's narrative results."""

    info: ss.PartnershipInfo
    folder: Path
    statements: pd.DataFrame
    figures: pd.DataFrame
    targets: pd.DataFrame

    @property
    def files(self) -> list[Path]:
        """The input files this partnership was loaded from."""
        names = ("partnership.yaml", "statements.csv", "figures.csv", "targets.csv")
        return [self.folder / n for n in names if (self.folder / n).exists()]


def load_partnership(name: str, data_root: Path | None = None) -> Partnership:
    """Load and validate the partnership called ``name`` from ``data/<name>/``."""
    folder = dataset_dir(name, data_root)
    info = load_yaml(folder / "partnership.yaml", ss.PartnershipInfo)
    path = folder / "statements.csv"
    text = _check_quarter_and_service(validate(read_csv_text(path), ss.STATEMENTS, path.name),
                                      info, path.name)
    months = quarter_months(text["quarter"], info.financial_year_start_month)
    return Partnership(info, folder, pd.concat([text, months], axis=1),
                       load_figures(folder / "figures.csv", info),
                       load_targets(folder / "targets.csv", info))


def _check_quarter_and_service(text: pd.DataFrame, info: ss.PartnershipInfo,
                               file: str) -> pd.DataFrame:
    fail_at(text, ~text["service"].isin(info.services), file, "service",
            "unknown service {service!r}", hint=f"use one of: {', '.join(info.services)}")
    fail_at(text, ~_year_pair_ok(text["quarter"]), file, "quarter",
            "{quarter!r}: the second year must follow the first (e.g. 2014/15)")
    return text


def load_figures(path: Path, info: ss.PartnershipInfo) -> pd.DataFrame:
    """Read ``figures.csv`` (empty when absent): ``value`` becomes a float.

    Each figure's ``as_written`` must appear word for word in its ``source_quote``, so every
    figure shown can be traced to the sentence it was read from.
    """
    columns = list(ss.FIGURES.columns)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object")
                             for c in columns})
    text = _check_quarter_and_service(validate(read_csv_text(path), ss.FIGURES, path.name),
                                      info, path.name)
    quoted = pd.Series([w in q for w, q in zip(text["as_written"], text["source_quote"],
                                               strict=True)], index=text.index, dtype=bool)
    fail_at(text, ~quoted, path.name, "as_written",
            "{as_written!r} is not in its source quote",
            hint="copy the figure's words exactly as the source sentence gives them")
    return text.assign(value=to_number(text, "value", path.name))


def load_targets(path: Path, info: ss.PartnershipInfo) -> pd.DataFrame:
    """Read ``targets.csv`` (empty when absent): ``all_met`` becomes a bool."""
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="bool" if c == "all_met" else "object")
                             for c in ss.TARGETS.columns})
    text = _check_quarter_and_service(validate(read_csv_text(path), ss.TARGETS, path.name),
                                      info, path.name)
    return text.assign(all_met=text["all_met"] == "yes")


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
    if not label.str.fullmatch(ss.FINANCIAL_QUARTER[1:-1]).all() or not _year_pair_ok(label).all():
        raise ValueError(f"{quarter!r} is not a financial quarter; write it like 2014/15 Q3")
    info = load_yaml(dataset_dir(name, data_root) / "partnership.yaml", ss.PartnershipInfo)
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
