"""Audits of hand-made pages in the official layouts (tests/fixtures/pages): every planted defect
is reported at its place, the format version is recognised, the narrative's figures are found
and every published share recomputed; the audit can import the tables; its HTML is escaped."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.audit import AuditError, audit_file, view
from nianbao.audit.output import format_text, share_checks
from nianbao.audit.page import grid, parse_html
from nianbao.cli import main
from nianbao.data.reading import load_unit_year

PAGES = Path(__file__).parent / "fixtures" / "pages"


def by_rule(result, rule):
    return [f for f in result.findings if f.rule == rule]


def at(result, rule, row, column=None):
    """The one finding of ``rule`` at the row (and column) labelled so."""
    found = [
        f for f in by_rule(result, rule) if f.location.row == row and (column is None or f.location.column == column)
    ]
    assert len(found) == 1, (rule, row, column, [f.text() for f in result.findings])
    return found[0]


@pytest.fixture(scope="module")
def district():
    return audit_file(PAGES / "district_2021.html")


@pytest.fixture(scope="module")
def county():
    return audit_file(PAGES / "county_2020_gbk.html")


# ---------------------------------------------------------------------------------------------
# the 2021 page (UTF-8, official layout)
# ---------------------------------------------------------------------------------------------


def test_finds_the_report_its_tables_and_its_version(district):
    assert district.title == "2021年示例区政府信息公开工作年度报告"
    assert (district.uy.unit_name, district.uy.year, district.version) == ("示例区", 2021, "2021")
    assert "三行" in district.version_evidence or "three rows" in district.version_evidence
    assert {k: r.numbers for k, r in district.tables.items()} == {
        "A": [1],
        "B": [2],
        "C": [3],
    }  # the script's table is ignored
    assert len(district.uy.table_b) == 174 and len(district.uy.table_c) == 15
    assert district.uy.b("new_received", "natural_person") == 487  # <p><span> inside the cell
    assert district.uy.b("other_other", "total") == 11  # 「3.其它」
    assert district.uy.b("withheld_security", "total") == 55  # 危及"三安全<br>一稳定"
    assert district.uy.b("carried_forward", "natural_person") == 4  # 四、结转下年度<br/>继续办理
    assert district.uy.a("regulations", "issued") == 0  # 规&nbsp;&nbsp;章, &nbsp;0
    assert not any("pg电子" in p for st in district.uy.statements.values() for p in [st.source or ""])


def test_unreadable_cells_are_reported_not_fixed(district):
    fee = at(district, "A1", "第二十条第（八）项 行政事业性收费", "本年收费金额（单位：万元）")
    assert (fee.found, fee.expected, fee.location.cell) == ("251000元", "以万元计的非负数", "第1个表格第14行第2列")
    assert "单位" in fee.note
    assert district.uy.a("fees", "fee_amount") is None  # unknown, not 251000 and not 25.1
    blank = at(district, "B4", "（一）予以公开", "自然人")  # the row's total says the blank is no zero
    assert (blank.found, blank.expected, blank.location.cell, blank.severity) == (
        None,
        20,
        "第2个表格第6行第4列",
        "error",
    )
    assert "空白" in blank.note and "不能按0计" in blank.note
    assert not [
        f for f in by_rule(district, "B1") if f.location.row == "（一）予以公开"
    ]  # its total is not called wrong


def test_tables_that_do_not_add_up(district):
    b1 = at(district, "B1", "（三）不予公开 2.其他法律行政法规禁止公开")
    assert (b1.found, b1.expected, b1.location.cell) == (29, 28, "第2个表格第9行第10列")
    b1 = at(district, "B1", "四、结转下年度继续办理")
    assert (b1.found, b1.expected) == (6, 7)
    b2 = at(district, "B2", "（七）总计", "总计")
    assert (b2.found, b2.expected) == (665, 666)
    b3 = at(district, "B3", "四、结转下年度继续办理", "自然人")
    assert (b3.found, b3.expected) == (4, 3)
    c1 = at(district, "C1", "行政诉讼·未经复议直接起诉", "总计")
    assert (c1.found, c1.expected, c1.location.cell) == (8, 7, "第3个表格第4行第10列")


def test_narrative_against_the_tables(district):
    t1 = at(district, "T1", "一、本年新收政府信息公开申请数量")
    assert (t1.location.table, t1.found, t1.expected, t1.location.cell) == ("text", 672, 671, "正文第8段")
    assert t1.location.quote == "本机关共收到政府信息公开申请672件"
    t3 = at(district, "T3", "不予公开占比")  # the count and the share that follows it: one problem
    assert (t3.found, t3.expected, t3.location.quote) == (249, 250, "不予公开249件，占37.44%")
    assert "249÷665" in t3.note and "37.59%" in t3.note
    assert {f.location.row for f in by_rule(district, "T4")} == {"行政诉讼（合计）", "行政诉讼·未经复议直接起诉"}


def test_shares_recomputed_and_mismatches_explained(district):
    checks = {c.label: c for c in share_checks(district)}
    assert checks["予以公开占比"].verdict == "一致" and checks["纠错率"].verdict == "一致"
    assert (checks["自然人占比"].numerator, checks["自然人占比"].denominator) == (
        487,
        671,
    )  # the table's 一, not the narrative's 672
    assert "其中自然人申请487件" in checks["自然人占比"].note  # the words the numerator was read from
    unavailable = at(district, "T3", "无法提供占比")  # right when truncated: a warning
    assert unavailable.severity == "warning"
    assert "相差0.01个百分点" in unavailable.note and "截断" in unavailable.note
    other = at(district, "T3", "其他处理占比")  # right against the received total: a warning naming it
    assert other.severity == "warning" and "收到申请总数（74÷671）" in other.note
    assert not by_rule(district, "R1")


def test_text_report(district):
    text = format_text(district)
    assert "Format:    2021 version (国办公开办函〔2021〕30号)" in text
    assert (
        "Tables:    表一 (page table 1, 9 cells read); 表二 (page table 2, 174 cells read, 1 without a number); "
        "表三 (page table 3, 15 cells read)" in text
    )
    assert "无法提供占比: published 14.58%, 97÷665 → 截尾取值" in text
    assert f"Findings: {district.errors} errors, {district.warnings} warnings" in text


def test_json_and_exit_code(capsys):
    assert main(["audit", str(PAGES / "district_2021.html"), "--json", "-"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["format_version"] == "2021" and payload["unit_name"] == "示例区"
    assert payload["errors"] == 11
    rules = sorted({f["rule"] for f in payload["findings"]})
    assert rules == ["A1", "B1", "B2", "B3", "B4", "C1", "T1", "T3", "T4"]
    fee = next(f for f in payload["findings"] if f["rule"] == "A1")
    assert fee["location"]["cell"] == "第1个表格第14行第2列" and fee["found"] == "251000元"
    assert {s["verdict"] for s in payload["shares"]} >= {"一致", "截尾取值", "另一基数", "件数与表不符"}


# ---------------------------------------------------------------------------------------------
# the 2020 page (2019 format, Word HTML in a layout table, GBK)
# ---------------------------------------------------------------------------------------------


def test_gbk_word_page_in_the_2019_format(county):
    assert county.encoding == "gb18030"
    assert (county.uy.unit_name, county.uy.year, county.version) == ("示例县", 2020, "2019")
    assert "one row" in county.version_evidence
    assert county.uy.b("other", "total") == 75  # （六）其他处理 is one row in 2019
    assert county.uy.a("procurement", "procurement_amount") == Decimal("356.7")
    assert len(county.figures) == 20  # the narrative is inside the layout table


def test_2019_page_defects(county):
    a1 = at(county, "A1", "第二十条第（六）项 行政强制", "本年增/减")
    assert (a1.found, a1.expected) == (-25, "≥-20")
    (blanks,) = by_rule(county, "B4")  # a blank and a dash in an otherwise filled 表二: one warning, read as 0
    assert blanks.severity == "warning" and blanks.location.cell == "第3个表格"
    assert blanks.note.startswith("表二有2个空白单元格，按空白为0核对")
    assert "（一）予以公开1格" in blanks.note and "「—」" in blanks.note
    missing = at(county, "F1", "（五）不予处理 2.重复申请")
    assert missing.note == "表中没有这一行"
    share = at(county, "T3", "予以公开及部分公开占比")
    assert (share.found, share.expected, share.severity) == ("28.12%", "28.13%", "warning")
    assert "截断" in share.note
    assert not by_rule(county, "B2")  # a missing row leaves 不予处理 unknown: nothing to compare
    checks = {c.label: c for c in share_checks(county)}
    assert checks["不予处理占比"].verdict == "一致"


# ---------------------------------------------------------------------------------------------
# plain text
# ---------------------------------------------------------------------------------------------


def test_text_with_tables_in_lines():
    result = audit_file(PAGES / "district_2022.txt")
    assert result.kind == "text" and set(result.tables) == {"B", "C"}
    assert result.uy.b("other_other", "natural_person") == 44 and result.uy.c("litigation_direct", "total") == 7
    (t2,) = by_rule(result, "T2")
    assert (t2.found, t2.expected) == (752, 757)
    (t3,) = by_rule(result, "T3")  # the share agrees with the narrative's own answered count: a warning
    assert "正文所列答复数（86÷752）" in t3.note and t3.severity == "warning"
    assert sorted(f.rule for f in result.findings if not f.is_error) == ["F1", "T3"]  # 表一 not found


def test_narrative_only_report():
    """The seed's published paragraphs: no tables, so the narrative is checked against itself."""
    result = audit_file(PAGES / "city_2020.txt")
    assert (result.uy.unit, result.uy.year, result.version) == ("shanghai", 2020, "2019")
    told = {s.subject: int(s.value) for s in result.uy.statements_of("count")}
    assert told["B.new_received.total"] == 29130 and told["B.total.total"] == 28406
    assert told["B.carried_in.total"] == 1400 and told["B.carried_forward.total"] == 2124
    assert told["C.litigation_direct.total"] == 442 and told["C.review.corrected"] == 42
    errors = [f for f in result.findings if f.is_error]
    assert [(f.rule, f.found, f.expected) for f in errors] == [("R1", "3.14%", "3.35%")]
    assert errors[0].location.quote == "纠错率3.14%"
    assert (
        "结果纠正23件" in errors[0].note and "一审行政诉讼案件687件" in errors[0].note
    )  # numerator and base, in words
    verdicts = {c.label: c.verdict for c in share_checks(result)}
    assert verdicts["予以公开及部分公开占比"] == "一致"  # 11796 / 28406 from the narrative's own counts


# ---------------------------------------------------------------------------------------------
# import, HTML, pages
# ---------------------------------------------------------------------------------------------


def test_import_refuses_errors_unless_forced(tmp_path, capsys):
    data = tmp_path / "data"
    page = PAGES / "district_2021.html"
    assert main(["audit", str(page), "--data", str(data), "--unit", "demo_district", "--import"]) == 1
    assert "nothing was written" in capsys.readouterr().err and not data.exists()
    assert main(["audit", str(page), "--data", str(data), "--unit", "demo_district", "--import", "--force"]) == 1
    saved = load_unit_year(data / "units" / "demo_district" / "2021.yaml")
    assert saved.b("withheld_prohibited", "total") == 29  # as published
    assert saved.b("granted", "natural_person") is None and saved.a("fees", "fee_amount") is None  # unreadable: unknown
    assert saved.statements["count_received"].value == 672  # the narrative's figures come along
    assert main(["check", "--data", str(data)]) == 1  # and `nianbao check` finds the same problems


def test_two_reports_in_one_page_are_refused(tmp_path):
    page = (PAGES / "district_2021.html").read_text(encoding="utf-8")
    doubled = tmp_path / "two.html"
    doubled.write_text(page.replace("</body>", page.split("<body>")[1]), encoding="utf-8")
    with pytest.raises(AuditError, match=r"holds 2 copies of 表二 \(page tables 2、5\)"):
        audit_file(doubled)


def test_grid_expands_spans():
    page = parse_html("<table><tr><td rowspan=2>a</td><td colspan=2>b</td></tr><tr><td>c</td><td>d</td></tr></table>")
    g = grid(page.tables[0])
    assert [[c.text for c in row] for row in g] == [["a", "b", "b"], ["a", "c", "d"]]


def test_audit_html_is_escaped(tmp_path):
    page = (PAGES / "district_2021.html").read_text(encoding="utf-8")
    row = '<tr><td colspan="3">四、结转下年度<br/>继续办理</td>'
    evil = page.replace(
        row, '<tr><td colspan="3">&lt;img src=x onerror=alert(1)&gt;</td>' + "<td>1</td>" * 7 + "</tr>" + row
    )
    path = tmp_path / "evil.html"
    path.write_text(evil, encoding="utf-8")
    result = audit_file(path)
    (f,) = [f for f in by_rule(result, "F1") if f.found and "img" in f.found]
    assert f.found == "<img src=x onerror=alert(1)>" and f.severity == "warning"
    html = view.side_by_side(result, "B").html + view.all_findings(result).html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'class="nb-flag"' in html


@pytest.mark.slow
def test_audit_notebook_exports_html_and_pdf(tmp_path):
    from pypdf import PdfReader

    from nianbao.audit.export import export_audit

    written = export_audit(PAGES / "district_2021.html", html=tmp_path / "a.html", pdf=tmp_path / "a.pdf")
    html = written["html"].read_text(encoding="utf-8")
    assert "年度报告审核" in html and "表二　收到和处理政府信息公开申请情况" in html
    assert "251000元" in html and 'class="nb-flag"' in html and "<script" not in html
    text = "".join(p.extract_text() for p in PdfReader(written["pdf"]).pages)
    assert "正文第8段" in text and "14.59%" in text
