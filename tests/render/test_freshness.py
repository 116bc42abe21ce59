"""The stale rule (render.freshness.stale_reason) on small files, without running a kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrutiny.render import freshness
from scrutiny.render.batch import Job
from scrutiny.report import provenance


@pytest.fixture
def rendered(tmp_path, monkeypatch):
    """A report 'rendered' by hand: its notebook, one input under data/, HTML and record."""
    data = tmp_path / "data"
    (data / "c").mkdir(parents=True)
    (data / "c" / "kpis.csv").write_text("kpi_id\nK1\n", encoding="utf-8")
    monkeypatch.setenv("SCRUTINY_DATA", str(data))
    notebook = tmp_path / "report.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    job = Job("params/c/2016-06.yaml", notebook, Path("c/2016-06/period_report"),
              {"contract": "c", "period": "2016-06"})
    root = tmp_path / "outputs"
    html = (root / job.stem).with_suffix(".html")
    html.parent.mkdir(parents=True)
    html.write_text("<p>report</p>", encoding="utf-8")
    inputs = {"c/kpis.csv": freshness.file_sha256(data / "c" / "kpis.csv")}
    freshness.record_path(root, job).write_text(freshness.record_text(job, inputs))
    return job, root, data


def test_unchanged_report_is_up_to_date(rendered):
    job, root, _ = rendered
    assert freshness.stale_reason(job, root) is None


def test_changed_input_makes_it_stale(rendered):
    job, root, data = rendered
    (data / "c" / "kpis.csv").write_text("kpi_id\nK2\n", encoding="utf-8")
    assert freshness.stale_reason(job, root) == "input c/kpis.csv changed"


def test_missing_input_makes_it_stale(rendered):
    job, root, data = rendered
    (data / "c" / "kpis.csv").unlink()
    assert freshness.stale_reason(job, root) == "input c/kpis.csv is missing"


def test_changed_parameters_make_it_stale(rendered):
    job, root, _ = rendered
    changed = Job(job.params_file, job.notebook, job.stem, {**job.parameters, "period": "2016-05"})
    assert freshness.stale_reason(changed, root) == "parameters changed"


def test_changed_notebook_makes_it_stale(rendered):
    job, root, _ = rendered
    job.notebook.write_text('{"cells": []}', encoding="utf-8")
    assert freshness.stale_reason(job, root) == "notebook changed"


def test_changed_library_makes_it_stale(rendered, monkeypatch):
    job, root, _ = rendered
    monkeypatch.setattr(freshness, "library_fingerprint", lambda: "0.2.0+0123456789abcdef")
    assert freshness.stale_reason(job, root) == "library changed"


def test_library_fingerprint_names_the_version():
    import scrutiny

    assert freshness.library_fingerprint().startswith(scrutiny.__version__ + "+")


@pytest.mark.parametrize("damage, reason", [
    (lambda html, record: html.unlink(), "not rendered yet"),
    (lambda html, record: record.unlink(), "no render record"),
    (lambda html, record: record.write_text("{not json"), "no render record"),
], ids=["no-html", "no-record", "bad-record"])
def test_report_without_html_or_record_is_stale(rendered, damage, reason):
    job, root, _ = rendered
    damage((root / job.stem).with_suffix(".html"), freshness.record_path(root, job))
    assert freshness.stale_reason(job, root) == reason


def test_report_that_declared_no_inputs_is_always_stale(rendered):
    job, root, _ = rendered
    freshness.record_path(root, job).write_text(freshness.record_text(job, None))
    assert freshness.stale_reason(job, root) == "report lists no input files"


def test_inputs_are_read_from_the_appendix_output_metadata(rendered):
    _, _, data = rendered
    appendix = provenance.appendix([data / "c" / "kpis.csv"], {"period": "2016-06"})
    markup, metadata = appendix._repr_html_()
    assert "c/kpis.csv" in markup and str(data) not in markup  # no local path on the page
    nb = {"cells": [{"outputs": [{"output_type": "display_data", "data": {"text/html": markup},
                                  "metadata": {"text/html": metadata}}]}]}
    digest = freshness.file_sha256(data / "c" / "kpis.csv")
    assert freshness.declared_inputs(json.loads(json.dumps(nb))) == {"c/kpis.csv": digest}
    assert freshness.declared_inputs({"cells": [{"outputs": []}]}) is None


def test_a_missing_pdf_makes_it_stale_only_when_pdfs_are_wanted(rendered):
    job, root, _ = rendered
    both = (".html", ".pdf")
    assert freshness.stale_reason(job, root) is None
    assert freshness.stale_reason(job, root, outputs=both) == "period_report.pdf not written yet"
    (root / job.stem).with_suffix(".pdf").write_bytes(b"%PDF-1.4\n")
    assert freshness.stale_reason(job, root, outputs=both) is None
    (root / job.stem).with_suffix(".html").unlink()
    assert freshness.stale_reason(job, root, outputs=both) == "not rendered yet"
