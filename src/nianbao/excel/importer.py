"""Reading a filled-in workbook back into a unit-year (the ``nianbao import`` command's first step).

Tolerated: blank cells (unknown), full-width digits, thousands separators, numbers stored as
text, 「—」 for unknown, formatting, column widths, extra sheets, formulas whose computed value the
file holds. Refused, each with the sheet and cell named: text in a number cell (「251000元」),
negative counts, fractions where a whole number belongs, implausibly large numbers, error values
(``#REF!``), formulas without a computed value, rows or headers that are missing or moved, input
cells merged together, a missing or wrong sheet, and a unit or year that differs from the one the
workbook was made for. All problems of a workbook are collected and reported together.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.data import numbers
from nianbao.data.model import UnitYear
from nianbao.errors import DataError
from nianbao.excel.layout import (
    INFO_ROWS,
    INFO_SHEET,
    META_ROWS,
    META_SHEET,
    SHEET_NAMES,
    TEMPLATE_MARK,
    Label,
    SheetLayout,
    workbook_layout,
)
from nianbao.format import schema

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
_EXCEL_ERRORS = ("#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
_MAX_LABEL_PROBLEMS = 6  # per sheet; after that, one line says how many more


class WorkbookError(DataError):
    """A workbook that cannot be imported. ``problems`` holds every (place, message) found."""

    def __init__(self, path: Path, problems: list[tuple[str, str]]):
        lines = [f"{place}: {message}" if place else message for place, message in problems]
        head = (
            f"{path}: cannot import ({len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was written)"
        )
        super().__init__(head + "\n  " + "\n  ".join(lines), path=path, location=problems[0][0] if problems else None)
        self.problems = problems


@dataclass
class Imported:
    """The tables read from a workbook, and where each value came from."""

    uy: UnitYear
    path: Path
    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (table, row, col) → 表二!D12
    blank: int = 0  # input cells left blank (unknown)

    def locate(self, table: str, row_id: str, col_id: str | None) -> str | None:
        return self.cells.get((table, row_id, col_id or ""))


def read_workbook(path: Path | str, *, unit: str | None = None, year: int | None = None) -> Imported:
    """Read and validate a workbook; raise :class:`WorkbookError` listing every problem.

    ``unit`` and ``year``, when given, must be those the workbook was made for (they are needed
    only for a workbook without nianbao's hidden sheet).
    """
    path = Path(path)
    wb, cached = _open(path)
    problems: list[tuple[str, str]] = []
    meta = _meta(wb, unit, year, problems)
    if meta is None:
        raise WorkbookError(path, problems)
    uy = UnitYear(meta["unit"], meta["unit_name"], meta["year"], meta["format_version"], source=f"导入自 {path.name}")
    imported = Imported(uy, path)
    for layout in workbook_layout(uy.format_version):
        if layout.name not in wb.sheetnames:
            problems.append(
                (
                    layout.name,
                    f"the workbook has no sheet {layout.name!r} ({_table_name(layout)}); sheets: {wb.sheetnames}",
                )
            )
            continue
        ws, values = wb[layout.name], cached[layout.name]
        if _check_labels(ws, layout, problems):
            _check_merges(ws, layout, problems)
            _read_inputs(ws, values, layout, imported, problems)
    if problems:
        raise WorkbookError(path, problems)
    return imported


# ---------------------------------------------------------------------------------------------
# the file and its record of unit, year and version
# ---------------------------------------------------------------------------------------------


def _open(path: Path):
    import openpyxl

    def refuse(message: str) -> WorkbookError:
        return WorkbookError(path, [("", message)])

    if not path.exists():
        raise refuse("no such file")
    if path.is_dir():
        raise refuse("is a folder, not a workbook")
    head = path.read_bytes()[:8]
    if not head:
        raise refuse("the file is empty (0 bytes): not a workbook")
    if head == _OLE_MAGIC:
        raise refuse("an old binary .xls workbook: open it in Excel or WPS and save it as .xlsx")
    if not zipfile.is_zipfile(path):
        raise refuse(
            "not an Excel workbook (.xlsx): the file is not a zip package; was a web page or text saved with the .xlsx name?"
        )
    try:
        return openpyxl.load_workbook(path, data_only=False), openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise refuse(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None


def _meta(wb, unit: str | None, year: int | None, problems: list[tuple[str, str]]) -> dict | None:
    if META_SHEET in wb.sheetnames:
        ws = wb[META_SHEET]
        meta = {key: ws.cell(row, 2).value for key, row in META_ROWS.items()}
        where = {key: f"{META_SHEET}!B{row}" for key, row in META_ROWS.items()}
        if meta["template"] != TEMPLATE_MARK:
            problems.append(
                (
                    where["template"],
                    f"not a workbook made by `nianbao template` (expected {TEMPLATE_MARK!r}, found {meta['template']!r})",
                )
            )
            return None
        if not isinstance(meta["year"], int):
            problems.append((where["year"], f"the recorded year is not a year: {meta['year']!r}"))
            return None
        if meta["format_version"] not in schema.FORMAT_VERSIONS:
            problems.append((where["format_version"], f"unknown format version {meta['format_version']!r}"))
            return None
        if not meta["unit"]:
            problems.append((where["unit"], "no unit recorded"))
            return None
        meta["unit"], meta["unit_name"] = str(meta["unit"]), str(meta["unit_name"] or meta["unit"])
    elif unit and year:
        meta = {
            "unit": unit,
            "unit_name": unit,
            "year": int(year),
            "format_version": schema.format_version_for_year(int(year)),
        }
        where = {}
    else:
        problems.append(
            (
                META_SHEET,
                f"the workbook has no (hidden) sheet {META_SHEET!r} recording its unit, year and format; "
                "make the workbook with `nianbao template`, or give --unit and --year",
            )
        )
        return None
    if INFO_SHEET in wb.sheetnames:
        info = wb[INFO_SHEET]
        for key in ("unit", "year"):
            shown = info.cell(INFO_ROWS[key], 2).value
            if shown is not None and str(shown).strip() != str(meta[key]):
                problems.append(
                    (
                        f"{INFO_SHEET}!B{INFO_ROWS[key]}",
                        f"says {key} {shown!r}, but the workbook was made for "
                        f"{meta[key]!r} (recorded in its sheet {META_SHEET!r}); make a new template with `nianbao template`",
                    )
                )
    if unit is not None and str(unit) not in (meta["unit"], meta["unit_name"]):
        problems.append(
            (where.get("unit", ""), f"the workbook is for unit {meta['unit']!r} ({meta['unit_name']}), not {unit!r}")
        )
    if year is not None and int(year) != meta["year"]:
        problems.append((where.get("year", ""), f"the workbook is for year {meta['year']}, not {year}"))
    return meta


# ---------------------------------------------------------------------------------------------
# labels and merged cells
# ---------------------------------------------------------------------------------------------


def _norm(value) -> str:
    return numbers.normalize(str(value)) if value is not None else ""


def _table_name(layout: SheetLayout) -> str:
    return {"A": schema.TABLE_A["2021"].title, "B": schema.TABLE_B_TITLE, "C": schema.TABLE_C_TITLE}[layout.table]


def _check_labels(ws, layout: SheetLayout, problems: list[tuple[str, str]]) -> bool:
    """Every row, column and group label where the layout has it; True when all are."""
    checked = [x for x in layout.labels if x.role in ("row", "column", "group")]
    wrong = [x for x in checked if _norm(ws[x.address].value) != _norm(x.text)]
    if not wrong:
        return True
    index = _text_index(ws)
    absent = [x for x in wrong if _norm(x.text) not in index]
    if len(absent) > len(checked) // 2:
        guess = _looks_like(ws, layout)
        hint = f"; it looks like {guess}: is this the right sheet?" if guess else ""
        problems.append(
            (
                ws.title,
                f"this sheet does not have the layout of {layout.name} ({_table_name(layout)}): "
                f"{len(absent)} of its {len(checked)} labels are nowhere in the sheet{hint}",
            )
        )
        return False
    for label in wrong[:_MAX_LABEL_PROBLEMS]:
        problems.append((f"{ws.title}!{label.address}", _label_message(ws, label, index)))
    if len(wrong) > _MAX_LABEL_PROBLEMS:
        problems.append((ws.title, f"… and {len(wrong) - _MAX_LABEL_PROBLEMS} more labels not in their place"))
    return False


def _label_message(ws, label: Label, index: dict[str, list[str]]) -> str:
    kind = {"row": "row label", "column": "column header", "group": "header"}[label.role]
    found = ws[label.address].value
    message = f"expected the {kind} 「{label.text}」, found " + (
        f"「{found}」" if found not in (None, "") else "a blank cell"
    )
    elsewhere = [a for a in index.get(_norm(label.text), []) if a != label.address]
    if elsewhere:
        message += f"; that {kind} is now at {ws.title}!{elsewhere[0]}: rows and columns must not be inserted, deleted or moved"
    else:
        message += f"; the {kind} is missing"
    return message


def _text_index(ws) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                index.setdefault(_norm(cell.value), []).append(cell.coordinate)
    return index


def _looks_like(ws, layout: SheetLayout) -> str | None:
    texts = set(_text_index(ws))
    for other in workbook_layout(_version_of(layout)):
        if other.table == layout.table:
            continue
        keys = {_norm(x.text) for x in other.labels if x.role == "row" or (other.table == "C" and x.role == "column")}
        if keys and len(keys & texts) >= len(keys) // 2:
            return f"{other.name} ({_table_name(other)})"
    return None


def _version_of(layout: SheetLayout) -> str:
    return next(v for v in schema.FORMAT_VERSIONS if layout in workbook_layout(v))


def _check_merges(ws, layout: SheetLayout, problems: list[tuple[str, str]]) -> None:
    allowed = set(layout.merges)
    inputs = {i.address for i in layout.inputs}
    for merged in ws.merged_cells.ranges:
        ref = merged.coord
        if ref in allowed:
            continue
        covered = {c.coordinate for row in ws[ref] for c in row} & inputs
        if covered:
            problems.append(
                (
                    f"{ws.title}!{ref}",
                    f"input cells are merged ({', '.join(sorted(covered)[:4])}): unmerge them, each cell holds one figure",
                )
            )


# ---------------------------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------------------------


def _read_inputs(ws, values_ws, layout: SheetLayout, imported: Imported, problems: list[tuple[str, str]]) -> None:
    uy = imported.uy
    for item in layout.inputs:
        ref = f"{ws.title}!{item.address}"
        imported.cells[(item.table, item.row_id, item.col_id)] = ref
        value, problem = _cell_value(ws[item.address], values_ws[item.address], item.kind)
        if problem:
            problems.append((ref, f"{_describe(uy, item)}: {problem}"))
            continue
        if value is None:
            imported.blank += 1
            continue
        target = {"A": uy.table_a, "B": uy.table_b, "C": uy.table_c}[item.table]
        target[(item.row_id, item.col_id)] = value


def _describe(uy: UnitYear, item) -> str:
    from nianbao.rules.base import cell_labels

    row, col = cell_labels(uy, item.table, item.row_id, item.col_id)
    return f"「{row}」 × 「{col}」"


def _cell_value(cell, computed, kind: str):
    """(value or None, problem or None) for one input cell."""
    value = cell.value
    if cell.data_type == "e" or (isinstance(value, str) and value.strip() in _EXCEL_ERRORS):
        return None, f"holds the error {value}: replace it with the number"
    if (
        cell.data_type == "f"
        or (isinstance(value, str) and value.startswith("="))
        or type(value).__name__ == "ArrayFormula"
    ):
        formula = getattr(value, "text", value)
        result = computed.value
        if result is None:
            return None, f"holds a formula ({formula}) with no computed value in the file: type the number instead"
        if isinstance(result, str) and result.strip() in _EXCEL_ERRORS:
            return None, f"holds a formula ({formula}) whose result is the error {result}"
        value = result
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"holds {value!r}, not a number"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return None, f"holds a date or time ({value}), not a number: format the cell as a number and type it again"
    if isinstance(value, int):
        reading = numbers.check_value(value, kind)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None, f"holds {value}, not a number"
        if kind == "amount":
            reading = numbers.check_value(Decimal(repr(value)), kind)
        elif value != int(value):
            return None, f"holds {value}: {numbers.MESSAGES[numbers.NOT_WHOLE]}"
        else:
            reading = numbers.check_value(int(value), kind)
    else:
        text = unicodedata.normalize("NFC", str(value))
        reading = numbers.read_number(text, kind)
        if reading.problem in (numbers.BLANK, numbers.DASH):
            return None, None  # blank or 「—」: unknown
    if reading.problem:
        return None, f"「{reading.text}」 is {numbers.MESSAGES[reading.problem]}" if reading.problem in (
            numbers.TEXT,
            numbers.WITH_UNIT,
        ) else f"{reading.text}: {numbers.MESSAGES[reading.problem]}"
    return reading.value, None


__all__ = ["Imported", "WorkbookError", "read_workbook", "SHEET_NAMES"]
