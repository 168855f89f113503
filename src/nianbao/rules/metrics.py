"""Shares, rates and changes, computed exactly and rounded half-up as published reports do.

Everything works on exact fractions; floats never enter. ``round_half_up(Fraction(28125, 1000), 2)``
gives ``Decimal('28.13')`` where ``round(28.125, 2)`` gives 28.12.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

Number = int | Fraction | Decimal | str


def exact(value: Number) -> Fraction:
    """An exact fraction from an int, Fraction, Decimal or decimal string (never a float)."""
    if isinstance(value, float):
        raise TypeError("floats are not exact; pass a Decimal, a string or a Fraction")
    if isinstance(value, (int, Rational)):
        return Fraction(value)
    return Fraction(Decimal(str(value)))


def round_half_up(value: Number, decimals: int = 2) -> Decimal:
    """Round the exact value half away from zero to ``decimals`` places (6.25 → 6.3 at 1)."""
    frac = exact(value)
    sign = -1 if frac < 0 else 1
    scaled = abs(frac) * 10**decimals
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return (Decimal(sign * whole).scaleb(-decimals)).quantize(Decimal(1).scaleb(-decimals))


def truncate(value: Number, decimals: int = 2) -> Decimal:
    """Cut the exact value to ``decimals`` places (toward zero)."""
    frac = exact(value)
    sign = -1 if frac < 0 else 1
    scaled = abs(frac) * 10**decimals
    whole = scaled.numerator // scaled.denominator
    return (Decimal(sign * whole).scaleb(-decimals)).quantize(Decimal(1).scaleb(-decimals))


def ratio(numerator: Number, denominator: Number) -> Fraction | None:
    """numerator / denominator as an exact fraction; None when the denominator is 0 or unknown."""
    if numerator is None or denominator is None:
        return None
    den = exact(denominator)
    if den == 0:
        return None
    return exact(numerator) / den


def percent(numerator: Number | None, denominator: Number | None, decimals: int = 2) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up; None when it cannot be computed."""
    r = ratio(numerator, denominator)
    return None if r is None else round_half_up(r * 100, decimals)


def percent_exact(numerator: Number | None, denominator: Number | None) -> Fraction | None:
    r = ratio(numerator, denominator)
    return None if r is None else r * 100


@dataclass(frozen=True)
class Change:
    """A year-on-year change of a count (in %) or of a rate (in percentage points)."""

    value: Decimal  # absolute size, rounded
    direction: int  # +1 up, -1 down, 0 unchanged
    unit: str  # "%" or "个百分点"

    def words(self, base_year: int | None = None) -> str:
        """Chinese wording, e.g. 较2019年下降6.62% or 上升0.87个百分点."""
        prefix = f"较{base_year}年" if base_year else ""
        if self.direction == 0:
            return f"{prefix}持平" if prefix else "持平"
        verb = "上升" if self.direction > 0 else "下降"
        return f"{prefix}{verb}{self.value}{self.unit}"


def yoy_change(current: Number | None, previous: Number | None, decimals: int = 2) -> Change | None:
    """Relative change of a count: (current − previous) / previous, in %."""
    if current is None or previous is None or exact(previous) == 0:
        return None
    diff = exact(current) - exact(previous)
    size = round_half_up(abs(diff) / exact(previous) * 100, decimals)
    return Change(size, (diff > 0) - (diff < 0), "%")


def point_change(current_rate: Number | None, previous_rate: Number | None, decimals: int = 2) -> Change | None:
    """Difference of two rates given in %, in percentage points."""
    if current_rate is None or previous_rate is None:
        return None
    diff = exact(current_rate) - exact(previous_rate)
    size = round_half_up(abs(diff), decimals)
    return Change(size, (diff > 0) - (diff < 0), "个百分点")


def fmt_percent(value: Decimal | None, unknown: str = "—") -> str:
    return unknown if value is None else f"{value}%"


def fmt_count(value: int | Decimal | None, unknown: str = "—") -> str:
    """Counts as published: plain digits, no thousands separators (29130)."""
    if value is None:
        return unknown
    return str(value)


def decimals_of(published: str | Decimal) -> int:
    """Number of decimals a published figure is given to ("41.53" → 2, "94.8" → 1)."""
    exponent = Decimal(str(published)).as_tuple().exponent
    return max(0, -int(exponent))
