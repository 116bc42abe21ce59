"""``scrutiny notice``: the Procurement Act 2023 contract performance notice (UK9) as OCDS JSON,
and the filing sheet a contract manager copies into Find a Tender's form."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scrutiny.cli.ingest import DATA_DIR_OPTION
from scrutiny.cli.output import CONTRACT_OPTION, check_output, month_option


@click.command()
@CONTRACT_OPTION
@month_option("--from", "First month of the assessment period (or give --year).")
@month_option("--to", "Last month of the assessment period (or give --year).")
@click.option("--year", type=int, metavar="YYYY",
              help="The contract year that starts in YYYY (2025: April 2025 to March 2026 for a "
                   "March year end; contract.yaml year_end_month), over its months held.")
@click.option("--ocid", metavar="OCID",
              help="The contracting process's Open Contracting ID, e.g. ocds-h6vhtk-0123ab "
                   "(default: contract.yaml's ocid).")
@click.option("--draft", is_flag=True,
              help="Build a notice marked DRAFT even when contract.yaml lacks identifiers, "
                   "addresses or emails a notice needs.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the JSON here (default: print it).")
@click.option("--sheet", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the filing sheet for Find a Tender's form, FILE.html or "
                   "FILE.xlsx.")
@DATA_DIR_OPTION
def notice(contract: str, ocid: str | None, draft: bool, output: Path | None,
           sheet: Path | None, data_dir: Path | None, year: int | None, **months) -> None:
    """Contract performance notice (UK9) for a period, as an OCDS release package."""
    from scrutiny.core.atomic import atomic_write
    from scrutiny.exceptions import NoticeError
    from scrutiny.insight.contract_handle import open_contract

    if sheet is not None and sheet.suffix.lower() not in (".html", ".xlsx"):
        raise NoticeError(f"--sheet {sheet}: name the filing sheet FILE.html or FILE.xlsx")
    for target in (output, sheet):  # before any work: never over evidence or into data/
        if target is not None:
            check_output(target, data_dir)
    handle = open_contract(contract, data_dir)
    start, end = _period(handle, year, months["from"], months["to"])
    package = handle.notice(start, end, ocid, draft=draft)
    if sheet is not None:
        from scrutiny.report.notice_sheet import write_sheet

        write_sheet(package, sheet)
        click.echo(f"wrote {sheet}", err=output is None)
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write(output, text)
    click.echo(f"wrote {output}")


def _period(handle, year, start, end):
    """The assessment period: ``--from``/``--to``, or the months held in contract year ``--year``.
    """
    if year is None:
        if start is None or end is None:
            raise click.UsageError("give --from YYYY-MM and --to YYYY-MM, or --year YYYY")
        return start, end
    if start is not None or end is not None:
        raise click.UsageError("give --year or --from/--to, not both")
    from scrutiny.insight.contract_year import year_of_contract

    held = year_of_contract(handle.contract, year)
    return held.first_held, held.last_held


COMMANDS = [notice]
