"""What-if contract terms: what the supplier would have paid under other terms.

A what-if is a set of **settings**, each a term name and a new value:

=====================  ===================================================================
``amber_fraction``     share of a KPI's points for an Amber month (0-1)
``blue_breaks_run``    whether a Blue month ends a run of failing months (true/false)
``point_value_gbp``    service credit per point (GBP)
``cap_fraction``       cap on a service's credits in a month, share of its volume (0-1)
``multipliers``        multipliers for the 1st, 2nd, 3rd... failing month of a run (a list)
``volume.SERVICE``     a service's monthly financial volume (GBP), for its whole life
``points.KPI_ID``      a KPI's points allocation, in every range it has one
``tsl.KPI_ID``         a KPI's target service level for every month held (rescores the KPI)
``msl.KPI_ID``         a KPI's minimum service level for every month held (rescores the KPI)
=====================  ===================================================================

:func:`apply_settings` checks them as ``terms.yaml`` is checked (one clear line for an unknown
term, a wrong type or a value the terms refuse). An allocation that no longer sums to the
contract's stated total is allowed: the what-if carries a note saying so. A scenario file
(:class:`Scenario`) holds the same settings under ``set:`` with a ``name`` and a ``reason``.
What a what-if says in words (its settings as a table, the sentence that explains it) is in
``scrutiny.insight.whatif_wording``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scrutiny.abate.abatement import ALL_SERVICES, Abatement, contract_abatement
from scrutiny.abate.terms import Terms, check_allocation
from scrutiny.core.rag import AMBER, GREEN, RED
from scrutiny.exceptions import TermsError
from scrutiny.load.contract import Contract
from scrutiny.load.terms import TermsFile
from scrutiny.load.yaml_files import load_yaml
from scrutiny.score.banding import band

#: Terms set by name alone (parameters of ``terms.yaml``).
PLAIN_TERMS = ("amber_fraction", "blue_breaks_run", "point_value_gbp", "cap_fraction",
               "multipliers")
#: Terms set per service or KPI, as ``PREFIX.NAME``.
KEYED_TERMS = ("volume", "points", "tsl", "msl")
#: Columns of the comparison for each ``by``; ``difference = proposed - current`` (GBP after the
#: cap for service and month; points for kpi, since the cap applies to a service-month).
COMPARE_COLUMNS = {
    "service": ["service", "points", "credit", "proposed_points", "proposed_credit",
                "difference"],
    "month": ["month", "points", "credit", "proposed_points", "proposed_credit", "difference"],
    "kpi": ["kpi_id", "service", "points", "proposed_points", "difference"],
    "kpi-month": ["kpi_id", "service", "month", "rag", "proposed_rag", "rag_changed",
                  "run_length", "proposed_run_length", "points", "proposed_points",
                  "credit_before_cap", "proposed_credit_before_cap", "difference"],
}
_BANDED = ("met TSL", "met MSL, missed TSL", "missed MSL")
_BASIS_OF_RAG = {GREEN: "met TSL (what-if thresholds)",
                 AMBER: "met MSL, missed TSL (what-if thresholds)",
                 RED: "missed MSL (what-if thresholds)"}


class Scenario(BaseModel):
    """What a scenario file holds: a name, the reason for asking, and the settings."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    settings: dict[str, object] = Field(alias="set", min_length=1)


@dataclass(frozen=True)
class WhatIf:
    """Checked settings, ready to abate.

    Attributes
    ----------
    terms : Terms
        The contract's terms with the settings applied.
    thresholds : dict
        ``{kpi_id: {"tsl": float, "msl": float}}`` for KPIs rescored (only the levels set).
    settings : dict
        The settings as given, typed.
    notes : tuple of str
        Things allowed but worth saying (an allocation off the stated total).
    """

    terms: Terms
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def parse_settings(settings: Sequence[str] | Mapping[str, object]) -> dict[str, object]:
    """The one reader of what-if settings, whichever door they come through.

    ``abatement(terms=...)``, ``whatif(settings=...)``, a report's ``scenarios``, the command
    line's ``--set``/``--scenario`` and the explorer all pass their settings here (through
    :func:`apply_settings`), so every door accepts exactly the same keys.

    Parameters
    ----------
    settings : sequence of str or mapping
        ``NAME=VALUE`` texts (``--set``; values are YAML scalars or lists) or a mapping of
        name to value. ``multipliers=1,1.5,2`` and ``multipliers=[1, 1.5, 2]`` both give a
        list.

    Returns
    -------
    dict
        Name to value, names stripped; every name is a plain term (:data:`PLAIN_TERMS`) or
        ``PREFIX.NAME`` with a prefix of :data:`KEYED_TERMS` (whether the service or KPI exists
        is checked by :func:`apply_settings`).

    Raises
    ------
    TermsError
        For a text without ``=``, a value that is not valid YAML, or a name no what-if can set
        (never ignored).
    """
    if isinstance(settings, Mapping):
        parsed = {str(name).strip(): value for name, value in settings.items()}
    else:
        parsed = dict(_parse_pair(pair) for pair in settings)
    for name in parsed:
        _check_name(name)
    if isinstance(parsed.get("multipliers"), int | float) and not isinstance(
            parsed["multipliers"], bool):
        parsed["multipliers"] = [parsed["multipliers"]]  # one multiplier for every month
    return parsed


def _parse_pair(pair: str) -> tuple[str, object]:
    """One ``NAME=VALUE`` text as ``(name, value)``."""
    name, sep, text = pair.partition("=")
    if not sep or not name.strip():
        raise TermsError(f"--set {pair!r}: write NAME=VALUE, e.g. amber_fraction=1.0")
    try:
        value = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        raise TermsError(f"--set {pair!r}: {text!r} is not a value") from None
    if name.strip() == "multipliers" and isinstance(value, str):
        value = [_number(part, pair) for part in value.split(",")]
    return name.strip(), value


def _check_name(name: str) -> None:
    """Refuse a name no what-if can set, listing those it can."""
    prefix, dot, key = name.partition(".")
    if (not dot and name in PLAIN_TERMS) or (dot and prefix in KEYED_TERMS and key):
        return
    raise TermsError(f"cannot set {name!r}; the terms a what-if may change are "
                     f"{', '.join(PLAIN_TERMS)}, volume.SERVICE, points.KPI_ID, "
                     "tsl.KPI_ID and msl.KPI_ID")


def _number(text: str, pair: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise TermsError(f"--set {pair!r}: {text.strip()!r} is not a number") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``name``, ``reason``, ``set``), naming the file on any problem.

    A value that is not a finite number (``.nan``, ``.inf``, also inside a list) is refused here,
    naming the file and the setting, rather than later as if it came from ``--set``.
    """
    path = Path(path)
    scenario = load_yaml(path, Scenario)
    for name, value in scenario.settings.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, float) and not math.isfinite(v) for v in values):
            raise TermsError(f"{path.name}, key 'set.{name}': {value!r} is not a finite number; "
                             "give a number such as 10")
    return scenario


def apply_settings(contract: Contract, terms: Terms,
                   settings: Mapping[str, object] | Sequence[str]) -> WhatIf:
    """Check ``settings`` (read by :func:`parse_settings`) and apply every one to ``terms``.

    Raises
    ------
    TermsError
        One line naming the term: unknown term, service or KPI; wrong type; a value the
        terms' rules refuse (e.g. ``amber_fraction`` above 1, TSL below MSL on a
        higher-is-better KPI).
    """
    settings = parse_settings(settings)
    plain, volumes, points, thresholds = {}, {}, {}, {}
    for name, value in settings.items():
        prefix, dot, key = name.partition(".")
        if not dot:
            plain[name] = value
        elif prefix in ("tsl", "msl"):
            thresholds.setdefault(key, {})[prefix] = _positive(name, value, allow_zero=True)
        else:
            target = volumes if prefix == "volume" else points
            target[key] = _positive(name, value, allow_zero=prefix == "volume")
    params = _replaced(terms.params, plain, volumes)
    allocation = _reallocated(terms.allocation, points, contract)
    changed = Terms(params, allocation)
    notes = _allocation_notes(changed, contract) if points else ()
    checked = _checked_thresholds(thresholds, contract)
    return WhatIf(changed, checked, dict(settings), notes)


def _positive(name: str, value: object, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TermsError(f"{name}: {value!r} is not a number")
    if not math.isfinite(value):
        raise TermsError(f"{name}: {value!r} is not a finite number; give a number such as 10")
    if value < 0 or (value == 0 and not allow_zero):
        raise TermsError(f"{name}: {value!r} must be {'at least' if allow_zero else 'above'} 0")
    return float(value)


def _replaced(params: TermsFile, plain: dict, volumes: dict) -> TermsFile:
    """``params`` with plain terms and service volumes changed, validated as terms.yaml is."""
    unknown = sorted(set(volumes) - set(params.services))
    if unknown:
        raise TermsError(f"volume.{unknown[0]}: no such service; the services are "
                         f"{', '.join(params.services)}")
    data = params.model_dump()
    data.update(plain)
    for service, volume in volumes.items():
        data["services"][service]["monthly_volume_gbp"] = volume
    try:
        return TermsFile.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise TermsError(f"{where}: {first['msg']} (given {first.get('input')!r})") from None


def _reallocated(allocation: pd.DataFrame, points: dict[str, float],
                 contract: Contract) -> pd.DataFrame:
    """The allocation with each named KPI's points replaced in every range."""
    unknown = sorted(set(points) - set(allocation["kpi_id"]))
    if unknown:
        raise TermsError(f"points.{unknown[0]}: no such KPI in the allocation; the KPIs are "
                         f"{', '.join(contract.kpis['kpi_id'].drop_duplicates())}")
    new = allocation["kpi_id"].map(points)
    return allocation.assign(points=new.fillna(allocation["points"]).astype("float64"))


def _allocation_notes(terms: Terms, contract: Contract) -> tuple[str, ...]:
    """A note when the changed allocation misses the stated total (allowed, but said)."""
    try:
        check_allocation(terms, contract.kpis)
    except TermsError as err:
        return (f"allowed, but note: {err}",)
    return ()


def _checked_thresholds(thresholds: dict[str, dict[str, float]],
                        contract: Contract) -> dict[str, dict[str, float]]:
    """Refuse unknown KPIs and TSL/MSL the wrong way round for the KPI's direction."""
    kpis = contract.kpis.drop_duplicates("kpi_id").set_index("kpi_id")
    for kpi_id, levels in thresholds.items():
        if kpi_id not in kpis.index:
            raise TermsError(f"{next(iter(levels))}.{kpi_id}: no such KPI; the KPIs are "
                             f"{', '.join(kpis.index)}")
        row = kpis.loc[kpi_id]
        tsl, msl = levels.get("tsl", row["tsl"]), levels.get("msl", row["msl"])
        higher = row["direction"] == "higher"
        if (higher and tsl < msl) or (not higher and tsl > msl):
            raise TermsError(
                f"tsl.{kpi_id}/msl.{kpi_id}: TSL {tsl:g} would be {'below' if higher else 'above'}"
                f" MSL {msl:g}, but the KPI is {'higher' if higher else 'lower'}-is-better; "
                "set both")
    return thresholds


def rescore(scores: pd.DataFrame, thresholds: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Re-band the KPI-months of KPIs given new thresholds for every month held.

    Only months banded on a number change (Blue and data-not-available months keep their
    status); ``tsl``/``msl`` show the what-if levels on every month of those KPIs.
    """
    if not thresholds:
        return scores
    out = scores.copy()
    for column in ("rag", "basis"):
        out[column] = out[column].astype(object)
    for kpi_id, levels in thresholds.items():
        rows = out["kpi_id"].eq(kpi_id)
        for level, value in levels.items():
            out.loc[rows, level] = value
        banded = rows & out["basis"].isin(_BANDED) & out["value"].notna()
        subset = out[banded]
        rag = band(subset["value"], tsl=subset["tsl"], msl=subset["msl"],
                   higher_is_better=subset["direction"].eq("higher").to_numpy())
        out.loc[banded, "rag"] = rag.to_numpy()
        out.loc[banded, "basis"] = rag.map(_BASIS_OF_RAG).to_numpy()
    return out


def whatif_abatement(contract: Contract, whatif: WhatIf, scores: pd.DataFrame, *,
                     without_mitigation: bool = False) -> Abatement:
    """Abatement of every month held under the what-if (thresholds rescored first)."""
    return contract_abatement(contract, whatif.terms, scores=rescore(scores, whatif.thresholds),
                              without_mitigation=without_mitigation)


def compare(current: Abatement, proposed: Abatement, start: pd.Period, end: pd.Period,
            by: str = "service") -> pd.DataFrame:
    """Current and proposed figures side by side, totalled over ``start``..``end``.

    Parameters
    ----------
    by : {"service", "month", "kpi", "kpi-month"}
        ``service``: a row per service in contract order, then ``ALL`` (credits in GBP, after
        each month's cap). ``month``: a row per month, all services. ``kpi``: a row per KPI
        (points only: the cap applies to a service-month, not a KPI). ``kpi-month``: a row per
        KPI-month, re-scored: today's and the proposed RAG, run length and points
        (``difference`` in points), and credit before the cap (GBP).

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARE_COLUMNS` ``[by]``.
    """
    if by not in COMPARE_COLUMNS:
        raise ValueError(f"by must be one of {', '.join(COMPARE_COLUMNS)}, not {by!r}")
    if by == "kpi-month":
        return _kpi_months(current, proposed, start, end)
    if by == "kpi":
        keys, values = ["kpi_id", "service"], ["points"]
        frames = [a.kpi_months for a in (current, proposed)]
    else:
        keys, values = (["service"] if by == "service" else ["month"]), ["points", "credit"]
        frames = [a.service_months for a in (current, proposed)]
        if by == "month":
            frames = [f[f["service"] == ALL_SERVICES] for f in frames]
    totals = []
    for frame in frames:
        rows = frame[frame["month"].between(start, end)]
        totals.append(rows.groupby(keys, sort=False)[values].sum())
    order = totals[0].index.append(totals[1].index.difference(totals[0].index, sort=False))
    table = totals[0].join(totals[1].add_prefix("proposed_"), how="outer")
    table = table.reindex(order).fillna(0.0)
    last = values[-1]
    table["difference"] = table[f"proposed_{last}"] - table[last]
    return table.reset_index()[COMPARE_COLUMNS[by]]


def _kpi_months(current: Abatement, proposed: Abatement, start: pd.Period,
                end: pd.Period) -> pd.DataFrame:
    """Each KPI-month in ``start``..``end`` as charged and as proposed (re-scored) side by side.

    ``rag_changed`` makes "which months change" one filter. Credit is before the cap (points
    times the point value of each side's terms, GBP): the cap applies to a service-month.
    """
    keys = ["kpi_id", "service", "month"]
    sides = []
    for abatement in (current, proposed):
        rows = abatement.kpi_months
        rows = rows[rows["month"].between(start, end)][[*keys, "rag", "run_length", "points"]]
        value = abatement.terms.params.point_value_gbp
        sides.append(rows.assign(rag=rows["rag"].astype(object),
                                 credit_before_cap=rows["points"] * value))
    table = sides[0].merge(sides[1], on=keys, how="outer", suffixes=("", "_proposed"),
                           validate="one_to_one")
    table = table.rename(columns={f"{c}_proposed": f"proposed_{c}" for c in
                                  ("rag", "run_length", "points", "credit_before_cap")})
    table["rag_changed"] = table["rag"].ne(table["proposed_rag"])
    table["difference"] = table["proposed_points"] - table["points"]
    return table.sort_values(keys[::2], kind="stable").reset_index(drop=True)[
        COMPARE_COLUMNS["kpi-month"]]
