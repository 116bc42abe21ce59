"""The ``scrutiny`` command line. Each concern keeps its commands in its own module.

Commands are imported only when invoked (:data:`COMMANDS`): ``scrutiny summary`` never imports
the renderer, and ``scrutiny --help`` imports no command at all. A new command goes in its
module's ``COMMANDS`` list and in :data:`COMMANDS` here, with the first sentence of its help
(a test checks the two agree).

Layer ``cli``, the last: may import every layer; nothing imports it.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys

import click
from click.formatting import HelpFormatter

from scrutiny.exceptions import ScrutinyError

#: Command name -> ("module:attribute", first sentence of its help, as ``--help`` lists it).
COMMANDS: dict[str, tuple[str, str]] = {
    "abatement": ("scrutiny.cli.abatement:abatement",
                  "Abatement points and service credits per month since the first return."),
    "action-plan": ("scrutiny.cli.systems:action_plan_command",
                    "Milestones by quarter with stream and project; totals by stream on the "
                    "table view."),
    "exceptions": ("scrutiny.cli.insight:exceptions",
                   "Every KPI that is not Green in a month: thresholds in force, failing run, "
                   "reason."),
    "failure": ("scrutiny.cli.contract:failure_command",
                "Record a section 71(5) performance failure decision (failure_decisions.csv)."),
    "glide": ("scrutiny.cli.contract:glide_command",
              "Record a glide period for a KPI: those months score Blue (glides.csv, "
              "decisions.csv)."),
    "history": ("scrutiny.cli.contract:history_command",
                "Every value received for one KPI, month by month: file, when, which is in "
                "force."),
    "ingest": ("scrutiny.cli.ingest:ingest_command",
               "Validate a KPI return (wide CSV or .xlsx, one column per month) and merge it."),
    "kernel": ("scrutiny.cli.kernel:kernel",
               "Register the \"Python (scrutiny)\" Jupyter kernel and the notebooks' git filter."),
    "mitigate": ("scrutiny.cli.contract:mitigate_command",
                 "Record that the council agreed mitigation for a KPI: those months score Blue, so "
                 "no abatement accrues (mitigation_reasons.csv, decisions.csv)."),
    "narrative": ("scrutiny.cli.insight:narrative",
                  "Plain-English highlights for a month, as one paragraph."),
    "new-contract": ("scrutiny.cli.contract:new_contract_command",
                     "Set up data/SLUG/ from a KPI schedule; refuses an existing contract."),
    "notice": ("scrutiny.cli.notice:notice",
               "Contract performance notice (UK9) for a period, as an OCDS release package."),
    "override": ("scrutiny.cli.contract:override_command",
                 "Record revised TSL/MSL for a KPI over a range of months (overrides.csv)."),
    "projects": ("scrutiny.cli.systems:projects",
                 "One row per project per snapshot: next milestone, baseline, forecast, "
                 "slippage, RAG."),
    "ratings": ("scrutiny.cli.insight:ratings",
                "Procurement Act 2023 rating of each KPI over a period, with the counts behind "
                "it."),
    "reconcile": ("scrutiny.cli.scorecard:reconcile",
                  "Published summary cells that the KPI-level results do not reproduce."),
    "render": ("scrutiny.cli.render:render_command",
               "Render reports: each PARAMS_FILE, one contract's month (--contract with --period "
               "or --latest), or everything (--all: every parameters file and every month of "
               "every contract)."),
    "report": ("scrutiny.cli.report:report_command",
               "A report's sections as data: the tables of the committee report, without HTML."),
    "risks": ("scrutiny.cli.systems:risks",
              "The risk register with score recomputed as impact x likelihood, highest first."),
    "scores": ("scrutiny.cli.scorecard:scores",
               "One row per KPI-month: value, the return's status word, RAG and thresholds in "
               "force."),
    "shared-ict": ("scrutiny.cli.systems:shared_ict_command",
                   "One row per council per month per metric: council, month, metric, value."),
    "status": ("scrutiny.cli.contract:status_command",
               "One screen: months held, KPIs not returned, decisions in force, reports out of "
               "date."),
    "summary": ("scrutiny.cli.scorecard:summary",
                "RAG counts per service and month, plus all services (ALL)."),
    "terms": ("scrutiny.cli.contract:terms_command",
              "Show the contract's service-credit terms; --set changes them (terms.yaml, "
              "validated)."),
    "trends": ("scrutiny.cli.insight:trends",
               "Trend of each KPI over a trailing window, with projected months to TSL and "
               "MSL."),
    "verify": ("scrutiny.cli.contract:verify_command",
               "Check every stored return against its SHA-256 and returns.csv against the "
               "receipts."),
    "whatif": ("scrutiny.cli.whatif:whatif",
               "Points and service credits under changed terms, beside the contract's own."),
}


class LazyGroup(click.Group):
    """A group whose subcommands (:data:`COMMANDS`) are imported when invoked, not at start-up.

    ``--help`` lists them from the stored first sentences, shortened exactly as click shortens
    a command's own help, so the listing is the same as with eagerly imported commands.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands or name not in COMMANDS:
            return super().get_command(ctx, name)
        module, attribute = COMMANDS[name][0].split(":")
        command = getattr(importlib.import_module(module), attribute)
        self.add_command(command, name)
        return command

    def format_commands(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, self._short_help(ctx, name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, ctx: click.Context, name: str, limit: int) -> str:
        if name in COMMANDS and name not in self.commands:
            # A stand-in command shortens the stored help exactly as the real one would.
            return click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
        return self.get_command(ctx, name).get_short_help_str(limit)


#: errno -> what the disk said and how to fix it. Every writer is atomic (a temporary file
#: renamed into place), so a refusal leaves earlier data and reports as they were.
DISK_REFUSALS = {
    errno.EACCES: ("permission denied", "make the folder writable by you"),
    errno.EPERM: ("permission denied", "make the folder writable by you"),
    errno.EROFS: ("the disk is read-only", "write to a writable folder"),
    errno.ENOSPC: ("the disk is full", "free some space"),
    errno.EDQUOT: ("the disk quota is used up", "free some space"),
}


def disk_refusal(err: OSError) -> str:
    """One line for an OSError the disk gave: where, what, how to fix, and that nothing was lost."""
    if err.errno not in DISK_REFUSALS:  # e.g. a path through a file: say what the system said
        where = f"cannot use {err.filename}" if err.filename else "a file operation failed"
        return (f"{where}: {err.strerror or err}; check the paths given and SCRUTINY_OUTPUTS / "
                "SCRUTINY_DATA. Nothing was half-written: earlier files are as they were")
    what, fix = DISK_REFUSALS[err.errno]
    where = f"cannot write {err.filename}" if err.filename else "cannot write"
    return (f"{where}: {what}; {fix} (or set SCRUTINY_OUTPUTS / SCRUTINY_DATA to another "
            "folder) and run again. Nothing was half-written: earlier files are as they were")


class _FriendlyGroup(LazyGroup):
    """Turns toolkit errors into one line on stderr and a non-zero exit; ``--debug`` re-raises."""

    def invoke(self, ctx: click.Context):
        from scrutiny.cli.terminal import printable_output

        with printable_output():  # no stored text may send a terminal escape (core.text)
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context):
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
        except OSError as err:
            if ctx.meta.get("debug"):
                raise
            click.echo(f"error: {disk_refusal(err)}", err=True)
            sys.exit(3)
        except Exception as err:  # noqa: BLE001 - last resort for users, full detail under --debug
            if ctx.meta.get("debug"):
                raise
            click.echo(f"internal error: {type(err).__name__}: {err} "
                       "(run again with --debug for the traceback)", err=True)
            sys.exit(1)


@click.group(cls=_FriendlyGroup)
@click.version_option(package_name="contract-scrutiny", prog_name="scrutiny")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Score supplier KPI returns and produce committee-ready scrutiny reports."""
    ctx.meta["debug"] = debug
