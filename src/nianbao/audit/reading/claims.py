"""Claims in words and totals stated with their parts.

Claims: 「未收到政府信息公开申请」, 「无上年结转申请」, 「无结转下年度继续办理的申请」,
「未发生行政复议和行政诉讼」, 「均获维持」 / 「全部维持」 / 「结果均为维持」, 「不存在被纠错情况」 /
「已审结的案件中未发生败诉情况」 — each checked later against the tables (a claim of all upheld
with cases 尚未审结 is wrong).

Sums: a total followed by 「其中」 and parts that are complementary by definition — 自然人 and
法人或其他组织, 公文 and 非公文, 未经复议直接起诉 and 复议后起诉, or an exhaustive class breakdown
ending in 「其他类」. Lists of disposition categories or channels are no sums.
"""

from __future__ import annotations

import re

from nianbao.audit.reading import parts
from nianbao.audit.reading.figures import CLAIM, SUM, Side, TextFigure
from nianbao.audit.reading.mentions import COUNT, Mention, Sentence
from nianbao.audit.reading.normalise import Text

_CASES = ("review", "litigation_direct", "litigation_after_review")
_CLAIMS = (
    ("no_applications", re.compile(r"未(?:收到|受理|接到|接收)(?:任何)?(?:政府信息公开|依申请公开)?(?:的)?申请(?!\d)")),
    ("no_carried_in", re.compile(r"(?:无|没有)上一?年度?(?:结转|转结)(?:的)?(?:政府信息公开)?申请")),
    (
        "no_carried_forward",
        re.compile(r"(?:无|没有)(?:需要)?结转(?:至|到)?下一?年度?(?:继续)?(?:办理|答复)?(?:的)?(?:政府信息公开)?申请"),
    ),
    (
        "no_review_litigation",
        re.compile(r"未(?:发生|出现|收到|有)[^，。；\d]{0,30}?行政复议[^，。；\d]{0,8}?行政诉讼(?:案件|的情况|情况)?"),
    ),
    (
        "review_litigation_all_upheld",
        re.compile(r"(?:结果)?(?:均|全部|都)(?:获|被|予|为)?维持(?:原行政行为)?|结果为维持"),
    ),
    (
        "no_correction",
        re.compile(
            r"(?:已审结的?案件中)?(?:不存在|未发生|没有|未出现)被?(?:纠错|败诉)(?:、(?:败诉|纠错))?(?:的)?(?:情况|情形)?"
        ),
    ),
)
_SUBJECTS = (("review", re.compile(r"复议(?!后起诉)")), ("litigation", re.compile(r"诉讼|起诉")))
_FAMILIES = (
    {"自然人", "法人或其他组织"},
    {"公文", "非公文"},
    {"未经复议直接起诉", "复议后起诉"},
)


def read_claims(text: Text, sentence: Sentence, p: int, part: str) -> list[TextFigure]:
    out = []
    for claim, pattern in _CLAIMS:
        if claim in ("no_applications", "no_carried_in", "no_carried_forward") and part not in (
            parts.REQUESTS, parts.UNMARKED, parts.PREAMBLE,
        ):  # fmt: skip
            continue
        for m in pattern.finditer(sentence.norm):
            a, b = sentence.start + m.start(), sentence.start + m.end()
            out.append(TextFigure(CLAIM, text.quote(a, b), p, text.span(a, b), part, claim=claim,
                                  scope=_scope(claim, sentence.norm[: m.start()], m.group(0))))  # fmt: skip
    return out


def _scope(claim: str, before: str, words: str) -> tuple[str, ...]:
    """The 表三 blocks a claim speaks of: those its sentence names before it (all when none)."""
    if claim == "no_correction" and "败诉" in words:
        return _CASES[1:]
    if claim == "no_review_litigation":
        return _CASES
    named = [s for s, pattern in _SUBJECTS if pattern.search(before)]
    if named == ["review"]:
        return _CASES[:1]
    if named == ["litigation"]:
        return _CASES[1:]
    return _CASES


def read_sums(text: Text, sentence: Sentence, p: int, part: str) -> list[TextFigure]:
    out = []
    for m in re.finditer("其中", sentence.norm):
        at = sentence.start + m.start()
        counts = [x for x in sentence.mentions if x.kind == COUNT and not x.used and x.group is None]
        head = next((x for x in reversed(counts) if x.end <= at), None)
        members = [x for x in counts if x.start > at]
        found = _parts(members)
        if head is None or len(found) < 2:
            continue
        a, b = head.label_start, found[-1].end
        total = _side(head)
        out.append(TextFigure(SUM, text.quote(a, b), p, text.span(a, b), part, value=head.value, total=total,
                              parts=[_side(x) for x in found]))  # fmt: skip
    return out


def _parts(members: list[Mention]) -> list[Mention]:
    """The longest run of complementary parts at the start of ``members``."""
    names = [_name(x.label) for x in members]
    for family in _FAMILIES:
        run = []
        for name, x in zip(names, members):
            if name not in family or name in {_name(r.label) for r in run}:
                break
            run.append(x)
        if {_name(r.label) for r in run} == family:
            return run
    run = []
    for name, x in zip(names, members):
        if not name.endswith("类") or x.unit != members[0].unit:
            break
        run.append(x)
        if name.startswith("其他"):
            return run if len(run) >= 2 else []
    return []


def _name(label: str) -> str:
    name = label.removeprefix("其中").removesuffix("的")
    return re.sub(r"(?:提出的|的)?申请$", "", name).removesuffix("信息")


def _side(m: Mention) -> Side:
    reading = m.reading
    return Side(m.value, getattr(reading, "ref", None), _name(m.label), m.label + m.text)
