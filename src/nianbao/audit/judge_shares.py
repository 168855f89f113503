"""Every published share and named rate, judged against the bases a reader would try
(:func:`nianbao.rules.rates.which_base`), with the numerator, the base and the words that led
to them in each judgement.

- It matches its base (half-up at its published precision): nothing to report.
- It matches only when truncated, or only against another plausible base (the received total
  for a disposition share, the narrative's own answered count when the table's differs, the
  concluded cases for a 纠错率): a warning that says which.
- The text names its base (「占答复总数的」) and only another base gives the value, or nothing
  gives it: an error.
- The base (or the numerator) is nowhere given: 「无法复核」, and why — never a guessed base.

A disposition count that differs from the table, followed by its share computed from that
count, is one problem (the count), quoted on the share.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.audit.checks import Checked
from nianbao.audit.reading.figures import RATE, SHARE, Side, TextFigure
from nianbao.audit.reading.ratios import ANSWERED
from nianbao.data.model import UnitYear
from nianbao.rules import RULES
from nianbao.rules.findings import ERROR, UNVERIFIABLE, WARNING, Finding, Location
from nianbao.rules.narrative import narrative_rule
from nianbao.rules.rates import MATCH, OTHER_BASE, TRUNCATED, UNKNOWN, Base, Verdict, verdict_note, which_base

_SEVERITY = {TRUNCATED: WARNING, OTHER_BASE: WARNING, UNKNOWN: UNVERIFIABLE}


@dataclass
class Judgement:
    """A share or rate as judged: the figure (its base filled in), the verdict, its finding."""

    figure: TextFigure
    verdict: Verdict
    rule: str
    note: str
    finding: Finding | None = None


def table_value(checked: Checked, ref) -> int | None:
    """A narrative reference's value in the tables as checked (None when that table is missing
    or the cell unknown); a combined reference is the sum of its parts."""
    if isinstance(ref, tuple):
        values = [table_value(checked, r) for r in ref]
        return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]
    if not ref or ref.split(".")[0] not in ("B", "BG", "C"):
        return None
    table = "C" if ref.startswith("C.") else "B"
    if table not in checked.present:
        return None
    value = checked.uy.resolve(ref)
    return None if value is None else int(value)


def judge_ratios(figures: list[TextFigure], checked: Checked, uy: UnitYear) -> tuple[list[Judgement], set[int]]:
    """The judgements of every share and rate, and the ids (``id()``) of the count figures whose
    mismatch a share's judgement already reports."""
    told_answered = next((f.value for f in figures if f.kind == "count" and f.ref == ANSWERED), None)
    counts: dict[tuple[int, object], list[TextFigure]] = {}
    for f in figures:
        if f.kind == "count":
            counts.setdefault((f.paragraph, f.value), []).append(f)
    out, merged = [], set()
    for figure in figures:
        if figure.kind not in (SHARE, RATE):
            continue
        judgement = _judge(figure, checked, told_answered)
        if judgement.verdict.kind == "count" and figure.numerator is not None:
            candidates = counts.get((figure.paragraph, figure.numerator.value), [])
            count = next((f for f in candidates if _is_numerator(f, figure)), None)
            if count is not None:
                merged.add(id(count))
        judgement.finding = _finding(judgement, uy, checked)
        out.append(judgement)
    return out, merged


def _is_numerator(count: TextFigure, share: TextFigure) -> bool:
    return (
        count.kind == "count" and count.paragraph == share.paragraph and count.value == share.numerator.value
        and share.span[0] <= count.span[0] < share.span[1]
    )  # fmt: skip


def _resolve(side: Side | None, checked: Checked) -> Side | None:
    """The side with its value from the tables when they give it (the judge's reading)."""
    if side is None:
        return None
    value = table_value(checked, side.ref)
    if value is not None:
        table = "表三" if str(side.ref).startswith("C.") else "表二"
        side.value, side.words = value, f"{table}{side.label}（{value}）"
    return side


def _judge(figure: TextFigure, checked: Checked, told_answered) -> Judgement:
    num = figure.numerator
    rule = _rule(figure)
    base = _resolve(figure.base, checked)
    alternatives = [_resolve(a, checked) for a in figure.alternatives]
    if base is not None and base.ref == ANSWERED and told_answered is not None and told_answered != base.value:
        alternatives.append(Side(told_answered, None, "正文所列答复数", "正文"))
    numerator = None if num is None else num.value
    primary = None if base is None or base.value is None else Base(base.label or "基数", numerator, base.value)
    table_num = None if num is None else table_value(checked, num.ref)
    if figure.kind == SHARE and table_num is not None and numerator is not None and table_num != numerator:
        return _count_mismatch(figure, rule, primary, table_num, checked)
    if primary is None:
        primary = Base(getattr(figure.base, "label", "") or "基数", numerator, None)
    others = [Base(a.label, numerator, a.value) for a in alternatives if a is not None and a.value is not None]
    verdict = which_base(str(figure.value), primary, others, named=figure.base_named)
    return Judgement(figure, verdict, rule, _words(figure) + verdict_note(verdict))


def _count_mismatch(figure, rule, primary, table_num, checked) -> Judgement:
    """「予以公开及部分公开52件，占55.91%」 with 50 in the table: the count is wrong, its share follows it."""
    num = figure.numerator
    told = which_base(str(figure.value), primary) if primary else None
    as_told = "" if told is None else "；" + verdict_note(told).replace("按", "按正文件数、", 1)
    from_table = ""
    if primary is not None:
        v = which_base(str(figure.value), Base(primary.label, table_num, primary.denominator))
        from_table = f"；按表中件数计算应为{v.expected}%"
    note = f"正文为{num.value}件，表中为{table_num}件{checked.note('B')}{as_told}{from_table}"
    verdict = Verdict("count", str(figure.value), primary, None)
    return Judgement(figure, verdict, rule, note)


def _rule(figure: TextFigure) -> str:
    if figure.kind == RATE or figure.numerator is None:
        return "R1"
    ref = figure.numerator.ref
    first = ref[0] if isinstance(ref, tuple) else ref
    return "T3" if narrative_rule(first) == "T3" else "R1"


def _words(figure: TextFigure) -> str:
    num, base = figure.numerator, figure.base
    said = f"分子「{num.words}」" if num is not None and num.words else ""
    if base is not None and base.words:
        said += f"，基数「{base.words}」" if said else f"基数「{base.words}」"
    return f"{said}；" if said else ""


def _finding(j: Judgement, uy: UnitYear, checked: Checked) -> Finding | None:
    v = j.verdict
    if v.kind == MATCH:
        return None
    figure = j.figure
    severity = ERROR if v.kind == "count" else _SEVERITY.get(v.kind, ERROR)
    name = figure.label if figure.kind == RATE else f"{figure.numerator.label if figure.numerator else ''}占比"
    if v.kind == "count":
        expected, found = table_value(checked, figure.numerator.ref), figure.numerator.value
    else:
        expected = None if v.expected is None else f"{v.expected}%"
        found = "不足1%" if v.published == "<1" else f"{v.published}%"
    loc = Location("text", name, "占比" if figure.kind == SHARE else "比率", figure.where, figure.quote)
    formula = RULES[j.rule].formula
    return Finding(j.rule, severity, uy.unit, uy.year, loc, expected, found, formula, j.note)
