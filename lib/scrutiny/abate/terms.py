"""A contract's abatement terms as data: points per KPI, multipliers, point value, volumes, cap.

Layout, beside the contract's other files in ``data/<contract>/``::

    terms.yaml                 parameters (pydantic-validated), which of them are illustrative
    abatement_points.csv       points per KPI with effective dates (pandera-validated)

Both files are read and validated by ``scrutiny.load.terms``. The terms are checked against the
contract before use: every KPI in force in a month has exactly one allocation, the allocations in
force sum to the published total for that month, and every service has a monthly volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scrutiny.core.spreadsheet import tag_table
from scrutiny.exceptions import TermsError
from scrutiny.load.contract import Contract
from scrutiny.load.folder import TERMS_FILE
from scrutiny.load.terms import TermsFile, read_terms

#: How each term is described in reports: (label, unit or meaning).
_TERM_LABELS = {
    "allocation": "Points per KPI",
    "total_points": "Total points in force",
    "amber_fraction": "Share of a KPI's points for an Amber month",
    "red": "Share for a Red month or data not available",
    "blue": "Share for a Blue month (mitigation or glide)",
    "multipliers": "Multiplier for the 1st, 2nd, 3rd and later consecutive failing month",
    "blue_breaks_run": "A Blue month ends a run of failing months",
    "point_value_gbp": "Service credit per point (GBP)",
    "cap_fraction": "Cap on a service's credits, share of its monthly volume",
    "volumes": "Monthly financial volume per service (GBP)",
}


@dataclass(frozen=True)
class Terms:
    """Validated abatement terms of one contract.

    Attributes
    ----------
    params : TermsFile
        The parameters of ``terms.yaml``.
    allocation : pandas.DataFrame
        ``kpi_id, points, effective_from, effective_to`` (months as ``pandas.Period``, NaT open).
    """

    params: TermsFile
    allocation: pd.DataFrame

    @property
    def volumes(self) -> pd.DataFrame:
        """``service, monthly_volume_gbp, effective_from, effective_to`` (months as Period)."""
        services = self.params.services
        return pd.DataFrame({
            "service": list(services),
            "monthly_volume_gbp": [v.monthly_volume_gbp for v in services.values()],
            "effective_from": pd.PeriodIndex([v.effective_from for v in services.values()],
                                             freq="M"),
            # Typed as months even when no service ends (all NaT would be datetimes).
            "effective_to": pd.PeriodIndex([v.effective_to or None for v in services.values()],
                                           freq="M")})

    @property
    def illustrative(self) -> bool:
        """True when any term is an illustrative default rather than the contract's own."""
        return self.params.illustrative

    def replace(self, **changes) -> Terms:
        """Return a copy with some parameters changed, e.g. ``replace(blue_breaks_run=False)``."""
        params = TermsFile.model_validate({**self.params.model_dump(), **changes})
        return Terms(params, self.allocation)

    def describe(self) -> pd.DataFrame:
        """Return the terms as a table for reports: ``term, value, basis``.

        ``basis`` is ``"illustrative"`` for terms listed in ``illustrative_terms`` and
        ``"published"`` otherwise.
        """
        p = self.params
        totals = "; ".join(f"{t.points:g} from {t.from_month}"
                           + (f" to {t.to_month}" if t.to_month else "") for t in p.total_points)
        volumes = "; ".join(f"{s} {v.monthly_volume_gbp:,.0f}" for s, v in p.services.items())
        points = self.allocation["points"]
        values = {
            "allocation": f"{points.min():g}-{points.max():g} per KPI ({len(points)} allocations)",
            "total_points": totals or "not stated",
            "amber_fraction": f"{p.amber_fraction:g}",
            "red": "1 (full points)",
            "blue": "0 (no points)",
            "multipliers": ", ".join(f"{m:g}" for m in p.multipliers),
            "blue_breaks_run": "yes" if p.blue_breaks_run else "no (the month is skipped)",
            "point_value_gbp": f"{p.point_value_gbp:,.2f}",
            "cap_fraction": f"{p.cap_fraction:.0%}",
            "volumes": volumes,
        }
        basis = ["illustrative" if key in p.illustrative_terms else "published" for key in values]
        return tag_table(pd.DataFrame({"term": [_TERM_LABELS[k] for k in values],
                                        "value": list(values.values()), "basis": basis}),
                         "terms")


#: What a report or command says for a contract without ``terms.yaml``.
NO_TERMS = ("No service-credit terms are recorded for this contract, so no abatement is "
            "calculated.")


def load_terms(contract: Contract) -> Terms:
    """Load the terms of a contract (``terms.yaml`` and its points file) and check them.

    Raises
    ------
    InputValidationError
        For a missing file or a value that breaks its schema, naming file, row and column.
    TermsError
        When the allocation does not cover the KPIs in force or does not sum to the total.
    """
    terms = Terms(*read_terms(contract))
    check_allocation(terms, contract.kpis)
    return terms


def in_force(rows: pd.DataFrame, ranges: pd.DataFrame, key: str) -> pd.DataFrame:
    """Join each row (``key``, ``month``) to the ranged row in force that month.

    Returns
    -------
    pandas.DataFrame
        ``rows`` with the columns of ``ranges`` added; one output row per match, so a row with no
        match is absent and a row with two appears twice (callers check both).
    """
    joined = rows.reset_index().merge(ranges, on=key, how="inner")
    month = joined["month"]
    live = (month >= joined["effective_from"]) & (
        joined["effective_to"].isna() | (month <= joined["effective_to"]))
    return joined[live.to_numpy()]


def check_allocation(terms: Terms, kpis: pd.DataFrame) -> None:
    """Refuse allocations that leave a KPI-month without points or miss the stated total."""
    file = terms.params.points_file
    allocation = terms.allocation
    ends = pd.concat([kpis["effective_from"], kpis["effective_to"].dropna(),
                      allocation["effective_from"], allocation["effective_to"].dropna()])
    months = pd.period_range(ends.min(), ends.max() + 1, freq="M")
    grid = kpis[["kpi_id", "effective_from", "effective_to"]].merge(
        pd.DataFrame({"month": months}), how="cross")
    grid = grid[(grid["month"] >= grid["effective_from"])
                & (grid["effective_to"].isna() | (grid["month"] <= grid["effective_to"]))]
    grid = grid[["kpi_id", "month"]]
    matched = in_force(grid, terms.allocation, "kpi_id")
    counts = matched["index"].value_counts().reindex(grid.index, fill_value=0)
    if (counts != 1).any():
        bad = grid.loc[counts.ne(1).idxmax()]
        n = counts.loc[counts.ne(1).idxmax()]
        raise TermsError(
            f"{file}: {bad['kpi_id']} has {'no' if n == 0 else n} points allocation"
            f"{'' if n == 0 else 's'} in force in {bad['month']}; give it exactly one row "
            "whose effective dates cover every month kpis.csv has it in the contract")
    monthly = matched.groupby("month")["points"].sum()
    for total in terms.params.total_points:
        start = pd.Period(total.from_month, freq="M")
        stop = pd.Period(total.to_month, freq="M") if total.to_month else monthly.index.max()
        window = monthly[(monthly.index >= start) & (monthly.index <= stop)]
        wrong = window[(window - total.points).abs() > 1e-9]
        if not wrong.empty:
            raise TermsError(
                f"{file}: the KPIs in force in {wrong.index[0]} hold {wrong.iloc[0]:g} points, "
                f"but terms.yaml says {total.points:g}; correct the allocation or the total")


def allocation_for(scores: pd.DataFrame, terms: Terms) -> pd.Series:
    """Return the points allocation of each KPI-month of ``scores``, aligned with it.

    Raises
    ------
    TermsError
        If a KPI-month has no allocation in force.
    """
    points, row = _value_in_force(scores, terms.allocation[
        ["kpi_id", "points", "effective_from", "effective_to"]], "kpi_id", "points")
    if row is not None:
        raise TermsError(f"{terms.params.points_file}: no points allocation for {row['kpi_id']} "
                         f"in {row['month']}; add a row covering that month")
    return points.rename("allocation")


def volumes_for(frame: pd.DataFrame, terms: Terms) -> pd.Series:
    """Return each (``service``, ``month``) row's monthly volume in GBP, aligned with it."""
    volume, row = _value_in_force(frame, terms.volumes, "service", "monthly_volume_gbp")
    if row is not None:
        raise TermsError(f"{TERMS_FILE}: service {row['service']} has no monthly volume in "
                         f"{row['month']}; extend its effective dates under services")
    return volume


def _value_in_force(frame: pd.DataFrame, ranges: pd.DataFrame, key: str,
                    column: str) -> tuple[pd.Series, pd.Series | None]:
    """``column`` of the range in force for each (``key``, ``month``) row of ``frame``, aligned
    with it, and the first row with none (None when every row has one)."""
    matched = in_force(frame[[key, "month"]], ranges, key)
    values = matched.set_index("index")[column].reindex(frame.index)
    missing = values.isna()
    return values, (frame.loc[missing.idxmax()] if missing.any() else None)
