"""The narrative's figures judged against the tables and against each other.

T1–T4   a count (or a claim in words) against the table cell it states: 收到 against 一,
        上年结转 against 二, 答复 against （七）总计, 结转下年度 against 四, each disposition
        category against its rows, review and litigation counts, outcomes and claims against
        表三 (「均获维持」 with cases 尚未审结 is wrong)
B3      新收 + 上年结转 = 答复 + 结转下年度 on the narrative's own counts, when there is no 表二
R1      a stated total against its parts; a year-on-year change against this year's and last
        year's values (when the text gives both)
Y1      the title's year against the statistics period's
Shares and rates are judged in :mod:`nianbao.audit.judge_shares`.
"""

from __future__ import annotations

from decimal import Decimal

from nianbao.audit.checks import Checked
from nianbao.audit.identity import Identity
from nianbao.audit.judge_shares import table_value
from nianbao.audit.reading.figures import CHANGE, CLAIM, CLAIMS, COUNT, SUM, TextFigure
from nianbao.audit.reading.narrative import Narrative
from nianbao.data.model import UnitYear
from nianbao.format import schema
from nianbao.rules import RULES, metrics
from nianbao.rules.base import cell_labels
from nianbao.rules.findings import ERROR, Finding, Location
from nianbao.rules.narrative import narrative_rule

Y1_FORMULA = "标题中的报告年度 = 统计期限所在年度"
_CLAIM_RULES = {"no_applications": ("T1", "new_received"), "no_carried_in": ("T1", "carried_in"),
                "no_carried_forward": ("T2", "carried_forward")}  # fmt: skip


def _finding(rule, uy: UnitYear, figure: TextFigure, row, expected, found, note, column=None, severity=ERROR):
    loc = Location("text", row, column, figure.where, figure.quote)
    formula = Y1_FORMULA if rule == "Y1" else RULES[rule].formula
    return Finding(rule, severity, uy.unit, uy.year, loc, expected, found, formula, note)


def count_findings(figures: list[TextFigure], checked: Checked, uy: UnitYear, merged: set[int]) -> list[Finding]:
    out = []
    for f in figures:
        if f.kind != COUNT or id(f) in merged or f.ref is None:
            continue
        table = table_value(checked, f.ref)
        if table is None or table == f.value:
            continue
        first = f.ref[0] if isinstance(f.ref, tuple) else f.ref
        rule = narrative_rule(first) or "T3"
        row = _row_label(uy, f.ref)
        zero = checked.note("C" if first.startswith("C.") else "B")
        note = f"正文为{f.value}，表中为{table}，相差{abs(f.value - table)}{zero}"
        out.append(_finding(rule, uy, f, row, table, f.value, note, "总计"))
    return out


def _row_label(uy: UnitYear, ref) -> str:
    refs = ref if isinstance(ref, tuple) else (ref,)
    names = []
    for r in refs:
        head, row, *rest = r.split(".")
        col = rest[0] if rest else "total"
        if head == "C" and row == "litigation":
            names.append("行政诉讼（合计）" + ("" if col == "total" else schema.TABLE_C_COLUMN_LABEL[col]))
            continue
        table, row_id = ("C", row) if head == "C" else ("B", ("group:" if head == "BG" else "") + row)
        label, column = cell_labels(uy, table, row_id, col)
        names.append(label if col == "total" or head != "C" else f"{label}{column}")
    return "、".join(names)


def claim_findings(figures: list[TextFigure], checked: Checked, uy: UnitYear) -> list[Finding]:
    out = []
    for f in figures:
        if f.kind != CLAIM:
            continue
        if f.claim in _CLAIM_RULES:
            rule, row = _CLAIM_RULES[f.claim]
            value = table_value(checked, f"B.{row}.total")
            if value:
                note = f"正文称{CLAIMS[f.claim]}，而表二「{_row_label(uy, f'B.{row}.total')}」总计为{value}{checked.note('B')}"
                out.append(_finding(rule, uy, f, _row_label(uy, f"B.{row}.total"), value, 0, note, "总计"))
            continue
        problem = _case_claim(f, checked, figures)
        if problem:
            out.append(_finding("T4", uy, f, "表三", None, None, problem))
    return out


def _case_claim(f: TextFigure, checked: Checked, figures: list[TextFigure]) -> str | None:
    """What in 表三 (or, without it, in the narrative's own case counts) contradicts a claim."""
    cells = _case_cells(f, checked, figures)
    wrong = []
    for name, get in cells:
        total = get("total")
        if f.claim == "no_review_litigation" and total:
            wrong.append(f"{name}总计{total}")
        elif f.claim == "review_litigation_all_upheld":
            wrong += [
                f"{name}{schema.TABLE_C_COLUMN_LABEL[c]}{get(c)}" for c in ("corrected", "other", "pending") if get(c)
            ]
        elif f.claim == "no_correction" and get("corrected"):
            wrong.append(f"{name}结果纠正{get('corrected')}")
    if not wrong:
        return None
    source = "表三" if "C" in checked.present else "正文所列"
    return f"正文称{CLAIMS[f.claim]}，而{source}{'、'.join(wrong)}{checked.note('C')}"


def _case_cells(f: TextFigure, checked: Checked, figures: list[TextFigure]):
    """(name, column → value) of each 表三 block a claim speaks of; without 表三, of the review
    and litigation figures the narrative gives (the first it gives for each)."""
    if "C" in checked.present:
        return [(schema.TABLE_C_BLOCK_LABEL[b], lambda c, b=b: int(checked.uy.c(b, c) or 0)) for b in f.scope]
    told: dict[tuple[str, str], int] = {}
    for x in figures:
        if x.kind == COUNT and isinstance(x.ref, str) and x.ref.startswith("C."):
            _, block, col = x.ref.split(".")
            told.setdefault(("review" if block == "review" else "litigation", col), int(x.value))
    kinds = {"review" if b == "review" else "litigation" for b in f.scope}
    names = {"review": "行政复议", "litigation": "行政诉讼"}
    return [(names[k], lambda c, k=k: told.get((k, c), 0)) for k in sorted(kinds)]


def balance_finding(narrative: Narrative, checked: Checked, uy: UnitYear) -> Finding | None:
    """B3 on the narrative's own counts (when there is no 表二 to check them against)."""
    if "B" in checked.present:
        return None
    first = {}
    for f in narrative.figures:
        key = f.ref if f.kind == COUNT else f.claim if f.kind == CLAIM else None
        if key and key not in first:
            first[key] = f
    new, answered = first.get("B.new_received.total"), first.get("B.total.total")
    carried_in = first.get("B.carried_in.total") or first.get("no_carried_in")
    forward = first.get("B.carried_forward.total") or first.get("no_carried_forward")
    if None in (new, answered, carried_in, forward):
        return None
    value = lambda f: f.value if f.kind == COUNT else 0
    available, used = value(new) + value(carried_in), value(answered) + value(forward)
    if available == used:
        return None
    involved = [new, carried_in, answered, forward]
    quote = _span_quote(narrative, involved)
    note = f"新收{value(new)} + 上年结转{value(carried_in)} = {available}，但答复{value(answered)} + 结转下年度{value(forward)} = {used}"
    loc = Location("text", "一 + 二 = （七）总计 + 四", None, new.where, quote)
    return Finding("B3", ERROR, uy.unit, uy.year, loc, available, used, RULES["B3"].formula, note)


def _span_quote(narrative: Narrative, figures: list[TextFigure]) -> str:
    paragraphs = {f.paragraph for f in figures}
    if len(paragraphs) != 1:
        return figures[0].quote
    text = narrative.texts[figures[0].paragraph - 1].original
    return text[min(f.span[0] for f in figures) : max(f.span[1] for f in figures)]


def sum_findings(figures: list[TextFigure], uy: UnitYear) -> list[Finding]:
    out = []
    for f in figures:
        if f.kind != SUM or f.total is None:
            continue
        parts = sum(p.value for p in f.parts)
        if parts != f.total.value:
            words = " + ".join(f"{p.label}{p.value}" for p in f.parts)
            note = f"{words} = {parts}，而合计为{f.total.value}"
            out.append(_finding("R1", uy, f, f"{f.total.label}（合计）", parts, f.total.value, note))
    return out


def change_findings(figures: list[TextFigure], uy: UnitYear) -> list[Finding]:
    out = []
    for f in figures:
        if f.kind != CHANGE or f.current is None or f.previous is None:
            continue
        problem = _change_problem(f)
        if problem:
            expected, note = problem
            out.append(_finding("R1", uy, f, "同比变化", expected, f"{f.value}{f.unit}", note))
    return out


def _change_problem(f: TextFigure) -> tuple[str, str] | None:
    cur, prev = metrics.exact(f.current.value), metrics.exact(f.previous.value)
    published = Decimal(str(f.value))
    decimals = metrics.decimals_of(published)
    diff = cur - prev
    if f.unit == "%":
        if prev == 0:
            return None
        size = metrics.round_half_up(abs(diff) / prev * 100, decimals)
    else:
        size = metrics.round_half_up(abs(diff), decimals)
    direction = "up" if diff > 0 else "down" if diff < 0 else "none"
    if size == published and direction == f.direction:
        return None
    points = isinstance(f.current.value, str) and metrics.round_half_up(abs(diff), decimals) == published
    if points and direction == f.direction:
        return None  # 「公开率…较上年上升4.6%」 for 4.6 percentage points: loose wording, the same figure
    said = "上升" if f.direction == "up" else "下降"
    note = (
        f"本年{f.current.value}，上年{f.previous.value}：{_actual(diff, size, f.unit)}，报告写{said}{f.value}{f.unit}"
    )
    return f"{size}{f.unit}", note + _hint(f, cur, prev, published, decimals)


def _actual(diff, size, unit) -> str:
    return "没有变化" if diff == 0 else f"{'上升' if diff > 0 else '下降'}{size}{unit}"


def _hint(f: TextFigure, cur, prev, published: Decimal, decimals: int) -> str:
    if f.unit != "%" or prev == 0:
        return ""
    if cur and metrics.round_half_up(cur / prev * 100, decimals) == published:
        return "；公布值是本年÷上年之比，不是增减幅度"
    if cur and metrics.round_half_up(abs(cur - prev) / cur * 100, decimals) == published:
        return "；公布值是以本年数而非上年数为基数计算的"
    return ""


def year_finding(identity: Identity, uy: UnitYear) -> Finding | None:
    """Y1: the title's year against the statistics period's."""
    if not identity.title_year or not identity.period_year or identity.title_year == identity.period_year:
        return None
    note = f"标题为{identity.title_year}年，而统计期限「{identity.period_words}」为{identity.period_year}年"
    loc = Location("text", "报告年度", None, "标题", identity.title)
    return Finding("Y1", ERROR, uy.unit, uy.year, loc, identity.period_year, identity.title_year, Y1_FORMULA, note)
