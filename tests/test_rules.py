"""Every rule of DOMAIN.md section 4 with a case that passes and a case that fails, in both format
versions; findings carry what a reader needs (rule, severity, unit-year, labels, values, formula)."""

import copy
import json
from decimal import Decimal

import pytest

from nianbao.cli import main
from nianbao.data.model import Statement, UnitYear
from nianbao.data.store import DataStore
from nianbao.data.writing import save_unit_year
from nianbao.format import schema
from nianbao.rules import RULES, check_unit_year
from nianbao.rules.check import DataHasErrors, check_data, data_file_locator, findings_for, report_gate

ALL_RULES = ["B1", "B2", "B3", "B4", "C1", "A1", "X1", "X2", "G1", "T1", "T2", "T3", "T4", "R1"]


@pytest.fixture
def full(fixture_data) -> UnitYear:
    """A fully filled, rule-consistent 2021-format unit-year."""
    return DataStore(fixture_data).load("demo_district", 2021)


@pytest.fixture
def prev_and_next(fixture_data):
    store = DataStore(fixture_data)
    return store.load("demo_district", 2021), store.load("demo_district", 2022)


def to_2019(uy: UnitYear) -> UnitYear:
    """The same figures in the 2019 format: （六）其他处理 as one row, Table A left out."""
    out = copy.deepcopy(uy)
    out.format_version, out.table_a = "2019", {}
    for col in schema.TABLE_B_COLUMN_IDS:
        parts = [out.table_b.pop((r, col)) for r in ("other_no_correction", "other_no_fee", "other_other")]
        out.table_b[("other", col)] = sum(parts)
    return out


def run(uy, rule, **kwargs):
    return check_unit_year(uy, rules=[rule], **kwargs)


def test_every_rule_is_registered_with_its_formula():
    assert ALL_RULES == list(RULES)
    for rule in RULES.values():
        assert rule.severity in ("error", "warning") and rule.formula and rule.title
    assert RULES["B3"].formula.startswith("一、本年新收 + 二、上年结转 = （七）总计 + 四")
    assert {r for r, x in RULES.items() if x.severity == "warning"} == {"X1", "X2", "G1"}


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_consistent_data_passes_every_rule(full, version):
    uy = full if version == "2021" else to_2019(full)
    assert check_unit_year(uy) == []


# ---------------------------------------------------------------------------------------------
# B1 – B4, C1, A1
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_b1_row_total_must_be_the_sum_of_the_applicants(full, version):
    uy = full if version == "2021" else to_2019(full)
    uy.table_b[("withheld_security", "total")] = 56  # 41 + 9 + 0 + 0 + 4 + 1 = 55
    (f,) = run(uy, "B1")
    assert (f.rule, f.severity, f.unit, f.year) == ("B1", "error", "demo_district", 2021)
    assert (f.location.table, f.location.row, f.location.column) == ("B", "（三）不予公开 3.危及“三安全一稳定”", "总计")
    assert (f.found, f.expected) == (56, 55)
    assert f.formula == "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他"
    assert "相差1" in f.note


def test_b1_with_unknown_parts_checks_only_what_is_known(full):
    uy = full
    uy.table_b[("granted", "research")] = 0
    del uy.table_b[("granted", "natural_person")]  # unknown, not 0
    assert run(uy, "B1") == []
    uy.table_b[("granted", "total")] = 5  # the known parts 1 + 0 + 1 + 3 + 1 = 6 already exceed it
    (f,) = run(uy, "B1")
    assert f.expected == "≥6" and "另有1项未公布" in f.note


def test_b2_uses_group_totals_known_without_their_rows(shanghai):
    """Shanghai 2020 publishes category totals only: fine as they are, and they must add up."""
    assert run(shanghai, "B2") == []
    uy = copy.deepcopy(shanghai)
    uy.table_b_groups[("withheld", "total")] = 1096
    (f,) = run(uy, "B2")
    assert (f.location.row, f.found, f.expected) == ("（七）总计", 28406, 28407)


def test_b2_a_stated_group_total_must_agree_with_its_fully_known_rows(full):
    full.table_b_groups[("withheld", "total")] = 249  # its eight rows add up to 249
    assert run(full, "B2") == []
    full.table_b_groups[("withheld", "total")] = 250
    (f,) = run(full, "B2")
    assert (f.location.row, f.location.column, f.found, f.expected) == ("（三）不予公开（合计）", "总计", 250, 249)
    assert f.formula.startswith("（三）不予公开（合计） = 1.属于国家秘密 + ")


def test_b2_a_known_group_total_with_unknown_rows_is_fine(full):
    for row in schema.TABLE_B["2021"].group("unavailable").rows:
        del full.table_b[(row, "total")]
    full.table_b_groups[("unavailable", "total")] = 97
    assert run(full, "B2") == []
    full.table_b_groups[("unavailable", "total")] = 98
    (f,) = run(full, "B2")
    assert (f.location.row, f.found, f.expected) == ("（七）总计", 665, 666)


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_b2_column_total(full, version):
    uy = full if version == "2021" else to_2019(full)
    uy.table_b[("total", "commercial")] = 105
    findings = run(uy, "B2")
    assert [(f.location.row, f.location.column, f.found, f.expected) for f in findings] == [
        ("（七）总计", "商业企业", 105, 104)
    ]


def test_b3_the_printed_balance(full):
    full.table_b[("carried_forward", "legal_services")] = 2  # 38 + 0 = 37 + 1
    (f,) = run(full, "B3")
    assert (f.location.row, f.location.column, f.found, f.expected) == ("四、结转下年度继续办理", "法律服务机构", 2, 1)
    assert "一 + 二 = 38" in f.note
    assert f.location.cell is None  # no source given


def test_b3_with_carried_forward_unknown_total_must_not_exceed_what_was_there(shanghai):
    assert run(shanghai, "B3") == []
    uy = copy.deepcopy(shanghai)
    del uy.table_b[("carried_forward", "total")]
    uy.table_b[("total", "total")] = 30531
    (f,) = run(uy, "B3")
    assert f.expected == "≤30530"


def test_b4_counts_are_non_negative_whole_numbers(full):
    assert run(full, "B4") == []
    full.table_b[("granted", "research")] = -1
    full.table_c[("review", "pending")] = Decimal("1.5")
    found = {(f.location.table, f.location.column, f.found) for f in run(full, "B4")}
    assert found == {("B", "科研机构", "-1"), ("C", "尚未审结", "1.5")}


def test_c1_block_total(full):
    assert run(full, "C1") == []
    full.table_c[("litigation_after_review", "total")] = 5
    (f,) = run(full, "C1")
    assert (f.location.table, f.location.row, f.location.column, f.found, f.expected) == (
        "C",
        "行政诉讼·复议后起诉",
        "总计",
        5,
        4,
    )
    assert f.formula == "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"


def test_a1_table_a_values(full):
    assert run(full, "A1") == []
    full.table_a[("fees", "fee_amount")] = Decimal("-1")
    full.table_a[("licensing", "decisions")] = Decimal("3.5")
    found = {(f.location.column, f.expected) for f in run(full, "A1")}
    assert found == {("本年收费金额（单位：万元）", "以万元计的非负数"), ("本年处理决定数量", "非负整数")}


def test_a1_2019_change_may_be_negative_but_not_below_zero_items(shanghai):
    assert run(shanghai, "A1") == []  # 行政许可 893 and −183
    uy = copy.deepcopy(shanghai)
    uy.table_a[("fees", "change")] = -50  # 49 items last year
    (f,) = run(uy, "A1")
    assert (f.location.row, f.location.column, f.found, f.expected) == (
        "第二十条第（八）项 行政事业性收费",
        "本年增/减",
        -50,
        "≥-49",
    )


# ---------------------------------------------------------------------------------------------
# X1, X2, G1
# ---------------------------------------------------------------------------------------------


def test_x1_carried_in_equals_last_years_carried_forward(prev_and_next):
    before, now = prev_and_next
    assert run(now, "X1", prev=before) == []
    now.table_b[("carried_in", "research")] = 0  # 2021 carried 1 forward
    (f,) = run(now, "X1", prev=before)
    assert (f.severity, f.location.row, f.location.column, f.found, f.expected) == (
        "warning",
        "二、上年结转政府信息公开申请数量",
        "科研机构",
        0,
        1,
    )
    assert run(now, "X1") == []  # no previous year: nothing to compare


def test_x2_documents_in_force(prev_and_next):
    before, now = prev_and_next
    (f,) = run(now, "X2", prev=before)  # 41 + 6 − 2 = 45, published 42: amendments may explain it
    assert (f.severity, f.found, f.expected) == ("warning", 42, 45)
    assert "修订" in f.note
    now.table_a[("normative_documents", "in_force")] = 45
    assert run(now, "X2", prev=before) == []
    now.table_a[("normative_documents", "in_force")] = 50
    (f,) = run(now, "X2", prev=before)
    assert "修订" not in f.note


def test_x2_2019_items_carry_over(shanghai):
    before = UnitYear(
        "shanghai", "上海市", 2019, "2019", table_a={("licensing", "prev_items"): 900, ("licensing", "change"): -7}
    )
    assert run(shanghai, "X2", prev=before) == []  # 900 − 7 = 893
    before.table_a[("licensing", "change")] = -5
    (f,) = run(shanghai, "X2", prev=before)
    assert (f.location.column, f.found, f.expected) == ("上一年项目数量", 893, 895)


def test_g1_compiled_cells_are_sums_of_the_units(full):
    a, b = copy.deepcopy(full), copy.deepcopy(full)
    city = copy.deepcopy(full)
    for key, value in full.table_b.items():
        city.table_b[key] = 2 * value
    for key, value in full.table_c.items():
        city.table_c[key] = 2 * value
    assert run(city, "G1", members=[a, b]) == []
    city.table_c[("review", "total")] = 31
    (f,) = run(city, "G1", members=[a, b])
    assert (f.severity, f.location.table, f.location.row, f.found, f.expected) == ("warning", "C", "行政复议", 31, 30)
    assert "2个组成单位" in f.note


# ---------------------------------------------------------------------------------------------
# T1 – T4, R1
# ---------------------------------------------------------------------------------------------


def count(sid, subject, value, source="正文"):
    return Statement(sid, "count", sid, Decimal(value), unit="件", subject=subject, source=source)


@pytest.mark.parametrize(
    "rule,subject,right,wrong",
    [
        ("T1", "B.new_received.total", 671, 672),
        ("T1", "B.carried_in.total", 0, 1),
        ("T2", "B.total.total", 665, 664),
        ("T2", "B.carried_forward.total", 6, 7),
        ("T3", "BG.withheld.total", 249, 250),
        ("T3", "B.granted.total", 26, 27),
        ("T4", "C.review.total", 15, 16),
        ("T4", "C.litigation.total", 11, 12),
        ("T4", "C.litigation_direct.corrected", 1, 0),
    ],
)
def test_narrative_counts_against_the_tables(full, rule, subject, right, wrong):
    full.statements["n"] = count("n", subject, right)
    assert run(full, rule) == []
    full.statements["n"] = count("n", subject, wrong, source="收到申请672件")
    (f,) = run(full, rule)
    assert (f.rule, f.location.table, f.found, f.expected) == (rule, "text", wrong, right)
    assert f.location.quote == "收到申请672件"
    assert all(run(full, other) == [] for other in ("T1", "T2", "T3", "T4") if other != rule)


def share(sid, numerator, value, denominator="B.total.total"):
    return Statement(
        sid, "share", f"{sid}占比", Decimal(value), numerator=numerator, denominator=denominator, source=f"占{value}%"
    )


def test_t3_shares_are_recomputed_half_up_at_the_published_precision(full):
    full.statements["s"] = share("s", "BG.unavailable.total", "14.59")  # 97 / 665 = 14.586…
    assert run(full, "T3") == []
    full.statements["s"] = share("s", "BG.unavailable.total", "14.6")  # one decimal
    assert run(full, "T3") == []
    full.statements["s"] = share("s", "BG.unavailable.total", "14.58")
    (f,) = run(full, "T3")
    assert (f.found, f.expected) == ("14.58%", "14.59%")
    assert "相差0.01个百分点" in f.note and "截尾" in f.note


def test_t3_names_another_base_that_explains_the_share(full):
    full.statements["s"] = share("s", "BG.other.total", "11.03")  # 74 / 671 (一), not / 665 (（七）)
    (f,) = run(full, "T3")
    assert "一、本年新收（74÷671）" in f.note


def test_t3_float_rounding_is_named():
    uy = UnitYear(
        "u", "单位", 2021, "2021", table_b={("total", "total"): 800}, table_b_groups={("disclosed", "total"): 225}
    )
    uy.statements["s"] = share("s", "BG.disclosed.total", "28.12")  # 28.125 → 28.13 half-up
    (f,) = run(uy, "T3")
    assert f.expected == "28.13%" and "round()" in f.note


def test_r1_other_rates(shanghai):
    (f,) = run(shanghai, "R1")  # 一审纠错率 3.14% against 23 / 687 = 3.35%, kept as published
    assert (f.severity, f.found, f.expected) == ("warning", "3.14%", "3.35%")
    assert "原文如此" in f.note
    uy = copy.deepcopy(shanghai)
    uy.statements["rate_first_instance_corrected"].acknowledged = None
    (f,) = run(uy, "R1")
    assert f.severity == "error"
    uy.statements["rate_first_instance_corrected"].value = Decimal("3.35")
    assert run(uy, "R1") == []


def test_r1_names_the_settled_cases_as_another_base(full):
    full.statements["r"] = Statement(
        "r", "rate", "行政复议纠错率", Decimal("14.29"), numerator="C.review.corrected", denominator="C.review.total"
    )  # 2 / 14 (settled), not 2 / 15
    (f,) = run(full, "R1")
    assert "已审结件数" in f.note


# ---------------------------------------------------------------------------------------------
# the check command and API
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def broken_data(tmp_path, fixture_data):
    store = DataStore(fixture_data)
    for year in (2021, 2022):
        uy = store.load("demo_district", year)
        if year == 2021:
            uy.table_b[("granted", "total")] = 27
        save_unit_year(uy, tmp_path)
    return tmp_path


def test_check_text_names_file_key_and_labels(broken_data, capsys):
    code = main(["check", "--data", str(broken_data)])
    out = capsys.readouterr().out
    assert code == 1
    assert "units/demo_district/2021.yaml — 示例区 2021 (format 2021): 2 errors, 0 warnings" in out
    assert "B1  表二 收到和处理政府信息公开申请情况 「（一）予以公开」 × 「总计」 [table_b.granted.total]" in out
    assert "found 27, expected 26" in out
    assert "Checked 2 unit-years" in out and "2 errors, 1 warning" in out


def test_check_json(broken_data, capsys):
    assert main(["check", "--data", str(broken_data), "--json", "-"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["errors"] == 2 and payload["warnings"] == 1
    first = payload["findings"][0]
    assert (
        first["rule"] == "B1" and first["location"]["row"] == "（一）予以公开" and first["location"]["column"] == "总计"
    )
    assert first["expected"] == 26 and first["found"] == 27 and first["formula"].startswith("总计 =")
    assert payload["rules"]["B3"]["severity"] == "error"


def test_check_one_unit_year_and_exit_codes(broken_data, fixture_data, capsys):
    assert main(["check", "--data", str(fixture_data), "--unit", "示例区", "--year", "2021"]) == 0
    assert main(["check", "--data", str(broken_data), "--unit", "demo_district", "--year", "2022"]) == 0
    assert main(["check", "--data", str(broken_data), "--unit", "demo_district", "--year", "2022", "--strict"]) == 1
    assert main(["check", "--data", str(broken_data), "--rules", "X1,B3"]) == 0
    assert main(["check", "--data", str(broken_data), "--rules", "Z9"]) == 2
    assert main(["check", "--data", str(broken_data), "--unit", "demo_district", "--year", "1999"]) == 2
    assert "no data for unit 'demo_district', year 1999" in capsys.readouterr().err


def test_check_reports_an_unreadable_file(broken_data, capsys):
    (broken_data / "units" / "demo_district" / "2023.yaml").write_text(
        "unit: demo_district\nyear: 2023\ntable_b: {granted: [1, 2]}\n", encoding="utf-8"
    )
    assert main(["check", "--data", str(broken_data)]) == 1  # a data error
    out = capsys.readouterr().out
    assert "2023.yaml: cannot be read" in out and "table_b.granted: 2 values, expected 7" in out


def test_default_data_passes_with_the_acknowledged_published_mismatch():
    result = check_data()
    assert result.errors == 0 and result.exit_code() == 0
    assert [f.rule for f in result.findings] == ["R1"]


def test_findings_for_and_the_report_gate(broken_data):
    found = findings_for("demo_district", 2021, broken_data)
    assert sorted(f.rule for f in found) == ["B1", "B2"]
    assert all(f.location.cell.startswith("table_b.") for f in found)
    with pytest.raises(DataHasErrors) as exc:
        report_gate("demo_district", 2021, broken_data)
    assert "has 2 errors" in str(exc.value) and "--force" in str(exc.value)
    assert len(report_gate("demo_district", 2021, broken_data, force=True)) == 2


def test_report_refuses_data_with_errors(broken_data, tmp_path, capsys):
    code = main(
        [
            "report",
            "--data",
            str(broken_data),
            "--unit",
            "demo_district",
            "--year",
            "2021",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 1  # a data error
    assert "has 2 errors" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_data_file_locator():
    assert data_file_locator("B", "group:withheld", "total") == "table_b_groups.withheld.total"
    assert data_file_locator("C", "review", "pending") == "table_c.review.pending"
    assert data_file_locator("text", "share_other", None) == "statements: share_other"
