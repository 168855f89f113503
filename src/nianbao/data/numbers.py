"""Reading numbers as people type and publish them: full-width digits, thousands separators,
spaces and no-break spaces are accepted; a unit or other text in a number cell is not.

:func:`read_number` never guesses: 「251000元」 is reported as a number with a unit, not read as
251000. Digits are read from a whitelist of forms (ASCII and full-width, :data:`DIGIT_FORMS`),
never through Unicode normalisation of the whole text: NFKC would turn the footnote mark of
「3541¹」 into a digit (35411) and the enclosed 「⑫」 into 12; such a cell is reported instead
(:data:`ODD_DIGIT`). Chinese numerals are not read in number cells. Callers (the workbook
importer, the audit of published pages) turn the problem codes into their own located messages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: The largest count or amount accepted; no unit receives a billion applications.
MAX_VALUE = 999_999_999

#: Marks people put in a cell to say "nothing" or "not published".
DASHES = frozenset({"—", "——", "-", "--", "－", "–", "/", "／", "\\"})
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]+\.[0-9]+$")
_UNIT = re.compile(r"^[+-]?[0-9,.]+\s*(万元|元|万|件|项|个|次|人次|条|%|％)$")

#: The forms of digits and signs a number may be typed in, and what each stands for: ASCII,
#: full-width (Chinese input methods), and the minus signs and separators that come with them.
DIGIT_FORMS = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "，": ",", "．": ".", "－": "-", "＋": "+", "−": "-", "％": "%"}
)

# problem codes
BLANK, DASH, TEXT, WITH_UNIT, NEGATIVE, NOT_WHOLE, TOO_LARGE, ODD_DIGIT = (
    "blank", "dash", "text", "with_unit", "negative", "not_whole", "too_large", "odd_digit",
)  # fmt: skip

MESSAGES = {
    BLANK: "blank",
    DASH: "a dash, not a number",
    TEXT: "not a number",
    WITH_UNIT: "a number with a unit or other text: type the number only",
    NEGATIVE: "a count cannot be negative",
    NOT_WHOLE: "not a whole number",
    TOO_LARGE: f"implausibly large (more than {MAX_VALUE})",
    ODD_DIGIT: "a number with a character that is no ordinary digit (a footnote mark, an enclosed or superscript number): type the number only",
}

#: The same, as report text (for findings of an audit).
NOTES = {
    BLANK: "空白单元格：格式要求填写数字（没有发生的事项应填0）",
    DASH: "单元格为短横线而不是数字（没有发生的事项应填0）",
    TEXT: "单元格内容不是数字",
    WITH_UNIT: "数字后带有单位或其他文字，无法作为数值读取",
    NEGATIVE: "计数不能为负数",
    NOT_WHOLE: "计数应为整数",
    TOO_LARGE: f"数值大得不合理（超过{MAX_VALUE}）",
    ODD_DIGIT: "数字中含有非普通数字的字符（脚注标记、上标或带圈数字），无法作为数值读取",
}


@dataclass(frozen=True)
class Reading:
    text: str  # the cell's text as given (stripped)
    value: int | Decimal | None
    problem: str | None = None  # one of the codes above; None when the value was read

    @property
    def ok(self) -> bool:
        return self.problem is None


def normalize(text: str) -> str:
    """A label as compared: full-width to half-width (NFKC) and no spaces of any kind. For labels
    only; numbers are read with :func:`digits`."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def digits(text: str) -> str:
    """A number's text with its whitelisted digit forms made ASCII and its spaces removed;
    every other character is kept as it is (and so is not read as a digit)."""
    return _SPACES.sub("", str(text)).translate(DIGIT_FORMS)


def _odd_digit(text: str) -> bool:
    """True when ``text`` holds a character that counts as a digit or number in Unicode but is not
    one of :data:`DIGIT_FORMS` (superscripts, circled or Arabic-Indic digits, fractions, ...)."""
    return any(
        not ("0" <= ch <= "9") and unicodedata.numeric(ch, None) is not None and not _is_chinese_numeral(ch)
        for ch in text
    )


def _is_chinese_numeral(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch == "〇"


def read_number(text: str, kind: str = "count") -> Reading:
    """Read a count (``count``), a signed whole number (``change``) or an amount (``amount``)."""
    shown = _SPACES.sub(" ", str(text)).strip()
    t = digits(shown)
    if not t:
        return Reading(shown, None, BLANK)
    if t in DASHES or normalize(shown) in DASHES:
        return Reading(shown, None, DASH)
    if _odd_digit(t):
        return Reading(shown, None, ODD_DIGIT)
    if _GROUPED.match(t):
        t = t.replace(",", "")
    if _INTEGER.match(t):
        value: int | Decimal = int(t)
    elif _DECIMAL.match(t):
        try:
            value = Decimal(t)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return Reading(shown, None, TEXT)
        if kind != "amount":
            if value != value.to_integral_value():
                return Reading(shown, None, NOT_WHOLE)
            value = int(value)
    else:
        return Reading(shown, None, WITH_UNIT if _UNIT.match(t) else TEXT)
    return check_value(value, kind, shown)


def check_value(value: int | Decimal, kind: str, shown: str = "") -> Reading:
    """Range and sign checks for a value already read."""
    if kind != "change" and value < 0:
        return Reading(shown or str(value), None, NEGATIVE)
    if abs(value) > MAX_VALUE:
        return Reading(shown or str(value), None, TOO_LARGE)
    return Reading(shown or str(value), value)
