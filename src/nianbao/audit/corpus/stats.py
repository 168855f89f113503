"""The corpus report's arithmetic, exact: shares and rates per unit-year from published counts,
their quartiles across units, each unit's place, and year-on-year jumps.

Everything is computed on fractions and rounded half-up only when shown
(:mod:`nianbao.rules.metrics`); a figure whose counts were not published is left out, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from nianbao.rules import metrics

#: A figure jumps when it is more than JUMP times last year's, or less than 1/JUMP of it.
JUMP = 5

#: The shares and rates the report compares across units: (numerator cells, denominator cell).
RATES = {
    "disclosure_rate": (("granted", "partly_granted"), "answered"),
    "review_correction_rate": (("review_corrected",), "review"),
}

#: The counts whose year-on-year jumps the report flags.
COUNTS = ("new_received", "answered", "review", "litigation")


def _int(value) -> int | None:
    return None if value is None else int(value)


def figures(row: dict) -> dict[str, Fraction | int | None]:
    """A unit-year's counts (litigation = both kinds of 行政诉讼) and its rates in % as fractions."""
    out: dict[str, Fraction | int | None] = {name: _int(row.get(name)) for name in COUNTS if name != "litigation"}
    direct, after = _int(row.get("litigation_direct")), _int(row.get("litigation_after_review"))
    out["litigation"] = None if direct is None or after is None else direct + after
    out["carried_in"], out["carried_forward"] = _int(row.get("carried_in")), _int(row.get("carried_forward"))
    for rate, (parts, base) in RATES.items():
        values = [_int(row.get(p)) for p in parts]
        total = _int(row.get(base))
        out[rate] = None if any(v is None for v in values) else metrics.percent_exact(sum(values), total)  # type: ignore[arg-type]
    return out


def quantile(values: Sequence[Fraction], p: Fraction) -> Fraction:
    """The p-quantile of sorted ``values``, linearly interpolated (numpy's default), exactly."""
    position = p * (len(values) - 1)
    below = int(position)
    if below + 1 >= len(values):
        return values[-1]
    return values[below] + (values[below + 1] - values[below]) * (position - below)


@dataclass(frozen=True)
class Spread:
    n: int
    low: Decimal
    p25: Decimal
    p50: Decimal
    p75: Decimal
    high: Decimal
    exact: tuple[Fraction, Fraction, Fraction]  # P25, P50, P75 unrounded (to place each unit)


def spread(values: Sequence[Fraction]) -> Spread | None:
    """Quartiles (shown half-up at two decimals) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    q = tuple(quantile(ordered, Fraction(k, 4)) for k in (1, 2, 3))
    shown = [metrics.round_half_up(v, 2) for v in (ordered[0], *q, ordered[-1])]
    return Spread(len(ordered), *shown, exact=q)  # type: ignore[arg-type]


def band(value: Fraction, s: Spread) -> str:
    """Where a value stands among the quartiles."""
    p25, p50, p75 = s.exact
    if value < p25:
        return "低于P25"
    if value < p50:
        return "P25–P50"
    if value <= p75:
        return "P50–P75"
    return "高于P75"


@dataclass(frozen=True)
class Jump:
    unit: str
    unit_name: str
    measure: str
    year: int
    previous: int
    current: int
    ratio: Fraction  # current / previous

    @property
    def up(self) -> bool:
        return self.ratio > JUMP


def jumps(series: dict[str, dict[int, dict]], names: dict[str, str]) -> tuple[list[Jump], dict[str, int]]:
    """Year-on-year jumps of :data:`COUNTS` for units with consecutive years, the largest first, and
    how many consecutive pairs each count had (last year's figure above 0: a ratio exists)."""
    found, pairs = [], dict.fromkeys(COUNTS, 0)
    for unit, years in series.items():
        for year in sorted(years):
            before = years.get(year - 1)
            if before is None:
                continue
            for measure in COUNTS:
                prev, cur = before.get(measure), years[year].get(measure)
                if prev is None or cur is None or prev == 0:
                    continue
                pairs[measure] += 1
                ratio = Fraction(cur, prev)
                if ratio > JUMP or ratio < Fraction(1, JUMP):
                    found.append(Jump(unit, names.get(unit, unit), measure, year, prev, cur, ratio))
    found.sort(key=lambda j: (-max(j.ratio, 1 / j.ratio if j.ratio else Fraction(10**9)), j.unit, j.year))
    return found, pairs


def carry_over_mismatches(series: dict[str, dict[int, dict]]) -> tuple[int, int]:
    """X1 across the corpus: (consecutive pairs with both figures, pairs where 二 (t) ≠ 四 (t−1))."""
    pairs = mismatched = 0
    for years in series.values():
        for year, now in years.items():
            before = years.get(year - 1)
            if before is None or now.get("carried_in") is None or before.get("carried_forward") is None:
                continue
            pairs += 1
            mismatched += now["carried_in"] != before["carried_forward"]
    return pairs, mismatched
