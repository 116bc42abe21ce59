"""Lazy subcommands: each command is imported only when run, and ``--help`` lists the same text."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from scrutiny import cli
from scrutiny.cli import main

MODULES = ("abatement", "ingest", "insight", "render", "scorecard", "systems")


def _eager_commands() -> dict[str, click.Command]:
    commands = {}
    for name in MODULES:
        for command in importlib.import_module(f"scrutiny.cli.{name}").COMMANDS:
            commands[command.name] = command
    return commands


def test_every_command_is_mapped_to_its_own_object_with_its_own_first_sentence():
    eager = _eager_commands()
    assert set(cli.COMMANDS) == set(eager)
    for name, (target, sentence) in cli.COMMANDS.items():
        module, attribute = target.split(":")
        assert getattr(importlib.import_module(module), attribute) is eager[name]
        assert eager[name].get_short_help_str(10_000) == sentence, name


def test_help_lists_commands_exactly_as_eager_registration_did():
    eager = click.Group("scrutiny", params=main.params, help=main.help,
                        commands=_eager_commands())
    lazy = CliRunner().invoke(main, ["--help"], prog_name="scrutiny")
    assert lazy.exit_code == 0
    expected = CliRunner().invoke(eager, ["--help"], prog_name="scrutiny")
    assert lazy.output == expected.output


def _modules_after(*args: str) -> set[str]:
    code = ("import sys; from scrutiny.cli import main\n"
            "try:\n    main(args, prog_name='scrutiny')\nexcept SystemExit:\n    pass\n"
            "import json; print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", f"args = {list(args)!r}\n{code}"],
                          capture_output=True, text=True, timeout=120)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_no_command_and_no_pandas():
    loaded = _modules_after("--help")
    assert not {f"scrutiny.cli.{m}" for m in MODULES} & loaded
    assert "pandas" not in loaded and "nbformat" not in loaded


@pytest.mark.parametrize("args, absent", [
    (["summary", "--contract", "lincolnshire-css"],
     {"scrutiny.cli.render", "nbformat", "jsonschema", "scipy.stats", "matplotlib"}),
    (["render", "--help"], {"nbformat", "papermill", "pandas"}),
], ids=["summary", "render-help"])
def test_a_command_imports_only_what_it_uses(args, absent):
    assert not absent & _modules_after(*args)
