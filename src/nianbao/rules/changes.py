"""Year-on-year changes of a measure: computed from the previous year's data when it is there,
the change the report published otherwise.

A count changes in % (较2019年下降6.62%), a rate in percentage points (上升0.87个百分点).
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.data.model import UnitYear
from nianbao.rules import measures, metrics


@dataclass(frozen=True)
class YearChange:
    """A year-on-year change: computed from two years' data, or as published."""

    change: metrics.Change | None
    base_year: int
    computed: bool  # True: from both years' figures; False: the published change
    source: str | None = None  # the published words, for a published change

    def words(self) -> str:
        """较2019年下降6.62%, 较2019年上升0.87个百分点; empty when there is no change to tell."""
        if self.change is None:
            return ""
        return self.change.words(self.base_year)


def year_change(uy: UnitYear, prev: UnitYear | None, measure: str) -> YearChange | None:
    """The change of ``measure`` from ``prev`` (the same unit's previous year, or None) to ``uy``."""
    m = measures.get(measure)
    if prev is not None:
        now, before = measures.value(uy, measure), measures.value(prev, measure)
        change = metrics.point_change(now, before) if m.is_rate else metrics.yoy_change(now, before)
        if change is not None:
            return YearChange(change, prev.year, True)
    if m.is_rate:
        statement = measures.published(uy, measure)
        return _published_change(uy, statement.id) if statement else None
    return _published_change(uy, m.ref)  # type: ignore[arg-type]


def _published_change(uy: UnitYear, subject: str) -> YearChange | None:
    """The change the report publishes of ``subject`` (a cell reference or a statement id)."""
    for s in uy.statements_of("change"):
        if s.subject == subject:
            direction = {"上升": 1, "下降": -1}.get(s.direction or "", 0)
            return YearChange(metrics.Change(s.value, direction, s.unit), s.base_year or uy.year - 1, False, s.source)
    return None
