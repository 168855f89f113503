"""Tables in plain text (a report copied from a page): lines that start with an official row label
followed by numbers, e.g. 「一、本年新收政府信息公开申请数量 487 104 10 14 38 18 671」. They are
rebuilt as tables with the official headers, so the same readers as for HTML apply. Lines used
as table rows are taken out of the narrative."""

from __future__ import annotations

import re

from nianbao.audit import labels
from nianbao.audit.page import Cell, Table
from nianbao.data import numbers
from nianbao.format import schema

_TOKEN = re.compile(r"[ \t]+")


def _split(line: str) -> tuple[str, list[str]]:
    """(label, trailing number-like tokens) of a line."""
    tokens = [t for t in _TOKEN.split(line.strip()) if t]
    values: list[str] = []
    while tokens and (numbers.read_number(tokens[-1], "change").ok or numbers.normalize(tokens[-1]) in numbers.DASHES):
        values.insert(0, tokens.pop())
    return " ".join(tokens), values


def _row(cells: list[str], r: int) -> list[Cell]:
    return [Cell(text, row=r, index=i) for i, text in enumerate(cells)]


def find_tables(lines: list[str], start_number: int = 1) -> tuple[list[Table], list[str]]:
    """The tables found in ``lines`` and the lines left for the narrative."""
    split = [_split(line) for line in lines]
    row_labels = [label for label, values in split if values]
    b_version = labels.b_version(row_labels) or (
        "2019" if "其他处理" in {labels.key(x) for x in row_labels} else "2021"
    )
    a_version = labels.a_version(re.split(r"\s+", "\n".join(lines))) or "2021"
    b_rows: list[list[str]] = []
    a_rows: dict[str, list[str]] = {}
    c_values: list[str] | None = None
    rest: list[str] = []
    after_c_header = False
    for line, (label, values) in zip(lines, split):
        if after_c_header and not label and len(values) == len(schema.TABLE_C_BLOCKS) * len(schema.TABLE_C_COLUMNS):
            c_values, after_c_header = values, False
            continue
        if "尚未审结" in line and not values:
            after_c_header = True
            continue
        if values and label:
            kind, _ = labels.match_b_row([label], b_version)
            if kind == "row":
                b_rows.append([label] + values)
                continue
            row_id = labels.a_row_keys().get(labels.key(label))
            if row_id:
                a_rows[row_id] = values
                continue
        rest.append(line)
    tables: list[Table] = []
    number = start_number
    if a_rows:
        tables.append(_table_a(a_rows, a_version, number))
        number += 1
    if b_rows:
        header = ["项目"] + [c.label for c in schema.TABLE_B_COLUMNS]
        tables.append(
            Table(number, [_row(header, 0)] + [_row(r, i + 1) for i, r in enumerate(b_rows)], before="（文本中的表二）")
        )
        number += 1
    if c_values:
        tables.append(_table_c(c_values, number))
    return tables, rest


def _table_a(rows: dict[str, list[str]], version: str, number: int) -> Table:
    out: list[list[Cell]] = []
    for block in schema.TABLE_A[version].blocks:
        present = [r for r in block.rows if r.id in rows]
        if not present:
            continue
        out.append(_row([block.row_header] + [c.label for c in block.columns], len(out)))
        for row in present:
            out.append(_row([row.label] + rows[row.id], len(out)))
    return Table(number, out, before="（文本中的表一）")


def _table_c(values: list[str], number: int) -> Table:
    cols = [c.label for c in schema.TABLE_C_COLUMNS]
    first = [Cell(schema.TABLE_C_BLOCK_LABEL["review"], colspan=5, row=0, index=0),
             Cell(schema.TABLE_C_LITIGATION_HEADER, colspan=10, row=0, index=1)]  # fmt: skip
    second = [Cell(c, rowspan=2, row=1, index=i) for i, c in enumerate(cols)]
    second += [Cell(b.label, colspan=5, row=1, index=5 + i) for i, b in enumerate(schema.TABLE_C_BLOCKS[1:])]
    third = _row(cols + cols, 2)
    return Table(number, [first, second, third, _row(values, 3)], before="（文本中的表三）")
