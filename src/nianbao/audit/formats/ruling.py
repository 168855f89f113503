"""Ruled tables in a page image: rules are long runs of dark pixels (each pixel row and column
projected), a table is a set of rules that cross each other, its grid is where they lie, and two
neighbouring grid cells are one merged cell where the rule between them is missing."""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.audit.formats.grid import cluster


@dataclass
class Rule:
    pos: float  # y of a horizontal rule, x of a vertical one (pixels)
    a: int  # where it starts and ends along its length
    b: int
    thickness: int


def find_rules(ink, min_length: int, max_thickness: int, horizontal: bool) -> list[Rule]:
    """Runs of ink at least ``min_length`` long, those of neighbouring pixel rows (columns)
    merged into one rule."""
    import numpy as np

    mask = ink if horizontal else ink.T
    pad = np.zeros((mask.shape[0], 1), dtype=bool)
    edges = np.diff(np.hstack([pad, mask, pad]).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    keep = (ends - starts) >= min_length
    segments: list[list[int]] = []  # first row, last row, start, end
    active: list[list[int]] = []  # segments that reached the last two pixel rows
    for r, s, e in zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist()):
        active = [seg for seg in active if seg[1] >= r - 2]
        for seg in active:
            if min(e, seg[3]) - max(s, seg[2]) > 0.5 * min(e - s, seg[3] - seg[2]):
                seg[1], seg[2], seg[3] = r, min(s, seg[2]), max(e, seg[3])
                break
        else:
            segments.append([r, r, s, e])
            active.append(segments[-1])
    return [Rule((f + last) / 2, s, e, last - f + 1) for f, last, s, e in segments if last - f + 1 <= max_thickness]


@dataclass
class Grid:
    """A ruled table found in an image: its grid and merged cells (pixels)."""

    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int, bool, bool]]  # r0, r1, c0, c1, open at top, open at bottom

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def find_grids(ink, dpi: int) -> list[Grid]:
    scale = dpi / 300
    min_length, thickness, tol = int(60 * scale), max(3, int(10 * scale)), max(3.0, 8 * scale)
    hs = find_rules(ink, min_length, thickness, True)
    vs = find_rules(ink, min_length, thickness, False)
    parent = list(range(len(hs) + len(vs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if v.a - tol <= h.pos <= v.b + tol and h.a - tol <= v.pos <= h.b + tol:
                parent[root(i)] = root(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(root(len(hs) + j), ([], []))[1].append(v)
    grids = []
    for h_rules, v_rules in groups.values():
        if len(h_rules) < 2 or len(v_rules) < 2:
            continue
        grid = _grid(h_rules, v_rules, tol)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.ys[0])


def _covered(rules: list[Rule], pos: float, a: float, b: float, tol: float) -> bool:
    """Whether rules at ``pos`` cover most of the stretch from ``a`` to ``b``."""
    length = sum(max(0.0, min(b, r.b) - max(a, r.a)) for r in rules if abs(r.pos - pos) <= tol)
    return length >= 0.5 * (b - a)


def _grid(hs: list[Rule], vs: list[Rule], tol: float) -> Grid | None:
    ys = cluster([h.pos for h in hs], tol)
    xs = cluster([v.pos for v in vs], tol)
    rows, cols = len(ys) - 1, len(xs) - 1
    if rows < 1 or cols < 2:
        return None
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covered(vs, xs[c + 1], ys[r], ys[r + 1], tol):
                parent[root((r, c))] = root((r, c + 1))
            if r + 1 < rows and not _covered(hs, ys[r + 1], xs[c], xs[c + 1], tol):
                parent[root((r, c))] = root((r + 1, c))
    regions: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for k in parent:
        regions.setdefault(root(k), []).append(k)
    cells = []
    for members in regions.values():
        r0, r1 = min(m[0] for m in members), max(m[0] for m in members) + 1
        c0, c1 = min(m[1] for m in members), max(m[1] for m in members) + 1
        open_top = r0 == 0 and not _covered(hs, ys[0], xs[c0], xs[c1], tol)
        open_bottom = r1 == rows and not _covered(hs, ys[rows], xs[c0], xs[c1], tol)
        cells.append((r0, r1, c0, c1, open_top, open_bottom))
    return Grid(xs, ys, sorted(cells))
