"""The corpus report (notebooks/corpus.ipynb, run through the one runner) on a small corpus whose
figures the test knows: its numbers are in the HTML and the PDF as a reader sees them."""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import corpus_fixtures as cf
import pytest

from nianbao.audit.corpus import CorpusOptions, audit_corpus
from nianbao.audit.corpus.export import export_corpus_report
from nianbao.audit.corpus.progress import Progress
from nianbao.errors import NianbaoError

pytestmark = pytest.mark.slow

UNITS = ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "上海市教育委员会", "上海市民政局")


def _half_up(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _disclosure(r: cf.Report) -> Fraction:
    return Fraction(100 * (r.b_total("granted") + r.b_total("partly_granted")), r.b_total("total"))


def _jumping_pair() -> tuple[cf.Report, cf.Report]:
    """Two years of one unit whose new applications grow more than fivefold (seeds searched)."""
    for seed in range(500):
        (before,) = cf.unit_reports("虹口区", [2022], seed)
        (after,) = cf.unit_reports("虹口区", [2023], seed + 1000)
        if after.b_total("new_received") > 5 * before.b_total("new_received") > 0:
            return before, after
    raise AssertionError("no seed gives a jump")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder, out = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("dataset")
    reports = []
    for k, unit in enumerate(UNITS):
        years = [2022, 2023] if k < 3 else [2023]
        reports += cf.unit_reports(unit, years, seed=k)
    reports += list(_jumping_pair())
    reports[0].defects = ["received", "row_total"]  # 黄浦区 2022: the most errors
    for r in reports:
        (folder / f"{r.unit}_{r.year}.html").write_text(cf.page_html(r), encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n")
    audit_corpus([folder], CorpusOptions(out), Progress(io.StringIO(), bar=False))
    return out, reports


@pytest.fixture(scope="module")
def exported(corpus):
    out, _ = corpus
    return export_corpus_report(out)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_report_shows_the_corpus_numbers(corpus, exported):
    _, reports = corpus
    html = exported["html"].read_text(encoding="utf-8")
    text = _text(html)
    assert "政府信息公开工作年度报告·批量审核" in text and "共13份文件" in text
    assert "未能审核的文件" in text and "broken.pdf" in text
    values = sorted(_disclosure(r) for r in reports if r.year == 2023)
    assert len(values) == 8
    p25 = values[1] + (values[2] - values[1]) * Fraction(3, 4)  # linear interpolation at 7 × 0.25
    p50 = values[3] + (values[4] - values[3]) / 2
    assert f"P25 = {_half_up(p25)}%，P50 = {_half_up(p50)}%" in text
    top = max((r for r in reports if r.year == 2023), key=_disclosure)
    assert re.search(rf"1 {top.unit} {_half_up(_disclosure(top))} (高于P75|P50–P75)", text)
    assert "各单位发现的问题" in text and re.search(r"1 黄浦区 区县 2 2022、2023 [1-9]", text)
    before, after = reports[-2], reports[-1]
    assert f"虹口区 新收申请 2023 {before.b_total('new_received'):,} {after.b_total('new_received'):,} " in text
    assert "大幅上升" in text and "<script" not in html and html.count("<img") == 4


def test_the_pdf_carries_the_same_numbers(corpus, exported):
    from pypdf import PdfReader

    _, reports = corpus
    reader = PdfReader(exported["pdf"])
    text = "".join(page.extract_text() for page in reader.pages)
    assert "政府信息公开工作年度报告·批量审核" in text and "予以公开及部分公开占比" in text
    values = sorted(_disclosure(r) for r in reports if r.year == 2023)
    assert f"{_half_up(values[0])}%" in text and f"{_half_up(values[-1])}%" in text
    assert "大幅上升" in text and "虹口区" in text
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)
    assert exported["xlsx"].exists()


def test_no_dataset_no_report(tmp_path):
    with pytest.raises(NianbaoError, match="no complete corpus dataset there"):
        export_corpus_report(Path(tmp_path))
