"""The catalogue of malformed inputs: workbooks for ``nianbao import``, pages for
``nianbao audit --import``, and (in the modules imported at the end) hostile unit ids and paths,
data files, command lines and files too large or unreadable. Each case builds its input in a
temporary world and says which exit code and which located message a user must get;
tests/test_malformed.py runs them all and checks that nothing in that world changed outside the
folders the case allows (none, for a refusal), and that no traceback was printed.

A case's world is a folder holding ``data/`` (the data folder, with the fixture unit's 2021 and
2022), ``in/`` (where the case builds its input: the ``tmp`` its build gets) and ``cwd/`` (the
working directory of the command); ``out/`` is free for an output folder.

Static pages are in ``pages/``, the password-protected workbook in ``workbooks/``; the other
inputs are made from the workbook template, the fixture data or the hand-made page
``tests/fixtures/pages/district_2021.html``, each with one defect.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
PAGES = HERE / "pages"
GOOD_PAGE = HERE.parent / "fixtures" / "pages" / "district_2021.html"
FIXTURE_DATA = HERE.parent / "fixtures" / "data"


@dataclass(frozen=True)
class Case:
    id: str
    what: str
    build: Callable[[Path, Path], list[str]]  # (tmp folder, data folder) → nianbao arguments
    code: int  # expected exit code
    expect: tuple[str, ...]  # fragments of the output (stdout + stderr), including the location
    may_change: tuple[str, ...] = ()  # folders of the world (e.g. "data") the command may write into
    unprivileged: bool = False  # run as an ordinary user (nobody) when the tests run as root


CASES: list[Case] = []


def case(id: str, what: str, code: int, *expect: str, may_change: tuple[str, ...] = (), unprivileged: bool = False):
    def register(build):
        CASES.append(Case(id, what, build, code, expect, may_change, unprivileged))
        return build

    return register


# ---------------------------------------------------------------------------------------------
# workbooks
# ---------------------------------------------------------------------------------------------


def good_workbook(tmp: Path, data: Path) -> Path:
    """The template for demo_district 2023 filled with the fixture's 2021 figures (valid)."""
    from nianbao.data.store import DataStore
    from nianbao.excel.layout import workbook_layout
    from nianbao.excel.template import write_template

    source = DataStore(FIXTURE_DATA).load("demo_district", 2021)
    path, _ = write_template("demo_district", 2023, tmp / "filled.xlsx", data_dir=data)
    wb = openpyxl.load_workbook(path)
    for layout in workbook_layout("2021"):
        for item in layout.inputs:
            value = {"A": source.a, "B": source.b, "C": source.c}[item.table](item.row_id, item.col_id)
            wb[layout.name][item.address] = float(value) if isinstance(value, Decimal) else value
    wb.save(path)
    return path


def edited(change: Callable[[openpyxl.Workbook], None]) -> Callable[[Path, Path], list[str]]:
    def build(tmp: Path, data: Path) -> list[str]:
        path = good_workbook(tmp, data)
        wb = openpyxl.load_workbook(path)
        change(wb)
        wb.save(path)
        return ["import", str(path), "--data", str(data)]

    return build


def raw(content: bytes, name: str = "book.xlsx") -> Callable[[Path, Path], list[str]]:
    def build(tmp: Path, data: Path) -> list[str]:
        path = tmp / name
        path.write_bytes(content)
        return ["import", str(path), "--data", str(data)]

    return build


def _set(sheet: str, cell: str, value):
    def change(wb):
        wb[sheet][cell] = value

    return change


case("wb-empty", "an empty file (0 bytes)", 1, "book.xlsx: cannot import", "the file is empty")(raw(b""))
case("wb-text", "a text file saved with the .xlsx name", 1, "not an Excel workbook (.xlsx)")(
    raw("单位,年度\n示例区,2021\n".encode())
)
case("wb-html", "a web page saved with the .xlsx name", 1, "not an Excel workbook (.xlsx)")(
    raw(b"<html><table><tr><td>1</td></tr></table></html>")
)
case("wb-xls", "an old binary .xls workbook", 1, "old binary .xls workbook", "save it as .xlsx")(
    raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "old.xls")
)


@case("wb-truncated", "a workbook cut off in the middle (a broken download)", 1, "not an Excel workbook", "zip")
def _truncated(tmp, data):
    path = good_workbook(tmp, data)
    path.write_bytes(path.read_bytes()[:3000])
    return ["import", str(path), "--data", str(data)]


@case("wb-zip", "a zip archive that is not a workbook", 1, "not a readable .xlsx workbook")
def _zip(tmp, data):
    path = tmp / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("report.txt", "年度报告")
    return ["import", str(path), "--data", str(data)]


@case(
    "wb-plain",
    "a workbook not made by nianbao template, without --unit/--year",
    1,
    "nianbao: the workbook has no (hidden) sheet 'nianbao'",
)
def _plain(tmp, data):
    path = tmp / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "一、本年新收政府信息公开申请数量"
    wb.save(path)
    return ["import", str(path), "--data", str(data)]


case("wb-missing-sheet", "the sheet 表三 renamed", 1, "表三: the workbook has no sheet '表三'", "Sheet3")(
    edited(lambda wb: setattr(wb["表三"], "title", "Sheet3"))
)


def _swap(wb):
    wb["表二"].title, wb["表三"].title = "tmp", "表二"
    wb["tmp"].title = "表三"


case(
    "wb-swapped-sheets",
    "表二 and 表三 swapped",
    1,
    "表二: this sheet does not have the layout of 表二",
    "it looks like 表三",
)(edited(_swap))
case(
    "wb-row-inserted",
    "a row inserted in 表二",
    1,
    "表二!C12: expected the row label 「3.危及“三安全一稳定”」",
    "now at 表二!C13",
)(edited(lambda wb: wb["表二"].insert_rows(12)))
case(
    "wb-row-deleted",
    "a row label deleted",
    1,
    "表二!C14: expected the row label 「5.属于三类内部事务信息」, found a blank cell",
    "is missing",
)(edited(_set("表二", "C14", None)))
case(
    "wb-header-changed", "a column header renamed", 1, "表二!D4: expected the column header 「自然人」, found 「个人」"
)(edited(_set("表二", "D4", "个人")))


def _broken_merge(wb):
    ws = wb["表二"]
    ws.unmerge_cells("D3:J3")
    ws["D3"], ws["E3"] = None, "申请人情况"


case(
    "wb-merge-broken",
    "a merged header unmerged and its text moved",
    1,
    "表二!D3: expected the header 「申请人情况」",
    "now at 表二!E3",
)(edited(_broken_merge))
case("wb-inputs-merged", "two input cells merged", 1, "表二!D9:E9: input cells are merged (D9, E9)")(
    edited(lambda wb: wb["表二"].merge_cells("D9:E9"))
)
case("wb-unit-in-cell", "「251000元」 in the 万元 amount cell", 1, "表一!B16:", "「251000元」 is a number with a unit")(
    edited(_set("表一", "B16", "251000元"))
)
case("wb-text-in-cell", "words in a count cell", 1, "表二!D10:", "「无」 is not a number")(
    edited(_set("表二", "D10", "无"))
)
case("wb-negative", "a negative count", 1, "表二!E8:", "-3: a count cannot be negative")(edited(_set("表二", "E8", -3)))
case("wb-fraction", "a fraction where a count belongs", 1, "表三!B6:", "holds 2.5: not a whole number")(
    edited(_set("表三", "B6", 2.5))
)
case(
    "wb-formula",
    "a formula with no computed value",
    1,
    "表二!J8:",
    "holds a formula (=SUM(D8:I8)) with no computed value",
)(edited(_set("表二", "J8", "=SUM(D8:I8)")))
case("wb-ref-error", "the error #REF!", 1, "表二!G8:", "holds the error #REF!")(edited(_set("表二", "G8", "#REF!")))
case("wb-div-error", "the error #DIV/0!", 1, "表三!C6:", "holds the error #DIV/0!")(
    edited(_set("表三", "C6", "#DIV/0!"))
)
case("wb-huge", "a huge number", 1, "表二!J6:", "implausibly large")(edited(_set("表二", "J6", 10**12)))
case("wb-huge-text", "a huge number typed as text", 1, "表一!B9:", "implausibly large")(
    edited(_set("表一", "B9", "1,000,000,000,000"))
)
case("wb-bool", "TRUE in a count cell", 1, "表二!D7:", "holds True, not a number")(edited(_set("表二", "D7", True)))
case("wb-date", "a date where a count belongs (Excel turned 1-2 into a date)", 1, "表二!D11:", "holds a date or time")(
    edited(_set("表二", "D11", dt.datetime(2021, 1, 2)))
)
case(
    "wb-other-year",
    "说明 says another year than the workbook was made for",
    1,
    "说明!B5: says year 2024, but the workbook was made for 2023",
)(edited(_set("说明", "B5", 2024)))
case(
    "wb-other-unit",
    "说明 says another unit",
    1,
    "说明!B3: says unit 'shanghai', but the workbook was made for 'demo_district'",
)(edited(_set("说明", "B3", "shanghai")))
case("wb-tampered-meta", "the hidden record damaged", 1, "nianbao!B5: not a workbook made by `nianbao template`")(
    edited(_set("nianbao", "B5", "something else"))
)


@case(
    "wb-wrong-unit-arg",
    "imported with --unit for another unit",
    1,
    "nianbao!B1: the workbook is for unit 'demo_district' (示例区), not 'shanghai'",
)
def _wrong_unit(tmp, data):
    return ["import", str(good_workbook(tmp, data)), "--data", str(data), "--unit", "shanghai"]


@case(
    "wb-wrong-year-arg",
    "imported with --year for another year",
    1,
    "nianbao!B3: the workbook is for year 2023, not 2022",
)
def _wrong_year(tmp, data):
    return ["import", str(good_workbook(tmp, data)), "--data", str(data), "--year", "2022"]


case(
    "wb-rule-error",
    "readable, but a row does not add up (B1)",
    1,
    "nothing was written",
    "[表二!J8]",
    "found 27, expected 26",
)(edited(_set("表二", "J8", 27)))


@case("wb-folder", "a folder instead of a workbook", 2, "is a folder, not a workbook")
def _folder(tmp, data):
    (tmp / "book.xlsx").mkdir()
    return ["import", str(tmp / "book.xlsx"), "--data", str(data)]


@case("wb-missing-file", "a file that does not exist", 2, "nope.xlsx: cannot import", "no such file")
def _missing(tmp, data):
    return ["import", str(tmp / "nope.xlsx"), "--data", str(data)]


# ---------------------------------------------------------------------------------------------
# pages (audited with --import, so that a refusal must leave the data folder alone)
# ---------------------------------------------------------------------------------------------


def page(name: str, *extra: str) -> Callable[[Path, Path], list[str]]:
    def build(tmp: Path, data: Path) -> list[str]:
        return ["audit", str(PAGES / name), "--data", str(data), "--unit", "demo_district", "--import", *extra]

    return build


def derived(
    change: Callable[[str], str],
    *extra: str,
    encoding: str = "utf-8",
    raw_bytes: Callable[[bytes], bytes] | None = None,
):
    def build(tmp: Path, data: Path) -> list[str]:
        text = change(GOOD_PAGE.read_text(encoding="utf-8"))
        path = tmp / "page.html"
        content = text.encode(encoding)
        path.write_bytes(raw_bytes(content) if raw_bytes else content)
        return ["audit", str(path), "--data", str(data), "--unit", "demo_district", "--import", *extra]

    return build


def written(content: bytes, name: str):
    def build(tmp: Path, data: Path) -> list[str]:
        path = tmp / name
        path.write_bytes(content)
        return ["audit", str(path), "--data", str(data), "--unit", "demo_district", "--import"]

    return build


case("page-empty", "an empty page file", 1, "page.html: the file is empty: nothing to audit")(written(b"", "page.html"))
case("page-blank", "a page of white space only", 1, "the file is empty")(written(b"  \n\n\t ", "page.html"))
case(
    "page-pdf", "a damaged PDF saved as .html (read as PDF, by its content)", 1, "page.html: a PDF that cannot be read"
)(written(b"%PDF-1.7\n%\xe2\xe3\n", "page.html"))
case("page-workbook", "a workbook given to audit", 1, "use `nianbao import` for workbooks")(
    written(b"PK\x03\x04" + b"\0" * 100, "page.xlsx")
)
case(
    "page-no-tables",
    "HTML with no tables (they were images)",
    1,
    "not found: 表一, 表二, 表三",
    "nothing to import: the page has no statistical tables",
)(page("no_tables.html"))
case("page-script-tables", "tables only inside <script>, <template>, <noscript> and a hidden block", 1,
     "Tables:    none", "nothing to import")(page("script_tables.html"))  # fmt: skip


def _double(text: str) -> str:
    return text.replace("</body>", text.split("<body>")[1])


case(
    "page-two-reports",
    "two reports in one page",
    1,
    "holds 2 copies of 表二 (page tables 2、5)",
    "two reports in one page?",
)(derived(_double))
case(
    "page-truncated",
    "a page cut off inside 表二",
    1,
    "F1",
    "表中没有这一行",
    "「四、结转下年度继续办理」",
    "nothing was written",
)(derived(lambda t: t[: t.index("（四）无法提供")]))
case(
    "page-huge-spans",
    "absurd rowspan and colspan values",
    1,
    "第2个表格第6行第1个单元格：rowspan=100000 不合理，按200处理",
    "colspan=99999",
    "nothing was written",
)(
    derived(
        lambda t: t.replace(
            '<td rowspan="22">三、本年度办理结果</td>', '<td rowspan="100000" colspan="99999">三、本年度办理结果</td>'
        )
    )
)
case(
    "page-unknown-row", "a row that is not in the format, with numbers", 1, "「合计（不含重复申请）」", "不是格式中的行"
)(
    derived(
        lambda t: t.replace('rowspan="22"', 'rowspan="23"').replace(
            '<tr><td colspan="2">（七）总计</td>',
            '<tr><td colspan="2">合计（不含重复申请）</td>'
            + "<td>1</td>" * 7
            + '</tr><tr><td colspan="2">（七）总计</td>',
        )
    )
)
case("page-no-header", "表二 without its column headers", 1, "表二的列标题不全，按官方顺序读取最后七列")(
    derived(
        lambda t: t.replace(
            "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
            "<tr></tr>",
        )
    )
)
case(
    "page-fee-in-yuan", "收费金额 published in 元 instead of 万元", 1, "不是以万元为单位", "第1个表格第6行第2列", "表二"
)(page("fee_in_yuan.html"))
case(
    "page-no-year",
    "a page that does not say its year",
    1,
    "does not say which year",
    "the reporting year is unknown; give --year",
)(page("no_year.html"))
case(
    "page-gbk-declared-utf8",
    "GBK bytes under a utf-8 declaration",
    1,
    "the page declares charset utf-8 but is encoded in gb18030",
    "nothing was written",
)(derived(lambda t: t, encoding="gb18030"))


def _mixed(content: bytes) -> bytes:
    text = content.decode("utf-8")
    head, rest = text.split("<p>2021年，示例区坚持", 1)
    return (
        head.encode("utf-8")
        + ("<p>2021年，示例区坚持" + rest.split("\n", 1)[0] + "\n").encode("gb18030")
        + rest.split("\n", 1)[1].encode("utf-8")
    )


case("page-mixed-encodings", "UTF-8 with one line in GBK", 1, "the file mixes encodings: line(s) 30 are gb18030")(
    derived(lambda t: t, raw_bytes=_mixed)
)
case("page-bad-bytes", "bytes that fit no encoding", 1, "fit no encoding; unreadable bytes were replaced")(
    derived(lambda t: t, raw_bytes=lambda b: b.replace("示例区坚持".encode(), b"\xff\xfe\xfd"))
)


# The other parts of the catalogue register their cases when imported (they use `case` above).
from malformed import datafiles, errors, paths, resources  # noqa: E402, F401
