"""Decisions that count (issue 19 parts 2-3, issue 23 part 2).

Mitigation the council records makes KPI-months Blue and relieves their points; a return's own
"Mitigation Agreed" is a claim until then; a month whose return is overdue scores Red "no
return received"; and decisions with hostile input are refused in one line, nothing written.
Expected points are worked out in the tests from base points and the multipliers, not by the
code under test.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, DATA, folder_bytes
from scrutiny.abate.abatement import contract_abatement
from scrutiny.cli import main
from scrutiny.exceptions import DecisionError
from scrutiny.ingest.decisions import record_mitigation, withdraw_mitigation
from scrutiny.load.contract import load_contract
from scrutiny.score.scoring import score

OWN = CORPUS / "own-contract"
CASES = CORPUS / "decisions"
NEW = ["new-contract", "north-waste", "--schedule", str(OWN / "schedule.csv"),
       "--title", "Waste and street cleansing contract", "--council", "North District Council",
       "--supplier", "CleanCo Ltd", "--start", "2026-04",
       "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]
LINCS = "lincolnshire-css"


def run(root: Path, *args: str, today: str = "2026-10-05"):
    return CliRunner().invoke(main, [*args], env={"SCRUTINY_DATA": str(root / "data"),
                                                  "SCRUTINY_OUTPUTS": str(root / "outputs"),
                                                  "SCRUTINY_PARAMS": str(root / "params"),
                                                  "SCRUTINY_TODAY": today,
                                                  "USER": "test-officer"})


@pytest.fixture
def own(tmp_path: Path) -> Path:
    """north-waste with the April-September returns, July's left out."""
    (tmp_path / "data").mkdir()
    assert run(tmp_path, *NEW).exit_code == 0
    for month in ["2026-04", "2026-05", "2026-06", "2026-08", "2026-09"]:
        result = run(tmp_path, "ingest", "--contract", "north-waste",
                     str(OWN / f"return-{month}.csv"))
        assert result.exit_code == 0, result.output
    return tmp_path


@pytest.fixture
def lincs(tmp_path: Path) -> Path:
    shutil.copytree(DATA / LINCS, tmp_path / LINCS)
    return tmp_path


def cell(scores: pd.DataFrame, kpi: str, month: str) -> pd.Series:
    rows = scores[(scores["kpi_id"] == kpi) & (scores["month"] == pd.Period(month, "M"))]
    assert len(rows) == 1
    return rows.iloc[0]


# --- Returns on a schedule -------------------------------------------------------------------

def expected_in(month: str) -> set[str]:
    """KPIs north-waste expects in a month, from the schedule file (CLN_KPI_01 quarterly)."""
    schedule = pd.read_csv(OWN / "schedule.csv", dtype=str)
    quarterly = int(month[5:]) in (3, 6, 9, 12)
    code = next(c for c in schedule.columns if c.lower() in ("kpi", "kpi_id", "code"))
    freq = next(c for c in schedule.columns if c.lower().startswith("freq"))
    return {k for k, f in zip(schedule[code], schedule[freq], strict=True)
            if f == "M" or (f == "Q" and quarterly)}


def test_an_overdue_month_scores_every_expected_kpi_red_no_return_received(own):
    # July's return was due on the 10th working day of August: 14 August 2026.
    before = load_contract("north-waste", own / "data", as_of=date(2026, 8, 14))
    assert pd.Period("2026-07", "M") not in set(score(before)["month"])
    after = load_contract("north-waste", own / "data", as_of=date(2026, 8, 15))
    july = score(after)
    july = july[july["month"] == pd.Period("2026-07", "M")]
    assert set(july["kpi_id"]) == expected_in("2026-07")
    assert july["rag"].eq("red").all() and july["basis"].eq("no return received").all()
    assert july["status"].eq("No return received").all()
    screen = run(own, "status", "--contract", "north-waste", today="2026-08-15").output
    assert "  2026-07: due 2026-08-14" in screen


def test_status_lists_late_returns_with_their_due_dates(own):
    # The fixture ingests on the real clock, after every due date of 2026-04..09.
    received = {line.split(",")[3]: line.split(",")[0][:10] for line in
                (own / "data" / "north-waste" / "receipts.csv").read_text().splitlines()[1:]}
    screen = run(own, "status", "--contract", "north-waste").output
    late = screen.split("Late returns (first received after the due date):\n")[1]
    assert late.startswith(f"  2026-04: due 2026-05-14, received "
                           f"{received['return-2026-04.csv']}\n")
    assert f"  2026-09: due 2026-10-14, received {received['return-2026-09.csv']}" in late


def test_an_adopted_transcription_is_never_called_late():
    screen = CliRunner().invoke(main, ["status", "--contract", LINCS]).output
    assert "Late returns (first received after the due date):\n  none" in screen


def test_a_return_arriving_later_replaces_no_return_received(own):
    result = run(own, "ingest", "--contract", "north-waste", str(OWN / "return-2026-07.csv"),
                 today="2026-10-05")
    assert result.exit_code == 0, result.output
    july = score(load_contract("north-waste", own / "data", as_of=date(2026, 10, 5)))
    july = july[july["month"] == pd.Period("2026-07", "M")]
    assert not july["basis"].eq("no return received").any()
    sent = pd.read_csv(OWN / "return-2026-07.csv", dtype=str)
    assert "WST_KPI_01" in set(july["kpi_id"]) and "WST_KPI_01" in sent.iloc[:, 0].tolist()
    screen = run(own, "status", "--contract", "north-waste").output
    assert "missing (scored Red, no return received):\n  none" in screen


def test_months_after_the_last_due_date_or_a_stated_end_are_not_scored(own):
    as_of = date(2027, 3, 1)  # October to January overdue by then
    contract = load_contract("north-waste", own / "data", as_of=as_of)
    assert [str(m) for m in contract.missing_returns] == ["2026-07", "2026-10", "2026-11",
                                                          "2026-12", "2027-01"]
    yaml = own / "data" / "north-waste" / "contract.yaml"
    yaml.write_text(yaml.read_text() + "scored_to: 2026-10\n")
    ended = load_contract("north-waste", own / "data", as_of=as_of)
    assert [str(m) for m in ended.missing_returns] == ["2026-07", "2026-10"]


def test_lincolnshire_is_scored_over_exactly_its_months_held():
    contract = load_contract(LINCS, as_of=date(2030, 1, 1))
    assert len(contract.missing_returns) == 0
    scores = score(contract)
    assert len(scores) == 516 and scores["rag"].value_counts()["blue"] == 21


# --- Relief only by decision -----------------------------------------------------------------

def test_a_claim_without_a_decision_scores_on_its_value_and_is_listed(own):
    august = cell(score(load_contract("north-waste", own / "data")), "CLN_KPI_02", "2026-08")
    # The return says only "Mitigation Agreed": no number, so Red as data not available.
    assert august["rag"] == "red" and pd.isna(august["value"])
    assert august["basis"] == "mitigation claimed, no council decision: data not available"
    screen = run(own, "status", "--contract", "north-waste").output
    assert "  CLN_KPI_02 2026-08: Mitigation Agreed (claimed, not decided)" in screen
    register = run(own, "exceptions", "--contract", "north-waste", "--period", "2026-08",
                   "--format", "csv").output
    assert "Mitigation Agreed (claimed, not decided)" in register
    assert "claimed in the return, not decided" in register


def test_mitigate_then_withdraw_round_trip(own):
    folder = own / "data" / "north-waste"
    before = score(load_contract("north-waste", own / "data"))
    result = run(own, "mitigate", "--contract", "north-waste", "--kpi", "CLN_KPI_02", "--from",
                 "2026-08", "--reason", "Vehicle fire at the depot", "--by", "Head of Waste")
    assert result.exit_code == 0, result.output
    mitigated = cell(score(load_contract("north-waste", own / "data")), "CLN_KPI_02", "2026-08")
    assert mitigated["rag"] == "blue" and mitigated["basis"] == "mitigation agreed"
    register = run(own, "exceptions", "--contract", "north-waste", "--period", "2026-08",
                   "--format", "csv").output
    assert "Vehicle fire at the depot" in register
    result = run(own, "mitigate", "--withdraw", "--contract", "north-waste", "--kpi",
                 "CLN_KPI_02", "--from", "2026-08", "--reason", "Fire was the supplier's fault")
    assert result.exit_code == 0, result.output
    after = score(load_contract("north-waste", own / "data"))
    pd.testing.assert_frame_equal(after, before)
    with open(folder / "decisions.csv", newline="", encoding="utf-8") as f:
        log = list(csv.DictReader(f))
    assert [(r["action"], r["decided_by"], r["reason"]) for r in log] == [
        ("mitigate", "Head of Waste", "Vehicle fire at the depot"),
        ("withdraw", "test-officer", "Fire was the supplier's fault")]
    assert all(r["decided_at"].endswith("Z") for r in log)


def test_withdrawing_one_month_keeps_the_rest_of_the_range(own):
    data = own / "data"
    record_mitigation("north-waste", "WST_KPI_02", pd.Period("2026-04", "M"),
                      pd.Period("2026-06", "M"), reason="Depot move", by="A", data_root=data)
    assert withdraw_mitigation("north-waste", "WST_KPI_02", pd.Period("2026-05", "M"), None,
                               reason="Not agreed after all", by="B",
                               data_root=data) == ["2026-05"]
    scores = score(load_contract("north-waste", data))
    rags = [cell(scores, "WST_KPI_02", m)["basis"] for m in ("2026-04", "2026-05", "2026-06")]
    assert rags[0] == rags[2] == "mitigation agreed" and rags[1] != "mitigation agreed"


def _total_points(root: Path) -> float:
    contract = load_contract(LINCS, root)
    return float(contract_abatement(contract).kpi_months["points"].sum())


def _kpi_months(root: Path) -> pd.DataFrame:
    return contract_abatement(load_contract(LINCS, root)).kpi_months


def test_mitigating_an_isolated_red_month_lowers_points_by_that_months_points(lincs):
    table = _kpi_months(lincs)
    failing = table["rag"].isin(["amber", "red"])
    table = table.assign(failing=failing)
    by_kpi = table.groupby("kpi_id")["failing"]
    isolated = table[(table["rag"] == "red") & ~by_kpi.shift(1, fill_value=False)
                     & ~by_kpi.shift(-1, fill_value=False)
                     & (table["month"] > table.groupby("kpi_id")["month"].transform("min"))]
    row = isolated.iloc[0]
    before = _total_points(lincs)
    record_mitigation(LINCS, row["kpi_id"], row["month"], None, reason="Isolated failure",
                      by="Test", data_root=lincs)
    assert before - _total_points(lincs) == pytest.approx(row["base_points"] * 1.0)


def test_mitigating_inside_a_run_follows_the_run_rule(lincs):
    # terms.yaml: multipliers 1.0, 1.5, 2.0 and blue_breaks_run true: the month mitigated
    # scores nothing and the run restarts after it.
    table = _kpi_months(lincs)
    multipliers = [1.0, 1.5, 2.0]
    failing = table["rag"].isin(["amber", "red"]).to_numpy()
    kpis, months = table["kpi_id"].to_numpy(), table["month"].to_numpy()
    start = next(i for i in range(len(table) - 3)
                 if failing[i:i + 4].all() and len(set(kpis[i:i + 4])) == 1
                 and (i == 0 or kpis[i - 1] != kpis[i] or not failing[i - 1]))
    end = start
    while end + 1 < len(table) and kpis[end + 1] == kpis[start] and failing[end + 1]:
        end += 1
    run = table.iloc[start:end + 1]
    base = run["base_points"].tolist()
    target = 1  # the second month of the run

    def points(bases: list[float]) -> float:
        return sum(b * multipliers[min(i, 2)] for i, b in enumerate(bases))

    expected_drop = points(base) - (points(base[:target]) + points(base[target + 1:]))
    before = _total_points(lincs)
    record_mitigation(LINCS, kpis[start], months[start + target], None, reason="Mid-run",
                      by="Test", data_root=lincs)
    assert before - _total_points(lincs) == pytest.approx(expected_drop)
    assert expected_drop > base[target]  # the later months lose their run multipliers too


# --- Hostile decisions (issue 23) ------------------------------------------------------------

def _cases() -> list[tuple[str, str, str]]:
    with open(CASES / "cases.csv", newline="", encoding="utf-8") as f:
        return [(r["case"], r["args"], r["says"]) for r in csv.DictReader(f)]


@pytest.mark.parametrize("case, args, says", _cases(), ids=[c[0] for c in _cases()])
def test_bad_decisions_from_the_corpus_are_refused_in_one_line(own, case, args, says):
    before = folder_bytes(own / "data")
    command, *rest = shlex.split(args)
    result = run(own, command, "--contract", "north-waste", *rest)
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert says in result.output
    assert folder_bytes(own / "data") == before


def test_a_long_reason_is_refused_by_talking_about_the_reason(own):
    reason = (CASES / "long_reason.txt").read_text(encoding="utf-8")
    before = folder_bytes(own / "data")
    result = run(own, "mitigate", "--contract", "north-waste", "--kpi", "CLN_KPI_02",
                 "--from", "2026-08", "--reason", reason)
    assert result.exit_code == 2 and "--reason is 2,001 characters" in result.output
    with pytest.raises(DecisionError) as refused:
        record_mitigation("north-waste", "CLN_KPI_02", pd.Period("2026-08", "M"), None,
                          reason=(reason + " ") * 500, by="x", data_root=own / "data")
    assert f"--reason is {2001 * 500 + 499:,} characters; keep it to 2,000" in str(refused.value)
    assert ".csv" not in str(refused.value)
    assert folder_bytes(own / "data") == before


KILL_AT_COMMIT = """
import os, signal, sys
real = os.replace
def replace(src, dst, *a, **k):
    if str(dst).endswith("decisions.csv"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *a, **k)
os.replace = replace
from scrutiny.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_recover_after_kill_9_of_mitigate_names_mitigate(own):
    env = {**os.environ, "SCRUTINY_DATA": str(own / "data"), "SCRUTINY_TODAY": "2026-10-05"}
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_COMMIT, "mitigate", "--contract", "north-waste", "--kpi",
         "CLN_KPI_02", "--from", "2026-08", "--reason", "Vehicle fire"],
        env=env, capture_output=True, text=True)
    assert killed.returncode == -9
    blocked = run(own, "status", "--contract", "north-waste")
    assert "a mitigate into this contract was interrupted" in blocked.output
    recovered = run(own, "ingest", "--contract", "north-waste", "--recover")
    assert recovered.exit_code == 0, recovered.output
    assert "the interrupted mitigate had not completed" in recovered.output
    assert "ingest" not in recovered.output.split(":", 1)[1]
    assert not (own / "data" / "north-waste" / "mitigation_reasons.csv").exists()


# --- Commands: glide, open-ended override, terms, --start YYYY-MM -----------------------------

def test_glide_is_a_command_and_status_shows_it(own):
    result = run(own, "glide", "--contract", "north-waste", "--kpi", "WST_KPI_03", "--from",
                 "2026-04", "--to", "2026-05", "--reason", "New crews bedding in", "--by", "PM")
    assert result.exit_code == 0, result.output
    scores = score(load_contract("north-waste", own / "data"))
    assert cell(scores, "WST_KPI_03", "2026-05")["basis"] == "glide period"
    screen = run(own, "status", "--contract", "north-waste").output
    assert "Glides:\n" in screen and "WST_KPI_03 2026-04..2026-05: New crews bedding in" in screen
    assert "PM: glide WST_KPI_03 2026-04..2026-05: New crews bedding in" in screen


def test_an_override_without_to_is_open_ended(own):
    result = run(own, "override", "--contract", "north-waste", "--kpi", "WST_KPI_02", "--from",
                 "2026-08", "--tsl", "60", "--reason", "Depot move", today="2026-10-05")
    assert result.exit_code == 0 and "2026-08..open" in result.output, result.output
    text = (own / "data" / "north-waste" / "overrides.csv").read_text()
    assert text.splitlines()[-1].startswith("WST_KPI_02,2026-08,,60,")
    # Still in force in a later month, once that month is scored.
    later = score(load_contract("north-waste", own / "data", as_of=date(2027, 1, 20)))
    assert cell(later, "WST_KPI_02", "2026-12")["tsl"] == 60
    assert cell(later, "WST_KPI_02", "2026-07")["tsl"] == 50
    screen = run(own, "status", "--contract", "north-waste").output
    assert "WST_KPI_02 2026-08..open: TSL 60 MSL 80: Depot move" in screen


def test_new_contract_start_takes_yyyy_mm(own):
    contract = load_contract("north-waste", own / "data")
    assert contract.info.service_commencement == date(2026, 4, 1)
    args = [a if a != "north-waste" else "other" for a in NEW]
    args[args.index("--start") + 1] = "April"
    bad = run(own, *args)
    assert bad.exit_code == 2 and "'April'" in bad.output and "YYYY-MM" in bad.output
    assert not (own / "data" / "other").exists()


TERMS = ["--set", "point_value_gbp=100", "--set", "amber_fraction=0.5", "--set",
         "cap_fraction=0.1", "--set", "multipliers=1,1.5,2", "--set", "volume.WST=200000",
         "--set", "volume.CLN=100000", "--set", "total_points=100",
         *[x for k in ("WST_KPI_01", "WST_KPI_02", "WST_KPI_03", "CLN_KPI_01", "CLN_KPI_02")
           for x in ("--set", f"points.{k}=20")]]


def test_terms_sets_and_shows_the_service_credit_terms(own):
    result = run(own, "terms", "--contract", "north-waste", *TERMS)
    assert result.exit_code == 0, result.output
    assert "Service credit per point (GBP): 100.00" in result.output
    abatement = contract_abatement(load_contract("north-waste", own / "data"))
    months = abatement.kpi_months
    # May: WST_KPI_01 98.00 < MSL 97? no: Amber (TSL 99); WST_KPI_02 85 > MSL 80: Red;
    # WST_KPI_03 95.00 (TSL 95): Green; CLN_KPI_02 96: Green. Both first months of their runs
    # (April: WST_KPI_01 99.50 Green, WST_KPI_02 40 Green).
    may = months[months["month"] == pd.Period("2026-05", "M")].set_index("kpi_id")["points"]
    assert may.sum() == pytest.approx(20 * 0.5 + 20 * 1.0)
    shown = run(own, "terms", "--contract", "north-waste")
    assert "Monthly financial volume per service (GBP): WST 200,000; CLN 100,000" in shown.output


@pytest.mark.parametrize("setting, says", [
    ("multipliers=2,1", "never fall"),
    ("amber_fraction=1.5", "amber_fraction"),
    ("volume.XYZ=10", "no service 'XYZ'"),
    ("points.NOPE=5", "unknown KPI"),
    ("colour=blue", "unknown term"),
    ("point_value_gbp=.inf", "finite number"),
])
def test_bad_terms_are_refused_and_nothing_written(own, setting, says):
    assert run(own, "terms", "--contract", "north-waste", *TERMS).exit_code == 0
    before = folder_bytes(own / "data")
    result = run(own, "terms", "--contract", "north-waste", "--set", setting)
    assert result.exit_code == 2 and says in result.output, result.output
    assert folder_bytes(own / "data") == before


def test_the_cost_of_mitigation_counts_a_recorded_mitigation(own):
    from scrutiny.abate.abatement import mitigation_cost

    assert run(own, "terms", "--contract", "north-waste", *TERMS).exit_code == 0
    # WST_KPI_02 (lower is better, TSL 50, MSL 80): April 40 Green, May 85 Red, June 60 Amber,
    # July no return received (Red: the fixture leaves July out and it is overdue by
    # 2026-10-05), August 50 Green. May starts a run of three.
    data = own / "data"
    before = contract_abatement(load_contract("north-waste", data)).kpi_months
    may = before[(before["kpi_id"] == "WST_KPI_02") & (before["month"] == pd.Period("2026-05",
                                                                                      "M"))]
    assert may["rag"].iloc[0] == "red" and may["points"].iloc[0] == 20
    record_mitigation("north-waste", "WST_KPI_02", pd.Period("2026-05", "M"), None,
                      reason="Road closures", by="Test", data_root=data)
    by_kpi, _ = mitigation_cost(load_contract("north-waste", data))
    row = by_kpi.set_index("kpi_id").loc["WST_KPI_02"]
    # Without relief: May 20 x 1.0 + June 10 x 1.5 + July 20 x 2.0 = 75. With it (Blue ends the
    # run): May 0 + June 10 x 1.0 + July 20 x 1.5 = 40. Forgone 35 points: GBP 3,500.
    assert row["relieved_months"] == 1
    assert row["points_forgone"] == 35 and row["value_forgone_gbp"] == 3500
