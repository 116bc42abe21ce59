"""scrutiny ingest: round trips of the seed's own tables, corrections, order and atomicity."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest_support import (
    DATA,
    MINI,
    contract_copy,
    empty_contract,
    folder_bytes,
    seed_wide,
)
from scrutiny.cli import main
from scrutiny.core import atomic
from scrutiny.core.atomic import JOURNAL_FILE
from scrutiny.exceptions import IngestError, InputValidationError, ScrutinyError
from scrutiny.ingest.returns import ingest, recover_contract
from scrutiny.load.contract import load_contract

CSS = DATA / "lincolnshire-css"
NOW = datetime(2016, 7, 15, 9, 30, tzinfo=timezone.utc)


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_excel(path, index=False, engine="openpyxl")
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_seed_tables_round_trip_byte_identical(tmp_path, suffix):
    root = empty_contract(tmp_path / "data")
    wide = seed_wide()
    source = tmp_path / f"css-2015-16.{suffix}"
    if suffix == "csv":
        wide.to_csv(source, index=False)
    else:
        write_xlsx(wide, source)
    result = ingest("lincolnshire-css", source, data_root=root, now=NOW)
    assert (len(result.new), len(result.replaced), len(result.unchanged)) == (43 * 12, 0, 0)
    assert (root / "lincolnshire-css" / "returns.csv").read_bytes() == (
        CSS / "returns.csv").read_bytes()
    assert not (root / "lincolnshire-css" / "changes.csv").exists()


def test_excel_numbers_typed_as_numbers_round_trip_as_equal_numbers(tmp_path):
    # A supplier's workbook holds 100.00 as the number 100: the stored text differs, the
    # number (and therefore every score) does not.
    root = empty_contract(tmp_path / "data")
    wide = seed_wide()
    months = wide.columns[5:]
    typed = wide.copy().astype(object)
    numeric = wide[months].apply(pd.to_numeric, errors="coerce")
    typed[months] = typed[months].where(numeric.isna(), numeric)
    ingest("lincolnshire-css", write_xlsx(typed, tmp_path / "typed.xlsx"), data_root=root)
    got = load_contract("lincolnshire-css", root).returns
    want = load_contract("lincolnshire-css", DATA).returns
    pd.testing.assert_series_equal(got["number"], want["number"])
    pd.testing.assert_series_equal(got["status"], want["status"])
    assert got["footnote"].tolist() == want["footnote"].tolist()


def test_excel_month_headers_typed_as_dates_are_read_as_months(tmp_path):
    root = empty_contract(tmp_path / "data")
    wide = seed_wide().rename(columns={"Jun - 16": datetime(2016, 6, 1)})
    source = write_xlsx(wide[["KPI", "KPI Short Desc", "Freq.", "TSL", "MSL",
                              datetime(2016, 6, 1)]], tmp_path / "jun.xlsx")
    result = ingest("lincolnshire-css", source, data_root=root)
    assert set(result.new["month"]) == {"2016-06"} and len(result.new) == 43


def jun16_return(tmp_path: Path, change: dict[str, str] | None = None) -> Path:
    wide = seed_wide()[["KPI", "KPI Short Desc", "Freq.", "TSL", "MSL", "Jun - 16"]]
    for kpi, value in (change or {}).items():
        wide.loc[wide["KPI"] == kpi, "Jun - 16"] = value
    path = tmp_path / "css-jun-16.csv"
    wide.to_csv(path, index=False)
    return path


def test_same_return_again_changes_nothing(tmp_path):
    root = contract_copy(tmp_path / "data", CSS, "lincolnshire-css")
    before = folder_bytes(root)
    result = ingest("lincolnshire-css", jun16_return(tmp_path), data_root=root)
    assert (len(result.new), len(result.replaced), len(result.unchanged)) == (0, 0, 43)
    assert not result.written and folder_bytes(root) == before


def test_changed_value_is_refused_without_replace(tmp_path):
    root = contract_copy(tmp_path / "data", CSS, "lincolnshire-css")
    before = folder_bytes(root)
    source = jun16_return(tmp_path, {"CSC_KPI_09": "97.10*"})
    with pytest.raises(IngestError, match=r"row 32, column 'Jun - 16'.*99\.35\*.*97\.10\*"):
        ingest("lincolnshire-css", source, data_root=root)
    assert folder_bytes(root) == before


def test_replace_updates_one_value_and_logs_it(tmp_path):
    root = contract_copy(tmp_path / "data", CSS, "lincolnshire-css")
    source = jun16_return(tmp_path, {"CSC_KPI_09": "97.10*"})
    result = ingest("lincolnshire-css", source, replace=True, data_root=root, now=NOW)
    assert (len(result.new), len(result.replaced), len(result.unchanged)) == (0, 1, 42)
    folder = root / "lincolnshire-css"
    expected = (CSS / "returns.csv").read_text().replace("CSC_KPI_09,2016-06,99.35,*",
                                                         "CSC_KPI_09,2016-06,97.10,*")
    assert (folder / "returns.csv").read_text() == expected
    changes = pd.read_csv(folder / "changes.csv", dtype=str, keep_default_na=False)
    assert changes.to_dict("records") == [{
        "kpi_id": "CSC_KPI_09", "month": "2016-06", "old_value": "99.35", "old_footnote": "*",
        "new_value": "97.10", "new_footnote": "*", "changed_at": "2016-07-15T09:30:00Z",
        "source_file": "css-jun-16.csv", "source_sha256": atomic.sha256_bytes(
            source.read_bytes())}]
    assert len(load_contract("lincolnshire-css", root).changes) == 1
    # a second correction is appended, the first kept
    ingest("lincolnshire-css", jun16_return(tmp_path, {"CSC_KPI_09": "96.00*"}), replace=True,
           data_root=root, now=NOW)
    log = pd.read_csv(folder / "changes.csv", dtype=str, keep_default_na=False)
    assert log["new_value"].tolist() == ["97.10", "96.00"]
    assert log["old_value"].tolist() == ["99.35", "97.10"]


def test_numbers_compare_as_numbers_and_words_without_case(tmp_path):
    root = contract_copy(tmp_path / "data", CSS, "lincolnshire-css")
    before = folder_bytes(root)
    source = jun16_return(tmp_path, {"PM_KPI_01": "100", "PM_KPI_02": "DATA NOT AVAILABLE"})
    result = ingest("lincolnshire-css", source, data_root=root)
    assert len(result.unchanged) == 43 and folder_bytes(root) == before


def test_new_month_lands_in_documented_order(tmp_path):
    root = contract_copy(tmp_path / "data", MINI, "mini")
    source = tmp_path / "jul.csv"
    source.write_text("KPI,KPI Short Desc,Freq.,TSL,MSL,Apr-16,Jul-16\n"
                      "CSC_KPI_04,calls,M,7,10,6.10,9.00*\n"
                      "PM_KPI_01,pay,M,99.9,99,99.99,\n", encoding="utf-8")
    result = ingest("mini", source, data_root=root)
    assert result.new[["kpi_id", "month"]].values.tolist() == [
        ["CSC_KPI_04", "2016-04"], ["CSC_KPI_04", "2016-07"], ["PM_KPI_01", "2016-04"],
        ["PM_KPI_01", "2016-07"]]
    lines = (root / "mini" / "returns.csv").read_text().splitlines()
    assert lines == [
        "kpi_id,month,value,footnote",
        "PM_KPI_01,2016-04,99.99,", "PM_KPI_01,2016-05,99.76,", "PM_KPI_01,2016-06,100.00,",
        "PM_KPI_01,2016-07,,",
        "IMT_KPI_02,2016-05,6.00,", "IMT_KPI_02,2016-06,3.00,",
        "CSC_KPI_04,2016-04,6.10,", "CSC_KPI_04,2016-05,7.55,*",
        "CSC_KPI_04,2016-06,Data not available,", "CSC_KPI_04,2016-07,9.00,*"]


def test_override_levels_in_force_are_accepted_in_the_file(tmp_path):
    # CSC_KPI_04's test override (8/12) is in force in Jul-16 but not in Aug-16
    root = contract_copy(tmp_path / "data", MINI, "mini")
    source = tmp_path / "r.csv"
    source.write_text("KPI,KPI Short Desc,Freq.,TSL,MSL,Jul-16\nCSC_KPI_04,c,M,8,12,7\n")
    assert len(ingest("mini", source, data_root=root).new) == 1
    source.write_text("KPI,KPI Short Desc,Freq.,TSL,MSL,Aug-16\nCSC_KPI_04,c,M,8,12,7\n")
    with pytest.raises(InputValidationError, match="expected 7/10") as err:
        ingest("mini", source, data_root=root)
    assert (err.value.row, err.value.column) == (2, "TSL")


def test_blank_cell_outside_a_kpis_life_is_skipped_but_a_value_is_refused(tmp_path):
    root = contract_copy(tmp_path / "data", MINI, "mini")
    source = tmp_path / "r.csv"
    source.write_text("KPI,KPI Short Desc,Freq.,TSL,MSL,Mar-19\n"
                      "PM_KPI_01,p,M,99.9,99,\nIMT_KPI_02,i,M,1,5,0\n")
    assert ingest("mini", source, data_root=root).new["kpi_id"].tolist() == ["IMT_KPI_02"]
    source.write_text("KPI,KPI Short Desc,Freq.,TSL,MSL,Apr-19\nPM_KPI_01,p,M,99.9,99,99.99\n")
    with pytest.raises(InputValidationError, match="not part of the contract in 2019-04"):
        ingest("mini", source, data_root=root)


def test_cli_prints_new_replaced_and_unchanged(tmp_path):
    root = contract_copy(tmp_path / "data", CSS, "lincolnshire-css")
    source = jun16_return(tmp_path, {"CSC_KPI_09": "97.10*"})
    result = CliRunner().invoke(main, ["ingest", "--contract", "lincolnshire-css", "--data-dir",
                                       str(root), str(source), "--replace"])
    assert result.exit_code == 0, result.output
    assert "new KPI-months: 0\nreplaced KPI-months: 1\n  CSC_KPI_09 2016-06: 99.35* -> 97.10*\n"\
        "unchanged KPI-months: 42\n" in result.output


# --- atomicity -------------------------------------------------------------------------------

VALID = [  # (file text, replace?) each valid against the mini contract
    ("KPI,KPI Short Desc,Freq.,TSL,MSL,Jul-16\nPM_KPI_01,p,M,99.9,99,99.5\n", False),
    ("KPI,KPI Short Desc,Freq.,TSL,MSL,Jun-16\nPM_KPI_01,p,M,99.9,99,98.00\n", True),
    ("KPI,KPI Short Desc,Freq.,TSL,MSL,Jun-16,Aug-16\nIMT_KPI_02,i,M,1,5,4,Not Measured\n", True),
    ("KPI,KPI Short Desc,Freq.,TSL,MSL,May-16\nCSC_KPI_04,c,M,8,12,7.55\n", True),
]
INVALID = [
    "KPI,KPI Short Desc,Freq.,TSL,MSL,Jul-16\nPM_KPI_01,p,M,99.9,99,250\n",
    "KPI,KPI Short Desc,Freq.,TSL,MSL,Jun-16\nPM_KPI_01,p,M,99.9,99,97.00\n",  # no --replace
    "KPI,KPI Short Desc,Freq.,TSL,MSL,Jul-16\nXX_KPI_01,p,M,99.9,99,99\n",
]


class _Crash(BaseException):
    """Stands for the process dying: not an Exception, so no rollback code runs."""


def _flaky_replace(fail_at_call: int, error: type[BaseException]):
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == fail_at_call:
            raise error(f"injected failure at os.replace call {fail_at_call}")
        return real(src, dst)
    return replace


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(range(len(VALID) + len(INVALID))),
                                st.integers(min_value=0, max_value=4),
                                st.booleans()), min_size=1, max_size=3))
def test_ingest_never_half_writes(steps):
    """Each step: ingest a valid or invalid return; maybe fail the k-th os.replace (k=0: none),
    either as an exception (rolled back at once) or as a crash (undone by ``recover``).
    Afterwards the folder is exactly the old bytes or exactly the bytes of a clean run."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        live = contract_copy(tmp / "live", MINI, "mini")
        for number, (choice, fail_call, crash) in enumerate(steps):
            text, replace = (VALID + [(t, False) for t in INVALID])[choice]
            source = tmp / f"return-{number}.csv"
            source.write_text(text, encoding="utf-8")
            before = folder_bytes(live / "mini")
            reference = tmp / f"ref-{number}"
            contract_copy(reference, live / "mini", "mini")
            try:
                ingest("mini", source, replace=replace, data_root=reference, now=NOW)
            except ScrutinyError:
                pass
            after = folder_bytes(reference / "mini")
            patch = pytest.MonkeyPatch()
            patch.setattr(os, "replace", _flaky_replace(fail_call, _Crash if crash else OSError))
            try:
                ingest("mini", source, replace=replace, data_root=live, now=NOW)
            except (ScrutinyError, OSError, _Crash):
                pass
            finally:
                patch.undo()
            if (live / "mini" / JOURNAL_FILE).exists() or (live / "mini" / atomic.STAGING_DIR
                                                           ).exists():
                with pytest.raises(IngestError, match="interrupted"):
                    load_contract("mini", live)
                recover_contract("mini", live)
            assert folder_bytes(live / "mini") in (before, after)
            load_contract("mini", live)


def test_recover_without_anything_interrupted_changes_nothing(tmp_path):
    root = contract_copy(tmp_path, MINI, "mini")
    before = folder_bytes(root / "mini")
    assert atomic.recover(root / "mini") == "nothing to recover"
    assert folder_bytes(root / "mini") == before


def test_a_second_ingest_is_refused_while_one_holds_the_folder(tmp_path):
    root = contract_copy(tmp_path, MINI, "mini")
    (root / "mini" / atomic.STAGING_DIR).mkdir()
    source = tmp_path / "r.csv"
    source.write_text(VALID[0][0])
    with pytest.raises(IngestError, match="another ingest"):
        ingest("mini", source, data_root=root)
