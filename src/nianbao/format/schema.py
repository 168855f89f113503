"""The national report format as data: the six parts and Tables A, B and C in both versions.

Every official Chinese label used anywhere in nianbao lives in this module (the measures that
summaries, trends and comparisons show are declared beside it, in :mod:`nianbao.format.measures`). Code refers to rows,
columns and parts by stable English ids; the labels are looked up here.

Versions: ``"2019"`` is the trial format (国办公开办函〔2019〕60号), used for the 2019 and 2020
reports; ``"2021"`` is the revision (国办公开办函〔2021〕30号), used from the 2021 reports on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT_VERSIONS = ("2019", "2021")

FORMAT_DOCUMENTS = {
    "2019": "国办公开办函〔2019〕60号",
    "2021": "国办公开办函〔2021〕30号",
}


def format_version_for_year(year: int) -> str:
    """The format version a report for ``year`` uses by default."""
    return "2019" if int(year) <= 2020 else "2021"


# ---------------------------------------------------------------------------------------------
# The six parts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    number: int
    id: str
    title: str  # heading in the national format
    long_title: str  # long variant (used by Shanghai's city-wide report)

    def heading(self, variant: str = "standard") -> str:
        return self.long_title if variant == "long" else self.title


PARTS: tuple[Part, ...] = (
    Part(1, "overview", "一、总体情况", "一、总体情况"),
    Part(2, "proactive", "二、主动公开政府信息情况", "二、主动公开政府信息情况"),
    Part(3, "applications", "三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请情况"),
    Part(
        4,
        "review_litigation",
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
    ),
    Part(5, "problems", "五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    Part(6, "other", "六、其他需要报告的事项", "六、其他需要报告的事项"),
)

PART_BY_NUMBER = {p.number: p for p in PARTS}

#: The five areas that part 1 summarises.
OVERVIEW_AREAS = {
    "proactive": "主动公开",
    "on_request": "依申请公开",
    "information_management": "政府信息管理",
    "platforms": "政府信息公开平台建设",
    "oversight": "监督保障",
}

REPORT_TITLE = "{year}年{unit_name}政府信息公开工作年度报告"


# ---------------------------------------------------------------------------------------------
# Table A — 主动公开政府信息情况
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    kind: str = "count"  # "count" (non-negative integer), "change" (integer, may be negative),
    #                      "amount" (non-negative decimal, 万元 or 元)


@dataclass(frozen=True)
class Row:
    id: str
    label: str


@dataclass(frozen=True)
class TableABlock:
    article: str  # 第二十条第（一）项
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    row_header: str = "信息内容"


@dataclass(frozen=True)
class TableA:
    version: str
    title: str
    blocks: tuple[TableABlock, ...]

    def cells(self) -> list[tuple[str, str]]:
        return [(r.id, c.id) for b in self.blocks for r in b.rows for c in b.columns]

    def block_of(self, row_id: str) -> TableABlock:
        for block in self.blocks:
            if any(r.id == row_id for r in block.rows):
                return block
        raise KeyError(row_id)

    def row(self, row_id: str) -> Row:
        return next(r for r in self.block_of(row_id).rows if r.id == row_id)

    def column(self, row_id: str, col_id: str) -> Column:
        for c in self.block_of(row_id).columns:
            if c.id == col_id:
                return c
        raise KeyError(f"{row_id}/{col_id}")


_DECISIONS_2021 = Column("decisions", "本年处理决定数量")

TABLE_A = {
    "2021": TableA(
        "2021",
        "主动公开政府信息情况",
        (
            TableABlock(
                "第二十条第（一）项",
                (Row("regulations", "规章"), Row("normative_documents", "行政规范性文件")),
                (
                    Column("issued", "本年制发件数"),
                    Column("repealed", "本年废止件数"),
                    Column("in_force", "现行有效件数"),
                ),
            ),
            TableABlock("第二十条第（五）项", (Row("licensing", "行政许可"),), (_DECISIONS_2021,)),
            TableABlock(
                "第二十条第（六）项",
                (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
                (_DECISIONS_2021,),
            ),
            TableABlock(
                "第二十条第（八）项",
                (Row("fees", "行政事业性收费"),),
                (Column("fee_amount", "本年收费金额（单位：万元）", "amount"),),
            ),
        ),
    ),
    "2019": TableA(
        "2019",
        "主动公开政府信息情况",
        (
            TableABlock(
                "第二十条第（一）项",
                (Row("regulations", "规章"), Row("normative_documents", "规范性文件")),
                (
                    Column("made", "本年新制作数量"),
                    Column("published", "本年新公开数量"),
                    Column("total_public", "对外公开总数量"),
                ),
            ),
            TableABlock(
                "第二十条第（五）项",
                (Row("licensing", "行政许可"), Row("other_services", "其他对外管理服务事项")),
                (
                    Column("prev_items", "上一年项目数量"),
                    Column("change", "本年增/减", "change"),
                    Column("decisions", "处理决定数量"),
                ),
            ),
            TableABlock(
                "第二十条第（六）项",
                (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
                (
                    Column("prev_items", "上一年项目数量"),
                    Column("change", "本年增/减", "change"),
                    Column("decisions", "处理决定数量"),
                ),
            ),
            TableABlock(
                "第二十条第（八）项",
                (Row("fees", "行政事业性收费"),),
                (Column("prev_items", "上一年项目数量"), Column("change", "本年增/减", "change")),
            ),
            TableABlock(
                "第二十条第（九）项",
                (Row("procurement", "政府集中采购"),),
                (Column("procurement_items", "采购项目数量"), Column("procurement_amount", "采购总金额", "amount")),
            ),
        ),
    ),
}


# ---------------------------------------------------------------------------------------------
# Table B — 收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------------------------

TABLE_B_TITLE = "收到和处理政府信息公开申请情况"
TABLE_B_RULE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE_B_APPLICANT_HEADER = "申请人情况"
TABLE_B_ORG_HEADER = "法人或其他组织"

#: The seven numeric columns, in official order.
TABLE_B_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("public_interest", "社会公益组织"),
    Column("legal_services", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
TABLE_B_COLUMN_IDS = tuple(c.id for c in TABLE_B_COLUMNS)
TABLE_B_ORG_COLUMNS = ("commercial", "research", "public_interest", "legal_services", "other_org")
TABLE_B_PART_COLUMNS = ("natural_person",) + TABLE_B_ORG_COLUMNS
TABLE_B_COLUMN_LABEL = {c.id: c.label for c in TABLE_B_COLUMNS}


@dataclass(frozen=True)
class Group:
    """A disposition category: rows whose sum the narrative reports as one figure."""

    id: str
    label: str  # official group label, e.g. （三）不予公开
    narrative_label: str  # how the narrative names the category
    rows: tuple[str, ...]


@dataclass(frozen=True)
class TableB:
    version: str
    rows: tuple[Row, ...]  # numeric rows, official order
    groups: tuple[Group, ...]  # disposition categories, in order

    @property
    def row_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rows)

    def row(self, row_id: str) -> Row:
        for r in self.rows:
            if r.id == row_id:
                return r
        raise KeyError(f"no row {row_id!r} in Table B")

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(f"no group {group_id!r} in Table B")

    def group_of(self, row_id: str) -> Group | None:
        return next((g for g in self.groups if row_id in g.rows), None)

    @property
    def disposition_rows(self) -> tuple[str, ...]:
        return tuple(r for g in self.groups for r in g.rows)

    def layout(self) -> list[tuple[str, str | None]]:
        """Official row order with group header labels: (label, row_id or None for a header)."""
        out: list[tuple[str, str | None]] = []
        headed = {"withheld", "unavailable", "not_processed"}
        if self.version == "2021":
            headed.add("other")
        for r in self.rows:
            if r.id == "granted":
                out.append((TABLE_B_RESULTS_HEADER, None))
            g = self.group_of(r.id)
            if g is not None and g.id in headed and r.id == g.rows[0]:
                out.append((g.label, None))
            out.append((r.label, r.id))
        return out


TABLE_B_RESULTS_HEADER = "三、本年度办理结果"

_B_HEAD = (
    Row("new_received", "一、本年新收政府信息公开申请数量"),
    Row("carried_in", "二、上年结转政府信息公开申请数量"),
    Row("granted", "（一）予以公开"),
    Row("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Row("withheld_state_secret", "1.属于国家秘密"),
    Row("withheld_prohibited", "2.其他法律行政法规禁止公开"),
    Row("withheld_security", "3.危及“三安全一稳定”"),
    Row("withheld_third_party", "4.保护第三方合法权益"),
    Row("withheld_internal", "5.属于三类内部事务信息"),
    Row("withheld_deliberative", "6.属于四类过程性信息"),
    Row("withheld_enforcement_file", "7.属于行政执法案卷"),
    Row("withheld_inquiry", "8.属于行政查询事项"),
    Row("unavailable_not_held", "1.本机关不掌握相关政府信息"),
    Row("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    Row("unavailable_unclear", "3.补正后申请内容仍不明确"),
    Row("not_processed_petition", "1.信访举报投诉类申请"),
    Row("not_processed_repeat", "2.重复申请"),
    Row("not_processed_publication", "3.要求提供公开出版物"),
    Row("not_processed_excessive", "4.无正当理由大量反复申请"),
    Row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_B_OTHER_2021 = (
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    Row("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    Row("other_other", "3.其他"),
)
_B_OTHER_2019 = (Row("other", "（六）其他处理"),)
_B_TAIL = (Row("total", "（七）总计"), Row("carried_forward", "四、结转下年度继续办理"))


def _b_groups(other_rows: tuple[Row, ...]) -> tuple[Group, ...]:
    ids = [r.id for r in _B_HEAD]
    return (
        Group("disclosed", "（一）予以公开、（二）部分公开", "予以公开及部分公开", ("granted", "partly_granted")),
        Group("withheld", "（三）不予公开", "不予公开", tuple(i for i in ids if i.startswith("withheld_"))),
        Group("unavailable", "（四）无法提供", "无法提供", tuple(i for i in ids if i.startswith("unavailable_"))),
        Group("not_processed", "（五）不予处理", "不予处理", tuple(i for i in ids if i.startswith("not_processed_"))),
        Group("other", "（六）其他处理", "其他处理", tuple(r.id for r in other_rows)),
    )


TABLE_B = {
    "2021": TableB("2021", _B_HEAD + _B_OTHER_2021 + _B_TAIL, _b_groups(_B_OTHER_2021)),
    "2019": TableB("2019", _B_HEAD + _B_OTHER_2019 + _B_TAIL, _b_groups(_B_OTHER_2019)),
}


# ---------------------------------------------------------------------------------------------
# Table C — 政府信息公开行政复议、行政诉讼情况 (same in both versions)
# ---------------------------------------------------------------------------------------------

TABLE_C_TITLE = "政府信息公开行政复议、行政诉讼情况"
TABLE_C_LITIGATION_HEADER = "行政诉讼"

TABLE_C_BLOCKS: tuple[Row, ...] = (
    Row("review", "行政复议"),
    Row("litigation_direct", "未经复议直接起诉"),
    Row("litigation_after_review", "复议后起诉"),
)
TABLE_C_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
TABLE_C_BLOCK_IDS = tuple(b.id for b in TABLE_C_BLOCKS)
TABLE_C_COLUMN_IDS = tuple(c.id for c in TABLE_C_COLUMNS)
TABLE_C_BLOCK_LABEL = {b.id: b.label for b in TABLE_C_BLOCKS}
TABLE_C_COLUMN_LABEL = {c.id: c.label for c in TABLE_C_COLUMNS}

UNKNOWN_MARK = "—"
UNKNOWN_NOTE = "“—”表示该项数据未公布（未知），不同于 0。"
DERIVED_NOTE = "带“*”的合计行为根据公布数据推算的派生值，官方表格中无此行。"


@dataclass(frozen=True)
class FormatSpec:
    version: str
    table_a: TableA
    table_b: TableB
    document: str = field(default="")


def spec(version: str) -> FormatSpec:
    if version not in FORMAT_VERSIONS:
        raise ValueError(f"unknown format version {version!r}; expected one of {FORMAT_VERSIONS}")
    return FormatSpec(version, TABLE_A[version], TABLE_B[version], FORMAT_DOCUMENTS[version])


# ---------------------------------------------------------------------------------------------
# Reporting units
# ---------------------------------------------------------------------------------------------

#: Levels of reporting units (data/units.yaml).
UNIT_LEVELS = {"city": "市", "district": "区", "agency": "市级机关", "other": "其他"}

SYNTHETIC_MARK = "示例数据"
SYNTHETIC_NOTE = "示例数据：本表数据为程序生成的合成数据，仅用于演示，不是真实统计。"


# ---------------------------------------------------------------------------------------------
# Label variants seen in published pages (for reading them; the official labels above are what
# nianbao writes). Matching first normalises a label (full-width to half-width, no spaces,
# quotes or numbering, no trailing remark in brackets), then looks it up in the official labels
# of both versions, then in these variants.
# ---------------------------------------------------------------------------------------------

#: Character-level variants replaced before matching (common misspellings).
LABEL_CHARACTER_VARIANTS = {"其它": "其他", "帐": "账", "洩": "泄", "予已": "予以"}

#: Normalised variants of Table B row labels → row id.
TABLE_B_ROW_VARIANTS = {
    "本年新收政府信息公开申请": "new_received",
    "本年新收申请数量": "new_received",
    "本年度新收政府信息公开申请数量": "new_received",
    "上年结转政府信息公开申请": "carried_in",
    "上年度结转政府信息公开申请数量": "carried_in",
    "结转下年度继续办理的申请": "carried_forward",
    "结转下一年度继续办理": "carried_forward",
    "危及三安全一稳定": "withheld_security",
    "危及国家安全公共安全经济安全和社会稳定": "withheld_security",
    "本机关不掌握相关信息": "unavailable_not_held",
    "申请人无正当理由逾期不补正": "other_no_correction",
    "申请人逾期未按收费通知要求缴纳费用": "other_no_fee",
}

#: Normalised variants of Table A labels → row or column id.
TABLE_A_ROW_VARIANTS = {"行政规范性文件": "normative_documents", "规范性文件": "normative_documents"}
TABLE_A_COLUMN_VARIANTS = {"本年收费金额": "fee_amount", "收费金额": "fee_amount", "本年增减": "change"}
