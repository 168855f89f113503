"""Helpers of bench_batch.py that run in a process of their own: (d) the floor, and the profile of
one report's pieces. Not a benchmark by itself."""

from __future__ import annotations

import json
import sys
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
    report.pdf, as :func:`report_pdfs`); each timed on a second, warm run."""
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
    timed = {"execute": execute(), "pdf": render()}
    if images < 4:  # the six parts show four charts: they must have been drawn
        raise RuntimeError(f"only {images} charts were drawn")
    return timed


def profile_report(unit: str = "shanghai", year: int = 2020) -> None:
    """Where the time of one report goes, piece by piece, one after the other in this process."""
    import os
    import tempfile

    start = time.perf_counter()
    sys.modules.setdefault("rfc3987_syntax", None)  # as the workers do
    import papermill  # noqa: F401
    import weasyprint  # noqa: F401

    from nianbao.data.store import DataStore
    from nianbao.render import combined, pdf
    from nianbao.render import html as export
    from nianbao.run import engine, worker
    from nianbao.run import report as runner
    from nianbao.run.kernels import WARM_IMPORTS, WarmKernel

    export._exporter()
    engine.register()
    imports = time.perf_counter() - start
    spec = runner.read_spec(None)
    uy = DataStore(None).load(unit, year)
    kernel = runner.resolve_kernel(spec.kernel)
    rows, fragments = [], []
    work = Path(tempfile.mkdtemp(prefix="nianbao-profile-"))
    for section in spec.sections:
        t0 = time.perf_counter()
        warm = WarmKernel(kernel, imports=())
        warm.manager()  # started and answering
        t1 = time.perf_counter()
        msg = warm._client.execute("\n".join(f"import {m}" for m in WARM_IMPORTS), silent=True, store_history=False)
        warm._wait(msg, "importing", 120)
        t2 = time.perf_counter()
        task = runner.SectionTask(section, uy, work, DataStore(None).root, kernel, ("html", "pdf"), 600)
        nb = worker._execute(task, work / f"{section.stem}.ipynb", warm)
        t3 = time.perf_counter()
        fragment = export.notebook_fragment(nb)
        page = export.section_page(fragment, uy=uy, part=section.part)
        t4 = time.perf_counter()
        pdf.render_pdf(page)
        t5 = time.perf_counter()
        warm.close()
        fragments.append(combined.PartFragment(section.part, uy.heading(section.part), fragment))
        rows.append((section.stem, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4))
    t = time.perf_counter()
    pdf.render_pdf(combined.report_page(fragments, uy=uy))
    combined_pdf = time.perf_counter() - t
    t = time.perf_counter()
    runner.render_report_workbook([work / f"{s.stem}.ipynb" for s in spec.sections], uy)
    workbook = time.perf_counter() - t
    lean, lab = _template_costs(work / f"{spec.sections[2].stem}.ipynb", uy, spec.sections[2].part)

    print(f"profile of one report ({unit} {year}), pieces one after the other in one process (s):")
    print(f"  worker imports (papermill, nbconvert, WeasyPrint): {imports:.2f}")
    print(f"  {'section':<22}{'kernel start':>13}{'kernel imports':>15}{'execute':>9}{'HTML':>7}{'PDF':>7}")
    for stem, *values in rows:
        print(f"  {stem:<22}" + "".join(f"{v:>{w}.2f}" for v, w in zip(values, (13, 15, 9, 7, 7))))
    totals = [sum(r[i] for r in rows) for i in range(1, 6)]
    print(f"  {'total':<22}" + "".join(f"{v:>{w}.2f}" for v, w in zip(totals, (13, 15, 9, 7, 7))))
    print(f"  combined report PDF: {combined_pdf:.2f}; report.xlsx: {workbook:.2f}")
    print(
        f"  PDF of {spec.sections[2].stem} from nianbao's lean page: {lean:.2f}; "
        f"from nbconvert's default (lab) HTML of the same notebook: {lab:.2f}"
    )
    print(f"  (process {os.getpid()})")


def _template_costs(executed: Path, uy, part: int) -> tuple[float, float]:
    """WeasyPrint time for one section: nianbao's lean page against nbconvert's default HTML."""
    import nbformat
    from nbconvert import HTMLExporter
    from weasyprint import HTML

    from nianbao.render import html as export

    nb = nbformat.read(str(executed), as_version=4)
    lean_page = export.section_page(export.notebook_fragment(nb), uy=uy, part=part)
    lab_page, _ = HTMLExporter().from_notebook_node(nb)

    def render(page: str) -> float:
        HTML(string=page).render().write_pdf()  # warm
        start = time.perf_counter()
        HTML(string=page).render().write_pdf()
        return time.perf_counter() - start

    return render(lean_page), render(lab_page)
