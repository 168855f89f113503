"""The narrative read sentence by sentence, in context: :func:`read_narrative`.

For each paragraph: normalise it, know its part (by the headings before it), cut it into
sentences and their numbers; then, per sentence, read the year-on-year changes first (they take
last year's values out of the way), then what each count counts, then the shares and rates
(whose numerators are those counts), the sums and the claims in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.audit.reading import parts
from nianbao.audit.reading.cases import CaseReader
from nianbao.audit.reading.changes import read_changes
from nianbao.audit.reading.claims import read_claims, read_sums
from nianbao.audit.reading.counts import application
from nianbao.audit.reading.figures import COUNT, Side, TextFigure
from nianbao.audit.reading.mentions import COUNT as COUNT_MENTION
from nianbao.audit.reading.mentions import Mention, Sentence, sentences
from nianbao.audit.reading.normalise import Text, normalise
from nianbao.audit.reading.ratios import Told, read_ratios

_LEAD_IN = re.compile(r"(?:另有|其中|其余|此外|另|共计|共)?")


@dataclass
class Narrative:
    """The narrative as read: its paragraphs (normalised, with their parts) and its figures."""

    texts: list[Text] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)  # part → its heading's published words
    figures: list[TextFigure] = field(default_factory=list)

    @property
    def has_parts(self) -> bool:
        return bool(self.parts) and self.parts[0] != parts.UNMARKED

    def of_kind(self, kind: str) -> list[TextFigure]:
        return [f for f in self.figures if f.kind == kind]


def read_narrative(paragraphs: list[str], year: int | None = None) -> Narrative:
    texts = [normalise(p) for p in paragraphs]
    found_parts, headings = parts.assign([t.norm for t in texts])
    out = Narrative(texts, found_parts)
    for text, heading in zip(texts, headings):
        if heading and heading.part not in out.headings:
            out.headings[heading.part] = text.original.strip()
    told = Told()
    for p, (text, part) in enumerate(zip(texts, found_parts), start=1):
        if headings[p - 1]:
            continue
        about_requests = "申请" in text.norm
        for sentence in sentences(text.norm):
            out.figures.extend(_sentence(text, sentence, p, part, year, told, about_requests))
    for n, figure in enumerate(out.figures, start=1):
        figure.id = f"{figure.kind}_{n}"
    return out


def _sentence(text: Text, sentence: Sentence, p: int, part: str, year: int | None, told: Told,
              about_requests: bool) -> list[TextFigure]:  # fmt: skip
    found = read_changes(text, sentence, p, part, year)
    cases = CaseReader(part)
    for m in sentence.mentions:
        if m.kind != COUNT_MENTION or m.used:
            continue
        m.reading = _case_first(cases, m, sentence, part, year, about_requests)
        if m.reading is not None:
            found.append(_count(text, m, p, part))
            if isinstance(m.reading.ref, str):
                told.cells.setdefault(m.reading.ref, Side(m.value, m.reading.ref, m.reading.label, m.label + m.text))
    found.extend(read_ratios(text, sentence, p, part, told))
    found.extend(read_sums(text, sentence, p, part))
    found.extend(read_claims(text, sentence, p, part))
    _remember_head(sentence, told)
    return sorted(found, key=lambda f: (f.span[0], -f.span[1]))


def _case_first(cases: CaseReader, m: Mention, sentence: Sentence, part: str, year: int | None, about: bool):
    """A count in the 复议/诉讼 part (or on a page without parts) is first tried as a case figure."""
    if part == parts.REQUESTS:
        return application(m, sentence, part, year)
    return cases.read(m) or application(m, sentence, part, year, about)


def _count(text: Text, m: Mention, p: int, part: str) -> TextFigure:
    reading = m.reading
    a, b = m.label_start, m.end
    if m.tail and (_LEAD_IN.fullmatch(m.label) or ("申请" in m.tail and len(m.tail) <= 16)):
        b = m.end + len(
            m.tail
        )  # 「另有3件结转下年度继续办理」, 「收到12件“依申请公开”事项」: the words after say what it is
    return TextFigure(COUNT, text.quote(a, b), p, text.span(a, b), part, value=m.value, ref=reading.ref,
                      label=reading.label)  # fmt: skip


def _remember_head(sentence: Sentence, told: Told) -> None:
    """The last total before a 「其中」 in this sentence, for a 「其中」 in the next one."""
    at = sentence.norm.rfind("其中")
    heads = [m for m in sentence.mentions if m.kind == COUNT_MENTION and not m.used and m.group is None]
    if at >= 0:
        heads = [m for m in heads if m.start - sentence.start < at]
    told.last_head = heads[-1] if heads else None
