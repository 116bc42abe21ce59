"""Shared ICT services: one monthly performance pack for several councils, compared across councils
and over months, with the service's risk register.

Layout of ``data/<service>/``::

    service.yaml        councils, components of total calls, risk scale
    metrics.csv         metric, label, unit, direction (higher|lower|neutral), decimals,
                        per_employee_of (the count a per-employee ratio divides)
    performance.csv     long form: council, month, metric, value
    risks.csv           risk register: impact, likelihood, published score, owner, mitigation
    objectives.csv      delivery-plan objectives and their status (optional)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.exceptions import NoDataForPeriodError
from scrutiny.load.shared_service import SharedService


def known_council(service: SharedService, council: str) -> str:
    """Return the council's name as the data spell it (matched ignoring case).

    Raises
    ------
    NoDataForPeriodError
        For a council the service does not have, naming the ones it has.
    """
    names = {c.lower(): c for c in service.info.councils}
    if council.lower() not in names:
        raise NoDataForPeriodError(
            f"key 'council': {service.info.service} has no council {council!r}; it has "
            f"{', '.join(service.info.councils)}")
    return names[council.lower()]


def require_month(service: SharedService, council: str, month: pd.Period) -> None:
    """Raise :class:`NoDataForPeriodError` unless ``council`` has results for ``month``."""
    held = service.performance.loc[service.performance["council"] == council, "month"]
    if not (held == month).any():
        span = (f"{held.min().strftime('%Y-%m')} to {held.max().strftime('%Y-%m')}"
                if len(held) else "no months")
        raise NoDataForPeriodError(
            f"key 'period': {council} has no results in {service.info.service} for "
            f"{month.strftime('%Y-%m')}; it has {span}")


# ----------------------------------------------------------------------------------------------
# Comparison across councils and over months


def _direction(performance: pd.DataFrame, metrics: pd.DataFrame) -> pd.Series:
    return performance["metric"].map(metrics.set_index("metric")["direction"])


def council_comparison(performance: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Rank councils against each other per metric and month, and compare each with its peers.

    Parameters
    ----------
    performance : pandas.DataFrame
        Tidy results: ``council``, ``month``, ``metric``, ``value``.
    metrics : pandas.DataFrame
        Metric definitions with ``direction``.

    Returns
    -------
    pandas.DataFrame
        Input rows plus ``rank`` (1 = best; NaN for metrics with no better direction, ties share
        the best rank), ``peer_mean`` (mean of the other councils), ``difference_from_peers``
        (value minus peer mean, in the metric's unit) and ``better_than_peers`` (True/False; NaN
        when neutral or equal).
    """
    frame = performance.copy()
    direction = _direction(frame, metrics)
    group = frame.groupby(["month", "metric"])["value"]
    signed = frame["value"].where(direction == "lower", -frame["value"])
    rank = signed.groupby([frame["month"], frame["metric"]]).rank(method="min")
    frame["rank"] = rank.where(direction != "neutral")
    total, count = group.transform("sum"), group.transform("count")
    frame["peer_mean"] = ((total - frame["value"]) / (count - 1)).where(count > 1)
    frame["difference_from_peers"] = frame["value"] - frame["peer_mean"]
    gap = frame["difference_from_peers"].where(direction == "higher",
                                               -frame["difference_from_peers"])
    better = pd.Series(np.where(gap > 0, True, False), index=frame.index, dtype=object)
    frame["better_than_peers"] = better.where((direction != "neutral") & (gap != 0) & gap.notna())
    return frame


def council_vs_peers(performance: pd.DataFrame, metrics: pd.DataFrame, council: str,
                     month: pd.Period | None = None) -> pd.DataFrame:
    """Return one council's rows of :func:`council_comparison`, optionally for one month."""
    table = council_comparison(performance, metrics)
    table = table[table["council"] == council]
    if month is not None:
        table = table[table["month"] == pd.Period(month, freq="M")]
    return table.reset_index(drop=True)


def month_on_month(performance: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Change of each council's metric from the previous month with a result.

    Returns
    -------
    pandas.DataFrame
        Input rows plus ``previous``, ``change`` (value minus previous, in the metric's unit),
        ``change_pct`` (percent of previous; NaN when previous is 0) and ``improved``
        (True/False; NaN for the first month, for neutral metrics and for no change).
    """
    frame = performance.sort_values(["council", "metric", "month"], kind="stable").copy()
    frame["previous"] = frame.groupby(["council", "metric"])["value"].shift()
    frame["change"] = frame["value"] - frame["previous"]
    frame["change_pct"] = (frame["change"] / frame["previous"].replace(0, np.nan)) * 100
    direction = _direction(frame, metrics)
    signed = frame["change"].where(direction == "higher", -frame["change"])
    improved = pd.Series(np.where(signed > 0, True, False), index=frame.index, dtype=object)
    frame["improved"] = improved.where((direction != "neutral") & signed.notna() & (signed != 0))
    return frame.reset_index(drop=True)


def trend(performance: pd.DataFrame, council: str, metric: str) -> pd.Series:
    """Return one council's values of one metric by month (index: month)."""
    rows = performance[(performance["council"] == council) & (performance["metric"] == metric)]
    return rows.set_index("month")["value"].sort_index().rename(metric)


# ----------------------------------------------------------------------------------------------
# Consistency of the pack with itself


def calls_total_check(performance: pd.DataFrame, components: list[str],
                      total_metric: str = "calls_logged") -> pd.DataFrame:
    """Compare published total calls with the sum of their components, per council and month.

    Returns
    -------
    pandas.DataFrame
        ``council``, ``month``, ``published``, ``sum_of_components``, ``difference``,
        ``consistent``.
    """
    wide = performance.pivot_table(index=["council", "month"], columns="metric", values="value")
    parts = wide[components].sum(axis=1, min_count=len(components))
    out = pd.DataFrame({"published": wide[total_metric], "sum_of_components": parts})
    out["difference"] = out["published"] - out["sum_of_components"]
    out["consistent"] = out["difference"] == 0
    return out.reset_index()


def derived_staff(performance: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Headcount implied by each per-employee ratio: count / ratio, with the rounding range.

    A ratio published to ``d`` decimals may be up to half a unit in the last place off, so the
    headcount lies between ``count / (ratio + h)`` and ``count / (ratio - h)``, where
    ``h = 0.5 * 10**-d``.

    Returns
    -------
    pandas.DataFrame
        ``council``, ``month``, ``ratio_metric``, ``count_metric``, ``count``, ``ratio``,
        ``staff`` (count / ratio, in people), ``staff_low``, ``staff_high``.
    """
    ratios = metrics[metrics["per_employee_of"] != ""]
    wide = performance.pivot_table(index=["council", "month"], columns="metric", values="value")
    parts = []
    for ratio_metric, count_metric, decimals in ratios[["metric", "per_employee_of",
                                                        "decimals"]].itertuples(index=False):
        half = 0.5 * 10.0 ** -decimals
        count, ratio = wide[count_metric], wide[ratio_metric]
        parts.append(pd.DataFrame({
            "ratio_metric": ratio_metric, "count_metric": count_metric, "count": count,
            "ratio": ratio, "staff": count / ratio, "staff_low": count / (ratio + half),
            "staff_high": count / (ratio - half).where(ratio - half > 0),
        }))
    return pd.concat(parts).reset_index()


def staff_consistency(staff: pd.DataFrame) -> pd.DataFrame:
    """Check, per council and month, that every derivation of headcount could be the same number.

    Returns
    -------
    pandas.DataFrame
        ``council``, ``month``, ``estimates`` (how many derivations), ``staff_min`` and
        ``staff_max`` (the point estimates' spread), ``overlap_low``, ``overlap_high`` (the
        headcounts all rounding ranges allow) and ``consistent`` (the ranges overlap).
    """
    grouped = staff.groupby(["council", "month"])
    out = pd.DataFrame({
        "estimates": grouped.size(),
        "staff_min": grouped["staff"].min(), "staff_max": grouped["staff"].max(),
        "overlap_low": grouped["staff_low"].max(), "overlap_high": grouped["staff_high"].min(),
    })
    out["consistent"] = out["overlap_low"] <= out["overlap_high"]
    return out.reset_index()


# ----------------------------------------------------------------------------------------------
# Risks


def risk_scores(risks: pd.DataFrame) -> pd.DataFrame:
    """Recompute each risk's score as impact x likelihood and flag published scores that differ.

    Returns
    -------
    pandas.DataFrame
        Register plus ``computed_score`` and ``score_matches``; highest computed score first.
    """
    scored = risks.assign(computed_score=risks["impact"] * risks["likelihood"])
    scored["score_matches"] = scored["computed_score"] == scored["score"]
    return scored.sort_values(["computed_score", "risk_id"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)


def top_risks(risks: pd.DataFrame) -> pd.DataFrame:
    """Return the risk(s) with the highest computed score."""
    scored = risk_scores(risks)
    return scored[scored["computed_score"] == scored["computed_score"].max()].reset_index(drop=True)
