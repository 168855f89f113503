from decimal import Decimal

import pytest

from nianbao.data.reading import load_unit_year
from nianbao.data.store import DataStore
from nianbao.data.writing import dump_unit_year, save_unit_year
from nianbao.errors import DataError, UnitError


def test_shanghai_2020_has_the_seed_figures(shanghai):
    uy = shanghai
    assert uy.format_version == "2019"
    assert uy.title == "2020年上海市政府信息公开工作年度报告"
    assert uy.heading(4) == "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"
    assert (uy.b("new_received"), uy.b("carried_in"), uy.b("total"), uy.b("carried_forward")) == (
        29130,
        1400,
        28406,
        2124,
    )
    assert uy.b_group("disclosed") == 11796 and uy.b_group_is_stated("disclosed")
    assert uy.b_group("withheld") == 1095
    assert uy.b_group("other") == 2905  # the 2019 format's single （六） row
    # known as a group total only: the parts stay unknown, never 0
    assert uy.b("granted") is None and uy.b("partly_granted") is None
    assert uy.b("withheld_state_secret") is None
    assert uy.b("new_received", "natural_person") is None
    assert uy.c("review") == 813 and uy.c("review", "corrected") == 42
    assert uy.litigation_total() == 731
    assert uy.c("review", "upheld") is None


def test_figures_are_where_they_belong(shanghai):
    uy = shanghai
    assert uy.figure("power_list_licensing").value == 710
    assert uy.figure("power_list_licensing").part == 2
    assert uy.figure("penalty_records_published").value == 1910752
    # neither is a Table A decision count
    assert uy.a("licensing", "decisions") is None and uy.a("penalty", "decisions") is None
    assert uy.a("licensing", "prev_items") == 893 and uy.a("licensing", "change") == -183
    assert uy.figure("first_instance_cases").value == 687
    assert uy.figure("training_attendance").display() == "2.7万余人次"
    assert uy.figure("epidemic_press_conferences").value == 97
    assert uy.figure("gazette_issues").value == 24
    assert uy.figure("followers_total").value == 1900
    parts = {f.part for f in uy.figures.values()}
    assert parts >= {1, 2, 4, 6}


def test_statements_keep_the_published_words(shanghai):
    st = shanghai.statements["change_new_received"]
    assert (st.value, st.direction, st.base_year) == (Decimal("6.62"), "下降", 2019)
    assert "较2019年下降6.62%" in st.source
    assert shanghai.statements["rate_first_instance_corrected"].value == Decimal("3.14")


def test_narrative_items(shanghai):
    assert len(shanghai.items("problems")) == 3 and len(shanghai.items("measures")) == 3
    areas = {i.area for i in shanghai.items("overview")}
    assert areas == {"proactive", "on_request", "information_management", "platforms", "oversight"}
    text = "".join(i.text for items in shanghai.narrative.values() for i in items)
    assert "pg电子" not in text and "促进在线年" not in text


def test_2019_holds_only_implied_figures():
    uy = DataStore().load("shanghai", 2019)
    assert uy.figure("power_list_licensing").value == 893
    assert not uy.table_b and not uy.table_c


def test_round_trip(tmp_path, shanghai, fixture_data):
    for uy in (shanghai, DataStore(fixture_data).load("demo_district", 2022)):
        path = save_unit_year(uy, tmp_path)
        again = load_unit_year(path)
        for attr in ("table_a", "table_b", "table_b_groups", "table_c", "figures", "statements", "narrative"):
            assert getattr(again, attr) == getattr(uy, attr), attr
        assert dump_unit_year(again) == dump_unit_year(uy)


def _write(tmp_path, body: str):
    path = tmp_path / "units" / "x" / "2021.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("unit: x\nyear: 2021\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body, where",
    [
        ("table_b:\n  new_received: [1, 2, 3]\n", "table_b.new_received"),
        ("table_b:\n  nonsense: [1, 2, 3, 4, 5, 6, 7]\n", "table_b.nonsense"),
        ("table_b:\n  total: [1, 2, 3, 4, 5, 6, '251000元']\n", "table_b.total.total"),
        ("table_b:\n  total: [1, 2, 3, 4, 5, 6, -7]\n", "table_b.total.total"),
        ("table_c:\n  review: {corrected: 1.5}\n", "table_c.review.corrected"),
        ("table_a:\n  licensing: {prev_items: 3}\n", "table_a.licensing"),
        ("figures:\n  - id: a\n    label: x\n    value: 1\n    unit: 件\n    part: 9\n", "figures[0].part"),
        ("narrative:\n  stories: []\n", "narrative"),
    ],
)
def test_bad_files_name_file_and_key(tmp_path, body, where):
    path = _write(tmp_path, body)
    with pytest.raises(DataError) as err:
        load_unit_year(path)
    assert str(path) in str(err.value)
    assert where in str(err.value)


def test_unknown_and_zero_are_different(tmp_path):
    path = _write(tmp_path, "table_b:\n  total: [0, ~, 0, 0, 0, 0, ~]\n")
    uy = load_unit_year(path)
    assert uy.b("total", "natural_person") == 0
    assert uy.b("total", "commercial") is None
    assert "[0, ~, 0, 0, 0, 0, ~]" in dump_unit_year(uy)


def test_failed_save_keeps_the_old_file(tmp_path, shanghai, monkeypatch):
    path = save_unit_year(shanghai, tmp_path)
    before = path.read_text(encoding="utf-8")
    import nianbao.atomic as df

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(df.os, "replace", boom)
    with pytest.raises(OSError):
        save_unit_year(shanghai, tmp_path)
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_units_by_id_or_name(fixture_data):
    store = DataStore(fixture_data)
    assert store.resolve_unit("示例区") == "demo_district"
    assert store.resolve_unit("demo_district") == "demo_district"
    with pytest.raises(UnitError):
        store.resolve_unit("火星市")
    with pytest.raises(DataError, match="years with data"):
        store.load("demo_district", 1999)
