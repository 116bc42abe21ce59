"""Printing tables for people (aligned, titled) or for programs (CSV on stdout).

Every command's terminal output passes through :func:`scrutiny.cli.terminal.printable_output`
(the command group installs it; its own module, so ``--help`` needs no pandas): stored text (a
reason, a file name) can never send a terminal escape. Control and format characters are shown
as visible escapes (:func:`scrutiny.core.text.printable`).
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from scrutiny.cli.terminal import PrintableStream, printable_output  # noqa: F401 - the layer
from scrutiny.core.rag import RagWord
from scrutiny.core.spreadsheet import defuse

FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "csv"]),
                             default="table", show_default=True,
                             help="table for people, csv for programs.")
#: ``--format`` of the commands that can also write an Excel workbook (with ``--output``).
SHEET_FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]), default="table",
    show_default=True, help="table for people, csv for programs, xlsx for a spreadsheet "
                            "(with --output FILE).")
OUTPUT_OPTION = click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                             metavar="FILE", help="Workbook to write with --format xlsx.")
CONTRACT_OPTION = click.option("--contract", required=True, metavar="NAME",
                               help="Contract folder under data/, e.g. lincolnshire-css.")

ACCEPT_DAMAGE_OPTION = click.option(
    "--accept-damage", metavar="REASON",
    help="Go on although the contract's store of returns does not verify (scrutiny verify); "
         "the reason is logged in the contract's damage_log.csv.")


def month_option(name: str, help_text: str, required: bool = False):
    """A ``--name YYYY-MM`` option parsed to a monthly period."""
    from scrutiny.core.months import parse_month

    def convert(_ctx, _param, value):
        return None if value is None else parse_month(value)

    return click.option(name, metavar="YYYY-MM", callback=convert, required=required,
                        help=help_text)


def for_output(frame: pd.DataFrame) -> pd.DataFrame:
    """Render periods as YYYY-MM and missing values as empty text."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.PeriodDtype):
            out[col] = out[col].dt.strftime("%Y-%m")
        elif out[col].dtype == object:  # RAG words print as the lower-case codes CSV has always had
            out[col] = out[col].map(lambda v: v.code if isinstance(v, RagWord) else v)
    return out


def check_output(output: Path, data_dir: Path | None = None) -> Path:
    """Refuse an output file inside the contracts' data folder(s) or over a read-only file.

    ``data_dir`` is a command's ``--data-dir``, checked besides ``SCRUTINY_DATA``/``data/``.

    Exports and notices are outputs: they never replace a contract's files or the evidence in
    its store of returns (``scrutiny.core.atomic.refuse_read_only`` covers every other writer).
    """
    from scrutiny.config import data_root
    from scrutiny.core.atomic import refuse_read_only
    from scrutiny.exceptions import ProtectedFileError

    target = Path(output).resolve()
    for root in {data_root(), *([Path(data_dir)] if data_dir is not None else [])}:
        if target.is_relative_to(root.resolve()):
            raise ProtectedFileError(f"{output}: this is inside the data folder ({root}), which "
                                     "only ingest and the decision commands change; write the "
                                     "file elsewhere, e.g. under outputs/")
    refuse_read_only(target)
    return output


def save_workbook(output: Path | None, tables: list[pd.DataFrame], title: str) -> None:
    """Write ``tables`` to the ``--output`` workbook (refused without one) and say where.

    Each table is laid out as every door lays it out (:mod:`scrutiny.report.layouts`: its
    sheet name, columns, headings), so the CLI's workbook equals ``write_workbook``'s.
    """
    if output is None:
        raise click.UsageError("--format xlsx writes a workbook: add --output FILE.xlsx")
    from scrutiny.report.excel import write_workbook
    from scrutiny.report.layouts import sheet_of

    check_output(output)
    names = [sheet_of(table)[0] for table in tables]
    write_workbook(output, tables, titles={name: title for name in names if name})
    click.echo(f"wrote {output}")


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV, every text cell defused so a spreadsheet never runs it as a formula."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object]
    safe = frame.assign(**{c: frame[c].map(defuse) for c in text_columns})
    return safe.to_csv(index=False, lineterminator="\n")


def emit(frame: pd.DataFrame, fmt: str, title: str) -> None:
    """Print ``frame`` as CSV (stdout, no index) or as a titled, aligned table."""
    out = for_output(frame)
    if fmt == "csv":
        click.echo(csv_text(out), nl=False)
        return
    click.echo(title)
    click.echo("=" * len(title))
    if out.empty:
        click.echo("(nothing to show)")
        return
    click.echo(out.astype(object).where(out.notna(), "").astype(str).to_string(index=False))


def received_text(values: pd.Series) -> pd.Series:
    """A KPI result as the supplier sent it: two decimals, more when it had more; NaN -> ''.

    97.995 shows as ``97.995``, never as the ``98.00`` it is compared as (the comparison's
    rounding is a rule of scoring, docs/assumptions.md, not of the value).
    """
    def text(v: float) -> str:
        if pd.isna(v):
            return ""
        fixed = f"{v:.2f}"
        return fixed if float(fixed) == v else repr(float(v))
    return values.map(text)


def values_with_units(values: pd.Series, units: pd.Series, labels: pd.Series) -> pd.Series:
    """Numbers shown with their KPI's unit (``core.units.format_value``); NaN -> ''."""
    from scrutiny.core.units import format_value

    return pd.Series([
        "" if pd.isna(v) else format_value(v, u, lab)
        for v, u, lab in zip(values, units, labels.fillna(""), strict=True)], index=values.index)


def number_text(values: pd.Series, decimals: int | None = None) -> pd.Series:
    """Format numbers for output: fixed decimals when given, else shortest form; NaN -> ''."""
    if decimals is None:
        return values.map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return values.map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}")

