"""``scrutiny projects``, ``shared-ict``, ``risks`` and ``action-plan``: the non-KPI systems."""

from __future__ import annotations

import click
import pandas as pd

from scrutiny.cli.output import FORMAT_OPTION, emit, month_option, number_text
from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load.action_plan import load_action_plan
from scrutiny.load.portfolio import load_portfolio
from scrutiny.load.shared_service import load_shared_service
from scrutiny.systems import action_plan, shared_ict
from scrutiny.systems import projects as portfolio_lib

SERVICE_OPTION = click.option("--service", required=True, metavar="NAME",
                              help="Shared service folder under data/, e.g. "
                                   "brent-lewisham-southwark.")


@click.command()
@click.option("--portfolio", required=True, metavar="NAME",
              help="Portfolio folder under data/, e.g. lincolnshire-imt.")
@month_option("--snapshot", "Only this reporting snapshot.")
@FORMAT_OPTION
def projects(portfolio: str, snapshot, fmt: str) -> None:
    """One row per project per snapshot: next milestone, baseline, forecast, slippage, RAG."""
    p = load_portfolio(portfolio)
    if snapshot is not None and snapshot not in set(p.snapshots):
        raise NoDataForPeriodError(
            f"{portfolio} has no project rows for snapshot {snapshot}; "
            f"snapshots with rows: {', '.join(map(str, p.snapshots))}")
    table = portfolio_lib.project_table(p, snapshot)
    table = table.assign(baseline=table["baseline_text"], forecast=table["forecast_text"],
                         slippage_days=number_text(table["slippage_days"], 0),
                         forecast_closure=table["forecast_closure_text"])
    columns = ["project_id", "name", "snapshot", "milestone", "baseline", "forecast",
               "slippage_days", "rag", "forecast_closure"]
    if fmt == "csv":
        columns += ["rag_word", "path_to_green"]
    emit(table[columns], fmt, f"{p.info.title} ({p.info.council}): projects by snapshot")


@click.command(name="shared-ict")
@SERVICE_OPTION
@FORMAT_OPTION
def shared_ict_command(service: str, fmt: str) -> None:
    """One row per council per month per metric: council, month, metric, value."""
    s = load_shared_service(service)
    decimals = s.performance["metric"].map(s.metrics.set_index("metric")["decimals"])
    pairs = zip(s.performance["value"], decimals, strict=True)
    values = pd.Series([f"{v:.{d}f}" for v, d in pairs], index=s.performance.index)
    table = s.performance.assign(value=values)[["council", "month", "metric", "value"]]
    emit(table, fmt, f"{s.info.title} ({', '.join(s.info.councils)}): monthly performance")


@click.command()
@SERVICE_OPTION
@FORMAT_OPTION
def risks(service: str, fmt: str) -> None:
    """The risk register with score recomputed as impact x likelihood, highest first."""
    s = load_shared_service(service)
    table = shared_ict.risk_scores(s.risks)
    columns = ["risk_id", "risk", "owner", "impact", "likelihood", "score", "computed_score",
               "score_matches"]
    emit(table[columns], fmt, f"{s.info.title}: risk register")


@click.command(name="action-plan")
@click.option("--plan", required=True, metavar="NAME",
              help="Action plan folder under data/, e.g. south-vale-capita.")
@FORMAT_OPTION
def action_plan_command(plan: str, fmt: str) -> None:
    """Milestones by quarter with stream and project; totals by stream on the table view."""
    p = load_action_plan(plan)
    table = action_plan.milestones_by_quarter(p).drop(columns=["start", "end"])
    emit(table, fmt, f"{p.info.title}: milestones by quarter")
    if fmt == "table":
        click.echo("")
        totals = action_plan.totals_by_stream(p.actions)
        for column in action_plan.MONEY_COLUMNS:
            totals[column] = number_text(totals[column])
        emit(totals, fmt, f"Budget and pressure by stream ({p.info.money_unit})")


COMMANDS = [projects, shared_ict_command, risks, action_plan_command]
