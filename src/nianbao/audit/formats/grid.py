"""Tables of paged documents: cell boxes → rows and columns with spans, parts of one table on
consecutive pages joined (repeated header rows dropped, cells cut by the page break made whole
again) → a :class:`~nianbao.audit.page.Table` like a web page's.

Rows are counted per part; columns are positions on the page (x), so that a part whose label
columns have no rule between them (all its label cells merged) still lines up with a part that
has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.audit.page import Cell, Table

TOLERANCE = 2.0  # points: rules closer than this are one rule


@dataclass
class PartCell:
    r0: int  # first row (of its part)
    r1: int  # one past its last row
    x0: float
    x1: float
    text: str
    page: int
    confidence: float | None = None
    open_top: bool = False  # no rule above it at the top of its part: it may continue a cell of the page before
    open_bottom: bool = False  # no rule below it at the bottom of its part: it may go on on the next page


@dataclass
class TablePart:
    """A table, or the part of one on one page."""

    page: int
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom (points)
    cells: list[PartCell]
    rows: int
    pages: list[int] = field(default_factory=list)
    dropped: int = 0  # repeated header rows dropped when parts were joined
    ruled: bool = True
    columns: list[tuple[float, float]] | None = None  # a table without rules: where its figures stand
    edges: list[float] | None = None  # ... and the edges of its value columns

    def __post_init__(self) -> None:
        self.pages = self.pages or [self.page]

    @property
    def top(self) -> float:
        return self.bbox[1]


def cluster(values: list[float], tolerance: float = TOLERANCE) -> list[float]:
    """Sorted representatives of values that lie within ``tolerance`` of each other."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _index(value: float, stops: list[float]) -> int:
    return min(range(len(stops)), key=lambda i: abs(stops[i] - value))


@dataclass
class Box:
    """A cell found on the page: its rectangle and, once placed, its rows and columns."""

    x0: float
    top: float
    x1: float
    bottom: float
    r0: int = 0
    r1: int = 0
    c0: int = 0
    c1: int = 0
    hole: bool = False  # no cell was drawn there: a region the rules leave open


def place(
    boxes: list[tuple[float, float, float, float]], tolerance: float = TOLERANCE
) -> tuple[list[Box], list[float], list[float]]:
    """Cell rectangles → boxes with row and column spans, plus one box for each region no cell
    covers (a cell whose rule is missing, typically at a page break). Returns (boxes, the
    columns' edges, the rows' edges)."""
    xs = cluster([b[0] for b in boxes] + [b[2] for b in boxes], tolerance)
    ys = cluster([b[1] for b in boxes] + [b[3] for b in boxes], tolerance)
    placed = []
    taken: set[tuple[int, int]] = set()
    for x0, top, x1, bottom in boxes:
        box = Box(x0, top, x1, bottom, _index(top, ys), _index(bottom, ys), _index(x0, xs), _index(x1, xs))
        if box.r1 <= box.r0 or box.c1 <= box.c0:
            continue
        cover = {(r, c) for r in range(box.r0, box.r1) for c in range(box.c0, box.c1)}
        if cover & taken:
            continue  # overlaps a cell already placed (a rule drawn twice): keep the first
        taken |= cover
        placed.append(box)
    rows, cols = len(ys) - 1, len(xs) - 1
    for r in range(rows):
        for c in range(cols):
            if (r, c) in taken:
                continue
            c1 = c + 1
            while c1 < cols and (r, c1) not in taken:
                c1 += 1
            r1 = r + 1
            while r1 < rows and all((r1, k) not in taken for k in range(c, c1)):
                r1 += 1
            taken |= {(i, k) for i in range(r, r1) for k in range(c, c1)}
            placed.append(Box(xs[c], ys[r], xs[c1], ys[r1], r, r1, c, c1, hole=True))
    return placed, xs, ys


# ---------------------------------------------------------------------------------------------
# joining the parts of a table that runs across pages
# ---------------------------------------------------------------------------------------------


def continues(first: TablePart, second: TablePart, tolerance: float = 4.0) -> bool:
    """Whether ``second`` (first thing on its page) goes on with ``first`` (last on the page before):
    the same left and right edges (tables without rules: the same value columns)."""
    if second.page != first.pages[-1] + 1 or first.ruled != second.ruled:
        return False
    if first.columns is not None and second.columns is not None:
        return len(first.columns) == len(second.columns) and all(
            a0 <= b1 + tolerance and b0 <= a1 + tolerance for (a0, a1), (b0, b1) in zip(first.columns, second.columns)
        )
    if abs(first.bbox[2] - second.bbox[2]) > tolerance:
        return False
    if abs(first.bbox[0] - second.bbox[0]) <= tolerance:
        return True
    # the continued part may lack its first columns: cells running on from the page before, no rule drawn across them
    return second.bbox[0] > first.bbox[0] and any(abs(c.x0 - second.bbox[0]) <= tolerance for c in first.cells)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _row_texts(part: TablePart, r: int) -> list[str]:
    return [_key(c.text) for c in sorted(part.cells, key=lambda c: c.x0) if c.r0 == r]


def repeated_header(first: TablePart, second: TablePart) -> int:
    """How many of ``second``'s first rows repeat ``first``'s first rows (a header printed again)."""
    k = 0
    while k < min(first.rows, second.rows) - 1:
        texts = _row_texts(second, k)
        if not any(texts) or texts != _row_texts(first, k):
            break
        k += 1
    # a cell of the repeated rows reaching below them means the rows were not a header
    if any(c.r0 < k < c.r1 for c in second.cells):
        return 0
    return k


def join(first: TablePart, second: TablePart) -> TablePart:
    """One part of the two: ``second``'s repeated header dropped, its rows put below ``first``'s,
    and each cell cut by the page break (left open by the rules, or an empty box under a cell
    spanning rows) joined to the cell above it."""
    k = repeated_header(first, second)
    shift = first.rows - k
    bottom = {(round(c.x0), round(c.x1)): c for c in first.cells if c.r1 == first.rows}
    cells = list(first.cells)
    for cell in second.cells:
        if cell.r0 < k:
            continue
        x0, x1 = _aligned(cell, second, first)
        moved = PartCell(cell.r0 + shift, cell.r1 + shift, x0, x1, cell.text, cell.page, cell.confidence,
                         cell.open_top, cell.open_bottom)  # fmt: skip
        above = _match(bottom, cell) if cell.r0 == k else None
        if above is not None and (
            above.open_bottom
            or cell.open_top
            or (not cell.text.strip() and (above.r1 - above.r0 > 1 or cell.r1 - cell.r0 > 1))
        ):
            above.r1 = moved.r1
            above.open_bottom = moved.open_bottom
            if cell.text.strip():
                above.text = (above.text + "\n" + cell.text).strip()
            if cell.confidence is not None:
                above.confidence = (
                    cell.confidence if above.confidence is None else min(above.confidence, cell.confidence)
                )
            continue
        cells.append(moved)
    rows = first.rows + second.rows - k
    for cell in bottom.values():  # left of where the next part's rules begin: cells that run on
        if cell.x1 <= second.bbox[0] + 3.0:
            cell.r1 = rows
    bbox = (min(first.bbox[0], second.bbox[0]), first.bbox[1], max(first.bbox[2], second.bbox[2]), second.bbox[3])
    return TablePart(first.page, bbox, cells, rows, first.pages + second.pages,
                     first.dropped + k, first.ruled and second.ruled, first.columns, first.edges)  # fmt: skip


def _aligned(cell: PartCell, part: TablePart, onto: TablePart) -> tuple[float, float]:
    """A cell's edges moved onto the value columns of the part it is joined to (tables without
    rules: each part's column edges are where its own figures happen to end)."""
    if part.edges is None or onto.edges is None or len(part.edges) != len(onto.edges):
        return cell.x0, cell.x1
    edges, target = part.edges, onto.edges

    def snap(x: float) -> float:
        i = min(range(len(edges)), key=lambda i: abs(edges[i] - x))
        return target[i] if abs(edges[i] - x) <= 0.5 else x

    return snap(cell.x0), snap(cell.x1)


def _match(bottom: dict[tuple[int, int], PartCell], cell: PartCell, tolerance: float = 3.0) -> PartCell | None:
    for (x0, x1), above in bottom.items():
        if abs(x0 - cell.x0) <= tolerance and abs(x1 - cell.x1) <= tolerance:
            return above
    return None


# ---------------------------------------------------------------------------------------------
# → Table
# ---------------------------------------------------------------------------------------------


def to_table(part: TablePart, number: int, before: str = "") -> Table:
    """The part as a page table: columns from the cells' edges, every grid position covered by
    exactly one cell (empty cells where none was read), cells of a row in column order."""
    xs = cluster([c.x0 for c in part.cells] + [c.x1 for c in part.cells], 3.0)
    spans = []
    taken: set[tuple[int, int]] = set()
    for cell in part.cells:
        c0, c1 = _index(cell.x0, xs), _index(cell.x1, xs)
        if c1 <= c0 or cell.r1 <= cell.r0:
            continue
        cover = {(r, c) for r in range(cell.r0, cell.r1) for c in range(c0, c1)}
        if cover & taken:
            continue
        taken |= cover
        spans.append((cell.r0, c0, cell.r1 - cell.r0, c1 - c0, cell))
    cols = len(xs) - 1
    for r in range(part.rows):
        for c in range(cols):
            if (r, c) not in taken:
                taken.add((r, c))
                spans.append((r, c, 1, 1, None))
    rows: list[list[Cell]] = [[] for _ in range(part.rows)]
    for r, _c, rowspan, colspan, cell in sorted(spans, key=lambda s: (s[0], s[1])):
        rows[r].append(Cell(cell.text if cell else "", rowspan, colspan, False, r, len(rows[r]),
                            cell.page if cell else part.page, cell.confidence if cell else None))  # fmt: skip
    table = Table(number, list(rows), before=before)
    if len(part.pages) > 1:
        pages = f"{part.pages[0]}–{part.pages[-1]}"
        dropped = f", {part.dropped} repeated header row(s) dropped" if part.dropped else ""
        table.notes.append(f"page table {number} runs over pages {pages}: its parts were joined{dropped}")
    return table
