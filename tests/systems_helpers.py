"""Helpers for the portfolio, shared-service, action-plan and partnership tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from scrutiny.config import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"


def copy_dataset(name: str, root: Path) -> Path:
    """Copy ``data/<name>`` under ``root`` and return the copy's folder."""
    target = root / name
    shutil.copytree(DATA / name, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the first occurrence of ``old`` in a file, failing if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
