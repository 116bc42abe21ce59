"""PDF benchmark: ``scrutiny render`` with ``--pdf`` beside the same render HTML-only.

Usage::

    PYTHONPATH=lib python benchmarks/pdf.py [--repeats 2] [--jobs 2] [--reports 12]

Renders the first Lincolnshire CSS period report alone, then the first ``--reports`` of them as
one batch, each way (HTML only, and ``--pdf``), every run into a fresh temporary folder (never
``outputs/``) so every report is rendered. The ways alternate which goes first in each repeat, so
a noisy machine penalises neither. Each ``--pdf`` run must leave one non-empty PDF per report.
Then, apart from any render, the converter alone: one Chromium started in this process prints
the batch's HTML pages one after another (:class:`scrutiny.render.pdf.Printer`), timing the
start and each page. Prints wall seconds per run, the medians and what the PDFs add, then ONE
JSON line. Needs
Debian's chromium (``apt-get install chromium``) and the ``pdf`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scrutiny

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "params" / "lincolnshire-css"
WAYS = {"html": (), "pdf": ("--pdf",)}


class BenchmarkError(RuntimeError):
    """Raised when a render fails or a --pdf run leaves a report without its PDF."""


def environment(outputs: Path) -> dict[str, str]:
    """Return the subprocess environment: this checkout's library, outputs in ``outputs``."""
    env = dict(os.environ)
    library = str(Path(scrutiny.__file__).resolve().parents[1])
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != library]
    env.update(PYTHONPATH=os.pathsep.join([library, *rest]), SCRUTINY_OUTPUTS=str(outputs))
    return env


def render(files: list[Path], folder: Path, jobs: int, options: tuple[str, ...]) -> float:
    """Render ``files`` into ``folder``; return wall seconds, after checking the outputs."""
    command = [sys.executable, "-m", "scrutiny", "render", *map(str, files), "--jobs", str(jobs),
               "--no-progress", *options]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=environment(folder), capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchmarkError(f"scrutiny render {' '.join(options)} failed "
                             f"(exit {done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    for suffix in (".html", ".pdf") if "--pdf" in options else (".html",):
        made = [p for p in folder.glob(f"lincolnshire-css/*/period_report{suffix}")
                if p.stat().st_size > 0]
        if len(made) != len(files):
            raise BenchmarkError(f"expected {len(files)} {suffix} files, found {len(made)}")
    return seconds


def print_only(pages: list[Path]) -> dict:
    """Start one printer and print ``pages`` in turn; return start and per-page seconds."""
    from scrutiny.render.pdf import Printer

    started = time.perf_counter()
    with Printer() as printer:
        launched = time.perf_counter()
        each = []
        for page in pages:
            html = page.read_text(encoding="utf-8")
            one = time.perf_counter()
            printer.pdf(html)
            each.append(time.perf_counter() - one)
    return {"start_seconds": launched - started, "page_seconds": each}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs of each way (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="scrutiny render --jobs (default 2)")
    parser.add_argument("--reports", type=int, default=12,
                        help="first N Lincolnshire CSS periods in the batch (default 12)")
    args = parser.parse_args()
    files = sorted(PARAMS.glob("*.yaml"))[: args.reports]
    if len(files) != args.reports:
        raise BenchmarkError(f"asked for {args.reports} reports, {PARAMS} has {len(files)}")
    sizes = {"one": files[:1], "batch": files}
    seconds: dict[tuple[str, str], list[float]] = {}
    pdf_bytes: list[int] = []
    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as scratch:
        for repeat in range(args.repeats):
            order = list(WAYS) if repeat % 2 == 0 else list(reversed(WAYS))
            for size, chosen in sizes.items():
                for way in order:
                    folder = Path(scratch) / f"{size}-{way}-{repeat}"
                    taken = render(chosen, folder, args.jobs, WAYS[way])
                    seconds.setdefault((size, way), []).append(taken)
                    if way == "pdf":
                        pdf_bytes += [p.stat().st_size for p in folder.rglob("*.pdf")]
                    print(f"repeat {repeat + 1} {size:<5} {len(chosen):>2} reports {way:<4} "
                          f"{taken:7.1f} s", flush=True)
        converter = print_only(sorted(Path(scratch, "batch-html-0").glob(
            "lincolnshire-css/*/period_report.html")))
    med = {key: statistics.median(values) for key, values in seconds.items()}
    print(f"\n--jobs {args.jobs}, medians over {args.repeats} repeat(s)")
    print(f"{'':<7} {'reports':>7} {'HTML s':>8} {'+PDF s':>8} {'added s':>8} {'per report':>11}")
    for size, chosen in sizes.items():
        added = med[(size, "pdf")] - med[(size, "html")]
        print(f"{size:<7} {len(chosen):>7} {med[(size, 'html')]:8.1f} {med[(size, 'pdf')]:8.1f} "
              f"{added:8.1f} {added / len(chosen):11.2f}")
    page = statistics.median(converter["page_seconds"])
    print(f"converter alone: Chromium started in {converter['start_seconds']:.2f} s, then "
          f"{len(converter['page_seconds'])} pages printed in a median {page:.2f} s each "
          f"(max {max(converter['page_seconds']):.2f} s)")
    print(json.dumps({
        "reports": len(files), "jobs": args.jobs, "repeats": args.repeats,
        "one_html_seconds": round(med[("one", "html")], 2),
        "one_pdf_seconds": round(med[("one", "pdf")], 2),
        "batch_html_seconds": round(med[("batch", "html")], 2),
        "batch_pdf_seconds": round(med[("batch", "pdf")], 2),
        "runs": {f"{size}-{way}": [round(s, 2) for s in values]
                 for (size, way), values in seconds.items()},
        "converter_start_seconds": round(converter["start_seconds"], 2),
        "converter_page_seconds_median": round(page, 2),
        "pdf_kib_median": round(statistics.median(pdf_bytes) / 1024) if pdf_bytes else None,
        "cores": os.cpu_count(),
    }))


if __name__ == "__main__":
    try:
        main()
    except BenchmarkError as err:
        sys.exit(f"pdf: {err}")
