"""A council's own contract: new-contract, mitigate, override, status and history."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from scrutiny.cli.ingest import DATA_DIR_OPTION
from scrutiny.cli.output import CONTRACT_OPTION, FORMAT_OPTION, emit, month_option
from scrutiny.core.months import month_label
from scrutiny.core.spreadsheet import defuse
from scrutiny.exceptions import IngestError
from scrutiny.ingest.decisions import (
    REASONS_FILE,
    record_failure,
    record_mitigation,
    record_override,
)
from scrutiny.ingest.setup import new_contract, parse_services
from scrutiny.ingest.store import load_receipts, received_values
from scrutiny.load.completeness import DueMonths, missing_kpi_months
from scrutiny.load.contract import load_contract
from scrutiny.load.tables import read_csv_text
from scrutiny.render.batch import plan
from scrutiny.render.freshness import stale_reason
from scrutiny.render.monthly import with_default_months
from scrutiny.report.params import find_params, params_root

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
    """Every value received for one KPI, month by month: file, when, which is in force.

    The ``comment`` column shows the supplier's commentary sent with each value.
    """
    loaded = load_contract(contract, data_dir)
    if kpi not in set(loaded.kpis["kpi_id"]):
        raise IngestError(f"{contract}: unknown KPI {kpi!r}; the contract's KPIs are "
                          f"{', '.join(loaded.kpis['kpi_id'])}")
    values = received_values(loaded.folder)
    values = values[values["kpi_id"] == kpi]
    in_force = ~values.duplicated("month", keep="last")
    table = pd.DataFrame({
        "month": values["month"], "value": values["value"] + values["footnote"],
        "received_at": values["received_at"], "file": values["source_name"],
        "stored_as": values["stored_file"], "in_force": in_force.map({True: "yes", False: ""}),
        "comment": values["comment"],
    }).sort_values(["month", "received_at"], kind="stable")
    if fmt == "csv":
        table = table.map(defuse)
    emit(table, fmt, f"{loaded.info.title}: every value received for {kpi}")


@click.command("status")
@CONTRACT_OPTION
@DATA_DIR_OPTION
def status_command(contract: str, data_dir: Path | None) -> None:
    """One screen: months held, KPIs not returned, decisions in force, reports out of date."""
    for line in status_lines(contract, data_dir):
        click.echo(line)


def status_lines(name: str, data_root: Path | None = None) -> list[str]:
    """The ``scrutiny status`` screen as lines of text."""
    c = load_contract(name, data_root)
    months = c.months
    lines = [f"{c.info.title} ({name}): {c.info.council} / {c.info.supplier}",
             f"Months held: {_span(months)}"]
    receipts = load_receipts(c.folder)
    if len(receipts):
        last = receipts.iloc[-1]
        lines.append(f"Returns kept as received: {len(receipts)} (latest {last['source_name']}, "
                     f"{last['received_at']})")
    missing = missing_kpi_months(c.kpis, c.returns, months, DueMonths.of(c.info))
    lines.append("Expected but not in the return (scored Red, data not available):")
    by_month = missing.groupby("month")["kpi_id"].agg(", ".join)
    lines += [f"  {month_label(m)}: {kpis}" for m, kpis in by_month.items()] or ["  none"]
    latest = months.max() if len(months) else None
    lines.append("Overrides" + (f" (in force in {month_label(latest)} marked *)" if latest else "")
                 + ":")
    lines += _ranges(c.overrides, latest, lambda r: f"TSL {r.tsl:g} MSL {r.msl:g}: {r.reason}")
    lines.append("Mitigations recorded:")
    reasons_path = c.folder / REASONS_FILE
    reasons = read_csv_text(reasons_path) if reasons_path.exists() else pd.DataFrame(
        columns=["kpi_id", "from_month", "to_month", "reason"])
    reasons = reasons.assign(from_month=pd.PeriodIndex(reasons["from_month"], freq="M"),
                             to_month=pd.PeriodIndex(reasons["to_month"], freq="M"))
    lines += _ranges(reasons, latest, lambda r: r.reason)
    lines.append("Period reports (outputs/" + name + "/<month>/period_report.html):")
    lines += _report_lines(c, months)
    return lines


def _span(months: pd.PeriodIndex) -> str:
    if not len(months):
        return "none yet (ingest the first return)"
    return (f"{month_label(months.min())} to {month_label(months.max())} ({len(months)} "
            f"month{'s' if len(months) > 1 else ''}: {', '.join(map(month_label, months))})")


def _ranges(frame: pd.DataFrame, latest, describe) -> list[str]:
    lines = []
    for row in frame.itertuples(index=False):
        mark = "*" if latest is not None and row.from_month <= latest <= row.to_month else " "
        lines.append(f" {mark}{row.kpi_id} {month_label(row.from_month)}.."
                     f"{month_label(row.to_month)}: {describe(row)}")
    return lines or ["  none"]


def _report_lines(c, months: pd.PeriodIndex) -> list[str]:
    """Each month's period report: up to date, out of date (and why), or not rendered."""
    own = params_root() / c.name  # a parameters file only changes knobs
    jobs = with_default_months(plan(find_params(own)) if own.is_dir() else [], [c.name])
    lines = []
    for job in jobs:
        if job.stem.name != "period_report":
            continue
        reason = stale_reason(job)
        state = ("up to date" if reason is None else "not rendered" if reason ==
                 "not rendered yet" else f"out of date ({reason})")
        lines.append(f"  {job.stem.parent.name}: {state}")
    if any("up to date" not in line for line in lines):
        lines.append(f"  (render: scrutiny render --contract {c.name} --period YYYY-MM, "
                     "or --latest)")
    return lines or ["  none (no month held yet)"]


COMMANDS = [new_contract_command, override_command, mitigate_command, failure_command,
            status_command, history_command]
