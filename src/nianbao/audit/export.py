"""The audit notebook executed for one page and exported like the report's sections: a
self-contained HTML page and a PDF (``nianbao audit FILE --html OUT.html --pdf OUT.pdf``).

It runs through the one notebook runner (:func:`nianbao.run.execute.run_notebook`): papermill
runs ``notebooks/audit.ipynb`` (declared in ``report.toml``) with the page as its ``file``
parameter in a worker, and the pages it exports are copied to the paths asked for, atomically.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nianbao.atomic import write_atomic
from nianbao.errors import NianbaoError


def notebook_parameters(
    file: Path | str, unit: str | None = None, year: int | None = None, data_dir: Path | str | None = None
) -> dict:
    """The audit notebook's parameters, as papermill takes them."""
    return {
        "file": str(Path(file).resolve()),
        "unit": unit or "",
        "year": int(year or 0),
        "data_dir": str(data_dir or ""),
    }


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
    from nianbao.run.execute import NotebookTask, run_notebook

    targets = {fmt: Path(path) for fmt, path in (("html", html), ("pdf", pdf)) if path}
    if not targets:
        return {}
    with tempfile.TemporaryDirectory(prefix="nianbao-audit-") as tmp:
        task = NotebookTask.declared(
            "audit", notebook_parameters(file, unit, year, data_dir), Path(tmp), "audit", heading="年度报告审核",
            synthetic=False, title_values={"file_name": Path(file).name}, formats=tuple(targets), kernel=kernel,
        )  # fmt: skip
        result = run_notebook(task)
        if not result.ok:
            raise NianbaoError(f"the audit notebook failed: {result.summary()}")
        return {fmt: write_atomic(target, result.outputs[fmt].read_bytes()) for fmt, target in targets.items()}
