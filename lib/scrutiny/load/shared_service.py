"""Reading a shared ICT service's pack, ``data/<service>/``, into validated frames.

The layout is described in ``scrutiny.systems.shared_ict``, which compares councils and months on
what this reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scrutiny.config import dataset_dir
from scrutiny.core.periods import held_months
from scrutiny.load import system_schemas as ss
from scrutiny.load.folder import (
    METRICS_FILE,
    OBJECTIVES_FILE,
    PERFORMANCE_FILE,
    RISKS_FILE,
    SERVICE_FILE,
)
from scrutiny.load.tables import fail_at, read_csv_text, to_number, validate
from scrutiny.load.yaml_files import load_yaml


@dataclass(frozen=True)
class SharedService:
    """A validated shared-service pack: metrics, tidy performance, risks, objectives."""

    info: ss.SharedServiceInfo
    folder: Path
    metrics: pd.DataFrame
    performance: pd.DataFrame
    risks: pd.DataFrame
    objectives: pd.DataFrame

    @property
    def months(self) -> pd.PeriodIndex:
        """Months with results, in order."""
        return held_months(self.performance)


def load_shared_service(name: str, data_root: Path | None = None) -> SharedService:
    """Load and validate the shared service called ``name`` from ``data/<name>/``."""
    folder = dataset_dir(name, data_root)
    info = load_yaml(folder / SERVICE_FILE, ss.SharedServiceInfo)
    metrics = load_metrics(folder / METRICS_FILE)
    performance = load_performance(folder / PERFORMANCE_FILE, info, metrics)
    risks = load_risks(folder / RISKS_FILE, info)
    objectives_path = folder / OBJECTIVES_FILE
    objectives = (validate(read_csv_text(objectives_path), ss.OBJECTIVES, objectives_path.name)
                  if objectives_path.exists() else pd.DataFrame())
    return SharedService(info, folder, metrics, performance, risks, objectives)


def load_metrics(path: Path) -> pd.DataFrame:
    """Read metric definitions; a per-employee ratio must name a count metric defined here."""
    text = validate(read_csv_text(path), ss.SERVICE_METRICS, path.name)
    named = text["per_employee_of"] != ""
    fail_at(text, named & ~text["per_employee_of"].isin(text["metric"]), path.name,
            "per_employee_of", "{metric} divides {per_employee_of!r}, which is not a metric here")
    return text.astype({"decimals": "int64"})


def load_performance(path: Path, info: ss.SharedServiceInfo, metrics: pd.DataFrame) -> pd.DataFrame:
    """Read tidy monthly results: known council and metric, percentages within 0-100."""
    text = validate(read_csv_text(path), ss.SERVICE_PERFORMANCE, path.name)
    fail_at(text, ~text["council"].isin(info.councils), path.name, "council",
            "unknown council {council!r}", hint=f"use one of: {', '.join(info.councils)}")
    fail_at(text, ~text["metric"].isin(metrics["metric"]), path.name, "metric",
            "unknown metric {metric!r}", hint="define it in metrics.csv")
    frame = text.assign(value=to_number(text, "value", path.name),
                        month=pd.PeriodIndex(text["month"], freq="M"))
    unit = frame["metric"].map(metrics.set_index("metric")["unit"])
    fail_at(frame, (unit == "percent") & ~frame["value"].between(0, 100), path.name, "value",
            "{council} {metric} {value} is a percentage outside 0-100")
    fail_at(frame, (unit == "count") & (frame["value"] < 0), path.name, "value",
            "{council} {metric} {value} is a negative count")
    return frame


def load_risks(path: Path, info: ss.SharedServiceInfo) -> pd.DataFrame:
    """Read the risk register; impact and likelihood must lie on the service's scale."""
    text = validate(read_csv_text(path), ss.RISKS, path.name)
    risks = text.astype({c: "int64" for c in ("impact", "likelihood", "score")})
    low, high = info.risk_scale.minimum, info.risk_scale.maximum
    for column in ("impact", "likelihood"):
        fail_at(risks, ~risks[column].between(low, high), path.name, column,
                f"risk {{risk_id}}: {column} {{{column}}} is outside the scale {low}-{high}",
                hint="change risk_scale in service.yaml if the register uses another scale")
    return risks
