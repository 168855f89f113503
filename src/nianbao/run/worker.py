"""Inside a worker process: its warm kernel, and one section executed, exported and committed.

A worker (of ``nianbao report``, of the batch's local pool, or a Dask worker) calls
:func:`warm_up` once: it imports papermill, nbconvert and WeasyPrint and starts a kernel ahead
(:mod:`nianbao.kernels`). Then, per section, :func:`produce_section` executes the notebook in the
warm kernel and exports it in memory (HTML page, PDF, tables), and :func:`commit_section` moves
the outputs into place, each file atomically. Between the two nothing is written to the output
folder except, for a failure, the executed notebook as ``NN_name.failed.ipynb``.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import NianbaoError
from nianbao.run.report import CellError, SectionResult, SectionTask, _cell_error, _failure, _temp_path, write_atomic

#: The warm kernels of this worker process, one per thread that runs sections (a Dask worker may
#: run tasks in several threads); see :func:`warm_up` and :func:`kernel_slot`.
_SLOTS: dict = {}
_warmed = False  # the libraries are imported (once per process)


def warm_up(kernel: str | None = None, reuse: bool = True) -> None:
    """Prepare a worker process: import the heavy libraries once and start a kernel ahead.

    jsonschema (imported by nbformat, so by papermill and nbconvert) loads the optional package
    rfc3987-syntax when it is installed (jupyterlab's dependencies install it), which compiles a
    grammar at import: 1.6 s per process, for IRI format checks that notebook validation never
    uses. Workers are our own processes, so they skip it.

    With ``kernel`` (a kernel name), the worker launches that kernel first, so that the kernel
    imports pandas and matplotlib while this process imports papermill and WeasyPrint. Calling it
    again (a Dask worker does, before each job) only starts a kernel for a new thread.
    """
    global _warmed
    import logging
    import multiprocessing.util
    import threading

    from nianbao.run.kernels import KernelSlot

    if kernel is not None and threading.get_ident() not in _SLOTS:
        if not _SLOTS:
            multiprocessing.util.Finalize(None, close_kernels, exitpriority=10)  # workers skip atexit
        _SLOTS[threading.get_ident()] = KernelSlot(kernel, reuse=reuse)
    if _warmed:
        return
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill  # noqa: F401
    import weasyprint  # noqa: F401

    from nianbao.run import engine
    from nianbao.render import html as export

    engine.register()
    export._exporter()  # noqa: SLF001 - builds nbconvert's exporter and its template environment
    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures are reported by us
    import gc

    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the worker: spare it every later collection
    _warmed = True


def close_kernels() -> None:
    """Stop this process's warm kernels (at a worker's exit)."""
    while _SLOTS:
        _, slot = _SLOTS.popitem()
        slot.close()


def kernel_slot(kernel: str):
    """This thread's kernel slot, created (its kernel started ahead) on first use."""
    import threading

    from nianbao.run.kernels import KernelSlot

    ident = threading.get_ident()
    if ident not in _SLOTS:
        warm_up(kernel)
    slot = _SLOTS[ident]
    if slot.kernel_name != kernel:  # a task asking for another kernel than the worker's
        slot.close()
        slot = _SLOTS[ident] = KernelSlot(kernel)
    return slot


def release_memory() -> None:
    """Collect garbage and hand freed memory back to the system, after a PDF.

    A WeasyPrint layout leaves 60-150 MB of cyclic garbage that waits for a full collection,
    and glibc's allocator keeps what is freed for the process: without this, a long-lived
    worker grows by each PDF it renders.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


@dataclass
class SectionOutcome:
    """What a section produced, still in memory (and the executed notebook in a temporary file)."""

    result: SectionResult
    fragment: str | None = None
    running: Path | None = None  # the executed notebook, not yet in place
    payloads: dict[str, bytes] = field(default_factory=dict)  # format -> page or PDF
    tables: object | None = None  # downloads.render_downloads(...)
    page: str | None = None  # the section's page, while its PDF is still to be rendered

    def fail(self, stage: str, message: str) -> SectionResult:
        """Turn this outcome into a failure found after it was produced (e.g. rendering its PDF)."""
        result = self.result
        if self.running is not None and self.running.exists():
            failed_nb = self.running.parent / f"{result.stem}.failed.ipynb"
            os.replace(self.running, failed_nb)
            result.executed = failed_nb
        self.running = None
        result.status, result.stage, result.message = "failed", stage, message
        return result


def run_section(task: SectionTask) -> tuple[SectionResult, str | None]:
    """Execute one section notebook and export it, writing its files; never raises for a failing
    notebook. Returns the result and, when the section succeeded, its HTML fragment (for the
    combined report)."""
    outcome = produce_section(task)
    return commit_section(outcome), outcome.fragment


def produce_section(task: SectionTask, timeout: float | None = None, pdf: bool = True) -> SectionOutcome:
    """Execute and export one section in this worker, keeping the results in memory.

    A failure is a result: its executed notebook is kept as ``NN_name.failed.ipynb``.
    ``timeout`` (seconds), when given, bounds each cell instead of ``task.timeout``. With
    ``pdf`` False, the PDF is left to :func:`render_section_pdf` (the outcome keeps the page).
    """
    from nianbao.render import downloads, html as export
    from nianbao.render.pdf import render_pdf

    started = time.perf_counter()
    section, folder = task.section, task.folder
    failed_nb = folder / f"{section.stem}.failed.ipynb"
    running_nb = _temp_path(folder, section.stem, ".ipynb")
    slot = kernel_slot(task.kernel)

    def fail(stage: str, message: str, error: CellError | None = None, retryable: bool = False) -> SectionOutcome:
        slot.release(ok=False)
        executed = None
        if running_nb.exists():
            os.replace(running_nb, failed_nb)
            executed = failed_nb
        result = _failure(task, time.perf_counter() - started, stage, message, error, executed)
        result.retryable = retryable
        return SectionOutcome(result)

    try:
        kernel = slot.acquire()
        try:
            nb = _execute(task, running_nb, kernel, timeout)
        except Exception as exc:
            error = _cell_error(exc, section.notebook)
            if error is not None:
                return fail("execute", f"{error.ename}: {error.evalue}", error)
            dead = type(exc).__name__ == "DeadKernelError" or not kernel.alive()
            if dead:
                return fail("execute", f"the kernel died: {type(exc).__name__}: {exc}{kernel.tail()}", retryable=True)
            return fail("execute", f"{type(exc).__name__}: {exc}{kernel.tail()}")
        slot.release(ok=True)
        try:
            fragment = export.notebook_fragment(nb)
            page = export.section_page(fragment, uy=task.uy, part=section.part)
            payloads: dict[str, bytes] = {}
            if "html" in task.formats:
                payloads["html"] = page.encode("utf-8")
            if "pdf" in task.formats and pdf:
                payloads["pdf"] = render_pdf(page)
            label = f"{task.uy.title} {task.uy.heading(section.part)}"
            tables = downloads.render_downloads(nb, section.stem, synthetic=task.uy.synthetic, label=label)
        except Exception as exc:
            return fail("export", f"{type(exc).__name__}: {exc}")
        finally:
            release_memory()
    except BaseException:  # interrupted: nothing half-made stays behind
        running_nb.unlink(missing_ok=True)
        raise
    result = SectionResult(
        part=section.part,
        id=section.id,
        stem=section.stem,
        notebook=section.notebook,
        status="ok",
        seconds=time.perf_counter() - started,
    )
    later = page if ("pdf" in task.formats and not pdf) else None
    return SectionOutcome(result, fragment, running_nb, payloads, tables, later)


def render_section_pdf(page: str) -> tuple[bytes, float]:
    """A section page's PDF and the seconds it took (a task of its own when
    :func:`produce_section` left it)."""
    from nianbao.render.pdf import render_pdf

    started = time.perf_counter()
    try:
        return render_pdf(page), time.perf_counter() - started
    finally:
        release_memory()


def commit_section(outcome: SectionOutcome) -> SectionResult:
    """Move a section's outputs into place (each file atomically); a failure is returned as it is."""
    from nianbao.render import downloads

    result = outcome.result
    if not result.ok or outcome.running is None:
        return result
    folder = outcome.running.parent
    good_nb = folder / f"{result.stem}.ipynb"
    os.replace(outcome.running, good_nb)
    (folder / f"{result.stem}.failed.ipynb").unlink(missing_ok=True)
    outputs = {}
    for fmt, payload in outcome.payloads.items():
        target = folder / f"{result.stem}.{fmt}"
        write_atomic(target, payload)
        outputs[fmt] = target
    written = downloads.write_files(folder, result.stem, outcome.tables)  # the tables as XLSX and CSV
    if written.xlsx is not None:
        outputs["xlsx"], outputs["csv"] = written.xlsx, folder / "csv" / result.stem
    result.executed = good_nb
    result.outputs = outputs
    return result


def _execute(task: SectionTask, output: Path, kernel, timeout: float | None = None):
    import papermill

    from nianbao.run import engine

    if not task.section.notebook.exists():
        raise NianbaoError(f"notebook {task.section.notebook} does not exist")
    return papermill.execute_notebook(
        str(task.section.notebook),
        str(output),
        parameters={"unit": str(task.uy.unit), "year": int(task.uy.year), "data_dir": str(task.data_dir)},
        engine_name=engine.register(),
        kernel_name=task.kernel,
        language="python",  # nianbao's notebooks are Python; papermill needs it to write parameters
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,  # the engine keeps what ran when a kernel dies
        execution_timeout=timeout if timeout is not None else task.timeout,
        km=kernel.manager(),
        kc=kernel.client(),
        partial_path=output,
    )


