"""All unit-years under one data folder: ``<data>/units/<unit id>/<year>.yaml``."""

from __future__ import annotations

from pathlib import Path

from nianbao.data.model import UnitYear
from nianbao.data.reading import load_unit_year
from nianbao.data.units import registry_for
from nianbao.errors import DataError, UnitError
from nianbao.roots import resolve_data_dir


def unit_year_path(data_dir: Path, unit: str, year: int) -> Path:
    return Path(data_dir) / "units" / unit / f"{int(year)}.yaml"


class DataStore:
    """All unit-years under one data folder (a path, an alias such as ``demo``, or the default)."""

    def __init__(self, data_dir: Path | str | None = None):
        self.root = resolve_data_dir(data_dir)

    def path(self, unit: str, year: int) -> Path:
        return unit_year_path(self.root, unit, year)

    def load(self, unit: str, year: int) -> UnitYear:
        path = self.path(unit, year)
        if not path.exists():
            have = self.years(unit)
            hint = f"; years with data for {unit!r}: {have}" if have else f"; units with data: {self.units()}"
            raise DataError(f"no data for unit {unit!r}, year {year}: {path} does not exist{hint}", path=path)
        return load_unit_year(path)

    def try_load(self, unit: str, year: int) -> UnitYear | None:
        path = self.path(unit, year)
        return load_unit_year(path) if path.exists() else None

    def units(self) -> list[str]:
        base = self.root / "units"
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.exists() else []

    def years(self, unit: str) -> list[int]:
        base = self.root / "units" / unit
        if not base.exists():
            return []
        return sorted(int(p.stem) for p in base.glob("*.yaml") if p.stem.isdigit())

    def all(self) -> list[tuple[str, int]]:
        return [(u, y) for u in self.units() for y in self.years(u)]

    def resolve_unit(self, unit: str) -> str:
        """A unit id from an id, a Chinese name or an alias: a folder under ``units/``, then the
        unit registry (``units.yaml``, see :mod:`nianbao.data.units`), then the names in the data files."""
        unit = str(unit).strip()
        if unit and (self.root / "units" / unit).is_dir():
            return unit
        known = registry_for(self.root).find(unit)
        if known is not None:
            return known.id
        for unit_id in self.units():
            years = self.years(unit_id)
            if years and load_unit_year(self.path(unit_id, years[-1])).unit_name == unit:
                return unit_id
        raise UnitError(
            f"unknown unit {unit!r}: no folder units/{unit}/ under {self.root}, not in the unit registry "
            f"(data/units.yaml) and no data file names it; units with data: {self.units()}"
        )
