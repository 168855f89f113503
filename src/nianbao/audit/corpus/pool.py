"""The corpus's own local pool: worker processes that audit one file at a time each.

An audit is plain Python (no Jupyter kernel), so a worker is a small program of its own
(:mod:`.worker`) that imports the audit once and then takes file after file. The parent watches
every worker:

* the worker applies the per-file timeout itself (:func:`.task.deadline`); a worker still busy
  ``grace`` seconds past it is stuck where no alarm reaches it: it gets SIGTERM (its clean-ups stop
  LibreOffice and Tesseract), then SIGKILL with its whole process group, the file is reported as
  timed out, and a new worker takes its place;
* a worker that dies in the middle of a file (a crash, out of memory) is replaced and the file
  tried once more, then reported as failed;
* :meth:`LocalPool.stop` (Ctrl-C) stops every worker the same way; their files are left undone.

Workers run in a session of their own (Ctrl-C in a terminal reaches the parent only, which
decides what stopping means) and end themselves when the parent is gone.

The batch's pool (``nianbao.batch.pool``) does the same for report jobs with warm Jupyter
kernels; the process handling (start, watch, stop, kill the group) could later be shared.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from nianbao.audit.corpus import rows
from nianbao.audit.corpus.task import Done, Task, audit_task
from nianbao.audit.corpus.worker import STOP_WAIT

GRACE = 15.0  # seconds past a file's timeout before its worker is killed


@dataclass
class _Slot:
    process: subprocess.Popen
    conn: Connection
    task: Task | None = None
    started: float = 0.0
    attempt: int = 1
    peak_mb: float = 0.0
    children_peak_mb: float = 0.0


@dataclass
class LocalPool:
    workers: int = 2
    grace: float = GRACE
    target: Callable[[Task], Done] = audit_task
    slots: list[_Slot] = field(default_factory=list)
    peaks: list[tuple[float, float]] = field(default_factory=list)  # (worker, its children) peak MB of each worker

    @property
    def size(self) -> int:
        return self.workers

    def _start(self) -> _Slot:
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", "nianbao.audit.corpus.worker", str(theirs.fileno()), str(os.getpid())]
        process = subprocess.Popen(
            command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, start_new_session=True
        )  # its own process group: killed with its children
        theirs.close()
        conn = Connection(ours.detach())
        conn.send(list(sys.path))
        conn.send(self.target)
        return _Slot(process, conn)

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Done]]:
        """Audit ``tasks``; yield each with its result as it finishes. The workers end with the
        run, however it ends."""
        queue: deque[tuple[Task, int]] = deque((task, 1) for task in tasks)
        try:
            while len(self.slots) < min(self.workers, len(queue)):
                self.slots.append(self._start())
            while queue or any(s.task is not None for s in self.slots):
                for slot in self.slots:
                    if slot.task is None and queue:
                        self._give(slot, *queue.popleft())
                yield from self._collect(queue)
        finally:
            self.stop()

    def _give(self, slot: _Slot, task: Task, attempt: int) -> None:
        for _ in range(2):
            try:
                slot.conn.send(task)
                break
            except OSError:  # the worker is gone while it was waiting: a fresh one takes the file
                self._replace(slot)
        slot.task, slot.started, slot.attempt = task, time.monotonic(), attempt

    def _collect(self, queue: deque) -> Iterator[tuple[Task, Done]]:
        busy = [s for s in self.slots if s.task is not None]
        ready = wait([s.conn for s in busy], timeout=self._wait_time(busy))  # a worker that dies closes its end
        for slot in busy:
            task = slot.task
            if slot.conn in ready:
                try:
                    done: Done = slot.conn.recv()
                except (EOFError, OSError):
                    yield from self._died(slot, queue)
                    continue
                slot.task, slot.peak_mb = None, max(slot.peak_mb, done.peak_mb)
                slot.children_peak_mb = max(slot.children_peak_mb, done.children_peak_mb)
                yield task, done  # type: ignore[misc]
            elif task is not None and self._overdue(slot):
                yield task, self._killed(slot, task)

    def _wait_time(self, busy: list[_Slot]) -> float:
        limits = [s.started + s.task.timeout + self.grace - time.monotonic() for s in busy if s.task and s.task.timeout]
        return max(0.05, min(limits)) if limits else 1.0

    def _overdue(self, slot: _Slot) -> bool:
        timeout = slot.task.timeout if slot.task else None
        return bool(timeout) and time.monotonic() - slot.started > timeout + self.grace  # type: ignore[operator]

    def _died(self, slot: _Slot, queue: deque) -> Iterator[tuple[Task, Done]]:
        task, attempt = slot.task, slot.attempt
        try:
            code = slot.process.wait(2.0)  # its socket may close a moment before it is reaped
        except subprocess.TimeoutExpired:
            code = None
        self._replace(slot)
        if attempt == 1:
            queue.appendleft((task, 2))  # once more, in a fresh worker
            return
        reason = f"its worker process died twice while auditing it (exit code {code}): a crash or not enough memory"
        yield task, Done(rows.failed(task.sha256, reason, task.reader, 0.0))  # type: ignore[union-attr]

    def _killed(self, slot: _Slot, task: Task) -> Done:
        seconds = time.monotonic() - slot.started
        self._replace(slot)
        reason = (f"timed out after {task.timeout:g} s: its process was stopped after {seconds:.0f} s; "
                  "give more time with --file-timeout")  # fmt: skip
        return Done(rows.failed(task.sha256, reason, task.reader, seconds))

    def _replace(self, slot: _Slot) -> None:
        self._end(slot)
        fresh = self._start()
        slot.process, slot.conn, slot.task, slot.peak_mb, slot.children_peak_mb = fresh.process, fresh.conn, None, 0, 0

    def _end(self, slot: _Slot, wait_for: float = STOP_WAIT) -> None:
        """Stop one worker: SIGTERM (it cleans up), then SIGKILL to its whole process group."""
        self.peaks.append((slot.peak_mb, slot.children_peak_mb))
        process = slot.process
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(wait_for)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(process.pid, signal.SIGKILL)  # whatever of its group is left
        try:
            process.wait(2.0)
        except subprocess.TimeoutExpired:
            pass
        slot.conn.close()

    def stop(self) -> None:
        """End every worker; the files they were auditing are left undone."""
        for slot in self.slots:
            if slot.task is None and slot.process.poll() is None:
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
        for slot in self.slots:
            self._end(slot, STOP_WAIT if slot.task is not None else 2.0)
        self.slots = []


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the worker leads its own process group (a session of its own)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
