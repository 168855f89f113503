"""The rules that valid figures obey (DOMAIN.md section 4), as named checks over the data model.

Each rule is registered with its id, severity, a one-line title, its formula in words and its
scope, and yields :class:`~nianbao.rules.findings.Finding` objects. :func:`check_unit_year` runs them
all (or a chosen few) over one unit-year, with the previous year and the member units when the
rule needs them.

    B1–B4, C1, A1   within a unit-year's tables         (:mod:`.tables`)
    X1, X2, G1      across years and across units       (:mod:`.across`)
    T1–T4, R1       between the narrative and the tables (:mod:`.narrative`)

Unknown cells are never treated as 0: a rule compares only what is known, and a sum with an
unknown part is checked only as far as it can be (known parts that already exceed their total
are an error; a known total with unknown parts is fine).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nianbao.data.model import UnitYear
from nianbao.rules.base import RULES, CheckContext, Locator, Rule
from nianbao.rules.findings import Finding

__all__ = ["RULES", "CheckContext", "Locator", "Rule", "check_unit_year", "rule_ids"]


def rule_ids() -> list[str]:
    return list(RULES)


def check_unit_year(
    uy: UnitYear,
    *,
    prev: UnitYear | None = None,
    members: Sequence[UnitYear] = (),
    locate: Locator | None = None,
    rules: Iterable[str] | None = None,
) -> list[Finding]:
    """Every finding of the chosen rules (default: all) for ``uy``, in rule order.

    ``prev`` is the same unit's previous year (X1, X2), ``members`` the unit-years a compiled
    report is made of (G1). ``locate(table, row_id, col_id)`` names the place of a cell in the
    source (a data-file key, a workbook cell, a cell of a web page) and is put into each finding.
    """
    chosen = list(RULES) if rules is None else list(rules)
    unknown = [r for r in chosen if r not in RULES]
    if unknown:
        raise KeyError(f"unknown rule(s) {unknown}; rules are {list(RULES)}")
    ctx = CheckContext(uy, prev, tuple(members), locate)
    out: list[Finding] = []
    for rule_id in chosen:
        out.extend(RULES[rule_id].check(ctx))
    return out


# Importing the modules registers their rules, in this order (not the alphabet's).
# isort: off
from nianbao.rules import tables, across, narrative  # noqa: E402,F401  (registration)
# isort: on
