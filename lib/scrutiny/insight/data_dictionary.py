"""The data dictionary: what every column of the contract handle's tables means.

One place for the meaning of each column that :class:`~scrutiny.insight.contract_handle.
ContractHandle`'s public methods return (``scores``, ``abatement``, ``whatif``, ``runs``,
``trends``, ...). ``docs/data_dictionary.md`` is :func:`markdown` written out
(``python -m scrutiny.insight.data_dictionary > docs/data_dictionary.md``); a test checks that
every column the handle returns is here and that the file equals the generated text.
"""

from __future__ import annotations

#: Column name -> (the methods that return it, what it means, with units).
COLUMNS: dict[str, tuple[str, str]] = {
    # -- keys ---------------------------------------------------------------------------
    "kpi_id": ("most", "The KPI's code as the contract numbers it, e.g. `CSC_KPI_04`."),
    "service": ("most", "The service the KPI belongs to, e.g. `CSC`; `ALL` on the per-month "
                        "total rows of `abatement(by=\"service\")` and `counts()`."),
    "month": ("most", "The calendar month (`pandas.Period`, monthly) the row is about."),
    "description": ("scores, exceptions, ratings, abatement(by=\"kpi\")",
                    "The KPI's description from `kpis.csv`."),
    # -- the return and its scoring ------------------------------------------------------
    "value": ("scores, exceptions, kpi_history", "The number the supplier returned, in the KPI's "
              "unit; NaN where the return has no number (`status` says why)."),
    "status": ("scores, exceptions, kpi_history", "The return's status text when it has no "
               "number or a special state (e.g. `Data not available`), else empty."),
    "frequency": ("scores", "How often the KPI is measured: `M` monthly, `Q` quarterly, `A` "
                  "annually. Runs count consecutive measurements, not calendar months."),
    "unit": ("scores, exceptions", "The KPI's unit code (e.g. `percent`, `count`)."),
    "unit_label": ("scores, exceptions", "The unit as shown to readers (e.g. `%`)."),
    "comment": ("scores, exceptions", "The supplier's comment on the month's return, if any."),
    "footnote": ("scores", "A footnote of the published return for this cell, if any."),
    "tsl": ("scores, exceptions, kpi_history", "Target service level in force that month, in the "
            "KPI's unit (under a what-if with `tsl.KPI`, the what-if level)."),
    "msl": ("scores, exceptions, kpi_history", "Minimum service level in force that month, in "
            "the KPI's unit."),
    "direction": ("scores", "`higher` when a higher value is better, `lower` when lower is."),
    "rag": ("scores, exceptions, abatement(by=\"kpi\"), whatif(by=\"kpi-month\")",
            "The month's RAG: Green met TSL; Amber met MSL, missed TSL; Red missed MSL or no "
            "data; Blue relieved (mitigation, glide, not measured). Compares equal in any case."),
    "basis": ("scores, exceptions, abatement(by=\"kpi\")", "Why the month has its RAG, in words: "
              "`met TSL`, `met MSL, missed TSL`, `missed MSL`, `data not available`, "
              "`mitigation agreed`, `glide period`, `not measured`, ... (`(what-if thresholds)` "
              "is added when a what-if re-scored it)."),
    "override_reason": ("scores, exceptions, kpi_history", "Why the thresholds differ from "
                        "`kpis.csv` that month (a threshold override), if they do."),
    "glide_reason": ("scores", "The glide period that relieves the month (Blue), if any."),
    "headroom_tsl": ("scores", "The month's own margin over its TSL in the KPI's unit, signed "
                     "by direction: positive = better than target, 0 on it, negative = missed; "
                     "NaN with no number."),
    "headroom_msl": ("scores", "As `headroom_tsl`, over the MSL."),
    # -- counts and reconciliation -------------------------------------------------------
    "green": ("counts, ratings", "Number of KPI-months Green (in the service-month for "
              "`counts`, in the rating period for `ratings`)."),
    "amber": ("counts, ratings", "Number of KPI-months Amber, as `green`."),
    "red": ("counts, ratings", "Number of KPI-months Red (including those with no number), "
            "as `green`."),
    "blue": ("counts, ratings", "Number of KPI-months Blue (relieved), as `green`."),
    "total": ("counts", "Number of KPI-months counted in the service-month."),
    "source": ("reconciliation", "The published table the cell comes from."),
    "category": ("reconciliation", "Which count of the published table the cell is (a RAG, or "
                 "`all`)."),
    "published": ("reconciliation", "The count the published table states."),
    "computed": ("reconciliation", "The same count from the KPI-level results (NA when there "
                 "are none for that month)."),
    "finding": ("reconciliation", "Why the two differ, in words."),
    # -- exceptions and runs -------------------------------------------------------------
    "run_length": ("exceptions, abatement(by=\"kpi\"), kpi_history, whatif(by=\"kpi-month\")",
                   "The month's place in the current run of consecutive failing measurements "
                   "(1, 2, 3, ...); 0 when the month is not failing. In abatement Blue months "
                   "are passed over, or end the run when the terms' `blue_breaks_run` says "
                   "so; in the exceptions register a Blue month ends the run, which is the "
                   "run `runs(\"failing\")` ends in that month."),
    "reason": ("exceptions", "The recorded mitigation reason for the month, if any."),
    "reason_source": ("exceptions", "The file the reason came from (e.g. "
                      "`mitigation_reasons.csv`), NA when none."),
    "start": ("runs", "First month of the run."),
    "end": ("runs", "Last month of the run."),
    "length": ("runs", "Measurements in the run (Blue months inside it are passed over, not "
               "counted)."),
    "no_number": ("runs", "Months of the run whose return had no number (scored Red as data "
                  "not available); with `measured_only=True` always 0."),
    # -- trends ----------------------------------------------------------------------------
    "window_start": ("trends", "First month of the trend window."),
    "period": ("trends", "Last month of the trend window (the reporting month)."),
    "n_points": ("trends", "Months in the window with a number used for the trend."),
    "excluded_blue": ("trends", "Months of the window left out because they were Blue."),
    "excluded_no_data": ("trends", "Months of the window left out because they had no number."),
    "slope": ("trends", "Fitted change per month, in the KPI's unit per month."),
    "tau": ("trends", "Kendall's tau of value against month (-1..1)."),
    "p_value": ("trends", "p-value of the trend test; `classification` uses `alpha`."),
    "classification": ("trends", "`improving`, `deteriorating`, `stable` or `not enough data`."),
    "months_to_tsl": ("trends", "Months until the fitted slope would cross the TSL, if it heads "
                      "there; NaN otherwise."),
    "months_to_msl": ("trends", "As `months_to_tsl`, for the MSL."),
    "flag": ("trends", "True when the KPI is projected to miss TSL or MSL within the horizon."),
    "min_headroom_tsl": ("trends", "The smallest of the window's monthly `headroom_tsl` (KPI "
                         "unit, positive = better than target)."),
    "min_headroom_msl": ("trends", "The smallest of the window's monthly `headroom_msl`."),
    "green_throughout": ("trends", "True when every month of the window was Green."),
    "drifting": ("trends", "Green throughout, but the slope would take it below target within "
                 "the horizon."),
    # -- ratings -------------------------------------------------------------------------
    "months": ("ratings", "KPI-months held in the rating period."),
    "no_data": ("ratings", "Red months with no number (part of `red`)."),
    "scored": ("ratings", "Months that count for the rating: `months` less Blue."),
    "longest_red_run": ("ratings", "Length of the KPI's longest run of Red months in the period "
                        "(the longest of `runs(\"Red\")`)."),
    "rating": ("ratings", "The Procurement Act 2023 rating (Good, Approaching target, Requires "
               "improvement, Inadequate)."),
    "rule": ("ratings", "The words of the rule that decided the rating."),
    # -- abatement -----------------------------------------------------------------------
    "allocation": ("abatement(by=\"kpi\"), kpi_history", "The KPI's points allocation in force "
                   "that month (from the terms' points file)."),
    "base_points": ("abatement(by=\"kpi\"), kpi_history", "`allocation` times the status share: "
                    "Red 1, Amber `amber_fraction`, Green and Blue 0."),
    "multiplier": ("abatement(by=\"kpi\"), kpi_history", "The terms' multiplier for the month's "
                   "`run_length` (1 for the first failing month, ...); 0 when not failing."),
    "points": ("abatement, kpi_history, whatif", "Abatement points: `base_points * multiplier` "
               "per KPI-month; summed per service-month, month or range elsewhere."),
    "uncapped_credit": ("abatement", "Service credit before the cap, GBP: points times "
                        "`point_value_gbp`."),
    "cap": ("abatement", "The service's cap for the month, GBP: `cap_fraction` of its monthly "
            "volume (on `ALL` rows, the sum of the services' caps)."),
    "credit": ("abatement, whatif", "Service credit payable, GBP: `min(uncapped_credit, cap)` "
               "per service-month; on `ALL` rows and in totals, the sum of the services' "
               "capped credits."),
    "capped": ("abatement", "True when the cap cut the credit. On a service row: that service's "
               "credit hit its cap. On an `ALL` row: at least one service was capped that month "
               "(the caps apply per service, so `ALL` can be True while its `credit` is well "
               "under its summed `cap`)."),
    # -- what-if -------------------------------------------------------------------------
    "proposed_points": ("whatif", "`points` under the what-if settings."),
    "proposed_credit": ("whatif", "`credit` under the what-if settings, GBP after the cap."),
    "difference": ("whatif", "proposed minus current: GBP of credit for `by=\"service\"` and "
                   "`\"month\"`, points for `\"kpi\"` and `\"kpi-month\"`."),
    "proposed_rag": ("whatif(by=\"kpi-month\")", "The month's RAG under the what-if (re-scored "
                     "when `tsl.KPI`/`msl.KPI` are set)."),
    "rag_changed": ("whatif(by=\"kpi-month\")", "True when `proposed_rag` differs from `rag`."),
    "proposed_run_length": ("whatif(by=\"kpi-month\")", "`run_length` under the what-if."),
    "credit_before_cap": ("whatif(by=\"kpi-month\")", "The KPI-month's points times "
                          "`point_value_gbp`, GBP; the cap applies per service-month, not per "
                          "KPI."),
    "proposed_credit_before_cap": ("whatif(by=\"kpi-month\")",
                                   "`credit_before_cap` under the what-if terms."),
}


def markdown() -> str:
    """The dictionary as the Markdown of ``docs/data_dictionary.md``."""
    lines = ["# Data dictionary", "",
             "What each column of the tables `scrutiny.open_contract(...)` returns means, with its "
             "units. Generated from `scrutiny.insight.data_dictionary.COLUMNS` (write it with "
             "`python -m scrutiny.insight.data_dictionary > docs/data_dictionary.md`; a test "
             "checks the two agree).", "",
             "| column | returned by | meaning |", "| --- | --- | --- |"]
    for name, (where, meaning) in COLUMNS.items():
        lines.append(f"| `{name}` | {where} | {meaning.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
