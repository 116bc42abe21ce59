"""Batch render benchmark: ``scrutiny render --jobs N`` against papermill + nbconvert by hand.

Usage::

    PYTHONPATH=lib python benchmarks/render_batch.py [--repeats 2] [--jobs 2] [--reports 12]

Renders the Lincolnshire CSS period reports (``params/lincolnshire-css/*.yaml``, the first
``--reports`` of them) two ways, each into its own temporary folder (never ``outputs/``):

toolkit
    ``python -m scrutiny render <params files> --jobs N --no-progress`` as a subprocess, with
    ``SCRUTINY_OUTPUTS`` pointing at a temporary folder.
naive
    What an analyst would do without the toolkit, one report after another: the papermill CLI
    with the parameters the toolkit would inject (``load_params(...).notebook_parameters(...)``
    written to a YAML file, ``-f``) on the same kernel the toolkit picks
    (:func:`scrutiny.render.kernels.report_kernel`), then
    ``jupyter nbconvert --to html --no-input``.

Each way runs ``--repeats`` times, alternating which goes first so a noisy machine penalises
neither. Both must produce one HTML file per report, or the benchmark fails. Prints per-report
and total wall times and the ratio naive / toolkit (medians over repeats), then ONE JSON line.
Goal: the toolkit at least 10x faster than the naive sequence (issue 20; 5x in issue 12, 2x before).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

import scrutiny
from scrutiny.render.kernels import report_kernel
from scrutiny.report.params import display_path, load_params

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params" / "lincolnshire-css"
NOTEBOOK = REPO / "notebooks" / "period_report.ipynb"
GOAL_RATIO = 10.0
_SUMMARY_LINE = re.compile(r"^ok\s+(\S+)\s+([\d.]+)s$")


class BenchmarkError(RuntimeError):
    """Raised when either way fails or does not produce one HTML file per report."""


def environment(outputs: Path | None = None) -> dict[str, str]:
    """Return the subprocess environment: this checkout's library first on ``PYTHONPATH``."""
    env = dict(os.environ)
    library = str(Path(scrutiny.__file__).resolve().parents[1])
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != library]
    env["PYTHONPATH"] = os.pathsep.join([library, *rest])
    if outputs is not None:
        env["SCRUTINY_OUTPUTS"] = str(outputs)
    return env


def run(command: list[str], env: dict[str, str], what: str) -> str:
    """Run ``command`` from the repository root; raise with its output if it fails."""
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchmarkError(f"{what} failed (exit {done.returncode}):\n{done.stdout}\n"
                             f"{done.stderr[-3000:]}")
    return done.stdout


def wall_seconds(command: list[str], env: dict[str, str], what: str) -> float:
    """Run ``command`` once from the repository root (output discarded); return its wall
    seconds, or exit naming ``what`` and showing the command's error if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{what}: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds


def toolkit(files: list[Path], folder: Path, jobs: int) -> dict:
    """Render every file with ``scrutiny render``; return total and per-report seconds."""
    command = [sys.executable, "-m", "scrutiny", "render", *map(str, files),
               "--jobs", str(jobs), "--no-progress"]
    started = time.perf_counter()
    stdout = run(command, environment(folder), "scrutiny render")
    total = time.perf_counter() - started
    per_report = {}
    for line in stdout.splitlines():
        found = _SUMMARY_LINE.match(line.strip())
        if found:
            per_report[found.group(1).split("/")[-2]] = float(found.group(2))
    pages = sorted(folder.glob("lincolnshire-css/*/period_report.html"))
    expect_pages(pages, files, "toolkit")
    return {"seconds": total, "per_report": per_report}


def naive(files: list[Path], folder: Path, kernel_name: str) -> dict:
    """Render every file with the papermill CLI then the nbconvert CLI, one after another."""
    env = environment()
    per_report, pages = {}, []
    started = time.perf_counter()
    for path in files:
        period = path.stem
        parameters = folder / f"{period}.parameters.yaml"
        # Written untimed: an analyst would have this file ready (the toolkit's is its params file).
        values = load_params(path).notebook_parameters(params_file=display_path(path))
        parameters.write_text(yaml.safe_dump(values), encoding="utf-8")
        executed = folder / f"{period}.ipynb"
        one = time.perf_counter()
        run([sys.executable, "-m", "papermill", str(NOTEBOOK), str(executed), "-f",
             str(parameters), "-k", kernel_name, "--cwd", str(NOTEBOOK.parent),
             "--no-progress-bar", "--no-log-output"], env, f"papermill {period}")
        executed_at = time.perf_counter()
        run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--no-input",
             str(executed)], env, f"nbconvert {period}")
        done = time.perf_counter()
        per_report[period] = done - one
        per_report[f"{period}:papermill"] = executed_at - one
        pages.append(executed.with_suffix(".html"))
    total = time.perf_counter() - started
    expect_pages([p for p in pages if p.is_file()], files, "naive")
    return {"seconds": total, "per_report": per_report}


def expect_pages(pages: list[Path], files: list[Path], way: str) -> None:
    """Fail loudly unless there is one non-empty HTML file per parameters file."""
    pages = [p for p in pages if p.stat().st_size > 0]
    if len(pages) != len(files):
        raise BenchmarkError(f"{way}: expected {len(files)} HTML files, found {len(pages)}")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs of each way (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="scrutiny render --jobs (default 2)")
    parser.add_argument("--reports", type=int, default=12,
                        help="first N Lincolnshire CSS periods (default 12)")
    args = parser.parse_args()

    files = sorted(PARAMS.glob("*.yaml"))[: args.reports]
    if len(files) != args.reports:
        raise BenchmarkError(f"asked for {args.reports} reports, {PARAMS} has {len(files)}")
    runs: dict[str, list[dict]] = {"toolkit": [], "naive": []}
    loads: list[float] = []  # 1-minute load average as each run starts: a shared machine
    with tempfile.TemporaryDirectory(prefix="render-batch-") as scratch, \
            report_kernel() as kernel_name:
        for repeat in range(args.repeats):
            order = ("toolkit", "naive") if repeat % 2 == 0 else ("naive", "toolkit")
            for way in order:
                folder = Path(scratch) / f"{way}-{repeat}"
                folder.mkdir()
                loads.append(os.getloadavg()[0])
                result = (toolkit(files, folder, args.jobs) if way == "toolkit"
                          else naive(files, folder, kernel_name))
                runs[way].append(result)
                print(f"repeat {repeat + 1} {way:<7} {result['seconds']:7.1f} s", flush=True)

    print(f"\nkernel: {kernel_name}; toolkit --jobs {args.jobs}; per-report seconds are medians "
          f"over {args.repeats} repeat(s); toolkit reports overlap across its workers")
    print(f"{'period':<9} {'toolkit s':>10} {'naive s':>9} {'(papermill':>11} {'nbconvert)':>11}")
    for path in files:
        period = path.stem
        tool = median([r["per_report"].get(period, float("nan")) for r in runs["toolkit"]])
        slow = median([r["per_report"][period] for r in runs["naive"]])
        paper = median([r["per_report"][f"{period}:papermill"] for r in runs["naive"]])
        print(f"{period:<9} {tool:10.1f} {slow:9.1f} {paper:11.1f} {slow - paper:11.1f}")
    toolkit_seconds = median([r["seconds"] for r in runs["toolkit"]])
    naive_seconds = median([r["seconds"] for r in runs["naive"]])
    ratio = naive_seconds / toolkit_seconds
    print(f"{'total':<9} {toolkit_seconds:10.1f} {naive_seconds:9.1f}")
    print(f"speed-up (naive / toolkit): {ratio:.2f}x (goal {GOAL_RATIO:.0f}x)")
    print(json.dumps({
        "reports": len(files), "jobs": args.jobs, "repeats": args.repeats,
        "toolkit_seconds": round(toolkit_seconds, 2), "naive_seconds": round(naive_seconds, 2),
        "ratio": round(ratio, 2),
        "toolkit_runs": [round(r["seconds"], 2) for r in runs["toolkit"]],
        "naive_runs": [round(r["seconds"], 2) for r in runs["naive"]],
        "ratios": [round(n["seconds"] / t["seconds"], 2)
                   for t, n in zip(runs["toolkit"], runs["naive"], strict=True)],
        "kernel": kernel_name, "cores": os.cpu_count(),
        "load_1min": [round(x, 1) for x in loads],
        "goals_met": {f"ratio_{GOAL_RATIO:g}x": ratio >= GOAL_RATIO},
    }))


if __name__ == "__main__":
    try:
        main()
    except BenchmarkError as err:
        sys.exit(f"render_batch: {err}")
