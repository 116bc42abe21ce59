"""The scored-contract cache gives exactly what load_contract + score give, or nothing.

Equality is :func:`scrutiny.score.cache.identical`: frames value by value, with dtypes, index,
categories and the type of every missing value (None is not NaN), and every field of the contract.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrutiny.config import PROJECT_ROOT
from scrutiny.core.atomic import JOURNAL_FILE
from scrutiny.exceptions import IngestError, InputValidationError
from scrutiny.load.contract import load_contract
from scrutiny.load.folder import CONTRACT_FILES
from scrutiny.load.schedule import today
from scrutiny.score import cache
from scrutiny.score.cache import (
    CACHE_ENV,
    cache_folder,
    cache_key,
    cached_scores,
    identical,
    read_entry,
    scored_contract,
    write_entry,
)
from scrutiny.score.scoring import score, summary_counts

DATA = PROJECT_ROOT / "data"
CSS = "lincolnshire-css"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    """Every test keeps its cache in a folder of its own (never data/<contract>/.cache)."""
    where = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(where))
    return where


def fresh(name: str, root: Path | None = None):
    contract = load_contract(name, root)
    return contract, score(contract)


def entries(name: str, root: Path) -> list[Path]:
    store = cache_folder(root / name)
    if not store.exists():
        return []
    return sorted(p for p in store.iterdir() if not p.name.startswith("."))


# -- identical with and without the cache ----------------------------------------------------------

def test_lincolnshire_cached_is_identical_to_fresh():
    expected = fresh(CSS, DATA)
    built = scored_contract(CSS, DATA)   # miss: computed, then kept
    kept = scored_contract(CSS, DATA)    # hit: read back from Parquet
    assert len(entries(CSS, DATA)) == 1
    assert identical(expected, built)
    assert identical(expected, kept)
    assert kept[0] is not built[0]
    scores = kept[1]
    assert len(scores) == 516
    # NaN stays NaN (not None) in object columns, categories stay categories.
    assert isinstance(scores["glide_reason"].iloc[0], float)
    assert scores["rag"].dtype == expected[1]["rag"].dtype


def test_cached_scores_give_the_same_summary_as_the_contract():
    contract, scores = fresh(CSS, DATA)
    for _ in range(2):  # the miss, then the hit
        info, cached = cached_scores(CSS, DATA)
        assert info == contract.info.model_dump(mode="json")
        assert identical(scores, cached)
        assert list(info["services"]) == list(contract.info.services)


def test_summary_command_prints_the_same_with_and_without_cache(tmp_path):
    env = {**os.environ, "SCRUTINY_DATA": str(DATA), "PYTHONPATH": str(PROJECT_ROOT / "lib")}

    def summary(cache_setting: str) -> str:
        done = subprocess.run([sys.executable, "-m", "scrutiny", "summary", "--contract", CSS],
                              env={**env, CACHE_ENV: cache_setting}, capture_output=True,
                              text=True, check=True)
        return done.stdout

    without = summary("off")
    cached = str(tmp_path / "cli-cache")
    assert summary(cached) == without      # miss
    assert summary(cached) == without      # hit
    assert any(Path(cached).rglob("manifest.json"))


def test_cache_off_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    assert cache_folder(DATA / CSS) is None
    assert identical(scored_contract(CSS, DATA), fresh(CSS, DATA))


def test_default_cache_is_the_contract_folders_own(css_copy, monkeypatch):
    monkeypatch.delenv(CACHE_ENV)
    scored_contract(CSS, css_copy)
    assert list((css_copy / CSS / ".cache" / "scored").glob("*/manifest.json"))


# -- a generated contract: property test -----------------------------------------------------------

SERVICES = {"A": "Service A", "B": "Service B, with a comma"}
MONTHS = [f"2020-{m:02d}" for m in range(1, 7)]
WORDS = ["Mitigation Agreed", "Not Measured", "Data not available", "Data not agreed", ""]


@st.composite
def contract_files(draw) -> dict[str, str]:
    """The text of a valid contract folder: KPIs, returns with gaps, maybe overrides and glides."""
    n = draw(st.integers(1, 5))
    kpis, returns, overrides, glides = [], [], [], []
    for i in range(n):
        kpi = f"K_{i:02d}"
        service = draw(st.sampled_from(sorted(SERVICES)))
        higher = draw(st.booleans())
        tsl, msl = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)),
                          reverse=higher)
        start = draw(st.sampled_from(MONTHS[:3]))
        kpis.append([kpi, service, f"KPI {i} \"quoted\", é", "M", tsl, msl,
                     "higher" if higher else "lower", "percent", start, ""])
        for month in MONTHS:
            if month < start or draw(st.integers(0, 5)) == 0:
                continue  # a KPI-month not in the return
            value = draw(st.one_of(
                st.sampled_from(WORDS),
                st.decimals(0, 100, places=2, allow_nan=False).map(lambda d: f"{d:.2f}")))
            note = draw(st.sampled_from(["", "*", "note, with comma"]))
            returns.append([kpi, month, value, note])
        if draw(st.booleans()):
            low, high = sorted(draw(st.lists(st.sampled_from(MONTHS), min_size=2, max_size=2)))
            overrides.append([kpi, low, high, tsl, msl, "revised by agreement"])
        if draw(st.integers(0, 3)) == 0:
            glides.append([kpi, service, MONTHS[0], MONTHS[1], "initial glide"])
    files = {
        "contract.yaml": "contract: generated\ntitle: Generated contract\ncouncil: A Council\n"
                         "supplier: A Supplier\nservice_commencement: 2019-04-01\nservices:\n"
                         + "".join(f"  {k}: {v!r}\n" for k, v in SERVICES.items()),
        "kpis.csv": _csv(["kpi_id", "service", "description", "frequency", "tsl", "msl",
                          "direction", "unit", "effective_from", "effective_to"], kpis),
        "returns.csv": _csv(["kpi_id", "month", "value", "footnote"], returns),
    }
    if overrides:
        files["overrides.csv"] = _csv(["kpi_id", "from_month", "to_month", "tsl", "msl",
                                       "reason"], overrides)
    if glides:
        files["glides.csv"] = _csv(["kpi_id", "service", "from_month", "to_month", "reason"],
                                   glides)
    return files


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=contract_files())
def test_generated_contract_cached_is_identical_to_fresh(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("data")
    folder = root / "generated"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    expected = fresh("generated", root)
    assert identical(scored_contract("generated", root), expected)
    assert len(entries("generated", root)) == 1
    assert identical(scored_contract("generated", root), expected)


# -- what invalidates an entry ---------------------------------------------------------------------

def test_an_edited_input_invalidates_the_entry(css_copy):
    before = scored_contract(CSS, css_copy)
    returns = css_copy / CSS / "returns.csv"
    lines = returns.read_text(encoding="utf-8").splitlines(keepends=True)
    kpi, month, value, *rest = lines[1].rstrip("\n").split(",")
    lines[1] = ",".join([kpi, month, "0.00", *rest]) + "\n"
    returns.write_text("".join(lines), encoding="utf-8")

    after = scored_contract(CSS, css_copy)
    assert identical(after, fresh(CSS, css_copy))
    row = after[1][(after[1]["kpi_id"] == kpi) & (after[1]["month"] == pd.Period(month, "M"))]
    assert row["value"].tolist() == [0.0]
    assert not identical(before[1], after[1])
    assert len(entries(CSS, css_copy)) == 2


@pytest.mark.parametrize("name", CONTRACT_FILES)
def test_every_input_file_is_in_the_key_present_or_absent(css_copy, name):
    folder = css_copy / CSS
    key = cache_key(folder, today())
    path = folder / name
    if path.exists():
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert cache_key(folder, today()) != key, f"editing {name} must change the key"
        path.unlink()
        assert cache_key(folder, today()) != key, f"deleting {name} must change the key"
        path.write_bytes(original)
    else:
        path.write_text("", encoding="utf-8")
        assert cache_key(folder, today()) != key, f"creating {name} must change the key"
        path.unlink()
    assert cache_key(folder, today()) == key


def test_the_key_covers_every_file_that_loading_and_scoring_open(css_copy):
    """Whatever load_contract + score read in the folder must be in CONTRACT_FILES (the key)."""
    folder = (css_copy / CSS).resolve()
    opened: set[str] = set()

    def hook(event: str, args: tuple) -> None:
        if event in ("open", "os.listdir", "os.scandir") and args and args[0] is not None:
            try:
                path = Path(os.fsdecode(args[0])).resolve()
            except (TypeError, ValueError):
                return
            if path != folder and folder in path.parents:
                opened.add(path.relative_to(folder).as_posix())

    sys.addaudithook(hook)  # cannot be removed: it only records while `opened` is collected
    contract = load_contract(CSS, css_copy)
    score(contract)
    seen = set(opened)
    assert seen, "the hook saw no file opened"
    assert seen <= set(CONTRACT_FILES), f"read but not in the key: {seen - set(CONTRACT_FILES)}"


def test_the_date_scored_as_of_is_in_the_key(css_copy):
    """Which months' returns are overdue depends on the date: another date, another entry."""
    folder = css_copy / CSS
    assert cache_key(folder, date(2016, 7, 1)) != cache_key(folder, date(2016, 7, 2))
    for day in (date(2016, 7, 1), date(2016, 9, 30)):
        expected = load_contract(CSS, css_copy, as_of=day)
        expected = expected, score(expected)
        assert identical(scored_contract(CSS, css_copy, as_of=day), expected)
        assert identical(scored_contract(CSS, css_copy, as_of=day), expected)
    assert len(entries(CSS, css_copy)) == 2


def test_library_source_is_in_the_key(css_copy, monkeypatch):
    key = cache_key(css_copy / CSS, today())
    monkeypatch.setattr(cache, "library_digest", lambda: "another library")
    assert cache_key(css_copy / CSS, today()) != key


def test_a_moved_folder_gets_its_own_entry(css_copy, tmp_path):
    scored_contract(CSS, css_copy)
    moved = tmp_path / "moved"
    shutil.copytree(css_copy, moved)
    contract, _ = scored_contract(CSS, moved)
    assert contract.folder == moved / CSS
    assert identical(scored_contract(CSS, moved), fresh(CSS, moved))


# -- damaged entries are ignored -------------------------------------------------------------------

def _entry(root: Path) -> Path:
    (entry,) = entries(CSS, root)
    return entry


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "delete", "swap parts",
                                    "edit manifest", "garbage manifest", "other key"])
def test_a_damaged_entry_is_ignored_and_rebuilt(damage, css_copy):
    expected = fresh(CSS, css_copy)
    scored_contract(CSS, css_copy)
    entry = _entry(css_copy)
    part = entry / "scored.parquet"
    manifest = entry / "manifest.json"
    if damage == "flip a byte":
        data = bytearray(part.read_bytes())
        data[len(data) // 2] ^= 0xFF
        part.write_bytes(bytes(data))
    elif damage == "truncate":
        part.write_bytes(part.read_bytes()[:100])
    elif damage == "delete":
        part.unlink()
    elif damage == "swap parts":
        shutil.copy(entry / "returns.parquet", part)
    elif damage == "edit manifest":  # a changed figure without a matching checksum
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace("Corporate Support", "Corporate Supplied"),
                            encoding="utf-8")
    elif damage == "garbage manifest":
        manifest.write_bytes(b"\x00not json")
    else:
        body = json.loads(manifest.read_text(encoding="utf-8"))
        body["body"]["key"] = "0" * 64
        manifest.write_text(json.dumps(body), encoding="utf-8")

    key = cache_key(css_copy / CSS, today())
    assert read_entry(entry, key) is None
    assert identical(scored_contract(CSS, css_copy), expected)
    info, scores = cached_scores(CSS, css_copy)
    assert info["title"] == expected[0].info.title
    assert identical(scores, expected[1])


def test_a_valid_contract_that_parquet_cannot_carry_is_not_kept(tmp_path):
    contract, scores = fresh(CSS, DATA)
    mixed = scores.assign(footnote=pd.Series(["x", None, np.nan] * (len(scores) // 3),
                                             dtype=object))
    assert len(mixed) == len(scores)
    assert not write_entry(tmp_path / "store", "k" * 64, contract, mixed)
    assert not (tmp_path / "store" / ("k" * 64)).exists()


# -- errors, journals and concurrency --------------------------------------------------------------

def test_an_invalid_contract_is_refused_every_time(css_copy):
    kpis = css_copy / CSS / "kpis.csv"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace(",higher,", ",upwards,", 1),
                    encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputValidationError, match="kpis.csv"):
            scored_contract(CSS, css_copy)
    assert entries(CSS, css_copy) == []


def test_an_interrupted_ingest_is_refused_even_with_an_entry(css_copy):
    scored_contract(CSS, css_copy)
    (css_copy / CSS / JOURNAL_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(IngestError, match="--recover"):
        scored_contract(CSS, css_copy)
    with pytest.raises(IngestError, match="--recover"):
        cached_scores(CSS, css_copy)


def test_writers_at_once_leave_one_complete_entry(css_copy):
    contract, scores = fresh(CSS, css_copy)
    folder = css_copy / CSS
    store, key = cache_folder(folder), cache_key(folder, today())
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(
        write_entry(store, key, contract, scores))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 4
    assert [p.name for p in store.iterdir()] == [key]  # no temporary folder left behind
    assert identical(read_entry(store / key, key), (contract, scores))


def test_two_processes_at_once(css_copy, cache_dir):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "lib"), CACHE_ENV: str(cache_dir)}
    code = ("import sys; from scrutiny.score.cache import scored_contract; "
            f"c, s = scored_contract({CSS!r}, sys.argv[1]); print(len(s))")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(css_copy)], env=env,
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    assert [run.communicate()[0].strip() for run in runs] == ["516", "516"]
    assert [run.returncode for run in runs] == [0, 0]
    assert identical(scored_contract(CSS, css_copy), fresh(CSS, css_copy))
    assert len(entries(CSS, css_copy)) == 1


def test_old_entries_are_pruned(css_copy):
    returns = css_copy / CSS / "returns.csv"
    original = returns.read_text(encoding="utf-8")
    for i in range(cache.KEEP + 2):
        returns.write_text(original + ("\n" * i), encoding="utf-8")
        scored_contract(CSS, css_copy)
    assert len(entries(CSS, css_copy)) == cache.KEEP


def test_summary_counts_of_cached_scores_reproduce_the_published_figures():
    info, scores = cached_scores(CSS, DATA)
    info, scores = cached_scores(CSS, DATA)
    counts = summary_counts(scores, list(info["services"]))
    assert int(counts.loc[counts["service"] == "ALL", "total"].sum()) == 516


def test_summary_on_a_kept_entry_imports_neither_pandera_nor_pydantic(tmp_path, cache_dir):
    """What makes ``scrutiny summary`` fast: a hit reads two parts and no loader is imported."""
    env = {**os.environ, "SCRUTINY_DATA": str(DATA), "PYTHONPATH": str(PROJECT_ROOT / "lib"),
           CACHE_ENV: str(cache_dir)}
    command = [sys.executable, "-X", "importtime", "-m", "scrutiny", "summary", "--contract", CSS]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert " pandera" in first.stderr  # the miss validated the CSV files
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert second.stdout == first.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in second.stderr.splitlines()}
    assert not {m for m in imported if m.split(".")[0] in ("pandera", "pydantic", "scipy",
                                                            "matplotlib")}
