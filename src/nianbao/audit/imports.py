"""``nianbao audit --import``: the page's tables (as published) and its narrative figures written
into the data folder, through the same all-or-nothing path as workbook imports."""

from __future__ import annotations

from pathlib import Path

from nianbao.audit.run import AuditResult
from nianbao.data.units import UNIT_ID_RULE, is_unit_id
from nianbao.errors import DataError
from nianbao.workflows.importing import import_unit_year


def import_audit(result: AuditResult, data_dir: Path | str | None = None, *, force: bool = False) -> Path:
    """Write the audited report's tables and statements; refuse (nothing written) when the page
    has no tables, its unit or year is unknown, or — unless ``force`` — the audit found errors."""
    uy = result.uy
    if not result.tables:
        raise DataError(f"{result.path}: nothing to import: the page has no statistical tables", path=result.path)
    if not uy.year:
        raise DataError(f"{result.path}: the reporting year is unknown; give --year", path=result.path)
    named = result.identity.unit or (uy.unit if uy.unit and not uy.unit.startswith("（") else None)
    if not uy.unit or uy.unit.startswith("（") or not is_unit_id(uy.unit):
        if named is None:
            raise DataError(f"{result.path}: the unit is unknown; give --unit", path=result.path)
        raise DataError(
            f"{result.path}: the unit 「{named}」 (from the page's title) is not in the unit registry: nothing was "
            f"written; give --unit with the unit's id ({UNIT_ID_RULE})",
            path=result.path,
        )
    if result.errors and not force:
        raise DataError(
            f"{result.path}: the audit found {result.errors} error(s); nothing was written. Import the report as "
            "published anyway with --force (unreadable cells stay unknown)",
            path=result.path,
        )
    return import_unit_year(uy, data_dir, force=True, locate=result.locate).path
