from nianbao.format import schema


def test_six_parts_with_both_heading_variants():
    assert [p.number for p in schema.PARTS] == [1, 2, 3, 4, 5, 6]
    assert schema.PART_BY_NUMBER[4].heading() == "四、政府信息公开行政复议、行政诉讼情况"
    assert schema.PART_BY_NUMBER[4].heading("long") == "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"
    assert schema.PART_BY_NUMBER[5].heading("long") == "五、政府信息公开工作存在的主要问题及改进情况"
    assert schema.PART_BY_NUMBER[1].heading("long") == "一、总体情况"


def test_table_b_row_counts_per_version():
    assert len(schema.TABLE_B["2021"].rows) == 25
    assert len(schema.TABLE_B["2019"].rows) == 23
    assert len(schema.TABLE_B_COLUMNS) == 7
    assert schema.TABLE_B["2019"].group("other").rows == ("other",)
    assert len(schema.TABLE_B["2021"].group("other").rows) == 3
    assert len(schema.TABLE_B["2021"].group("withheld").rows) == 8
    assert len(schema.TABLE_B["2021"].group("unavailable").rows) == 3
    assert len(schema.TABLE_B["2021"].group("not_processed").rows) == 5


def test_table_b_official_labels():
    b = schema.TABLE_B["2021"]
    labels = [r.label for r in b.rows]
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "3.危及“三安全一稳定”" in labels
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    assert schema.TABLE_B_RULE_NOTE == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    layout_labels = [label for label, row in b.layout() if row is None]
    assert layout_labels == [
        "三、本年度办理结果",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ]
    assert [label for label, row in schema.TABLE_B["2019"].layout() if row is None][-1] == "（五）不予处理"


def test_table_a_versions():
    a21, a19 = schema.TABLE_A["2021"], schema.TABLE_A["2019"]
    assert [b.article for b in a21.blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    assert [c.label for c in a21.blocks[0].columns] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert a21.row("normative_documents").label == "行政规范性文件"
    assert a19.row("normative_documents").label == "规范性文件"
    assert a19.blocks[-1].article == "第二十条第（九）项"
    assert a19.column("licensing", "change").kind == "change"
    assert a21.column("fees", "fee_amount").label == "本年收费金额（单位：万元）"


def test_table_c_and_versions_by_year():
    assert len(schema.TABLE_C_BLOCKS) * len(schema.TABLE_C_COLUMNS) == 15
    assert schema.format_version_for_year(2020) == "2019"
    assert schema.format_version_for_year(2021) == "2021"
