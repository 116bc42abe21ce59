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
