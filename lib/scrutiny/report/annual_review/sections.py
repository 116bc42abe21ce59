"""The year-end review's sections: each takes the :class:`AnnualReview` and returns ``Html``.

Colours always come with their words (the status names head the count columns; ratings are
words), and every table is a captioned table with row headers.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timezone

import pandas as pd

from scrutiny.core.months import month_name
from scrutiny.exceptions import NoticeError
from scrutiny.insight.narrative import join_words
from scrutiny.insight.notice import notice_errors, undecided_inadequate
from scrutiny.insight.procurement import (
    APPROACHING,
    GOOD,
    INADEQUATE,
    OTHER,
    RATING_MEANINGS,
    RATINGS,
    REQUIRES_IMPROVEMENT,
    RatingRules,
)
from scrutiny.load.parties import missing_notice_fields
from scrutiny.load.reasons import load_decision_log
from scrutiny.report import html as report
from scrutiny.report import provenance
from scrutiny.report.annual_review import AnnualReview, figures
from scrutiny.report.html import Html
from scrutiny.report.period.insight import rules_text

#: The notice's file name, beside the review's HTML (the link is relative).
NOTICE_FILE = "contract-performance-notice.json"
WORST_FIRST = [INADEQUATE, REQUIRES_IMPROVEMENT, APPROACHING, OTHER, GOOD]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _gbp(value: float) -> str:
    return report.pounds([value])[0]


def title(rev: AnnualReview) -> Html:
    """The ``<h1>``: contract, year and its months; council and supplier (the subtitle every
    report of the contract shares: the index heads the contract's group with it)."""
    info = rev.handle.contract.info
    return report.title_block(
        f"{info.title}: year-end review {rev.year.label} ({rev.year.span_text()})",
        subtitle=f"{info.council} and {info.supplier}", generated_on=rev.generated_on)


def coverage(rev: AnnualReview) -> Html:
    """Which months of the year the review covers, stated plainly when fewer than twelve."""
    year = rev.year
    text = (f"This review covers contract year {year.label}, {year.span_text()}. "
            f"The council holds results for {year.held_text()}.")
    if not year.complete:
        text += (f" Only {len(year.held)} of the year's 12 months are held, so every figure "
                 "below covers those months only, and the 12-month assessment the Procurement "
                 "Act 2023 asks for rests on part of the year.")
    return report.paragraph(text)


def summary_facts(rev: AnnualReview) -> list[str]:
    """The plain-English facts of the year, one sentence each (the summary's paragraph)."""
    year, totals = rev.year, figures.rating_totals(rev.ratings)
    kpis = len(rev.ratings)
    rated = join_words([f"{n} {r}" for r, n in totals.items() if n])
    facts = [f"In contract year {year.label} the council holds results for "
             f"{year.held_text()}.",
             f"Of the {_plural(kpis, 'KPI')} assessed over those months: {rated}."]
    status = figures.status_by_service(rev.scores, rev.handle.contract.info.services).iloc[-1]
    facts.append(f"Of {status['Total']:,} KPI-months, {status['Green']:,} were Green, "
                 f"{status['Amber']:,} Amber, {status['Red']:,} Red and {status['Blue']:,} "
                 "Blue (not scored: mitigation or glide).")
    if rev.credits is not None:
        capped = int(rev.credits["capped"].sum())
        facts.append(f"Abatement came to {rev.credits['points'].sum():,.2f} points and "
                     f"service credits of {_gbp(rev.credits['credit'].sum())}"
                     + (f"; the cap limited the credits in {_plural(capped, 'month')}."
                        if capped else "; the cap did not limit the credits in any month."))
    return facts


def resolution(rev: AnnualReview) -> str:
    """The recommended resolution sentence a committee can adopt."""
    totals = figures.rating_totals(rev.ratings)
    below = totals[INADEQUATE] + totals[REQUIRES_IMPROVEMENT]
    follow_up = (f", and asks officers to report back on the {_plural(below, 'KPI')} rated "
                 "Inadequate or Requires improvement and the supplier's plans to improve them"
                 if below else "")
    partial = (f" (on the {len(rev.year.held)} months held)" if not rev.year.complete else "")
    return (f"That the committee notes the supplier's performance in contract year "
            f"{rev.year.label} as set out in this review, adopts the Procurement Act 2023 "
            f"ratings of its {_plural(len(rev.ratings), 'KPI')}{partial} for publication in "
            f"the contract performance notice{follow_up}.")


def summary(rev: AnnualReview) -> Html:
    """A paragraph of the year's facts and the recommended resolution."""
    return report.join(report.paragraph(" ".join(summary_facts(rev))),
                       report.note(resolution(rev), label="Recommended resolution"))


def ratings_section(rev: AnnualReview) -> Html:
    """Each KPI's Procurement Act assessment over the year, worst first, with the reason."""
    ratings = rev.ratings
    order = ratings["rating"].map({r: i for i, r in enumerate(WORST_FIRST)})
    rows = ratings.assign(_o=order).sort_values(["_o", "kpi_id"], kind="stable")
    span = f"{month_name(rev.year.first_held)} to {month_name(rev.year.last_held)}"
    counts = figures.rating_totals(ratings)
    key = report.table(pd.DataFrame({
        "Rating": RATINGS, "What it means": [RATING_MEANINGS[r] for r in RATINGS],
        "KPIs": [counts[r] for r in RATINGS]}),
        caption=f"KPIs by Procurement Act rating, {span}", row_header="Rating", numeric=["KPIs"])
    detail = report.table(pd.DataFrame({
        "KPI": rows["kpi_id"], "Service": rows["service"],
        "What it measures": rows["description"], "Rating": rows["rating"],
        "Why": rows["rule"], "Months scored": rows["scored"].map(str)}),
        caption=f"Each KPI's rating, worst first, {span}", row_header="KPI",
        numeric=["Months scored"])
    return report.join(report.paragraph(rules_text(RatingRules())), key, detail)


def status_section(rev: AnnualReview) -> Html:
    """KPI-months by status (Green, Amber, Red, Blue) per service over the year."""
    table = figures.status_by_service(rev.scores, rev.handle.contract.info.services)
    frame = table.drop(columns="service").rename(columns={"name": "Service"})
    numeric = ["Green", "Amber", "Red", "Blue", "Total"]
    return report.join(
        report.rag_key(),
        report.table(frame.assign(**{c: frame[c].map("{:,}".format) for c in numeric}),
                     caption=f"KPI-months by status per service, {rev.year.label} "
                             f"({len(rev.year.held)} months)",
                     row_header="Service", numeric=numeric))


def money_section(rev: AnnualReview) -> Html:
    """Abatement points and service credits month by month against the cap, with the total."""
    credits = rev.credits
    if credits is None:
        return report.paragraph("This contract has no abatement terms (terms.yaml), so no "
                                "points or service credits are worked out.")
    total = pd.DataFrame({"month": ["Year"], **{c: [credits[c].sum()] for c in
                                                 ("points", "uncapped_credit", "cap", "credit")},
                          "capped": [int(credits["capped"].sum())]})
    shown = pd.DataFrame({
        "Month": [*credits["month"].map(month_name), f"Total {rev.year.label}"],
        "Points": report.number(pd.concat([credits["points"], total["points"]]), 2),
        "Credit before the cap": report.pounds(
            pd.concat([credits["uncapped_credit"], total["uncapped_credit"]])),
        "Cap": report.pounds(pd.concat([credits["cap"], total["cap"]])),
        "Credit payable": report.pounds(pd.concat([credits["credit"], total["credit"]])),
        "Cap applied": [*report.yes_no(credits["capped"]),
                        _plural(int(total["capped"].iloc[0]), "month")]})
    text = report.paragraph(
        f"Service credits payable for the months held: {_gbp(credits['credit'].sum())} "
        f"({credits['points'].sum():,.2f} points), against caps totalling "
        f"{_gbp(credits['cap'].sum())}.")
    return report.join(text, report.table(
        shown, caption=f"Abatement and service credits by month, {rev.year.label}",
        row_header="Month", numeric=["Points", "Credit before the cap", "Cap",
                                     "Credit payable"]))


def comparison_section(rev: AnnualReview) -> Html:
    """The year beside the year before, where the contract holds any of it."""
    before = rev.previous
    if before is None:
        return report.paragraph(
            f"There is no year before {rev.year.label} to compare with: the contract holds no "
            "results for it.")
    handle, services = rev.handle, rev.handle.contract.info.services
    now_ratings = figures.rating_totals(rev.ratings)
    old_ratings = figures.rating_totals(handle.ratings(before.first_held, before.last_held))
    old_scores = handle.scored[handle.scored["month"].between(before.first_held,
                                                               before.last_held)]
    now_status = figures.status_by_service(rev.scores, services).iloc[-1]
    old_status = figures.status_by_service(old_scores, services).iloc[-1]
    rows = [("Months held", str(len(before.held)), str(len(rev.year.held)))]
    rows += [(f"KPIs rated {r}", str(old_ratings[r]), str(now_ratings[r])) for r in RATINGS]
    rows += [(f"{s} KPI-months", f"{old_status[s]:,}", f"{now_status[s]:,}")
             for s in ("Green", "Amber", "Red", "Blue")]
    if rev.credits is not None:
        old = handle.abatement(before.first_held, before.last_held, by="month")
        rows.append(("Service credits payable", _gbp(old["credit"].sum()),
                     _gbp(rev.credits["credit"].sum())))
    frame = pd.DataFrame(rows, columns=["Measure", before.label, rev.year.label])
    note = ("" if before.complete and rev.year.complete else
            " The years hold different numbers of months, so compare shares, not totals.")
    return report.join(
        report.paragraph(f"{rev.year.label} beside {before.label} (results held for "
                         f"{before.held_text()})." + note),
        report.table(frame, caption=f"{rev.year.label} compared with {before.label}",
                     row_header="Measure", numeric=[before.label, rev.year.label]))


def runs_section(rev: AnnualReview) -> Html:
    """The longest runs of consecutive Red months in the year, with their dates."""
    runs = figures.worst_runs(rev.scores)
    if runs.empty:
        return report.paragraph(f"No KPI was Red in {figures.MIN_RUN} or more months in a row "
                                f"in {rev.year.label}.")
    frame = pd.DataFrame({
        "KPI": runs["kpi_id"], "What it measures": runs["description"],
        "From": runs["first"].map(month_name), "To": runs["last"].map(month_name),
        "Months Red in a row": runs["months"].map(str)})
    return report.join(
        report.paragraph("Blue months (mitigation or glide) neither extend nor end a run; a "
                         "Green or Amber month ends it. Runs are counted within the year."),
        report.table(frame, caption=f"Longest runs of Red months, {rev.year.label}",
                     row_header="KPI", numeric=["Months Red in a row"]))


def _range_text(frame: pd.DataFrame) -> list[str]:
    def one(row) -> str:
        first = month_name(pd.Period(str(row["from_month"]), freq="M"))
        last = str(row["to_month"]) if pd.notna(row["to_month"]) else ""
        if last in ("", "NaT", "None", "nan"):
            return f"{first} onwards"
        last = month_name(pd.Period(last, freq="M"))
        return first if last == first else f"{first} to {last}"
    return [one(row) for _, row in frame.iterrows()]


def decisions_section(rev: AnnualReview) -> Html:
    """Mitigations, revised levels (overrides) and glides granted for months of the year."""
    contract, start, end = rev.handle.contract, rev.year.start, rev.year.end
    parts = []
    log = figures.ranges_in(load_decision_log(contract.folder), start, end)
    parts.append(_decision_table(
        log, "Mitigations and other decisions recorded", lambda f: pd.DataFrame({
            "KPI": f["kpi_id"], "Decision": f["action"], "Months": _range_text(f),
            "Decided by": f["decided_by"], "Reason": f["reason"]}), rev))
    overrides = figures.ranges_in(contract.overrides, start, end)
    parts.append(_decision_table(
        overrides, "Revised service levels (overrides)", lambda f: pd.DataFrame({
            "KPI": f["kpi_id"], "Months": _range_text(f), "TSL": f["tsl"].map(str),
            "MSL": f["msl"].map(str), "Reason": f["reason"]}), rev))
    glides = figures.ranges_in(contract.glides, start, end)
    parts.append(_decision_table(
        glides, "Glide periods", lambda f: pd.DataFrame({
            "KPI": f["kpi_id"].replace("", "(not named)"), "Service": f["service"],
            "Months": _range_text(f), "Reason": f["reason"]}), rev))
    blue = figures.blue_months(rev.scores)
    parts.append(report.paragraph(f"{_plural(blue, 'KPI-month')} of the year were scored Blue "
                                  "(not scored: mitigation or glide)."))
    return report.join(*parts)


def _decision_table(frame: pd.DataFrame, what: str, shape, rev: AnnualReview) -> Html:
    if frame.empty:
        return report.paragraph(f"{what}: none for months of {rev.year.label}.")
    return report.table(shape(frame), caption=f"{what} for months of {rev.year.label}",
                        row_header="KPI")


def commentary_section(rev: AnnualReview) -> Html:
    """The supplier's comments on the year's Amber and Red months, from its returns."""
    rows = figures.commentary(rev.scores)
    if rows.empty:
        return report.paragraph(f"The supplier's returns carry no comment on any Amber or Red "
                                f"month of {rev.year.label}.")
    frame = pd.DataFrame({"KPI": rows["kpi_id"], "Month": rows["month"].map(month_name),
                          "Status": rows["rag"].map(report.rag_label), "rag": rows["rag"],
                          "Supplier's comment": rows["comment"]})
    return report.table(frame, caption=f"Supplier commentary on failures, {rev.year.label}",
                        rag_columns={"Status": "rag"}, row_header="KPI")


def notice_section(rev: AnnualReview) -> Html:
    """A link to the year's UK9 notice, written beside the review (as ``scrutiny notice
    --year`` writes it), and the Inadequate KPIs without a recorded failure decision."""
    year, contract = rev.year, rev.handle.contract
    missing = missing_notice_fields(contract.info)
    published = datetime.combine(rev.generated_on, time(), tzinfo=timezone.utc)
    package = rev.handle.notice(year.first_held, year.last_held, draft=bool(missing),
                                published=published)
    errors = notice_errors(package)
    if errors:  # handle.notice checks too; kept so a change there cannot publish a bad file
        raise NoticeError(f"the notice would not validate against the OCDS schema: {errors[0]}")
    draft = ("This is a DRAFT: contract.yaml does not yet give " + join_words(missing)
             + ", so the notice cannot be filed. " if missing else "")
    undecided = undecided_inadequate(contract, rev.ratings, year.first_held, year.last_held)
    decided = (f"Inadequate KPIs with no section 71(5) failure decision recorded: "
               f"{join_words(undecided)}; the notice does not list them as failures."
               if undecided else "")
    link = Html(f'<p><a href="{report.esc(NOTICE_FILE)}" download>Download the '
                f"{'draft ' if missing else ''}contract performance notice (UK9) for "
                f"{report.esc(year.label)}, {report.esc(month_name(year.first_held))} to "
                f"{report.esc(month_name(year.last_held))} (OCDS JSON)</a></p>",
                metadata={report.FILES_KEY: {
                    NOTICE_FILE: json.dumps(package, indent=2, ensure_ascii=False) + "\n"}})
    return report.join(link, report.paragraph(
        draft + "It carries the ratings above, in the Open Contracting Data Standard format "
        "Find a Tender publishes. " + decided))


def provenance_section(rev: AnnualReview) -> Html:
    """Appendix: input files with SHA-256, parameters, toolkit."""
    return provenance.appendix(rev.handle.input_files, rev.parameters)
