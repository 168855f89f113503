"""The three tables in their official layout (merged headers, official labels) as HTML, and the
same figures as pandas DataFrames for downloads. Unknown cells show as “—”, never as 0.

The markup is in ``render/templates/tables.html.j2``; this module decides the layout (which rows,
which spans) and the words.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nianbao.content.markup import HtmlTable, macros, verdict_class
from nianbao.data.model import Figure, UnitYear
from nianbao.format import schema
from nianbao.rules import measures, metrics, rates

TEMPLATE = "tables.html.j2"


def _frame_value(value):
    return pd.NA if value is None else value


# ---------------------------------------------------------------------------------------------
# Table A
# ---------------------------------------------------------------------------------------------


def table_a(uy: UnitYear) -> HtmlTable:
    spec = uy.spec.table_a
    width = max(len(b.columns) for b in spec.blocks)
    blocks, records = [], []
    for block in spec.blocks:
        n = len(block.columns)
        spans = [width - n + 1 if i == n - 1 and n < width else None for i in range(n)]  # the last one fills the row
        rows = []
        for row in block.rows:
            values = [uy.a(row.id, col.id) for col in block.columns]
            shown = [
                f"{v:+d}" if col.kind == "change" and isinstance(v, int) and v else v
                for v, col in zip(values, block.columns)
            ]
            rows.append({"label": row.label, "figures": shown})
            records += [
                {"条例条款": block.article, "信息内容": row.label, "指标": col.label, "数值": _frame_value(v)}
                for v, col in zip(values, block.columns)
            ]
        blocks.append({"article": block.article, "row_header": block.row_header, "columns": [c.label for c in block.columns],
                       "spans": spans, "rows": rows})  # fmt: skip
    html = macros(TEMPLATE).table_a(
        f"表一　{spec.title}", f"格式版本：{uy.spec.document}", spec.version, width, blocks, [schema.UNKNOWN_NOTE]
    )
    return HtmlTable(str(html), pd.DataFrame.from_records(records), "table_a")


# ---------------------------------------------------------------------------------------------
# Table B
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Head:
    label: str
    cls: str = "row-label"
    colspan: int | None = None
    rowspan: int | None = None


@dataclass(frozen=True)
class _Cell:
    value: int | None
    cls: str = ""


@dataclass
class _Row:
    heads: list[_Head]
    cells: list[_Cell]
    cls: str | None = None


_B_HEADER = {
    "rule_note": schema.TABLE_B_RULE_NOTE,
    "applicant": schema.TABLE_B_APPLICANT_HEADER,
    "natural_person": schema.TABLE_B_COLUMN_LABEL["natural_person"],
    "organisations": schema.TABLE_B_ORG_HEADER,
    "total": schema.TABLE_B_COLUMN_LABEL["total"],
    "organisation_columns": [schema.TABLE_B_COLUMN_LABEL[c] for c in schema.TABLE_B_ORG_COLUMNS],
}


def table_b(uy: UnitYear, subtotals: bool = True) -> HtmlTable:
    """Table B in the official layout. With ``subtotals``, a row after each disposition category
    gives its total (stated in the data, or derived from its rows) — marked as not official."""
    spec = uy.spec.table_b

    def row(row_id: str, *heads: _Head, cls: str | None = None) -> _Row:
        return _Row(list(heads), [_Cell(uy.b(row_id, c)) for c in schema.TABLE_B_COLUMN_IDS], cls)

    def outer(row_id: str) -> _Row:  # 一, 二 and 四: their label spans the three label columns
        return row(row_id, _Head(spec.row(row_id).label, colspan=3))

    results = _b_results(uy, spec, row, subtotals)
    results[0].heads.insert(0, _Head(schema.TABLE_B_RESULTS_HEADER, "group-label", rowspan=len(results)))
    rows = [outer("new_received"), outer("carried_in"), *results, outer("carried_forward")]
    notes = [schema.UNKNOWN_NOTE] + ([schema.DERIVED_NOTE] if subtotals else [])
    html = macros(TEMPLATE).table_b(
        f"表二　{schema.TABLE_B_TITLE}", f"格式版本：{uy.spec.document}", spec.version, _B_HEADER, rows, notes
    )
    return HtmlTable(str(html), table_b_frame(uy), "table_b")


def _b_results(uy: UnitYear, spec: schema.TableB, row, subtotals: bool) -> list[_Row]:
    """The rows inside 三、本年度办理结果: (一), (二) and their subtotal, the categories (三)–(六)
    each under its label with its subtotal, then (七)."""
    out: list[_Row] = []
    for g in spec.groups:
        multi = len(g.rows) > 1 and g.id != "disclosed"
        for i, row_id in enumerate(g.rows):
            label = spec.row(row_id).label
            if not multi:
                out.append(row(row_id, _Head(label, colspan=2)))
                continue
            heads = [_Head(label)]
            if i == 0:
                heads.insert(0, _Head(g.label, "group-label", rowspan=len(g.rows) + (1 if subtotals else 0)))
            out.append(row(row_id, *heads))
        if subtotals and (multi or g.id == "disclosed"):
            head = _Head("小计*") if multi else _Head("（一）+（二）小计*", colspan=2)
            cells = [
                _Cell(uy.b_group(g.id, c), "stated" if uy.b_group_is_stated(g.id, c) else "derived")
                for c in schema.TABLE_B_COLUMN_IDS
            ]
            out.append(_Row([head], cells, "subtotal"))
    out.append(row("total", _Head(spec.row("total").label, colspan=2), cls="total"))
    return out


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
        rows.append(
            {"label": d.label, "count": d.count, "share": metrics.fmt_percent(d.share),
             "published": f"{published.value}%" if published else "未公布", "verdict": verdict, "verdict_cls": verdict_class(check)}
        )  # fmt: skip
    total_row = {
        "label": uy.spec.table_b.row("total").label,
        "count": total,
        "share": "100.00%" if total else schema.UNKNOWN_MARK,
    }
    html = macros(TEMPLATE).dispositions(
        "办理结果分类及占比", "占比 = 该类件数 ÷ （七）总计 × 100%，四舍五入保留两位小数",
        ["办理结果", "件数", "占比", "报告公布的占比", "核对"], rows, total_row,
    )  # fmt: skip
    return HtmlTable(str(html), pd.DataFrame.from_records(records), "dispositions")


# ---------------------------------------------------------------------------------------------
# Table C
# ---------------------------------------------------------------------------------------------

_C_HEADER = {
    "review": schema.TABLE_C_BLOCK_LABEL["review"],
    "litigation": schema.TABLE_C_LITIGATION_HEADER,
    "litigation_blocks": [b.label for b in schema.TABLE_C_BLOCKS[1:]],
    "columns": [c.label for c in schema.TABLE_C_COLUMNS],
}


def table_c(uy: UnitYear) -> HtmlTable:
    values = [uy.c(b, c) for b in schema.TABLE_C_BLOCK_IDS for c in schema.TABLE_C_COLUMN_IDS]
    html = macros(TEMPLATE).table_c(f"表三　{schema.TABLE_C_TITLE}", _C_HEADER, values, [schema.UNKNOWN_NOTE])
    return HtmlTable(str(html), table_c_frame(uy), "table_c")


def table_c_frame(uy: UnitYear) -> pd.DataFrame:
    data = [[_frame_value(uy.c(b, c)) for c in schema.TABLE_C_COLUMN_IDS] for b in schema.TABLE_C_BLOCK_IDS]
    index = ["行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"]
    return pd.DataFrame(
        data, index=pd.Index(index, name="类别"), columns=[c.label for c in schema.TABLE_C_COLUMNS]
    ).astype("Int64")


# ---------------------------------------------------------------------------------------------
# figures and simple key/value tables
# ---------------------------------------------------------------------------------------------


def figures_table(figures: list[Figure], title: str = "其他数据") -> HtmlTable:
    headers = ["指标", "数值", "说明"]
    rows = [{"label": f.label, "value": f.display(), "note": f.note or ""} for f in figures]
    records = [
        {"指标": f.label, "数值": f.value if isinstance(f.value, int) else str(f.value), "单位": f.unit, "限定": f.qualifier or "",
         "说明": f.note or ""}
        for f in figures
    ]  # fmt: skip
    html = macros(TEMPLATE).figures(title, headers, rows, "（本年度数据中没有此类数字。）")
    frame = (
        pd.DataFrame.from_records(records)
        if records
        else pd.DataFrame(columns=["指标", "数值", "单位", "限定", "说明"])
    )
    return HtmlTable(str(html), frame, "figures")


def key_values(title: str, items: list[tuple[str, str]], note: str = "") -> HtmlTable:
    """A two-column table of labelled values (already formatted)."""
    html = macros(TEMPLATE).key_values(title, note, items)
    return HtmlTable(str(html), pd.DataFrame(items, columns=["项目", "数值"]), "key_values")
