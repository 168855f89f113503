"""``manifest.json``: what a report folder holds, and which run made each file from which data.

Every run that writes a unit-year's folder (``nianbao report``, a batch job) writes the manifest
last, atomically, after every output is in place. It records the run (time, nianbao's version,
sections, formats, the data folder and the data's fingerprint) and every file in the folder with
its digest, the data version and nianbao version it was made with. Files an earlier run made from
other data (or with another nianbao version), and files no recorded run made, are listed under
``stale`` with the reason: a partial run (``--sections 1 --formats html``) leaves the other
parts' files in place, because they are still good when the data has not changed, and says which
ones no longer match the data when it has. The same data version is printed on every page
(「数据版本 1a2b3c4d」), so a page can be matched to its manifest.

A folder holds the outputs of one data folder: a run refuses to write into a folder whose
manifest names another (:func:`check_same_data`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from nianbao import __version__
from nianbao.atomic import write_atomic
from nianbao.data.versions import SHORT, data_fingerprint
from nianbao.errors import UsageError
from nianbao.roots import shown

MANIFEST = "manifest.json"


def read_manifest(folder: Path) -> dict | None:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def check_same_data(folder: Path, data_dir: Path) -> None:
    """A usage error when ``folder`` holds outputs made from another data folder than ``data_dir``."""
    manifest = read_manifest(folder)
    recorded = ((manifest or {}).get("data") or {}).get("folder")
    if recorded and Path(recorded) != Path(data_dir).resolve():
        raise UsageError(
            f"{shown(folder)} holds outputs made from the data folder {recorded} (its {MANIFEST}), not from "
            f"{Path(data_dir).resolve()}: a folder holds the outputs of one data folder. Give another --out, "
            "or remove that folder first"
        )


def write_manifest(
    folder: Path,
    *,
    unit: str,
    year: int,
    data_dir: Path,
    written: Iterable[Path],
    sections: Iterable[str],
    formats: Iterable[str],
    failed: Iterable[str] = (),
    by: str = "nianbao report",
) -> Path:
    """Record the run that just wrote ``written`` into ``folder`` (see the module's docstring)."""
    folder = Path(folder)
    fingerprint, inputs = data_fingerprint(data_dir, unit, year)
    version = fingerprint[:SHORT]
    made = datetime.now(UTC).isoformat(timespec="seconds")
    ours = {_name(folder, p) for p in _files(written)}
    before = (read_manifest(folder) or {}).get("files") or {}
    files, stale = {}, {}
    for path in sorted(_folder_files(folder)):
        name = _name(folder, path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if name in ours:
            record = {"sha256": digest, "bytes": path.stat().st_size, "made": made, "data_version": version,
                      "nianbao": __version__}  # fmt: skip
        elif isinstance(before.get(name), dict) and before[name].get("sha256") == digest:
            record = before[name]
        else:
            record = {"sha256": digest, "bytes": path.stat().st_size, "made": None, "data_version": None}
        files[name] = record
        why = _stale(record, version)
        if why:
            stale[name] = why
    manifest = {
        "unit": unit, "year": int(year), "nianbao": __version__,
        "run": {"made": made, "by": by, "sections": list(sections), "formats": list(formats), "failed": list(failed)},
        "data": {"folder": str(Path(data_dir).resolve()), "fingerprint": fingerprint, "version": version,
                 "files": inputs},
        "files": files, "stale": stale,
    }  # fmt: skip
    return write_atomic(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


def _stale(record: dict, version: str) -> str | None:
    if record.get("data_version") is None:
        return "not made by a run recorded here"
    if record["data_version"] != version:
        return f"made from data version {record['data_version']}, not the current {version}"
    if record.get("nianbao") != __version__:
        return f"made by nianbao {record.get('nianbao')}, not {__version__}"
    return None


def _files(paths: Iterable[Path]) -> list[Path]:
    """Every file in ``paths`` (folders, such as a section's csv/ folder, stand for their files)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        out.extend(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else out.append(p)
    return out


def _folder_files(folder: Path) -> list[Path]:
    """The folder's files, without the manifest and hidden files (temporaries, the batch's stamp)."""
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]


def _name(folder: Path, path: Path) -> str:
    return Path(path).resolve().relative_to(folder.resolve()).as_posix()
