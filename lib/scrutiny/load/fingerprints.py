"""What a report used, fingerprinted: whole files, the months of a table it read, or absence.

A report is out of date when what it *used* changed, not when anything in its input files did.
A period report for June 2016 uses every month up to June 2016 (its year to date, trends and
abatement history) and nothing after it, so a return for July changes ``returns.csv`` but not
the June report. And a report *could* read files that did not exist when it was made (the first
``overrides.csv``, ``mitigation_reasons.csv`` or ``terms.yaml``): their absence is recorded too,
so their arrival makes it stale.

:func:`fingerprint` gives, for one file:

- ``None`` when the file does not exist (recorded as absent);
- with ``through`` a month (``YYYY-MM``) and a CSV table with a ``month`` column: the SHA-256 of
  its header and of the rows with ``month <= through``, written ``through YYYY-MM:<hex>``; with a
  ``from_month`` column (a decision over a range of months), the rows starting by then. A row
  whose month is not ``YYYY-MM`` is always kept (never silently ignored). A table with no such
  row, or an absent ``.csv``, is ``through YYYY-MM:none``: the first ``changes.csv`` or
  ``overrides.csv`` counts only when it holds a row up to the month;
- otherwise the SHA-256 of the whole file (hex).

:func:`matches` recomputes a recorded fingerprint the same way (the ``through`` month is part of
the recorded text), so the renderer and ``status`` need not know how a report chose its slice.

Layer ``load``: reads only; standard library only, so ``status`` stays quick.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from pathlib import Path

#: Columns that place a table's row in a month, in the order they are looked for.
MONTH_COLUMNS = ("month", "from_month")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
#: The fingerprint of a month-sliced table with no row up to the month, or absent altogether:
#: the same to a report (an optional table that is absent reads as empty).
NO_ROWS = "none"
_THROUGH = re.compile(r"^through (\d{4}-\d{2}):([0-9a-f]{64}|none)$")


def fingerprint(path: Path, through: str | None = None) -> str | None:
    """Fingerprint ``path`` as a report using the months up to ``through`` sees it.

    Parameters
    ----------
    path : pathlib.Path
        The input file.
    through : str, optional
        The last month (``YYYY-MM``) the report used; None: the whole file counts.

    Returns
    -------
    str or None
        ``through YYYY-MM:<sha256>`` for a table sliced by month (``through YYYY-MM:none``
        when it holds no row up to the month, or is an absent ``.csv``); None for another
        absent file; otherwise the hex SHA-256 of the whole file.
    """
    path = Path(path)
    if not path.is_file():
        return f"through {through}:{NO_ROWS}" if through and path.suffix == ".csv" else None
    stat = path.stat()
    return _fingerprint(str(path.resolve()), stat.st_size, stat.st_mtime_ns, through)


def matches(path: Path, recorded: str | None) -> bool:
    """Whether ``path`` still has the fingerprint ``recorded`` (None: still absent)."""
    found = _THROUGH.match(recorded or "")
    return fingerprint(path, found.group(1) if found else None) == recorded


@functools.lru_cache(maxsize=4096)
def _fingerprint(path: str, size: int, mtime_ns: int, through: str | None) -> str:
    data = Path(path).read_bytes()
    if through is None or not path.endswith(".csv"):
        return hashlib.sha256(data).hexdigest()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"),
                                       newline="")))
    header = rows[0] if rows else []
    column = next((header.index(c) for c in MONTH_COLUMNS if c in header), None)
    if column is None:
        return hashlib.sha256(data).hexdigest()
    kept = [header] + [row for row in rows[1:] if row and not (
        len(row) > column and _MONTH.match(row[column].strip())
        and row[column].strip() > through)]
    if len(kept) == 1:
        return f"through {through}:{NO_ROWS}"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(kept)
    return f"through {through}:{hashlib.sha256(buffer.getvalue().encode('utf-8')).hexdigest()}"
