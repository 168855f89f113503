"""``nianbao template``: an Excel workbook that looks like the official tables, to be filled in.

Input cells are yellow and accept only what the format allows (non-negative whole numbers; 万元
amounts with decimals for 收费金额; any whole number for the 2019 version's 本年增/减). Blank means
unknown. The unit, year and format version are recorded in a hidden sheet (and shown on 说明),
so that :mod:`nianbao.excel.importer` can refuse a workbook meant for another unit-year.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from nianbao.atomic import write_atomic
from nianbao.data.model import UnitYear
from nianbao.data.store import DataStore
from nianbao.excel.layout import (
    INFO_LABELS,
    INFO_ROWS,
    INFO_SHEET,
    META_ROWS,
    META_SHEET,
    TEMPLATE_MARK,
    SheetLayout,
    workbook_layout,
)
from nianbao.format import schema
from nianbao.roots import inside

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT = "SimSun"

#: Largest value an input cell accepts; no unit receives a billion applications.
MAX_VALUE = 999_999_999

INSTRUCTIONS = (
    "填写说明",
    "1. 黄色单元格为填报项。计数只能填写非负整数；表一“本年收费金额”以万元为单位，可保留小数；2019年版表一的“本年增/减”可为负数。",
    "2. 留空表示未知（未公布），不同于 0。没有发生的事项请填写 0。",
    "3. 请勿插入、删除或移动行列，也不要修改表头和行名称：导入时会逐格核对，不符即拒绝导入。",
    "4. 不要在数字后面加单位（如“251000元”），也不要使用公式。",
    "5. 表二" + schema.TABLE_B_RULE_NOTE,
    "6. 导入：nianbao import 本文件.xlsx（单位、年度不符或有不合规的单元格时，不会写入任何数据）。",
)

_VALIDATION = {
    "count": {"type": "whole", "operator": "between", "formula1": "0", "formula2": str(MAX_VALUE),
                  "prompt": "非负整数；留空表示未知", "error": "请填写非负整数（留空表示未知，不同于0）"},
    "change": {"type": "whole", "operator": "between", "formula1": str(-MAX_VALUE), "formula2": str(MAX_VALUE),
                   "prompt": "整数，可为负数；留空表示未知", "error": "请填写整数（可为负数）"},
    "amount": {"type": "decimal", "operator": "between", "formula1": "0", "formula2": str(MAX_VALUE),
                   "prompt": "单位：万元，可有小数；留空表示未知", "error": "请填写以万元为单位的非负数"},
}  # fmt: skip


def build_workbook(unit: str, unit_name: str, year: int, version: str, values: UnitYear | None = None) -> Workbook:
    """The workbook for one unit-year; ``values`` (same version) pre-fills the known cells."""
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    _info_sheet(info, unit, unit_name, year, version)
    caption = f"填报单位：{unit_name}　　年度：{year}年　　格式：{schema.FORMAT_DOCUMENTS[version]}"
    for layout in workbook_layout(version):
        _table_sheet(wb.create_sheet(layout.name), layout, caption, values)
    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("unit", unit),
        ("unit_name", unit_name),
        ("year", int(year)),
        ("format_version", version),
        ("template", TEMPLATE_MARK),
    ):
        meta.cell(META_ROWS[key], 1, key)
        meta.cell(META_ROWS[key], 2, value)
    meta.sheet_state = "hidden"
    wb.properties.title = schema.REPORT_TITLE.format(year=year, unit_name=unit_name) + " 统计表"
    wb.properties.keywords = f"nianbao; unit={unit}; year={year}; format={version}"
    wb.properties.creator = "nianbao"
    return wb


def _info_sheet(ws, unit: str, unit_name: str, year: int, version: str) -> None:
    ws["A1"] = "政府信息公开工作年度报告统计表（填报用）"
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    values = {"unit": unit, "unit_name": unit_name, "year": int(year), "format_version": version}
    for key, row in INFO_ROWS.items():
        ws.cell(row, 1, INFO_LABELS[key]).font = Font(name=FONT, bold=True)
        ws.cell(row, 2, values[key])
    ws.cell(INFO_ROWS["format_version"], 3, schema.FORMAT_DOCUMENTS[version])
    for i, line in enumerate(INSTRUCTIONS):
        cell = ws.cell(8 + i, 1, line)
        cell.font = Font(name=FONT, bold=(i == 0))
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 30


def _table_sheet(ws, layout: SheetLayout, caption: str, values: UnitYear | None) -> None:
    for label in layout.labels:
        cell = ws[label.address]
        cell.value = caption if label.role == "info" else label.text
        if label.role == "title":
            cell.font = Font(name=FONT, bold=True, size=13)
            cell.alignment = Alignment(horizontal="center", vertical="center")
        elif label.role == "info":
            cell.font = Font(name=FONT, size=10)
            cell.alignment = Alignment(horizontal="left")
        else:
            cell.font = Font(name=FONT, bold=label.role in ("group", "column"), size=10)
            center = label.role in ("group", "column", "note")
            cell.alignment = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=True)
            cell.fill = HEADER_FILL
            _border(ws, label.merge or label.address)
        if label.merge:
            ws.merge_cells(label.merge)
    validations = {kind: DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                        errorTitle="填写有误", promptTitle="填写提示", **spec)
                   for kind, spec in _VALIDATION.items()}  # fmt: skip
    for item in layout.inputs:
        cell = ws[item.address]
        cell.fill = INPUT_FILL
        cell.font = Font(name=FONT, size=10)
        cell.alignment = Alignment(horizontal="right", vertical="center")
        cell.number_format = "0" if item.kind != "amount" else "General"
        _border(ws, item.merge or item.address)
        if item.merge:
            ws.merge_cells(item.merge)
        validations[item.kind].add(item.address)
        if values is not None:
            cell.value = _value_of(values, item.table, item.row_id, item.col_id)
    for dv in validations.values():
        if dv.sqref:
            ws.add_data_validation(dv)
    _widths(ws, layout)
    last = ws.max_row + 2
    ws.cell(last, 1, "黄色单元格为填报项；留空表示未知（未公布），不同于0。").font = Font(
        name=FONT, size=9, italic=True
    )
    ws.freeze_panes = None
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _value_of(uy: UnitYear, table: str, row_id: str, col_id: str):
    if table == "A":
        return uy.a(row_id, col_id)
    if table == "B":
        return uy.b(row_id, col_id)
    return uy.c(row_id, col_id)


def _border(ws, ref: str) -> None:
    for row in ws[ref] if ":" in ref else ((ws[ref],),):
        for cell in row:
            cell.border = BORDER


def _widths(ws, layout: SheetLayout) -> None:
    if layout.table == "B":
        widths = {"A": 14, "B": 16, "C": 40}
        for i in range(4, layout.width + 1):
            ws.column_dimensions[chr(64 + i)].width = 11
    elif layout.table == "A":
        widths = {"A": 22, "B": 18, "C": 18, "D": 18}
    else:
        widths = {chr(64 + i): 10 for i in range(1, layout.width + 1)}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for row, height in layout.row_heights.items():
        ws.row_dimensions[row].height = height


def template_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_template(
    unit: str,
    year: int,
    out: Path | str | None = None,
    *,
    data_dir: Path | str | None = None,
    version: str | None = None,
    unit_name: str | None = None,
    prefill: bool = True,
) -> tuple[Path, UnitYear | None]:
    """Write the workbook for ``unit`` and ``year`` (atomically) and return its path and the
    unit-year it was pre-filled from, if any.

    The unit may be an id or a name known to the data folder or the unit registry; a new unit id
    is accepted too (anything else is refused: the id names the file and, on import, a folder).
    The version is the data file's when there is one, else the year's. ``out`` is the workbook
    to write, or a folder to write ``<unit>_<year>.xlsx`` into (default: the working directory).
    """
    store = DataStore(data_dir)
    unit_id = store.unit_id_for(unit)
    existing = store.try_load(unit_id, int(year))
    version = version or (existing.format_version if existing else schema.format_version_for_year(int(year)))
    name = unit_name or (existing.unit_name if existing else _known_name(store, unit_id))
    values = existing if (prefill and existing is not None and existing.format_version == version) else None
    wb = build_workbook(unit_id, name, int(year), version, values)
    name_here = f"{unit_id}_{int(year)}.xlsx"
    path = inside(out or Path.cwd(), name_here) if (not out or Path(out).is_dir()) else Path(out)
    write_atomic(path, template_bytes(wb))
    return path, values


def _known_name(store: DataStore, unit_id: str) -> str:
    """The unit's Chinese name from its latest data file or the registry, else its id."""
    years = store.years(unit_id)
    if years:
        return store.load(unit_id, years[-1]).unit_name
    try:
        from nianbao.data.units import registry_for

        known = registry_for(store.root).find(unit_id)
        if known is not None:
            return known.name
    except Exception:
        pass
    return unit_id
