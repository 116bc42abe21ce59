"""Editing a hand-written YAML file in place: its comments, key order and layout are kept.

A council's ``terms.yaml`` carries comments (which clause a figure comes from, who agreed it);
rewriting the file from its values would drop them. ``ruamel.yaml`` reads the file as a
round-trip document (mappings and lists that remember their comments), the caller changes
values in it, and :func:`dumped` writes it back with everything else as it was.

The file is first read by :func:`scrutiny.load.yaml_files.read_yaml`, so whatever that refuses
(an alias bomb, a tag that builds objects, a key given twice, text that is not UTF-8) is refused
here too, with the same message, before the round-trip parser sees it.
"""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from scrutiny.load.yaml_files import read_yaml


def _round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # a value quoted by hand stays quoted
    yaml.width = 4096  # never fold a long line the user wrote on one
    return yaml


def load_for_edit(path: Path) -> object:
    """Read ``path`` for editing: mappings and lists with their comments and order attached.

    Raises
    ------
    InputValidationError
        As :func:`~scrutiny.load.yaml_files.read_yaml` does (checked first, on the same text).
    """
    path = Path(path)
    read_yaml(path)
    return _round_trip().load(path.read_text(encoding="utf-8"))


def dumped(document: object) -> bytes:
    """The UTF-8 text of ``document`` (a round-trip mapping, or plain dicts and lists)."""
    out = io.StringIO()
    _round_trip().dump(document, out)
    return out.getvalue().encode("utf-8")


def set_value(mapping: CommentedMap | dict, key: str, value: object) -> None:
    """Set ``mapping[key]``, keeping the key's place and comment; a list is changed in place, so
    a comment on it (or its flow style, ``[1, 1.5, 2]``) stays."""
    current = mapping.get(key)
    if isinstance(value, list) and isinstance(current, list):
        current[:] = value
    else:
        mapping[key] = value
