"""A report's PDFs from one layout: each part's pages are laid out once and written once, into
``report.pdf``; each section's PDF is cut out of it (:mod:`nianbao.render.split`).

The parts are laid out in order, each as a document of its own (its section page), numbered on
from the previous part: part 1 starts at page 1, part 2 at the page after part 1's last, and so
on; :meth:`ReportBook.add` lays a part out as soon as it and the parts before it are there, so
the parts can be handed over as their notebooks finish. Once all are there,
:meth:`ReportBook.finish` lays out the front matter (cover and 目录, with the page numbers the
parts' layout gave), writes ``report.pdf`` from the front matter's pages and every part's pages,
and cuts the sections' PDFs out of it.

Page numbers: a page carries the same number (the report's, as 「— 10 —」) in ``report.pdf`` and
in its section's PDF, which is the report's pages 10 to 13, say, and says so in its viewer's
page labels too. So a page cited from either file is the same page, and the 目录 of the report
points into the sections' PDFs as well. The front matter is not numbered (its page labels are
roman). A section laid out on its own (when no report is made: some parts only, or a part
failed) is numbered from 1 (:func:`nianbao.render.pdf.render_pdf`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.render import continued, split
from nianbao.render.archival import DocumentInfo
from nianbao.render.pdf import layout, write

MAX_CONTINUATIONS = 8  # tables continued within one part (each lays out the rest of the part again)


@dataclass
class PartPages:
    """One part, laid out: its pages (of one or more documents) and where its headings are."""

    part: int
    first_page: int  # the number printed on its first page
    pages: list = field(default_factory=list)  # WeasyPrint pages (of one or more documents)
    anchors: dict[str, int] = field(default_factory=dict)  # element id → page number
    info: DocumentInfo | None = None  # what its PDF says about itself

    @property
    def last_page(self) -> int:
        return self.first_page + len(self.pages) - 1


def lay_out_part(part: int, page_html: str, first_page: int) -> PartPages:
    """Lay out a part's page from ``first_page`` on, its continued tables repeated on the next
    page with their header and labels (:mod:`nianbao.render.continued`).

    A part with such a table is first laid out up to that table (the probe): when the table
    breaks, the probe's pages up to the break are the part's, and the rest is laid out from the
    break on; only when it does not is the whole part laid out (the probe is then wasted)."""
    html, probe_html = continued.prepare(page_html)
    laid = PartPages(part, first_page)
    start = 0  # where the last document's pages begin in laid.pages
    cut = None
    if probe_html is not None:
        laid.pages = list(layout(probe_html, first_page=first_page).pages)
        cut = continued.first_split(laid.pages)
    if cut is None:
        laid.pages = list(layout(html, first_page=first_page).pages)
        cut = continued.first_split(laid.pages)
    for _ in range(MAX_CONTINUATIONS):
        if cut is None:
            break
        html = continued.remainder(html, cut)
        kept = laid.pages[: start + cut.page + 1]
        following = layout(html, first_page=first_page + len(kept))
        laid.pages, start = kept + list(following.pages), len(kept)
        cut = continued.first_split(laid.pages[start:])
    for index, page in enumerate(laid.pages):
        for anchor in page.anchors:
            laid.anchors.setdefault(anchor, first_page + index)
    return laid


class ReportBook:
    """The PDFs of one report: its parts' PDFs as they are laid out, then ``report.pdf``."""

    def __init__(self, parts: Sequence[int]):
        self._expected = sorted(parts)
        self._waiting: dict[int, tuple[str, DocumentInfo]] = {}
        self.parts: list[PartPages] = []
        self._next_page = 1

    def add(self, part: int, page_html: str, info: DocumentInfo) -> list[int]:
        """Hand over a part's page (its section page, :func:`nianbao.render.html.page`); lay out
        every part that can be now (parts go in order); return the parts laid out."""
        if part not in self._expected:
            raise ValueError(f"part {part} is not expected (waiting for {self._expected})")
        self._waiting[part] = (page_html, info)
        done = []
        while self._expected and self._expected[0] in self._waiting:
            number = self._expected.pop(0)
            html, part_info = self._waiting.pop(number)
            laid = lay_out_part(number, html, self._next_page)
            laid.info = part_info
            self._next_page = laid.last_page + 1
            self.parts.append(laid)
            done.append(number)
        return done

    @property
    def complete(self) -> bool:
        return not self._expected

    def page_of(self, anchor: str) -> int | None:
        """The page number of the element with id ``anchor`` (a heading), once laid out."""
        return next((p.anchors[anchor] for p in self.parts if anchor in p.anchors), None)

    def finish(self, front_html: str, info: DocumentInfo) -> tuple[bytes, dict[int, bytes]]:
        """``report.pdf`` (the front matter, laid out now, then every part's pages), and each
        part's PDF cut out of it: (report, part → section)."""
        if not self.complete:
            raise ValueError(f"parts {self._expected} are not laid out yet")
        front = layout(front_html)
        pages = list(front.pages) + [page for part in self.parts for page in part.pages]
        labels = [(0, "r", 1), (len(front.pages), "D", 1)]
        report = write(front.copy(pages), info, labels=labels)
        wanted, first = [], len(front.pages)
        for part in self.parts:
            last = first + len(part.pages) - 1
            wanted.append(
                split.Section(first, last, part.info or info, part.first_page, split.bookmarks_of(part.pages))
            )
            first = last + 1
        return report, dict(zip((p.part for p in self.parts), split.sections(report, wanted)))
