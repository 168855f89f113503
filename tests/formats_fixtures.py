"""Documents in every published format, built from the project's own hand-made pages
(tests/fixtures/pages): HTML → PDF with WeasyPrint, that PDF rasterised with pdftoppm and
wrapped as an image-only PDF, the page's paragraphs and tables written as DOCX with python-docx
(merged cells as in the HTML), that DOCX converted to DOC by LibreOffice, one page as a PNG.

No real report's text goes into these: they hold only what the fixture pages hold.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from nianbao.audit.page import Table, grid, parse_html
from nianbao.audit.source import decode

PAGES = Path(__file__).parent / "fixtures" / "pages"

#: Print CSS: A4, a CJK font, ruled cells; rows are not split, so a long table runs on over pages.
CSS = """
@page { size: A4; margin: 2cm; }
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 11pt; line-height: 1.5; }
table { border-collapse: collapse; }
table[border="1"], table.MsoNormalTable { width: 100%; }
table[border="1"] td, table[border="1"] th, table.MsoNormalTable td {
  border: 0.75pt solid #000; padding: 2pt 3pt; font-size: 9pt; line-height: 1.3; }
table[border="1"] tr, table.MsoNormalTable tr { break-inside: avoid; }
"""
UNRULED_CSS = "table td, table th { border: 0 none !important; }"


def page_html(name: str) -> str:
    """The text of a fixture page, whatever its encoding."""
    return decode((PAGES / name).read_bytes())[0]


def _with_css(html: str, css: str) -> str:
    style = f"<style>{css}</style>"
    return html.replace("</head>", style + "</head>", 1) if "</head>" in html else style + html


def split_table_b(html: str, before_row: str = "4.保护第三方合法权益") -> str:
    """表二 with its three header rows in a ``thead`` (repeated on every page) and a forced page
    break before the row labelled ``before_row`` (inside the rowspans of （三） and 三、)."""
    start = html.rindex("<table", 0, html.index("勾稽关系"))
    end = html.index("</table>", start)
    table = html[start:end]
    rows = [m.start() for m in re.finditer(r"<tr\b", table)]
    head_end, body_open = rows[3], table.index(">") + 1
    table = (table[:body_open] + "<thead>" + table[body_open:head_end] + "</thead><tbody>" + table[head_end:]
             + "</tbody>")  # fmt: skip
    table = table.replace(f"<tr><td>{before_row}", f'<tr style="break-before: page"><td>{before_row}', 1)
    assert "break-before" in table, before_row
    return html[:start] + table + html[end:]


def html_to_pdf(html: str, dest: Path, *, unruled: bool = False) -> Path:
    import weasyprint

    css = CSS + (UNRULED_CSS if unruled else "")
    weasyprint.HTML(string=_with_css(html, css), base_url=None).write_pdf(dest)
    return dest


def rasterise(pdf: Path, folder: Path, dpi: int = 300) -> list[Path]:
    """The pages of ``pdf`` as PNG files (pdftoppm), in order."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True, timeout=300)
    return sorted(folder.glob("page-*.png"))


def images_to_pdf(images: list[Path], dest: Path, dpi: int = 300) -> Path:
    """An image-only PDF (a scan): one grey page image per page, no text layer."""
    from PIL import Image

    pages = [Image.open(p).convert("L") for p in images]
    pages[0].save(dest, save_all=True, append_images=pages[1:], resolution=dpi)
    return dest


def page_to_docx(html: str, dest: Path) -> Path:
    """The page's paragraphs and tables as a Word document: headings as headings, line breaks
    inside paragraphs and cells kept, rowspan/colspan as merged cells."""
    import docx

    page = parse_html(html)
    document = docx.Document()
    document.core_properties.title = page.title
    for block in page.blocks:
        if isinstance(block, Table):
            _add_table(document, block)
        elif block in page.headings:
            document.add_heading(block, level=1)
        else:
            _add_lines(document.add_paragraph(), block)
    document.save(dest)
    return dest


def _add_lines(paragraph, text: str) -> None:
    for i, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if i:
            run.add_break()
        run.add_text(line)


def _add_table(document, table: Table) -> None:
    cells = grid(table)
    width = max(len(line) for line in cells)
    out = document.add_table(rows=len(cells), cols=width)
    out.style = "Table Grid"
    placed: set[int] = set()
    for r, line in enumerate(cells):
        for c, cell in enumerate(line):
            if cell is None or id(cell) in placed:
                continue
            placed.add(id(cell))
            target = out.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(out.cell(min(r + cell.rowspan, len(cells)) - 1, min(c + cell.colspan, width) - 1))
            lines = cell.text.split("\n") if cell.text else [""]
            target.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                target.add_paragraph(line)
            for extra in target.paragraphs[len(lines) :]:  # merge() leaves one empty paragraph per merged cell
                extra._p.getparent().remove(extra._p)


def libreoffice_convert(source: Path, folder: Path, to: str = "doc", timeout: int = 120) -> Path:
    """``source`` converted by LibreOffice headless into ``folder`` (its own temporary profile)."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-fixture-lo-") as profile:
        subprocess.run(
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
             "--norestore", "--convert-to", to, "--outdir", str(folder), str(source)],
            check=True, timeout=timeout, capture_output=True, start_new_session=True,
            env={**os.environ, "HOME": profile},
        )  # fmt: skip
    out = folder / f"{source.stem}.{to}"
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


def build_all(folder: Path, page: str = "district_2021.html") -> dict[str, Path]:
    """Every format of one fixture page: {"pdf", "pdf_split", "pdf_unruled", "scan", "png", "docx", "doc"}."""
    folder.mkdir(parents=True, exist_ok=True)
    html = page_html(page)
    stem = Path(page).stem
    out = {
        "pdf": html_to_pdf(html, folder / f"{stem}.pdf"),
        "pdf_split": html_to_pdf(split_table_b(html), folder / f"{stem}_split.pdf"),
        "pdf_unruled": html_to_pdf(html, folder / f"{stem}_unruled.pdf", unruled=True),
        "docx": page_to_docx(html, folder / f"{stem}.docx"),
    }
    images = rasterise(out["pdf"], folder / "png")
    out["scan"] = images_to_pdf(images, folder / f"{stem}_scan.pdf")
    out["png"] = images[1] if len(images) > 1 else images[0]  # the page with 表三
    out["doc"] = libreoffice_convert(out["docx"], folder / "doc")
    return out
