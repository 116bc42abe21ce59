"""An invented highways, contact-centre and waste contract whose schedule uses every unit, two
quarterly KPIs and one annual KPI, run for a contract year through new-contract and ingest.

Every expectation below is worked out in this file from the values it sends (band by hand,
count runs of measurements by hand), not taken from the toolkit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, folder_bytes
from scrutiny.abate.abatement import kpi_points
from scrutiny.cli import main
from scrutiny.insight.procurement import procurement_ratings
from scrutiny.insight.register import exceptions_register
from scrutiny.load.contract import load_contract
from scrutiny.score.scoring import score

HERE = CORPUS / "units-contract"
SLUG = "east-vale"
NEW = ["new-contract", SLUG, "--schedule", str(HERE / "schedule.csv"), "--title",
       "Highways, contact centre and waste", "--council", "East Vale Council", "--supplier",
       "Vale Services Ltd", "--start", "2025-04-01", "--service", "HWY=Highways",
       "--service", "CC=Contact centre", "--service", "WST=Waste"]
MONTHS = [str(p) for p in pd.period_range("2025-04", "2026-03", freq="M")]
#: KPI -> (frequency, tsl, msl, direction); as schedule.csv says.
KPIS = {"HWY-01": ("M", 95, 90, "higher"), "HWY-02": ("M", 3, 5, "lower"),
        "HWY-03": ("M", 2, 4, "lower"), "CC-01": ("M", 2, 5, "lower"),
        "CC-02": ("M", 3, 6, "lower"), "WST-01": ("Q", 40, 60, "lower"),
        "WST-02": ("Q", 100000, 80000, "higher"), "CC-03": ("A", 8, 7, "higher")}
MONTHLY = {
    "HWY-01": [96, 97.5, 91, 89, 95, 99, 100, 92.25, 94, 96, 90, 95.5],
    "HWY-02": [2.5, 3, 4.5, 6, 3.25, 2, 1, 5, 5.5, 2.75, 3, 4],
    "HWY-03": [1.5, 2, 2.5, 4, 4.5, 1, 3, 2, 2, 1.75, 6, 2],
    "CC-01": [1, 2.5, 5, 6, 2, 1.5, 1, 4.75, 2, 3, 1, 2],
    "CC-02": [0, 3, 4, 7, 6, 2, 1, 0, 9, 3, 2, 5],
}
#: Quarterly results in the default quarter-end months (Jun, Sep, Dec, Mar): WST-01 fails three
#: quarters running (Jun, Sep, Dec), a run of 3 measurements.
QUARTERLY = {"WST-01": {"2025-06": 70, "2025-09": 65.5, "2025-12": 80, "2026-03": 30},
             "WST-02": {"2025-06": 90000, "2025-09": 120000, "2025-12": 75000,
                        "2026-03": 85000}}
COMMENT = "Two vehicles off the road for three weeks"


def band(value: float, tsl: float, msl: float, direction: str) -> str:
    """Green meets TSL, Amber meets MSL only, Red misses MSL (written out independently)."""
    meets = (lambda v, t: v >= t) if direction == "higher" else (lambda v, t: v <= t)
    return "green" if meets(value, tsl) else "amber" if meets(value, msl) else "red"


def return_csv(folder: Path, month: str, *, annual: float | None = None) -> Path:
    """The supplier's wide return for ``month``: every KPI due then (a comment in September)."""
    header = pd.Period(month, freq="M").strftime("%b-%y")
    lines = [f"KPI,KPI Short Desc,Freq.,TSL,MSL,{header},Comment"]
    index = MONTHS.index(month)
    for kpi, values in MONTHLY.items():
        freq, tsl, msl, _ = KPIS[kpi]
        lines.append(f"{kpi},{kpi} description,{freq},{tsl},{msl},{values[index]},")
    for kpi, values in QUARTERLY.items():
        if month in values:
            freq, tsl, msl, _ = KPIS[kpi]
            comment = COMMENT if (kpi, month) == ("WST-01", "2025-09") else ""
            lines.append(f"{kpi},{kpi} description,{freq},{tsl},{msl},{values[month]},{comment}")
    if annual is not None:
        lines.append(f"CC-03,Satisfaction,A,8,7,{annual},")
    path = folder / f"return-{month}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args], env={"SCRUTINY_DATA": str(root / "data"),
                                                  "SCRUTINY_OUTPUTS": str(root / "outputs"),
                                                  "SCRUTINY_PARAMS": str(root / "params")})


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("units")
    (root / "data").mkdir()
    (root / "sent").mkdir()
    created = run(root, *NEW)
    assert created.exit_code == 0, created.output + created.stderr
    for month in MONTHS:  # March's return leaves the annual survey out
        result = run(root, "ingest", "--contract", SLUG, str(return_csv(root / "sent", month)))
        assert result.exit_code == 0, result.output + result.stderr
    return root


def expected_rag() -> dict[tuple[str, str], str]:
    rag = {}
    for kpi, values in MONTHLY.items():
        _, tsl, msl, direction = KPIS[kpi]
        rag.update({(kpi, m): band(v, tsl, msl, direction)
                    for m, v in zip(MONTHS, values, strict=True)})
    for kpi, values in QUARTERLY.items():
        _, tsl, msl, direction = KPIS[kpi]
        rag.update({(kpi, m): band(v, tsl, msl, direction) for m, v in values.items()})
    rag[("CC-03", "2026-03")] = "red"  # due in March (the year's last month), left out
    return rag


def year_scores(root: Path) -> pd.DataFrame:
    """Scores of the contract year: later months have no return (overdue, scored Red)."""
    scores = score(load_contract(SLUG, root / "data"))
    return scores[scores["month"] <= pd.Period(MONTHS[-1], "M")].reset_index(drop=True)


def test_every_kpi_month_is_scored_as_worked_by_hand(year):
    scores = year_scores(year)
    got = {(k, str(m)): str(r) for k, m, r in zip(scores["kpi_id"], scores["month"],
                                                   scores["rag"], strict=True)}
    expected = expected_rag()
    assert got == expected  # quarterly KPIs only in quarter-end months, annual only in March
    assert len(got) == 5 * 12 + 2 * 4 + 1
    annual = scores[scores["kpi_id"] == "CC-03"].iloc[0]
    assert str(annual["basis"]).startswith("not in the return")


def test_a_quarterly_kpi_failing_three_quarters_running_is_a_run_of_three(year):
    scores = year_scores(year)
    register = exceptions_register(scores, pd.Period("2025-12", freq="M"))
    row = register.set_index("kpi_id").loc["WST-01"]
    assert row["run_length"] == 3 and row["rag"] == "red"
    ratings = procurement_ratings(scores, pd.Period("2025-04", "M"), pd.Period("2026-03", "M"))
    assert ratings.set_index("kpi_id").loc["WST-01", "longest_red_run"] == 3
    # Abatement multipliers 1, 1.5, 2 over the run: 10 points a month allocated.
    points = kpi_points(scores.assign(allocation=10.0), amber_fraction=0.5)
    points = points.assign(month=points["month"].astype(str)).set_index("month")
    wst = points[points["kpi_id"] == "WST-01"]
    assert wst["points"].to_dict() == {"2025-06": 10.0, "2025-09": 15.0, "2025-12": 20.0,
                                       "2026-03": 0.0}
    # A monthly KPI is unchanged: HWY-01 is Red in Jul only, after Amber in Jun -> run of 2.
    hwy = points[points["kpi_id"] == "HWY-01"]
    assert hwy.loc["2025-07", "run_length"] == 2 and hwy.loc["2025-07", "points"] == 15.0


def test_values_show_with_their_unit_in_the_register(year):
    table = run(year, "exceptions", "--contract", SLUG, "--period", "2025-09").output
    assert "65.5 per 100,000 collections" in table and "40 per 100,000 collections" in table
    assert COMMENT in table
    table = run(year, "exceptions", "--contract", SLUG, "--period", "2025-12").output
    assert "GBP 75,000" in table and "5.5 days" in table and "9" in table
    table = run(year, "exceptions", "--contract", SLUG, "--period", "2026-02").output
    assert "6 hours" in table and "2 hours" in table and "4 hours" in table
    table = run(year, "exceptions", "--contract", SLUG, "--period", "2026-03").output
    assert "not in the return" in table
    csv = run(year, "exceptions", "--contract", SLUG, "--period", "2025-09", "--format",
              "csv").output
    header, *rows = csv.splitlines()
    assert header.endswith(",unit,unit_label,comment")
    wst = next(r for r in rows if r.startswith("WST-01"))
    assert ",65.50," in wst and wst.endswith(f'rate,"per 100,000 collections",{COMMENT}')


def test_history_shows_the_supplier_comment(year):
    out = run(year, "history", "--contract", SLUG, "--kpi", "WST-01").output
    assert COMMENT in out


def test_the_annual_kpi_given_later_replaces_not_in_the_return(year, tmp_path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(year, root)
    late = return_csv(tmp_path, "2026-03", annual=7.5)
    result = run(root, "ingest", "--contract", SLUG, str(late))
    assert result.exit_code == 0, result.output + result.stderr
    scores = year_scores(root)
    annual = scores[scores["kpi_id"] == "CC-03"]
    assert annual["rag"].astype(str).tolist() == [band(7.5, 8, 7, "higher")] == ["amber"]
    out = run(root, "exceptions", "--contract", SLUG, "--period", "2026-03").output
    assert "7.5 out of 10" in out and "8 out of 10" in out and "7 out of 10" in out


@pytest.mark.parametrize("name, fragments", [
    ("return_negative_days.csv", ["return_negative_days.csv", "row 3", "column 'Jul-25'",
                                  "HWY-02 -2 is negative"]),
    ("return_annual_in_september.csv", ["return_annual_in_september.csv", "row 3",
                                        "column 'Sep-25'", "annual KPI, due in March"]),
])
def test_bad_returns_are_refused_with_file_row_column_and_nothing_written(year, tmp_path, name,
                                                                          fragments):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(year, root)
    before = folder_bytes(root / "data")
    result = run(root, "ingest", "--contract", SLUG, str(HERE / name))
    assert result.exit_code != 0
    line, = result.stderr.splitlines()
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert folder_bytes(root / "data") == before


@pytest.mark.parametrize("name, fragments", [
    ("schedule_unknown_unit.csv", ["schedule_unknown_unit.csv", "row 2", "column 'unit'",
                                   "furlongs"]),
    ("schedule_percent_140.csv", ["schedule_percent_140.csv", "row 2", "column 'tsl'",
                                  "percentage outside 0-100"]),
])
def test_bad_schedules_are_refused_and_nothing_created(tmp_path, name, fragments):
    (tmp_path / "data").mkdir()
    args = [*NEW]
    args[args.index("--schedule") + 1] = str(HERE / name)
    result = run(tmp_path, *args)
    assert result.exit_code != 0
    line, = result.stderr.splitlines()
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert list((tmp_path / "data").iterdir()) == []
