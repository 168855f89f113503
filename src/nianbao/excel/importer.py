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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.data import numbers
from nianbao.data.model import FIRST_YEAR, LAST_YEAR, UnitYear
from nianbao.data.units import UNIT_ID_RULE, is_unit_id
from nianbao.errors import DataError, MissingInput
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
from nianbao.excel.reading import Book, Sheet, Unreadable, open_book
from nianbao.format import schema

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
    wb = _open(path)
    problems: list[tuple[str, str]] = []
    meta = _meta(wb, unit, year, problems)
    if meta is None:
        raise WorkbookError(path, problems)
    uy = UnitYear(meta["unit"], meta["unit_name"], meta["year"], meta["format_version"], source=f"导入自 {path.name}")
    imported = Imported(uy, path)
    for layout in workbook_layout(uy.format_version):
        if layout.name not in wb.sheets:
            problems.append(
                (
                    layout.name,
                    f"the workbook has no sheet {layout.name!r} ({_table_name(layout)}); sheets: {wb.sheetnames}",
                )
            )
            continue
        ws = wb.sheets[layout.name]
        if _check_labels(ws, layout, problems):
            _check_merges(ws, layout, problems)
            _read_inputs(ws, layout, imported, problems)
    if problems:
        raise WorkbookError(path, problems)
    return imported


# ---------------------------------------------------------------------------------------------
# the file and its record of unit, year and version
# ---------------------------------------------------------------------------------------------


def _open(path: Path) -> Book:
    try:
        return open_book(path, [META_SHEET, INFO_SHEET, *SHEET_NAMES.values()])
    except Unreadable as exc:
        error = WorkbookError(path, [("", str(exc))])
        if not path.is_file():  # named on the command line, but no workbook there: a usage error
            error.exit_code = MissingInput.exit_code
        raise error from None


def _meta(wb: Book, unit: str | None, year: int | None, problems: list[tuple[str, str]]) -> dict | None:
    """The unit, year and version the workbook is for; None (with the problem) when unknown."""
    where: dict[str, str] = {}
    if META_SHEET in wb.sheets:
        meta, where = _recorded(wb.sheets[META_SHEET], problems)
        if meta is None:
            return None
    elif unit and year:
        meta = {"unit": unit, "unit_name": unit, "year": int(year),
                "format_version": schema.format_version_for_year(int(year))}  # fmt: skip
    else:
        problems.append(
            (
                META_SHEET,
                f"the workbook has no (hidden) sheet {META_SHEET!r} recording its unit, year and format; "
                "make the workbook with `nianbao template`, or give --unit and --year",
            )
        )
        return None
    if INFO_SHEET in wb.sheets:
        info = wb.sheets[INFO_SHEET]
        for key in ("unit", "year"):
            shown = info.value(f"B{INFO_ROWS[key]}")
            if shown is not None and str(shown).strip() != str(meta[key]):
                problems.append(
                    (
                        f"{INFO_SHEET}!B{INFO_ROWS[key]}",
                        f"says {key} {_short(shown)}, but the workbook was made for "
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


def _short(value: object) -> str:
    """A cell's value as shown in a message: its repr, cut short (a cell may hold 32,767 characters)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _recorded(ws: Sheet, problems: list[tuple[str, str]]) -> tuple[dict | None, dict[str, str]]:
    """What the hidden sheet records, each value checked: it decides where the import writes."""
    meta = {key: ws.value(f"B{row}") for key, row in META_ROWS.items()}
    where = {key: f"{META_SHEET}!B{row}" for key, row in META_ROWS.items()}
    year = meta["year"]
    if meta["template"] != TEMPLATE_MARK:
        problem = ("template", f"not a workbook made by `nianbao template` (expected {TEMPLATE_MARK!r}, found "
                               f"{_short(meta['template'])})")  # fmt: skip
    elif isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        problem = ("year", f"the recorded year is not a reporting year ({FIRST_YEAR}–{LAST_YEAR}): {_short(year)}")
    elif meta["format_version"] not in schema.FORMAT_VERSIONS:
        problem = ("format_version", f"unknown format version {_short(meta['format_version'])}")
    elif not meta["unit"]:
        problem = ("unit", "no unit recorded")
    elif not is_unit_id(meta["unit"]):
        problem = ("unit", f"the recorded unit {_short(meta['unit'])} is not a unit id ({UNIT_ID_RULE}): not "
                           "a workbook made by `nianbao template`, or its hidden sheet was edited")  # fmt: skip
    else:
        meta["unit"], meta["unit_name"] = str(meta["unit"]), str(meta["unit_name"] or meta["unit"])[:200]
        return meta, where
    problems.append((where[problem[0]], problem[1]))
    return None, where


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
    wrong = [x for x in checked if _norm(ws.value(x.address)) != _norm(x.text)]
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
    found = ws.value(label.address)
    message = f"expected the {kind} 「{label.text}」, found " + (
        f"「{found}」" if found not in (None, "") else "a blank cell"
    )
    elsewhere = [a for a in index.get(_norm(label.text), []) if a != label.address]
    if elsewhere:
        message += f"; that {kind} is now at {ws.title}!{elsewhere[0]}: rows and columns must not be inserted, deleted or moved"
    else:
        message += f"; the {kind} is missing"
    return message


def _text_index(ws: Sheet) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for cell in ws.cells.values():
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


def _check_merges(ws: Sheet, layout: SheetLayout, problems: list[tuple[str, str]]) -> None:
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    allowed = set(layout.merges)
    inputs = {i.address: coordinate_to_tuple(i.address) for i in layout.inputs}
    for ref in ws.merged:
        if ref in allowed:
            continue
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        covered = {
            a for a, (r, c) in inputs.items() if min_row <= r <= (max_row or r) and min_col <= c <= (max_col or c)
        }
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


def _read_inputs(ws: Sheet, layout: SheetLayout, imported: Imported, problems: list[tuple[str, str]]) -> None:
    uy = imported.uy
    for item in layout.inputs:
        ref = f"{ws.title}!{item.address}"
        imported.cells[(item.table, item.row_id, item.col_id)] = ref
        value, problem = _cell_value(ws.cell(item.address), ws.computed.get(item.address), item.kind)
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
        result = computed
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
            numbers.ODD_DIGIT,
        ) else f"{reading.text}: {numbers.MESSAGES[reading.problem]}"
    return reading.value, None


__all__ = ["Imported", "WorkbookError", "read_workbook", "SHEET_NAMES"]
