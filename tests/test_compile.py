"""Compile: a parent's cells are the sums of its units' cells (hand-computed here), a sum is
unknown when any unit does not know its cell, rates are recomputed from the summed counts and
never summed, and stored parent figures that differ from the sums are reported (G1)."""

from decimal import Decimal

import pytest

from nianbao.cli import main
from nianbao.content.comparison import contributions_table
from nianbao.data.reading import load_unit_year
from nianbao.data.store import DataStore
from nianbao.data.writing import save_unit_year
from nianbao.rules import measures
from nianbao.workflows.compile import Cell, CompileError, compile_parent, compile_unit_year, merged_with_stored

REGISTRY = """units:
  - {id: city, name: 某市, level: city}
  - {id: east, name: 东区, level: district, parent: city}
  - {id: west, name: 西区, level: district, parent: city}
  - {id: north, name: 北区, level: district, parent: city}
"""
HEAD = "unit: {unit}\nunit_name: {name}\nyear: {year}\nsynthetic: false\n"
# columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
EAST = """
table_a:
  licensing: {decisions: 100}
  fees: {fee_amount: 12.5}
table_b:
  new_received: [10, 2, 0, 0, 1, 0, 13]
  carried_in: [1, 0, 0, 0, 0, 0, 1]
  granted: [4, 1, 0, 0, 0, 0, 5]
  partly_granted: [1, 0, 0, 0, 0, 0, 1]
  total: [11, 1, 0, 0, 1, 0, 13]
  carried_forward: [0, 1, 0, 0, 0, 0, 1]
table_b_groups:
  withheld: [~, ~, ~, ~, ~, ~, 2]   # published as a category total only
table_c:
  review: [3, 1, 1, 0, 5]
statements:
  - {id: share_disclosed, kind: share, label: 予以公开及部分公开占比, value: "46.15", numerator: BG.disclosed.total, denominator: B.total.total}
"""
WEST = """
table_a:
  licensing: {decisions: 50}
  fees: {fee_amount: 7.25}
table_b:
  new_received: [5, 1, 1, 0, 0, 0, 7]
  carried_in: [0, 0, 0, 0, 0, 0, 0]
  granted: [~, ~, ~, ~, ~, ~, 1]     # only the total is known
  partly_granted: [0, 0, 0, 0, 0, 0, 0]
  withheld_state_secret: [0, 0, 0, 0, 0, 0, 0]
  withheld_prohibited: [0, 0, 0, 0, 0, 0, 0]
  withheld_security: [0, 0, 0, 0, 0, 0, 0]
  withheld_third_party: [0, 0, 0, 0, 0, 0, 0]
  withheld_internal: [0, 0, 0, 0, 0, 0, 0]
  withheld_deliberative: [0, 0, 0, 0, 0, 0, 0]
  withheld_enforcement_file: [0, 0, 0, 0, 0, 0, 0]
  withheld_inquiry: [0, 0, 0, 0, 0, 0, 0]
  total: [5, 1, 1, 0, 0, 0, 7]
  carried_forward: [0, 0, 0, 0, 0, 0, 0]
table_c:
  review: [2, 0, 0, 1, 3]
"""
CITY = """heading_variant: long
table_b:
  new_received: [~, ~, ~, ~, ~, ~, 21]   # as published: one more than the districts add up to
table_c:
  review: [~, ~, ~, ~, 8]
narrative:
  problems: [文字保留]
"""


@pytest.fixture()
def data(tmp_path):
    (tmp_path / "units.yaml").write_text(REGISTRY, encoding="utf-8")
    for unit, name, body in (("east", "东区", EAST), ("west", "西区", WEST)):
        path = tmp_path / "units" / unit / "2022.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(HEAD.format(unit=unit, name=name, year=2022) + body, encoding="utf-8")
    return tmp_path


def _with_city(data):
    path = data / "units" / "city" / "2022.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(HEAD.format(unit="city", name="某市", year=2022) + CITY, encoding="utf-8")
    return path


def test_sums_are_the_hand_computed_cells(data):
    comp = compile_parent("某市", 2022, DataStore(data), allow_missing=True)
    uy = comp.unit_year
    assert (uy.unit, uy.unit_name, uy.format_version) == ("city", "某市", "2021")
    assert [uy.b("new_received", c) for c in ("natural_person", "commercial", "research", "public_interest",
                                              "legal_services", "other_org", "total")] == [15, 3, 1, 0, 1, 0, 20]  # fmt: skip
    assert uy.b("carried_in") == 1 and uy.b("total") == 20 and uy.b("carried_forward") == 1
    assert uy.b("granted") == 6  # 5 + 1: both units know the 总计 column
    assert uy.c("review") == 8 and uy.c("review", "corrected") == 1 and uy.c("review", "pending") == 1
    assert uy.a("licensing", "decisions") == 150
    assert uy.a("fees", "fee_amount") == Decimal("19.75")


def test_a_sum_is_unknown_when_a_unit_does_not_know_its_cell(data):
    comp = compile_parent("city", 2022, DataStore(data), allow_missing=True)
    uy = comp.unit_year
    assert uy.b("granted", "natural_person") is None  # west does not know it: never 4 + 0
    assert comp.unknown[Cell("B", "granted", "natural_person")] == ("west",)
    # east publishes 不予公开 as a category total only: rows unknown, the category total known
    assert uy.b("withheld_state_secret") is None
    assert comp.unknown[Cell("B", "withheld_state_secret", "total")] == ("east",)
    assert uy.b_group("withheld") == 2 and uy.b_group_is_stated("withheld")
    assert uy.b_group("withheld", "natural_person") is None
    assert uy.c("litigation_direct") is None  # nobody published it
    lines = "\n".join(comp.summary_lines({"east": "东区", "west": "西区"}))
    assert "west (西区) does not know it" in lines and "表二 （一）予以公开 / 自然人" in lines


def test_rates_are_recomputed_from_the_sums_never_summed(data):
    store = DataStore(data)
    east, west = store.load("east", 2022), store.load("west", 2022)
    city = compile_unit_year("city", 2022, store, allow_missing=True)
    rates = [measures.value(u, "disclosure_rate") for u in (east, west)]
    assert rates == [Decimal("46.15"), Decimal("14.29")]
    assert measures.value(city, "disclosure_rate") == Decimal("35.00")  # (6 + 1) ÷ (13 + 7)
    assert measures.value(city, "disclosure_rate") not in (sum(rates), sum(rates) / 2)
    assert measures.value(city, "review_correction_rate") == Decimal("12.50")  # 1 ÷ 8, not 20.00 + 0.00
    assert city.statements == {}  # a unit's published rate is not carried into the sum


def test_a_unit_without_data_is_not_silently_left_out(data):
    with pytest.raises(CompileError, match=r"north.*--allow-missing"):
        compile_parent("city", 2022, DataStore(data))
    comp = compile_parent("city", 2022, DataStore(data), allow_missing=True)
    assert comp.without_data == ("north",) and comp.included == ("east", "west")
    assert comp.unit_year.compiled_from == ("east", "west")
    assert "no data for: north (北区)" in "\n".join(comp.summary_lines({"north": "北区"}))
    # an explicit list of units
    assert compile_parent("city", 2022, DataStore(data), units=["东区"]).unit_year.b("total") == 13


def test_units_in_different_formats_cannot_be_summed(data):
    path = data / "units" / "west" / "2022.yaml"
    text = path.read_text(encoding="utf-8").replace("  fees: {fee_amount: 7.25}\n", "")  # not a 2019-format column
    path.write_text(text.replace("year: 2022\n", 'year: 2022\nformat_version: "2019"\n'), encoding="utf-8")
    with pytest.raises(CompileError, match="different format versions"):
        compile_parent("city", 2022, DataStore(data), allow_missing=True)


def test_stored_parent_figures_that_differ_are_reported_g1(data):
    _with_city(data)
    comp = compile_parent("city", 2022, DataStore(data), allow_missing=True)
    assert [(f.rule, f.location.row, f.location.column, f.found, f.expected) for f in comp.findings] == [
        ("G1", "一、本年新收政府信息公开申请数量", "总计", 21, 20)
    ]
    assert "stored 21, units sum to 20" in "\n".join(comp.summary_lines())


def test_write_refuses_to_overwrite_differing_figures_unless_asked(data, capsys):
    path = _with_city(data)
    before = path.read_bytes()
    args = ["compile", "--parent", "某市", "--year", "2022", "--data", str(data), "--allow-missing", "--write"]
    assert main(args) == 2
    assert "differ from the sums" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert main(args + ["--replace"]) == 0
    city = load_unit_year(path)
    assert city.compiled_from == ("east", "west")
    assert city.b("new_received") == 20 and city.b("new_received", "natural_person") == 15
    assert [i.text for i in city.items("problems")] == ["文字保留"] and city.heading_variant == "long"


def test_compiled_from_round_trips_through_the_data_file(data):
    comp = compile_parent("city", 2022, DataStore(data), allow_missing=True)
    path = save_unit_year(merged_with_stored(comp), data)
    assert "compiled_from: [east, west]" in path.read_text(encoding="utf-8")
    assert load_unit_year(path).compiled_from == ("east", "west")


def test_the_demo_city_is_what_compile_gives(demo_data):
    store = DataStore(demo_data)
    comp = compile_parent("shanghai", 2022, store)
    stored = store.load("shanghai", 2022)
    assert comp.findings == [] and comp.unknown == {}
    assert comp.unit_year.table_b == stored.table_b and comp.unit_year.table_c == stored.table_c
    assert comp.unit_year.synthetic


def test_contributions_table_for_a_compiled_report_only(data, shanghai):
    store = DataStore(data)
    comp = compile_parent("city", 2022, store, allow_missing=True)
    table = contributions_table(comp.unit_year, store)
    rows = table.frame.to_dict("records")
    assert [r["单位"] for r in rows] == ["东区", "西区", "合计（某市）"]
    assert [r["新收申请（件）"] for r in rows] == [13, 7, 20]
    assert [r["占合计（%）"] for r in rows] == [Decimal("65.00"), Decimal("35.00"), Decimal("100.00")]
    assert [r["公开率（%）"] for r in rows] == [Decimal("46.15"), Decimal("14.29"), Decimal("35.00")]
    assert "不是各单位公开率之和或平均" in table.html
    assert contributions_table(shanghai, DataStore()) is None
