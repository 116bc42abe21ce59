"""``scrutiny ingest``: merge a supplier's monthly KPI return into a contract's returns.csv."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from scrutiny.cli.output import ACCEPT_DAMAGE_OPTION, CONTRACT_OPTION
from scrutiny.exceptions import IngestError
from scrutiny.ingest.returns import IngestResult, ingest, recover_contract
from scrutiny.load.folder import CHANGES_FILE, RECEIPTS_FILE, RETURNS_FILE, STORE_DIR

DATA_DIR_OPTION = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder holding the contract folders (default: $SCRUTINY_DATA, else the repo's data/).")


@click.command(name="ingest")
@CONTRACT_OPTION
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Correct KPI-months already stored with a different value; each correction "
                   "is logged in changes.csv.")
@click.option("--recover", "recover_only", is_flag=True,
              help="Finish or undo an ingest that was interrupted (no FILE).")
@ACCEPT_DAMAGE_OPTION
@DATA_DIR_OPTION
def ingest_command(contract: str, file: Path | None, replace: bool, recover_only: bool,
                   accept_damage: str | None, data_dir: Path | None) -> None:
    """Validate a KPI return (wide CSV or .xlsx, one column per month) and merge it.

    Nothing is written unless the whole return is valid and the merged contract still loads.
    """
    if recover_only:
        click.echo(f"{contract}: {recover_contract(contract, data_dir)}")
        return
    if file is None:
        raise IngestError("give the return to ingest: scrutiny ingest --contract NAME FILE")
    report(ingest(contract, file, replace=replace, data_root=data_dir,
                  accept_damage=accept_damage))


def report(result: IngestResult) -> None:
    """Print what an ingest changed: counts, and each new and replaced KPI-month."""
    for line in result.evidence_problems:
        click.echo(f"warning: evidence damaged, accepted (damage_log.csv): {line}", err=True)
    click.echo(f"{result.source.name} (SHA-256 {result.source_sha256[:12]}...) -> "
               f"{result.contract}/{RETURNS_FILE}")
    click.echo(f"new KPI-months: {len(result.new)}")
    for line in _lines(result.new["kpi_id"], result.new["month"],
                       result.new["value"] + result.new["footnote"]):
        click.echo(line)
    replaced = result.replaced
    click.echo(f"replaced KPI-months: {len(replaced)}")
    for line in _lines(replaced["kpi_id"], replaced["month"],
                       replaced["old_value"] + replaced["old_footnote"] + " -> "
                       + replaced["new_value"] + replaced["new_footnote"]):
        click.echo(line)
    click.echo(f"unchanged KPI-months: {len(result.unchanged)}")
    for month, kpis in result.missing.groupby("month")["kpi_id"]:
        click.echo(f"warning: {month}: not in the return: {', '.join(kpis)} (expected that "
                   "month; scored Red, data not available; nothing stored)", err=True)
    if not result.written:
        click.echo(f"nothing to write: {RETURNS_FILE} already holds this return")
        return
    click.echo(f"kept as received in {result.contract}/{STORE_DIR}/ (see {RECEIPTS_FILE})")
    if len(replaced):
        click.echo(f"corrections logged in {result.contract}/{CHANGES_FILE}")


def _lines(kpi: pd.Series, month: pd.Series, text: pd.Series) -> list[str]:
    shown = text.where(text.str.strip() != "", "(blank)")
    return list("  " + kpi + " " + month + ": " + shown)


COMMANDS = [ingest_command]
