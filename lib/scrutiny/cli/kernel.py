"""``scrutiny kernel install``: the "Python (scrutiny)" kernel and the notebooks' git filter.

A pip install of the toolkit does not register a Jupyter kernel, yet the README and
``notebooks/explore.ipynb`` name the kernel ``scrutiny``. This command registers it with
ipykernel's own installer, launching the interpreter that runs the command. Inside a checkout of
this project it also sets up the nbstripout git filter that ``.gitattributes`` names, so what
JupyterLab adds when it opens and autosaves a notebook (outputs, execution counts,
``language_info``) never shows in ``git status`` nor reaches a commit.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click

from scrutiny.render.kernels import PREFERRED_KERNEL

#: The kernel's name, as notebooks' ``kernelspec.name`` and ``scrutiny render`` look it up.
KERNEL_NAME = PREFERRED_KERNEL
#: The name JupyterLab shows, and writes into a notebook's ``kernelspec.display_name``.
DISPLAY_NAME = "Python (scrutiny)"
#: nbstripout's options for the git filter: cell ids are kept (notebooks commit stable ids) and
#: ``language_info``, which JupyterLab fills in from the running kernel, is dropped.
NBSTRIPOUT_OPTIONS = ("--keep-id", "--extra-keys", "metadata.language_info")


def filter_commands(python: str) -> dict[str, str]:
    """Return the git config entries of the nbstripout filter, run by ``python``.

    Parameters
    ----------
    python : str
        The interpreter (with nbstripout installed) as git should call it; a relative path is
        taken from the checkout's top folder, where git runs filters.
    """
    strip = " ".join(shlex.quote(part) for part in (python, "-m", "nbstripout",
                                                      *NBSTRIPOUT_OPTIONS))
    return {"filter.nbstripout.clean": strip, "filter.nbstripout.smudge": "cat",
            "diff.ipynb.textconv": f"{strip} -t"}


def project_checkout(start: Path) -> Path | None:
    """Return the top folder of the git checkout holding ``start`` if it is this project's.

    This project's checkout is the one whose git attributes (``.gitattributes``) send notebooks
    through the ``nbstripout`` filter; any other repository (or none, or no git) gives None.
    """
    if shutil.which("git") is None:
        return None
    done = subprocess.run(["git", "-C", str(start), "rev-parse", "--show-toplevel"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None
    root = Path(done.stdout.strip())
    attribute = subprocess.run(["git", "-C", str(root), "check-attr", "filter", "--",
                                "notebooks/explore.ipynb"],
                               capture_output=True, text=True, check=False).stdout
    return root if attribute.strip().endswith(": filter: nbstripout") else None


def interpreter_for(root: Path, executable: str) -> str:
    """Return ``executable`` relative to ``root`` when it lives inside it, else as given.

    A checkout's own ``.venv`` is then named ``.venv/bin/python``, so the filter keeps working
    if the folder is moved; a Python elsewhere (a pip install) is named by its full path.
    """
    path = Path(executable)
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def configure_git_filter(root: Path, executable: str | None = None) -> dict[str, str]:
    """Write the nbstripout filter into the checkout's own git config; return what was set."""
    settings = filter_commands(interpreter_for(root, executable or sys.executable))
    for key, value in settings.items():
        subprocess.run(["git", "-C", str(root), "config", key, value], check=True,
                       capture_output=True, text=True)
    return settings


@click.group()
def kernel() -> None:
    """Register the "Python (scrutiny)" Jupyter kernel and the notebooks' git filter."""


@kernel.command("install")
@click.option("--user/--sys-prefix", "user", default=True,
              help="Install for this user (default) or into this Python's prefix (a venv).")
@click.option("--git-filter/--no-git-filter", default=True,
              help="Inside a checkout of this project, set up the nbstripout git filter.")
def install(user: bool, git_filter: bool) -> None:
    """Register the "Python (scrutiny)" kernel, running this Python, with ipykernel's installer.

    Inside a checkout of this project, also set the git filter that strips outputs, execution
    counts and language_info from notebooks on their way into git.
    """
    from ipykernel.kernelspec import install as install_kernelspec

    where = install_kernelspec(user=user, prefix=None if user else sys.prefix,
                               kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME)
    click.echo(f'kernel "{DISPLAY_NAME}" ({KERNEL_NAME}) installed in {where}')
    root = project_checkout(Path.cwd()) if git_filter else None
    if root is not None:
        configure_git_filter(root)
        click.echo(f"git filter nbstripout set in {root} (outputs and language_info are "
                   "stripped from notebooks on their way into git)")


COMMANDS = [kernel]
