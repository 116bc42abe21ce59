"""Reading a partnership's narrative results, ``data/<partnership>/``, into validated frames.

The layout is described in ``scrutiny.systems.partnership``, which computes on what this reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.load import system_schemas as ss
from scrutiny.load.folder import (
    FIGURES_FILE,
    PARTNERSHIP_FILE,
    PARTNERSHIP_FILES,
    STATEMENTS_FILE,
    TARGETS_FILE,
    existing,
)
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
        return existing(self.folder, PARTNERSHIP_FILES)


def load_partnership(name: str, data_root: Path | None = None) -> Partnership:
    """Load and validate the partnership called ``name`` from ``data/<name>/``."""
    folder = dataset_dir(name, data_root)
    info = load_yaml(folder / PARTNERSHIP_FILE, ss.PartnershipInfo)
    path = folder / STATEMENTS_FILE
    text = _check_quarter_and_service(validate(read_csv_text(path), ss.STATEMENTS, path.name),
                                      info, path.name)
    months = quarter_months(text["quarter"], info.financial_year_start_month)
    return Partnership(info, folder, pd.concat([text, months], axis=1),
                       load_figures(folder / FIGURES_FILE, info),
                       load_targets(folder / TARGETS_FILE, info))


def _check_quarter_and_service(text: pd.DataFrame, info: ss.PartnershipInfo,
                               file: str) -> pd.DataFrame:
    fail_at(text, ~text["service"].isin(info.services), file, "service",
            "unknown service {service!r}", hint=f"use one of: {', '.join(info.services)}")
    fail_at(text, ~year_pair_ok(text["quarter"]), file, "quarter",
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


def year_pair_ok(labels: pd.Series) -> pd.Series:
    """True where a label's second year follows its first (``2014/15``, not ``2014/16``)."""
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


def load_partnership_info(name: str, data_root: Path | None = None) -> ss.PartnershipInfo:
    """Read only ``partnership.yaml`` of the partnership called ``name``.

    Raises
    ------
    UnknownContractError, InputValidationError
        No such folder, or ``partnership.yaml`` missing or invalid.
    """
    return load_yaml(dataset_dir(name, data_root) / PARTNERSHIP_FILE, ss.PartnershipInfo)
