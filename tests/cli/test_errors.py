"""One-line errors by default; ``--debug`` shows the traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from ingest_support import CORPUS, MINI, contract_copy
from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT
from scrutiny.exceptions import InputValidationError


def test_error_is_one_line_without_debug(tmp_path):
    root = contract_copy(tmp_path, MINI, "mini")
    args = ["ingest", "--contract", "mini", "--data-dir", str(root),
            str(CORPUS / "returns" / "percent_250.csv")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path):
    root = contract_copy(tmp_path, MINI, "mini")
    args = ["--debug", "ingest", "--contract", "mini", "--data-dir", str(root),
            str(CORPUS / "returns" / "percent_250.csv")]
    result = CliRunner().invoke(main, args)
    # under --debug the exception propagates; CliRunner keeps it with its traceback
    assert result.exit_code != 0
    assert isinstance(result.exception, InputValidationError)
    assert result.exc_info[2] is not None and result.exc_info[2].tb_next is not None


def test_debug_prints_traceback_from_a_real_process(tmp_path):
    root = contract_copy(tmp_path, MINI, "mini")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "lib")}
    command = [sys.executable, "-m", "scrutiny", "--debug", "ingest", "--contract", "mini",
               "--data-dir", str(root), str(CORPUS / "returns" / "percent_250.csv")]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode != 0
    assert "Traceback (most recent call last)" in done.stderr
    assert "InputValidationError" in done.stderr and "percent_250.csv" in done.stderr



def test_csv_output_defuses_formula_text(tmp_path, monkeypatch):
    """OWASP CSV injection: an override reason starting '=' reaches --format csv as text."""
    import csv
    import io
    import shutil

    from scrutiny.config import PROJECT_ROOT

    folder = tmp_path / "lincolnshire-css"
    shutil.copytree(PROJECT_ROOT / "data" / "lincolnshire-css", folder)
    overrides = folder / "overrides.csv"
    rows = list(csv.DictReader(overrides.open()))
    for row in rows:
        row["reason"] = '=HYPERLINK("http://x","y")'
    with overrides.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("SCRUTINY_DATA", str(tmp_path))
    result = CliRunner().invoke(main, ["scores", "--contract", "lincolnshire-css",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output
    reasons = {r["override_reason"] for r in csv.DictReader(io.StringIO(result.output))}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in reasons
    assert not any(r.startswith("=") for r in reasons)


def test_a_contract_name_that_leaves_data_is_refused_in_one_line():
    result = CliRunner().invoke(main, ["summary", "--contract", "../lincolnshire-css"])
    assert result.exit_code == 2
    assert "is not a plain name" in result.output and result.output.count("\n") == 1
