"""``insight.whatif_wording``: a what-if's settings and its sentence, worded from the data."""

from __future__ import annotations

import pandas as pd
import pytest

from scrutiny.abate.abatement import contract_abatement
from scrutiny.abate.terms import load_terms
from scrutiny.abate.whatif import apply_settings, whatif_abatement
from scrutiny.insight.whatif_wording import explain, setting_values
from scrutiny.score.scoring import score

START, END = pd.Period("2015-07", "M"), pd.Period("2016-06", "M")


@pytest.fixture(scope="module")
def seed(css):
    terms = load_terms(css)
    scores = score(css)
    return css, terms, scores, contract_abatement(css, terms, scores=scores)


def _worded(seed, settings):
    contract, terms, scores, current = seed
    plan = apply_settings(contract, terms, settings)
    proposed = whatif_abatement(contract, plan, scores)
    return explain(plan, current, proposed, START, END), setting_values(plan, terms, contract)


def test_amber_at_full_points_is_priced_and_counted(seed):
    # GBP 561,675 -> 675,050 over 2015-16 (the CLI's what-if table for the same setting).
    sentence, values = _worded(seed, {"amber_fraction": 1.0})
    assert sentence.startswith("The supplier would have paid £675,050 in service credits from "
                               "July 2015 to June 2016 instead of £561,675 (£113,375 more): an "
                               "Amber month attracts 100% of a KPI's points instead of 50%, "
                               "across ")
    assert values.to_dict("records") == [{"term": "Share of a KPI's points for an Amber month",
                                          "current": "50%", "proposed": "100%"}]


def test_a_setting_that_changes_nothing_says_why(seed):
    sentence, _ = _worded(seed, {"blue_breaks_run": seed[1].params.blue_breaks_run})
    assert sentence.startswith("The supplier would have paid the same £561,675 from July 2015")
    assert "as it already does, so this changes nothing." in sentence
