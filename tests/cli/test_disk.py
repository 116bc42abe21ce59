"""The disk says no: a designed line, exit 3, and nothing half-written."""

from __future__ import annotations

import errno

import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, MINI, contract_copy, folder_bytes
from scrutiny.cli import main
from scrutiny.core import atomic


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"),
                                         (errno.EROFS, "the disk is read-only"),
                                         (errno.EACCES, "permission denied")])
def test_an_ingest_the_disk_refuses_is_one_line_and_changes_nothing(tmp_path, monkeypatch,
                                                                     code, words):
    root = contract_copy(tmp_path / "data", MINI)
    before = folder_bytes(root / "mini")

    def refuse(path, data):
        raise OSError(code, "refused", str(path))

    monkeypatch.setattr(atomic, "_write_synced", refuse)
    result = CliRunner().invoke(main, ["ingest", "--contract", "mini", "--data-dir", str(root),
                                       str(CORPUS / "returns" / "ok.csv")])
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write ")
    assert words in lines[0] and "Nothing was half-written" in lines[0]
    assert folder_bytes(root / "mini") == before


def test_an_outputs_folder_that_cannot_be_made_is_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SCRUTINY_OUTPUTS", str(blocker / "outputs"))
    from scrutiny.config import PROJECT_ROOT

    result = CliRunner().invoke(main, ["render", str(PROJECT_ROOT / "params" / "lincolnshire-imt"
                                                     / "2019-08.yaml")])
    assert result.exit_code == 3, result.output
    assert result.stderr.count("\n") == 1 and "Not a directory" in result.stderr
    assert "Traceback" not in result.output
