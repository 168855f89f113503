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

from nianbao.data.yamlfile import read_yaml
from nianbao.errors import DataError, UnitError
from nianbao.format import schema
from nianbao.roots import REGISTRY_FILE, default_registry_path

#: A unit id: what names a unit's folder under ``units/`` and under the outputs, so a closed
#: vocabulary: lower-case ascii letters, digits, ``_`` and ``-``, starting with a letter.
UNIT_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
UNIT_ID_RULE = "lower-case ascii letters, digits, '_' or '-', starting with a letter (at most 64)"


def is_unit_id(value: object) -> bool:
    """True when ``value`` may be a unit id (and so a folder name)."""
    return isinstance(value, str) and UNIT_ID.fullmatch(value) is not None


def check_unit_id(value: object, where: str = "unit") -> str:
    """``value`` when it is a valid unit id, else :class:`UnitError` naming ``where`` it came from."""
    if not is_unit_id(value):
        raise UnitError(f"{where}: {value!r} is not a unit id ({UNIT_ID_RULE}) nor a unit of the registry")
    return str(value)


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


_ENTRY_KEYS = ("id", "name", "full_name", "level", "parent", "aliases")


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, _mtime: int) -> Registry:
    def fail(where: str, message: str) -> DataError:
        return DataError(f"{path}: {where}: {message}", path=path, location=where)

    raw = read_yaml(path, "registry file")  # UTF-8, no duplicate keys, no aliases
    entries = raw.get("units") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise fail("units", "expected a list of units")
    unknown = sorted(str(k) for k in raw if k != "units")
    if unknown:
        raise fail(unknown[0], "unknown key; a registry holds only 'units'")
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        unit = _entry(entry, f"units[{i}]", fail)
        for key in unit.keys:
            if key in seen and seen[key] != unit.id:
                raise fail(f"units[{i}] ({unit.id})", f"{key!r} already names unit {seen[key]!r}")
            seen[key] = unit.id
        units.append(unit)
    _check_parents(units, fail)
    return Registry(units, path)


def _entry(entry: object, where: str, fail) -> Unit:
    """One unit of the registry, every key checked."""
    if not isinstance(entry, dict):
        raise fail(where, "expected a mapping with id, name, level (and parent)")
    for key in ("id", "name", "level"):
        if not entry.get(key):
            raise fail(where, f"missing {key!r}")
    uid = str(entry["id"])
    where = f"{where} ({uid})"
    if not is_unit_id(uid):
        raise fail(where, f"an id is {UNIT_ID_RULE}")
    extra = sorted(str(k) for k in entry if k not in _ENTRY_KEYS)
    if extra:
        raise fail(where, f"unknown key(s) {extra}; a unit has {', '.join(_ENTRY_KEYS)}")
    if entry["level"] not in schema.UNIT_LEVELS:
        raise fail(where, f"level must be one of {list(schema.UNIT_LEVELS)}, found {entry['level']!r}")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, (str, int)) for a in aliases):
        raise fail(where, "aliases must be a list of names")
    names = [entry["name"], entry.get("full_name") or ""]
    if not all(isinstance(n, (str, int)) for n in names):
        raise fail(where, "name and full_name must be texts")
    return Unit(
        id=uid,
        name=str(entry["name"]),
        level=str(entry["level"]),
        parent=str(entry["parent"]) if entry.get("parent") else None,
        full_name=str(entry["full_name"]) if entry.get("full_name") else None,
        aliases=tuple(str(a) for a in aliases),
    )


def _check_parents(units: list[Unit], fail) -> None:
    ids = {u.id: u for u in units}
    for u in units:
        if u.parent is not None and u.parent not in ids:
            raise fail(f"unit {u.id}", f"parent {u.parent!r} is not in the registry")
    for u in units:  # no unit may (indirectly) compile itself
        chain, cur = {u.id}, u
        while cur.parent is not None:
            if cur.parent in chain:
                raise fail(f"unit {u.id}", f"parents form a cycle through {cur.parent!r}")
            chain.add(cur.parent)
            cur = ids[cur.parent]
