"""Whether a rendered report is out of date with its inputs.

A report's provenance appendix prints the SHA-256 of every input file it read and the toolkit
version. The report is *stale* when any of its input files now has a different SHA-256 (or is
new), or the toolkit version changed. The notebook and parameters file count as inputs too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from scrutiny import __version__

_DIGEST = re.compile(r"\b[0-9a-f]{64}\b")


def is_stale(html: Path, inputs: Iterable[Path], *, version: str = __version__) -> bool:
    """True when ``html`` is missing, lacks an input's current SHA-256, or another version made it.

    Parameters
    ----------
    html : pathlib.Path
        The rendered report.
    inputs : iterable of pathlib.Path
        The data files the report reads (those that exist are checked).
    version : str
        The toolkit version now.
    """
    html = Path(html)
    if not html.is_file():
        return True
    text = html.read_text(encoding="utf-8", errors="replace")
    digests = set(_DIGEST.findall(text))
    current = {hashlib.sha256(p.read_bytes()).hexdigest() for p in map(Path, inputs) if p.is_file()}
    return not current <= digests or f"contract-scrutiny version {version}" not in text
