"""The pages of a PDF or a scan → one :class:`~nianbao.audit.page.Page`: lines and tables in
reading order (top to bottom, page after page), a table that goes on at the top of the next page
joined to its first part, lines between tables made into paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.audit.formats.grid import TablePart, continues, join, to_table
from nianbao.audit.formats.layout import Line, geometry, paragraphs
from nianbao.audit.page import Page, Table


@dataclass
class PageContent:
    """What one page holds, in points from its top left."""

    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[TablePart] = field(default_factory=list)
    ocr: bool = False
    notes: list[str] = field(default_factory=list)


def assemble(pages: list[PageContent], title: str = "") -> Page:
    """The document as a page: paragraphs and tables in order; ``title`` when no heading says."""
    items: list[Line | TablePart] = []
    for content in pages:
        on_page: list[Line | TablePart] = sorted([*content.lines, *content.tables], key=lambda i: i.top)
        if (
            on_page
            and isinstance(on_page[0], TablePart)
            and items
            and isinstance(items[-1], TablePart)
            and continues(items[-1], on_page[0])
        ):
            items[-1] = join(items[-1], on_page.pop(0))
        items.extend(on_page)
    g = geometry([i for i in items if isinstance(i, Line)])
    blocks: list[str | Table] = []
    headings: list[str] = []
    run: list[Line] = []

    def flush() -> None:
        for paragraph, heading in paragraphs(run, g):
            blocks.append(paragraph)
            if heading:
                headings.append(str(paragraph))
        run.clear()

    number = 0
    for item in items:
        if isinstance(item, Line):
            run.append(item)
            continue
        flush()
        number += 1
        before = next((b for b in reversed(blocks) if isinstance(b, str)), "")
        blocks.append(to_table(item, number, before))
    flush()
    first = next((b for b in blocks if isinstance(b, str)), "")
    return Page(headings[0] if headings else (title or first), blocks, headings)
