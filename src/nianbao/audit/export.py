"""The audit notebook executed for one page and exported like the report's sections: a
self-contained HTML page and a PDF (``nianbao audit FILE --html OUT.html --pdf OUT.pdf``).

It reuses the report's pipeline: papermill runs ``notebooks/audit.ipynb`` with the page as its
``file`` parameter, :func:`nianbao.export.notebook_fragment` renders the outputs, the section
page template wraps them, :func:`nianbao.pdf.render_pdf` prints. Files are written atomically.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nianbao.data.files import PROJECT_ROOT, atomic_write_bytes
from nianbao.errors import NianbaoError

AUDIT_NOTEBOOK = PROJECT_ROOT / "notebooks" / "audit.ipynb"


def notebook_parameters(file: Path | str, unit: str | None = None, year: int | None = None, data_dir: Path | str | None = None) -> dict:
    """The audit notebook's parameters, as papermill takes them."""
    return {"file": str(Path(file).resolve()), "unit": unit or "", "year": int(year or 0), "data_dir": str(data_dir or "")}


def run_notebook(parameters: dict, *, kernel: str | None = None, timeout: int = 600):
    """Execute the audit notebook; return the executed notebook (nbformat node)."""
    import papermill

    from nianbao.run import report as runner

    kernel_name = runner.resolve_kernel(kernel or "nianbao", explicit=kernel is not None)
    # the runner's kernel settings (Unix sockets, not TCP) when it has them
    config = runner._kernel_config() if hasattr(runner, "_kernel_config") else None  # noqa: SLF001
    with tempfile.TemporaryDirectory(prefix="nianbao-audit-") as tmp:
        try:
            return papermill.execute_notebook(
                str(AUDIT_NOTEBOOK), str(Path(tmp) / "audit.ipynb"), parameters=parameters, kernel_name=kernel_name,
                language="python", progress_bar=False, log_output=False, execution_timeout=timeout,
                **({"config": config} if config is not None else {}),
            )  # fmt: skip
        except papermill.PapermillExecutionError as exc:
            raise NianbaoError(f"the audit notebook failed in cell {exc.cell_index}: {exc.ename}: {exc.evalue}") from None


def export_audit(
    file: Path | str,
    *,
    html: Path | str | None = None,
    pdf: Path | str | None = None,
    unit: str | None = None,
    year: int | None = None,
    data_dir: Path | str | None = None,
    kernel: str | None = None,
) -> dict[str, Path]:
    """Run the audit notebook for ``file`` and write the HTML and/or PDF asked for."""
    from markupsafe import Markup

    from nianbao.render import html as export
    from nianbao.render.pdf import render_pdf

    if not html and not pdf:
        return {}
    nb = run_notebook(notebook_parameters(file, unit, year, data_dir), kernel=kernel)
    fragment = export.notebook_fragment(nb)
    title = f"年度报告审核：{Path(file).name}"
    page = export.page_templates().get_template("section.html.j2").render(
        title=title, unit_name="", unit="", year="", synthetic=False, part="audit", heading="年度报告审核",
        fragment=Markup(fragment),
    )  # fmt: skip
    written: dict[str, Path] = {}
    if html:
        atomic_write_bytes(Path(html), page.encode("utf-8"))
        written["html"] = Path(html)
    if pdf:
        atomic_write_bytes(Path(pdf), render_pdf(page, title=title))
        written["pdf"] = Path(pdf)
    return written
