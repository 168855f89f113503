"""The published tables checked: cells that are no number, blank cells read as 0 (and said so),
and the format's table rules (B1–B3, C1, A1, with X1/X2 against last year's data).

A blank is neither 0 nor unknown for sure. Where a table is otherwise filled, the only sensible
reading of its blank count cells (and of 「—」「/」「无」) is 0: the table gets one warning (how
many, where) and the checks are made under that reading, each saying so. A blank 总计 is
derived from its row (a blank （七）总计 from its column) under the same reading. A table with no
number at all is not read as zeros: it cannot be checked.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field, replace

from nianbao.audit.tables import TableRead
from nianbao.data.model import UnitYear
from nianbao.format import schema
from nianbao.rules import RULES, check_unit_year
from nianbao.rules.base import cell_labels
from nianbao.rules.findings import ERROR, WARNING, Finding, Location

TABLE_NAMES = {"A": "表一", "B": "表二", "C": "表三"}
ZERO_NOTE = "（空白单元格按0计）"
B4_FORMULA = "统计表的计数单元格应填写数字（没有发生的事项填0）"


@dataclass
class Checked:
    """The tables as the checks read them: blanks as 0 in the tables that are otherwise filled."""

    uy: UnitYear  # copy of the published unit-year, blanks filled
    present: set[str] = field(default_factory=set)  # tables with at least one number
    zero_read: set[str] = field(default_factory=set)  # tables whose blanks were read as 0
    derived: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (table, row, col) → derived total
    missing: dict[tuple[str, str], tuple[list[tuple[str, str]], int]] = field(default_factory=dict)
    #: (table, row) → (its blank cells, what they must hold together): blanks its total says are no zeros

    def note(self, table: str) -> str:
        return ZERO_NOTE if table in self.zero_read else ""


def read_blanks_as_zero(uy: UnitYear, reads: dict[str, TableRead]) -> Checked:
    checked = Checked(copy.deepcopy(uy), present={k for k, r in reads.items() if r.has_numbers})
    for kind in ("B", "C"):
        read = reads.get(kind)
        if read is None or not read.empty or not read.has_numbers:
            continue
        target = checked.uy.table_b if kind == "B" else checked.uy.table_c
        missing = _missing(kind, read)
        checked.missing.update({(kind, row): v for row, v in missing.items()})
        held = {key for keys, _ in missing.values() for key in keys}
        if set(read.empty) - held:
            checked.zero_read.add(kind)
        totals = [key for key in read.empty if "total" in key]
        for key in read.empty:
            if key not in totals and key not in held:
                target[key] = 0
        for key in totals:
            value = _derived(checked.uy, kind, *key)
            target[key] = value
            checked.derived[(kind, *key)] = value
    return checked


def _missing(kind: str, read: TableRead) -> dict[str, tuple[list[tuple[str, str]], int]]:
    """Rows whose published total exceeds their filled cells: their blanks hold the difference
    (they are missing numbers, not zeros, and are left unknown)."""
    columns = schema.TABLE_B_PART_COLUMNS if kind == "B" else [c for c in schema.TABLE_C_COLUMN_IDS if c != "total"]
    out = {}
    for row in {r for r, c in read.empty if c != "total"}:
        total = read.values.get((row, "total"))
        blanks = [(row, c) for c in columns if (row, c) in read.empty]
        filled = [read.values.get((row, c)) for c in columns if (row, c) not in read.empty]
        if total is None or any(v is None for v in filled):
            continue
        gap = total - sum(filled)  # type: ignore[arg-type]
        if gap > 0:
            out[row] = (blanks, gap)
    return out


def _derived(uy: UnitYear, kind: str, row: str, col: str) -> int:
    """A blank total from its row (or, for （七）总计, from its column), blanks being 0."""
    if kind == "C":
        return sum(uy.table_c.get((row, c), 0) for c in schema.TABLE_C_COLUMN_IDS if c != "total")
    if col == "total":
        return sum(uy.table_b.get((row, c), 0) for c in schema.TABLE_B_PART_COLUMNS)
    return sum(uy.table_b.get((r, col), 0) for r in uy.spec.table_b.disposition_rows)


def blank_findings(
    uy: UnitYear, reads: dict[str, TableRead], checked: Checked, quotes: dict[str, str]
) -> list[Finding]:
    """One warning per table with cells that hold no number; an error for each row whose total
    says its blank cells are missing numbers (「本行总计26，已填各项之和6」)."""
    out = [
        _missing_finding(uy, kind, row, keys, gap, reads[kind]) for (kind, row), (keys, gap) in checked.missing.items()
    ]
    for kind in ("B", "C"):
        read = reads.get(kind)
        if read is None or len(read.empty) <= sum(len(k) for (t, _), (k, _) in checked.missing.items() if t == kind):
            continue
        name = TABLE_NAMES[kind]
        if kind not in checked.zero_read:
            note = f"{name}没有填写任何数字（{len(read.empty)}个单元格为空），无法核对"
        else:
            note = f"{name}有{len(read.empty)}个空白单元格，按空白为0核对" + _where(uy, kind, read, checked)
        loc = Location(kind, None, None, f"第{read.numbers[0]}个表格", quotes.get(kind))
        out.append(Finding("B4", WARNING, uy.unit, uy.year, loc, "数字（没有发生的填0）", None, B4_FORMULA, note))
    return out


def _missing_finding(uy: UnitYear, kind: str, row: str, keys, gap: int, read: TableRead) -> Finding:
    row_label, col_label = cell_labels(uy, kind, row, keys[0][1])
    ref = read.empty[keys[0]]
    cells = "、".join(cell_labels(uy, kind, row, c)[1] or c for _, c in keys)
    if len(keys) == 1:
        note = f"空白单元格：本行总计为{read.values[(row, 'total')]}，已填各项之和少{gap}，此格应为{gap}，不能按0计"
    else:
        note = f"本行{len(keys)}个空白单元格（{cells}）：本行总计比已填各项之和多{gap}，空白处应合计为{gap}，不能按0计"
    loc = Location(kind, row_label, col_label if len(keys) == 1 else None, ref.where(), read.row_words.get(row))
    return Finding("B4", ERROR, uy.unit, uy.year, loc, gap, None, B4_FORMULA, note)


def _where(uy: UnitYear, kind: str, read: TableRead, checked: Checked) -> str:
    rows = Counter(row for row, _ in read.empty)
    marks = [ref.text for ref in read.empty.values() if ref.text.strip()]
    named = [f"{cell_labels(uy, kind, row, 'total')[0]}{n}格" for row, n in rows.items()]
    where = "、".join(named[:6]) + ("等" if len(named) > 6 else "")
    extra = f"；其中{len(marks)}个为「{'」「'.join(sorted(set(marks)))}」" if marks else ""
    derived = [k for k in checked.derived if k[0] == kind]
    if derived:
        extra += f"；{len(derived)}个空白的总计按其各项之和计"
    return f"。空白所在：{where}{extra}"


def table_findings(
    checked: Checked, prev: UnitYear | None, locate, quotes: dict[tuple[str, str], str]
) -> list[Finding]:
    """The format's table rules on the tables as read; findings under the blank = 0 reading say so."""
    rules = [r for r, rule in RULES.items() if rule.scope != "narrative"]
    out = []
    for f in check_unit_year(checked.uy, prev=prev, locate=locate, rules=rules):
        table = f.location.table
        note = f.note + checked.note(table) if table in ("B", "C") else f.note
        quote = quotes.get((table, f.location.row or ""))
        out.append(replace(f, note=note, location=replace(f.location, quote=quote or f.location.quote)))
    return out


def row_quotes(uy: UnitYear, reads: dict[str, TableRead]) -> dict[tuple[str, str], str]:
    """(table, official row label as findings show it) → the row's label as published."""
    out = {}
    for kind, read in reads.items():
        for row, words in read.row_words.items():
            label = cell_labels(uy, kind, row, "total")[0]
            if label:
                out[(kind, label)] = words
    return out
