"""A worker process: the heavy libraries imported once, and a warm kernel per thread.

A worker (of ``nianbao report``, of a single notebook's run, of the batch's local pool, or a
Dask worker) calls :func:`warm_up` once: it starts a kernel ahead (:mod:`nianbao.run.kernels`)
and imports papermill and nbconvert. WeasyPrint is imported where a PDF is first laid out: in
``nianbao report`` that is the parent (:mod:`nianbao.run.scheduler`), so its workers never do.
The notebooks it runs (:mod:`nianbao.run.execute`) take that kernel from :func:`kernel_slot`.

The workers of :func:`pool` die with the process that started them (:mod:`nianbao.run.lifeline`)
and ignore Ctrl-C: it reaches the whole process group, and stopping is their parent's to decide
(:func:`stopped_cleanly`: the workers are killed, their kernels with them, and their temporary
files removed).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

#: The warm kernels of this worker process, one per thread that runs sections (a Dask worker may
#: run tasks in several threads); see :func:`warm_up` and :func:`kernel_slot`.
_SLOTS: dict = {}
_warmed = False  # the libraries are imported (once per process)


def warm_up(kernel: str | None = None, reuse: bool = True) -> None:
    """Prepare a worker process: import the heavy libraries once and start a kernel ahead.

    jsonschema (imported by nbformat, so by papermill and nbconvert) loads the optional package
    rfc3987-syntax when it is installed (jupyterlab's dependencies install it), which compiles a
    grammar at import: 1.6 s per process, for IRI format checks that notebook validation never
    uses. Workers are our own processes, so they skip it.

    With ``kernel`` (a kernel name), the worker launches that kernel first, so that the kernel
    imports pandas and matplotlib while this process imports papermill and nbconvert. Calling it
    again (a Dask worker does, before each job) only starts a kernel for a new thread.
    """
    global _warmed
    import logging
    import multiprocessing.util
    import threading

    from nianbao.run.kernels import KernelSlot

    if kernel is not None and threading.get_ident() not in _SLOTS:
        if not _SLOTS:
            multiprocessing.util.Finalize(None, close_kernels, exitpriority=10)  # workers skip atexit
        _SLOTS[threading.get_ident()] = KernelSlot(kernel, reuse=reuse)
    if _warmed:
        return
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    _import_papermill()

    from nianbao.render import html
    from nianbao.run import engine

    engine.register()
    html.exporter()  # builds nbconvert's exporter and its template environment
    try:
        _warm_exports()
    except Exception:  # only a head start: the real exports report their own errors
        pass
    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures are reported by us
    import gc

    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the worker: spare it every later collection
    _warmed = True


def _warm_exports() -> None:
    """Export a small notebook once, the way :mod:`nianbao.run.execute` exports a section, while
    the kernel is still starting: the first export otherwise pays for compiling the page
    templates, the Markdown renderer, the notebook schema's validator and importing openpyxl
    (0.3 s on the first section of every run)."""
    import nbformat
    from nbformat import v4

    from nianbao.render import downloads, html

    table = {"name": "warm", "title": "预热", "header": ["项目", "数量"], "rows": [["一", 1]]}
    output = v4.new_output(
        "display_data",
        data={"text/html": "<p>预热</p>", "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>",
              downloads.TABLE_MIME: table, "text/plain": "预热"},
    )  # fmt: skip
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("## 预热"), v4.new_code_cell("", outputs=[output])])
    nbformat.validate(nb)
    html.notebook_fragment(nb)
    downloads.render_downloads(nb, "warm", synthetic=False, label="warm")


def _import_papermill() -> None:
    """Import papermill without pyarrow: papermill reaches HDFS through pyarrow when it can
    (0.1 s of imports per worker) and we read and write local files only. pyarrow stays
    importable afterwards (the corpus's workers use it)."""
    if "papermill" in sys.modules:
        return
    blocked = "pyarrow" not in sys.modules
    if blocked:
        sys.modules["pyarrow"] = None  # type: ignore[assignment]
    try:
        import papermill  # noqa: F401
    finally:
        if blocked:
            del sys.modules["pyarrow"]


def close_kernels() -> None:
    """Stop this process's warm kernels (at a worker's exit)."""
    while _SLOTS:
        _, slot = _SLOTS.popitem()
        slot.close()


def kernel_slot(kernel: str):
    """This thread's kernel slot, created (its kernel started ahead) on first use."""
    import threading

    from nianbao.run.kernels import KernelSlot

    ident = threading.get_ident()
    if ident not in _SLOTS:
        warm_up(kernel)
    slot = _SLOTS[ident]
    if slot.kernel_name != kernel:  # a task asking for another kernel than the worker's
        slot.close()
        slot = _SLOTS[ident] = KernelSlot(kernel)
    return slot


def release_memory() -> None:
    """Collect garbage and hand freed memory back to the system, after a PDF.

    A WeasyPrint layout leaves 60-150 MB of cyclic garbage that waits for a full collection,
    and glibc's allocator keeps what is freed for the process: without this, a long-lived
    worker grows by each PDF it renders.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose workers can be killed at once (Python 3.14 has ``kill_workers``)."""

    def kill_workers(self) -> None:
        processes = list((getattr(self, "_processes", None) or {}).values())
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(5)


def start_worker(kernel: str | None, parent_pid: int) -> None:
    """A pool worker's first steps: die with the parent, leave Ctrl-C to it, then :func:`warm_up`."""
    import signal

    from nianbao.run import lifeline

    lifeline.die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(kernel)


def pool(n_workers: int, kernel: str | None = None) -> WorkerPool:
    """Worker processes: each imports the heavy libraries once and keeps a warm kernel
    (:func:`warm_up`).

    Notebooks always run in workers, even a single one: a worker imports those libraries in its
    own way and starts kernels of its own, neither of which should happen to the caller's
    process. "spawn" starts them clean, without state inherited from the caller (a test runner,
    a notebook server with threads, ...).
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    return WorkerPool(
        max_workers=n_workers, mp_context=context, initializer=start_worker, initargs=(kernel, os.getpid())
    )


@contextlib.contextmanager
def stopped_cleanly(workers: WorkerPool, *folders: Path) -> Iterator[None]:
    """Within: Ctrl-C, SIGTERM or SIGHUP kill ``workers`` (and so their kernels) and remove the
    temporary files they leave in ``folders``, then go on as KeyboardInterrupt."""
    from nianbao.atomic import remove_stale
    from nianbao.run import stopping

    with stopping.requests():
        try:
            yield
        except KeyboardInterrupt:  # later requests are only counted: this cleaning is not cut short
            workers.kill_workers()
            for folder in folders:
                remove_stale(folder)
            raise


def kernel_peak_mb() -> float:
    """The largest peak memory of this worker's kernels: the current one and those retired."""
    import threading

    from nianbao.run import kernels

    slot = _SLOTS.get(threading.get_ident())  # never start a kernel just to measure it
    current = kernels.peak_rss_mb(slot.kernel.pid) if slot is not None and slot.kernel is not None else 0.0
    return max(current, kernels.retired_peak_mb)
