"""Setting up a council's own contract from its KPI schedule (``scrutiny new-contract``).

The schedule is a CSV (UTF-8) or ``.xlsx`` file with the columns of ``kpis.csv``: ``kpi_id,
service, description, frequency, tsl, msl, direction, unit`` and, optionally, ``effective_from``
and ``effective_to`` (a blank or absent ``effective_from`` means the service commencement month).
It is checked exactly as ``kpis.csv`` is (schema, unique codes, known services, TSL/MSL against
the direction, percentages within 0-100); every error names the schedule's file, row and column.

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
from scrutiny.exceptions import IngestError, InputValidationError
from scrutiny.load.contract import load_contract
from scrutiny.load.folder import CONTRACT_FILE, KPIS_FILE
from scrutiny.load.schemas import KPIS

#: A contract slug: lower-case letters, digits and hyphens; it becomes a folder name.
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SERVICE_CODE = re.compile(r"^[A-Z]+$")


def check_slug(slug: str, root: Path) -> Path:
    """Return ``root/slug`` for a new contract; refuse a slug that escapes ``root`` or exists."""
    if not SLUG.match(slug):
        raise IngestError(f"contract name {slug!r} is not allowed: use lower-case letters, digits "
                          "and hyphens only (e.g. north-council-waste); it becomes a folder "
                          "under data/")
    folder = root / slug
    if folder.exists():
        raise IngestError(f"{slug}: a contract of that name already exists under "
                          f"{root.name}/; choose another name (nothing was changed)")
    return folder


def parse_services(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Read ``CODE=NAME`` pairs (``--service``) into an ordered mapping."""
    services: dict[str, str] = {}
    for pair in pairs:
        code, sep, name = pair.partition("=")
        code, name = code.strip(), name.strip()
        if not sep or not SERVICE_CODE.match(code) or not name:
            raise IngestError(f"--service {pair!r}: write CODE=NAME with an upper-case code, "
                              "e.g. --service WST='Waste collection'")
        if code in services:
            raise IngestError(f"--service {code} is given twice; give each service once")
        services[code] = name
    return services


def new_contract(slug: str, schedule: Path, *, title: str, council: str, supplier: str,
                 start: date, services: dict[str, str] | None = None,
                 data_root: Path | None = None) -> Path:
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
    info = {"contract": slug, "title": title, "council": council, "supplier": supplier,
            "service_commencement": start, "services": services}
    root.mkdir(parents=True, exist_ok=True)
    # Built under a hidden folder beside the contracts, loaded from there, then renamed into place.
    staging_root = Path(tempfile.mkdtemp(prefix=f".new-{slug}-", dir=root))
    staging = staging_root / slug
    try:
        staging.mkdir()
        (staging / CONTRACT_FILE).write_text(
            f"# {title}: set up with `scrutiny new-contract` from {schedule.name}.\n"
            + yaml.safe_dump(info, sort_keys=False, allow_unicode=True), encoding="utf-8")
        table.to_csv(staging / KPIS_FILE, index=False, lineterminator="\n")
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
