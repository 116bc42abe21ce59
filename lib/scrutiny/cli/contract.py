"""A council's own contract: new-contract, mitigate, override, status and history."""

from __future__ import annotations

from pathlib import Path

import click

from scrutiny.cli.ingest import DATA_DIR_OPTION
from scrutiny.cli.output import CONTRACT_OPTION, FORMAT_OPTION, emit, month_option
from scrutiny.core.spreadsheet import defuse
from scrutiny.ingest.decisions import record_failure, record_mitigation, record_override
from scrutiny.ingest.setup import new_contract, parse_services
from scrutiny.load.contract import load_contract
from scrutiny.load.receipts import kpi_history
from scrutiny.render.status import status

KPI_OPTION = click.option("--kpi", required=True, metavar="ID", help="KPI code, e.g. WST_KPI_01.")
REASON_OPTION = click.option("--reason", required=True, metavar="TEXT",
                             help="Why the council agreed it, as it should appear in reports.")


@click.command("new-contract")
@click.argument("slug")
@click.option("--schedule", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The KPI schedule, .csv (UTF-8) or .xlsx.")
@click.option("--title", required=True, help="Contract title, as printed on reports.")
@click.option("--council", required=True, help="The council.")
@click.option("--supplier", required=True, help="The supplier.")
@click.option("--start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Service commencement, YYYY-MM-DD.")
@click.option("--service", "services", multiple=True, metavar="CODE=NAME",
              help="A service, in report order (repeat); default: the schedule's codes.")
@DATA_DIR_OPTION
def new_contract_command(slug: str, schedule: Path, title: str, council: str, supplier: str,
                         start, services: tuple[str, ...], data_dir: Path | None) -> None:
    """Set up data/SLUG/ from a KPI schedule; refuses an existing contract."""
    folder = new_contract(slug, schedule, title=title, council=council, supplier=supplier,
                          start=start.date(), services=parse_services(services),
                          data_root=data_dir)
    kpis = load_contract(slug, data_dir).kpis
    click.echo(f"{slug}: created {folder.parent.name}/{slug}/ with {len(kpis)} KPIs; next: "
               f"scrutiny ingest --contract {slug} RETURN.xlsx")


@click.command("override")
@CONTRACT_OPTION
@KPI_OPTION
@month_option("--from", "First month of the revised levels.", required=True)
@month_option("--to", "Last month of the revised levels.", required=True)
@click.option("--tsl", type=float, help="Revised Target Service Level.")
@click.option("--msl", type=float, help="Revised Minimum Service Level.")
@REASON_OPTION
@DATA_DIR_OPTION
def override_command(contract: str, kpi: str, tsl: float | None, msl: float | None, reason: str,
                     data_dir: Path | None, **months) -> None:
    """Record revised TSL/MSL for a KPI over a range of months (overrides.csv)."""
    row = record_override(contract, kpi, months["from"], months["to"], tsl=tsl, msl=msl,
                          reason=reason, data_root=data_dir)
    click.echo(f"{contract}: override recorded: {kpi} {row['from_month']}..{row['to_month']} "
               f"TSL {row['tsl']} MSL {row['msl']}")


@click.command("mitigate")
@CONTRACT_OPTION
@KPI_OPTION
@month_option("--from", "First month mitigated.", required=True)
@month_option("--to", "Last month mitigated (default: the --from month).")
@REASON_OPTION
@DATA_DIR_OPTION
def mitigate_command(contract: str, kpi: str, reason: str, data_dir: Path | None,
                     **months) -> None:
    """Record the reason the council agreed mitigation for a KPI (mitigation_reasons.csv)."""
    row = record_mitigation(contract, kpi, months["from"], months["to"], reason=reason,
                            data_root=data_dir)
    click.echo(f"{contract}: mitigation recorded: {kpi} {row['from_month']}..{row['to_month']}")


@click.command("failure")
@CONTRACT_OPTION
@KPI_OPTION
@click.option("--decided", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Date of the council's decision, YYYY-MM-DD.")
@click.option("--kind", required=True, type=click.Choice(["failed-to-improve", "breach"]),
              help="failed-to-improve: section 71(5)(a); breach: a breach that led to "
                   "termination, damages or a settlement, section 71(5)(b).")
@click.option("--reason", required=True, metavar="TEXT",
              help="What the council decided and why, as the notice should state it.")
@DATA_DIR_OPTION
def failure_command(contract: str, kpi: str, decided, kind: str, reason: str,
                    data_dir: Path | None) -> None:
    """Record a section 71(5) performance failure decision (failure_decisions.csv)."""
    row = record_failure(contract, kpi, decided.date(), kind, reason=reason, data_root=data_dir)
    click.echo(f"{contract}: failure decision recorded: {kpi} {row['kind']} decided "
               f"{row['decided']}")


@click.command("history")
@CONTRACT_OPTION
@KPI_OPTION
@FORMAT_OPTION
@DATA_DIR_OPTION
def history_command(contract: str, kpi: str, fmt: str, data_dir: Path | None) -> None:
    """Every value received for one KPI, month by month: file, when, which is in force."""
    loaded = load_contract(contract, data_dir)
    table = kpi_history(loaded, kpi)
    emit(table.map(defuse) if fmt == "csv" else table, fmt,
         f"{loaded.info.title}: every value received for {kpi}")


@click.command("status")
@CONTRACT_OPTION
@DATA_DIR_OPTION
def status_command(contract: str, data_dir: Path | None) -> None:
    """One screen: months held, KPIs not returned, decisions in force, reports out of date."""
    for line in status(contract, data_dir).lines():
        click.echo(line)


COMMANDS = [new_contract_command, override_command, mitigate_command, failure_command,
            status_command, history_command]
