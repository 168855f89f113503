"""The audit as HTML, for the audit notebook: a summary, each published table beside its
findings (the cells a finding points to are marked), the narrative's figures and the shares
recomputed. Every text from the page is escaped."""

from __future__ import annotations

from html import escape

from nianbao.audit.judge_shares import table_value
from nianbao.audit.output import share_checks
from nianbao.audit.page import Table, grid
from nianbao.audit.reading.figures import CLAIMS
from nianbao.audit.run import AuditResult
from nianbao.content.findings_html import STYLE, Html, findings_table
from nianbao.format import schema
from nianbao.rules.findings import Finding

TABLE_NAMES = {"A": "表一", "B": "表二", "C": "表三"}
TABLE_TITLES = {"A": schema.TABLE_A["2021"].title, "B": schema.TABLE_B_TITLE, "C": schema.TABLE_C_TITLE}


def heading(result: AuditResult) -> Html:
    uy = result.uy
    return Html(
        f"<h1>年度报告审核</h1><p>{escape(result.title or result.path.name)}</p>"
        f"<p>单位：{escape(uy.unit_name)}　年度：{escape(str(uy.year or '未知'))}　"
        f"格式：{escape(schema.FORMAT_DOCUMENTS[result.version])}（{escape(result.version)}年版）</p>"
    )


def summary(result: AuditResult) -> Html:
    found = "、".join(
        f"{TABLE_NAMES[k]}（页面第{'、'.join(map(str, r.numbers))}个表格）" for k, r in sorted(result.tables.items())
    )
    missing = "、".join(TABLE_NAMES[k] for k in "ABC" if k not in result.tables)
    items = [
        ("文件", f"{result.path.name}（{result.kind.upper()}，{result.encoding}）"),
        ("找到的统计表", found or "无"),
        ("未找到的统计表", missing or "无"),
        ("格式版本判断依据", result.version_evidence),
        ("正文中提取的数字", f"{len(result.figures)}项"),
        ("核对结果", f"{result.errors}个错误，{result.warnings}个提示，{result.unverifiable}项无法复核"),
    ]
    items += [("说明", note) for note in result.notes]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in items)
    return Html(f'{STYLE}<table class="nb-findings">{rows}</table>')


def _findings_of(result: AuditResult, kind: str) -> list[Finding]:
    return [f for f in result.findings if f.location.table == kind]


def published_table(table: Table, flagged: set[tuple[int, int]]) -> str:
    """A page table as published (spans kept, texts escaped), flagged cells marked."""
    g = grid(table)
    first_col: dict[int, int] = {}
    for line in g:
        for j, cell in enumerate(line):
            if cell is not None and id(cell) not in first_col:
                first_col[id(cell)] = j
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        for cell in row:
            j = first_col.get(id(cell), 0)
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            cls = ' class="nb-flag"' if (r + 1, j + 1) in flagged else ""
            text = "<br>".join(escape(line) for line in cell.published.split("\n")) or "&nbsp;"
            cells.append(f"<td{span}{cls}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="nb-table published">{"".join(rows)}</table>'


def _flagged(result: AuditResult, kind: str, number: int) -> set[tuple[int, int]]:
    out = set()
    read = result.tables.get(kind)
    if read is None:
        return out
    places = {f.location.cell for f in _findings_of(result, kind) if f.location.cell}
    for ref in read.refs.values():
        if ref.table == number and ref.where() in places:
            out.add((ref.row, ref.column))
    for problem in read.problems:
        if problem.ref is not None and problem.ref.table == number:
            out.add((problem.ref.row, problem.ref.column))
    return out


def side_by_side(result: AuditResult, kind: str) -> Html:
    """The published table (left) and its findings (right)."""
    title = f"<h2>{TABLE_NAMES[kind]}　{escape(TABLE_TITLES[kind])}</h2>"
    tables = result.page_tables.get(kind, [])
    if not tables:
        left = "<p>页面中没有找到这张表。</p>"
    else:
        left = "".join(
            f"<p><small>页面第{t.number}个表格</small></p>{published_table(t, _flagged(result, kind, t.number))}"
            for t in tables
        )
    right = findings_table(_findings_of(result, kind), empty="这张表未发现问题。").html
    return Html(
        f'{STYLE}{title}<div class="nb-side"><div class="published">{left}</div><div class="found">{right}</div></div>'
    )


def narrative(result: AuditResult) -> Html:
    """The narrative's figures, where they are, and what the tables say."""
    checked = result.checked
    rows = []
    for f in result.figures:
        if f.kind == "count":
            told = f"{f.value}件"
            table = table_value(checked, f.ref) if checked is not None else None
            other = "—" if table is None else f"{table}件"
            label = f.label
        elif f.kind == "claim":
            told, other, label = "（文字表述）", "", CLAIMS.get(f.claim, f.claim)
        else:
            told, other, label = _figure_value(f), "", _figure_label(f)
        rows.append(
            f"<tr><td>{escape(label)}</td><td>{escape(told)}</td><td>{escape(other)}</td>"
            f"<td>{escape(f.where)}</td><td>{escape(f.quote)}</td></tr>"
        )
    if not rows:
        return Html("<p>正文中没有找到可核对的数字。</p>")
    return Html(
        f'{STYLE}<h2>正文中的数字</h2><table class="nb-findings"><thead><tr><th>项目</th><th>正文</th><th>表中</th>'
        f"<th>位置</th><th>原文</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _figure_value(f) -> str:
    if f.kind == "change":
        return f"{'上升' if f.direction == 'up' else '下降'}{f.value}{f.unit}"
    if f.kind == "sum":
        return f"{f.value} = " + " + ".join(str(p.value) for p in f.parts)
    return "不足1%" if f.value == "<1" else f"{f.value}%"


def _figure_label(f) -> str:
    names = {"share": "占比", "rate": f.label, "change": "同比变化", "sum": "合计与各项"}
    return names.get(f.kind, f.kind)


def shares(result: AuditResult) -> Html:
    """Every published share and rate, judged: numerator, base, the words that led to them."""
    rows = []
    for c in share_checks(result):
        basis = f"{c.numerator}÷{c.denominator}" if c.denominator is not None else "—"
        published = "不足1%" if c.published == "<1" else f"{c.published}%"
        rows.append(
            f"<tr><td>{escape(c.label)}</td><td>{escape(published)}</td><td>{escape(basis)}</td>"
            f"<td>{escape('' if c.recomputed is None else str(c.recomputed) + '%')}</td><td>{escape(c.verdict)}</td>"
            f"<td>{escape(c.note)}</td></tr>"
        )
    if not rows:
        return Html("<p>正文中没有公布占比或比率。</p>")
    return Html(
        f"{STYLE}<h2>占比与比率复算</h2><p>按公布的小数位数，对精确值四舍五入（非二进制浮点数）；"
        "先按正文写明的基数或格式约定的基数，再试读者会想到的其他基数。</p>"
        f'<table class="nb-findings"><thead><tr><th>项目</th><th>公布</th><th>所依据的数字</th><th>复算</th><th>核对</th>'
        f"<th>说明</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def narrative_findings(result: AuditResult) -> Html:
    return findings_table(
        _findings_of(result, "text"), title="正文与表格、正文内部的核对", empty="正文数字未发现问题。"
    )


def all_findings(result: AuditResult) -> Html:
    return findings_table(result.findings, title="全部核对结果")


def open_audit(file: str, unit: str = "", year: int | str = 0, data_dir: str = "") -> AuditResult:
    """The audit notebook's first step: audit ``file`` (its parameters as papermill passes them)."""
    from nianbao.audit.run import audit_file
    from nianbao.errors import NianbaoError

    if not file:
        raise NianbaoError("the audit notebook needs the page to audit: run it with -p file PAGE.html")
    return audit_file(file, unit=unit or None, year=int(year) if year else None, data_dir=data_dir or None)
