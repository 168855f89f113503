"""Mapping the tables of a page onto the data model: which table is 表一, 表二 or 表三, which row and
column each number belongs to, and every cell that is not a readable number (reported, never
fixed: a blank or 「251000元」 stays unknown in the model and becomes a finding)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from nianbao.audit import labels
from nianbao.audit.page import Cell, Table, grid, unique_cells
from nianbao.data import numbers
from nianbao.format import schema
from nianbao.rules.base import GROUP_PREFIX
from nianbao.rules.findings import ERROR, WARNING


@dataclass(frozen=True)
class CellRef:
    """Where a value was on the page: the table's number in the page, row and column (1-based)."""

    table: int
    row: int
    column: int
    text: str

    def where(self) -> str:
        return f"第{self.table}个表格第{self.row}行第{self.column}列"


@dataclass
class Problem:
    """A cell or row of a published table that could not be read as the format requires."""

    table: str  # "A" | "B" | "C"
    rule: str  # "B4" (Table B/C cell), "A1" (Table A cell), "F1" (layout: a row or column missing)
    note: str  # report text
    row_id: str | None = None
    col_id: str | None = None
    found: str | None = None
    ref: CellRef | None = None
    severity: str = ERROR
    row_label: str | None = None  # for a row that is not in the format
    expected: str | None = None  # what belongs there, when not simply a number


@dataclass
class TableRead:
    table: str
    numbers: list[int]  # the page tables it was read from
    version: str | None = None  # what the table itself shows, None when it does not tell
    values: dict[tuple[str, str], int | Decimal] = field(default_factory=dict)
    groups: dict[tuple[str, str], int] = field(default_factory=dict)  # Table B category totals
    refs: dict[tuple[str, str], CellRef] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Cells that hold no number: blank, or a mark (「—」「/」「无」), with what they held.
    empty: dict[tuple[str, str], CellRef] = field(default_factory=dict)
    row_words: dict[str, str] = field(default_factory=dict)  # row (表三: block) id → its label as published

    @property
    def has_numbers(self) -> bool:
        return bool(self.values)


def classify(table: Table) -> str | None:
    """ "A", "B" or "C" when the table is one of the three (by its labels), else None."""
    keys = {labels.key(c.text) for row in table.rows for c in row}
    b_keys = set(labels.b_row_keys("2021")) | set(labels.b_row_keys("2019"))
    markers = {labels.key(schema.TABLE_B["2021"].row(r).label) for r in ("new_received", "carried_forward")}
    if keys & markers or len(keys & b_keys) >= 4:
        return "B"
    if "尚未审结" in keys and keys & {"行政复议", "复议后起诉", "未经复议直接起诉"}:
        return "C"
    a_cols = set(labels.a_column_keys("2019")) | set(labels.a_column_keys("2021"))
    if keys & set(labels.a_row_keys()) and (keys & a_cols or any(labels.ARTICLE in k for k in keys)):
        return "A"
    return None


def _ref(table: Table, cell: Cell, j: int) -> CellRef:
    return CellRef(table.number, cell.row + 1, j + 1, cell.text)


def _read(cell: Cell | None, kind: str) -> numbers.Reading:
    return numbers.read_number(cell.text if cell is not None else "", kind)


#: What people write in a cell to say "none" or "not applicable" (besides leaving it blank).
MARKS = numbers.DASHES | {"无"}


def _keep(out: TableRead, table: str, row: str, col: str, reading: numbers.Reading, ref: CellRef) -> None:
    """A cell as published: a number, an empty cell (blank or a mark), or a located problem."""
    if reading.ok:
        out.values[(row, col)] = reading.value  # type: ignore[assignment]
        out.refs[(row, col)] = ref
    elif reading.problem == numbers.BLANK or numbers.normalize(reading.text) in MARKS:
        out.empty[(row, col)] = ref
    else:
        rule = "A1" if table == "A" else "B4"
        out.problems.append(Problem(table, rule, numbers.NOTES[reading.problem], row, col, reading.text or None, ref))


def _has_number(cells: list[Cell | None]) -> bool:
    return any(c is not None and numbers.read_number(c.text, "change").ok for c in cells)


# ---------------------------------------------------------------------------------------------
# 表二
# ---------------------------------------------------------------------------------------------


def read_table_b(table: Table, version_hint: str | None = None) -> TableRead:
    out = TableRead("B", [table.number])
    g = grid(table)
    texts = [c.text for row in table.rows for c in row]
    detected = labels.b_version(texts)
    if detected is None and any(labels.match_b_row([t], "2019") == ("row", "other") for t in texts):
        detected = "2019" if not _other_is_header(table) else None
    out.version = detected
    version = detected or version_hint or "2021"
    first = next(
        (r for r, line in enumerate(g)
         if not _is_b_header(line) and labels.match_b_row(_words(line), version)[0] == "row"),
        None,
    )  # fmt: skip
    if first is None:
        out.problems.append(
            Problem("B", "F1", "表中找不到任何官方行（如“一、本年新收政府信息公开申请数量”）", expected="官方格式的行")
        )
        return out
    value_cols = _b_value_columns(g, first, out)
    seen: set[str] = set()
    for r in range(first, len(g)):
        _read_b_line(out, table, g[r], r, version, value_cols, seen)
    if detected is not None or version_hint is not None:
        for row in schema.TABLE_B[version].rows:
            if row.id not in seen:
                out.problems.append(Problem("B", "F1", "表中没有这一行", row.id, "total", expected="格式中的这一行"))
    return out


def _read_b_line(
    out: TableRead,
    table: Table,
    line: list[Cell | None],
    r: int,
    version: str,
    value_cols: dict[str, int],
    seen: set[str],
) -> None:
    """One line of 表二's grid: an official row, a category total, a row not in the format, or a repeat."""
    cells = unique_cells(line)
    label_texts = [c.text for j, c in cells if j not in value_cols.values()]
    kind, ident = labels.match_b_row(label_texts, version)
    if kind in ("none", "results"):
        row_cells = [line[j] if 0 <= j < len(line) else None for j in value_cols.values()]
        if kind == "none" and _has_number(row_cells):
            label_cells = [(j, c) for j, c in cells if j not in value_cols.values() and c.text.strip()]
            j, cell = label_cells[-1] if label_cells else cells[0]
            shown = cell.text if label_cells else "（无行名）"
            problem = Problem("B", "F1", "不是格式中的行，其中的数字未读取", found=shown, expected="格式中的行",
                              ref=_ref(table, cell, j), severity=WARNING, row_label=shown)  # fmt: skip
            out.problems.append(problem)
    elif kind == "group":
        out.row_words.setdefault(GROUP_PREFIX + ident, _label_words(cells, value_cols))  # type: ignore[operator]
        for col_id, j in value_cols.items():
            cell = line[j] if 0 <= j < len(line) else None
            reading = _read(cell, "count")
            if reading.ok and cell is not None:
                out.groups[(ident, col_id)] = reading.value  # type: ignore[assignment]
                out.refs[("group:" + ident, col_id)] = _ref(table, cell, j)
    elif ident in seen:
        problem = Problem("B", "F1", "这一行在表中出现了两次，只读取了第一次", row_id=ident, expected="每行只出现一次",
                          ref=_ref(table, cells[0][1], cells[0][0]), severity=WARNING)  # fmt: skip
        out.problems.append(problem)
    else:
        seen.add(ident)
        out.row_words[ident] = _label_words(cells, value_cols)  # type: ignore[index]
        _read_b_row(out, table, line, r, ident, value_cols)


def _label_words(cells: list[tuple[int, Cell]], value_cols: dict[str, int]) -> str:
    """The published words of a row's most specific label cell."""
    labelled = [c for j, c in cells if j not in value_cols.values() and c.text.strip()]
    return labelled[-1].published.replace("\n", "") if labelled else ""


def _read_b_row(
    out: TableRead, table: Table, line: list[Cell | None], r: int, ident: str, value_cols: dict[str, int]
) -> None:
    """The counts of one official row of 表二; a cell that is not a count is a located problem."""
    used: set[int] = set()
    for col_id, j in value_cols.items():
        cell = line[j] if 0 <= j < len(line) else None
        ref = _ref(table, cell, j) if cell is not None else CellRef(table.number, r + 1, j + 1, "")
        if cell is not None and id(cell) in used:
            out.problems.append(Problem("B", "B4", "与左侧单元格合并，没有单独的数字", ident, col_id, cell.text, ref))
            continue
        if cell is not None:
            used.add(id(cell))
        _keep(out, "B", ident, col_id, _read(cell, "count"), ref)


def _words(line: list[Cell | None]) -> list[str]:
    """The texts of a row that are not numbers (its labels)."""
    return [c.text for _, c in unique_cells(line) if c.text.strip() and not numbers.read_number(c.text, "change").ok]


def _is_b_header(line: list[Cell | None]) -> bool:
    """A header row names two or more of the applicant columns."""
    return sum(labels.key(c.text) in labels.B_COLUMN_KEYS for _, c in unique_cells(line)) >= 2


def _other_is_header(table: Table) -> bool:
    """True when （六）其他处理 spans several rows (a 2021 group header, its sub-rows unrecognised)."""
    return any(labels.key(c.text) == "其他处理" and c.rowspan > 1 for row in table.rows for c in row)


def _b_value_columns(g: list[list[Cell | None]], first: int, out: TableRead) -> dict[str, int]:
    """Column id → grid column, from the header rows; the last seven columns when the header does
    not name all seven."""
    width = max(len(line) for line in g)
    found: dict[str, int] = {}
    for j in range(width):
        for r in range(first - 1, -1, -1):
            cell = g[r][j] if j < len(g[r]) else None
            if cell is not None and cell.text.strip():
                col = labels.B_COLUMN_KEYS.get(labels.key(cell.text))
                if col and col not in found:
                    found[col] = j
                break
    if len(found) == len(schema.TABLE_B_COLUMN_IDS):
        return {c: found[c] for c in schema.TABLE_B_COLUMN_IDS}
    out.notes.append("表二的列标题不全，按官方顺序读取最后七列（自然人 … 总计）")
    return {c: width - 7 + i for i, c in enumerate(schema.TABLE_B_COLUMN_IDS)}  # < 0: no such column


# ---------------------------------------------------------------------------------------------
# 表三
# ---------------------------------------------------------------------------------------------


def read_table_c(table: Table) -> TableRead:
    out = TableRead("C", [table.number])
    g = grid(table)
    header_end = max(
        (
            r
            for r, line in enumerate(g)
            if any(c is not None and labels.key(c.text) in labels.C_COLUMN_KEYS for c in line)
        ),
        default=None,
    )
    if header_end is None:
        out.problems.append(Problem("C", "F1", "表中找不到“结果维持”“结果纠正”等列标题", expected="官方格式的列标题"))
        return out
    width = max(len(line) for line in g)
    columns: dict[int, tuple[str | None, str]] = {}
    for j in range(width):
        above = [g[r][j] for r in range(header_end + 1) if j < len(g[r]) and g[r][j] is not None]
        if not above:
            continue
        col = labels.C_COLUMN_KEYS.get(labels.key(above[-1].text))  # type: ignore[union-attr]
        if col:
            block = labels.c_block([c.text for c in above])  # type: ignore[union-attr]
            columns[j] = (block, col)
            if block:
                words = [c.published.replace("\n", "") for c in above[:-1] if labels.c_block([c.text]) == block]  # type: ignore[union-attr]
                out.row_words.setdefault(block, words[-1] if words else "")
    wide = {j: bc for j, bc in columns.items() if bc[0] is not None}
    if len(set(wide.values())) >= 10:
        data = next(
            (r for r in range(header_end + 1, len(g)) if _has_number([g[r][j] for j in wide if j < len(g[r])])), None
        )
        rows = [(data, wide)] if data is not None else []
    else:  # one block per row: the block is named in the row's label cells
        rows = []
        for r in range(header_end + 1, len(g)):
            cells = unique_cells(g[r])
            block = labels.c_block([c.text for j, c in cells if j not in columns])
            if block:
                named = [
                    c.published.replace("\n", "")
                    for j, c in cells
                    if j not in columns and labels.c_block([c.text]) == block
                ]
                out.row_words.setdefault(block, named[-1] if named else "")
                rows.append((r, {j: (block, col) for j, (_, col) in columns.items()}))
    for r, mapping in rows:
        line = g[r]
        for j, (block, col) in mapping.items():
            cell = line[j] if j < len(line) else None
            ref = _ref(table, cell, j) if cell is not None else CellRef(table.number, r + 1, j + 1, "")
            _keep(out, "C", block, col, _read(cell, "count"), ref)  # type: ignore[arg-type]
    read = set(out.values) | {(p.row_id, p.col_id) for p in out.problems}
    for block in schema.TABLE_C_BLOCK_IDS:
        for col in schema.TABLE_C_COLUMN_IDS:
            if (block, col) not in read:
                out.problems.append(Problem("C", "F1", "表中没有这一格", block, col, expected="格式中的这一格"))
    return out


# ---------------------------------------------------------------------------------------------
# 表一 (one table, or one table per block)
# ---------------------------------------------------------------------------------------------


def read_table_a(tables: list[Table], version_hint: str | None = None) -> TableRead:
    out = TableRead("A", [t.number for t in tables])
    texts = [c.text for t in tables for row in t.rows for c in row]
    out.version = labels.a_version(texts)
    version = out.version or version_hint or "2021"
    spec = schema.TABLE_A[version]
    col_keys, row_keys = labels.a_column_keys(version), labels.a_row_keys()
    seen: set[str] = set()
    for table in tables:
        columns: dict[int, str] = {}
        for line in grid(table):
            cells = unique_cells(line)
            hits = {j: col_keys[labels.key(c.text)] for j, c in cells if labels.key(c.text) in col_keys}
            row_id = next((row_keys[labels.key(c.text)] for _, c in cells if labels.key(c.text) in row_keys), None)
            if hits and row_id is None:  # a header line: which column is which from here on
                columns = hits
                _fee_unit_problems(out, table, cells, hits)
            elif row_id is not None and columns:
                _read_a_row(out, table, line, row_id, columns, spec, seen)
    for block in spec.blocks:
        for row in block.rows:
            if row.id not in seen:
                out.problems.append(
                    Problem("A", "F1", "表中没有这一行", row.id, block.columns[0].id, expected="格式中的这一行")
                )
    return out


def _fee_unit_problems(out: TableRead, table: Table, cells: list[tuple[int, Cell]], hits: dict[int, str]) -> None:
    for j, c in cells:
        if hits.get(j) == "fee_amount" and "元" in c.text and "万元" not in c.text:
            note = "收费金额的列标题不是以万元为单位；金额未换算，请核对"
            out.problems.append(Problem("A", "A1", note, "fees", "fee_amount", c.text, _ref(table, c, j), WARNING))


def _read_a_row(out: TableRead, table: Table, line: list[Cell | None], row_id: str, columns: dict[int, str],
                spec, seen: set[str]) -> None:  # fmt: skip
    """The values of one row of 表一, under the columns its header named."""
    try:
        block = spec.block_of(row_id)
    except KeyError:
        version = spec.version
        problem = Problem("A", "F1", f"不是{version}年版表一的行", row_id, None, severity=WARNING,
                          expected=f"{version}年版表一的行")  # fmt: skip
        out.problems.append(problem)
        return
    seen.add(row_id)
    kinds = {c.id: c.kind for c in block.columns}
    for j, col_id in columns.items():
        if col_id not in kinds:
            continue
        cell = line[j] if j < len(line) else None
        ref = _ref(table, cell, j) if cell is not None else CellRef(table.number, 0, j + 1, "")
        _keep(out, "A", row_id, col_id, _read(cell, kinds[col_id]), ref)
