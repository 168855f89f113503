"""The corpus report: ``notebooks/corpus.ipynb`` (declared in ``report.toml``) run by papermill
through the one notebook runner (:func:`nianbao.run.execute.run_notebook`) on the dataset in an
output folder, and its pages put beside the dataset: ``corpus.html``, ``corpus.pdf`` and the
tables it shows, every row of them, as ``corpus.xlsx``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nianbao.atomic import write_atomic
from nianbao.audit.corpus import queries
from nianbao.errors import NianbaoError

HEADING = "政府信息公开工作年度报告·批量审核"


def notebook_parameters(out: Path | str, top: int = 30, drill: int = 10) -> dict:
    return {"out_dir": str(Path(out).resolve()), "top": int(top), "drill": int(drill)}


def export_corpus_report(out: Path | str, *, formats: tuple[str, ...] = ("html", "pdf"), kernel: str | None = None,
                         top: int = 30, drill: int = 10) -> dict[str, Path]:  # fmt: skip
    """Run the corpus notebook on the dataset in ``out``; write its pages (and tables) there."""
    from nianbao.run.execute import NotebookTask, run_notebook

    out = Path(out).resolve()
    files = queries.totals(queries.connect(out))["files"]  # fails early, in words, without a dataset
    with tempfile.TemporaryDirectory(prefix="nianbao-corpus-") as tmp:
        task = NotebookTask.declared(
            "corpus", notebook_parameters(out, top, drill), Path(tmp), "corpus", heading=HEADING, synthetic=False,
            title_values={"files": f"{files:,}"}, formats=formats, kernel=kernel,
        )  # fmt: skip
        result = run_notebook(task)
        if not result.ok:
            raise NianbaoError(f"the corpus notebook failed: {result.summary()}")
        written = {fmt: write_atomic(out / f"corpus.{fmt}", result.outputs[fmt].read_bytes()) for fmt in formats}
        if "xlsx" in result.outputs:
            written["xlsx"] = write_atomic(out / "corpus.xlsx", result.outputs["xlsx"].read_bytes())
    return written
