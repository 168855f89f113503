"""The corpus on a Dask cluster (``--scheduler tcp://HOST:PORT``), as ``nianbao batch`` does.

Each file is a task. On the Dask worker, the task hands the file to a worker process of the
corpus's own pool (:class:`.pool.LocalPool` of one, kept per worker thread and reused from task
to task), so the per-file timeout is applied there exactly as locally: a file that hangs is killed
with its process, not with the Dask worker. Files must be at the same path on every machine (a
shared file system), like the data folder; the results travel back to this machine, which writes
the store and the dataset.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator

from nianbao.audit.corpus import rows
from nianbao.audit.corpus.pool import LocalPool
from nianbao.audit.corpus.task import Done, Task

_local = threading.local()
_kept: list[_KeptPool] = []
_kept_lock = threading.Lock()


def audit_on_dask_worker(task: Task) -> Done:
    """The Dask task: audit one file in this worker thread's own process."""
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = _KeptPool(1)
        with _kept_lock:
            _kept.append(pool)
    return pool.one(task)


def close_kept_pools() -> int:
    """End the audit processes of this Dask worker (at the end of a corpus run); how many."""
    with _kept_lock:
        for pool in _kept:
            pool.close()
        return len(_kept)


class _KeptPool(LocalPool):
    """A pool of one whose worker is kept from task to task (and ended by :meth:`close`)."""

    def one(self, task: Task) -> Done:
        if not self.slots:
            self.slots.append(self._start())
        slot = self.slots[0]
        self._give(slot, task, 2)  # a worker that dies is not given the file again here (Dask retries tasks)
        while True:
            for _, done in self._collect(deque()):
                return done

    def close(self) -> None:
        LocalPool.stop(self)

    def stop(self) -> None:  # kept between tasks
        pass


class DaskBackend:
    def __init__(self, scheduler: str, timeout: float = 30):
        from nianbao.batch.dask_backend import connect

        self.client = connect(scheduler, timeout)
        self.futures: dict = {}

    @property
    def size(self) -> int:
        return sum(w.get("nthreads", 1) for w in self.client.scheduler_info().get("workers", {}).values()) or 1

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Done]]:
        from distributed import as_completed

        try:
            for task in tasks:
                self.futures[self.client.submit(audit_on_dask_worker, task, pure=False)] = task
            for future in as_completed(list(self.futures)):
                task = self.futures.pop(future)
                try:
                    done = future.result()
                except Exception as exc:
                    reason = f"the Dask task failed: {type(exc).__name__}: {exc}"
                    done = Done(rows.failed(task.sha256, reason, task.reader, 0.0))
                yield task, done
        finally:
            self.stop()

    def stop(self) -> None:
        if self.futures:
            self.client.cancel(list(self.futures))
            self.futures.clear()
        try:
            self.client.run(close_kept_pools)  # no audit process outlives the run on the workers
        except Exception:  # a worker gone or unreachable: its processes end with it
            pass
        self.client.close()
