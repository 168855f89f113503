"""All unit-years under one data folder: ``<data>/units/<unit id>/<year>.yaml``.

A unit-year's path is made only from a valid unit id and year, and checked to lie inside the data
folder (:func:`nianbao.roots.inside`); a file whose content names another unit or year than its
path is refused, so that neither a hostile id nor a copied file decides where anything is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.data.model import FIRST_YEAR, LAST_YEAR, UnitYear
from nianbao.data.reading import load_unit_year
from nianbao.data.units import UNIT_ID_RULE, check_unit_id, is_unit_id, registry_for
from nianbao.errors import DataError, MissingInput, UnitError
from nianbao.roots import inside, resolve_data_dir

_YEAR_FILE = re.compile(r"^\d{4}\.yaml$")


def check_year(year: object, where: str = "year") -> int:
    """``year`` as an int when it is a plausible reporting year, else :class:`DataError`."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise DataError(f"{where}: {year!r} is not a reporting year ({FIRST_YEAR} to {LAST_YEAR})", location=where)
    return year


def unit_year_path(data_dir: Path, unit: str, year: int) -> Path:
    """``<data_dir>/units/<unit>/<year>.yaml`` for a valid unit id and year (which cannot leave the
    folder: no ``/``, no ``..``). Where it is written, :func:`writable_path` also resolves it."""
    check_unit_id(unit)
    return Path(data_dir) / "units" / unit / f"{check_year(year)}.yaml"


def writable_path(data_dir: Path, unit: str, year: int) -> Path:
    """:func:`unit_year_path`, resolved and checked to lie inside ``data_dir`` (a unit folder that
    is a link to elsewhere is refused): the path a data file is written to."""
    check_unit_id(unit)
    return inside(data_dir, "units", unit, f"{check_year(year)}.yaml")


def check_matches_path(uy: UnitYear, unit: str, year: int) -> UnitYear:
    """``uy`` when its content names the unit and year its path does; :class:`DataError` otherwise."""
    if uy.unit != unit or uy.year != year:
        raise DataError(
            f"{uy.path}: the file says unit {uy.unit!r}, year {uy.year}, but its place is for unit {unit!r}, year "
            f"{year} (units/{unit}/{year}.yaml): a copied or renamed file? Fix its unit and year, or move it",
            path=uy.path,
            location="unit" if uy.unit != unit else "year",
        )
    return uy


class DataStore:
    """All unit-years under one data folder (a path, an alias such as ``demo``, or the default)."""

    def __init__(self, data_dir: Path | str | None = None):
        self.root = resolve_data_dir(data_dir)

    def require(self) -> DataStore:
        """This store, when its folder exists; :class:`MissingInput` otherwise."""
        if not self.root.is_dir():
            what = "is not a folder" if self.root.exists() else "does not exist"
            raise MissingInput(f"data folder {self.root} {what}", path=self.root)
        return self

    def path(self, unit: str, year: int) -> Path:
        return unit_year_path(self.root, unit, year)

    def load(self, unit: str, year: int) -> UnitYear:
        path = self.path(unit, year)
        if not path.exists():
            have = self.years(unit)
            hint = f"; years with data for {unit!r}: {have}" if have else f"; units with data: {self.units()}"
            raise MissingInput(f"no data for unit {unit!r}, year {year}: {path} does not exist{hint}", path=path)
        return check_matches_path(load_unit_year(path), unit, int(year))

    def try_load(self, unit: str, year: int) -> UnitYear | None:
        """The unit-year when there is a file for it (none can exist for a name that is no unit id)."""
        if not is_unit_id(unit):
            return None
        path = self.path(unit, year)
        return self.load(unit, year) if path.exists() else None

    def units(self) -> list[str]:
        base = self.root / "units"
        return sorted(p.name for p in base.iterdir() if p.is_dir() and is_unit_id(p.name)) if base.is_dir() else []

    def years(self, unit: str) -> list[int]:
        base = self.root / "units" / unit
        if not is_unit_id(unit) or not base.is_dir():
            return []
        return sorted(int(p.stem) for p in base.glob("*.yaml") if _YEAR_FILE.match(p.name))

    def all(self) -> list[tuple[str, int]]:
        return [(u, y) for u in self.units() for y in self.years(u)]

    def strays(self) -> list[Path]:
        """Files and folders under ``units/`` that are no unit-year: a folder whose name is no unit
        id, a ``.yaml`` file not named ``<year>.yaml``. ``nianbao check`` names them."""
        base = self.root / "units"
        if not base.is_dir():
            return []
        out = [p for p in sorted(base.iterdir()) if not (p.is_dir() and is_unit_id(p.name)) and p.suffix != ".md"]
        for unit in self.units():
            out += [p for p in sorted((base / unit).glob("*.yaml")) if not _YEAR_FILE.match(p.name)]
        return out

    def unit_id_for(self, unit: str) -> str:
        """Like :meth:`resolve_unit`, but a valid unit id that is not known yet is accepted as it is
        (a unit being imported or audited for the first time)."""
        try:
            return self.resolve_unit(unit)
        except UnitError:
            if is_unit_id(str(unit).strip()):
                return str(unit).strip()
            raise

    def resolve_unit(self, unit: str) -> str:
        """A unit id from an id, a Chinese name or an alias: the unit registry (``units.yaml``, see
        :mod:`nianbao.data.units`), a folder under ``units/``, then the names in the data files.
        Anything else, and anything that is not a valid unit id, is refused (:class:`UnitError`)."""
        unit = str(unit).strip()
        known = registry_for(self.root).find(unit)
        if known is not None:
            return known.id
        if is_unit_id(unit) and (self.root / "units" / unit).is_dir():
            return unit
        for unit_id in self.units():
            years = self.years(unit_id)
            if years and load_unit_year(self.path(unit_id, years[-1])).unit_name == unit:
                return unit_id
        if is_unit_id(unit):
            raise UnitError(
                f"unknown unit {unit!r}: no folder units/{unit}/ under {self.root}, not in the unit registry "
                f"(data/units.yaml) and no data file names it; units with data: {self.units()}"
            )
        raise UnitError(
            f"unknown unit {unit!r}: not in the unit registry (data/units.yaml), no data file names it, and it is "
            f"not a unit id ({UNIT_ID_RULE}); units with data: {self.units()}"
        )
