"""Findings as HTML for notebooks and reports: every text is escaped (findings quote published
pages, which may contain anything). Outputs display themselves in Jupyter.

The markup is in ``render/templates/findings.html.j2``, the style in ``findings.css`` (carried
with the findings' HTML).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from nianbao.content.markup import macros
from nianbao.rules import findings as fnd
from nianbao.rules.check import findings_for
from nianbao.rules.findings import Finding

TEMPLATE = "findings.html.j2"
SEVERITY_LABELS = {fnd.ERROR: "错误", fnd.WARNING: "提示", fnd.UNVERIFIABLE: "无法复核"}
HEADERS = ["级别", "规则", "位置", "公布值", "应为", "说明"]
WORDS = {"blank": "（空白）", "quote": "原文：", "formula": "规则："}

#: The findings' stylesheet as a <style> element, for HTML built around them.
STYLE = str(macros(TEMPLATE).style())


@dataclass
class Html:
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def findings_table(findings: Iterable[Finding], *, title: str | None = None, empty: str = "未发现问题。") -> Html:
    """One row per finding: severity, rule, place, found, expected, explanation and formula."""
    rows = [
        {"severity": f.severity, "severity_label": SEVERITY_LABELS.get(f.severity, f.severity), "rule": f.rule,
         "table": f.location.table_label, "row": f.location.row, "column": f.location.column, "cell": f.location.cell,
         "found": f.found, "expected": f.expected, "note": f.note, "quote": f.location.quote, "formula": f.formula}
        for f in fnd.sorted_findings(findings)
    ]  # fmt: skip
    return Html(str(macros(TEMPLATE).findings_table(title, HEADERS, rows, empty, WORDS)))


def findings_notice(findings: Iterable[Finding], *, forced: bool = True) -> Html:
    """The box a report shows when it was built from data with findings (``--force``)."""
    items = list(findings)
    if not items:
        return Html(str(macros(TEMPLATE).notice("数据已按格式规则核对，未发现问题。")))
    n = fnd.counts(items)
    lead = f"本报告所用数据经核对发现{n[fnd.ERROR]}个错误、{n[fnd.WARNING]}个提示" + (
        "，报告按要求仍予生成，相关数字请以核对结果为准。" if forced and n[fnd.ERROR] else "。"
    )
    return Html(str(macros(TEMPLATE).notice(lead, Markup(findings_table(items).html))))


def data_findings_notice(unit: str, year: int, data_dir: str | None = None) -> Html:
    """For a report section: the notice of the data's findings when there are errors (the report
    was built with ``--force``), else nothing."""
    found = findings_for(unit, int(year), data_dir or None)
    return findings_notice(found) if fnd.has_errors(found) else Html("")
