"""The vocabulary of measures: the figures per unit-year that summaries, trends and comparisons
show, declared once and referred to by id everywhere (notebooks included).

A measure is a count read from one cell, or a rate in % computed from a numerator and a
denominator; both are references as :meth:`nianbao.data.model.UnitYear.resolve` reads them. A
rate may name the published statement that states it (its id in the data files and in what the
audit reads from a page), so that a published change of it can stand in when the previous year's
figures are missing. Evaluation (values, parts, formatting) is in :mod:`nianbao.rules.measures`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    id: str
    label: str  # short, for column headers and chart axes: 新收申请
    unit: str  # "件" for a count, "%" for a rate
    definition: str
    ref: str | None = None  # a count: the cell it is read from
    numerator: str | None = None  # a rate: numerator ÷ denominator × 100
    denominator: str | None = None
    statement: str | None = None  # a rate: the id of the statement that publishes it
    long_label: str = ""  # the full name, for a row of its own: 本年新收申请

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def full_label(self) -> str:
        return self.long_label or self.label


def _count(measure_id: str, label: str, ref: str, definition: str, long_label: str = "") -> Measure:
    return Measure(measure_id, label, "件", definition, ref=ref, long_label=long_label)


def _rate(
    measure_id: str, label: str, numerator: str, denominator: str, definition: str, statement: str, long_label: str = ""
) -> Measure:
    return Measure(
        measure_id,
        label,
        "%",
        definition,
        numerator=numerator,
        denominator=denominator,
        statement=statement,
        long_label=long_label,
    )


#: How a disposition category's share is defined (all alike).
CATEGORY_SHARE_DEFINITION = "占比 = 该类件数 ÷ （七）总计 × 100%"
#: How nianbao defines 纠错率; the format itself does not define it.
CORRECTION_RATE_DEFINITION = "纠错率 = 结果纠正 ÷ 总计 × 100%"

MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        _count("new_received", "新收申请", "B.new_received.total", "一、本年新收政府信息公开申请数量（总计）", "本年新收申请"),
        _count("carried_in", "上年结转", "B.carried_in.total", "二、上年结转政府信息公开申请数量（总计）"),
        _count("answered", "答复申请", "B.total.total", "（七）总计：本年度办理结果合计，含上年结转的申请", "答复申请（（七）总计）"),
        _count("carried_forward", "结转下年度", "B.carried_forward.total", "四、结转下年度继续办理（总计）", "结转下年度继续办理"),
        _rate("disclosure_rate", "公开率", "BG.disclosed.total", "B.total.total",
              "公开率 = （（一）予以公开 + （二）部分公开） ÷ （七）总计 × 100%", "share_disclosed", "予以公开及部分公开占比"),
        _rate("share_withheld", "不予公开占比", "BG.withheld.total", "B.total.total", "不予公开" + CATEGORY_SHARE_DEFINITION, "share_withheld"),
        _rate("share_unavailable", "无法提供占比", "BG.unavailable.total", "B.total.total", "无法提供" + CATEGORY_SHARE_DEFINITION, "share_unavailable"),
        _rate("share_not_processed", "不予处理占比", "BG.not_processed.total", "B.total.total",
              "不予处理" + CATEGORY_SHARE_DEFINITION, "share_not_processed"),
        _rate("share_other", "其他处理占比", "BG.other.total", "B.total.total", "其他处理" + CATEGORY_SHARE_DEFINITION, "share_other"),
        _count("review", "行政复议", "C.review.total", "表三 行政复议 总计"),
        _count("litigation", "行政诉讼", "C.litigation.total", "表三 行政诉讼 总计（未经复议直接起诉 + 复议后起诉）"),
        _rate("review_correction_rate", "行政复议纠错率", "C.review.corrected", "C.review.total",
              "行政复议纠错率 = 行政复议结果纠正 ÷ 行政复议总计 × 100%", "rate_review_corrected"),
        _rate("litigation_correction_rate", "行政诉讼纠错率", "C.litigation.corrected", "C.litigation.total",
              "行政诉讼纠错率 = 行政诉讼结果纠正 ÷ 行政诉讼总计 × 100%（两类诉讼合计）", "rate_litigation_corrected"),
        _rate("direct_litigation_correction_rate", "未经复议直接起诉纠错率", "C.litigation_direct.corrected", "C.litigation_direct.total",
              "未经复议直接起诉纠错率 = 结果纠正 ÷ 总计 × 100%", "rate_litigation_direct_corrected"),
        _rate("after_review_litigation_correction_rate", "复议后起诉纠错率", "C.litigation_after_review.corrected",
              "C.litigation_after_review.total", "复议后起诉纠错率 = 结果纠正 ÷ 总计 × 100%", "rate_litigation_after_review_corrected"),
        _rate("first_instance_correction_rate", "一审行政诉讼纠错率", "F.first_instance_corrected", "F.first_instance_cases",
              "一审行政诉讼纠错率 = 一审行政诉讼结果纠正 ÷ 一审行政诉讼案件 × 100%", "rate_first_instance_corrected"),
    )
}  # fmt: skip

#: The disposition categories' shares beside 公开率, defined alike (one sentence for all of them).
CATEGORY_SHARES = ("share_withheld", "share_unavailable", "share_not_processed", "share_other")
