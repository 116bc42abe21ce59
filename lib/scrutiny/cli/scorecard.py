"""``scrutiny summary``, ``scores`` and ``reconcile``: the KPI scorecard of a contract."""

from __future__ import annotations

import click

from scrutiny.cli.output import (
    CONTRACT_OPTION,
    FORMAT_OPTION,
    OUTPUT_OPTION,
    SHEET_FORMAT_OPTION,
    emit,
    month_option,
    number_text,
    received_text,
    save_workbook,
)
from scrutiny.score.cache import cached_scores
from scrutiny.score.scoring import summary_counts


@click.command()
@CONTRACT_OPTION
@month_option("--from", "First month to include.")
@month_option("--to", "Last month to include.")
@FORMAT_OPTION
def summary(contract: str, fmt: str, **months) -> None:
    """RAG counts per service and month, plus all services (ALL).

    A store of returns that no longer verifies (``scrutiny verify``) is warned about on stderr:
    the counts are then only as good as the files they were made from.
    """
    from scrutiny.config import dataset_dir
    from scrutiny.load.evidence import problem_lines, verify_evidence

    info, scored = cached_scores(contract)
    table = summary_counts(scored, list(info["services"]), start=months["from"],
                           end=months["to"])
    for line in problem_lines(contract, verify_evidence(dataset_dir(contract))):
        click.echo(f"warning: evidence: {line}", err=True)
    emit(table, fmt, f"{info['title']}: KPIs by RAG status per service and month")


@click.command()
@CONTRACT_OPTION
@month_option("--from", "First month to include.")
@month_option("--to", "Last month to include.")
@SHEET_FORMAT_OPTION
@OUTPUT_OPTION
def scores(contract: str, fmt: str, output, **months) -> None:
    """One row per KPI-month: value, the return's status word, RAG and thresholds in force."""
    from scrutiny.insight.contract_handle import open_contract  # not for summary: abatement

    c = open_contract(contract)
    table = c.scores(months["from"], months["to"])
    title = f"{c.title}: KPI scores"
    if fmt == "xlsx":
        save_workbook(output, [table], title)  # laid out by scrutiny.report.layouts
        return
    table = table.assign(value=received_text(table["value"]), tsl=number_text(table["tsl"]),
                         msl=number_text(table["msl"]))
    columns = ["kpi_id", "service", "month", "value", "status", "rag", "tsl", "msl", "direction",
               "basis"]
    if fmt == "csv":
        columns.append("override_reason")
    else:
        # basis is categorical: build the text per row rather than adding a str to the column
        basis = table["basis"].astype(object)
        revised = table["override_reason"].notna()
        table["basis"] = basis.where(~revised, basis.map(lambda b: f"{b} (revised thresholds)"))
    emit(table[columns], fmt, title)


@click.command()
@CONTRACT_OPTION
@FORMAT_OPTION
def reconcile(contract: str, fmt: str) -> None:
    """Published summary cells that the KPI-level results do not reproduce."""
    from scrutiny.insight.contract_handle import open_contract  # not for summary: abatement

    c = open_contract(contract)
    emit(c.reconciliation(), fmt, f"{c.title}: published summaries against KPI-level results")


COMMANDS = [summary, scores, reconcile]
