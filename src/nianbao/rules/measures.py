"""The measures of :mod:`nianbao.format.measures` evaluated for one unit-year, and the
disposition categories with their counts and shares.

Counts are read from the tables; rates are always recomputed from counts (exact, half-up to two
decimals), never taken from a published rate and never added up. Unknown stays unknown (None),
and so does a rate whose denominator is 0 (a unit with no applications has no 公开率).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nianbao.data.model import Statement, UnitYear
from nianbao.format import schema
from nianbao.format.measures import CATEGORY_SHARE_DEFINITION, CATEGORY_SHARES, MEASURES, Measure
from nianbao.rules import metrics, rates


def get(measure: str) -> Measure:
    """The declaration of a measure; a KeyError that lists the measures when there is none."""
    try:
        return MEASURES[measure]
    except KeyError:
        raise KeyError(f"unknown measure {measure!r}; measures are {list(MEASURES)}") from None


def value(uy: UnitYear, measure: str) -> int | Decimal | None:
    """The measure's value for ``uy``: a count, or a rate in % (half-up, two decimals)."""
    m = get(measure)
    if m.is_rate:
        return metrics.percent(uy.resolve(m.numerator), uy.resolve(m.denominator))
    return uy.resolve(m.ref)


def parts(uy: UnitYear, measure: str) -> tuple[int | None, int | None]:
    """A rate's numerator and denominator (the counts it is computed from)."""
    m = get(measure)
    return uy.resolve(m.numerator), uy.resolve(m.denominator)  # type: ignore[return-value]


def published(uy: UnitYear, measure: str) -> Statement | None:
    """The statement that publishes a rate in ``uy``: the one with the declared id, else one
    computed from the same numerator; None when the report does not publish it."""
    m = get(measure)
    return uy.statements.get(m.statement or "") or rates.statement_for(uy, m.numerator or "")


def is_rate(measure: str) -> bool:
    return get(measure).is_rate


def label(measure: str, with_unit: bool = True) -> str:
    """The column header: 公开率（%）, 新收申请（件）."""
    m = get(measure)
    return f"{m.label}（{m.unit}）" if with_unit else m.label


def definitions(measures: list[str]) -> str:
    """The definitions of the rates among ``measures``, for the note under a table or chart
    (the category shares, all defined alike, in one sentence)."""
    shares = [m for m in measures if m in CATEGORY_SHARES]
    out = []
    for m in measures:
        if not is_rate(m) or (m in shares and m != shares[0]):
            continue
        if m in shares and len(shares) > 1:
            names = "、".join(MEASURES[s].label.removesuffix("占比") for s in shares)
            out.append(names + CATEGORY_SHARE_DEFINITION)
        else:
            out.append(MEASURES[m].definition)
    return "；".join(out)


def words(value_: int | Decimal | None, measure: str) -> str:
    """For sentences: 29130件, 41.53%."""
    return fmt(value_, measure) + ("" if value_ is None or is_rate(measure) else MEASURES[measure].unit)


def fmt(value_: int | Decimal | None, measure: str, percent_sign: bool = True) -> str:
    """As text: 29130, 41.53% (or 41.53 under a header that says （%））, — when unknown."""
    if value_ is None:
        return schema.UNKNOWN_MARK
    return f"{value_}%" if is_rate(measure) and percent_sign else str(value_)


# ---------------------------------------------------------------------------------------------
# disposition categories
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disposition:
    """A disposition category of Table B with its count and its share of （七）总计."""

    group: schema.Group
    count: int | None
    share: Decimal | None  # in %, half-up to two decimals

    @property
    def id(self) -> str:
        return self.group.id

    @property
    def label(self) -> str:
        """The official label: （三）不予公开."""
        return self.group.label

    @property
    def narrative_label(self) -> str:
        """How the narrative names the category: 不予公开."""
        return self.group.narrative_label


def dispositions(uy: UnitYear) -> list[Disposition]:
    """The five disposition categories in official order, unknown counts included (as None)."""
    total = uy.b("total")
    out = []
    for group in uy.spec.table_b.groups:
        count = uy.b_group(group.id)
        out.append(Disposition(group, count, metrics.percent(count, total)))
    return out
