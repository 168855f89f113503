"""Rules between the narrative and the tables (T1–T4), and R1 for every other published share or
rate. The narrative's figures are :class:`~nianbao.data.model.Statement` objects: ``count``
statements (收到申请671件 → ``B.new_received.total``) and ``share``/``rate`` statements
(占41.53% → numerator and denominator references)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from nianbao.data.model import Statement, UnitYear
from nianbao.format import schema
from nianbao.rules.base import GROUP_PREFIX, CheckContext, Rule, rule
from nianbao.rules.findings import ERROR, WARNING, Finding
from nianbao.rules.rates import Base, explain, finding_values, recompute

_DISPOSITION_ROWS = {r for spec in schema.TABLE_B.values() for r in spec.disposition_rows}


def narrative_rule(ref: str | None) -> str | None:
    """Which T rule compares a narrative count about ``ref`` with the tables (None: not a table cell)."""
    if not ref:
        return None
    head, *rest = ref.split(".")
    if head == "B" and rest:
        if rest[0] in ("new_received", "carried_in"):
            return "T1"
        if rest[0] in ("total", "carried_forward"):
            return "T2"
        return "T3" if rest[0] in _DISPOSITION_ROWS else None
    if head == "BG":
        return "T3"
    if head == "C":
        return "T4"
    return None


def _ref_cell(uy: UnitYear, ref: str) -> tuple[str, str, str]:
    """(table, row id, column id) of a reference, with category totals as ``group:<id>`` rows."""
    head, *rest = ref.split(".")
    col = rest[1] if len(rest) > 1 else "total"
    if head == "BG":
        return "B", GROUP_PREFIX + rest[0], col
    if head == "C" and rest[0] == "litigation":
        return "C", "litigation", col
    return head, rest[0], col


def _count_findings(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    for st in uy.statements_of("count"):
        if narrative_rule(st.subject) != r.id:
            continue
        table_value = uy.resolve(st.subject)
        if table_value is None or table_value == st.value:
            continue
        table, row_id, col_id = _ref_cell(uy, st.subject)  # type: ignore[arg-type]
        row_label = "行政诉讼（合计）" if row_id == "litigation" else None
        cell = ctx.locate("text", st.id, None) if ctx.locate else None
        f = ctx.finding(
            r,
            table,
            row_id,
            col_id,
            expected=table_value,
            found=int(st.value),
            note=f"正文为{st.value}，表中为{table_value}，相差{abs(st.value - table_value)}",
            quote=st.source,
            row_label=row_label,
        )
        yield _acknowledged(replace(f, location=_as_text(f, cell)), st)


def _as_text(f: Finding, cell: str | None):
    """The finding's place is the narrative (its labels still name the table cell compared)."""
    return replace(f.location, table="text", cell=cell)


@rule(
    "T1",
    ERROR,
    "The narrative's 收到/受理申请 N件 (and 上年结转) equals Table B 一 (and 二)",
    "正文“收到（受理）申请N件” = 表二“一、本年新收政府信息公开申请数量”总计（“上年结转”对应“二”）",
    "narrative",
)
def t1_received(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    yield from _count_findings(r, ctx)


@rule(
    "T2",
    ERROR,
    "The narrative's 答复 M件（含上年度结转） equals Table B （七）总计 (and 结转下年度 equals 四)",
    "正文“答复M件（含上年度结转）” = 表二“（七）总计”（“结转下年度”对应“四”）",
    "narrative",
)
def t2_answered(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    yield from _count_findings(r, ctx)


_T3_FORMULA = (
    "正文各类办理结果件数 = 表二对应项；占比 = 该类件数 ÷ （七）总计 × 100%（四舍五入至公布的小数位）："
    "予以公开及部分公开 = （一）+（二）；不予公开 = Σ（三）；无法提供 = Σ（四）；不予处理 = Σ（五）；其他处理 = Σ（六）"
)


@rule("T3", ERROR, "Each narrative disposition count and share (占x%) matches Table B", _T3_FORMULA, "narrative")
def t3_disposition_shares(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    yield from _count_findings(r, ctx)
    uy = ctx.uy
    for st in uy.statements_of("share"):
        if narrative_rule(st.numerator) != "T3":
            continue
        table, row_id, col_id = _ref_cell(uy, st.numerator)  # type: ignore[arg-type]
        numerator = uy.resolve(st.numerator)
        denominator = uy.b("total", col_id)
        result = recompute(st.value, numerator, denominator)
        if result is None or result.matches:
            continue
        alternatives = _disposition_bases(uy, st, col_id, numerator)
        yield _share_finding(r, ctx, st, result, explain(result, alternatives), table, row_id, col_id)


def _disposition_bases(uy: UnitYear, st: Statement, col: str, numerator) -> list[Base]:
    new, carried_in = uy.b("new_received", col), uy.b("carried_in", col)
    groups = [uy.b_group(g.id, col) for g in uy.spec.table_b.groups]
    out = [Base("一、本年新收", numerator, new)]
    if new is not None and carried_in is not None:
        out.append(Base("一 + 二", numerator, new + carried_in))
    if all(g is not None for g in groups):
        out.append(Base("各类办理结果之和", numerator, sum(groups)))  # type: ignore[arg-type]
    if st.denominator and st.denominator != f"B.total.{col}":
        out.append(Base("报告所用基数", numerator, uy.resolve(st.denominator)))
    narrated = {s.subject: s.value for s in uy.statements_of("count")}
    told_total = narrated.get(f"B.total.{col}")
    if told_total is not None:
        out.append(Base("正文所列答复数", numerator, int(told_total)))
    if st.numerator in narrated and narrated[st.numerator] != numerator:
        told = int(narrated[st.numerator])
        out.append(Base("正文所列件数", told, uy.b("total", col)))
        if told_total is not None:
            out.append(Base("正文所列件数与答复数", told, int(told_total)))
    return out


def _share_finding(r, ctx, st, result, note, table, row_id, col_id) -> Finding:
    expected, found = finding_values(result)
    f = ctx.finding(
        r,
        table,
        row_id,
        col_id,
        expected=expected,
        found=found,
        note=note,
        quote=st.source,
        row_label=st.label,
        col_label="占比" if st.kind == "share" else "比率",
    )
    cell = ctx.locate("text", st.id, None) if ctx.locate else None
    return _acknowledged(replace(f, location=_as_text(f, cell)), st)


def _acknowledged(f: Finding, st: Statement) -> Finding:
    """A published figure the data file keeps as is, knowingly, is reported as a warning."""
    if not st.acknowledged:
        return f
    return replace(f, severity=WARNING, note=f"{f.note}（数据文件注明：{st.acknowledged}）")


@rule(
    "T4",
    ERROR,
    "The narrative's 行政复议/行政诉讼 counts and outcomes equal Table C",
    "正文行政复议、行政诉讼件数及结果（维持、纠正、其他、尚未审结） = 表三对应格",
    "narrative",
)
def t4_review_litigation(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    yield from _count_findings(r, ctx)


@rule(
    "R1",
    ERROR,
    "Every other published share or rate equals its counts, half-up at the published precision",
    "比率 = 分子 ÷ 分母 × 100%，按公布的小数位四舍五入（纠错率 = 结果纠正 ÷ 总计）",
    "narrative",
)
def r1_rates(r: Rule, ctx: CheckContext) -> Iterator[Finding]:
    uy = ctx.uy
    for st in uy.statements.values():
        if st.kind not in ("share", "rate") or narrative_rule(st.numerator) == "T3" and st.kind == "share":
            continue
        numerator, denominator = uy.resolve(st.numerator), uy.resolve(st.denominator)
        result = recompute(st.value, numerator, denominator)
        if result is None or result.matches:
            continue
        alternatives = []
        if st.denominator and st.denominator.startswith("C.") and st.denominator.endswith(".total"):
            pending = uy.resolve(st.denominator[: -len("total")] + "pending")
            if pending is not None and denominator is not None:
                alternatives.append(Base("已审结件数（总计 − 尚未审结）", numerator, denominator - pending))
        table, row_id, col_id = ("text", st.id, None)
        if st.numerator and narrative_rule(st.numerator):
            table, row_id, col_id = _ref_cell(uy, st.numerator)
        yield _share_finding(r, ctx, st, result, explain(result, alternatives), table, row_id, col_id)
