"""Issue 23 "More": each hostile input refused in one designed line, or handled.

What-if settings that are not finite; a scenario file's ``.nan`` (the error names the file); a
TLS scheduler address; a blank or out-of-range ``SOURCE_DATE_EPOCH``; ``notice --output`` over
a read-only stored return or into ``data/``; exports over read-only files; ``scores(pd.NaT)``;
Excel sheet names over 31 characters or repeated.
"""

from __future__ import annotations

import stat

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ingest_support import CORPUS, contract_copy, folder_bytes
from scrutiny.cli import main
from scrutiny.exceptions import MonthFormatError, ProtectedFileError
from scrutiny.insight.contract_handle import open_contract
from scrutiny.report.excel import write_workbook

HOSTILE = CORPUS / "hostile"


def one_line(result, *fragments: str) -> str:
    said = result.output + result.stderr
    assert result.exit_code != 0 and "internal error" not in said and "Traceback" not in said
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.mark.parametrize("setting", ["points.CSC_KPI_04=.inf", "tsl.CSC_KPI_04=.nan",
                                     "msl.CSC_KPI_04=-.inf", "volume.IMT=.inf"])
def test_non_finite_whatif_settings_are_refused(setting):
    result = CliRunner().invoke(main, ["whatif", "--contract", "lincolnshire-css", "--set",
                                       setting])
    one_line(result, setting.split("=")[0], "not a finite number")


def test_a_scenario_files_nan_names_the_file():
    result = CliRunner().invoke(main, ["whatif", "--contract", "lincolnshire-css", "--scenario",
                                       str(HOSTILE / "scenario_nan.yaml")])
    one_line(result, "scenario_nan.yaml", "set.points.CSC_KPI_04", "not a finite number")


def test_a_tls_scheduler_is_refused_before_anything_runs(tmp_path):
    result = CliRunner().invoke(main, [
        "render", "--contract", "lincolnshire-css", "--period", "2016-06", "--executor", "dask",
        "--scheduler", "tls://127.0.0.1:1", "--no-progress"],
        env={"SCRUTINY_OUTPUTS": str(tmp_path)})
    one_line(result, "tls://127.0.0.1:1", "tcp://HOST:PORT")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("epoch", ["", " ", "99999999999999"])
def test_a_bad_source_date_epoch_is_one_line_up_front(tmp_path, epoch):
    result = CliRunner().invoke(main, ["render", "--contract", "lincolnshire-css", "--period",
                                       "2016-06", "--no-progress"],
                                env={"SCRUTINY_OUTPUTS": str(tmp_path),
                                     "SOURCE_DATE_EPOCH": epoch})
    one_line(result, "SOURCE_DATE_EPOCH is")
    assert list(tmp_path.iterdir()) == []


NOTICE = ["notice", "--contract", "mini", "--from", "2016-05", "--to", "2016-06", "--ocid",
          "ocds-213czf-000-00001"]


@pytest.fixture
def stored(tmp_path):
    """A mini contract with one ingested return: its stored copy is read-only evidence."""
    root = contract_copy(tmp_path / "data")
    done = CliRunner().invoke(main, ["ingest", "--contract", "mini", "--data-dir", str(root),
                                     str(CORPUS / "returns" / "ok.csv")])
    assert done.exit_code == 0, done.output
    return root


def test_notice_never_writes_over_a_stored_return(stored):
    evidence = next(p for p in (stored / "mini" / "returns").iterdir()
                    if not p.name.endswith(".rows.csv"))
    assert evidence.stat().st_mode & 0o222 == 0
    before = folder_bytes(stored)
    result = CliRunner().invoke(main, [*NOTICE, "--output", str(evidence)],
                                env={"SCRUTINY_DATA": str(stored)})
    one_line(result, "inside the data folder")
    assert folder_bytes(stored) == before


def test_no_output_over_a_read_only_file_anywhere(stored, tmp_path):
    for name, args in (("notice.json", NOTICE),
                       ("scores.xlsx", ["scores", "--contract", "mini", "--format", "xlsx"])):
        target = tmp_path / name
        target.write_text("kept")
        target.chmod(stat.S_IRUSR | stat.S_IRGRP)
        result = CliRunner().invoke(main, [*args, "--output", str(target)],
                                    env={"SCRUTINY_DATA": str(stored)})
        one_line(result, str(target), "read-only")
        assert target.read_text() == "kept"


def test_ingest_never_replaces_a_read_only_table(tmp_path):
    root = contract_copy(tmp_path / "data")
    (root / "mini" / "returns.csv").chmod(0o444)
    before = folder_bytes(root)
    result = CliRunner().invoke(main, ["ingest", "--contract", "mini", "--data-dir", str(root),
                                       str(CORPUS / "returns" / "ok.csv")])
    one_line(result, "returns.csv", "read-only")
    assert folder_bytes(root) == before


def test_an_export_into_the_data_folder_is_refused(tmp_path):
    root = contract_copy(tmp_path / "data")
    result = CliRunner().invoke(main, ["scores", "--contract", "mini", "--format", "xlsx",
                                       "--output", str(root / "mini" / "scores.xlsx")],
                                env={"SCRUTINY_DATA": str(root)})
    one_line(result, "inside the data folder")
    assert not (root / "mini" / "scores.xlsx").exists()


def test_scores_of_nat_is_a_designed_error():
    handle = open_contract("lincolnshire-css")
    with pytest.raises(MonthFormatError, match="NaT"):
        handle.scores(pd.NaT)
    with pytest.raises(MonthFormatError):
        handle.scores("2016-01", pd.NaT)


def test_sheet_names_fit_excel_and_stay_unique(tmp_path):
    frame = pd.DataFrame({"a": [1]})
    long = "Exceptions register for September 2016"  # 38 characters
    names = [long, long + " (B)", "x" * 31 + "y", "x" * 32, "Scores", "scores", "a/b:c",
             "\U0001f4ca" * 20]
    path = write_workbook(tmp_path / "book.xlsx", {n: frame for n in names})
    titles = load_workbook(path).sheetnames
    assert len(titles) == len(names)
    assert all(len(t.encode("utf-16-le")) // 2 <= 31 for t in titles), titles
    assert len({t.lower() for t in titles}) == len(titles), titles


def test_atomic_write_refuses_a_read_only_file(tmp_path):
    from scrutiny.core.atomic import atomic_write

    target = tmp_path / "kept.txt"
    target.write_text("kept")
    target.chmod(0o444)
    with pytest.raises(ProtectedFileError):
        atomic_write(target, "new")
    assert target.read_text() == "kept"

