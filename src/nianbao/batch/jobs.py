"""One batch job, run inside a worker: a unit-year's sections, its combined report, its stamp.

:func:`run_job` is what a worker process (local pool or Dask) calls. It never raises for a
failing notebook: the :class:`JobResult` says what happened. Outputs are produced in memory
first, then committed together at the end, with SIGTERM held meanwhile, so that a batch stopped
with Ctrl-C leaves every job either done (outputs and stamp written) or untouched: no
half-written file, no temporary file. The stamp is written last; a job without one runs again.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.run.notebooks import Section

#: Job statuses. ``skipped``: up to date, not run. ``no-data``: nothing to report on.
#: ``retrying``: a first attempt that died (its kernel or its worker); the job runs once more.
OK, FAILED, TIMEOUT, SKIPPED, NO_DATA, RETRYING = "ok", "failed", "timeout", "skipped", "no-data", "retrying"


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to run one job (picklable, absolute paths only)."""

    unit: str
    year: int
    folder: Path
    data_dir: Path
    sections: tuple[Section, ...]
    formats: tuple[str, ...]
    kernel: str
    fingerprint: str
    combined: str = ""  # file stem of the combined report ('' when not built: some parts only)
    cell_timeout: int | None = 600
    timeout: float | None = None  # seconds for the whole job
    check_data: bool = True  # refuse data with rule errors, as `nianbao report` does
    attempt: int = 1

    @property
    def key(self) -> str:
        return f"{self.unit}/{self.year}"


@dataclass
class JobResult:
    unit: str
    year: int
    status: str
    seconds: float = 0.0
    attempts: int = 1
    message: str = ""  # for a failure: where and what (the failing cell)
    log: str = ""  # the job's log
    sections: list = field(default_factory=list)  # runner.SectionResult
    outputs: list[Path] = field(default_factory=list)
    retryable: bool = False  # the kernel or the worker died: may succeed when run again
    worker_pid: int | None = None
    worker_peak_mb: float = 0.0  # this worker process's peak resident memory so far
    kernel_peak_mb: float = 0.0  # the largest peak resident memory of this worker's kernels so far

    @property
    def key(self) -> str:
        return f"{self.unit}/{self.year}"

    @property
    def ok(self) -> bool:
        return self.status in (OK, SKIPPED)


def run_job(spec: JobSpec) -> JobResult:
    """Run and export the job's sections in this worker, then its combined report."""
    from nianbao.run import kernels, report as runner, worker
    from nianbao.rules.check import DataHasErrors, report_gate
    from nianbao.data.files import DataStore
    from nianbao.errors import NianbaoError

    started = time.perf_counter()
    deadline = started + spec.timeout if spec.timeout else None
    log: list[str] = [f"job {spec.key} (attempt {spec.attempt}) in worker {os.getpid()}"]

    def finish(status: str, message: str = "", **kw) -> JobResult:
        seconds = time.perf_counter() - started
        log.append(f"{status} in {seconds:.1f}s" + (f": {message}" if message else ""))
        return JobResult(
            spec.unit, spec.year, status, seconds, spec.attempt, message, "\n".join(log) + "\n",
            worker_pid=os.getpid(), worker_peak_mb=kernels.peak_rss_mb(os.getpid()), kernel_peak_mb=_kernel_peak_mb(), **kw,
        )  # fmt: skip

    try:
        uy = DataStore(spec.data_dir).load(spec.unit, spec.year)
        if spec.check_data:
            report_gate(spec.unit, spec.year, spec.data_dir)
    except DataHasErrors as exc:
        log.append(str(exc))
        return finish(FAILED, f"data: {len([f for f in exc.findings if f.is_error])} rule error(s) in the data "
                      f"(`nianbao check --unit {spec.unit} --year {spec.year}` lists them; --continue-on-errors builds anyway)")  # fmt: skip
    except NianbaoError as exc:
        return finish(FAILED, f"data: {exc}")

    spec.folder.mkdir(parents=True, exist_ok=True)
    outcomes: list[worker.SectionOutcome] = []  # the kernel is reused across jobs (see kernels.py)
    timed_out = False
    for section in spec.sections:
        cell_timeout: int | None = spec.cell_timeout
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 1:
                timed_out = True
                break
            cell_timeout = math.ceil(min(cell_timeout or left, left))  # nbclient wants whole seconds
        task = runner.SectionTask(section, uy, spec.folder, spec.data_dir, spec.kernel, spec.formats, spec.cell_timeout)
        outcome = worker.produce_section(task, timeout=cell_timeout)
        outcomes.append(outcome)
        if not outcome.result.ok:
            if deadline is not None and time.perf_counter() >= deadline - 1:
                timed_out = True
            if outcome.result.retryable:
                break  # the kernel died: the whole job is retried, or reported

    failed = [o.result for o in outcomes if not o.result.ok]
    complete = len(outcomes) == len(spec.sections) and not failed
    combined: dict[str, bytes] = {}
    combined_error = ""
    if complete and spec.combined:
        try:
            from nianbao.render.combined import PartFragment

            parts = [PartFragment(o.result.part, uy.heading(o.result.part), o.fragment or "") for o in outcomes]
            combined = runner.render_combined(parts, uy, spec.formats)
        except Exception as exc:  # noqa: BLE001 - reported as the job's failure
            combined_error = f"combined report: {type(exc).__name__}: {exc}"

    with _termination_held():
        results = [worker.commit_section(o) for o in outcomes]
        log.extend(_section_line(r) for r in results)
        outputs = [p for r in results if r.ok for p in [r.executed, *r.outputs.values()] if p is not None]
        if complete and spec.combined and not combined_error:
            try:
                workbook = runner.render_report_workbook([r.executed for r in results], uy)
            except Exception as exc:  # noqa: BLE001
                combined_error = f"report workbook: {type(exc).__name__}: {exc}"
            else:
                if workbook is not None:
                    combined["xlsx"] = workbook
                written = []
                for fmt, payload in combined.items():
                    target = spec.folder / f"{spec.combined}.{fmt}"
                    runner.write_atomic(target, payload)
                    written.append(target)
                outputs.extend(written)
                log.append(f"{spec.combined:<24} {'ok':<6} {'':>7}  " + " ".join(str(p) for p in written))
        if combined_error:
            log.append(f"{spec.combined:<24} FAILED          {combined_error}")
        if complete and not combined_error:
            from nianbao.batch.fingerprint import write_stamp

            write_stamp(spec.folder, spec.fingerprint, outputs)
        else:
            from nianbao.batch.fingerprint import remove_stamp

            remove_stamp(spec.folder)

    worker.release_memory()
    if timed_out:
        return finish(TIMEOUT, f"the job took longer than {spec.timeout:g} s", sections=results, outputs=outputs)
    if failed:
        first = failed[0]
        retryable = any(r.retryable for r in failed)
        return finish(FAILED, failure_text(first), sections=results, outputs=outputs, retryable=retryable)
    if len(outcomes) < len(spec.sections):
        return finish(FAILED, "not every section ran", sections=results, outputs=outputs)
    if combined_error:
        return finish(FAILED, combined_error, sections=results, outputs=outputs)
    return finish(OK, sections=results, outputs=outputs)


def failure_text(result) -> str:
    """One line naming the section, the cell and the error."""
    err = result.error
    if err is not None:
        where = f"cell {err.cell_number}" + (f", line {err.line}" if err.line else "")
        return f"{result.stem} {where}: {err.ename}: {err.evalue}"
    first_line = (result.message or "").strip().splitlines()[0] if result.message else ""
    return f"{result.stem} ({result.stage}): {first_line}"


def remove_temporaries(folder: Path) -> None:
    """Remove what an interrupted job may leave in its folder: executed notebooks being written
    (``.NN_name.*.running.ipynb``) and files being replaced (``.name.*.tmp``)."""
    if not folder.exists():
        return
    for pattern in (".*.running.ipynb", ".*.tmp", "csv/*/.*.tmp"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)


def _section_line(result) -> str:
    from nianbao.cli.main import format_section

    return format_section(result)


def _kernel_peak_mb() -> float:
    """The largest peak memory of this worker's kernels: the current one and those retired."""
    import threading

    from nianbao.run import kernels, worker

    slot = worker._SLOTS.get(threading.get_ident())  # noqa: SLF001 - never start a kernel just to measure it
    current = kernels.peak_rss_mb(slot.kernel.pid) if slot is not None and slot.kernel is not None else 0.0
    return max(current, kernels.retired_peak_mb)


@contextlib.contextmanager
def _termination_held():
    """Hold SIGTERM (what a stopping batch sends its workers) while outputs are put in place."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    except (ValueError, OSError):  # not the main thread (e.g. a Dask worker's task thread)
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
