"""Early warning: which KPIs are moving significantly, and which may soon miss TSL or MSL.

For each KPI the months of a trailing window (ending at the reporting period) that carry a scored
number are fitted with a robust Theil-Sen slope (``scipy.stats.theilslopes``), and the trend is
tested with Kendall's tau against time (``scipy.stats.kendalltau``; the Mann-Kendall trend test).
Blue months (mitigation, glide, not measured) and months without a number (data not available,
not agreed, blank) are left out of the fit and counted, so a report can say how many were excluded.

A significant slope is called *deteriorating* or *improving* according to the KPI's direction;
anything else is *stable*. Too few usable months says *not enough data*. Note that with fewer than
five points Kendall's tau can never reach the 5% level, hence the default ``min_points=5``.

For a deteriorating KPI that meets TSL in the period, the trend is continued from the period's
published value at the fitted rate, and the table gives the first whole month after the period in
which the projection would miss TSL and then MSL ("meets" is inclusive, as in scoring). A KPI that
meets only MSL gets the months to MSL. The thresholds are those in force in the period (the
``override_reason`` column says when those are a temporary revision). ``flag`` marks a deteriorating
KPI projected to miss TSL or MSL within the horizon.

**Headroom** is each KPI's smallest margin over its minimum (``min_headroom_msl``) and target
(``min_headroom_tsl``) across the window's months with a number, in the KPI's own units and
direction-aware: positive means better than the threshold, negative means it was missed. A KPI
that is Green in every month of the window (``green_throughout``) but whose fitted slope,
continued from the period's value, would take it below target within the horizon is
**drifting** (reports say "Green, drifting"): significant or not, the slope is heading for the
target and nothing has failed yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.core.periods import require_period
from scrutiny.core.rag import AMBER, BLUE, GREEN
from scrutiny.score.banding import hundredths
from scrutiny.score.scoring import headroom as month_headroom

DETERIORATING, IMPROVING, STABLE = "deteriorating", "improving", "stable"
NOT_ENOUGH_DATA = "not enough data"

#: Default trend settings (months, scored months, months ahead, probability): every report
#: parameter, CLI option and function default reads these.
WINDOW, MIN_POINTS, HORIZON, ALPHA = 6, 5, 3, 0.05

TREND_COLUMNS = [
    "kpi_id", "service", "description", "direction", "unit", "window_start", "period",
    "n_points", "excluded_blue", "excluded_no_data", "value", "rag", "tsl", "msl",
    "override_reason", "slope", "tau", "p_value", "classification", "months_to_tsl",
    "months_to_msl", "flag", "min_headroom_msl", "min_headroom_tsl", "green_throughout", "drifting",
]
#: What reports call a drifting KPI.
GREEN_DRIFTING = "Green, drifting"


def kpi_trends(
    scores: pd.DataFrame,
    period: pd.Period,
    *,
    window: int = WINDOW,
    min_points: int = MIN_POINTS,
    alpha: float = ALPHA,
    horizon: int = HORIZON,
) -> pd.DataFrame:
    """Classify each KPI's trend over the trailing window and project threshold crossings.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`scrutiny.score.scoring.score`
        (or ``score_frame`` plus ``month``/``kpi_id``).
    period : pandas.Period
        Reporting month; the window ends here and includes it.
    window : int
        Length of the trailing window, in months.
    min_points : int
        Fewest scored months in the window needed to fit a trend.
    alpha : float
        Significance level of the two-sided Kendall's tau test.
    horizon : int
        Months ahead within which a projected miss of TSL or MSL raises the flag.

    Returns
    -------
    pandas.DataFrame
        One row per KPI with a result in ``period`` (columns :data:`TREND_COLUMNS`). ``slope`` is in
        the KPI's unit per month (percentage points or count); ``months_to_tsl``/``months_to_msl``
        are whole months after ``period`` (NaN when not projected); ``flag`` is boolean.

    Raises
    ------
    NoDataForPeriodError
        If ``period`` has no results.
    ValueError
        If a parameter is out of range.
    """
    _check_parameters(window=window, min_points=min_points, alpha=alpha, horizon=horizon)
    require_period(scores, period)
    start = period - (window - 1)
    in_window = scores[(scores["month"] >= start) & (scores["month"] <= period)]
    blue = in_window["rag"].eq(BLUE)
    no_data = ~blue & in_window["value"].isna()
    counts = pd.DataFrame({"kpi_id": in_window["kpi_id"], "n_points": ~blue & ~no_data,
                           "excluded_blue": blue, "excluded_no_data": no_data})
    counts = counts.groupby("kpi_id").sum()
    usable = in_window[~blue & ~no_data]
    fitted = usable.assign(x=_months_between(usable["month"], period))
    fits = _fit_each_kpi(fitted[fitted["kpi_id"].isin(
        counts.index[counts["n_points"] >= min_points])])

    now = scores[scores["month"] == period]
    table = now.merge(counts, left_on="kpi_id", right_index=True, how="left")
    table = table.merge(fits, left_on="kpi_id", right_index=True, how="left")
    table["classification"] = classify(table["slope"], table["p_value"], table["direction"],
                                       table["n_points"], min_points=min_points, alpha=alpha)
    table = table.assign(window_start=start, period=period, **project(table))
    table["flag"] = table["classification"].eq(DETERIORATING) & (
        table["months_to_tsl"].le(horizon) | table["months_to_msl"].le(horizon))
    table = table.merge(headroom(in_window), left_on="kpi_id", right_index=True, how="left")
    table["green_throughout"] = table["kpi_id"].map(
        in_window["rag"].eq(GREEN).groupby(in_window["kpi_id"]).all()).fillna(False).astype(bool)
    reach = months_to_cross(table["value"], table["tsl"], table["slope"], table["direction"])
    table["drifting"] = table["green_throughout"] & reach.le(horizon)
    return table.reset_index(drop=True)[TREND_COLUMNS]


def classify(slope: pd.Series, p_value: pd.Series, direction: pd.Series, n_points: pd.Series,
             *, min_points: int = 5, alpha: float = 0.05) -> pd.Series:
    """Name each trend: deteriorating, improving, stable or not enough data.

    A trend is significant when ``p_value < alpha``; its sign, read against ``direction``
    (``"higher"``/``"lower"`` is better), says which way. A NaN p-value (a constant series) is not
    significant.
    """
    better = np.where(direction.eq("higher"), 1.0, -1.0) * slope
    significant = p_value.lt(alpha)
    label = np.select([n_points.lt(min_points) | n_points.isna(),
                       significant & (better < 0), significant & (better > 0)],
                      [NOT_ENOUGH_DATA, DETERIORATING, IMPROVING], default=STABLE)
    return pd.Series(label, index=slope.index, name="classification")


def project(table: pd.DataFrame) -> dict[str, pd.Series]:
    """Months after the period until a deteriorating KPI's projection misses TSL and MSL.

    The projection starts at the period's published value and moves by ``slope`` a month. The first
    month it misses a threshold is ``floor(gap / rate) + 1``, with the gap measured in whole
    hundredths as scoring does (a value exactly on the threshold still meets it).

    Returns
    -------
    dict
        ``months_to_tsl`` (only for KPIs Green in the period) and ``months_to_msl`` (Green or
        Amber), float with NaN where no projection applies.
    """
    deteriorating = table["classification"].eq(DETERIORATING)

    def months_to(threshold: pd.Series, allowed: pd.Series) -> pd.Series:
        months = months_to_cross(table["value"], threshold, table["slope"], table["direction"])
        return months.where(deteriorating & allowed)

    return {
        "months_to_tsl": months_to(table["tsl"], table["rag"].eq(GREEN)),
        "months_to_msl": months_to(table["msl"], table["rag"].isin([GREEN, AMBER])),
    }


def months_to_cross(value: pd.Series, threshold: pd.Series, slope: pd.Series,
                    direction: pd.Series) -> pd.Series:
    """Whole months until ``value``, moving by ``slope`` a month, would miss ``threshold``.

    The first month it misses is ``floor(gap / rate) + 1``, with the gap measured in whole
    hundredths as scoring does (a value exactly on the threshold still meets it). NaN where the
    slope does not head for the threshold (or a number is missing).
    """
    sign = np.where(direction.eq("higher"), 1, -1)
    rate = -sign * slope * 100  # hundredths lost per month; > 0 when heading for the threshold
    gap = sign * (hundredths(value) - hundredths(threshold))
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.floor(gap / rate + 1e-9) + 1
    return pd.Series(months, index=value.index).where(rate > 0)


def headroom(in_window: pd.DataFrame) -> pd.DataFrame:
    """Each KPI's smallest margin over MSL and TSL across the months given (with a number).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``kpi_id``: ``min_headroom_msl`` and ``min_headroom_tsl`` (the smallest of
        the months' own headroom, :func:`scrutiny.score.scoring.headroom`) in the KPI's own units
        (percentage points or count), positive when better than the threshold; NaN for a KPI
        with no number in the window. Each month is measured against the thresholds then in force.
    """
    margins = month_headroom(in_window)[["headroom_msl", "headroom_tsl"]]
    margins = margins.rename(columns=lambda c: f"min_{c}").assign(kpi_id=in_window["kpi_id"])
    return margins.groupby("kpi_id").min().round(6) + 0.0  # + 0.0: no "-0.0" in outputs


def flagged(trends: pd.DataFrame) -> pd.DataFrame:
    """Return the flagged rows of :func:`kpi_trends`, soonest projected miss first."""
    rows = trends[trends["flag"]]
    soonest = rows[["months_to_tsl", "months_to_msl"]].min(axis=1)
    return rows.assign(_soonest=soonest).sort_values("_soonest", kind="stable").drop(
        columns="_soonest")


def _fit_each_kpi(usable: pd.DataFrame) -> pd.DataFrame:
    """Theil-Sen slope and Kendall's tau for each KPI's (x, value) points."""
    columns = ["slope", "tau", "p_value"]
    if usable.empty:
        return pd.DataFrame(columns=columns, dtype="float64").rename_axis("kpi_id")
    return usable.groupby("kpi_id")[["x", "value"]].apply(_fit_one)[columns]


def _fit_one(points: pd.DataFrame) -> pd.Series:
    from scipy import stats  # ~1 s to import: only commands that fit a trend pay for it

    x, y = points["x"].to_numpy(float), points["value"].to_numpy(float)
    slope = stats.theilslopes(y, x).slope
    if np.ptp(y) == 0:  # a constant series has no trend; kendalltau would warn and give NaN
        return pd.Series({"slope": 0.0, "tau": np.nan, "p_value": np.nan})
    tau = stats.kendalltau(x, y)
    return pd.Series({"slope": slope, "tau": tau.statistic, "p_value": tau.pvalue})


def _months_between(months: pd.Series, period: pd.Period) -> pd.Series:
    """Whole months from ``period`` to each month (negative before it)."""
    return (months.dt.year - period.year) * 12 + (months.dt.month - period.month)


def _check_parameters(*, window: int, min_points: int, alpha: float, horizon: int) -> None:
    if window < 2:
        raise ValueError(f"window must be at least 2 months, not {window}")
    if not 2 <= min_points <= window:
        raise ValueError(f"min_points must lie between 2 and the window ({window}), "
                         f"not {min_points}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, not {alpha}")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 month, not {horizon}")
