"""The three tables in their official layout (merged headers, official labels) as HTML, and the
same figures as pandas DataFrames for downloads. Unknown cells show as “—”, never as 0."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

import pandas as pd

from nianbao.rules import measures, metrics, rates
from nianbao.format import schema
from nianbao.data.model import Figure, UnitYear


@dataclass
class HtmlTable:
    """Rendered HTML plus the data behind it; displays itself in Jupyter.

    Displayed, it also carries its data as :data:`nianbao.downloads.TABLE_MIME` (not shown by
    the HTML exporter), from which the CSV and XLSX downloads are written.
    """

    html: str
    frame: pd.DataFrame
    name: str = "table"  # file stem for downloads

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from nianbao.render.downloads import TABLE_MIME, table_payload

        payload = table_payload(self.html, self.frame, self.name)
        return {"text/html": self.html, "text/plain": payload["title"], TABLE_MIME: payload}


def _cell(value, *, cls: str = "") -> str:
    if value is None:
        return f'<td class="num unknown {cls}" title="未公布">{schema.UNKNOWN_MARK}</td>'
    return f'<td class="num {cls}">{escape(str(value))}</td>'


def _frame_value(value):
    if value is None:
        return pd.NA
    return value


def _caption(title: str, note: str = "") -> str:
    extra = f'<div class="table-note">{escape(note)}</div>' if note else ""
    return f'<div class="table-title">{escape(title)}</div>{extra}'


# ---------------------------------------------------------------------------------------------
# Table A
# ---------------------------------------------------------------------------------------------


def table_a(uy: UnitYear) -> HtmlTable:
    spec = uy.spec.table_a
    width = max(len(b.columns) for b in spec.blocks)
    parts = [f'<table class="nb-table table-a version-{spec.version}">', "<tbody>"]
    records = []
    for block in spec.blocks:
        parts.append(f'<tr class="block-head"><th colspan="{width + 1}">{escape(block.article)}</th></tr>')
        heads = "".join(
            f'<th{_span(i, len(block.columns), width)}>{escape(c.label)}</th>' for i, c in enumerate(block.columns)
        )
        parts.append(f'<tr class="col-head"><th>{escape(block.row_header)}</th>{heads}</tr>')
        for row in block.rows:
            cells = []
            for i, col in enumerate(block.columns):
                value = uy.a(row.id, col.id)
                span = _span(i, len(block.columns), width)
                if value is None:
                    cells.append(f'<td class="num unknown"{span} title="未公布">{schema.UNKNOWN_MARK}</td>')
                else:
                    shown = f"{value:+d}" if col.kind == "change" and isinstance(value, int) and value else value
                    cells.append(f'<td class="num"{span}>{escape(str(shown))}</td>')
                records.append(
                    {"条例条款": block.article, "信息内容": row.label, "指标": col.label, "数值": _frame_value(value)}
                )
            parts.append(f'<tr><th class="row-label">{escape(row.label)}</th>{"".join(cells)}</tr>')
    parts.append("</tbody></table>")
    caption = _caption(f"表一　{spec.title}", f"格式版本：{uy.spec.document}")
    return HtmlTable(caption + "".join(parts) + _legend(), pd.DataFrame.from_records(records), "table_a")


def _span(i: int, n: int, width: int) -> str:
    """The last column of a narrower block spans the rest of the table."""
    return f' colspan="{width - n + 1}"' if i == n - 1 and n < width else ""


def _legend(extra: str = "") -> str:
    notes = [schema.UNKNOWN_NOTE] + ([extra] if extra else [])
    return "".join(f'<div class="table-legend">{escape(n)}</div>' for n in notes)


# ---------------------------------------------------------------------------------------------
# Table B
# ---------------------------------------------------------------------------------------------


def _b_header() -> str:
    org = schema.TABLE_B_ORG_COLUMNS
    org_heads = "".join(f"<th>{escape(schema.TABLE_B_COLUMN_LABEL[c])}</th>" for c in org)
    return (
        "<thead>"
        f'<tr><th class="rule-note" colspan="3" rowspan="3">{escape(schema.TABLE_B_RULE_NOTE)}</th>'
        f'<th colspan="7">{escape(schema.TABLE_B_APPLICANT_HEADER)}</th></tr>'
        f'<tr><th rowspan="2">{escape(schema.TABLE_B_COLUMN_LABEL["natural_person"])}</th>'
        f'<th colspan="5">{escape(schema.TABLE_B_ORG_HEADER)}</th>'
        f'<th rowspan="2">{escape(schema.TABLE_B_COLUMN_LABEL["total"])}</th></tr>'
        f"<tr>{org_heads}</tr>"
        "</thead>"
    )


def table_b(uy: UnitYear, subtotals: bool = True) -> HtmlTable:
    """Table B in the official layout. With ``subtotals``, a row after each disposition category
    gives its total (stated in the data, or derived from its rows) — marked as not official."""
    spec = uy.spec.table_b
    cols = schema.TABLE_B_COLUMN_IDS

    def values(row_id: str) -> str:
        return "".join(_cell(uy.b(row_id, c)) for c in cols)

    def subtotal(group_id: str, label: str, label_span: int) -> str:
        cells = []
        for c in cols:
            v = uy.b_group(group_id, c)
            cls = "stated" if uy.b_group_is_stated(group_id, c) else "derived"
            cells.append(_cell(v, cls=cls))
        return f'<tr class="subtotal"><th class="row-label" colspan="{label_span}">{escape(label)}</th>{"".join(cells)}</tr>'

    rows: list[str] = []
    # rows inside 三、本年度办理结果: (一), (二), [subtotal], groups (三)-(六) with subtotals, (七)
    inner: list[str] = []
    for g in spec.groups:
        multi = len(g.rows) > 1 and g.id != "disclosed"
        for i, row_id in enumerate(g.rows):
            row = spec.row(row_id)
            if multi:
                head = ""
                if i == 0:
                    span = len(g.rows) + (1 if subtotals else 0)
                    head = f'<th class="group-label" rowspan="{span}">{escape(g.label)}</th>'
                inner.append(f'<tr>{head}<th class="row-label">{escape(row.label)}</th>{values(row_id)}</tr>')
            else:
                inner.append(f'<tr><th class="row-label" colspan="2">{escape(row.label)}</th>{values(row_id)}</tr>')
        if subtotals and (multi or g.id == "disclosed"):
            label_span = 1 if multi else 2
            label = "小计*" if multi else "（一）+（二）小计*"
            inner.append(subtotal(g.id, label, label_span))
    inner.append(f'<tr class="total"><th class="row-label" colspan="2">{escape(spec.row("total").label)}</th>{values("total")}</tr>')
    results_head = f'<th class="group-label" rowspan="{len(inner)}">{escape(schema.TABLE_B_RESULTS_HEADER)}</th>'
    inner[0] = inner[0].replace("<tr>", f"<tr>{results_head}", 1)

    for row_id in ("new_received", "carried_in"):
        rows.append(f'<tr><th class="row-label" colspan="3">{escape(spec.row(row_id).label)}</th>{values(row_id)}</tr>')
    rows.extend(inner)
    rows.append(
        f'<tr><th class="row-label" colspan="3">{escape(spec.row("carried_forward").label)}</th>{values("carried_forward")}</tr>'
    )
    html = (
        _caption(f"表二　{schema.TABLE_B_TITLE}", f"格式版本：{uy.spec.document}")
        + f'<table class="nb-table table-b version-{spec.version}">{_b_header()}<tbody>{"".join(rows)}</tbody></table>'
        + _legend(schema.DERIVED_NOTE if subtotals else "")
    )
    return HtmlTable(html, table_b_frame(uy), "table_b")


def table_b_frame(uy: UnitYear) -> pd.DataFrame:
    """Table B as a DataFrame: one row per official row (full label path), official columns."""
    spec = uy.spec.table_b
    index, data = [], []
    for label_path, row_id in _b_label_paths(spec):
        index.append(label_path)
        data.append([_frame_value(uy.b(row_id, c)) for c in schema.TABLE_B_COLUMN_IDS])
    frame = pd.DataFrame(data, index=pd.Index(index, name="项目"), columns=[c.label for c in schema.TABLE_B_COLUMNS])
    return frame.astype("Int64")


def _b_label_paths(spec: schema.TableB) -> list[tuple[str, str]]:
    out = []
    for row in spec.rows:
        g = spec.group_of(row.id)
        if g is not None and len(g.rows) > 1 and g.id != "disclosed":
            label = f"{schema.TABLE_B_RESULTS_HEADER}/{g.label}/{row.label}"
        elif g is not None or row.id == "total":
            label = f"{schema.TABLE_B_RESULTS_HEADER}/{row.label}"
        else:
            label = row.label
        out.append((label, row.id))
    return out


def dispositions(uy: UnitYear) -> HtmlTable:
    """The disposition categories with their counts and shares of （七）总计, checked against the
    shares the report published."""
    total = uy.b("total")
    records, rows = [], []
    for d in measures.dispositions(uy):
        published = rates.statement_for(uy, f"BG.{d.id}.total")
        check = rates.check_statement(uy, published) if published else None
        pub_text = f"{published.value}%" if published else "未公布"
        verdict = "" if check is None else check.explanation
        records.append(
            {
                "办理结果": d.narrative_label,
                "件数": _frame_value(d.count),
                "占比（%）": None if d.share is None else str(d.share),
                "公布占比（%）": None if published is None else str(published.value),
                "核对": verdict,
            }
        )
        ok_cls = "" if check is None or check.matches is None else ("ok" if check.matches else "mismatch")
        rows.append(
            f"<tr><th class='row-label'>{escape(d.label)}</th>{_cell(d.count)}"
            f"<td class='num'>{escape(metrics.fmt_percent(d.share))}</td>"
            f"<td class='num'>{escape(pub_text)}</td><td class='verdict {ok_cls}'>{escape(verdict)}</td></tr>"
        )
    rows.append(
        f"<tr class='total'><th class='row-label'>（七）总计</th>{_cell(total)}"
        f"<td class='num'>{'100.00%' if total else '—'}</td><td></td><td></td></tr>"
    )
    html = (
        _caption("办理结果分类及占比", "占比 = 该类件数 ÷ （七）总计 × 100%，四舍五入保留两位小数")
        + "<table class='nb-table dispositions'><thead><tr><th>办理结果</th><th>件数</th><th>占比</th>"
        "<th>报告公布的占比</th><th>核对</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return HtmlTable(html, pd.DataFrame.from_records(records), "dispositions")


# ---------------------------------------------------------------------------------------------
# Table C
# ---------------------------------------------------------------------------------------------


def table_c(uy: UnitYear) -> HtmlTable:
    col_heads = "".join(f"<th>{escape(c.label)}</th>" for c in schema.TABLE_C_COLUMNS)
    review_heads = "".join(f'<th rowspan="2">{escape(c.label)}</th>' for c in schema.TABLE_C_COLUMNS)
    lit = schema.TABLE_C_BLOCKS[1:]
    head = (
        "<thead>"
        f'<tr><th colspan="5">{escape(schema.TABLE_C_BLOCK_LABEL["review"])}</th>'
        f'<th colspan="10">{escape(schema.TABLE_C_LITIGATION_HEADER)}</th></tr>'
        f"<tr>{review_heads}"
        + "".join(f'<th colspan="5">{escape(b.label)}</th>' for b in lit)
        + "</tr>"
        f"<tr>{col_heads}{col_heads}</tr>"
        "</thead>"
    )
    cells = "".join(_cell(uy.c(b, c)) for b in schema.TABLE_C_BLOCK_IDS for c in schema.TABLE_C_COLUMN_IDS)
    html = (
        _caption(f"表三　{schema.TABLE_C_TITLE}")
        + f'<table class="nb-table table-c">{head}<tbody><tr>{cells}</tr></tbody></table>'
        + _legend()
    )
    return HtmlTable(html, table_c_frame(uy), "table_c")


def table_c_frame(uy: UnitYear) -> pd.DataFrame:
    data = [[_frame_value(uy.c(b, c)) for c in schema.TABLE_C_COLUMN_IDS] for b in schema.TABLE_C_BLOCK_IDS]
    index = ["行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"]
    return pd.DataFrame(data, index=pd.Index(index, name="类别"), columns=[c.label for c in schema.TABLE_C_COLUMNS]).astype(
        "Int64"
    )


# ---------------------------------------------------------------------------------------------
# figures and simple key/value tables
# ---------------------------------------------------------------------------------------------


def figures_table(figures: list[Figure], title: str = "其他数据") -> HtmlTable:
    if not figures:
        empty = pd.DataFrame(columns=["指标", "数值", "单位", "限定", "说明"])
        return HtmlTable(_caption(title) + '<p class="empty">（本年度数据中没有此类数字。）</p>', empty, "figures")
    rows, records = [], []
    for f in figures:
        note = f.note or ""
        rows.append(
            f"<tr><th class='row-label'>{escape(f.label)}</th><td class='num'>{escape(f.display())}</td>"
            f"<td class='note'>{escape(note)}</td></tr>"
        )
        records.append({"指标": f.label, "数值": f.value if isinstance(f.value, int) else str(f.value), "单位": f.unit, "限定": f.qualifier or "", "说明": note})
    html = (
        _caption(title)
        + "<table class='nb-table figures'><thead><tr><th>指标</th><th>数值</th><th>说明</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return HtmlTable(html, pd.DataFrame.from_records(records), "figures")


def key_values(title: str, items: list[tuple[str, str]], note: str = "") -> HtmlTable:
    """A two-column table of labelled values (already formatted)."""
    rows = "".join(f"<tr><th class='row-label'>{escape(k)}</th><td class='num'>{escape(v)}</td></tr>" for k, v in items)
    html = _caption(title, note) + f"<table class='nb-table key-values'><tbody>{rows}</tbody></table>"
    return HtmlTable(html, pd.DataFrame(items, columns=["项目", "数值"]), "key_values")


def fmt(value: int | Decimal | None) -> str:
    return metrics.fmt_count(value)
