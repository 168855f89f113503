"""Every table a report shows, also as CSV and XLSX.

A table displayed in a notebook (:class:`nianbao.display.HtmlTable`) carries, beside its HTML,
its data as a custom output type, :data:`TABLE_MIME`. The HTML exporter never shows that type
(it is not in its display priority); :func:`write_downloads` reads it back from the executed
notebook and writes, beside the section's HTML and PDF::

    OUT/<unit>/<year>/NN_name.xlsx               one sheet per table, plus a 说明 sheet
    OUT/<unit>/<year>/csv/NN_name/KK_table.csv    one CSV per table (UTF-8 with BOM, for Excel)
    OUT/<unit>/<year>/report.xlsx                 every section's tables (with the combined report)

Headers are the official labels. Unknown cells are blank (never 0). A text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be taken as a formula by a
spreadsheet: it is prefixed with ``'``. Numbers stay numbers, negative ones included. Files made
from synthetic data start with a 「示例数据」 note row.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import math
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.format import schema

TABLE_MIME = "application/vnd.nianbao.table+json"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UNKNOWN_NOTE = "空白单元格表示该项数据未公布（未知），不同于 0。"
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_TITLE = re.compile(r'<div class="table-title">(.*?)</div>', re.S)
_SYNTHETIC_MARKERS = ("synthetic-notice", schema.SYNTHETIC_MARK)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------------------------------------
# table → payload (in the kernel, when a table is displayed)
# ---------------------------------------------------------------------------------------------


def table_payload(html: str, frame, name: str) -> dict:
    """The JSON-able data behind a displayed table: name, title, header, rows."""
    import pandas as pd

    match = _TITLE.search(html)
    title = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else name
    index = frame.index
    has_index = index.name is not None or not isinstance(index, pd.RangeIndex)
    columns = [str(c) for c in frame.columns]
    rows = []
    for key, row in zip(index, frame.itertuples(index=False, name=None)):
        values = [_json_value(v) for v in row]
        rows.append(([_json_value(key)] if has_index else []) + values)
    header = ([str(index.name or "")] if has_index else []) + columns
    return {"name": name, "title": title, "header": header, "rows": rows}


def _json_value(value: Any):
    """JSON for a cell: ints as numbers, decimals and floats as exact strings, unknown as null."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or type(value).__name__ in ("int64", "int32"):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) or type(value).__name__ == "float64":
        return None if math.isnan(value) else repr(float(value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# safe cells
# ---------------------------------------------------------------------------------------------


def safe_text(text: str) -> str:
    """Text a spreadsheet will not run: a leading =, +, -, @, tab or CR gets a ``'`` before it."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_value(value) -> int | float | str | None:
    """What a cell holds: a number for numbers (and plain numeric text such as "-3" or "41.53"),
    safe text otherwise, None for unknown."""
    if value is None:
        return None
    if isinstance(value, bool):
        return safe_text(str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    text = str(value)
    if _NUMBER.match(text):
        return int(text) if "." not in text else float(text)
    return safe_text(text)


def csv_text(value) -> str:
    """A CSV field: numbers as written (keeping their decimals), text made safe, unknown blank."""
    if value is None:
        return ""
    text = str(value)
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or _NUMBER.match(text):
        return text
    return safe_text(text)


# ---------------------------------------------------------------------------------------------
# notebook → tables
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list]


def tables_in(nb) -> list[Table]:
    """The tables of an executed notebook (a path or a notebook node), in the order shown."""
    import nbformat

    if isinstance(nb, (str, Path)):
        nb = nbformat.read(str(nb), as_version=4)
    out = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(TABLE_MIME)
            if payload:
                out.append(
                    Table(payload["name"], payload.get("title", payload["name"]), payload["header"], payload["rows"])
                )
    return out


def is_synthetic(nb) -> bool:
    """Whether the notebook showed the 「示例数据」 notice (its data was synthetic)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if _SYNTHETIC_MARKERS[0] in html:
                return True
    return False


# ---------------------------------------------------------------------------------------------
# tables → files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Downloads:
    xlsx: Path | None
    csv: list[Path]


def render_downloads(nb, stem: str, *, synthetic: bool | None = None, label: str = "") -> dict[str, bytes]:
    """The download files of an executed notebook, in memory: relative path → bytes
    (``<stem>.xlsx`` and ``csv/<stem>/KK_name.csv``); empty when it shows no table.

    ``synthetic`` None means: as the notebook showed it. ``label`` (e.g. the report's title)
    heads the 说明 sheet.
    """
    tables = tables_in(nb)
    if not tables:
        return {}
    if synthetic is None:
        synthetic = is_synthetic(nb)
    names = _file_names(tables)
    files = {f"csv/{stem}/{n}.csv": csv_bytes(t, synthetic) for n, t in zip(names, tables)}
    files[f"{stem}.xlsx"] = xlsx_bytes(tables, names, synthetic, label or stem)
    return files


def write_downloads(
    executed, folder: Path | str, stem: str | None = None, *, synthetic: bool | None = None, label: str = ""
) -> Downloads:
    """Write the tables of an executed notebook (a path or a notebook node) as
    ``folder/<stem>.xlsx`` and ``folder/csv/<stem>/*.csv``, each file atomically."""
    import nbformat

    path = Path(executed) if isinstance(executed, (str, Path)) else None
    nb = nbformat.read(str(path), as_version=4) if path else executed
    stem = stem or (path.stem if path else "tables")
    return write_files(Path(folder), stem, render_downloads(nb, stem, synthetic=synthetic, label=label))


def write_files(folder: Path, stem: str, files: dict[str, bytes]) -> Downloads:
    """Put rendered downloads in place; CSVs of an earlier run that this one has not are removed."""
    csv_dir = folder / "csv" / stem
    for path, data in files.items():
        _write_atomic(folder / path, data)
    wanted = {folder / p for p in files}
    for old in csv_dir.glob("*.csv") if csv_dir.exists() else []:
        if old not in wanted:
            old.unlink()
    xlsx = folder / f"{stem}.xlsx"
    if xlsx not in wanted:
        xlsx.unlink(missing_ok=True)
    return Downloads(xlsx if xlsx in wanted else None, sorted(p for p in wanted if p.suffix == ".csv"))


def report_workbook(executed: list[tuple[int, Path]], *, synthetic: bool, label: str) -> bytes | None:
    """One workbook with the tables of every section (``report.xlsx``), from (part, executed
    notebook) pairs: sheets named by part and table number, e.g.
    「3.1 表二　收到和处理政府信息公开申请情况」."""
    import nbformat

    tables, names = [], []
    for part, path in executed:
        found = tables_in(nbformat.read(str(path), as_version=4))
        tables += found
        names += [f"{part}.{k}_{t.name}" for k, t in enumerate(found, start=1)]
    return xlsx_bytes(tables, names, synthetic, label) if tables else None


def _file_names(tables: list[Table]) -> list[str]:
    return [f"{i:02d}_{re.sub(r'[^A-Za-z0-9_-]+', '_', t.name) or 'table'}" for i, t in enumerate(tables, start=1)]


def csv_bytes(table: Table, synthetic: bool) -> bytes:
    """One table as CSV, UTF-8 with a BOM (so Excel reads the Chinese labels)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if synthetic:
        writer.writerow([schema.SYNTHETIC_NOTE])
    writer.writerow([safe_text(h) for h in table.header])
    for row in table.rows:
        writer.writerow([csv_text(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def xlsx_bytes(tables: list[Table], names: list[str], synthetic: bool, label: str) -> bytes:
    """All tables of a notebook as one workbook: a 说明 sheet, then a sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    about = wb.active
    about.title = "说明"
    notes = [[label]]
    if synthetic:
        notes.append([schema.SYNTHETIC_NOTE])
    notes += [[UNKNOWN_NOTE], [], ["工作表", "表格"]]
    notes += [[_sheet_title(n, t), t.title] for n, t in zip(names, tables)]
    for row in notes:
        about.append([safe_text(str(v)) for v in row])
    about["A1"].font = Font(bold=True, size=12)
    if synthetic:
        about["A2"].font = Font(bold=True, color="C00000")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 60
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for name, table in zip(names, tables):
        ws = wb.create_sheet(_sheet_title(name, table))
        first = 1
        if synthetic:
            ws.append([schema.SYNTHETIC_NOTE])
            ws.cell(1, 1).font = Font(bold=True, color="C00000")
            first = 2
        ws.append([safe_text(h) for h in table.header])
        for cell in ws[first]:
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            ws.append([cell_value(v) for v in row])
            for cell, raw in zip(ws[ws.max_row], row):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif isinstance(cell.value, float) and raw is not None and "." in str(raw):
                    cell.number_format = "0." + "0" * len(str(raw).split(".")[1])
        ws.freeze_panes = ws.cell(first + 1, 1)
        for i, h in enumerate(table.header, start=1):
            width = max(
                [len(str(h))] + [len(str(r[i - 1])) for r in table.rows if i - 1 < len(r) and r[i - 1] is not None]
            )
            ws.column_dimensions[get_column_letter(i)].width = min(60, 4 + 1.6 * width)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(name: str, table: Table) -> str:
    """A sheet name: the file stem's number and the table's title, within Excel's 31 characters."""
    number = name.split("_", 1)[0]
    title = _SHEET_BAD.sub(" ", table.title).strip() or table.name
    return f"{number} {title}"[:31]


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
