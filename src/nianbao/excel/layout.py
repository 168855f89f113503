"""Where everything is in a nianbao workbook: one layout per format version, shared by the
template writer and the importer, so that both agree cell by cell.

Sheets: 说明 (unit, year, version, how to fill in), 表一/表二/表三 (the official tables with merged
headers and exact labels), and a hidden sheet ``nianbao`` recording unit, year and version.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from nianbao.format import schema

INFO_SHEET = "说明"
META_SHEET = "nianbao"
SHEET_NAMES = {"A": "表一", "B": "表二", "C": "表三"}
TABLE_TITLES = {"A": schema.TABLE_A["2021"].title, "B": schema.TABLE_B_TITLE, "C": schema.TABLE_C_TITLE}

#: The meta sheet: key → row (values in column B).
META_ROWS = {"unit": 1, "unit_name": 2, "year": 3, "format_version": 4, "template": 5}
TEMPLATE_MARK = "nianbao workbook 1"

#: The info sheet: key → row (label in A, value in B).
INFO_ROWS = {"unit": 3, "unit_name": 4, "year": 5, "format_version": 6}
INFO_LABELS = {"unit": "单位代码", "unit_name": "单位名称", "year": "年度", "format_version": "格式版本"}


@dataclass(frozen=True)
class Label:
    """A fixed text cell. ``role``: ``row`` or ``column`` labels identify the input cells and are
    checked on import; ``title``/``note``/``group`` cells are decoration (groups are checked too)."""

    address: str
    text: str
    role: str
    merge: str | None = None  # the merged range this label heads, e.g. "A3:C5"


@dataclass(frozen=True)
class Input:
    address: str
    table: str  # "A" | "B" | "C"
    row_id: str
    col_id: str
    kind: str  # "count" | "change" | "amount"
    merge: str | None = None  # a narrower Table A block's last column spans the rest of the row


@dataclass
class SheetLayout:
    table: str
    name: str
    width: int  # number of columns used
    labels: list[Label] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)

    def input_at(self, table: str, row_id: str, col_id: str) -> Input | None:
        return self._index.get((table, row_id, col_id))

    @functools.cached_property
    def _index(self) -> dict[tuple[str, str, str], Input]:
        return {(i.table, i.row_id, i.col_id): i for i in self.inputs}

    @property
    def merges(self) -> list[str]:
        return [x.merge for x in self.labels if x.merge] + [i.merge for i in self.inputs if i.merge]


def _col(n: int) -> str:
    return get_column_letter(n)


def _addr(col: int, row: int) -> str:
    return f"{_col(col)}{row}"


def _rng(c1: int, r1: int, c2: int, r2: int) -> str | None:
    return None if (c1, r1) == (c2, r2) else f"{_addr(c1, r1)}:{_addr(c2, r2)}"


def _heading(layout: SheetLayout, title: str) -> None:
    layout.labels.append(Label("A1", title, "title", _rng(1, 1, layout.width, 1)))
    layout.labels.append(Label("A2", "", "info", _rng(1, 2, layout.width, 2)))  # filled with unit and year


# ---------------------------------------------------------------------------------------------
# Table A: blocks one under the other; a narrower block's last column spans the rest
# ---------------------------------------------------------------------------------------------


def _table_a(version: str) -> SheetLayout:
    spec = schema.TABLE_A[version]
    width = 1 + max(len(b.columns) for b in spec.blocks)
    sheet = SheetLayout("A", SHEET_NAMES["A"], width)
    _heading(sheet, f"{SHEET_NAMES['A']}　{spec.title}")
    r = 3
    for block in spec.blocks:
        sheet.labels.append(Label(_addr(1, r), block.article, "group", _rng(1, r, width, r)))
        r += 1
        sheet.labels.append(Label(_addr(1, r), block.row_header, "column"))
        n = len(block.columns)
        for i, col in enumerate(block.columns):
            last = i == n - 1 and n < width - 1
            sheet.labels.append(Label(_addr(2 + i, r), col.label, "column", _rng(2 + i, r, width, r) if last else None))
        sheet.row_heights[r] = 30
        r += 1
        for row in block.rows:
            sheet.labels.append(Label(_addr(1, r), row.label, "row"))
            for i, col in enumerate(block.columns):
                last = i == n - 1 and n < width - 1
                sheet.inputs.append(
                    Input(_addr(2 + i, r), "A", row.id, col.id, col.kind, _rng(2 + i, r, width, r) if last else None)
                )
            r += 1
    return sheet


# ---------------------------------------------------------------------------------------------
# Table B: the official layout with the 勾稽关系 note in the top-left corner
# ---------------------------------------------------------------------------------------------

_B_FIRST_VALUE_COL = 4  # D


def _table_b(version: str) -> SheetLayout:
    spec = schema.TABLE_B[version]
    cols = schema.TABLE_B_COLUMNS
    width = 3 + len(cols)
    sheet = SheetLayout("B", SHEET_NAMES["B"], width)
    _heading(sheet, f"{SHEET_NAMES['B']}　{schema.TABLE_B_TITLE}")
    d = _B_FIRST_VALUE_COL
    sheet.labels += [
        Label("A3", schema.TABLE_B_RULE_NOTE, "note", "A3:C5"),
        Label(_addr(d, 3), schema.TABLE_B_APPLICANT_HEADER, "group", _rng(d, 3, width, 3)),
        Label(_addr(d, 4), schema.TABLE_B_COLUMN_LABEL["natural_person"], "column", _rng(d, 4, d, 5)),
        Label(_addr(d + 1, 4), schema.TABLE_B_ORG_HEADER, "group", _rng(d + 1, 4, d + 5, 4)),
        Label(_addr(width, 4), schema.TABLE_B_COLUMN_LABEL["total"], "column", _rng(width, 4, width, 5)),
    ]
    for i, col_id in enumerate(schema.TABLE_B_ORG_COLUMNS):
        sheet.labels.append(Label(_addr(d + 1 + i, 5), schema.TABLE_B_COLUMN_LABEL[col_id], "column"))
    sheet.row_heights.update({3: 24, 4: 24, 5: 30})

    r = 6

    def values(row_id: str, row: int) -> None:
        for i, col in enumerate(cols):
            sheet.inputs.append(Input(_addr(d + i, row), "B", row_id, col.id, "count"))

    for row_id in ("new_received", "carried_in"):
        sheet.labels.append(Label(_addr(1, r), spec.row(row_id).label, "row", _rng(1, r, 3, r)))
        values(row_id, r)
        r += 1
    first_result = r
    for group in spec.groups:
        multi = len(group.rows) > 1 and group.id != "disclosed"
        if multi:
            sheet.labels.append(Label(_addr(2, r), group.label, "group", _rng(2, r, 2, r + len(group.rows) - 1)))
        for row_id in group.rows:
            label = spec.row(row_id).label
            if multi:
                sheet.labels.append(Label(_addr(3, r), label, "row"))
            else:
                sheet.labels.append(Label(_addr(2, r), label, "row", _rng(2, r, 3, r)))
            if len(label) > 24:
                sheet.row_heights[r] = 30
            values(row_id, r)
            r += 1
    sheet.labels.append(Label(_addr(2, r), spec.row("total").label, "row", _rng(2, r, 3, r)))
    values("total", r)
    sheet.labels.append(
        Label(_addr(1, first_result), schema.TABLE_B_RESULTS_HEADER, "group", _rng(1, first_result, 1, r))
    )
    r += 1
    sheet.labels.append(Label(_addr(1, r), spec.row("carried_forward").label, "row", _rng(1, r, 3, r)))
    values("carried_forward", r)
    return sheet


# ---------------------------------------------------------------------------------------------
# Table C: one row of fifteen cells under a three-row header
# ---------------------------------------------------------------------------------------------


def _table_c() -> SheetLayout:
    ncol = len(schema.TABLE_C_COLUMNS)
    width = ncol * len(schema.TABLE_C_BLOCKS)
    sheet = SheetLayout("C", SHEET_NAMES["C"], width)
    _heading(sheet, f"{SHEET_NAMES['C']}　{schema.TABLE_C_TITLE}")
    sheet.labels.append(Label("A3", schema.TABLE_C_BLOCK_LABEL["review"], "group", _rng(1, 3, ncol, 3)))
    sheet.labels.append(
        Label(_addr(ncol + 1, 3), schema.TABLE_C_LITIGATION_HEADER, "group", _rng(ncol + 1, 3, width, 3))
    )
    for b, block in enumerate(schema.TABLE_C_BLOCKS):
        first = 1 + b * ncol
        if b > 0:
            sheet.labels.append(Label(_addr(first, 4), block.label, "group", _rng(first, 4, first + ncol - 1, 4)))
        for i, col in enumerate(schema.TABLE_C_COLUMNS):
            c = first + i
            if b == 0:
                sheet.labels.append(Label(_addr(c, 4), col.label, "column", _rng(c, 4, c, 5)))
            else:
                sheet.labels.append(Label(_addr(c, 5), col.label, "column"))
            sheet.inputs.append(Input(_addr(c, 6), "C", block.id, col.id, "count"))
    sheet.row_heights.update({4: 24, 5: 24})
    return sheet


@functools.cache
def workbook_layout(version: str) -> tuple[SheetLayout, ...]:
    """The three table sheets of a workbook in format ``version``, in order."""
    if version not in schema.FORMAT_VERSIONS:
        raise ValueError(f"unknown format version {version!r}")
    return (_table_a(version), _table_b(version), _table_c())


def cell_of(version: str, table: str, row_id: str, col_id: str | None) -> str | None:
    """``表二!D12`` for a cell of the model, or None when the workbook has no such cell."""
    for sheet in workbook_layout(version):
        if sheet.table == table and col_id is not None:
            found = sheet.input_at(table, row_id, col_id)
            if found is not None:
                return f"{sheet.name}!{found.address}"
    return None
