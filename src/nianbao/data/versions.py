"""The version of the data a unit-year's report is made from: one digest of every data file the
report reads, and its short form printed on every page (「数据版本 1a2b3c4d」).

A report reads its unit-year's file, the same unit's previous year (every part compares with it),
for a compiled unit-year the files of the units it was compiled from, and the unit registry
(names, levels). :func:`data_fingerprint` hashes their contents (its first 16 hex digits, as
:func:`unit_year_fingerprint`, go into the PDFs' metadata; its first 8 are printed); the batch's record of what a job
depended on (:mod:`nianbao.batch.fingerprint`) and each report folder's ``manifest.json``
(:mod:`nianbao.run.manifest`) use the same inputs.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from nianbao.data.model import UnitYear
from nianbao.data.store import unit_year_path
from nianbao.data.units import registry_for

SHORT = 8  # hex digits of the short form, as people quote it
PREFIX = "sha256:"
LENGTH = 16  # hex digits of the form in the PDFs' metadata
_COMPILED = re.compile(r"^compiled_from\s*:", re.MULTILINE)


def file_digest(path: Path) -> str:
    """The sha256 of a file's content, or ``absent``."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return "absent"


def compiled_from(text: bytes) -> tuple[str, ...]:
    """The units a compiled unit-year was summed from (empty for an ordinary one)."""
    if not _COMPILED.search(text.decode("utf-8", "replace")):
        return ()
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return ()
    units = raw.get("compiled_from") if isinstance(raw, dict) else None
    return tuple(str(u) for u in units) if isinstance(units, list) else ()


def data_inputs(data_dir: Path, unit: str, year: int) -> dict[str, str]:
    """The data files a unit-year's report reads, relative name → content digest ('absent')."""
    own = unit_year_path(data_dir, unit, year)
    try:
        text = own.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return {f"units/{unit}/{year}.yaml": "absent"}
    inputs = {f"units/{unit}/{year}.yaml": hashlib.sha256(text).hexdigest()}
    inputs[f"units/{unit}/{year - 1}.yaml"] = file_digest(unit_year_path(data_dir, unit, year - 1))
    for member in compiled_from(text):
        try:
            inputs[f"units/{member}/{year}.yaml"] = file_digest(unit_year_path(data_dir, member, year))
        except Exception:  # not a unit id: the report refuses the file anyway
            inputs[f"units/{member}/{year}.yaml"] = "invalid"
    return inputs


def data_fingerprint(data_dir: Path | str, unit: str, year: int) -> tuple[str, dict[str, str]]:
    """(digest, inputs): everything a unit-year's report reads from its data folder, the unit
    registry included, as one sha256; ``inputs`` maps each file to its own digest."""
    data_dir = Path(data_dir)
    inputs = data_inputs(data_dir, unit, year)
    try:
        registry = registry_for(data_dir).path
    except Exception:  # a broken registry: the report stops on it with its own message
        registry = None
    inputs["units.yaml"] = file_digest(registry) if registry else "absent"
    h = hashlib.sha256()
    for name, digest in sorted(inputs.items()):
        h.update(f"{name}={digest};".encode())
    return h.hexdigest(), inputs


def short_form(fingerprint: str) -> str:
    """The data version people quote and pages print: the first :data:`SHORT` hex digits of a
    fingerprint (with or without its ``sha256:`` prefix); '' for none."""
    return fingerprint.removeprefix(PREFIX)[:SHORT]


def data_version(uy: UnitYear) -> str:
    """The short form of the fingerprint of the data ``uy`` was read from ('' when it was not read
    from a data folder)."""
    if uy.path is None or len(Path(uy.path).parents) < 3:
        return ""
    try:
        return short_form(data_fingerprint(Path(uy.path).parents[2], uy.unit, uy.year)[0])
    except Exception:  # a unit-year made in memory, or a path outside any data folder
        return ""


def unit_year_fingerprint(data_dir: Path | str, unit: str, year: int) -> str:
    """The fingerprint a unit-year's PDFs carry in their metadata, e.g. ``sha256:3f2a9c0d1b7e4a55``:
    the data version printed on its pages is its first :data:`SHORT` hex digits."""
    return PREFIX + data_fingerprint(data_dir, unit, int(year))[0][:LENGTH]


def files_fingerprint(root: Path, paths) -> str:
    """The fingerprint of ``paths`` (under ``root``; a missing file counts as absent), for the PDFs
    of notebooks that read several unit-years (trends, comparison)."""
    h = hashlib.sha256()
    for path in sorted({Path(p) for p in paths}):
        try:
            name = str(path.resolve().relative_to(Path(root).resolve()))
        except ValueError:
            name = path.name
        h.update(f"{name}={file_digest(path)};".encode())
    return PREFIX + h.hexdigest()[:LENGTH]
