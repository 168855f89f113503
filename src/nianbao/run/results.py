"""What running a notebook gives: its result, the cell that stopped it, and how both are told.

Types and pure helpers only: the worker that produces results is :mod:`nianbao.run.execute`.
Every command that runs notebooks describes a result the same way (:meth:`NotebookResult.describe`
for a terminal, :meth:`NotebookResult.summary` for a one-line log or table).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.roots import shown

FORMATS = ("html", "pdf")  # the export formats a notebook may be asked for
OK, FAILED = "ok", "failed"
EXCERPT_LINES = 8
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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

    def where(self) -> str:
        """``cell 4, line 2``."""
        return f"cell {self.cell_number}" + (f", line {self.line}" if self.line else "")

    @classmethod
    def from_exception(cls, exc: Exception, source_notebook: Path) -> CellError | None:
        """The failing cell of a papermill execution error, located in the committed notebook;
        None for any other exception."""
        from papermill.exceptions import PapermillExecutionError

        if not isinstance(exc, PapermillExecutionError):
            return None
        source = exc.source or ""
        line = error_line(exc.traceback or [], exc.exec_count)
        return cls(
            cell_index=source_index(source_notebook, source, exc.cell_index),
            executed_index=exc.cell_index,
            execution_count=exc.exec_count,
            source=excerpt(source, line),
            ename=str(exc.ename),
            evalue=str(exc.evalue),
            line=line,
        )


def error_line(traceback: Sequence[str], execution_count: int | None) -> int | None:
    """The line of the failing cell in IPython's traceback ("Cell In[4], line 2"), if any."""
    text = _ANSI.sub("", "\n".join(traceback))
    count = re.escape(str(execution_count)) if execution_count is not None else r"\d+"
    match = re.search(rf"Cell In\[{count}\], line (\d+)", text)
    return int(match.group(1)) if match else None


def source_index(notebook: Path, source: str, executed_index: int) -> int:
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


def excerpt(source: str, line: int | None = None) -> str:
    """A few lines of a cell's source: around ``line`` (marked with →) when known, else the start."""
    lines = source.rstrip().splitlines()
    if line is not None and 1 <= line <= len(lines):
        first = max(1, line - (EXCERPT_LINES - 2))
        shown_lines = [
            f"{'→' if n == line else ' '} {lines[n - 1]}" for n in range(first, min(line + 1, len(lines)) + 1)
        ]
        if first > 1:
            shown_lines.insert(0, "  ...")
        if line + 1 < len(lines):
            shown_lines.append("  ...")
        return "\n".join(shown_lines)
    if len(lines) <= EXCERPT_LINES:
        return "\n".join(lines)
    return "\n".join(lines[: EXCERPT_LINES - 1] + [f"... ({len(lines) - EXCERPT_LINES + 1} more lines)"])


@dataclass
class NotebookResult:
    """One notebook run and exported (a report section, trends, a comparison, an audit)."""

    id: str  # the section's or notebook's id: overview, trends, ...
    stem: str  # the output files' stem: 03_applications, trends_2019-2023, ...
    notebook: Path  # the committed notebook that was run
    status: str  # OK or FAILED
    seconds: float
    part: int | None = None  # the report part, for a section
    executed: Path | None = None  # the executed notebook (<stem>.ipynb or <stem>.failed.ipynb)
    outputs: dict[str, Path] = field(default_factory=dict)  # format -> file, only when ok
    stage: str | None = None  # where a failure happened: "execute" or "export"
    error: CellError | None = None  # the failing cell, for a cell that raised
    message: str | None = None  # a one-line description of any failure
    retryable: bool = False  # the kernel died: running the notebook again may succeed
    warning: str | None = None  # something to know about a run that succeeded

    @property
    def ok(self) -> bool:
        return self.status == OK

    def summary(self) -> str:
        """One line naming the notebook, the cell and the error (for logs and tables)."""
        err = self.error
        if err is not None:
            return f"{self.stem} {err.where()}: {err.ename}: {err.evalue}"
        first_line = (self.message or "").strip().splitlines()[0] if self.message else ""
        return f"{self.stem} ({self.stage}): {first_line}"

    def describe(self) -> str:
        """For a terminal: a line with the files written, or the failing cell with its source."""
        head = f"{self.stem:<24} {'ok' if self.ok else 'FAILED':<6} {self.seconds:6.1f}s"
        if self.ok:
            line = f"{head}  " + " ".join(shown(p) for p in self.outputs.values())
            return line + (f"\n    warning: {self.warning}" if self.warning else "")
        lines = [f"{head}  {self.notebook.name}"]
        err = self.error
        if err is not None:
            count = f" (In [{err.execution_count}])" if err.execution_count is not None else ""
            lines.append(f"    {err.where()}{count}: {err.ename}: {err.evalue}")
            lines.extend(f"    | {line}" for line in err.source.splitlines())
        else:
            lines.append(f"    {self.stage}: {self.message}")
        if self.executed is not None:
            lines.append(f"    executed notebook kept: {shown(self.executed)}")
        return "\n".join(lines)


@dataclass
class ReportResult:
    """A unit-year's report: its sections and the combined report."""

    unit: str
    year: int
    folder: Path
    kernel: str
    sections: list[NotebookResult]
    combined: dict[str, Path] = field(default_factory=dict)  # format -> report.html / report.pdf
    combined_skipped: str | None = None  # why the combined report was not (re)built
    combined_error: str | None = None  # the combined report failed to build
    seconds: float = 0.0
    findings: list = field(default_factory=list)  # the data check's findings (warnings, or errors when forced)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sections) and self.combined_error is None

    @property
    def failed(self) -> list[NotebookResult]:
        return [s for s in self.sections if not s.ok]

    def describe(self) -> list[str]:
        """The lines after the sections': the combined report, then the overall status."""
        lines = []
        if self.combined:
            lines.append(f"{'report':<24} {'ok':<6} {'':>7}  " + " ".join(shown(p) for p in self.combined.values()))
        elif self.combined_error:
            lines.append(f"{'report':<24} FAILED          {self.combined_error}")
        elif self.combined_skipped:
            lines.append(f"{'report':<24} {'-':<6} {'':>7}  {self.combined_skipped}")
        failed = len(self.failed) + (1 if self.combined_error else 0)
        status = "ok" if self.ok else f"{failed} failed"
        lines.append(
            f"{self.unit} {self.year}: {status} in {self.seconds:.1f}s (kernel {self.kernel}) → {shown(self.folder)}"
        )
        return lines
