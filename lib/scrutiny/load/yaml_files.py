"""Reading the toolkit's YAML files (contract.yaml, terms.yaml, portfolio.yaml, parameters files).

Every YAML file goes through :func:`load_yaml` (or :func:`read_yaml` where the model is chosen from
the content). Each problem is one :class:`~scrutiny.exceptions.InputValidationError` naming the
file, the line and the fix:

* a syntax error, with the line the parser stopped at;
* a tag that would build a Python object (``!!python/object``): safe loading only;
* a key given twice in one mapping (YAML says keys are unique; PyYAML lets the last one win);
* an alias bomb ("billion laughs"): anchors re-used so that the document expands to more than
  :data:`MAX_NODES` nodes, refused before anything walks the expanded tree;
* a value of the wrong type or a missing or unknown key, from the pydantic model, with the line of
  the key when it is in the file.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from scrutiny.exceptions import InputValidationError

#: Most nodes a document may expand to, counting every use of an alias in full. The toolkit's
#: largest YAML file has a few hundred; a 587-byte billion-laughs file expands to 10^9.
MAX_NODES = 100_000


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (the line of the second one is reported)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _Duplicate(key, line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


class _Duplicate(Exception):
    def __init__(self, key: object, line: int, first: int):
        super().__init__(key, line, first)
        self.key, self.line, self.first = key, line, first


def _expanded_size(node: yaml.Node, limit: int) -> int:
    """Count the nodes of ``node`` with every alias expanded, stopping once past ``limit``."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:  # an alias points at a node already counted: count it again
            return sizes[id(n)]
        sizes[id(n)] = 1  # a recursive alias counts once instead of looping
        total = 1
        if isinstance(n, yaml.SequenceNode):
            children = n.value
        elif isinstance(n, yaml.MappingNode):
            children = [part for pair in n.value for part in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > limit:
                break
        sizes[id(n)] = total
        return total

    return size(node)


def read_yaml(path: Path, *, hint: str | None = None) -> object:
    """Read a YAML file safely; raise one :class:`InputValidationError` per problem.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    hint : str, optional
        What to do when the file is missing.
    """
    path = Path(path)
    name = path.name
    if path.is_dir():
        raise InputValidationError("is a folder, not a YAML file", file=name,
                                   hint="name the .yaml file inside it")
    if not path.exists():
        raise InputValidationError("file not found", file=name, hint=hint)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputValidationError("is not UTF-8 text", file=name,
                                   hint="save it as UTF-8 (plain text)") from None
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, MAX_NODES) > MAX_NODES:
            raise InputValidationError(
                f"expands to more than {MAX_NODES:,} values through repeated aliases (*name)",
                file=name, line=node.start_mark.line + 1,
                hint="write the values out instead of re-using anchors")
        return loader.construct_document(node)
    except _Duplicate as dup:
        raise InputValidationError(
            f"key '{dup.key}' is given twice (first on line {dup.first})", file=name,
            line=dup.line, hint="keep one of them") from None
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark or err.context_mark
        raise InputValidationError(
            f"tag {_tag(err)} is not allowed", file=name,
            line=mark.line + 1 if mark else None,
            hint="write plain values (text, numbers, lists, key: value); "
                 "tags that build objects are never read") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise InputValidationError(
            f"is not valid YAML ({err.problem or err.context})", file=name,
            line=mark.line + 1 if mark else None,
            hint="check the indentation and the 'key: value' on that line") from None
    except yaml.YAMLError as err:
        raise InputValidationError(f"is not valid YAML ({type(err).__name__})",
                                   file=name) from None
    finally:
        loader.dispose()


def _tag(err: yaml.constructor.ConstructorError) -> str:
    """The tag a constructor error is about, e.g. ``'!!python/object:os.system'``."""
    quoted = (err.problem or "").split("'")
    tag = quoted[1] if len(quoted) > 2 else "here"
    return repr(tag.replace("tag:yaml.org,2002:", "!!"))


def load_yaml(path: Path, model: type[BaseModel], *, hint: str | None = None) -> BaseModel:
    """Read a YAML file into a pydantic ``model``, naming the file, line and key on any problem.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    model : type of pydantic.BaseModel
        What the file must hold.
    hint : str, optional
        What to do when the file is missing.
    """
    path = Path(path)
    data = read_yaml(path, hint=hint)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise validation_error(err, path, model) from None


def validation_error(err: ValidationError, path: Path, model: type[BaseModel]
                     ) -> InputValidationError:
    """Turn pydantic's first error into one line naming the file, the line and the key."""
    first = err.errors()[0]
    loc = [str(part) for part in first["loc"]]
    key = ".".join(loc)
    line = _line_of(Path(path), loc)
    kind = first["type"]
    if kind == "extra_forbidden":
        message = f"unknown key '{key}'"
        hint = f"{model.__name__} knows {', '.join(model.model_fields)}"
    elif kind == "missing":
        message, hint = f"missing key '{key}'", "add it"
    elif kind == "model_type" and not loc:
        message, hint = "expected 'key: value' lines", None
    else:
        message = f"key '{key}': {first['msg'].removeprefix('Value error, ')}"
        hint = f"got {first.get('input')!r}" if "input" in first and loc else None
    return InputValidationError(message, file=Path(path).name, line=line, hint=hint)


def _line_of(path: Path, loc: list[str]) -> int | None:
    """Line (1-based) of the key at ``loc`` in the file, or None when it is not written there."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if str(k.value) == part), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            return line
    return line
