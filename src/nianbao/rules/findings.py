"""What a check reports: a :class:`Finding` names the rule, the unit-year, the place (table,
official row and column labels, and where in the source), the expected and found values and the
rule's formula in words.

Findings are plain data: the rules produce them, :mod:`nianbao.rules.check` prints them, the audit and
the notebooks render them (escaped) as HTML, and ``--json`` writes :meth:`Finding.to_dict`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from nianbao.format import schema

ERROR = "error"
WARNING = "warning"
#: A published figure that cannot be checked (its base or counts are nowhere given): 「无法复核」.
UNVERIFIABLE = "unverifiable"
SEVERITIES = (ERROR, WARNING, UNVERIFIABLE)

#: Short names of the places a finding can point to.
TABLE_LABELS = {
    "A": "表一 " + schema.TABLE_A["2021"].title,
    "B": "表二 " + schema.TABLE_B_TITLE,
    "C": "表三 " + schema.TABLE_C_TITLE,
    "text": "正文",
    "file": "文件",
}

Value = int | Decimal | str | None


@dataclass(frozen=True)
class Location:
    """Where a finding is: the table (``A``/``B``/``C``, ``text`` for the narrative, ``file``),
    the official row and column labels, and optionally the place in the source (a data-file key,
    a workbook cell such as ``表二!D12``, a cell of a web page) and the published words."""

    table: str
    row: str | None = None
    column: str | None = None
    cell: str | None = None
    quote: str | None = None

    @property
    def table_label(self) -> str:
        return TABLE_LABELS.get(self.table, self.table)

    def describe(self) -> str:
        parts = [self.table_label]
        if self.row:
            parts.append(f"「{self.row}」")
        if self.column:
            parts.append(f"× 「{self.column}」")
        text = " ".join(parts)
        if self.cell:
            text += f" [{self.cell}]"
        return text


@dataclass(frozen=True)
class Finding:
    rule: str  # B1 … T4, R1, or a reading problem's rule (B4 / A1 for unreadable cells)
    severity: str  # "error" | "warning" | "unverifiable"
    unit: str
    year: int
    location: Location
    expected: Value
    found: Value
    formula: str  # the rule in words (official terms)
    note: str = ""  # what the difference is and what may explain it

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_dict(self) -> dict:
        loc = self.location
        return {
            "rule": self.rule,
            "severity": self.severity,
            "unit": self.unit,
            "year": self.year,
            "location": {
                "table": loc.table,
                "table_label": loc.table_label,
                "row": loc.row,
                "column": loc.column,
                "cell": loc.cell,
                "quote": loc.quote,
            },
            "expected": _json_value(self.expected),
            "found": _json_value(self.found),
            "formula": self.formula,
            "note": self.note,
        }

    def text(self) -> str:
        """One finding as two or three readable lines."""
        head = f"{self.severity:<7} {self.rule:<3} {self.location.describe()}"
        values = f"found {_shown(self.found)}, expected {_shown(self.expected)}"
        lines = [head, f"        {values}" + (f" — {self.note}" if self.note else "")]
        lines.append(f"        rule: {self.formula}")
        if self.location.quote:
            lines.append(f"        published: 「{self.location.quote}」")
        return "\n".join(lines)


def _json_value(value: Value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shown(value: Value) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, str):
        return value if _NUMERIC.fullmatch(value) else f"「{value}」"
    return str(value)


_NUMERIC = re.compile(r"[≥≤+\-]?\d+(?:\.\d+)?%?")


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


_TABLE_ORDER = {"file": 0, "A": 1, "B": 2, "C": 3, "text": 4}


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by table and rule; the order within a rule is kept (official order)."""
    items = list(findings)
    return sorted(
        items,
        key=lambda f: (f.unit, f.year, f.severity != ERROR, _TABLE_ORDER.get(f.location.table, 9), f.rule),
    )


def summary_line(findings: Iterable[Finding]) -> str:
    n = counts(findings)
    e, w, u = n[ERROR], n[WARNING], n[UNVERIFIABLE]
    line = f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"
    return line + (f", {u} unverifiable" if u else "")
