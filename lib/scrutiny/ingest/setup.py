"""Setting up a council's own contract from its KPI schedule (``scrutiny new-contract``).

The schedule is a CSV (UTF-8) or ``.xlsx`` file with the columns of ``kpis.csv``: ``kpi_id,
service, description, frequency, tsl, msl, direction, unit`` and, optionally, ``effective_from``
and ``effective_to`` (a blank or absent ``effective_from`` means the service commencement month)
and ``unit_label``. ``frequency`` is ``M``, ``Q`` or ``A``; ``unit`` one of
:data:`scrutiny.core.units.UNITS`. It is checked exactly as ``kpis.csv`` is (schema, unique
codes, known services, TSL/MSL against the direction and within the unit's range); every error
names the schedule's file, row and column.

The new folder is built and loaded in full in a hidden staging folder beside it, then renamed
into place: a refused schedule leaves nothing behind, and an existing contract is never touched.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from scrutiny.config import data_root as default_data_root
from scrutiny.core.months import month_label
from scrutiny.core.spreadsheet import defuse
from scrutiny.core.text import one_line, unsafe_characters
from scrutiny.exceptions import IngestError, InputValidationError, SetupError
from scrutiny.load.contract import load_contract, quarter_ends
from scrutiny.load.folder import CONTRACT_FILE, KPIS_FILE
from scrutiny.load.schemas import KPIS

#: A contract slug: lower-case ASCII letters, digits and hyphens, starting with a letter or digit;
#: it becomes a folder name, so ``..``, a leading dot, ``/``, spaces and newlines are impossible.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
#: A KPI or service code: ASCII letters, digits, ``_`` and ``-`` (no look-alike letters, no
#: zero-width or bidi characters, nothing that leaves a folder). Codes are unique ignoring case.
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
#: What the messages say a code may hold.
CODE_RULE = "ASCII letters, digits, '_' and '-' (up to 40, starting with a letter or digit)"


def check_slug(slug: str, root: Path) -> Path:
    """Return ``root/slug`` for a new contract; refuse a slug that escapes ``root`` or exists."""
    if not SLUG.fullmatch(slug):
        raise IngestError(f"contract name '{one_line(slug)}' is not allowed: use lower-case "
                          "letters, digits and hyphens only (e.g. north-council-waste); it "
                          "becomes a folder under data/")
    folder = root / slug
    if folder.exists():
        raise IngestError(f"{slug}: a contract of that name already exists under "
                          f"{root.name}/; choose another name (nothing was changed)")
    return folder


def name_problems(names: dict[str, str]) -> list[InputValidationError]:
    """One problem per option (``--title`` ...) that is blank or holds a control character."""
    problems = []
    for option, value in names.items():
        bad = unsafe_characters(value)
        if bad:
            problems.append(InputValidationError(
                f"{option} holds control or format character(s) {', '.join(bad)}",
                hint="write it on one line, as plain text"))
        elif not value.strip():
            problems.append(InputValidationError(f"{option} is blank", hint="give the name"))
    return problems


def parse_services(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Read ``CODE=NAME`` pairs (``--service``) into an ordered mapping."""
    services: dict[str, str] = {}
    for pair in pairs:
        code, sep, name = pair.partition("=")
        code, name = code.strip(), name.strip()
        if not sep or not CODE.fullmatch(code) or not name:
            raise IngestError(f"--service '{one_line(pair)}': write CODE=NAME, the code in "
                              f"{CODE_RULE}, e.g. --service WST='Waste collection'")
        if code.casefold() in {c.casefold() for c in services}:
            raise IngestError(f"--service {code} is given twice; give each service once")
        services[code] = name
    return services


def parse_year_end_month(text: str | int | None) -> int | None:
    """``--year-end-month``: the contract year's last month, 1-12 (``None``: the default)."""
    if text is None:
        return None
    value = str(text).strip()
    if not value.isdigit() or not 1 <= int(value) <= 12:
        raise IngestError(f"--year-end-month '{one_line(value)}': give the contract year's last "
                          "month as a number, 1 (January) to 12 (December), e.g. 3 for March")
    return int(value)


def parse_quarter_end_months(text: str | None) -> tuple[int, ...] | None:
    """``--quarter-end-months 3,6,9,12``: four months, three apart (``None``: the default)."""
    if text is None:
        return None
    parts = [p.strip() for p in str(text).split(",")]
    try:
        if not all(p.isdigit() for p in parts):
            raise ValueError(text)
        return quarter_ends(int(p) for p in parts)
    except ValueError:
        raise IngestError(f"--quarter-end-months '{one_line(str(text))}': give four month "
                          "numbers three apart, separated by commas, e.g. 3,6,9,12 or "
                          "2,5,8,11") from None


def new_contract(slug: str, schedule: Path, *, title: str, council: str, supplier: str,
                 start: date, services: dict[str, str] | None = None,
                 data_root: Path | None = None, year_end_month: int | None = None,
                 quarter_end_months: tuple[int, ...] | None = None) -> Path:
    """Create ``data/<slug>/`` (``contract.yaml`` and ``kpis.csv``) from a KPI schedule.

    Parameters
    ----------
    slug : str
        Folder name of the new contract.
    schedule : pathlib.Path
        The KPI schedule, ``.csv`` or ``.xlsx``.
    title, council, supplier : str
        As printed on reports.
    start : datetime.date
        Service commencement; KPIs without ``effective_from`` are in force from its month.
    services : dict, optional
        Service code -> name in report order; default: the schedule's codes, named by code.
    data_root : pathlib.Path, optional
        Folder holding the contract folders (default ``SCRUTINY_DATA`` or the repo's ``data/``).
    year_end_month : int, optional
        Last month of the contract year (1-12), when annual KPIs are due; written to
        ``contract.yaml`` only when given (default: the month before ``start``'s month).
    quarter_end_months : tuple of int, optional
        The four months (three apart) quarterly KPIs are due in; written only when given
        (default March, June, September, December).

    Returns
    -------
    pathlib.Path
        The new contract folder.

    Raises
    ------
    IngestError
        The slug is not allowed or exists, or a ``--service`` is malformed.
    InputValidationError
        The schedule breaks a rule; names the schedule file, row and column.
    """
    from scrutiny.ingest.returns import read_return  # one reader for CSV and Excel inputs

    root = Path(data_root) if data_root is not None else default_data_root()
    folder = check_slug(slug, root)
    schedule = Path(schedule)
    if not schedule.is_file():
        raise IngestError(f"{schedule}: schedule file not found")
    table = _schedule_table(read_return(schedule), start)
    services = dict(services or {}) or {code: code for code in dict.fromkeys(table["service"])}
    names = {"--title": title, "--council": council, "--supplier": supplier,
             **{f"--service {code}": name for code, name in services.items()}}
    problems = name_problems(names) + schedule_problems(table, schedule.name)
    if problems:
        raise SetupError(problems)
    info = {"contract": slug, "title": title, "council": council, "supplier": supplier,
            "service_commencement": start, "services": services}
    if year_end_month is not None:
        info["year_end_month"] = int(year_end_month)
    if quarter_end_months is not None:
        info["quarter_end_months"] = [int(m) for m in quarter_end_months]
    root.mkdir(parents=True, exist_ok=True)
    # Built under a hidden folder beside the contracts, loaded from there, then renamed into place.
    staging_root = Path(tempfile.mkdtemp(prefix=f".new-{slug}-", dir=root))
    staging = staging_root / slug
    try:
        staging.mkdir()
        (staging / CONTRACT_FILE).write_text(contract_yaml(info), encoding="utf-8")
        table.map(defuse).to_csv(staging / KPIS_FILE, index=False, lineterminator="\n")
        try:
            load_contract(slug, staging_root)
        except InputValidationError as err:
            if err.file != KPIS_FILE:
                raise
            raise InputValidationError(err.detail, file=schedule.name, row=err.row,
                                       column=err.column, hint=err.hint) from None
        staging.rename(folder)  # refused if a folder of that name appeared meanwhile
    except OSError as err:
        raise IngestError(f"{slug}: could not create the contract folder ({err.strerror}); "
                          "nothing was written") from None
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    return folder


def _schedule_table(text: pd.DataFrame, start: date) -> pd.DataFrame:
    """The schedule's columns in ``kpis.csv`` order, blank effective dates filled."""
    text = text.rename(columns=lambda c: str(c).strip())
    first = month_label(pd.Period(start, freq="M"))
    if "effective_from" not in text:
        text["effective_from"] = first
    text["effective_from"] = text["effective_from"].where(text["effective_from"].str.strip() != "",
                                                          first)
    if "effective_to" not in text:
        text["effective_to"] = ""
    known = [c for c in KPIS.columns if c in text]
    extra = [c for c in text.columns if c not in KPIS.columns]
    return text[known + extra].map(lambda v: v.strip() if isinstance(v, str) else v)


def contract_yaml(info: dict[str, object]) -> str:
    """``contract.yaml`` text for ``info``, written by the YAML library and read back to prove it.

    No user text is ever formatted into the file by hand (a title holding a newline and
    ``ocid: ...`` must stay a title, not become a key).
    """
    text = ("# Set up with `scrutiny new-contract`; the names below are as given.\n"
            + yaml.safe_dump(info, sort_keys=False, allow_unicode=True))
    if yaml.safe_load(text) != info:  # a round trip that changed anything would be a bug here
        raise IngestError(f"{CONTRACT_FILE} would not read back as written; nothing was written")
    return text


def schedule_problems(table: pd.DataFrame, file: str) -> list[InputValidationError]:
    """Every rule of a KPI schedule beyond ``kpis.csv``'s schema, one problem per cell.

    At least one KPI; each ``kpi_id`` and ``service`` a :data:`CODE`; KPI codes unique ignoring
    case (``WST_KPI_01`` and ``wst_kpi_01`` would be one KPI to a reader).
    """
    if table.empty:
        return [InputValidationError("the schedule has no KPI rows", file=file, row=2,
                                     hint="add one row per KPI under the header")]
    problems = []
    seen: dict[str, int] = {}
    for i, row in enumerate(table.itertuples(index=False), start=2):
        for column in ("kpi_id", "service"):
            value = str(getattr(row, column, ""))
            if not CODE.fullmatch(value):
                bad = unsafe_characters(value)
                why = (f"holds control or format character(s) {', '.join(bad)}" if bad
                       else "is not a code")
                problems.append(InputValidationError(
                    f"'{one_line(value)}' {why}", file=file, row=i, column=column,
                    hint=f"write codes in {CODE_RULE}"))
        key = str(row.kpi_id).casefold()
        if key in seen and CODE.fullmatch(str(row.kpi_id)):
            problems.append(InputValidationError(
                f"{row.kpi_id!r} is the KPI of row {seen[key]} in another case", file=file, row=i,
                column="kpi_id", hint="give each KPI one code, unique ignoring case"))
        seen.setdefault(key, i)
    return problems
