"""A published share or rate recomputed from its counts, and a mismatch explained.

Used alike by the rules (T3, R1), the audit and the report's tables and notes. A share is
recomputed exactly and rounded half-up at the precision it was published with
(:mod:`nianbao.rules.metrics`). A mismatch is explained by how much it is off and, where one
does, by what would give the published figure: truncation instead of rounding, binary floating
point with ``round()``, or another obvious base. All the wording about a mismatch is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from nianbao.data.model import Statement, UnitYear
from nianbao.rules import metrics

TRUNCATION_HINT = "与截尾取值（未四舍五入）一致"
FLOAT_HINT = "与二进制浮点数加 round() 的结果一致（未按十进制四舍五入）"
NO_HINT = "截尾取值或其他常见基数均不能得出公布值"
CANNOT_CHECK = "无法复核：所依据的数字未公布"
MATCHES = "一致"


@dataclass(frozen=True)
class Recomputed:
    """numerator ÷ denominator × 100 beside the published figure."""

    published: Decimal
    numerator: int | Decimal
    denominator: int | Decimal
    value: Decimal  # half-up at the published precision

    @property
    def matches(self) -> bool:
        return self.value == self.published

    @property
    def decimals(self) -> int:
        return metrics.decimals_of(self.published)

    @property
    def difference(self) -> Decimal:
        """published − recomputed, in percentage points."""
        return self.published - self.value

    @property
    def truncated(self) -> Decimal:
        """What truncation (instead of rounding) gives at the published precision."""
        return metrics.truncate(metrics.percent_exact(self.numerator, self.denominator), self.decimals)  # type: ignore[arg-type]

    @property
    def is_truncation(self) -> bool:
        return self.truncated == self.published

    @property
    def is_float_rounding(self) -> bool:
        """Whether ``round(float)`` gives the published figure (the usual software mistake)."""
        d = self.decimals
        as_float = round(float(self.numerator) / float(self.denominator) * 100, d)
        return Decimal(f"{as_float:.{d}f}") == self.published


def recompute(published: Decimal, numerator, denominator) -> Recomputed | None:
    """numerator ÷ denominator × 100, half-up at the precision ``published`` is given to; None
    when a count is unknown or the denominator is 0."""
    if numerator is None or denominator is None or not denominator:
        return None
    value = metrics.percent(numerator, denominator, metrics.decimals_of(published))
    assert value is not None
    return Recomputed(published, numerator, denominator, value)


@dataclass(frozen=True)
class Base:
    """Another (numerator, denominator) pair that may explain a mismatch, named for the reader."""

    label: str
    numerator: int | Decimal | None
    denominator: int | Decimal | None


# ---------------------------------------------------------------------------------------------
# wording
# ---------------------------------------------------------------------------------------------


def _basis(r: Recomputed) -> str:
    return f"按{r.numerator}÷{r.denominator}计算应为{r.value}%"


def _gap(r: Recomputed) -> str:
    return f"相差{abs(r.difference)}个百分点"


def explain(r: Recomputed, alternatives: Iterable[Base] = ()) -> str:
    """A finding's note on a mismatching share: the difference and what would explain it."""
    note = f"按{r.numerator}÷{r.denominator}×100%四舍五入保留{r.decimals}位小数应为{r.value}%，{_gap(r)}"
    hints = []
    if r.is_truncation:
        hints.append(TRUNCATION_HINT)
    if r.is_float_rounding:
        hints.append(FLOAT_HINT)
    hints += _alternative_hints(r, alternatives)
    return note + "；" + ("；".join(hints) if hints else NO_HINT)


def _alternative_hints(r: Recomputed, alternatives: Iterable[Base]) -> list[str]:
    hints = []
    tried = {(r.numerator, r.denominator)}
    for alt in alternatives:
        if alt.numerator is None or alt.denominator is None or not alt.denominator:
            continue
        if (alt.numerator, alt.denominator) in tried:
            continue
        tried.add((alt.numerator, alt.denominator))
        exact = metrics.percent_exact(alt.numerator, alt.denominator)
        if metrics.round_half_up(exact, r.decimals) == r.published:  # type: ignore[arg-type]
            hints.append(f"与按{alt.label}（{alt.numerator}÷{alt.denominator}）计算的结果一致")
        elif metrics.truncate(exact, r.decimals) == r.published:  # type: ignore[arg-type]
            hints.append(f"与按{alt.label}（{alt.numerator}÷{alt.denominator}）截尾取值一致")
    return hints


def verdict(r: Recomputed | None) -> str:
    """The verdict in a table: 一致, or 不一致：公布x%，按a÷b计算应为y%，相差z个百分点."""
    if r is None:
        return CANNOT_CHECK
    if r.matches:
        return MATCHES
    return f"不一致：公布{r.published}%，{_basis(r)}，{_gap(r)}" + (f"，{TRUNCATION_HINT}" if r.is_truncation else "")


def mismatch_sentence(label: str, r: Recomputed) -> str:
    """A sentence for the reader: 报告公布……为x%，但按a÷b计算应为y%，两者相差z个百分点."""
    hint = f"，{TRUNCATION_HINT}" if r.is_truncation else ""
    return f"注意：报告公布{label}为{r.published}%，但{_basis(r)}，两者{_gap(r)}{hint}。"


def finding_values(r: Recomputed) -> tuple[str, str]:
    """A finding's (expected, found): with their percent sign."""
    return f"{r.value}%", f"{r.published}%"


# ---------------------------------------------------------------------------------------------
# a unit-year's published statements
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementCheck:
    """A published share or rate of a unit-year beside its recomputation from the tables."""

    statement: Statement
    numerator: int | Decimal | None
    denominator: int | Decimal | None
    result: Recomputed | None  # None: cannot be recomputed (a count is unknown)

    @property
    def matches(self) -> bool | None:
        return None if self.result is None else self.result.matches

    @property
    def recomputed(self) -> Decimal | None:
        return None if self.result is None else self.result.value

    @property
    def difference(self) -> Decimal | None:
        return None if self.result is None else self.result.difference

    @property
    def explanation(self) -> str:
        return verdict(self.result)


def check_statement(uy: UnitYear, st: Statement) -> StatementCheck:
    """Recompute a published share or rate from its counts at the precision it was published with."""
    num, den = uy.resolve(st.numerator), uy.resolve(st.denominator)
    return StatementCheck(st, num, den, recompute(st.value, num, den))


def check_statements(uy: UnitYear, kinds: tuple[str, ...] = ("share", "rate")) -> list[StatementCheck]:
    return [check_statement(uy, s) for s in uy.statements.values() if s.kind in kinds]


def statement_for(uy: UnitYear, numerator: str, denominator: str | None = None) -> Statement | None:
    """The published share/rate whose numerator (and denominator) are the given references."""
    for s in uy.statements.values():
        if s.numerator == numerator and (denominator is None or s.denominator == denominator):
            return s
    return None


# ---------------------------------------------------------------------------------------------
# which base: a published share judged against the bases a reader would try
# ---------------------------------------------------------------------------------------------

MATCH, TRUNCATED, OTHER_BASE, WRONG, UNKNOWN = "match", "truncated", "other base", "wrong", "unknown"
BELOW_ONE = "<1"  # 「不足1%」 as published


@dataclass(frozen=True)
class Verdict:
    """What a published share is, judged: it matches its base (``MATCH``), matches only when
    truncated (``TRUNCATED``), matches only another plausible base (``OTHER_BASE``, ``used`` says
    which), matches nothing (``WRONG``), or cannot be checked (``UNKNOWN``: a count is unknown)."""

    kind: str
    published: str
    primary: Base | None  # the base the text names, or the format's convention
    expected: Decimal | None  # half-up against the primary base, at the published precision
    used: Base | None = None  # the base that gives the published value (MATCH, TRUNCATED, OTHER_BASE)
    truncated_alternative: bool = False  # OTHER_BASE reached only by truncating

    @property
    def ok(self) -> bool:
        return self.kind == MATCH


def _percents(numerator, denominator, decimals: int) -> tuple[Decimal, Decimal] | None:
    """numerator ÷ denominator × 100 at ``decimals`` places: (half-up, truncated). Whole numbers
    (the usual case) in integer arithmetic, anything else through exact fractions."""
    if not denominator:
        return None
    if isinstance(numerator, int) and isinstance(denominator, int) and numerator >= 0 and denominator > 0:
        whole, rest = divmod(numerator * 100 * 10**decimals, denominator)
        places = Decimal(1).scaleb(-decimals)
        cut = Decimal(whole).scaleb(-decimals).quantize(places)
        up = Decimal(whole + (2 * rest >= denominator)).scaleb(-decimals).quantize(places)
        return up, cut
    exact = metrics.percent_exact(numerator, denominator)
    return metrics.round_half_up(exact, decimals), metrics.truncate(exact, decimals)  # type: ignore[arg-type]


def _gives(published: str, numerator, denominator) -> tuple[bool, bool]:
    """(half-up gives it, truncation gives it) for numerator ÷ denominator at the published precision."""
    if numerator is None or not denominator:
        return False, False
    if published == BELOW_ONE:
        return metrics.percent_exact(numerator, denominator) < 1, False  # type: ignore[operator]
    up, cut = _percents(numerator, denominator, metrics.decimals_of(published))  # type: ignore[misc]
    return up == Decimal(published), cut == Decimal(published)


def which_base(
    published: str, primary: Base | None, alternatives: Iterable[Base] = (), *, named: bool = False
) -> Verdict:
    """Judge a published share (a decimal string, or ``"<1"``) against its primary base (the one
    the text names, or the convention) and the other bases a reader would try. Only a share that
    no plausible reading gives is ``WRONG``; when the text names its base, other bases are not
    plausible (but ``used`` still says which one gives the value)."""
    if primary is None or primary.numerator is None or not primary.denominator:
        return Verdict(UNKNOWN, published, primary, None)
    decimals = 0 if published == BELOW_ONE else metrics.decimals_of(published)
    expected = _percents(primary.numerator, primary.denominator, decimals)[0]  # type: ignore[index]
    rounded, truncated = _gives(published, primary.numerator, primary.denominator)
    if rounded:
        return Verdict(MATCH, published, primary, expected, primary)
    if truncated:
        return Verdict(TRUNCATED, published, primary, expected, primary)
    for alt in alternatives:
        if alt.numerator is None or not alt.denominator:
            continue
        if (alt.numerator, alt.denominator) == (primary.numerator, primary.denominator):
            continue
        rounded, truncated = _gives(published, alt.numerator, alt.denominator)
        if rounded or truncated:
            kind = WRONG if named else OTHER_BASE
            return Verdict(kind, published, primary, expected, alt, truncated_alternative=not rounded)
    return Verdict(WRONG, published, primary, expected)


def verdict_note(v: Verdict) -> str:
    """The judgement in words: numerator ÷ base, the value it gives, and what explains a mismatch."""
    p = v.primary
    if v.kind == UNKNOWN or p is None:
        missing = "分子" if p is not None and p.numerator is None else "基数"
        label = f"（{p.label}）" if p is not None and p.label else ""
        return f"无法复核：{missing}{label}在正文和表中都没有给出"
    basis = f"按{p.label}计，{p.numerator}÷{p.denominator}×100%"
    shown = "不足1%" if v.published == BELOW_ONE else f"{v.published}%"
    if v.kind == MATCH and v.published == BELOW_ONE:
        return f"{basis}为{metrics.percent(p.numerator, p.denominator, 2)}%，与公布的{shown}一致"
    if v.kind == MATCH:
        return f"{basis}四舍五入为{v.expected}%，与公布的{shown}一致"
    note = f"{basis}四舍五入应为{v.expected}%，公布为{shown}"
    if v.published != BELOW_ONE and v.expected is not None:
        note += f"，相差{abs(Decimal(v.published) - v.expected)}个百分点"
    if v.kind == TRUNCATED:
        return f"{note}：按截断而非四舍五入取值（{TRUNCATION_HINT}）"
    used = v.used
    how = "截尾取值" if v.truncated_alternative else "计算"
    if v.kind == OTHER_BASE and used is not None:
        return f"{note}；与按{used.label}（{used.numerator}÷{used.denominator}）{how}的结果一致，报告可能以此为基数"
    if used is not None:
        return f"{note}；正文写明了基数，而公布值是按{used.label}（{used.numerator}÷{used.denominator}）{how}得出的"
    exact = metrics.percent_exact(p.numerator, p.denominator)
    if exact is not None and v.published != BELOW_ONE:
        as_float = round(float(exact), metrics.decimals_of(v.published))
        if Decimal(f"{as_float:.{metrics.decimals_of(v.published)}f}") == Decimal(v.published):
            return f"{note}；{FLOAT_HINT}"
    return f"{note}；{NO_HINT}"
