"""The audit of one published report: read the page, find and map its three tables, extract the
narrative's figures, run every rule, and collect the findings (:func:`audit_file`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from nianbao.audit import labels
from nianbao.audit.formats import read_document
from nianbao.audit.narrative import Narrative, extract
from nianbao.audit.page import Page, Table
from nianbao.audit.tables import Problem, TableRead, classify, read_table_a, read_table_b, read_table_c
from nianbao.audit.texttables import find_tables
from nianbao.data.model import UnitYear
from nianbao.data.store import DataStore
from nianbao.errors import DataError
from nianbao.format import schema
from nianbao.rules import RULES, check_unit_year
from nianbao.rules.base import cell_labels
from nianbao.rules.findings import WARNING, Finding, Location

F1_FORMULA = "公布的统计表应与官方格式一致：三张表齐全，行、列完整，每格都是数字"
_TITLE = (  # 「2021年示例区政府信息公开工作年度报告」, 「示例县2020年政府信息公开工作年度报告」
    re.compile(
        r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*(?P<unit>[^\s，。,:：]{0,40}?)\s*(?:政府)?信息公开(?:工作)?年度报告"
    ),
    re.compile(
        r"(?P<unit>[^\s，。,:：0-9]{1,30}?)\s*(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*(?:政府)?信息公开(?:工作)?年度报告"
    ),
)
_YEAR_ONLY = (
    re.compile(r"统计期限(?:从|自|为)?\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"),
    re.compile(r"^\s*((?:19|20)\d{2})\s*年[,，]"),
)
_TABLE_NAMES = {"A": "表一", "B": "表二", "C": "表三"}


class AuditError(DataError):
    """A page that cannot be audited as one report (it holds two, for instance)."""


@dataclass
class AuditResult:
    path: Path
    kind: str  # the format read: "html", "text", "pdf", "docx", "doc", "wps" or "image"
    encoding: str
    title: str
    uy: UnitYear  # the tables as published (unreadable cells unknown) with the narrative's figures
    version: str  # format version the audit used
    version_evidence: str  # why
    tables: dict[str, TableRead] = field(default_factory=dict)
    narrative: Narrative = field(default_factory=Narrative)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page_tables: dict[str, list[Table]] = field(default_factory=dict)  # the page's tables behind each read

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(not f.is_error for f in self.findings)

    def locate(self, table: str, row_id: str, col_id: str | None) -> str | None:
        if table == "text":
            return self.narrative.where.get(row_id)
        read = self.tables.get(table)
        ref = read.refs.get((row_id, col_id or "")) if read else None
        return ref.where() if ref else None


def audit_file(
    path: Path | str,
    *,
    unit: str | None = None,
    year: int | None = None,
    data_dir: Path | str | None = None,
) -> AuditResult:
    """Audit a published report: a saved page (HTML), text, PDF, DOCX, DOC, WPS or image.

    ``unit``/``year`` override what the page's title says. With a data folder holding the unit's
    previous year, X1 and X2 are checked too.
    """
    source = read_document(path)  # any format, recognised by content
    page, notes = source.page, list(source.notes)
    tables, paragraphs = _sort_blocks(page, source.structured)
    for kind, found in tables.items():
        if kind in ("B", "C") and len(found) > 1:
            numbers = "、".join(str(t.number) for t in found)
            raise AuditError(
                f"{source.path}: the page holds {len(found)} copies of {_TABLE_NAMES[kind]} (page tables {numbers}): "
                "two reports in one page? Save each report as a page of its own and audit them one by one",
                path=source.path,
                location=f"page table {found[1].number}",
            )
    title, unit_name, page_year = _identify(page, paragraphs)
    year = int(year) if year is not None else page_year
    if year is None:
        notes.append("the page does not say which year it reports on; give --year (the year is taken as 0)")
    version, evidence = _version(tables, year)
    uy = UnitYear(
        unit or "", unit_name or unit or "（未识别单位）", year or 0, version, source=f"审核自 {source.path.name}"
    )
    uy.unit = _unit_id(unit, unit_name, data_dir) or uy.unit_name
    reads: dict[str, TableRead] = {}
    if tables.get("A"):
        reads["A"] = read_table_a(tables["A"], version)
    if tables.get("B"):
        reads["B"] = read_table_b(tables["B"][0], version)
    if tables.get("C"):
        reads["C"] = read_table_c(tables["C"][0])
    notes.extend(note for found in tables.values() for table in found for note in table.notes)
    for read in reads.values():
        target = {"A": uy.table_a, "B": uy.table_b, "C": uy.table_c}[read.table]
        target.update(read.values)
        uy.table_b_groups.update(read.groups)
        notes.extend(read.notes)
    narrative = extract(paragraphs)
    uy.statements.update(narrative.statements)
    uy.figures.update(narrative.figures)
    result = AuditResult(source.path, source.format, source.encoding, title, uy, version, evidence,
                         reads, narrative, [], notes, tables)  # fmt: skip
    result.findings = _findings(result, data_dir)
    return result


# ---------------------------------------------------------------------------------------------
# the page's parts
# ---------------------------------------------------------------------------------------------


def _sort_blocks(page: Page, is_html: bool) -> tuple[dict[str, list[Table]], list[str]]:
    """The three tables (by kind) and the narrative's paragraphs, in document order. The text of
    a table that is none of the three (a layout table around the report) counts as narrative."""
    tables: dict[str, list[Table]] = {"A": [], "B": [], "C": []}
    paragraphs: list[str] = []
    for block in page.blocks:
        if isinstance(block, str):
            paragraphs.append(block)
            continue
        kind = classify(block)
        if kind:
            tables[kind].append(block)
        else:
            paragraphs.extend(
                line for row in block.rows for cell in row for line in cell.text.split("\n") if line.strip()
            )
    if not is_html:
        found, paragraphs = find_tables(paragraphs)
        for table in found:
            kind = classify(table)
            if kind:
                tables[kind].append(table)
    return {k: v for k, v in tables.items() if v}, paragraphs


def _identify(page: Page, paragraphs: list[str]) -> tuple[str, str | None, int | None]:
    candidates = [page.title, *page.headings, *paragraphs[:8]]
    for text in candidates:
        for pattern in _TITLE:
            m = pattern.search(text or "")
            if m and m.group("unit"):
                name = re.sub(r"^(?:关于)", "", m.group("unit"))
                return m.group(0), name or None, int(m.group("year"))
    title = (page.title or "")[:60]
    for pattern in _YEAR_ONLY:
        for text in paragraphs:
            m = pattern.search(text)
            if m:
                return title, None, int(m.group(1))
    return title, None, None


def _unit_id(unit: str | None, unit_name: str | None, data_dir) -> str | None:
    store = DataStore(data_dir)
    for candidate in (unit, unit_name):
        if candidate:
            try:
                return store.resolve_unit(candidate)
            except Exception:
                continue
    return unit


def _version(tables: dict[str, list[Table]], year: int | None) -> tuple[str, str]:
    texts = {k: [c.text for t in v for row in t.rows for c in row] for k, v in tables.items()}
    from_b = labels.b_version(texts.get("B", []))
    if from_b is None and any(labels.key(x) == "其他处理" for x in texts.get("B", [])):
        from_b = "2019"
    from_a = labels.a_version(texts.get("A", []))
    by_year = schema.format_version_for_year(year) if year else None
    found = from_b or from_a
    if found:
        why = []
        if from_b:
            why.append(
                "表二 "
                + ("has the three rows of （六）其他处理" if from_b == "2021" else "has （六）其他处理 as one row")
            )
        if from_a:
            why.append(f"表一's column headers are the {from_a} version's")
        evidence = " and ".join(why)
        if from_a and from_b and from_a != from_b:
            evidence += " (they disagree; 表二 decides)"
        if by_year and by_year != found:
            evidence += f"; a {year} report would normally use the {by_year} version"
        return found, evidence
    if by_year:
        return by_year, f"the tables do not tell; the {by_year} version is the one for {year}"
    return "2021", "neither the tables nor the year tell; the 2021 version is assumed"


# ---------------------------------------------------------------------------------------------
# findings
# ---------------------------------------------------------------------------------------------


def _findings(result: AuditResult, data_dir) -> list[Finding]:
    uy = result.uy
    out: list[Finding] = []
    for kind, name in _TABLE_NAMES.items():
        if kind not in result.tables:
            out.append(Finding("F1", WARNING, uy.unit, uy.year, Location(kind), f"{name}（{_table_title(kind)}）", None,
                               F1_FORMULA, f"页面中没有找到{name}；它可能以图片或附件形式发布，无法核对"))  # fmt: skip
    for read in result.tables.values():
        out.extend(_problem_finding(uy, p) for p in read.problems)
    prev = _previous(uy, data_dir)
    out.extend(check_unit_year(uy, prev=prev, locate=result.locate))
    out.extend(_narrative_consistency(result))
    return out


def _table_title(kind: str) -> str:
    return {"A": schema.TABLE_A["2021"].title, "B": schema.TABLE_B_TITLE, "C": schema.TABLE_C_TITLE}[kind]


def _problem_finding(uy: UnitYear, p: Problem) -> Finding:
    row, col = cell_labels(uy, p.table, p.row_id, p.col_id) if p.row_id else (p.row_label, None)
    expected = "非负整数"
    if p.table == "A" and p.row_id and p.col_id:
        try:
            kind = uy.spec.table_a.column(p.row_id, p.col_id).kind
            expected = {"amount": "以万元计的非负数", "change": "整数"}.get(kind, expected)
        except KeyError:
            pass
    expected = p.expected or expected
    formula = F1_FORMULA if p.rule == "F1" else RULES[p.rule].formula
    return Finding(p.rule, p.severity, uy.unit, uy.year, Location(p.table, row, col, p.ref.where() if p.ref else None),
                   expected, p.found, formula, p.note)  # fmt: skip


def _previous(uy: UnitYear, data_dir) -> UnitYear | None:
    if not uy.unit or not uy.year:
        return None
    try:
        return DataStore(data_dir).try_load(uy.unit, uy.year - 1)
    except DataError:
        return None


def narrative_model(result: AuditResult, *, with_tables: bool = True) -> UnitYear:
    """The narrative's figures as a unit-year: its counts in the cells the tables leave unknown
    (with the tables' own cells too when ``with_tables``), and the shares and rates that the
    tables alone cannot recompute. A report whose tables are images, or have blank cells, still
    has its narrative checked this way."""
    uy = result.uy
    told = UnitYear(uy.unit, uy.unit_name, uy.year, uy.format_version)
    told.figures = dict(uy.figures)
    if with_tables:
        told.table_b, told.table_b_groups, told.table_c = dict(uy.table_b), dict(uy.table_b_groups), dict(uy.table_c)
    for st in uy.statements_of("count"):
        head, *rest = (st.subject or "").split(".")
        if len(rest) < 2 or uy.resolve(st.subject) is not None:
            continue
        target = {"B": told.table_b, "BG": told.table_b_groups, "C": told.table_c}.get(head)
        if target is not None and rest[0] != "litigation":
            target.setdefault((rest[0], rest[1]), int(st.value))
    for st in uy.statements.values():
        if st.kind in ("share", "rate") and (uy.resolve(st.numerator) is None or uy.resolve(st.denominator) is None):
            told.statements[st.id] = st
    return told


def _narrative_consistency(result: AuditResult) -> list[Finding]:
    """The narrative against itself where the tables cannot be used: B2, B3 and C1 on the totals
    it gives for a missing table, T3 and R1 on shares the tables alone cannot recompute."""
    out = []
    if "B" not in result.tables or "C" not in result.tables:
        only = narrative_model(result, with_tables=False)
        for f in check_unit_year(only, rules=["B2", "B3", "C1"]):
            loc = replace(f.location, table="text", cell=None)
            out.append(replace(f, location=loc, note=f"正文所列数字之间不一致：{f.note}"))
    out.extend(check_unit_year(narrative_model(result), rules=["T3", "R1"], locate=result.locate))
    return out
