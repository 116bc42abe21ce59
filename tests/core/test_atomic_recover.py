"""--recover says what it found when an ingest was killed at its very last step."""

from __future__ import annotations

import shutil

from scrutiny.core.atomic import JOURNAL_FILE, STAGING_DIR, StagedFiles, recover


def _commit_without_tidying(folder, files: dict[str, bytes]) -> None:
    """Run a commit to the end but skip the staging folder's removal (a kill at the last step)."""
    staged = StagedFiles(folder)
    staged.__enter__()
    for name, data in files.items():
        staged.write(name, data)
    staged.commit(list(files))


def test_killed_after_the_commit_is_reported_as_completed(tmp_path):
    (tmp_path / "returns.csv").write_bytes(b"old\n")
    _commit_without_tidying(tmp_path, {"returns.csv": b"new\n", "changes.csv": b"log\n"})
    assert not (tmp_path / JOURNAL_FILE).exists() and (tmp_path / STAGING_DIR).exists()
    assert "had completed" in recover(tmp_path)
    assert (tmp_path / "returns.csv").read_bytes() == b"new\n"
    assert not (tmp_path / STAGING_DIR).exists()


def test_killed_before_the_commit_is_reported_as_no_change(tmp_path):
    (tmp_path / "returns.csv").write_bytes(b"old\n")
    staged = StagedFiles(tmp_path)
    staged.__enter__()
    staged.write("returns.csv", b"new\n")
    assert "stopped before changing anything" in recover(tmp_path)
    assert (tmp_path / "returns.csv").read_bytes() == b"old\n"
    shutil.rmtree(tmp_path / STAGING_DIR, ignore_errors=True)


def test_recover_names_the_command_that_was_interrupted(tmp_path):
    from scrutiny.core.atomic import STAGING_DIR, StagedFiles, recover

    (tmp_path / "a.csv").write_text("old\n")
    with StagedFiles(tmp_path, command="mitigate --withdraw") as staged:
        staged.write("a.csv", b"new\n")
        assert (tmp_path / STAGING_DIR).is_dir()
        said = recover(tmp_path)  # as if the process had been killed here
    assert said == ("removed a staging folder left by a mitigate --withdraw that stopped "
                    "before changing anything")
    assert (tmp_path / "a.csv").read_text() == "old\n"
