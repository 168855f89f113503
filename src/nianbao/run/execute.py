"""The one way nianbao runs a notebook: execute it with papermill in a warm kernel, export it in
memory (HTML page, PDF, tables), then put every file in place at once.

Every notebook goes through here: the report's sections (:mod:`nianbao.run.report`, batch jobs),
and the notebooks run by commands of their own (trends, comparison, audit: :func:`run_notebook`).
:func:`produce` runs in a worker process (:mod:`nianbao.run.worker`) and writes nothing to the
output folder except, for a failure, the executed notebook as ``<stem>.failed.ipynb``;
:func:`commit` moves the outputs into place, each file atomically.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.atomic import remove_stale, temp_path, write_atomic
from nianbao.data import versions
from nianbao.data.model import UnitYear
from nianbao.data.versions import data_version
from nianbao.errors import NianbaoError
from nianbao.render.archival import DocumentInfo
from nianbao.render.html import PageContext
from nianbao.run import stopping, worker
from nianbao.run.notebooks import ReportSpec, Section, check_formats, read_spec, resolve_kernel
from nianbao.run.results import FAILED, OK, CellError, NotebookResult

DEFAULT_CELL_TIMEOUT = 600  # seconds one cell may run before the notebook fails


@dataclass(frozen=True)
class NotebookTask:
    """Everything a worker needs to run and export one notebook (picklable, absolute paths)."""

    id: str  # the section's or notebook's id
    notebook: Path  # the committed notebook
    parameters: dict  # what papermill injects
    folder: Path  # where its files go
    stem: str  # their name: <stem>.ipynb, <stem>.html, ...
    page: PageContext  # the page around its content
    kernel: str
    formats: tuple[str, ...]
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT
    part: int | None = None  # the report part, for a section
    label: str = ""  # the title of its tables in the downloads
    info: DocumentInfo | None = None  # what its PDF says about itself (title, unit, year, data)

    @classmethod
    def for_section(cls, section: Section, uy: UnitYear, folder: Path, data_dir: Path, kernel: str,
                    formats: tuple[str, ...], cell_timeout: int | None = DEFAULT_CELL_TIMEOUT,
                    title: str | None = None) -> NotebookTask:  # fmt: skip
        """A report section of ``uy``, under the report's ``title`` (default: the unit-year's)."""
        page = PageContext.for_section(uy, section.part, title, data_version(uy))
        info = DocumentInfo(page.title, uy.unit, uy.unit_name, str(uy.year),
                            versions.unit_year_fingerprint(data_dir, uy.unit, uy.year), page.heading)  # fmt: skip
        return cls(
            id=section.id, notebook=section.notebook, folder=folder, stem=section.stem, page=page, kernel=kernel,
            parameters={"unit": str(uy.unit), "year": int(uy.year), "data_dir": str(data_dir)},
            formats=formats, cell_timeout=cell_timeout, part=section.part, label=f"{page.title} {page.heading}",
            info=info,
        )  # fmt: skip

    @classmethod
    def declared(cls, notebook_id: str, parameters: dict, folder: Path, stem: str, *, heading: str, synthetic: bool,
                 title_values: dict, formats: Iterable[str] | None = None, kernel: str | None = None,
                 cell_timeout: int | None = DEFAULT_CELL_TIMEOUT, spec: ReportSpec | None = None) -> NotebookTask:  # fmt: skip
        """A notebook declared in ``report.toml`` (trends, comparison, audit): its running title is
        the declared one filled with ``title_values``, ``heading`` its page's own name."""
        spec = spec or read_spec()
        declared = spec.notebook(notebook_id)
        title = declared.title_for(**title_values)
        kernel_name = resolve_kernel(kernel or spec.kernel, explicit=kernel is not None)
        info = _declared_info(title, heading, parameters)
        version = versions.short_form(info.data_fingerprint)  # printed on its pages, as a report's is
        return cls(
            id=notebook_id, notebook=declared.notebook, parameters=parameters, folder=folder, stem=stem,
            page=PageContext(title, heading, notebook_id, synthetic, version), kernel=kernel_name,
            formats=check_formats(formats if formats is not None else spec.formats), cell_timeout=cell_timeout,
            label=heading, info=info,
        )  # fmt: skip

    def failure(self, seconds: float, stage: str, message: str, error: CellError | None = None,
                executed: Path | None = None) -> NotebookResult:  # fmt: skip
        return NotebookResult(self.id, self.stem, self.notebook, FAILED, seconds, self.part, executed,
                              stage=stage, error=error, message=message)  # fmt: skip


@dataclass
class Outcome:
    """What a notebook produced, still in memory (and the executed notebook in a temporary file)."""

    result: NotebookResult
    fragment: str | None = None  # its content as an HTML fragment (for the combined report)
    running: Path | None = None  # the executed notebook, not yet in place
    payloads: dict[str, bytes] = field(default_factory=dict)  # format -> page or PDF
    tables: object | None = None  # render.downloads.render_downloads(...)
    page: str | None = None  # the page, while its PDF is still to be rendered
    task: NotebookTask | None = None  # what was run

    def fail(self, stage: str, message: str) -> NotebookResult:
        """Turn this outcome into a failure found after it was produced (e.g. rendering its PDF)."""
        result = self.result
        if self.running is not None and self.running.exists():
            failed_nb = self.running.parent / f"{result.stem}.failed.ipynb"
            os.replace(self.running, failed_nb)
            result.executed = failed_nb
        self.running = None
        result.status, result.stage, result.message = FAILED, stage, message
        return result


def produce(task: NotebookTask, cell_timeout: float | None = None, pdf: bool = True) -> Outcome:
    """Execute and export one notebook in this worker, keeping the results in memory.

    A failure is a result: its executed notebook is kept as ``<stem>.failed.ipynb``.
    ``cell_timeout`` (seconds), when given, bounds each cell instead of the task's. With ``pdf``
    False, the PDF is left to :func:`render_pdf_later` (the outcome keeps the page).
    """
    started = time.perf_counter()
    failed_nb = task.folder / f"{task.stem}.failed.ipynb"
    running_nb = temp_path(task.folder, task.stem, ".ipynb")
    slot = worker.kernel_slot(task.kernel)

    def fail(stage: str, message: str, error: CellError | None = None, retryable: bool = False) -> Outcome:
        slot.release(ok=False)
        executed = None
        if running_nb.exists():
            os.replace(running_nb, failed_nb)
            executed = failed_nb
        result = task.failure(time.perf_counter() - started, stage, message, error, executed)
        result.retryable = retryable
        return Outcome(result, task=task)

    try:
        kernel = slot.acquire()
        try:
            nb = _execute(task, running_nb, kernel, cell_timeout)
        except Exception as exc:
            error = CellError.from_exception(exc, task.notebook)
            if error is not None:
                return fail("execute", f"{error.ename}: {error.evalue}", error)
            if type(exc).__name__ == "DeadKernelError" or not kernel.alive():
                return fail("execute", f"the kernel died: {type(exc).__name__}: {exc}{kernel.tail()}", retryable=True)
            return fail("execute", f"{type(exc).__name__}: {exc}{kernel.tail()}")
        slot.release(ok=True)  # the kernel restores its state while this process exports
        try:
            fragment, page, payloads, tables = _export(task, nb, pdf)
        except Exception as exc:
            return fail("export", f"{type(exc).__name__}: {exc}")
        finally:
            worker.release_memory()
        changed = slot.settle()  # the notebook changed what the next one would find: a new kernel
    except BaseException:  # interrupted: nothing half-made stays behind
        running_nb.unlink(missing_ok=True)
        raise
    result = NotebookResult(task.id, task.stem, task.notebook, OK, time.perf_counter() - started, task.part)
    if changed is not None:
        result.warning = f"{changed}; the next notebook runs in a new kernel"
    later = page if ("pdf" in task.formats and not pdf) else None
    return Outcome(result, fragment, running_nb, payloads, tables, later, task)


def _export(task: NotebookTask, nb, pdf: bool) -> tuple[str, str, dict[str, bytes], object]:
    from nianbao.render import downloads, html
    from nianbao.render.pdf import render_pdf

    fragment = html.notebook_fragment(nb)
    page = html.page(fragment, task.page)
    payloads: dict[str, bytes] = {}
    if "html" in task.formats:
        payloads["html"] = page.encode("utf-8")
    if "pdf" in task.formats and pdf:
        payloads["pdf"] = render_pdf(page, info=task.info or DocumentInfo(task.page.heading))
    tables = downloads.render_downloads(
        nb, task.stem, synthetic=task.page.synthetic, label=task.label or task.page.heading
    )
    return fragment, page, payloads, tables


def render_pdf_later(page: str, info: DocumentInfo | None = None) -> tuple[bytes, float]:
    """A page's PDF, laid out on its own and numbered from 1, and the seconds it took (a task of
    its own when :func:`produce` left it, e.g. a section when no report is made)."""
    from nianbao.render.pdf import render_pdf

    started = time.perf_counter()
    try:
        return render_pdf(page, info=info), time.perf_counter() - started
    finally:
        worker.release_memory()


def commit(outcome: Outcome) -> NotebookResult:
    """Move a notebook's outputs into place (each file atomically, and all of them before a Ctrl-C
    or SIGTERM takes effect); a failure is returned as it is."""
    result = outcome.result
    if not result.ok or outcome.running is None:
        return result
    with stopping.held():
        return _put_in_place(outcome)


def _put_in_place(outcome: Outcome) -> NotebookResult:
    from nianbao.render import downloads

    result = outcome.result
    folder = outcome.running.parent
    good_nb = folder / f"{result.stem}.ipynb"
    os.replace(outcome.running, good_nb)
    (folder / f"{result.stem}.failed.ipynb").unlink(missing_ok=True)
    outputs = {fmt: write_atomic(folder / f"{result.stem}.{fmt}", payload) for fmt, payload in outcome.payloads.items()}
    written = downloads.write_files(folder, result.stem, outcome.tables)  # the tables as XLSX and CSV
    if written.xlsx is not None:
        outputs["xlsx"], outputs["csv"] = written.xlsx, folder / "csv" / result.stem
    result.executed = good_nb
    result.outputs = outputs
    return result


def produce_and_commit(task: NotebookTask) -> NotebookResult:
    """:func:`produce` then :func:`commit`, in a worker."""
    return commit(produce(task))


def run_notebook(task: NotebookTask) -> NotebookResult:
    """Run one notebook in a worker process of its own and put its files in place."""
    task.folder.mkdir(parents=True, exist_ok=True)
    remove_stale(task.folder)  # what a run killed here before left behind
    with worker.pool(1, task.kernel) as workers, worker.stopped_cleanly(workers, task.folder):
        return workers.submit(produce_and_commit, task).result()


def _execute(task: NotebookTask, output: Path, kernel, cell_timeout: float | None = None):
    import papermill

    from nianbao.run import engine

    if not task.notebook.exists():
        raise NianbaoError(f"notebook {task.notebook} does not exist")
    return papermill.execute_notebook(
        str(task.notebook),
        str(output),
        parameters=task.parameters,
        engine_name=engine.register(),
        kernel_name=task.kernel,
        language="python",  # nianbao's notebooks are Python; papermill needs it to write parameters
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,  # the engine keeps what ran when a kernel dies
        execution_timeout=cell_timeout if cell_timeout is not None else task.cell_timeout,
        km=kernel.manager(),
        kc=kernel.client(),
        partial_path=output,
    )


# ---------------------------------------------------------------------------------------------
# the combined report (rendered in a worker too)
# ---------------------------------------------------------------------------------------------


def print_page(task: NotebookTask, fragment: str) -> str:
    """A section's page as the PDFs lay it out: its headings carry the ids the 目录 links to."""
    from nianbao.render import combined, html

    return html.page(combined.anchored(fragment, task.part), task.page)


def report_html(parts: Sequence, uy: UnitYear, title: str | None = None) -> bytes:
    """``report.html``: the whole report as one page for browsers. ``parts`` are
    :class:`nianbao.render.combined.PartFragment`."""
    from nianbao.render import combined

    return combined.report_page(parts, uy=uy, title=title, data_version=data_version(uy)).encode("utf-8")


def report_pdf(
    book, parts: Sequence, uy: UnitYear, info: DocumentInfo, title: str | None = None
) -> tuple[bytes, dict[int, bytes]]:
    """``report.pdf`` from a complete :class:`nianbao.render.book.ReportBook` (its front matter,
    cover and 目录 with the parts' page numbers, laid out now; the parts' pages as they are), and
    the sections' PDFs cut out of it: (report, part → section)."""
    from nianbao.render import combined

    entries = [
        combined.Entry(e.level, e.label, e.anchor, book.page_of(e.anchor))
        for p in sorted(parts, key=lambda p: p.part)
        for e in combined.outline(combined.anchored(p.fragment, p.part), p.part, p.heading)
    ]
    return book.finish(
        combined.front_page(entries, uy=uy, title=title, data_version=data_version(uy)), info.with_subject("")
    )


def render_report_workbook(
    executed: Sequence[tuple[int, Path]], uy: UnitYear, title: str | None = None
) -> bytes | None:
    """``report.xlsx``: the tables of every section in one workbook (None when there are none),
    from (part, executed notebook) pairs."""
    from nianbao.render.downloads import report_workbook

    return report_workbook(list(executed), synthetic=uy.synthetic, label=title or uy.title)


def _declared_info(title: str, heading: str, parameters: dict) -> DocumentInfo:
    """What the PDF of a trends or comparison notebook says about itself: the unit and years, or
    the year compared, and the fingerprint of the data files of those years."""
    from nianbao.data.store import DataStore
    from nianbao.roots import resolve_data_dir

    root = resolve_data_dir(parameters.get("data_dir") or None)
    unit, year = str(parameters.get("unit", "")), parameters.get("year")
    try:
        unit = DataStore(root).resolve_unit(unit) if unit else ""
    except NianbaoError:
        pass
    first, last = parameters.get("first_year"), parameters.get("last_year")
    if unit and first and last:
        files = [root / "units" / unit / f"{y}.yaml" for y in range(int(first), int(last) + 1)]
        return DocumentInfo(title, unit, "", f"{first}-{last}", versions.files_fingerprint(root, files), heading)
    if year:
        files = sorted((root / "units").glob(f"*/{int(year)}.yaml"))
        return DocumentInfo(title, str(parameters.get("parent", "")), "", str(year),
                            versions.files_fingerprint(root, files), heading)  # fmt: skip
    return DocumentInfo(title, subject=heading)


def write_combined(folder: Path, stem: str, payloads: dict[str, bytes]) -> dict[str, Path]:
    """Put the combined report's files in place; format → path."""
    return {fmt: write_atomic(folder / f"{stem}.{fmt}", payload) for fmt, payload in payloads.items()}
