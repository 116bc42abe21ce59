"""Compare two rendered report sets: every HTML page byte-identical, or equal once whitespace
between tags and runs of whitespace are normalised.

Usage::

    SOURCE_DATE_EPOCH=1790000000 SCRUTINY_OUTPUTS=/tmp/before scrutiny render --all --jobs 2
    # ... change the code ...
    SOURCE_DATE_EPOCH=1790000000 SCRUTINY_OUTPUTS=/tmp/after scrutiny render --all --jobs 2
    python benchmarks/compare_renders.py /tmp/before /tmp/after

Prints one line per page (``identical``, ``same after normalising`` or ``DIFFERS`` with the first
differing normalised text) and exits 1 when any page differs or is missing on one side.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_BETWEEN_TAGS = re.compile(r">\s+<")
_SPACES = re.compile(r"\s+")


def normalise(page: str) -> str:
    """Drop whitespace between tags and collapse every other run of whitespace to one space."""
    return _SPACES.sub(" ", _BETWEEN_TAGS.sub("><", page)).strip()


def compare(before: Path, after: Path) -> list[tuple[str, str]]:
    """Return ``(page, verdict)`` for every HTML page under either folder, in path order."""
    pages = sorted({p.relative_to(root).as_posix() for root in (before, after)
                    for p in root.rglob("*.html")})
    verdicts = []
    for page in pages:
        old, new = before / page, after / page
        if not (old.exists() and new.exists()):
            verdicts.append((page, f"DIFFERS: only in {'before' if old.exists() else 'after'}"))
            continue
        old_bytes, new_bytes = old.read_bytes(), new.read_bytes()
        if old_bytes == new_bytes:
            verdicts.append((page, "identical"))
            continue
        a, b = normalise(old_bytes.decode("utf-8")), normalise(new_bytes.decode("utf-8"))
        if a == b:
            verdicts.append((page, "same after normalising"))
            continue
        at = next(i for i, (x, y) in enumerate(zip(a + "\0", b + "\0", strict=False)) if x != y)
        verdicts.append((page, f"DIFFERS at {at}: {a[at - 60:at + 60]!r} vs "
                               f"{b[at - 60:at + 60]!r}"))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    verdicts = compare(args.before, args.after)
    for page, verdict in verdicts:
        print(f"{verdict.split(':')[0]:<24} {page}" + (
            f"\n    {verdict}" if verdict.startswith("DIFFERS") else ""))
    differing = sum(v.startswith("DIFFERS") for _, v in verdicts)
    identical = sum(v == "identical" for _, v in verdicts)
    print(f"{len(verdicts)} pages: {identical} identical, "
          f"{len(verdicts) - identical - differing} same after normalising, {differing} differ")
    return 1 if differing or not verdicts else 0


if __name__ == "__main__":
    sys.exit(main())
