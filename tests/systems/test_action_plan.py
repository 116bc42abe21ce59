"""South Oxfordshire & Vale / Capita technology action plan (seed 002)."""

from __future__ import annotations

import pytest

from scrutiny.exceptions import InputValidationError, NoDataForPeriodError
from scrutiny.load.action_plan import load_action_plan
from scrutiny.systems import action_plan
from systems_helpers import DATA, copy_dataset, replace_in


@pytest.fixture(scope="module")
def plan():
    return load_action_plan("south-vale-capita", data_root=DATA)


def test_transcription_reproduces_the_published_totals_138_and_37(plan):
    totals = action_plan.totals_by_stream(plan.actions).set_index("stream")
    assert totals.loc["All streams", "budget_2018_19"] == 138
    assert totals.loc["All streams", "pressure_2018_19"] == 37
    assert action_plan.check_published_totals(plan)["matches"].all()


def test_totals_by_stream(plan):
    totals = action_plan.totals_by_stream(plan.actions).set_index("stream")
    assert list(totals.index) == ["Core IT turnaround", "Core services reshaped",
                                  "Technology strategy", "Organisational Development",
                                  "All streams"]
    assert totals.loc["Core IT turnaround", "projects"] == 10
    assert totals.loc["All streams", "projects"] == 22


def test_milestones_by_quarter(plan):
    table = action_plan.milestones_by_quarter(plan)
    q1 = table[table["quarter"] == "Q1"]
    assert "directory designed and approved" in set(q1["milestone"])
    assert q1["quarter_label"].iloc[0] == "July-Sept 2018"
    assert list(dict.fromkeys(table["quarter"])) == ["Q1", "Q2", "Q3", "Q4"]
    finance = table[table["project"] == "Finance system upgrade"].set_index("quarter")
    assert finance.loc["Q2", "successor_lead"] == "BW"


def test_milestone_counts_cover_every_quarter_including_empty_q5(plan):
    counts = action_plan.milestone_counts(plan).set_index("stream")
    assert list(counts.columns) == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert counts["Q5"].sum() == 0
    assert counts.to_numpy().sum() == len(plan.milestones)


def test_rag_key_is_data(plan):
    key = plan.rag_key.set_index("word")["meaning"].to_dict()
    assert key == {"Green": "Under way and on track", "Amber": "In negotiation",
                   "Red": "Off track", "Blue": "Complete", "Grey": "End point"}


def test_status_words_are_checked_against_the_plans_key(tmp_path):
    folder = copy_dataset("south-vale-capita", tmp_path)
    path = folder / "milestones.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",status"] + [line + ",Green" for line in lines[1:]]
    lines[3] = lines[3].rsplit(",", 1)[0] + ",Purple"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match="unknown RAG word 'Purple'") as err:
        load_action_plan("south-vale-capita", data_root=tmp_path)
    assert (err.value.file, err.value.column, err.value.row) == ("milestones.csv", "status", 4)


def test_known_status_words_give_a_rag(tmp_path):
    folder = copy_dataset("south-vale-capita", tmp_path)
    path = folder / "milestones.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",status"] + [line + ",Blue" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = load_action_plan("south-vale-capita", data_root=tmp_path)
    assert set(action_plan.milestones_by_quarter(plan)["rag"]) == {"blue"}


def test_money_that_is_not_a_number_is_refused(tmp_path):
    folder = copy_dataset("south-vale-capita", tmp_path)
    replace_in(folder / "actions.csv", "new devices for CILrs,40,", "new devices for CILrs,40k,")
    with pytest.raises(InputValidationError) as err:
        load_action_plan("south-vale-capita", data_root=tmp_path)
    assert (err.value.file, err.value.column, err.value.row) == ("actions.csv", "budget_2018_19", 3)


def test_unknown_quarter_is_refused(tmp_path):
    folder = copy_dataset("south-vale-capita", tmp_path)
    replace_in(folder / "milestones.csv", "5,Q1,", "5,Q6,")
    with pytest.raises(InputValidationError, match="unknown quarter 'Q6'"):
        load_action_plan("south-vale-capita", data_root=tmp_path)


def test_five_contract_changes_with_their_stated_cost_and_plan_rows(plan):
    changes = plan.contract_changes.set_index("change")
    assert list(changes.index) == ["a", "b", "c", "d", "e"]
    # Seed 002 paragraph 8: b, c and d are cost neutral; paragraph 9: a and e within the envelope.
    assert all(changes.loc[c, "stated_cost"].startswith("Cost neutral") for c in "bcd")
    assert all("contract envelope" in changes.loc[c, "stated_cost"] for c in "ae")
    rows = plan.actions.set_index("row")["project"]
    assert {c: [rows[r] for r in changes.loc[c, "plan_rows"]] for c in "abcde"} == {
        "a": ["End User Computing (EUC)"], "b": ["Revenues and Benefits Fraud"],
        "c": ["Finance Business Partners"], "d": ["Strategic HR"],
        "e": ["Finance system upgrade"]}


def test_contract_change_naming_a_missing_plan_row_is_refused(tmp_path):
    folder = copy_dataset("south-vale-capita", tmp_path)
    replace_in(folder / "contract_changes.csv", ",Scope near completion (paragraph 5),13",
               ",Scope near completion (paragraph 5),13;99")
    with pytest.raises(InputValidationError, match=r"change e: plan row\(s\) 13;99") as err:
        load_action_plan("south-vale-capita", data_root=tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == (
        "contract_changes.csv", 6, "plan_rows")


def test_a_plan_without_contract_changes_loads_with_none(tmp_path):
    folder = copy_dataset("south-vale-capita", tmp_path)
    (folder / "contract_changes.csv").unlink()
    loaded = load_action_plan("south-vale-capita", data_root=tmp_path)
    assert loaded.contract_changes.empty
    assert "contract_changes.csv" not in [f.name for f in loaded.files]


def test_quarters_in_order_and_their_last_month(plan):
    assert [action_plan.next_quarter(plan.info, q) for q in plan.info.quarters] == [
        "Q2", "Q3", "Q4", "Q5", None]
    assert action_plan.quarter_last_month("south-vale-capita", "Q2", data_root=DATA) == "2018-12"
    with pytest.raises(NoDataForPeriodError, match="no quarter 'Q6'; it has Q1 .July-Sept 2018."):
        action_plan.require_quarter(plan.info, "Q6")
