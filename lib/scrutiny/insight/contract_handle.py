"""The contract handle: one contract loaded once, and the one cache of everything derived from it.

``scrutiny.open_contract("lincolnshire-css")`` returns a :class:`ContractHandle`. It loads and
scores the contract once and owns the caching of its scores, terms, mitigation reasons,
abatement (as charged, without relief, under changed terms), exceptions registers, trends,
ratings and what-ifs. Period reports (:mod:`scrutiny.report.period`: the handle plus a window),
the explorer and the command line all read through it, so nothing is loaded or computed twice
and no other module keeps a second cache. Every public method returns a pandas DataFrame.

Months may be given as ``"2016-06"``, ``"Jun-16"`` or a ``pandas.Period``. RAG columns hold
:class:`~scrutiny.core.rag.RagWord` values (``Green``, ``Amber``, ``Red``, ``Blue``) that
compare equal in any case, so ``frame[frame["rag"] == "Green"]`` and ``== "green"`` both work;
``scrutiny.RAG.GREEN`` is the constant. The command line prints these same tables, so there is
one implementation of each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path

import pandas as pd

from scrutiny.abate.abatement import ALL_SERVICES, Abatement, contract_abatement
from scrutiny.abate.terms import Terms, load_terms
from scrutiny.abate.whatif import (
    COMPARE_COLUMNS,
    WhatIf,
    apply_settings,
    compare,
    whatif_abatement,
)
from scrutiny.core.months import parse_month
from scrutiny.core.periods import require_period, require_range
from scrutiny.core.rag import rag_words
from scrutiny.core.runs import status_runs
from scrutiny.core.spreadsheet import tag_table
from scrutiny.exceptions import NoticeError, TermsError, UnknownKpiError
from scrutiny.insight.narrative import period_narrative
from scrutiny.insight.procurement import RatingRules, procurement_ratings
from scrutiny.insight.register import exceptions_register
from scrutiny.insight.trends import ALPHA, HORIZON, MIN_POINTS, WINDOW, kpi_trends
from scrutiny.load.contract import Contract
from scrutiny.load.folder import CONTRACT_FILES, REASONS_FILE, TERMS_FILE
from scrutiny.load.reasons import load_mitigation_reasons
from scrutiny.load.terms import has_terms
from scrutiny.score.cache import scored_contract
from scrutiny.score.reconcile import reconcile
from scrutiny.score.scoring import headroom, score, summary_counts

#: Columns of :meth:`ContractHandle.kpi_history`, in order.
HISTORY_COLUMNS = ["month", "value", "status", "tsl", "msl", "rag", "basis", "override_reason",
                   "allocation", "base_points", "run_length", "multiplier", "points"]
#: Columns of :meth:`ContractHandle.whatif`, in order (GBP after the cap; totals over the range).
WHATIF_COLUMNS = COMPARE_COLUMNS["service"]
ABATEMENT_VIEWS = ("service", "kpi", "month")


def open_contract(name: str, data_root: str | Path | None = None) -> ContractHandle:
    """Load and score a contract for analysis.

    Parameters
    ----------
    name : str
        Folder under the data root, e.g. ``"lincolnshire-css"``.
    data_root : str or pathlib.Path, optional
        Folder holding contract folders; default ``data/`` (or ``SCRUTINY_DATA``).

    Raises
    ------
    UnknownContractError
        If there is no such folder (the message lists those there are).
    InputValidationError
        If a file of the contract breaks its rules (naming file, row and column).
    """
    root = Path(data_root) if data_root is not None else None
    contract, scored = scored_contract(name, root)  # identical to load_contract + score
    handle = ContractHandle(contract)
    handle.__dict__["scored"] = scored  # what the cached property would compute
    return handle


def month(label: object) -> pd.Period:
    """Read ``"2016-06"``, ``"Jun-16"``, ``"June 2016"`` or a ``pandas.Period`` as a month."""
    return parse_month(label)


class ContractHandle:
    """One contract, loaded and scored once; each method returns a pandas DataFrame.

    Parameters
    ----------
    contract : Contract
        As :func:`scrutiny.load.contract.load_contract` returns it.

    Attributes
    ----------
    contract : Contract
        The validated tables (``kpis``, ``returns``, ``overrides``, ...).
    """

    def __init__(self, contract: Contract):
        self.contract = contract
        #: (what, key) -> result: registers, trends, ratings and what-ifs asked for so far.
        self._memo: dict[tuple[str, Hashable], object] = {}

    def __repr__(self) -> str:
        months = self.contract.months
        held = f"{months[0]} to {months[-1]}" if len(months) else "no months"
        return (f"<contract {self.name!r}: {self.contract.info.title}, "
                f"{len(self.contract.kpis)} KPIs, results {held}>")

    @property
    def name(self) -> str:
        """The contract's folder name, e.g. ``lincolnshire-css``."""
        return self.contract.name

    @property
    def title(self) -> str:
        """The contract's title, e.g. ``Corporate Support Services contract``."""
        return self.contract.info.title

    @property
    def services(self) -> list[str]:
        """The contract's service codes, in contract order."""
        return list(self.contract.info.services)

    @cached_property
    def scored(self) -> pd.DataFrame:
        """Every KPI-month as scored (lower-case RAG codes): what the library functions take."""
        return score(self.contract)

    @cached_property
    def has_terms(self) -> bool:
        """True when the contract has abatement terms (``terms.yaml``); they are optional."""
        return has_terms(self.contract)

    @cached_property
    def terms(self) -> Terms:
        """The contract's abatement terms (``terms.describe()`` gives them as a table).

        Raises
        ------
        InputValidationError
            If the contract has no ``terms.yaml`` (see :attr:`has_terms`) or it breaks its rules.
        """
        return load_terms(self.contract)

    @property
    def terms_if_any(self) -> Terms | None:
        """The contract's abatement terms, or None when it has none."""
        return self.terms if self.has_terms else None

    @cached_property
    def reasons(self) -> pd.DataFrame:
        """The contract's mitigation reasons (empty when it records none)."""
        return load_mitigation_reasons(self.contract)

    @cached_property
    def charged(self) -> Abatement:
        """Abatement points and service credits of every month held, under the contract's terms.

        Raises
        ------
        InputValidationError
            If the contract has no ``terms.yaml`` (see :attr:`has_terms`).
        """
        return contract_abatement(self.contract, self.terms, scores=self.scored)

    @cached_property
    def relief(self) -> Abatement:
        """Abatement as it would be had no month been relieved (no mitigation, no glides)."""
        return contract_abatement(self.contract, self.terms, scores=self.scored,
                                  without_mitigation=True)

    @property
    def input_files(self) -> list[Path]:
        """Every file the contract's figures could read, present or not: its tables, terms, points
        and reasons. A file created after a render (the first ``overrides.csv``) must make that
        render out of date, so absent files are listed too."""
        folder = self.contract.folder
        extra = [folder / TERMS_FILE, folder / REASONS_FILE]
        if self.has_terms:
            extra.insert(1, folder / self.terms.params.points_file)
        return [*(folder / f for f in CONTRACT_FILES), *extra]

    def counts(self, start: object = None, end: object = None) -> pd.DataFrame:
        """RAG counts per service and month (and ``ALL``) from ``start`` to ``end`` (inclusive).

        See :func:`scrutiny.score.scoring.summary_counts`; either end may be left open.
        """
        first = None if start is None else month(start)
        last = None if end is None else month(end)
        return self._cached("counts", (first, last), lambda: summary_counts(
            self.scored, self.services, start=first, end=last))

    def reconciliation(self) -> pd.DataFrame:
        """Published summary cells that the KPI-level results do not reproduce."""
        return reconcile(self.contract.published, self.counts())

    def register(self, period: object) -> pd.DataFrame:
        """The exceptions register of a month (lower-case RAG codes), with mitigation reasons."""
        when = month(period)
        return self._cached("register", when,
                            lambda: exceptions_register(self.scored, when, self.reasons))

    def trend_table(self, period: object, window: int = WINDOW, *, min_points: int = MIN_POINTS,
                    alpha: float = ALPHA, horizon: int = HORIZON) -> pd.DataFrame:
        """:func:`scrutiny.insight.trends.kpi_trends` to ``period`` (lower-case RAG codes)."""
        when = month(period)
        return self._cached("trends", (when, window, min_points, alpha, horizon),
                            lambda: kpi_trends(self.scored, when, window=window,
                                               min_points=min_points, alpha=alpha,
                                               horizon=horizon))

    def scores(self, start: object = None, end: object = None) -> pd.DataFrame:
        """One row per KPI-month from ``start`` to ``end`` (inclusive; default every month).

        Returns
        -------
        pandas.DataFrame
            ``kpi_id, service, month, value, status, rag, tsl, msl, direction, unit, basis,
            override_reason, glide_reason, footnote, description, headroom_tsl,
            headroom_msl``: ``value`` in the KPI's unit (NaN where the return has no number,
            ``status`` then says why), ``tsl``/``msl`` the thresholds in force that month,
            ``headroom_tsl``/``headroom_msl`` the month's own margin over them in the KPI's
            unit, positive when better than the threshold whichever way the KPI points
            (:func:`scrutiny.score.scoring.headroom`).
        """
        first, last = self._range(start, end)
        rows = self.scored[self.scored["month"].between(first, last)]
        return tag_table(_with_rag_words(rows.join(headroom(rows))), "scores")

    def abatement(self, start: object = None, end: object = None, by: str = "service",
                  terms: Terms | Mapping[str, object] | None = None, *,
                  without_mitigation: bool = False) -> pd.DataFrame:
        """Abatement points and service credits from ``start`` to ``end`` (inclusive).

        Runs of failing months are counted from the first month held, so a month's points never
        depend on ``start``.

        Parameters
        ----------
        by : {"service", "kpi", "month"}
            ``service``: one row per service-month with its points, credit payable, cap (GBP) and
            an ``ALL`` row per month. ``kpi``: one row per KPI-month with the run length,
            multiplier and points that make it up. ``month``: one row per month, all services.
        terms : Terms or mapping, optional
            Terms to use instead of the contract's own: a :class:`Terms`, or what-if settings
            such as ``{"amber_fraction": 1.0}`` or ``{"tsl.CSC_KPI_04": 10}``, read by the one
            parser every door uses (:func:`scrutiny.abate.whatif.parse_settings`): every key
            is applied (``tsl.*``/``msl.*`` re-score the KPI's months) or refused.
        without_mitigation : bool
            Score Blue months as if no mitigation or glide had been granted.
        """
        if by not in ABATEMENT_VIEWS:
            raise ValueError(f"by must be one of {', '.join(ABATEMENT_VIEWS)}, not {by!r}")
        first, last = self._range(start, end)
        result = self._abate(terms, without_mitigation=without_mitigation)
        if by == "kpi":
            rows = result.kpi_months.merge(self._descriptions, on="kpi_id", how="left")
        else:
            rows = result.service_months
            if by == "month":
                rows = rows[rows["service"] == ALL_SERVICES].drop(columns="service")
        rows = rows[rows["month"].between(first, last)]
        return tag_table(_with_rag_words(rows), f"abatement_{by}")

    def kpi_history(self, kpi_id: str) -> pd.DataFrame:
        """One KPI month by month: value, thresholds, RAG, run length, multiplier and points.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`HISTORY_COLUMNS`, months ascending. ``value``, ``tsl`` and ``msl`` are
            in the KPI's unit; ``run_length`` is the month's place in a run of failing months (0
            when not failing); ``points = base_points * multiplier`` under the contract's terms
            (the points columns are empty, NaN, for a contract without ``terms.yaml``).

        Raises
        ------
        UnknownKpiError
            If the contract has no results for ``kpi_id``.
        """
        scores = self.scored[self.scored["kpi_id"] == kpi_id]
        if scores.empty:
            known = ", ".join(self.scored["kpi_id"].drop_duplicates())
            raise UnknownKpiError(f"{self.name} has no results for KPI {kpi_id!r}; "
                                  f"its KPIs are {known}")
        columns = ["month", "allocation", "base_points", "run_length", "multiplier", "points"]
        points = (self._abate(None).kpi_months if self.has_terms
                  else pd.DataFrame(columns=["kpi_id", *columns]))
        points = points[points["kpi_id"] == kpi_id][columns]
        history = scores.merge(points.astype({"month": scores["month"].dtype}), on="month",
                               how="left", validate="one_to_one")
        return _with_rag_words(history.sort_values("month")[HISTORY_COLUMNS])

    def exceptions(self, period: object) -> pd.DataFrame:
        """The exceptions register of a month: every KPI not Green, with run and reason.

        See :func:`scrutiny.insight.register.exceptions_register` for the columns.
        """
        when = month(period)
        return tag_table(_with_rag_words(self.register(when)), "exceptions", when)

    def trends(self, period: object, window: int = WINDOW, *, min_points: int = MIN_POINTS,
               alpha: float = ALPHA, horizon: int = HORIZON) -> pd.DataFrame:
        """Each KPI's trend over the ``window`` months to ``period``, with headroom and drift.

        ``min_headroom_msl``/``min_headroom_tsl`` are the smallest margins over minimum and target
        in the window (the least of the months' own ``headroom_*`` in :meth:`scores`; KPI units,
        positive is better); ``drifting`` marks a KPI Green throughout whose
        slope would take it below target within ``horizon`` months. See
        :func:`scrutiny.insight.trends.kpi_trends`.
        """
        table = self.trend_table(period, window, min_points=min_points, alpha=alpha,
                                 horizon=horizon)
        return _with_rag_words(table)

    def narrative(self, period: object, window: int = WINDOW, *, min_points: int = MIN_POINTS,
                  alpha: float = ALPHA, horizon: int = HORIZON) -> list[str]:
        """The month's highlights in plain English, from the same tables a period report uses.

        See :func:`scrutiny.insight.narrative.period_narrative`.
        """
        when = month(period)
        require_period(self.scored, when)
        return period_narrative(
            scores=self.scored, counts=self.counts(), register=self.register(when),
            trends=self.trend_table(when, window, min_points=min_points, alpha=alpha,
                                    horizon=horizon),
            services=self.contract.info.services, period=when, window=window,
            min_points=min_points, alpha=alpha, horizon=horizon)

    def ratings(self, start: object, end: object,
                rules: RatingRules | None = None) -> pd.DataFrame:
        """Procurement Act 2023 rating of each KPI from ``start`` to ``end``, with the counts."""
        first, last, rules = month(start), month(end), rules or RatingRules()
        return tag_table(self._cached("ratings", (first, last, rules.model_dump_json()),
                                      lambda: procurement_ratings(self.scored, first, last,
                                                                  rules)), "ratings")

    def runs(self, status: str = "Red", start: object = None, end: object = None, *,
             measured_only: bool = False) -> pd.DataFrame:
        """One row per run of consecutive months of ``status`` from ``start`` to ``end``.

        The same runs the ratings' ``longest_red_run`` is the longest of, and (with
        ``"failing"``) the exceptions register's ``run_length`` ends: one rule,
        :func:`scrutiny.core.runs.status_rule`, over consecutive measurements.

        Parameters
        ----------
        status : {"Red", "Amber", "Green", "Blue", "failing"}
            The RAG whose runs are wanted (any case); Blue months are passed over. ``failing``
            is Amber or Red with a Blue month ending the run, the register's "months failing
            in a row".
        measured_only : bool
            True: only months with a number count, so a month with no number ends a run.

        Returns
        -------
        pandas.DataFrame
            ``kpi_id, start, end, length, no_number``: first and last month, length in
            measurements, and how many of the run's months had no number.
        """
        first, last = self._range(start, end)
        rows = self.scored[self.scored["month"].between(first, last)]
        return status_runs(rows, status, measured_only=measured_only)

    def notice(self, start: object, end: object, ocid: str | None = None, *,
               draft: bool = False, rules: RatingRules | None = None,
               published: datetime | None = None) -> dict:
        """The UK9 contract performance notice for ``start``..``end``, checked against OCDS.

        ``ocid`` overrides contract.yaml's; ``draft`` builds a notice marked as a draft when
        contract.yaml lacks fields a notice needs; ``published`` fixes the release date.

        Returns
        -------
        dict
            An OCDS release package (see :func:`scrutiny.insight.notice.performance_notice`).

        Raises
        ------
        NoticeError
            If contract.yaml lacks required fields (and not ``draft``), the ocid is not an
            OCDS ocid, or the package would not validate against OCDS 1.1.5 plus extensions.
        """
        from scrutiny.insight.notice import notice_errors, performance_notice

        first, last = self._range(start, end)
        package = performance_notice(self.contract, self.scored, first, last, ocid=ocid,
                                     draft=draft, rules=rules, published=published)
        errors = notice_errors(package)
        if errors:
            raise NoticeError(f"the notice would not validate against the OCDS schema: "
                              f"{errors[0]}" + (f" (and {len(errors) - 1} more)"
                                                if len(errors) > 1 else ""))
        return package

    def whatif(self, start: object = None, end: object = None, by: str = "service",
               settings: Mapping[str, object] | None = None, **changes: object
               ) -> pd.DataFrame:
        """Points and credits under changed terms, beside the contract's own.

        Parameters
        ----------
        start, end : month, optional
            Range totalled (inclusive); default every month held.
        by : {"service", "month", "kpi", "kpi-month"}
            One row per service (then ``ALL``), per month, per KPI (points totalled), or per
            KPI-month re-scored: today's and the proposed ``rag``, ``run_length``, ``points``
            and credit before the cap, with ``rag_changed``, so
            ``t[t["rag_changed"]]`` lists the months whose RAG moves.
        settings : mapping, optional
            Settings whose names are not Python names, e.g. ``{"tsl.CSS01": 90}``,
            ``{"volume.ICT": 250000}`` (see :mod:`scrutiny.abate.whatif`).
        **changes
            Plain terms, e.g. ``amber_fraction=1.0``, ``blue_breaks_run=False``,
            ``multipliers=[1, 2, 3]``.

        Returns
        -------
        pandas.DataFrame
            :data:`WHATIF_COLUMNS` for ``by="service"``: points and credits (GBP, after the
            monthly cap) totalled over the range; ``difference = proposed_credit - credit``.

        Raises
        ------
        TermsError
            For a term that cannot be set, or a value the terms' rules refuse.
        """
        first, last = self._range(start, end)
        proposed = self.whatif_abatement({**(settings or {}), **changes})
        table = _with_rag_words(compare(self.charged, proposed, first, last, by=by))
        if "proposed_rag" in table.columns:
            table["proposed_rag"] = rag_words(table["proposed_rag"])
        return table

    def whatif_abatement(self, settings: Mapping[str, object]) -> Abatement:
        """Abatement of every month held under the what-if ``settings``, once per settings.

        Raises
        ------
        TermsError
            For a term that cannot be set, or a value the terms' rules refuse.
        """
        plan = self.plan_whatif(settings)
        return self._cached("whatif", _settings_key(plan.settings),
                            lambda: whatif_abatement(self.contract, plan, self.scored))

    def plan_whatif(self, settings: Mapping[str, object]) -> WhatIf:
        """Check what-if settings against the contract's terms (see :func:`apply_settings`)."""
        return apply_settings(self.contract, self.terms, settings)

    def changed_terms(self, **changes: object) -> Terms:
        """The contract's terms with some plain terms changed, checked as ``terms.yaml`` is.

        Raises
        ------
        TermsError
            For a term that cannot be set, a value the terms' rules refuse, or a threshold
            (``tsl.*``/``msl.*``): those re-score KPI-months, which :class:`Terms` cannot carry;
            give them to :meth:`abatement` or :meth:`whatif` instead.
        """
        plan = self.plan_whatif(changes)
        if plan.thresholds:
            raise TermsError("changed_terms cannot carry tsl.*/msl.* (they re-score KPI-months, "
                             "not terms); pass them as abatement(terms={...}) or "
                             "whatif(settings={...})")
        return plan.terms

    def held_range(self, start: object = None, end: object = None
                   ) -> tuple[pd.Period, pd.Period]:
        """``start``/``end`` as months (default the first and last held), refused if empty."""
        return self._range(start, end)

    # -- helpers ---------------------------------------------------------------------------

    def _range(self, start: object, end: object) -> tuple[pd.Period, pd.Period]:
        """``start``/``end`` as months (default the first and last held), refused if empty."""
        held = self.contract.months
        first = month(start) if start is not None else held[0]
        last = month(end) if end is not None else held[-1]
        require_range(self.scored, first, last)
        return first, last

    def _abate(self, terms: Terms | Mapping[str, object] | None, *,
               without_mitigation: bool = False) -> Abatement:
        if terms is None:
            return self.relief if without_mitigation else self.charged
        if isinstance(terms, Mapping):
            if not without_mitigation:
                return self.whatif_abatement(terms)
            plan = self.plan_whatif(terms)
            return self._cached("whatif relief", _settings_key(plan.settings),
                                lambda: whatif_abatement(self.contract, plan, self.scored,
                                                         without_mitigation=True))
        return contract_abatement(self.contract, terms, scores=self.scored,
                                  without_mitigation=without_mitigation)

    def _cached(self, what: str, key: Hashable, compute: Callable[[], object]):
        """``compute()`` the first time ``(what, key)`` is asked for, the same object after."""
        if (what, key) not in self._memo:
            self._memo[what, key] = compute()
        return self._memo[what, key]

    @cached_property
    def _descriptions(self) -> pd.DataFrame:
        return self.contract.kpis[["kpi_id", "description"]].drop_duplicates("kpi_id")


def _settings_key(settings: Mapping[str, object]) -> str:
    """What-if settings as one text, equal for equal settings (values may be lists)."""
    return json.dumps(dict(settings), sort_keys=True, default=str)


def _with_rag_words(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a fresh index and its ``rag`` column (if any) as case-blind RAG words."""
    frame = frame.reset_index(drop=True)
    if "rag" in frame.columns:
        frame = frame.assign(rag=rag_words(frame["rag"]))
    return frame

