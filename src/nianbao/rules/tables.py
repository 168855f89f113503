"""Rules within one unit-year's tables: B1–B4 (Table B), C1 (Table C), A1 (Table A)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from nianbao.format import schema
from nianbao.rules.base import GROUP_PREFIX, CheckContext, Rule, formula_sum, rule, sum_problem
from nianbao.rules.findings import ERROR, Finding

_COLS = schema.TABLE_B_COLUMN_IDS
_LABEL = schema.TABLE_B_COLUMN_LABEL

_B1_FORMULA = formula_sum(_LABEL["total"], [_LABEL[c] for c in schema.TABLE_B_PART_COLUMNS])
_B2_FORMULA = "（七）总计 = （一）予以公开 + （二）部分公开 + Σ（三）不予公开 + Σ（四）无法提供 + Σ（五）不予处理 + Σ（六）其他处理"
_B3_FORMULA = "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理（表二所印勾稽关系）"


@rule("B1", ERROR, "In every Table B row, 总计 is the sum of the six applicant columns", _B1_FORMULA)
def b1_rows_add_up(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    rows = [(row.id, uy.table_b) for row in uy.spec.table_b.rows]
    rows += [(GROUP_PREFIX + g.id, uy.table_b_groups) for g in uy.spec.table_b.groups]
    for row_id, cells in rows:
        key = row_id.removeprefix(GROUP_PREFIX)
        total = cells.get((key, "total"))
        problem = sum_problem(total, [cells.get((key, c)) for c in schema.TABLE_B_PART_COLUMNS])
        if problem:
            yield ctx.finding(r, "B", row_id, "total", expected=problem[0], found=total, note=problem[1])


@rule("B2", ERROR, "In every Table B column, （七）总计 is the sum of the six disposition categories", _B2_FORMULA)
def b2_dispositions_add_up(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    spec = uy.spec.table_b
    for col in _COLS:
        lower_bounds: list[int] = []
        values: list[int | None] = []
        for group in spec.groups:
            rows = [uy.b(row, col) for row in group.rows]
            stated = uy.table_b_groups.get((group.id, col))
            if stated is not None:
                # a category total published beside its rows must agree with them
                problem = sum_problem(stated, rows)
                if problem:
                    yield ctx.finding(
                        r,
                        "B",
                        GROUP_PREFIX + group.id,
                        col,
                        expected=problem[0],
                        found=stated,
                        note=problem[1],
                        formula=formula_sum(f"{group.label}（合计）", [spec.row(x).label for x in group.rows]),
                    )
            known_rows = [v for v in rows if v is not None]
            lower_bounds.append(max(stated or 0, sum(known_rows)))
            # the rows when all are known (a disagreeing stated total is reported above), else the stated total
            values.append(sum(known_rows) if len(known_rows) == len(rows) else stated)
        total = uy.b("total", col)
        if total is None:
            continue
        if all(v is not None for v in values):
            expected = sum(values)  # type: ignore[arg-type]
            if expected != total:
                yield ctx.finding(
                    r, "B", "total", col, expected=expected, found=total, note=f"相差{abs(total - expected)}"
                )
        elif sum(lower_bounds) > total:
            known = sum(lower_bounds)
            yield ctx.finding(
                r,
                "B",
                "total",
                col,
                expected=f"≥{known}",
                found=total,
                note=f"已知各类办理结果之和{known}已超过（七）总计",
            )


@rule("B3", ERROR, "In every Table B column, 一 + 二 = （七）总计 + 四 (the printed 勾稽关系)", _B3_FORMULA)
def b3_balance(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    for col in _COLS:
        new, carried_in = uy.b("new_received", col), uy.b("carried_in", col)
        total, forward = uy.b("total", col), uy.b("carried_forward", col)
        if new is None or carried_in is None or total is None:
            continue
        available = new + carried_in
        if forward is not None:
            if available != total + forward:
                expected = available - total
                note = f"一 + 二 = {available}，（七）+ 四 = {total + forward}，相差{abs(available - total - forward)}"
                yield ctx.finding(
                    r,
                    "B",
                    "carried_forward",
                    col,
                    expected=expected if expected >= 0 else f"{expected}（不可能为负）",
                    found=forward,
                    note=note,
                )
        elif total > available:
            yield ctx.finding(
                r,
                "B",
                "total",
                col,
                expected=f"≤{available}",
                found=total,
                note=f"（七）总计超过一 + 二 = {available}，四、结转下年度将为负数",
            )


@rule("B4", ERROR, "Every Table B and Table C count is a non-negative whole number", "每个计数都是非负整数")
def b4_counts(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    cells = [("B", k, v) for k, v in uy.table_b.items()]
    cells += [("B", (GROUP_PREFIX + k[0], k[1]), v) for k, v in uy.table_b_groups.items()]
    cells += [("C", k, v) for k, v in uy.table_c.items()]
    for table, (row_id, col_id), value in cells:
        if not _is_count(value):
            yield ctx.finding(r, table, row_id, col_id, expected="非负整数", found=str(value), note="不是非负整数")


_C1_FORMULA = formula_sum("总计", [c.label for c in schema.TABLE_C_COLUMNS if c.id != "total"])


@rule("C1", ERROR, "In each Table C block, 总计 is the sum of the four outcomes", _C1_FORMULA)
def c1_blocks_add_up(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    for block in schema.TABLE_C_BLOCK_IDS:
        total = uy.c(block, "total")
        problem = sum_problem(total, [uy.c(block, c) for c in schema.TABLE_C_COLUMN_IDS if c != "total"])
        if problem:
            yield ctx.finding(r, "C", block, "total", expected=problem[0], found=total, note=problem[1])


@rule(
    "A1",
    ERROR,
    "Table A counts are non-negative whole numbers; 收费金额 is a non-negative amount in 万元",
    "表一计数为非负整数；收费金额为以万元计的非负数（2019版“本年增/减”可为负，但上一年项目数量加本年增/减不能为负）",
)
def a1_table_a_values(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    table_a = uy.spec.table_a
    for (row_id, col_id), value in uy.table_a.items():
        try:
            kind = table_a.column(row_id, col_id).kind
        except KeyError:
            yield ctx.finding(
                r, "A", row_id, col_id, expected="本版本表一中的单元格", found=str(value), note="格式中没有此单元格"
            )
            continue
        if kind == "amount":
            ok = isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value >= 0
            expected = "以万元计的非负数"
        elif kind == "change":
            ok = isinstance(value, int) and not isinstance(value, bool)
            expected = "整数"
        else:
            ok = _is_count(value)
            expected = "非负整数"
        if not ok:
            yield ctx.finding(r, "A", row_id, col_id, expected=expected, found=str(value), note=f"应为{expected}")
    for block in table_a.blocks:
        if not any(c.id == "change" for c in block.columns):
            continue
        for row in block.rows:
            before, change = uy.a(row.id, "prev_items"), uy.a(row.id, "change")
            if isinstance(before, int) and isinstance(change, int) and before + change < 0:
                yield ctx.finding(
                    r,
                    "A",
                    row.id,
                    "change",
                    expected=f"≥{-before}",
                    found=change,
                    note=f"上一年项目数量{before}加本年增/减{change}为负数",
                )


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
