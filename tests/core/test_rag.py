"""RAG words: any case compares equal, anything else never does."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrutiny.core.rag import RAG, RAG_LABELS, RagWord, rag_words

WORDS = list(RAG_LABELS.values())


@given(word=st.sampled_from(WORDS), flips=st.lists(st.booleans(), min_size=5, max_size=5))
def test_every_casing_of_a_rag_word_is_equal(word, flips):
    cased = "".join(c.upper() if f else c.lower() for c, f in zip(word, flips, strict=False))
    assert RagWord(word) == cased and cased == RagWord(word) and not RagWord(word) != cased
    assert RagWord(cased) == word and str(RagWord(cased)) == word


@given(text=st.text(max_size=8))
def test_other_text_never_matches_and_cannot_be_a_rag_word(text):
    if text.strip().lower() in RAG_LABELS:
        return
    assert all(RagWord(w) != text for w in WORDS)
    with pytest.raises(ValueError, match="not a RAG status"):
        RagWord(text)


def test_constants_and_columns():
    column = rag_words(pd.Series(["green", "red", None, "blue"]))
    assert column.tolist()[:2] == ["Green", "Red"] and column.isna().tolist()[2]
    assert (column == RAG.RED).tolist() == [False, True, False, False]
    assert (column == "blue").tolist() == [False, False, False, True]
    assert RAG.AMBER.code == "amber" and {RAG.GREEN: 1}["Green"] == 1
