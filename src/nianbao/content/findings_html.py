"""Findings as HTML for notebooks and reports: every text is escaped (findings quote published
pages, which may contain anything). Outputs display themselves in Jupyter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from nianbao.rules import findings as fnd
from nianbao.rules.findings import Finding

STYLE = """<style>
.nb-findings { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 0.5em 0 1em; }
.nb-findings th, .nb-findings td { border: 0.5pt solid #999; padding: 2pt 4pt; vertical-align: top; text-align: left; }
.nb-findings th { background: #eee; }
.nb-findings tr.error td.severity { color: #a00; font-weight: bold; }
.nb-findings tr.warning td.severity { color: #a60; }
.nb-findings .formula, .nb-findings .quote { color: #555; font-size: 8.5pt; }
.nb-findings-box { border: 1pt solid #a00; padding: 4pt 8pt; margin: 0.5em 0 1em; }
.nb-findings-box.clean { border-color: #393; }
.nb-side { display: flex; gap: 12pt; align-items: flex-start; flex-wrap: wrap; }
.nb-side > div { flex: 1 1 320px; min-width: 0; overflow-x: auto; }
.nb-findings th, .nb-findings td.severity { white-space: nowrap; }
.nb-flag { background: #fdd; outline: 1pt solid #a00; }
@media print { .nb-side { display: block; } .nb-side > div { overflow: visible; } }
</style>"""

SEVERITY_LABELS = {fnd.ERROR: "错误", fnd.WARNING: "提示"}


@dataclass
class Html:
    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _value(value) -> str:
    return "（空白）" if value is None or value == "" else escape(str(value))


def findings_table(findings: Iterable[Finding], *, title: str | None = None, empty: str = "未发现问题。") -> Html:
    """One row per finding: severity, rule, place, found, expected, explanation and formula."""
    items = fnd.sorted_findings(findings)
    head = f"<h3>{escape(title)}</h3>" if title else ""
    if not items:
        return Html(f'{STYLE}{head}<p class="nb-findings-empty">{escape(empty)}</p>')
    rows = []
    for f in items:
        loc = f.location
        place = escape(loc.table_label)
        if loc.row:
            place += f"<br>「{escape(loc.row)}」"
        if loc.column:
            place += f" × 「{escape(loc.column)}」"
        if loc.cell:
            place += f"<br><small>{escape(loc.cell)}</small>"
        note = escape(f.note)
        if loc.quote:
            note += f'<div class="quote">原文：「{escape(loc.quote)}」</div>'
        note += f'<div class="formula">规则：{escape(f.formula)}</div>'
        rows.append(
            f'<tr class="{escape(f.severity)}"><td class="severity">{escape(SEVERITY_LABELS.get(f.severity, f.severity))}</td>'
            f"<td>{escape(f.rule)}</td><td>{place}</td><td>{_value(f.found)}</td><td>{_value(f.expected)}</td><td>{note}</td></tr>"
        )
    return Html(
        f"{STYLE}{head}<table class=\"nb-findings\"><thead><tr><th>级别</th><th>规则</th><th>位置</th><th>公布值</th>"
        f"<th>应为</th><th>说明</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def findings_notice(findings: Iterable[Finding], *, forced: bool = True) -> Html:
    """The box a report shows when it was built from data with findings (``--force``)."""
    items = list(findings)
    n = fnd.counts(items)
    if not items:
        return Html(f'{STYLE}<div class="nb-findings-box clean">数据已按格式规则核对，未发现问题。</div>')
    lead = (
        f"本报告所用数据经核对发现{n[fnd.ERROR]}个错误、{n[fnd.WARNING]}个提示"
        + ("，报告按要求仍予生成，相关数字请以核对结果为准。" if forced and n[fnd.ERROR] else "。")
    )
    return Html(f'{STYLE}<div class="nb-findings-box"><p>{escape(lead)}</p>{findings_table(items).html}</div>')


def data_findings_notice(unit: str, year: int, data_dir: str | None = None) -> Html:
    """For a report section: the notice of the data's findings when there are errors (the report
    was built with ``--force``), else nothing."""
    from nianbao.rules.check import findings_for

    found = findings_for(unit, int(year), data_dir or None)
    return findings_notice(found) if fnd.has_errors(found) else Html("")
