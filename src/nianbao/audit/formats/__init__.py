"""Reading a published report in any format it comes in, into the same
:class:`~nianbao.audit.page.Page` as a saved web page (:func:`read_document`).

    detect     what a file is, by its content
    pdf        a PDF's text layer (pdfplumber): lines and ruled tables
    unruled    tables without rules, from the alignment of their figures
    ocr        scanned pages and images: ruled tables cell by cell, text around them
    ruling     the rules of tables found in a page image;  tesseract  running Tesseract
    docx       Word documents (python-docx): paragraphs and tables with merged cells
    doc        DOC and WPS files, converted to DOCX by LibreOffice headless
    layout     lines → paragraphs;  grid  cells → tables, joined across pages;  paged  pages → Page

Web pages and text files are read by :mod:`nianbao.audit.source` and :mod:`nianbao.audit.page`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.audit.formats.detect import FORMATS, Detected, detect
from nianbao.audit.formats.errors import FormatError, ToolMissing
from nianbao.audit.page import Page, parse_html, parse_text
from nianbao.audit.source import read_source

__all__ = ["FORMATS", "Detected", "Document", "FormatError", "ToolMissing", "detect", "read_document"]


@dataclass
class Document:
    """A report as read: its page (paragraphs and tables), what it was, and what reading it met."""

    path: Path
    format: str  # one of FORMATS
    page: Page
    pages: int | None = None  # pages of a PDF or scan (as last laid out, for a Word document), None for web pages
    notes: list[str] = field(default_factory=list)  # located problems met while reading
    encoding: str = ""  # web pages and text: the decoding; other formats: how the text was got
    structured: bool = True  # its tables are tables (False for text, where tables are lines to be found)


def _read_web(path: Path, detected: Detected) -> Document:
    source = read_source(path)
    page = parse_html(source.text) if source.is_html else parse_text(source.text)
    return Document(source.path, "html" if source.is_html else "text", page, None, list(source.problems),
                    source.encoding, source.is_html)  # fmt: skip


def _read_pdf(path: Path, detected: Detected) -> Document:
    from nianbao.audit.formats.pdf import read_pdf

    return read_pdf(path)


def _read_image(path: Path, detected: Detected) -> Document:
    from nianbao.audit.formats.ocr import read_image

    return read_image(path)


def _read_docx(path: Path, detected: Detected) -> Document:
    from nianbao.audit.formats.docx import read_docx

    return read_docx(path)


def _read_doc(path: Path, detected: Detected) -> Document:
    from nianbao.audit.formats.doc import read_doc

    return read_doc(path, detected.format)


READERS: dict[str, Callable[[Path, Detected], Document]] = {
    "html": _read_web,
    "text": _read_web,
    "pdf": _read_pdf,
    "image": _read_image,
    "docx": _read_docx,
    "doc": _read_doc,
    "wps": _read_doc,
}


def read_document(path: Path | str) -> Document:
    """The report in ``path``, whatever its format (recognised by content); a
    :class:`FormatError` saying why for a file that is no report nianbao can read."""
    path = Path(path)
    if not path.is_file():
        return _read_web(path, Detected(None))  # the web reader says what is wrong with the path
    detected = detect(path)
    if not detected.ok:
        raise FormatError(f"{path}: {detected.reason}", path=path)
    return READERS[detected.format](path, detected)  # type: ignore[index]
