"""``scrutiny render``: execute report notebooks from parameters files into committee HTML."""

from __future__ import annotations

import time
from pathlib import Path

import click

from scrutiny.exceptions import RenderError


@click.command("render")
@click.argument("params_files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "render_all", is_flag=True,
              help="Render every parameters file under params/.")
@click.option("--period", metavar="YYYY-MM", help="Only reports for this period.")
@click.option("--contract", metavar="NAME",
              help="The period report of this contract for --period or --latest (a parameters "
                   "file for that month is used if there is one, else the defaults).")
@click.option("--latest", is_flag=True, help="With --contract: its latest month held.")
@click.option("--year", type=int, metavar="YYYY",
              help="With --contract: its year-end review of the contract year that starts in "
                   "YYYY (2025: April 2025 to March 2026 for a March year end).")
@click.option("--council", metavar="NAME",
              help="Only reports for this contract/council (its outputs folder or params folder).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Reports rendered in parallel.")
@click.option("--kernel", metavar="NAME",
              help="Jupyter kernel to use; default: the kernel of this Python.")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Progress bar on stderr.")
@click.option("--pdf", is_flag=True,
              help="Also write each report as <report>.pdf beside its HTML (A4, printed by "
                   "Chromium: apt-get install chromium).")
@click.option("--force", is_flag=True,
              help="Render every selected report, even those already up to date.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="Where reports run: local worker processes, or a Dask cluster "
                   "(pip install 'contract-scrutiny[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler to use with --executor dask; default: a local cluster.")
@click.option("--accept-damage", metavar="REASON",
              help="Render although a contract's store of returns does not verify (scrutiny "
                   "verify); the reason is logged in its damage_log.csv.")
def render_command(params_files: tuple[Path, ...], render_all: bool, period: str | None,
                   contract: str | None, latest: bool, year: int | None, council: str | None,
                   jobs: int, kernel: str | None, progress: bool, pdf: bool, force: bool,
                   executor: str, scheduler: str | None, accept_damage: str | None) -> None:
    """Render reports: each PARAMS_FILE, one contract's month (--contract with --period or
    --latest), or everything (--all: every parameters file and every month of every contract).

    A month with no parameters file uses the report kind's defaults. A report is rendered only
    when out of date: its parameters, notebook, input files or the toolkit changed since its
    HTML was written (--force renders anyway).
    """
    from scrutiny.render.warm import shared_template

    # The local workers' kernel template starts first: its imports overlap the planning below.
    with shared_template(enabled=executor == "local" and kernel is None):
        from scrutiny.exceptions import SelectionError
        from scrutiny.render.select import select

        try:
            selected = select(params_files, render_all=render_all, period=period,
                              contract=contract, latest=latest, council=council,
                              executor=executor, scheduler=scheduler, year=year)
        except SelectionError as err:  # the options themselves: click's usage message
            raise click.UsageError(str(err)) from None
        _run(selected, jobs=jobs, kernel=kernel, progress=progress, force=force,
             executor=executor, scheduler=scheduler, pdf=pdf, accept_damage=accept_damage)


def _run(selected, *, jobs: int, kernel: str | None, progress: bool, force: bool, executor: str,
         scheduler: str | None, pdf: bool, accept_damage: str | None) -> None:
    from scrutiny.ingest.damage import require_evidence_of
    from scrutiny.render.batch import render, summary_lines

    for line in require_evidence_of((job.parameters.get("contract") for job in selected),
                                    command="render", accept_damage=accept_damage):
        click.echo(f"warning: evidence damaged, accepted (damage_log.csv): {line}", err=True)
    started = time.perf_counter()
    results = render(selected, workers=jobs, kernel=kernel, progress=progress, force=force,
                     executor=executor, scheduler=scheduler, pdf=pdf)
    for line in summary_lines(results, time.perf_counter() - started):
        click.echo(line)
    failed = sum(not r.ok for r in results)
    if failed:
        raise RenderError(f"{failed} of {len(results)} reports failed (each line above says "
                          "why, and what was not written); a report that failed is rendered "
                          "again next time and its failed notebook is kept for diagnosis")


COMMANDS = [render_command]
