"""Run the section notebooks of one unit-year and export them: the engine behind ``nianbao report``.

Layout of a run (``OUT`` is ``outputs/`` by default)::

    OUT/<unit>/<year>/NN_name.ipynb         executed notebook of a good run
    OUT/<unit>/<year>/NN_name.html|.pdf     its exports
    OUT/<unit>/<year>/NN_name.failed.ipynb  executed notebook of a failed run, for inspection
    OUT/<unit>/<year>/report.html|.pdf      the whole report (only when every part succeeded)

The data is checked first (:func:`nianbao.rules.check.report_gate`): data that breaks a rule is
refused unless ``force``. Each section is then executed with papermill and exported in memory
(:mod:`nianbao.run.execute`); only when all of its outputs are ready are they moved into place,
each atomically. A reader therefore never sees a half-written file, and a failed run never
replaces the outputs of an earlier good run. Stopped (Ctrl-C, SIGTERM), the run kills its
workers and removes their temporary files before it exits; killed (SIGKILL), its workers and
kernels die with it (:mod:`nianbao.run.lifeline`) and the next run in the folder removes what
they left.

Sections run in worker processes (:func:`default_workers`, :mod:`nianbao.run.worker`), each with a warm
kernel reused between its sections while they succeed (:mod:`nianbao.run.kernels`).
:mod:`nianbao.run.scheduler` hands them the work: every execution first, then the combined
report's PDF beside the sections' PDFs. A section that fails does not stop the others; its result
names the notebook, the cell and the error. ``nianbao batch`` (:mod:`nianbao.batch`) runs many
unit-years on the same kind of workers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from nianbao.atomic import remove_stale
from nianbao.data.store import DataStore
from nianbao.roots import resolve_data_dir
from nianbao.rules.check import report_gate
from nianbao.run import worker
from nianbao.run.execute import DEFAULT_CELL_TIMEOUT, NotebookTask, write_combined
from nianbao.run.layout import report_folder
from nianbao.run.manifest import check_same_data, write_manifest
from nianbao.run.notebooks import ReportSpec, Section, check_formats, read_spec, resolve_kernel, select_sections
from nianbao.run.results import NotebookResult, ReportResult
from nianbao.run.scheduler import CombinedOutcome, ReportScheduler

MAX_DEFAULT_WORKERS = 2  # each worker keeps a kernel (about 250 MB together)


def default_workers(lays_out: bool) -> int:
    """Worker processes when none are asked for: one per CPU core, at most two, less the core
    this process needs when it lays the report's PDF out (``lays_out``) while the notebooks run.
    On two cores that is one worker: two kernels would start (1.2 s of CPU each) and run the
    notebooks on the core the layout needs, which made the default report 1 s slower."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_WORKERS, cores - 1 if lays_out else cores))


def build_report(
    unit: str = "shanghai",
    year: int = 2020,
    *,
    out: Path | str | None = None,
    data_dir: Path | str | None = None,
    sections: Iterable[int | str] | None = None,
    workers: int | None = None,
    formats: Iterable[str] | None = None,
    spec: ReportSpec | Path | str | None = None,
    kernel: str | None = None,
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT,
    force: bool = False,
    on_section: Callable[[NotebookResult], None] | None = None,
) -> ReportResult:
    """Check the data of ``unit`` and ``year``, run the report's section notebooks and export them.

    ``unit`` is a unit id or name (see :meth:`DataStore.resolve_unit`); ``data_dir`` a data
    folder or alias (default: the project's ``data/``); ``out`` the output folder (default: the
    project's ``outputs/``), in which the run writes to ``<unit id>/<year>/``.
    ``sections`` selects parts by number or id (default: all). ``formats`` is a subset of
    ("html", "pdf") (default: the spec's). ``spec`` is a :class:`ReportSpec` or the path of a
    ``report.toml`` (default: ``notebooks/report.toml``). ``kernel`` overrides the spec's kernel.
    ``force`` builds even when the data breaks a rule. ``on_section`` is called in this process
    with each section's result as soon as it is known.

    Raises :class:`NianbaoError` (before running anything) for unknown sections or formats,
    missing data, data with rule errors (:class:`~nianbao.rules.check.DataHasErrors`, unless
    ``force``) or a missing kernel; a failing section is not an exception but a result.
    """
    started = time.perf_counter()
    if not isinstance(spec, ReportSpec):
        spec = read_spec(spec)
    chosen = select_sections(spec, sections)
    fmts = check_formats(formats if formats is not None else spec.formats)
    data_root = resolve_data_dir(data_dir)
    store = DataStore(data_root)
    uy = store.load(store.resolve_unit(unit), int(year))
    findings = report_gate(uy.unit, uy.year, data_root, force=force)
    kernel_name = resolve_kernel(kernel or spec.kernel, explicit=kernel is not None)
    folder = report_folder(out, uy.unit, uy.year, data_root)
    check_same_data(folder, data_root)
    folder.mkdir(parents=True, exist_ok=True)

    title = spec.report_title(uy)
    tasks = [NotebookTask.for_section(s, uy, folder, data_root, kernel_name, fmts, cell_timeout, title) for s in chosen]
    skipped = _combined_skipped(spec, chosen, fmts)
    n_workers = max(1, min(workers or default_workers(skipped is None and "pdf" in fmts), len(tasks)))
    report = ReportResult(unit=uy.unit, year=uy.year, folder=folder, kernel=kernel_name, sections=[], findings=findings)
    remove_stale(folder)  # what a run killed here before left behind
    with worker.pool(n_workers, kernel_name) as workers_pool, worker.stopped_cleanly(workers_pool, folder):
        scheduler = ReportScheduler(
            workers_pool, n_workers, tasks, uy, title, combined=skipped is None, on_section=on_section
        )
        report.sections, combined = scheduler.run()
    _put_combined(report, spec.combined, skipped, combined)
    _write_manifest(report, data_root, chosen, fmts)
    report.seconds = time.perf_counter() - started
    return report


def _write_manifest(report: ReportResult, data_root: Path, chosen: Sequence[Section], fmts: tuple[str, ...]) -> None:
    """The folder's manifest, last: which files this run wrote, from which data (the rest stale)."""
    written = [p for s in report.sections if s.ok for p in (s.executed, *s.outputs.values()) if p is not None]
    write_manifest(report.folder, unit=report.unit, year=report.year, data_dir=data_root,
                   written=[*written, *report.combined.values()], sections=[s.stem for s in chosen], formats=fmts,
                   failed=[s.stem for s in report.failed])  # fmt: skip


def _put_combined(report: ReportResult, stem: str, skipped: str | None, combined: CombinedOutcome) -> None:
    """Write the combined report when every part succeeded; else say why it was not (re)built."""
    if skipped is not None:
        report.combined_skipped = skipped
    elif report.failed:
        failed = ", ".join(s.stem for s in report.failed)
        report.combined_skipped = f"not rebuilt because a section failed ({failed}); any earlier report is kept"
    elif combined.error is not None:
        report.combined_error = combined.error
    else:
        report.combined = write_combined(report.folder, stem, combined.payloads)


def _combined_skipped(spec: ReportSpec, chosen: Sequence[Section], formats: tuple[str, ...]) -> str | None:
    """Why the combined report will not be built, known before running anything (None: it will)."""
    if not spec.combined or not formats:
        return "no combined report declared"
    missing = [s.part for s in spec.sections if s not in chosen]
    if missing:
        return f"not rebuilt: only some parts were run (not {', '.join(map(str, missing))})"
    return None
