"""Rules across years (X1, X2) and across units (G1). Their findings are warnings: the other
report may be the wrong one."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.format import schema
from nianbao.rules.base import GROUP_PREFIX, CheckContext, Rule, rule
from nianbao.rules.findings import WARNING, Finding

_X1_FORMULA = "本年“二、上年结转政府信息公开申请数量” = 上年“四、结转下年度继续办理”（逐格）"


@rule("X1", WARNING, "二 (year t) = 四 (year t−1) for the same unit, cell by cell", _X1_FORMULA, "across years")
def x1_carry_over(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy, prev = ctx.uy, ctx.prev
    if prev is None:
        return
    for col in schema.TABLE_B_COLUMN_IDS:
        now, before = uy.b("carried_in", col), prev.b("carried_forward", col)
        if now is not None and before is not None and now != before:
            yield ctx.finding(
                r,
                "B",
                "carried_in",
                col,
                expected=before,
                found=now,
                note=f"{prev.year}年报告“四、结转下年度继续办理”为{before}，相差{abs(now - before)}",
            )


_X2_FORMULA = "现行有效件数（本年） ≈ 现行有效件数（上年） + 本年制发件数 − 本年废止件数"
_X2_FORMULA_2019_ITEMS = "上一年项目数量（本年） = 上一年项目数量（上年） + 本年增/减（上年）"
_X2_FORMULA_2019_PUBLIC = "对外公开总数量（本年） ≈ 对外公开总数量（上年） + 本年新公开数量"


@rule(
    "X2",
    WARNING,
    "现行有效件数 (t) ≈ 现行有效件数 (t−1) + 本年制发件数 (t) − 本年废止件数 (t) (2019 version: the item counts carry over)",
    _X2_FORMULA,
    "across years",
)
def x2_documents_in_force(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy, prev = ctx.uy, ctx.prev
    if prev is None or prev.format_version != uy.format_version:
        return
    if uy.format_version == "2021":
        for row in ("regulations", "normative_documents"):
            before, issued, repealed = prev.a(row, "in_force"), uy.a(row, "issued"), uy.a(row, "repealed")
            found = uy.a(row, "in_force")
            if None in (before, issued, repealed, found):
                continue
            expected = before + issued - repealed  # type: ignore[operator]
            if found == expected:
                continue
            note = f"{prev.year}年现行有效{before}件，相差{abs(found - expected)}"  # type: ignore[operator]
            if expected - issued <= found < expected:  # type: ignore[operator]
                note += "；差额不超过本年制发件数，可能是修订后的文件计为制发所致"
            yield ctx.finding(r, "A", row, "in_force", expected=expected, found=found, note=note)
        return
    # 2019 trial version: the item counts carry over from one year to the next
    for block in uy.spec.table_a.blocks:
        cols = {c.id for c in block.columns}
        for row in block.rows:
            if {"prev_items", "change"} <= cols:
                before, change, found = (
                    prev.a(row.id, "prev_items"),
                    prev.a(row.id, "change"),
                    uy.a(row.id, "prev_items"),
                )
                if None not in (before, change, found) and found != before + change:  # type: ignore[operator]
                    yield ctx.finding(
                        r,
                        "A",
                        row.id,
                        "prev_items",
                        expected=before + change,
                        found=found,  # type: ignore[operator]
                        note=f"{prev.year}年上一年项目数量{before}、本年增/减{change}",
                        formula=_X2_FORMULA_2019_ITEMS,
                    )
            if {"published", "total_public"} <= cols:
                before, published, found = (
                    prev.a(row.id, "total_public"),
                    uy.a(row.id, "published"),
                    uy.a(row.id, "total_public"),
                )
                if None not in (before, published, found) and found > before + published:  # type: ignore[operator]
                    yield ctx.finding(
                        r,
                        "A",
                        row.id,
                        "total_public",
                        expected=f"≤{before + published}",
                        found=found,  # type: ignore[operator]
                        note=f"{prev.year}年对外公开总数量{before}，本年新公开{published}",
                        formula=_X2_FORMULA_2019_PUBLIC,
                    )


_G1_FORMULA = "汇编报告表二、表三每格 = 各组成单位同一格之和（比率不相加，应由合计数重新计算）"


@rule(
    "G1",
    WARNING,
    "A compiled report's Table B and C cells are the sums of its units' cells",
    _G1_FORMULA,
    "across units",
)
def g1_compiled_sums(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy, members = ctx.uy, ctx.members
    if not members:
        return
    names = "、".join(m.unit_name for m in members)
    spec = uy.spec.table_b
    checks = []
    for row in spec.rows:
        for col in schema.TABLE_B_COLUMN_IDS:
            checks.append(
                (
                    "B",
                    row.id,
                    col,
                    uy.b(row.id, col),
                    [m.resolve(f"B.{row.id}.{col}") if row.id in m.spec.table_b.row_ids else None for m in members],
                )
            )
    for group in spec.groups:
        for col in schema.TABLE_B_COLUMN_IDS:
            if uy.b_group_is_stated(group.id, col):
                checks.append(
                    (
                        "B",
                        GROUP_PREFIX + group.id,
                        col,
                        uy.b_group(group.id, col),
                        [m.b_group(group.id, col) for m in members],
                    )
                )
    for block in schema.TABLE_C_BLOCK_IDS:
        for col in schema.TABLE_C_COLUMN_IDS:
            checks.append(("C", block, col, uy.c(block, col), [m.c(block, col) for m in members]))
    for table, row_id, col, value, parts in checks:
        if value is None or any(p is None for p in parts):
            continue
        expected = sum(parts)  # type: ignore[arg-type]
        if expected != value:
            yield ctx.finding(
                r,
                table,
                row_id,
                col,
                expected=expected,
                found=value,
                note=f"{len(members)}个组成单位（{names}）之和为{expected}，相差{abs(value - expected)}",
            )
