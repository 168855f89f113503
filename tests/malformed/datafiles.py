"""Input that used to be read silently wrong: a misspelled key that dropped a table, a key given
twice, absurd years and values, a data folder that is not there, footnote marks and enclosed
numbers read as digits. Each is now refused with the key path (or the cell) in the message."""

from __future__ import annotations

from pathlib import Path

from malformed.catalogue import GOOD_PAGE, _set, case, edited
from malformed.errors import DATA_FILE, _data_file

ODD = "no ordinary digit"


def _replace(old: str, new: str):
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


# --- data files ------------------------------------------------------------------------------------

case(
    "data-misspelled-key",
    "tabel_b: instead of table_b:",
    1,
    "2022.yaml: unknown key 'tabel_b' (did you mean 'table_b'?)",
)(_data_file(_replace("table_b:", "tabel_b:")))
case(
    "data-misspelled-row",
    "a Table B row id misspelled",
    1,
    "2022.yaml: table_b.grantd: unknown id 'grantd' (did you mean 'granted'?)",
)(_data_file(_replace("  granted:", "  grantd:")))
case(
    "data-misspelled-column", "a Table A column id misspelled", 1, "table_a.licensing.decisons: unknown id 'decisons'"
)(_data_file(_replace("licensing: {decisions", "licensing: {decisons")))
case("data-duplicate-key", "table_b: given twice", 1, "2022.yaml: line", "table_b: duplicate key 'table_b'")(
    _data_file(lambda t: t + "table_b:\n  granted: [1, 0, 0, 0, 0, 0, 1]\n")
)
case("data-duplicate-row", "a row given twice inside table_b", 1, "table_b.granted: duplicate key 'granted'")(
    _data_file(_replace("table_b:", "table_b:\n  granted: [1, 0, 0, 0, 0, 0, 1]"))
)
case("data-year-negative", "year: -5 in a data file", 1, "2022.yaml: year: -5 is out of range (1990 to 2099)")(
    _data_file(_replace("year: 2022", "year: -5"))
)
case("data-year-absurd", "year: 20220", 1, "year: 20220 is out of range")(
    _data_file(_replace("year: 2022", "year: 20220"))
)
case("data-year-date", "year: 2022-01-01 (YAML reads a date)", 1, "year: expected a year from 1990 to 2099")(
    _data_file(_replace("year: 2022", "year: 2022-01-01"))
)
case(
    "data-count-absurd",
    "a count of 10^12",
    1,
    "table_b.new_received.total: 1000000000000 is out of range (0 to 999999999)",
)(_data_file(_replace("18, 762]", "18, 1000000000000]")))
case("data-count-negative", "a negative count", 1, "table_b.new_received.natural_person: -1 is out of range")(
    _data_file(_replace("new_received: [540", "new_received: [-1"))
)
case("data-count-text", "a count typed as text", 1, "table_b.new_received.natural_person: expected a whole number")(
    _data_file(_replace("new_received: [540", "new_received: ['540'"))
)
case("data-amount-nan", "an amount of .nan", 1, "table_a.fees.fee_amount: an amount must be a non-negative number")(
    _data_file(_replace("fee_amount: 251.6", "fee_amount: .nan"))
)
case("data-alias-bomb", "YAML anchors multiplied (a billion laughs)", 1, "anchors and aliases (&, *) are not allowed")(
    _data_file(
        lambda t: (
            t
            + "source_notes: &a [x, x, x, x, x, x, x, x, x]\nmore: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "".join(f"l{i}: &c{i} [{', '.join(['*b' if i == 0 else f'*c{i - 1}'] * 9)}]\n" for i in range(8))
        )
    )
)
case("data-unknown-top-keys", "keys nianbao does not know", 1, "unknown key 'remarks'")(
    _data_file(lambda t: t + "remarks: 备注\n")
)


@case("data-year-file-name", "a file named -5.yaml beside the years", 1, "-5.yaml: a .yaml file not named <year>.yaml")
def _year_file(tmp, data):
    (data / "units" / "demo_district" / "-5.yaml").write_bytes((data / DATA_FILE).read_bytes())
    return ["check", "--data", str(data)]


@case("data-unit-folder-name", "a unit folder named 示例区 (not an id)", 1, "示例区: not a unit folder")
def _unit_folder(tmp, data):
    (data / "units" / "示例区").mkdir()
    (data / "units" / "示例区" / "2021.yaml").write_bytes((data / DATA_FILE).read_bytes())
    return ["check", "--data", str(data)]


# --- numbers in workbook cells and page tables -------------------------------------------------------

for ident, text in (("superscript", "3541¹"), ("circled", "⑫"), ("arabic-indic", "٣٥"), ("fraction", "2½")):
    case(f"data-wb-{ident}", f"「{text}」 in a count cell", 1, f"表二!J6: 「一、本年新收政府信息公开申请数量」 × 「总计」: 「{text}」 is a number with a character that is {ODD}")(
        edited(_set("表二", "J6", text))
    )  # fmt: skip
case("data-wb-chinese-numeral", "「十二」 in a count cell", 1, "表二!J6:", "「十二」 is not a number")(
    edited(_set("表二", "J6", "十二"))
)
case(
    "data-wb-meta-year",
    "the hidden sheet records year -5",
    1,
    "nianbao!B3: the recorded year is not a reporting year",
    "-5",
)(edited(_set("nianbao", "B3", -5)))


@case("data-page-superscript", "a page's 表二 cell holds 26¹ (a footnote mark), imported", 1, "26¹",
      "数字中含有非普通数字的字符", "nothing was written")  # fmt: skip
def _page_superscript(tmp, data):
    text = GOOD_PAGE.read_text(encoding="utf-8")
    marked = text.replace("<td>26</td>", "<td>26¹</td>", 1)
    assert marked != text
    path = Path(tmp) / "page.html"
    path.write_text(marked, encoding="utf-8")
    return ["audit", str(path), "--data", str(data), "--unit", "demo_district", "--import"]
