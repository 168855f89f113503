"""Generated paragraphs and headline figures, in the register of the published reports.

Every figure is written as published: counts in plain digits, shares half-up to two decimals of
（七）总计, changes as 较2019年下降6.62% or 上升0.87个百分点. Unknown figures are left out of the text,
never written as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.data.model import UnitYear
from nianbao.format import schema
from nianbao.rules import measures, rates
from nianbao.rules.changes import YearChange, year_change


def _with_change(text: str, change: YearChange | None) -> str:
    words = change.words() if change else ""
    return f"{text}，{words}" if words else text


def applications_paragraph(uy: UnitYear, prev: UnitYear | None = None) -> str:
    """The paragraph of part 3, e.g. 全年共收到政府信息公开申请29130件，较2019年下降6.62%……"""
    new, total = uy.b("new_received"), uy.b("total")
    carried_in, carried_fwd = uy.b("carried_in"), uy.b("carried_forward")
    if new == 0 and not total and not carried_in:
        return f"{uy.year}年，全年未收到政府信息公开申请，也无上年结转申请，表二各项均为0。"
    sentences = []
    first = []
    if new is not None:
        first.append(_with_change(f"全年共收到政府信息公开申请{new}件", year_change(uy, prev, "new_received")))
    if total is not None:
        answered = f"答复政府信息公开申请{total}件"
        if carried_in is not None:
            answered += f"（含上年度结转申请{carried_in}件）"
        first.append(answered)
    if carried_fwd is not None:
        first.append(f"另有{carried_fwd}件申请结转下年度继续办理")
    if first:
        sentences.append("，".join(first) + "。")
    parts = [
        f"{d.narrative_label}{d.count}件" + (f"，占{d.share}%" if d.share is not None else "")
        for d in measures.dispositions(uy)
        if d.count is not None
    ]
    if parts:
        sentences.append("其中，" + "；".join(parts) + "。")
    return "".join(sentences) or "本年度未公布政府信息公开申请的收到和处理数字。"


def review_paragraph(uy: UnitYear, prev: UnitYear | None = None) -> str:
    """The paragraph of part 4 on 行政复议 and 行政诉讼."""
    out = []
    corrected, review = measures.parts(uy, "review_correction_rate")
    if review is not None:
        text = f"全年因政府信息公开工作被申请行政复议{review}件"
        if corrected is not None:
            rate = measures.value(uy, "review_correction_rate")
            text += f"，其中结果纠正{corrected}件"
            if rate is not None:
                text = _with_change(text + f"，纠错率为{rate}%", year_change(uy, prev, "review_correction_rate"))
        out.append(text + "。")
    lit = uy.litigation_total()
    direct, after = uy.c("litigation_direct"), uy.c("litigation_after_review")
    if lit is not None:
        out.append(f"被提起行政诉讼{lit}件，其中未经复议直接起诉{direct}件、复议后起诉{after}件。")
    elif direct is not None or after is not None:
        known = [
            f"未经复议直接起诉{direct}件" if direct is not None else "",
            f"复议后起诉{after}件" if after is not None else "",
        ]
        out.append("被提起行政诉讼中，" + "、".join(k for k in known if k) + "。")
    fi_corrected, cases = measures.parts(uy, "first_instance_correction_rate")
    if cases is not None and fi_corrected is not None:
        rate = measures.value(uy, "first_instance_correction_rate")
        out.append(f"一审行政诉讼案件{cases}件，结果纠正{fi_corrected}件，纠错率为{rate}%。")
    return "".join(out) or "本年度未公布行政复议、行政诉讼数字。"


def rate_notes(uy: UnitYear) -> list[str]:
    """Sentences on the published shares and rates that do not match their own counts (or one
    saying that all of them match)."""
    checks = rates.check_statements(uy)
    out = [
        rates.mismatch_sentence(c.statement.label, c.result) + "本报告表中采用按数字重新计算的结果，公布值并列供核对。"
        for c in checks
        if c.result is not None and not c.result.matches
    ]
    if not out and any(c.matches for c in checks):
        out.append("报告公布的各项比率均与其所依据的数字一致。")
    return out


@dataclass(frozen=True)
class Headline:
    part: int
    label: str
    value: str
    comparison: str = ""


def headlines(uy: UnitYear, prev: UnitYear | None = None) -> list[Headline]:
    """The headline figures of parts 2–4 for the year at a glance."""
    out: list[Headline] = []
    table_a = uy.spec.table_a
    first_block = table_a.blocks[0]
    count_col = "published" if uy.format_version == "2019" else "issued"
    for row in first_block.rows:
        value = uy.a(row.id, count_col)
        if value is not None:
            col_label = table_a.column(row.id, count_col).label
            out.append(Headline(2, f"{row.label}（{col_label}）", f"{value}件"))
    for row_id in ("licensing", "penalty", "coercion"):
        value = uy.a(row_id, "decisions")
        if value is not None:
            out.append(Headline(2, f"{table_a.row(row_id).label}处理决定", f"{value}件"))
    new, total = uy.b("new_received"), uy.b("total")
    if new is not None:
        change = year_change(uy, prev, "new_received")
        out.append(Headline(3, "新收政府信息公开申请", f"{new}件", change.words() if change else ""))
    if total is not None:
        out.append(Headline(3, "答复申请（含上年结转）", f"{total}件"))
    share = measures.value(uy, "disclosure_rate")
    if share is not None:
        out.append(Headline(3, "予以公开及部分公开占比", f"{share}%"))
    review = uy.c("review")
    if review is not None:
        out.append(Headline(4, "行政复议", f"{review}件"))
    rate = measures.value(uy, "review_correction_rate")
    if rate is not None:
        change = year_change(uy, prev, "review_correction_rate")
        out.append(Headline(4, "行政复议纠错率", f"{rate}%", change.words() if change else ""))
    lit = uy.litigation_total()
    if lit is not None:
        out.append(Headline(4, "行政诉讼", f"{lit}件"))
    return out


def overview(uy: UnitYear) -> list[tuple[str, list[str]]]:
    """Part 1: the five areas of the year's work, each as its sub-heading （一）主动公开 … and the
    narrative's items about it."""
    return [
        (f"（{_chinese_numeral(number)}）{title}", [i.text for i in uy.items("overview") if i.area == area])
        for number, (area, title) in enumerate(schema.OVERVIEW_AREAS.items(), start=1)
    ]


_NUMERALS = "一二三四五六七八九十"


def _chinese_numeral(n: int) -> str:
    """1 → 一, ..., 10 → 十 (enough for sub-headings)."""
    return _NUMERALS[n - 1] if 1 <= n <= 10 else str(n)


def fees_sentence(uy: UnitYear) -> str:
    """Part 6: the information processing fees charged in the year."""
    fee = uy.figure("processing_fees")
    if fee is None:
        return "本年度数据未载明信息处理费的收取情况。"
    return f"本年度收取信息处理费{fee.display()}。"
