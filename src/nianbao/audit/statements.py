"""The narrative's figures as the data model's statements (what ``audit --import`` records and
``nianbao check`` checks later): each count with the table cell it states, each share and rate
with the cells it is computed from. A share the audit judged right only against another base,
or not checkable, is recorded with that judgement (``acknowledged``), so that a later check
reports it as the audit did, as a warning."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from nianbao.data.model import Statement
from nianbao.rules.rates import OTHER_BASE, TRUNCATED, UNKNOWN

_NAMES = {"new_received": "received", "total": "answered"}


def _name(kind: str, ref: str, taken: dict[str, int]) -> str:
    """A readable statement id: count_received, share_granted, count_review_total_2."""
    head, row, *rest = ref.split(".")
    name = f"{kind}_{_NAMES.get(row, row)}" + (f"_{rest[0]}" if head == "C" and rest else "")
    taken[name] = taken.get(name, 0) + 1
    return name if taken[name] == 1 else f"{name}_{taken[name]}"


def statements_of(result) -> dict[str, Statement]:
    out: dict[str, Statement] = {}
    taken: dict[str, int] = {}
    for figure in result.narrative.figures:
        if figure.kind == "count" and isinstance(figure.ref, str):
            sid = _name("count", figure.ref, taken)
            out[sid] = Statement(sid, "count", figure.label, Decimal(figure.value), unit="件",
                                 subject=figure.ref, source=figure.quote)  # fmt: skip
    for j in result.judgements:
        figure = j.figure
        num, base = figure.numerator, figure.base
        if num is None or base is None or not isinstance(num.ref, str) or not isinstance(base.ref, str):
            continue
        try:
            value = Decimal(str(figure.value))
        except InvalidOperation:
            continue  # 「不足1%」 has no value to record
        label = figure.label if figure.kind == "rate" else f"{num.label}占比"
        acknowledged = j.note if j.verdict.kind in (TRUNCATED, OTHER_BASE, UNKNOWN, "count") else None
        sid = _name(figure.kind, num.ref, taken)
        out[sid] = Statement(sid, figure.kind, label, value, numerator=num.ref, denominator=base.ref,
                             source=figure.quote, acknowledged=acknowledged)  # fmt: skip
    return out
