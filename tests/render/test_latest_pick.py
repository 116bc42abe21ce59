"""``render --contract X --latest`` validates only the parameters files that could be its report."""

from __future__ import annotations

from pathlib import Path

from scrutiny.config import PROJECT_ROOT
from scrutiny.render.monthly import _may_be_for, contract_jobs

PARAMS = PROJECT_ROOT / "params"


def test_files_naming_another_report_contract_or_period_are_left_out(tmp_path):
    def file(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    assert _may_be_for(file("a.yaml", "report: period_report\ncontract: x\nperiod: 2016-06\n"),
                       "x", "2016-06")
    assert not _may_be_for(file("b.yaml", "report: period_report\ncontract: y\nperiod: 2016-06\n"),
                           "x", "2016-06")
    assert not _may_be_for(file("c.yaml", "report: period_report\ncontract: x\nperiod: 2016-05\n"),
                           "x", "2016-06")
    assert not _may_be_for(file("d.yaml", "report: council_report\nservice: s\n"), "x", "2016-06")
    # Anything that cannot be read this way is kept, so planning reports its problem.
    assert _may_be_for(file("e.yaml", "report: [unclosed\n"), "x", "2016-06")
    assert _may_be_for(file("f.yaml", "- a list\n"), "x", "2016-06")
    assert _may_be_for(file("g.yaml", "contract: x\nperiod: 2016-06-01\n"), "x", "2016-06")
    assert _may_be_for(tmp_path / "missing.yaml", "x", "2016-06")


def test_latest_uses_the_contracts_own_file_when_other_datasets_are_absent(css_copy,
                                                                          monkeypatch):
    """Only lincolnshire-css under the data root: the other parameters files are not validated."""
    monkeypatch.setenv("SCRUTINY_DATA", str(css_copy))
    monkeypatch.setenv("SCRUTINY_CACHE", "off")
    files = sorted(PARAMS.rglob("*.yaml"))
    (job,) = contract_jobs("lincolnshire-css", files, latest=True)
    assert job.params_file.endswith("lincolnshire-css/2016-06.yaml")
    assert job.stem == Path("lincolnshire-css") / "2016-06" / "period_report"
