"""Published shares, rates and changes checked against the counts they are computed from, and
year-on-year comparisons that use the previous year's data when it is there and the published
change otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nianbao.rules import metrics
from nianbao.data.model import Statement, UnitYear


@dataclass(frozen=True)
class StatementCheck:
    statement: Statement
    numerator: int | Decimal | None
    denominator: int | Decimal | None
    recomputed: Decimal | None  # half-up at the published precision
    matches: bool | None  # None: cannot be recomputed (a count is unknown)
    difference: Decimal | None  # published − recomputed, in percentage points
    truncated: Decimal | None  # what truncation (instead of rounding) would give

    @property
    def explanation(self) -> str:
        s = self.statement
        if self.matches is None:
            return "无法复核：所依据的数字未公布"
        if self.matches:
            return "一致"
        note = f"不一致：公布{s.value}%，按{self.numerator}÷{self.denominator}计算应为{self.recomputed}%，相差{abs(self.difference)}个百分点"
        if self.truncated is not None and self.truncated == s.value:
            note += "（与截尾取值一致，可能未按四舍五入）"
        return note


def check_statement(uy: UnitYear, st: Statement) -> StatementCheck:
    """Recompute a share or rate from its counts at the precision it was published with."""
    num, den = uy.resolve(st.numerator), uy.resolve(st.denominator)
    if num is None or den is None or not den:
        return StatementCheck(st, num, den, None, None, None, None)
    decimals = metrics.decimals_of(st.value)
    recomputed = metrics.percent(num, den, decimals)
    exact = metrics.percent_exact(num, den)
    truncated = metrics.truncate(exact, decimals) if exact is not None else None
    assert recomputed is not None
    return StatementCheck(st, num, den, recomputed, recomputed == st.value, st.value - recomputed, truncated)


def check_statements(uy: UnitYear, kinds: tuple[str, ...] = ("share", "rate")) -> list[StatementCheck]:
    return [check_statement(uy, s) for s in uy.statements.values() if s.kind in kinds]


def statement_for(uy: UnitYear, numerator: str, denominator: str | None = None) -> Statement | None:
    """The published share/rate whose numerator (and denominator) are the given references."""
    for s in uy.statements.values():
        if s.numerator == numerator and (denominator is None or s.denominator == denominator):
            return s
    return None


@dataclass(frozen=True)
class Comparison:
    """A year-on-year change: computed from two years' data, or as published."""

    change: metrics.Change | None
    base_year: int
    computed: bool  # True: from both years' figures; False: the published change
    source: str | None = None

    def words(self) -> str:
        if self.change is None:
            return ""
        return self.change.words(self.base_year)


def _published_change(uy: UnitYear, subject: str) -> Comparison | None:
    for s in uy.statements_of("change"):
        if s.subject == subject:
            direction = {"上升": 1, "下降": -1}.get(s.direction or "", 0)
            return Comparison(metrics.Change(s.value, direction, s.unit), s.base_year or uy.year - 1, False, s.source)
    return None


def count_change(uy: UnitYear, prev: UnitYear | None, ref: str) -> Comparison | None:
    """Change of a count against the previous year (in %)."""
    if prev is not None:
        change = metrics.yoy_change(uy.resolve(ref), prev.resolve(ref))
        if change is not None:
            return Comparison(change, prev.year, True)
    return _published_change(uy, ref)


def rate_change(
    uy: UnitYear, prev: UnitYear | None, numerator: str, denominator: str, statement_id: str | None = None
) -> Comparison | None:
    """Change of a rate against the previous year (in percentage points)."""
    if prev is not None:
        now = metrics.percent(uy.resolve(numerator), uy.resolve(denominator))
        before = metrics.percent(prev.resolve(numerator), prev.resolve(denominator))
        change = metrics.point_change(now, before)
        if change is not None:
            return Comparison(change, prev.year, True)
    if statement_id:
        return _published_change(uy, statement_id)
    return None
