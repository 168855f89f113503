"""The audit's report: a readable text (``nianbao audit FILE``) and JSON (``--json``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nianbao.audit.run import AuditResult, narrative_model
from nianbao.format import schema
from nianbao.roots import shown
from nianbao.rules import findings as fnd
from nianbao.rules.rates import recompute

_TABLE_NAMES = {"A": "表一", "B": "表二", "C": "表三"}


@dataclass(frozen=True)
class ShareCheck:
    """A published share or rate beside its recomputation."""

    id: str
    label: str
    published: Decimal
    numerator: int | Decimal | None
    denominator: int | Decimal | None
    recomputed: Decimal | None  # half-up at the published precision; None: a count is unknown
    quote: str

    @property
    def verdict(self) -> str:
        if self.recomputed is None:
            return "无法复核（所依据的数字未知）"
        return "一致" if self.recomputed == self.published else f"不一致（应为{self.recomputed}%）"


def share_checks(result: AuditResult) -> list[ShareCheck]:
    """Every published share and rate, recomputed from the tables' counts, or from the narrative's
    own counts where the tables do not give them."""
    uy, told = result.uy, narrative_model(result)
    out = []
    for st in uy.statements.values():
        if st.kind not in ("share", "rate"):
            continue
        num, den = uy.resolve(st.numerator), uy.resolve(st.denominator)
        if num is None or den is None:
            num, den = told.resolve(st.numerator), told.resolve(st.denominator)
        r = recompute(st.value, num, den)
        out.append(ShareCheck(st.id, st.label, st.value, num, den, r.value if r else None, st.source or ""))
    return out


def format_text(result: AuditResult) -> str:
    uy = result.uy
    lines = [f"Audit of {shown(result.path)} ({result.kind.upper()}, {result.encoding})"]
    lines.append(f"Report:    {result.title or '(no title)'}")
    lines.append(f"Unit/year: {uy.unit_name} ({uy.unit}), {uy.year or 'year unknown'}")
    lines.append(
        f"Format:    {result.version} version ({schema.FORMAT_DOCUMENTS[result.version]}): {result.version_evidence}"
    )
    found = [
        f"{_TABLE_NAMES[k]} (page table {', '.join(map(str, r.numbers))}, {len(r.values)} cells read)"
        for k, r in sorted(result.tables.items())
    ]
    missing = [_TABLE_NAMES[k] for k in "ABC" if k not in result.tables]
    lines.append(
        "Tables:    "
        + ("; ".join(found) if found else "none")
        + (f"; not found: {', '.join(missing)}" if missing else "")
    )
    kinds: dict[str, int] = {}
    for st in uy.statements.values():
        kinds[st.kind] = kinds.get(st.kind, 0) + 1
    parts = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in kinds.items())
    lines.append(f"Narrative: {parts or 'no figures found'}")
    for note in result.notes:
        lines.append(f"Note:      {note}")
    checks = share_checks(result)
    if checks:
        lines.append("")
        lines.append("Published shares and rates, recomputed (half-up at the published precision):")
        for c in checks:
            basis = f"{c.numerator}÷{c.denominator}" if c.recomputed is not None else "—"
            lines.append(f"  {c.label}: published {c.published}%, {basis} → {c.verdict}")
    lines.append("")
    items = fnd.sorted_findings(result.findings)
    lines.append(f"Findings: {fnd.summary_line(items)}")
    lines.extend(f.text() for f in items)
    return "\n".join(lines)


def to_json(result: AuditResult) -> dict:
    uy = result.uy
    return {
        "file": str(result.path),
        "kind": result.kind,
        "encoding": result.encoding,
        "title": result.title,
        "unit": uy.unit,
        "unit_name": uy.unit_name,
        "year": uy.year,
        "format_version": result.version,
        "format_evidence": result.version_evidence,
        "tables": {
            _TABLE_NAMES[k]: {"page_tables": r.numbers, "cells_read": len(r.values), "version_shown": r.version}
            for k, r in sorted(result.tables.items())
        },
        "narrative": [
            {
                "id": s.id,
                "kind": s.kind,
                "label": s.label,
                "value": str(s.value),
                "subject": s.subject,
                "numerator": s.numerator,
                "denominator": s.denominator,
                "where": result.narrative.where.get(s.id),
                "quote": s.source,
            }
            for s in uy.statements.values()
        ],  # fmt: skip
        "shares": [
            {
                "id": c.id,
                "label": c.label,
                "published": str(c.published),
                "numerator": _num(c.numerator),
                "denominator": _num(c.denominator),
                "recomputed": None if c.recomputed is None else str(c.recomputed),
                "verdict": c.verdict,
            }
            for c in share_checks(result)
        ],  # fmt: skip
        "notes": result.notes,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [f.to_dict() for f in fnd.sorted_findings(result.findings)],
    }


def _num(value):
    return str(value) if isinstance(value, Decimal) else value
