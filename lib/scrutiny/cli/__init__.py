"""The ``scrutiny`` command line. Each concern registers its commands from its own module."""

from __future__ import annotations

import os
import sys

import click

from scrutiny import __version__
from scrutiny.exceptions import ScrutinyError


class _FriendlyGroup(click.Group):
    """Turns toolkit errors into one line on stderr and a non-zero exit; ``--debug`` re-raises."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ScrutinyError as err:
            if ctx.meta.get("debug"):
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as err:  # noqa: BLE001 - last resort for users, full detail under --debug
            if ctx.meta.get("debug"):
                raise
            click.echo(f"internal error: {type(err).__name__}: {err} "
                       "(run again with --debug for the traceback)", err=True)
            sys.exit(1)


@click.group(cls=_FriendlyGroup)
@click.version_option(__version__, prog_name="scrutiny")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Score supplier KPI returns and produce committee-ready scrutiny reports."""
    ctx.meta["debug"] = debug


def _register() -> None:
    from scrutiny.cli import abatement, contract, ingest, insight, render, scorecard, systems

    for module in (scorecard, abatement, insight, systems, ingest, contract, render):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
