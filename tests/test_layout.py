"""The data folder has one owner: names in ``load.folder``, reads in ``load``, writes in ``ingest``.

These tests read ``lib/scrutiny`` as source (``ast``), so they see code that no other test runs.
"""

from __future__ import annotations

import ast

import pytest

from scrutiny.config import PROJECT_ROOT
from scrutiny.load import folder

LIB = PROJECT_ROOT / "lib" / "scrutiny"
DATA = PROJECT_ROOT / "data"
#: File names to look for: those with a suffix (``returns``, the store's folder, is also a word).
FILE_NAMES = frozenset(n for n in folder.ALL_FILES if "." in n)

#: Calls that read a file's content.
READERS = frozenset({"open", "fdopen", "read_csv", "read_csv_text", "read_excel", "read_table",
                     "read_text", "read_bytes", "load_yaml", "safe_load", "load_workbook"})
#: Readers outside ``load``/``ingest`` and why none of them reads a data file's content.
ALLOWED_READERS = {
    "abate/whatif.py": {"load_yaml", "safe_load"},   # a scenario file named on the command line
    "cli/__init__.py": {"open"},                      # os.devnull
    "core/atomic.py": {"open", "fdopen", "read_text", "read_bytes"},  # ingest's staged writes
    "insight/notice.py": {"read_text"},               # the OCDS codelists packaged with scrutiny
    "insight/ocds_profile.py": {"read_text"},         # the OCDS schemas packaged with scrutiny
    "render/batch.py": {"read_text"},                 # rendered notebooks and manifests
    "render/freshness.py": {"read_text", "read_bytes"},  # freshness records; inputs' SHA-256
    "render/monthly.py": {"read_text", "safe_load"},  # parameters files, to pick a contract's
    "render/warm.py": {"fdopen", "read_text"},        # the kernel's pipe and /proc
    "score/cache.py": {"read_text", "read_bytes"},    # its own entries; inputs' SHA-256 (key)
    "report/provenance.py": {"read_bytes"},           # SHA-256 of each input file
}


def _modules() -> list[tuple[str, ast.Module]]:
    return [(p.relative_to(LIB).as_posix(), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(LIB.rglob("*.py"))]


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def file_name_literals(modules: list[tuple[str, ast.Module]]) -> list[str]:
    """``module:line: 'literal'`` for each string constant naming a data-folder file.

    A constant names a file when it equals a name of :data:`FILE_NAMES` or ends in ``/`` and
    one (a glob such as ``*/kpis.csv``). Docstrings, and prose that mentions a file inside a
    longer sentence, are not names.
    """
    found = []
    for module, tree in modules:
        if module == "load/folder.py":
            continue
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docs and _names_a_file(node.value)):
                found.append(f"{module}:{node.lineno}: {node.value!r}")
    return found


def _names_a_file(text: str) -> bool:
    return text in FILE_NAMES or any(text.endswith("/" + name) for name in FILE_NAMES)


def readers_outside_load(modules: list[tuple[str, ast.Module]]) -> dict[str, set[str]]:
    """Per module outside ``load/`` and ``ingest/``: the reading calls it makes."""
    found: dict[str, set[str]] = {}
    for module, tree in modules:
        if module.split("/")[0] in ("load", "ingest"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = (func.attr if isinstance(func, ast.Attribute)
                        else func.id if isinstance(func, ast.Name) else None)
                if name in READERS:
                    found.setdefault(module, set()).add(name)
    return found


def test_no_data_file_name_is_spelled_outside_the_folder_module():
    assert file_name_literals(_modules()) == []


def test_the_name_check_sees_a_literal_and_a_glob_but_not_prose():
    tree = ast.parse('"""About returns.csv."""\nA = "returns.csv"\nB = "*/kpis.csv"\n'
                     'C = "nothing to write: returns.csv already holds it"\n')
    assert file_name_literals([("report/x.py", tree)]) == [
        "report/x.py:2: 'returns.csv'", "report/x.py:3: '*/kpis.csv'"]
    assert file_name_literals([("load/folder.py", tree)]) == []


def test_only_load_and_ingest_read_files_and_the_others_say_why():
    found = readers_outside_load(_modules())
    unexpected = {m: sorted(calls - ALLOWED_READERS.get(m, set())) for m, calls in found.items()
                  if calls - ALLOWED_READERS.get(m, set())}
    assert unexpected == {}, "read data files through scrutiny.load (validated by a schema)"


def test_the_reader_check_sees_a_csv_read_in_report():
    tree = ast.parse("import pandas as pd\ndef f(folder):\n"
                     "    return pd.read_csv(folder / KPIS_FILE)\n")
    assert readers_outside_load([("report/x.py", tree)]) == {"report/x.py": {"read_csv"}}
    assert readers_outside_load([("load/x.py", tree)]) == {}


@pytest.mark.parametrize("dataset", sorted(p.name for p in DATA.iterdir() if p.is_dir()))
def test_the_folder_module_names_every_file_of_the_seed_data(dataset):
    on_disk = {p.name for p in (DATA / dataset).iterdir()}
    assert on_disk - folder.ALL_FILES == set()


def test_contract_folder_paths_and_sources():
    css = folder.ContractFolder.named("lincolnshire-css", DATA)
    assert css.name == "lincolnshire-css"
    assert (css.returns.name, css.store.name, css.reasons.name) == (
        folder.RETURNS_FILE, folder.STORE_DIR, folder.REASONS_FILE)
    assert css.sources()[:2] == [css.contract, css.kpis]
    assert all(p.exists() for p in css.sources())
    assert folder.kpi_contracts(DATA) == ["lincolnshire-css"]


def _branches(function: ast.FunctionDef) -> int:
    """Branches as ruff's PLR0912 counts them: if/elif, for, while, except, match case, else."""
    count = 0
    for node in ast.walk(function):
        if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
            count += 1 + bool(node.orelse and not (isinstance(node, ast.If) and len(node.orelse)
                                                   == 1 and isinstance(node.orelse[0], ast.If)))
        elif isinstance(node, ast.Try):
            count += len(node.handlers) + bool(node.orelse) + bool(node.finalbody)
        elif isinstance(node, ast.match_case):
            count += 1
    return count


@pytest.mark.parametrize("module", ["cli/contract.py", "cli/ingest.py"])
def test_cli_functions_hold_no_logic(module):
    tree = ast.parse((LIB / module).read_text(encoding="utf-8"))
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert functions and {f.name: _branches(f) for f in functions
                          if _branches(f) > 10} == {}


def test_the_branch_count_counts():
    source = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    assert _branches(ast.parse(source).body[0]) == 11

