"""Helpers for tests that run the real ``scrutiny render`` command in a child process.

The child imports this checkout's library (``PYTHONPATH``), writes into a throw-away outputs folder
(``SCRUTINY_OUTPUTS``) and keeps its temporary files (kernelspec, connection files) under the test's
own folder (``TMPDIR``), so an interrupted run cannot litter the machine's /tmp.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

import scrutiny
from scrutiny.config import PROJECT_ROOT
from scrutiny.report.params import find_params, load_params

DATA = PROJECT_ROOT / "data"
#: Debian's Chromium, which the browser tests drive through playwright.
CHROMIUM = Path("/usr/bin/chromium")
# As in the team's html-check tool: no sandbox (containers), nothing phoning home.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PARAMS = PROJECT_ROOT / "params" / "lincolnshire-css"
NOTEBOOKS = PROJECT_ROOT / "notebooks"
#: CSS periods every session renders once (two, so "the month before" is exercised); the newest
#: parameters file of every other kind of report is rendered too.
REAL_PERIODS = ("2016-05", "2016-06")

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
HOSTILE = "hostile-css"
#: Text from data that a browser would run or render as markup if it were not escaped. Each has
#: its own marker word so a test can tell which field reached the page.
PAYLOADS = {
    "title": f"Corporate Support Services TitleMarker {SCRIPT} contract",
    "council": 'Lincolnshire <b onmouseover="alert(2)">CouncilMarker</b> County Council',
    "supplier": "Serco <img src=x onerror=alert(3)> SupplierMarker",
    "service": f"Customer Service Centre ServiceMarker {SCRIPT}",
    "override": f"OverrideMarker {SCRIPT} & <i>agreed</i> <img src=x onerror=alert(4)>",
    "description": f"<b>DescriptionMarker</b> {SCRIPT}",
    "mitigation": f"MitigationMarker {SCRIPT}",
    "glide": f"GlideMarker {SCRIPT}",
    "footnote": f"FootnoteMarker {SCRIPT}",
}


@dataclass(frozen=True)
class Site:
    """A rendered outputs folder: the real reports and the report made from hostile data."""

    root: Path
    data: Path
    real: tuple[Path, ...]  # the CSS periods
    hostile: Path

    def pages(self) -> list[Path]:
        """Every HTML page under the outputs folder, reports and index alike."""
        return sorted(self.root.glob("**/*.html"))


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the first occurrence of ``old`` in a file, failing if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def hostile_contract(data_root: Path) -> Path:
    """Copy the CSS contract to ``data_root/hostile-css`` with markup in every free-text field."""
    folder = data_root / HOSTILE
    shutil.copytree(DATA / "lincolnshire-css", folder)
    replace_in(folder / "contract.yaml", "contract: lincolnshire-css", f"contract: {HOSTILE}")
    replace_in(folder / "contract.yaml", "title: Corporate Support Services contract",
               f"title: '{PAYLOADS['title']}'")
    replace_in(folder / "contract.yaml", "council: Lincolnshire County Council",
               f"council: '{PAYLOADS['council']}'")
    replace_in(folder / "contract.yaml", "supplier: Serco", f"supplier: '{PAYLOADS['supplier']}'")
    replace_in(folder / "contract.yaml", "CSC: Customer Service Centre",
               f"CSC: '{PAYLOADS['service']}'")
    replace_in(folder / "overrides.csv", "Revised change is TSL 95% and MSL 90%",
               PAYLOADS["override"])
    kpis = pd.read_csv(folder / "kpis.csv", dtype=str, keep_default_na=False)
    kpis["description"] += " " + PAYLOADS["description"]  # wherever a description is shown
    kpis.to_csv(folder / "kpis.csv", index=False)
    # CSC_KPI_04 is Blue in June 2016 by the council's decision (mitigation_reasons.csv), so the
    # exceptions register shows that decision's reason: make it the payload.
    reasons = pd.read_csv(folder / "mitigation_reasons.csv", dtype=str, keep_default_na=False)
    june = (reasons["kpi_id"] == "CSC_KPI_04") & (reasons["from_month"] == "2016-06")
    assert june.sum() == 1
    reasons.loc[june, "reason"] = PAYLOADS["mitigation"]
    reasons.to_csv(folder / "mitigation_reasons.csv", index=False)
    replace_in(folder / "glides.csv", "The IMT overview", f"{PAYLOADS['glide']} The IMT overview")
    replace_in(folder / "returns.csv", "CSC_KPI_09,2016-06,99.35,*",
               f"CSC_KPI_09,2016-06,99.35,{PAYLOADS['footnote']}")
    # returns.csv now differs from the stored return: drop the store, as for a contract
    # transcribed before it (else render refuses the evidence, rightly; tests/cli/test_evidence)
    (folder / "receipts.csv").unlink()
    shutil.rmtree(folder / "returns")
    return folder


def child_env(tmp: Path, **overrides: str) -> dict[str, str]:
    """Environment for a child ``scrutiny`` process: this checkout's library, temp files in tmp."""
    library = str(Path(scrutiny.__file__).resolve().parents[1])
    scratch = tmp / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRUTINY_")}
    env.pop("SOURCE_DATE_EPOCH", None)
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [library, env.get("PYTHONPATH")])),
               TMPDIR=str(scratch), **overrides)
    return env


def render_command(*params_files: Path, jobs: int = 1) -> list[str]:
    """The ``scrutiny render`` command line for ``params_files``."""
    return [sys.executable, "-m", "scrutiny", "render", *map(str, params_files),
            "--jobs", str(jobs), "--no-progress"]


def _default_sigint() -> None:
    # A child started from a non-interactive shell inherits SIGINT ignored; Ctrl-C must count.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_render(*params_files: Path, env: dict[str, str], jobs: int = 1) -> subprocess.Popen:
    """Start ``scrutiny render`` in its own process group (so a test can signal the group)."""
    return subprocess.Popen(render_command(*params_files, jobs=jobs), env=env, cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, preexec_fn=_default_sigint)


def real_params() -> list[Path]:
    """The CSS periods and the newest parameters file of every other kind of report, so a new
    kind of report is rendered (and opened in the browser) as soon as it has parameters."""
    chosen = [PARAMS / f"{period}.yaml" for period in REAL_PERIODS]
    kinds = {load_params(p, check_data=False).report for p in chosen}
    newest: dict[str, tuple[str, Path]] = {}
    for path in find_params(PROJECT_ROOT / "params"):
        params = load_params(path, check_data=False)
        if params.report not in kinds:
            newest[params.report] = max(newest.get(params.report, ("", path)),
                                        (params.period, path))
    return chosen + [path for _, path in newest.values()]


def render_site(base: Path) -> Site:
    """Render the real reports and the hostile-data report with the real command, once."""
    data = base / "data"
    shutil.copytree(DATA, data)
    hostile_contract(data)
    hostile_params = base / "params" / HOSTILE / "2016-06.yaml"
    hostile_params.parent.mkdir(parents=True)
    hostile_params.write_text(f"report: period_report\ncontract: {HOSTILE}\nperiod: 2016-06\n",
                              encoding="utf-8")
    root = base / "outputs"
    files = [*real_params(), hostile_params]
    jobs = min(len(files), os.cpu_count() or 1)
    done = subprocess.run(render_command(*files, jobs=jobs), cwd=PROJECT_ROOT, text=True,
                          capture_output=True, timeout=300,
                          env=child_env(base, SCRUTINY_OUTPUTS=str(root),
                                        SCRUTINY_DATA=str(data)))
    assert done.returncode == 0, f"scrutiny render failed:\n{done.stdout}\n{done.stderr}"
    real = tuple(root / "lincolnshire-css" / p / "period_report.html" for p in REAL_PERIODS)
    return Site(root, data, real, root / HOSTILE / "2016-06" / "period_report.html")


def slow_notebooks(folder: Path, marker: Path, *, seconds: int = 120) -> Path:
    """A copy of the report notebooks whose period report, right after its parameters, touches
    ``marker`` and then sleeps: a run is reliably mid-render while the marker exists."""
    folder.mkdir(parents=True)
    for path in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    nb = nbformat.read(NOTEBOOKS / "period_report.ipynb", as_version=4)
    parameters = next(i for i, c in enumerate(nb.cells)
                      if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(parameters + 1, nbformat.v4.new_code_cell(
        f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\ntime.sleep({seconds})"))
    nbformat.write(nb, folder / "period_report.ipynb")
    return folder


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_sections(html: str, sections) -> None:
    """Every section is an h2 in the page, linked from the contents list, in this order."""
    nav = html.split("<nav", 1)[1].split("</nav>")[0]
    listed = re.findall(r'<a href="#([a-z0-9-]+)">([^<]+)</a>', nav)
    assert [text for _, text in listed] == [s.replace("&", "&amp;") for s in sections]
    for anchor, text in listed:
        assert f'<h2 id="{anchor}">{text}</h2>' in html


def table_rows(markup: str, caption: str) -> list[list[str]]:
    """The body rows of the table captioned ``caption`` (as escaped in the markup), cell texts."""
    table = markup.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]
