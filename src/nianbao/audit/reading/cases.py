"""Review and litigation figures: 「被申请行政复议7件（结果维持5件、结果纠正1件、尚未审结1件）」,
「被提起行政诉讼4件（判决维持3件、以其他方式结案1件）」, 「4件行政复议案件截至年底尚未审结」,
「一审行政诉讼案件687件，结果纠正23件」. An outcome belongs to the case subject named last in
its sentence; 一审 counts, 已审结 counts and review cases carried over from last year are
figures without a table cell."""

from __future__ import annotations

import re

from nianbao.audit.reading import parts
from nianbao.audit.reading.counts import CASE, Reading
from nianbao.audit.reading.mentions import Mention

FIRST_INSTANCE = "first_instance"
_SUBJECT = re.compile(
    r"(?P<first_instance>一审[^，；]{0,6}?诉讼)|(?P<litigation_direct>未经复议直接起诉|直接起诉)"
    r"|(?P<litigation_after_review>经?复议后起诉|经复议起诉)|(?P<litigation>行政诉讼|诉讼|起诉)"
    r"|(?P<review>行政复议|复议)"
)
_OUTCOME = re.compile(
    r"(?P<pending>尚未审结|未审结|尚在审理|审理中|未结案)|(?P<concluded>已审结|审结)"
    r"|(?P<corrected>结果纠正|被纠错|纠错|判决纠正|纠正|败诉|确认违法)"
    r"|(?P<other>其他结果|其他方式结案|以其他方式)|(?P<upheld>结果维持|判决维持|维持)|(?P<carried>结转)"
)
_LEAD_IN = re.compile(r"^(?:另有|其中|其余|此外|另|共|合计)?$")
SUBJECT_LABELS = {
    "review": "行政复议",
    "litigation": "行政诉讼",
    "litigation_direct": "未经复议直接起诉的行政诉讼",
    "litigation_after_review": "复议后起诉的行政诉讼",
    FIRST_INSTANCE: "一审行政诉讼",
}
OUTCOME_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


class CaseReader:
    """Reads the case figures of one sentence, in order (it remembers the subject)."""

    def __init__(self, part: str) -> None:
        self.active = part in (parts.REVIEW, parts.UNMARKED, parts.PREAMBLE)
        self.subject: str | None = None

    def read(self, m: Mention) -> Reading | None:
        if not self.active or m.unit != "件":
            return None
        words = m.label
        if _LEAD_IN.match(words) and (_SUBJECT.search(m.tail) or _OUTCOME.search(m.tail)):
            words = m.tail  # 「另有4件行政复议案件截至年底尚未审结」
        subjects = list(_SUBJECT.finditer(words))
        outcome = _OUTCOME.search(words)
        if subjects:
            self.subject = subjects[-1].lastgroup
        elif outcome is None or self.subject is None:
            return None
        subject = self.subject
        column = outcome.lastgroup if outcome else "total"
        label = SUBJECT_LABELS[subject] + ("" if column in ("concluded", "carried") else OUTCOME_LABELS[column])
        if subject == FIRST_INSTANCE or column in ("concluded", "carried"):
            return Reading(CASE, "case", None, label + ("已审结" if column == "concluded" else ""))
        return Reading(CASE, "case", f"C.{subject}.{column}", label)
