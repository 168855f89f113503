"""Reading a report's narrative as written (nianbao.audit.reading, identity, texttables) on shapes
beyond the audit corpus: our own sentences, invented numbers. Each test states what a careful
reader extracts, and what must not be taken for a figure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.audit import audit_file
from nianbao.audit.identity import BY_NAME, EXACT, UNKNOWN, identify
from nianbao.audit.reading.narrative import read_narrative
from nianbao.audit.reading.normalise import chinese_number, normalise
from nianbao.audit.reading.parts import REQUESTS, REVIEW, UNMARKED, assign
from nianbao.audit.texttables import find_tables
from nianbao.rules.rates import MATCH, OTHER_BASE, TRUNCATED, WRONG, Base, which_base
from nianbao.rules.rates import UNKNOWN as CANNOT


def counts(paragraphs: list[str], year: int | None = 2023) -> dict:
    """ref → values of the counts read (in order)."""
    out: dict = {}
    for f in read_narrative(paragraphs, year).figures:
        if f.kind == "count":
            out.setdefault(f.ref if not isinstance(f.ref, tuple) else "+".join(f.ref), []).append(f.value)
    return out


def of_kind(paragraphs: list[str], kind: str, year: int | None = 2023):
    return [f for f in read_narrative(paragraphs, year).figures if f.kind == kind]


# ---------------------------------------------------------------------------------------------
# normalising
# ---------------------------------------------------------------------------------------------


def test_normalised_text_maps_back_to_the_published_words():
    text = normalise("本機關收到申請 1 234件，佔１２．５％；二〇二三年辦結十二件，第十二條")
    assert text.norm == "本机关收到申请1234件，占12.5%；2023年办结12件，第十二条"
    start = text.norm.index("1234件")
    assert text.quote(start, start + 5) == "1 234件"
    start = text.norm.index("12件")
    assert text.quote(start, start + 3) == "十二件"


@pytest.mark.parametrize(("numeral", "value"), [("十二", 12), ("一百零五", 105), ("两千", 2000), ("三", 3),
                                                ("一万二千", 12000), ("二十", 20)])  # fmt: skip
def test_chinese_numerals(numeral, value):
    assert chinese_number(numeral) == value


def test_numbers_are_not_made_of_footnotes_or_ordinals():
    assert normalise("一是加强培训，二是第一项").norm == "一是加强培训，二是第一项"
    assert "12" not in normalise("三安全一稳定，四类过程性信息").norm


# ---------------------------------------------------------------------------------------------
# parts and the objects of verbs
# ---------------------------------------------------------------------------------------------


def test_parts_by_headings_of_every_style():
    norms = [
        "总体情况",
        "正文",
        "第三部分 依申请公开政府信息情况",
        "正文",
        "（四）因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "正文",
    ]
    parts, headings = assign([normalise(n).norm for n in norms])
    assert parts[3] == REQUESTS and parts[5] == REVIEW and headings[0] is not None
    assert assign(["全年收到申请12件。"])[0] == [UNMARKED]
    assert assign(["三、本年度办理结果"])[0] == [UNMARKED]  # a table label, not a part heading


def test_replies_to_other_things_are_no_application_figures():
    read = counts([
        "一、总体情况",
        "全年办理人大代表建议、政协提案答复35件，答复网民留言210件。",
        "三、收到和处理政府信息公开申请情况",
        "本年度共收到政府信息公开申请八十件，答复网民咨询12件，已答复申请78件。",
    ])  # fmt: skip
    assert read == {"B.new_received.total": [80], "B.total.total": [78]}


def test_a_page_without_headings_reads_only_sentences_about_applications():
    read = counts(
        ["2023年共办理群众来信来访300件。", "全年收到政府信息公开申请150件，答复148件。予以公开60件，占40.54%。"]
    )
    assert read == {"B.new_received.total": [150], "B.total.total": [148], "B.granted.total": [60]}


def test_counts_in_words_full_width_and_with_spaces():
    read = counts(
        ["三、收到和处理政府信息公开申请情况", "本机关收到政府信息公开申请十二件，上年结转１件，答复 1 3 件。"]
    )
    assert read == {"B.new_received.total": [12], "B.carried_in.total": [1], "B.total.total": [13]}


def test_carried_over_and_forward_in_other_wordings():
    read = counts(["三、收到和处理政府信息公开申请情况",
                   "受理申请45件（其中3件系2022年结转），截至12月31日尚有4件结转至下一年度办理，已全部办结41件。"])  # fmt: skip
    assert read == {"B.new_received.total": [45], "B.carried_in.total": [3], "B.carried_forward.total": [4],
                    "B.total.total": [41]}  # fmt: skip


def test_last_years_values_and_changes_are_not_counts():
    paragraphs = ["三、收到和处理政府信息公开申请情况", "收到申请90件，比2022年减少10件（2022年为100件），降幅为10%。"]
    assert counts(paragraphs) == {"B.new_received.total": [90]}
    (change,) = of_kind(paragraphs, "change")
    assert (change.value, change.unit, change.direction, change.current.value, change.previous.value) == (
        10,
        "件",
        "down",
        90,
        100,
    )


def test_a_change_in_items_without_last_years_value_is_read_but_not_checkable():
    paragraphs = ["二、主动公开政府信息情况", "全年主动公开政府信息1203条，较上年增加183项。"]
    (change,) = of_kind(paragraphs, "change")
    assert change.previous is None and change.unit == "项"


def test_sub_counts_belong_to_the_count_before_their_bracket():
    paragraphs = [
        "三、收到和处理政府信息公开申请情况",
        "答复100件，其他处理20件（其中申请人撤回申请12件、逾期不补正5件），占20.00%。",
    ]
    (share,) = of_kind(paragraphs, "share")
    assert (share.numerator.value, share.base.value) == (20, 100)
    assert counts(paragraphs)["B.other_no_correction.total"] == [5]


def test_claims_in_words():
    claims = [f.claim for f in of_kind([
        "三、收到和处理政府信息公开申请情况", "本年度未收到政府信息公开申请，没有上年结转的申请。",
        "四、政府信息公开行政复议、行政诉讼情况", "全年被申请行政复议2件，均被维持；未出现被纠错情况。",
    ], "claim")]  # fmt: skip
    assert claims == ["no_applications", "no_carried_in", "review_litigation_all_upheld", "no_correction"]


def test_sums_only_of_complementary_parts():
    sums = of_kind(["二、主动公开政府信息情况", "全年发布信息500条，其中公文120条、非公文380条。",
                    "受理渠道中，网上申请40件、当面申请10件。"], "sum")  # fmt: skip
    assert [(s.total.value, [p.value for p in s.parts]) for s in sums] == [(500, [120, 380])]


# ---------------------------------------------------------------------------------------------
# which base
# ---------------------------------------------------------------------------------------------


def test_which_base():
    answered, received = Base("答复总数", 78, 152), Base("收到申请总数", 78, 156)
    assert which_base("51.32", answered, [received]).kind == MATCH
    assert which_base("51.31", answered, [received]).kind == TRUNCATED
    other = which_base("50.00", answered, [received])
    assert other.kind == OTHER_BASE and other.used == received
    assert which_base("50.00", answered, [received], named=True).kind == WRONG  # the text named 答复总数
    assert which_base("49.00", answered, [received]).kind == WRONG
    assert which_base("40", Base("不予公开总数", 2, None)).kind == CANNOT
    assert which_base("<1", Base("答复总数", 5, 700)).kind == MATCH and which_base("1", Base("x", 2, 700)).kind == WRONG
    assert which_base("28.13", Base("x", 225, 800)).kind == MATCH  # 28.125 half-up, not the float's 28.12


# ---------------------------------------------------------------------------------------------
# unit and year
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "unit", "unit_id", "confidence", "year"),
    [
        ("2022年上海市黄浦区政府信息公开工作年度报告", "上海市黄浦区", "huangpu", BY_NAME, 2022),
        ("2019上海市教育委员会政府信息公开年报", "上海市教育委员会", "education", EXACT, 2019),
        ("上海市浦东新区人民政府2024年政府信息公开工作年度报告", "上海市浦东新区人民政府", "pudong", EXACT, 2024),
        ("2023年政府信息公开工作年度报告（上海市示例区某某局）", "上海市示例区某某局", None, UNKNOWN, 2023),
        ("2021年度上海市徐匯區政府資訊公開工作年度報告", "上海市徐匯區", "xuhui", BY_NAME, 2021),
    ],
)
def test_title_shapes(title, unit, unit_id, confidence, year):
    found = identify([title], "", [])
    assert (found.unit, found.unit_id, found.confidence, found.year) == (unit, unit_id, confidence, year)


def test_publication_dates_and_compilers_name_neither_unit_nor_year():
    found = identify(["首页 > 政务公开", "本报告由上海市黄浦区政府办公室编制。"], "", [normalise("2024年1月20日")])
    assert (found.unit, found.year) == (None, None)


def test_statistics_period_decides_and_a_disagreeing_title_is_y1(tmp_path):
    page = tmp_path / "r.txt"
    page.write_text("2022年上海市示例区政府信息公开工作年度报告\n本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n",
                    encoding="utf-8")  # fmt: skip
    result = audit_file(page)
    assert result.uy.year == 2021
    (y1,) = [f for f in result.findings if f.rule == "Y1"]
    assert (y1.found, y1.expected, y1.location.quote) == (2022, 2021, "2022年上海市示例区政府信息公开工作年度报告")


# ---------------------------------------------------------------------------------------------
# tables in text
# ---------------------------------------------------------------------------------------------


def test_a_narrative_line_with_a_table_word_stays_narrative():
    lines = ["四、政府信息公开行政复议、行政诉讼情况", "全年行政复议6件，结果维持4件，尚未审结2件。",
             "行政复议\t行政诉讼", "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
             "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
             "4\t0\t0\t2\t6\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"]  # fmt: skip
    tables, rest = find_tables(lines)
    assert [lines[i] for i in rest] == lines[:2]
    ((_, table),) = tables
    assert table.before == "（文本中的表三）"


def test_pipe_blanks_are_blank_cells(tmp_path):
    rows = [
        "| 一、本年新收政府信息公开申请数量 | 3 |  |  |  |  |  | 3 |",
        "| 二、上年结转政府信息公开申请数量 |  |  |  |  |  |  |  |",
    ]
    page = tmp_path / "r.txt"
    page.write_text(
        "2023年示例区政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    result = audit_file(page)
    read = result.tables["B"]
    assert read.values[("new_received", "total")] == 3 and len(read.empty) == 12
    (b4,) = [f for f in result.findings if f.rule == "B4"]
    assert b4.severity == "warning" and b4.note.startswith("表二有12个空白单元格，按空白为0核对")
    assert result.checked.uy.b("carried_in", "total") == 0  # a blank 总计, derived from its (blank) row
    assert result.uy.b("carried_in", "total") is None  # as published: blank


def test_shares_are_judged_with_the_words_that_led_to_them(tmp_path):
    page = tmp_path / "r.txt"
    page.write_text("2023年示例区政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
                    "本年度新收申请156件，答复152件。予以公开及部分公开78件，占50.00%。\n", encoding="utf-8")  # fmt: skip
    result = audit_file(page)
    (j,) = result.judgements
    assert j.verdict.kind == OTHER_BASE and j.verdict.expected == Decimal("51.32")
    assert "予以公开及部分公开78件" in j.note and "答复152件" in j.note and "收到申请总数（78÷156）" in j.note
    (f,) = [f for f in result.findings if f.rule == "T3"]
    assert f.severity == "warning"


def test_more_wordings_of_answered_pending_and_last_year():
    paragraphs = [
        "三、收到和处理政府信息公开申请情况",
        "全年收到申请件共计86件，较2022年（78件）增长10.26%。已办结84件，正在办理2件。",
        "全年办理政府信息公开申请共计122件，另有3件申请在法定期限内尚未办结，结转至2024年继续办理。",
    ]
    assert counts(paragraphs) == {"B.new_received.total": [86], "B.total.total": [84, 122],
                                  "B.carried_forward.total": [2, 3]}  # fmt: skip
    (change,) = of_kind(paragraphs, "change")
    assert (change.current.value, change.previous.value, change.quote) == (86, 78, "较2022年（78件）增长10.26%")


_WORDS = ["收到", "申请", "答复", "办结", "件", "条", "个", "项", "%", "占", "占比", "较上年", "上升", "下降", "个百分点",
          "（", "）", "，", "。", "；", "其中", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理",
          "行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结", "纠错率", "公开率", "为", "2022年", "12", "0", "3.5",
          "不足1", "结转", "下年度", "上年", "未发生", "均获维持", "、", "及", "三、收到和处理政府信息公开申请情况",
          "四、政府信息公开行政复议、行政诉讼情况", "|", "\t", " ", "十二", "〇", "２０"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS), max_size=40).map("".join), min_size=1, max_size=6),
       st.sampled_from([None, 2023]))  # fmt: skip
def test_any_text_in_the_reports_vocabulary_is_read_without_failing(paragraphs, year):
    narrative = read_narrative(paragraphs, year)
    for figure in narrative.figures:
        assert figure.quote == figure.quote.strip() and figure.to_dict()["kind"] == figure.kind
