"""``scrutiny notice``: the Procurement Act 2023 contract performance notice (UK9) as OCDS JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scrutiny.cli.output import CONTRACT_OPTION, month_option


@click.command()
@CONTRACT_OPTION
@month_option("--from", "First month of the assessment period.", required=True)
@month_option("--to", "Last month of the assessment period.", required=True)
@click.option("--ocid", required=True, metavar="OCID",
              help="The contracting process's Open Contracting ID, e.g. ocds-h6vhtk-0123ab.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the JSON here (default: print it).")
def notice(contract: str, ocid: str, output: Path | None, **months) -> None:
    """Contract performance notice (UK9) for a period, as an OCDS release package."""
    from scrutiny.core.atomic import atomic_write
    from scrutiny.insight.contract_handle import open_contract

    package = open_contract(contract).notice(months["from"], months["to"], ocid)
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write(output, text)
    click.echo(f"wrote {output}")


COMMANDS = [notice]
