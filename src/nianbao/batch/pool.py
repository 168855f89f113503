"""The local backend of ``nianbao batch``: long-lived worker processes, one job at a time each.

Each worker is a spawned process that imports papermill, nbconvert and WeasyPrint once and keeps
a warm kernel (:func:`nianbao.run.worker.warm_up`); it then runs job after job
(:func:`nianbao.batch.jobs.run_job`) until told to stop. The parent watches every worker:

* a worker that dies in the middle of a job (SIGKILL, out of memory, a crash) is replaced, and
  the job is run again once (``attempt`` 2); a job whose kernel died is retried the same way;
  a second failure is reported;
* a job still running ``grace`` seconds after its timeout (the worker bounds each cell by the
  job's remaining time, so this is a worker stuck outside a cell) has its worker killed and is
  reported as timed out;
* :meth:`LocalPool.stop` (Ctrl-C) sends SIGTERM, which a worker holds while it puts a finished
  job's outputs in place, then SIGKILL to whatever is left after :data:`STOP_WAIT` seconds, or at
  once when asked to hurry (a second Ctrl-C), and removes temporary files of the jobs that were
  running.

Workers ignore SIGINT: Ctrl-C in a terminal reaches the whole process group, and it is the
parent's to decide what stopping means. A worker, and its kernel, die with the parent when it is
killed (:mod:`nianbao.run.lifeline`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from multiprocessing.connection import wait

from nianbao.atomic import remove_stale
from nianbao.batch.jobs import FAILED, RETRYING, TIMEOUT, JobResult, JobSpec

GRACE = 30.0  # seconds past a job's timeout before its worker is killed
STOP_WAIT = 10.0  # seconds stopping workers get to finish putting outputs in place


def _worker_main(conn, kernel: str, parent_pid: int) -> None:
    from nianbao.run import lifeline

    lifeline.die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)
    from nianbao.batch import jobs
    from nianbao.run import worker

    try:
        worker.warm_up(kernel)
        while True:
            try:
                spec = conn.recv()
            except EOFError:
                break
            if spec is None:
                break
            conn.send(jobs.run_job(spec))
    except SystemExit:  # stopped (SIGTERM) in the middle of a job: what it was doing is abandoned
        import logging

        logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # its cell's task dies with the kernel
    finally:
        worker.close_kernels()


def _exit_on_term(signum, frame):
    raise SystemExit(128 + signum)


class _Worker:
    def __init__(self, context, kernel: str):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, kernel, os.getpid()), daemon=True, name="nianbao-worker"
        )
        self.process.start()
        child.close()
        self.spec: JobSpec | None = None
        self.started = 0.0

    @property
    def busy(self) -> bool:
        return self.spec is not None

    def give(self, spec: JobSpec) -> None:
        self.spec, self.started = spec, time.monotonic()
        self.conn.send(spec)

    def overdue(self, now: float) -> bool:
        return (
            self.spec is not None
            and self.spec.job_timeout is not None
            and now > self.started + self.spec.job_timeout + GRACE
        )

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.spec = None
        self.conn.close()


class LocalPool:
    """``workers`` processes running :class:`JobSpec` s with kernel ``kernel``."""

    def __init__(self, workers: int, kernel: str):
        self.context = multiprocessing.get_context("spawn")
        self.kernel = kernel
        self.size = max(1, workers)
        self.workers: list[_Worker] = []
        self.running: dict[str, JobSpec] = {}

    def run(self, specs: Sequence[JobSpec], on_start: Callable[[JobSpec], None] | None = None) -> Iterator[JobResult]:
        """Run ``specs``; yield each job's result as it ends (retries included)."""
        queue = deque(specs)
        if not queue:
            return
        self.workers = [_Worker(self.context, self.kernel) for _ in range(min(self.size, len(queue)))]
        while queue or any(w.busy for w in self.workers):
            for i, worker in enumerate(self.workers):
                if not worker.busy and queue:
                    if not worker.process.is_alive():  # died while idle: replace it before use
                        worker.kill()
                        worker = self.workers[i] = _Worker(self.context, self.kernel)
                    spec = queue.popleft()
                    worker.give(spec)
                    self.running[spec.key] = spec
                    if on_start is not None:
                        on_start(spec)
            busy = [w for w in self.workers if w.busy]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0)
            now = time.monotonic()
            for worker in self.workers:
                if not worker.busy:
                    continue
                spec, seconds = worker.spec, now - worker.started
                if worker.conn in ready or worker.process.sentinel in ready:
                    result, alive = self._receive(worker)
                elif worker.overdue(now):
                    worker.kill()  # its kernel dies with it
                    remove_stale(spec.folder)
                    result, alive = (
                        _lost(
                            spec, TIMEOUT, f"the job took longer than {spec.job_timeout:g} s; its worker was stopped"
                        ),
                        False,
                    )
                else:
                    continue
                if result is None:
                    continue
                if not alive:  # replaced when there is a job for it (see above)
                    result.seconds = seconds
                self.running.pop(spec.key, None)
                if result.retryable and spec.attempt == 1:
                    queue.appendleft(replace(spec, attempt=2))
                    yield replace(result, status=RETRYING, log=result.log + "retrying once\n")
                    continue
                yield result
        self.close()

    def _receive(self, worker: _Worker) -> tuple[JobResult | None, bool]:
        """The worker's result, and whether the worker is still alive to take another job."""
        spec = worker.spec
        try:
            if worker.conn.poll():
                result = worker.conn.recv()
                worker.spec = None
                return result, True
        except (EOFError, OSError):
            pass
        if worker.process.is_alive():
            return None, True
        worker.process.join(1)
        worker.spec = None
        code = worker.process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        remove_stale(spec.folder)
        return _lost(spec, FAILED, f"the worker process died during the job ({how})", retryable=True), False

    def close(self) -> None:
        """Let idle workers exit (they stop their kernels)."""
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in self.workers:
            worker.process.join(STOP_WAIT)
            if worker.process.is_alive():
                worker.process.kill()
        self.workers = []

    def stop(self, hurry: Callable[[], bool] = lambda: False) -> list[JobSpec]:
        """Stop every worker now (Ctrl-C); returns the jobs that were running, whose temporary
        files are removed. A job that was putting its outputs in place finishes doing so, unless
        ``hurry()`` turns true meanwhile (the workers left are then killed at once)."""
        interrupted = [w.spec for w in self.workers if w.spec is not None]
        for worker in self.workers:
            if worker.process.is_alive():
                os.kill(worker.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT
        alive = [w.process for w in self.workers]
        while alive and time.monotonic() < deadline and not hurry():
            wait([p.sentinel for p in alive], timeout=0.1)
            alive = [p for p in alive if p.is_alive()]
        for process in alive:
            process.kill()
        for worker in self.workers:
            worker.process.join(5)
        for spec in interrupted:
            remove_stale(spec.folder)
        self.workers = []
        self.running.clear()
        return interrupted


def _lost(spec: JobSpec, status: str, message: str, retryable: bool = False) -> JobResult:
    return JobResult(
        spec.unit, spec.year, status, 0.0, spec.attempt, message, f"job {spec.key}: {message}\n", retryable=retryable
    )
