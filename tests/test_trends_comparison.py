"""Trends (one unit over years, with the X1 carry-over check) and comparison (units ranked beside
their parent), their charts, the notebooks and the commands that run and export them."""

import json
import re
import shutil

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib import font_manager

from nianbao.content import comparison, trend_charts, trends
from nianbao.data.reading import load_unit_year
from nianbao.data.store import DataStore
from nianbao.data.writing import dump_unit_year
from nianbao.errors import NianbaoError
from nianbao.rules import (
    check_unit_year,
    measures,
    metrics,
)


@pytest.fixture()
def broken_chain(demo_data, tmp_path):
    """黄浦区 2019–2023 with 2021's 二 three more than 2020's 四 (自然人 and 总计; B1 still holds)."""
    target = tmp_path / "units" / "huangpu"
    shutil.copytree(demo_data / "units" / "huangpu", target)
    uy = load_unit_year(target / "2021.yaml")
    uy.table_b[("carried_in", "natural_person")] += 3
    uy.table_b[("carried_in", "total")] += 3
    (target / "2021.yaml").write_text(dump_unit_year(uy), encoding="utf-8")
    return tmp_path


def _font_files(fig):
    files = set()
    for ax in fig.axes:
        for text in [ax.title, ax.xaxis.label, *ax.get_yticklabels(), *ax.get_xticklabels(), *ax.texts]:
            if text.get_text():
                files.add(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
    return files


# ---------------------------------------------------------------------------------------------
# trends
# ---------------------------------------------------------------------------------------------


def test_x1_finds_the_broken_link_of_the_chain(broken_chain):
    series = trends.open_series("黄浦区", 2019, 2023, str(broken_chain))
    bad = [c for c in trends.carry_over_checks(series) if c.matches is False]
    assert [(c.year, c.column, c.carried_forward + 3 == c.carried_in, c.verdict) for c in bad] == [
        (2021, "natural_person", True, "不一致（相差3）"),
        (2021, "total", True, "不一致（相差3）"),
    ]
    table = trends.carry_over_table(series)
    row = table.frame.set_index("年度").loc["2020年→2021年"]
    assert row["自然人"] == f"{bad[0].carried_forward} → {bad[0].carried_in}" and row["核对"] == "2格不一致"
    assert table.frame.set_index("年度").loc["2021年→2022年"]["核对"] == "一致"
    assert "规则X1" in table.html and "class='num mismatch'" in table.html
    assert "有2处本年“上年结转”与上年“结转下年度”的数字不一致" in trends.summary_sentence(series)
    # the rule module says the same
    store = DataStore(broken_chain)
    findings = check_unit_year(store.load("huangpu", 2021), prev=store.load("huangpu", 2020), rules=["X1"])
    assert [f.location.column for f in findings] == ["自然人", "总计"]


def test_a_missing_year_is_listed_not_invented(broken_chain):
    (broken_chain / "units" / "huangpu" / "2021.yaml").unlink()
    series = trends.open_series("huangpu", 2019, 2023, str(broken_chain))
    assert series.missing == [2021] and series.present == [2019, 2020, 2022, 2023]
    assert {c.year for c in trends.carry_over_checks(series)} == {2020, 2023}
    assert "2021年无数据" in trends.carry_over_table(series).html
    assert "2021年无数据" in str(trends.heading(series).data)
    assert list(trends.trend_table(series).frame.columns) == ["2019年", "2020年", "2022年", "2023年"]


def test_trend_table_rates_are_recomputed_per_year(demo_data):
    series = trends.open_series("上海市", 2019, 2023, str(demo_data))
    frame = trends.trend_table(series).frame
    for year, uy in series.unit_years.items():
        col = f"{year}年"
        assert frame.loc["新收申请（件）", col] == uy.b("new_received")
        assert frame.loc["公开率（%）", col] == metrics.percent(uy.b_group("disclosed"), uy.b("total"))
        assert frame.loc["行政复议纠错率（%）", col] == metrics.percent(uy.c("review", "corrected"), uy.c("review"))
        assert frame.loc["格式版本", col] == ("2019" if year <= 2020 else "2021")
    assert "公开率 = （（一）予以公开 + （二）部分公开） ÷ （七）总计 × 100%" in trends.trend_table(series).html
    assert trends.open_series("shanghai", 2019, 2020, "").present == [2019, 2020]  # the real data too


@pytest.mark.parametrize(
    "make", [trend_charts.applications_chart, trend_charts.dispositions_chart, trend_charts.review_chart]
)
def test_trend_charts_are_drawn_in_a_cjk_font(demo_data, make, tmp_path):
    chart = make(trends.open_series("上海市", 2019, 2023, str(demo_data)))
    files = _font_files(chart)
    assert files and all("CJK" in f for f in files), files
    svg = chart.svg()  # vector, its text kept as text in the report's family
    assert "<text" in svg and "Noto Sans CJK SC" in svg and "<image" not in svg
    assert chart.alt.startswith(("折线图", "构成图", "柱状图")) and "2023年" in chart.alt


def test_bad_ranges_and_folders_are_explained(demo_data, tmp_path):
    with pytest.raises(NianbaoError, match="after last_year"):
        trends.open_series("shanghai", 2023, 2019, str(demo_data))
    with pytest.raises(NianbaoError, match="years with data"):
        trends.open_series("shanghai", 2030, 2031, str(demo_data))
    with pytest.raises(NianbaoError, match="nianbao demo"):
        trends.open_series("shanghai", 2019, 2023, str(tmp_path / "demo"))


# ---------------------------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------------------------


def test_ranking_beside_the_parent_with_a_threshold(demo_data):
    comp = comparison.open_comparison(2022, "", "上海市", str(demo_data), threshold=1)
    assert {uy.unit for uy in comp.excluded} == {"finance", "commerce"}  # no applications in 2022
    frame = comparison.ranking_table(comp, "new_received").frame
    top = frame.iloc[0]
    city = DataStore(demo_data).load("shanghai", 2022)
    assert top["单位"] == "上海市（合计）" and top["新收申请（件）"] == city.b("new_received")
    ranked = frame.iloc[1:]
    assert list(ranked["排名"]) == list(range(1, 31))
    assert list(ranked["新收申请（件）"]) == sorted(ranked["新收申请（件）"], reverse=True)
    assert sum(ranked["新收申请（件）"]) == city.b("new_received")  # the excluded ones received none
    assert "市财政局" not in set(frame["单位"])
    table = comparison.ranking_table(comp, "new_received")
    assert "答复申请少于1件、未列入排名和图表的单位：市财政局（0件）、市商务委（0件）" in table.html


@pytest.fixture()
def many_units(demo_data, tmp_path):
    """The demo data with 14 more municipal agencies (copies of districts' 2022 figures under new
    ids and names): 46 units of 上海市 in 2022."""
    from nianbao.data.units import default_registry_path

    shutil.copytree(demo_data, tmp_path, dirs_exist_ok=True)
    lines = [default_registry_path().read_text(encoding="utf-8").rstrip()]
    donors = sorted(p.name for p in (demo_data / "units").iterdir() if p.name != "shanghai")
    for i in range(14):
        uid, name = f"agency{i:02d}", f"市测试局{i:02d}"
        uy = load_unit_year(demo_data / "units" / donors[i] / "2022.yaml")
        uy.unit, uy.unit_name = uid, name
        (tmp_path / "units" / uid).mkdir()
        (tmp_path / "units" / uid / "2022.yaml").write_text(dump_unit_year(uy), encoding="utf-8")
        lines.append(f"  - {{id: {uid}, name: {name}, level: agency, parent: shanghai}}")
    (tmp_path / "units.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_a_ranking_of_46_units_ends_on_its_first_page(many_units):
    """Set smaller than a ranking of 32, 46 units and the reference fit on one page under the
    comparison's title, notice and summary: no page holds a few rows of it alone."""
    from nianbao.render import html
    from nianbao.render.pdf import layout

    comp = comparison.open_comparison(2022, "", "shanghai", str(many_units))
    assert len(comp.shown) == 46
    table = comparison.ranking_table(comp, "new_received")
    assert 'class="nb-table ranking compact"' in table.html
    fragment = f"<h1>{comparison.title(comp)}</h1><p>{comparison.summary_sentence(comp)}</p>{table.html}"
    context = html.PageContext(comparison.title(comp), comparison.title(comp), "comparison", True, "00000000")
    pages = layout(html.page(fragment, context)).pages
    rows = [[b for b in p._page_box.descendants() if getattr(b, "element_tag", "") == "tr"] for p in pages]
    assert len(pages) == 1 and len(rows[0]) == 1 + 1 + 46  # the header, the reference, the units


def test_the_parents_rate_comes_from_its_counts_not_from_the_units_rates(demo_data):
    comp = comparison.open_comparison(2022, "", "shanghai", str(demo_data), threshold=1)
    frame = comparison.ranking_table(comp, "disclosure_rate").frame
    ref = frame.iloc[0]["公开率（%）"]
    units = [uy for uy in comp.unit_years if uy.b("total")]
    disclosed, answered = sum(u.b_group("disclosed") for u in units), sum(u.b("total") for u in units)
    assert ref == metrics.percent(disclosed, answered)
    mean = metrics.round_half_up(
        sum(metrics.percent_exact(u.b_group("disclosed"), u.b("total")) for u in units) / len(units), 2
    )
    assert ref != mean
    rates = list(frame.iloc[1:]["公开率（%）"])
    assert rates == sorted(rates, reverse=True)


def test_listed_units_by_name_beside_their_sum(demo_data):
    comp = comparison.open_comparison(2021, "黄浦区, 市教委 ,pudong", "", str(demo_data))
    assert [uy.unit for uy in comp.unit_years] == ["huangpu", "education", "pudong"]
    frame = comparison.ranking_table(comp, "answered").frame
    assert frame.iloc[0]["单位"] == "所列单位（合计）"
    assert frame.iloc[0]["答复申请（件）"] == sum(uy.b("total") for uy in comp.unit_years)
    with pytest.raises(NianbaoError, match="rank_by"):
        comparison.ranking_table(comp, "popularity")
    with pytest.raises(NianbaoError, match="name the units"):
        comparison.open_comparison(2021, "", "", str(demo_data))


def test_units_with_no_applications_have_no_rates(demo_data):
    comp = comparison.open_comparison(2022, "", "shanghai", str(demo_data))
    frame = comparison.ranking_table(comp, "disclosure_rate").frame.set_index("单位")
    assert frame.loc["市财政局", "公开率（%）"] is None and frame.loc["市财政局", "排名"] is None
    assert frame.loc["市财政局", "新收申请（件）"] == 0
    chart = comparison.ranking_chart(comp, "disclosure_rate")
    assert "另有2个单位无申请或数字未公布，未列出。" in "".join(t.get_text() for t in chart.figure.texts)
    assert "另有2个单位无申请或数字未公布" in chart.alt


@pytest.mark.parametrize("measure", comparison.RANK_MEASURES)
def test_ranking_charts_are_drawn_in_a_cjk_font(demo_data, measure):
    comp = comparison.open_comparison(2022, "", "shanghai", str(demo_data), threshold=1)
    fig = comparison.ranking_chart(comp, measure)
    files = _font_files(fig)
    assert files and all("CJK" in f for f in files), files
    if measures.is_rate(measure):  # the parent's rate as a reference line, labelled
        assert any(t.get_text().startswith("上海市（合计）") for t in fig.axes[0].texts)


# ---------------------------------------------------------------------------------------------
# notebooks and commands (real kernels)
# ---------------------------------------------------------------------------------------------


def _kernel():
    from jupyter_client.kernelspec import KernelSpecManager

    return "nianbao" if "nianbao" in KernelSpecManager().find_kernel_specs() else "python3"


def _run(notebook, out, **params):
    import papermill

    papermill.execute_notebook(str(notebook), str(out), parameters=params, kernel_name=_kernel(), progress_bar=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    html = "\n".join(
        "".join(o["data"]["text/html"])
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    )
    return nb, html


@pytest.mark.slow
def test_trends_and_comparison_notebooks_run_top_to_bottom(demo_data, tmp_path, project_root):
    nb, html = _run(
        project_root / "notebooks" / "trends.ipynb", tmp_path / "t.ipynb", unit="黄浦区", data_dir=str(demo_data)
    )
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert "黄浦区政府信息公开申请办理情况趋势（2019—2023年）" in html and "示例数据" in html
    assert sum(bool("image/svg+xml" in o.get("data", {}) and o["metadata"].get("alt")) for o in outputs) == 3
    assert sum("application/vnd.nianbao.table+json" in o.get("data", {}) for o in outputs) == 2
    nb, html = _run(project_root / "notebooks" / "comparison.ipynb", tmp_path / "c.ipynb", year=2021, threshold=10,
                    data_dir=str(demo_data))  # fmt: skip
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert "2021年各单位政府信息公开申请情况比较" in html and "示例数据" in html and "上海市（合计）" in html
    assert "公开率 = （（一）予以公开 + （二）部分公开） ÷ （七）总计 × 100%" in html
    assert sum(bool("image/svg+xml" in o.get("data", {}) and o["metadata"].get("alt")) for o in outputs) == 5


@pytest.mark.slow
def test_part_3_shows_the_units_only_for_a_compiled_report(demo_data, tmp_path, project_root):
    notebook = project_root / "notebooks" / "03_applications.ipynb"
    _, html = _run(notebook, tmp_path / "city.ipynb", unit="上海市", year=2022, data_dir=str(demo_data))
    assert "各单位申请数量及占比" in html and "浦东新区" in html and "合计（上海市）" in html
    _, html = _run(notebook, tmp_path / "real.ipynb", unit="shanghai", year=2020, data_dir="")
    assert "各单位申请数量及占比" not in html and "示例数据" not in html


@pytest.mark.slow
def test_trends_and_compare_commands_export_html_pdf_and_tables(demo_data, tmp_path, capsys):
    import openpyxl
    import pypdf

    from nianbao.cli import main

    assert (
        main(["trends", "--unit", "上海市", "--years", "2020-2023", "--data", str(demo_data), "--out", str(tmp_path)])
        == 0
    )
    folder = tmp_path / "shanghai" / "trends"
    html = (folder / "trends_2020-2023.html").read_text(encoding="utf-8")
    assert "示例数据" in html and "上年结转核对（规则X1）" in html and "vnd.nianbao" not in html
    reader = pypdf.PdfReader(folder / "trends_2020-2023.pdf")
    text = "".join(p.extract_text() for p in reader.pages)
    assert "示例数据" in text and "上海市政府信息公开申请办理情况趋势" in text
    # every page prints the data version: the first digits of the fingerprint in its metadata
    fingerprint = re.search(
        rb"<nianbao:dataFingerprint>sha256:([0-9a-f]{16})<", reader.trailer["/Root"]["/Metadata"].get_data()
    )
    assert fingerprint, "no data fingerprint in the trends PDF's metadata"
    version = f"数据版本 {fingerprint.group(1)[:8].decode()}"
    assert all(version in p.extract_text() for p in reader.pages), version
    from tagged import tagging_problems

    assert tagging_problems(folder / "trends_2020-2023.pdf") == []
    wb = openpyxl.load_workbook(folder / "trends_2020-2023.xlsx")
    assert "示例数据" in wb["说明"]["A2"].value and len(wb.sheetnames) == 3
    assert sorted(p.name for p in (folder / "csv" / "trends_2020-2023").iterdir()) == [
        "01_trends.csv",
        "02_carry_over.csv",
    ]

    assert main(["compare", "--year", "2022", "--parent", "上海市", "--threshold", "1", "--data", str(demo_data),
                 "--out", str(tmp_path), "--formats", "html"]) == 0  # fmt: skip
    html = (tmp_path / "shanghai" / "2022" / "comparison.html").read_text(encoding="utf-8")
    assert "示例数据" in html and "上海市（合计）" in html
    assert not (tmp_path / "shanghai" / "2022" / "comparison.pdf").exists()
    assert "comparison" in capsys.readouterr().out


@pytest.mark.slow
def test_the_compiled_city_reports_all_six_parts_from_demo_data(demo_data, tmp_path):
    import openpyxl

    from nianbao.run.report import build_report

    report = build_report("上海市", 2022, out=tmp_path, data_dir=demo_data)
    assert report.ok and len(report.sections) == 6
    html = report.combined["html"].read_text(encoding="utf-8")
    for text in ("2022年上海市政府信息公开工作年度报告", "示例数据", "各单位申请数量及占比", "六、其他需要报告的事项"):
        assert text in html
    wb = openpyxl.load_workbook(report.combined["xlsx"])
    assert "3.3 各单位申请数量及占比" in wb.sheetnames and "示例数据" in wb["说明"]["A2"].value
    section = next(s for s in report.sections if s.part == 3)
    assert section.outputs["xlsx"].exists() and (section.outputs["csv"] / "01_table_b.csv").exists()
    first = (section.outputs["csv"] / "01_table_b.csv").read_text(encoding="utf-8-sig").splitlines()
    assert first[0].startswith("示例数据") and first[1].startswith("项目,自然人,商业企业")
