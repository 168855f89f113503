"""Text lines placed on pages (from a PDF's text layer or from OCR) → paragraphs in reading order.

A paragraph ends where the next line is set apart (a wider gap than between the lines of a
paragraph, a first-line indent, another font or size) or where a line stops short of the right
margin (the last line of a paragraph, a heading). Coordinates are points from the page's top
left; OCR'd pages are scaled to points first, so one set of thresholds (in units of the body's
font size) serves both.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from itertools import pairwise

from nianbao.audit.page import Paragraph

_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_IN_CJK = re.compile(
    rf"(?<=[{_CJK}])\s+(?=[{_CJK}0-9%.,:;!?()[\]{{}}'\"])"  # before: Chinese, digits, punctuation
    rf"|(?<=[{_CJK}0-9.,:;()[\]{{}}'\"])\s+(?=[{_CJK}])"  # after them: Chinese
    r"|(?<=\d)\s+(?=%)"
)
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d+[、.．](?!\d))"
)
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–\s]*$")
_ENDS_SENTENCE = tuple("。！？；：!?;:")


@dataclass
class Line:
    """One line of text on a page."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    size: float = 0.0  # font size (or glyph height when OCR'd)
    font: str = ""  # font name of most of its characters; "" when unknown (OCR)
    confidence: float | None = None  # OCR: the least sure word's confidence
    pieces: list[tuple[str, float, float]] = field(default_factory=list)  # characters (or OCR'd words) and their x


def clean(text: str) -> str:
    """Spaces collapsed in each line, empty lines dropped (as for web pages)."""
    lines = [_WS.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def close_cjk_spaces(text: str) -> str:
    """Spaces between Chinese characters (and between them and digits) removed: OCR, and some
    PDF producers, set one between every character."""
    return _SPACE_IN_CJK.sub("", text)


def join_lines(first: str, second: str) -> str:
    """Two lines of one paragraph: a space only between two Latin words."""
    if first and second and first[-1].isascii() and first[-1].isalpha() and second[0].isascii() and second[0].isalpha():
        return first + " " + second
    return first + second


def is_page_number(line: Line, page_height: float) -> bool:
    """「- 3 -」, 「第3页」, 「3/12」 in the top or bottom margin: the page's furniture, not text."""
    margin = page_height * 0.1
    return bool(_PAGE_NUMBER.match(line.text)) and (line.top < margin or line.bottom > page_height - margin)


@dataclass
class Geometry:
    """What paragraphs are measured against: the text block's margins and the body's font."""

    left: float
    right: float
    size: float
    gap: float  # the usual space between two lines of a paragraph
    font: str


def geometry(lines: list[Line]) -> Geometry:
    if not lines:
        return Geometry(0, 0, 10, 3, "")
    weights: dict[tuple[str, float], int] = {}
    for line in lines:
        k = (line.font, round(line.size, 0))
        weights[k] = weights.get(k, 0) + len(line.text)
    font, size = max(weights, key=weights.__getitem__)
    body = [line for line in lines if (line.font, round(line.size, 0)) == (font, size)] or lines
    lefts = sorted(line.x0 for line in body)
    rights = sorted(line.x1 for line in body)
    left = lefts[len(lefts) // 10]
    right = rights[min(len(rights) - 1, (len(rights) * 9) // 10)]
    gaps = [b.top - a.bottom for a, b in pairwise(body) if a.page == b.page and 0 <= b.top - a.bottom < 2 * size]
    gap = statistics.median(gaps) if gaps else size * 0.5
    return Geometry(left, right, size or 10, gap, font)


def _style(line: Line, g: Geometry) -> tuple[str, int]:
    return line.font, round(line.size / g.size * 5) if g.size else 0  # font, size in steps of a fifth


def continues(prev: Line, line: Line, g: Geometry) -> bool:
    """Whether ``line`` continues the paragraph whose last line is ``prev``."""
    size = g.size
    if line.page == prev.page and line.top - prev.bottom > g.gap + 0.45 * size:
        return False  # set apart by space
    if _style(prev, g) != _style(line, g):
        return False  # a heading, or text of another kind
    if prev.x1 < g.right - 1.5 * size:
        return False  # the previous line stopped short: its paragraph (or heading) ended
    if line.x0 > g.left + 0.9 * size:
        return False  # first-line indent, or centred
    # a sentence ended and the next line starts like a heading: 「一、」「（二）」「3.」
    return not (prev.text.endswith(_ENDS_SENTENCE) and _HEADING_START.match(line.text))


def paragraphs(lines: list[Line], g: Geometry) -> list[tuple[Paragraph, bool]]:
    """The paragraphs of consecutive lines (no table between them), in order, each with whether
    it is a heading (set larger than the body: a title)."""
    out: list[tuple[Paragraph, bool]] = []
    group: list[Line] = []

    def flush() -> None:
        if not group:
            return
        text = group[0].text
        for line in group[1:]:
            text = join_lines(text, line.text)
        confidences = [c for line in group if line.confidence is not None for c in [line.confidence]]
        text = clean(text)
        if text:
            heading = group[0].size >= g.size * 1.15
            out.append((Paragraph(text, group[0].page, min(confidences) if confidences else None), heading))
        group.clear()

    for line in lines:
        if group and not continues(group[-1], line, g):
            flush()
        group.append(line)
    flush()
    return out
