"""The registry of reporting units: ids, Chinese names, levels and who compiles whom.

The registry is ``data/units.yaml``. A data folder may carry its own ``units.yaml`` (a test
fixture, another city); :func:`registry_for` prefers it. Every place that takes a unit (CLI
options, notebook parameters) accepts its id, its name, its full name or an alias.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from nianbao.errors import DataError, UnitError
from nianbao.format import schema
from nianbao.roots import REGISTRY_FILE, default_registry_path

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    level: str  # one of schema.UNIT_LEVELS
    parent: str | None = None
    full_name: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def level_label(self) -> str:
        return schema.UNIT_LEVELS[self.level]

    @property
    def keys(self) -> tuple[str, ...]:
        """Every string that names this unit."""
        return (self.id, self.name) + ((self.full_name,) if self.full_name else ()) + self.aliases


class Registry:
    """The units of one registry file, in file order."""

    def __init__(self, units: list[Unit], path: Path | None = None):
        self.path = path
        self.units = {u.id: u for u in units}
        self._by_key: dict[str, Unit] = {}
        for u in units:
            for key in u.keys:
                self._by_key.setdefault(key, u)

    def __iter__(self):
        return iter(self.units.values())

    def __len__(self) -> int:
        return len(self.units)

    def find(self, key: str) -> Unit | None:
        """The unit named by an id, name, full name or alias; None if there is none."""
        key = str(key).strip()
        return self._by_key.get(key) or self._by_key.get(key.lower())

    def get(self, key: str) -> Unit:
        unit = self.find(key)
        if unit is None:
            raise UnitError(
                f"unknown unit {key!r}: not an id, name or alias in {self.path or 'the registry'}; "
                f"units: {', '.join(f'{u.id} ({u.name})' for u in self)}"
            )
        return unit

    def children(self, parent: str) -> list[Unit]:
        """The units whose reports ``parent`` compiles, in registry order."""
        parent_id = self.get(parent).id
        return [u for u in self if u.parent == parent_id]

    def parents(self) -> list[Unit]:
        return [u for u in self if any(c.parent == u.id for c in self)]


def load_registry(path: Path | str | None = None) -> Registry:
    """Read and validate a registry file (default: the project's ``data/units.yaml``)."""
    path = Path(path) if path else default_registry_path()
    return _load_cached(path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)


def registry_for(data_dir: Path | str | None) -> Registry:
    """The registry a data folder uses: its own ``units.yaml`` if it has one, else the project's."""
    if data_dir:
        own = Path(data_dir) / REGISTRY_FILE
        if own.exists():
            return load_registry(own)
    return load_registry()


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, _mtime: int) -> Registry:
    def fail(where: str, message: str) -> DataError:
        return DataError(f"{path}: {where}: {message}", path=path, location=where)

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: no such registry file", path=path) from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}", path=path) from None
    entries = raw.get("units") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise fail("units", "expected a list of units")
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = f"units[{i}]"
        if not isinstance(entry, dict):
            raise fail(where, "expected a mapping with id, name, level (and parent)")
        for key in ("id", "name", "level"):
            if not entry.get(key):
                raise fail(where, f"missing {key!r}")
        uid = str(entry["id"])
        where = f"units[{i}] ({uid})"
        if not _ID.match(uid):
            raise fail(where, "an id is lower-case ascii letters, digits, '_' or '-', starting with a letter")
        if entry["level"] not in schema.UNIT_LEVELS:
            raise fail(where, f"level must be one of {list(schema.UNIT_LEVELS)}, found {entry['level']!r}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list):
            raise fail(where, "aliases must be a list of names")
        unit = Unit(
            id=uid,
            name=str(entry["name"]),
            level=str(entry["level"]),
            parent=str(entry["parent"]) if entry.get("parent") else None,
            full_name=str(entry["full_name"]) if entry.get("full_name") else None,
            aliases=tuple(str(a) for a in aliases),
        )
        for key in unit.keys:
            if key in seen and seen[key] != uid:
                raise fail(where, f"{key!r} already names unit {seen[key]!r}")
            seen[key] = uid
        units.append(unit)
    ids = {u.id for u in units}
    for u in units:
        if u.parent is not None and u.parent not in ids:
            raise fail(f"unit {u.id}", f"parent {u.parent!r} is not in the registry")
    for u in units:  # no unit may (indirectly) compile itself
        chain, cur = {u.id}, u
        while cur.parent is not None:
            if cur.parent in chain:
                raise fail(f"unit {u.id}", f"parents form a cycle through {cur.parent!r}")
            chain.add(cur.parent)
            cur = next(x for x in units if x.id == cur.parent)
    return Registry(units, path)
