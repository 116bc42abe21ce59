"""Re-render benchmark: ``scrutiny render --all`` a second time with nothing changed.

Usage::

    PYTHONPATH=lib python benchmarks/rerender.py [--jobs 2]

Renders every parameters file under ``params/`` into a temporary outputs folder, then runs the
same command again, and checks that the second run rendered nothing and left every HTML file
as it was (same bytes, same modification time). Prints both wall times and their ratio, then
ONE JSON line. Goal: the second run in at most 15% of the first's time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scrutiny

REPO = Path(__file__).resolve().parents[1]
GOAL = 0.15


def render_all(outputs: Path, jobs: int) -> tuple[float, str]:
    """Run ``scrutiny render --all``; return wall seconds and its output."""
    env = dict(os.environ, SCRUTINY_OUTPUTS=str(outputs))
    library = str(Path(scrutiny.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [library, env.get("PYTHONPATH")]))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scrutiny", "render", "--all", "--jobs",
                           str(jobs), "--no-progress"], cwd=REPO, env=env, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"rerender: scrutiny render failed:\n{done.stdout}\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def pages(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every HTML file under ``root``: bytes and modification time in ns."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*.html"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="scrutiny render --jobs (default 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rerender-") as scratch:
        outputs = Path(scratch) / "outputs"
        first, _ = render_all(outputs, args.jobs)
        before = pages(outputs)
        second, output = render_all(outputs, args.jobs)
        untouched = pages(outputs) == before
    rendered = sum(line.startswith("ok ") for line in output.splitlines())
    ratio = second / first
    print(f"first run  {first:7.2f} s ({len(before) - 1} reports and the index)")
    print(f"second run {second:7.2f} s, {rendered} rendered, every HTML file untouched: "
          f"{untouched}")
    print(f"second / first: {ratio:.3f} (goal <= {GOAL})")
    print(json.dumps({"first_seconds": round(first, 2), "second_seconds": round(second, 2),
                      "ratio": round(ratio, 3), "rendered_again": rendered,
                      "html_untouched": untouched, "jobs": args.jobs, "cores": os.cpu_count(),
                      "goals_met": {"ratio_15pct": ratio <= GOAL and untouched
                                    and rendered == 0}}))


if __name__ == "__main__":
    main()
