"""Derived tables the sections show beside the official ones: headline figures, the Table B
balance (一 + 二 = （七） + 四), correction rates with their definition and the published rates
checked against their counts, and year-on-year comparisons of measures.

The markup is in ``render/templates/summaries.html.j2``.
"""

from __future__ import annotations

import pandas as pd

from nianbao.content.markup import HtmlTable, macros, verdict_class
from nianbao.content.prose import Headline
from nianbao.data.model import UnitYear
from nianbao.format import schema
from nianbao.format.measures import CORRECTION_RATE_DEFINITION
from nianbao.rules import measures, metrics, rates
from nianbao.rules.changes import year_change

TEMPLATE = "summaries.html.j2"
PART_NAMES = {2: "主动公开", 3: "依申请公开", 4: "行政复议和诉讼"}


def headlines(items: list[Headline], title: str = "年度主要数据") -> HtmlTable:
    headers = ["方面", "项目", "数值", "与上年比较"]
    rows = [
        {"part": PART_NAMES.get(h.part, ""), "label": h.label, "value": h.value, "comparison": h.comparison}
        for h in items
    ]
    html = macros(TEMPLATE).headlines(title, headers, rows)
    frame = pd.DataFrame([list(r.values()) for r in rows], columns=headers)
    return HtmlTable(str(html), frame, "headlines")


def balance(uy: UnitYear) -> HtmlTable:
    """The printed rule of Table B, column by column, where the four figures are known."""
    rows, records = [], []
    for col in schema.TABLE_B_COLUMNS:
        new, cin = uy.b("new_received", col.id), uy.b("carried_in", col.id)
        tot, cfw = uy.b("total", col.id), uy.b("carried_forward", col.id)
        if new is None or cin is None or tot is None or cfw is None:
            continue
        left, right = new + cin, tot + cfw
        verdict = "一致" if left == right else f"不一致（相差{abs(left - right)}）"
        rows.append({"label": col.label, "new": new, "carried_in": cin, "left": left, "total": tot, "carried_forward": cfw,
                     "right": right, "ok": left == right, "verdict": verdict})  # fmt: skip
        records.append({"申请人": col.label, "一+二": left, "（七）总计+四": right, "核对": verdict})
    html = macros(TEMPLATE).balance(
        "勾稽关系核对", "第一项加第二项之和，应等于（七）总计加第四项之和",
        ["申请人", "一、新收 + 二、上年结转", "（七）总计 + 四、结转下年度", "核对"], rows, "表二相关数字未公布，无法核对。",
    )  # fmt: skip
    return HtmlTable(str(html), pd.DataFrame.from_records(records), "balance")


#: The correction rates of part 4, each on a row under the name of what was corrected.
CORRECTION_RATES = (
    (schema.TABLE_C_BLOCK_LABEL["review"], "review_correction_rate"),
    ("行政诉讼·" + schema.TABLE_C_BLOCK_LABEL["litigation_direct"], "direct_litigation_correction_rate"),
    ("行政诉讼·" + schema.TABLE_C_BLOCK_LABEL["litigation_after_review"], "after_review_litigation_correction_rate"),
    ("一审行政诉讼案件", "first_instance_correction_rate"),
)


def correction_rates(uy: UnitYear) -> HtmlTable:
    """纠错率 per Table C block and for first-instance cases, with the definition, the published
    rate and whether it matches its counts."""
    rows, records = [], []
    for label, measure in CORRECTION_RATES:
        num, den = measures.parts(uy, measure)
        if num is None and den is None:
            continue
        rate = measures.value(uy, measure)
        st = measures.published(uy, measure)
        check = rates.check_statement(uy, st) if st else None
        verdict = check.explanation if check else ""
        rows.append({"label": label, "corrected": num, "total": den, "rate": metrics.fmt_percent(rate),  # type: ignore[arg-type]
                     "published": f"{st.value}%" if st else "未公布", "verdict": verdict, "verdict_cls": verdict_class(check)})  # fmt: skip
        records.append(
            {"类别": label, "结果纠正": num, "总计": den, "纠错率（%）": None if rate is None else str(rate),
             "公布纠错率（%）": None if st is None else str(st.value), "核对": verdict}
        )  # fmt: skip
    note = f"定义：{CORRECTION_RATE_DEFINITION}（《条例》和表格均未定义纠错率，本报告采用此口径），四舍五入保留两位小数"
    headers = ["类别", "结果纠正", "总计", "纠错率", "报告公布的纠错率", "核对"]
    html = macros(TEMPLATE).correction_rates("纠错率计算与核对", note, headers, rows)
    return HtmlTable(str(html), pd.DataFrame.from_records(records), "correction_rates")


def comparisons(uy: UnitYear, prev: UnitYear | None, items: list[str], title: str = "与上年比较") -> HtmlTable:
    """Year-on-year changes of the measures ``items`` (ids of :data:`nianbao.format.measures.MEASURES`),
    each on a row under its full label: computed from both years, or as the report published it."""
    headers = ["项目", "上年", "本年", "变化", "依据"]
    rows, records = [], []
    for measure in items:
        label = measures.get(measure).full_label
        change = year_change(uy, prev, measure)
        now = _shown(measures.value(uy, measure), measure)
        before = _shown(measures.value(prev, measure), measure) if prev is not None else None
        if change is None or change.change is None:
            basis, words = "上年数据未公布，无法比较", "—"
        elif change.computed:
            basis, words = f"由{change.base_year}年和{uy.year}年数据计算", change.words()
        else:
            basis, words = f"报告所述（{change.base_year}年数字未公布）：{change.source or ''}", change.words()
        rows.append(
            {
                "label": label,
                "before": metrics.fmt_count(before),
                "now": metrics.fmt_count(now),
                "words": words,
                "basis": basis,
            }
        )
        records.append({"项目": label, "上年": before, "本年": now, "变化": words, "依据": basis})
    html = macros(TEMPLATE).comparisons(title, headers, rows)
    return HtmlTable(str(html), pd.DataFrame.from_records(records), "comparisons")


def _shown(value, measure: str):
    """A count as it is (a number in the downloads), a rate as text with its percent sign."""
    return f"{value}%" if value is not None and measures.is_rate(measure) else value
