"""What a count in the narrative counts: an application figure (received, carried in, answered,
carried forward, a disposition category or sub-category, an applicant type, a channel), a
review or litigation figure, or something else (replies to deputies' suggestions, items
published, last year's value) that is no figure of its own.

A count is an application figure only inside the 依申请公开 part — or, on a page without part
headings, in a sentence about 申请 — and only when its verb's object is an application
(「答复…申请」, not 「答复网民留言」 or 「办理答复…提案」). Case figures are read in the 复议/诉讼 part
(or a page without parts), each outcome under the case subject named last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.audit.reading import parts
from nianbao.audit.reading.mentions import Mention, Sentence
from nianbao.format import schema

APPLICATION, CASE = "application", "case"


@dataclass(frozen=True)
class Reading:
    """A count as read: what it is (``what``), the table cell(s) it states, and in words."""

    kind: str  # APPLICATION | CASE
    what: str  # received, carried_in, answered, carried_forward, disposition, applicant, channel, other, case
    ref: str | tuple[str, ...] | None
    label: str


_OTHER_OBJECTS = re.compile(r"留言|来信|来访|建议|提案|工单|热线|网民|公文")
_PREVIOUS = re.compile(
    r"^(?:较|比)?(?:上年|去年|上一年度?|上年度|(?P<year>\d{4})年)(?:同期)?(?:度)?(?:为|是|共|共计)?$"
)
_PREVIOUS_VERB = re.compile(r"^(?P<year>\d{4})年(?:共|全年)?(?:答复|收到|受理|办结|发布|公开|主动公开)")
_COMPARED = re.compile(r"(?:较|比|与)(?:上年|去年|上一年度?|上年度|\d{4}年)(?:同期)?(?:相比)?$")
_IN_PROGRESS = re.compile(r"(?:正在|尚在|仍在)(?:办理|处理|答复)(?:中|的)?(?:申请)?$")
_CARRIED_IN = re.compile(r"(?:上年|上一年|上年度|上一年度|\d{4}年)度?(?:结转|转结)|结转上一?年")
_CARRIED_IN_TAIL = re.compile(r"^(?:为|系|属)(?:上年|上一年|上年度|\d{4}年)度?(?:结转|转结)")
_FORWARD = re.compile(r"(?:结转|顺延|转入)(?:至|到)?(?:下一?年|\d{4}年)")
_UNFINISHED = re.compile(r"^(?:申请)?[^，；]{0,10}?(?:尚未办结|未办结|尚未答复)")
_PENDING_TAIL = re.compile(r"尚在(?:法定)?答复期限内|尚在办理|正在办理")
_RECEIVED = re.compile(r"收到|新收|受理|接收|收悉|共收|接到")
_ANSWERED = re.compile(
    r"(?:答复|办结|办理完毕|办理完结|办理|处理完毕)(?P<object>(?:了)?(?:政府信息公开|依申请公开)?(?:的)?(?:申请)?(?:件)?"
    r"(?:共计|合计|总计|累计|共)?(?:数量|总数)?(?:为|达)?)$"
)
_CHANNEL = re.compile(r"(?:网上|网络|在线|当面|现场|信函|邮寄|传真|电子邮件|电话)(?:提交|提出)?(?:的)?申请")
_APPLICANTS = {
    "法人或其他组织": tuple(f"B.new_received.{c}" for c in schema.TABLE_B_ORG_COLUMNS),
    "自然人": "B.new_received.natural_person",
    **{
        c.label: f"B.new_received.{c.id}"
        for c in schema.TABLE_B_COLUMNS
        if c.id not in ("natural_person", "total", "other_org")
    },
}
_APPLICANT = re.compile(rf"(?:{'|'.join(_APPLICANTS)})(?:提出)?(?:的)?(?:申请)?(?:的)?$")
#: Narrative words for the disposition sub-categories (prose, not the table's labels).
SUBCATEGORIES = {
    "国家秘密": "withheld_state_secret", "法律行政法规禁止公开": "withheld_prohibited",
    "三安全一稳定": "withheld_security", "第三方合法权益": "withheld_third_party",
    "内部事务信息": "withheld_internal", "过程性信息": "withheld_deliberative",
    "行政执法案卷": "withheld_enforcement_file", "行政查询事项": "withheld_inquiry",
    "本机关不掌握": "unavailable_not_held", "没有现成信息": "unavailable_needs_creation",
    "补正后申请内容仍不明确": "unavailable_unclear", "信访举报投诉": "not_processed_petition",
    "重复申请": "not_processed_repeat", "公开出版物": "not_processed_publication",
    "大量反复申请": "not_processed_excessive", "确认或重新出具": "not_processed_confirmation",
    "逾期不补正": "other_no_correction", "逾期未按收费通知": "other_no_fee",
}  # fmt: skip
_SUB = re.compile("|".join(SUBCATEGORIES))
_CONNECTOR = r"(?:及|和|与|或|以及|、)"
CATEGORIES: tuple[tuple[str, str, str], ...] = (  # (id, pattern, reference)
    ("disclosed", rf"(?:予以|同意)?公开{_CONNECTOR}部分(?:同意|予以)?公开", "BG.disclosed.total"),
    ("partly_granted", r"部分(?:同意|予以)?公开", "B.partly_granted.total"),
    ("withheld", r"不予以?公开", "BG.withheld.total"),
    ("granted", r"(?<!部分)(?<!不)(?:予以|同意)公开", "B.granted.total"),
    ("unavailable", r"无法提供", "BG.unavailable.total"),
    ("not_processed", r"不予处理", "BG.not_processed.total"),
    ("other", r"其他处理", "BG.other.total"),
)
_CATEGORY = re.compile("|".join(f"(?P<{c}>{p})" for c, p, _ in CATEGORIES))
CATEGORY_REF = {c: r for c, _, r in CATEGORIES}
CATEGORY_LABEL = {"disclosed": "予以公开及部分公开", "partly_granted": "部分公开", "withheld": "不予公开",
                  "granted": "予以公开", "unavailable": "无法提供", "not_processed": "不予处理", "other": "其他处理"}  # fmt: skip


def is_previous(m: Mention, year: int | None) -> bool:
    """「（2022年为538件）」, 「上年同期为463件」, 「较2022年（78件）增长」: last year's value, no figure of
    its own."""
    if m.group is not None and not m.label and _COMPARED.search(m.opener):
        return True
    found = _PREVIOUS.match(m.label) or (m.group is not None and _PREVIOUS_VERB.match(m.label))
    if not found:
        return False
    said = found.group("year")
    return not (said and year and int(said) >= year)


def application(
    m: Mention, sentence: Sentence, part: str, year: int | None, paragraph_about_requests: bool = False
) -> Reading | None:
    """The application figure a count states, or None when it is none. Outside the 依申请公开
    part the sentence must be about 申请 (or, for a disposition category, its paragraph)."""
    if part not in (parts.REQUESTS, parts.UNMARKED, parts.PREAMBLE) or m.unit not in ("件", "条"):
        return None
    label, tail = m.label, m.tail
    if is_previous(m, year) or _OTHER_OBJECTS.search(label) or _OTHER_OBJECTS.match(tail):
        return None
    if part != parts.REQUESTS and "申请" not in sentence.norm:
        return _disposition(label, tail) if paragraph_about_requests else None
    for read in (_carried, _applicant, _disposition, _received, _answered):
        found = read(label, tail)
        if found:
            return found
    if _CHANNEL.search(label):
        return Reading(APPLICATION, "channel", None, _CHANNEL.search(label).group(0))
    if part == parts.REQUESTS or "申请" in label + tail:
        return Reading(APPLICATION, "other", None, label.removeprefix("其中") or tail)
    return None


def _carried(label: str, tail: str) -> Reading | None:
    if _CARRIED_IN.search(label) or _CARRIED_IN_TAIL.match(tail):
        return Reading(APPLICATION, "carried_in", "B.carried_in.total", "上年结转")
    if _FORWARD.search(label) or _FORWARD.search(tail[:24]):
        return Reading(APPLICATION, "carried_forward", "B.carried_forward.total", "结转下年度")
    if (
        _IN_PROGRESS.search(label)
        or (label.endswith("其余") and _PENDING_TAIL.search(tail))
        or (label.endswith(("另有", "尚有", "还有")) and _UNFINISHED.search(tail))
    ):
        return Reading(APPLICATION, "carried_forward", "B.carried_forward.total", "结转下年度")
    return None


def _applicant(label: str, tail: str) -> Reading | None:
    m = _APPLICANT.search(label)
    if not m:
        return None
    name = next(k for k in _APPLICANTS if k in m.group(0))
    return Reading(APPLICATION, "applicant", _APPLICANTS[name], name)


def disposition(label: str) -> tuple[str, str | tuple[str, ...]] | None:
    """(category id, reference) of a disposition label: the categories it names (several for a
    combined count), or the sub-category it names when it names no category after it."""
    hits = [(m.start(), m.lastgroup) for m in _CATEGORY.finditer(label)]
    sub = list(_SUB.finditer(label))
    if sub and (not hits or sub[-1].start() > hits[-1][0] or not re.search(r"等(?:原因)?", label[sub[-1].end() :])):
        row = SUBCATEGORIES[sub[-1].group(0)]
        return row, f"B.{row}.total"
    if not hits:
        return None
    ids = list(dict.fromkeys(h[1] for h in hits))
    if len(ids) == 1:
        return ids[0], CATEGORY_REF[ids[0]]
    return "+".join(ids), tuple(CATEGORY_REF[i] for i in ids)


def _disposition(label: str, tail: str) -> Reading | None:
    found = disposition(label)
    if not found:
        return None
    words = "、".join(
        CATEGORY_LABEL.get(c) or next(k for k, v in SUBCATEGORIES.items() if v == c) for c in found[0].split("+")
    )
    return Reading(APPLICATION, "disposition", found[1], words)


def _received(label: str, tail: str) -> Reading | None:
    if "结转" in label or not _RECEIVED.search(label):
        return None
    verb = list(_RECEIVED.finditer(label))[-1]
    if "申请" in label[verb.end() :] or tail.lstrip("“”\"'").startswith(("申请", "依申请公开")):
        return Reading(APPLICATION, "received", "B.new_received.total", "收到申请")
    return None


def _answered(label: str, tail: str) -> Reading | None:
    m = _ANSWERED.search(label)
    if not m or "结转" in label:
        return None
    return Reading(APPLICATION, "answered", "B.total.total", "答复申请")
