"""A PDF's text layer read with pdfplumber: ruled tables from the rules drawn on the page (each
cell with its spans, the regions the rules leave open kept as cells too), tables without rules
from the alignment of their numbers, and the text outside them as lines for the paragraphs.
Pages with no text layer (scans) are rasterised and OCR'd (:mod:`.ocr`).
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter
from pathlib import Path

from nianbao.audit.formats.grid import PartCell, TablePart, place
from nianbao.audit.formats.layout import Line, clean, close_cjk_spaces, is_page_number
from nianbao.audit.formats.paged import PageContent
from nianbao.audit.formats.unruled import find_unruled

MIN_TEXT_CHARS = 20  # fewer printable characters, and an image over the page: a scan, OCR'd
RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3, "join_tolerance": 3,
         "intersection_tolerance": 3}  # fmt: skip


def read_pdf_pages(path: Path, *, ocr_timeout: float | None = None) -> tuple[list[PageContent], dict]:
    """Every page's content, and the PDF's metadata. Pages without a text layer are OCR'd."""
    import pdfplumber

    out: list[PageContent] = []
    scans: list[int] = []
    with pdfplumber.open(path) as pdf:
        metadata = dict(pdf.metadata or {})
        for number, page in enumerate(pdf.pages, start=1):
            if _scanned(page):
                scans.append(number)
                out.append(PageContent(number, float(page.width), float(page.height), ocr=True))
            else:
                out.append(read_page(page, number))
            page.close()  # its parsed objects: a long PDF is read in the memory of one page
    if scans:
        from nianbao.audit.formats.ocr import ocr_pdf_pages

        for content in ocr_pdf_pages(path, scans, timeout=ocr_timeout):
            out[content.number - 1] = content
    return out, metadata


def _scanned(page) -> bool:
    """Almost no text, and an image over much of the page: a scan (a page of little text and no
    image is just a short page)."""
    if sum(1 for c in page.chars if c["text"].strip()) >= MIN_TEXT_CHARS:
        return False
    area = float(page.width * page.height) or 1.0
    return any(float((i["x1"] - i["x0"]) * (i["bottom"] - i["top"])) > 0.1 * area for i in page.images)


def read_page(page, number: int) -> PageContent:
    content = PageContent(number, float(page.width), float(page.height))
    chars = [c for c in page.chars if c["text"] and (c.get("upright", True))]
    taken: set[int] = set()
    for found in page.find_tables(RULED):
        part = _ruled(found, chars, number, taken)
        if part is not None:
            content.tables.append(part)
    rest = page.filter(lambda o: o.get("object_type") != "char" or id(o) not in taken) if taken else page
    lines = [_line(d, number) for d in rest.extract_text_lines(return_chars=True, strip=True)]
    lines = [ln for ln in lines if ln.text and not is_page_number(ln, content.height)]
    tables, content.lines = find_unruled(lines, number)
    content.tables.extend(tables)
    return content


def _ruled(found, chars: list[dict], number: int, taken: set[int]) -> TablePart | None:
    """pdfplumber's table → a part with spans; None for a box that is no table (one row or column)."""
    boxes, xs, ys = place([tuple(map(float, c)) for c in found.cells])
    rows, cols = len(ys) - 1, len(xs) - 1
    if rows < 2 or cols < 2:
        return None
    x0, top, x1, bottom = map(float, found.bbox)
    at: dict[tuple[int, int], int] = {}
    for i, b in enumerate(boxes):
        for r in range(b.r0, b.r1):
            for c in range(b.c0, b.c1):
                at[(r, c)] = i
    inside: list[list[dict]] = [[] for _ in boxes]
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        c = min(max(bisect.bisect_right(xs, cx) - 1, 0), cols - 1)
        r = min(max(bisect.bisect_right(ys, cy) - 1, 0), rows - 1)
        i = at.get((r, c))
        if i is not None:
            inside[i].append(ch)
            taken.add(id(ch))
    cells = []
    for b, found_chars in zip(boxes, inside):
        text = close_cjk_spaces(clean(_text(found_chars)))
        cells.append(PartCell(b.r0, b.r1, b.x0, b.x1, text, number, None,
                              open_top=b.hole and b.r0 == 0, open_bottom=b.hole and b.r1 == rows))  # fmt: skip
    return TablePart(number, (x0, top, x1, bottom), cells, rows)


def _text(chars: list[dict]) -> str:
    if not chars:
        return ""
    from pdfplumber.utils import extract_text

    return extract_text(chars, x_tolerance=1.5, y_tolerance=3)


def _font(chars: list[dict]) -> str:
    names = Counter(str(c.get("fontname", "")).split("+", 1)[-1] for c in chars if c["text"].strip())
    return names.most_common(1)[0][0] if names else ""


def _line(found: dict, number: int) -> Line:
    chars = found.get("chars", [])
    sizes = [float(c["size"]) for c in chars if c["text"].strip()]
    pieces = [(c["text"], float(c["x0"]), float(c["x1"])) for c in chars if c["text"].strip()]
    return Line(close_cjk_spaces(clean(found["text"])), float(found["x0"]), float(found["top"]), float(found["x1"]),
                float(found["bottom"]), number, statistics.median(sizes) if sizes else 0.0, _font(chars),
                pieces=pieces)  # fmt: skip


def read_pdf(path: Path, *, ocr_timeout: float | None = None):
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    from nianbao.audit.formats import Document
    from nianbao.audit.formats.errors import FormatError
    from nianbao.audit.formats.paged import assemble

    try:
        pages, metadata = read_pdf_pages(path, ocr_timeout=ocr_timeout)
    except (PdfminerException, MalformedPDFException, PSException) as exc:
        causes = [exc, exc.__context__, *exc.args]  # pdfplumber wraps pdfminer's exception in its own
        name = type(exc).__name__
        if any("Password" in type(c).__name__ or "Encrypt" in type(c).__name__ for c in causes):
            raise FormatError(f"{path}: an encrypted PDF: open it and save it without a password", path=path) from exc
        raise FormatError(
            f"{path}: a PDF that cannot be read (damaged or cut short?): {name}: {exc}", path=path
        ) from exc
    if not pages:
        raise FormatError(f"{path}: a PDF without pages", path=path)
    title = metadata.get("Title")
    page = assemble(pages, title if isinstance(title, str) else "")
    notes = [note for content in pages for note in content.notes]
    scanned = [c.number for c in pages if c.ocr]
    if not scanned:
        how = "text layer"
    elif len(scanned) == len(pages):
        how = "OCR (no text layer)"
    else:
        how = f"text layer; {len(scanned)} page(s) OCR'd"
    return Document(path, "pdf", page, len(pages), notes, how)
