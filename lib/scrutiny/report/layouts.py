"""One Excel layout per table, whichever door writes it.

A table the toolkit returns (the exceptions register, scores, abatement, the terms, ratings)
carries its name in ``DataFrame.attrs`` (:func:`scrutiny.core.spreadsheet.tag_table`). Every
door that writes it to a workbook — ``write_workbook`` in Python, the CLI's ``--format xlsx``,
``scrutiny report --format xlsx`` — lays it out here: the sheet's name, which columns in which
order, and the heading of each (beside :data:`scrutiny.report.excel.HEADINGS`, which this
table's own headings override). Number formats, RAG fills, month dates and formula-safe text
are the writer's (:mod:`scrutiny.report.excel`), the same for every door.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.core.spreadsheet import PERIOD_ATTR, TABLE_ATTR
from scrutiny.insight.procurement import RATING_COLUMNS


@dataclass(frozen=True)
class Layout:
    """How one table looks in a workbook.

    Parameters
    ----------
    sheet : str
        The sheet's name; ``{month}`` is replaced by the table's month (``June 2016``).
    columns : tuple of str
        The columns shown, in order (a frame missing some shows the rest, in this order).
    headings : mapping of str to str
        Headings of this table that differ from :data:`scrutiny.report.excel.HEADINGS`.
    hidden : tuple of str
        Columns of the table left out of the sheet. A column named in neither (one a user
        added) follows the layout's columns.
    """

    sheet: str
    columns: tuple[str, ...]
    headings: Mapping[str, str] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()

    def arrange(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame``'s columns in this layout's order, hidden ones left out."""
        known = [c for c in self.columns if c in frame.columns]
        added = [c for c in frame.columns if c not in self.columns and c not in self.hidden]
        return frame[known + added]

    def sheet_name(self, frame: pd.DataFrame) -> str:
        """The sheet's name for ``frame`` (its month from its mark, else its ``month`` column)."""
        if "{month}" not in self.sheet:
            return self.sheet
        period = frame.attrs.get(PERIOD_ATTR)
        if period is None and "month" in frame and len(frame):
            period = frame["month"].iloc[0]
        return self.sheet.format(month=month_name(period)) if period is not None else \
            self.sheet.replace(" {month}", "")


_SERVICE = ("service", "month", "points", "credit", "cap", "capped", "uncapped_credit")

#: Every table's layout, by the name its frame carries.
LAYOUTS: dict[str, Layout] = {
    "exceptions": Layout("Exceptions {month}", (
        "kpi_id", "service", "description", "month", "rag", "value", "status", "tsl", "msl",
        "basis", "run_length", "reason", "reason_source", "override_reason", "unit",
        "unit_label", "comment")),
    "scores": Layout("Scores", (
        "kpi_id", "service", "description", "month", "value", "status", "rag", "tsl", "msl",
        "direction", "basis", "override_reason"),
        hidden=("unit", "unit_label", "glide_reason", "footnote", "frequency", "comment",
                "headroom_tsl", "headroom_msl")),
    "abatement_kpi": Layout("Abatement", (
        "kpi_id", "service", "description", "month", "rag", "run_length", "multiplier",
        "allocation", "base_points", "points", "basis")),
    "abatement_service": Layout("Abatement", _SERVICE),
    "abatement_month": Layout("Abatement", _SERVICE[1:]),
    "terms": Layout("Terms used", ("term", "value", "basis"),
                    {"term": "Term", "value": "Value used", "basis": "Source"}),
    "ratings": Layout("Ratings", tuple(RATING_COLUMNS)),
    "rating_counts": Layout("Counts", ("rating", "kpis")),
}


def layout_of(frame: pd.DataFrame) -> Layout | None:
    """The layout of the table ``frame`` is marked as, or None (an unmarked frame)."""
    return LAYOUTS.get(str(frame.attrs.get(TABLE_ATTR)))


def sheet_of(frame: pd.DataFrame) -> tuple[str | None, pd.DataFrame, Mapping[str, str]]:
    """``(sheet name or None, frame laid out, its own headings)`` for any frame."""
    layout = layout_of(frame)
    if layout is None:
        return None, frame, {}
    return layout.sheet_name(frame), layout.arrange(frame), layout.headings
