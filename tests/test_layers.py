"""The layer rules each ``lib/scrutiny/<layer>/__init__.py`` states hold, checked by import-linter.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); ``lint-imports`` checks them
against the import graph (imports inside functions too; typing-only imports excepted).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from scrutiny.config import PROJECT_ROOT

LIB = PROJECT_ROOT / "lib"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
#: The layers, lowest first (the order ``render``'s "every layer before it" refers to).
ORDER = ["core", "load", "score", "abate", "insight", "systems", "ingest", "report", "render",
         "cli"]
LAYERS = [*ORDER, "testing"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(config: Path, lib: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``lint-imports`` on the package under ``lib`` with the contracts of ``config``."""
    env = {**os.environ, "PYTHONPATH": str(lib), "COLUMNS": "400"}  # one line per contract
    return subprocess.run([str(LINT_IMPORTS), "--config", str(config), "--no-cache"], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def stated_imports(layer: str) -> set[str]:
    """The layers ``layer`` may import, as its package docstring's ``May import:`` states them."""
    doc = ast.get_docstring(ast.parse((LIB / "scrutiny" / layer / "__init__.py").read_text()))
    rule = re.search(r"[Mm]ay import:?\s*(.*?)(?:\.\s|\.$|$)", " ".join(doc.split())).group(1)
    named = [n for n in re.findall(r"``(\w+)``", rule.split(";")[0]) if n in LAYERS]
    if "every layer before it" in rule:
        return set(ORDER[:ORDER.index(layer)])
    if "any layer but" in rule:
        return set(LAYERS) - {layer, *named}
    if "every layer" in rule:
        return set(LAYERS) - {layer}
    return set(named)


def contracts() -> dict[str, set[str]]:
    """Layer -> the layers its import-linter contract forbids."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    assert config["root_package"] == "scrutiny"
    forbidden = {}
    for contract in config["contracts"]:
        assert contract["type"] == "forbidden"
        (source,) = contract["source_modules"]
        forbidden[source.removeprefix("scrutiny.")] = {
            m.removeprefix("scrutiny.") for m in contract["forbidden_modules"]}
    return forbidden


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed (test extra)")
def test_the_layer_contracts_hold():
    result = lint_imports(PYPROJECT, LIB, PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("layer", LAYERS)
def test_each_contract_says_what_the_layer_docstring_says(layer):
    forbidden = contracts().get(layer, set())
    assert set(LAYERS) - {layer} - forbidden == stated_imports(layer)


def test_the_docstring_rules_read_as_the_layers_state_them():
    assert stated_imports("core") == set()
    assert stated_imports("systems") == stated_imports("ingest") == {"core", "load"}
    assert "ingest" in stated_imports("report") and "render" not in stated_imports("report")
    assert stated_imports("render") == set(ORDER[:ORDER.index("render")])
    assert stated_imports("cli") == set(LAYERS) - {"cli"}


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed (test extra)")
@pytest.mark.parametrize(("module", "imports", "contract"), [
    ("core/upward.py", "from scrutiny.render import batch", "core may import"),
    ("systems/upward.py", "import scrutiny.score.banding", "systems may import"),
    ("report/upward.py", "def f():\n    from scrutiny.cli import main\n", "report may import"),
])
def test_a_lower_layer_importing_an_upper_one_breaks_a_contract(tmp_path, module, imports,
                                                                 contract):
    """The test of the test: a copy of the package with one deliberate upward import fails."""
    shutil.copytree(LIB / "scrutiny", tmp_path / "lib" / "scrutiny",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    (tmp_path / "lib" / "scrutiny" / module).write_text(imports + "\n", encoding="utf-8")
    result = lint_imports(tmp_path / "pyproject.toml", tmp_path / "lib", tmp_path)
    assert result.returncode == 1, result.stdout
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert len(broken) == 1 and broken[0].startswith(contract)
    assert "scrutiny." + module.removesuffix(".py").replace("/", ".") in result.stdout
