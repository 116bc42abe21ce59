"""``scrutiny abatement``: abatement points and service credits, per service, KPI or month."""

from __future__ import annotations

import click

from scrutiny.abate.terms import NO_TERMS
from scrutiny.cli.output import (
    CONTRACT_OPTION,
    OUTPUT_OPTION,
    SHEET_FORMAT_OPTION,
    emit,
    month_option,
    number_text,
    save_workbook,
)
from scrutiny.insight.contract_handle import open_contract

KPI_OUTPUT = ["kpi_id", "service", "month", "rag", "run_length", "multiplier", "allocation",
              "base_points", "points", "basis"]
SERVICE_OUTPUT = ["service", "month", "points", "credit", "cap", "capped", "uncapped_credit"]
OUTPUT_COLUMNS = {"kpi": KPI_OUTPUT, "service": SERVICE_OUTPUT, "month": SERVICE_OUTPUT[1:]}


@click.command()
@CONTRACT_OPTION
@click.option("--by", "by", type=click.Choice(["service", "kpi", "month"]), default="service",
              show_default=True, help="service: points and credits per service-month (with ALL); "
                                      "kpi: every KPI-month with its run and multiplier; "
                                      "month: all services together.")
@month_option("--from", "First month to include.")
@month_option("--to", "Last month to include.")
@SHEET_FORMAT_OPTION
@OUTPUT_OPTION
@click.option("--without-mitigation", is_flag=True,
              help="Score Blue months as if no mitigation or glide had been granted.")
def abatement(contract: str, by: str, fmt: str, output, without_mitigation: bool,
              **months) -> None:
    """Abatement points and service credits per month since the first return."""
    c = open_contract(contract)
    if not c.has_terms:
        click.echo(f"{c.title}: {NO_TERMS}")
        return
    table = c.abatement(months["from"], months["to"], by=by,
                        without_mitigation=without_mitigation)
    terms = c.terms
    relief = " without mitigation or glides" if without_mitigation else ""
    title = (f"{c.title}: abatement points per KPI-month{relief}" if by == "kpi" else
             f"{c.title}: abatement points and service credits (GBP){relief}")
    if fmt == "xlsx":
        save_workbook(output, [table, terms.describe()], title)  # by scrutiny.report.layouts
        return
    table = table[OUTPUT_COLUMNS[by]]
    if fmt == "table":
        table = table.assign(**{col: number_text(table[col], 2) for col in
                                ("points", "credit", "cap", "uncapped_credit", "base_points")
                                if col in table})
        label = "ILLUSTRATIVE terms" if terms.illustrative else "Contract terms"
        emit(terms.describe(), fmt, f"{label} used below")
        if terms.illustrative:
            click.echo(terms.params.illustrative_note)
        click.echo()
    emit(table, fmt, title)


COMMANDS = [abatement]
