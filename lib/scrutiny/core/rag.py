"""RAG vocabulary: the four statuses, their codes, labels and order.

Scored tables carry RAG as lower-case codes in a categorical dtype; reports show the capitalised
label beside every colour.
"""

from __future__ import annotations

import pandas as pd

GREEN, AMBER, RED, BLUE = "green", "amber", "red", "blue"
RAG_ORDER = [GREEN, AMBER, RED, BLUE]
RAG_LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red", BLUE: "Blue"}
#: Better-to-worse rank of the three scored bands (Blue is not scored).
RAG_RANK = {GREEN: 0, AMBER: 1, RED: 2}

#: ``band_codes`` results: positions in ``RAG_ORDER`` (Blue, 3, is never a banding result).
GREEN_CODE, AMBER_CODE, RED_CODE, BLUE_CODE = range(4)
#: ``band_codes`` result for a missing value.
UNBANDED = -1
#: RAG_ORDER as a categorical dtype: how scored tables carry RAG (one byte per row).
RAG_DTYPE = pd.CategoricalDtype(RAG_ORDER)



class RagWord(str):
    """A RAG status as its word (``Green``) that compares equal in any case: ``== "green"`` too.

    The value (what prints, and what Excel shows) is the capitalised word reports use. ``==`` and
    ``!=`` ignore case and surrounding spaces, so ``frame[frame["rag"] == "Green"]`` and
    ``== "green"`` pick the same rows. Hash-based lookups (``isin``, ``query``, ``dict``) see the
    word itself: give them :class:`RAG` constants or capitalised words. Building one from a word
    that is no RAG status raises ``ValueError``.
    """

    __slots__ = ()

    def __new__(cls, word: object) -> RagWord:
        code = str(word).strip().lower()
        if code not in RAG_LABELS:
            raise ValueError(f"{word!r} is not a RAG status; use one of "
                             f"{', '.join(RAG_LABELS.values())}")
        return super().__new__(cls, RAG_LABELS[code])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str.__eq__(self.lower(), other.strip().lower())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__

    @property
    def code(self) -> str:
        """The lower-case code scored tables and CSV output carry, e.g. ``green``."""
        return self.lower()


class RAG:
    """The four RAG statuses as constants: ``frame[frame["rag"] == RAG.RED]``."""

    GREEN = RagWord(GREEN)
    AMBER = RagWord(AMBER)
    RED = RagWord(RED)
    BLUE = RagWord(BLUE)


def rag_words(rag: pd.Series) -> pd.Series:
    """Return ``rag`` as :class:`RagWord` objects (object dtype), so any case compares equal.

    Missing values stay missing; anything else that is no RAG status raises ``ValueError``.
    """
    return pd.Series([RagWord(r) if isinstance(r, str) else r for r in rag], index=rag.index,
                     dtype=object, name=rag.name)
