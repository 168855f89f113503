"""The measures that trends and comparisons show, computed for one unit-year.

Counts are read from the tables; rates are always recomputed from counts (exact, half-up to two
decimals), never taken from a published rate and never added up. Labels and definitions are in
:data:`nianbao.schema.MEASURES`. Unknown stays unknown (None), and so does a rate whose
denominator is 0 (a unit with no applications has no 公开率).
"""

from __future__ import annotations

from decimal import Decimal

from nianbao.rules import metrics
from nianbao.format import schema
from nianbao.data.model import UnitYear

COUNT_MEASURES = ("new_received", "carried_in", "answered", "carried_forward", "review", "litigation")
SHARE_GROUPS = {"disclosure_rate": "disclosed", "share_withheld": "withheld", "share_unavailable": "unavailable",
                "share_not_processed": "not_processed", "share_other": "other"}  # fmt: skip
#: Numerator and denominator of each rate, as references (:meth:`UnitYear.resolve`).
RATE_REFS = {
    **{m: (f"BG.{g}.total", "B.total.total") for m, g in SHARE_GROUPS.items()},
    "review_correction_rate": ("C.review.corrected", "C.review.total"),
    "litigation_correction_rate": ("C.litigation.corrected", "C.litigation.total"),
}
_COUNT_REFS = {
    "new_received": "B.new_received.total",
    "carried_in": "B.carried_in.total",
    "answered": "B.total.total",
    "carried_forward": "B.carried_forward.total",
    "review": "C.review.total",
    "litigation": "C.litigation.total",
}


def value(uy: UnitYear, measure: str) -> int | Decimal | None:
    """The measure's value for ``uy``: a count, or a rate in % (half-up, two decimals)."""
    if measure in _COUNT_REFS:
        return uy.resolve(_COUNT_REFS[measure])
    if measure in RATE_REFS:
        num, den = RATE_REFS[measure]
        return metrics.percent(uy.resolve(num), uy.resolve(den))
    raise KeyError(f"unknown measure {measure!r}; measures are {list(schema.MEASURES)}")


def parts(uy: UnitYear, measure: str) -> tuple[int | None, int | None]:
    """A rate's numerator and denominator (the counts it is computed from)."""
    num, den = RATE_REFS[measure]
    return uy.resolve(num), uy.resolve(den)  # type: ignore[return-value]


def is_rate(measure: str) -> bool:
    return schema.MEASURES[measure].unit == "%"


def label(measure: str, with_unit: bool = True) -> str:
    """The column header: 公开率（%）, 新收申请（件）."""
    m = schema.MEASURES[measure]
    return f"{m.label}（{m.unit}）" if with_unit else m.label


def definitions(measures: list[str]) -> str:
    """The definitions of the rates among ``measures``, for the note under a table or chart
    (the category shares, all defined alike, in one sentence)."""
    shares = [m for m in measures if m in SHARE_GROUPS and m != "disclosure_rate"]
    out = []
    for m in measures:
        if not is_rate(m) or (m in shares and m != shares[0]):
            continue
        if m in shares and len(shares) > 1:
            names = "、".join(schema.MEASURES[s].label.removesuffix("占比") for s in shares)
            out.append(f"{names}占比 = 该类件数 ÷ （七）总计 × 100%")
        else:
            out.append(schema.MEASURES[m].definition)
    return "；".join(out)


def words(value_: int | Decimal | None, measure: str) -> str:
    """For sentences: 29130件, 41.53%."""
    return fmt(value_, measure) + ("" if value_ is None or is_rate(measure) else schema.MEASURES[measure].unit)


def fmt(value_: int | Decimal | None, measure: str, percent_sign: bool = True) -> str:
    """As text: 29130, 41.53% (or 41.53 under a header that says （%））, — when unknown."""
    if value_ is None:
        return schema.UNKNOWN_MARK
    return f"{value_}%" if is_rate(measure) and percent_sign else str(value_)
