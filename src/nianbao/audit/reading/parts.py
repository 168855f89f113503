"""The report's parts, found by their headings.

A heading is a short paragraph that names one of the six parts in either format version's
wording (「三、收到和处理政府信息公开申请情况」, 「四、因政府信息公开工作被申请行政复议和提起行政
诉讼情况」), in older reports' wording (「依申请公开政府信息情况」, 「政府信息公开的收费及减免情况」),
numbered in any style (一、 （三） 3. 第三部分) or not numbered at all. A page whose paragraphs
name no part at all is read as one unmarked text (:data:`UNMARKED`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OVERVIEW, ACTIVE, REQUESTS, REVIEW, FEES, PROBLEMS, OTHER = (
    "overview", "active", "requests", "review", "fees", "problems", "other",
)  # fmt: skip
PREAMBLE = "preamble"  # before the first heading of a page that has headings
UNMARKED = "unmarked"  # a page without any part heading

#: Part → what its heading says (checked in this order, on the heading without its number).
_HEADINGS: tuple[tuple[str, re.Pattern], ...] = (
    (REVIEW, re.compile(r"行政复议|行政诉讼")),
    (REQUESTS, re.compile(r"(收到|处理|依申请公开).*申请|依申请公开政府信息|依申请公开")),
    (ACTIVE, re.compile(r"主动公开")),
    (FEES, re.compile(r"收费及减免|收费和减免")),
    (PROBLEMS, re.compile(r"问题.*(改进|措施)")),
    (OTHER, re.compile(r"其他需要报告")),
    (OVERVIEW, re.compile(r"^(总体情况|概述|基本情况|总体概述)$")),
)
_NUMBER = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\d+[、.．]|（\d+）)\s*"
)
_MAX_HEADING = 40


@dataclass(frozen=True)
class Heading:
    part: str
    text: str  # the heading's normalised words, without its number


def heading(norm: str) -> Heading | None:
    """The part a paragraph opens, when the paragraph is a part heading."""
    text = norm.strip().rstrip("：:")
    if not text or len(text) > _MAX_HEADING or "。" in text[:-1] or re.search(r"\d+(件|条|个|%)", text):
        return None
    bare = _NUMBER.sub("", text, count=1)
    if not bare.endswith(("情况", "概述", "事项", "措施", "问题")):
        return None
    for part, pattern in _HEADINGS:
        if pattern.search(bare):
            return Heading(part, bare)
    return None


def assign(norms: list[str]) -> tuple[list[str], list[Heading | None]]:
    """The part of every paragraph (headings belong to the part they open), and the heading
    each paragraph is (None for the others)."""
    headings = [heading(n) for n in norms]
    if not any(headings):
        return [UNMARKED] * len(norms), headings
    parts, current = [], PREAMBLE
    for found in headings:
        if found:
            current = found.part
        parts.append(current)
    return parts, headings
