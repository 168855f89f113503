"""The demo data set: deterministic, every unit and year, both formats, rule-consistent, chained
across years, the city the sum of its units, marked synthetic, and never beside real data."""

import random

import pytest

from nianbao.cli import main
from nianbao.data.reading import load_unit_year
from nianbao.data.store import DataStore
from nianbao.data.units import load_registry
from nianbao.data.writing import dump_unit_year
from nianbao.format import schema
from nianbao.rules import check_unit_year
from nianbao.workflows import demo


@pytest.fixture(scope="module")
def store(demo_data):
    return DataStore(demo_data)


def test_same_seed_same_data_other_seed_other_data():
    registry = load_registry()
    one = [dump_unit_year(uy) for uy in demo.generate((2020, 2021), registry=registry)]
    two = [dump_unit_year(uy) for uy in demo.generate((2020, 2021), registry=registry)]
    other = [dump_unit_year(uy) for uy in demo.generate((2020, 2021), seed=7, registry=registry)]
    assert one == two
    assert one != other


def test_every_unit_every_year_in_the_format_of_its_year(store):
    units = {u.id for u in load_registry()}
    assert set(store.units()) == units
    for unit in units:
        assert store.years(unit) == [2019, 2020, 2021, 2022, 2023]
    assert store.load("huangpu", 2020).format_version == "2019"
    assert store.load("huangpu", 2021).format_version == "2021"
    assert store.load("huangpu", 2020).b("other") is not None  # the 2019 format's single （六） row
    assert store.load("huangpu", 2021).b("other_no_correction") is not None


def test_every_rule_holds_on_every_unit_year(store):
    findings = []
    for unit, year in store.all():
        uy = store.load(unit, year)
        members = [store.load(u, year) for u in uy.compiled_from]
        findings += check_unit_year(uy, prev=store.try_load(unit, year - 1), members=members)
    assert findings == []


def test_carry_forwards_chain_cell_by_cell(store):
    for unit in ("pudong", "shanghai", "education"):
        for year in range(2020, 2024):
            before, now = store.load(unit, year - 1), store.load(unit, year)
            for col in schema.TABLE_B_COLUMN_IDS:
                assert now.b("carried_in", col) == before.b("carried_forward", col)


def test_units_with_no_applications_publish_zeros_not_blanks(store):
    for unit in demo.ZERO_UNITS:
        uy = store.load(unit, 2022)
        spec = uy.spec
        assert [uy.b(r, c) for r in spec.table_b.row_ids for c in schema.TABLE_B_COLUMN_IDS] == [0] * (
            len(spec.table_b.rows) * 7
        )
        assert set(uy.table_c.values()) == {0} and len(uy.table_c) == 15
        assert len(uy.table_a) == len(spec.table_a.cells()) and all(v == 0 for v in uy.table_a.values())
    ((unit, year),) = demo.ZERO_YEARS.items()
    assert store.load(unit, year).b("new_received") == 0
    assert store.load(unit, year - 1).b("carried_forward") == 0  # nothing carried into the empty year
    assert store.load(unit, year + 1).b("new_received") > 0


def test_the_city_is_the_sum_of_its_units_and_says_so(store):
    city = store.load("shanghai", 2022)
    units = [u.id for u in load_registry().children("shanghai")]
    assert list(city.compiled_from) == units
    parts = [store.load(u, 2022) for u in units]
    assert city.b("new_received") == sum(p.b("new_received") for p in parts)
    assert city.c("review", "corrected") == sum(p.c("review", "corrected") for p in parts)
    assert city.heading_variant == "long"


def test_everything_is_marked_synthetic(store):
    assert all(store.load(u, y).synthetic for u, y in store.all())
    assert "示例数据" in (store.root / "README.md").read_text(encoding="utf-8")


def test_apportion_adds_up_exactly():
    rng = random.Random(1)
    for total in (0, 1, 7, 999, 123456):
        parts = demo.apportion(total, [0.5, 0.3, 0.2, 0.0001], rng)
        assert sum(parts) == total and min(parts) >= 0


def test_demo_refuses_a_folder_with_real_data(tmp_path, shanghai):
    real = tmp_path / "units" / "shanghai" / "2020.yaml"
    real.parent.mkdir(parents=True)
    real.write_text(dump_unit_year(shanghai), encoding="utf-8")
    before = real.read_bytes()
    with pytest.raises(demo.DemoError, match="real"):
        demo.write_demo(tmp_path, years=(2020, 2021))
    assert real.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == ["shanghai"]
    assert main(["demo", "--out", str(tmp_path), "--years", "2020-2021"]) == 2


def test_demo_command_writes_and_rewrites_its_own_folder(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--years", "2021-2022"]) == 0
    out = capsys.readouterr().out
    assert "66 synthetic unit-years" in out and "--data demo" in out
    first = (tmp_path / "units" / "xuhui" / "2022.yaml").read_bytes()
    assert main(["demo", "--out", str(tmp_path), "--years", "2021-2022"]) == 0  # its own data: rewritten
    assert (tmp_path / "units" / "xuhui" / "2022.yaml").read_bytes() == first
    assert load_unit_year(tmp_path / "units" / "xuhui" / "2022.yaml").synthetic


def test_years_must_be_consecutive():
    with pytest.raises(demo.DemoError, match="consecutive"):
        demo.generate((2019, 2021))
