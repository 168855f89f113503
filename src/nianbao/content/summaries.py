"""Derived tables the sections show beside the official ones: headline figures, the Table B
balance (一 + 二 = （七） + 四), correction rates with their definition and the published rates
checked against their counts, and year-on-year comparisons."""

from __future__ import annotations

from html import escape

import pandas as pd

from nianbao.rules import measures, metrics, rates
from nianbao.format import schema
from nianbao.format.measures import CORRECTION_RATE_DEFINITION
from nianbao.content.tables import HtmlTable, _caption, _cell
from nianbao.data.model import UnitYear
from nianbao.content.prose import Headline
from nianbao.rules.changes import year_change


def headlines(items: list[Headline], title: str = "年度主要数据") -> HtmlTable:
    part_names = {2: "主动公开", 3: "依申请公开", 4: "行政复议和诉讼"}
    rows = "".join(
        f"<tr><td>{escape(part_names.get(h.part, ''))}</td><th class='row-label'>{escape(h.label)}</th>"
        f"<td class='num'>{escape(h.value)}</td><td>{escape(h.comparison)}</td></tr>"
        for h in items
    )
    html = (
        _caption(title)
        + "<table class='nb-table headlines'><thead><tr><th>方面</th><th>项目</th><th>数值</th><th>与上年比较</th></tr></thead>"
        + f"<tbody>{rows}</tbody></table>"
    )
    frame = pd.DataFrame([(part_names.get(h.part, ""), h.label, h.value, h.comparison) for h in items], columns=["方面", "项目", "数值", "与上年比较"])
    return HtmlTable(html, frame, "headlines")


def balance(uy: UnitYear) -> HtmlTable:
    """The printed rule of Table B, column by column, where the four figures are known."""
    rows, records = [], []
    for col in schema.TABLE_B_COLUMNS:
        new, cin = uy.b("new_received", col.id), uy.b("carried_in", col.id)
        tot, cfw = uy.b("total", col.id), uy.b("carried_forward", col.id)
        if None in (new, cin, tot, cfw):
            continue
        left, right = new + cin, tot + cfw
        ok = left == right
        verdict = "一致" if ok else f"不一致（相差{abs(left - right)}）"
        rows.append(
            f"<tr><th class='row-label'>{escape(col.label)}</th><td class='num'>{new} + {cin} = {left}</td>"
            f"<td class='num'>{tot} + {cfw} = {right}</td><td class='verdict {'ok' if ok else 'mismatch'}'>{verdict}</td></tr>"
        )
        records.append({"申请人": col.label, "一+二": left, "（七）总计+四": right, "核对": verdict})
    if not rows:
        rows.append("<tr><td colspan='4'>表二相关数字未公布，无法核对。</td></tr>")
    html = (
        _caption("勾稽关系核对", "第一项加第二项之和，应等于（七）总计加第四项之和")
        + "<table class='nb-table balance'><thead><tr><th>申请人</th><th>一、新收 + 二、上年结转</th>"
        "<th>（七）总计 + 四、结转下年度</th><th>核对</th></tr></thead>"
        + f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return HtmlTable(html, pd.DataFrame.from_records(records), "balance")


def correction_rates(uy: UnitYear) -> HtmlTable:
    """纠错率 per Table C block and for first-instance cases, with the definition, the published
    rate and whether it matches its counts."""
    lines = [
        (schema.TABLE_C_BLOCK_LABEL["review"], "review_correction_rate"),
        ("行政诉讼·" + schema.TABLE_C_BLOCK_LABEL["litigation_direct"], "direct_litigation_correction_rate"),
        ("行政诉讼·" + schema.TABLE_C_BLOCK_LABEL["litigation_after_review"], "after_review_litigation_correction_rate"),
        ("一审行政诉讼案件", "first_instance_correction_rate"),
    ]
    rows, records = [], []
    for label, measure in lines:
        num, den = measures.parts(uy, measure)
        if num is None and den is None:
            continue
        rate = measures.value(uy, measure)
        st = measures.published(uy, measure)
        check = rates.check_statement(uy, st) if st else None
        pub = f"{st.value}%" if st else "未公布"
        verdict = check.explanation if check else ""
        cls = "" if check is None or check.matches is None else ("ok" if check.matches else "mismatch")
        rows.append(
            f"<tr><th class='row-label'>{escape(label)}</th>{_cell(num)}{_cell(den)}"
            f"<td class='num'>{escape(metrics.fmt_percent(rate))}</td><td class='num'>{escape(pub)}</td>"
            f"<td class='verdict {cls}'>{escape(verdict)}</td></tr>"
        )
        records.append(
            {"类别": label, "结果纠正": num, "总计": den, "纠错率（%）": None if rate is None else str(rate), "公布纠错率（%）": None if st is None else str(st.value), "核对": verdict}
        )
    html = (
        _caption("纠错率计算与核对", f"定义：{CORRECTION_RATE_DEFINITION}（《条例》和表格均未定义纠错率，本报告采用此口径），四舍五入保留两位小数")
        + "<table class='nb-table rates'><thead><tr><th>类别</th><th>结果纠正</th><th>总计</th><th>纠错率</th>"
        "<th>报告公布的纠错率</th><th>核对</th></tr></thead>"
        + f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return HtmlTable(html, pd.DataFrame.from_records(records), "correction_rates")


def comparisons(uy: UnitYear, prev: UnitYear | None, items: list[str], title: str = "与上年比较") -> HtmlTable:
    """Year-on-year changes of the measures ``items`` (ids of :data:`nianbao.format.measures.MEASURES`),
    each on a row under its full label."""
    rows, records = [], []
    for measure in items:
        label = measures.get(measure).full_label
        cmp = year_change(uy, prev, measure)
        now = _shown(measures.value(uy, measure), measure)
        before = _shown(measures.value(prev, measure), measure) if prev is not None else None
        if cmp is None or cmp.change is None:
            how, words = "上年数据未公布，无法比较", "—"
        elif cmp.computed:
            how, words = f"由{cmp.base_year}年和{uy.year}年数据计算", cmp.words()
        else:
            how, words = f"报告所述（{cmp.base_year}年数字未公布）：{cmp.source or ''}", cmp.words()
        rows.append(
            f"<tr><th class='row-label'>{escape(label)}</th><td class='num'>{escape(metrics.fmt_count(before))}</td>"
            f"<td class='num'>{escape(metrics.fmt_count(now))}</td><td>{escape(words)}</td><td class='note'>{escape(how)}</td></tr>"
        )
        records.append({"项目": label, "上年": before, "本年": now, "变化": words, "依据": how})
    html = (
        _caption(title)
        + "<table class='nb-table comparisons'><thead><tr><th>项目</th><th>上年</th><th>本年</th><th>变化</th><th>依据</th></tr></thead>"
        + f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return HtmlTable(html, pd.DataFrame.from_records(records), "comparisons")


def _shown(value, measure: str):
    """A count as it is (a number in the downloads), a rate as text with its percent sign."""
    return f"{value}%" if value is not None and measures.is_rate(measure) else value
