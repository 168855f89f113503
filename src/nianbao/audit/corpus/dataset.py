"""The dataset of a run: the four tables as Parquet and CSV, consistent with each other.

The tables are built from this run's audits, the rows of the previous dataset for documents that
have not changed (read back from its Parquet files, so a rerun that adds ten documents to ten
thousand does not parse ten thousand stored entries), and the store for the rest. All eight files
are written into a staging folder first, then moved into place one after the other with Ctrl-C
and SIGTERM held back, the manifest (``.nianbao-corpus/dataset.json``) last: a reader (or the next
run) that finds the files' sizes as the manifest lists them has one run's dataset, whole. A run
interrupted before this point leaves the previous dataset as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nianbao.atomic import write_atomic
from nianbao.audit.corpus import arrow, rows
from nianbao.audit.corpus import tables as t
from nianbao.audit.corpus.files import CorpusFile
from nianbao.audit.corpus.rows import Entry
from nianbao.audit.corpus.store import HIDDEN, Store

MANIFEST = "dataset.json"
CHUNK = 500  # documents whose rows are turned into Arrow batches at once (bounds the memory of a rebuild)


def file_names() -> list[str]:
    return [f"{name}.{ext}" for name in t.SCHEMAS for ext in ("parquet", "csv")]


def read_manifest(out: Path) -> dict | None:
    """The manifest of the dataset in ``out`` when every file it lists is there as listed."""
    try:
        manifest = json.loads((out / HIDDEN / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if all((out / name).stat().st_size == size for name, size in files.items()):
            return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


@dataclass
class Previous:
    """The dataset already in the output folder, when it is whole and made by the same reader."""

    out: Path
    facts: dict[str, dict] = field(default_factory=dict)  # sha256 → the document's facts

    @classmethod
    def find(cls, out: Path, reader: str) -> Previous | None:
        manifest = read_manifest(out)
        if manifest is None or manifest.get("reader") != reader:
            return None
        try:
            documents = pq.read_table(out / "documents.parquet", columns=["sha256", *t.FACTS])
        except (OSError, pa.ArrowException):
            return None
        facts: dict[str, dict] = {}
        for row in documents.to_pylist():
            sha = row.pop("sha256")
            if sha and sha not in facts and row.get("reader") == reader:
                row["audited_at"] = int(row["audited_at"].timestamp()) if row.get("audited_at") else None
                facts[sha] = row
        return cls(out, facts)

    def rows(self, table: str, keep: set[str]) -> pa.Table:
        found = pq.read_table(self.out / f"{table}.parquet")
        if len(keep) < len(self.facts):
            found = found.filter(pc.is_in(found["document"], value_set=pa.array(sorted(keep), pa.string())))
        return found.cast(t.SCHEMAS[table])


@dataclass
class Written:
    files: dict[str, int]  # name → bytes
    rows: dict[str, int]  # table → rows
    seconds: float


def _entries(shas: Iterable[str], fresh: dict[str, Entry | None], store: Store) -> Iterator[Entry]:
    for sha in shas:
        entry = fresh.get(sha) or store.load(sha)
        if entry is None:
            entry = rows.failed(sha, "its stored audit cannot be read: run again with --rerun", store.reader, 0.0)
        yield entry


def _per_document(shas: list[str], fresh: dict[str, Entry | None], store: Store, previous: Previous | None,
                  facts: dict[str, dict]) -> dict[str, pa.Table]:  # fmt: skip
    """The cells, statements and findings of ``shas``; ``facts`` gets each document's facts."""
    reused = {s for s in shas if s not in fresh and previous is not None and s in previous.facts}
    batches: dict[str, list[pa.RecordBatch]] = {name: [] for name in t.PER_DOCUMENT}
    pending: dict[str, list[tuple]] = {name: [] for name in t.PER_DOCUMENT}
    for n, entry in enumerate(_entries([s for s in shas if s not in reused], fresh, store), start=1):
        facts[entry.sha256] = entry.facts
        for name in t.PER_DOCUMENT:
            pending[name].extend(arrow.with_document(entry.rows.get(name, []), entry.sha256))
        if n % CHUNK == 0:
            _flush(pending, batches)
    _flush(pending, batches)
    out = {}
    for name in t.PER_DOCUMENT:
        new = pa.Table.from_batches(batches[name], schema=t.SCHEMAS[name])
        out[name] = pa.concat_tables([previous.rows(name, reused), new]) if reused else new  # type: ignore[union-attr]
    for sha in reused:
        facts[sha] = previous.facts[sha]  # type: ignore[union-attr]
    return out


def _flush(pending: dict[str, list[tuple]], batches: dict[str, list[pa.RecordBatch]]) -> None:
    for name, found in pending.items():
        if found:
            batches[name].append(arrow.batch(found, t.SCHEMAS[name]))
            found.clear()


def documents_table(files: list[CorpusFile], facts: dict[str, dict], reader: str) -> pa.Table:
    out = []
    for f in files:
        about = facts.get(f.sha256) if f.sha256 else None
        if about is None:
            about = rows.failed("", f.error or "not audited", reader, 0.0).facts
        out.append((str(f.path), f.path.name, f.size, f.sha256 or "", *(about.get(name) for name in t.FACTS)))
    return pa.Table.from_batches([arrow.batch(out, t.DOCUMENTS)], schema=t.DOCUMENTS)


def write_dataset(out: Path, files: list[CorpusFile], fresh: dict[str, Entry | None], store: Store,
                  previous: Previous | None) -> Written:  # fmt: skip
    """Build the four tables and put their eight files in place, together. ``fresh`` holds the
    documents audited by this run (their entry, or None when it is to be read from the store)."""
    started = time.perf_counter()
    shas = list(dict.fromkeys(f.sha256 for f in files if f.sha256))
    facts: dict[str, dict] = {}
    built = _per_document(shas, fresh, store, previous, facts)
    built = {"documents": documents_table(files, facts, store.reader), **built}
    for stale in store.root.glob("staging-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a run that was killed (the lock says none is running)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=store.root))
    try:
        for name, table in built.items():
            # the staging folder is the dataset's temporary name: its files are streamed there, not held in memory
            arrow.write_parquet(table, staging / f"{name}.parquet")
            arrow.write_csv(table, staging / f"{name}.csv")
        sizes = {name: (staging / name).stat().st_size for name in file_names()}
        manifest = {"reader": store.reader, "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": sizes,
                    "rows": {name: table.num_rows for name, table in built.items()}}  # fmt: skip
        write_atomic(staging / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        _swap(staging, out, store.root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Written(sizes, manifest["rows"], time.perf_counter() - started)


def _swap(staging: Path, out: Path, hidden: Path) -> None:
    with held_signals():
        (hidden / MANIFEST).unlink(missing_ok=True)  # a swap cut short is then seen as no dataset at all
        for name in file_names():
            os.replace(staging / name, out / name)
        os.replace(staging / MANIFEST, hidden / MANIFEST)


@contextlib.contextmanager
def held_signals():
    """Ctrl-C and SIGTERM held back while files are put in place, then acted on."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in caught[:1]:
            signal.raise_signal(sig)
