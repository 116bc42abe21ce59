"""Executor benchmark: ``scrutiny render`` on the local process pool and on Dask, 17 to 200 reports.

Usage::

    PYTHONPATH=lib python benchmarks/executors.py [--reports 17 50 200] [--executors local dask]

For each number of reports N, makes N period-report parameters files over copies of the
Lincolnshire CSS contract under new names (``scale-001``, ``scale-002``, ...: 12 reports per
copy, a contract the toolkit has never seen by name), then renders them all with each executor
into its own temporary outputs folder (``--jobs`` workers; Dask on a local cluster of as many
single-threaded workers). Prints wall seconds, reports per minute and seconds per report, then
ONE JSON line. Each (N, executor) pair runs once: the point is how cost grows with N.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scrutiny

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "data" / "lincolnshire-css"
PERIODS = [f"2015-{m:02d}" for m in range(7, 13)] + [f"2016-{m:02d}" for m in range(1, 7)]


def make_reports(root: Path, count: int) -> tuple[Path, Path]:
    """Write ``count`` parameters files over copies of the CSS contract; return (data, params)."""
    data, params = root / "data", root / "params"
    for index in range(-(-count // len(PERIODS))):
        name = f"scale-{index + 1:03d}"
        shutil.copytree(SOURCE, data / name)
        contract = data / name / "contract.yaml"
        text = contract.read_text(encoding="utf-8")
        contract.write_text(text.replace("contract: lincolnshire-css", f"contract: {name}", 1),
                            encoding="utf-8")
        (params / name).mkdir(parents=True)
        for period in PERIODS[: count - index * len(PERIODS)]:
            (params / name / f"{period}.yaml").write_text(
                f"report: period_report\ncontract: {name}\nperiod: {period}\n", encoding="utf-8")
    return data, params


def render(data: Path, params: Path, outputs: Path, executor: str, jobs: int) -> float:
    """Render every parameters file with ``executor``; return wall seconds."""
    env = dict(os.environ, SCRUTINY_DATA=str(data), SCRUTINY_PARAMS=str(params),
               SCRUTINY_OUTPUTS=str(outputs))
    library = str(Path(scrutiny.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [library, env.get("PYTHONPATH")]))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scrutiny", "render", "--all", "--jobs",
                           str(jobs), "--executor", executor, "--no-progress"], cwd=REPO,
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"executors: {executor} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[17, 50, 200])
    parser.add_argument("--executors", nargs="+", default=["local", "dask"],
                        choices=["local", "dask"])
    parser.add_argument("--jobs", type=int, default=2, help="workers (default 2)")
    args = parser.parse_args()
    rows = []
    print(f"{'reports':>7} {'executor':<8} {'seconds':>8} {'reports/min':>12} {'s/report':>9}",
          flush=True)
    for count in args.reports:
        with tempfile.TemporaryDirectory(prefix="executors-") as scratch:
            data, params = make_reports(Path(scratch), count)
            for executor in args.executors:
                seconds = render(data, params, Path(scratch) / f"out-{executor}", executor,
                                 args.jobs)
                rows.append({"reports": count, "executor": executor,
                             "seconds": round(seconds, 1),
                             "reports_per_minute": round(60 * count / seconds, 1),
                             "seconds_per_report": round(seconds / count, 2)})
                print(f"{count:7d} {executor:<8} {seconds:8.1f} {60 * count / seconds:12.1f} "
                      f"{seconds / count:9.2f}", flush=True)
    print(json.dumps({"jobs": args.jobs, "cores": os.cpu_count(), "runs": rows}))


if __name__ == "__main__":
    main()
