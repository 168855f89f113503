"""Run a single analysis notebook (trends, comparison) and export it like a report section.

The notebook is executed with papermill into the output folder, then exported through the same
pipeline as the sections (:mod:`nianbao.export`, :mod:`nianbao.pdf`, :mod:`nianbao.downloads`)::

    OUT/<unit>/trends/trends_2019-2023.ipynb|.html|.pdf|.xlsx   nianbao trends
    OUT/<parent>/<year>/comparison.ipynb|.html|.pdf|.xlsx         nianbao compare --parent
    OUT/comparisons/<year>/<units>/comparison.*                   nianbao compare --units
    ... and csv/<stem>/*.csv beside them

As for the sections, nothing is written unless the notebook ran and exported; a failed run
keeps ``<stem>.failed.ipynb`` and names the failing cell.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.run.notebooks import DEFAULT_OUTPUTS, NOTEBOOKS_DIR

NOTEBOOKS = {"trends": NOTEBOOKS_DIR / "trends.ipynb", "comparison": NOTEBOOKS_DIR / "comparison.ipynb"}


@dataclass
class AnalysisResult:
    name: str  # trends | comparison
    stem: str
    folder: Path
    status: str  # ok | failed
    seconds: float
    executed: Path | None = None
    outputs: dict[str, Path] = field(default_factory=dict)  # html, pdf, xlsx, csv (folder)
    error: object | None = None  # runner.CellError for a failing cell
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def trends_target(unit: str, first_year: int, last_year: int, out: Path | str | None) -> tuple[Path, str]:
    return (Path(out) if out else DEFAULT_OUTPUTS).resolve() / unit / "trends", f"trends_{first_year}-{last_year}"


def comparison_target(year: int, parent: str | None, units: list[str], out: Path | str | None) -> tuple[Path, str]:
    base = (Path(out) if out else DEFAULT_OUTPUTS).resolve()
    if parent and not units:
        return base / parent / str(year), "comparison"
    slug = re.sub(r"[^a-z0-9_-]+", "-", "_".join(units).lower())[:60] or "units"
    return base / "comparisons" / str(year) / slug, "comparison"


def run_analysis(
    name: str,
    parameters: dict,
    folder: Path,
    stem: str,
    *,
    title: str,
    heading: str,
    synthetic: bool,
    formats: tuple[str, ...] = ("html", "pdf"),
    kernel: str | None = None,
    timeout: int | None = 600,
) -> AnalysisResult:
    """Execute ``NOTEBOOKS[name]`` with ``parameters`` into ``folder/<stem>.ipynb`` and export it.

    ``title`` is the page's running title (as the report's title on a section page), ``heading``
    the notebook's own heading (the page's name and the PDF's title).
    """
    from nianbao.render import downloads, html as export, pdf
    from nianbao.run import report as runner

    started = time.perf_counter()
    notebook = NOTEBOOKS[name]
    kernel_name = runner.resolve_kernel(kernel or "nianbao", explicit=kernel is not None)
    folder.mkdir(parents=True, exist_ok=True)
    good, failed = folder / f"{stem}.ipynb", folder / f"{stem}.failed.ipynb"
    running = runner._temp_path(folder, stem, ".ipynb")  # noqa: SLF001 - same conventions as the sections

    def fail(message: str, error=None) -> AnalysisResult:
        executed = None
        if running.exists():
            os.replace(running, failed)
            executed = failed
        return AnalysisResult(name, stem, folder, "failed", time.perf_counter() - started, executed, {}, error, message)

    try:
        import papermill

        try:
            nb = papermill.execute_notebook(
                str(notebook), str(running), parameters=parameters, kernel_name=kernel_name, language="python",
                progress_bar=False, log_output=False, execution_timeout=timeout,
                config=runner._kernel_config(),  # noqa: SLF001
            )  # fmt: skip
        except Exception as exc:
            error = runner._cell_error(exc, notebook)  # noqa: SLF001
            return fail(f"{error.ename}: {error.evalue}" if error else f"{type(exc).__name__}: {exc}", error)
        try:
            fragment = export.notebook_fragment(nb)
            page = analysis_page(fragment, title=title, heading=heading, part=name, synthetic=synthetic)
            payloads = {}
            if "html" in formats:
                payloads["html"] = page.encode("utf-8")
            if "pdf" in formats:
                payloads["pdf"] = pdf.render_pdf(page, title=heading)
            files = downloads.render_downloads(nb, stem, synthetic=synthetic, label=heading)
        except Exception as exc:
            return fail(f"export: {type(exc).__name__}: {exc}")
    except BaseException:
        if running.exists():
            os.replace(running, failed)
        raise
    os.replace(running, good)
    failed.unlink(missing_ok=True)
    outputs = {}
    for fmt, payload in payloads.items():
        runner.write_atomic(folder / f"{stem}.{fmt}", payload)
        outputs[fmt] = folder / f"{stem}.{fmt}"
    written = downloads.write_files(folder, stem, files)
    if written.xlsx:
        outputs["xlsx"] = written.xlsx
        outputs["csv"] = folder / "csv" / stem
    return AnalysisResult(name, stem, folder, "ok", time.perf_counter() - started, good, outputs)


def analysis_page(fragment: str, *, title: str, heading: str, part: str, synthetic: bool) -> str:
    """A full, self-contained page around an analysis notebook's fragment (the sections' template)."""
    from markupsafe import Markup

    from nianbao.render.html import page_templates

    template = page_templates().get_template("section.html.j2")
    return template.render(title=title, heading=heading, part=part, synthetic=synthetic, fragment=Markup(fragment))


def format_result(result: AnalysisResult) -> str:
    """One line per run, plus the failing cell for a failure (as ``nianbao report`` prints)."""
    from nianbao.cli.main import _shown

    head = f"{result.stem:<24} {'ok' if result.ok else 'FAILED':<6} {result.seconds:6.1f}s"
    if result.ok:
        return f"{head}  " + " ".join(_shown(p) for p in result.outputs.values())
    lines = [f"{head}  {NOTEBOOKS[result.name].name}"]
    err = result.error
    if err is not None:
        lines.append(f"    cell {err.cell_number}: {err.ename}: {err.evalue}")
        lines.extend(f"    | {line}" for line in err.source.splitlines())
    else:
        lines.append(f"    {result.message}")
    if result.executed is not None:
        lines.append(f"    executed notebook kept: {_shown(result.executed)}")
    return "\n".join(lines)
