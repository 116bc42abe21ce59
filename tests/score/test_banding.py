import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.core.rag import RAG_RANK
from scrutiny.score.banding import band


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


def reference_band(value, tsl, msl, higher):
    """The int64-hundredths rule written out plainly, to check the code path against."""
    from scrutiny.score.banding import hundredths
    v, t, m = hundredths(value), hundredths(tsl), hundredths(msl)
    meets_tsl = np.where(higher, v >= t, v <= t)
    meets_msl = np.where(higher, v >= m, v <= m)
    codes = np.where(meets_tsl, 0, np.where(meets_msl, 1, 2))
    return np.where(np.isnan(value), -1, codes)


maybe_missing = st.one_of(st.just(np.nan), st.floats(-200, 200, allow_nan=False))


@given(st.lists(st.tuples(maybe_missing, maybe_missing, maybe_missing, st.booleans()),
                min_size=1, max_size=50))
def test_band_codes_match_the_int64_rule(rows):
    from scrutiny.score.banding import band_codes
    value, tsl, msl, higher = (np.array(c) for c in zip(*rows, strict=True))
    got = band_codes(value, tsl=tsl, msl=msl, higher_is_better=higher)
    assert got.dtype == np.int8
    assert got.tolist() == reference_band(value, tsl, msl, higher).tolist()


def test_band_codes_across_row_blocks():
    from scrutiny.core.blocks import row_blocks
    from scrutiny.score.banding import band_codes
    rng = np.random.default_rng(7)
    n = 3 * len(range(*row_blocks(10**6)[0].indices(10**6))) + 17  # spans several blocks
    value = np.round(rng.uniform(0, 100, n), 3)
    value[rng.random(n) < 0.05] = np.nan
    tsl, msl = rng.choice([90.0, 95.0], n), rng.choice([80.0, 85.0], n)
    higher = rng.random(n) < 0.7
    got = band_codes(value, tsl=tsl, msl=msl, higher_is_better=higher)
    assert np.array_equal(got, reference_band(value, tsl, msl, higher))
