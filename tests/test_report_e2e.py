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
        assert re.search(r"第 \d+ 页 / 共 \d+ 页", text), path.name


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
            assert "data:image/png;base64," in html, path.name
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
