"""A council's own contract end to end: new-contract, six returns, summary, status, history,
override and mitigate, and every refusal (one line, exit 2, nothing written)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, folder_bytes
from scrutiny.cli import main
from scrutiny.ingest.store import fold_receipts
from scrutiny.load.contract import load_contract
from scrutiny.load.receipts import received_values

OWN = CORPUS / "own-contract"
MONTHS = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
NEW = ["new-contract", "north-waste", "--schedule", str(OWN / "schedule.csv"),
       "--title", "Waste and street cleansing contract", "--council", "North District Council",
       "--supplier", "CleanCo Ltd", "--start", "2026-04-01",
       "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]


#: Scored as of 5 October 2026: September's return is not due until 14 October, so no month
#: held here is overdue (tests/ingest/test_schedule.py moves the date on).
TODAY = "2026-10-05"


def run(root: Path, *args: str, today: str = TODAY):
    return CliRunner().invoke(main, [*args], env={"SCRUTINY_DATA": str(root / "data"),
                                                  "SCRUTINY_OUTPUTS": str(root / "outputs"),
                                                  "SCRUTINY_PARAMS": str(root / "params"),
                                                  "SCRUTINY_TODAY": today})


@pytest.fixture
def own(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    assert run(tmp_path, *NEW).exit_code == 0
    for month in MONTHS:
        result = run(tmp_path, "ingest", "--contract", "north-waste",
                     str(OWN / f"return-{month}.csv"))
        assert result.exit_code == 0, result.output
    return tmp_path


def test_six_returns_give_the_summary_counts_worked_by_hand(own):
    result = run(own, "summary", "--contract", "north-waste", "--format", "csv")
    table = pd.read_csv(pd.io.common.StringIO(result.output))
    every = table[table["service"] == "ALL"].set_index("month")[
        ["green", "amber", "red", "blue", "total"]]
    # Apr-Sep: July's return leaves out WST_KPI_03 (Red, not in the return); CLN_KPI_01 is
    # quarterly (June and September only); CLN_KPI_02 says "Mitigation Agreed" in August, a
    # claim the council has not decided: no number, so Red (data not available).
    assert every.values.tolist() == [[3, 1, 0, 0, 4], [2, 1, 1, 0, 4], [3, 1, 1, 0, 5],
                                     [2, 0, 2, 0, 4], [2, 0, 2, 0, 4], [3, 1, 1, 0, 5]]


def test_a_kpi_left_out_is_red_not_in_the_return_and_warned(own, tmp_path):
    register = run(own, "exceptions", "--contract", "north-waste", "--period", "2026-07",
                   "--format", "csv").output
    row = next(line for line in register.splitlines() if line.startswith("WST_KPI_03"))
    assert "not in the return" in row and ",red," in row
    rows = load_contract("north-waste", own / "data").returns
    assert not ((rows["kpi_id"] == "WST_KPI_03") & (rows["month"] == "2026-07")).any()


def test_ingest_warns_naming_the_missing_kpi(tmp_path):
    (tmp_path / "data").mkdir()
    run(tmp_path, *NEW)
    result = CliRunner().invoke(
        main, ["ingest", "--contract", "north-waste", str(OWN / "return-2026-07.csv")],
        env={"SCRUTINY_DATA": str(tmp_path / "data")})
    assert result.exit_code == 0
    assert "2026-07: not in the return: WST_KPI_03" in result.stderr


def test_status_names_months_missing_kpis_decisions_and_reports(own):
    assert run(own, "override", "--contract", "north-waste", "--kpi", "WST_KPI_02", "--from",
               "2026-08", "--to", "2026-10", "--tsl", "60", "--reason", "Depot move").exit_code == 0
    assert run(own, "mitigate", "--contract", "north-waste", "--kpi", "CLN_KPI_02", "--from",
               "2026-08", "--reason", "Vehicle fire").exit_code == 0
    screen = run(own, "status", "--contract", "north-waste").output
    assert "Months held: 2026-04 to 2026-09 (6 months" in screen
    assert "  2026-07: WST_KPI_03" in screen
    assert " *WST_KPI_02 2026-08..2026-10: TSL 60 MSL 80: Depot move" in screen
    assert "CLN_KPI_02 2026-08..2026-08: Vehicle fire" in screen
    assert "  2026-09: not rendered" in screen


def test_history_lists_every_value_received_and_which_is_in_force(own, tmp_path):
    fixed = tmp_path / "return-2026-06-corrected.csv"
    fixed.write_text((OWN / "return-2026-06.csv").read_text().replace(
        "Data not available", "93.00"))
    assert run(own, "ingest", "--contract", "north-waste", str(fixed)).exit_code == 2
    assert run(own, "ingest", "--contract", "north-waste", str(fixed),
               "--replace").exit_code == 0
    table = pd.read_csv(pd.io.common.StringIO(run(
        own, "history", "--contract", "north-waste", "--kpi", "WST_KPI_03", "--format",
        "csv").output), dtype=str, keep_default_na=False)
    june = table[table["month"] == "2026-06"]
    assert june["value"].tolist() == ["Data not available", "93.00"]
    assert june["in_force"].tolist() == ["", "yes"]
    assert june["file"].tolist() == ["return-2026-06.csv", "return-2026-06-corrected.csv"]
    store = own / "data" / "north-waste" / "returns"
    for name in table["stored_as"]:  # kept byte for byte, read-only
        assert (store / name).stat().st_mode & 0o222 == 0
    assert (store / june["stored_as"].iloc[1]).read_bytes() == fixed.read_bytes()


def test_returns_csv_is_the_union_of_the_stored_returns(own):
    folder = own / "data" / "north-waste"
    union = fold_receipts(received_values(folder))
    stored = pd.read_csv(folder / "returns.csv", dtype=str, keep_default_na=False)
    key = ["kpi_id", "month"]
    assert union.sort_values(key).reset_index(drop=True).equals(
        stored.sort_values(key).reset_index(drop=True))


def test_seed_transcription_is_the_first_stored_return():
    from scrutiny.config import PROJECT_ROOT

    folder = PROJECT_ROOT / "data" / "lincolnshire-css"
    union = fold_receipts(received_values(folder))
    stored = pd.read_csv(folder / "returns.csv", dtype=str, keep_default_na=False)
    assert union.equals(stored)


def test_no_terms_no_abatement_and_a_plain_sentence(own):
    result = run(own, "abatement", "--contract", "north-waste")
    assert result.exit_code == 0
    assert "No service-credit terms are recorded for this contract, so no abatement is " \
           "calculated." in result.output


BAD_SCHEDULES = {
    "unknown direction": ("higher,percent", "upward,percent", "column 'direction'"),
    "duplicate KPI ids": ("WST_KPI_02,WST,\"Missed", "WST_KPI_01,WST,\"Missed", "kpi_id"),
    "TSL/MSL against the direction": ("M,50,80,lower", "M,80,50,lower", "lower-is-better"),
}


@pytest.mark.parametrize("case", list(BAD_SCHEDULES))
def test_a_bad_schedule_is_one_line_exit_2_and_nothing_written(tmp_path, case):
    old, new, says = BAD_SCHEDULES[case]
    schedule = tmp_path / "schedule.csv"
    text = (OWN / "schedule.csv").read_text()
    schedule.write_text(text.replace(old, new, 1))
    (tmp_path / "data").mkdir()
    args = [a if a != str(OWN / "schedule.csv") else str(schedule) for a in NEW]
    result = run(tmp_path, *args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: schedule.csv")
    assert says in result.output
    assert list((tmp_path / "data").iterdir()) == []


@pytest.mark.parametrize("slug", ["../escape", "/tmp/abs", "north-waste", "Upper", "a/b", ".."])
def test_a_slug_that_exists_or_escapes_is_refused(own, slug):
    before = folder_bytes(own)
    args = [slug if a == "north-waste" else a for a in NEW]
    result = run(own, *args)
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert folder_bytes(own) == before


@pytest.mark.parametrize("args, says", [
    (["mitigate", "--kpi", "CLN_KPI_02", "--from", "2026-08", "--reason", "again"],
     "overlap"),
    (["override", "--kpi", "WST_KPI_02", "--from", "2025-01", "--to", "2025-03", "--tsl", "60",
      "--reason", "x"], "outside the contract"),
    (["mitigate", "--kpi", "WST_KPI_01", "--from", "2026-03", "--reason", "x"],
     "outside the contract"),
    (["override", "--kpi", "WST_KPI_02", "--from", "2026-05", "--to", "2026-06", "--tsl", "90",
      "--reason", "x"], "lower-is-better"),
    (["override", "--kpi", "WST_KPI_09", "--from", "2026-05", "--to", "2026-06", "--tsl", "9",
      "--reason", "x"], "unknown KPI"),
    (["override", "--kpi", "WST_KPI_02", "--from", "2026-09", "--to", "2026-10", "--tsl", "45",
      "--reason", "x"], "overlaps"),
])
def test_bad_decisions_are_refused_and_nothing_written(own, args, says):
    run(own, "mitigate", "--contract", "north-waste", "--kpi", "CLN_KPI_02", "--from", "2026-07",
        "--to", "2026-08", "--reason", "Vehicle fire")
    run(own, "override", "--contract", "north-waste", "--kpi", "WST_KPI_02", "--from", "2026-08",
        "--to", "2026-10", "--tsl", "60", "--reason", "Depot move")
    before = folder_bytes(own)
    result = run(own, args[0], "--contract", "north-waste", *args[1:])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert says in result.output
    assert folder_bytes(own) == before


INGEST = [sys.executable, "-m", "scrutiny", "ingest", "--contract", "north-waste"]


def test_two_ingests_at_once_lose_nothing(tmp_path):
    """Real processes: two returns for different months, and a correction racing a new month."""
    (tmp_path / "data").mkdir()
    run(tmp_path, *NEW)
    env = {"SCRUTINY_DATA": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    for month in MONTHS[:2]:
        run(tmp_path, "ingest", "--contract", "north-waste", str(OWN / f"return-{month}.csv"))
    corrected = tmp_path / "may-corrected.csv"
    corrected.write_text((OWN / "return-2026-05.csv").read_text().replace("98.00", "98.50"))
    jobs = [[*INGEST, str(OWN / "return-2026-06.csv")],
            [*INGEST, str(OWN / "return-2026-07.csv")],
            [*INGEST, "--replace", str(corrected)]]
    running = [subprocess.Popen(job, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for job in jobs]
    outcomes = [process.wait(timeout=300) for process in running]
    assert outcomes == [0, 0, 0], [p.stderr.read() for p in running]
    returns = load_contract("north-waste", tmp_path / "data").returns
    assert sorted(returns["month"].astype(str).unique()) == MONTHS[:4]
    may = returns[(returns["kpi_id"] == "WST_KPI_01") & (returns["month"] == "2026-05")]
    assert may["value"].tolist() == ["98.50"]  # the correction is not reverted
    changes = pd.read_csv(tmp_path / "data" / "north-waste" / "changes.csv", dtype=str)
    assert changes["new_value"].tolist() == ["98.50"]
    assert len(pd.read_csv(tmp_path / "data" / "north-waste" / "receipts.csv")) == 5


def test_a_writer_that_cannot_get_the_lock_is_refused_with_one_line(own, monkeypatch):
    from scrutiny.ingest.store import contract_lock

    folder = own / "data" / "north-waste"
    monkeypatch.setenv("SCRUTINY_LOCK_WAIT", "0.2")
    before = folder_bytes(folder)
    script = ("import sys, time; from scrutiny.ingest.store import contract_lock\n"
              f"with contract_lock({str(folder)!r}):\n    print('held', flush=True); "
              "time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        result = run(own, "mitigate", "--contract", "north-waste", "--kpi", "CLN_KPI_02",
                     "--from", "2026-05", "--reason", "x")
        assert result.exit_code == 2 and "did not finish within 0.2 s" in result.output
        assert folder_bytes(folder) == before
    finally:
        holder.kill()
        holder.wait()
    with contract_lock(folder, wait=5):
        pass  # released when its holder died


def test_new_contract_from_an_excel_schedule(tmp_path):
    schedule = tmp_path / "schedule.xlsx"
    pd.read_csv(OWN / "schedule.csv", dtype=str).to_excel(schedule, index=False)
    (tmp_path / "data").mkdir()
    args = [str(schedule) if a == str(OWN / "schedule.csv") else a for a in NEW]
    assert run(tmp_path, *args).exit_code == 0
    assert len(load_contract("north-waste", tmp_path / "data").kpis) == 5
    shutil.rmtree(tmp_path / "data")


def test_a_schedule_with_the_councils_own_kpi_codes(tmp_path):
    """KPI codes need not look like the seed's (CSC_KPI_04): PE01 and WASTE-3 are codes too."""
    schedule = tmp_path / "schedule.csv"
    schedule.write_text("kpi_id,service,description,frequency,tsl,msl,direction,unit\n"
                        "PE01,PK,Appeals upheld,M,95,90,higher,percent\n"
                        "WASTE-3,PK,Missed bins,M,2,5,lower,count\n")
    (tmp_path / "data").mkdir()
    made = run(tmp_path, "new-contract", "riverside", "--schedule", str(schedule), "--title", "T",
               "--council", "C", "--supplier", "S", "--start", "2026-07-01", "--service", "PK=P")
    assert made.exit_code == 0, made.output
    ret = tmp_path / "ret.csv"
    ret.write_text("KPI,KPI Short Desc,Freq.,TSL,MSL,Jul-26\nPE01,x,M,95,90,93\n"
                   "WASTE-3,x,M,2,5,1\n")
    assert run(tmp_path, "ingest", "--contract", "riverside", str(ret)).exit_code == 0
    summary = run(tmp_path, "summary", "--contract", "riverside", "--format", "csv")
    assert "PK,2026-07,1,1,0,0,2" in summary.output
