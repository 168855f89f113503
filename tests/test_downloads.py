"""Downloads: every displayed table also as CSV (UTF-8 with BOM) and XLSX, official labels as
headers, values as shown, unknown blank, formula-looking text made safe, numbers kept numeric,
and a 「示例数据」 note on files made from synthetic data."""

import csv
import io
from decimal import Decimal

import nbformat
import openpyxl
import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

from nianbao.content import tables
from nianbao.content.markup import HtmlTable
from nianbao.render import downloads
from nianbao.render import html as export

TRICKY = pd.DataFrame(
    {
        "项目": ['=HYPERLINK("http://x","点我")', "+1+2", "-abc", "@SUM(A1)", "正常文字", "—"],
        "件数": [5, -5, None, 0, 12, None],
        "占比（%）": [Decimal("41.50"), "-3.5", None, "0.00", "12.25", None],
    },
    dtype=object,
)


def _notebook(*tables: HtmlTable, synthetic_notice: bool = False):
    """An executed notebook as the kernel would leave it after displaying ``tables``."""
    fmt = DisplayFormatter()
    outputs = []
    if synthetic_notice:
        outputs.append(
            nbformat.v4.new_output("display_data", data={"text/html": '<div class="synthetic-notice">示例数据</div>'})
        )
    for table in tables:
        data, metadata = fmt.format(table)
        outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("tables")
    cell.outputs = outputs
    nb.cells = [cell]
    return nb


def _csv_rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese labels correctly
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_a_displayed_table_carries_its_data_and_the_html_page_does_not_show_it(shanghai):
    table = tables.table_b(shanghai)
    data, _ = DisplayFormatter().format(table)
    assert set(data) >= {"text/html", "text/plain", downloads.TABLE_MIME}
    payload = data[downloads.TABLE_MIME]
    assert payload["title"] == "表二　收到和处理政府信息公开申请情况"
    assert payload["header"] == [
        "项目",
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert ["一、本年新收政府信息公开申请数量", None, None, None, None, None, None, 29130] in payload["rows"]
    fragment = export.notebook_fragment(_notebook(table))
    assert "29130" in fragment and "收到和处理政府信息公开申请情况" in fragment
    assert downloads.TABLE_MIME not in fragment and '"header"' not in fragment and "application/vnd" not in fragment


def test_csv_headers_values_and_formula_safety(tmp_path):
    html = '<div class="table-title">测试表</div><table></table>'
    written = downloads.write_downloads(_notebook(HtmlTable(html, TRICKY, "tricky")), tmp_path, "03_test")
    rows = _csv_rows(written.csv[0])
    assert written.csv[0] == tmp_path / "csv" / "03_test" / "01_tricky.csv"
    assert rows[0] == ["项目", "件数", "占比（%）"]  # real data: the header comes first, no note row
    assert rows[1] == ['\'=HYPERLINK("http://x","点我")', "5", "41.50"]
    assert rows[2] == ["'+1+2", "-5", "-3.5"]  # text made safe; negative numbers stay numbers
    assert rows[3] == ["'-abc", "", ""]  # unknown is blank, never 0
    assert rows[4] == ["'@SUM(A1)", "0", "0.00"]
    assert rows[5] == ["正常文字", "12", "12.25"]
    assert rows[6] == ["—", "", ""]


def test_xlsx_keeps_numbers_numeric_and_runs_nothing(tmp_path):
    html = '<div class="table-title">测试表</div><table></table>'
    written = downloads.write_downloads(_notebook(HtmlTable(html, TRICKY, "tricky")), tmp_path, "03_test", label="报告")
    wb = openpyxl.load_workbook(written.xlsx)
    assert wb.sheetnames == ["说明", "01 测试表"]
    ws = wb["01 测试表"]
    assert [c.value for c in ws[1]] == ["项目", "件数", "占比（%）"]
    assert [c.value for c in ws[2]] == ['\'=HYPERLINK("http://x","点我")', 5, 41.5]
    assert ws["B3"].value == -5 and ws["C3"].value == -3.5  # numbers, not text
    assert ws["C2"].number_format == "0.00"  # shown with the decimals it was given
    assert ws["B4"].value is None
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))), cell.value
    assert wb["说明"]["A1"].value == "报告"


def test_synthetic_files_say_so(tmp_path, shanghai):
    nb = _notebook(tables.table_c(shanghai), synthetic_notice=True)
    written = downloads.write_downloads(nb, tmp_path, "04_review")
    rows = _csv_rows(written.csv[0])
    assert rows[0] == ["示例数据：本表数据为程序生成的合成数据，仅用于演示，不是真实统计。"]
    assert rows[1] == ["类别", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert rows[2] == ["行政复议", "", "42", "", "", "813"]
    wb = openpyxl.load_workbook(written.xlsx)
    assert "示例数据" in wb["说明"]["A2"].value
    sheet = wb.worksheets[1]
    assert "示例数据" in sheet["A1"].value and sheet["A2"].value == "类别"
    assert downloads.write_downloads(nb, tmp_path, "04_review", synthetic=False).xlsx is not None
    assert _csv_rows(written.csv[0])[0][0] == "类别"  # told it is real: no note


def test_tables_keep_their_order_and_stale_csvs_go(tmp_path, shanghai):
    nb = _notebook(tables.table_b(shanghai), tables.dispositions(shanghai), tables.table_c(shanghai))
    written = downloads.write_downloads(nb, tmp_path, "03_applications")
    assert [p.name for p in written.csv] == ["01_table_b.csv", "02_dispositions.csv", "03_table_c.csv"]
    written = downloads.write_downloads(_notebook(tables.table_b(shanghai)), tmp_path, "03_applications")
    assert sorted(p.name for p in (tmp_path / "csv" / "03_applications").iterdir()) == ["01_table_b.csv"]
    assert downloads.write_downloads(_notebook(), tmp_path, "03_applications").xlsx is None
    assert not (tmp_path / "03_applications.xlsx").exists()


@pytest.mark.parametrize("text, safe", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-x", "'-x"), ("@a", "'@a"),
                                        ("\tx", "'\tx"), ("a=b", "a=b"), ("", "")])  # fmt: skip
def test_safe_text(text, safe):
    assert downloads.safe_text(text) == safe


def test_cell_values():
    assert downloads.cell_value(-7) == -7
    assert downloads.cell_value("-7") == -7 and downloads.cell_value("41.53") == 41.53
    assert downloads.cell_value("-7件") == "'-7件"
    assert downloads.cell_value(None) is None
