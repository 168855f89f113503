"""What a batch job's outputs depend on, as one digest; and the stamp that records it.

A job (one unit-year) reads:

* its data file, the same unit's previous year (every part compares with it, when it exists),
  and, for a compiled unit-year, the data files of the units it was compiled from (part 3 shows
  their contributions);
* the unit registry (names, levels);
* the section notebooks and the report declaration;
* the package: its version, its source and its templates (the code that draws every table,
  chart and page);
* its parameters: unit, year, data folder, sections, formats, kernel.

:func:`job_fingerprint` hashes all of these. When a job has finished, :func:`write_stamp` puts
``.nianbao-batch.json`` in its output folder (last, after every output is in place); a later
batch skips the job while :func:`up_to_date` holds: same fingerprint, and every output listed
in the stamp still there. Checking costs a few file reads per job, with no YAML parsed except
for compiled unit-years.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import yaml

from nianbao import __version__
from nianbao.atomic import write_atomic
from nianbao.data.store import unit_year_path
from nianbao.roots import PACKAGE_DIR

STAMP = ".nianbao-batch.json"

_COMPILED = re.compile(r"^compiled_from\s*:", re.MULTILINE)


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"


@functools.lru_cache(maxsize=1)
def package_digest() -> str:
    """The package's version, Python source and templates, as one digest (computed once)."""
    h = hashlib.sha256(__version__.encode())
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        if path.suffix in (".pyc",):
            continue
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path).encode())
        h.update(_file_digest(Path(path)).encode())
    return h.hexdigest()


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
    except FileNotFoundError:
        return {f"units/{unit}/{year}.yaml": "absent"}
    inputs = {f"units/{unit}/{year}.yaml": hashlib.sha256(text).hexdigest()}
    inputs[f"units/{unit}/{year - 1}.yaml"] = _file_digest(unit_year_path(data_dir, unit, year - 1))
    for member in compiled_from(text):
        inputs[f"units/{member}/{year}.yaml"] = _file_digest(unit_year_path(data_dir, member, year))
    return inputs


def job_fingerprint(
    data_dir: Path,
    unit: str,
    year: int,
    *,
    shared: str,
    parameters: dict,
) -> str:
    """The digest of everything the job's outputs depend on.

    ``shared`` is :func:`shared_digest` of the batch (package, notebooks, declaration,
    registry): the same for every job, so computed once.
    """
    h = hashlib.sha256(shared.encode())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    for name, digest in sorted(data_inputs(data_dir, unit, year).items()):
        h.update(f"{name}={digest};".encode())
    return h.hexdigest()


def shared_digest(notebooks: Sequence[Path], spec_file: Path | None, registry_file: Path | None) -> str:
    """What every job of a batch depends on alike."""
    files = [*notebooks, *(p for p in (spec_file, registry_file) if p is not None)]
    return hashlib.sha256((package_digest() + files_digest(files)).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# stamps
# ---------------------------------------------------------------------------------------------


def read_stamp(folder: Path) -> dict | None:
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def up_to_date(folder: Path, fingerprint: str) -> bool:
    """True when the job that writes ``folder`` last finished with the same inputs and all of its
    outputs are still there."""
    stamp = read_stamp(folder)
    if stamp is None or stamp.get("fingerprint") != fingerprint:
        return False
    return all((folder / name).exists() for name in stamp.get("outputs", []))


def write_stamp(folder: Path, fingerprint: str, outputs: Iterable[Path]) -> None:

    stamp = {
        "fingerprint": fingerprint,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "nianbao": __version__,
        "outputs": sorted(str(Path(p).relative_to(folder)) for p in outputs),
    }
    write_atomic(folder / STAMP, json.dumps(stamp, ensure_ascii=False, indent=1) + "\n")


def remove_stamp(folder: Path) -> None:
    (folder / STAMP).unlink(missing_ok=True)
