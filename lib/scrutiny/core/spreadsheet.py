"""Text that a person opens in a spreadsheet: never let it start a formula (OWASP CSV injection).

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula. Every CSV and Excel writer passes user text through
:func:`defuse` so that a KPI description, a reason or a file name is shown, never run. Every CSV
reader passes cells through :func:`restore`, its exact inverse, so the toolkit itself always
works with the words as given (a notice's JSON, a report's HTML), never with the apostrophe.
"""

from __future__ import annotations

import re

#: A plain number written as text ("-3.5", "+2", "1e-3"): a spreadsheet reads it as that number,
#: never as a formula, so it is left alone (programs reading the CSV still get numbers).
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> object:
    """Return ``value`` with a leading apostrophe if it is text that would start a formula.

    Numbers (including negative ones, and plain numbers written as text such as ``"-3.5"``) and
    everything that is not a ``str`` pass through unchanged. The apostrophe is what Excel itself
    uses to mark a cell as text.

    Examples
    --------
    >>> defuse("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> defuse("-3.5"), defuse(-3.5), defuse("-2+3"), defuse("Mitigation Agreed")
    ('-3.5', -3.5, "'-2+3", 'Mitigation Agreed')
    """
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.match(value)):
        return "'" + value
    return value


def restore(value: object) -> object:
    """Undo :func:`defuse`: ``"'=1+2"`` -> ``"=1+2"``; anything :func:`defuse` would not have
    made is returned unchanged (``"'-3.5"``, ``"'quoted'"``).

    Examples
    --------
    >>> restore("'=1+2 C04.csv"), restore("'-3.5"), restore("plain"), restore(5)
    ('=1+2 C04.csv', "'-3.5", 'plain', 5)
    """
    if isinstance(value, str) and value.startswith("'") and defuse(value[1:]) == value:
        return value[1:]
    return value


#: ``DataFrame.attrs`` key naming which toolkit table a frame is ("exceptions", "scores", ...):
#: every door that writes it to Excel lays it out by that name (``scrutiny.report.layouts``).
TABLE_ATTR = "scrutiny_table"
#: ``DataFrame.attrs`` key of the month a table is of (the exceptions register's period).
PERIOD_ATTR = "scrutiny_period"


def tag_table(frame, table: str, period: object = None):
    """Return ``frame`` (a shallow copy) marked as the toolkit table ``table``.

    The mark travels with the frame through selections and filters (``DataFrame.attrs``), so
    ``write_workbook`` gives it the same sheet name, column order, headings and formats as the
    CLI's ``--format xlsx`` and ``scrutiny report --format xlsx``.
    """
    out = frame.copy(deep=False)
    out.attrs = {**frame.attrs, TABLE_ATTR: table,
                 **({PERIOD_ATTR: period} if period is not None else {})}
    return out
