"""The rule registry, the context a rule sees, and helpers that turn cell ids into findings with
official labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from nianbao.data.model import UnitYear
from nianbao.format import schema
from nianbao.rules.findings import ERROR, Finding, Location, Value

#: ``locate(table, row_id, col_id)`` → where that cell is in the source, or None.
Locator = Callable[[str, str, "str | None"], "str | None"]


@dataclass(frozen=True)
class CheckContext:
    uy: UnitYear
    prev: UnitYear | None = None
    members: Sequence[UnitYear] = ()
    locate: Locator | None = None

    def finding(
        self,
        rule: Rule,
        table: str,
        row_id: str,
        col_id: str | None,
        *,
        expected: Value,
        found: Value,
        note: str = "",
        formula: str | None = None,
        severity: str | None = None,
        quote: str | None = None,
        row_label: str | None = None,
        col_label: str | None = None,
    ) -> Finding:
        """A finding at a cell given by ids; labels are looked up in the schema."""
        row, col = cell_labels(self.uy, table, row_id, col_id)
        cell = self.locate(table, row_id, col_id) if self.locate else None
        return Finding(
            rule=rule.id,
            severity=severity or rule.severity,
            unit=self.uy.unit,
            year=self.uy.year,
            location=Location(table, row_label or row, col_label or col, cell, quote),
            expected=expected,
            found=found,
            formula=formula or rule.formula,
            note=note,
        )


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # of a violation: "error" or "warning"
    title: str  # what the rule says, in one line
    formula: str  # the rule in words, in the format's own terms
    scope: str  # "unit-year", "across years", "across units" or "narrative"
    check: Callable[[CheckContext], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str, formula: str, scope: str = "unit-year"):
    """Register the decorated function as rule ``rule_id``; it receives the rule and the context."""

    def register(func: Callable[[Rule, CheckContext], Iterable[Finding]]):
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        holder: list[Rule] = []
        r = Rule(rule_id, severity, title, formula, scope, lambda ctx: func(holder[0], ctx))
        holder.append(r)
        RULES[rule_id] = r
        return func

    return register


# ---------------------------------------------------------------------------------------------
# labels
# ---------------------------------------------------------------------------------------------

#: Pseudo-row id prefix for a Table B category total: ``group:withheld``.
GROUP_PREFIX = "group:"


def b_row_label(spec: schema.TableB, row_id: str) -> str:
    """The official label of a Table B row, with its category when the label alone is ambiguous
    (「（三）不予公开 1.属于国家秘密」)."""
    if row_id.startswith(GROUP_PREFIX):
        return group_total_label(spec.group(row_id[len(GROUP_PREFIX) :]))
    row = spec.row(row_id)
    group = spec.group_of(row_id)
    if group is not None and len(group.rows) > 1 and group.id != "disclosed":
        return f"{group.label} {row.label}"
    return row.label


def group_total_label(group: schema.Group) -> str:
    return f"{group.label}（合计）"


def cell_labels(uy: UnitYear, table: str, row_id: str, col_id: str | None) -> tuple[str | None, str | None]:
    """Official (row, column) labels of a cell given by ids."""
    if table == "B":
        return b_row_label(uy.spec.table_b, row_id), schema.TABLE_B_COLUMN_LABEL.get(col_id or "", col_id)
    if table == "C":
        block = schema.TABLE_C_BLOCK_LABEL.get(row_id, row_id)
        if row_id != "review" and row_id in schema.TABLE_C_BLOCK_LABEL:
            block = f"{schema.TABLE_C_LITIGATION_HEADER}·{block}"
        return block, schema.TABLE_C_COLUMN_LABEL.get(col_id or "", col_id)
    if table == "A":
        table_a = uy.spec.table_a
        try:
            block = table_a.block_of(row_id)
        except KeyError:
            return row_id, col_id
        row = table_a.row(row_id).label
        col = next((c.label for c in block.columns if c.id == col_id), col_id)
        return f"{block.article} {row}", col
    return row_id, col_id


# ---------------------------------------------------------------------------------------------
# sums with unknown parts
# ---------------------------------------------------------------------------------------------


def sum_problem(total: int | None, parts: Sequence[int | None]) -> tuple[Value, str] | None:
    """Compare a known total with its parts: ``(expected, note)`` when they disagree, else None.

    All parts known: the total must equal their sum. Some unknown: the known parts must not
    exceed the total (counts are non-negative), and nothing more can be said.
    """
    if total is None:
        return None
    known = [p for p in parts if p is not None]
    subtotal = sum(known)
    if len(known) == len(parts):
        if subtotal != total:
            return subtotal, f"相差{abs(total - subtotal)}"
        return None
    if subtotal > total:
        missing = len(parts) - len(known)
        return f"≥{subtotal}", f"已知各项之和{subtotal}已超过合计（另有{missing}项未公布）"
    return None


def formula_sum(total: str, parts: Sequence[str]) -> str:
    return f"{total} = " + " + ".join(parts)


__all__ = [
    "ERROR",
    "GROUP_PREFIX",
    "CheckContext",
    "Locator",
    "RULES",
    "Rule",
    "b_row_label",
    "cell_labels",
    "formula_sum",
    "group_total_label",
    "rule",
    "sum_problem",
]
