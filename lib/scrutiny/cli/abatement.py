"""``scrutiny abatement``: abatement points and service credits, per service or per KPI."""

from __future__ import annotations

import click

from scrutiny.abate.abatement import contract_abatement
from scrutiny.abate.terms import NO_TERMS, has_terms, load_terms
from scrutiny.cli.output import CONTRACT_OPTION, FORMAT_OPTION, emit, number_text
from scrutiny.load.contract import load_contract

KPI_OUTPUT = ["kpi_id", "service", "month", "rag", "run_length", "multiplier", "allocation",
              "base_points", "points", "basis"]
SERVICE_OUTPUT = ["service", "month", "points", "credit", "cap", "capped", "uncapped_credit"]


@click.command()
@CONTRACT_OPTION
@click.option("--by", "by", type=click.Choice(["service", "kpi"]), default="service",
              show_default=True, help="service: points and credits per service-month (with ALL); "
                                      "kpi: every KPI-month with its run and multiplier.")
@FORMAT_OPTION
@click.option("--without-mitigation", is_flag=True,
              help="Score Blue months as if no mitigation or glide had been granted.")
def abatement(contract: str, by: str, fmt: str, without_mitigation: bool) -> None:
    """Abatement points and service credits per month since the first return."""
    c = load_contract(contract)
    if not has_terms(c):
        click.echo(f"{c.info.title}: {NO_TERMS}")
        return
    terms = load_terms(c)
    result = contract_abatement(c, terms, without_mitigation=without_mitigation)
    relief = " without mitigation or glides" if without_mitigation else ""
    if by == "kpi":
        table = result.kpi_months[KPI_OUTPUT]
        title = f"{c.info.title}: abatement points per KPI-month{relief}"
    else:
        table = result.service_months[SERVICE_OUTPUT]
        title = f"{c.info.title}: abatement points and service credits (GBP){relief}"
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
