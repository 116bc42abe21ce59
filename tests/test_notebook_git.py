"""JupyterLab's autosave leaves ``git status`` clean; ``scrutiny kernel install`` sets that up.

Each notebook is committed into a temporary repository with the git filter that
``scrutiny kernel install`` (and so ``make``) configures, then rewritten as JupyterLab saves it
after a run: ``language_info`` from the kernel, the kernel's own ``kernelspec``, outputs and
execution counts, saved through jupyter_server's contents manager (nbformat, indent 1, and a
checkpoint in ``.ipynb_checkpoints/``). Git must then see no change. The same round trip through
the filter without ``language_info`` dropped shows the change, so the check can fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from scrutiny.cli.kernel import (
    DISPLAY_NAME,
    KERNEL_NAME,
    NBSTRIPOUT_OPTIONS,
    configure_git_filter,
    filter_commands,
)
from scrutiny.config import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

#: What ipykernel reports and JupyterLab stores as ``metadata.language_info``.
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
    "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": ".".join(map(str, sys.version_info[:3])),
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout


def as_jupyterlab_saves(path: Path) -> None:
    """Rewrite ``path`` as JupyterLab does after opening it and running every cell.

    The notebook is read and saved through jupyter_server's contents manager, the code that
    writes the file when JupyterLab (auto)saves; the frontend's additions are made in between.
    """
    from jupyter_server.services.contents.filemanager import FileContentsManager

    contents = FileContentsManager(root_dir=str(path.parent))
    nb = contents.get(path.name)["content"]
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    nb.metadata["kernelspec"] = {"display_name": DISPLAY_NAME, "language": "python",
                                 "name": KERNEL_NAME}
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n"),
                        nbformat.v4.new_output("execute_result", data={"text/plain": "42"},
                                               execution_count=count)]
    contents.save({"type": "notebook", "format": "json", "content": nb}, path.name)


def committed_repo(folder: Path, python: str, notebooks: list[Path] = NOTEBOOKS) -> Path:
    """A new repository holding ``notebooks``, .gitattributes and .gitignore (JupyterLab's
    checkpoints), with the filter configured."""
    git(folder, "init", "-q")
    git(folder, "config", "user.email", "test@example.invalid")
    git(folder, "config", "user.name", "test")
    for name in (".gitattributes", ".gitignore"):
        shutil.copy(PROJECT_ROOT / name, folder / name)
    (folder / "notebooks").mkdir()
    for notebook in notebooks:
        shutil.copy(notebook, folder / "notebooks" / notebook.name)
    configure_git_filter(folder, python)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "notebooks")
    return folder


def test_the_notebooks_are_what_the_filter_makes_of_them(tmp_path):
    """A fresh checkout shows no change: every committed notebook is the filter's own output."""
    assert NOTEBOOKS, "no notebooks found"
    copies = [Path(shutil.copy(notebook, tmp_path / notebook.name)) for notebook in NOTEBOOKS]
    subprocess.run([sys.executable, "-m", "nbstripout", *NBSTRIPOUT_OPTIONS, *map(str, copies)],
                   check=True, capture_output=True)
    for notebook, stripped in zip(NOTEBOOKS, copies, strict=True):
        assert stripped.read_bytes() == notebook.read_bytes(), (
            f"{notebook.relative_to(PROJECT_ROOT)} is not as the git filter leaves it: run "
            f"`.venv/bin/python -m nbstripout {' '.join(NBSTRIPOUT_OPTIONS)} "
            f"{notebook.relative_to(PROJECT_ROOT)}`")


def test_jupyterlab_autosave_leaves_git_status_clean(tmp_path):
    repo = committed_repo(tmp_path, sys.executable)
    for notebook in NOTEBOOKS:
        saved = repo / "notebooks" / notebook.name
        as_jupyterlab_saves(saved)
        assert saved.read_bytes() != notebook.read_bytes()
        assert json.loads(saved.read_text())["metadata"]["language_info"]["version"]
    git(repo, "add", "-A")  # runs the clean filter on every saved notebook
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "diff", "--cached", "--no-textconv", "--stat") == ""


def test_without_language_info_dropped_the_autosave_shows(tmp_path):
    repo = committed_repo(tmp_path, sys.executable, [PROJECT_ROOT / "notebooks" / "explore.ipynb"])
    strip_keeping_language_info = f"{sys.executable} -m nbstripout --keep-id"
    git(repo, "config", "filter.nbstripout.clean", strip_keeping_language_info)
    as_jupyterlab_saves(repo / "notebooks" / "explore.ipynb")
    git(repo, "add", "-A")
    assert git(repo, "status", "--porcelain").split() == ["M", "notebooks/explore.ipynb"]
    assert '"language_info"' in git(repo, "diff", "--cached", "--no-textconv")


def test_kernel_install_registers_the_kernel_and_the_filter(tmp_path):
    (tmp_path / "checkout").mkdir()
    repo = committed_repo(tmp_path / "checkout", sys.executable, [])
    git(repo, "config", "--unset-all", "filter.nbstripout.clean")
    data = tmp_path / "jupyter-data"
    env = {"JUPYTER_DATA_DIR": str(data), "HOME": str(tmp_path / "home"),
           "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "scrutiny", "kernel", "install"], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    spec = json.loads((data / "kernels" / KERNEL_NAME / "kernel.json").read_text())
    assert spec["display_name"] == DISPLAY_NAME and spec["argv"][0] == sys.executable
    assert "git filter nbstripout set" in done.stdout
    for key, value in filter_commands(sys.executable).items():
        assert git(repo, "config", key).strip() == value


def test_kernel_install_outside_a_checkout_sets_no_filter(tmp_path):
    env = {"JUPYTER_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin", "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)}
    done = subprocess.run([sys.executable, "-m", "scrutiny", "kernel", "install"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "installed in" in done.stdout and "git filter" not in done.stdout
    assert (tmp_path / "data" / "kernels" / KERNEL_NAME / "kernel.json").is_file()
