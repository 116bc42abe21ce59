"""docs/your_contract.md runs as written, for a whole contract year, and every figure is right.

The guide's ``shell`` blocks run once per session through the ``doc_run`` fixture (see
docs_runner and test_docs.py): real processes, in order, in a temporary folder holding a copy of
the example files (tests/corpus/contract-year), with SCRUTINY_DATA/OUTPUTS/PARAMS pointing at
temporary folders and SCRUTINY_TODAY=2026-10-05.

What the commands print and write is checked against :class:`Year`, a small scorer written here
from the rules the guide and docs/assumptions.md state (RAG inclusive at the thresholds, runs of
consecutive *measurements*, a Blue month ending a run, multipliers 1/1.5/2, Amber half points,
a cap per service-month, the Procurement Act rating rules of docs/procurement_ratings.md). It
reads the example returns with the csv module and never calls scrutiny's scoring.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shlex
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from docs_runner import blocks
from scrutiny.config import PROJECT_ROOT

GUIDE = "docs/your_contract.md"
CORPUS = PROJECT_ROOT / "tests" / "corpus" / "contract-year"
MONTHS = [f"2025-{m:02d}" for m in range(9, 13)] + [f"2026-{m:02d}" for m in range(1, 9)]
QUARTER_ENDS, YEAR_END = {2, 5, 8, 11}, 8
#: The terms the guide sets with ``scrutiny terms``.
POINTS = {"WST_KPI_01": 20, "WST_KPI_02": 15, "WST_KPI_03": 10, "WST_KPI_04": 10,
          "CLN_KPI_01": 10, "CLN_KPI_02": 10, "CLN_KPI_03": 10, "CLN_KPI_04": 5,
          "CLN_KPI_05": 10}
POINT_GBP, AMBER_SHARE, CAP_SHARE, MULTIPLIERS = 100, 0.5, 0.1, (1.0, 1.5, 2.0)
VOLUME = {"WST": 200_000, "CLN": 40_000}
#: The guide's decisions: override (months -> TSL, MSL), Blue months (glide and the mitigation
#: that stands; the June mitigation of WST_KPI_02 is withdrawn).
OVERRIDES = {("WST_KPI_04", m): (8.0, 12.0) for m in ("2025-11", "2025-12", "2026-01")}
BLUE = {("CLN_KPI_02", "2025-09"), ("CLN_KPI_02", "2025-10"), ("CLN_KPI_02", "2026-03")}
#: The order the guide ingests the returns in (February late, then November's correction).
INGESTED = [m for m in MONTHS if m != "2026-02"] + ["2026-02", "2025-11-corrected"]
SERVICES = ("WST", "CLN")


def guide_commands() -> list[list[str]]:
    return [shlex.split(line.split(" > ")[0]) for block in blocks(GUIDE)
            if block.language == "shell" for line in block.code.splitlines() if line.strip()]


def due_date(month: str) -> date:
    """10 working days (Monday to Friday) after the month ends."""
    year, number = int(month[:4]), int(month[5:])
    day = date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1)
    left = 10
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day


@dataclass
class Cell:
    """One KPI-month as the contract's rules score it."""

    kpi: str
    service: str
    month: str
    rag: str
    run: int = 0
    multiplier: float = 0.0
    points: float = 0.0
    number: bool = True


@dataclass
class Year:
    """The example year scored from the guide's rules, independently of scrutiny."""

    kpis: dict[str, dict] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    values: dict[tuple[str, str], str] = field(default_factory=dict)
    blue: frozenset = frozenset(BLUE)

    @classmethod
    def build(cls, blue=BLUE) -> Year:
        """The year as decided (``blue``: the months relieved; none: as if no relief)."""
        year = cls(blue=frozenset(blue))
        with (CORPUS / "schedule.csv").open(encoding="utf-8") as fh:
            year.kpis = {row["kpi_id"]: row for row in csv.DictReader(fh)}
        for name in INGESTED:
            with (CORPUS / f"return-{name}.csv").open(encoding="utf-8") as fh:
                rows = list(csv.reader(fh))
            month = name[:7]
            for row in rows[1:]:
                year.values[row[0], month] = row[5].strip()
        year.cells = [year.score(k, m) for k in year.kpis for m in MONTHS if year.due(k, m)]
        year.add_points()
        return year

    def due(self, kpi: str, month: str) -> bool:
        frequency, number = self.kpis[kpi]["frequency"], int(month[5:])
        return (frequency == "M" or (frequency == "Q" and number in QUARTER_ENDS)
                or (frequency == "A" and number == YEAR_END))

    def score(self, kpi: str, month: str) -> Cell:
        row = self.kpis[kpi]
        cell = Cell(kpi, row["service"], month, "red")
        if (kpi, month) in self.blue:
            cell.rag = "blue"
            return cell
        text = self.values.get((kpi, month), "")
        try:
            value = round(float(text), 2)
        except ValueError:  # left out, or "Mitigation Agreed" claimed with no decision
            cell.number = False
            return cell
        tsl, msl = OVERRIDES.get((kpi, month), (float(row["tsl"]), float(row["msl"])))
        sign = 1 if row["direction"] == "higher" else -1
        cell.rag = ("green" if sign * value >= sign * tsl else
                    "amber" if sign * value >= sign * msl else "red")
        return cell

    def add_points(self) -> None:
        for kpi in self.kpis:
            run = 0
            for cell in self.of(kpi):  # consecutive measurements; Blue and Green end a run
                run = run + 1 if cell.rag in ("amber", "red") else 0
                if run:
                    cell.run, cell.multiplier = run, MULTIPLIERS[min(run, 3) - 1]
                    share = 1.0 if cell.rag == "red" else AMBER_SHARE
                    cell.points = POINTS[kpi] * share * cell.multiplier

    def of(self, kpi: str) -> list[Cell]:
        return [c for c in self.cells if c.kpi == kpi]

    def counts(self, service: str, month: str) -> list[int]:
        cells = [c for c in self.cells if c.month == month and service in ("ALL", c.service)]
        found = [sum(c.rag == rag for c in cells) for rag in ("green", "amber", "red", "blue")]
        return [*found, len(cells)]

    def credit(self, service: str, month: str) -> tuple[float, float, float, bool]:
        """Points, credit payable, cap and whether the cap applied, GBP."""
        services = SERVICES if service == "ALL" else (service,)
        points = credit = cap = 0.0
        capped = False
        for s in services:
            p = sum(c.points for c in self.cells if c.month == month and c.service == s)
            limit = VOLUME[s] * CAP_SHARE
            points, credit, cap = points + p, credit + min(p * POINT_GBP, limit), cap + limit
            capped |= p * POINT_GBP > limit
        return points, credit, cap, capped

    def rating(self, kpi: str) -> tuple[str, dict[str, int]]:
        """The Procurement Act rating (docs/procurement_ratings.md) and its counts."""
        cells = self.of(kpi)
        n = {rag: sum(c.rag == rag for c in cells) for rag in ("green", "amber", "red", "blue")}
        n["scored"] = len(cells) - n["blue"]
        n["no_data"] = sum(c.rag == "red" and not c.number for c in cells)
        longest = run = 0
        for cell in cells:  # a Blue month neither extends nor ends a run of Reds
            if cell.rag != "blue":
                run = run + 1 if cell.rag == "red" else 0
                longest = max(longest, run)
        n["longest"] = longest
        if n["scored"] < 1:
            return "Other", n
        if longest >= 3 or n["no_data"] >= n["scored"]:
            return "Inadequate", n
        if n["red"] >= 1 or n["green"] < 0.5 * n["scored"]:
            return "Requires improvement", n
        return ("Approaching target" if n["amber"] else "Good"), n


@pytest.fixture(scope="module")
def year() -> Year:
    return Year.build()


@pytest.fixture(scope="module")
def unrelieved() -> Year:
    return Year.build(blue=())


@pytest.fixture(scope="module")
def run(doc_run):
    done = doc_run(GUIDE)
    assert not done.failures, "\n".join(done.failures)
    return done


def rows_of(table: str, first: str) -> list[list[str]]:
    """Whitespace-split rows of a printed table whose first word is in ``first``."""
    return [line.split() for line in table.splitlines()
            if line.split() and re.fullmatch(first, line.split()[0])]


def text_of(path: Path) -> str:
    """An HTML page's words, one space between them (scripts and styles left out)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def month_name(month: str) -> str:
    return date(int(month[:4]), int(month[5:]), 1).strftime("%B %Y")


def gbp(amount: float) -> str:
    return f"£{amount:,.0f}"


def test_the_guide_uses_every_unit_and_frequency_and_every_step():
    with (CORPUS / "schedule.csv").open(encoding="utf-8") as fh:
        schedule = list(csv.DictReader(fh))
    assert {r["unit"] for r in schedule} == {"percent", "count", "rate", "days", "hours",
                                            "minutes", "gbp", "score"}
    assert any(r["unit"] == "rate" and r["unit_label"] for r in schedule)
    assert sorted(r["frequency"] for r in schedule if r["frequency"] != "M") == ["A", "Q", "Q"]
    assert {r["direction"] for r in schedule} == {"higher", "lower"}
    commands = guide_commands()
    assert all(c[0] == "scrutiny" for c in commands)
    names = [c[1] for c in commands]
    assert names[:2] == ["new-contract", "terms"] and names.count("ingest") == 13
    assert "--withdraw" in commands[names.index("mitigate") + 2]
    assert ["--year-end-month", "8"] == commands[0][commands[0].index("--year-end-month"):][:2]
    assert ["render", "--contract", "north-waste", "--year", "2025", "--pdf"] == \
        [c for c in commands if "--year" in c and c[1] == "render"][0][1:7]
    with (CORPUS / "return-2026-01.csv").open(encoding="utf-8") as fh:
        assert "Comment" in next(csv.reader(fh))


def test_the_independent_scorer_applies_the_rules():
    """The test's scorer on a few hand-worked cells, so its own mistakes show."""
    y = Year.build()
    cln_01 = y.of("CLN_KPI_01")  # quarterly: Red Nov, Feb, May, Amber Aug = runs 1, 2, 3, 4
    assert [(c.month, c.rag, c.run, c.points) for c in cln_01] == [
        ("2025-11", "red", 1, 10.0), ("2026-02", "red", 2, 15.0), ("2026-05", "red", 3, 20.0),
        ("2026-08", "amber", 4, 10.0)]
    assert y.credit("CLN", "2026-08") == (45.0, 4000.0, 4000.0, True)  # 10+15+10+10: capped
    assert y.rating("CLN_KPI_01")[0] == "Inadequate"


@pytest.mark.slow
def test_missing_return_scores_red_then_the_late_one_replaces_it(run, year):
    first_status, after = (run.output_of("scrutiny status --contract").stdout,
                           run.output_of("--from 2026-02 --to 2026-02").stdout)
    assert "missing (scored Red, no return received):\n  2026-02: due 2026-03-13\n" in first_status
    due_in_february = [k for k in year.kpis if year.due(k, "2026-02")]
    rows = rows_of(after[after.index("KPI scores"):], r"[A-Z]+_KPI_\d\d")
    assert [r[0] for r in rows] == due_in_february
    assert all(" ".join(r[3:7]) == "No return received red" for r in rows)
    final = run.output_of("scrutiny summary --contract").stdout  # February scored on its values
    assert [int(x) for x in rows_of(final, "ALL")[5][2:]] == year.counts("ALL", "2026-02")
    assert year.counts("ALL", "2026-02")[2] == 1  # not 8 Reds any more


@pytest.mark.slow
def test_status_lists_missing_late_left_out_and_claimed(run, year):
    status = run.output_of("scrutiny summary --contract").stdout  # the block's second command
    status = status[status.index("Months held"):]
    assert "missing (scored Red, no return received):\n  none\n" in status
    late = re.findall(r"^  (\d{4}-\d\d): due (\d{4}-\d\d-\d\d), received \d{4}-\d\d-\d\d$",
                      status, re.M)
    assert late == [(m, due_date(m).isoformat()) for m in MONTHS]
    left_out = [(c.month, c.kpi) for c in year.cells
                if not c.number and (c.kpi, c.month) not in year.values]
    assert left_out == [("2026-07", "WST_KPI_03")]
    assert "not in the return (scored Red, data not available):\n  2026-07: WST_KPI_03\n" in status
    claims = [(k, m) for (k, m), v in year.values.items() if v == "Mitigation Agreed"]
    assert claims == [("CLN_KPI_03", "2025-12")]
    assert ("not decided by the council (scored on the value; record it with scrutiny "
            "mitigate or glide):\n  CLN_KPI_03 2025-12: Mitigation Agreed (claimed, not "
            "decided)\n") in status
    cell = next(c for c in year.cells if (c.kpi, c.month) == claims[0])
    assert cell.rag == "red" and cell.points == 15.0  # scored, second month of a run
    assert "Mitigations recorded:\n  CLN_KPI_02 2026-03..2026-03: Flooding" in status
    log = (run.data / "north-waste" / "decisions.csv").read_text().splitlines()
    assert [line.split(",")[2] for line in log[1:]] == ["override", "glide", "mitigate",
                                                        "mitigate", "withdraw"]


@pytest.mark.slow
def test_every_kpi_month_rag_run_and_points(run, year):
    rows = list(csv.DictReader((run.cwd / "abatement-by-kpi.csv").open(encoding="utf-8")))
    got = {(r["kpi_id"], r["month"]): (r["rag"], int(r["run_length"]), float(r["multiplier"]),
                                       float(r["points"])) for r in rows}
    want = {(c.kpi, c.month): (c.rag, c.run, c.multiplier, c.points) for c in year.cells}
    assert len(want) == 81 and got == want


@pytest.mark.slow
def test_summary_counts_and_monthly_credits(run, year):
    out = run.output_of("scrutiny summary --contract").stdout
    summary = out[:out.index("Months held")]
    got = {(r[0], r[1]): [int(x) for x in r[2:]] for r in rows_of(summary, "WST|CLN|ALL")}
    want = {(s, m): year.counts(s, m) for s in (*SERVICES, "ALL") for m in MONTHS}
    assert got == want
    credits = out[out.index("abatement points and service credits"):]
    got = {(r[0], r[1]): (float(r[2]), float(r[3]), float(r[4]), r[5] == "True")
           for r in rows_of(credits, "WST|CLN|ALL")}
    want = {(s, m): year.credit(s, m) for s in (*SERVICES, "ALL") for m in MONTHS}
    assert got == want
    assert [m for m in MONTHS if year.credit("ALL", m)[3]] == ["2026-08"]


@pytest.mark.slow
def test_ratings_of_the_year(run, year):
    out = run.output_of("scrutiny summary --contract").stdout
    table = out[out.index("rating of each KPI"):]
    for row in rows_of(table, r"[A-Z]+_KPI_\d\d"):
        rating, n = year.rating(row[0])
        months = len(year.of(row[0]))
        assert [int(x) for x in row[2:10]] == [months, n["green"], n["amber"], n["red"],
                                               n["no_data"], n["blue"], n["scored"],
                                               n["longest"]], row
        assert " ".join(row[10:]).startswith(rating), row
    assert len(rows_of(table, r"[A-Z]+_KPI_\d\d")) == 9


@pytest.mark.slow
def test_the_correction_keeps_both_values(run):
    history = run.output_of("scrutiny history --contract").stdout
    november = [r for r in rows_of(history, "2025-11")]
    assert [(r[1], r[2 + 3]) for r in november] == [("96.50", "verified"), ("97.50", "yes")]


@pytest.mark.slow
@pytest.mark.parametrize("month", MONTHS)
def test_each_period_report(run, year, unrelieved, month):
    """Each month's report: its credits by service, its exceptions' runs, its relief."""
    page = text_of(run.outputs / "north-waste" / month / "period_report.html")
    assert f"performance report for {month_name(month)}" in page
    for service, name in (("WST", "Waste collection"), ("CLN", "Street cleansing"),
                          ("ALL", "All services")):
        points, credit, cap, capped = year.credit(service, month)
        assert (f"{name} {points:.2f} {gbp(points * POINT_GBP)} {gbp(cap)} {gbp(credit)} "
                f"{'Yes' if capped else 'No'}") in page, (month, service)
    register = page[page.index(f"Exceptions register, {month_name(month)}"):]
    register = register[:register.index("Charts of the KPIs") if "Charts of" in register
                        else None]
    for cell in (c for c in year.cells if c.month == month and c.rag in ("amber", "red")):
        description = re.escape(year.kpis[cell.kpi]["description"])
        assert re.search(rf"{cell.kpi} {description} {cell.rag.title()} .{{1,90}}? {cell.run}"
                         rf"( |$)", register), (month, cell)
    _, amber, red, blue, _ = year.counts("ALL", month)
    assert re.search(rf"{amber + red + blue} KPIs? (was|were) not Green in {month_name(month)}: "
                     rf"{red} Red, {amber} Amber, {blue} Blue", page), month
    months_so_far = MONTHS[:MONTHS.index(month) + 1]
    forgone = sum(unrelieved.credit("ALL", m)[1] - year.credit("ALL", m)[1]
                  for m in months_so_far)
    assert f"since September 2025, {gbp(forgone)}." in page, month
    if month == MONTHS[-1]:
        totals = [sum(c.rag == rag for c in year.cells) for rag in ("green", "amber", "red",
                                                                    "blue")]
        assert ("9 KPIs over 12 months, September 2025 to August 2026: {} Green, {} Amber, {} "
                "Red, {} Blue KPI-months".format(*totals)) in page
        # a quarterly KPI's run is in quarters, an annual one's in years (not months)
        assert ("The longest failing runs are 4 consecutive quarterly results for CLN_KPI_01; "
                "2 consecutive months for CLN_KPI_02; 1 consecutive month for CLN_KPI_03; "
                "1 consecutive annual result for CLN_KPI_05.") in page
        paid = sum(year.credit("ALL", m)[1] for m in MONTHS)
        points = sum(year.credit("ALL", m)[0] for m in MONTHS)
        assert f"have attracted {points:.2f} points and {gbp(paid)} in service credits" in page
        assert (run.outputs / "north-waste" / month / "period_report.pdf").stat().st_size > 0


@pytest.mark.slow
def test_the_annual_review(run, year):
    page = text_of(run.outputs / "north-waste" / "2025-26" / "annual_review.html")
    assert "year-end review 2025-26 (September 2025 to August 2026)" in page
    for kpi in year.kpis:
        rating, n = year.rating(kpi)
        assert re.search(rf"{kpi} {year.kpis[kpi]['service']} .{{5,80}}? {rating} .{{5,120}}? "
                         rf"{n['scored']} ", page), kpi
    for service, name in (("WST", "Waste collection"), ("CLN", "Street cleansing"),
                          ("ALL", "All services")):
        counts = [sum(year.counts(service, m)[i] for m in MONTHS) for i in range(5)]
        assert f"{name} {' '.join(map(str, counts))}" in page
    total_points = total = caps = 0.0
    for month in MONTHS:
        points, credit, cap, capped = year.credit("ALL", month)
        uncapped = points * POINT_GBP
        assert (f"{month_name(month)} {points:.2f} {gbp(uncapped)} {gbp(cap)} {gbp(credit)} "
                f"{'Yes' if capped else 'No'}") in page, month
        total_points, total, caps = total_points + points, total + credit, caps + cap
    assert (f"Service credits payable for the months held: {gbp(total)} ({total_points:.2f} "
            f"points), against caps totalling {gbp(caps)}.") in page
    assert "CLN_KPI_03 January 2026 Red Two call handlers off sick" in page
    assert (run.outputs / "north-waste" / "2025-26" / "annual_review.pdf").stat().st_size > 0


@pytest.mark.slow
def test_the_notice_for_the_year(run, year):
    notice = json.loads((run.cwd / "notice-2025-26.json").read_text(encoding="utf-8"))
    contract = notice["releases"][0]["contracts"][0]
    metrics = {m["id"]: m["observations"][0] for m in contract["implementation"]["metrics"]}
    assert set(metrics) == set(year.kpis)
    for kpi, observation in metrics.items():
        rating, n = year.rating(kpi)
        assert observation["measure"] == rating
        assert observation["period"]["startDate"].startswith("2025-09-01")
        assert observation["period"]["endDate"].startswith("2026-08-31")
        results, reds = {"M": ("monthly results", "Red months"),
                         "Q": ("quarterly results", "Red quarters"),
                         "A": ("annual results", "Red years")}[year.kpis[kpi]["frequency"]]
        counts = (f"{len(year.of(kpi))} {results}: {n['green']} Green, {n['amber']} Amber, "
                  f"{n['red']} Red")
        assert counts in observation["notes"], (kpi, observation["notes"])
        assert (f"longest run of {reds} {n['longest']}." in observation["notes"]
                or n["longest"] == 0), (kpi, observation["notes"])
    # Nov, Feb and May are three quarterly results in a row, not "3 consecutive months"
    assert metrics["CLN_KPI_01"]["notes"].startswith(
        "Inadequate: Red in 3 consecutive quarterly results (Inadequate at 3 or more).")
    levels = {m["id"]: [(o["period"]["startDate"][:7], o["measure"]) for o in m["observations"]]
              for m in contract["agreedMetrics"]}
    assert levels["WST_KPI_04"] == [("2025-09", 5.0), ("2025-09", 10.0), ("2025-11", 8.0),
                                    ("2025-11", 12.0), ("2026-02", 5.0), ("2026-02", 10.0)]


@pytest.mark.slow
@pytest.mark.parametrize("report", ["2026-08/period_report", "2025-26/annual_review"])
def test_the_pdfs(run, report):
    import pdf_checks

    pdf = run.outputs / "north-waste" / f"{report}.pdf"
    texts = pdf_checks.page_texts(pdf)
    assert texts
    for number, text in enumerate(texts, start=1):
        assert pdf_checks.words(text).endswith(f"Page {number} of {len(texts)}")
    page = (run.outputs / "north-waste" / f"{report}.html").read_text(encoding="utf-8")
    headings = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", h)).split())
                for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", page, re.S)]
    everything = pdf_checks.words(" ".join(texts))
    assert len(headings) >= 5
    assert [h for h in headings if pdf_checks.words(h) not in everything] == []
    assert pdf_checks.split_rows(pdf_checks.structure(pdf)) == []


def test_new_contract_refuses_a_bad_year_end_or_quarter_months(tmp_path):
    from click.testing import CliRunner

    from scrutiny.cli import main

    base = ["new-contract", "north-waste", "--schedule", str(CORPUS / "schedule.csv"),
            "--title", "T", "--council", "C", "--supplier", "S", "--start", "2025-09",
            "--data-dir", str(tmp_path)]
    for option, value, says in (("--year-end-month", "13", "1 (January) to 12"),
                                ("--year-end-month", "Aug", "1 (January) to 12"),
                                ("--quarter-end-months", "3,6,9", "four month numbers"),
                                ("--quarter-end-months", "1,5,8,11", "three apart")):
        result = CliRunner().invoke(main, [*base, option, value])
        assert result.exit_code != 0, (option, value)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and says in lines[0] and option in lines[0], result.output
        assert not (tmp_path / "north-waste").exists()
    made = CliRunner().invoke(main, [*base, "--year-end-month", "8", "--quarter-end-months",
                                     "11,2,5,8"])
    assert made.exit_code == 0, made.output
    text = (tmp_path / "north-waste" / "contract.yaml").read_text()
    assert "year_end_month: 8" in text and "- 2\n- 5\n- 8\n- 11" in text
