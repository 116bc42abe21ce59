"""``scrutiny terms --set`` edits a hand-written terms.yaml in place.

Its comments, key order and quoting stay; only the values set change. What the YAML loader
refuses (an alias bomb, an object tag) is refused here too, nothing written; an alias that makes
two services one entry is refused when one of them is set, since either answer would be a guess.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, folder_bytes
from scrutiny.abate.terms import load_terms
from scrutiny.cli import main
from scrutiny.load.contract import load_contract
from scrutiny.load.yaml_files import MAX_NODES, read_yaml
from yaml_support import bomb

OWN = CORPUS / "own-contract"
NEW = ["new-contract", "north-waste", "--schedule", str(OWN / "schedule.csv"),
       "--title", "Waste and street cleansing contract", "--council", "North District Council",
       "--supplier", "CleanCo Ltd", "--start", "2026-04",
       "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]
POINTS = [x for k in ("WST_KPI_01", "WST_KPI_02", "WST_KPI_03", "CLN_KPI_01", "CLN_KPI_02")
          for x in ("--set", f"points.{k}=20")]

COMMENTED = """\
# Service credits: schedule 7 of the contract, as signed on 1 March 2026.
contract: north-waste
illustrative: false   # the contract's own figures
source: "Schedule 7, clause 4.2"
points_file: abatement_points.csv

# Clause 4.3: GBP per point.
point_value_gbp: 100.0
amber_fraction: 0.5  # half points for Amber
cap_fraction: 0.1
multipliers: [1, 1.5, 2]  # 1st, 2nd, 3rd and later failing month
blue_breaks_run: true
services:
  # Volumes from the pricing schedule.
  WST:
    effective_from: 2026-04
    monthly_volume_gbp: 200000.0  # waste collection
  CLN:
    effective_from: 2026-04
    monthly_volume_gbp: 100000.0
total_points:
- from_month: 2026-04
  points: 100.0
"""


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args], env={"SCRUTINY_DATA": str(root / "data"),
                                                  "SCRUTINY_TODAY": "2026-10-05"})


@pytest.fixture
def own(tmp_path: Path) -> Path:
    """north-waste, its points set, and a hand-written, commented terms.yaml."""
    (tmp_path / "data").mkdir()
    assert run(tmp_path, *NEW).exit_code == 0
    terms_file(tmp_path).write_text(COMMENTED, encoding="utf-8")
    result = run(tmp_path, "terms", "--contract", "north-waste", *POINTS)
    assert result.exit_code == 0, result.output
    terms_file(tmp_path).write_text(COMMENTED, encoding="utf-8")  # as the user wrote it
    return tmp_path


def terms_file(root: Path) -> Path:
    return root / "data" / "north-waste" / "terms.yaml"


def test_set_keeps_comments_order_and_untouched_lines(own):
    result = run(own, "terms", "--contract", "north-waste", "--set", "point_value_gbp=150",
                 "--set", "amber_fraction=0.4", "--set", "multipliers=1,2,3",
                 "--set", "volume.CLN=120000")
    assert result.exit_code == 0, result.output
    after = terms_file(own).read_text(encoding="utf-8").splitlines()
    before = COMMENTED.splitlines()
    # Every comment stays, on the key it was written beside.
    assert [line.partition("#")[2] for line in after if "#" in line] == [
        line.partition("#")[2] for line in before if "#" in line]
    changed = {"point_value_gbp", "amber_fraction", "multipliers", "monthly_volume_gbp"}
    untouched = [line for line in before if line.split(":")[0].strip() not in changed]
    assert [line for line in after if line in untouched] == untouched
    keys = [line.split(":")[0] for line in after if line and line[0].isalpha()]
    assert keys == [line.split(":")[0] for line in before if line and line[0].isalpha()]
    assert "amber_fraction: 0.4  # half points for Amber" in after
    assert after[after.index("  CLN:") + 1:after.index("  CLN:") + 3] == [
        "    effective_from: 2026-04", "    monthly_volume_gbp: 120000.0"]
    terms = load_terms(load_contract("north-waste", own / "data"))
    values = read_yaml(terms_file(own))
    assert values["point_value_gbp"] == 150 and values["multipliers"] == [1, 2, 3]
    assert values["services"]["WST"]["monthly_volume_gbp"] == 200000
    assert terms.describe()["value"].str.contains("150.00").any()


@pytest.mark.parametrize("text, says", [
    (COMMENTED + bomb(), f"expands to more than {MAX_NODES:,} values"),
    (COMMENTED + "extra: !!python/object/apply:os.system ['echo hi']\n", "is not allowed"),
    (COMMENTED + "cap_fraction: 0.2\n", "key 'cap_fraction' is given twice"),
])
def test_a_file_the_loader_refuses_is_refused_and_nothing_written(own, text, says):
    terms_file(own).write_text(text, encoding="utf-8")
    before = folder_bytes(own / "data")
    result = run(own, "terms", "--contract", "north-waste", "--set", "point_value_gbp=150")
    assert result.exit_code == 2 and says in result.output and "terms.yaml" in result.output, (
        result.output)
    assert folder_bytes(own / "data") == before


def test_an_alias_joining_two_services_is_refused_when_one_is_set(own):
    aliased = COMMENTED.replace("  WST:\n", "  WST: &same\n").replace(
        "  CLN:\n    effective_from: 2026-04\n    monthly_volume_gbp: 100000.0\n",
        "  CLN: *same\n")
    terms_file(own).write_text(aliased, encoding="utf-8")
    before = folder_bytes(own / "data")
    for service in ("WST", "CLN"):
        result = run(own, "terms", "--contract", "north-waste", "--set", f"volume.{service}=9")
        assert result.exit_code == 2 and "one entry (an alias" in result.output, result.output
        assert folder_bytes(own / "data") == before
    # Other terms can still be set; the alias stays, so both services keep one volume.
    result = run(own, "terms", "--contract", "north-waste", "--set", "cap_fraction=0.2")
    assert result.exit_code == 0, result.output
    text = terms_file(own).read_text(encoding="utf-8")
    assert "CLN: *same" in text and "cap_fraction: 0.2" in text
    assert read_yaml(terms_file(own))["services"]["CLN"]["monthly_volume_gbp"] == 200000
