"""Relief only by decision, as properties: a council decision makes a month Blue, a claim alone
never does, and with Blue ending runs a decision can only lower the points."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scrutiny.abate.abatement import kpi_points
from scrutiny.score.scoring import decided, score_frame

month = st.tuples(st.one_of(st.none(), st.sampled_from(["Mitigation Agreed", "Not Measured"])),
                  st.floats(0, 100), st.booleans(), st.booleans())


def frame_of(months: list[tuple]) -> pd.DataFrame:
    status = [s for s, _, _, _ in months]
    return pd.DataFrame({
        "kpi_id": "K", "month": pd.period_range("2026-01", periods=len(months), freq="M"),
        "status": status,
        "number": [np.nan if s else v for s, v, _, _ in months],
        "tsl": 95.0, "msl": 90.0, "direction": "higher",
        "glide_reason": [("glide" if g else None) for _, _, _, g in months],
        "mitigation_reason": [("agreed" if m else None) for _, _, m, _ in months],
        "allocation": 10.0})


def points(frame: pd.DataFrame) -> float:
    scored = score_frame(decided(frame))
    return float(kpi_points(scored, amber_fraction=0.5, blue_breaks_run=True)["points"].sum())


@settings(max_examples=100, deadline=None)
@given(st.lists(month, min_size=1, max_size=12))
def test_blue_exactly_where_the_council_decided(months):
    frame = frame_of(months)
    scored = score_frame(decided(frame))
    council = frame["mitigation_reason"].notna() | frame["glide_reason"].notna()
    assert (scored["rag"].eq("blue") == council).all()
    claimed_only = frame["status"].notna() & ~council
    assert scored.loc[claimed_only, "rag"].eq("red").all()


@settings(max_examples=100, deadline=None)
@given(st.lists(month, min_size=1, max_size=12))
def test_a_decision_never_raises_the_points(months):
    frame = frame_of(months)
    undecided = frame.assign(mitigation_reason=None)
    assert points(frame) <= points(undecided) + 1e-9
