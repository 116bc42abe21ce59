"""Where the toolkit finds its data and writes its outputs."""

from __future__ import annotations

import os
import re
from pathlib import Path

from scrutiny.exceptions import UnknownContractError, UnsafeNameError

#: The repository root when the package is installed from a checkout (editable install).
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_root() -> Path:
    """Return the folder holding one sub-folder per contract (``SCRUTINY_DATA`` overrides)."""
    return Path(os.environ.get("SCRUTINY_DATA", PROJECT_ROOT / "data"))


def outputs_root() -> Path:
    """Return the folder reports are written to (``SCRUTINY_OUTPUTS`` overrides)."""
    return Path(os.environ.get("SCRUTINY_OUTPUTS", PROJECT_ROOT / "outputs"))


#: A name that becomes one path component: a contract, service, council, portfolio or file name.
#: Letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit: never a separator,
#: never a leading ``.`` (so never ``..``), never absolute: the path it makes stays in its root.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
_NAME = re.compile(NAME_PATTERN)


def is_safe_name(name: object) -> bool:
    """True when ``name`` is one path component that stays inside the folder it is joined to."""
    return isinstance(name, str) and bool(_NAME.match(name))


def require_safe_name(name: object, what: str) -> str:
    """Return ``name`` if :func:`is_safe_name`, else raise one line saying what a name may hold."""
    if not is_safe_name(name):
        raise UnsafeNameError(
            f"{what} {name!r} is not a plain name: use letters, digits, '-', '_' and '.', "
            "with no '/', '\\' or '..' (it names a folder or file inside the project's own)")
    return name


def dataset_dir(name: str, root: Path | None = None) -> Path:
    """Return the data folder of a contract, portfolio or shared service, or explain what exists."""
    root = Path(root) if root is not None else data_root()
    folder = root / require_safe_name(name, "data folder")
    if not folder.is_dir():
        known = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise UnknownContractError(
            f"no data folder '{name}' under {root.name}/; known: {', '.join(known) or 'none'}"
        )
    return folder
