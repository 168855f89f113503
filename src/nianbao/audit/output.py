"""The audit's report: a readable text (``nianbao audit FILE``) and JSON (``--json``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from nianbao.audit.run import AuditResult
from nianbao.format import schema
from nianbao.roots import shown
from nianbao.rules import findings as fnd
from nianbao.rules.rates import BELOW_ONE, MATCH, OTHER_BASE, TRUNCATED, UNKNOWN

_TABLE_NAMES = {"A": "表一", "B": "表二", "C": "表三"}
VERDICTS = {MATCH: "一致", TRUNCATED: "截尾取值", OTHER_BASE: "另一基数", UNKNOWN: "无法复核", "count": "件数与表不符"}


@dataclass(frozen=True)
class ShareCheck:
    """A published share or rate beside its recomputation: numerator, base and the words that
    led to them, and the verdict."""

    id: str
    label: str
    published: str
    numerator: int | Decimal | None
    denominator: int | Decimal | None
    recomputed: Decimal | None  # half-up against the base, at the published precision
    quote: str
    verdict: str  # 一致 | 截尾取值 | 另一基数 | 不一致 | 无法复核 | 件数与表不符
    note: str  # the judgement in words


def share_checks(result: AuditResult) -> list[ShareCheck]:
    """Every published share and rate as judged (see :mod:`nianbao.audit.judge_shares`)."""
    out = []
    for j in result.judgements:
        f, v = j.figure, j.verdict
        label = f.label if f.kind == "rate" else f"{f.numerator.label if f.numerator else ''}占比"
        base = v.primary.denominator if v.primary else None
        verdict = VERDICTS.get(v.kind, f"不一致（应为{v.expected}%）")
        out.append(ShareCheck(f.id, label, str(f.value), f.numerator.value if f.numerator else None, base,
                              v.expected, f.quote, verdict, j.note))  # fmt: skip
    return out


def _shown_share(value: str) -> str:
    return "不足1%" if value == BELOW_ONE else f"{value}%"


def format_text(result: AuditResult) -> str:
    uy, ident = result.uy, result.identity
    lines = [f"Audit of {shown(result.path)} ({result.kind.upper()}, {result.encoding})"]
    lines.append(f"Report:    {result.title or '(no title)'}")
    unit = f"{uy.unit_name} ({uy.unit or 'not in the registry'}; match: {ident.confidence}"
    unit += f", {ident.scope})" if ident.scope else ")"
    lines.append(
        f"Unit/year: {unit}, {uy.year or 'year unknown'}" + (f" from {ident.year_from}" if ident.year_from else "")
    )
    lines.append(
        f"Format:    {result.version} version ({schema.FORMAT_DOCUMENTS[result.version]}): {result.version_evidence}"
    )
    found = [
        f"{_TABLE_NAMES[k]} (page table {', '.join(map(str, r.numbers))}, {len(r.values)} cells read"
        + (f", {len(r.empty)} without a number" if r.empty else "")
        + ")"
        for k, r in sorted(result.tables.items())
    ]
    missing = [_TABLE_NAMES[k] for k in "ABC" if k not in result.tables]
    lines.append(
        "Tables:    "
        + ("; ".join(found) if found else "none")
        + (f"; not found: {', '.join(missing)}" if missing else "")
    )
    kinds = Counter(f.kind for f in result.figures)
    parts = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in kinds.items())
    lines.append(f"Narrative: {parts or 'no figures found'}")
    for note in result.notes:
        lines.append(f"Note:      {note}")
    checks = share_checks(result)
    if checks:
        lines.append("")
        lines.append("Published shares and rates, judged (half-up at the published precision; numerator, base, words):")
        for c in checks:
            basis = f"{c.numerator}÷{c.denominator}" if c.denominator is not None else "—"
            lines.append(f"  {c.label}: published {_shown_share(c.published)}, {basis} → {c.verdict}")
            lines.append(f"      {c.note}")
    lines.append("")
    items = fnd.sorted_findings(result.findings)
    lines.append(f"Findings: {fnd.summary_line(items)}")
    lines.extend(f.text() for f in items)
    return "\n".join(lines)


def to_json(result: AuditResult) -> dict:
    uy, ident = result.uy, result.identity
    return {
        "file": str(result.path),
        "kind": result.kind,
        "encoding": result.encoding,
        "title": result.title,
        "unit": uy.unit,
        "unit_name": uy.unit_name,
        "year": uy.year,
        "identity": {
            "unit": ident.unit,
            "unit_id": ident.unit_id,
            "match": ident.confidence,
            "scope": ident.scope,
            "year": ident.year,
            "title_year": ident.title_year,
            "period_year": ident.period_year,
            "year_from": ident.year_from,
        },  # fmt: skip
        "format_version": result.version,
        "format_evidence": result.version_evidence,
        "tables": {
            _TABLE_NAMES[k]: {
                "page_tables": r.numbers,
                "cells_read": len(r.values),
                "cells_without_number": len(r.empty),
                "version_shown": r.version,
            }  # fmt: skip
            for k, r in sorted(result.tables.items())
        },
        "figures": [f.to_dict() for f in result.figures],
        "shares": [
            {
                "id": c.id,
                "label": c.label,
                "published": c.published,
                "numerator": _num(c.numerator),
                "denominator": _num(c.denominator),
                "recomputed": None if c.recomputed is None else str(c.recomputed),
                "verdict": c.verdict,
                "note": c.note,
                "quote": c.quote,
            }
            for c in share_checks(result)
        ],  # fmt: skip
        "notes": result.notes,
        "errors": result.errors,
        "warnings": result.warnings,
        "unverifiable": result.unverifiable,
        "findings": [f.to_dict() for f in fnd.sorted_findings(result.findings)],
    }


def _num(value):
    return str(value) if isinstance(value, Decimal) else value
