"""A corpus audited into one dataset (:func:`audit_corpus`): find the files, know which are
unchanged since they were audited, audit the others in parallel, keep each result as it comes,
and write the dataset once all are done.

    files (discover, sha256) → plan (store: reuse or audit) → pool / Dask (task: audit → rows)
          → store (each entry as it comes) → dataset (Parquet + CSV, consistent, in place at once)

Ctrl-C or SIGTERM stops the workers; the documents audited so far are in the store, the previous
dataset is left as it was, and the same command run again audits only what is left.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.audit.corpus import files as corpus_files
from nianbao.audit.corpus.dataset import Previous, Written, write_dataset
from nianbao.audit.corpus.progress import Progress
from nianbao.audit.corpus.rows import Entry
from nianbao.audit.corpus.store import HIDDEN, Store
from nianbao.audit.corpus.tables import FAILED
from nianbao.audit.corpus.task import Done, Task, reader_digest
from nianbao.errors import NianbaoError

DEFAULT_FILE_TIMEOUT = 600.0  # seconds one file may take (a long scan is OCR'd page by page)


@dataclass(frozen=True)
class CorpusOptions:
    out: Path
    workers: int = 2
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT
    scheduler: str | None = None  # tcp://HOST:PORT: a Dask cluster instead of local processes
    data_dir: str | None = None  # previous years (X1/X2) and the unit registry
    rerun: bool = False  # audit every file again
    retry_failed: bool = False  # audit again the files whose stored audit failed


@dataclass
class CorpusRun:
    out: Path
    files: list[corpus_files.CorpusFile]
    audited: int = 0  # files audited by this run
    reused: int = 0  # unchanged since they were audited
    failed: int = 0  # files that could not be audited (this run's and reused)
    errors: int = 0  # files whose audit found an error
    formats: Counter = field(default_factory=Counter)  # format → documents
    seconds: dict[str, float] = field(default_factory=dict)  # plan, audit, write
    written: Written | None = None
    peaks: list[tuple[float, float]] = field(default_factory=list)  # per worker: its peak MB, its children's
    finished: list[tuple[str, str | None, float, float]] = field(default_factory=list)
    #: per audited file: path, format, seconds since the audit started when it came back, its audit's seconds


class Interrupted(NianbaoError):
    """The run was stopped (Ctrl-C, SIGTERM); what it audited is kept for the next run."""


def backend_for(options: CorpusOptions):
    if options.scheduler:
        from nianbao.audit.corpus.dask_backend import DaskBackend

        return DaskBackend(options.scheduler)
    from nianbao.audit.corpus.pool import LocalPool

    if options.workers < 1:
        raise NianbaoError(f"--workers must be at least 1, found {options.workers}")
    return LocalPool(options.workers)


def plan(found: list[corpus_files.CorpusFile], store: Store, options: CorpusOptions) -> list[Task]:
    """The files to audit: one task per content (sha256) not audited before by this reader."""
    tasks: dict[str, Task] = {}
    for f in found:
        if f.sha256 is None or f.sha256 in tasks:
            continue
        if not options.rerun and store.has(f.sha256):
            if not (options.retry_failed and store.status(f.sha256) == FAILED):
                continue
        tasks[f.sha256] = Task(str(f.path), f.sha256, store.reader, options.data_dir, options.file_timeout)
    return list(tasks.values())


def audit_corpus(paths: list[Path | str], options: CorpusOptions, progress: Progress | None = None) -> CorpusRun:
    """Audit every file of ``paths`` (folders searched recursively) into the dataset in ``options.out``."""
    out = options.out.absolute()
    files = corpus_files.discover(paths, out)  # nothing is written when there is nothing to audit
    out.mkdir(parents=True, exist_ok=True)
    progress = progress or Progress()
    store = Store(out, reader_digest(options.data_dir))
    store.lock()
    try:
        with _sigterm_as_interrupt():
            return _run(files, out, options, store, progress)
    finally:
        store.unlock()
        progress.close()


def _run(files: list[Path], out: Path, options: CorpusOptions, store: Store, progress: Progress) -> CorpusRun:
    started = time.perf_counter()
    index = corpus_files.HashIndex(store.root / "hashes.json")
    found = corpus_files.hash_files(files, index)
    index.save()
    run = CorpusRun(out, found)
    tasks = plan(found, store, options)
    unique = {f.sha256 for f in found if f.sha256}
    run.reused = len(unique) - len(tasks)
    progress.plan(len(found), len(tasks), run.reused, sum(f.sha256 is None for f in found))
    run.seconds["plan"] = time.perf_counter() - started
    fresh = _audit(tasks, options, store, progress, run)
    previous = Previous.find(out, store.reader)
    run.written = write_dataset(out, found, fresh, store, previous)  # None: unchanged
    store.prune()
    run.seconds["write"] = run.written.seconds if run.written else 0.0
    _count(run)
    return run


def _audit(
    tasks: list[Task], options: CorpusOptions, store: Store, progress: Progress, run: CorpusRun
) -> dict[str, Entry]:
    fresh: dict[str, Entry] = {}
    if not tasks:
        return fresh
    backend = backend_for(options)
    started = time.perf_counter()
    try:
        for task, done in backend.run(tasks):
            _keep(task, done, store, fresh, run, started)
            progress.finished(task, done)
    except KeyboardInterrupt:
        backend.stop()
        raise Interrupted(
            f"interrupted: {len(fresh)} of {len(tasks)} files were audited and are kept in {store.out / HIDDEN}; "
            f"the dataset in {store.out} is as it was. Run the same command again to audit the rest"
        ) from None
    finally:
        run.peaks = list(getattr(backend, "peaks", []))
        run.seconds["audit"] = time.perf_counter() - started
    return fresh


def _keep(task: Task, done: Done, store: Store, fresh: dict[str, Entry | None], run: CorpusRun,
          started: float) -> None:  # fmt: skip
    store.save(done.entry)
    fresh[task.sha256] = None if done.entry.keep else done.entry
    run.audited += 1
    facts = done.entry.facts
    run.finished.append((task.path, facts.get("format"), time.perf_counter() - started, facts.get("seconds") or 0.0))


def _count(run: CorpusRun) -> None:
    import pyarrow.parquet as pq

    documents = pq.read_table(run.out / "documents.parquet", columns=["format", "status", "errors"]).to_pylist()
    run.formats = Counter(d["format"] or "unknown" for d in documents)
    run.failed = sum(d["status"] == FAILED for d in documents)
    run.errors = sum(bool(d["errors"]) for d in documents)


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM stops a run as Ctrl-C does (in the main thread; elsewhere it is left alone)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
