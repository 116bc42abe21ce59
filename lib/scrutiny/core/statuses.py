"""The words a supplier return uses instead of a number, and what each one means for scoring.

Matching ignores case and surrounding spaces. A blank cell counts as data not available.
``NOT_IN_RETURN`` is never read from a return: scoring gives it to a KPI the contract expected
that month but the return left out (Red, full points, as "data not available").
``NO_RETURN`` likewise: every KPI expected in a month whose return is overdue and has not come.

"Mitigation Agreed" and "Not Measured" in a return are *claims* (:data:`CLAIMS`): the council
decides relief, not the supplier. Scoring gives a claim the council has not decided
(no ``scrutiny mitigate``, no glide) the matching ``UNCONFIRMED`` word: Red, as data not
available, since the return gives no number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.core.rag import BLUE, RED

MITIGATION_AGREED = "Mitigation Agreed"
NOT_MEASURED = "Not Measured"
DATA_NOT_AVAILABLE = "Data not available"
DATA_NOT_AGREED = "Data not agreed"
BLANK = ""
NOT_IN_RETURN = "Not in the return"
NO_RETURN = "No return received"
MITIGATION_UNCONFIRMED = "Mitigation Agreed (claimed, not decided)"
NOT_MEASURED_UNCONFIRMED = "Not Measured (claimed, not decided)"
#: A return's word claiming relief -> the word scoring gives it until the council decides.
CLAIMS: dict[str, str] = {MITIGATION_AGREED: MITIGATION_UNCONFIRMED,
                          NOT_MEASURED: NOT_MEASURED_UNCONFIRMED}

#: Status word -> (RAG, basis). Basis explains the RAG in plain words for reports.
STATUS_WORDS: dict[str, tuple[str, str]] = {
    MITIGATION_AGREED: (BLUE, "mitigation agreed"),
    NOT_MEASURED: (BLUE, "not measured"),
    DATA_NOT_AVAILABLE: (RED, "data not available"),
    DATA_NOT_AGREED: (RED, "data not agreed"),
    BLANK: (RED, "blank cell: data not available"),
    NOT_IN_RETURN: (RED, "not in the return: data not available"),
    NO_RETURN: (RED, "no return received"),
    MITIGATION_UNCONFIRMED: (RED, "mitigation claimed, no council decision: data not available"),
    NOT_MEASURED_UNCONFIRMED: (RED, "not measured claimed, no council decision: "
                                    "data not available"),
}
#: The toolkit's own words, never read from a return.
TOOLKIT_WORDS = (NOT_IN_RETURN, NO_RETURN, *CLAIMS.values())
#: Words a return may use.
_BY_KEY = {word.lower(): word for word in STATUS_WORDS if word not in TOOLKIT_WORDS}
#: Canonical status words as a categorical dtype, in ``STATUS_WORDS`` order.
STATUS_DTYPE = pd.CategoricalDtype(list(STATUS_WORDS))


def canonical_status(text: pd.Series) -> pd.Series:
    """Return each cell's canonical status word, NaN for numbers and for unknown words."""
    key = text.fillna("").str.strip().str.lower()
    return key.map(_BY_KEY)


def status_codes(word: pd.Series) -> np.ndarray:
    """Return each row's position in ``STATUS_WORDS`` as int8, -1 for NaN or an unknown word.

    Categorical input is remapped through its categories: one small take per row, no strings.
    """
    if isinstance(word.dtype, pd.CategoricalDtype):
        lookup = np.array([*STATUS_DTYPE.categories.get_indexer(word.cat.categories), -1],
                          dtype=np.int8)
        return lookup[word.cat.codes.to_numpy()]
    return pd.Categorical(word, dtype=STATUS_DTYPE).codes.astype(np.int8, copy=False)


def known_words() -> str:
    """Return the status words as a readable list for error messages."""
    return ", ".join(f'"{w}"' for w in _BY_KEY.values() if w) + " or a blank cell"
