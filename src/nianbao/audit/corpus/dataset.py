"""The dataset of a run: the four tables as Parquet and CSV, consistent with each other.

The tables are built from this run's audits, the rows of the previous dataset for documents that
have not changed (read back from its Parquet files, so a rerun that adds ten documents to ten
thousand does not parse ten thousand stored entries), and the store for the rest. When a rerun
only adds documents, the previous CSVs are copied and the new rows appended to them; when it
changes nothing, nothing is written. All eight files
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
    files: list[tuple] = field(default_factory=list)  # (path, bytes, sha256) of its documents, in order

    @classmethod
    def find(cls, out: Path, reader: str) -> Previous | None:
        manifest = read_manifest(out)
        if manifest is None or manifest.get("reader") != reader:
            return None
        try:
            documents = pq.read_table(out / "documents.parquet", columns=["path", "bytes", "sha256", *t.FACTS])
        except (OSError, pa.ArrowException):
            return None
        facts: dict[str, dict] = {}
        files = []
        for row in documents.to_pylist():
            files.append((row.pop("path"), row.pop("bytes"), row["sha256"]))
            sha = row.pop("sha256")
            if sha and sha not in facts and row.get("reader") == reader:
                row["audited_at"] = int(row["audited_at"].timestamp()) if row.get("audited_at") else None
                facts[sha] = row
        return cls(out, facts, files)

    def same_files(self, files: list[CorpusFile]) -> bool:
        return self.files == [(str(f.path), f.size, f.sha256 or "") for f in files]

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


@dataclass
class Part:
    """A table of the dataset: all its rows, and the rows to append when its previous CSV is kept."""

    table: pa.Table
    appended: pa.Table | None = None


def _per_document(shas: list[str], fresh: dict[str, Entry | None], store: Store, previous: Previous | None,
                  facts: dict[str, dict]) -> dict[str, Part]:  # fmt: skip
    """The cells, statements and findings of ``shas``; ``facts`` gets each document's facts."""
    reused = {s for s in shas if s not in fresh and previous is not None and s in previous.facts}
    found: dict[str, list[pa.Table]] = {name: [] for name in t.PER_DOCUMENT}
    for entry in _entries([s for s in shas if s not in reused], fresh, store):
        facts[entry.sha256] = entry.facts
        for name in t.PER_DOCUMENT:
            if entry.blobs.get(name):
                found[name].append(entry.table(name))
    only_added = previous is not None and reused == set(previous.facts)  # every previous row stays
    out = {}
    for name in t.PER_DOCUMENT:
        plain = pa.concat_tables([t.PLAIN[name].empty_table(), *found[name]]).combine_chunks()
        new = arrow.encode(plain, t.SCHEMAS[name])
        found[name].clear()
        if not reused:
            out[name] = Part(new)
            continue
        kept = previous.rows(name, reused)  # type: ignore[union-attr]
        out[name] = Part(pa.concat_tables([kept, new]), new if only_added else None)
    for sha in reused:
        facts[sha] = previous.facts[sha]  # type: ignore[union-attr]
    return out


def documents_table(files: list[CorpusFile], facts: dict[str, dict], reader: str) -> pa.Table:
    out = []
    for f in files:
        about = facts.get(f.sha256) if f.sha256 else None
        if about is None:
            about = rows.failed("", f.error or "not audited", reader, 0.0).facts
        out.append((str(f.path), f.path.name, f.size, f.sha256 or "", *(about.get(name) for name in t.FACTS)))
    return pa.Table.from_batches([arrow.batch(out, t.DOCUMENTS)], schema=t.DOCUMENTS)


def write_dataset(out: Path, files: list[CorpusFile], fresh: dict[str, Entry | None], store: Store,
                  previous: Previous | None) -> Written | None:  # fmt: skip
    """Build the four tables and put their eight files in place, together (None: the dataset in
    place is this one already). ``fresh`` holds the documents audited by this run (their entry, or
    None when it is to be read from the store)."""
    started = time.perf_counter()
    if not fresh and previous is not None and previous.same_files(files):
        return None
    shas = list(dict.fromkeys(f.sha256 for f in files if f.sha256))
    facts: dict[str, dict] = {}
    built = _per_document(shas, fresh, store, previous, facts)
    built = {"documents": Part(documents_table(files, facts, store.reader)), **built}
    for stale in store.root.glob("staging-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a run that was killed (the lock says none is running)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=store.root))
    try:
        for name, part in built.items():
            _write(name, part, staging, out)
        sizes = {name: (staging / name).stat().st_size for name in file_names()}
        manifest = {"reader": store.reader, "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": sizes,
                    "rows": {name: part.table.num_rows for name, part in built.items()}}  # fmt: skip
        write_atomic(staging / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        _swap(staging, out, store.root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Written(sizes, manifest["rows"], time.perf_counter() - started)


def _write(name: str, part: Part, staging: Path, out: Path) -> None:
    # the staging folder is the dataset's temporary name: its files are streamed there, not held in memory
    arrow.write_parquet(part.table, staging / f"{name}.parquet")
    if part.appended is None:
        arrow.write_csv(part.table, staging / f"{name}.csv")
    else:
        shutil.copyfile(out / f"{name}.csv", staging / f"{name}.csv")  # the previous rows, as written then
        arrow.write_csv(part.appended, staging / f"{name}.csv", append=True)


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
