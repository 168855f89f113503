"""Tables in plain text (a report copied from a page): runs of lines whose cells are separated by
``|`` (「| 一、本年新收政府信息公开申请数量 | 292 | 29 | … |」, a blank cell being 「|  |」), by tabs,
or by spaces after an official row label (「一、本年新收政府信息公开申请数量 137 11 0 0 1 1 150」),
with the header and group lines between them (「（三）不予公开」, 「行政复议 行政诉讼」).

Each run becomes a :class:`~nianbao.audit.page.Table`; 表二 and 表三 are rebuilt with the official
headers (their column order checked against the header the text shows), 表一 keeps its own
header lines, and the lines of a run that is none of the three go back to the narrative. A
narrative sentence is never a table line: a line is one only when its cells say so (a
separator, or an official label followed by numbers, or nothing but header words), so
「…尚未审结1件…」 in a paragraph stays narrative.
"""

from __future__ import annotations

from nianbao.audit import labels
from nianbao.audit.page import Cell, Table
from nianbao.audit.tables import classify
from nianbao.data import numbers
from nianbao.format import schema

_HEADER_KEYS = (
    set(labels.B_COLUMN_KEYS) | set(labels.C_COLUMN_KEYS) | {labels.key(schema.TABLE_C_LITIGATION_HEADER)}
    | {labels.key(b.label) for b in schema.TABLE_C_BLOCKS} | {labels.key(schema.TABLE_B_ORG_HEADER)}
    | {labels.key(schema.TABLE_B_APPLICANT_HEADER), "信息内容", "项目"}
)  # fmt: skip
_MAX_CELL = 80
_MAX_LABEL = 90  # the longest official label has 39 characters, its remark included about 80


def _is_value(token: str) -> bool:
    return numbers.read_number(token, "change").ok or numbers.normalize(token) in numbers.DASHES or token == "无"


def _known_label(text: str) -> bool:
    if len(text) > _MAX_LABEL:
        return False
    k = labels.key(text)
    if not k:
        return False
    if k in labels.b_row_keys("2021") or k in labels.b_row_keys("2019") or k in labels.b_group_keys():
        return True
    return k == labels.RESULTS_KEY or k in labels.a_row_keys() or labels.ARTICLE in k or k in _HEADER_KEYS


def cells_of(line: str) -> list[str] | None:
    """The cells of a table line, or None when the line is no table line."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    if "\t" in stripped:
        cells = [c.strip() for c in stripped.split("\t")]
        if sum(bool(c) for c in cells) >= 2 and all(len(c) <= _MAX_CELL for c in cells):
            return cells
    tokens = stripped.split()
    if len(tokens) < 2:
        return None
    values = 0
    while values < len(tokens) and _is_value(tokens[-1 - values]):
        values += 1
    label = " ".join(tokens[: len(tokens) - values])
    if values == len(tokens) and values >= 5:
        return tokens
    if values and _known_label(label):
        return [label, *tokens[len(tokens) - values :]]
    words = tokens[1:] if len(tokens) > 2 else tokens
    if not values and all(labels.key(t) in _HEADER_KEYS for t in words):
        return tokens
    return None


def find_tables(lines: list[str], start_number: int = 1) -> tuple[list[tuple[int, Table]], list[int]]:
    """The tables found in ``lines`` (each with the index of its first line) and the indices of
    the lines left for the narrative."""
    rows: list[list[str] | None] = [cells_of(line) for line in lines]
    tables: list[tuple[int, Table]] = []
    rest: list[int] = []
    i = 0
    while i < len(lines):
        end = _run_end(lines, rows, i)
        if end == i:
            rest.append(i)
            i += 1
            continue
        run = [rows[k] or [lines[k].strip()] for k in range(i, end)]
        table = _table(run, start_number + len(tables))
        if table is None:
            rest.extend(range(i, end))
        else:
            tables.append((i, table))
        i = end
    return tables, rest


def _run_end(lines: list[str], rows: list[list[str] | None], i: int) -> int:
    """The end of the run of table lines starting at ``i`` (``i`` itself when there is none).
    Label-only lines (「（三）不予公开」) belong to a run when table lines follow them."""
    end = i
    k = i
    while k < len(lines):
        if rows[k] is not None:
            k += 1
            end = k
        elif _known_label(lines[k]) and end > i or (_known_label(lines[k]) and k + 1 < len(lines) and rows[k + 1]):
            k += 1
        else:
            break
    return end


def _table(run: list[list[str]], number: int) -> Table | None:
    raw = Table(number, [[Cell(text, row=r, index=c) for c, text in enumerate(cells)] for r, cells in enumerate(run)])
    kind = classify(raw)
    if kind == "B":
        return _table_b(run, number)
    if kind == "C":
        return _table_c(run, number) or raw
    if kind == "A":
        raw.before = "（文本中的表一）"
        return raw
    return None


def _table_b(run: list[list[str]], number: int) -> Table:
    """表二 with the official header: each line that is an official row (or a group's header) with
    the seven cells after its label, blanks kept."""
    width = len(schema.TABLE_B_COLUMNS)
    order = _header_order(run)
    header = ["项目"] + [c.label for c in schema.TABLE_B_COLUMNS]
    out = [_row(header, 0)]
    for cells in run:
        label = cells[0]
        header = sum(labels.key(c) in labels.B_COLUMN_KEYS for c in cells) >= 2 and not any(map(_is_value, cells))
        if header or not _known_label(label) or labels.ARTICLE in label:
            continue
        values = cells[1:]
        if order and len(values) == width:
            values = [values[order[c.id]] for c in schema.TABLE_B_COLUMNS]
        out.append(_row([label, *values[-width:]] if len(values) >= width else [label, *values], len(out)))
    return Table(number, out, before="（文本中的表二）")


def _header_order(run: list[list[str]]) -> dict[str, int] | None:
    """Column id → position among the seven value cells, when a header line names all seven in
    some order (None when none does, or in the official order)."""
    for cells in run:
        keys = [labels.B_COLUMN_KEYS.get(labels.key(c)) for c in cells]
        named = [k for k in keys if k]
        if len(named) == len(schema.TABLE_B_COLUMNS) and len(set(named)) == len(named):
            order = {col: i for i, col in enumerate(named)}
            return None if list(order) == list(schema.TABLE_B_COLUMN_IDS) else order
    return None


def _table_c(run: list[list[str]], number: int) -> Table | None:
    """表三 rebuilt from its row of fifteen cells, when the header the text shows lists the
    outcomes in the official order."""
    width = len(schema.TABLE_C_BLOCKS) * len(schema.TABLE_C_COLUMNS)
    outcomes = [c.label for c in schema.TABLE_C_COLUMNS]
    said = [k for cells in run for k in map(labels.key, cells) if k in {labels.key(o) for o in outcomes}]
    order = [labels.key(o) for o in outcomes]
    header_ok = bool(said) and said == order * (len(said) // len(order))  # in order, once per block shown
    values = next((cells for cells in run if len(cells) == width and any(_is_value(c) for c in cells if c)), None)
    if not header_ok or values is None:
        return None
    first = [Cell(schema.TABLE_C_BLOCK_LABEL["review"], colspan=5, row=0, index=0),
             Cell(schema.TABLE_C_LITIGATION_HEADER, colspan=10, row=0, index=1)]  # fmt: skip
    second = [Cell(c, rowspan=2, row=1, index=i) for i, c in enumerate(outcomes)]
    second += [Cell(b.label, colspan=5, row=1, index=5 + i) for i, b in enumerate(schema.TABLE_C_BLOCKS[1:])]
    return Table(number, [first, second, _row(outcomes + outcomes, 2), _row(values, 3)], before="（文本中的表三）")


def _row(cells: list[str], r: int) -> list[Cell]:
    return [Cell(text, row=r, index=i) for i, text in enumerate(cells)]
