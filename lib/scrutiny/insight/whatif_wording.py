"""What-if terms in words: each setting's current and proposed value, and one sentence saying
what the what-if would have cost, what changed and why.

The numbers come from ``scrutiny.abate.whatif`` (the settings and the abatement under them);
this module only words them, from the data: a setting that touches no KPI-month in the range says
why it changes nothing.
"""

from __future__ import annotations

import pandas as pd

from scrutiny.abate.abatement import ALL_SERVICES, Abatement
from scrutiny.abate.terms import Terms
from scrutiny.abate.whatif import WhatIf
from scrutiny.core.rag import AMBER
from scrutiny.load.contract import Contract


def setting_values(plan: WhatIf, terms: Terms, contract: Contract) -> pd.DataFrame:
    """Each setting's current and proposed value as text: ``term, current, proposed``."""
    kpis = contract.kpis.drop_duplicates("kpi_id").set_index("kpi_id")
    rows = []
    for name, value in plan.settings.items():
        prefix, _, key = name.partition(".")
        if prefix == "volume":
            now = f"£{terms.params.services[key].monthly_volume_gbp:,.0f}"
            new = f"£{float(value):,.0f}"
        elif prefix == "points":
            held = terms.allocation.loc[terms.allocation["kpi_id"] == key, "points"]
            now, new = "/".join(f"{p:g}" for p in held.drop_duplicates()), f"{float(value):g}"
        elif prefix in ("tsl", "msl"):
            now, new = f"{kpis.loc[key, prefix]:g}", f"{float(value):g}"
        elif name in ("amber_fraction", "cap_fraction"):
            now, new = (f"{getattr(t.params, name):.0%}" for t in (terms, plan.terms))
        else:
            now, new = (_term_text(getattr(t.params, name)) for t in (terms, plan.terms))
        rows.append({"term": _TERM_NAMES.get(prefix, _TERM_NAMES.get(name, name)).format(key),
                     "current": now, "proposed": new})
    return pd.DataFrame(rows, columns=["term", "current", "proposed"])


def _term_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(f"{v:g}" for v in value)
    return f"{value:g}"


_TERM_NAMES = {
    "amber_fraction": "Share of a KPI's points for an Amber month",
    "blue_breaks_run": "A Blue month ends a run of failing months",
    "point_value_gbp": "Service credit per point (£)",
    "cap_fraction": "Cap on a service's credits, share of its monthly volume",
    "multipliers": "Multipliers for the 1st, 2nd, 3rd and later failing month",
    "volume": "Monthly volume of {} (£)",
    "points": "Points for {}",
    "tsl": "Target service level (TSL) of {}",
    "msl": "Minimum service level (MSL) of {}",
}


def explain(plan: WhatIf, current: Abatement, proposed: Abatement, start: pd.Period,
            end: pd.Period, *, span: str | None = None) -> str:
    """One plain sentence: what the what-if would have cost, what changed and why.

    Each setting is explained from the data: how many KPI-months or service-months it touches
    in ``start``..``end``, or, when none, why it changes nothing (e.g. no KPI went failing,
    then Blue, then failing again, so whether Blue breaks a run makes no difference).
    """
    span = span or f"{start.strftime('%B %Y')} to {end.strftime('%B %Y')}"
    rows = [x.kpi_months[x.kpi_months["month"].between(start, end)] for x in (current, proposed)]
    services = [x.service_months[x.service_months["month"].between(start, end)]
                for x in (current, proposed)]
    total = [s_[s_["service"] == ALL_SERVICES]["credit"].sum() for s_ in services]
    old, new = current.terms.params, plan.terms.params
    clauses = []
    for name, value in plan.settings.items():
        prefix, _, key = name.partition(".")
        clause = _CLAUSES.get(prefix if key else name)
        clauses.append(clause(key or name, value, old, new, rows, services, current, span))
    difference = total[1] - total[0]
    if abs(difference) < 0.005:
        lead = f"The supplier would have paid the same {_gbp(total[0])} from {span}"
        points_moved = (rows[1]["points"].sum() - rows[0]["points"].sum())
        if abs(points_moved) > 1e-9:
            lead += " (the points change, but only in months already at the cap)"
    else:
        more = "more" if difference > 0 else "less"
        lead = (f"The supplier would have paid {_gbp(total[1])} in service credits from {span} "
                f"instead of {_gbp(total[0])} ({_gbp(abs(difference))} {more})")
    return f"{lead}: {'; '.join(clauses) if clauses else 'no term was changed'}."


def _gbp(value: float) -> str:
    return f"£{value:,.0f}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _amber(_key, value, old, new, rows, services, current, span) -> str:
    amber = int((rows[1]["rag"] == AMBER).sum())
    text = (f"an Amber month attracts {new.amber_fraction:.0%} of a KPI's points instead of "
            f"{old.amber_fraction:.0%}")
    return text + (f", across {_count(amber, 'Amber KPI-month')}" if amber else
                   f", but no KPI was Amber from {span}, so this changes nothing")


def _blue(_key, value, old, new, rows, services, current, span) -> str:
    text = ("a Blue month ends a run of failing months" if new.blue_breaks_run else
            "a Blue month no longer ends a run of failing months (it is skipped)")
    if new.blue_breaks_run == old.blue_breaks_run:
        return text + ", as it already does, so this changes nothing"
    moved = int((rows[0]["run_length"].to_numpy() != rows[1]["run_length"].to_numpy()).sum())
    if moved:
        return text + f", which moves {_count(moved, 'failing KPI-month')} to another place " \
                      "in its run"
    return (text + f", but this changes nothing from {span} because no KPI went failing, then "
            "Blue, then failing again")


def _multipliers(_key, value, old, new, rows, services, current, span) -> str:
    text = (f"the multipliers for consecutive failing months become "
            f"{', '.join(f'{m:g}' for m in new.multipliers)} instead of "
            f"{', '.join(f'{m:g}' for m in old.multipliers)}")
    failing = rows[1]["run_length"] > 0
    moved = int((failing & (rows[0]["multiplier"].to_numpy()
                            != rows[1]["multiplier"].to_numpy())).sum())
    if moved:
        return text + f", changing {_count(moved, 'failing KPI-month')}"
    return text + (f", but no failing month from {span} sits at a place in its run whose "
                   "multiplier changes, so this changes nothing")


def _point_value(_key, value, old, new, rows, services, current, span) -> str:
    text = (f"a point is worth {_gbp(new.point_value_gbp)} instead of "
            f"{_gbp(old.point_value_gbp)}")
    return text if rows[1]["points"].sum() > 0 else (
        text + f", but no KPI attracted points from {span}, so this changes nothing")


def _capped(services: list[pd.DataFrame], service: str | None) -> tuple[int, int]:
    counts = []
    for frame in services:
        rows = frame[frame["service"] != ALL_SERVICES]
        if service is not None:
            rows = rows[rows["service"] == service]
        counts.append(int(rows["capped"].sum()))
    return counts[0], counts[1]


def _cap(_key, value, old, new, rows, services, current, span) -> str:
    before, after = _capped(services, None)
    text = (f"credits are capped at {new.cap_fraction:.0%} of a service's monthly volume "
            f"instead of {old.cap_fraction:.0%}")
    if before or after:
        return text + (f"; {_count(after, 'service-month')} would reach the cap "
                       f"({before} today)")
    return text + f", but no service's credits reached either cap from {span}, so this " \
                  "changes nothing"


def _volume(service, value, old, new, rows, services, current, span) -> str:
    before, after = _capped(services, service)
    text = (f"{service}'s monthly volume is {_gbp(new.services[service].monthly_volume_gbp)} "
            f"instead of {_gbp(old.services[service].monthly_volume_gbp)}, which sets its cap")
    if before or after:
        return text + f"; {_count(after, 'month')} would reach it ({before} today)"
    return text + f", but {service}'s credits reached neither cap from {span}, so this " \
                  "changes nothing"


def _points(kpi_id, value, old, new, rows, services, current, span) -> str:
    held = current.terms.allocation
    before = held.loc[held["kpi_id"] == kpi_id, "points"]
    failing = int(((rows[1]["kpi_id"] == kpi_id) & (rows[1]["run_length"] > 0)).sum())
    text = (f"{kpi_id} carries {value:g} points instead of "
            f"{'/'.join(f'{p:g}' for p in before.drop_duplicates())}")
    return text + (f", over its {_count(failing, 'failing month')}" if failing else
                   f", but it did not fail from {span}, so this changes nothing")


def _threshold(kpi_id, value, old, new, rows, services, current, span, level="tsl") -> str:
    mine = [r[r["kpi_id"] == kpi_id] for r in rows]
    changed = int((mine[0]["rag"].astype(str).str.lower().to_numpy()
                   != mine[1]["rag"].astype(str).str.lower().to_numpy()).sum())
    word = "target (TSL)" if level == "tsl" else "minimum (MSL)"
    text = f"{kpi_id}'s {word} is {value:g} for every month"
    return text + (f", which changes the status of {_count(changed, 'month')}" if changed else
                   f", but none of its months from {span} changes status, so this changes "
                   "nothing")


_CLAUSES = {
    "amber_fraction": _amber, "blue_breaks_run": _blue, "multipliers": _multipliers,
    "point_value_gbp": _point_value, "cap_fraction": _cap, "volume": _volume,
    "points": _points, "tsl": _threshold,
    "msl": lambda *args: _threshold(*args, level="msl"),
}
