"""Realistic synthetic KPI contracts for scale tests and benchmarks.

Many councils, each with ``kpis_per_contract`` monthly KPIs over ``months`` months. Each KPI has
its own thresholds, direction (a quarter are lower-is-better counts/rates) and performance level,
so results spread across Green, Amber and Red much as the seed contracts do; returns have gaps
(status words: data not available, data not agreed, blank cells, not measured), runs of agreed
mitigation, initial glide periods (value recorded, scored Blue) and threshold overrides.

The frames carry exactly the columns :func:`scrutiny.score.scoring.score_frame` reads, plus
``contract``, ``kpi_id``, ``service``, ``month`` and ``allocation`` for
:func:`scrutiny.abate.abatement.kpi_points`.
Identifier columns are categorical and months are ``Period[M]``, as a loader would give them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scrutiny.core.statuses import (
    BLANK,
    DATA_NOT_AGREED,
    DATA_NOT_AVAILABLE,
    MITIGATION_AGREED,
    NOT_MEASURED,
    STATUS_WORDS,
)

SERVICES = ["PM", "IMT", "CSC", "ACF", "F"]
GLIDE_REASON = "initial glide period"
OVERRIDE_REASON = "TSL lowered by agreement"
#: Probability of each status word in an ordinary month (the rest are numbers).
GAP_RATES = {DATA_NOT_AVAILABLE: 0.02, DATA_NOT_AGREED: 0.005, BLANK: 0.005, NOT_MEASURED: 0.005}


@dataclass(frozen=True)
class SyntheticContracts:
    """Synthetic KPI-months and the service volumes that go with them.

    Attributes
    ----------
    kpi_months : pandas.DataFrame
        ``contract, kpi_id, service, month, status, number, tsl, msl, direction,
        glide_reason, override_reason, allocation``, sorted by contract, KPI and month.
    volumes : pandas.DataFrame
        ``contract, service, monthly_volume_gbp``.
    """

    kpi_months: pd.DataFrame
    volumes: pd.DataFrame


def synthetic_contracts(
    kpi_months: int,
    *,
    kpis_per_contract: int = 60,
    months: int = 120,
    start: str = "2015-04",
    seed: int = 0,
) -> SyntheticContracts:
    """Generate ``kpi_months`` rows of synthetic contracts.

    Parameters
    ----------
    kpi_months : int
        Rows wanted; whole contracts are generated and the last one is cut short.
    kpis_per_contract, months : int
        Shape of one contract (KPIs share its months).
    start : str
        First month, ``YYYY-MM``.
    seed : int
        Random seed; the same arguments give the same frames.
    """
    rng = np.random.default_rng(seed)
    per_contract = kpis_per_contract * months
    n_contracts = max(1, -(-kpi_months // per_contract))
    n_kpis = n_contracts * kpis_per_contract
    kpi = _kpi_attributes(rng, n_kpis, kpis_per_contract)

    kpi_index = np.repeat(np.arange(n_kpis, dtype=np.int32), months)[:kpi_months]
    month_index = np.tile(np.arange(months, dtype=np.int32), n_kpis)[:kpi_months]
    n = len(kpi_index)

    # Full-length arrays are built in place and per-KPI arrays narrowed before indexing: at 10
    # million rows every temporary is 40-80 MB, and they set the benchmark's peak memory.
    up = kpi["higher"][kpi_index]
    number = kpi["trend"][kpi_index] * month_index  # float64
    number += kpi["level"][kpi_index]
    noise = rng.standard_normal(n, dtype=np.float32)
    noise *= kpi["spread"][kpi_index]
    number += noise
    del noise
    np.maximum(number, 0.0, out=number)
    np.minimum(number, 100.0, out=number, where=kpi["percent"][kpi_index])
    np.round(number, 2, out=number)

    status_code = _status_codes(rng, n, kpi_index, month_index, kpi)
    number[status_code >= 0] = np.nan  # a status word stands in place of the number

    glide = month_index < kpi["glide_months"].astype(np.int32)[kpi_index]
    override_from = kpi["override_from"].astype(np.int32)[kpi_index]
    override = (month_index >= override_from) & (month_index < override_from + 3)
    del override_from
    tsl = kpi["tsl"][kpi_index]
    msl = kpi["msl"][kpi_index]
    eased_tsl = np.where(kpi["higher"], np.maximum(kpi["tsl"] - 5, kpi["msl"]),
                         np.minimum(kpi["tsl"] + 2, kpi["msl"]))
    tsl[override] = eased_tsl[kpi_index[override]]
    month_ordinal = month_index.astype(np.int64)
    month_ordinal += pd.Period(start, freq="M").ordinal

    contract_names = [f"council-{i:05d}" for i in range(n_contracts)]
    kpi_names = [f"{SERVICES[s]}_KPI_{k:02d}" for s, k in
                 zip(kpi["service"][:kpis_per_contract], kpi["number"][:kpis_per_contract],
                     strict=True)]
    frame = pd.DataFrame({
        "contract": pd.Categorical.from_codes(kpi_index // kpis_per_contract, contract_names),
        "kpi_id": pd.Categorical.from_codes(kpi_index % kpis_per_contract, kpi_names),
        "service": pd.Categorical.from_codes(kpi["service"][kpi_index], SERVICES),
        "month": pd.arrays.PeriodArray(month_ordinal, dtype="period[M]"),
        "status": pd.Categorical.from_codes(status_code, _WORDS),
        "number": number,
        "tsl": tsl,
        "msl": msl,
        "direction": pd.Categorical.from_codes((~up).astype(np.int8), ["higher", "lower"]),
        "glide_reason": pd.Categorical.from_codes(np.where(glide, 0, -1).astype(np.int8),
                                                  [GLIDE_REASON]),
        "override_reason": pd.Categorical.from_codes(np.where(override, 0, -1).astype(np.int8),
                                                     [OVERRIDE_REASON]),
        "allocation": kpi["allocation"][kpi_index],
    }, copy=False)  # copy=False: no consolidation copy of the float columns
    volumes = pd.DataFrame({
        "contract": pd.Categorical(np.repeat(contract_names, len(SERVICES)), contract_names),
        "service": pd.Categorical(np.tile(SERVICES, n_contracts), SERVICES),
        "monthly_volume_gbp": rng.integers(50, 800, n_contracts * len(SERVICES)) * 1000.0,
    })
    return SyntheticContracts(frame, volumes)


_WORDS = list(STATUS_WORDS)


def _kpi_attributes(rng: np.random.Generator, n_kpis: int, per_contract: int) -> dict:
    """Thresholds, direction, performance and relief windows of each KPI."""
    higher = rng.random(n_kpis) >= 0.25
    percent = higher | (rng.random(n_kpis) < 0.5)
    tsl_up = rng.choice([85.0, 90.0, 95.0, 99.0, 100.0], n_kpis)
    gap_up = rng.choice([0.0, 2.0, 5.0, 10.0], n_kpis)
    tsl_down = rng.choice([1.0, 3.0, 5.0, 7.0, 15.0], n_kpis)
    gap_down = rng.choice([2.0, 3.0, 5.0], n_kpis)
    tsl = np.where(higher, tsl_up, tsl_down)
    msl = np.where(higher, tsl_up - gap_up, tsl_down + gap_down)
    # Most KPIs sit just on the good side of TSL; a few struggle for long stretches.
    struggling = rng.random(n_kpis) < 0.15
    margin = np.where(struggling, -rng.uniform(2, 8, n_kpis), rng.uniform(0, 3, n_kpis))
    level = np.where(higher, tsl + margin, np.maximum(tsl - margin, 0))
    spread = rng.uniform(0.3, 3.0, n_kpis).astype(np.float32)
    slot = np.arange(n_kpis) % per_contract
    service = (slot * len(SERVICES) // per_contract).astype(np.int8)
    first_slot = (service.astype(np.int64) * per_contract + len(SERVICES) - 1) // len(SERVICES)
    number = slot - first_slot + 1
    mitigated = rng.random(n_kpis) < 0.10
    return {
        "higher": higher, "percent": percent, "tsl": tsl, "msl": msl,
        "level": level.astype(np.float32),
        "trend": rng.normal(0, 0.01, n_kpis).astype(np.float32),
        "spread": spread, "service": service, "number": number,
        "allocation": rng.integers(10, 31, n_kpis).astype(np.float64),
        "glide_months": np.where(rng.random(n_kpis) < 0.3, 3, 0),
        "override_from": np.where(rng.random(n_kpis) < 0.05, rng.integers(0, 100, n_kpis),
                                  10**6),
        "mitigation_from": np.where(mitigated, rng.integers(0, 110, n_kpis), 10**6),
        "mitigation_months": rng.integers(3, 10, n_kpis),
    }


def _status_codes(rng: np.random.Generator, n: int, kpi_index: np.ndarray,
                  month_index: np.ndarray, kpi: dict) -> np.ndarray:
    """Category code of each KPI-month's status word (-1 for a number)."""
    draw = rng.random(n, dtype=np.float32)
    codes = np.full(n, -1, dtype=np.int8)
    edge = 0.0
    for word, rate in GAP_RATES.items():
        codes[(draw >= edge) & (draw < edge + rate)] = _WORDS.index(word)
        edge += rate
    start = kpi["mitigation_from"].astype(np.int32)[kpi_index]
    in_mitigation = month_index >= start
    start += kpi["mitigation_months"].astype(np.int32)[kpi_index]
    in_mitigation &= month_index < start
    codes[in_mitigation] = _WORDS.index(MITIGATION_AGREED)
    return codes
