"""Helpers of bench_batch.py that run in a process of their own: (d) the floor, and the profile of
one report's pieces. Not a benchmark by itself."""

from __future__ import annotations

import json
import time
from pathlib import Path


def _code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def report_pdfs(pages: dict[int, str], unit: str, year: int) -> tuple[bytes, dict[int, bytes]]:
    """The report's PDFs from its sections' pages, as nianbao makes them: each part laid out
    once, report.pdf written, the sections' PDFs cut out of it (render/book.py)."""
    from nianbao.data.store import DataStore
    from nianbao.render import combined
    from nianbao.render.archival import DocumentInfo
    from nianbao.render.book import ReportBook
    from nianbao.run.execute import report_pdf

    uy = DataStore(None).load(unit, year)
    info = DocumentInfo(uy.title, uy.unit, uy.unit_name, str(uy.year))
    book = ReportBook(sorted(pages))
    parts = []
    for part, page in sorted(pages.items()):
        book.add(part, combined.anchored(page, part), info.with_subject(uy.heading(part)))
        parts.append(combined.PartFragment(part, uy.heading(part), page))
    return report_pdf(book, parts, uy, info)


def floor(report_folder: str, unit: str = "shanghai", year: int = 2020) -> dict[str, float]:
    """(d): the six sections' code in one warm IPython (no kernel), then the report's PDFs made
    from the pages that ``nianbao report`` wrote to ``report_folder`` (the six sections' and
    report.pdf, as :func:`report_pdfs`); each warmed once, then the best of three runs (a run on a
    busy machine is only slower, never faster)."""
    import matplotlib
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from matplotlib_inline.backend_inline import configure_inline_support

    from nianbao.run.notebooks import load_report_spec

    shell = InteractiveShell.instance()
    backend = "module://matplotlib_inline.backend_inline"  # figures displayed as PNG, as in a kernel
    matplotlib.use(backend)
    configure_inline_support(shell, backend)
    sections = load_report_spec().sections
    cells = [_code_cells(s.notebook) for s in sections]
    parameters = f'unit = "{unit}"\nyear = {year}\ndata_dir = ""\n'
    images = 0

    def execute() -> float:
        nonlocal images
        images = 0
        start = time.perf_counter()
        for section_cells in cells:
            shell.run_line_magic("reset", "-f")
            for source in [section_cells[0], parameters, *section_cells[1:]]:
                with capture_output() as outputs:
                    result = shell.run_cell(source, store_history=False)
                if not result.success:
                    raise RuntimeError(f"cell failed: {result.error_in_exec or result.error_before_exec}")
                shown = [o.data for o in outputs.outputs]
                images += sum("image/png" in d or "image/svg+xml" in d for d in shown)
        return time.perf_counter() - start

    folder = Path(report_folder)
    pages = {s.part: (folder / f"{s.stem}.html").read_text(encoding="utf-8") for s in sections}

    def render() -> float:
        start = time.perf_counter()
        report_pdfs(pages, unit, year)
        return time.perf_counter() - start

    execute()
    render()  # warm: imports, fonts, caches
    timed = {"execute": min(execute() for _ in range(3)), "pdf": min(render() for _ in range(3))}  # best of 3
    if images < 4:  # the six parts show four charts: they must have been drawn
        raise RuntimeError(f"only {images} charts were drawn")
    return timed


def profile_report(unit: str = "shanghai", year: int = 2020) -> None:
    """A timeline of one warm ``nianbao report`` in this process: when each part's notebook came
    back from the workers, when its layout (the parent's layout thread) started and ended, and the
    end of the report: writing report.pdf and cutting the sections' PDFs out of it. The serial
    tail after the last notebook is what the wall time of one report waits for."""
    import functools
    import tempfile

    from nianbao.render import book, split
    from nianbao.run import report as runner
    from nianbao.run import scheduler

    out = Path(tempfile.mkdtemp(prefix="nianbao-profile-"))
    runner.build_report(unit, year, out=out)  # warm: fonts, caches, kernels registered
    events: list[tuple[float, str]] = []
    origin = [0.0]

    def timed(owner, name: str, label) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            started = time.perf_counter() - origin[0]
            try:
                return original(*args, **kwargs)
            finally:
                events.append((started, f"{label(args)}: {started:5.2f} → {time.perf_counter() - origin[0]:5.2f} s"))

        setattr(owner, name, wrapper)

    timed(book, "lay_out_part", lambda a: f"layout of part {a[0]}")
    timed(book.ReportBook, "finish", lambda a: "report.pdf: front matter, paint and write, cut (all)")
    timed(split, "sections", lambda a: "  of which cutting the sections' PDFs")
    timed(scheduler.ReportScheduler, "_on_execute", lambda a: f"notebook of part {a[2].part} back from its worker")
    origin[0] = time.perf_counter()
    result = runner.build_report(unit, year, out=out)
    wall = time.perf_counter() - origin[0]
    print(f"timeline of one warm report ({unit} {year}, {'ok' if result.ok else 'FAILED'}; build_report {wall:.2f} s):")
    for _, line in sorted(events):
        print(f"  {line}")
