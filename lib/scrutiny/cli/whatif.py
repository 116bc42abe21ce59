"""``scrutiny whatif``: what the supplier would have paid under other contract terms."""

from __future__ import annotations

from pathlib import Path

import click

from scrutiny.cli.output import CONTRACT_OPTION, FORMAT_OPTION, emit, month_option, number_text
from scrutiny.core.months import month_name
from scrutiny.insight.contract_handle import open_contract


@click.command()
@CONTRACT_OPTION
@month_option("--from", "First month to total (default: the first held).")
@month_option("--to", "Last month to total (default: the last held).")
@click.option("--set", "pairs", multiple=True, metavar="NAME=VALUE",
              help="A term to change, e.g. amber_fraction=1.0, blue_breaks_run=false, "
                   "multipliers=1,2,3, volume.ICT=250000, points.CSS01=4, tsl.CSS01=95, "
                   "msl.CSS01=90. Repeat for several.")
@click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.yaml",
              help="A scenario file: name, reason and set: {NAME: VALUE}; --set adds to it.")
@click.option("--by", "by", type=click.Choice(["service", "kpi", "month", "kpi-month"]),
              default="service", show_default=True,
              help="service: a row per service plus ALL; kpi: points per KPI; month: a row "
                   "per month, all services; kpi-month: each KPI-month re-scored (RAG, run "
                   "length, points today and proposed).")
@FORMAT_OPTION
def whatif(contract: str, pairs: tuple[str, ...], scenario: Path | None, by: str, fmt: str,
           **months) -> None:
    """Points and service credits under changed terms, beside the contract's own."""
    from scrutiny.abate.whatif import load_scenario, parse_settings

    c = open_contract(contract)
    settings, name = {}, "what-if"
    if scenario is not None:
        loaded = load_scenario(scenario)
        settings, name = dict(loaded.settings), loaded.name
    settings.update(parse_settings(pairs))
    plan = c.plan_whatif(settings)
    start, end = c.held_range(months["from"], months["to"])
    table = c.whatif(start, end, by=by, settings=settings)
    if fmt == "table":
        money = [col for col in table.select_dtypes("number").columns
                 if col not in ("run_length", "proposed_run_length")]
        table = table.assign(**{col: number_text(table[col], 2) for col in money})
        changes = ", ".join(f"{k}={v}" for k, v in settings.items()) or "no changes"
        title = (f"{c.title}: {name} ({changes}), {month_name(start)} to {month_name(end)}"
                 + (" - points (credits are capped per service-month)" if by.startswith("kpi")
                    else " - credits in GBP after the cap"))
        emit(table, fmt, title)
        if c.terms.illustrative:
            click.echo(c.terms.params.illustrative_note)
        for note in plan.notes:
            click.echo(note)
        return
    for note in plan.notes:
        click.echo(note, err=True)
    emit(table, fmt, "")


COMMANDS = [whatif]
