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
``.nianbao-batch.json`` in its output folder (after every output is in place), recording each
output file's size, modification time and digest; a later batch skips the job while
:func:`up_to_date` holds: same fingerprint, and every output the stamp lists still the file the
job wrote (so a folder that ``nianbao report`` has rewritten since, from whatever data, is run
again). Checking costs a few file reads and stats per job, with no YAML parsed except for
compiled unit-years.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from nianbao import __version__
from nianbao.atomic import write_atomic
from nianbao.data.versions import data_inputs, file_digest
from nianbao.roots import PACKAGE_DIR

STAMP = ".nianbao-batch.json"


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
        h.update(file_digest(Path(path)).encode())
    return h.hexdigest()


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
    """True when the job that writes ``folder`` last finished with the same inputs and every output
    it wrote is still there, unchanged (same size and time, or else the same digest)."""
    stamp = read_stamp(folder)
    if stamp is None or stamp.get("fingerprint") != fingerprint:
        return False
    outputs = stamp.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return False
    for name, recorded in outputs.items():
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            return False
        if not isinstance(recorded, list) or len(recorded) != 3:
            return False
        if [stat.st_size, stat.st_mtime_ns] != recorded[:2] and file_digest(path) != recorded[2]:
            return False
    return True


def write_stamp(folder: Path, fingerprint: str, outputs: Iterable[Path]) -> None:
    """Record that the job with ``fingerprint`` wrote ``outputs`` (files, or folders of files)."""
    files = sorted({f for p in outputs for f in (Path(p).rglob("*") if Path(p).is_dir() else [Path(p)]) if f.is_file()})
    stamp = {
        "fingerprint": fingerprint,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "nianbao": __version__,
        "outputs": {
            f.relative_to(folder).as_posix(): [f.stat().st_size, f.stat().st_mtime_ns, file_digest(f)] for f in files
        },
    }
    write_atomic(folder / STAMP, json.dumps(stamp, ensure_ascii=False, indent=1) + "\n")


def remove_stamp(folder: Path) -> None:
    (folder / STAMP).unlink(missing_ok=True)
