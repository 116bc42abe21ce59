"""The one shared banding rule: where a published value falls against TSL and MSL.

All comparisons are made on the value as published, to two decimals, and are inclusive:
75.00 against a TSL of 75 meets it. Working in whole hundredths keeps the comparison exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GREEN, AMBER, RED, BLUE = "green", "amber", "red", "blue"
RAG_ORDER = [GREEN, AMBER, RED, BLUE]
RAG_LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red", BLUE: "Blue"}
#: Better-to-worse rank of the three scored bands (Blue is not scored).
RAG_RANK = {GREEN: 0, AMBER: 1, RED: 2}


def hundredths(values) -> np.ndarray:
    """Return values rounded half away from zero to whole hundredths, as int64 (NaN -> min int)."""
    arr = np.asarray(values, dtype="float64")
    scaled = np.sign(arr) * np.floor(np.abs(arr) * 100 + 0.5 + 1e-9)
    return np.where(np.isnan(scaled), np.iinfo(np.int64).min, scaled).astype("int64")


def band(
    value: pd.Series,
    *,
    tsl: pd.Series | float,
    msl: pd.Series | float,
    higher_is_better: pd.Series | bool,
) -> pd.Series:
    """Band values as Green (meets TSL), Amber (meets MSL only) or Red (misses MSL).

    Parameters
    ----------
    value : pandas.Series
        Published values (percent or count). NaN gives NaN: a missing number is not banded here.
    tsl, msl : pandas.Series or float
        Target and Minimum Service Levels in force, in the value's units.
    higher_is_better : pandas.Series or bool
        Direction of the KPI. ``False`` for counts of failures and rates such as abandoned calls.

    Returns
    -------
    pandas.Series
        ``"green"``, ``"amber"``, ``"red"`` or NaN, aligned with ``value``.
    """
    v = hundredths(value)
    t = hundredths(np.broadcast_to(tsl, v.shape))
    m = hundredths(np.broadcast_to(msl, v.shape))
    up = np.broadcast_to(np.asarray(higher_is_better, dtype=bool), v.shape)
    meets_tsl = np.where(up, v >= t, v <= t)
    meets_msl = np.where(up, v >= m, v <= m)
    out = np.where(meets_tsl, GREEN, np.where(meets_msl, AMBER, RED)).astype(object)
    out[np.isnan(np.asarray(value, dtype="float64"))] = np.nan
    return pd.Series(out, index=getattr(value, "index", None), name="rag")
