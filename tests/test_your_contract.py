"""docs/your_contract.md runs as written: schedule -> six returns -> status -> committee report.

The guide's ``shell`` blocks run once per session through the ``doc_run`` fixture (see
docs_runner and test_docs.py): real processes, in order, in a temporary folder holding a copy of
the example files, with SCRUTINY_DATA/OUTPUTS/PARAMS pointing at temporary folders (never the
checkout's data/). These tests check what the commands said and wrote.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from docs_runner import blocks

GUIDE = "docs/your_contract.md"


def guide_commands() -> list[list[str]]:
    return [shlex.split(line) for block in blocks(GUIDE) if block.language == "shell"
            for line in block.code.splitlines() if line.strip()]


def test_every_command_of_the_guide_is_a_scrutiny_command():
    commands = guide_commands()
    assert len(commands) >= 12 and all(c[0] == "scrutiny" for c in commands)
    assert [c[1] for c in commands][:1] == ["new-contract"]
    assert commands[-1][1:] == ["render", "--contract", "north-waste", "--latest"]


@pytest.mark.slow
def test_the_guide_runs_as_written(doc_run):
    run = doc_run(GUIDE)
    assert not run.failures, "\n".join(run.failures)
    july = run.output_of("return-2026-07.csv").stderr
    assert "2026-07: not in the return: WST_KPI_03" in july
    summary = run.output_of("scrutiny summary --contract").stdout
    assert re.search(r"ALL 2026-07\s+2\s+0\s+2\s+0\s+4", summary)
    assert re.search(r"ALL 2026-09\s+3\s+1\s+1\s+0\s+5", summary)
    assert "  2026-07: WST_KPI_03" in run.output_of("scrutiny status --contract").stdout
    html = (run.outputs / "north-waste" / "2026-09" / "period_report.html").read_text()
    assert "Service credit per point (GBP)" in html  # set with scrutiny terms
    log = (run.data / "north-waste" / "decisions.csv").read_text().splitlines()
    assert [line.split(",")[2] for line in log[1:]] == ["override", "mitigate", "glide",
                                                        "mitigate", "withdraw"]
    assert ",Head of Waste Services,mitigate,CLN_KPI_02," in log[2]
    assert not (run.cwd / "params" / "north-waste").exists()  # no parameters file was needed
    status = subprocess.run([sys.executable, "-m", "scrutiny", "status", "--contract",
                             "north-waste"], cwd=run.cwd, env={**os.environ, **run.env},
                            capture_output=True, text=True, timeout=300).stdout
    assert "  2026-09: up to date" in status and "  2026-08: not rendered" in status
