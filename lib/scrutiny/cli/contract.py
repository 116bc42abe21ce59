"""A council's own contract: new-contract, override, mitigate, glide, terms, failure, status,
history and verify."""

from __future__ import annotations

from pathlib import Path

import click

from scrutiny.cli.ingest import DATA_DIR_OPTION
from scrutiny.cli.output import CONTRACT_OPTION, FORMAT_OPTION, emit, month_option
from scrutiny.config import dataset_dir
from scrutiny.core.spreadsheet import defuse
from scrutiny.exceptions import EvidenceError, MonthFormatError
from scrutiny.ingest.decisions import (
    record_failure,
    record_glide,
    record_mitigation,
    record_override,
    withdraw_mitigation,
)
from scrutiny.ingest.setup import (
    new_contract,
    parse_quarter_end_months,
    parse_services,
    parse_year_end_month,
)
from scrutiny.load.contract import load_contract
from scrutiny.load.evidence import (
    problem_lines,
    verified_returns,
    verified_words,
    verify_evidence,
)
from scrutiny.load.receipts import kpi_history
from scrutiny.render.status import status

KPI_OPTION = click.option("--kpi", required=True, metavar="ID", help="KPI code, e.g. WST_KPI_01.")
REASON_OPTION = click.option("--reason", required=True, metavar="TEXT",
                             help="Why the council agreed it, as it should appear in reports "
                                  "(at most 2,000 characters).")
BY_OPTION = click.option("--by", metavar="NAME",
                         help="Who made the decision (default: your user name).")


def _start_month(_ctx, _param, value):
    """``--start`` as YYYY-MM (the month's first day), or YYYY-MM-DD as before."""
    from datetime import date

    from scrutiny.core.months import parse_month

    if value is None:
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else (
            parse_month(text).start_time.date())
    except (ValueError, MonthFormatError):
        raise click.BadParameter(f"{value!r} is not a month; give YYYY-MM, e.g. 2026-04") \
            from None


@click.command("new-contract")
@click.argument("slug")
@click.option("--schedule", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The KPI schedule, .csv (UTF-8) or .xlsx.")
@click.option("--title", required=True, help="Contract title, as printed on reports.")
@click.option("--council", required=True, help="The council.")
@click.option("--supplier", required=True, help="The supplier.")
@click.option("--start", required=True, metavar="YYYY-MM", callback=_start_month,
              help="Service commencement month, YYYY-MM (YYYY-MM-DD also read).")
@click.option("--service", "services", multiple=True, metavar="CODE=NAME",
              help="A service, in report order (repeat); default: the schedule's codes.")
@click.option("--year-end-month", metavar="M",
              help="Last month of the contract year, 1-12, when annual KPIs are due "
                   "(default: the month before --start's month).")
@click.option("--quarter-end-months", metavar="M,M,M,M",
              help="The four months quarterly KPIs are due in, three apart "
                   "(default: 3,6,9,12).")
@DATA_DIR_OPTION
def new_contract_command(slug: str, schedule: Path, title: str, council: str, supplier: str,
                         start, services: tuple[str, ...], year_end_month: str | None,
                         quarter_end_months: str | None, data_dir: Path | None) -> None:
    """Set up data/SLUG/ from a KPI schedule; refuses an existing contract."""
    folder = new_contract(slug, schedule, title=title, council=council, supplier=supplier,
                          start=start, services=parse_services(services),
                          data_root=data_dir, year_end_month=parse_year_end_month(year_end_month),
                          quarter_end_months=parse_quarter_end_months(quarter_end_months))
    kpis = load_contract(slug, data_dir).kpis
    click.echo(f"{slug}: created {folder.parent.name}/{slug}/ with {len(kpis)} KPIs; next: "
               f"scrutiny ingest --contract {slug} RETURN.xlsx")


@click.command("override")
@CONTRACT_OPTION
@KPI_OPTION
@month_option("--from", "First month of the revised levels.", required=True)
@month_option("--to", "Last month of the revised levels (default: open-ended).")
@click.option("--tsl", type=float, help="Revised Target Service Level.")
@click.option("--msl", type=float, help="Revised Minimum Service Level.")
@REASON_OPTION
@BY_OPTION
@DATA_DIR_OPTION
def override_command(contract: str, kpi: str, tsl: float | None, msl: float | None, reason: str,
                     by: str | None, data_dir: Path | None, **months) -> None:
    """Record revised TSL/MSL for a KPI over a range of months (overrides.csv)."""
    row = record_override(contract, kpi, months["from"], months["to"], tsl=tsl, msl=msl,
                          reason=reason, by=by, data_root=data_dir)
    click.echo(f"{contract}: override recorded: {kpi} {row['from_month']}.."
               f"{row['to_month'] or 'open'} TSL {row['tsl']} MSL {row['msl']}")


@click.command("mitigate")
@CONTRACT_OPTION
@KPI_OPTION
@month_option("--from", "First month mitigated.", required=True)
@month_option("--to", "Last month mitigated (default: the --from month).")
@click.option("--withdraw", is_flag=True,
              help="Withdraw the mitigation of these months (give the reason for withdrawing).")
@REASON_OPTION
@BY_OPTION
@DATA_DIR_OPTION
def mitigate_command(contract: str, kpi: str, withdraw: bool, reason: str, by: str | None,
                     data_dir: Path | None, **months) -> None:
    """Record that the council agreed mitigation for a KPI: those months score Blue, so no
    abatement accrues (mitigation_reasons.csv, decisions.csv). --withdraw undoes it."""
    if withdraw:
        gone = withdraw_mitigation(contract, kpi, months["from"], months["to"], reason=reason,
                                   by=by, data_root=data_dir)
        click.echo(f"{contract}: mitigation withdrawn: {kpi} {', '.join(gone)}")
        return
    row = record_mitigation(contract, kpi, months["from"], months["to"], reason=reason, by=by,
                            data_root=data_dir)
    click.echo(f"{contract}: mitigation recorded: {kpi} {row['from_month']}..{row['to_month']}")


@click.command("glide")
@CONTRACT_OPTION
@KPI_OPTION
@month_option("--from", "First month of the glide period.", required=True)
@month_option("--to", "Last month of the glide period (default: the --from month).")
@REASON_OPTION
@BY_OPTION
@DATA_DIR_OPTION
def glide_command(contract: str, kpi: str, reason: str, by: str | None, data_dir: Path | None,
                  **months) -> None:
    """Record a glide period for a KPI: those months score Blue (glides.csv, decisions.csv)."""
    row = record_glide(contract, kpi, months["from"], months["to"], reason=reason, by=by,
                       data_root=data_dir)
    click.echo(f"{contract}: glide recorded: {kpi} {row['from_month']}..{row['to_month']}")


@click.command("terms")
@CONTRACT_OPTION
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Set a term (repeat): point_value_gbp, amber_fraction, cap_fraction, "
                   "multipliers=1,1.5,2, blue_breaks_run, volume.SERVICE, points.KPI_ID, "
                   "total_points, illustrative, source.")
@DATA_DIR_OPTION
def terms_command(contract: str, settings: tuple[str, ...], data_dir: Path | None) -> None:
    """Show the contract's service-credit terms; --set changes them (terms.yaml, validated)."""
    from scrutiny.abate.terms import NO_TERMS, load_terms
    from scrutiny.ingest.terms import set_terms
    from scrutiny.load.terms import has_terms

    if settings:
        set_terms(contract, list(settings), check=load_terms, data_root=data_dir)
    loaded = load_contract(contract, data_dir)
    if not has_terms(loaded):
        click.echo(f"{contract}: {NO_TERMS} Set them with: scrutiny terms --contract {contract} "
                   "--set point_value_gbp=100 --set amber_fraction=0.5 ...")
        return
    table = load_terms(loaded).describe()
    if settings:
        click.echo(f"{contract}: terms.yaml updated")
    for row in table.itertuples(index=False):
        click.echo(f"  {row.term}: {row.value} ({row.basis})")


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
    """Every value received for one KPI, month by month: file, when, which is in force.

    A value whose stored return no longer verifies (edited, swapped, its rows file changed) is
    marked in the ``receipt`` column, and every problem with the store is warned on stderr.
    """
    loaded = load_contract(contract, data_dir)
    problems = verify_evidence(loaded.folder)
    for line in problem_lines(contract, problems):
        click.echo(f"warning: evidence: {line}", err=True)
    table = kpi_history(loaded, kpi, problems)
    emit(table.map(defuse) if fmt == "csv" else table, fmt,
         f"{loaded.info.title}: every value received for {kpi}")


@click.command("verify")
@CONTRACT_OPTION
@DATA_DIR_OPTION
def verify_command(contract: str, data_dir: Path | None) -> None:
    """Check every stored return against its SHA-256 and returns.csv against the receipts.

    One line per problem (file, expected and found hash), and a non-zero exit when there is any:
    a stored return missing, edited or swapped; a file in returns/ no receipt names; receipts.csv
    or returns.csv edited; a symbolic link out of the contract folder.
    """
    count = verified_returns(dataset_dir(contract, data_dir))
    click.echo(f"{contract}: evidence verified: {verified_words(count)}")


@click.command("status")
@CONTRACT_OPTION
@DATA_DIR_OPTION
def status_command(contract: str, data_dir: Path | None) -> None:
    """One screen: months held, KPIs not returned, decisions in force, reports out of date.

    It also verifies the store of returns (as ``scrutiny verify`` does) and exits non-zero when
    it does not.
    """
    screen = status(contract, data_dir)
    for line in screen.lines():
        click.echo(line)
    if screen.problems:
        raise EvidenceError(screen.problem_message())


COMMANDS = [new_contract_command, override_command, mitigate_command, glide_command,
            terms_command, failure_command, status_command, history_command, verify_command]
