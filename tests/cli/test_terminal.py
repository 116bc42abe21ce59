"""Stored text never controls the user's terminal: every command's output goes through one rule.

A reason holding an OSC title sequence (``ESC ] 0 ; ... BEL``), a clear-screen (``ESC [ 2 J``)
or a bidi override is shown as visible escapes by ``status`` and ``exceptions`` (and every other
command: the command group routes stdout and stderr through ``core.text.printable``).
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, contract_copy
from scrutiny.cli import main
from scrutiny.core.text import printable, unsafe_characters

HOSTILE = CORPUS / "hostile"


@pytest.fixture
def data(tmp_path):
    root = contract_copy(tmp_path)
    shutil.copy(HOSTILE / "overrides_terminal_escape.csv", root / "mini" / "overrides.csv")
    shutil.copy(HOSTILE / "mitigation_reasons_terminal_escape.csv",
                root / "mini" / "mitigation_reasons.csv")
    returns = root / "mini" / "returns.csv"  # June Blue, so exceptions shows its reason
    returns.write_text(returns.read_text().replace("IMT_KPI_02,2016-06,3.00,",
                                                   "IMT_KPI_02,2016-06,Mitigation Agreed,"))
    return root


@pytest.mark.parametrize("args", [["status", "--contract", "mini"],
                                  ["exceptions", "--contract", "mini", "--period", "2016-06"],
                                  ["exceptions", "--contract", "mini", "--period", "2016-06",
                                   "--format", "csv"]])
def test_stored_terminal_escapes_are_shown_not_obeyed(data, args):
    # color=True: click keeps ANSI as it would on a terminal, so only our rule can stop it
    result = CliRunner().invoke(main, args, env={"SCRUTINY_DATA": str(data)}, color=True)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\u202e" not in result.output
    assert "\\x1b]0;pwned\\x07" in result.output or "\\x1b[2J" in result.output


def test_an_error_line_is_printable_too(tmp_path):
    result = CliRunner().invoke(main, ["status", "--contract", "no\x1b]0;x\x07such"],
                                env={"SCRUTINY_DATA": str(tmp_path)}, color=True)
    assert result.exit_code != 0
    assert "\x1b" not in result.stderr and "\\x1b]0;x\\x07" in result.stderr


def test_printable_keeps_text_and_layout_but_escapes_controls():
    assert printable("Café – £5\n\tnext") == "Café – £5\n\tnext"
    assert printable("a\rb\x9b\u200b\u2028") == "a\\x0db\\x9b\\u200b\\u2028"
    assert unsafe_characters("WST_KPI_01") == []
    assert unsafe_characters("WST\u200b01\u202e\n") == ["\\u200b", "\\u202e", "\\x0a"]
