"""Run the fenced code blocks of README.md and docs/*.md, in order, against a copy of the data.

Blocks whose info string is ``python`` run in one namespace per document (in this process);
``bash``, ``sh``, ``shell`` and ``console`` blocks run with ``bash -e`` (a ``console`` block runs
only its ``$ `` lines). A block that cannot run is marked on the line right before its fence::

    <!-- not-run: why it cannot run here -->

Every run uses a temporary folder as the working directory (holding copies of ``docs/``,
``params/`` and ``tests/corpus/``, and ``.venv`` pointing at this interpreter's environment) and
temporary ``SCRUTINY_DATA`` (a copy of ``data/``), ``SCRUTINY_OUTPUTS``, ``SCRUTINY_PARAMS`` and
``JUPYTER_DATA_DIR``, so nothing under the checkout or the user's home is written. A failure
names the document, the block's number and line, and its first line of code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.config import PROJECT_ROOT

#: Documents whose blocks run: the README and every page in docs/.
DOCUMENTS = ("README.md", *sorted(p.relative_to(PROJECT_ROOT).as_posix()
                                  for p in (PROJECT_ROOT / "docs").glob("*.md")))
PYTHON = frozenset({"python", "py", "pycon"})
SHELL = frozenset({"bash", "sh", "shell", "console", "shell-session"})
NOT_RUN = re.compile(r"<!--\s*not-run:(?P<reason>.*?)-->")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
#: The first line of an untagged block that is surely code (so it must say its language).
LOOKS_LIKE_CODE = re.compile(r"^\s*(\$ |scrutiny |\.venv/bin/|make |python |PYTHONPATH=|pip |"
                             r"import |from \S+ import )")


@dataclass
class Block:
    """One fenced block: its document, 1-based number in that document, language and text."""

    document: str
    number: int
    line: int  # the line of the first line of code (1-based)
    language: str
    code: str
    not_run: str | None = None  # the reason, when marked

    @property
    def where(self) -> str:
        """``README.md block 7 (line 91, python): import scrutiny``: where to look."""
        first = self.code.strip().splitlines()[0] if self.code.strip() else ""
        return (f"{self.document} block {self.number} (line {self.line}, {self.language}): "
                f"{first[:80]}")


def blocks(document: str, text: str | None = None) -> list[Block]:
    """Every fenced block of ``document`` (relative to the checkout), in order."""
    if text is None:
        text = (PROJECT_ROOT / document).read_text(encoding="utf-8")
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, info = opening["fence"], opening["info"].strip()
        end = next((j for j in range(i + 1, len(lines))
                    if lines[j].strip().startswith(fence[0] * len(fence))
                    and not lines[j].strip().strip(fence[0])), len(lines))
        marker = NOT_RUN.search(lines[i - 1]) if i > 0 else None
        found.append(Block(document, len(found) + 1, i + 2, info.split()[0].lower() if info else "",
                           "\n".join(lines[i + 1:end]) + "\n",
                           marker["reason"].strip() if marker else None))
        i = end + 1
    return found


def untagged_code(document: str) -> list[Block]:
    """Blocks without a language whose first line is a command or an import."""
    return [b for b in blocks(document) if not b.language and LOOKS_LIKE_CODE.match(b.code)]


@dataclass
class DocumentRun:
    """What running one document's blocks gave."""

    document: str
    cwd: Path
    env: dict[str, str]  # what the blocks ran with, over os.environ
    namespace: dict = field(default_factory=dict)
    shell: dict[int, subprocess.CompletedProcess] = field(default_factory=dict)
    ran: list[Block] = field(default_factory=list)
    skipped: list[Block] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        """The run's SCRUTINY_DATA (a copy of data/, plus what the blocks wrote)."""
        return Path(self.env["SCRUTINY_DATA"])

    @property
    def outputs(self) -> Path:
        """The run's SCRUTINY_OUTPUTS."""
        return Path(self.env["SCRUTINY_OUTPUTS"])

    def output_of(self, text: str) -> subprocess.CompletedProcess:
        """The finished process of the (first) shell block that contains ``text``."""
        number = next(b.number for b in self.ran if b.number in self.shell and text in b.code)
        return self.shell[number]


def workspace(folder: Path) -> dict[str, str]:
    """Lay out ``folder`` as the docs expect the checkout; return the environment to run in."""
    for part in ("docs", "params", "tests/corpus"):
        shutil.copytree(PROJECT_ROOT / part, folder / "cwd" / part)
    shutil.copytree(PROJECT_ROOT / "data", folder / "data")
    (folder / "outputs").mkdir()
    if sys.prefix != sys.base_prefix:  # `.venv/bin/scrutiny` as the README writes it
        (folder / "cwd" / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    bin_dir = str(Path(sys.executable).parent)
    return {"SCRUTINY_DATA": str(folder / "data"), "SCRUTINY_OUTPUTS": str(folder / "outputs"),
            "SCRUTINY_PARAMS": str(folder / "cwd" / "params"),
            "JUPYTER_DATA_DIR": str(folder / "jupyter"),  # `scrutiny kernel install` (--user)
            # The day the docs were written for: which returns are due (docs/your_contract.md's
            # run to September 2026) depends on today's date.
            "SCRUTINY_TODAY": "2026-10-05",
            "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")])}


def shell_script(block: Block) -> str:
    """The commands of a shell block (a console block: its ``$ `` lines without the prompt)."""
    if block.language in ("console", "shell-session"):
        return "\n".join(line[2:] for line in block.code.splitlines() if line.startswith("$ "))
    return block.code


def run_python(block: Block, namespace: dict) -> str | None:
    """Execute ``block`` in ``namespace``; return the traceback's last lines on failure."""
    source = "\n" * (block.line - 1) + block.code  # tracebacks then give the document's lines
    try:
        exec(compile(source, block.document, "exec"), namespace)  # noqa: S102 - our own docs
    except Exception:  # noqa: BLE001 - reported with the block's place
        return "".join(traceback.format_exc().splitlines(keepends=True)[-6:])
    return None


def run_document(document: str, folder: Path, timeout: float = 900) -> DocumentRun:
    """Run every block of ``document`` in order in a fresh workspace under ``folder``."""
    env = workspace(folder)
    run = DocumentRun(document, folder / "cwd", env)
    saved_env, saved_cwd = {k: os.environ.get(k) for k in env}, Path.cwd()
    os.environ.update(env)
    os.chdir(run.cwd)
    try:
        for block in blocks(document):
            if block.language not in PYTHON | SHELL:
                continue
            if block.not_run is not None:
                run.skipped.append(block)
                if not block.not_run:
                    run.failures.append(f"{block.where}: not-run marker gives no reason")
                continue
            run.ran.append(block)
            if block.language in PYTHON:
                error = run_python(block, run.namespace)
            else:
                done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", shell_script(block)],
                                      cwd=run.cwd, env={**os.environ, **env},
                                      capture_output=True, text=True, timeout=timeout)
                run.shell[block.number] = done
                error = None if done.returncode == 0 else (
                    f"exit {done.returncode}\n{done.stderr[-2000:]}")
            if error:  # later blocks build on this one: stop at the first failure
                run.failures.append(f"{block.where}\n{error}")
                break
    finally:
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return run
