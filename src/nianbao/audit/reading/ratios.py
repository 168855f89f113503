"""Shares (「占x%」, 「占比x%」, 「不足1%」) and named rates (主动公开率, 公开率, 同意公开率, 纠错率),
each with the numerator and base a reader would take, and the words that led to them.

A share's numerator is the count it follows (at its own bracket level: in 「其他处理22件（其中申请人
主动撤销15件），占12.50%」 it is the 22). Its base is the one the text names (「占答复总数的」,
「占收到申请的」, 「占不予公开总数的」); otherwise the format's convention for what the numerator
is — a disposition category: the answered total （七）; an applicant type or a channel: the
received total; a part of a group introduced by 「其中」: the group's total, in this sentence or
the one before — and, when nothing says it, unknown (the judgement is then 「无法复核」). Values
of table cells are filled in by the judge, who knows the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.audit.reading import parts
from nianbao.audit.reading.figures import RATE, SHARE, Side, TextFigure
from nianbao.audit.reading.mentions import COUNT, PERCENT, Mention, Sentence
from nianbao.audit.reading.normalise import Text

ANSWERED, RECEIVED = "B.total.total", "B.new_received.total"
_SHARE = re.compile(r"^(?:其中|分别|均)?(?:约)?(?:占|所占比例|比例为|比重为)")
_SHARE_WORDS = re.compile(r"^(?:其中|分别|均)?(?:约)?(?:占比|所占比例|比例|比重|占)(?:为)?")
_RATE = re.compile(r"(?P<name>纠错率|主动公开率|同意公开率|公开率)(?:为|达|是|达到)?$")
_NAMED = (  # the group words first: 「占不予公开类答复的」 names the group, not the answered total
    (re.compile(r"不予公开"), "BG.withheld.total", "不予公开总数"),
    (re.compile(r"无法提供"), "BG.unavailable.total", "无法提供总数"),
    (re.compile(r"不予处理"), "BG.not_processed.total", "不予处理总数"),
    (re.compile(r"其他处理"), "BG.other.total", "其他处理总数"),
    (re.compile(r"答复|办结|办理"), ANSWERED, "答复总数"),
    (re.compile(r"收到|受理|新收|申请总数|全部申请"), RECEIVED, "收到申请总数"),
)
_VAGUE = re.compile(r"总体|总数|总量|全部|全年")
_GROUP_OF_SUB = {"withheld": "不予公开", "unavailable": "无法提供", "not_processed": "不予处理", "other": "其他处理"}


@dataclass
class Told:
    """What the narrative has said so far: table cells stated (ref → side) and the last group
    total a 「其中」 may refer to in the next sentence."""

    cells: dict[str, Side] = field(default_factory=dict)
    last_head: Mention | None = None

    def side(self, ref: str, label: str, words: str) -> Side:
        known = self.cells.get(ref)
        return Side(known.value if known else None, ref, label, known.words if known else words)


def read_ratios(text: Text, sentence: Sentence, p: int, part: str, told: Told) -> list[TextFigure]:
    out = []
    for m in sentence.mentions:
        if m.kind != PERCENT or m.used:
            continue
        rate = _RATE.search(m.label)
        if rate:
            out.append(_rate(text, sentence, m, rate.group("name"), p, part, told))
        elif _SHARE.match(m.label) or (m.below and not m.label):
            share = _share(text, sentence, m, p, part, told)
            if share is not None:
                out.append(share)
    return out


def numerator_of(sentence: Sentence, m: Mention) -> Mention | None:
    """The count a share follows, at its own bracket level (or the count before its bracket)."""
    for other in sentence.before(m):
        if other.used:
            continue
        if other.group == m.group:
            return other
        if m.group is not None and other.end <= m.group:
            return other
    return None


def _share(text: Text, sentence: Sentence, m: Mention, p: int, part: str, told: Told) -> TextFigure | None:
    num = numerator_of(sentence, m)
    if num is None:
        return None
    reading = num.reading
    named = _SHARE_WORDS.sub("", m.label)  # 「占答复总数的」 → 「答复总数的」: the base the text names
    base, alternatives, is_named = _base(sentence, m, num, named, told)
    a, b = num.label_start, m.end
    if m.group is not None and sentence.norm[b - sentence.start : b - sentence.start + 1] == "）":
        b += 1  # 「（占比52.65%）」: the bracket closes the share
    value = "<1" if m.below else str(m.value)
    numerator = Side(num.value, getattr(reading, "ref", None), getattr(reading, "label", "") or num.label,
                     num.label + num.text)  # fmt: skip
    return TextFigure(SHARE, text.quote(a, b), p, text.span(a, b), part, value=value, numerator=numerator,
                      base=base, base_named=is_named, alternatives=alternatives, counted_in=num.unit)  # fmt: skip


def _base(sentence, m, num, named, told) -> tuple[Side | None, list[Side], bool]:
    """The share's base (None: unknowable), other bases a reader would try, whether it is named."""
    for pattern, ref, label in _NAMED:
        if pattern.search(named):
            return told.side(ref, label, f"占{named}"), [], True
    reading = num.reading
    what = getattr(reading, "what", None)
    if what in ("disposition", "other") and reading.kind == "application":
        sub = _sub_group(reading)
        if sub and _after_group(sentence, num):
            base = told.side(f"BG.{sub}.total", f"{_GROUP_OF_SUB[sub]}总数", "「其中」前的类别总数")
            return base, [told.side(ANSWERED, "答复总数", "（七）总计")], False
        base = told.side(ANSWERED, "答复总数", "办理结果占比以答复总数（七）总计为基数")
        return base, [told.side(RECEIVED, "收到申请总数", "一、本年新收")], False
    if what in ("applicant", "channel"):
        return told.side(RECEIVED, "收到申请总数", "申请人类型、申请渠道以收到申请总数为基数"), [], False
    if getattr(reading, "kind", None) == "case" and reading.ref:
        block = reading.ref.split(".")[1]
        return told.side(f"C.{block}.total", "案件总数", "该类案件总数"), [], False
    head = _head(sentence, num, told)
    if head is None or (named and not _VAGUE.search(named) and named.strip("的")):
        return None, [], bool(named.strip("的"))
    return Side(head.value, None, head.label, head.label + head.text), [], bool(named.strip("的"))


def _sub_group(reading) -> str | None:
    ref = reading.ref if isinstance(reading.ref, str) else None
    if not ref or not ref.startswith("B."):
        return None
    row = ref.split(".")[1]
    return next((g for g in _GROUP_OF_SUB if row.startswith(g + "_")), None)


def _after_group(sentence: Sentence, num: Mention) -> bool:
    """「不予公开12件，占4.00%，其中属于国家秘密3件」: the sub-category follows its category."""
    return "其中" in num.label and any(
        getattr(o.reading, "what", None) == "disposition" for o in sentence.before(num) if not o.used
    )


def _head(sentence: Sentence, num: Mention, told: Told) -> Mention | None:
    """The total a 「其中」 part belongs to: the count before 「其中」 in this sentence (or the last
    one before a 「其中」 in the sentence before), in the same measure family."""
    at = sentence.norm.rfind("其中", 0, num.start - sentence.start)
    if at < 0:
        return None
    for other in sentence.before(num):
        if other.start - sentence.start < at and not other.used and other.group is None:
            return other if other.value >= num.value else None
    head = told.last_head
    return head if head is not None and head.value >= num.value else None


def _rate(text: Text, sentence: Sentence, m: Mention, name: str, p: int, part: str, told: Told) -> TextFigure:
    if name == "纠错率":
        numerator, base, alternatives = _correction(sentence, m, told)
    else:
        numerator, base, alternatives = _disclosure(sentence, m, part, told)
    a, b = m.label_start, m.end
    return TextFigure(RATE, text.quote(a, b), p, text.span(a, b), part, value=str(m.value), label=name,
                      numerator=numerator, base=base, alternatives=alternatives)  # fmt: skip


def _correction(sentence: Sentence, m: Mention, told: Told) -> tuple[Side | None, Side | None, list[Side]]:
    """纠错率 = 结果纠正 ÷ 总计 of the case subject named last (「一审行政诉讼案件687件，结果纠正23件」)."""
    corrected = total = None
    alternatives = []
    for other in sentence.before(m):
        what = getattr(other.reading, "label", "")
        if getattr(other.reading, "kind", None) != "case":
            continue
        if corrected is None and ("结果纠正" in what):
            corrected = other
        elif corrected is not None and total is None and what == corrected.reading.label.replace("结果纠正", "总计"):
            total = other
        elif what.endswith("已审结") and corrected is not None:
            alternatives.append(Side(other.value, None, "已审结件数", other.label + other.text))
    if corrected is None:
        return None, None, []
    num = Side(corrected.value, corrected.reading.ref, "结果纠正", corrected.label + corrected.text)
    base = None if total is None else Side(total.value, total.reading.ref, "案件总数", total.label + total.text)
    return num, base, alternatives


def _disclosure(sentence, m, part, told) -> tuple[Side | None, Side | None, list[Side]]:
    """公开率 and its kin: of answered applications in the 依申请公开 part (numerator: the
    disclosed count), else of the count before the numerator (「制发公文1873件，主动公开1789件」)."""
    before = [o for o in sentence.before(m) if not o.used and o.group is None]
    if part in (parts.REQUESTS, parts.UNMARKED) and before and getattr(before[0].reading, "what", "") == "disposition":
        num = before[0]
        numerator = Side(num.value, num.reading.ref, num.reading.label, num.label + num.text)
        base = told.side(ANSWERED, "答复总数", "公开率以答复总数为基数")
        return numerator, base, [told.side(RECEIVED, "收到申请总数", "一、本年新收")]
    if not before or before[0].kind != COUNT:
        return None, None, []
    num = before[0]
    numerator = Side(num.value, None, num.label, num.label + num.text)
    if len(before) > 1 and before[1].value >= num.value:
        return numerator, Side(before[1].value, None, before[1].label, before[1].label + before[1].text), []
    return numerator, None, []
