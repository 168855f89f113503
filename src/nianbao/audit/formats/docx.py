"""A Word document (DOCX) read with python-docx: the body's paragraphs and tables in the order they
stand in (its XML children walked in order, content controls opened), merged cells as spans
(``gridSpan`` → colspan, ``vMerge`` → rowspan, ``gridBefore`` → empty leading cells), line breaks
inside paragraphs and cells kept, headings (Title and Heading styles, outline levels) kept.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from nianbao.audit.formats.errors import FormatError
from nianbao.audit.formats.layout import clean
from nianbao.audit.page import Cell, Page, Paragraph, Table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path, *, format: str = "docx", how: str = "python-docx", shown: Path | None = None):
    """The document in ``path``; ``format``, ``how`` and ``shown`` (the path to name in messages)
    are set by readers that convert to DOCX first."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from nianbao.audit.formats import Document

    shown = shown or path
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FormatError(f"{shown}: a Word document that cannot be read (damaged?): {exc}", path=shown) from exc
    reader = _Reader(document)
    reader.body(document.element.body)
    title = (document.core_properties.title or "").strip()
    paragraphs = [b for b in reader.blocks if isinstance(b, str)]
    page = Page(reader.headings[0] if reader.headings else (title or (paragraphs[0] if paragraphs else "")),
                reader.blocks, reader.headings)  # fmt: skip
    return Document(shown, format, page, _pages(path), reader.notes, how)


def _pages(path: Path) -> int | None:
    """The page count Word stored when it last laid the document out; None where nothing was
    counted (python-docx keeps its template's 1 page of 0 words; LibreOffice stores no count)."""
    import re

    try:
        with zipfile.ZipFile(path) as z:
            app = z.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    pages = re.search(r"<(?:\w+:)?Pages>(\d+)<", app)
    words = re.search(r"<(?:\w+:)?(?:Words|Characters)>([1-9]\d*)<", app)
    return int(pages.group(1)) if pages and words else None


class _Reader:
    def __init__(self, document) -> None:
        self.document = document
        self.blocks: list[str | Table] = []
        self.headings: list[str] = []
        self.notes: list[str] = []
        self.tables = 0
        self.heading_styles = {s.style_id for s in document.styles if _is_heading_name(s.name or "")}

    def body(self, element) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag == _W + "p":
                self.paragraph(child)
            elif tag == _W + "tbl":
                self.table(child, nested=False)
            elif tag == _W + "sdt":  # a content control: its content stands in the body
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self.body(content)
            elif tag in (_W + "customXml", _W + "smartTag"):
                self.body(child)

    def paragraph(self, p) -> None:
        text = clean(_text(p))
        if not text:
            return
        self.blocks.append(Paragraph(text))
        if self.is_heading(p):
            self.headings.append(text)

    def is_heading(self, p) -> bool:
        ppr = p.find(_W + "pPr")
        if ppr is None:
            return False
        style = ppr.find(_W + "pStyle")
        if style is not None and style.get(_W + "val") in self.heading_styles:
            return True
        level = ppr.find(_W + "outlineLvl")
        return level is not None and level.get(_W + "val", "9") in ("0", "1", "2")

    def table(self, tbl, nested: bool) -> None:
        self.tables += 1
        table = Table(self.tables, nested=nested)
        table.before = next((b for b in reversed(self.blocks) if isinstance(b, str)), "")
        self.blocks.append(table)
        inner: list = []
        slivers = _slivers(tbl)
        started: dict[int, Cell] = {}  # grid column → the cell a vertical merge continues
        for r, tr in enumerate(tbl.iterchildren(_W + "tr")):
            row: list[Cell] = []
            column = _grid_before(tr)
            for _ in range(column - sum(1 for k in range(column) if k in slivers)):
                row.append(Cell("", row=r, index=len(row)))
            for tc in _cells(tr):
                span = _int(tc, "gridSpan", 1)
                merge = _vmerge(tc)
                width = sum(1 for k in range(column, column + span) if k not in slivers)
                if merge == "continue" and column in started:
                    started[column].rowspan += 1
                    column += span
                    continue
                text = clean("\n".join(_text(p) for p in _cell_paragraphs(tc)))
                if width == 0 and not text:
                    column += span  # a cell on a sliver of the grid only (rounded widths): not a cell
                    continue
                if merge == "continue":
                    table.notes.append(
                        f"第{self.tables}个表格第{r + 1}行：纵向合并的单元格上方没有起始单元格，按独立单元格读取"
                    )
                inner.extend(tc.iterchildren(_W + "tbl"))
                cell = Cell(text, 1, max(1, width), False, r, len(row))
                row.append(cell)
                for k in range(column, column + span):
                    started.pop(k, None)
                started[column] = cell
                column += span
            table.rows.append(row)
        for nested_tbl in inner:
            self.table(nested_tbl, nested=True)


def _slivers(tbl, narrowest: int = 20) -> set[int]:
    """Grid columns narrower than a point (widths in twips): left by rounding when a converter
    lays out columns that should meet, they are no columns of the table."""
    grid = tbl.find(_W + "tblGrid")
    if grid is None:
        return set()
    out = set()
    for k, col in enumerate(grid.iterchildren(_W + "gridCol")):
        try:
            if int(col.get(_W + "w")) < narrowest:
                out.add(k)
        except (TypeError, ValueError):
            continue
    return out


def _is_heading_name(name: str) -> bool:
    name = name.lower()
    return name == "title" or name.startswith(("heading", "标题"))


def _int(tc, name: str, default: int) -> int:
    tcpr = tc.find(_W + "tcPr")
    el = tcpr.find(_W + name) if tcpr is not None else None
    try:
        return max(1, int(el.get(_W + "val"))) if el is not None else default
    except (TypeError, ValueError):
        return default


def _vmerge(tc) -> str | None:
    """ "restart", "continue" or None (not merged vertically)."""
    tcpr = tc.find(_W + "tcPr")
    el = tcpr.find(_W + "vMerge") if tcpr is not None else None
    if el is None:
        return None
    return "restart" if el.get(_W + "val") == "restart" else "continue"


def _grid_before(tr) -> int:
    trpr = tr.find(_W + "trPr")
    el = trpr.find(_W + "gridBefore") if trpr is not None else None
    try:
        return int(el.get(_W + "val")) if el is not None else 0
    except (TypeError, ValueError):
        return 0


def _cells(tr):
    """The row's cells, content controls around cells opened."""
    for child in tr.iterchildren():
        if child.tag == _W + "tc":
            yield child
        elif child.tag in (_W + "sdt", _W + "customXml"):
            content = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            if content is not None:
                yield from _cells(content)


def _cell_paragraphs(tc):
    """The paragraphs of a cell (those of tables nested in it are read as tables of their own)."""
    for child in tc.iterchildren():
        if child.tag == _W + "p":
            yield child
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _cell_paragraphs(content)


def _text(p) -> str:
    """A paragraph's text: runs (also inside hyperlinks, fields and insertions), tabs as spaces,
    line breaks as line breaks; deleted text left out."""
    out: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == _W + "t":
            out.append(el.text or "")
        elif tag == _W + "tab":
            out.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "sym":
            out.append("")
    return "".join(out)
