"""A saved web page (or plain text) reduced to what the audit needs: its title, the paragraphs
outside tables, and every table as rows of cells with their spans.

The standard library's tolerant HTML parser is used. Scripts, styles and hidden elements are
dropped (tampered pages hide advertisements in them); ``&nbsp;`` and other entities are decoded;
``<br>`` and ``<p>`` inside a cell become line breaks; nested tables are kept apart from the
table around them; rowspan and colspan are expanded by :func:`grid`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SKIPPED = {"script", "style", "noscript", "template", "svg", "object", "iframe", "head"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source", "embed", "param"}
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre",
           "ul", "ol", "dd", "dt", "hr", "header", "footer", "table", "center"}  # fmt: skip
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_TEXT_WS = re.compile(r"[ \r\f\v\u00a0\u3000]+")
MAX_SPAN = 200


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # <th>
    row: int = 0  # 0-based row of the table
    index: int = 0  # 0-based position of the cell in its row
    page: int | None = None  # 1-based page of a PDF or scan the cell was read on
    confidence: float | None = None  # OCR confidence (0–100, its least sure word) when OCR'd
    original: str | None = None  # the published words when ``text`` was normalised (traditional → simplified)

    @property
    def published(self) -> str:
        return self.text if self.original is None else self.original


class Paragraph(str):
    """A paragraph read from a paged document: a ``str`` that also knows its page and, when
    OCR'd, its confidence (0–100, its least sure word)."""

    page: int | None
    confidence: float | None

    def __new__(cls, text: str, page: int | None = None, confidence: float | None = None):
        made = super().__new__(cls, text)
        made.page = page
        made.confidence = confidence
        return made


@dataclass
class Table:
    number: int  # 1-based, in document order (outer tables before the tables inside them)
    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    nested: bool = False
    before: str = ""  # the last paragraph before the table (often its title)
    notes: list[str] = field(default_factory=list)  # located problems of its markup


@dataclass
class Page:
    title: str
    blocks: list[str | Table]  # paragraphs and tables, in document order
    headings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def _clean(text: str) -> str:
    lines = [_WS.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.stack: list[Table] = []
        self.cell: list[str] | None = None
        self.cell_attrs: tuple[int, int, bool] = (1, 1, False)
        self.cells_stack: list[tuple[list[str] | None, tuple[int, int, bool]]] = []
        self.blocks: list[str | Table] = []
        self.buffer: list[str] = []
        self.title: list[str] = []
        self.headings: list[str] = []
        self.heading: list[str] | None = None
        self.in_title = False
        self.skip: list[str] = []  # tags whose content is dropped (nesting of the same tag counted)

    # -- helpers -------------------------------------------------------------------------------
    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        if text:
            self.blocks.append(text)
        self.buffer = []

    def close_cell(self) -> None:
        if self.cell is not None and self.stack and self.stack[-1].rows:
            rowspan, colspan, header = self.cell_attrs
            row = self.stack[-1].rows[-1]
            row.append(
                Cell(_clean("".join(self.cell)), rowspan, colspan, header, len(self.stack[-1].rows) - 1, len(row))
            )
        self.cell = None

    # -- events --------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if self.skip:
            if tag == self.skip[-1] and tag not in _VOID:
                self.skip.append(tag)
            return
        if tag == "title":
            self.in_title = True
            return
        hidden = tag not in _VOID and ("hidden" in attrs or _HIDDEN.search(attrs.get("style") or ""))
        if (tag in _SKIPPED and tag != "head") or hidden:
            self.skip.append(tag)
            return
        if tag == "table":
            self.flush()
            table = Table(len(self.tables) + 1, nested=bool(self.stack))
            table.before = next((b for b in reversed(self.blocks) if isinstance(b, str)), "")
            self.tables.append(table)
            self.blocks.append(table)
            self.cells_stack.append((self.cell, self.cell_attrs))
            self.cell = None
            self.stack.append(table)
        elif self.stack and tag == "tr":
            self.close_cell()
            self.stack[-1].rows.append([])
        elif self.stack and tag in ("td", "th"):
            self.close_cell()
            if not self.stack[-1].rows:
                self.stack[-1].rows.append([])
            self.cell = []
            table = self.stack[-1]
            spans = []
            for name in ("rowspan", "colspan"):
                raw = _raw_span(attrs.get(name))
                if raw > MAX_SPAN:
                    table.notes.append(
                        f"第{table.number}个表格第{len(table.rows)}行第{len(table.rows[-1]) + 1}个单元格：{name}={raw} 不合理，按{MAX_SPAN}处理"
                    )
                spans.append(max(1, min(raw, MAX_SPAN)))
            self.cell_attrs = (spans[0], spans[1], tag == "th")
        elif tag == "caption" and self.stack:
            self.cell = []
            self.cell_attrs = (0, 0, True)  # marks a caption
        elif tag == "br" or tag in _BLOCKS:
            if self.cell is not None:
                self.cell.append("\n")
            elif not self.stack:
                self.flush()
            if tag in ("h1", "h2", "h3") and not self.stack:
                self.heading = []

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag == "title":
            self.in_title = False
        elif tag == "table" and self.stack:
            self.close_cell()
            self.stack.pop()
            self.cell, self.cell_attrs = self.cells_stack.pop() if self.cells_stack else (None, (1, 1, False))
        elif self.stack and tag in ("td", "th"):
            self.close_cell()
        elif self.stack and tag == "tr":
            self.close_cell()
        elif tag == "caption" and self.stack and self.cell is not None and self.cell_attrs == (0, 0, True):
            self.stack[-1].caption = _clean("".join(self.cell))
            self.cell = None
        elif tag in _BLOCKS or tag == "br":
            if self.cell is not None:
                self.cell.append("\n")
            elif not self.stack:
                self.flush()
            if tag in ("h1", "h2", "h3") and self.heading is not None:
                text = _clean("".join(self.heading))
                if text:
                    self.headings.append(text)
                self.heading = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
            return
        if self.heading is not None:
            self.heading.append(data)
        if self.cell is not None:
            self.cell.append(data)
        elif not self.stack:
            self.buffer.append(data)

    def close(self) -> None:
        super().close()
        self.close_cell()
        self.flush()


def _raw_span(value) -> int:
    """A rowspan/colspan as written (「2」, 「"2"」, 「2px」); 1 when missing or not a number."""
    m = re.match(r"\s*\"?(\d+)", str(value or ""))
    return int(m.group(1)) if m else 1


def parse_html(text: str) -> Page:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    blocks = [b for b in parser.blocks if not isinstance(b, Table) or any(b.rows)]
    return Page(_clean("".join(parser.title)), blocks, parser.headings)


def parse_text(text: str) -> Page:
    """Plain text: every non-empty line is a paragraph; tables are found in the lines later (tabs
    are kept: they separate cells)."""
    lines = [_TEXT_WS.sub(" ", line).strip(" ") for line in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    return Page(lines[0] if lines else "", list(lines))


class TableTooLarge(ValueError):
    """A table whose expanded grid would exceed :data:`MAX_GRID` positions."""


#: The most positions a table's expanded grid may have (a real 表二 has about 300).
MAX_GRID = 1_000_000


def grid(table: Table) -> list[list[Cell | None]]:
    """The table with spans expanded: ``grid[r][c]`` is the cell covering row r, column c (the
    same :class:`Cell` object in every position it spans), or None where nothing is.

    Spans are capped by the table's real extent: a rowspan by the rows left, a colspan by the
    most cells a row has, and every row by twice the widest row's own cells (spans that would
    push a row further are cut, and the table says so). The work is proportional to the grid's
    size, which is bounded (:class:`TableTooLarge` beyond :data:`MAX_GRID` positions)."""
    rows = table.rows
    cap = max((len(row) for row in rows), default=1)
    width = 2 * max((sum(min(max(c.colspan, 1), cap) for c in row) for row in rows), default=1)
    out: list[list[Cell | None]] = []
    carry: dict[int, tuple[Cell, int]] = {}  # column → (cell, rows it still covers)
    size, cut = 0, False
    for r, row in enumerate(rows):
        line, carry, dropped = _grid_row(row, carry, cap, width, len(rows) - r)
        cut = cut or dropped
        size += len(line)
        if size > MAX_GRID:
            raise TableTooLarge(f"第{table.number}个表格展开后超过{MAX_GRID}个单元格，未读取")
        out.append(line)
    if cut and not any("超出表格范围" in n for n in table.notes):
        table.notes.append(f"第{table.number}个表格的合并单元格（rowspan/colspan）超出表格范围，超出部分未读取")
    return out


def _grid_row(row, carry, cap, width, rows_left):
    """One row of the grid, the cells carried into the next row, and whether spans were cut."""
    line: list[Cell | None] = []
    below: dict[int, tuple[Cell, int]] = {}
    cells = iter(row)
    cell = next(cells, None)
    while (cell is not None or any(c >= len(line) for c in carry)) and len(line) < width:
        c = len(line)
        if c in carry:
            held, left = carry[c]
            line.append(held)
            if left > 1:
                below[c] = (held, left - 1)
            continue
        if cell is None:  # only columns covered from above are left
            line.append(None)
            continue
        down = max(1, min(cell.rowspan, rows_left))
        for _ in range(max(1, min(cell.colspan, cap, width - len(line)))):
            if down > 1:
                below[len(line)] = (cell, down - 1)
            line.append(cell)
        cell = next(cells, None)
    return line, below, cell is not None


def unique_cells(line: list[Cell | None]) -> list[tuple[int, Cell]]:
    """The cells of a grid row once each, with the first column they occupy."""
    seen: set[int] = set()
    out = []
    for j, cell in enumerate(line):
        if cell is not None and id(cell) not in seen:
            seen.add(id(cell))
            out.append((j, cell))
    return out
