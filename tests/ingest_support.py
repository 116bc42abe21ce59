"""Helpers for the ingest tests: wide returns built from committed data, throw-away contracts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from scrutiny.config import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
CORPUS = Path(__file__).parent / "corpus"
MINI = CORPUS / "mini-contract"

#: Seed 000's month headers, Jul-15..Jun-16, mixing the spellings its tables use.
SEED_HEADERS = ["July-15", "Aug-15", "Sept-15", "Oct-15", "Nov-15", "Dec-15", "Jan-16", "Feb-16",
                "Mar- 16", "Apr-16", "May 16", "Jun - 16"]
TABLES = ["contract.yaml", "kpis.csv", "overrides.csv", "glides.csv"]


def seed_wide(folder: Path = DATA / "lincolnshire-css",
              headers: list[str] = SEED_HEADERS) -> pd.DataFrame:
    """The contract's kpis.csv + returns.csv pivoted back to the seed's wide layout (text)."""
    kpis = pd.read_csv(folder / "kpis.csv", dtype=str, keep_default_na=False)
    returns = pd.read_csv(folder / "returns.csv", dtype=str, keep_default_na=False)
    cells = returns.assign(cell=returns["value"] + returns["footnote"]).pivot(
        index="kpi_id", columns="month", values="cell").reindex(kpis["kpi_id"])
    cells.columns = headers
    fixed = kpis.set_index("kpi_id")[["description", "frequency", "tsl", "msl"]]
    fixed.columns = ["KPI Short Desc", "Freq.", "TSL", "MSL"]
    return pd.concat([fixed, cells], axis=1).rename_axis("KPI").reset_index()


def empty_contract(root: Path, source: Path = DATA / "lincolnshire-css",
                   name: str = "lincolnshire-css") -> Path:
    """Copy a contract's definitions (no results) to ``root/name``; return ``root``."""
    folder = root / name
    folder.mkdir(parents=True)
    for table in TABLES:
        shutil.copy(source / table, folder / table)
    (folder / "returns.csv").write_text("kpi_id,month,value,footnote\n", encoding="utf-8")
    return root


def contract_copy(root: Path, source: Path = MINI, name: str = "mini") -> Path:
    """Copy a whole contract folder to ``root/name``; return ``root``."""
    shutil.copytree(source, root / name)
    return root


def folder_bytes(folder: Path) -> dict[str, bytes | None]:
    """Everything under ``folder`` (hidden too) by relative path -> bytes (None for a folder)."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}
