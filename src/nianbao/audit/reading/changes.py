"""Year-on-year changes: 「较上年上升18%（2022年为132件）」, 「上年同期为463件，同比下降10.77%」,
「比2022年减少32件（2022年答复649件），下降4.93%」, 「较2022年的43.62%上升4.35个百分点」,
「较上年（47.35%）上升3.24个百分点」, 「较上年增长12.3%」 (last year's value not given: it cannot
be checked). This year's value is the figure the change follows; last year's value is the one the
text gives in brackets or just before, and it is no figure of its own."""

from __future__ import annotations

import re
from decimal import Decimal

from nianbao.audit.reading.counts import is_previous
from nianbao.audit.reading.figures import CHANGE, Side, TextFigure
from nianbao.audit.reading.mentions import COUNT, PERCENT, POINTS, Mention, Sentence
from nianbao.audit.reading.normalise import Text

_UP = "上升|增长|增加|提高|上涨|增多"
_DOWN = "下降|减少|降低|下滑|回落"
_CHANGE = re.compile(rf"(?:(?:较|比|同比|环比)[^，；。]*?)?(?P<verb>{_UP}|{_DOWN})(?:了)?$")
_ANCHOR = re.compile(r"较|比|同比|环比")
_PREVIOUS_RATE = re.compile(
    r"(?:较|比)(?:上年|去年|上一年度?|\d{4}年)(?:同期)?的?$|^(?:\d{4}年|上年)(?:同期)?(?:为|是)?$"
)


def is_change(m: Mention, clause: str, last_change: Mention | None) -> str | None:
    """ "up"/"down" when the mention is a change. Its clause (「较2022年的43.62%上升」, 「较上年（47.35%）
    上升」) must say against what, unless it continues a change before it (「，下降4.93%」)."""
    found = _CHANGE.search(m.label)
    if not found or (m.kind == COUNT and not _ANCHOR.search(m.label)):
        return None
    if not _ANCHOR.search(clause) and last_change is None:
        return None
    return "up" if re.fullmatch(_UP, found.group("verb")) else "down"


def _clause(sentence: Sentence, m: Mention) -> str:
    """The words of ``m``'s clause before it (brackets included)."""
    text = sentence.local(sentence.start, m.start)
    depth, at = 0, len(text)
    while at > 0:
        ch = text[at - 1]
        depth += ch == "）"
        depth -= ch == "（"
        if depth <= 0 and ch in "，；：。":
            break
        at -= 1
    return text[at:]


def read_changes(text: Text, sentence: Sentence, p: int, part: str, year: int | None) -> list[TextFigure]:
    """The sentence's changes; the mentions they use (last year's values) are marked used."""
    out: list[TextFigure] = []
    last: TextFigure | None = None
    last_mention: Mention | None = None
    for m in sentence.mentions:
        if m.used or not _CHANGE.search(m.label):
            continue
        direction = is_change(m, _clause(sentence, m), last_mention)
        if direction is None:
            continue
        m.used = True
        figure = _change(text, sentence, m, direction, p, part, year, last)
        out.append(figure)
        last, last_mention = figure, m
    return out


def _change(text, sentence, m, direction, p, part, year, last) -> TextFigure:
    unit = "个百分点" if m.kind == POINTS else m.unit
    before = sentence.before(m, (COUNT, PERCENT))
    if m.kind == POINTS or (m.unit == "%" and before and before[0].kind == PERCENT and before[0].group is None):
        current, previous = _rates(sentence, m)  # 「公开率达94.8%，较上年上升4.6%」: the rate changed
    else:
        current, previous = _counts(sentence, m, year)
    if previous is None and last is not None and current is None:
        current, previous = last.current, last.previous  # 「比2022年减少32件（…），下降4.93%」
    elif previous is None and last is not None and last.current and current and last.current.value == current.value:
        previous = last.previous
    a, b = m.label_start, m.end
    if not _ANCHOR.search(m.label) and _ANCHOR.search(_clause(sentence, m)):
        a = _clause_start(sentence, m)  # 「较2022年（78件）增长10.26%」: the words that say against what
    return TextFigure(CHANGE, text.quote(a, b), p, text.span(a, b), part, value=m.value, unit=unit,
                      direction=direction, current=current, previous=previous)  # fmt: skip


def _counts(sentence: Sentence, m: Mention, year: int | None) -> tuple[Side | None, Side | None]:
    previous = current = None
    for other in sentence.mentions:
        if other.kind != COUNT or other is m:
            continue
        if other.group is not None and other.start > m.end and previous is None and is_previous(other, year):
            if _adjacent(sentence, m, other):
                previous, other.used = Side(other.value, words=other.label + other.text), True
    for other in sentence.before(m):
        if other.used and previous is None and is_previous(other, year):
            continue
        if is_previous(other, year) and previous is None:
            previous, other.used = Side(other.value, words=other.label + other.text), True
            continue
        if not other.used and other.group is None:
            current = Side(other.value, words=other.label + other.text)
            break
    return current, previous


def _clause_start(sentence: Sentence, m: Mention) -> int:
    """Where the clause of ``m`` starts (in the paragraph), brackets included."""
    return m.start - len(_clause(sentence, m))


def _adjacent(sentence: Sentence, m: Mention, other: Mention) -> bool:
    """Whether ``other`` (in brackets) follows the change ``m`` with nothing but words between."""
    between = [x for x in sentence.mentions if m.end <= x.start < other.start]
    return not between and other.start - m.end <= 16


def _rates(sentence: Sentence, m: Mention) -> tuple[Side | None, Side | None]:
    previous = current = None
    for other in sentence.mentions:
        if other.kind != PERCENT or other is m:
            continue
        if other.start > m.end and other.group is not None and _adjacent(sentence, m, other):
            if _PREVIOUS_RATE.search(other.label):
                previous, other.used = Side(other.value, words=other.label + other.text), True
    for other in sentence.before(m, (PERCENT,)):
        if previous is None and (_PREVIOUS_RATE.search(other.label) or other.group is not None):
            previous, other.used = Side(other.value, words=other.label + other.text), True
            continue
        if current is None and not other.used:
            current = Side(other.value, words=other.label + other.text)
            break
    return _str(current), _str(previous)


def _str(side: Side | None) -> Side | None:
    if side is not None and isinstance(side.value, Decimal):
        side.value = str(side.value)  # type: ignore[assignment]
    return side
