"""Abatement points and service credits: the money side of the scorecard.

Rules (seed 001 section 6, seed 000 notes 1-2), with the unpublished parts as terms:

* A KPI-month **fails** when it is Amber, Red or data not available (scored Red). Its base points
  are the KPI's allocation times the status share: Red and data not available 1, Amber
  ``amber_fraction``; Green and Blue attract nothing.
* A failing month's points are its base points times a **multiplier** set by its place in the
  current run of consecutive failing months: ``multipliers[0]`` for the first (1.0), then 1.5 for
  the second and 2.0 for the third and later.
* Green ends a run. Blue ends it when ``blue_breaks_run``; otherwise Blue is skipped, neither
  extending nor ending it. A calendar month with no result for the KPI (it left the contract, or
  the return is missing) always ends the run: the months are not consecutive.
* Points convert to service credits at ``point_value_gbp`` per point; each service's credits in a
  month are capped at ``cap_fraction`` of its monthly financial volume.

Every output row carries the numbers that explain it: ``points = base_points * multiplier`` and
``base_points = allocation * share``; ``credit = min(points * point_value_gbp, cap)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scrutiny.abate.terms import Terms, allocation_for, load_terms, volumes_for
from scrutiny.core.blocks import row_blocks
from scrutiny.core.months import month_ordinals
from scrutiny.core.rag import (
    AMBER,
    AMBER_CODE,
    BLUE,
    BLUE_CODE,
    GREEN,
    GREEN_CODE,
    RAG_DTYPE,
    RAG_ORDER,
    RED,
    RED_CODE,
)
from scrutiny.core.runs import months_between, run_lengths
from scrutiny.load.contract import Contract
from scrutiny.score.banding import band
from scrutiny.score.scoring import score, with_columns

KPI_COLUMNS = ["kpi_id", "service", "month", "rag", "basis", "allocation", "base_points",
               "run_length", "multiplier", "points"]
SERVICE_COLUMNS = ["service", "month", "points", "uncapped_credit", "cap", "credit", "capped"]
ALL_SERVICES = "ALL"


def rag_codes(rag: pd.Series) -> np.ndarray:
    """Return RAG as small ints in ``RAG_ORDER`` (green 0, amber 1, red 2, blue 3; other -1).

    Categorical input is remapped through its categories, so 10 million rows cost one take (and
    nothing when the categories are ``RAG_ORDER``, as
    :func:`scrutiny.score.scoring.score_frame` gives).
    """
    if isinstance(rag.dtype, pd.CategoricalDtype):
        codes = rag.cat.codes.to_numpy()
        if rag.dtype == RAG_DTYPE:
            return codes
        lookup = np.array([*RAG_DTYPE.categories.get_indexer(rag.cat.categories), -1],
                          dtype=np.int8)
        return lookup[codes]
    codes, uniques = pd.factorize(rag.to_numpy(), use_na_sentinel=True)
    lookup = np.array([RAG_ORDER.index(u) if u in RAG_ORDER else -1 for u in uniques] + [-1],
                      dtype=np.int8)
    return lookup[codes]


def _key_codes(frame: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Return one integer code per row identifying its KPI (the combination of ``keys``).

    int32 when every combination fits (half the memory of int64 on big frames), else int64.
    """
    factors = [_factorise(frame[key]) for key in keys]
    combinations = np.prod([size + 1 for _, size in factors], dtype=float)
    combined = np.zeros(len(frame), dtype=np.int32 if combinations < 2**31 else np.int64)
    for codes, size in factors:
        combined *= size + 1
        combined += codes
    return combined


def _factorise(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a column (-1 for NaN) and the number of distinct values."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), len(column.cat.categories)
    codes, uniques = pd.factorize(column.to_numpy())
    return codes, len(uniques)


def kpi_points(
    frame: pd.DataFrame,
    *,
    amber_fraction: float,
    multipliers: Sequence[float] = (1.0, 1.5, 2.0),
    blue_breaks_run: bool = True,
    keys: Sequence[str] = ("kpi_id",),
) -> pd.DataFrame:
    """Abatement points of each KPI-month.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per KPI-month with ``keys``, ``month`` (``Period[M]`` or consecutive ints),
        ``rag`` (green/amber/red/blue, data not available already Red) and ``allocation``
        (the KPI's points in force that month); optionally ``frequency`` (``M``/``Q``/``A``):
        runs then count consecutive measurements (:mod:`scrutiny.core.runs`). Any order.
    amber_fraction : float
        Share of the allocation an Amber month attracts (0-1).
    multipliers : sequence of float
        Multiplier for the 1st, 2nd, ... consecutive failing month; the last applies thereafter.
    blue_breaks_run : bool
        True: a Blue month ends a run. False: Blue months are skipped.
    keys : sequence of str
        Columns identifying one KPI (add a contract column when frames hold several contracts).

    Returns
    -------
    pandas.DataFrame
        ``frame`` (same index and order) plus ``base_points`` (allocation x status share),
        ``run_length`` (place in the current failing run, 0 if not failing), ``multiplier``
        (0 if not failing) and ``points`` (``base_points * multiplier``), all in points.
    """
    rag = rag_codes(frame["rag"])
    key = _key_codes(frame, keys)
    month = month_ordinals(frame["month"])
    failing = (rag == AMBER_CODE) | (rag == RED_CODE)
    resets = (rag == GREEN_CODE) | (rag == BLUE_CODE) if blue_breaks_run else rag == GREEN_CODE
    step = (months_between(frame["frequency"].to_numpy(), len(frame))
            if "frequency" in frame else None)
    if _in_kpi_month_order(key, month):
        runs = run_lengths(key, month, failing, resets, step)
    else:
        order = np.lexsort((month, key))
        runs = np.empty(len(key), dtype=np.int64)
        runs[order] = run_lengths(key[order], month[order], failing[order], resets[order],
                                  None if step is None else step[order])
    share = np.zeros(len(RAG_ORDER) + 1)  # green, amber, red, blue, then -1 (unscored): 0
    share[[AMBER_CODE, RED_CODE]] = amber_fraction, 1.0
    by_run = np.array([0.0, *multipliers])  # run length 0 (not failing), 1, 2, ... capped
    allocation = frame["allocation"].to_numpy(dtype="float64")
    base, multiplier = np.empty(len(runs)), np.empty(len(runs))
    # Lookups by code, block by block: the outputs are the only full-length arrays written.
    for rows in row_blocks(len(runs)):
        np.multiply(share[rag[rows]], allocation[rows], out=base[rows])
        np.take(by_run, np.minimum(runs[rows], len(multipliers)), out=multiplier[rows])
    return with_columns(frame, base_points=base, run_length=runs, multiplier=multiplier,
                        points=base * multiplier)


def _in_kpi_month_order(key: np.ndarray, month: np.ndarray) -> bool:
    """True when rows are already sorted by KPI then month (loaders and generators give this)."""
    if len(key) < 2:
        return True
    same = key[1:] == key[:-1]
    return bool(np.all((key[1:] > key[:-1]) | (same & (month[1:] > month[:-1]))))


def service_month_points(points: pd.DataFrame,
                         keys: Sequence[str] = ("service",)) -> pd.DataFrame:
    """Total abatement points per service and month (``keys`` + ``month`` + ``points``).

    Rows come out sorted by ``keys`` then month, as ``groupby(sort=True)`` sorts them; rows
    with a missing key are left out.
    """
    columns = [*keys, "month"]
    factors = [_sorted_factors(points[c]) for c in columns]
    sizes = [len(levels) for _, levels, _ in factors]
    cells = int(np.prod(sizes, dtype=float))
    if cells > max(4 * len(points), 2**20) or any((codes < first).any()
                                                   for codes, _, first in factors):
        # Missing keys or too many combinations for a dense count: let pandas group them.
        grouped = points.groupby(columns, observed=True, sort=True)["points"].sum()
        return grouped.reset_index()
    # One dense cell number per row, built in place (Horner's rule) to spare 80 MB temporaries.
    cell = np.zeros(len(points), dtype=np.int32 if cells < 2**31 else np.int64)
    for (codes, _, first), size in zip(factors, sizes, strict=True):
        cell *= size
        cell += codes
        cell -= first
    totals = np.bincount(cell, weights=points["points"].to_numpy(dtype="float64"),
                         minlength=cells)
    present = np.flatnonzero(np.bincount(cell, minlength=cells))
    picked = np.unravel_index(present, sizes)
    table = {c: levels.take(codes) for c, (_, levels, _), codes in zip(columns, factors, picked,
                                                                      strict=True)}
    return pd.DataFrame({**table, "points": totals[present]})


def _sorted_factors(column: pd.Series) -> tuple[np.ndarray, pd.Index, int]:
    """Codes, levels and first code of a column; ``levels[code - first]`` is a row's value.

    Codes sort as groupby sorts: categorical columns keep their categories (groupby sorts by
    category order) and months are their ordinals; neither looks at a string. Codes below
    ``first`` mark missing values.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        return codes, pd.CategoricalIndex(column.cat.categories, dtype=column.dtype), 0
    if isinstance(column.dtype, pd.PeriodDtype) and column.notna().all() and len(column):
        ordinals = column.array.asi8
        first = ordinals.min()
        levels = pd.period_range(pd.Period(ordinal=first, freq=column.dtype.freq),
                                 periods=int(ordinals.max() - first) + 1, freq=column.dtype.freq)
        return ordinals, levels, int(first)
    codes, uniques = pd.factorize(column, sort=True)
    return codes, pd.Index(uniques), 0


def service_credits(service_points: pd.DataFrame, *, point_value_gbp: float,
                    cap_fraction: float) -> pd.DataFrame:
    """Convert each service-month's points to the service credit payable.

    Parameters
    ----------
    service_points : pandas.DataFrame
        ``points`` and ``monthly_volume_gbp`` per service-month (plus any key columns).
    point_value_gbp : float
        GBP of service credit per abatement point.
    cap_fraction : float
        Cap on a service's credits as a share of its monthly volume (0.10 for 10%).

    Returns
    -------
    pandas.DataFrame
        Input plus ``uncapped_credit``, ``cap``, ``credit`` (payable) in GBP and ``capped``.
    """
    uncapped = service_points["points"].to_numpy(dtype="float64") * point_value_gbp
    cap = service_points["monthly_volume_gbp"].to_numpy(dtype="float64") * cap_fraction
    return service_points.assign(uncapped_credit=uncapped, cap=cap,
                                 credit=np.minimum(uncapped, cap), capped=uncapped > cap)


def add_totals(service_table: pd.DataFrame) -> pd.DataFrame:
    """Append one ``ALL`` row per month: sums of points and money; capped if any service was.

    ``capped`` on an ``ALL`` row means *some service's* credit was cut by its own cap that
    month (caps apply per service), not that the month's total reached the summed ``cap``;
    see ``docs/data_dictionary.md``.
    """
    sums = service_table.groupby("month").agg(
        points=("points", "sum"), uncapped_credit=("uncapped_credit", "sum"),
        cap=("cap", "sum"), credit=("credit", "sum"), capped=("capped", "any"))
    overall = sums.reset_index().assign(service=ALL_SERVICES)
    return pd.concat([service_table, overall], ignore_index=True)[service_table.columns]


def unmitigated(scores: pd.DataFrame) -> pd.DataFrame:
    """Re-score Blue KPI-months as if no mitigation or glide had been granted.

    A Blue month with a recorded value is banded against the thresholds in force (threshold
    overrides stay: they are revised targets, not relief); one without a value counts as data
    not available (Red). Other rows are unchanged.

    Returns
    -------
    pandas.DataFrame
        ``scores`` with ``rag`` and ``basis`` replaced on formerly Blue rows and ``mitigated``
        (bool) marking them.
    """
    blue = (scores["rag"] == BLUE).to_numpy()
    banded = band(scores["value"], tsl=scores["tsl"], msl=scores["msl"],
                  higher_is_better=scores["direction"].eq("higher").to_numpy())
    new_rag = banded.fillna(RED).to_numpy()
    new_basis = np.where(banded.isna(), "relief removed: no value, data not available",
                         "relief removed: " + banded.map(
                             {GREEN: "met TSL", AMBER: "met MSL, missed TSL",
                              RED: "missed MSL"}).fillna("").astype(str))
    return scores.assign(rag=np.where(blue, new_rag, scores["rag"]),
                         basis=np.where(blue, new_basis, scores["basis"]), mitigated=blue)


@dataclass(frozen=True)
class Abatement:
    """Abatement of one contract under given terms.

    Attributes
    ----------
    kpi_months : pandas.DataFrame
        ``KPI_COLUMNS``: one row per KPI-month, every number that makes up its points.
    service_months : pandas.DataFrame
        ``SERVICE_COLUMNS``: one row per service-month in contract order, then ``ALL`` per month.
    terms : Terms
        The terms used (print ``terms.describe()`` beside any figure).
    without_mitigation : bool
        True when Blue months were re-scored by :func:`unmitigated`.
    """

    kpi_months: pd.DataFrame
    service_months: pd.DataFrame
    terms: Terms
    without_mitigation: bool = False


def contract_abatement(contract: Contract, terms: Terms | None = None, *,
                       without_mitigation: bool = False,
                       scores: pd.DataFrame | None = None) -> Abatement:
    """Abatement points and service credits of every month of a contract.

    Parameters
    ----------
    contract : Contract
        As loaded by :func:`scrutiny.load.contract.load_contract`.
    terms : Terms, optional
        Defaults to the contract's own ``terms.yaml``.
    without_mitigation : bool
        Score as if no mitigation or glide had been granted (see :func:`unmitigated`).
    scores : pandas.DataFrame, optional
        Output of :func:`scrutiny.score.scoring.score`, to avoid scoring twice.
    """
    terms = terms if terms is not None else load_terms(contract)
    scored = scores if scores is not None else score(contract)
    if without_mitigation:
        scored = unmitigated(scored)
    p = terms.params
    frame = scored.assign(allocation=allocation_for(scored, terms))
    kpis = kpi_points(frame, amber_fraction=p.amber_fraction, multipliers=p.multipliers,
                      blue_breaks_run=p.blue_breaks_run)[KPI_COLUMNS]
    totals = service_month_points(kpis)
    totals["monthly_volume_gbp"] = volumes_for(totals, terms)
    credits = service_credits(totals, point_value_gbp=p.point_value_gbp,
                              cap_fraction=p.cap_fraction)[SERVICE_COLUMNS]
    order = {s: i for i, s in enumerate(contract.info.services)}
    credits = credits.sort_values(["service", "month"], kind="stable",
                                  key=lambda s: s.map(order) if s.name == "service" else s)
    return Abatement(kpis, add_totals(credits.reset_index(drop=True)), terms, without_mitigation)


def mitigation_cost(contract: Contract, terms: Terms | None = None, *,
                    start: pd.Period | None = None, end: pd.Period | None = None,
                    scores: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What mitigation and glides cost the council: points and credits it chose to forgo.

    Parameters
    ----------
    contract, terms
        As for :func:`contract_abatement`.
    start, end : pandas.Period, optional
        First and last month counted (inclusive); default every month held. Runs are still
        worked out from the first month held, so a month's points do not depend on ``start``.
    scores : pandas.DataFrame, optional
        Output of :func:`scrutiny.score.scoring.score`, to avoid scoring twice.

    Returns
    -------
    by_kpi : pandas.DataFrame
        ``kpi_id, service, relieved_months, points, points_without_mitigation, points_forgone,
        value_forgone_gbp`` for every KPI with at least one relieved month or changed points.
        ``value_forgone_gbp`` is points forgone times the point value, before the cap (the cap
        applies to a service-month, not a KPI). Relief can change later months too: without it
        a later failing month may be the 2nd or 3rd of a run.
    by_month : pandas.DataFrame
        ``service, month, points, points_without_mitigation, credit, credit_without_mitigation,
        credit_forgone`` (credits payable, after the cap), with ``ALL`` rows per month.
    """
    terms = terms if terms is not None else load_terms(contract)
    scores = scores if scores is not None else score(contract)
    actual = contract_abatement(contract, terms, scores=scores)
    relief = contract_abatement(contract, terms, scores=scores, without_mitigation=True)
    return relief_cost(actual, relief, point_value_gbp=terms.params.point_value_gbp,
                       start=start, end=end)


def relief_cost(actual: Abatement, relief: Abatement, *, point_value_gbp: float,
                start: pd.Period | None = None,
                end: pd.Period | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare abatement as charged with abatement had no month been relieved (pure).

    Parameters
    ----------
    actual, relief : Abatement
        :func:`contract_abatement` of one contract and terms, as scored and with
        ``without_mitigation=True``; computed once, they serve any number of month ranges.
    point_value_gbp : float
        Pounds per abatement point (``terms.params.point_value_gbp``).
    start, end : pandas.Period, optional
        As for :func:`mitigation_cost`.

    Returns
    -------
    by_kpi, by_month : pandas.DataFrame
        As for :func:`mitigation_cost`.
    """
    kpi = actual.kpi_months.assign(
        points_without_mitigation=relief.kpi_months["points"].to_numpy(),
        relieved=(actual.kpi_months["rag"] == BLUE).to_numpy())
    kpi = kpi[_in_range(kpi["month"], start, end)]
    by_kpi = kpi.groupby(["service", "kpi_id"], sort=False).agg(
        relieved_months=("relieved", "sum"), points=("points", "sum"),
        points_without_mitigation=("points_without_mitigation", "sum")).reset_index()
    by_kpi["points_forgone"] = by_kpi["points_without_mitigation"] - by_kpi["points"]
    by_kpi["value_forgone_gbp"] = by_kpi["points_forgone"] * point_value_gbp
    by_kpi = by_kpi[(by_kpi["relieved_months"] > 0) | (by_kpi["points_forgone"] != 0)]
    keys = ["service", "month"]
    by_month = actual.service_months[[*keys, "points", "credit"]].merge(
        relief.service_months[[*keys, "points", "credit"]], on=keys,
        suffixes=("", "_without_mitigation"), validate="one_to_one")
    by_month = by_month[_in_range(by_month["month"], start, end)]
    by_month = by_month.assign(
        credit_forgone=by_month["credit_without_mitigation"] - by_month["credit"])
    columns = ["service", "month", "points", "points_without_mitigation", "credit",
               "credit_without_mitigation", "credit_forgone"]
    return (by_kpi[["kpi_id", "service", "relieved_months", "points",
                    "points_without_mitigation", "points_forgone", "value_forgone_gbp"]]
            .reset_index(drop=True), by_month[columns].reset_index(drop=True))


def _in_range(month: pd.Series, start: pd.Period | None, end: pd.Period | None) -> pd.Series:
    """True for months within ``start``..``end`` (inclusive; ``None`` leaves that side open)."""
    keep = pd.Series(True, index=month.index)
    if start is not None:
        keep &= month >= start
    if end is not None:
        keep &= month <= end
    return keep


def abate_frame(
    kpi_months: pd.DataFrame,
    volumes: pd.DataFrame,
    *,
    amber_fraction: float,
    multipliers: Sequence[float] = (1.0, 1.5, 2.0),
    blue_breaks_run: bool = True,
    point_value_gbp: float,
    cap_fraction: float = 0.10,
    keys: Sequence[str] = ("contract",),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score and abate raw KPI-months of one or many contracts in one pass.

    Parameters
    ----------
    kpi_months : pandas.DataFrame
        What :func:`~scrutiny.score.scoring.score_frame` reads, plus ``keys``, ``kpi_id``,
        ``service``,
        ``month`` and ``allocation`` (e.g. :func:`scrutiny.testing.synthetic.synthetic_contracts`).
    volumes : pandas.DataFrame
        ``keys``, ``service`` and ``monthly_volume_gbp``.
    keys : sequence of str
        Columns naming a contract; KPIs and services are identified within it.

    Returns
    -------
    kpi_table, service_table : pandas.DataFrame
        As :func:`kpi_points` and :func:`service_credits` return them.
    """
    from scrutiny.score.scoring import score_frame

    scored = score_frame(kpi_months)
    kpi_table = kpi_points(scored, amber_fraction=amber_fraction, multipliers=multipliers,
                           blue_breaks_run=blue_breaks_run, keys=(*keys, "kpi_id"))
    totals = service_month_points(kpi_table, keys=(*keys, "service"))
    totals = totals.merge(volumes, on=[*keys, "service"], how="left", validate="many_to_one")
    return kpi_table, service_credits(totals, point_value_gbp=point_value_gbp,
                                      cap_fraction=cap_fraction)
