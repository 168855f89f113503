"""``nianbao batch``: every chosen unit and year, run as jobs on a pool of warm workers.

A *job* is one unit-year: its section notebooks, their HTML, PDF and tables, and (when every
part is run) the combined report, all in ``OUT/<unit>/<year>/`` exactly as ``nianbao report``
writes them. The batch:

1. plans the jobs (:func:`plan_batch`): units by id, name or parent, years, sections; a job whose
   inputs have not changed since it last succeeded is *skipped* (:mod:`nianbao.batch.fingerprint`),
   unless ``rerun``;
2. runs the others on a backend: the local process pool (:mod:`nianbao.batch.pool`, the default) or a
   Dask cluster (:mod:`nianbao.batch.dask_backend`, given a scheduler address), reporting each start
   and end to ``on_event``;
3. writes each job's log to ``OUT/_batch/logs/<unit>_<year>.log`` and the summary of the batch
   to ``OUT/_batch/summary.csv``.

One job failing, hanging (``timeout``) or losing its worker does not stop the others. Ctrl-C or
SIGTERM stops the batch cleanly (:attr:`BatchResult.interrupted`), and a second one only hurries
it: finished jobs keep their outputs and stamps, the others leave nothing behind, the summary
marks the jobs not run, and running the same batch again resumes.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.atomic import remove_stale, write_atomic
from nianbao.batch import fingerprint as fp
from nianbao.batch.jobs import FAILED, NO_DATA, OK, RETRYING, SKIPPED, TIMEOUT, JobResult, JobSpec
from nianbao.data.store import DataStore
from nianbao.data.units import registry_for
from nianbao.errors import NianbaoError
from nianbao.roots import SPEC_FILE, inside, notebooks_dir, output_tree, resolve_data_dir
from nianbao.run import stopping
from nianbao.run.execute import DEFAULT_CELL_TIMEOUT
from nianbao.run.layout import check_output_folder
from nianbao.run.manifest import check_same_data
from nianbao.run.notebooks import ReportSpec, check_formats, read_spec, resolve_kernel, select_sections

BATCH_FOLDER = "_batch"  # inside OUT; unit ids start with a letter, so it is never a unit's folder
NOT_RUN = "not-run"  # the batch was stopped before the job started
SUMMARY_COLUMNS = ("job", "unit", "year", "status", "seconds", "attempts", "failure", "log")


@dataclass
class BatchPlan:
    specs: list[JobSpec]  # the jobs to run
    skipped: list[JobResult]  # up to date
    missing: list[JobResult]  # no data for the unit-year
    order: list[str]  # every job key, in plan order
    out: Path
    data_dir: Path
    kernel: str

    @property
    def total(self) -> int:
        return len(self.order)


@dataclass
class BatchResult:
    results: list[JobResult]  # one per job, in plan order
    seconds: float
    out: Path
    summary: Path | None = None
    interrupted: bool = False
    backend: str = "local"
    workers: int = 0
    peaks: dict[int, tuple[float, float]] = field(default_factory=dict)  # worker pid -> peak MB (worker, kernel)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status in (FAILED, TIMEOUT)]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted


# ---------------------------------------------------------------------------------------------
# planning
# ---------------------------------------------------------------------------------------------


def select_units(store: DataStore, units: Iterable[str] | None, parents: Iterable[str] | None) -> list[str]:
    """Unit ids: ``units`` by id or name, plus every unit of each of ``parents``; neither means
    every unit that has data in ``store``."""
    units, parents = list(units or []), list(parents or [])
    if not units and not parents:
        return store.units()
    registry = registry_for(store.root)
    chosen: list[str] = []
    for parent in parents:
        members = registry.children(parent)  # UnitError for an unknown unit
        if not members:
            raise NianbaoError(f"{parent!r} compiles no units (no unit in the registry has it as parent)")
        chosen += [u.id for u in members]
    for unit in units:
        chosen.append(store.resolve_unit(unit))
    return list(dict.fromkeys(chosen))


def plan_batch(
    units: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    *,
    parents: Iterable[str] | None = None,
    out: Path | str | None = None,
    data_dir: Path | str | None = None,
    sections: Iterable[int | str] | None = None,
    formats: Iterable[str] | None = None,
    spec: ReportSpec | Path | str | None = None,
    kernel: str | None = None,
    rerun: bool = False,
    job_timeout: float | None = None,
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT,
    check_data: bool = True,
) -> BatchPlan:
    """The jobs of a batch, with those whose inputs are unchanged set aside as skipped (unless
    ``rerun``). ``job_timeout`` bounds each job, ``cell_timeout`` each cell (seconds);
    ``check_data`` False builds unit-years whose data break a rule."""
    spec_path = None
    if not isinstance(spec, ReportSpec):
        spec_path = Path(spec).resolve() if spec else None
        spec = read_spec(spec)
    chosen = select_sections(spec, sections)
    fmts = check_formats(formats if formats is not None else spec.formats)
    data_root = resolve_data_dir(data_dir)
    store = DataStore(data_root)
    unit_ids = select_units(store, units, parents)
    wanted_years = list(years) if years is not None else None
    kernel_name = resolve_kernel(kernel or spec.kernel, explicit=kernel is not None)
    check_output_folder(out)
    out_root = output_tree(out, data_root)
    combined = spec.combined if (spec.combined and fmts and len(chosen) == len(spec.sections)) else ""

    registry = registry_for(data_root)
    shared = fp.shared_digest([s.notebook for s in chosen], spec_path or notebooks_dir() / SPEC_FILE, registry.path)
    context = _JobContext(store, out_root, kernel_name, fmts, chosen, combined, shared, spec.title)
    plan = BatchPlan([], [], [], [], out_root, data_root, kernel_name)
    for unit in unit_ids:
        for year in wanted_years if wanted_years is not None else store.years(unit):
            context.add(plan, unit, year, rerun=rerun, cell_timeout=cell_timeout, job_timeout=job_timeout,
                        check_data=check_data)  # fmt: skip
    if not plan.order:
        raise NianbaoError(
            f"no unit-years to run: no data under {data_root / 'units'} for the units and years asked for"
        )
    return plan


@dataclass(frozen=True)
class _JobContext:
    """What every job of a plan shares."""

    store: DataStore
    out: Path
    kernel: str
    formats: tuple[str, ...]
    sections: list
    combined: str
    shared: str  # digest of the inputs every job depends on
    title: str

    def add(self, plan: BatchPlan, unit: str, year: int, *, rerun: bool, **options) -> None:
        """Put the job of ``unit`` and ``year`` in the plan: to run, up to date, or without data."""
        plan.order.append(f"{unit}/{year}")
        if year not in self.store.years(unit):
            plan.missing.append(JobResult(unit, year, NO_DATA, message=f"no data file {self.store.path(unit, year)}"))
            return
        folder = inside(self.out, unit, str(year))
        check_same_data(folder, self.store.root)  # a folder holds the outputs of one data folder
        parameters = {
            "unit": unit, "year": year, "data_dir": str(self.store.root), "sections": [s.stem for s in self.sections],
            "formats": list(self.formats), "kernel": self.kernel, "combined": self.combined,
        }  # fmt: skip
        digest = fp.job_fingerprint(self.store.root, unit, year, shared=self.shared, parameters=parameters)
        if not rerun and fp.up_to_date(folder, digest):
            plan.skipped.append(JobResult(unit, year, SKIPPED, message="inputs unchanged since the last run"))
            return
        plan.specs.append(
            JobSpec(unit=unit, year=year, folder=folder, data_dir=self.store.root, sections=tuple(self.sections),
                    formats=self.formats, kernel=self.kernel, fingerprint=digest, combined=self.combined,
                    title=self.title, **options)
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------

#: on_event(kind, payload): ("plan", BatchPlan), ("start", JobSpec), ("end", JobResult)
EventHandler = Callable[[str, object], None]


def run_batch(
    units: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_event: EventHandler | None = None,
    **plan_options,
) -> BatchResult:
    """Plan and run a batch (see :func:`plan_batch` for the options); returns every job's result.

    ``workers`` is the number of local worker processes (default 2); ``scheduler`` a Dask
    scheduler address (``tcp://HOST:PORT``) to run on a cluster instead.
    """
    plan = plan_batch(units, years, **plan_options)
    return execute_plan(plan, workers=workers, scheduler=scheduler, on_event=on_event)


def execute_plan(
    plan: BatchPlan,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_event: EventHandler | None = None,
) -> BatchResult:
    started = time.perf_counter()
    emit = on_event or (lambda kind, payload: None)
    emit("plan", plan)
    done: dict[str, JobResult] = {r.key: r for r in plan.skipped + plan.missing}
    logs = plan.out / BATCH_FOLDER / "logs"
    attempts_log: dict[str, str] = {}
    interrupted = False
    if scheduler:
        from nianbao.batch.dask_backend import DaskBackend

        backend = DaskBackend(scheduler)
        name, n_workers = "dask", backend.size
    else:
        from nianbao.batch.pool import LocalPool

        backend = LocalPool(workers or 2, plan.kernel)
        name, n_workers = "local", min(backend.size, max(1, len(plan.specs)))
    peaks: dict[int, tuple[float, float]] = {}
    remove_stale(plan.out / BATCH_FOLDER)  # what a batch killed before left behind
    with stopping.requests():  # SIGTERM stops the batch as Ctrl-C does; a second request hurries it
        try:
            for result in backend.run(plan.specs, on_start=lambda s: emit("start", s)):
                key = result.key
                attempts_log[key] = attempts_log.get(key, "") + result.log
                if result.worker_pid is not None:
                    old = peaks.get(result.worker_pid, (0.0, 0.0))
                    peaks[result.worker_pid] = (max(old[0], result.worker_peak_mb), max(old[1], result.kernel_peak_mb))
                if result.status == RETRYING:
                    emit("retry", result)
                    continue
                done[key] = result
                _write_log(logs, result, attempts_log[key])
                emit("end", result)
        except KeyboardInterrupt:
            interrupted = True
            for spec in backend.stop(hurry=lambda: stopping.count() > 1):
                done.setdefault(spec.key, JobResult(spec.unit, spec.year, NOT_RUN,
                                                    message="interrupted while running; nothing written"))  # fmt: skip
        results = [done.get(key) or _not_run(key) for key in plan.order]
        batch = BatchResult(results, time.perf_counter() - started, plan.out, interrupted=interrupted,
                            backend=name, workers=n_workers, peaks=peaks)  # fmt: skip
        batch.summary = write_summary(batch, plan.out / BATCH_FOLDER / "summary.csv", logs)
    return batch


def _not_run(key: str) -> JobResult:
    unit, year = key.rsplit("/", 1)
    return JobResult(unit, int(year), NOT_RUN, message="the batch was stopped before this job started")


def _log_path(logs: Path, result: JobResult) -> Path:
    return logs / f"{result.unit}_{result.year}.log"


def _write_log(logs: Path, result: JobResult, text: str) -> None:
    write_atomic(_log_path(logs, result), text)


# ---------------------------------------------------------------------------------------------
# the summary
# ---------------------------------------------------------------------------------------------


def summary_rows(batch: BatchResult, logs: Path | None = None) -> list[dict[str, str]]:
    rows = []
    for r in batch.results:
        log = _log_path(logs, r) if logs is not None else None
        rows.append(
            {
                "job": r.key,
                "unit": r.unit,
                "year": str(r.year),
                "status": r.status,
                "seconds": f"{r.seconds:.1f}" if r.status not in (SKIPPED, NO_DATA, NOT_RUN) else "",
                "attempts": str(r.attempts) if r.status not in (SKIPPED, NO_DATA, NOT_RUN) else "",
                "failure": r.message if r.status in (FAILED, TIMEOUT, NO_DATA, NOT_RUN) else "",
                "log": str(log) if log is not None and log.exists() else "",
            }
        )
    return rows


def write_summary(batch: BatchResult, path: Path, logs: Path | None = None) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary_rows(batch, logs))
    return write_atomic(path, "\ufeff" + buf.getvalue())  # BOM: Excel reads UTF-8


def format_table(batch: BatchResult, *, all_rows: bool = False) -> list[str]:
    """The summary as text: one row per job that ran (or every job with ``all_rows``), then the
    counts. Skipped jobs are only counted unless ``all_rows``."""
    shown = [r for r in batch.results if all_rows or r.status not in (SKIPPED,)]
    width = max([len(r.key) for r in shown] + [3])
    lines = [f"{'job':<{width}}  {'status':<8} {'time':>7}  failure"] if shown else []
    for r in shown:
        time_text = f"{r.seconds:6.1f}s" if r.status in (OK, FAILED, TIMEOUT) else ""
        failure = r.message.splitlines()[0] if r.message and r.status not in (OK, SKIPPED) else ""
        retried = " (retried)" if r.attempts > 1 else ""
        lines.append(f"{r.key:<{width}}  {r.status:<8} {time_text:>7}  {failure}{retried}".rstrip())
    counts = Counter(r.status for r in batch.results)
    order = (OK, FAILED, TIMEOUT, SKIPPED, NO_DATA, NOT_RUN)
    tally = ", ".join(f"{counts[s]} {s}" for s in order if counts[s])
    where = (
        f"{batch.workers} {'Dask' if batch.backend == 'dask' else 'local'} worker{'s' if batch.workers != 1 else ''}"
    )
    lines.append(f"{len(batch.results)} jobs: {tally} in {batch.seconds:.1f}s ({where})")
    if batch.peaks:
        worker, kernel = max(batch.peaks.values(), key=sum)
        lines.append(f"peak memory of a worker: {worker:.0f} MB, with its kernel {worker + kernel:.0f} MB")
    return lines
