"""Where a corpus run keeps its work: the hidden folder ``.nianbao-corpus/`` of the output folder.

    .nianbao-corpus/
        store/<reader>/<ab>/<sha256>        one audited document: its facts and rows (rows.Entry)
        hashes.json                         the files' digests (files.HashIndex)
        dataset.json                        what the dataset beside it holds (dataset.Manifest)
        staging-*/                          a dataset being written (replaced at the end of a run)
        lock                                held by the run using the folder

Each document is written to the store as soon as its audit is back, so an interrupted run loses
only the documents being audited; the next run finds the others there and audits the rest. The
store is keyed by the document's content (sha256) and by the reader (the nianbao version and a
digest of the code and registry the audit uses): the same file under another name is not
audited twice, and a new nianbao audits everything again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from nianbao.atomic import write_atomic
from nianbao.audit.corpus.rows import Entry
from nianbao.errors import NianbaoError

HIDDEN = ".nianbao-corpus"


class Store:
    def __init__(self, out: Path, reader: str):
        self.out = out
        self.root = out / HIDDEN
        self.reader = reader
        self.folder = self.root / "store" / reader
        self._lock: int | None = None

    # -- the run's lock -------------------------------------------------------------------------
    def lock(self) -> None:
        """Hold the output folder for this run; a second run on it is refused."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise NianbaoError(
                f"{self.out}: another `nianbao audit` is writing this corpus; wait for it to end"
            ) from None
        self._lock = fd

    def unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    # -- documents ------------------------------------------------------------------------------
    def path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def save(self, entry: Entry) -> None:
        if entry.keep:
            write_atomic(self.path(entry.sha256), entry.to_bytes())

    def load(self, sha256: str) -> Entry | None:
        """The stored entry, or None when it is missing or unreadable (the document is audited again)."""
        try:
            return Entry.from_bytes(self.path(sha256).read_bytes())
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def status(self, sha256: str) -> str | None:
        """The stored entry's status (ok, failed), read without its rows' values."""
        entry = self.load(sha256)
        return entry.facts.get("status") if entry is not None else None

    def prune(self) -> None:
        """Forget the entries of other readers (an older nianbao): they are never used again."""
        others = self.root / "store"
        if others.is_dir():
            for folder in others.iterdir():
                if folder.name != self.reader and folder.is_dir():
                    shutil.rmtree(folder, ignore_errors=True)
