"""The store of returns is the evidence: every kind of damage is named, one line per problem, with
a non-zero exit from ``verify`` and ``status``; ``render`` and ``ingest`` refuse unless the damage
is accepted with a reason (logged, formula-safe); ``history`` marks values whose receipt fails;
``ingest --recover`` never deletes a stored return."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest_support import CORPUS
from scrutiny.cli import main
from scrutiny.load.evidence import verify_evidence
from scrutiny.load.folder import DAMAGE_LOG_FILE
from scrutiny.load.receipts import load_receipts

OWN = CORPUS / "own-contract"
MONTHS = ["2026-04", "2026-05", "2026-06"]
NEW = ["new-contract", "north-waste", "--schedule", str(OWN / "schedule.csv"),
       "--title", "Waste and street cleansing contract", "--council", "North District Council",
       "--supplier", "CleanCo Ltd", "--start", "2026-04-01",
       "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]
SLUG = "north-waste"


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args], env={"SCRUTINY_DATA": str(root / "data"),
                                                  "SCRUTINY_OUTPUTS": str(root / "outputs"),
                                                  "SCRUTINY_PARAMS": str(root / "params")})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A new contract with three returns ingested through the CLI, built once."""
    root = tmp_path_factory.mktemp("evidence")
    (root / "data").mkdir()
    assert run(root, *NEW).exit_code == 0
    for month in MONTHS:
        result = run(root, "ingest", "--contract", SLUG, str(OWN / f"return-{month}.csv"))
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def own(built: Path, tmp_path: Path) -> Path:
    """A throw-away copy of the built contract (read-only store files stay read-only)."""
    shutil.copytree(built / "data", tmp_path / "data", symlinks=True)
    return tmp_path


def folder(root: Path) -> Path:
    return root / "data" / SLUG


def receipts(root: Path) -> pd.DataFrame:
    return load_receipts(folder(root))


def stored(root: Path, index: int, column: str = "stored_file") -> Path:
    return folder(root) / "returns" / receipts(root)[column].iloc[index]


def overwrite(path: Path, data: bytes) -> None:
    """What an editor with write access does to a read-only file."""
    os.chmod(path, 0o644)
    path.write_bytes(data)


def verify(root: Path):
    return run(root, "verify", "--contract", SLUG)


def test_an_intact_store_verifies_and_status_is_clean(own):
    result = verify(own)
    assert result.exit_code == 0, result.output
    assert "3 stored returns match their SHA-256" in result.output
    status = run(own, "status", "--contract", SLUG)
    assert status.exit_code == 0, status.output
    assert "Evidence (stored returns against receipts.csv and returns.csv):\n  verified" \
        in status.output


def test_the_real_lincolnshire_store_verifies():
    from scrutiny.config import PROJECT_ROOT

    assert verify_evidence(PROJECT_ROOT / "data" / "lincolnshire-css") == []


def test_a_tampered_return_is_named_with_expected_and_found_hash(own):
    path = stored(own, 1)
    expected = receipts(own)["sha256"].iloc[1]
    overwrite(path, path.read_bytes().replace(b"9", b"8"))
    result = verify(own)
    assert result.exit_code != 0
    line = next(x for x in result.output.splitlines() if path.name in x)
    assert "changed since it was received" in line and expected in line
    import hashlib
    assert hashlib.sha256(path.read_bytes()).hexdigest() in line


def test_a_deleted_return_is_named(own):
    path = stored(own, 0)
    path.unlink()
    result = verify(own)
    assert result.exit_code != 0
    assert f"{SLUG}/returns/{path.name}: stored return missing" in result.output


def test_a_swapped_return_is_named(own):
    first, second = stored(own, 0), stored(own, 2)
    overwrite(first, second.read_bytes())
    result = verify(own)
    assert result.exit_code != 0
    assert f"returns/{first.name}: stored return changed" in result.output


def test_an_unregistered_file_in_the_store_is_named(own):
    extra = folder(own) / "returns" / "20990101T000000000000Z-abcdefabcdef.csv"
    extra.write_text("KPI\n")
    result = verify(own)
    assert result.exit_code != 0
    assert f"returns/{extra.name}: unregistered" in result.output


def test_receipts_csv_edited_to_match_a_swap_is_caught(own):
    path = stored(own, 1)
    overwrite(path, b"forged\n")
    import hashlib
    forged = hashlib.sha256(b"forged\n").hexdigest()
    text = (folder(own) / "receipts.csv").read_text()
    (folder(own) / "receipts.csv").write_text(text.replace(receipts(own)["sha256"].iloc[1],
                                                           forged))
    result = verify(own)
    assert result.exit_code != 0
    assert "receipts.csv: row 3: the receipt's sha256 does not match the digest" in result.output


def test_receipts_csv_losing_its_last_row_leaves_unregistered_files(own):
    path = folder(own) / "receipts.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))
    result = verify(own)
    assert result.exit_code != 0
    assert result.output.count(": unregistered") == 2  # the return and its rows file


def test_returns_csv_edited_by_hand_is_caught(own):
    path = folder(own) / "returns.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    before = rows.loc[0, "value"]
    rows.loc[0, "value"] = "100" if before != "100" else "0"
    rows.to_csv(path, index=False, lineterminator="\n")
    result = verify(own)
    assert result.exit_code != 0
    assert "returns.csv: row 2:" in result.output and "returns.csv edited" in result.output


def test_a_row_added_to_returns_csv_is_not_from_a_receipt(own):
    path = folder(own) / "returns.csv"
    with path.open("a") as out:
        out.write("WST_KPI_01,2026-09,99,\n")
    result = verify(own)
    assert result.exit_code != 0
    assert "WST_KPI_01 2026-09 is in force but no stored return gives it" in result.output


def test_an_edited_rows_file_is_marked_in_history_and_named(own):
    rows = stored(own, 0, "rows_file")
    text = rows.read_text()
    first = text.splitlines()[1].split(",")
    overwrite(rows, text.replace(",".join(first), ",".join([*first[:2], "1", *first[3:]]), 1)
              .encode())
    history = run(own, "history", "--contract", SLUG, "--kpi", first[0], "--format", "csv")
    assert history.exit_code == 0
    table = pd.read_csv(io.StringIO(history.stdout), dtype=str, keep_default_na=False)
    row = table[(table["month"] == first[1]) & (table["stored_as"] ==
                                                receipts(own)["stored_file"].iloc[0])]
    assert row["receipt"].tolist() == ["DOES NOT VERIFY"]
    assert set(table[table["month"] != first[1]]["receipt"]) == {"verified"}
    assert f"returns/{rows.name}: rows file changed" in history.stderr
    assert verify(own).exit_code != 0


def test_a_symlink_out_of_the_contract_folder_is_refused(own, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("kpi_id\n")
    (folder(own) / "glides.csv").unlink(missing_ok=True)
    (folder(own) / "glides.csv").symlink_to(outside)
    result = verify(own)
    assert result.exit_code != 0
    assert f"{SLUG}/glides.csv: a symbolic link pointing outside the contract folder" \
        in result.output


def test_status_lists_problems_and_exits_non_zero(own):
    stored(own, 2).unlink()
    result = run(own, "status", "--contract", SLUG)
    assert result.exit_code != 0
    assert "  PROBLEM north-waste/returns/" in result.output
    assert "Months held:" in result.output  # the screen is still shown


def test_ingest_refuses_damaged_evidence_and_accepts_with_a_logged_reason(own):
    overwrite(stored(own, 0), b"edited\n")
    before = (folder(own) / "returns.csv").read_bytes()
    source = str(OWN / "return-2026-07.csv")
    refused = run(own, "ingest", "--contract", SLUG, source)
    assert refused.exit_code != 0
    assert "ingest refused" in refused.output and "--accept-damage" in refused.output
    assert (folder(own) / "returns.csv").read_bytes() == before
    assert not (folder(own) / DAMAGE_LOG_FILE).exists()
    accepted = run(own, "ingest", "--contract", SLUG, source, "--accept-damage",
                   "=HYPERLINK(\"x\") restore pending")
    assert accepted.exit_code == 0, accepted.output
    assert "evidence damaged, accepted" in accepted.stderr
    log = list(csv.DictReader((folder(own) / DAMAGE_LOG_FILE).open()))
    assert [r["command"] for r in log] == ["ingest"]
    assert log[0]["reason"].startswith("'=HYPERLINK")  # formula-safe
    assert "stored return changed" in log[0]["problems"]


def test_render_refuses_damaged_evidence_before_rendering(own):
    stored(own, 1).unlink()
    result = run(own, "render", "--contract", SLUG, "--latest", "--no-progress")
    assert result.exit_code != 0
    assert "render refused" in result.output
    assert not (own / "outputs").exists() or not any((own / "outputs").rglob("*.html"))


def test_render_with_accept_damage_logs_the_reason(own, monkeypatch):
    from scrutiny.render import batch

    stored(own, 1).unlink()
    calls = []
    monkeypatch.setattr(batch, "render", lambda jobs, **kw: calls.append(jobs) or [])
    result = run(own, "render", "--contract", SLUG, "--latest", "--no-progress",
                 "--accept-damage", "supplier resending the file")
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    log = list(csv.DictReader((folder(own) / DAMAGE_LOG_FILE).open()))
    assert [(r["command"], r["reason"]) for r in log] == [("render",
                                                           "supplier resending the file")]


DAMAGE = {
    "drop last row": lambda text: "".join(text.splitlines(keepends=True)[:-1]),
    "header only": lambda text: text.splitlines(keepends=True)[0],
    "empty": lambda text: "",
    "garbage": lambda text: "\x00not,a\ncsv\"",
    "first row gone": lambda text: "".join(
        [text.splitlines(keepends=True)[0], *text.splitlines(keepends=True)[2:]]),
}


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(damage=st.sampled_from([*DAMAGE, "deleted"]), with_journal=st.booleans())
def test_recover_after_any_damage_to_receipts_keeps_every_stored_return(built, tmp_path_factory,
                                                                       damage, with_journal):
    root = tmp_path_factory.mktemp("recover")
    shutil.copytree(built / "data", root / "data", symlinks=True)
    store = folder(root) / "returns"
    before = {p.name: p.read_bytes() for p in store.iterdir()}
    path = folder(root) / "receipts.csv"
    if damage == "deleted":
        path.unlink()
    else:
        path.write_text(DAMAGE[damage](path.read_text()))
    if with_journal:  # an interrupted ingest left its staging folder too
        (folder(root) / ".ingest-staging").mkdir()
    result = run(root, "ingest", "--contract", SLUG, "--recover")
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in store.iterdir()} == before
    assert "stored returns are never deleted" in result.output


def test_a_store_made_before_rows_sha256_gains_the_column_and_still_verifies(tmp_path):
    """Lincolnshire's receipts.csv predates rows_sha256: a correction adds the column (blank in
    the old row, whose text is otherwise kept) and the store verifies, a number written with
    another number of decimals ("96.880" for "96.88") counting as the same value."""
    from datetime import datetime, timezone

    from ingest_support import contract_copy, seed_wide
    from scrutiny.config import PROJECT_ROOT
    from scrutiny.ingest.returns import ingest

    css = PROJECT_ROOT / "data" / "lincolnshire-css"
    root = contract_copy(tmp_path / "data", css, "lincolnshire-css")
    wide = seed_wide()[["KPI", "KPI Short Desc", "Freq.", "TSL", "MSL", "Jun - 16"]]
    wide.loc[wide["KPI"] == "CSC_KPI_09", "Jun - 16"] = "97.10*"
    wide.loc[wide["KPI"] == "PM_KPI_03", "Jun - 16"] = wide.loc[
        wide["KPI"] == "PM_KPI_03", "Jun - 16"].astype(str) + "0"
    source = tmp_path / "css-jun-16.csv"
    wide.to_csv(source, index=False)
    ingest("lincolnshire-css", source, replace=True, data_root=root,
           now=datetime(2016, 7, 15, tzinfo=timezone.utc))
    lines = (root / "lincolnshire-css" / "receipts.csv").read_text().splitlines()
    old = (css / "receipts.csv").read_text().splitlines()
    assert lines[0] == old[0] + ",rows_sha256" and lines[1] == old[1] + ","
    assert len(lines) == 3 and len(lines[2].rsplit(",", 1)[1]) == 64
    assert verify_evidence(root / "lincolnshire-css") == []


def test_summary_warns_when_a_stored_return_no_longer_verifies(own):
    clean = run(own, "summary", "--contract", SLUG)
    assert clean.exit_code == 0 and "warning: evidence" not in clean.stderr
    original = stored(own, 0, "stored_file")
    overwrite(original, original.read_bytes() + b"\n")
    damaged = run(own, "summary", "--contract", SLUG)
    assert damaged.exit_code == 0 and damaged.stdout == clean.stdout
    assert f"warning: evidence: {SLUG}/returns/{original.name}: stored return changed" in (
        damaged.stderr)


def test_verify_agrees_its_verb_with_the_count(tmp_path):
    """One stored return "matches its" SHA-256; two or three "match their"."""
    (tmp_path / "data").mkdir()
    assert run(tmp_path, *NEW).exit_code == 0
    said = []
    for month in MONTHS[:2]:
        assert run(tmp_path, "ingest", "--contract", SLUG,
                   str(OWN / f"return-{month}.csv")).exit_code == 0
        result = verify(tmp_path)
        assert result.exit_code == 0, result.output
        said.append(result.output)
    assert ("1 stored return matches its SHA-256, and returns.csv is what it gives"
            in said[0]), said[0]
    assert "2 stored returns match their SHA-256, and returns.csv is what they give" in said[1]
    assert "1 stored return match " not in said[0]
