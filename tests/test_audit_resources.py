"""The audit's work is bounded by its input: spans are capped by the table's real extent, a grid
has a size limit, a page of thousands of tables gets a short error line. (Times and memory are
measured in bench/bench_audit.py, not asserted here.)"""

from __future__ import annotations

import pytest

from nianbao.audit import AuditError, audit_file
from nianbao.audit.page import MAX_GRID, Cell, Table, TableTooLarge, grid, parse_html

HEAD = "<tr><td>项目</td>" + "".join(
    f"<td>{c}</td>" for c in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
) + "</tr>"  # fmt: skip


def test_spans_are_capped_by_the_tables_extent():
    rows = '<tr><td rowspan="100000" colspan="99999">一、本年新收政府信息公开申请数量</td>' + "<td>1</td>" * 7 + "</tr>"
    page = parse_html(f"<table>{HEAD}{rows * 2000}</table>")
    g = grid(page.tables[0])
    assert len(g) == 2001
    assert max(len(line) for line in g) <= 2 * (8 + 7)  # twice the widest row's own cells, no more
    assert sum(len(line) for line in g) < 70_000
    assert "超出表格范围" in page.tables[0].notes[-1]


def test_a_grid_beyond_its_limit_is_refused_not_built():
    wide = [Cell("x", colspan=1) for _ in range(2000)]
    table = Table(1, [list(wide) for _ in range(MAX_GRID // 2000 + 2)])
    with pytest.raises(TableTooLarge, match="未读取"):
        grid(table)


def test_a_page_of_thousands_of_tables_gets_a_short_error_line(tmp_path):
    table = (
        "<table><tr><td>行政复议</td><td>尚未审结</td><td>总计</td></tr><tr><td>0</td><td>0</td><td>0</td></tr></table>"
    )
    page = tmp_path / "many.html"
    page.write_text(f"<html><body>{table * 5000}</body></html>", encoding="utf-8")
    with pytest.raises(AuditError) as caught:
        audit_file(page)
    message = str(caught.value)
    assert len(message) < 300 and "at least" in message and "…" in message


def test_absurd_spans_in_the_official_table_are_cut_and_said(tmp_path):
    rows = (
        '<tr><td rowspan="100000" colspan="99999">一、本年新收政府信息公开申请数量</td>'
        + "<td>1</td>" * 6
        + "<td>6</td></tr>"
    )
    page = tmp_path / "spans.html"
    page.write_text(f"<html><body><p>2023年示例区政府信息公开工作年度报告</p><table>{HEAD}{rows * 500}</table></body></html>",
                    encoding="utf-8")  # fmt: skip
    result = audit_file(page)
    assert any("超出表格范围" in note for note in result.notes)  # cut, and said so
    assert "B" in result.tables
