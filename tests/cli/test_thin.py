"""The command line stays thin: no function in ``cli/`` has more than 10 branches.

Counted as ruff's PLR0912 (pylint's too-many-branches) counts them, which ``pyproject.toml`` also
turns on for ``lib/scrutiny/cli/**``; this test holds the rule without needing ruff installed.
"""

import ast
import textwrap

import pytest

from scrutiny.config import PROJECT_ROOT

CLI = PROJECT_ROOT / "lib" / "scrutiny" / "cli"
MAX_BRANCHES = 10


def branches(body: list[ast.stmt]) -> int:
    """Branches of a block as PLR0912 counts them: each if/elif/else, loop (and its else),
    except handler, try's else and finally, match case; nested blocks included, nested
    functions and classes not."""
    count = 0
    for node in body:
        if isinstance(node, ast.If):
            count += 1 + branches(node.body)
            orelse = node.orelse
            if orelse and not (len(orelse) == 1 and isinstance(orelse[0], ast.If)):
                count += 1  # a plain else
            count += branches(orelse)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            count += 1 + branches(node.body) + (1 if node.orelse else 0) + branches(node.orelse)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            count += len(node.handlers) + (1 if node.orelse else 0) + (1 if node.finalbody else 0)
            count += branches(node.body) + branches(node.orelse) + branches(node.finalbody)
            count += sum(branches(h.body) for h in node.handlers)
        elif isinstance(node, ast.Match):
            count += len(node.cases) + sum(branches(c.body) for c in node.cases)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            count += branches(node.body)
    return count


def functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def cli_functions() -> list[tuple[str, int, int]]:
    """``(module:function, branches, lines)`` of every function in ``cli/``."""
    found = []
    for path in sorted(CLI.glob("*.py")):
        for fn in functions(ast.parse(path.read_text(encoding="utf-8"))):
            found.append((f"{path.stem}:{fn.name}", branches(fn.body),
                          fn.end_lineno - fn.lineno + 1))
    return found


def test_no_cli_function_has_more_than_ten_branches():
    found = cli_functions()
    assert len(found) > 30  # every module was read
    over = [(name, n) for name, n, _ in found if n > MAX_BRANCHES]
    assert not over, f"split these into a library function and a thin command: {over}"


def test_render_command_only_parses_calls_and_prints():
    counts = {name: n for name, n, _ in cli_functions()}
    assert counts["render:render_command"] <= 1


@pytest.mark.parametrize("source, expected", [
    ("if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n", 3),
    ("for x in y:\n    if x:\n        pass\nelse:\n    pass\n", 3),
    ("try:\n    pass\nexcept A:\n    pass\nexcept B:\n    pass\nelse:\n    pass\n"
     "finally:\n    pass\n", 4),
    ("while a:\n    with b:\n        if c:\n            pass\n", 2),
    ("def inner():\n    if a:\n        pass\n", 0),
])
def test_branches_are_counted_as_the_linter_counts_them(source, expected):
    assert branches(ast.parse(source).body) == expected


def test_the_check_fails_on_a_function_with_eleven_branches():
    source = "def f(x):\n" + textwrap.indent(
        "".join(f"if x == {i}:\n    return {i}\n" for i in range(11)), "    ")
    fn = next(functions(ast.parse(source)))
    assert branches(fn.body) == 11 > MAX_BRANCHES
