"""The unit registry: Shanghai, its 16 districts and municipal agencies, found by id or name."""

import pytest

from nianbao.data.store import DataStore
from nianbao.data.units import load_registry, registry_for
from nianbao.errors import DataError, UnitError
from nianbao.roots import project_root, resolve_data_dir

DISTRICTS = "黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 闵行区 宝山区 嘉定区 浦东新区 金山区 松江区 青浦区 奉贤区 崇明区".split()


def test_shanghai_its_districts_and_agencies():
    reg = load_registry()
    city = reg.get("shanghai")
    assert (city.name, city.level, city.parent) == ("上海市", "city", None)
    children = reg.children("上海市")
    assert [u.name for u in children if u.level == "district"] == DISTRICTS
    agencies = {u.name for u in children if u.level == "agency"}
    assert {"市发展改革委", "市教委", "市公安局", "市民政局", "市规划资源局", "市住房城乡建设管理委",
            "市生态环境局", "市卫生健康委", "市市场监管局", "市房屋管理局"} <= agencies  # fmt: skip
    assert all(u.parent == "shanghai" for u in children)
    assert all(u.id.isascii() and u.id == u.id.lower() for u in reg)
    assert reg.get("市教委").level_label == "市级机关" and reg.get("黄浦区").level_label == "区"


@pytest.mark.parametrize(
    "key, unit_id",
    [("shanghai", "shanghai"), ("上海市", "shanghai"), ("Shanghai", "shanghai"), ("上海", "shanghai"),
     ("浦东新区", "pudong"), ("上海市浦东新区人民政府", "pudong"), ("市住建委", "housing_construction"),
     ("上海市发展和改革委员会", "development_reform"), (" 黄浦区 ", "huangpu")],
)  # fmt: skip
def test_every_unit_option_takes_an_id_or_a_name(key, unit_id):
    assert DataStore().resolve_unit(key) == unit_id


def test_an_unknown_unit_says_where_it_looked():
    with pytest.raises(UnitError, match="not in the unit registry"):
        DataStore().resolve_unit("火星区")
    with pytest.raises(UnitError, match="units.yaml"):
        load_registry().get("火星区")


def test_data_file_names_still_resolve(fixture_data):
    # the fixture's unit is not in the registry: its data file names it
    assert DataStore(fixture_data).resolve_unit("示例区") == "demo_district"


@pytest.mark.parametrize(
    "entries, message",
    [
        ("- {id: a, name: 甲, level: city}\n- {id: b, name: 甲, level: district, parent: a}", "already names unit 'a'"),
        (
            "- {id: a, name: 甲, level: city}\n- {id: b, name: 乙, level: district, parent: z}",
            "parent 'z' is not in the registry",
        ),
        ("- {id: a, name: 甲, level: town}", "level must be one of"),
        ("- {id: A!, name: 甲, level: city}", "an id is lower-case ascii"),
        ("- {id: a, name: 甲, level: city, parent: b}\n- {id: b, name: 乙, level: city, parent: a}", "cycle"),
        ("- {id: a, level: city}", "missing 'name'"),
    ],
)
def test_a_bad_registry_is_refused_with_the_entry(tmp_path, entries, message):
    path = tmp_path / "units.yaml"
    path.write_text("units:\n" + "\n".join("  " + line for line in entries.splitlines()) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        load_registry(path)
    assert str(path) in str(info.value)


def test_a_data_folder_may_carry_its_own_registry(tmp_path):
    (tmp_path / "units.yaml").write_text(
        "units:\n  - {id: town, name: 某市, level: city}\n  - {id: east, name: 东区, level: district, parent: town}\n",
        encoding="utf-8",
    )
    assert [u.id for u in registry_for(tmp_path).children("某市")] == ["east"]
    assert DataStore(tmp_path).resolve_unit("东区") == "east"
    assert registry_for(tmp_path / "elsewhere").get("上海市").id == "shanghai"


def test_the_demo_alias_names_the_demo_folder():
    assert resolve_data_dir("demo") == project_root() / "data" / "demo"
    assert resolve_data_dir("") == project_root() / "data"
    assert DataStore("demo").root == project_root() / "data" / "demo"
