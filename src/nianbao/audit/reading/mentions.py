"""The numbers of a sentence and the words around them.

A sentence (of a paragraph's normalised :class:`~nianbao.audit.reading.normalise.Text`) is cut
into *mentions*: counts (「214件」, 「37条」, 「9个」, 「183项」), percentages (「34.60%」,
「不足1%」) and percentage points (「0.87个百分点」). Each count gets the words before it up to
the previous clause boundary or number (its *label*: 「本机关共收到政府信息公开申请」) and the
words after it up to the next one (its *tail*: 「申请按照规定结转至下一年度答复」), and knows the
parenthesis it stands in (「答复176件（含2020年结转8件）」: the 8 is inside, its *parent* is 176).
Scanning is linear in the sentence's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

COUNT, PERCENT, POINTS = "count", "percent", "points"
MEASURES = ("件", "条", "个", "项")
_MENTION = re.compile(
    r"(?P<below>不足|低于|少于)?(?<![\d.])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?P<unit>%|个百分点|余?件|余?条|个(?!百分点)|项)"
)
_BOUNDARY = set("，；。：（）！？")
_SENTENCE_END = re.compile(r"[。！？]")
_PARENS = re.compile(r"[（）]")
MAX_SENTENCE = 600  # a longer run without 。 is cut at its 「；」 (and, at worst, every 600 characters)


@dataclass
class Mention:
    kind: str  # COUNT | PERCENT | POINTS
    start: int  # in the paragraph's normalised text
    end: int
    value: int | Decimal
    unit: str  # 件 条 个 项 | % | 个百分点
    below: bool = False  # 「不足1%」
    group: int | None = None  # position of the 「（」 it stands in, None at the top level
    parent: int | None = None  # index (in the sentence's mentions) of the count its parenthesis follows
    label: str = ""  # the words before it, back to a boundary or the previous number
    tail: str = ""  # the words after it, up to a boundary or the next number
    label_start: int = 0  # where its label starts (for quotes)
    opener: str = ""  # the words just before its 「（」, when it stands in brackets
    reading: object = None  # what it was read as (set by the readers)
    used: bool = False  # taken as part of another figure (a change's previous value, ...)

    @property
    def text(self) -> str:
        return f"{self.value}{self.unit}"


@dataclass
class Sentence:
    start: int
    end: int
    norm: str  # the sentence's own normalised words
    mentions: list[Mention] = field(default_factory=list)

    def before(self, m: Mention, kinds: tuple[str, ...] = (COUNT,)) -> list[Mention]:
        """The mentions of the given kinds before ``m``, nearest first."""
        return [x for x in reversed(self.mentions) if x.start < m.start and x.kind in kinds]

    def local(self, a: int, b: int) -> str:
        """The sentence's words between two positions of the paragraph."""
        return self.norm[max(a - self.start, 0) : max(b - self.start, 0)]


def sentences(norm: str) -> list[Sentence]:
    """The sentences of a paragraph's normalised text, each with its mentions."""
    out = []
    for a, b in _spans(norm):
        sentence = Sentence(a, b, norm[a:b])
        sentence.mentions = _mentions(norm, a, b)
        out.append(sentence)
    return out


def _spans(norm: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for m in _SENTENCE_END.finditer(norm):
        spans.extend(_cut(norm, at, m.end()))
        at = m.end()
    if at < len(norm):
        spans.extend(_cut(norm, at, len(norm)))
    return [(a, b) for a, b in spans if norm[a:b].strip()]


def _cut(norm: str, a: int, b: int) -> list[tuple[int, int]]:
    """A sentence, or pieces of it when it is implausibly long."""
    if b - a <= MAX_SENTENCE:
        return [(a, b)]
    out = []
    while b - a > MAX_SENTENCE:
        cut = norm.rfind("；", a, a + MAX_SENTENCE)
        cut = cut + 1 if cut > a else a + MAX_SENTENCE
        out.append((a, cut))
        a = cut
    return [*out, (a, b)]


def _mentions(norm: str, a: int, b: int) -> list[Mention]:
    found = []
    for m in _MENTION.finditer(norm, a, b):
        unit = m.group("unit").lstrip("余")
        raw = m.group("num").replace(",", "")
        kind = PERCENT if unit == "%" else POINTS if unit == "个百分点" else COUNT
        if kind == COUNT and "." in raw:
            continue  # 「2.5件」 counts nothing
        value: int | Decimal = Decimal(raw) if kind != COUNT else int(raw)
        start = m.start("num") if not m.group("below") else m.start()
        found.append(Mention(kind, start, m.end(), value, unit, bool(m.group("below"))))
    _nest(norm, a, b, found)
    _words(norm, a, b, found)
    return found


def _nest(norm: str, a: int, b: int, found: list[Mention]) -> None:
    """The parenthesis each mention stands in, and the count before that parenthesis."""
    opened: list[int] = []
    k = 0
    for p in _PARENS.finditer(norm, a, b):
        while k < len(found) and found[k].start < p.start():
            found[k].group = opened[-1] if opened else None
            k += 1
        if p.group(0) == "（":
            opened.append(p.start())
        elif opened:
            opened.pop()
    for m in found[k:]:
        m.group = opened[-1] if opened else None
    for i, m in enumerate(found):
        if m.group is not None:
            m.opener = norm[max(a, m.group - 10) : m.group]
            m.parent = next(
                (j for j in range(i - 1, -1, -1) if found[j].kind == COUNT and found[j].end <= m.group),
                None,
            )


def _words(norm: str, a: int, b: int, found: list[Mention]) -> None:
    for k, m in enumerate(found):
        floor = found[k - 1].end if k else a
        start = max(floor, max(norm.rfind(ch, floor, m.start) for ch in _BOUNDARY) + 1)
        m.label_start = start
        m.label = norm[start : m.start].lstrip("、")
        ceiling = found[k + 1].start if k + 1 < len(found) else b
        ends = [e for e in (norm.find(ch, m.end, ceiling) for ch in _BOUNDARY) if e >= 0]
        m.tail = norm[m.end : min(ends, default=ceiling)]
