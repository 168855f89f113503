"""Compile a parent's tables from its units' tables (DOMAIN.md §1, rule G1).

A city-wide report is the sum of its districts' and municipal agencies' reports. Counts add up:
Table B and Table C cell by cell, and the Table A columns that count documents, decisions or
money. Rates and percentages never add up: a compiled unit-year carries counts only, and every
rate shown from it is recomputed from the summed counts (:mod:`nianbao.measures`).

A sum is known only when every unit knows the cell; otherwise it stays unknown and the
compilation says which units did not know it. Where the parent has a stored data file, its known
Table B and C cells are compared with the sums by rule G1 of :mod:`nianbao.rules`, and every
difference is reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from nianbao.data.model import UnitYear, Value
from nianbao.data.store import DataStore
from nianbao.data.units import Unit, registry_for
from nianbao.errors import NianbaoError
from nianbao.format import schema
from nianbao.rules.findings import Finding

#: Table A columns whose cells add up across units. The 2019 format's 上一年项目数量 and 本年增/减
#: count entries of each unit's own list (权责清单, 收费目录); a city-wide list is deduplicated,
#: so those do not add up and are left to the parent's own data.
SUMMABLE_TABLE_A = {
    "2019": frozenset({"made", "published", "total_public", "decisions", "procurement_items", "procurement_amount"}),
    "2021": frozenset({"issued", "repealed", "in_force", "decisions", "fee_amount"}),
}

TABLE_LABELS = {"A": "表一", "B": "表二", "BG": "表二（分类合计）", "C": "表三"}


class CompileError(NianbaoError):
    """The units cannot be compiled (no units, units without data, mixed format versions)."""


@dataclass(frozen=True)
class Cell:
    """A cell of a table: ``table`` is A, B, BG (a Table B category total) or C."""

    table: str
    row: str
    col: str

    def label(self, version: str) -> str:
        """Where the cell is, in the official labels: 表二 （七）总计 / 自然人."""
        spec = schema.spec(version)
        if self.table == "B":
            row, col = spec.table_b.row(self.row).label, schema.TABLE_B_COLUMN_LABEL[self.col]
        elif self.table == "BG":
            row, col = spec.table_b.group(self.row).label, schema.TABLE_B_COLUMN_LABEL[self.col]
        elif self.table == "C":
            row, col = schema.TABLE_C_BLOCK_LABEL[self.row], schema.TABLE_C_COLUMN_LABEL[self.col]
        else:
            row, col = spec.table_a.row(self.row).label, spec.table_a.column(self.row, self.col).label
        return f"{TABLE_LABELS[self.table]} {row} / {col}"


@dataclass
class Compilation:
    """What :func:`compile_parent` made, and what it could not know."""

    parent: Unit
    year: int
    unit_year: UnitYear
    units: tuple[str, ...]  # the units asked for
    included: tuple[str, ...]  # the units whose tables went in
    without_data: tuple[str, ...]  # asked for, but no data file for the year
    unknown: dict[Cell, tuple[str, ...]] = field(default_factory=dict)  # cell left unknown → units not knowing it
    stored: UnitYear | None = None  # the parent's own data file, if any
    findings: list[Finding] = field(default_factory=list)  # G1: stored figures that differ from the sums

    def unknown_by_unit(self) -> dict[str, list[Cell]]:
        """For each unit, the cells it did not know (which left the sum unknown)."""
        out: dict[str, list[Cell]] = defaultdict(list)
        for cell, units in self.unknown.items():
            for u in units:
                out[u].append(cell)
        return dict(out)

    def summary_lines(self, names: dict[str, str] | None = None) -> list[str]:
        """A readable account: units in, units missing, unknown sums, G1 differences."""
        name = (names or {}).get
        uy = self.unit_year
        lines = [
            f"{self.parent.id} ({self.parent.name}) {self.year}: compiled from {len(self.included)} of "
            f"{len(self.units)} units, format {uy.format_version}"
            + ("; synthetic data (示例数据)" if uy.synthetic else "")
        ]
        if self.without_data:
            lines.append("  no data for: " + ", ".join(f"{u} ({name(u, u)})" for u in self.without_data))
        lines.append(
            f"  Table B: {len(uy.table_b)} cells summed, {len(uy.table_b_groups)} category totals; "
            f"Table C: {len(uy.table_c)} cells; Table A: {len(uy.table_a)} cells"
        )
        for unit, cells in sorted(self.unknown_by_unit().items()):
            shown = ", ".join(c.label(uy.format_version) for c in cells[:3])
            more = f" and {len(cells) - 3} more" if len(cells) > 3 else ""
            lines.append(f"  left unknown because {unit} ({name(unit, unit)}) does not know it: {shown}{more}")
        if self.stored is None:
            lines.append("  no stored data file for the parent: nothing to compare (G1)")
        elif self.findings:
            lines.append(
                f"  G1: {len(self.findings)} stored figures of {self.stored.path} differ from the sum of the units:"
            )
            lines.extend(
                f"    {f.location.describe()}: stored {f.found}, units sum to {f.expected}" for f in self.findings
            )
        else:
            lines.append("  G1: every stored Table B and C figure that can be checked equals the sum of the units")
        return lines


# ---------------------------------------------------------------------------------------------
# the API
# ---------------------------------------------------------------------------------------------


def compile_unit_year(parent: str, year: int, store: DataStore, **kwargs) -> UnitYear:
    """The parent's unit-year as the sum of its units' (see :func:`compile_parent`)."""
    return compile_parent(parent, year, store, **kwargs).unit_year


def compile_parent(
    parent: str,
    year: int,
    store: DataStore,
    *,
    units: Iterable[str] | None = None,
    allow_missing: bool = False,
) -> Compilation:
    """Sum the tables of ``parent``'s units for ``year``.

    ``units`` (ids or names) defaults to the parent's children in the unit registry. A unit
    without a data file for the year is an error, because the sum would silently lack it;
    with ``allow_missing`` the units that have data are compiled, and the result records which
    went in and which did not.
    """
    registry = registry_for(store.root)
    parent_unit = registry.get(parent)
    wanted = (
        [registry.get(u).id if registry.find(u) else store.resolve_unit(u) for u in units]
        if units
        else [u.id for u in registry.children(parent_unit.id)]
    )
    if not wanted:
        raise CompileError(f"{parent_unit.id} ({parent_unit.name}) has no units in {registry.path} to compile from")
    if parent_unit.id in wanted:
        raise CompileError(f"{parent_unit.id} cannot be compiled from itself")
    children, without = _load_units(parent_unit, wanted, int(year), store, allow_missing)

    stored = store.try_load(parent_unit.id, int(year))
    summed, unknown = sum_unit_years(children, parent_unit, int(year), stored)
    comp = Compilation(
        parent=parent_unit,
        year=int(year),
        unit_year=summed,
        units=tuple(wanted),
        included=tuple(c.unit for c in children),
        without_data=tuple(without),
        unknown=unknown,
        stored=stored,
    )
    if stored is not None:
        comp.findings = g1_findings(stored, children)
    return comp


def _load_units(parent: Unit, wanted: list[str], year: int, store: DataStore, allow_missing: bool):
    """The units' unit-years for ``year`` and the units without data; refuses what cannot be summed."""
    children, without = [], []
    for unit_id in wanted:
        uy = store.try_load(unit_id, year)
        if uy is None:
            without.append(unit_id)
        else:
            children.append(uy)
    if not children:
        raise CompileError(f"none of the {len(wanted)} units of {parent.id} has data for {year} under {store.root}")
    if without and not allow_missing:
        raise CompileError(
            f"no {year} data under {store.root} for {len(without)} of {len(wanted)} units of {parent.id}: "
            f"{', '.join(without)}; the sum would lack them (use --allow-missing to compile from the others)"
        )
    versions = {c.format_version for c in children}
    if len(versions) > 1:
        by_version = {v: [c.unit for c in children if c.format_version == v] for v in sorted(versions)}
        raise CompileError(f"units of {parent.id} use different format versions in {year}: {by_version}")
    return children, without


def sum_unit_years(
    children: Sequence[UnitYear], parent: Unit, year: int, stored: UnitYear | None = None
) -> tuple[UnitYear, dict[Cell, tuple[str, ...]]]:
    """The cell-by-cell sum of ``children`` (same format version), and the cells left unknown."""
    version = children[0].format_version
    spec = schema.spec(version)
    uy = UnitYear(
        unit=parent.id,
        unit_name=parent.name,
        year=year,
        format_version=version,
        heading_variant=stored.heading_variant if stored else "standard",
        synthetic=any(c.synthetic for c in children),
        source=f"由{len(children)}个单位的年度报告数据汇总（nianbao compile）",
        compiled_from=tuple(c.unit for c in children),
    )
    unknown: dict[Cell, tuple[str, ...]] = {}

    def add(cell: Cell, values: list[Value | None], target: dict) -> None:
        missing = tuple(c.unit for c, v in zip(children, values) if v is None)
        if missing:
            unknown[cell] = missing
        else:
            target[(cell.row, cell.col)] = sum(values)  # type: ignore[arg-type]

    for row in spec.table_b.row_ids:
        for col in schema.TABLE_B_COLUMN_IDS:
            add(Cell("B", row, col), [c.b(row, col) for c in children], uy.table_b)
    for group in spec.table_b.groups:
        for col in schema.TABLE_B_COLUMN_IDS:
            if all((r, col) in uy.table_b for r in group.rows):
                continue  # the summed rows give the category total
            values = [c.b_group(group.id, col) for c in children]
            if all(v is not None for v in values):
                uy.table_b_groups[(group.id, col)] = sum(values)  # type: ignore[arg-type]
    for block in schema.TABLE_C_BLOCK_IDS:
        for col in schema.TABLE_C_COLUMN_IDS:
            add(Cell("C", block, col), [c.c(block, col) for c in children], uy.table_c)
    summable = SUMMABLE_TABLE_A[version]
    for row, col in spec.table_a.cells():
        if col in summable:
            values = [c.a(row, col) for c in children]
            if any(v is not None for v in values):  # a column nobody fills is not worth a note
                add(Cell("A", row, col), values, uy.table_a)
    return uy, unknown


def g1_findings(stored: UnitYear, children: Sequence[UnitYear]) -> list[Finding]:
    """Rule G1 (:mod:`nianbao.rules`): the stored parent's Table B and C cells against the sums."""
    from nianbao.rules import check_unit_year

    if stored.format_version != children[0].format_version:
        raise CompileError(
            f"{stored.path}: the stored {stored.year} report uses format {stored.format_version}, "
            f"its units {children[0].format_version}"
        )
    return check_unit_year(stored, members=children, rules=["G1"])


def merged_with_stored(comp: Compilation) -> UnitYear:
    """The unit-year to write: the stored parent file (narrative, figures, published statements,
    its own Table A list counts) with every summed cell put in, or the sum alone."""
    summed = comp.unit_year
    if comp.stored is None:
        return summed
    out = replace(
        comp.stored,
        table_a={**comp.stored.table_a, **summed.table_a},
        table_b={**comp.stored.table_b, **summed.table_b},
        table_b_groups={**comp.stored.table_b_groups, **summed.table_b_groups},
        table_c={**comp.stored.table_c, **summed.table_c},
        compiled_from=summed.compiled_from,
        synthetic=comp.stored.synthetic or summed.synthetic,
    )
    for group in summed.spec.table_b.groups:  # a category total stated before is now given by its rows
        for col in schema.TABLE_B_COLUMN_IDS:
            if all((r, col) in out.table_b for r in group.rows):
                out.table_b_groups.pop((group.id, col), None)
    return out
