"""Set-up refuses what it should (issue 23 part 1): each problem one line, nothing written.

Schedules in ``tests/corpus/setup/``: no KPI rows; KPI codes differing only by case, by a
zero-width space, by an RTL override or by a Cyrillic letter; a service code ``../x``. Options:
a slug with a trailing newline, a title with a newline and ``ocid: ...`` (YAML injection), a
title with ESC. Codes follow one pattern (ASCII letters, digits, ``_``, ``-``); slugs another.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ingest_support import CORPUS
from scrutiny.cli import main
from scrutiny.ingest.setup import CODE, SLUG

SETUP = CORPUS / "setup"
GOOD = CORPUS / "own-contract" / "schedule.csv"

#: corpus schedule -> fragments of its one-line error
BAD_SCHEDULES = {
    "schedule_no_kpis.csv": ["schedule_no_kpis.csv, row 2", "no KPI rows"],
    "schedule_case_duplicate.csv": ["row 3, column 'kpi_id'", "'wst_kpi_01'", "another case"],
    "schedule_zero_width.csv": ["row 3, column 'kpi_id'", "\\u200b"],
    "schedule_rtl_override.csv": ["row 3, column 'kpi_id'", "\\u202e"],
    "schedule_cyrillic.csv": ["row 3, column 'kpi_id'", "is not a code", "ASCII letters"],
    "schedule_service_dotdot.csv": ["row 2, column 'service'", "'../x' is not a code"],
}


def new(root: Path, slug: str = "north-waste", schedule: Path = GOOD, **names: str):
    options = {"title": "T", "council": "C", "supplier": "S", **names}
    args = ["new-contract", slug, "--schedule", str(schedule), "--start", "2026-04-01"]
    for key, value in options.items():
        args += [f"--{key}", value]
    return CliRunner().invoke(main, args, env={"SCRUTINY_DATA": str(root)})


def refused(result, root: Path, lines: int = 1) -> list[str]:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    out = result.stderr.splitlines()
    assert len(out) == lines and out[0].startswith("error: "), result.stderr
    assert not root.exists() or list(root.iterdir()) == []  # nothing written, not even staging
    return out


@pytest.mark.parametrize("name", sorted(BAD_SCHEDULES))
def test_a_hostile_schedule_is_refused_in_one_line(tmp_path, name):
    line = refused(new(tmp_path, schedule=SETUP / name), tmp_path)[0]
    assert name in line
    for fragment in BAD_SCHEDULES[name]:
        assert fragment in line, (fragment, line)


@pytest.mark.parametrize("slug", ["north-waste\n", "..", ".hidden", "a/b", "a b", "north-waste ",
                                  "Upper", "x\u200by"])
def test_a_slug_outside_the_pattern_is_refused(tmp_path, slug):
    line = refused(new(tmp_path, slug), tmp_path)[0]
    assert "is not allowed" in line and "\n" not in line


def test_a_title_cannot_inject_a_key_into_contract_yaml(tmp_path):
    refused(new(tmp_path, title="Waste\nocid: ocds-INJECTED-N07"), tmp_path)
    tricky = "Waste: \"2026\" # ocid: ocds-INJECTED-N07 'x' & {y} [z]"
    assert new(tmp_path, title=tricky, supplier="- CleanCo: Ltd").exit_code == 0
    info = yaml.safe_load((tmp_path / "north-waste" / "contract.yaml").read_text())
    assert info["title"] == tricky and info["supplier"] == "- CleanCo: Ltd"
    assert "ocid" not in info


def test_control_characters_in_names_are_refused_one_line_each(tmp_path):
    lines = refused(new(tmp_path, title="T\x1b]0;x\x07", council="C\u202eD", supplier=" "),
                    tmp_path, lines=3)
    assert "--title" in lines[0] and "\\x1b" in lines[0]
    assert lines[1].startswith("--council") and "\\u202e" in lines[1]
    assert lines[2].startswith("--supplier is blank")


def test_a_service_name_with_a_control_character_is_refused(tmp_path):
    result = CliRunner().invoke(main, [
        "new-contract", "nw", "--schedule", str(GOOD), "--start", "2026-04-01", "--title", "T",
        "--council", "C", "--supplier", "S", "--service", "WST=Waste\u200b", "--service",
        "CLN=Clean"], env={"SCRUTINY_DATA": str(tmp_path)})
    assert "--service WST" in refused(result, tmp_path)[0]


@pytest.mark.parametrize("text", ["WST_KPI_01", "PE01", "WASTE-3", "a"])
def test_the_code_pattern_accepts_council_codes(text):
    assert CODE.fullmatch(text)


@pytest.mark.parametrize("text", ["WST KPI", "WST.1", "../x", "_x", "WST\n", "ЅT", "x" * 41])
def test_the_code_pattern_refuses_the_rest(text):
    assert not CODE.fullmatch(text)


def test_the_slug_pattern_refuses_a_trailing_newline():
    assert SLUG.fullmatch("north-waste") and not SLUG.fullmatch("north-waste\n")
