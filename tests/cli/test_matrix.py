"""Every CLI command x every ``--format`` x three contract shapes: never ``internal error``.

Shapes: Lincolnshire (a copy of the seed contract); a new contract set up with ``new-contract``
and six returns, with no ``terms.yaml``; a new contract with open-ended terms (no service has
``effective_to``), a quarterly KPI and a month missing (no June return). Each run must exit 0, or
non-zero with one designed line on stderr (``error: ...``), never a traceback or ``internal
error``. The folders are built once per module; commands that write get a fresh copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest_support import CORPUS, DATA
from scrutiny.cli import COMMANDS, main

OWN = CORPUS / "own-contract"
NEW = ["--title", "Waste", "--council", "North", "--supplier", "CleanCo", "--start",
       "2026-04-01", "--service", "WST=Waste collection", "--service", "CLN=Street cleansing"]
#: shape -> (contract, first month, last month, a KPI)
SHAPES = {"lincolnshire": ("lincolnshire-css", "2015-07", "2016-06", "CSC_KPI_04"),
          "no-terms": ("plain", "2026-04", "2026-09", "WST_KPI_01"),
          "open-terms": ("open", "2026-04", "2026-09", "CLN_KPI_01")}
OPEN_TERMS = """contract: open
illustrative: true
source: test
points_file: abatement_points.csv
amber_fraction: 0.5
multipliers: [1.0, 1.5, 2.0]
blue_breaks_run: true
point_value_gbp: 100
cap_fraction: 0.1
total_points:
  - {from_month: 2026-04, points: 100}
services:
  WST: {monthly_volume_gbp: 50000, effective_from: 2026-04}
  CLN: {monthly_volume_gbp: 20000, effective_from: 2026-04}
"""
OPEN_POINTS = ("kpi_id,points,effective_from,effective_to\nWST_KPI_01,20,2026-04,\n"
               "WST_KPI_02,20,2026-04,\nWST_KPI_03,20,2026-04,\nCLN_KPI_01,20,2026-04,\n"
               "CLN_KPI_02,20,2026-04,\n")


def invoke(root: Path, args: list[str]):
    env = {"SCRUTINY_DATA": str(root / "data"), "SCRUTINY_OUTPUTS": str(root / "outputs"),
           "SCRUTINY_PARAMS": str(root / "params"), "SOURCE_DATE_EPOCH": "1790000000"}
    return CliRunner().invoke(main, args, env=env)


def assert_designed(result, args) -> None:
    """Exit 0, or one designed error line; never a traceback or an internal error."""
    said = result.output + result.stderr
    assert "internal error" not in said and "Traceback" not in said, (args, said)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, said)
    if result.exit_code != 0:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("matrix")
    (root / "data").mkdir()
    shutil.copytree(DATA / "lincolnshire-css", root / "data" / "lincolnshire-css")
    for slug, months in (("plain", ["04", "05", "06", "07", "08", "09"]),
                         ("open", ["04", "05", "07", "08", "09"])):  # open: no June return
        done = invoke(root, ["new-contract", slug, "--schedule", str(OWN / "schedule.csv"), *NEW])
        assert done.exit_code == 0, done.output
        for month in months:
            done = invoke(root, ["ingest", "--contract", slug,
                                 str(OWN / f"return-2026-{month}.csv")])
            assert done.exit_code == 0, done.output
    (root / "data" / "open" / "terms.yaml").write_text(OPEN_TERMS)
    (root / "data" / "open" / "abatement_points.csv").write_text(OPEN_POINTS)
    return root


def _formats(command: str) -> list[str]:
    params = {p.name: p for p in _command(command).params}
    fmt = params.get("fmt")
    return list(fmt.type.choices) if fmt is not None else [None]


def _command(name: str):
    import importlib

    module, attribute = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(module), attribute)


def contract_args(command: str, shape: str) -> list[str]:
    contract, first, last, kpi = SHAPES[shape]
    base = ["--contract", contract]
    return base + {
        "exceptions": ["--period", last], "narrative": ["--period", last],
        "trends": ["--period", last], "ratings": ["--from", first, "--to", last],
        "history": ["--kpi", kpi],
        "notice": ["--from", first, "--to", last, "--ocid", "ocds-213czf-000-00001"],
        "render": ["--latest", "--no-progress"],
        "override": ["--kpi", kpi, "--from", last, "--to", last, "--tsl", "1", "--msl", "1",
                     "--reason", "matrix"],
        "mitigate": ["--kpi", kpi, "--from", last, "--reason", "matrix"],
        "glide": ["--kpi", kpi, "--from", last, "--reason", "matrix"],
        "terms": ["--set", "amber_fraction=0.5"],
        "failure": ["--kpi", kpi, "--decided", "2026-10-01", "--kind", "breach", "--reason",
                    "matrix"],
        "ingest": [str(OWN / "return-2026-09.csv")],
    }.get(command, [])


#: Commands about something other than a KPI contract, with their arguments on the seed data.
SYSTEMS = {"action-plan": ["--plan", "south-vale-capita"],
           "projects": ["--portfolio", "lincolnshire-imt"],
           "risks": ["--service", "brent-lewisham-southwark"],
           "shared-ict": ["--service", "brent-lewisham-southwark"]}
#: Commands that write into the contract folder: each run gets its own copy.
WRITERS = {"override", "mitigate", "glide", "terms", "ingest", "new-contract", "failure"}
#: Commands about the Jupyter set-up, not about any contract (tested in tests/test_notebook_git.py).
SETUP = {"kernel"}
READERS = sorted(set(COMMANDS) - set(SYSTEMS) - WRITERS - SETUP - {"render"})


def _cases(commands):
    return [(c, s, f) for c in commands for s in SHAPES for f in _formats(c)]


def _with_format(args: list[str], fmt: str | None, out: Path) -> list[str]:
    if fmt is None:
        return args
    extra = ["--format", fmt]
    return args + extra + (["--output", str(out / "export.xlsx")] if fmt == "xlsx" else [])


@pytest.mark.parametrize("command, shape, fmt", _cases(READERS))
def test_every_reading_command_on_every_shape(world, tmp_path, command, shape, fmt):
    args = _with_format([command, *contract_args(command, shape)], fmt, tmp_path)
    assert_designed(invoke(world, args), args)


@pytest.mark.parametrize("command, shape, fmt", _cases(sorted(WRITERS)))
def test_every_writing_command_on_every_shape(world, tmp_path, command, shape, fmt):
    shutil.copytree(world / "data", tmp_path / "data")
    if command == "new-contract":  # an existing slug: a designed refusal
        args = ["new-contract", SHAPES[shape][0], "--schedule", str(OWN / "schedule.csv"), *NEW]
    else:
        args = [command, *contract_args(command, shape)]
    assert_designed(invoke(tmp_path, _with_format(args, fmt, tmp_path)), args)


@pytest.mark.parametrize("command, fmt", [(c, f) for c in sorted(SYSTEMS) for f in _formats(c)])
def test_every_system_command_in_every_format(tmp_path, command, fmt):
    (tmp_path / "data").symlink_to(DATA)
    args = _with_format([command, *SYSTEMS[command]], fmt, tmp_path)
    assert_designed(invoke(tmp_path, args), args)


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_render_latest_on_every_shape(world, shape):
    args = ["render", *contract_args("render", shape)]
    result = invoke(world, args)
    assert_designed(result, args)
    assert result.exit_code == 0, result.stderr


def test_the_matrix_covers_every_command():
    assert set(READERS) | WRITERS | set(SYSTEMS) | SETUP | {"render"} == set(COMMANDS)
