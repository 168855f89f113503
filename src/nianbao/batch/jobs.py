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

from nianbao.atomic import remove_stale
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
    job_timeout: float | None = None  # seconds for the whole job
    check_data: bool = True  # refuse data with rule errors, as `nianbao report` does
    attempt: int = 1
    title: str = "{year}年{unit_name}政府信息公开工作年度报告"  # the report's title, as declared in report.toml

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
    sections: list = field(default_factory=list)  # run.results.NotebookResult
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
    from nianbao.run import worker

    job = _Job(spec)
    uy = job.load()
    if uy is None:
        return job.result
    spec.folder.mkdir(parents=True, exist_ok=True)
    remove_stale(spec.folder)  # what a job killed here before left behind
    outcomes, timed_out = job.run_sections(uy)
    failed = [o.result for o in outcomes if not o.result.ok]
    complete = len(outcomes) == len(spec.sections) and not failed
    title = job.report_title(uy)
    combined = job.render_pdfs(uy, outcomes, title, complete and bool(spec.combined))
    with _termination_held():
        results, outputs = job.commit(uy, outcomes, combined, complete, title)
    worker.release_memory()
    if timed_out:
        return job.finish(
            TIMEOUT, f"the job took longer than {spec.job_timeout:g} s", sections=results, outputs=outputs
        )
    if failed:
        retryable = any(r.retryable for r in failed)
        return job.finish(FAILED, failed[0].summary(), sections=results, outputs=outputs, retryable=retryable)
    if len(outcomes) < len(spec.sections):
        return job.finish(FAILED, "not every section ran", sections=results, outputs=outputs)
    if job.combined_error:
        return job.finish(FAILED, job.combined_error, sections=results, outputs=outputs)
    return job.finish(OK, sections=results, outputs=outputs)


class _Job:
    """The steps of :func:`run_job`, sharing the job's log, deadline and outcome."""

    def __init__(self, spec: JobSpec):
        self.spec = spec
        self.started = time.perf_counter()
        self.deadline = self.started + spec.job_timeout if spec.job_timeout else None
        self.log: list[str] = [f"job {spec.key} (attempt {spec.attempt}) in worker {os.getpid()}"]
        self.combined_error = ""
        self.result: JobResult | None = None

    def finish(self, status: str, message: str = "", **kw) -> JobResult:
        from nianbao.run import kernels, worker

        seconds = time.perf_counter() - self.started
        self.log.append(f"{status} in {seconds:.1f}s" + (f": {message}" if message else ""))
        spec = self.spec
        return JobResult(
            spec.unit, spec.year, status, seconds, spec.attempt, message, "\n".join(self.log) + "\n",
            worker_pid=os.getpid(), worker_peak_mb=kernels.peak_rss_mb(os.getpid()),
            kernel_peak_mb=worker.kernel_peak_mb(), **kw,
        )  # fmt: skip

    def load(self):
        """The unit-year, checked unless the job builds despite errors; None (and ``result``) on failure."""
        from nianbao.data.store import DataStore
        from nianbao.errors import NianbaoError
        from nianbao.rules.check import DataHasErrors, report_gate

        spec = self.spec
        try:
            uy = DataStore(spec.data_dir).load(spec.unit, spec.year)
            if spec.check_data:
                report_gate(spec.unit, spec.year, spec.data_dir)
            return uy
        except DataHasErrors as exc:
            self.log.append(str(exc))
            errors = len([f for f in exc.findings if f.is_error])
            self.result = self.finish(FAILED, f"data: {errors} rule error(s) in the data (`nianbao check --unit "
                                      f"{spec.unit} --year {spec.year}` lists them; --continue-on-errors builds anyway)")  # fmt: skip
        except NianbaoError as exc:
            self.result = self.finish(FAILED, f"data: {exc}")
        return None

    def report_title(self, uy) -> str:
        return self.spec.title.format(year=uy.year, unit_name=uy.unit_name)

    def run_sections(self, uy) -> tuple[list, bool]:
        """Each section produced in memory, in order, within the job's time; (outcomes, timed out)."""
        from nianbao.run.execute import NotebookTask, produce

        spec = self.spec
        title = self.report_title(uy)
        outcomes = []  # the kernel is reused across jobs (see run/kernels.py)
        for section in spec.sections:
            cell_timeout: int | None = spec.cell_timeout
            if self.deadline is not None:
                left = self.deadline - time.perf_counter()
                if left <= 1:
                    return outcomes, True
                cell_timeout = math.ceil(min(cell_timeout or left, left))  # nbclient wants whole seconds
            task = NotebookTask.for_section(section, uy, spec.folder, spec.data_dir, spec.kernel, spec.formats,
                                            spec.cell_timeout, title)  # fmt: skip
            outcome = produce(task, cell_timeout=cell_timeout, pdf=False)  # PDFs: render_pdfs()
            outcomes.append(outcome)
            if not outcome.result.ok:
                if self.deadline is not None and time.perf_counter() >= self.deadline - 1:
                    return outcomes, True
                if outcome.result.retryable:
                    break  # the kernel died: the whole job is retried, or reported
        return outcomes, False

    def render_pdfs(self, uy, outcomes: list, title: str, report: bool) -> dict[str, bytes]:
        """The sections' PDFs and, for a complete job, ``report.html`` and ``report.pdf``: each page
        laid out once for both (:mod:`nianbao.render.book`); the combined files are returned."""
        from nianbao.render.combined import PartFragment
        from nianbao.run.execute import report_html

        combined: dict[str, bytes] = {}
        pending = [o for o in outcomes if o.result.ok and o.page is not None]
        parts = [PartFragment(o.result.part, uy.heading(o.result.part), o.fragment or "") for o in outcomes]
        try:
            if report and "html" in self.spec.formats:
                combined["html"] = report_html(parts, uy, title)
            if report and pending:
                combined["pdf"] = self._book(uy, pending, parts, title)
                pending = []
        except Exception as exc:
            self.combined_error = f"combined report: {type(exc).__name__}: {exc}"
            combined = {}
        for outcome in pending:  # no report: each section laid out on its own, numbered from 1
            self._standalone_pdf(outcome)
        return combined

    def _book(self, uy, pending: list, parts: list, title: str) -> bytes:
        from nianbao.render.book import ReportBook
        from nianbao.run.execute import print_page, report_pdf

        book = ReportBook([o.result.part for o in pending])
        for outcome in pending:
            book.add(outcome.result.part, print_page(outcome.task, outcome.fragment or ""), outcome.task.info)
        pdf, sections = report_pdf(book, parts, uy, pending[0].task.info, title)
        for outcome in pending:
            outcome.payloads["pdf"], outcome.page = sections[outcome.result.part], None
        return pdf

    def _standalone_pdf(self, outcome) -> None:
        from nianbao.run.execute import render_pdf_later

        try:
            outcome.payloads["pdf"], seconds = render_pdf_later(outcome.page, outcome.task.info)
            outcome.page = None
            outcome.result.seconds += seconds
        except Exception as exc:
            outcome.fail("export", f"{type(exc).__name__}: {exc}")

    def commit(self, uy, outcomes: list, combined: dict[str, bytes], complete: bool, title: str):
        """Every output put in place, then the stamp (or none, when the job is not complete)."""
        from nianbao.batch.fingerprint import remove_stamp, write_stamp
        from nianbao.run.execute import commit
        from nianbao.run.manifest import write_manifest

        spec = self.spec
        results = [commit(o) for o in outcomes]
        self.log.extend(r.describe() for r in results)
        outputs = [p for r in results if r.ok for p in [r.executed, *r.outputs.values()] if p is not None]
        if complete and spec.combined and not self.combined_error:
            outputs.extend(self._commit_combined(uy, results, combined, title))
        if self.combined_error:
            self.log.append(f"{spec.combined:<24} FAILED          {self.combined_error}")
        if complete and not self.combined_error:
            write_stamp(spec.folder, spec.fingerprint, outputs)
        else:
            remove_stamp(spec.folder)
        write_manifest(spec.folder, unit=spec.unit, year=spec.year, data_dir=spec.data_dir, written=outputs,
                       sections=[s.stem for s in spec.sections], formats=spec.formats,
                       failed=[r.stem for r in results if not r.ok], by="nianbao batch")  # fmt: skip
        return results, outputs

    def _commit_combined(self, uy, results: list, combined: dict[str, bytes], title: str) -> list[Path]:
        from nianbao.run.execute import render_report_workbook, write_combined

        spec = self.spec
        try:
            workbook = render_report_workbook([(r.part, r.executed) for r in results], uy, title)
        except Exception as exc:
            self.combined_error = f"report workbook: {type(exc).__name__}: {exc}"
            return []
        if workbook is not None:
            combined["xlsx"] = workbook
        written = list(write_combined(spec.folder, spec.combined, combined).values())
        self.log.append(f"{spec.combined:<24} {'ok':<6} {'':>7}  " + " ".join(str(p) for p in written))
        return written


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
