"""Tables printed without rules, found in the lines of a page by the alignment of their numbers.

A line whose last pieces, set apart by wide gaps, are numbers is a row of figures; rows of figures
with the lines between and around them (wrapped labels, headers) make a table, up to a line of
prose, a heading (set in another font or size, apart) or a wide gap.
The numbers' positions give the value columns; what lies left of the first one is labels. Each
line of label text that holds no figure belongs to the nearest row (a label wrapped over two
lines, the figures set in the middle); header lines above the first row are read per column
(wrapped column labels joined), labels that reach over several columns become header rows of
their own, spanning those columns.

Spans of label cells (rowspan) are not recovered: a group label such as 「（三）不予公开」 lands in
one of its rows. The audit's readers go by the rightmost label of a row, so this does not matter
for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.audit.formats.grid import PartCell, TablePart
from nianbao.audit.formats.layout import Line, close_cjk_spaces
from nianbao.data import numbers

ROW_GAP = 0.8  # a gap this wide (in font sizes) separates the pieces of a row
HEADER_GAP = 0.5  # in headers, texts of neighbouring narrow columns may come this close


@dataclass
class _Piece:
    text: str
    x0: float
    x1: float
    line: int  # index of its line in the region


def pieces(line: Line, gap: float) -> list[_Piece]:
    """The line cut where its characters (or OCR'd words) are more than ``gap`` font sizes apart."""
    out: list[_Piece] = []
    size = line.size or 10
    for text, x0, x1 in sorted(line.pieces, key=lambda p: p[1]):
        if out and x0 - out[-1].x1 <= gap * size:
            out[-1].text += (" " if x0 - out[-1].x1 > 0.25 * size else "") + text
            out[-1].x1 = max(out[-1].x1, x1)
        else:
            out.append(_Piece(text, x0, x1, -1))
    for p in out:
        p.text = close_cjk_spaces(p.text)
    if not out and line.text:
        out.append(_Piece(line.text, line.x0, line.x1, -1))
    return out


def is_number(text: str) -> bool:
    return numbers.read_number(text, "change").ok or numbers.normalize(text) in numbers.DASHES


def figures(parts: list[_Piece]) -> int:
    """How many figures end the line (0 when it is not a row of figures)."""
    n = 0
    for p in reversed(parts):
        if not is_number(p.text):
            break
        n += 1
    return n if (n >= 2 or (n >= 1 and len(parts) >= 2)) else 0


def find_unruled(lines: list[Line], page: int) -> tuple[list[TablePart], list[Line]]:
    """The tables without rules among ``lines`` (one page, top to bottom), and the lines left."""
    if len(lines) < 2:
        return [], lines
    cut = [pieces(line, ROW_GAP) for line in lines]
    counts = [figures(p) for p in cut]
    left = min(line.x0 for line in lines)
    width = max(line.x1 for line in lines) - left or 1.0
    regions: list[list[int]] = []
    i = 0
    while i < len(lines):
        if counts[i] == 0 or (regions and i <= regions[-1][-1]):
            i += 1
            continue
        taken = regions[-1][-1] if regions else -1
        region = [k for k in _region(lines, cut, counts, i, width) if k > taken]
        rows = [k for k in region if counts[k]]
        tabular = any(len(cut[k]) >= 2 for k in region if not counts[k])
        if len(rows) >= 2 or (rows and (counts[rows[0]] >= 3 or tabular)):
            if regions and region[0] == regions[-1][-1] + 1 and _same_columns(cut, counts, regions[-1], region):
                regions[-1] += region  # a wider gap inside one table (a tall row): still one table
            else:
                regions.append(region)
        i = max(region) + 1
    tables: list[TablePart] = []
    used: set[int] = set()
    for region in regions:
        part = _build([lines[k] for k in region], [counts[k] for k in region], page)
        if part is not None:
            tables.append(part)
            used.update(region)
    return tables, [line for k, line in enumerate(lines) if k not in used]


def _same_columns(cut, counts: list[int], first: list[int], second: list[int]) -> bool:
    a = _columns([cut[k] for k in first], [counts[k] for k in first])
    b = _columns([cut[k] for k in second], [counts[k] for k in second])
    return len(a) == len(b) and all(x.start <= y.end + 2 and y.start <= x.end + 2 for x, y in zip(a, b))


def _prose(line: Line, parts: list[_Piece], width: float) -> bool:
    return len(parts) == 1 and ((line.x1 - line.x0) > 0.6 * width or line.text.endswith("。"))


def _region(lines: list[Line], cut, counts: list[int], first: int, width: float) -> list[int]:
    """The lines of the table around the row of figures ``first``: the lines before and after it
    up to a line of prose, a wide gap, or a line set in another font or size than the table's
    that is not close to it."""
    size = lines[first].size or 10
    style = _style(lines[first])

    def joins(k: int, neighbour: int) -> bool:
        gap = lines[k].top - lines[neighbour].bottom if k > neighbour else lines[neighbour].top - lines[k].bottom
        if _prose(lines[k], cut[k], width) or gap > 3 * size:
            return False
        return (style is not None and _style(lines[k]) == style) or gap <= 1.2 * size

    end = first
    while end + 1 < len(lines) and joins(end + 1, end):
        end += 1
    start = first
    while start > 0 and joins(start - 1, start):
        start -= 1
    return list(range(start, end + 1))


def _style(line: Line) -> tuple[bool, int] | None:
    """Bold or not, and the size (figures and labels of one table may come in different fonts);
    None when not known (OCR)."""
    name = line.font.lower()
    return (any(w in name for w in ("bold", "heavy", "black", "hei")), round(line.size)) if name else None


def _center(line: Line) -> float:
    return (line.top + line.bottom) / 2


@dataclass
class _Column:
    start: float
    end: float
    left: float = 0.0  # the column's share of the table's width
    right: float = 0.0


def _columns(rows: list[list[_Piece]], counts: list[int]) -> list[_Column]:
    spans = sorted((p.x0, p.x1) for parts, n in zip(rows, counts) if n for p in parts[len(parts) - n :])
    columns: list[_Column] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1].end + 1.0:
            columns[-1].end = max(columns[-1].end, x1)
        else:
            columns.append(_Column(x0, x1))
    for j, col in enumerate(columns):
        col.left = (columns[j - 1].end + col.start) / 2 if j else col.start - 1.0
        col.right = (col.end + columns[j + 1].start) / 2 if j + 1 < len(columns) else col.end + 1.0
    return columns


def _placed(piece: _Piece, columns: list[_Column]) -> tuple[int, int]:
    """The columns a piece of text covers: those whose figures it overlaps, else the nearest."""
    hit = [j for j, c in enumerate(columns) if piece.x0 < c.end + 0.5 and piece.x1 > c.start - 0.5]
    if hit:
        return hit[0], hit[-1]
    middle = (piece.x0 + piece.x1) / 2
    j = min(range(len(columns)), key=lambda j: abs((columns[j].left + columns[j].right) / 2 - middle))
    return j, j


def _build(lines: list[Line], counts: list[int], page: int) -> TablePart | None:
    rows_cut = [pieces(line, ROW_GAP) for line in lines]
    columns = _columns(rows_cut, counts)
    if not columns:
        return None
    boundary = columns[0].left
    mine: list[list[_Piece]] = []  # per line: label text cut at wide gaps, text among the columns cut finer
    for k, line in enumerate(lines):
        parts = [p for p in rows_cut[k] if (p.x0 + p.x1) / 2 < boundary]
        parts += [p for p in pieces(line, HEADER_GAP) if (p.x0 + p.x1) / 2 >= boundary]
        for p in parts:
            p.line = k
        mine.append(parts)
    # which lines are rows; the others are label text belonging to the nearest row
    is_row = [bool(n) or any((p.x0 + p.x1) / 2 >= boundary for p in mine[k]) for k, n in enumerate(counts)]
    row_lines = [k for k in range(len(lines)) if is_row[k]]
    owner = {k: k for k in row_lines}
    for k in range(len(lines)):
        if not is_row[k]:
            above = _wrapped_from(k, lines, mine)
            owner[k] = (
                owner[above]
                if above is not None
                else min(row_lines, key=lambda r: (abs(_center(lines[r]) - _center(lines[k])), r))
            )
    first_figures = next(k for k in row_lines if counts[k])
    cells: list[PartCell] = []
    r = 0
    for cluster in _clusters([k for k in row_lines if k < first_figures], lines):
        r = _header(cluster, owner, mine, lines, columns, boundary, r, page, cells)
    for k in (k for k in row_lines if k >= first_figures):
        found = [q for j in range(len(lines)) if owner[j] == k for q in mine[j]]
        groups: list[list[_Piece]] = []
        for p in sorted((p for p in found if (p.x0 + p.x1) / 2 < boundary), key=lambda p: p.x0):
            same = next((g for g in groups if abs(g[0].x0 - p.x0) <= lines[k].size), None)
            if same is None:
                groups.append([p])
            else:
                same.append(p)
        cells += _label_cells(groups, boundary, r, page, lines)
        taken: dict[tuple[int, int], list[_Piece]] = {}
        for p in (p for p in found if (p.x0 + p.x1) / 2 >= boundary):
            taken.setdefault(_placed(p, columns), []).append(p)
        for (a, b), placed in sorted(taken.items()):
            placed.sort(key=lambda p: (lines[p.line].top, p.x0))
            cells.append(PartCell(r, r + 1, columns[a].left, columns[b].right, " ".join(p.text for p in placed), page))
        r += 1
    x0 = min(min(c.x0 for c in cells), min(line.x0 for line in lines))
    bbox = (x0, min(line.top for line in lines), columns[-1].right, max(line.bottom for line in lines))
    return TablePart(page, bbox, cells, r, ruled=False, columns=[(c.start, c.end) for c in columns],
                     edges=[columns[0].left] + [c.right for c in columns])  # fmt: skip


def _wrapped_from(k: int, lines: list[Line], mine: list[list[_Piece]]) -> int | None:
    """The line above whose label ``k`` continues: one with label text starting where ``k``'s
    does, no more than a line's leading above it."""
    size = lines[k].size or 10
    starts = [p.x0 for p in mine[k]]
    for j in range(k - 1, -1, -1):
        gap = lines[k].top - lines[j].bottom
        if gap > 0.6 * size:
            break
        if gap >= -0.2 * size and any(abs(p.x0 - x) <= size for p in mine[j] for x in starts):
            return j
    return None


def _clusters(header: list[int], lines: list[Line]) -> list[list[int]]:
    """Header lines in groups set apart by more than the space between two lines of one cell."""
    out: list[list[int]] = []
    for k in header:
        if out and lines[k].top - max(lines[j].bottom for j in out[-1]) <= 0.55 * (lines[k].size or 10):
            out[-1].append(k)
        else:
            out.append([k])
    return out


def _header(
    cluster: list[int], owner, mine, lines, columns, boundary: float, r: int, page: int, cells: list[PartCell]
) -> int:
    """The rows of one group of header lines: a row for each line of labels over several columns,
    then one row of the columns' own labels (wrapped labels joined). Returns the next row."""
    wide: dict[int, list[_Piece]] = {}
    narrow: dict[int, list[_Piece]] = {}
    labels: list[_Piece] = []
    for p in (q for j in range(len(lines)) if owner[j] in cluster for q in mine[j]):
        if (p.x0 + p.x1) / 2 < boundary:
            labels.append(p)
            continue
        a, b = _placed(p, columns)
        if b > a:
            wide.setdefault(p.line, []).append(p)
        else:
            narrow.setdefault(a, []).append(p)
    for k in sorted(wide):
        cells.extend(_wide_row(wide[k], columns, r, page))
        r += 1
    if narrow or labels:
        labels.sort(key=lambda p: (lines[p.line].top, p.x0))
        cells.extend(_label_cells([labels] if labels else [], boundary, r, page))
        for j, found in sorted(narrow.items()):
            found.sort(key=lambda p: (lines[p.line].top, p.x0))
            cells.append(PartCell(r, r + 1, columns[j].left, columns[j].right, "\n".join(p.text for p in found), page))
        r += 1
    return r


def _label_cells(
    groups: list[list[_Piece]], boundary: float, r: int, page: int, lines: list[Line] | None = None
) -> list[PartCell]:
    """One cell per group of label text (by where it starts), each reaching to the next."""
    out = []
    groups = sorted((g for g in groups if g), key=lambda g: min(p.x0 for p in g))
    for n, group in enumerate(groups):
        if lines is not None:
            group.sort(key=lambda p: (lines[p.line].top, p.x0))
        x0 = min(p.x0 for p in group)
        x1 = min(p.x0 for p in groups[n + 1]) if n + 1 < len(groups) else boundary
        text = "\n".join(p.text for p in group)
        out.append(PartCell(r, r + 1, x0, max(x1, x0 + 1), text, page))
    return out


def _wide_row(wide: list[_Piece], columns: list[_Column], r: int, page: int) -> list[PartCell]:
    """A header line of labels over several columns each: a label set flush left with its first
    column reaches on to the next label; otherwise each column goes to the nearest label."""
    wide.sort(key=lambda p: p.x0)
    placed = [_placed(p, columns) for p in wide]
    flush = all(abs(p.x0 - columns[a].start) <= 2.0 for p, (a, _) in zip(wide, placed))
    owner: dict[int, int] = {}
    for j, col in enumerate(columns):
        middle = (col.left + col.right) / 2
        if flush:
            before = [n for n, (a, _) in enumerate(placed) if a <= j]
            if before:
                owner[j] = before[-1]
        else:
            owner[j] = min(range(len(wide)), key=lambda n: abs((wide[n].x0 + wide[n].x1) / 2 - middle))
    out = []
    for n, p in enumerate(wide):
        mine = [j for j, o in owner.items() if o == n] or [placed[n][0]]
        out.append(PartCell(r, r + 1, columns[min(mine)].left, columns[max(mine)].right, p.text, page))
    return out
