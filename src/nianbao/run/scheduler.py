"""One report's work on the worker pool of ``nianbao report``, ordered for the shortest wall time.

The work of a report is, per section, executing the notebook (with its HTML page and tables)
and laying its pages out for the PDFs, then the combined report (``report.html``, and
``report.pdf`` from the parts' pages, :mod:`nianbao.render.book`) and ``report.xlsx``:

1. the workers execute every section (they unblock everything else), at most one task per
   worker handed out at a time so that this order holds;
2. meanwhile this process lays the parts out, in part order, as their notebooks finish (a thread
   of its own: the layout of part 3 needs the page numbers of parts 1 and 2, not their workers);
3. once every part is laid out, it lays out the front matter (cover and 目录), writes
   ``report.pdf`` from the pages it has and cuts each section's PDF out of it; meanwhile, once
   every notebook has run, a worker writes ``report.xlsx`` from them.

Each page is laid out once, for its section's PDF and ``report.pdf`` alike. When no report is
made (some parts only, or a part failed), each section's PDF is laid out on its own, on the
workers, numbered from 1. The sections' files are put in place, and ``on_section`` told, once
their PDF is ready; the combined report's files only when every section succeeded.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from nianbao.data.model import UnitYear
from nianbao.render.combined import PartFragment
from nianbao.render.pdf import warm_up
from nianbao.run.execute import (
    NotebookTask,
    Outcome,
    commit,
    print_page,
    produce,
    render_pdf_later,
    render_report_workbook,
    report_html,
    report_pdf,
)
from nianbao.run.results import NotebookResult

EXECUTE, PDF, WORKBOOK = 0, 1, 2  # priorities: lower runs first


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
        self.notebooks: dict = {}  # part -> its executed notebook (a path), once all ran well
        self.waiting: dict[int, Outcome] = {}  # part -> an executed section waiting for its PDF
        self.combined = CombinedOutcome()
        self.book = None  # the report's layout (render.book.ReportBook), while it can be made
        self._finishing = False  # report.pdf is being written from the book
        self._layout: ThreadPoolExecutor | None = None
        self._queue: list = []
        self._order = itertools.count()
        self._running: dict[Future, tuple] = {}
        if combined and "pdf" in self.formats and self.tasks:
            from nianbao.render.book import ReportBook

            self.book = ReportBook([t.part for t in self.tasks])
            self._layout = ThreadPoolExecutor(1, thread_name_prefix="nianbao-layout")
            self._layout.submit(warm_up)  # WeasyPrint and the fonts, while the workers start

    # the queue -----------------------------------------------------------------------------------

    def _push(self, priority: int, kind: str, fn, *args, context=None) -> None:
        heapq.heappush(self._queue, (priority, next(self._order), kind, fn, args, context))

    def _fill(self) -> None:
        busy = sum(1 for kind, _ in self._running.values() if kind not in ("layout", "report"))
        while self._queue and busy < self.workers:
            _, _, kind, fn, args, context = heapq.heappop(self._queue)
            self._running[self.pool.submit(fn, *args)] = (kind, context)
            busy += 1

    def _lay_out(self, kind: str, fn, *args, context=None) -> None:
        self._running[self._layout.submit(fn, *args)] = (kind, context)

    def run(self) -> tuple[list[NotebookResult], CombinedOutcome]:
        try:
            for task in self.tasks:
                self._push(EXECUTE, "execute", produce, task, None, False, context=task)
            while self._queue or self._running:
                self._fill()
                done, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
                for future in done:
                    kind, context = self._running.pop(future)
                    getattr(self, f"_on_{kind}")(future, context)
        finally:
            if self._layout is not None:
                self._layout.shutdown(wait=True, cancel_futures=True)
        ordered = [self.results[t.part] for t in self.tasks]
        return ordered, self.combined

    # what to do when a task ends ---------------------------------------------------------------

    def _final(self, result: NotebookResult) -> None:
        self.results[result.part] = result
        if self.on_section is not None:
            self.on_section(result)

    def _executed(self, task: NotebookTask, outcome: Outcome) -> None:
        """Once every notebook has run, a worker writes ``report.xlsx`` from them, while the PDFs
        are made (from the executed notebooks where they are: those waiting for their PDF are put
        in place only after it has read them, :meth:`_on_workbook`)."""
        self.notebooks[task.part] = outcome.running if task.part in self.waiting else outcome.result.executed
        if len(self.notebooks) == len(self.tasks) and self.combined_wanted:
            executed = [(t.part, self.notebooks[t.part]) for t in self.tasks]
            self._push(WORKBOOK, "workbook", render_report_workbook, executed, self.uy, self.title)

    def _on_execute(self, future: Future, task: NotebookTask) -> None:
        try:
            outcome = future.result()
        except Exception as exc:  # the worker process itself died
            self._final(task.failure(0.0, "execute", f"worker process failed: {type(exc).__name__}: {exc}"))
            self._abandon_book()
            return
        if not outcome.result.ok or outcome.page is None:  # failed, or no PDF wanted
            self._final(commit(outcome))
            if not outcome.result.ok:
                self._abandon_book()
                return
        else:
            self.waiting[task.part] = outcome
            if self.book is not None:
                self._lay_out("layout", self.book.add, task.part, print_page(task, outcome.fragment or ""), task.info)
            else:
                self._push(PDF, "pdf", render_pdf_later, outcome.page, task.info, context=task)
        self._executed(task, outcome)
        self.fragments[task.part] = outcome.fragment or ""
        if len(self.fragments) == len(self.tasks) and self.combined_wanted and "html" in self.formats:
            self.combined.payloads["html"] = report_html(self._parts(), self.uy, self.title)

    def _parts(self) -> list[PartFragment]:
        return [PartFragment(t.part, self.uy.heading(t.part), self.fragments[t.part]) for t in self.tasks]

    def _abandon_book(self, error: str | None = None) -> None:
        """No report.pdf after all: the sections' PDFs are laid out on their own."""
        if self.book is None:
            return
        self.book = None
        if error:
            self.combined.error = error
        for part, outcome in self.waiting.items():
            task = next(t for t in self.tasks if t.part == part)
            self._push(PDF, "pdf", render_pdf_later, outcome.page, task.info, context=task)

    def _on_layout(self, future: Future, context) -> None:
        if self.book is None:
            return  # abandoned meanwhile
        try:
            future.result()
        except Exception as exc:
            self._abandon_book(f"report PDF: {type(exc).__name__}: {exc}")
            return
        if self.book.complete and not self._finishing:  # once: several layouts may end with the book complete
            self._finishing = True
            info = self.tasks[0].info
            self._lay_out("report", report_pdf, self.book, self._parts(), self.uy, info, self.title)

    def _on_report(self, future: Future, context) -> None:
        if self.book is None:
            return
        try:
            self.combined.payloads["pdf"], pdfs = future.result()
        except Exception as exc:
            self._abandon_book(f"report PDF: {type(exc).__name__}: {exc}")
            return
        self.book = None  # every part's PDF is ready: put the sections in place
        for part, outcome in self.waiting.items():
            outcome.payloads["pdf"] = pdfs[part]
            outcome.page = None
        if not self._workbook_pending():
            self._commit_waiting()

    def _commit_waiting(self) -> None:
        for _, outcome in sorted(self.waiting.items()):
            self._final(commit(outcome))
        self.waiting.clear()

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

    def _workbook_pending(self) -> bool:
        """report.xlsx is still to be written or being written (from the executed notebooks)."""
        return any(item[2] == "workbook" for item in self._queue) or any(
            kind == "workbook" for kind, _ in self._running.values()
        )

    def _on_workbook(self, future: Future, context) -> None:
        if self.book is None and self.waiting and all(o.page is None for o in self.waiting.values()):
            self._commit_waiting()  # report.pdf was ready first: its sections waited for this
        try:
            workbook = future.result()
        except Exception as exc:
            self.combined.error = self.combined.error or f"{type(exc).__name__}: {exc}"
            return
        if workbook is not None:
            self.combined.payloads["xlsx"] = workbook
