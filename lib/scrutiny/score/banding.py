"""The one shared banding rule: where a published value falls against TSL and MSL.

All comparisons are made on the value as published, to two decimals, and are inclusive:
75.00 against a TSL of 75 meets it. Working in whole hundredths keeps the comparison exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.core.blocks import row_blocks
from scrutiny.core.rag import AMBER, AMBER_CODE, GREEN, GREEN_CODE, RED, RED_CODE, UNBANDED

_RAG_BY_CODE = np.array([GREEN, AMBER, RED, np.nan], dtype=object)  # index -1 is NaN


def hundredths(values) -> np.ndarray:
    """Return values rounded half away from zero to whole hundredths, as int64 (NaN -> min int)."""
    scaled = _hundredths_float(values)
    return np.where(np.isnan(scaled), np.iinfo(np.int64).min, scaled).astype("int64")


def _hundredths_float(values) -> np.ndarray:
    """:func:`hundredths` as whole-numbered float64 (NaN stays NaN), in a fresh array.

    Whole numbers below 2**53 are exact in float64, so comparing these is comparing the int64
    hundredths; computing in place avoids a temporary per step on 10-million-row frames.
    """
    arr = np.asarray(values, dtype="float64")
    out = np.abs(arr)
    out *= 100
    out += 0.5  # same order of additions as the int64 form, so the same rounding
    out += 1e-9
    np.floor(out, out=out)
    return np.copysign(out, arr, out=out)


def band_codes(
    value,
    *,
    tsl,
    msl,
    higher_is_better,
) -> np.ndarray:
    """Band values as int8 codes: 0 Green, 1 Amber, 2 Red (``RAG_ORDER`` positions), -1 missing.

    The same rule as :func:`band`, which is built on it; scoring uses the codes directly so
    that millions of KPI-months never become Python strings.

    Parameters
    ----------
    value : array-like of float
        Published values (percent or count); NaN gives -1.
    tsl, msl : array-like of float or float
        Target and Minimum Service Levels in force, in the value's units. A missing threshold
        is met by any value when higher is better and by none when lower is better.
    higher_is_better : array-like of bool or bool
        Direction of the KPI.

    Returns
    -------
    numpy.ndarray of int8
    """
    values = np.asarray(value, dtype="float64")
    shape = values.shape
    up = np.broadcast_to(np.asarray(higher_is_better, dtype=bool), shape).ravel()
    tsl = np.broadcast_to(np.asarray(tsl, dtype="float64"), shape).ravel()
    msl = np.broadcast_to(np.asarray(msl, dtype="float64"), shape).ravel()
    values = values.ravel()
    codes = np.empty(values.shape, dtype=np.int8)
    # Blocks of rows keep every temporary in cache; whole 10-million-row temporaries would
    # cost more in allocation and memory traffic than the arithmetic.
    for rows in row_blocks(len(values)):
        codes[rows] = _band_block(values[rows], tsl[rows], msl[rows], up[rows])
    return codes.reshape(shape)


def _band_block(value: np.ndarray, tsl: np.ndarray, msl: np.ndarray,
                up: np.ndarray) -> np.ndarray:
    """:func:`band_codes` on one block of 1-d arrays."""
    v = _hundredths_float(value)
    down = ~up
    # Lower-is-better rows are negated (hundredths are symmetric about 0), so one ">=" serves
    # both directions. A missing threshold is the lowest possible level, as in the int64 form.
    np.negative(v, out=v, where=down)
    codes = np.full(v.shape, RED_CODE, dtype=np.int8)
    for threshold, code in ((msl, AMBER_CODE), (tsl, GREEN_CODE)):
        level = _hundredths_float(threshold)
        level[np.isnan(level)] = -np.inf
        np.negative(level, out=level, where=down)
        np.copyto(codes, code, where=v >= level)
    codes[np.isnan(v)] = UNBANDED
    return codes


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
    codes = band_codes(value, tsl=tsl, msl=msl, higher_is_better=higher_is_better)
    return pd.Series(_RAG_BY_CODE[codes], index=getattr(value, "index", None), name="rag")
