"""The workbook template and its import: what the template looks like, the round trip template →
fill (with openpyxl) → import, tolerant reading, refusals naming sheet and cell, all or nothing."""

import hashlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from nianbao.cli import main
from nianbao.data.reading import load_unit_year
from nianbao.data.store import DataStore
from nianbao.data.writing import save_unit_year
from nianbao.excel.importer import WorkbookError, read_workbook
from nianbao.excel.layout import cell_of, workbook_layout
from nianbao.excel.template import build_workbook, write_template
from nianbao.format import schema


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(tmp_path, fixture_data) -> Path:
    """A data folder with the fixture unit's 2021 and 2022 files."""
    folder = tmp_path / "data"
    store = DataStore(fixture_data)
    for year in (2021, 2022):
        save_unit_year(store.load("demo_district", year), folder)
    return folder


@pytest.fixture
def blank_2023(tmp_path, data) -> Path:
    path, prefilled = write_template("demo_district", 2023, tmp_path / "t.xlsx", data_dir=data)
    assert prefilled is None
    return path


# ---------------------------------------------------------------------------------------------
# the template
# ---------------------------------------------------------------------------------------------


def test_template_looks_like_the_official_tables(blank_2023):
    wb = openpyxl.load_workbook(blank_2023)
    assert wb.sheetnames == ["说明", "表一", "表二", "表三", "nianbao"]
    assert wb["nianbao"].sheet_state == "hidden"
    b = wb["表二"]
    assert b["A3"].value == schema.TABLE_B_RULE_NOTE  # the 勾稽关系 note, top left
    merged = {str(r) for r in b.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5"} <= merged
    assert [b.cell(5, c).value for c in range(5, 10)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    labels = [b.cell(r, 3).value for r in range(10, 18)]
    assert labels == [r.label for r in schema.TABLE_B["2021"].rows if r.id.startswith("withheld_")]
    assert b["B26"].value == "（六）其他处理" and b["C28"].value == "3.其他"  # 2021: three rows under （六）
    assert b["A30"].value == "四、结转下年度继续办理"
    c = wb["表三"]
    assert (c["A3"].value, c["F3"].value, c["F4"].value, c["K4"].value) == (
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
    )
    a = wb["表一"]
    assert a["B16"].value is None and "万元" in a["B15"].value
    info = wb["说明"]
    assert (info["B3"].value, info["B4"].value, info["B5"].value, info["B6"].value) == (
        "demo_district",
        "示例区",
        2023,
        "2021",
    )


def test_template_input_cells_are_marked_and_validated(blank_2023):
    wb = openpyxl.load_workbook(blank_2023)
    b = wb["表二"]
    assert b["D6"].fill.fgColor.rgb.endswith("FFF2CC") and not b["C6"].fill.fgColor.rgb.endswith("FFF2CC")
    rules = {(dv.type, dv.operator, dv.formula1): str(dv.sqref) for dv in b.data_validations.dataValidation}
    assert ("whole", "between", "0") in rules and "D6" in rules[("whole", "between", "0")]
    a_rules = {(dv.type, dv.formula1) for dv in wb["表一"].data_validations.dataValidation}
    assert ("decimal", "0") in a_rules  # 收费金额 in 万元 with decimals


def test_template_version_follows_the_year_or_the_data(tmp_path, data):
    wb = build_workbook("x", "某区", 2020, "2019")
    assert wb["表二"]["B26"].value == "（六）其他处理" and wb["表二"]["B27"].value == "（七）总计"  # one row in 2019
    assert wb["表一"]["B4"].value == "本年新制作数量"
    path, _ = write_template("shanghai", 2020, tmp_path / "sh.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["说明"]["B6"].value == "2019" and wb["表二"]["J6"].value == 29130  # pre-filled from data/
    assert wb["表二"]["D6"].value is None  # unknown stays blank


def test_template_command(tmp_path, data, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["template", "--unit", "示例区", "--year", "2021", "--data", str(data), "-o", str(out)]) == 0
    assert "pre-filled from 2021.yaml" in capsys.readouterr().out
    assert openpyxl.load_workbook(out)["表二"]["J6"].value == 671


# ---------------------------------------------------------------------------------------------
# round trip and tolerant reading
# ---------------------------------------------------------------------------------------------


def fill(path: Path, uy) -> None:
    """Type every known figure of ``uy`` into the workbook, as a person would (openpyxl)."""
    wb = openpyxl.load_workbook(path)
    for layout in workbook_layout(uy.format_version):
        ws = wb[layout.name]
        for item in layout.inputs:
            value = {"A": uy.a, "B": uy.b, "C": uy.c}[item.table](item.row_id, item.col_id)
            ws[item.address] = float(value) if isinstance(value, Decimal) else value
    wb.save(path)


def test_round_trip_template_fill_import(tmp_path, data, fixture_data, capsys):
    source = DataStore(fixture_data).load("demo_district", 2021)
    path, _ = write_template("demo_district", 2023, tmp_path / "t.xlsx", data_dir=data)
    fill(path, source)
    assert main(["import", str(path), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "2023.yaml" in out and "10 Table A, 175 Table B and 15 Table C cells" in out
    got = load_unit_year(data / "units" / "demo_district" / "2023.yaml")
    assert (got.table_a, got.table_b, got.table_c) == (source.table_a, source.table_b, source.table_c)
    assert got.table_a[("fees", "fee_amount")] == Decimal("251.6")


def test_import_updates_tables_and_keeps_the_rest(tmp_path, data):
    path, prefilled = write_template("demo_district", 2021, tmp_path / "t.xlsx", data_dir=data)
    assert prefilled is not None
    wb = openpyxl.load_workbook(path)
    wb["表一"]["B9"] = 3542  # 行政许可
    wb.save(path)
    assert main(["import", str(path), "--data", str(data)]) == 0
    got = load_unit_year(data / "units" / "demo_district" / "2021.yaml")
    assert got.a("licensing", "decisions") == 3542
    assert got.figures["processing_fees"].value == 0 and got.items("problems")  # kept


def test_tolerant_reading(tmp_path, data):
    path, _ = write_template("demo_district", 2023, tmp_path / "t.xlsx", data_dir=data)
    wb = openpyxl.load_workbook(path)
    b = wb["表二"]
    b["D6"] = "４８７"  # full-width digits
    b["J6"] = "1,671"  # thousands separator
    b["E6"] = " 104 "  # a number stored as text, with spaces
    b["F6"] = "—"  # our own mark for unknown
    b["G6"] = 14.0  # a whole number stored as a float
    wb["表一"]["B16"] = "251.6"
    wb.save(path)
    uy = read_workbook(path).uy
    assert (
        uy.b("new_received", "natural_person"),
        uy.b("new_received", "total"),
        uy.b("new_received", "commercial"),
    ) == (487, 1671, 104)
    assert uy.b("new_received", "research") is None and uy.b("new_received", "public_interest") == 14
    assert uy.b("granted", "total") is None  # blank = unknown, not 0
    assert uy.a("fees", "fee_amount") == Decimal("251.6")


# ---------------------------------------------------------------------------------------------
# refusals
# ---------------------------------------------------------------------------------------------


def refused(path, **kwargs) -> str:
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path, **kwargs)
    return str(exc.value)


def test_refusals_name_sheet_and_cell(blank_2023):
    wb = openpyxl.load_workbook(blank_2023)
    wb["表一"]["B16"] = "251000元"
    wb["表二"]["E8"] = -3
    wb["表二"]["F8"] = "=SUM(D8:E8)"
    wb["表二"]["G8"] = "#REF!"
    wb["表二"]["H8"] = 2.5
    wb["表三"]["A6"] = 10**12
    wb.save(blank_2023)
    message = refused(blank_2023)
    assert "nothing was written" in message
    assert (
        "表一!B16: 「第二十条第（八）项 行政事业性收费」 × 「本年收费金额（单位：万元）」: 「251000元」 is a number with a unit"
        in message
    )
    assert "表二!E8: 「（一）予以公开」 × 「商业企业」: -3: a count cannot be negative" in message
    assert "表二!F8" in message and "holds a formula (=SUM(D8:E8)) with no computed value" in message
    assert "表二!G8" in message and "#REF!" in message
    assert "表二!H8" in message and "not a whole number" in message
    assert "表三!A6" in message and "implausibly large" in message


def test_moved_rows_and_wrong_sheets_are_refused(blank_2023):
    wb = openpyxl.load_workbook(blank_2023)
    wb["表二"].insert_rows(12)
    wb.save(blank_2023)
    message = refused(blank_2023)
    assert (
        "表二!C12: expected the row label 「3.危及“三安全一稳定”」, found a blank cell; that row label is now at 表二!C13"
        in message
    )


def test_a_different_unit_or_year_is_refused(blank_2023):
    assert "the workbook is for year 2023, not 2022" in refused(blank_2023, year=2022)
    assert "the workbook is for unit 'demo_district' (示例区), not 'shanghai'" in refused(blank_2023, unit="shanghai")
    wb = openpyxl.load_workbook(blank_2023)
    wb["说明"]["B5"] = 2024
    wb.save(blank_2023)
    assert "说明!B5: says year 2024, but the workbook was made for 2023" in refused(blank_2023)


def test_rule_errors_refuse_the_import_unless_forced(tmp_path, data, fixture_data, capsys):
    source = DataStore(fixture_data).load("demo_district", 2021)
    path, _ = write_template("demo_district", 2023, tmp_path / "t.xlsx", data_dir=data)
    fill(path, source)
    wb = openpyxl.load_workbook(path)
    wb["表二"]["J8"] = 27  # （一）予以公开 总计; its row adds up to 26
    wb.save(path)
    before = tree_digest(data)
    assert main(["import", str(path), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err and "[表二!J8]" in err and "found 27, expected 26" in err
    assert tree_digest(data) == before
    assert main(["import", str(path), "--data", str(data), "--force"]) == 1  # written, and the errors shown
    assert (data / "units" / "demo_district" / "2023.yaml").exists()
    assert "B1" in capsys.readouterr().out


def test_cell_of():
    assert cell_of("2021", "B", "granted", "total") == "表二!J8"
    assert cell_of("2019", "B", "other", "total") == "表二!J26"
    assert cell_of("2021", "C", "litigation_after_review", "total") == "表三!O6"
    assert cell_of("2021", "A", "fees", "fee_amount") == "表一!B16"
