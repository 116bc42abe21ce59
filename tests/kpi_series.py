"""Tiny scored KPI series for the insight tests, scored by the library's own rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scrutiny.core.statuses import canonical_status
from scrutiny.score.scoring import score_frame


def scored_series(cells, *, kpi_id="TST_KPI_01", service="TST", direction="higher", tsl=95.0,
                  msl=90.0, start="2016-01") -> pd.DataFrame:
    """Score one KPI's monthly cells (numbers or status words) from ``start``."""
    text = pd.Series([str(c) for c in cells], dtype=str)
    status = canonical_status(text)
    number = pd.to_numeric(text.where(status.isna()), errors="coerce")
    frame = pd.DataFrame({
        "kpi_id": kpi_id, "service": service, "description": f"{kpi_id} test KPI",
        "month": pd.period_range(start, periods=len(text), freq="M"), "status": status,
        "number": number, "tsl": tsl, "msl": msl, "direction": direction, "unit": "percent",
        "glide_reason": np.nan, "override_reason": np.nan, "footnote": "",
    })
    return score_frame(frame).drop(columns="number")


def combine(*series: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(series, ignore_index=True)
