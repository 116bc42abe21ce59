"""Scale benchmark: scoring + abatement of N synthetic KPI-months, against a naive baseline.

Usage::

    PYTHONPATH=lib python benchmarks/scale.py --kpi-months 10000000 [--naive-rows 20000]

Prints the figures, then ONE JSON line: kpi_months, seconds (scoring + abatement end to end,
generation excluded), peak_mb (the process's peak resident memory, input frames included),
naive_ratio (vectorised rows/s divided by naive rows/s), and the goals met (all on the first
call). ``warm_seconds`` is the median of ``--repeats`` further calls in the same process, and
``warm_naive_ratio`` its ratio: on a VM the first call also pays for the first touch of the memory
its outputs need (see docs/benchmarks.md), the repeats measure the engine's own work.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from naive import score_and_abate  # noqa: E402

from scrutiny.abate.abatement import abate_frame  # noqa: E402
from scrutiny.testing.synthetic import synthetic_contracts  # noqa: E402

TERMS = {"amber_fraction": 0.5, "multipliers": (1.0, 1.5, 2.0), "blue_breaks_run": True,
         "point_value_gbp": 100.0, "cap_fraction": 0.10}
GOAL_SECONDS, GOAL_MB, GOAL_RATIO = 10.0, 4096.0, 50.0


def peak_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_rows(frame):
    """The sample as plain tuples for the naive implementation."""
    status = frame["status"].astype(object).where(frame["status"].notna(), None)
    return list(zip(
        frame["contract"].astype(str), frame["kpi_id"].astype(str), frame["service"].astype(str),
        frame["month"].array.asi8.tolist(), status.tolist(), frame["number"].tolist(),
        frame["tsl"].tolist(), frame["msl"].tolist(), (frame["direction"] == "higher").tolist(),
        frame["glide_reason"].notna().tolist(), frame["allocation"].tolist(), strict=True))


def check_agreement(sample, volumes) -> float:
    """Run naive and vectorised on the sample, assert they agree, return naive seconds."""
    rows = naive_rows(sample)
    vols = {(str(c), str(s)): v for c, s, v in volumes.itertuples(index=False)}
    start = time.perf_counter()
    rags, points, credits = score_and_abate(rows, vols, **TERMS)
    seconds = time.perf_counter() - start
    kpi_table, service_table = abate_frame(sample, volumes, **TERMS)
    assert list(kpi_table["rag"]) == rags, "RAG differs between naive and vectorised"
    assert np.allclose(kpi_table["points"].to_numpy(), points), "points differ"
    vec = {(str(c), str(s), m.ordinal): (p, cr, cap) for c, s, m, p, cr, cap in zip(
        service_table["contract"], service_table["service"], service_table["month"],
        service_table["points"], service_table["credit"], service_table["cap"], strict=True)}
    assert vec.keys() == credits.keys(), "service-months differ"
    assert all(np.allclose(vec[k], credits[k]) for k in credits), "credits differ"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpi-months", type=int, required=True)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    start = time.perf_counter()
    data = synthetic_contracts(args.kpi_months, seed=args.seed)
    generated = time.perf_counter() - start
    print(f"generated {len(data.kpi_months):,} KPI-months "
          f"({data.kpi_months['contract'].nunique():,} contracts) in {generated:.2f} s")

    start = time.perf_counter()
    kpi_table, service_table = abate_frame(data.kpi_months, data.volumes, **TERMS)
    seconds = time.perf_counter() - start
    peak = peak_mb()
    rate = len(kpi_table) / seconds
    print(f"scoring + abatement: {seconds:.2f} s ({rate:,.0f} KPI-months/s), "
          f"{len(service_table):,} service-months, peak RSS {peak:,.0f} MB")
    print("RAG mix: " + ", ".join(f"{k} {v:.1%}" for k, v in
                                  kpi_table["rag"].value_counts(normalize=True).items()))
    print(f"service-months capped: {service_table['capped'].mean():.1%}")

    del kpi_table, service_table
    warm = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        abate_frame(data.kpi_months, data.volumes, **TERMS)
        warm.append(time.perf_counter() - start)
    warm_seconds = float(np.median(warm)) if warm else float("nan")
    print(f"repeat calls: {', '.join(f'{w:.2f}' for w in warm)} s")

    sample = data.kpi_months.iloc[: min(args.naive_rows, len(data.kpi_months))]
    naive_seconds = check_agreement(sample, data.volumes)
    naive_rate = len(sample) / naive_seconds
    ratio = rate / naive_rate
    print(f"naive pure Python on {len(sample):,} rows: {naive_seconds:.2f} s "
          f"({naive_rate:,.0f} rows/s); results agree; vectorised is {ratio:,.0f}x faster")
    warm_ratio = len(data.kpi_months) / warm_seconds / naive_rate
    print(json.dumps({
        "kpi_months": len(data.kpi_months), "seconds": round(seconds, 3), "peak_mb": round(peak, 1),
        "naive_ratio": round(ratio, 1), "rows_per_second": round(rate),
        "naive_rows": len(sample), "naive_seconds": round(naive_seconds, 3),
        "generate_seconds": round(generated, 3),
        "warm_seconds": round(warm_seconds, 3), "warm_naive_ratio": round(warm_ratio, 1),
        "goals_met": {"seconds": seconds < GOAL_SECONDS * len(data.kpi_months) / 10_000_000,
                      "peak_mb": peak < GOAL_MB, "naive_ratio": ratio >= GOAL_RATIO},
    }))


if __name__ == "__main__":
    main()
