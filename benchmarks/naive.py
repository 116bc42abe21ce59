"""A deliberately naive, row-by-row pure-Python implementation of scoring and abatement.

It exists only to measure what vectorising buys and to cross-check the vectorised engine: the
same rules as scrutiny.score.scoring.score_frame and scrutiny.abate.abatement, written the
obvious way.
"""

from __future__ import annotations

import math

WORD_RAG = {
    "Mitigation Agreed": "blue", "Not Measured": "blue",
    "Data not available": "red", "Data not agreed": "red", "": "red",
}


def hundredths(x: float) -> int:
    """Round half away from zero to whole hundredths (as scrutiny.score.banding does)."""
    return int(math.copysign(math.floor(abs(x) * 100 + 0.5 + 1e-9), x))


def rag_of(status, number, tsl, msl, higher, glide) -> str:
    if glide:
        return "blue"
    if isinstance(status, str):
        return WORD_RAG[status]
    v, t, m = hundredths(number), hundredths(tsl), hundredths(msl)
    meets_tsl = v >= t if higher else v <= t
    meets_msl = v >= m if higher else v <= m
    return "green" if meets_tsl else "amber" if meets_msl else "red"


def score_and_abate(rows, volumes, *, amber_fraction, multipliers, blue_breaks_run,
                    point_value_gbp, cap_fraction):
    """Score and abate rows one at a time.

    Parameters
    ----------
    rows : list of tuple
        ``(contract, kpi_id, service, month_ordinal, status or None, number, tsl, msl,
        higher, glide, allocation)`` in any order.
    volumes : dict
        ``(contract, service) -> monthly volume in GBP``.

    Returns
    -------
    rags, points : list
        Per input row.
    credits : dict
        ``(contract, service, month) -> (points, credit, cap)``.
    """
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1], rows[i][3]))
    rags = [None] * len(rows)
    points = [0.0] * len(rows)
    last_key, last_month, run = None, None, 0
    for i in order:
        contract, kpi, _service, month, status, number, tsl, msl, higher, glide, alloc = rows[i]
        rag = rag_of(status, number, tsl, msl, higher, glide)
        rags[i] = rag
        if (contract, kpi) != last_key or month != last_month + 1:
            run = 0
        last_key, last_month = (contract, kpi), month
        if rag in ("amber", "red"):
            run += 1
            multiplier = multipliers[min(run, len(multipliers)) - 1]
            share = 1.0 if rag == "red" else amber_fraction
            points[i] = alloc * share * multiplier
        elif rag == "green" or blue_breaks_run:
            run = 0
    sums = {}
    for i, row in enumerate(rows):
        key = (row[0], row[2], row[3])
        sums[key] = sums.get(key, 0.0) + points[i]
    credits = {}
    for (contract, service, month), total in sums.items():
        cap = volumes[(contract, service)] * cap_fraction
        credits[(contract, service, month)] = (total, min(total * point_value_gbp, cap), cap)
    return rags, points, credits
