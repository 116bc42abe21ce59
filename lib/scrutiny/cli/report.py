"""``scrutiny report``: a report's sections as data (JSON or an Excel workbook), not HTML."""

from __future__ import annotations

from pathlib import Path

import click

from scrutiny.cli.output import OUTPUT_OPTION, check_output


@click.command("report")
@click.argument("params_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), default="json",
              show_default=True,
              help="json: every section's paragraphs, tables (records) and figures (alt text "
                   "and data) on stdout; xlsx: one sheet per table, in section order "
                   "(with --output FILE).")
@OUTPUT_OPTION
def report_command(params_file: Path, fmt: str, output: Path | None) -> None:
    """A report's sections as data: the tables of the committee report, without HTML."""
    from scrutiny.report import export

    if fmt == "json":
        click.echo(export.sections_json(params_file), nl=False)
        return
    if output is None:
        raise click.UsageError("--format xlsx writes a workbook: add --output FILE.xlsx")
    export.write_sections_xlsx(params_file, check_output(output))
    click.echo(f"wrote {output}")


COMMANDS = [report_command]
