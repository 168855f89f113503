"""Recomputing a published share or rate and explaining a mismatch: by how much, and whether
truncation, binary floating point or another obvious base would give the published figure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nianbao.rules import metrics
from nianbao.data.model import Statement, UnitYear


@dataclass(frozen=True)
class Base:
    """A candidate (numerator, denominator) pair, named for the reader."""

    label: str
    numerator: int | Decimal | None
    denominator: int | Decimal | None


@dataclass(frozen=True)
class Recomputed:
    published: Decimal
    numerator: int | Decimal
    denominator: int | Decimal
    value: Decimal  # half-up at the published precision

    @property
    def matches(self) -> bool:
        return self.value == self.published


def recompute(published: Decimal, numerator, denominator) -> Recomputed | None:
    """numerator ÷ denominator × 100, half-up at the precision ``published`` is given to."""
    if numerator is None or denominator is None or not denominator:
        return None
    value = metrics.percent(numerator, denominator, metrics.decimals_of(published))
    assert value is not None
    return Recomputed(published, numerator, denominator, value)


def _float_round(numerator, denominator, decimals: int) -> Decimal:
    """What ``round(float)`` gives, formatted at ``decimals`` (the usual software mistake)."""
    return Decimal(f"{round(float(numerator) / float(denominator) * 100, decimals):.{decimals}f}")


def explain(r: Recomputed, alternatives: list[Base] = ()) -> str:
    """The note of a mismatching share: the difference and what would explain it."""
    decimals = metrics.decimals_of(r.published)
    diff = abs(r.published - r.value)
    note = f"按{r.numerator}÷{r.denominator}×100%四舍五入保留{decimals}位小数应为{r.value}%，相差{diff}个百分点"
    hints = []
    exact = metrics.percent_exact(r.numerator, r.denominator)
    if exact is not None and metrics.truncate(exact, decimals) == r.published:
        hints.append("与截尾取值（未四舍五入）一致")
    if _float_round(r.numerator, r.denominator, decimals) == r.published:
        hints.append("与二进制浮点数加 round() 的结果一致（未按十进制四舍五入）")
    tried = {(r.numerator, r.denominator)}
    for alt in alternatives:
        if alt.numerator is None or alt.denominator is None or not alt.denominator:
            continue
        if (alt.numerator, alt.denominator) in tried:
            continue
        tried.add((alt.numerator, alt.denominator))
        exact = metrics.percent_exact(alt.numerator, alt.denominator)
        if metrics.round_half_up(exact, decimals) == r.published:
            hints.append(f"与按{alt.label}（{alt.numerator}÷{alt.denominator}）计算的结果一致")
        elif metrics.truncate(exact, decimals) == r.published:
            hints.append(f"与按{alt.label}（{alt.numerator}÷{alt.denominator}）截尾取值一致")
    if hints:
        note += "；" + "；".join(hints)
    else:
        note += "；截尾取值或其他常见基数均不能得出公布值"
    return note


def share_finding_values(r: Recomputed) -> tuple[str, str]:
    """(expected, found) as shown: with their percent sign."""
    return f"{r.value}%", f"{r.published}%"


def statement_refs(uy: UnitYear, st: Statement) -> tuple[object, object]:
    return uy.resolve(st.numerator), uy.resolve(st.denominator)
