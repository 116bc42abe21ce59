"""docs/your_contract.md runs as written: schedule -> six returns -> status -> committee report.

Every fenced ``shell`` block's commands run as real processes, in order, in a temporary folder
holding a copy of the example files, with SCRUTINY_DATA/OUTPUTS/PARAMS pointing at temporary
folders (never the checkout's data/).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "your_contract.md"


def guide_commands() -> list[list[str]]:
    blocks = re.findall(r"```shell\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    return [shlex.split(line) for block in blocks for line in block.splitlines()
            if line.strip()]


def test_every_command_of_the_guide_is_a_scrutiny_command():
    commands = guide_commands()
    assert len(commands) >= 12 and all(c[0] == "scrutiny" for c in commands)
    assert [c[1] for c in commands][:1] == ["new-contract"]
    assert commands[-1][1:] == ["render", "--contract", "north-waste", "--latest"]


@pytest.mark.slow
def test_the_guide_runs_as_written(tmp_path):
    shutil.copytree(ROOT / "tests" / "corpus" / "own-contract",
                    tmp_path / "tests" / "corpus" / "own-contract")
    env = {**os.environ, "SCRUTINY_DATA": str(tmp_path / "data"),
           "SCRUTINY_OUTPUTS": str(tmp_path / "outputs"),
           "SCRUTINY_PARAMS": str(tmp_path / "params"), "SCRUTINY_TODAY": "2026-10-05"}
    (tmp_path / "data").mkdir()
    (tmp_path / "params").mkdir()
    said = {}
    for command in guide_commands():
        done = subprocess.run([sys.executable, "-m", "scrutiny", *command[1:]], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, (command, done.stderr)
        said[" ".join(command[1:3])] = said[command[-1]] = done
    july = said["tests/corpus/own-contract/return-2026-07.csv"].stderr
    assert "2026-07: not in the return: WST_KPI_03" in july
    summary = said["summary --contract"].stdout
    assert re.search(r"ALL 2026-07\s+2\s+0\s+2\s+0\s+4", summary)
    assert re.search(r"ALL 2026-09\s+3\s+1\s+1\s+0\s+5", summary)
    assert "  2026-07: WST_KPI_03" in said["status --contract"].stdout
    html = (tmp_path / "outputs" / "north-waste" / "2026-09" / "period_report.html").read_text()
    assert "Service credit per point (GBP)" in html  # set with scrutiny terms
    log = (tmp_path / "data" / "north-waste" / "decisions.csv").read_text().splitlines()
    assert [line.split(",")[2] for line in log[1:]] == ["override", "mitigate", "glide",
                                                        "mitigate", "withdraw"]
    assert ",Head of Waste Services,mitigate,CLN_KPI_02," in log[2]
    assert not (tmp_path / "params" / "north-waste").exists()  # no parameters file was needed
    status = subprocess.run([sys.executable, "-m", "scrutiny", "status", "--contract",
                             "north-waste"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300).stdout
    assert "  2026-09: up to date" in status and "  2026-08: not rendered" in status
