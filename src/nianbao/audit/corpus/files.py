"""The files of a corpus: the paths given (files, and folders searched recursively), each with its
SHA-256.

Hashing is what a rerun pays for every file, so the digests are remembered in the output folder
(``hashes.json``: path → size, modification time, digest) and a file whose size and modification
time are unchanged is not read again — as git's index does. Hidden files and folders (a leading
``.``) are not part of a corpus, nor is anything inside the output folder itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nianbao.atomic import write_atomic
from nianbao.errors import NianbaoError, UsageError

CHUNK = 1 << 20


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # absolute
    size: int
    sha256: str | None  # None when the file cannot be read
    error: str = ""  # why it cannot be read


def _inside(path: Path, folder: Path) -> bool:
    # whether path lies in folder (both absolute); unlike nianbao.roots.inside() it does not raise
    return path == folder or folder in path.parents


def discover(paths: Iterable[Path | str], out: Path) -> list[Path]:
    """Every file the paths name, folders searched recursively (symbolic links to folders are not
    followed), in a stable order, each once; hidden entries and the output folder skipped."""
    paths = list(paths)
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given).absolute()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                here = Path(root)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _inside(here / d, out))
                for name in sorted(files):
                    if not name.startswith("."):
                        found.setdefault(here / name, None)
        elif path.exists() or path.is_symlink():
            if not _inside(path, out):
                found.setdefault(path, None)
        else:
            raise NianbaoError(f"{given}: no such file or folder")
    if not found:
        names = ", ".join(str(p) for p in paths)
        raise UsageError(f"{names}: no file to audit in it (hidden files and the output folder are left out)")
    return list(found)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class HashIndex:
    """The digests of the files seen before, by path, size and modification time."""

    def __init__(self, path: Path):
        self.path = path
        self.known: dict[str, list] = {}
        self.seen: dict[str, list] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            self.known = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.known = {}

    def file(self, path: Path) -> CorpusFile:
        try:
            stat = path.stat()
        except OSError as exc:
            return CorpusFile(path, 0, None, f"cannot be read: {exc.strerror or exc}")
        if not path.is_file():
            return CorpusFile(path, 0, None, "not a regular file")
        key, mark = str(path), [stat.st_size, stat.st_mtime_ns]
        old = self.known.get(key)
        if isinstance(old, list) and len(old) == 3 and old[:2] == mark:
            digest = old[2]
        else:
            try:
                digest = sha256_of(path)
            except OSError as exc:
                return CorpusFile(path, stat.st_size, None, f"cannot be read: {exc.strerror or exc}")
        self.seen[key] = [*mark, digest]
        return CorpusFile(path, stat.st_size, digest)

    def save(self) -> None:
        """Keep the digests of the files of this run (files no longer in the corpus are forgotten)."""
        if self.seen != self.known:
            write_atomic(self.path, json.dumps(self.seen, ensure_ascii=False, separators=(",", ":")))


def hash_files(paths: list[Path], index: HashIndex) -> list[CorpusFile]:
    return [index.file(path) for path in paths]
