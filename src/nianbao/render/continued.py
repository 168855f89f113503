"""Tables continued on the next page: the header row and the row-group labels repeated, with 「（续）」.

WeasyPrint repeats a table's ``<thead>`` on every page the table spans, but a label that spans
rows (Table B's 「三、本年度办理结果」, 「（五）不予处理」) is printed once, on the first page: the
rows continued on the next page would stand under a blank label. So, for a table marked
``data-continued="groups"`` (its body rows numbered ``data-row``):

1. :func:`first_split` finds, in a laid-out document, the first such table that continues on a
   later page, and the row it continues with;
2. :func:`remainder` builds the page that follows the break: the same page with everything
   before that row removed, the table's title repeated with 「（续）」, and the table continued
   from that row under its header, each label that spans the break repeated with 「（续）」.

:mod:`nianbao.render.book` keeps the pages up to the break and lays out the remainder from a new
page: the pages before the break are laid out once, the ones after it once more.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

CONTINUED = "（续）"


@dataclass(frozen=True)
class Split:
    page: int  # the last page (index) on which the table's first piece stands
    table: int  # the table's ordinal (data-table)
    row: int  # the first row (data-row) on the next page


def first_split(pages) -> Split | None:
    """The first marked table, in page order, whose rows continue on a later page."""
    seen: dict[int, int] = {}  # table ordinal → page index where it was first seen
    for index, page in enumerate(pages):
        for table, rows in _tables_on(page).items():
            if table in seen and rows:
                return Split(index - 1, table, min(rows))
            seen.setdefault(table, index)
    return None


def _tables_on(page) -> dict[int, list[int]]:
    """Marked tables on a page: ordinal → the body rows (data-row) laid out on it."""
    found: dict[int, list[int]] = {}
    for box in page._page_box.descendants():  # WeasyPrint's box tree: no public API walks it
        element = getattr(box, "element", None)
        if element is None or getattr(box, "element_tag", "") != "tr":
            continue
        row = element.get("data-row")
        table = _table_of(box)
        if row is not None and table is not None:
            found.setdefault(table, []).append(int(row))
    return found


def _table_of(row_box) -> int | None:
    # ElementTree does not link an element to its parent: mark_rows() wrote the ordinal of its
    # table on each row.
    value = row_box.element.get("data-of-table")
    return int(value) if value is not None else None


def mark_rows(page_html: str) -> str:
    """Number the marked tables and tell each of their rows which table it is in."""
    return prepare(page_html)[0]


def prepare(page_html: str) -> tuple[str, str | None]:
    """The page with its marked tables' rows numbered (:func:`mark_rows`), and a probe: the same
    page cut after the first marked table's output, or None when it has none. A table that
    continues on another page does so in the probe too, at the same row, so the probe's pages up
    to the break are the part's pages (laying out the rest once, from the break on)."""
    from bs4 import BeautifulSoup

    if "data-continued" not in page_html:
        return page_html, None
    soup = BeautifulSoup(page_html, features="html.parser")
    tables = soup.select("table[data-continued]")
    for ordinal, table in enumerate(tables):
        table["data-table"] = str(ordinal)
        for row in table.select("tbody > tr[data-row]"):
            row["data-of-table"] = table["data-table"]
    marked = str(soup)
    node = tables[0]
    while node.parent is not None and node.parent.name not in ("main", "body"):
        node = node.parent
    for sibling in list(node.find_next_siblings()):
        sibling.decompose()
    return marked, str(soup)


def remainder(page_html: str, split: Split) -> str:
    """The page that follows the break: the table from ``split.row`` on (continued header,
    title and labels), then everything after it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, features="html.parser")
    table = soup.select_one(f'table[data-table="{split.table}"]')
    if table is None:
        raise ValueError(f"no table {split.table} to continue")
    title = _title_of(table)
    _continue_from(table, split.row)
    _drop_before(table)
    # the notice is said once, on the part's first page; the data version stays (hidden in print, it
    # sets the footer of every page)
    for notice in soup.select("header .synthetic-notice"):
        notice.decompose()
    if title is not None:
        table.insert_before(title)
    return str(soup)


def _title_of(table):
    """A copy of the table's title with 「（续）」, when the table has one just before it."""
    for sibling in table.find_previous_siblings(limit=3):
        classes = sibling.get("class") or []
        if "table-title" in classes:
            title = copy.copy(sibling)
            title.append(CONTINUED)
            return title
    return None


def _drop_before(node) -> None:
    """Remove everything before ``node`` inside ``<main>`` (the running header stays)."""
    while node is not None and node.name not in ("main", "body"):
        for sibling in list(node.find_previous_siblings()):
            sibling.decompose()
        node = node.parent


def _continue_from(table, first_row: int) -> None:
    """Cut ``table`` to its body rows from ``first_row`` on, each label spanning the break
    repeated (in place: a copy of the whole table cost more time than the rest of the cut)."""
    body = table.select_one("tbody")
    rows = body.find_all("tr", recursive=False)
    cut = next(i for i, r in enumerate(rows) if int(r.get("data-row", -1)) >= first_row)
    carried = [(column, copy.copy(cell), left) for column, cell, left in _spanning(rows, cut)]
    for row in rows[:cut]:
        row.decompose()
    target = rows[cut]
    for _, repeated, left in sorted(carried, key=lambda c: c[0], reverse=True):  # labels are leftmost
        repeated["rowspan"] = str(left)
        repeated.append(_continued_mark())
        target.insert(0, repeated)


def _spanning(rows, cut: int) -> list[tuple[int, object, int]]:
    """The cells of rows before ``cut`` whose rowspan reaches row ``cut`` or beyond: (their
    column, the cell, the rows they still span from ``cut``)."""
    taken: dict[tuple[int, int], bool] = {}
    out = []
    for r, row in enumerate(rows[:cut]):
        column = 0
        for cell in row.find_all(["th", "td"], recursive=False):
            while taken.get((r, column)):
                column += 1
            span, width = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for dr in range(span):
                for dc in range(width):
                    taken[(r + dr, column + dc)] = True
            if r + span > cut:
                out.append((column, cell, r + span - cut))
            column += width
    return out


def _continued_mark():
    from bs4 import BeautifulSoup

    tag = BeautifulSoup("", features="html.parser").new_tag("span", attrs={"class": "continued"})
    tag.string = CONTINUED
    return tag
