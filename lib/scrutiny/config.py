"""Where the toolkit finds its data and writes its outputs."""

from __future__ import annotations

import os
from pathlib import Path

from scrutiny.exceptions import UnknownContractError

#: The repository root when the package is installed from a checkout (editable install).
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_root() -> Path:
    """Return the folder holding one sub-folder per contract (``SCRUTINY_DATA`` overrides)."""
    return Path(os.environ.get("SCRUTINY_DATA", PROJECT_ROOT / "data"))


def outputs_root() -> Path:
    """Return the folder reports are written to (``SCRUTINY_OUTPUTS`` overrides)."""
    return Path(os.environ.get("SCRUTINY_OUTPUTS", PROJECT_ROOT / "outputs"))


def dataset_dir(name: str, root: Path | None = None) -> Path:
    """Return the data folder of a contract, portfolio or shared service, or explain what exists."""
    root = Path(root) if root is not None else data_root()
    folder = root / name
    if not folder.is_dir():
        known = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise UnknownContractError(
            f"no data folder '{name}' under {root.name}/; known: {', '.join(known) or 'none'}"
        )
    return folder
