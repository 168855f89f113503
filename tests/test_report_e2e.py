"""The default report end to end, as a reader sees it: the real section notebooks on Shanghai's
2020 data, through the CLI, checked in the HTML and the PDF text."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from nianbao.render.html import external_references  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
A4 = (595.0, 842.0)


def _nianbao(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=900
    )


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S)
    html = re.sub(r'src="data:[^"]+"', "", html)
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    proc = _nianbao("report", "--unit", "上海市", "--year", "2020", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out / "shanghai" / "2020"


@pytest.mark.slow
def test_every_output_exists(report):
    stems = ["01_overview", "02_proactive", "03_applications", "04_review_litigation", "05_problems", "06_other"]
    for stem in stems:
        for ext in ("ipynb", "html", "pdf"):
            assert (report / f"{stem}.{ext}").stat().st_size > 0, f"{stem}.{ext}"
    assert (report / "report.html").exists() and (report / "report.pdf").exists()
    assert not list(report.glob("*.tmp")) and not list(report.glob(".*.tmp"))
    assert not list(report.glob(".*.ipynb")), "an executed notebook was left under its temporary name"


@pytest.mark.slow
def test_report_workbook_has_every_parts_tables_by_part_number(report):
    """report.xlsx is written while the PDFs are made, from the executed notebooks before they
    are put in place: its sheets are still named by part and table number."""
    import openpyxl

    names = openpyxl.load_workbook(report / "report.xlsx", read_only=True).sheetnames
    assert names[0] == "说明" and "1.1 年度主要数据" in names and any(n.startswith("3.1 表二") for n in names)
    assert {n.split(".", 1)[0] for n in names[1:]} == {"1", "2", "3", "4", "6"}, names  # part 5 has no table


@pytest.mark.slow
def test_figures_a_reader_sees(report):
    for name in ("report.html", "03_applications.html"):
        text = _visible_text((report / name).read_text(encoding="utf-8"))
        for figure in ("29130", "41.53%"):
            assert figure in text, (name, figure)
    review_html = _visible_text((report / "04_review_litigation.html").read_text(encoding="utf-8"))
    assert "5.17%" in review_html and "3.14%" in review_html and "3.35%" in review_html
    whole = _pdf_text(report / "report.pdf")
    for figure in ("29130", "41.53%", "5.17%"):
        assert figure in whole, figure
    assert "29130" in _pdf_text(report / "03_applications.pdf")
    assert "5.17%" in _pdf_text(report / "04_review_litigation.pdf")


@pytest.mark.slow
def test_pdfs_are_a4_with_extractable_chinese(report):
    for path in sorted(report.glob("*.pdf")):
        reader = pypdf.PdfReader(str(path))
        for page in reader.pages:
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(w - A4[0]) <= 1 and abs(h - A4[1]) <= 1, path.name
        text = _pdf_text(path)
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 50, path.name
        assert re.search(r"— \d+ —", text), path.name  # page numbers, the report's in every file


@pytest.mark.slow
def test_combined_report_cover_contents_and_bookmarks(report):
    reader = pypdf.PdfReader(str(report / "report.pdf"))
    first_pages = "\n".join(p.extract_text() for p in reader.pages[:2])
    assert "2020年上海市政府信息公开工作年度报告" in first_pages
    assert "目" in first_pages and "录" in first_pages
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    wanted = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    positions = [next(i for i, t in enumerate(titles) if w in t) for w in wanted]
    assert positions == sorted(positions)
    assert "示例数据" not in _pdf_text(report / "report.pdf")  # real data, no demo notice


@pytest.mark.slow
def test_html_is_self_contained(report):
    for path in sorted(report.glob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html.lower(), path.name
        assert external_references(html) == [], path.name
        if path.stem[:2] in ("01", "02", "03", "04", "re"):  # the sections with charts, and the whole report
            assert "data:image/svg+xml;base64," in html, path.name
        assert "import " not in _visible_text(html), path.name  # code hidden


@pytest.mark.slow
def test_report_from_data_with_errors_needs_force_then_shows_findings(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "units" / "shanghai" / "2020.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "total: [~, ~, ~, ~, ~, ~, 28406]", "total: [~, ~, ~, ~, ~, ~, 28407]"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    refused = _nianbao("report", "--data", str(data), "--out", str(out), "--sections", "1")
    assert refused.returncode != 0
    assert "B2" in refused.stdout + refused.stderr or "B3" in refused.stdout + refused.stderr
    assert not (out / "shanghai" / "2020" / "01_overview.html").exists()
    forced = _nianbao("report", "--data", str(data), "--out", str(out), "--sections", "1", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    html = _visible_text((out / "shanghai" / "2020" / "01_overview.html").read_text(encoding="utf-8"))
    assert "经核对发现" in html and "28407" in html


# ---------------------------------------------------------------------------------------------
# print quality of the default report, checked by machine
# ---------------------------------------------------------------------------------------------


def _pdffonts(path: Path) -> list[str]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line.split()[0] for line in lines[2:] if line.strip()]


@pytest.mark.slow
def test_one_family_no_synthetic_faces(report):
    for path in sorted(report.glob("*.pdf")):
        fonts = _pdffonts(path)
        assert fonts, path.name
        for font in fonts:
            name = font.split("+", 1)[-1]
            assert "Oblique" not in name and "Italic" not in name, (path.name, font)
            assert name in ("Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"), (path.name, font)


@pytest.mark.slow
def test_charts_are_vector_with_searchable_chinese(report):
    listing = subprocess.run(["pdfimages", "-list", str(report / "report.pdf")], capture_output=True, text=True)
    assert len(listing.stdout.strip().splitlines()) == 2, listing.stdout  # the header only: no raster image
    text = _pdf_text(report / "report.pdf")
    for in_a_chart in ("2020年政府信息公开申请办理结果", "申请办理结果构成", "清单事项数量（上一年与本年）"):
        assert in_a_chart in text, in_a_chart
    html = (report / "report.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)
    assert len(alts) == 4 and all(len(a) > 20 for a in alts), alts  # every chart described


def _outline(reader, items=None, level=1) -> list[tuple[int, str, int]]:
    out = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += _outline(reader, item, level + 1)
        else:
            out.append((level, item.title, reader.get_destination_page_number(item)))
    return out


def _lines(page) -> list[tuple[float, str]]:
    """A pdfplumber page's lines of body text (no running header or page number): (top, text)."""
    rows: dict[int, list] = {}
    for word in page.extract_words(keep_blank_chars=True):
        if 24 * 2.835 - 4 < word["top"] < page.height - 22 * 2.835:
            rows.setdefault(round(word["top"]), []).append(word)
    return [(top, "".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"]))) for top, ws in sorted(rows.items())]


@pytest.mark.slow
def test_every_heading_is_on_the_page_of_what_follows_it(report):
    pdfplumber = pytest.importorskip("pdfplumber")
    for name in ("report.pdf", "03_applications.pdf"):
        reader = pypdf.PdfReader(str(report / name))
        with pdfplumber.open(str(report / name)) as pdf:
            for _, title, index in _outline(reader):
                lines = _lines(pdf.pages[index])
                at = next(
                    (i for i, (_, text) in enumerate(lines) if title.replace(" ", "") in text.replace(" ", "")), None
                )
                if at is None and index == 0:
                    continue  # the cover's title: set in its own margins
                assert at is not None, (name, title, index)
                assert at + 1 < len(lines), f"{name}: 「{title}」 ends page {index + 1}; what follows it is on the next"


@pytest.mark.slow
def test_contents_has_two_levels_with_the_pages_printed(report):
    reader = pypdf.PdfReader(str(report / "report.pdf"))
    outline = _outline(reader)
    assert {level for level, _, _ in outline} == {1, 2}
    toc = re.sub(r"\s+", " ", reader.pages[1].extract_text())
    texts = [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]
    for level, title, index in outline:
        if index < 2:
            continue  # the cover and the 目录 itself
        listed = re.search(re.escape(title) + r"[ .·…]*?(\d+)", toc)
        printed = re.findall(r"— (\d+) —", texts[index])[-1:]  # the page number: the page's last text
        assert listed and printed and listed.group(1) == printed[0], (level, title)
    assert any(level == 2 and title == "（一）主动公开" for level, title, _ in outline)


@pytest.mark.slow
def test_every_pdf_is_tagged_throughout(report):
    """PDF/UA's structural rules (tests/tagged.py), in report.pdf (written by WeasyPrint) and in
    each section's PDF (cut out of it with pikepdf, its structure tree rebuilt)."""
    from tagged import tagging_problems

    for path in sorted(report.glob("*.pdf")):
        assert tagging_problems(path) == [], path.name


@pytest.mark.slow
def test_pdfa_metadata_and_tags(report):
    import pikepdf

    from nianbao.data.versions import unit_year_fingerprint

    fingerprint = unit_year_fingerprint(ROOT / "data", "shanghai", 2020)
    for name in ("report.pdf", "01_overview.pdf", "04_review_litigation.pdf"):
        with pikepdf.open(report / name) as pdf:
            xmp = bytes(pdf.Root.Metadata.read_bytes()).decode("utf-8")
            for needed in ('pdfaid:part="3"', 'pdfaid:conformance="A"', "2020年上海市政府信息公开工作年度报告",
                           "<nianbao:unit>shanghai</nianbao:unit>", "<nianbao:year>2020</nianbao:year>",
                           f"<nianbao:dataFingerprint>{fingerprint}</nianbao:dataFingerprint>", "<nianbao:version>"):  # fmt: skip
                assert needed in xmp, (name, needed)
            assert bool(pdf.Root.MarkInfo.Marked) and "/StructTreeRoot" in pdf.Root and "/OutputIntents" in pdf.Root
            assert str(pdf.docinfo["/Title"]) == "2020年上海市政府信息公开工作年度报告"
            assert str(pdf.docinfo["/Producer"]) in xmp  # the information dictionary agrees with the XMP


@pytest.mark.slow
def test_every_page_after_the_front_matter_carries_the_data_version(report):
    from nianbao.data.versions import unit_year_fingerprint

    version = unit_year_fingerprint(ROOT / "data", "shanghai", 2020).removeprefix("sha256:")[:8]
    texts = [p.extract_text() for p in pypdf.PdfReader(str(report / "report.pdf")).pages]
    assert f"数据版本 {version}" in texts[0]  # the cover
    assert all(f"数据版本 {version}" in t for t in texts[2:]), [i for i, t in enumerate(texts) if "数据版本" not in t]
    for name in ("03_applications.pdf", "04_review_litigation.pdf"):  # a continued table's pages too
        assert all(f"数据版本 {version}" in p.extract_text() for p in pypdf.PdfReader(str(report / name)).pages)


@pytest.mark.slow
def test_continued_table_and_numbers_that_do_not_wrap(report):
    texts = [p.extract_text() for p in pypdf.PdfReader(str(report / "report.pdf")).pages]
    start = next(i for i, t in enumerate(texts) if "表二" in t and "收到和处理政府信息公开申请情况" in t)
    if "（续）" in texts[start + 1]:  # 表二 continues on the next page: its title, header and labels again
        assert "表二" in texts[start + 1] and "申请人情况" in texts[start + 1]
    assert "1910752条" in "".join(texts)  # a figure and its unit on one line
