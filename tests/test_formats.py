"""Reports in every format give what their web page gives: the project's own pages rendered to
PDF (ruled, unruled, a table split over pages with its header repeated), scanned (an image-only
PDF and a PNG), written as DOCX and converted to DOC (tests/formats_fixtures.py builds them).
Formats are recognised by content; missing tools and LibreOffice's processes are handled."""

from __future__ import annotations

import re
import shutil
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

import formats_fixtures as fx
import psutil
import pytest

from nianbao.audit import audit_file
from nianbao.audit.formats import (
    FormatError,
    ToolMissing,
    detect,
    read_document,
    tesseract,
)
from nianbao.audit.formats import doc as doc_reader
from nianbao.audit.page import Paragraph, grid
from nianbao.cli import main
from nianbao.errors import DataError

PAGE = "district_2021.html"


def findings(result) -> set:
    return {(f.rule, f.severity, f.location) for f in result.findings}


def table_values(result) -> tuple:
    return result.uy.table_a, result.uy.table_b, result.uy.table_c


# ---------------------------------------------------------------------------------------------
# the documents, built once per session
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def html_result():
    return audit_file(fx.PAGES / PAGE)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """The quick ones: three PDFs with a text layer and a DOCX."""
    folder = tmp_path_factory.mktemp("formats")
    html = fx.page_html(PAGE)
    return {
        "pdf": fx.html_to_pdf(html, folder / "report.pdf"),
        "pdf_split": fx.html_to_pdf(fx.split_table_b(html), folder / "report_split.pdf"),
        "pdf_unruled": fx.html_to_pdf(html, folder / "report_unruled.pdf", unruled=True),
        "docx": fx.page_to_docx(html, folder / "report.docx"),
    }


@pytest.fixture(scope="session")
def scans(built, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scans")
    images = fx.rasterise(built["pdf"], folder / "png")
    return {"scan": fx.images_to_pdf(images, folder / "report_scan.pdf"), "png": images[1]}


@pytest.fixture(scope="session")
def doc_file(built, tmp_path_factory) -> Path:
    return fx.libreoffice_convert(built["docx"], tmp_path_factory.mktemp("doc"), "doc")


@pytest.fixture(scope="session")
def scan_result(scans):
    return audit_file(scans["scan"])


# ---------------------------------------------------------------------------------------------
# the same report in every format
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pdf", "pdf_split", "pdf_unruled", "docx"])
def test_same_cells_and_findings_as_the_web_page(kind, built, html_result):
    result = audit_file(built[kind])
    assert result.kind == ("docx" if kind == "docx" else "pdf")
    assert (result.title, result.uy.unit_name, result.uy.year, result.version) == (
        html_result.title,
        html_result.uy.unit_name,
        html_result.uy.year,
        html_result.version,
    )
    assert table_values(result) == table_values(html_result)
    assert len(result.uy.table_b) == 174 and len(result.uy.table_c) == 15
    assert findings(result) == findings(html_result)  # rule, severity, table cell, paragraph and quote


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_and_wps_through_libreoffice(suffix, doc_file, html_result, tmp_path):
    path = doc_file if suffix == ".doc" else shutil.copyfile(doc_file, tmp_path / "report.wps")
    result = audit_file(path)
    assert result.kind == suffix[1:] and "LibreOffice" in result.encoding
    assert table_values(result) == table_values(html_result)
    assert findings(result) == findings(html_result)


@pytest.mark.slow
def test_scan_gives_the_same_figures(scan_result, html_result):
    assert scan_result.kind == "pdf" and scan_result.encoding == "OCR (no text layer)"
    assert scan_result.uy.table_b == html_result.uy.table_b
    assert scan_result.uy.table_c == html_result.uy.table_c
    assert any("page 2 had no text layer: OCR'd, mean confidence" in n for n in scan_result.notes)


@pytest.mark.slow
def test_ocr_cells_and_paragraphs_carry_confidence(scans):
    document = read_document(scans["scan"])
    cells = [c for t in document.page.tables for row in t.rows for c in row if c.text]
    assert cells and all(c.confidence is not None and 0 <= c.confidence <= 100 for c in cells)
    assert all(c.page in (1, 2) for c in cells)
    paragraphs = document.page.paragraphs
    assert all(isinstance(p, Paragraph) and p.confidence is not None and p.page for p in paragraphs)
    assert not any(
        re.search(r"[\u4e00-\u9fff，。]\s+[\u4e00-\u9fff(（]", p) for p in paragraphs
    )  # OCR's spaces removed
    assert document.pages == 3 and document.format == "pdf"


@pytest.mark.slow
def test_a_page_image(scans, html_result):
    result = audit_file(scans["png"])  # page 2: the end of 表二 (no header) and 表三
    assert result.kind == "image"
    assert result.uy.table_c == html_result.uy.table_c
    read = result.uy.table_b
    assert len(read) >= 100 and all(html_result.uy.table_b[k] == v for k, v in read.items())


# ---------------------------------------------------------------------------------------------
# what the PDF reader keeps
# ---------------------------------------------------------------------------------------------


def test_pdf_pages_of_cells_and_paragraphs(built):
    document = read_document(built["pdf"])
    assert (document.format, document.pages, document.encoding) == ("pdf", 3, "text layer")
    b = next(t for t in document.page.tables if any("勾稽关系" in c.text for row in t.rows for c in row))
    pages = {c.page for row in b.rows for c in row}
    assert pages == {1, 2}  # one table across two pages, each cell knows its page
    assert all(isinstance(p, Paragraph) and p.page in (1, 2, 3) for p in document.page.paragraphs)
    assert document.page.paragraphs[-1].page == 3


def test_table_split_with_repeated_header_is_joined(built):
    document = read_document(built["pdf_split"])
    b = next(t for t in document.page.tables if any("勾稽关系" in c.text for row in t.rows for c in row))
    assert len(b.rows) == 28 and any("repeated header row(s) dropped" in n for n in b.notes)
    g = grid(b)
    assert g[5][0].text == "三、本年度办理结果" and g[5][0].rowspan == 22  # cut by two page breaks, whole again
    withheld = next(c for row in b.rows for c in row if c.text == "（三）不予公开")
    assert withheld.rowspan == 8
    assert {c.page for row in b.rows for c in row} == {1, 2, 3}


def test_text_inside_tables_is_no_paragraph(built):
    for kind in ("pdf", "pdf_unruled"):
        paragraphs = read_document(built[kind]).page.paragraphs
        assert not any("保护第三方合法权益" in p or "结果维持结果纠正" in p.replace(" ", "") for p in paragraphs), kind
        assert any(p.startswith("2021年，本机关共收到政府信息公开申请672件") for p in paragraphs)


def test_docx_merged_cells_and_headings(built):
    document = read_document(built["docx"])
    assert document.page.headings == ["2021年示例区政府信息公开工作年度报告"]
    b = document.page.tables[1]
    assert (b.rows[0][0].rowspan, b.rows[0][0].colspan) == (3, 3)
    assert b.rows[5][0].text == "三、本年度办理结果" and b.rows[5][0].rowspan == 22
    assert any(c.text == '3.危及"三安全\n一稳定"' for row in b.rows for c in row)  # line break kept


# ---------------------------------------------------------------------------------------------
# formats recognised by content
# ---------------------------------------------------------------------------------------------


def test_detection_by_content(built, tmp_path):
    renamed = shutil.copyfile(built["pdf"], tmp_path / "report.txt")
    assert detect(renamed).format == "pdf"
    assert read_document(renamed).format == "pdf"
    assert detect(shutil.copyfile(built["docx"], tmp_path / "report.pdf")).format == "docx"
    assert detect(fx.PAGES / PAGE).format == "html"
    assert detect(fx.PAGES / "district_2022.txt").format == "text"


def test_spreadsheets_and_garbage_get_a_reason(tmp_path):
    import openpyxl

    book = tmp_path / "figures.xlsx"
    openpyxl.Workbook().save(book)
    found = detect(book)
    assert found.format is None and "spreadsheet" in found.reason and "nianbao import" in found.reason
    assert "\n" not in found.reason
    with pytest.raises(FormatError, match="spreadsheet"):
        audit_file(book)
    garbage = tmp_path / "report.pdf.part"
    garbage.write_bytes(bytes(range(256)) * 40)
    assert detect(garbage).format is None and "not a document" in detect(garbage).reason
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "x")
    assert "unpack" in detect(archive).reason


def test_damaged_pdf_is_a_data_error(tmp_path, capsys):
    broken = tmp_path / "report.pdf"
    broken.write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")
    with pytest.raises(DataError, match="a PDF that cannot be read"):
        audit_file(broken)
    assert main(["audit", str(broken)]) == 1  # a data error (2 is for usage errors)
    assert "Traceback" not in capsys.readouterr().err


def test_encrypted_pdf_says_so(built, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=built["pdf"])
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(FormatError, match="an encrypted PDF: open it and save it without a password"):
        read_document(locked)


def test_cli_audits_a_pdf(built, capsys):
    assert main(["audit", str(built["pdf"])]) == 1  # the page's planted errors
    out = capsys.readouterr().out
    assert "(PDF, text layer)" in out and "B3" in out


# ---------------------------------------------------------------------------------------------
# LibreOffice and Tesseract: their processes, and when they are missing
# ---------------------------------------------------------------------------------------------


def _ours(name: str) -> set[int]:
    me = psutil.Process().username()
    found = set()
    for p in psutil.process_iter(["pid", "name", "cmdline", "username"]):
        if p.info["username"] == me and any(name in part for part in (p.info["cmdline"] or [p.info["name"] or ""])):
            found.add(p.info["pid"])
    return found


@pytest.mark.slow
def test_libreoffice_leaves_no_process_and_no_profile(doc_file, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = _ours("soffice")
    assert read_document(doc_file).format == "doc"
    assert _ours("soffice") - before == set()
    assert list(tmp_path.iterdir()) == []  # the conversion's folder, profile included, is gone


def test_libreoffice_timeout_kills_its_process_group(tmp_path, monkeypatch):
    stub = tmp_path / "bin" / "soffice"
    stub.parent.mkdir()
    sleep = shutil.which("sleep")
    stub.write_text(f"#!/bin/sh\n{sleep} 61 &\n{sleep} 61\n")  # a converter that hangs, with a child
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(stub.parent))
    document = tmp_path / "report.doc"
    document.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    with pytest.raises(FormatError, match="did not convert the document within 1 s"):
        doc_reader.read_doc(document, timeout=1)
    assert not any("sleep 61" in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"]))
    assert list(work.iterdir()) == []


def test_missing_tools_say_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    tesseract.program.cache_clear()
    try:
        with pytest.raises(ToolMissing, match="tesseract-ocr tesseract-ocr-chi-sim"):
            tesseract.program()
        document = tmp_path / "report.doc"
        document.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600)
        with pytest.raises(ToolMissing, match="libreoffice-writer-nogui"):
            read_document(document)
    finally:
        tesseract.program.cache_clear()


def test_tesseract_without_chinese_data(tmp_path, monkeypatch):
    stub = tmp_path / "tesseract"
    stub.write_text('#!/bin/sh\necho "List of available languages (2):"\necho eng\necho osd\n')
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    tesseract.program.cache_clear()
    try:
        with pytest.raises(ToolMissing, match="chi_sim.*tesseract-ocr-chi-sim"):
            tesseract.program()
    finally:
        tesseract.program.cache_clear()


def test_missing_tesseract_in_a_fresh_process(built, tmp_path):
    """With no program on PATH at all, reading a scan fails with the install hint (not a traceback)."""
    import subprocess

    image = tmp_path / "page.png"
    from PIL import Image

    Image.new("L", (400, 300), 255).save(image)
    code = f"from nianbao.audit.formats import read_document\nread_document({str(image)!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={"PATH": str(tmp_path / "empty")}, timeout=120)  # fmt: skip
    assert done.returncode != 0 and "tesseract-ocr tesseract-ocr-chi-sim" in done.stderr
