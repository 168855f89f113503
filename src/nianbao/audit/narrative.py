"""The narrative's figures: counts of applications and of review and litigation cases, each
disposition category with its count and share, 纠错率, and other 「占x%」 shares with the counts
they are computed from. Each becomes a :class:`~nianbao.data.model.Statement` with the table cell it
states (``subject``) or the counts it is computed from (``numerator``/``denominator``), so that
the rules T1–T4 and R1 can compare them with the tables.

Matching works on a normalised copy of each sentence (half-width digits and punctuation, no
spaces); the quoted words are taken from the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.data.model import Figure, Statement

NUM = r"(\d{1,3}(?:,\d{3})+|\d+)"
PCT = r"(\d+(?:\.\d+)?)%"

_RECEIVED = re.compile(
    rf"(?:收到|新收|受理|接收|收悉|共收)[^。;,]{{0,24}}?申请(?:数量|总数|数)?(?:共|合计|总计)?(?:为|达)?{NUM}件"
)
_CARRIED_IN = re.compile(rf"(?:上年(?:度)?结转|结转上(?:一)?年(?:度)?|上一年度结转)[^。;,\d]{{0,16}}?{NUM}件")
_ANSWERED = re.compile(rf"(?:已答复|答复|办结|办理完毕|办理完结)[^。;,\d]{{0,20}}?{NUM}件")
_FORWARD_AFTER = re.compile(rf"{NUM}件[^。;,\d]{{0,16}}?(?:顺延|结转|转入)(?:到|至)?下(?:一)?年度")
_FORWARD_BEFORE = re.compile(rf"(?:结转|顺延|转入)(?:到|至)?下(?:一)?年度[^。;,\d]{{0,12}}?{NUM}件")
_CATEGORY = re.compile(
    r"(予以公开(?:及|和|与|、|以及)部分公开|不予以?公开|予以公开|部分公开|无法提供|不予处理|其他处理)"
    rf"[^。;,\d]{{0,12}}?{NUM}件(?:[^。;\d%]{{0,10}}?(?:占|比例为|比重为)[^\d。;]{{0,8}}?{PCT})?"
)
_SHARE = re.compile(rf"{NUM}件[^。;\d%]{{0,6}}?占[^\d。;]{{0,8}}?{PCT}")
_COUNT = re.compile(rf"{NUM}件")
_CASES = re.compile(
    r"(?P<subj>一审行政诉讼|行政复议|行政诉讼|未经复议直接起诉|直接起诉|复议后起诉|经复议后起诉)"
    r"|(?P<out>结果维持|维持|结果纠正|纠正|其他结果|尚未审结|未审结)[^\d。;,]{0,8}?(?P<out_n>\d{1,3}(?:,\d{3})+|\d+)件"
    r"|(?P<rate>纠错率)[^\d。;]{0,4}?(?P<rate_v>\d+(?:\.\d+)?)%"
    r"|(?P<n>\d{1,3}(?:,\d{3})+|\d+)件"
)

CATEGORIES = {  # narrative words → (reference, label)
    "disclosed": ("BG.disclosed.total", "予以公开及部分公开"),
    "granted": ("B.granted.total", "予以公开"),
    "partly_granted": ("B.partly_granted.total", "部分公开"),
    "withheld": ("BG.withheld.total", "不予公开"),
    "unavailable": ("BG.unavailable.total", "无法提供"),
    "not_processed": ("BG.not_processed.total", "不予处理"),
    "other": ("BG.other.total", "其他处理"),
}
SUBJECTS = {  # case subject → (reference head or figure id, label)
    "review": ("C.review", "行政复议"),
    "litigation": ("C.litigation", "行政诉讼"),
    "litigation_direct": ("C.litigation_direct", "未经复议直接起诉的行政诉讼"),
    "litigation_after_review": ("C.litigation_after_review", "复议后起诉的行政诉讼"),
    "first_instance": ("F.first_instance", "一审行政诉讼"),
}
OUTCOMES = {"维持": "upheld", "纠正": "corrected", "其他结果": "other", "审结": "pending"}
OUTCOME_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


@dataclass
class Narrative:
    statements: dict[str, Statement] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # statement id → 正文第N段

    def add(self, st: Statement, paragraph: int) -> None:
        base, n = st.id, 2
        while st.id in self.statements:
            st.id = f"{base}_{n}"
            n += 1
        self.statements[st.id] = st
        self.where[st.id] = f"正文第{paragraph}段"


def extract(paragraphs: list[str]) -> Narrative:
    out = Narrative()
    for p, paragraph in enumerate(paragraphs, start=1):
        for sentence in _sentences(paragraph):
            _sentence(sentence, p, out)
    return out


# ---------------------------------------------------------------------------------------------
# text handling
# ---------------------------------------------------------------------------------------------


@dataclass
class _Text:
    original: str
    norm: str
    index: list[int]  # position in ``original`` of each character of ``norm``

    def quote(self, start: int, end: int) -> str:
        """The original words of norm[start:end], widened to their clause (，；…)."""
        a, b = self.index[start], self.index[max(start, end - 1)] + 1
        stops = "，,；;。：:"
        while a > 0 and self.original[a - 1] not in stops:
            a -= 1
        while b < len(self.original) and self.original[b] not in stops:
            b += 1
        return self.original[a:b].strip()


def _normalised(text: str) -> _Text:
    chars, index = [], []
    for i, ch in enumerate(text):
        for out in unicodedata.normalize("NFKC", ch):
            if not out.isspace():
                chars.append(out)
                index.append(i)
    return _Text(text, "".join(chars), index)


def _sentences(paragraph: str) -> list[_Text]:
    return [_normalised(s) for s in re.split(r"(?<=[。])", paragraph) if s.strip()]


def _int(text: str) -> int:
    return int(text.replace(",", ""))


# ---------------------------------------------------------------------------------------------
# one sentence
# ---------------------------------------------------------------------------------------------


def _count(
    out: Narrative,
    p: int,
    ident: str,
    label: str,
    subject: str,
    value: int,
    quote: str,
    spans: list[tuple[int, int, str]] | None = None,
    span: tuple[int, int] | None = None,
) -> None:
    out.add(Statement(ident, "count", label, Decimal(value), unit="件", subject=subject, source=quote), p)
    if spans is not None and span is not None:
        spans.append((span[0], span[1], subject))


def _sentence(t: _Text, p: int, out: Narrative) -> None:
    s = t.norm
    taken: list[tuple[int, int]] = []
    counted: list[tuple[int, int, str]] = []  # where a count statement is, and the cell it states

    def free(m: re.Match) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    for m in _CATEGORY.finditer(s):
        word = m.group(1)
        cat = ("disclosed" if "部分公开" in word and "予以公开" in word else "withheld" if word.startswith("不予") and "公开" in word
               else {"予以公开": "granted", "部分公开": "partly_granted", "无法提供": "unavailable",
                     "不予处理": "not_processed", "其他处理": "other"}[word])  # fmt: skip
        ref, label = CATEGORIES[cat]
        quote = t.quote(m.start(), m.end())
        _count(out, p, f"count_{cat}", f"{label}件数", ref, _int(m.group(2)), quote, counted, m.span())
        if m.group(3):
            out.add(
                Statement(
                    f"share_{cat}",
                    "share",
                    f"{label}占比",
                    Decimal(m.group(3)),
                    numerator=ref,
                    denominator="B.total.total",
                    source=quote,
                ),
                p,
            )
        taken.append(m.span())
    for pattern, ident, label, ref in (
        (_CARRIED_IN, "count_carried_in", "上年结转申请件数", "B.carried_in.total"),
        (_FORWARD_AFTER, "count_carried_forward", "结转下年度申请件数", "B.carried_forward.total"),
        (_FORWARD_BEFORE, "count_carried_forward", "结转下年度申请件数", "B.carried_forward.total"),
        (_RECEIVED, "count_received", "新收申请件数", "B.new_received.total"),
        (_ANSWERED, "count_answered", "答复申请件数（含上年结转）", "B.total.total"),
    ):
        for m in pattern.finditer(s):
            if not free(m) or (pattern is _RECEIVED and ("结转" in m.group(0) or "答复" in m.group(0))):
                continue
            if pattern is _ANSWERED and s[max(0, m.start() - 2) : m.start()] in ("不予", "予以"):
                continue
            _count(out, p, ident, label, ref, _int(m.group(1)), t.quote(m.start(), m.end()), counted, m.span())
            taken.append(m.span())
    if re.search("复议|诉讼|起诉", s):
        _cases(t, p, out, taken)
    for m in _SHARE.finditer(s):
        if free(m):
            _generic_share(t, m, p, out, counted)
            taken.append(m.span())


def _cases(t: _Text, p: int, out: Narrative, taken: list[tuple[int, int]]) -> None:
    s = t.norm
    subject: str | None = None
    subject_at = 0
    has_total: set[str] = set()
    for m in _CASES.finditer(s):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        if m.group("subj"):
            word = m.group("subj")
            subject_at = m.start()
            subject = {"一审行政诉讼": "first_instance", "行政复议": "review", "行政诉讼": "litigation",
                       "复议后起诉": "litigation_after_review", "经复议后起诉": "litigation_after_review"}.get(word, "litigation_direct")  # fmt: skip
            continue
        if subject is None:
            continue
        label = SUBJECTS[subject][1]
        quote = t.quote(subject_at, m.end())
        if m.group("out"):
            outcome = next(v for k, v in OUTCOMES.items() if k in m.group("out"))
            _case_count(out, p, subject, outcome, _int(m.group("out_n")), quote)
        elif m.group("rate"):
            ref_num, ref_den = _case_ref(subject, "corrected"), _case_ref(subject, "total")
            out.add(
                Statement(
                    f"rate_{subject}_corrected",
                    "rate",
                    f"{label}纠错率",
                    Decimal(m.group("rate_v")),
                    numerator=ref_num,
                    denominator=ref_den,
                    source=quote,
                ),
                p,
            )
        elif subject not in has_total:
            has_total.add(subject)
            _case_count(out, p, subject, "total", _int(m.group("n")), quote)
        taken.append(m.span())


def _case_ref(subject: str, outcome: str) -> str:
    head = SUBJECTS[subject][0]
    return f"F.first_instance_{outcome}" if subject == "first_instance" else f"{head}.{outcome}"


def _case_count(out: Narrative, p: int, subject: str, outcome: str, value: int, quote: str) -> None:
    label = f"{SUBJECTS[subject][1]}{OUTCOME_LABELS[outcome]}件数"
    if subject == "first_instance":
        fid = f"first_instance_{outcome}"
        out.figures[fid] = Figure(fid, label, value, "件", 4, source=quote)
        return
    _count(out, p, f"count_{subject}_{outcome}", label, _case_ref(subject, outcome), value, quote)


def _generic_share(t: _Text, m: re.Match, p: int, out: Narrative, counted: list[tuple[int, int, str]]) -> None:
    """「…收到申请671件，其中自然人487件，占72.58%」: the base is the first larger count before it;
    when that count is one the narrative states about a table cell, the base is that cell."""
    numerator = _int(m.group(1))
    base = next((c for c in _COUNT.finditer(t.norm, 0, m.start()) if _int(c.group(1)) >= numerator), None)
    if base is None:
        return
    k = len(out.figures) + 1
    num_id, den_id = f"share_{k}_part", f"share_{k}_base"
    quote = t.quote(m.start(), m.end())
    out.figures[num_id] = Figure(num_id, "占比所依据的件数", numerator, "件", 3, source=quote)
    denominator = next((ref for a, b, ref in counted if a <= base.start() < b), None)
    if denominator is None:
        out.figures[den_id] = Figure(
            den_id, "占比的基数（同句中在前的较大件数）", _int(base.group(1)), "件", 3, source=quote
        )
        denominator = f"F.{den_id}"
    out.add(
        Statement(
            f"share_{k}",
            "share",
            f"占比（{numerator}件）",
            Decimal(m.group(2)),
            numerator=f"F.{num_id}",
            denominator=denominator,
            source=quote,
        ),
        p,
    )
