import re
from decimal import Decimal

from nianbao.content import prose, summaries
from nianbao.content.tables import dispositions, table_a, table_b, table_c
from nianbao.rules.rates import check_statements


def test_applications_paragraph_in_the_register_of_the_seed(shanghai):
    text = prose.applications_paragraph(shanghai)
    assert text.startswith("全年共收到政府信息公开申请29130件，较2019年下降6.62%")
    for piece in (
        "答复政府信息公开申请28406件（含上年度结转申请1400件）",
        "予以公开及部分公开11796件，占41.53%",
        "不予公开1095件，占3.85%",
        "无法提供11583件，占40.78%",
        "不予处理1027件，占3.62%",
        "其他处理2905件，占10.23%",
    ):
        assert piece in text


def test_review_paragraph(shanghai):
    text = prose.review_paragraph(shanghai)
    assert "行政复议813件，其中结果纠正42件，纠错率为5.17%，较2019年上升0.87个百分点" in text
    assert "行政诉讼731件，其中未经复议直接起诉442件、复议后起诉289件" in text


def test_first_instance_rate_mismatch_is_found(shanghai):
    checks = {c.statement.id: c for c in check_statements(shanghai)}
    bad = checks["rate_first_instance_corrected"]
    assert bad.matches is False
    assert bad.recomputed == Decimal("3.35") and bad.difference == Decimal("-0.21")
    assert all(c.matches for k, c in checks.items() if k != "rate_first_instance_corrected")


def test_tables_show_unknown_not_zero(shanghai):
    html = table_b(shanghai).html
    assert "29130" in html and "11796" in html and 'class="num unknown' in html
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in html
    assert ">0<" not in html
    frame = table_b(shanghai).frame
    assert frame.loc["一、本年新收政府信息公开申请数量", "总计"] == 29130
    assert frame.isna().loc["一、本年新收政府信息公开申请数量", "自然人"]
    assert "行政复议" in table_c(shanghai).html and "813" in table_c(shanghai).html
    shown = re.sub(r"<[^>]+>", "", table_a(shanghai).html)  # header labels are set word by word
    assert "本年新公开数量" in shown and "-183" in shown


def test_dispositions_and_balance(shanghai):
    d = dispositions(shanghai).frame
    assert list(d["占比（%）"]) == ["41.53", "3.85", "40.78", "3.62", "10.23"]
    assert set(d["核对"]) == {"一致"}
    b = summaries.balance(shanghai).frame
    assert b.iloc[0]["一+二"] == 30530 == b.iloc[0]["（七）总计+四"]
    rates = summaries.correction_rates(shanghai).frame.set_index("类别")
    assert rates.loc["行政复议", "纠错率（%）"] == "5.17"
    assert rates.loc["一审行政诉讼案件", "纠错率（%）"] == "3.35"
    assert rates.loc["一审行政诉讼案件", "公布纠错率（%）"] == "3.14"


def test_full_2021_fixture(fixture_data):
    from nianbao.data.store import DataStore

    store = DataStore(fixture_data)
    uy, prev = store.load("demo_district", 2022), store.load("demo_district", 2021)
    text = prose.applications_paragraph(uy, prev)
    assert "较2021年" in text  # computed from both years
    html = table_b(uy).html
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in html
    assert "本年制发件数" in re.sub(r"<[^>]+>", "", table_a(uy).html)
