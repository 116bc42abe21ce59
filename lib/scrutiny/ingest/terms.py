"""Setting a contract's service-credit terms without hand-editing YAML (``scrutiny terms``).

Each setting is ``key=value``:

===========================  ===============================================================
``point_value_gbp=100``      service credit per abatement point, GBP
``amber_fraction=0.5``       share of a KPI's points an Amber month attracts (0-1)
``cap_fraction=0.1``         credits capped at this share of a service's monthly volume
``multipliers=1,1.5,2``      multiplier for the 1st, 2nd, 3rd and later failing month in a run
``blue_breaks_run=true``     a Blue month ends a run (``false``: it is skipped)
``volume.WST=250000``        a service's monthly financial volume, GBP (from the contract start)
``points.WST_KPI_01=20``     a KPI's abatement points (its whole life in the contract)
``total_points=100``         the total points in force, checked against the KPIs' points
``illustrative=false``       whether the terms are illustrative rather than the contract's own
``source=TEXT``              where the terms come from (a clause of the contract)
===========================  ===============================================================

The new ``terms.yaml`` and points file are validated with the whole contract (the caller passes
the check: the ``abate`` layer's terms model) before they replace the old ones, atomically,
under the contract's write lock. A hand-written ``terms.yaml`` is edited in place
(:mod:`scrutiny.ingest.yaml_edit`): its comments, key order and quoting are kept, and only the
values set change. A file the loader refuses (an alias bomb, an object tag, a key given twice) is
refused here too, before anything is written.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.core.atomic import StagedFiles
from scrutiny.core.months import month_label
from scrutiny.exceptions import DecisionError
from scrutiny.ingest.store import contract_lock
from scrutiny.ingest.yaml_edit import dumped, load_for_edit, set_value
from scrutiny.load.contract import Contract, load_contract
from scrutiny.load.folder import POINTS_FILE, TERMS_FILE

_FRACTIONS = ("amber_fraction", "cap_fraction")
_AMOUNTS = ("point_value_gbp",)
_FLAGS = ("blue_breaks_run", "illustrative")
_TEXT = ("source",)
KEYS = (*_AMOUNTS, *_FRACTIONS, "multipliers", *_FLAGS, *_TEXT, "total_points",
        "volume.SERVICE", "points.KPI_ID")


def set_terms(name: str, settings: list[str], *, check: Callable[[Contract], object],
              data_root: Path | None = None, today: date | None = None) -> dict:
    """Apply ``key=value`` settings to a contract's terms; return the new ``terms.yaml`` values.

    Parameters
    ----------
    settings : list of str
        As the module docstring lists them.
    check : callable
        Called with the contract as it would be (its folder the staging folder); raises to refuse
        (``scrutiny.abate.terms.load_terms``).
    """
    folder = dataset_dir(name, data_root)
    with contract_lock(folder):
        contract = load_contract(name, data_root)
        terms = _current(folder, contract, today)
        points = _points(folder / terms.get("points_file", POINTS_FILE))
        for setting in settings:
            points = _apply(setting, terms, points, contract)
        terms_bytes = dumped(terms)
        points_file = terms.get("points_file", POINTS_FILE)
        with StagedFiles(folder, command="terms") as staged:
            staged.write(points_file, points.to_csv(index=False, lineterminator="\n")
                         .encode("utf-8"))
            staged.write(TERMS_FILE, terms_bytes)
            check(dataclasses.replace(contract, folder=staged.staging))
            staged.commit([points_file, TERMS_FILE])
    return terms


def _current(folder: Path, contract: Contract, today: date | None) -> dict:
    path = folder / TERMS_FILE
    if path.exists():
        current = load_for_edit(path)
        if not isinstance(current, dict):
            raise DecisionError(f"{TERMS_FILE}: not a mapping of terms; correct or remove it")
        return current
    return {"contract": contract.name, "illustrative": False,
            "source": f"set with scrutiny terms on {(today or date.today()):%Y-%m-%d}",
            "points_file": POINTS_FILE, "blue_breaks_run": True, "services": {}}


def _points(path: Path) -> pd.DataFrame:
    if path.exists():
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(columns=["kpi_id", "points", "effective_from", "effective_to"])


def _apply(setting: str, terms: dict, points: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Apply one ``key=value`` to ``terms`` (changed in place) and return the points table."""
    key, sep, value = setting.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not value:
        raise DecisionError(f"--set {setting!r}: write KEY=VALUE, e.g. point_value_gbp=100; "
                            f"keys: {', '.join(KEYS)}")
    if key in _AMOUNTS or key in _FRACTIONS:
        set_value(terms, key, _number(key, value))
    elif key == "multipliers":
        set_value(terms, key, [_number(key, v) for v in value.split(",")])
    elif key in _FLAGS:
        if value.lower() not in ("true", "false"):
            raise DecisionError(f"--set {key}={value}: give true or false")
        set_value(terms, key, value.lower() == "true")
    elif key in _TEXT:
        set_value(terms, key, " ".join(value.split()))
    elif key == "total_points":
        set_value(terms, key, [{"from_month": _start(contract), "points": _number(key, value)}])
    elif key.startswith("volume."):
        _set_volume(terms, key.removeprefix("volume."), _number(key, value), contract)
    elif key.startswith("points."):
        points = _set_points(points, key.removeprefix("points."), _number(key, value), contract)
    else:
        raise DecisionError(f"--set {key}: unknown term; keys: {', '.join(KEYS)}")
    return points


def _start(contract: Contract) -> str:
    return month_label(pd.Period(contract.info.service_commencement, freq="M"))


def _set_volume(terms: dict, service: str, volume: float, contract: Contract) -> None:
    """Set a service's monthly volume; a new service's entry starts at the contract's start."""
    if service not in contract.info.services:
        raise DecisionError(f"--set volume.{service}: no service {service!r}; the contract's "
                            f"services are {', '.join(contract.info.services)}")
    if not isinstance(terms.get("services"), dict):
        terms["services"] = {}
    services = terms["services"]
    entry = services.get(service)
    if not isinstance(entry, dict):
        services[service] = {"effective_from": _start(contract), "monthly_volume_gbp": volume}
        return
    shared = [other for other, value in services.items() if value is entry and other != service]
    if shared:
        # An anchor and alias (&name / *name) make two services one entry: setting one would
        # set both, or silently split them. The user says which by writing them out.
        raise DecisionError(f"--set volume.{service}: in {TERMS_FILE} the entries of "
                            f"{service} and {', '.join(shared)} are one entry (an alias, *name); "
                            "write each service's entry out in full, then set it")
    if "effective_from" not in entry:  # only a hand-written entry lacks it: a CommentedMap
        entry.insert(0, "effective_from", _start(contract))
    set_value(entry, "monthly_volume_gbp", volume)


def _set_points(points: pd.DataFrame, kpi: str, value: float,
                contract: Contract) -> pd.DataFrame:
    kpis = contract.kpis.set_index("kpi_id")
    if kpi not in kpis.index:
        raise DecisionError(f"--set points.{kpi}: unknown KPI; the contract's KPIs are "
                            f"{', '.join(kpis.index)}")
    life = kpis.loc[kpi]
    row = {"kpi_id": kpi, "points": f"{value:g}",
           "effective_from": month_label(life["effective_from"]),
           "effective_to": "" if pd.isna(life["effective_to"]) else month_label(
               life["effective_to"])}
    kept = points[points["kpi_id"] != kpi]
    return pd.concat([kept, pd.DataFrame([row])], ignore_index=True)


def _number(key: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise DecisionError(f"--set {key}={value}: give a finite number")
    return number
