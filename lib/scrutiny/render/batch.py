"""Rendering reports in batches: parameters files in, committee HTML out.

For each parameters file: validate (before any kernel starts), execute the notebook with papermill
in a worker process, convert with the committee template, and write
``outputs/<target>/<period>/<report>.html`` next to the executed ``.ipynb`` (and, with ``pdf``, the
same page printed as ``<report>.pdf`` by :mod:`scrutiny.render.pdf`). Files are written to a
temporary file in the same folder and moved into place, so a failed or interrupted run never leaves
half a report and never replaces the last good one. A failed report keeps its executed notebook as
``<report>.failed.ipynb`` and the batch carries on. Each report also leaves a small manifest,
``<report>.index.json`` (kind, target, period, title, subtitle, link), from which
``outputs/index.html``, linking every report, is made with a Jinja template.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scrutiny.config import outputs_root
from scrutiny.core.atomic import atomic_write
from scrutiny.exceptions import ParameterError, RenderError, ReportNotWrittenError, ScrutinyError
from scrutiny.load.contract import reuse_loaded_contracts
from scrutiny.render import executors, freshness
from scrutiny.render.kernels import report_kernel, socket_files
from scrutiny.render.warm import with_library_path
from scrutiny.report.params import display_path, load_params, source_date_epoch


@dataclass(frozen=True)
class Job:
    """One validated report to render."""

    params_file: str
    notebook: Path
    stem: Path  # <target>/<period>/<report>, relative to the outputs root
    parameters: dict

    @property
    def name(self) -> str:
        return self.stem.as_posix()


@dataclass(frozen=True)
class Result:
    """How one report went: ``ok``, seconds taken, the HTML written or the reason it failed."""

    job: Job
    ok: bool
    seconds: float
    html: Path | None = None
    failed_notebook: Path | None = None
    error: str = ""
    skipped: bool = False  # up to date (see freshness.stale_reason): nothing was rendered


def plan(paths: Iterable[Path], *, period: str | None = None,
         council: str | None = None) -> list[Job]:
    """Validate parameters files and return the jobs to run, filtered by period and council.

    Raises
    ------
    ParameterError, NoDataForPeriodError
        Before anything runs, naming every invalid file and key.
    """
    source_date_epoch()  # refuse a bad SOURCE_DATE_EPOCH once, before any kernel hangs on it
    with reuse_loaded_contracts():  # one read of each data folder for the whole batch
        return _plan(paths, period=period, council=council)


def _plan(paths: Iterable[Path], *, period: str | None, council: str | None) -> list[Job]:
    jobs, problems = [], []
    for path in paths:
        try:
            params = load_params(path)
        except ScrutinyError as err:
            problems.append(err)
            continue
        if period is not None and params.period != period:
            continue
        if council is not None and council.lower() not in {
                params.target.lower(), *params.target.lower().split("/"),
                Path(path).parent.name.lower()}:
            continue
        name = display_path(path)
        notebook = params.notebook()
        if not notebook.is_file():
            problems.append(ParameterError(
                f"{name}: key 'report': notebook {display_path(notebook)} does not exist"))
            continue
        jobs.append(Job(name, notebook, params.output_stem(),
                        params.notebook_parameters(params_file=name)))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ParameterError(f"{len(problems)} parameters files are invalid:\n"
                             + "\n".join(f"  {p}" for p in problems))
    return sorted(jobs, key=lambda j: j.name)


def _end_with_parent() -> None:
    """Have Linux stop this worker if the render command itself is killed (e.g. ``kill -9``).

    Without it an orphaned worker would finish its report after the command died, then wait
    forever for more work. Its kernel exits on its own when its parent goes.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _remove_stale_runs(folder: Path, name: str) -> None:
    """Delete executed-notebook temp files left by killed runs whose process is gone."""
    for stale in folder.glob(f".{name}.*.running.ipynb"):
        pid = stale.name[len(name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def render_job(job: Job, kernel_name: str, root: Path, pdf: bool = False) -> Result:
    """Execute one report notebook and write its HTML (and PDF, with ``pdf``).

    Never raises for a report's own failure: a notebook error or a PDF that could not be printed
    makes a failed :class:`Result`, and then none of the report's files is replaced.
    """
    # Imported here, in the worker: the command itself needs none of them to plan or skip.
    import nbformat
    import papermill

    from scrutiny.render import committee
    from scrutiny.render.forked_kernel import WarmKernelManager

    started = time.perf_counter()
    target = root / job.stem
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_runs(target.parent, target.name)
    executed = target.parent / f".{target.name}.{os.getpid()}.running.ipynb"
    failed = target.with_suffix(".failed.ipynb")
    try:
        # Written once at the end (and on a cell error), not twice per cell: re-serialising the
        # growing notebook after every cell cost ~1 s of CPU per report. A kernel that dies
        # mid-report leaves no partial notebook, only the error line. The kernel is stopped at
        # once when the notebook is done ("immediate"): every output is already in hand, and a
        # polite shutdown only waits (~0.3 s) for a process that holds nothing of value to tidy up.
        with socket_files() as sockets:
            papermill.execute_notebook(
                str(job.notebook), str(executed), parameters=job.parameters,
                kernel_name=kernel_name, cwd=str(job.notebook.parent), progress_bar=False,
                log_output=False, request_save_on_cell_execute=False,
                kernel_manager_class=WarmKernelManager, shutdown_kernel="immediate", **sockets)
        nb = committee.strip_volatile(nbformat.read(executed, as_version=4))
        page = committee.to_html(nb)
        printed = _print(page, target.with_suffix(".pdf")) if pdf else None  # before any write
        # Downloads first, so the page never links to a file that is not there yet. The record
        # last, so a report whose HTML was not written is never taken for up to date.
        writes = [*((target.parent / name, text)
                    for name, text in committee.attached_files(nb).items()),
                  (target.with_suffix(".ipynb"), nbformat.writes(nb) + "\n"),
                  *([(target.with_suffix(".pdf"), printed)] if printed is not None else []),
                  (target.with_suffix(".html"), page),
                  (manifest_path(root, job),
                   json.dumps(manifest(job, committee.document_metadata(nb)), indent=1) + "\n"),
                  (freshness.record_path(root, job),
                   freshness.record_text(job, freshness.declared_inputs(nb)))]
        write_all(writes, root)
        if printed is None:  # an older PDF no longer shows what the HTML shows
            target.with_suffix(".pdf").unlink(missing_ok=True)
        failed.unlink(missing_ok=True)
        return Result(job, True, time.perf_counter() - started, html=target.with_suffix(".html"))
    except Exception as err:  # noqa: BLE001 - one report's failure must not stop the batch
        kept = None
        if executed.exists():
            os.replace(executed, failed)
            kept = failed
        return Result(job, False, time.perf_counter() - started, failed_notebook=kept,
                      error=_one_line(err))
    finally:
        executed.unlink(missing_ok=True)


def _print(page: str, path: Path) -> bytes:
    """Return the PDF of ``page``, or raise RenderError naming ``path`` as not written."""
    from scrutiny.render.pdf import html_to_pdf

    try:
        return html_to_pdf(page)
    except Exception as err:  # noqa: BLE001 - any failure of the browser fails this report
        raise RenderError(f"{path.name} not written: Chromium could not print the report "
                          f"({_one_line(err)})") from err


def write_all(writes: Sequence[tuple[Path, str | bytes]], root: Path) -> None:
    """Write each ``(path, text)`` atomically, in order; on a refusal say what is missing.

    The old render record goes first (unlinking needs no space), so whatever the disk refuses
    the report is never taken for up to date: a later render makes it again.

    Raises
    ------
    ReportNotWrittenError
        A write failed (disk full, read-only, permissions): names what was written and what
        was not. Files not yet written keep their last good content.
    """
    writes[-1][0].unlink(missing_ok=True)
    for number, (path, text) in enumerate(writes):
        try:
            atomic_write(path, text)
        except OSError as err:
            done = [_shown(p, root) for p, _ in writes[:number]]
            missing = [_shown(p, root) for p, _ in writes[number:]]
            raise ReportNotWrittenError(
                f"could not write {_shown(path, root)}: {err.strerror or err}; not written: "
                f"{', '.join(missing)}" + (f" (written: {', '.join(done)})" if done else "")
                + "; free space or fix permissions and render again (the report counts as "
                "out of date)") from err


def _one_line(err: Exception) -> str:
    name = getattr(err, "ename", None) or type(err).__name__
    detail = getattr(err, "evalue", None) or str(err)
    cell = getattr(err, "exec_count", None)
    where = f" in cell {cell}" if cell else ""
    text = " ".join(str(detail).split())
    # A toolkit error is written to be read whole (e.g. every file a full disk left unwritten).
    return f"{name}{where}: {text if isinstance(err, ScrutinyError) else text[:300]}"


def render(jobs: Sequence[Job], *, workers: int = 1, kernel: str | None = None,
           root: Path | None = None, progress: bool = True, force: bool = False,
           executor: str = "local", scheduler: str | None = None,
           pdf: bool = False) -> list[Result]:
    """Render the out-of-date ``jobs`` in parallel workers, then rewrite ``index.html``.

    Parameters
    ----------
    jobs : sequence of Job
        From :func:`plan`.
    workers : int
        Worker processes (each runs one kernel at a time).
    kernel : str, optional
        Kernel name; by default the kernel of this interpreter (see :mod:`scrutiny.render.kernels`).
    root : pathlib.Path, optional
        Outputs folder; default :func:`scrutiny.config.outputs_root`.
    progress : bool
        Show a progress bar on stderr.
    force : bool
        Render every job, even those up to date (:func:`freshness.stale_reason`).
    executor : {"local", "dask"}
        A local process pool, or a Dask cluster (see :mod:`scrutiny.render.executors`).
    scheduler : str, optional
        Dask scheduler address; without one, ``"dask"`` starts a local cluster.
    pdf : bool
        Also print each report as ``<report>.pdf`` beside its HTML; a report whose PDF is
        missing is then out of date. Without it, a re-rendered report's old PDF is removed.

    Returns
    -------
    list of Result
        In the order of ``jobs``; up-to-date reports are ``skipped`` and left untouched.

    Raises
    ------
    PdfConverterError
        With ``pdf``, before anything runs, when there is no Chromium to print with.
    """
    root = Path(root) if root is not None else outputs_root()
    root.mkdir(parents=True, exist_ok=True)
    outputs = (".html", ".pdf") if pdf else (".html",)
    results = {job.name: Result(job, True, 0.0, html=(root / job.stem).with_suffix(".html"),
                                skipped=True)
               for job in jobs
               if not force and freshness.stale_reason(job, root, outputs=outputs) is None}
    todo = [job for job in jobs if job.name not in results]
    if todo and pdf:
        from scrutiny.render.pdf import find_browser

        find_browser()
    if todo:
        results.update((r.job.name, r) for r in _run(todo, workers=workers, kernel=kernel,
                                                     root=root, progress=progress,
                                                     executor=executor, scheduler=scheduler,
                                                     pdf=pdf))
    if todo or not (root / "index.html").exists():
        write_index(root)
    return [results[job.name] for job in jobs]


def _run(jobs: Sequence[Job], *, workers: int, kernel: str | None, root: Path, progress: bool,
         executor: str, scheduler: str | None, pdf: bool) -> Iterable[Result]:
    from tqdm import tqdm

    with_library_path()
    with report_kernel(kernel) as kernel_name, \
            tqdm(total=len(jobs), file=sys.stderr, unit="report", disable=not progress,
                 desc="rendering") as bar:
        render_one = functools.partial(render_job, kernel_name=kernel_name, root=root, pdf=pdf)
        if executor == "dask":
            done = executors.run_dask(render_one, jobs, workers=workers, scheduler=scheduler,
                                      on_crash=_crashed)
        else:  # no more workers than reports
            done = _local_batch(render_one, jobs, min(workers, len(jobs)), kernel_name)
        for result in done:
            bar.update(1)
            yield result


def _local_batch(render_one, jobs: Sequence[Job], workers: int,
                 kernel_name: str) -> Iterator[Result]:
    """Run ``jobs`` with one kernel template for the batch (the command's, if it started one),
    here when ``workers`` is 1, else in a pool of worker processes forked from this one."""
    from scrutiny.render.warm import shared_template

    with shared_template(kernel_name=kernel_name):
        if len(jobs) == 1:  # here: a worker process would only add its start and end (~0.5 s)
            yield render_one(jobs[0])
            return
        yield from executors.run_local(render_one, jobs, workers=workers,
                                       initializer=_end_with_parent)


def _crashed(job: Job, err: BaseException) -> Result:
    """The result of a job whose worker died or could not run it."""
    return Result(job, False, 0.0, error=_one_line(err))


def summary_lines(results: Sequence[Result], wall_seconds: float) -> list[str]:
    """Return one line per report (ok/FAILED, time, where) and a totals line."""
    root = outputs_root()
    lines = []
    for r in results:
        if r.skipped:
            lines.append(f"fresh   {r.job.name:<58}   up to date")
        elif r.ok:
            lines.append(f"ok      {r.job.name:<58} {r.seconds:6.1f}s")
        else:
            kept = f" (kept {_shown(r.failed_notebook, root)})" if r.failed_notebook else ""
            lines.append(f"FAILED  {r.job.name:<58} {r.seconds:6.1f}s  {r.error}{kept}")
    failed = sum(not r.ok for r in results)
    fresh = sum(r.skipped for r in results)
    skipped = f", {fresh} up to date (not rendered)" if fresh else ""
    lines.append(f"{len(results)} report{'s' if len(results) != 1 else ''}: "
                 f"{len(results) - failed - fresh} ok, {failed} failed{skipped}, "
                 f"in {wall_seconds:.1f}s")
    return lines


def _shown(path: Path, root: Path) -> str:
    try:
        return (Path(root.name) / path.relative_to(root)).as_posix()
    except ValueError:
        return path.name


#: Beside each report: ``<report>.index.json``, what the index says of it (see :func:`manifest`).
MANIFEST_SUFFIX = ".index.json"
INDEX_TEMPLATE = "index/index.html.j2"


def manifest(job: Job, metadata: dict) -> dict[str, str]:
    """What the index needs to know of a rendered report, from its job and display metadata.

    Parameters
    ----------
    job : Job
        The report rendered.
    metadata : dict
        :func:`scrutiny.render.committee.document_metadata` of the executed notebook: the title
        and subtitle its title block declared.

    Returns
    -------
    dict
        ``kind, target, period, title, subtitle, link`` (``link`` relative to the outputs root).
    """
    from scrutiny.report.html import SUBTITLE_KEY, TITLE_KEY

    return {"kind": job.stem.name, "target": job.stem.parent.parent.as_posix(),
            "period": job.stem.parent.name,
            "title": metadata.get(TITLE_KEY) or job.stem.name,
            "subtitle": metadata.get(SUBTITLE_KEY) or "",
            "link": job.stem.with_suffix(".html").as_posix()}


def manifest_path(root: Path, job: Job) -> Path:
    """Return where ``job``'s manifest is kept: ``<target>/<period>/<report>.index.json``."""
    return (Path(root) / job.stem).with_suffix(MANIFEST_SUFFIX)


@dataclass(frozen=True)
class IndexEntry:
    """One report in the index: its folder under the outputs root, link and page titles."""

    group: str  # first folder under the outputs root: one contract, service or portfolio
    link: str
    title: str
    subtitle: str

    @property
    def group_heading(self) -> str:
        """``Corporate Support Services contract (Lincolnshire County Council and Serco)``."""
        subject = self.title.split(": ", 1)[0] if ": " in self.title else self.group
        return f"{subject} ({self.subtitle})" if self.subtitle else subject

    @property
    def link_text(self) -> str:
        """The title without its subject, e.g. ``Performance report for June 2016``."""
        rest = self.title.split(": ", 1)[-1]
        return rest[:1].upper() + rest[1:]


def index_entries(root: Path) -> list[IndexEntry]:
    """Return one entry per report manifest under ``root`` whose HTML exists, in link order.

    A manifest that cannot be read (hand-edited, truncated) is left out, never fatal: the index
    only links to reports.
    """
    entries = []
    for path in root.rglob(f"*{MANIFEST_SUFFIX}"):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            entry = IndexEntry(str(record["link"]).split("/", 1)[0], str(record["link"]),
                               str(record["title"]), str(record["subtitle"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if (root / entry.link).is_file():
            entries.append(entry)
    return sorted(entries, key=lambda e: e.link)


def write_index(root: Path) -> Path:
    """Write ``index.html`` linking every report under ``root`` (relative links), atomically."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from scrutiny.report import html as report

    # committee.TEMPLATES_DIR, without importing nbconvert, nbformat and bs4 for one page.
    templates = Path(__file__).parent / "templates"

    groups: dict[str, list[IndexEntry]] = {}
    for entry in index_entries(root):
        groups.setdefault(entry.group, []).append(entry)
    environment = Environment(loader=FileSystemLoader(templates),
                              autoescape=select_autoescape(("html.j2",)),
                              keep_trailing_newline=True)
    page = environment.get_template(INDEX_TEMPLATE).render(
        stylesheet=Markup(report.stylesheet()),  # the toolkit's own CSS, not data
        groups=[(items[0].group_heading, items) for items in groups.values()])
    index = root / "index.html"
    try:
        atomic_write(index, page)
    except OSError as err:  # name the index: a full disk's error names no file
        raise OSError(err.errno, err.strerror or str(err), str(index)) from err
    return index
