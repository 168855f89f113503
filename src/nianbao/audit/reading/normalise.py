"""Text normalised before it is read, with a map back to the original.

Traditional characters become simplified (OpenCC ``t2s``, plus the one regional word that
differs: 資訊 → 信息), full-width digits, letters and signs become ASCII, white space inside
numbers and words disappears, and Chinese numerals that count something (「十二件」,
「二〇二三年」) become digits. Chinese punctuation keeps its Chinese form: 「，」 stays a clause
boundary and 「1,234」 stays a number. Every character of the normalised text knows the
position it came from, so quotes and locations show the published words (:meth:`Text.quote`).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

import opencc

#: Words of Taiwan usage that t2s leaves as they are (資訊 → 资讯); same length on both sides.
REGIONAL_WORDS = {"资讯": "信息"}

_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH.update({0xFF0C: 0xFF0C, 0xFF1B: 0xFF1B, 0xFF1A: 0xFF1A, 0xFF08: 0xFF08, 0xFF09: 0xFF09})
_FULL_WIDTH.update({ord(";"): "；", ord(":"): "：", ord("("): "（", ord(")"): "）", 0x3007: "〇"})
_SPACE = r"[\s\u00a0\u200b\u3000\ufeff]+"
_NUMERAL = "〇零一二两三四五六七八九十百千万"
_YEAR_DIGITS = "〇零一二三四五六七八九"
#: White space; a Chinese numeral that counts (followed by a measure word, not an ordinal after
#: 第); a year written digit by digit (二〇二三年); an ASCII comma that separates no thousands.
_PASS = re.compile(
    rf"(?P<sp>{_SPACE})"
    rf"|(?<![第{_NUMERAL}])(?P<n>[{_NUMERAL}]+)(?=件|条|个|项|次|人次|篇|家|余件)"
    rf"|(?<![{_NUMERAL}])(?P<y>[{_YEAR_DIGITS}]{{4}})(?=年)"
    r"|(?P<c>(?<!\d),|,(?!\d{3}(?!\d)))"
)


@dataclass(frozen=True)
class Text:
    """A normalised text and where each of its characters came from. The map is kept as segments
    (most of a text is copied as it is): ``norm[i]`` for ``starts[k] <= i < starts[k + 1]`` came
    from ``origins[k] + (i - starts[k])``, or from ``origins[k]`` itself when ``fixed[k]`` (a
    replacement such as 「十二」 → 「12」)."""

    original: str
    norm: str
    starts: tuple[int, ...] = (0,)
    origins: tuple[int, ...] = (0,)
    fixed: tuple[bool, ...] = (False,)

    def origin(self, i: int) -> int:
        """The position in ``original`` of ``norm[i]``."""
        k = bisect.bisect_right(self.starts, i) - 1
        return self.origins[k] if self.fixed[k] else self.origins[k] + (i - self.starts[k])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``norm[start:end]``."""
        if not self.norm:
            return 0, 0
        start = min(max(start, 0), len(self.norm) - 1)
        end = min(max(end, start + 1), len(self.norm))
        return self.origin(start), self.origin(end - 1) + 1

    def quote(self, start: int, end: int) -> str:
        """The published words of ``norm[start:end]``."""
        a, b = self.span(start, end)
        return self.original[a:b].strip()

    def __len__(self) -> int:
        return len(self.norm)


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional → simplified, character for character where the phrase conversion would
    change the length (so that positions still line up)."""
    if not text or text.isascii():
        return text
    out = _converter().convert(text)
    if len(out) != len(text):
        out = "".join(_converter().convert(ch) for ch in text)
    for word, standard in REGIONAL_WORDS.items():
        out = out.replace(word, standard)
    return out


def chinese_number(numeral: str) -> int | None:
    """「十二」 → 12, 「一百零五」 → 105, 「两千」 → 2000, 「三」 → 3; None when it is no number."""
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    units = {"十": 10, "百": 100, "千": 1000}
    total, section, digit = 0, 0, None
    for ch in numeral:
        if ch in digits:
            digit = digits[ch]
        elif ch in units:
            section += (1 if digit is None else digit) * units[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def normalise(original: str) -> Text:
    """The text as the readers see it (see the module's docstring)."""
    converted = simplified(original).translate(_FULL_WIDTH)
    pieces: list[str] = []
    starts, origins, fixed = [], [], []
    at = length = 0
    for m in _PASS.finditer(converted):
        if m.start() > at:
            starts.append(length), origins.append(at), fixed.append(False)
            pieces.append(converted[at : m.start()])
            length += m.start() - at
        replacement = _replacement(m)
        if replacement:
            starts.append(length), origins.append(m.start()), fixed.append(True)
            pieces.append(replacement)
            length += len(replacement)
        at = m.end()
    if at < len(converted) or not starts:
        starts.append(length), origins.append(at), fixed.append(False)
        pieces.append(converted[at:])
    return Text(original, "".join(pieces), tuple(starts), tuple(origins), tuple(fixed))


def _replacement(m: re.Match) -> str:
    if m.group("n"):
        value = chinese_number(m.group("n"))
        return m.group("n") if value is None else str(value)
    if m.group("y"):
        return "".join(str(max(0, _YEAR_DIGITS.index(ch) - 1)) for ch in m.group("y"))
    if m.group("c"):
        return "，"  # a comma that separates no thousands is a clause boundary
    return ""  # white space
