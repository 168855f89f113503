"""What a file is, from its content: the first bytes (PDF, PNG, JPEG, TIFF, OLE2, ZIP), the
members of a ZIP (``word/document.xml`` is a DOCX), the streams of an OLE2 compound file
(``WordDocument`` is a Word binary document, whether saved by Word as .doc or by WPS Office as
.wps), HTML tags in text. The extension is used only where the content cannot tell: a DOC from a
WPS file, a damaged ZIP named .xlsx. A file nianbao cannot audit gets a one-line reason.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

#: Formats :func:`~nianbao.audit.formats.read_document` reads.
FORMATS = ("html", "text", "pdf", "docx", "doc", "wps", "image")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_IMAGES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))
_HTML_HINT = re.compile(rb"<\s*(html|body|table|p|div|br|td|tr|head|meta|!doctype)\b", re.IGNORECASE)
_SPREADSHEET = "a spreadsheet (workbook), not a report: use `nianbao import` for workbooks"
_OLE_STREAMS = {  # stream name (as UTF-16 in the directory) → what the compound file is
    "WordDocument": "doc",
    "Workbook": _SPREADSHEET,
    "Book": _SPREADSHEET,
    "PowerPoint Document": "a presentation, not a report: save the report it holds as PDF or DOCX",
    "EncryptedPackage": "an encrypted (password-protected) Office document: open it and save it without a password",
    "CONTENTS": "wps",  # Microsoft Works word processor
}
_ZIP_MEMBERS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": _SPREADSHEET,
    "ppt/presentation.xml": "a presentation, not a report: save the report it holds as PDF or DOCX",
}


@dataclass(frozen=True)
class Detected:
    """A file's format (one of :data:`FORMATS`, with ``image`` for PNG/JPEG/TIFF), or None and
    the reason it cannot be audited. ``how`` says what told (for notes)."""

    format: str | None
    reason: str = ""
    how: str = ""

    @property
    def ok(self) -> bool:
        return self.format is not None


def detect(path: Path | str) -> Detected:
    path = Path(path)
    if not path.is_file():
        return Detected(None, "no such file" if not path.exists() else "a folder, not a document")
    with path.open("rb") as f:
        head = f.read(8192)
    return detect_bytes(head, path)


def detect_bytes(head: bytes, path: Path | None = None) -> Detected:
    """The format of a file that starts with ``head`` (8 KB is enough; ``path`` is read further
    for ZIP members and OLE2 streams, and gives the extension where content cannot tell)."""
    suffix = path.suffix.lower() if path is not None else ""
    if not head.strip():
        return Detected("text", how="empty")  # the text reader says it is empty
    if b"%PDF-" in head[:1024]:
        return Detected("pdf", how="%PDF- signature")
    for magic, name in _IMAGES:
        if head.startswith(magic):
            return Detected("image", how=f"{name} signature")
    if head.startswith(_OLE2):
        return _ole(path, suffix)
    if head.startswith(_ZIP):
        return _zip(path, suffix)
    if head.startswith(b"{\\rtf"):
        return Detected(None, "an RTF document: open it and save it as DOCX or PDF")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return _text(head, "byte-order mark")
    if b"\x00" in head[:4096] or _binary_share(head) > 0.1:
        return Detected(
            None, "not a document nianbao can read (binary content that is no PDF, Word document, WPS file or image)"
        )
    return _text(head, "text")


def _text(head: bytes, how: str) -> Detected:
    return Detected("html", how="HTML tags") if _HTML_HINT.search(head[:20000]) else Detected("text", how=how)


def _binary_share(head: bytes) -> float:
    """The share of control bytes other than tab, newline and carriage return."""
    sample = head[:4096]
    return sum(b < 32 and b not in (9, 10, 12, 13, 27) for b in sample) / max(1, len(sample))


def _ole(path: Path | None, suffix: str) -> Detected:
    data = path.read_bytes() if path is not None else b""
    names = {name for name in _OLE_STREAMS if name.encode("utf-16-le") + b"\x00\x00" in data}
    if "EncryptedPackage" in names:
        return Detected(None, _OLE_STREAMS["EncryptedPackage"])
    if "WordDocument" in names:
        # WPS Office writes the Word binary format too: only the name or its own streams tell
        if "WpsCustomData".encode("utf-16-le") in data:
            return Detected("wps", how="OLE2 file with a WordDocument stream, saved by WPS Office")
        if suffix == ".wps":
            return Detected("wps", how="OLE2 file with a WordDocument stream, named .wps")
        return Detected("doc", how="OLE2 file with a WordDocument stream")
    for name in ("Workbook", "Book", "PowerPoint Document"):
        if name in names:
            reason = _OLE_STREAMS[name]
            if name != "PowerPoint Document":
                reason = (
                    "an old binary .xls workbook, not a report: save it as .xlsx and use `nianbao import` for workbooks"
                )
            return Detected(None, reason)
    if "CONTENTS" in names or suffix == ".wps":
        return Detected("wps", how="OLE2 file" + (" with a CONTENTS stream" if "CONTENTS" in names else " named .wps"))
    if suffix == ".doc":
        return Detected("doc", how="OLE2 file named .doc")
    return Detected(None, "an OLE2 compound file that holds no Word document (no WordDocument stream)")


def _zip(path: Path | None, suffix: str) -> Detected:
    try:
        with zipfile.ZipFile(path) as z:  # type: ignore[arg-type]
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, TypeError, KeyError):
        if suffix in (".xlsx", ".xlsm", ".xls"):
            return Detected(None, _SPREADSHEET)
        if suffix == ".docx":
            return Detected(None, "a damaged DOCX (its ZIP container cannot be opened)")
        return Detected(None, "a damaged ZIP archive (it cannot be opened)")
    for member, what in _ZIP_MEMBERS.items():
        if member in names:
            return Detected(what, how=f"ZIP with {member}") if what in FORMATS else Detected(None, what)
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return Detected(None, f"an OpenDocument file ({mimetype.rsplit('.', 1)[-1]}): save it as DOCX or PDF")
    return Detected(None, "a ZIP archive, not a report: unpack it and audit the files it holds")
