import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.banding import RAG_RANK, band


def test_band_is_inclusive_at_both_thresholds_in_both_directions():
    cases = pd.DataFrame(
        [
            # value, tsl, msl, higher_is_better, expected
            (75.00, 75, 60, True, "green"),  # exactly TSL meets it
            (74.99, 75, 60, True, "amber"),
            (90.00, 95, 90, True, "amber"),  # exactly MSL meets it
            (89.99, 95, 90, True, "red"),
            (3.00, 3, 5, False, "green"),  # lower is better: exactly TSL meets it
            (3.01, 3, 5, False, "amber"),
            (5.00, 3, 5, False, "amber"),
            (5.01, 3, 5, False, "red"),
            (100.00, 100, 100, True, "green"),  # TSL = MSL: no Amber band
            (99.99, 100, 100, True, "red"),
        ],
        columns=["value", "tsl", "msl", "higher", "expected"],
    )
    result = band(cases["value"], tsl=cases["tsl"], msl=cases["msl"],
                  higher_is_better=cases["higher"].to_numpy())
    assert result.tolist() == cases["expected"].tolist()


def test_band_compares_the_value_as_published_to_two_decimals():
    # 74.996 is published as 75.00, which meets a TSL of 75.
    values = pd.Series([74.996, 74.994])
    assert band(values, tsl=75, msl=60, higher_is_better=True).tolist() == ["green", "amber"]


def test_band_leaves_missing_numbers_unbanded():
    result = band(pd.Series([np.nan, 50.0]), tsl=75, msl=60, higher_is_better=True)
    assert pd.isna(result.iloc[0]) and result.iloc[1] == "red"


thresholds = st.tuples(
    st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2)),
    st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2)),
)
values = st.floats(0, 100, allow_nan=False)


@given(thresholds, values, values, st.booleans())
def test_a_better_value_never_gets_a_worse_rag(pair, a, b, higher):
    tsl, msl = (max(pair), min(pair)) if higher else (min(pair), max(pair))
    worse, better = (min(a, b), max(a, b)) if higher else (max(a, b), min(a, b))
    rags = band(pd.Series([worse, better]), tsl=tsl, msl=msl, higher_is_better=higher)
    assert RAG_RANK[rags.iloc[1]] <= RAG_RANK[rags.iloc[0]]
