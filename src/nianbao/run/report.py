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

Sections run in worker processes (two by default, :mod:`nianbao.worker`). Each worker imports
papermill, nbconvert and WeasyPrint once and keeps a kernel started ahead, warm, and reused
between its sections while they succeed (:mod:`nianbao.kernels`). :mod:`nianbao.scheduler` hands
them the work: every execution first, then the combined report's PDF beside the sections' PDFs.
A section that fails does not stop the others; its result names the notebook, the cell and the
error. ``nianbao batch`` (:mod:`nianbao.batch`) runs many unit-years on the same kind of workers.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.render.combined import PartFragment
from nianbao.data.files import DataStore, resolve_data_dir
from nianbao.errors import NianbaoError
from nianbao.data.model import UnitYear
from nianbao.run.notebooks import DEFAULT_OUTPUTS, ReportSpec, Section, load_report_spec

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
    report = ReportResult(unit=uy.unit, year=uy.year, folder=folder, kernel=kernel_name, sections=[])
    skipped = _combined_skipped(spec, chosen, fmts)
    with _worker_pool(n_workers, kernel_name) as pool:
        from nianbao.run.scheduler import ReportScheduler, write_combined

        scheduler = ReportScheduler(pool, n_workers, tasks, uy, combined=skipped is None, on_section=on_section)
        report.sections, combined = scheduler.run()
    if skipped is not None:
        report.combined_skipped = skipped
    elif report.failed:
        failed = ", ".join(s.stem for s in report.failed)
        report.combined_skipped = f"not rebuilt because a section failed ({failed}); any earlier report is kept"
    elif combined.error is not None:
        report.combined_error = combined.error
    else:
        report.combined = write_combined(folder, spec.combined, combined)
    report.seconds = time.perf_counter() - started
    return report


def _combined_skipped(spec: ReportSpec, chosen: Sequence[Section], formats: tuple[str, ...]) -> str | None:
    """Why the combined report will not be built, known before running anything (None: it will)."""
    if not spec.combined or not formats:
        return "no combined report declared"
    missing = [s.part for s in spec.sections if s not in chosen]
    if missing:
        return f"not rebuilt: only some parts were run (not {', '.join(map(str, missing))})"
    return None


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
    from nianbao.run.worker import warm_up

    return ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=warm_up, initargs=(kernel,))


def _kernel_config():
    """See :func:`nianbao.kernels.kernel_config` (kept here for callers of the runner)."""
    from nianbao.run.kernels import kernel_config

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


def render_combined(parts: Sequence[PartFragment], uy: UnitYear, formats: Sequence[str]) -> dict[str, bytes]:
    """The combined report's files in memory: format → content."""
    from nianbao.render import combined, pdf

    page = combined.report_page(parts, uy=uy)
    payloads: dict[str, bytes] = {}
    if "html" in formats:
        payloads["html"] = page.encode("utf-8")
    if "pdf" in formats:
        payloads["pdf"] = pdf.render_pdf(page)
        from nianbao.run.worker import release_memory

        release_memory()
    return payloads


def render_report_workbook(executed: Sequence[Path], uy: UnitYear) -> bytes | None:
    """``report.xlsx``: the tables of every section in one workbook (None when there are none)."""
    from nianbao.render.downloads import report_workbook

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
