"""Start-up benchmark: how long ``scrutiny`` commands take, beside ``python -c "import pandas"``.

Usage::

    PYTHONPATH=lib python benchmarks/startup.py [--repeats 7]

Runs each command ``--repeats`` times as a whole process, in turn (A B C A B C ...), after one
untimed warm-up round, and prints median wall seconds and each command's ratio to importing
pandas, measured in the same run so a busy machine slows every command alike. Then ONE JSON
line. Goals: ``scrutiny --help`` at most 0.6x, ``scrutiny summary`` at most 1.5x (issue 20; the
warm-up round leaves the scored-contract cache in place, as a user's first call does; ``summary
(no cache)`` is the same command with ``SCRUTINY_CACHE=off``, for comparison).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

from render_batch import environment, wall_seconds  # this checkout's library on PYTHONPATH

GOALS = {"help": 0.6, "summary": 1.5}
COMMANDS = {
    "import pandas": [sys.executable, "-c", "import pandas"],
    "help": [sys.executable, "-m", "scrutiny", "--help"],
    "summary": [sys.executable, "-m", "scrutiny", "summary", "--contract", "lincolnshire-css"],
    "summary (no cache)": ["env", "SCRUTINY_CACHE=off", sys.executable, "-m", "scrutiny",
                           "summary", "--contract", "lincolnshire-css"],
    "render --help": [sys.executable, "-m", "scrutiny", "render", "--help"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each (default 7)")
    args = parser.parse_args()
    env = environment()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for round_ in range(args.repeats + 1):
        for name, command in COMMANDS.items():
            seconds = wall_seconds(command, env, "startup")
            if round_:  # the first round warms the file cache and is not counted
                times[name].append(seconds)
    base = statistics.median(times["import pandas"])
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratios = {name: medians[name] / base for name in COMMANDS}
    print(f"{'command':<19} {'median s':>9} {'min s':>7} {'max s':>7} {'x pandas':>9} goal")
    for name in COMMANDS:
        goal = f"<= {GOALS[name]}x" if name in GOALS else ""
        print(f"{name:<19} {medians[name]:9.3f} {min(times[name]):7.3f} {max(times[name]):7.3f} "
              f"{ratios[name]:9.2f} {goal}")
    print(json.dumps({
        "repeats": args.repeats, "cores": os.cpu_count(),
        "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "ratio_to_import_pandas": {k: round(v, 2) for k, v in ratios.items()},
        "goals_met": {k: ratios[k] <= goal for k, goal in GOALS.items()},
    }))


if __name__ == "__main__":
    main()
