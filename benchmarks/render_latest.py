"""One report of your own contract: ``scrutiny render --contract SLUG --latest``, end to end.

Usage::

    PYTHONPATH=lib python benchmarks/render_latest.py [--repeats 5] [--kpis 12] [--months 6]

Sets up, untimed, a contract of ``--kpis`` monthly KPIs in a temporary data folder as a new user
would (``scrutiny new-contract`` from a schedule, then ``scrutiny ingest`` of one return holding
``--months`` months), renders its latest month once to warm the file cache, then times, in turn
(A B A B ...), ``python -c "import pandas"`` and ``scrutiny render --contract SLUG --latest
--force`` (``--force`` so that every run renders; without it a second run renders nothing). Each
render writes into a temporary outputs folder, never ``outputs/``. Prints the medians and their
ratio, then ONE JSON line. Goal: at most 5x ``import pandas``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from render_batch import environment, wall_seconds  # this checkout's library on PYTHONPATH

GOAL = 5.0
SLUG = "bench-own"
MONTHS = ["Apr-26", "May-26", "Jun-26", "Jul-26", "Aug-26", "Sep-26", "Oct-26", "Nov-26",
          "Dec-26", "Jan-27", "Feb-27", "Mar-27"]


def write_inputs(folder: Path, kpis: int, months: int) -> tuple[Path, Path]:
    """A KPI schedule and one wide return: a spread of Green, Amber and Red, a status word."""
    schedule, wide = folder / "schedule.csv", folder / "return.csv"
    with schedule.open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["kpi_id", "service", "description", "frequency", "tsl", "msl",
                       "direction", "unit"])
        for i in range(kpis):
            higher = i % 4 != 3
            rows.writerow([f"OWN_KPI_{i + 1:02d}", "WST" if i % 2 else "CLN",
                           f"KPI number {i + 1}", "M", 95 if higher else 5, 90 if higher else 10,
                           "higher" if higher else "lower", "percent"])
    with wide.open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["KPI", "KPI Short Desc", "Freq.", "TSL", "MSL", *MONTHS[:months]])
        for i in range(kpis):
            higher = i % 4 != 3
            values = [f"{(88 + (i * 7 + m * 3) % 12) if higher else (3 + (i + m) % 10):.2f}"
                      for m in range(months)]
            if i == 5:
                values[-1] = "Data not available"
            rows.writerow([f"OWN_KPI_{i + 1:02d}", f"KPI {i + 1}", "M", 95 if higher else 5,
                           90 if higher else 10, *values])
    return schedule, wide


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--kpis", type=int, default=12, help="KPIs in the contract (default 12)")
    parser.add_argument("--months", type=int, default=6, help="months held (default 6)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="render-latest-") as tmp:
        root = Path(tmp)
        env = {**environment(), "SCRUTINY_DATA": str(root / "data"),
               "SCRUTINY_OUTPUTS": str(root / "outputs"), "SOURCE_DATE_EPOCH": "1790000000"}
        (root / "data").mkdir()
        schedule, wide = write_inputs(root, args.kpis, args.months)
        scrutiny = [sys.executable, "-m", "scrutiny"]
        wall_seconds([*scrutiny, "new-contract", SLUG, "--schedule", str(schedule), "--title",
                      "Benchmark contract", "--council", "A Council", "--supplier", "A Supplier",
                      "--start", "2026-04-01", "--service", "WST=Waste collection", "--service",
                      "CLN=Street cleansing"], env, "render_latest")
        wall_seconds([*scrutiny, "ingest", "--contract", SLUG, str(wide)], env, "render_latest")
        commands = {
            "import pandas": [sys.executable, "-c", "import pandas"],
            "render --latest": [*scrutiny, "render", "--contract", SLUG, "--latest", "--force",
                                "--no-progress"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        loads = []  # 1-minute load average as each round starts: a shared machine
        for round_ in range(args.repeats + 1):
            loads.append(os.getloadavg()[0])
            for name, command in commands.items():
                seconds = wall_seconds(command, env, "render_latest")
                if round_:  # the first round warms the file cache and is not counted
                    times[name].append(seconds)
        html = sorted((root / "outputs").rglob("period_report.html"))
        if len(html) != 1 or not html[0].stat().st_size:
            sys.exit(f"render_latest: expected one period report, found {html}")
    medians = {name: statistics.median(v) for name, v in times.items()}
    ratio = medians["render --latest"] / medians["import pandas"]
    for name, values in times.items():
        print(f"{name:<16} median {medians[name]:7.3f} s  min {min(values):7.3f}  "
              f"max {max(values):7.3f}")
    print(f"ratio {ratio:.2f}x import pandas (goal <= {GOAL}x)")
    print(json.dumps({
        "kpis": args.kpis, "months": args.months, "repeats": args.repeats,
        "cores": os.cpu_count(), "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "ratio": round(ratio, 2), "runs": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "load_1min": [round(x, 1) for x in loads[1:]],
        "goals_met": {"ratio_5x": ratio <= GOAL},
    }))


if __name__ == "__main__":
    main()
