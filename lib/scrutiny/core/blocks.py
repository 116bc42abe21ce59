"""Working through long arrays a block of rows at a time, so temporaries stay in cache."""

from __future__ import annotations


def row_blocks(n: int, size: int = 1 << 16) -> list[slice]:
    """Slices of ``size`` consecutive rows covering ``range(n)`` (64k rows: 512 KB of floats)."""
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]
