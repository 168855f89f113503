"""The Dask backend of ``nianbao batch``: the same jobs on a Dask distributed cluster.

``nianbao batch --scheduler tcp://HOST:PORT`` submits each job as a task. On the worker, the task
calls :func:`run_job_on_worker`: the first task in a worker process imports the heavy libraries
and starts a warm kernel (:func:`nianbao.run.worker.warm_up`), later ones find them there, so a Dask
worker is as long-lived as a local one. Every path in a job is absolute; the output folder must
be one that the workers and this machine share (the same path everywhere).

Faults: a job whose kernel died is submitted once more (``attempt`` 2). A worker process that
dies is Dask's to handle: its nanny starts a new one and the scheduler runs the task again
(up to ``distributed.scheduler.allowed-failures`` times); if it gives up, the job is reported as
failed. The job timeout is applied by the worker itself (each cell is bounded by the time the
job has left). Ctrl-C cancels the tasks not yet finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from nianbao.batch.jobs import FAILED, RETRYING, JobResult, JobSpec
from nianbao.errors import NianbaoError


def run_job_on_worker(spec: JobSpec) -> JobResult:
    """The task: run one job in this Dask worker, warming the worker up on its first job."""
    from nianbao.batch import jobs
    from nianbao.run import worker

    worker.warm_up(spec.kernel)
    return jobs.run_job(spec)


def connect(scheduler: str, timeout: float = 30):
    """A Dask client of the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or a one-line error."""
    try:
        from distributed import Client
    except ImportError:
        raise NianbaoError(
            "--scheduler needs Dask's distributed package: pip install 'distributed' "
            "(it is among nianbao's dependencies; reinstall with `pip install -e .`)"
        ) from None
    try:
        return Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise NianbaoError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


class DaskBackend:
    def __init__(self, scheduler: str, timeout: float = 30):
        self.client = connect(scheduler, timeout)
        self.futures: dict = {}
        self.specs: dict = {}

    @property
    def size(self) -> int:
        return len(self.client.scheduler_info().get("workers", {})) or 1

    def _submit(self, spec: JobSpec):
        future = self.client.submit(
            run_job_on_worker, spec, pure=False, key=f"nianbao-{spec.unit}-{spec.year}-{spec.attempt}-{id(spec):x}"
        )
        self.futures[future] = spec
        return future

    def run(self, specs: Sequence[JobSpec], on_start: Callable[[JobSpec], None] | None = None) -> Iterator[JobResult]:
        from distributed import as_completed

        if not specs:
            self.close()
            return
        pending = as_completed([self._submit(s) for s in specs])
        for spec in specs:  # Dask schedules them all; "started" means handed to the cluster
            if on_start is not None:
                on_start(spec)
        for future in pending:
            spec = self.futures.pop(future)
            try:
                result = future.result()
            except Exception as exc:
                result = JobResult(spec.unit, spec.year, FAILED, 0.0, spec.attempt,
                                   f"the Dask task failed: {type(exc).__name__}: {exc}",
                                   f"job {spec.key}: Dask task failed: {type(exc).__name__}: {exc}\n")  # fmt: skip
            if result.retryable and spec.attempt == 1:
                again = replace(spec, attempt=2)
                pending.add(self._submit(again))
                if on_start is not None:
                    on_start(again)
                yield replace(result, status=RETRYING, log=result.log + "retrying once\n")
                continue
            yield result
        self.close()

    def stop(self, hurry: Callable[[], bool] = lambda: False) -> list[JobSpec]:
        running = list(self.futures.values())
        self.client.cancel(list(self.futures))
        self.futures.clear()
        self.close()
        return running

    def close(self) -> None:
        self.client.close()
