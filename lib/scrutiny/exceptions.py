"""Every error the toolkit raises on purpose, in one place.

Each message names where the problem is (file, row, column) and says how to fix it. The CLI prints
the message on one line and exits non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations


class ScrutinyError(Exception):
    """Raised when the toolkit refuses to go on; the base of every error below."""

    exit_code = 2


class InputValidationError(ScrutinyError):
    """Raised when an input table breaks its schema or a rule that ties tables together."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        line: int | None = None,
    ):
        self.file, self.row, self.column, self.hint = file, row, column, hint
        self.line = line  # a line of a text file such as YAML, where tables have rows
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = [part for part in (
            self.file,
            f"line {self.line}" if self.line is not None else None,
            f"row {self.row}" if self.row is not None else None,
            f"column '{self.column}'" if self.column else None,
        ) if part]
        text = (", ".join(where) + ": " if where else "") + self.detail
        return f"{text}. {self.hint}" if self.hint else text


class SetupError(InputValidationError):
    """Raised when a new contract's set-up breaks a rule: the slug, a name, a code or the schedule.

    Holds every problem found, one line each (file, row and column where the schedule is at
    fault); nothing has been written. Fix each line and run ``scrutiny new-contract`` again.
    """

    def __init__(self, problems: list[InputValidationError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.detail, file=first.file, row=first.row, column=first.column,
                         hint=first.hint)

    def _format(self) -> str:
        return "\n".join(InputValidationError._format(p) for p in self.problems)


class ProtectedFileError(ScrutinyError):
    """Raised when a command would write over a read-only file or into a contract's data folder.

    Read-only files are evidence (the store of returns) or files someone protected on purpose;
    the data folder is changed only by ``ingest``, ``override``, ``mitigate`` and
    ``new-contract``. Nothing has been written: choose another output path.
    """


class UnknownContractError(ScrutinyError):
    """Raised when no data folder exists for the contract, portfolio or service asked for."""


class UnsafeNameError(ScrutinyError):
    """Raised when a name that becomes a path (contract, council, file) could leave its folder."""


class MonthFormatError(ScrutinyError):
    """Raised when a month label cannot be read as a calendar month."""


class NoDataForPeriodError(ScrutinyError):
    """Raised when a report or command asks for a period that has no results."""


class ParameterError(ScrutinyError):
    """Raised when a parameters file is missing, has an unknown key or a value of the wrong type."""


class TermsError(ScrutinyError):
    """Raised when a contract's commercial terms (points, multipliers, volumes) are inconsistent."""


class IngestError(ScrutinyError):
    """Raised when a supplier return cannot be ingested; nothing has been written."""


class DecisionError(IngestError):
    """Raised when a council decision (mitigate, withdraw, override, glide, terms) cannot be
    recorded as given: months in the future or before the contract's start, a blank or over-long
    reason, nothing to withdraw, no name for who decided. The message says what to give instead;
    nothing has been written."""


class RenderError(ScrutinyError):
    """Raised when one or more reports failed to render; earlier outputs are left untouched."""


class PdfConverterError(ScrutinyError):
    """Raised when ``--pdf`` is asked for but no converter (playwright and a Chromium) is found.

    Checked before any report runs, so nothing is rendered; the message says how to get one.
    """


class ReportContentError(ScrutinyError):
    """Raised when an executed report notebook shows a traceback or output that is not HTML."""


class UnknownKpiError(ScrutinyError):
    """Raised when a KPI code names no KPI of the contract asked about."""


class NoticeError(ScrutinyError):
    """Raised when a contract performance notice would not validate against the OCDS schema."""


class EvidenceError(ScrutinyError):
    """Raised when a contract's store of returns no longer verifies (a stored return edited,
    deleted, swapped or unregistered, ``receipts.csv`` or ``returns.csv`` edited, a link out of
    the folder); the message names each problem on its own line. Restore the files from backup,
    or pass ``--accept-damage "reason"`` to go on (the reason is logged)."""


class ReportNotWrittenError(ScrutinyError):
    """Raised when a rendered report's files (downloads, notebook, HTML, manifest, render record)
    could not all be written, e.g. the disk is full; the message names what was written and
    what is missing. Free space (or fix the folder's permissions) and render again."""


class SelectionError(ScrutinyError):
    """Raised when the options of a render select no coherent set of reports (e.g. ``--latest``
    without ``--contract``); the message names the options to give instead."""
