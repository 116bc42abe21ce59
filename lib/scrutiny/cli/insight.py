"""``scrutiny exceptions``, ``trends``, ``narrative``, ``ratings``: what a scrutiny board asks."""

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
    values_with_units,
)
from scrutiny.core.months import month_name
from scrutiny.insight.contract_handle import open_contract
from scrutiny.insight.narrative import paragraph
from scrutiny.insight.procurement import rating_counts
from scrutiny.insight.trends import ALPHA, HORIZON, MIN_POINTS, WINDOW

PERIOD_OPTION = month_option("--period", "Reporting month.", required=True)
TREND_OPTIONS = [
    click.option("--window", default=WINDOW, show_default=True, type=click.IntRange(min=2),
                 help="Trailing window in months, ending at --period."),
    click.option("--min-points", default=MIN_POINTS, show_default=True, type=click.IntRange(min=2),
                 help="Fewest scored months needed to judge a trend."),
    click.option("--alpha", default=ALPHA, show_default=True,
                 type=click.FloatRange(0, 1, min_open=True, max_open=True),
                 help="Significance level of Kendall's tau."),
    click.option("--horizon", default=HORIZON, show_default=True, type=click.IntRange(min=1),
                 help="Months ahead within which a projected miss raises the flag."),
]


def _trend_options(command):
    for option in reversed(TREND_OPTIONS):
        command = option(command)
    return command


@click.command()
@CONTRACT_OPTION
@PERIOD_OPTION
@SHEET_FORMAT_OPTION
@OUTPUT_OPTION
def exceptions(contract: str, period, fmt: str, output) -> None:
    """Every KPI that is not Green in a month: thresholds in force, failing run, reason."""
    c = open_contract(contract)
    table = c.exceptions(period)
    title = f"{c.title}: exceptions register, {month_name(period)}"
    if fmt == "xlsx":
        save_workbook(output, [table], title)  # laid out by scrutiny.report.layouts
        return
    columns = ["kpi_id", "service", "month", "rag", "value", "tsl", "msl", "run_length",
               "reason"]
    if fmt == "csv":  # raw numbers for programs, with the unit beside them
        table = table.assign(value=received_text(table["value"]),
                             tsl=number_text(table["tsl"]), msl=number_text(table["msl"]))
        columns += ["basis", "status", "override_reason", "reason_source", "unit", "unit_label",
                    "comment"]
    else:  # for people: each number with its unit ("97.5%", "4.5 days")
        table = table.assign(**{c: values_with_units(table[c], table["unit"], table["unit_label"])
                                for c in ("value", "tsl", "msl")})
        table["reason"] = table["reason"].fillna(table["reason_source"])
        columns.insert(4, "basis")
        if table["comment"].ne("").any():
            columns.append("comment")
    emit(table[columns], fmt, title)


@click.command()
@CONTRACT_OPTION
@PERIOD_OPTION
@_trend_options
@FORMAT_OPTION
def trends(contract: str, period, window: int, min_points: int, alpha: float, horizon: int,
           fmt: str) -> None:
    """Trend of each KPI over a trailing window, with projected months to TSL and MSL."""
    c = open_contract(contract)
    table = c.trends(period, window, min_points=min_points, alpha=alpha, horizon=horizon)
    table = table.assign(value=received_text(table["value"]), tsl=number_text(table["tsl"]),
                         msl=number_text(table["msl"]), slope=number_text(table["slope"], 3),
                         tau=number_text(table["tau"], 3),
                         p_value=number_text(table["p_value"], 4),
                         months_to_tsl=number_text(table["months_to_tsl"]),
                         months_to_msl=number_text(table["months_to_msl"]),
                         min_headroom_msl=number_text(table["min_headroom_msl"], 2),
                         min_headroom_tsl=number_text(table["min_headroom_tsl"], 2))
    columns = ["kpi_id", "service", "direction", "n_points", "excluded_blue",
               "excluded_no_data", "value", "rag", "tsl", "msl", "slope", "tau", "p_value",
               "classification", "months_to_tsl", "months_to_msl", "flag", "min_headroom_msl",
               "min_headroom_tsl", "drifting"]
    if fmt == "table":
        columns.remove("tau")
    emit(table[columns], fmt,
         f"{c.title}: trends over the {window} months to {month_name(period)} "
         f"(Kendall's tau at {alpha:g}, flag within {horizon} months)")


@click.command()
@CONTRACT_OPTION
@PERIOD_OPTION
@_trend_options
def narrative(contract: str, period, window: int, min_points: int, alpha: float,
              horizon: int) -> None:
    """Plain-English highlights for a month, as one paragraph."""
    c = open_contract(contract)
    click.echo(paragraph(c.narrative(period, window, min_points=min_points, alpha=alpha,
                                     horizon=horizon)))


@click.command()
@CONTRACT_OPTION
@month_option("--from", "First month of the assessment period.", required=True)
@month_option("--to", "Last month of the assessment period.", required=True)
@SHEET_FORMAT_OPTION
@OUTPUT_OPTION
def ratings(contract: str, fmt: str, output, **months) -> None:
    """Procurement Act 2023 rating of each KPI over a period, with the counts behind it."""
    c = open_contract(contract)
    start, end = months["from"], months["to"]
    table = c.ratings(start, end)
    span = f"{month_name(start)} to {month_name(end)}"
    if fmt == "xlsx":
        save_workbook(output, [table, rating_counts(table)],
                      f"{c.title}: Procurement Act ratings, {span}")
        return
    if fmt == "table":
        emit(rating_counts(table), fmt, f"{c.title}: Procurement Act ratings, {span}")
        click.echo()
        table = table.drop(columns="description")
    emit(table, fmt, f"{c.title}: rating of each KPI, {span}")


COMMANDS = [exceptions, trends, narrative, ratings]
