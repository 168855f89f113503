"""Print quality that a machine can check, without a kernel: header labels cut into words, text
colours that read, tables continued with their labels, charts as SVG text with a description and
unknown values shown, PDF/A metadata with the data's fingerprint. (The default report itself is
checked page by page in test_report_e2e.py.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest

from nianbao.content import charts
from nianbao.content.figure import contrast, text_colour
from nianbao.data.store import DataStore
from nianbao.data.versions import unit_year_fingerprint
from nianbao.render import continued
from nianbao.render.archival import DocumentInfo, metadata_class
from nianbao.render.html import TEMPLATES
from nianbao.render.words import WORD_JOINER, for_print, label_words, words

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------
# typography
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, pieces",
    [
        ("结果纠正", ["结果", "纠正"]),
        ("上年", ["上年"]),
        ("总计", ["总计"]),
        ("行政复议纠错率（%）", ["行政", "复议", "纠错率", "（%）"]),
        ("本年新公开数量", ["本年", "新公开", "数量"]),
        ("第二十条第（八）项", ["第二十条", "第（八）项"]),
        ("2021年", ["2021年"]),
    ],
)
def test_header_labels_are_cut_into_words(label, pieces):
    assert words(label) == pieces
    html = str(label_words(label))
    assert re.sub(r"<[^>]+>", "", html) == label
    assert html.count('<span class="w">') == len([p for p in pieces if len(p) > 1])


def test_words_are_joined_for_print():
    page = f"<th>{label_words('本年新公开数量')}<wbr/>{label_words('A&B比较')}</th>"
    printed = for_print(page)
    assert "<span" not in printed and "<wbr" not in printed
    assert (
        printed
        == f"<th>本{WORD_JOINER}年新{WORD_JOINER}公{WORD_JOINER}开数{WORD_JOINER}量A&amp;B比{WORD_JOINER}较</th>"
    )
    assert for_print("<p>无标签</p>") == "<p>无标签</p>"
    odd = '<th><span class="w"><b>本年</b></span><wbr>新<wbr><span class="w">数量</span></th>'
    assert for_print(odd) == f'<th><span class="w"><b>本年</b></span><wbr>新<wbr>数{WORD_JOINER}量</th>'


def test_row_labels_break_between_words_and_unit_names_not_at_all():
    from markupsafe import Markup

    from nianbao.render.html import page_templates

    cell = page_templates().from_string(
        '{% from "tables.html.j2" import label_cell %}'
        "{{ label_cell(a) }}|{{ label_cell(b, nowrap=true) }}|{{ label_cell(c) }}"
    )
    plain, unit, marked = cell.render(a="答复申请（（七）总计）", b="市规划资源局", c=Markup("总计<sup>*</sup>")).split(
        "|"
    )
    assert '<span class="w">总计</span>' in plain and re.sub(r"<[^>]+>", "", plain) == "答复申请（（七）总计）"
    assert "<wbr>）" not in plain and "（<wbr>" not in plain  # no line starts with 「）」 or ends with 「（」
    assert unit == '<th class="row-label nowrap">市规划资源局</th>'
    assert marked == '<th class="row-label">总计<sup>*</sup></th>'


@pytest.mark.slow
def test_a_narrow_header_breaks_between_words_only_and_extracts_clean():
    """In a column a few characters wide, 「行政复议纠错率」 breaks only between its words, and
    the PDF's text has no word joiners in it."""
    import pypdf

    from nianbao.render.pdf import render_pdf

    label = label_words("行政复议纠错率")
    page = (
        '<html lang="zh-CN"><body><table style="width: 3.3em; border-collapse: collapse">'
        f"<tr><th style='padding: 0'>{label}</th></tr></table></body></html>"
    )
    lines = pypdf.PdfReader(__import__("io").BytesIO(render_pdf(page, title="t"))).pages[0].extract_text().split()
    assert lines == ["行政", "复议", "纠错率"]


def _colours(css: str) -> list[str]:
    return re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})\b", css)


@pytest.mark.parametrize("sheet", ["report.css", "findings.css"])
def test_text_colours_contrast_with_white(sheet):
    css = (TEMPLATES / sheet).read_text(encoding="utf-8")
    found = _colours(css)
    assert found
    for colour in found:
        full = "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour
        assert contrast(full, "#ffffff") >= 4.5, (sheet, colour)


def test_no_slanted_or_second_family_in_the_stylesheet():
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    assert not re.search(r"font-style:\s*(italic|oblique)", css) and "font-synthesis" not in css
    families = set(re.findall(r'font-family:\s*"([^"]+)"', css))
    assert families <= {"Noto Sans CJK SC", "Noto Sans Mono CJK SC"}  # code only: Mono


@pytest.mark.parametrize("background", charts.PALETTE + ["#9dc3e6", "#bf9000", "#ffffff", "#1f4e79"])
def test_labels_on_coloured_bars_read(background):
    assert contrast(text_colour(background), background) >= 4.5


# ---------------------------------------------------------------------------------------------
# continued tables
# ---------------------------------------------------------------------------------------------

PAGE = """<html><body><header class="doc-header"><p class="doc-title">报告</p>
<p class="running-part">三、收到和处理</p><p class="synthetic-notice">示例数据</p>
<p class="data-version"><small>数据版本 1a2b3c4d</small></p></header><main class="part">
<h1 id="part-3">三、收到和处理</h1><p class="prose">前文</p>
<div class="nb-output nb-html"><div class="table-title">表二　测试</div><div class="table-note">注</div>
<table class="nb-table table-b" data-continued="groups"><thead><tr><th>项目</th><th>数</th></tr></thead><tbody>
<tr data-row="0"><th colspan="2">一、新收</th><td>1</td></tr>
<tr data-row="1"><th rowspan="4">三、结果</th><th>（一）公开</th><td>2</td></tr>
<tr data-row="2"><th rowspan="2">（三）不予公开</th><td>3</td></tr>
<tr data-row="3"><td>4</td></tr>
<tr data-row="4"><th>（七）总计</th><td>5</td></tr>
<tr data-row="5"><th colspan="2">四、结转</th><td>6</td></tr>
</tbody></table><div class="table-legend">图例</div></div>
<div class="nb-output nb-html"><h2 id="part-3-1">之后</h2></div></main></body></html>"""


def test_a_continued_table_repeats_header_title_and_group_labels():
    marked = continued.mark_rows(PAGE)
    assert 'data-table="0"' in marked and 'data-of-table="0"' in marked
    rest = continued.remainder(marked, continued.Split(page=0, table=0, row=3))
    body = rest[rest.index("<main") :]
    assert "前文" not in body and 'id="part-3"' not in body and "一、新收" not in body and ">2<" not in body
    assert "表二　测试（续）" in rest and "<thead>" in body and "图例" in body and "之后" in body
    assert "三、结果" in body and "（三）不予公开" in body and body.count("（续）") == 3  # title, two labels
    assert re.search(r'<th rowspan="2">三、结果<span class="continued">（续）</span></th>', body)
    assert re.search(r'<th rowspan="1">（三）不予公开<span class="continued">（续）</span></th>', body)
    assert "running-part" in rest and "示例数据" not in rest  # the running header stays, not the notice
    assert "数据版本 1a2b3c4d" in rest  # the data version stays: it sets every page's footer


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------


def test_charts_are_svg_with_text_and_a_description(shanghai):
    for make in (charts.dispositions, charts.share_strip, charts.table_a_items, charts.review_litigation):
        chart = make(shanghai)
        svg = chart.svg()
        assert "<text" in svg and "font-family: 'Noto Sans CJK SC'" in svg, make.__name__
        assert "<image" not in svg and "<path d=" in svg  # vector, no raster inside
        data, metadata = chart._repr_mimebundle_()
        assert data["image/svg+xml"] == svg and metadata["alt"] == chart.alt == data["text/plain"]
        chart.close()
    alt = charts.dispositions(shanghai).alt
    assert "11796件（41.53%）" in alt and "2905件（10.23%）" in alt


def test_unknown_values_are_drawn_as_unpublished(shanghai):
    # Shanghai's 2020 report gives no 结果纠正 for litigation: shown as 未公布 at its bar
    chart = charts.review_litigation(shanghai)
    assert shanghai.c("litigation_direct", "corrected") is None
    assert "未公布" in chart.svg() and "结果纠正未公布" in chart.alt
    items = charts.table_a_items(shanghai)  # 其他对外管理服务事项: not published either year
    assert "未公布" in items.svg()


# ---------------------------------------------------------------------------------------------
# archival metadata
# ---------------------------------------------------------------------------------------------


def test_data_fingerprint_follows_the_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "units" / "shanghai", data / "units" / "shanghai")
    first = unit_year_fingerprint(data, "shanghai", 2020)
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", first) and first == unit_year_fingerprint(data, "shanghai", 2020)
    path = data / "units" / "shanghai" / "2020.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert unit_year_fingerprint(data, "shanghai", 2020) != first


def test_xmp_declares_pdfa_pdfua_and_nianbao_properties():
    metadata = metadata_class()(title="2020年上海市政府信息公开工作年度报告")
    metadata.info = DocumentInfo("2020年上海市政府信息公开工作年度报告", "shanghai", "上海市", "2020", "sha256:0123")
    rdf = metadata.generate_rdf_metadata("a", 3, "A").decode()
    for needed in ('pdfaid:part="3"', 'pdfaid:conformance="A"', 'pdfuaid:part="1"', "<nianbao:unit>shanghai<",
                   "<nianbao:year>2020<", "<nianbao:dataFingerprint>sha256:0123<", "<nianbao:version>",
                   "<pdfaSchema:prefix>nianbao<", "2020年上海市政府信息公开工作年度报告"):  # fmt: skip
        assert needed in rdf, needed


def _overlaps(chart) -> list[tuple[str, str]]:
    """Pairs of the chart's own labels (values, 未公布, line ends) whose boxes overlap each other
    or a tick label."""
    fig = chart.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        labels = [t for t in ax.texts if t.get_text().strip() and t.get_visible()]
        ticks = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text().strip()]
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
        if ax.get_legend() is not None:
            boxes.append(("legend", ax.get_legend().get_window_extent(renderer)))
        for i, (a, box) in enumerate(boxes):
            for b, other in boxes[i + 1 :]:
                if box.overlaps(other) and a != "■" and b != "■":
                    found.append((a, b))
            for tick in ticks:
                if box.overlaps(tick.get_window_extent(renderer)):
                    found.append((a, tick.get_text()))
    return found


def _spilling(chart) -> list[str]:
    """The chart's labels that start inside a bar but do not fit in it (a segment's share wider
    than its segment)."""
    fig = chart.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        bars = [p.get_window_extent(renderer) for p in ax.patches if p.get_width() and p.get_height()]
        for label in (t for t in ax.texts if t.get_text().strip() and t.get_visible()):
            box = label.get_window_extent(renderer)
            x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
            for bar in bars:
                if bar.contains(x, y) and (box.x0 < bar.x0 or box.x1 > bar.x1):
                    found.append(label.get_text())
    return found


def test_a_chart_of_zeros_is_a_note(demo_data):
    """商务委 2019 (demo data) received, answered, listed and was sued for nothing: its charts
    would be empty axes, so each is a note under the table that shows the zeros."""
    from nianbao.content.figure import ALL_ZERO_NOTE

    uy = DataStore(demo_data).load("commerce", 2019)
    makers = (charts.dispositions, charts.share_strip, charts.table_a_items, charts.review_litigation)
    assert [make(uy) for make in makers] == [ALL_ZERO_NOTE] * 4


def test_a_rate_of_no_cases_is_not_unpublished(demo_data):
    """商务委 (demo data) had no review or litigation case in any year: its rates are 「无案件」,
    said once a year, not 「未公布」 twice on top of each other, and there is no legend of lines
    that are not drawn."""
    from nianbao.content import trend_charts, trends

    chart = trend_charts.review_chart(trends.open_series("commerce", 2019, 2023, str(demo_data)))
    rates = chart.figure.axes[1]
    assert [t.get_text() for t in rates.texts if t.get_text() != "2021年起新版表格"] == ["无案件"] * 5
    assert rates.get_legend() is None
    assert "行政复议纠错率：2019年无案件" in chart.alt and "未公布" not in chart.alt
    chart.close()


def test_shares_inside_a_bar_fit_their_segment(demo_data):
    import matplotlib.pyplot as plt

    from nianbao.content import trend_charts, trends
    from nianbao.content.figure import Chart
    from nianbao.content.fonts import setup_charts

    setup_charts()
    fig, ax = plt.subplots()
    ax.barh([0], [6], left=[40]), ax.set_xlim(0, 128), ax.text(43, 0, "6.09%", ha="center", fontsize=7.5)
    assert _spilling(Chart(fig, "")) == ["6.09%"]  # the check sees a label wider than its segment
    plt.close(fig)
    for unit in ("shanghai", "黄浦区", "宝山区"):
        chart = trend_charts.dispositions_chart(trends.open_series(unit, 2019, 2023, str(demo_data)))
        assert _spilling(chart) == [], unit
        assert any(t.get_text() == "■" for t in chart.figure.axes[0].texts)  # the narrow ones are beside
        chart.close()


def test_chart_labels_do_not_collide(shanghai, demo_data):
    import matplotlib.pyplot as plt

    from nianbao.content import comparison, trend_charts, trends
    from nianbao.content.figure import Chart
    from nianbao.content.fonts import setup_charts

    setup_charts()
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "11796件"), ax.text(0.51, 0.5, "未公布")
    assert _overlaps(Chart(fig, "")) == [("11796件", "未公布")]  # the check sees a collision
    plt.close(fig)

    makers = [(make, shanghai) for make in (charts.dispositions, charts.share_strip, charts.table_a_items,
                                            charts.review_litigation)]  # fmt: skip
    # 商务委 had no review or litigation case in any year, 文化旅游局 none in 2021 (rates of no cases)
    for unit in ("黄浦区", "commerce", "culture_tourism"):
        series = trends.open_series(unit, 2019, 2023, str(demo_data))
        makers += [(make, series) for make in (trend_charts.applications_chart, trend_charts.dispositions_chart,
                                               trend_charts.review_chart)]  # fmt: skip
    comp = comparison.open_comparison(2022, "", "shanghai", str(demo_data))
    makers += [(lambda m: comparison.ranking_chart(comp, m), m) for m in ("new_received", "disclosure_rate")]
    for make, source in makers:  # one figure open at a time
        chart = make(source)
        if chart is not None:
            assert _overlaps(chart) == [], chart.alt[:30]
            chart.close()
