"""The data model: the figures of one reporting unit for one year.

A cell holds an ``int`` (or a ``Decimal`` for amounts) when known and is simply absent when
unknown; unknown is never 0. Table B also holds *group totals* known without their parts, such
as 予以公开及部分公开 = 11796 when （一） and （二） are not published separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.format import schema

Value = int | Decimal

#: The kinds of published statement a data file may hold.
STATEMENT_KINDS = ("share", "rate", "change", "count")
#: The narrative's keys in a data file, in report order.
NARRATIVE_KEYS = ("overview", "problems", "measures", "other")
#: The reporting years a data file may hold (the first local disclosure reports date from the 2000s).
FIRST_YEAR, LAST_YEAR = 1990, 2099


@dataclass
class Figure:
    """A named figure outside the three tables (press conferences held, items published, ...)."""

    id: str
    label: str
    value: Value
    unit: str  # unit of measure: 件, 场, 条, 万人, ...
    part: int  # which part of the report it belongs to
    area: str | None = None  # for part 1: one of schema.OVERVIEW_AREAS
    qualifier: str | None = None  # 余 / 超 / 逾 / 近 as published ("2.7万余人次")
    note: str | None = None
    source: str | None = None

    def display(self) -> str:
        q = self.qualifier or ""
        if q in ("超", "逾", "近"):
            return f"{q}{self.value}{self.unit}"
        if q == "余" and self.unit.startswith("万"):
            return f"{self.value}万余{self.unit[1:]}"
        return f"{self.value}{q}{self.unit}"


@dataclass
class Statement:
    """A share, rate or change as published, kept as data so it can be checked against counts.

    ``numerator``/``denominator``/``subject`` are references (see :meth:`UnitYear.resolve`).
    """

    id: str
    kind: str  # "share" | "rate" | "change" | "count"
    label: str
    value: Decimal  # as published, e.g. Decimal("41.53"), or a count such as Decimal(29130)
    unit: str = "%"  # "%" or "个百分点"; "件" for a count
    numerator: str | None = None
    denominator: str | None = None
    subject: str | None = None  # for a change: the figure or statement that changed; for a
    #                             count: the table cell it states (收到申请N件 → B.new_received.total)
    base_year: int | None = None
    direction: str | None = None  # 上升 / 下降 / 持平, for a change
    source: str | None = None  # the published words
    acknowledged: str | None = None  # why a published figure that fails its check is kept as is


@dataclass
class NarrativeItem:
    text: str
    area: str | None = None  # part 1 area id


@dataclass
class UnitYear:
    unit: str
    unit_name: str
    year: int
    format_version: str
    heading_variant: str = "standard"
    synthetic: bool = False
    source: str = ""
    compiled_from: tuple[str, ...] = ()  # units whose tables were summed into this one (compile)
    table_a: dict[tuple[str, str], Value] = field(default_factory=dict)
    table_b: dict[tuple[str, str], int] = field(default_factory=dict)
    table_b_groups: dict[tuple[str, str], int] = field(default_factory=dict)
    table_c: dict[tuple[str, str], int] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)
    narrative: dict[str, list[NarrativeItem]] = field(default_factory=dict)
    path: Path | None = None

    # -- format ------------------------------------------------------------------------------
    @property
    def spec(self) -> schema.FormatSpec:
        return schema.spec(self.format_version)

    @property
    def title(self) -> str:
        return schema.REPORT_TITLE.format(year=self.year, unit_name=self.unit_name)

    def heading(self, part: int) -> str:
        return schema.PART_BY_NUMBER[part].heading(self.heading_variant)

    # -- Table B -----------------------------------------------------------------------------
    def b(self, row: str, col: str = "total") -> int | None:
        """A Table B cell as published; None when unknown."""
        return self.table_b.get((row, col))

    def b_group(self, group: str, col: str = "total") -> int | None:
        """A disposition category's total: stated, or the sum of its rows when all are known."""
        if (group, col) in self.table_b_groups:
            return self.table_b_groups[(group, col)]
        rows = self.spec.table_b.group(group).rows
        values = [self.b(r, col) for r in rows]
        if all(v is not None for v in values):
            return sum(values)  # type: ignore[arg-type]
        return None

    def b_group_is_stated(self, group: str, col: str = "total") -> bool:
        return (group, col) in self.table_b_groups

    # -- Table C -----------------------------------------------------------------------------
    def c(self, block: str, col: str = "total") -> int | None:
        return self.table_c.get((block, col))

    def litigation_total(self, col: str = "total") -> int | None:
        a, b = self.c("litigation_direct", col), self.c("litigation_after_review", col)
        return None if a is None or b is None else a + b

    # -- Table A -----------------------------------------------------------------------------
    def a(self, row: str, col: str) -> Value | None:
        return self.table_a.get((row, col))

    # -- figures and statements -------------------------------------------------------------
    def figure(self, fid: str) -> Figure | None:
        return self.figures.get(fid)

    def figures_of_part(self, part: int) -> list[Figure]:
        return [f for f in self.figures.values() if f.part == part]

    def statements_of(self, kind: str) -> list[Statement]:
        return [s for s in self.statements.values() if s.kind == kind]

    def items(self, key: str) -> list[NarrativeItem]:
        return self.narrative.get(key, [])

    def resolve(self, ref: str | None) -> Value | None:
        """Look up a reference: ``B.<row>.<col>``, ``BG.<group>.<col>``, ``C.<block>.<col>``,
        ``A.<row>.<col>``, ``F.<figure id>`` or ``C.litigation.<col>`` (direct + after review)."""
        if ref is None:
            return None
        head, *rest = ref.split(".")
        if head == "B":
            return self.b(rest[0], rest[1] if len(rest) > 1 else "total")
        if head == "BG":
            return self.b_group(rest[0], rest[1] if len(rest) > 1 else "total")
        if head == "C":
            col = rest[1] if len(rest) > 1 else "total"
            return self.litigation_total(col) if rest[0] == "litigation" else self.c(rest[0], col)
        if head == "A":
            return self.a(rest[0], rest[1])
        if head == "F":
            fig = self.figure(rest[0])
            return None if fig is None else fig.value
        raise ValueError(f"unknown reference {ref!r}")
