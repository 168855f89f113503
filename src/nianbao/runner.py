"""Run the section notebooks of one unit-year and export them: the engine behind ``nianbao report``.

Layout of a run (``OUT`` is ``outputs/`` by default)::

    OUT/<unit>/<year>/NN_name.ipynb         executed notebook of a good run
    OUT/<unit>/<year>/NN_name.html|.pdf     its exports
    OUT/<unit>/<year>/NN_name.failed.ipynb  executed notebook of a failed run, for inspection
    OUT/<unit>/<year>/report.html|.pdf      the whole report (only when every part succeeded)

Each section is executed with papermill (absolute paths, no ``cwd`` tricks) and exported in
memory; only when all of its outputs are ready are they moved into place, each with
:func:`os.replace` from a temporary file in the same folder. A reader therefore never sees a
half-written file, and a failed run never replaces the outputs of an earlier good run.

Sections run in worker processes (two by default). Each worker imports papermill, nbconvert and
WeasyPrint once and keeps a kernel started ahead, warm and reused between its sections while
they succeed (:mod:`nianbao.kernels`), then runs as many sections as it is given. A section that
fails does not stop the others; its result names the notebook, the cell and the error.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .combined import PartFragment
from .datafiles import DataStore, resolve_data_dir
from .errors import NianbaoError
from .model import UnitYear
from .project import DEFAULT_OUTPUTS, ReportSpec, Section, load_report_spec

FORMATS = ("html", "pdf")
DEFAULT_WORKERS = 2
DEFAULT_CELL_TIMEOUT = 600  # seconds one cell may run before the section fails
FALLBACK_KERNEL = "python3"
_EXCERPT_LINES = 8


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """The cell that stopped a notebook, as papermill reported it."""

    cell_index: int  # 0-based index of the cell in the committed notebook
    executed_index: int  # 0-based index in the executed notebook (after papermill's injected cell)
    execution_count: int | None
    source: str  # an excerpt of the cell's source, around the failing line when known
    ename: str
    evalue: str
    line: int | None = None  # 1-based line in the cell where the error was raised, when known

    @property
    def cell_number(self) -> int:
        """1-based position of the cell in the committed notebook, as a person counts cells."""
        return self.cell_index + 1


@dataclass
class SectionResult:
    part: int
    id: str
    stem: str  # e.g. 03_applications
    notebook: Path  # the committed notebook that was run
    status: str  # "ok" or "failed"
    seconds: float
    executed: Path | None = None  # the executed notebook (NN_name.ipynb or NN_name.failed.ipynb)
    outputs: dict[str, Path] = field(default_factory=dict)  # format -> file, only when ok
    stage: str | None = None  # where a failure happened: "execute" or "export"
    error: CellError | None = None  # the failing cell, for a cell that raised
    message: str | None = None  # a one-line description of any failure
    retryable: bool = False  # the kernel died: running the section again may succeed

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class ReportResult:
    unit: str
    year: int
    folder: Path
    kernel: str
    sections: list[SectionResult]
    combined: dict[str, Path] = field(default_factory=dict)  # format -> report.html / report.pdf
    combined_skipped: str | None = None  # why the combined report was not (re)built
    combined_error: str | None = None  # the combined report failed to build
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sections) and self.combined_error is None

    @property
    def failed(self) -> list[SectionResult]:
        return [s for s in self.sections if not s.ok]


# ---------------------------------------------------------------------------------------------
# the API
# ---------------------------------------------------------------------------------------------


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
    timeout: int | None = DEFAULT_CELL_TIMEOUT,
    on_section: Callable[[SectionResult], None] | None = None,
) -> ReportResult:
    """Run the report's section notebooks for ``unit`` and ``year`` and export them.

    ``unit`` is a unit id or name (see :meth:`DataStore.resolve_unit`); ``data_dir`` a data
    folder or alias (default: the project's ``data/``); ``out`` the output folder (default: the
    project's ``outputs/``), in which the run writes to ``<unit id>/<year>/``.
    ``sections`` selects parts by number or id (default: all). ``formats`` is a subset of
    ("html", "pdf") (default: the spec's). ``spec`` is a :class:`ReportSpec` or the path of a
    ``report.toml`` (default: ``notebooks/report.toml``). ``kernel`` overrides the spec's kernel.
    ``on_section`` is called in this process with each section's result as soon as it is known.

    Raises :class:`NianbaoError` (before running anything) for unknown sections or formats,
    missing data or a missing kernel; a failing section is not an exception but a result.
    """
    started = time.perf_counter()
    if not isinstance(spec, ReportSpec):
        spec = read_spec(spec)
    chosen = select_sections(spec, sections)
    fmts = _check_formats(formats if formats is not None else spec.formats)
    data_root = resolve_data_dir(data_dir)
    store = DataStore(data_root)
    uy = store.load(store.resolve_unit(unit), int(year))
    kernel_name = resolve_kernel(kernel or spec.kernel, explicit=kernel is not None)
    folder = (Path(out) if out else DEFAULT_OUTPUTS).resolve() / uy.unit / str(uy.year)
    folder.mkdir(parents=True, exist_ok=True)

    tasks = [
        SectionTask(s, uy, folder, data_root, kernel_name, fmts, timeout) for s in chosen
    ]
    n_workers = max(1, min(workers or DEFAULT_WORKERS, len(tasks)))
    outcomes: dict[int, tuple[SectionResult, str | None]] = {}
    with _worker_pool(n_workers, kernel_name) as pool:
        for result, fragment in _run_sections(pool, tasks):
            outcomes[result.part] = (result, fragment)
            if on_section is not None:
                on_section(result)
        results = [outcomes[s.part][0] for s in chosen]
        report = ReportResult(unit=uy.unit, year=uy.year, folder=folder, kernel=kernel_name, sections=results)
        fragments = {p: frag for p, (_, frag) in outcomes.items()}
        _build_combined(report, spec, chosen, fragments, uy, fmts, pool)
    report.seconds = time.perf_counter() - started
    return report


def read_spec(path: Path | str | None = None) -> ReportSpec:
    """The report declaration at ``path`` (default: ``notebooks/report.toml``)."""
    try:
        return load_report_spec(Path(path) if path else None)
    except FileNotFoundError as exc:
        raise NianbaoError(f"no report declaration at {exc.filename}") from None
    except (ValueError, KeyError, TypeError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise NianbaoError(f"cannot read the report declaration {path or 'notebooks/report.toml'}: {exc}") from None


def select_sections(spec: ReportSpec, keys: Iterable[int | str] | None) -> list[Section]:
    """The sections to run, in report order; ``keys`` are part numbers, ids or notebook stems."""
    if keys is None:
        return list(spec.sections)
    wanted: list[Section] = []
    for key in keys:
        key = key.strip() if isinstance(key, str) else key
        try:
            section = spec.section(int(key) if isinstance(key, str) and key.isdigit() else key)
        except KeyError:
            valid = ", ".join(f"{s.part} ({s.id})" for s in spec.sections)
            raise NianbaoError(f"no section {key!r} in the report; sections are {valid}") from None
        if section not in wanted:
            wanted.append(section)
    if not wanted:
        raise NianbaoError("no sections selected")
    return [s for s in spec.sections if s in wanted]


def resolve_kernel(name: str, explicit: bool = False) -> str:
    """``name`` if that Jupyter kernel is installed, else ``python3`` (unless asked for explicitly)."""
    from jupyter_client.kernelspec import KernelSpecManager

    available = KernelSpecManager().find_kernel_specs()
    if name in available:
        return name
    if not explicit and FALLBACK_KERNEL in available:
        return FALLBACK_KERNEL
    raise NianbaoError(
        f"no Jupyter kernel {name!r} (installed: {', '.join(sorted(available)) or 'none'}); "
        "run scripts/setup.sh to register the project's kernel"
    )


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if bad:
        raise NianbaoError(f"unknown format(s) {bad}; formats are {list(FORMATS)}")
    return chosen


# ---------------------------------------------------------------------------------------------
# running sections (in worker processes)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionTask:
    """Everything a worker needs to run and export one section (picklable)."""

    section: Section
    uy: UnitYear
    folder: Path
    data_dir: Path
    kernel: str
    formats: tuple[str, ...]
    timeout: int | None


def _worker_pool(n_workers: int, kernel: str | None = None) -> ProcessPoolExecutor:
    """The worker processes: each imports the heavy libraries once and keeps a warm kernel
    (:func:`warm_up`).

    Sections always run in workers, even a single one: a worker imports those libraries in its
    own way and starts kernels of its own, neither of which should happen to the caller's
    process. "spawn" starts them clean, without state inherited from the caller (a test runner,
    a notebook server with threads, ...).
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=warm_up, initargs=(kernel,))


def _run_sections(pool: ProcessPoolExecutor, tasks: Sequence[SectionTask]):
    """Yield ``(SectionResult, fragment)`` per task, as they complete."""
    futures = {pool.submit(run_section, task): task for task in tasks}
    for future in as_completed(futures):
        task = futures[future]
        try:
            yield future.result()
        except Exception as exc:  # the worker process itself died
            yield _failure(task, 0.0, "execute", f"worker process failed: {type(exc).__name__}: {exc}"), None


#: The warm kernels of this worker process, one per thread that runs sections (a Dask worker may
#: run tasks in several threads); see :func:`warm_up` and :func:`kernel_slot`.
_SLOTS: dict = {}


def warm_up(kernel: str | None = None, reuse: bool = True) -> None:
    """Prepare a worker process: import the heavy libraries once and start a kernel ahead.

    jsonschema (imported by nbformat, so by papermill and nbconvert) loads the optional package
    rfc3987-syntax when it is installed (jupyterlab's dependencies install it), which compiles a
    grammar at import: 1.6 s per process, for IRI format checks that notebook validation never
    uses. Workers are our own processes, so they skip it.

    With ``kernel`` (a kernel name), the worker launches that kernel first, so that the kernel
    imports pandas and matplotlib while this process imports papermill and WeasyPrint.
    """
    import logging
    import multiprocessing.util
    import threading

    from .kernels import KernelSlot

    if kernel is not None and threading.get_ident() not in _SLOTS:
        if not _SLOTS:
            multiprocessing.util.Finalize(None, close_kernels, exitpriority=10)  # workers skip atexit
        _SLOTS[threading.get_ident()] = KernelSlot(kernel, reuse=reuse)
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill  # noqa: F401
    import weasyprint  # noqa: F401

    from . import engine, export

    engine.register()
    export._exporter()  # noqa: SLF001 - builds nbconvert's exporter and its template environment
    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures are reported by us


def close_kernels() -> None:
    """Stop this process's warm kernels (at a worker's exit)."""
    while _SLOTS:
        _, slot = _SLOTS.popitem()
        slot.close()


def kernel_slot(kernel: str):
    """This thread's kernel slot, created (its kernel started ahead) on first use."""
    import threading

    from .kernels import KernelSlot

    ident = threading.get_ident()
    if ident not in _SLOTS:
        warm_up(kernel)
    slot = _SLOTS[ident]
    if slot.kernel_name != kernel:  # a task asking for another kernel than the worker's
        slot.close()
        slot = _SLOTS[ident] = KernelSlot(kernel)
    return slot


@dataclass
class SectionOutcome:
    """What a section produced, still in memory (and the executed notebook in a temporary file)."""

    result: SectionResult
    fragment: str | None = None
    running: Path | None = None  # the executed notebook, not yet in place
    payloads: dict[str, bytes] = field(default_factory=dict)  # format -> page or PDF
    tables: object | None = None  # downloads.render_downloads(...)

    def discard(self) -> None:
        if self.running is not None:
            self.running.unlink(missing_ok=True)


def run_section(task: SectionTask) -> tuple[SectionResult, str | None]:
    """Execute one section notebook and export it, writing its files; never raises for a failing
    notebook. Returns the result and, when the section succeeded, its HTML fragment (for the
    combined report)."""
    outcome = produce_section(task)
    return commit_section(outcome), outcome.fragment


def produce_section(task: SectionTask, timeout: float | None = None) -> SectionOutcome:
    """Execute and export one section in this worker, keeping the results in memory.

    A failure is a result: its executed notebook is kept as ``NN_name.failed.ipynb``.
    ``timeout`` (seconds), when given, bounds each cell instead of ``task.timeout``.
    """
    from . import downloads, export, pdf

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
            if "pdf" in task.formats:
                payloads["pdf"] = pdf.render_pdf(page)
            label = f"{task.uy.title} {task.uy.heading(section.part)}"
            tables = downloads.render_downloads(nb, section.stem, synthetic=task.uy.synthetic, label=label)
        except Exception as exc:
            return fail("export", f"{type(exc).__name__}: {exc}")
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
    return SectionOutcome(result, fragment, running_nb, payloads, tables)


def commit_section(outcome: SectionOutcome) -> SectionResult:
    """Move a section's outputs into place (each file atomically); a failure is returned as it is."""
    from . import downloads

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

    from . import engine

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
        partial_path=output,
    )


def _kernel_config():
    """See :func:`nianbao.kernels.kernel_config` (kept here for callers of the runner)."""
    from .kernels import kernel_config

    return kernel_config()


def _cell_error(exc: Exception, source_notebook: Path) -> CellError | None:
    """The failing cell of a papermill execution error, located in the committed notebook."""
    from papermill.exceptions import PapermillExecutionError

    if not isinstance(exc, PapermillExecutionError):
        return None
    source = exc.source or ""
    line = _error_line(exc.traceback or [], exc.exec_count)
    return CellError(
        cell_index=_source_index(source_notebook, source, exc.cell_index),
        executed_index=exc.cell_index,
        execution_count=exc.exec_count,
        source=_excerpt(source, line),
        ename=str(exc.ename),
        evalue=str(exc.evalue),
        line=line,
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _error_line(traceback: Sequence[str], execution_count: int | None) -> int | None:
    """The line of the failing cell in IPython's traceback ("Cell In[4], line 2"), if any."""
    text = _ANSI.sub("", "\n".join(traceback))
    count = re.escape(str(execution_count)) if execution_count is not None else r"\d+"
    match = re.search(rf"Cell In\[{count}\], line (\d+)", text)
    return int(match.group(1)) if match else None


def _source_index(notebook: Path, source: str, executed_index: int) -> int:
    """Index in the committed notebook of the cell whose source is ``source``.

    papermill inserts its parameters cell, so indexes in the executed notebook are shifted.
    Among cells with the same source, the one nearest to ``executed_index`` is taken.
    """
    import nbformat

    try:
        cells = nbformat.read(str(notebook), as_version=4).cells
    except Exception:
        return executed_index
    matches = [i for i, cell in enumerate(cells) if cell.source == source]
    if not matches:
        return executed_index
    return min(matches, key=lambda i: (abs(executed_index - 1 - i), i))


def _excerpt(source: str, line: int | None = None) -> str:
    """A few lines of a cell's source: around ``line`` (marked with →) when known, else the start."""
    lines = source.rstrip().splitlines()
    if line is not None and 1 <= line <= len(lines):
        first = max(1, line - (_EXCERPT_LINES - 2))
        shown = [f"{'→' if n == line else ' '} {lines[n - 1]}" for n in range(first, min(line + 1, len(lines)) + 1)]
        if first > 1:
            shown.insert(0, "  ...")
        if line + 1 < len(lines):
            shown.append("  ...")
        return "\n".join(shown)
    if len(lines) <= _EXCERPT_LINES:
        return "\n".join(lines)
    return "\n".join(lines[: _EXCERPT_LINES - 1] + [f"... ({len(lines) - _EXCERPT_LINES + 1} more lines)"])


def _failure(
    task: SectionTask,
    seconds: float,
    stage: str,
    message: str,
    error: CellError | None = None,
    executed: Path | None = None,
) -> SectionResult:
    s = task.section
    return SectionResult(
        part=s.part,
        id=s.id,
        stem=s.stem,
        notebook=s.notebook,
        status="failed",
        seconds=seconds,
        executed=executed,
        stage=stage,
        error=error,
        message=message,
    )


# ---------------------------------------------------------------------------------------------
# the combined report
# ---------------------------------------------------------------------------------------------


def _build_combined(
    report: ReportResult,
    spec: ReportSpec,
    chosen: Sequence[Section],
    fragments: dict[int, str | None],
    uy: UnitYear,
    formats: tuple[str, ...],
    pool: ProcessPoolExecutor,
) -> None:
    if not spec.combined or not formats:
        report.combined_skipped = "no combined report declared"
        return
    if report.failed:
        failed = ", ".join(s.stem for s in report.failed)
        report.combined_skipped = f"not rebuilt because a section failed ({failed}); any earlier report is kept"
        return
    missing = [s.part for s in spec.sections if s not in chosen]
    if missing:
        report.combined_skipped = f"not rebuilt: only some parts were run (not {', '.join(map(str, missing))})"
        return
    parts = [PartFragment(s.part, uy.heading(s.part), fragments[s.part] or "") for s in chosen]
    executed = [s.executed for s in report.sections if s.executed is not None]
    # Both in workers, side by side: WeasyPrint, nbformat and openpyxl are loaded there already,
    # and WeasyPrint's font caches are warm.
    pages = pool.submit(render_combined, parts, uy, formats)
    tables = pool.submit(render_report_workbook, executed, uy)
    try:
        payloads = pages.result()
        workbook = tables.result()
    except Exception as exc:
        report.combined_error = f"{type(exc).__name__}: {exc}"
        return
    if workbook is not None:
        payloads["xlsx"] = workbook
    for fmt, payload in payloads.items():
        target = report.folder / f"{spec.combined}.{fmt}"
        write_atomic(target, payload)
        report.combined[fmt] = target


def render_combined(parts: Sequence[PartFragment], uy: UnitYear, formats: Sequence[str]) -> dict[str, bytes]:
    """The combined report's files in memory: format → content."""
    from . import combined, pdf

    page = combined.report_page(parts, uy=uy)
    payloads: dict[str, bytes] = {}
    if "html" in formats:
        payloads["html"] = page.encode("utf-8")
    if "pdf" in formats:
        payloads["pdf"] = pdf.render_pdf(page)
    return payloads


def render_report_workbook(executed: Sequence[Path], uy: UnitYear) -> bytes | None:
    """``report.xlsx``: the tables of every section in one workbook (None when there are none)."""
    from .downloads import report_workbook

    return report_workbook(list(executed), synthetic=uy.synthetic, label=uy.title)


# ---------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------


def _temp_path(folder: Path, stem: str, suffix: str) -> Path:
    """A fresh hidden file name in ``folder`` (papermill wants the .ipynb suffix)."""
    fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".running{suffix}", dir=folder)
    os.close(fd)
    os.unlink(name)
    return Path(name)


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
