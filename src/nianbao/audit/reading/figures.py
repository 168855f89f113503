"""What the narrative states, figure by figure, as a careful reader extracts it.

Six kinds (the audit corpus's gold files use the same vocabulary, tests/audit_corpus/README.md):

count   a number of applications or of review/litigation cases, with the table cell it states
share   「占x%」: numerator and base, each with the words it was read from
rate    a named rate (主动公开率, 公开率, 同意公开率, 纠错率) with its counts when the text gives them
change  a year-on-year change (x%, x个百分点, N件/条/项) with this year's and last year's values
claim   a statement in words (「未收到政府信息公开申请」, 「均获维持」)
sum     a total stated with its complementary parts (「其中公文A条、非公文B条」)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

Ref = str | tuple[str, ...] | None

COUNT, SHARE, RATE, CHANGE, CLAIM, SUM = "count", "share", "rate", "change", "claim", "sum"

#: The claims in words, and what each says in Chinese (for findings).
CLAIMS = {
    "no_applications": "未收到政府信息公开申请",
    "no_carried_in": "无上年结转申请",
    "no_carried_forward": "无结转下年度的申请",
    "no_review_litigation": "未发生行政复议和行政诉讼",
    "review_litigation_all_upheld": "行政复议、行政诉讼均获维持",
    "no_correction": "未发生被纠错（败诉）情况",
}


@dataclass
class Side:
    """One number a figure is made of: a share's numerator or base, a change's current or previous
    value, a sum's total or part."""

    value: int | Decimal | None
    ref: Ref = None  # the table cell it is, when it is one
    label: str = ""  # what it counts, in words (simplified)
    words: str = ""  # the published words it was read from, or why it was taken (format convention)

    def to_dict(self) -> dict:
        out: dict = {"value": _plain(self.value)}
        if self.ref:
            out["ref"] = list(self.ref) if isinstance(self.ref, tuple) else self.ref
        if self.label:
            out["label"] = self.label
        if self.words:
            out["words"] = self.words
        return out


@dataclass
class TextFigure:
    kind: str  # COUNT | SHARE | RATE | CHANGE | CLAIM | SUM
    quote: str  # the published words
    paragraph: int  # 1-based, among the narrative's paragraphs
    span: tuple[int, int]  # of the quote in the paragraph's published text
    part: str  # the report part it stands in (reading.parts)
    value: int | Decimal | str | None = None  # count; share/rate/change as published ("<1" for 不足1%)
    ref: Ref = None  # count: the table cell(s) it states
    label: str = ""  # count: what it counts; rate: its name
    numerator: Side | None = None
    base: Side | None = None  # None: the base cannot be known
    base_named: bool = False  # the text says which base (「占答复总数的」)
    alternatives: list[Side] = field(default_factory=list)  # other bases a reader would try
    counted_in: str = ""  # share: 件 | 条 | 个
    unit: str = ""  # change: % | 个百分点 | 件 | 条 | 项
    direction: str = ""  # change: up | down
    current: Side | None = None
    previous: Side | None = None
    claim: str = ""
    scope: tuple[str, ...] = ()  # claim: the table 表三 blocks it speaks of
    total: Side | None = None
    parts: list[Side] = field(default_factory=list)
    id: str = ""

    @property
    def where(self) -> str:
        return f"正文第{self.paragraph}段"

    def to_dict(self) -> dict:
        out: dict = {"id": self.id, "kind": self.kind, "quote": self.quote, "where": self.where}
        if self.kind == CLAIM:
            out["claim"] = self.claim
            return out
        out["value"] = _plain(self.value)
        if self.kind == COUNT:
            out["ref"] = list(self.ref) if isinstance(self.ref, tuple) else self.ref
            out["label"] = self.label
        if self.kind in (SHARE, RATE):
            out.update(numerator=_side(self.numerator), base=_side(self.base), base_named=self.base_named)
            out["name" if self.kind == RATE else "counted_in"] = self.label if self.kind == RATE else self.counted_in
        if self.kind == CHANGE:
            out.update(unit=self.unit, direction=self.direction, current=_side(self.current))
            out["previous"] = _side(self.previous)
        if self.kind == SUM:
            out.update(total=_side(self.total), parts=[p.to_dict() for p in self.parts])
        return out


def _side(side: Side | None) -> dict | None:
    return None if side is None else side.to_dict()


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value
