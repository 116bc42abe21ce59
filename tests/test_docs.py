"""Every fenced Python and shell block of README.md and docs/*.md runs, in order, as written.

The blocks run against a copy of the shipped data (see docs_runner); a block that cannot run is
marked ``<!-- not-run: reason -->`` on the line before its fence (a reason starting "a
synopsis" has its commands and options checked against ``--help``). The session ends with a line
``docs: N blocks run, M not run`` and each block not run with its reason. What the blocks
answer is checked in test_readme.py and test_your_contract.py, on the same runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from docs_runner import DOCUMENTS, PYTHON, SHELL, blocks, untagged_code
from scrutiny import cli

#: Documents with a block that renders reports (a minute or more): run with the slow tests.
SLOW = {doc for doc in DOCUMENTS
        if any(b.language in SHELL and b.not_run is None and "scrutiny render" in b.code
               for b in blocks(doc))}


@pytest.mark.parametrize("document", [
    pytest.param(doc, marks=[pytest.mark.slow] if doc in SLOW else []) for doc in DOCUMENTS])
def test_the_document_runs_as_written(document, doc_run):
    run = doc_run(document)
    assert not run.failures, "\n".join(run.failures)
    runnable = [b for b in blocks(document) if b.language in PYTHON | SHELL]
    assert len(run.ran) + len(run.skipped) == len(runnable)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_code_blocks_say_their_language(document):
    """An untagged block that holds commands or imports would never run: tag it."""
    assert not [b.where for b in untagged_code(document)], (
        "tag these blocks ```bash or ```python (and mark them <!-- not-run: reason --> if "
        "they cannot run)")


def test_most_blocks_run():
    every = [b for doc in DOCUMENTS for b in blocks(doc) if b.language in PYTHON | SHELL]
    not_run = [b for b in every if b.not_run is not None]
    assert all(b.not_run for b in not_run), [b.where for b in not_run if not b.not_run]
    assert len(every) >= 15 and len(not_run) * 2 <= len(every), [b.where for b in not_run]


def test_the_readme_registers_the_kernel_where_the_run_points(doc_run):
    """README's ``scrutiny kernel install`` wrote the kernelspec under the run's own folder."""
    run = doc_run("README.md")
    assert not run.failures, "\n".join(run.failures)
    spec = Path(run.env["JUPYTER_DATA_DIR"]) / "kernels" / "scrutiny" / "kernel.json"
    assert json.loads(spec.read_text())["display_name"] == "Python (scrutiny)"
    assert "installed in" in run.output_of("scrutiny kernel install").stdout


def test_the_ratings_page_gives_what_it_says(doc_run):
    """docs/procurement_ratings.md: the columns it lists, and PM_KPI_08 (9 Blue, 3 Green) Good."""
    run = doc_run("docs/procurement_ratings.md")
    assert not run.failures, "\n".join(run.failures)
    table, counts = run.namespace["table"], run.namespace["counts"]
    assert {"months", "green", "amber", "red", "no_data", "blue", "scored", "longest_red_run",
            "rating", "rule"} <= set(table.columns)
    pm08 = table.set_index("kpi_id").loc["PM_KPI_08"]
    assert (pm08["blue"], pm08["green"], pm08["rating"]) == (9, 3, "Good")
    assert counts["kpis"].sum() == len(table)
    assert "PM_KPI_08" in run.output_of("scrutiny ratings").stdout


def synopsis_lines() -> list[tuple[str, str]]:
    """(where, command line) of every block marked ``not-run: a synopsis``, comments dropped."""
    return [(block.where, line.split("  #")[0].strip())
            for doc in DOCUMENTS for block in blocks(doc)
            if (block.not_run or "").startswith("a synopsis")
            for line in block.code.splitlines() if line.strip()]


def synopsis_problems(lines: list[tuple[str, str]]) -> list[str]:
    """What in these synopsis lines is not a command or not one of its options."""
    problems, helps = [], {}
    for where, line in lines:
        words = line.split()
        if words[0].removeprefix(".venv/bin/") != "scrutiny" or words[1] not in cli.COMMANDS:
            problems.append(f"{where}: not a scrutiny command: {line}")
            continue
        if words[1] not in helps:
            helps[words[1]] = CliRunner().invoke(cli.main, [words[1], "--help"]).output
        problems += [f"{where}: scrutiny {words[1]} has no option {option}: {line}"
                     for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line)
                     if not re.search(rf"{option}\b", helps[words[1]])]
    return problems


def test_a_synopsis_names_real_commands_and_options():
    """A synopsis cannot run, but its commands and options must exist (as ``--help`` says)."""
    lines = synopsis_lines()
    assert len(lines) >= 20
    assert synopsis_problems(lines) == []
    assert synopsis_problems([("x", "scrutiny summary --contract a --frm 2016-01"),
                              ("y", ".venv/bin/scrutiny sumary")]) == [
        "x: scrutiny summary has no option --frm: scrutiny summary --contract a --frm 2016-01",
        "y: not a scrutiny command: .venv/bin/scrutiny sumary"]


INLINE = """Intro.

```python
x = 1
```

<!-- not-run: needs a printer -->
```bash
lp report.pdf
```

````console
$ echo hi
hi
````

```
scrutiny summary
```
"""


def test_blocks_are_found_with_their_numbers_lines_and_markers():
    found = blocks("inline.md", INLINE)
    assert [(b.number, b.line, b.language, b.not_run) for b in found] == [
        (1, 4, "python", None), (2, 9, "bash", "needs a printer"), (3, 13, "console", None),
        (4, 18, "", None)]
    assert found[1].where == "inline.md block 2 (line 9, bash): lp report.pdf"
    assert found[2].code == "$ echo hi\nhi\n"


def test_a_failure_names_the_document_block_and_line(tmp_path, monkeypatch):
    import docs_runner

    monkeypatch.setattr(docs_runner, "blocks", lambda document: [
        docs_runner.Block(document, 1, 3, "python", "y = 2\n"),
        docs_runner.Block(document, 2, 7, "python", "z = y +\n"),
        docs_runner.Block(document, 3, 11, "bash", "echo never\n")])
    run = docs_runner.run_document("inline.md", tmp_path)
    assert run.namespace["y"] == 2 and [b.number for b in run.ran] == [1, 2]
    assert run.failures[0].startswith("inline.md block 2 (line 7, python): z = y +")
    assert 'File "inline.md", line 7' in run.failures[0]


def test_a_failing_shell_block_gives_its_exit_and_stderr(tmp_path, monkeypatch):
    import docs_runner

    monkeypatch.setattr(docs_runner, "blocks", lambda document: [
        docs_runner.Block(document, 1, 2, "bash", "scrutiny summary --contract nowhere\n")])
    run = docs_runner.run_document("inline.md", tmp_path)
    assert run.failures[0].startswith("inline.md block 1 (line 2, bash): scrutiny summary")
    assert "exit 2" in run.failures[0] and "nowhere" in run.failures[0]
