"""A short fingerprint of the data a report was made from, printed into its PDFs' metadata.

A unit-year's report reads its data file, the same unit's previous year (every part compares
with it) and, for a compiled unit-year, the files of the units it was summed from. The
fingerprint is the SHA-256 of those files' names (relative to the data folder) and contents, cut
to 16 hex digits: enough to tell two versions of the data apart, short enough to quote.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from nianbao.data.store import unit_year_path

PREFIX = "sha256:"
LENGTH = 16  # hex digits kept
_COMPILED = re.compile(r"^compiled_from\s*:", re.MULTILINE)


def files_fingerprint(root: Path, paths: Iterable[Path]) -> str:
    """The fingerprint of ``paths`` (under ``root``; a missing file counts as absent)."""
    h = hashlib.sha256()
    for path in sorted({Path(p) for p in paths}):
        try:
            name = str(path.resolve().relative_to(Path(root).resolve()))
        except ValueError:
            name = path.name
        try:
            content = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            content = "absent"
        h.update(f"{name}={content};".encode())
    return PREFIX + h.hexdigest()[:LENGTH]


def unit_year_files(data_dir: Path, unit: str, year: int) -> list[Path]:
    """The data files a unit-year's report reads."""
    own = unit_year_path(data_dir, unit, year)
    files = [own, unit_year_path(data_dir, unit, year - 1)]
    try:
        text = own.read_text(encoding="utf-8")
    except FileNotFoundError:
        return files
    if _COMPILED.search(text):  # parsed only for a compiled unit-year
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        members = raw.get("compiled_from") if isinstance(raw, dict) else None
        files += [unit_year_path(data_dir, str(m), year) for m in members or []]
    return files


def unit_year_fingerprint(data_dir: Path | str, unit: str, year: int) -> str:
    """The fingerprint of what a unit-year's report reads, e.g. ``sha256:3f2a9c0d1b7e4a55``."""
    root = Path(data_dir)
    return files_fingerprint(root, unit_year_files(root, unit, int(year)))
