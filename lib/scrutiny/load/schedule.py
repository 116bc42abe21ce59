"""When each month's return is due, and which months a contract is scored over.

``contract.yaml`` may say when a return is due, as ``return_due: N working days`` (Monday to
Friday after the month ends; bank holidays are not known to the toolkit, so a council with one
in the window adds a day) or ``return_due: N days`` (calendar days after the month ends). Absent,
a return is due :data:`DEFAULT_RETURN_DUE` after its month.

A contract is scored over the months from ``scored_from`` (default: the month of
``service_commencement``) to the last month whose return is due by *today*, but never beyond
``scored_to`` (a contract that has ended, or a historic one held only in part). A month in that
span with no return at all is scored Red, "no return received", for every KPI expected in it;
months after it are scored only when a return for them has arrived.

*Today* is the real date unless the caller gives one, or ``SCRUTINY_TODAY`` (``YYYY-MM-DD``)
is set: how tests and a re-run of last month's pack fix the date.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

from scrutiny.exceptions import IngestError

#: What ``return_due`` means when ``contract.yaml`` does not say.
DEFAULT_RETURN_DUE = "10 working days"
#: ``return_due`` as written: a whole number of working days or calendar days after month end.
RETURN_DUE_PATTERN = r"^\s*(\d{1,2})\s+(working\s+days?|days?)(\s+after\s+month\s+end)?\s*$"
TODAY_VARIABLE = "SCRUTINY_TODAY"


def parse_return_due(text: str) -> tuple[int, bool]:
    """Return ``(days, working)`` from a ``return_due`` phrase such as ``10 working days``.

    Raises
    ------
    ValueError
        If the phrase is not ``N working days`` or ``N days`` (N from 0 to 99).
    """
    match = re.match(RETURN_DUE_PATTERN, text, flags=re.IGNORECASE)
    if not match:
        raise ValueError(f"return_due {text!r} is not 'N working days' or 'N days' "
                         "(after the month ends), e.g. '10 working days'")
    return int(match.group(1)), match.group(2).lower().startswith("working")


def due_date(month: pd.Period, return_due: str = DEFAULT_RETURN_DUE) -> date:
    """The date the return for ``month`` is due (a return on that date is on time)."""
    days, working = parse_return_due(return_due)
    month_end = month.end_time.date()
    if working:
        return np.busday_offset(month_end + timedelta(days=1), days - 1, roll="forward"
                                ).astype(date) if days else month_end
    return month_end + timedelta(days=days)


def today(given: date | None = None) -> date:
    """The date scoring treats as today: ``given``, else ``SCRUTINY_TODAY``, else the clock."""
    if given is not None:
        return given
    text = os.environ.get(TODAY_VARIABLE, "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise IngestError(f"{TODAY_VARIABLE}={text!r} is not a date; give YYYY-MM-DD or unset "
                          "it to use today's date") from None


def last_due_month(as_of: date, return_due: str = DEFAULT_RETURN_DUE) -> pd.Period:
    """The latest month whose return was due before ``as_of`` (its due date has passed)."""
    month = pd.Period(as_of, freq="M")
    while due_date(month, return_due) >= as_of:
        month -= 1
    return month


def scored_months(held: pd.PeriodIndex, *, start: pd.Period, end: pd.Period | None,
                  as_of: date, return_due: str = DEFAULT_RETURN_DUE) -> pd.PeriodIndex:
    """The months a contract is scored over: every month held, plus each overdue month.

    Parameters
    ----------
    held : pandas.PeriodIndex
        Months with at least one result.
    start, end : pandas.Period
        ``scored_from`` and ``scored_to`` (``end`` None: no stated end).
    as_of : datetime.date
        Today (see :func:`today`).
    return_due : str
        As :func:`parse_return_due` reads it.
    """
    last = last_due_month(as_of, return_due)
    if end is not None:
        last = min(last, end)
    due = pd.period_range(start, last, freq="M") if last >= start else pd.PeriodIndex([],
                                                                                        freq="M")
    return pd.PeriodIndex(sorted(set(held) | set(due)), freq="M")
