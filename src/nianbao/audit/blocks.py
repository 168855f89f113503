"""A page's blocks sorted: the three statistical tables (in text, the lines that form them) and the
narrative's paragraphs, in document order, with the part heading each table stands under.

Table cells are read in simplified characters (a traditional-character mirror's 「收到和處理…」
is the official label); each cell keeps its published words (:attr:`Cell.original`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from nianbao.audit.page import Page, Table
from nianbao.audit.reading.normalise import normalise, simplified
from nianbao.audit.reading.parts import heading
from nianbao.audit.tables import classify
from nianbao.audit.texttables import find_tables

#: At most this many tables of a page are looked at (a page of thousands is no report).
MAX_TABLES = 500


@dataclass
class Blocks:
    tables: dict[str, list[Table]] = field(default_factory=dict)  # "A" | "B" | "C" → the page's tables
    paragraphs: list[str] = field(default_factory=list)  # the narrative, in order (published words)
    headings: dict[str, str] = field(default_factory=dict)  # table kind → the part heading above it
    notes: list[str] = field(default_factory=list)
    all_tables_looked_at: bool = True


def simplify_cells(page: Page) -> None:
    for table in page.tables:
        for row in table.rows:
            for cell in row:
                text = simplified(cell.text)
                if text != cell.text:
                    cell.original, cell.text = cell.text, text


def sort_blocks(page: Page, structured: bool) -> Blocks:
    """The three tables (by kind) and the narrative's paragraphs. The text of a table that is
    none of the three (a layout table around the report) counts as narrative; in plain text,
    tables are found among the lines."""
    out = Blocks({"A": [], "B": [], "C": []})
    last_heading = ""
    looked = 0
    for block in page.blocks:
        if isinstance(block, str):
            last_heading = _heading(block) or last_heading
            out.paragraphs.append(block)
            continue
        looked += 1
        kind = classify(block) if looked <= MAX_TABLES else None
        if kind:
            out.tables[kind].append(block)
            out.headings.setdefault(kind, last_heading)
        else:
            lines = [line for row in block.rows for cell in row for line in cell.text.split("\n") if line.strip()]
            out.paragraphs.extend(lines)
    if looked > MAX_TABLES:
        out.all_tables_looked_at = False
        out.notes.append(f"the page has {looked} tables; only the first {MAX_TABLES} were looked at")
    if not structured:
        _text_tables(out)
    out.tables = {k: v for k, v in out.tables.items() if v}
    return out


def _text_tables(out: Blocks) -> None:
    lines = out.paragraphs
    found, rest = find_tables([simplified(line) for line in lines])
    heads = [i for i, line in enumerate(lines) if found and _heading(line)]
    for start, table in found:
        kind = classify(table)
        if kind:
            out.tables[kind].append(table)
            k = bisect.bisect_left(heads, start)
            out.headings.setdefault(kind, lines[heads[k - 1]].strip() if k else "")
    out.paragraphs = [lines[i] for i in rest]


def _heading(text: str) -> str | None:
    """The paragraph's published words when it is a part heading."""
    if len(text) > 60:
        return None
    return text.strip() if heading(normalise(text).norm) else None
