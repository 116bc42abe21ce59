"""Risk heat map: every cell carries text, and the alt text names every risk."""

from __future__ import annotations

import pandas as pd
import pytest

from scrutiny.load.shared_service import load_shared_service
from scrutiny.report.charts import risk
from systems_helpers import DATA


@pytest.fixture(scope="module")
def register():
    return load_shared_service("brent-lewisham-southwark", data_root=DATA).risks


def test_every_cell_has_a_score_and_band_label(register):
    fig = risk.risk_heatmap(register)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 9
    assert all(any(band in t for band in ("Low", "Medium", "High")) for t in texts)
    assert "6 High\nRisk 01" in texts
    assert "3 Medium\nRisk 03, 04, 05" in texts


def test_alt_text_names_every_risk_highest_first(register):
    text = risk.alt_text(register)
    assert text.index("risk 01") < text.index("risk 02")
    assert all(f"risk {rid}" in text for rid in register["risk_id"])


def test_score_bands():
    scores = pd.Series([1, 2, 3, 4, 6, 9])
    expected = [0, 0, 1, 1, 2, 2]
    assert list(risk.score_band(scores.to_numpy())) == expected
