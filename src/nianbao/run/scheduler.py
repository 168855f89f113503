"""One report's work on the worker pool of ``nianbao report``, ordered for the shortest wall time.

The work of a report is, per section, executing the notebook (with its HTML page and tables) and
rendering its PDF, then the combined report (its page and PDF, the longest single task) and
``report.xlsx``. The combined report needs every section's HTML fragment but none of their
PDFs, so the pool runs, as workers become free:

1. every section's execution first (they unblock everything else);
2. then the combined report, as soon as every section has executed;
3. the sections' PDFs beside it;
4. ``report.xlsx`` once every section's notebook is in place.

At most one task per worker is handed out at a time, so that this order holds (the pool's own
queue is first in, first out). Each section's files are put in place by this process as soon as
its PDF is ready, and ``on_section`` is told; the combined report's files only when every section
succeeded.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from nianbao.data.model import UnitYear
from nianbao.render.combined import PartFragment
from nianbao.run.execute import (
    NotebookTask,
    Outcome,
    commit,
    produce,
    render_combined,
    render_pdf_later,
    render_report_workbook,
)
from nianbao.run.results import NotebookResult

EXECUTE, COMBINED, PDF, WORKBOOK = 0, 1, 2, 3  # priorities: lower runs first


@dataclass
class CombinedOutcome:
    payloads: dict[str, bytes] = field(default_factory=dict)  # format -> content
    error: str | None = None


class ReportScheduler:
    def __init__(
        self,
        pool: ProcessPoolExecutor,
        workers: int,
        tasks: Sequence[NotebookTask],
        uy: UnitYear,
        title: str,
        *,
        combined: bool,
        on_section: Callable[[NotebookResult], None] | None = None,
    ):
        self.pool, self.workers, self.tasks, self.uy, self.title = pool, workers, list(tasks), uy, title
        self.combined_wanted = combined
        self.on_section = on_section
        self.formats = self.tasks[0].formats if self.tasks else ()
        self.results: dict[int, NotebookResult] = {}
        self.fragments: dict[int, str] = {}
        self.waiting: dict[int, Outcome] = {}  # part -> the outcome whose PDF is rendering
        self.executed = 0
        self.combined = CombinedOutcome()
        self._queue: list = []
        self._order = itertools.count()
        self._running: dict[Future, tuple] = {}

    # the queue -----------------------------------------------------------------------------------

    def _push(self, priority: int, kind: str, fn, *args, context=None) -> None:
        heapq.heappush(self._queue, (priority, next(self._order), kind, fn, args, context))

    def _fill(self) -> None:
        while self._queue and len(self._running) < self.workers:
            _, _, kind, fn, args, context = heapq.heappop(self._queue)
            self._running[self.pool.submit(fn, *args)] = (kind, context)

    def run(self) -> tuple[list[NotebookResult], CombinedOutcome]:
        for task in self.tasks:
            self._push(EXECUTE, "execute", produce, task, None, False, context=task)
        while self._queue or self._running:
            self._fill()
            done, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
            for future in done:
                kind, context = self._running.pop(future)
                getattr(self, f"_on_{kind}")(future, context)
        ordered = [self.results[t.part] for t in self.tasks]
        return ordered, self.combined

    # what to do when a task ends ---------------------------------------------------------------

    def _final(self, result: NotebookResult) -> None:
        self.results[result.part] = result
        if self.on_section is not None:
            self.on_section(result)
        if len(self.results) == len(self.tasks) and self._all_ok() and self.combined_wanted:
            executed = [self.results[t.part].executed for t in self.tasks]
            self._push(WORKBOOK, "workbook", render_report_workbook, executed, self.uy, self.title)

    def _all_ok(self) -> bool:
        return all(r.ok for r in self.results.values())

    def _on_execute(self, future: Future, task: NotebookTask) -> None:
        self.executed += 1
        try:
            outcome = future.result()
        except Exception as exc:  # the worker process itself died
            self._final(task.failure(0.0, "execute", f"worker process failed: {type(exc).__name__}: {exc}"))
            return
        if outcome.result.ok:
            self.fragments[task.part] = outcome.fragment or ""
        if outcome.result.ok and outcome.page is not None:
            self.waiting[task.part] = outcome
            self._push(PDF, "pdf", render_pdf_later, outcome.page, context=task)
        else:
            self._final(commit(outcome))
        if self.executed == len(self.tasks) and self.combined_wanted and len(self.fragments) == len(self.tasks):
            parts = [PartFragment(t.part, self.uy.heading(t.part), self.fragments[t.part]) for t in self.tasks]
            self._push(COMBINED, "combined", render_combined, parts, self.uy, self.formats, self.title)

    def _on_pdf(self, future: Future, task: NotebookTask) -> None:
        outcome = self.waiting.pop(task.part)
        try:
            outcome.payloads["pdf"], seconds = future.result()
        except Exception as exc:
            self._final(outcome.fail("export", f"{type(exc).__name__}: {exc}"))
            return
        outcome.page = None
        outcome.result.seconds += seconds
        self._final(commit(outcome))

    def _on_combined(self, future: Future, context) -> None:
        try:
            self.combined.payloads.update(future.result())
        except Exception as exc:
            self.combined.error = f"{type(exc).__name__}: {exc}"

    def _on_workbook(self, future: Future, context) -> None:
        try:
            workbook = future.result()
        except Exception as exc:
            self.combined.error = self.combined.error or f"{type(exc).__name__}: {exc}"
            return
        if workbook is not None:
            self.combined.payloads["xlsx"] = workbook
