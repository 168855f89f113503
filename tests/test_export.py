"""The export pipeline on executed notebooks built in memory (no kernel): notebook → HTML
fragment → section page → PDF, and the combined report. Checked as a reader would see the
result: the HTML's text and references, the PDF's pages, text, fonts and bookmarks."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nianbao.data.store import DataStore
from nianbao.render import combined, pdf
from nianbao.render import html as export

pypdf = pytest.importorskip("pypdf")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
A4 = (595.0, 842.0)


@pytest.fixture(scope="module")
def uy():
    return DataStore(FIXTURES / "data").load("demo", 2020)  # synthetic, long heading variant


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (400, 160), (74, 106, 138)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def executed_notebook(part: int, heading: str, paragraphs: int = 1) -> nbformat.NotebookNode:
    """What papermill leaves behind for a section notebook, with every kind of output."""
    html = lambda s: new_output("display_data", data={"text/html": s})
    prose = "\n\n".join(
        f"全年共收到政府信息公开申请29130件，予以公开及部分公开占41.53%，行政复议纠错率5.17%。（第{i + 1}段）"
        for i in range(paragraphs)
    )
    cells = [
        new_code_cell('unit = "demo"\nyear = 2020\ndata_dir = ""', metadata={"tags": ["parameters"]}),
        new_code_cell(
            '# Parameters\nunit = "demo"\nyear = 2020\ndata_dir = "/somewhere/data"\n',
            metadata={"tags": ["injected-parameters"]},
        ),
        new_code_cell(
            "SECRET_CODE = 1\ndisplay(HTML(heading))",
            outputs=[
                new_output("stream", name="stderr", text="SECRET-STDERR warning\n"),
                html(f"<h1>{heading}</h1>"),
            ],
        ),
        new_markdown_cell(f"## {part}.1 小节\n\n说明文字见[门户网站](https://www.example.gov.cn/page)。"),
        new_code_cell(
            "display(Markdown(text))",
            outputs=[new_output("display_data", data={"text/markdown": prose, "text/plain": "<Markdown>"})],
        ),
        new_code_cell(
            "table",
            outputs=[
                html(
                    '<div class="table-title">表 测试</div><table class="nb-table"><thead>'
                    '<tr><th rowspan="2">项目</th><th colspan="2">申请人情况</th></tr>'
                    "<tr><th>自然人</th><th>总计</th></tr></thead><tbody>"
                    '<tr><th class="row-label">一、本年新收</th><td class="num unknown">—</td><td class="num">29130</td></tr>'
                    '<tr class="derived"><th class="row-label">小计</th><td class="num">1</td><td class="num">2</td></tr>'
                    "</tbody></table>"
                )
            ],
        ),
        new_code_cell(
            "plt.show()",
            outputs=[
                new_output(
                    "display_data", data={"image/png": _png(), "text/plain": "<Figure size 640x480 with 1 Axes>"}
                ),
                new_output("execute_result", data={"text/plain": "<Axes: title={'center': 'x'}>"}, execution_count=5),
            ],
        ),
        new_code_cell(
            "js",
            outputs=[
                html('<p>图后说明</p><script>alert("x")</script>'),
                new_output("display_data", data={"application/javascript": "alert(1)", "text/plain": "js"}),
                new_output(
                    "display_data", data={"application/javascript": "alert(2)", "text/html": "<p>HTML胜过JS</p>"}
                ),
            ],
        ),
        new_code_cell("hidden", metadata={"tags": ["remove-cell"]}, outputs=[html("<p>REMOVED-CELL</p>")]),
    ]
    nb = new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "nianbao", "language": "python", "display_name": "nianbao"}}
    )
    nbformat.validate(nb)
    return nb


def pdf_reader(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(reader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def section_html(uy) -> str:
    fragment = export.notebook_fragment(executed_notebook(3, uy.heading(3)))
    return export.page(fragment, export.PageContext.for_section(uy, 3))


def test_html_shows_outputs_not_code(section_html, uy):
    assert f"<h1>{uy.heading(3)}</h1>" in section_html
    for shown in ("29130", "41.53%", "5.17%", "自然人", "3.1 小节", "图后说明", "HTML胜过JS"):
        assert shown in section_html
    assert 'src="data:image/png;base64,' in section_html
    for hidden in ("SECRET_CODE", "display(HTML", "SECRET-STDERR", "<Axes", "REMOVED-CELL", "In&nbsp;[", "In ["):
        assert hidden not in section_html, hidden


def test_html_has_no_parameters_cell(section_html):
    assert "data_dir" not in section_html
    assert 'unit = "demo"' not in section_html
    assert "/somewhere/data" not in section_html


def test_html_is_self_contained(section_html):
    assert "<script" not in section_html.lower()
    assert "<link" not in section_html.lower()
    assert export.external_references(section_html) == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", section_html, re.IGNORECASE)
    assert "url(http" not in section_html.replace(" ", "")
    assert "require.js" not in section_html and "mathjax" not in section_html.lower()
    # the external link in the prose became text, the address kept
    assert "门户网站（https://www.example.gov.cn/page）" in section_html


def test_html_is_chinese_with_cjk_fonts(section_html, uy):
    assert '<html lang="zh-CN">' in section_html
    assert '<meta charset="utf-8">' in section_html
    assert '"Noto Sans CJK SC"' in section_html and "Serif" not in section_html  # one family
    assert uy.title in section_html
    assert "示例数据" in section_html  # the fixture is synthetic


def test_external_image_is_an_error():
    with pytest.raises(export.ExportError, match="external"):
        export.make_self_contained('<p><img src="https://example.com/x.png"></p>')
    with pytest.raises(export.ExportError):
        export.make_self_contained('<div style="background: url(http://example.com/x.png)"></div>')


def test_scripts_and_handlers_are_removed():
    html = export.make_self_contained('<p onclick="x()">文字</p><script src="a.js"></script><iframe src="x"></iframe>')
    assert html == "<p>文字</p>"


# ---------------------------------------------------------------------------------------------
# PDF of a section
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def section_pdf(uy):
    fragment = export.notebook_fragment(executed_notebook(3, uy.heading(3), paragraphs=40))
    return pdf_reader(pdf.render_pdf(export.page(fragment, export.PageContext.for_section(uy, 3))))


@pytest.mark.slow
def test_section_pdf_pages_are_a4(section_pdf):
    assert len(section_pdf.pages) >= 2
    for page in section_pdf.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) <= 1 and abs(float(box.height) - A4[1]) <= 1


@pytest.mark.slow
def test_section_pdf_text_is_extractable(section_pdf, uy):
    texts = pdf_text(section_pdf)
    whole = "\n".join(texts)
    for shown in (uy.heading(3), "29130", "41.53%", "5.17%", "自然人"):
        assert shown in whole, shown
    assert "SECRET_CODE" not in whole and "data_dir" not in whole


@pytest.mark.slow
def test_section_pdf_footer_and_running_header(section_pdf, uy):
    texts = pdf_text(section_pdf)
    for i, text in enumerate(texts, start=1):  # laid out on its own: numbered from 1
        flat = re.sub(r"\s+", " ", text)
        assert f"— {i} —" in flat, flat[-80:]
        assert uy.heading(3) in text  # the part heading at the top of every page (string-set)
        assert uy.title in text


@pytest.mark.slow
def test_section_pdf_embeds_cjk_fonts(section_pdf):
    fonts = _fonts(section_pdf)
    assert fonts, "no fonts in the PDF"
    assert all(embedded for _, embedded in fonts.items())
    assert any("CJK" in name for name in fonts)


def _fonts(reader) -> dict[str, bool]:
    """Font name → embedded?, for every font used on any page (including CID descendants)."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for d in descendants:
                desc = d.get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found[str(d.get("/BaseFont"))] = embedded
    return found


# ---------------------------------------------------------------------------------------------
# the combined report
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parts(uy) -> list:
    # given out of order: the report puts them in part order
    return [
        combined.PartFragment(
            p,
            uy.heading(p),
            export.notebook_fragment(executed_notebook(p, uy.heading(p), paragraphs=3 if p != 2 else 60)),
        )
        for p in (4, 1, 6, 2, 5, 3)
    ]


@pytest.fixture(scope="module")
def report_html(uy, parts) -> str:
    return combined.report_page(parts, uy=uy)


@pytest.fixture(scope="module")
def book_pdfs(uy, parts) -> tuple[bytes, dict[int, bytes]]:
    """report.pdf and the sections' PDFs as nianbao makes them: each part laid out once."""
    from nianbao.render.archival import DocumentInfo
    from nianbao.render.book import ReportBook
    from nianbao.run.execute import report_pdf

    info = DocumentInfo(uy.title, uy.unit, uy.unit_name, str(uy.year), "sha256:0123456789abcdef")
    book = ReportBook([p.part for p in parts])
    for p in parts:
        page = export.page(combined.anchored(p.fragment, p.part), export.PageContext.for_section(uy, p.part))
        book.add(p.part, page, info.with_subject(p.heading))
    return report_pdf(book, parts, uy, info)


@pytest.fixture(scope="module")
def report_pdf(book_pdfs):
    return pdf_reader(book_pdfs[0])


def test_report_html_structure(report_html, uy):
    assert "<script" not in report_html.lower()
    assert export.external_references(report_html) == []
    assert f'<h1 class="cover-title">{uy.title}</h1>' in report_html
    assert "目录" in report_html
    positions = [report_html.index(f'<section class="part part-{p}">') for p in range(1, 7)]
    assert positions == sorted(positions)
    for p in range(1, 7):
        assert f'href="#part-{p}"' in report_html and f'id="part-{p}"' in report_html
    assert 'href="#part-3-1"' in report_html and 'id="part-3-1"' in report_html  # two levels


@pytest.mark.slow
def test_report_pdf_cover_toc_and_parts_in_order(report_pdf, uy):
    texts = pdf_text(report_pdf)
    assert uy.title in texts[0]
    assert "示例数据" in texts[0]
    assert "报告单位" in texts[0] and uy.unit_name in texts[0]
    assert "— 1 —" not in texts[0] and "— 1 —" not in texts[1]  # no page number on cover and 目录
    toc = texts[1]
    assert "目" in toc and "录" in toc
    # every part starts on a new page, in order, at the page number the table of contents gives
    starts = []
    for p in range(1, 7):
        heading = uy.heading(p)
        page = next(
            i for i, t in enumerate(texts) if i > 1 and t.lstrip().find(heading) != -1 and _starts_part(t, heading)
        )
        starts.append(page)
        listed = re.search(re.escape(heading) + r"[.\s·…]*?(\d+)", re.sub(r"\s+", " ", toc))
        printed = re.findall(r"— (\d+) —", re.sub(r"\s+", " ", texts[page]))[-1:]  # the page's last text
        assert listed and printed and listed.group(1) == printed[0], (heading, listed, printed)
    assert starts == sorted(starts) and len(set(starts)) == 6
    assert starts[2] - starts[1] >= 2  # part 2 is long and spans pages
    assert "3.1 小节" in toc  # the sub-headings too: two levels
    whole = "\n".join(texts)
    assert "29130" in whole and "41.53%" in whole and "5.17%" in whole


def _starts_part(text: str, heading: str) -> bool:
    """The page's body begins with ``heading`` (after the running header, which repeats it)."""
    return text.count(heading) >= 2 or text.strip().startswith(heading)


@pytest.mark.slow
def test_report_pdf_pages_are_a4_with_cjk_fonts(report_pdf):
    for page in report_pdf.pages:
        assert abs(float(page.mediabox.width) - A4[0]) <= 1 and abs(float(page.mediabox.height) - A4[1]) <= 1
    fonts = _fonts(report_pdf)
    assert all(fonts.values()) and any("CJK" in f for f in fonts)


@pytest.mark.slow
def test_report_pdf_bookmarks(report_pdf, uy):
    outline = report_pdf.outline
    top = [item for item in outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    part_titles = [t for t in titles if t in {uy.heading(p) for p in range(1, 7)}]
    assert part_titles == [uy.heading(p) for p in range(1, 7)]
    assert uy.title in titles and "目录" in titles
    # h2 subsections are nested under their part
    nested = [item for item in outline if isinstance(item, list)]
    assert any(any(getattr(x, "title", "").startswith("3.1") for x in group) for group in nested)


@pytest.mark.slow
def test_section_pdfs_are_the_reports_pages(book_pdfs, uy):
    """Each section's PDF holds the report's pages of that part, with the report's page numbers
    printed and as page labels, its own bookmarks and the same metadata as the report."""
    report, sections = book_pdfs
    whole = pdf_text(pdf_reader(report))
    assert sorted(sections) == [1, 2, 3, 4, 5, 6]
    for part, data in sections.items():
        reader = pdf_reader(data)
        texts = pdf_text(reader)
        assert uy.heading(part) in texts[0]
        numbers = [int(re.findall(r"— (\d+) —", re.sub(r"\s+", " ", t))[-1]) for t in texts]
        assert numbers == list(range(numbers[0], numbers[0] + len(texts)))
        assert reader.trailer["/Root"]["/PageLabels"]["/Nums"][1]["/St"] == numbers[0]
        page = next(i for i, t in enumerate(whole) if re.search(f"— {numbers[0]} —", re.sub(r"\s+", " ", t)))
        assert uy.heading(part) in whole[page]
        assert [o.title for o in reader.outline if not isinstance(o, list)] == [uy.heading(part)]
        assert reader.metadata.title == uy.title
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, as the report


def test_layout_collects_less_often_and_restores_the_thresholds():
    """While WeasyPrint works the youngest generation is collected less often, across threads,
    and the thresholds come back when the last one leaves (a collector turned off stays off)."""
    import gc
    import threading

    from nianbao.render.weasy import fewer_collections

    before = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other():
        with fewer_collections():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    with fewer_collections():
        assert gc.get_threshold()[0] >= 10_000
    assert gc.get_threshold()[0] >= 10_000  # the other thread is still laying out
    leave.set()
    thread.join()
    assert gc.get_threshold() == before
    gc.set_threshold(0)
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
