"""Writing imported tables into the data folder: merged with what the data file already holds,
checked against the rules, written atomically, or refused with nothing changed.

Both imports use it: workbooks (:mod:`nianbao.excel.importer`) and published pages
(:mod:`nianbao.audit`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.data.model import UnitYear
from nianbao.data.store import DataStore, check_year
from nianbao.data.units import UNIT_ID_RULE, is_unit_id
from nianbao.data.writing import save_unit_year
from nianbao.errors import DataError, MissingInput
from nianbao.rules import Locator, check_unit_year
from nianbao.rules import findings as fnd
from nianbao.rules.findings import Finding


class ImportRefused(DataError):
    """The imported figures break a rule; nothing was written. ``findings`` has the details."""

    def __init__(self, message: str, findings: list[Finding], path: Path | None = None):
        super().__init__(message, path=path)
        self.findings = findings


@dataclass
class ImportResult:
    uy: UnitYear  # what was written
    path: Path
    replaced: bool  # an existing data file was updated
    findings: list[Finding] = field(default_factory=list)  # warnings (and errors when forced)


def merge_tables(imported: UnitYear, existing: UnitYear | None) -> UnitYear:
    """The existing unit-year with its three tables replaced by the imported ones.

    Figures, narrative and heading variant are kept. Published statements are kept, and the
    imported ones (from a page's narrative) added or replaced by id. A category total stated
    without its rows is kept only where the import leaves all of that category's rows unknown.
    """
    if existing is None:
        return imported
    if existing.format_version != imported.format_version:
        raise DataError(
            f"{existing.path}: the data file is in the {existing.format_version} format, the import in the "
            f"{imported.format_version} format; nothing was written",
            path=existing.path,
        )
    merged = copy.deepcopy(existing)
    merged.table_a = dict(imported.table_a)
    merged.table_b = dict(imported.table_b)
    merged.table_c = dict(imported.table_c)
    merged.table_b_groups = {
        (group, col): value
        for (group, col), value in existing.table_b_groups.items()
        if all((row, col) not in imported.table_b for row in merged.spec.table_b.group(group).rows)
    }
    merged.statements = {**existing.statements, **imported.statements}
    return merged


def import_unit_year(
    imported: UnitYear,
    data_dir: Path | str | None = None,
    *,
    force: bool = False,
    locate: Locator | None = None,
) -> ImportResult:
    """Merge ``imported`` into its data file, check it, and write it atomically.

    Refuses (:class:`ImportRefused`, nothing written) when a rule finds an error, unless
    ``force``. An existing data file that cannot be read is an error too: fix it first.
    """
    store = DataStore(data_dir)
    if store.root.exists() and not store.root.is_dir():
        raise MissingInput(f"data folder {store.root} is a file, not a folder", path=store.root)
    if not is_unit_id(imported.unit):
        raise DataError(
            f"the unit {imported.unit!r} is not a unit id ({UNIT_ID_RULE}); nothing was written (give the unit's id)"
        )
    try:
        check_year(imported.year)
    except DataError as exc:
        raise DataError(f"{exc}; nothing was written") from None
    path = store.path(imported.unit, imported.year)
    existing = store.load(imported.unit, imported.year) if path.exists() else None
    merged = merge_tables(imported, existing)
    try:
        prev = store.try_load(imported.unit, imported.year - 1)
    except DataError:
        prev = None  # the previous year's file is broken: X1/X2 are skipped, `nianbao check` says why
    found = check_unit_year(merged, prev=prev, locate=locate)
    errors = [f for f in found if f.is_error]
    if errors and not force:
        lines = "\n".join("  " + f.text().replace("\n", "\n  ") for f in fnd.sorted_findings(errors))
        raise ImportRefused(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} in the imported figures; nothing was written "
            f"(fix them, or import anyway with --force):\n{lines}",
            errors,
            path,
        )
    written = save_unit_year(merged, store.root)
    return ImportResult(merged, written, existing is not None, found)
