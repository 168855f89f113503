"""Opening a workbook to import, with the work bounded by what nianbao needs, not by the file.

Only the sheets nianbao reads (说明, 表一–表三, the hidden ``nianbao``) are parsed, in openpyxl's
read-only mode, and only their top-left corner (:data:`MAX_ROWS` × :data:`MAX_COLUMNS`, far more
than the template uses): an extra sheet of a million rows costs nothing. Before openpyxl opens
anything, the sizes the zip directory declares are checked: every part that openpyxl or nianbao
parses (shared strings, styles, the needed sheets) must unpack to at most :data:`MAX_PART_BYTES`,
so a small file that unpacks to gigabytes is refused with its numbers instead of exhausting the
machine. A password-protected workbook (an encrypted OOXML package inside an OLE container) and
an old binary .xls (the same container) are told apart.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

MAX_ROWS, MAX_COLUMNS = 200, 40  # the template uses at most 30 rows and 15 columns
MAX_PART_BYTES = 64_000_000  # unpacked size of any part that is parsed

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls and of encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream holding an encrypted workbook
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Parts openpyxl never parses in read-only mode (or at all): their size does not matter.
_NOT_PARSED = ("xl/worksheets/", "xl/media/", "xl/embeddings/", "xl/drawings/", "xl/charts/",
               "xl/printerSettings/", "xl/pivot", "xl/calcChain.xml", "xl/vbaProject.bin")  # fmt: skip


class Unreadable(Exception):
    """The file is no workbook nianbao can read; the message says why and what to do."""


@dataclass
class Cell:
    value: object
    data_type: str  # openpyxl's: n, s, b, d, e, f
    coordinate: str


@dataclass
class Sheet:
    """The cells of one sheet's top-left corner: as typed, and as last computed (for formulas)."""

    title: str
    cells: dict[str, Cell] = field(default_factory=dict)
    computed: dict[str, object] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)  # merged ranges, e.g. "A3:C5"

    def cell(self, address: str) -> Cell:
        return self.cells.get(address) or Cell(None, "n", address)

    def value(self, address: str) -> object:
        return self.cell(address).value


@dataclass
class Book:
    path: Path
    sheetnames: list[str]
    sheets: dict[str, Sheet]  # the sheets read (those asked for that exist)


def sniff(path: Path) -> None:
    """Refuse (:class:`Unreadable`) what is no .xlsx at all, before any parsing."""
    if not path.exists():
        raise Unreadable("no such file")
    if path.is_dir():
        raise Unreadable("is a folder, not a workbook")
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise Unreadable("the file is empty (0 bytes): not a workbook")
    if head == OLE_MAGIC:
        if _ENCRYPTED in path.read_bytes():
            raise Unreadable(
                "the workbook is protected by a password (encrypted): open it in Excel or WPS, remove the "
                "password (File → Info → Protect Workbook / 文件 → 文档加密), save it, and import it again"
            )
        raise Unreadable("an old binary .xls workbook: open it in Excel or WPS and save it as .xlsx")
    if not zipfile.is_zipfile(path):
        raise Unreadable(
            "not an Excel workbook (.xlsx): the file is not a zip package; was a web page or text saved with the .xlsx name?"
        )


def open_book(path: Path, wanted: list[str]) -> Book:
    """The sheets ``wanted`` (those present) of the workbook at ``path``, each read within bounds."""
    import openpyxl

    sniff(path)
    try:
        with zipfile.ZipFile(path) as archive:
            book, parts = _sheet_parts(archive)
            needed = {name: parts[name] for name in wanted if name in parts}
            _check_sizes(archive, list(needed.values()))
            merged = {name: _merged_ranges(archive, part) for name, part in needed.items()}
            package = _reduced_package(archive, book, needed)
        typed = openpyxl.load_workbook(io.BytesIO(package), read_only=True, data_only=False, keep_links=False)
        computed = openpyxl.load_workbook(io.BytesIO(package), read_only=True, data_only=True, keep_links=False)
    except Unreadable:
        raise
    except Exception as exc:  # a damaged package: openpyxl and zipfile raise many kinds
        raise Unreadable(f"not a readable .xlsx workbook ({type(exc).__name__}: {str(exc)[:200]})") from None
    try:
        sheets = {}
        for name in wanted:
            if name in typed.sheetnames:
                sheets[name] = _read_sheet(typed[name], computed[name], merged.get(name, []))
        return Book(path, list(parts), sheets)
    except Exception as exc:
        raise Unreadable(f"not a readable .xlsx workbook ({type(exc).__name__}: {str(exc)[:200]})") from None
    finally:
        typed.close()
        computed.close()


def _read_sheet(typed_ws, computed_ws, merged: list[str]) -> Sheet:
    sheet = Sheet(typed_ws.title, merged=merged)
    for row in typed_ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS):
        for c in row:
            if c.value is not None and hasattr(c, "coordinate"):
                sheet.cells[c.coordinate] = Cell(c.value, c.data_type, c.coordinate)
    formulas = {a for a, c in sheet.cells.items() if c.data_type == "f"}
    if formulas:
        for row in computed_ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS):
            for c in row:
                if hasattr(c, "coordinate") and c.coordinate in formulas:
                    sheet.computed[c.coordinate] = c.value
    return sheet


def _reduced_package(archive: zipfile.ZipFile, book: str, needed: dict[str, str]) -> bytes:
    """The package as openpyxl is to see it: only the sheets nianbao reads (an extra sheet is
    never parsed, not even to find its size, which openpyxl would otherwise scan the whole sheet
    for when the sheet does not state it), without what nianbao never reads (drawings, media,
    defined names, external links)."""
    keep = set(needed.values())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as reduced:
        for info in archive.infolist():
            name = info.filename
            if name not in keep and (name.startswith(_NOT_PARSED) or name.startswith("xl/chartsheets/")):
                continue
            content = archive.read(info)
            reduced.writestr(name, _only_sheets(content, set(needed)) if name == book else content)
    return out.getvalue()


def _only_sheets(workbook_xml: bytes, names: set[str]) -> bytes:
    """workbook.xml listing only the sheets ``names`` (and no defined names, which number sheets)."""
    root = ElementTree.fromstring(workbook_xml)
    for sheets in root.iter(f"{_MAIN}sheets"):
        for sheet in list(sheets):
            if sheet.get("name") not in names:
                sheets.remove(sheet)
    for defined in list(root.iter(f"{_MAIN}definedNames")):
        root.remove(defined)
    return ElementTree.tostring(root, xml_declaration=True, encoding="utf-8")


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[str, dict[str, str]]:
    """The workbook's part, and sheet name → its part, from the package's own relationships."""
    root_rels = ElementTree.fromstring(_read(archive, "_rels/.rels"))
    book = next((r.get("Target", "") for r in root_rels.iter(f"{_PKG}Relationship")
                 if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")  # fmt: skip
    book = book.lstrip("/")
    folder = posixpath.dirname(book)
    rels_path = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
    targets = {r.get("Id"): r.get("Target", "") for r in ElementTree.fromstring(_read(archive, rels_path)).iter(f"{_PKG}Relationship")}  # fmt: skip
    parts = {}
    for sheet in ElementTree.fromstring(_read(archive, book)).iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        parts[sheet.get("name", "")] = part
    return book, parts


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise Unreadable(_too_large(name, info.file_size))
    return archive.read(info)


def _check_sizes(archive: zipfile.ZipFile, needed_sheets: list[str]) -> None:
    for info in archive.infolist():
        parsed = info.filename in needed_sheets or not info.filename.startswith(_NOT_PARSED)
        if parsed and info.file_size > MAX_PART_BYTES:
            raise Unreadable(_too_large(info.filename, info.file_size))


def _too_large(name: str, size: int) -> str:
    return (
        f"its part {name} unpacks to {size / 1e6:,.0f} MB, more than the {MAX_PART_BYTES / 1e6:.0f} MB nianbao reads "
        "(a filled-in template is a few kilobytes): copy the sheets 说明, 表一, 表二, 表三 into a new workbook, "
        "or make a new one with `nianbao template`"
    )


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The merged ranges of a sheet, streamed from its part (they come after its cells)."""
    ranges = []
    with archive.open(part) as fh:
        for _, element in ElementTree.iterparse(fh):
            if element.tag == f"{_MAIN}mergeCell" and element.get("ref"):
                ranges.append(element.get("ref"))
            element.clear()
    return ranges
