"""Every YAML problem is one line naming the file, the line and the fix."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, ConfigDict

from scrutiny.cli import main
from scrutiny.config import PROJECT_ROOT
from scrutiny.exceptions import InputValidationError
from scrutiny.load.yaml_files import MAX_NODES, load_yaml, read_yaml
from yaml_support import bomb


class Knobs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str
    months: int = 12


@pytest.mark.parametrize("text, fragment", [
    ("a: 1\nb: [1, 2\n", "line 3: is not valid YAML"),
    ("a: !!python/object/apply:os.system ['echo hi']\n",
     "line 1: tag '!!python/object/apply:os.system' is not allowed"),
    ("period: 2016-06\nmonths: 3\nperiod: 2016-07\n",
     "line 3: key 'period' is given twice (first on line 1)"),
    (bomb(), f"expands to more than {MAX_NODES:,} values"),
])
def test_problems_are_one_line_with_file_and_line(tmp_path, text, fragment):
    path = tmp_path / "knobs.yaml"
    path.write_text(text)
    with pytest.raises(InputValidationError) as err:
        load_yaml(path, Knobs)
    assert str(err.value).startswith("knobs.yaml, line ")
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_wrong_type_names_the_key_and_its_line(tmp_path):
    path = tmp_path / "knobs.yaml"
    path.write_text("period: 2016-06\nmonths: twelve\n")
    with pytest.raises(InputValidationError, match=r"knobs.yaml, line 2: key 'months'"):
        load_yaml(path, Knobs)


def test_unknown_key_lists_the_known_ones(tmp_path):
    path = tmp_path / "knobs.yaml"
    path.write_text("period: 2016-06\nmonth: 3\n")
    with pytest.raises(InputValidationError, match="line 2: unknown key 'month'.*period, months"):
        load_yaml(path, Knobs)


def test_folder_and_missing_file(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(InputValidationError, match="is a folder"):
        read_yaml(tmp_path / "dir.yaml")
    with pytest.raises(InputValidationError, match="file not found. add it"):
        read_yaml(tmp_path / "none.yaml", hint="add it")


def test_anchors_within_the_limit_still_load(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1}\nfirst: *b\nsecond: *b\n")
    assert read_yaml(path) == {"base": {"x": 1}, "first": {"x": 1}, "second": {"x": 1}}


@pytest.mark.parametrize("text, fragment", [
    ("contract: x\ncontract: y\n", "contract.yaml, line 2: key 'contract' is given twice"),
    ("title: !!python/name:os.system\n", "contract.yaml, line 1: tag"),
    ("title: [unclosed\n", "contract.yaml, line 2: is not valid YAML"),
])
def test_cli_gives_one_line_and_exit_2_for_a_bad_contract_yaml(tmp_path, monkeypatch, text,
                                                                fragment):
    folder = tmp_path / "lincolnshire-css"
    shutil.copytree(PROJECT_ROOT / "data" / "lincolnshire-css", folder)
    (folder / "contract.yaml").write_text(text)
    monkeypatch.setenv("SCRUTINY_DATA", str(tmp_path))
    result = CliRunner().invoke(main, ["summary", "--contract", "lincolnshire-css"])
    assert result.exit_code == 2
    assert fragment in result.output
    assert "internal error" not in result.output
    assert result.output.count("\n") == 1
