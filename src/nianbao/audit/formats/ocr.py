"""Scanned pages and images read with Tesseract (``chi_sim+eng``).

Ruled tables are found in the image (:mod:`.ruling`); each cell is cropped and read on its own,
twice (see :func:`ocr_pages`); the text outside the tables is read on the page with the tables
blanked out (``--psm 3``, automatic layout). Every cell and line keeps the confidence of its least
sure word. Chinese OCR sets spaces between characters: they are removed.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.audit.formats import tesseract
from nianbao.audit.formats.errors import FormatError
from nianbao.audit.formats.grid import PartCell, TablePart
from nianbao.audit.formats.layout import Line, is_page_number
from nianbao.audit.formats.paged import PageContent
from nianbao.audit.formats.ruling import Grid, find_grids
from nianbao.audit.formats.tesseract import Word, lines_of

DPI = 300
DARK = 128  # grey level below which a pixel is ink


# ---------------------------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------------------------


@dataclass
class _Page:
    number: int
    size: tuple[int, int]  # pixels
    dpi: int
    grids: list[Grid]
    text_image: Path | None = None
    cells: list[tuple[Grid, int, int | None]] = field(
        default_factory=list
    )  # grid, cell, its crop's number (None: blank)


@dataclass
class _Reading:
    """One reading of a cell: its lines of text and its words' confidences."""

    text: str = ""
    confidences: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, words_by_line: list[list[Word]]) -> _Reading:
        texts, confidences = [], []
        for words in words_by_line:
            lines, conf = lines_of(words)
            texts += [t for t, _ in lines if t]
            confidences += conf
        return cls("\n".join(texts), confidences)

    @property
    def mean(self) -> float:
        return statistics.mean(self.confidences) if self.confidences else -1.0


def surest(readings: list[_Reading]) -> _Reading:
    """The reading with the highest mean confidence (the first of equals)."""
    return max(readings, key=lambda r: r.mean)


def ocr_pages(images: Iterable[tuple[int, object, int]], *, timeout: float | None = None) -> list[PageContent]:
    """Page images (number, PIL image, dpi; taken one at a time, so a generator keeps one page in
    memory) → their content.

    Tesseract misreads isolated short text now and then (a lone 「5」 as 「2)」, 「26」 as 「20」),
    and seldom the same way twice: every cell is read whole (``--psm 6``) and line by line, each
    line cut tight (``--psm 7``), and the surer reading is kept (on the fixtures the wrong one was
    always the less sure). Three Tesseract runs in all, whatever the number of pages.
    """
    import numpy as np

    tesseract.program()
    pages: list[_Page] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as tmp:
        folder = Path(tmp)
        crops: list = []
        for number, image, dpi in images:
            grey = image.convert("L")
            ink = np.asarray(grey) < DARK
            page = _Page(number, grey.size, dpi, find_grids(ink, dpi))
            blanked = grey.copy()
            pad = int(4 * dpi / 300)
            for grid in page.grids:
                x0, y0, x1, y1 = grid.bbox
                blanked.paste(255, (int(x0) - pad, int(y0) - pad, int(x1) + pad + 1, int(y1) + pad + 1))
                for i, (r0, r1, c0, c1, _, _) in enumerate(grid.cells):
                    crop = _crop(grey, ink, (grid.xs[c0], grid.ys[r0], grid.xs[c1], grid.ys[r1]), dpi)
                    page.cells.append((grid, i, len(crops) if crop is not None else None))
                    if crop is not None:
                        crops.append((crop, dpi))
            page.text_image = folder / f"page-{number:04d}.png"
            blanked.save(page.text_image)
            pages.append(page)
        text_words = tesseract.run([p.text_image for p in pages], psm=3, timeout=timeout)  # type: ignore[misc]
        whole = _read_cells(folder, "whole", [[crop] for crop, _ in crops], 6, timeout)
        lines = _read_cells(folder, "lines", [_line_images(crop, dpi, 10) for crop, dpi in crops], 7, timeout)
    chosen = [surest([a, b]) for a, b in zip(whole, lines)]
    return [_content(p, [w for w in text_words if w.image == n], chosen) for n, p in enumerate(pages)]


def _read_cells(folder: Path, name: str, images: list[list], psm: int, timeout: float | None) -> list[_Reading]:
    """One reading of each cell, from its images (the whole cell, or one per line): one run."""
    paths: list[Path] = []
    owner: list[int] = []
    for k, cell_images in enumerate(images):
        for image in cell_images:
            paths.append(folder / f"{name}-{len(paths):05d}.png")
            image.save(paths[-1])
            owner.append(k)
    by_image: dict[int, list[Word]] = {}
    for w in tesseract.run(paths, psm, timeout=timeout):
        by_image.setdefault(w.image, []).append(w)
    per_cell: list[list[list[Word]]] = [[] for _ in images]
    for j, k in enumerate(owner):
        per_cell[k].append(by_image.get(j, []))
    return [_Reading.of(lines) for lines in per_cell]


def _crop(grey, ink, box: tuple[float, float, float, float], dpi: int):
    """The inside of a cell (its rules cut off) on a white margin, or None when it holds no ink."""
    from PIL import Image

    inset = int(6 * dpi / 300)
    x0, y0, x1, y1 = int(box[0]) + inset, int(box[1]) + inset, int(box[2]) - inset, int(box[3]) - inset
    if x1 - x0 < 4 or y1 - y0 < 4 or int(ink[y0:y1, x0:x1].sum()) < 12 * (dpi / 300) ** 2:
        return None
    margin = int(12 * dpi / 300)
    out = Image.new("L", (x1 - x0 + 2 * margin, y1 - y0 + 2 * margin), 255)
    out.paste(grey.crop((x0, y0, x1, y1)), (margin, margin))
    return out


def _line_images(crop, dpi: int, margin: int) -> list:
    """The lines of text in a cell's crop, each cut to its ink on a white ``margin`` (pixels at
    300 dpi): bands of pixel rows with ink (gaps smaller than a quarter of the tallest band, inside
    a character, do not split). Lines of one character each are set side by side as one line."""
    import numpy as np
    from PIL import Image

    ink = np.asarray(crop) < DARK
    rows = ink.any(axis=1).tolist()
    bands: list[list[int]] = []
    start = None
    for y, has_ink in enumerate(rows + [False]):
        if has_ink and start is None:
            start = y
        elif not has_ink and start is not None:
            bands.append([start, y])
            start = None
    if not bands:
        return []
    tallest = max(b - a for a, b in bands)
    merged = [bands[0]]
    for a, b in bands[1:]:
        if a - merged[-1][1] <= 0.25 * tallest:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    margin = int(margin * dpi / 300)
    cut = []
    for a, b in merged:
        xs = np.nonzero(ink[a:b].any(axis=0))[0]
        cut.append(crop.crop((int(xs[0]), a, int(xs[-1]) + 1, b)))
    if len(cut) > 1 and all(piece.width <= 1.5 * piece.height for piece in cut):
        # one character a line (a narrow header cell, 「总/计」): side by side they read far better
        height = max(piece.height for piece in cut)
        row = Image.new("L", (sum(piece.width for piece in cut) + 2 * margin * len(cut), height), 255)
        x = 0
        for piece in cut:
            row.paste(piece, (x + margin, (height - piece.height) // 2))
            x += piece.width + 2 * margin
        cut = [row]
    out = []
    for piece in cut:
        line = Image.new("L", (piece.width + 2 * margin, piece.height + 2 * margin), 255)
        line.paste(piece, (margin, margin))
        out.append(line)
    return out


def _content(page: _Page, words: list[Word], readings: list[_Reading]) -> PageContent:
    pt = 72 / page.dpi
    width, height = page.size
    content = PageContent(page.number, width * pt, height * pt, ocr=True)
    confidences: list[float] = []
    lines, line_confidences = lines_of(words)
    confidences += line_confidences
    found: list[Line] = []
    for text, group in lines:
        if not text:
            continue
        top, bottom = min(w.top for w in group), max(w.bottom for w in group)
        found.append(Line(text, min(w.left for w in group) * pt, top * pt, max(w.right for w in group) * pt,
                          bottom * pt, page.number, (bottom - top) * pt, "", min(w.confidence for w in group),
                          [(w.text, w.left * pt, w.right * pt) for w in group]))  # fmt: skip
    if found:  # glyph heights vary from line to line: only a clearly larger line is another size
        usual = statistics.median(line.size for line in found)
        for line in found:
            line.size = line.size if line.size > 1.3 * usual else usual
    # tables without rules are not looked for: Tesseract's layout analysis mixes their columns and rows
    content.lines = [line for line in found if not is_page_number(line, content.height)]
    parts: dict[int, TablePart] = {}
    for grid, i, k in page.cells:
        r0, r1, c0, c1, open_top, open_bottom = grid.cells[i]
        text, cell_conf = (readings[k].text, readings[k].confidences) if k is not None else ("", [])
        confidences += cell_conf
        part = parts.get(id(grid))
        if part is None:
            x0, y0, x1, y1 = grid.bbox
            part = parts[id(grid)] = TablePart(page.number, (x0 * pt, y0 * pt, x1 * pt, y1 * pt), [], len(grid.ys) - 1)
        part.cells.append(PartCell(r0, r1, grid.xs[c0] * pt, grid.xs[c1] * pt, text, page.number,
                                   min(cell_conf) if cell_conf else None, open_top, open_bottom))  # fmt: skip
    content.tables = list(parts.values())
    mean = statistics.mean(confidences) if confidences else 0.0
    content.notes.append(f"page {page.number} had no text layer: OCR'd, mean confidence {mean:.0f}")
    return content


# ---------------------------------------------------------------------------------------------
# PDF pages and image files
# ---------------------------------------------------------------------------------------------


def ocr_pdf_pages(path: Path, numbers: list[int], *, dpi: int = DPI, timeout: float | None = None) -> list[PageContent]:
    """The pages ``numbers`` (1-based) of a PDF, rasterised at ``dpi`` and OCR'd."""
    import pypdfium2

    tesseract.program()
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        images = ((n, pdf[n - 1].render(scale=dpi / 72, grayscale=True).to_pil(), dpi) for n in numbers)
        return ocr_pages(images, timeout=timeout)
    finally:
        pdf.close()


def read_image(path: Path, *, timeout: float | None = None):
    """A PNG, JPEG or TIFF (every frame a page) OCR'd."""
    from PIL import Image, UnidentifiedImageError

    from nianbao.audit.formats import Document
    from nianbao.audit.formats.paged import assemble

    tesseract.program()
    try:
        with Image.open(path) as image:
            frames = []
            for k in range(getattr(image, "n_frames", 1)):
                image.seek(k)
                frames.append((k + 1, image.convert("L"), _dpi(image)))
    except (UnidentifiedImageError, OSError) as exc:
        raise FormatError(f"{path}: an image that cannot be read (damaged?): {exc}", path=path) from exc
    pages = ocr_pages(frames, timeout=timeout)
    notes = [note.replace("had no text layer", "is an image") for c in pages for note in c.notes]
    return Document(path, "image", assemble(pages), len(pages), notes, "OCR")


def _dpi(image) -> int:
    """The image's resolution as stored, else as if it were an A4 page scanned across its width."""
    stored = image.info.get("dpi")
    if stored and stored[0] and float(stored[0]) > 50:
        return round(float(stored[0]))
    return max(72, round(image.size[0] / 8.27))
