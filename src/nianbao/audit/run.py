"""The audit of one published report (:func:`audit_file`): read the document, find and map its
three tables, know its unit and year, read the narrative in context, and judge every figure.

    formats → blocks (tables, paragraphs) → identity (unit, year) → tables (cells as published)
            → reading (the narrative's figures) → checks (tables, blanks as 0) → judge (T1–T4,
            B3, R1, Y1) and judge_shares (which base) → findings
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field, replace
from pathlib import Path

from nianbao.audit import labels
from nianbao.audit.blocks import simplify_cells, sort_blocks
from nianbao.audit.checks import (
    TABLE_NAMES,
    Checked,
    blank_findings,
    read_blanks_as_zero,
    row_quotes,
    table_findings,
)  # fmt: skip
from nianbao.audit.formats import read_document
from nianbao.audit.identity import UNKNOWN, Identity, identify
from nianbao.audit.judge import (
    balance_finding,
    change_findings,
    claim_findings,
    count_findings,
    sum_findings,
    year_finding,
)  # fmt: skip
from nianbao.audit.judge_shares import Judgement, judge_ratios
from nianbao.audit.page import Page, Table, TableTooLarge
from nianbao.audit.reading.narrative import Narrative, read_narrative
from nianbao.audit.reading.normalise import normalise
from nianbao.audit.statements import statements_of
from nianbao.audit.tables import Problem, TableRead, read_table_a, read_table_b, read_table_c
from nianbao.data.model import UnitYear
from nianbao.data.store import DataStore
from nianbao.errors import DataError, NianbaoError
from nianbao.format import schema
from nianbao.rules import RULES
from nianbao.rules.base import cell_labels
from nianbao.rules.findings import ERROR, UNVERIFIABLE, WARNING, Finding, Location

F1_FORMULA = "公布的统计表应与官方格式一致：三张表齐全，行、列完整，每格都是数字"


class AuditError(DataError):
    """A page that cannot be audited as one report (it holds two, for instance)."""


@dataclass
class AuditResult:
    path: Path
    kind: str  # the format read: "html", "text", "pdf", "docx", "doc", "wps" or "image"
    encoding: str
    title: str
    uy: UnitYear  # the tables as published (cells that hold no number unknown) with the narrative's statements
    version: str  # format version the audit used
    version_evidence: str  # why
    tables: dict[str, TableRead] = field(default_factory=dict)
    narrative: Narrative = field(default_factory=Narrative)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page_tables: dict[str, list[Table]] = field(default_factory=dict)  # the page's tables behind each read
    identity: Identity = field(default_factory=Identity)
    judgements: list[Judgement] = field(default_factory=list)  # every share and rate, judged
    checked: Checked | None = None  # the tables as the checks read them (blanks as 0)
    pages: int | None = None  # pages of a PDF, scan or Word document (None for web pages and text)

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    @property
    def unverifiable(self) -> int:
        return sum(f.severity == UNVERIFIABLE for f in self.findings)

    @property
    def figures(self):
        return self.narrative.figures

    def locate(self, table: str, row_id: str, col_id: str | None) -> str | None:
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

    ``unit``/``year`` override what the page says. With a data folder holding the unit's previous
    year, X1 and X2 are checked too.
    """
    collecting = gc.isenabled()
    gc.disable()  # many small objects and no cycles: the cyclic collector's passes would only add up
    try:
        return _audit(path, unit, year, data_dir)
    finally:
        if collecting:
            gc.enable()


def _audit(path, unit, year, data_dir) -> AuditResult:
    source = read_document(path)  # any format, recognised by content
    page = source.page
    simplify_cells(page)
    blocks = sort_blocks(page, source.structured)
    notes = list(source.notes) + blocks.notes
    _one_report(source.path, blocks.tables, blocks.all_tables_looked_at)
    identity = identify(_title_candidates(page, blocks.paragraphs), page.title,
                        [normalise(p) for p in blocks.paragraphs[:40]], data_dir)  # fmt: skip
    notes.extend(identity.notes)
    year = int(year) if year is not None else identity.year
    if year is None:
        notes.append(
            "the page does not say which year it reports on (no year in its title, no statistics period): give --year"
        )
    version, evidence = _version(blocks.tables, year)
    uy = UnitYear(_unit_id(unit, identity, data_dir), identity.unit_name or unit or "（未识别单位）", year or 0,
                  version, source=f"审核自 {source.path.name}")  # fmt: skip
    reads = _read_tables(blocks.tables, version, notes)
    for read in reads.values():
        {"A": uy.table_a, "B": uy.table_b, "C": uy.table_c}[read.table].update(read.values)
        uy.table_b_groups.update(read.groups)
        notes.extend(read.notes)
    narrative = read_narrative(blocks.paragraphs, year)
    result = AuditResult(source.path, source.format, source.encoding, identity.title or page.title[:60], uy, version,
                         evidence, reads, narrative, [], notes, blocks.tables, identity)  # fmt: skip
    result.pages = source.pages
    result.findings = _findings(result, blocks.headings, data_dir)
    uy.statements.update(statements_of(result))
    return result


def _one_report(path: Path, tables: dict[str, list[Table]], complete: bool) -> None:
    for kind, found in tables.items():
        if kind in ("B", "C") and len(found) > 1:
            numbers = "、".join(str(t.number) for t in found[:5]) + ("…" if len(found) > 5 else "")
            how_many = len(found) if complete else f"at least {len(found)}"
            raise AuditError(
                f"{path}: the page holds {how_many} copies of {TABLE_NAMES[kind]} (page tables {numbers}): "
                "two reports in one page? Save each report as a page of its own and audit them one by one",
                path=path,
                location=f"page table {found[1].number}",
            )


def _title_candidates(page: Page, paragraphs: list[str]) -> list[str]:
    return [*page.headings, *paragraphs[:8]]


def _unit_id(unit: str | None, identity: Identity, data_dir) -> str:
    """The registry id: of ``--unit`` when given, else of the title's unit when the registry
    knows it and the report is the unit's own (a district government's 本级 report is not the
    district-wide one)."""
    if unit:
        try:
            return DataStore(data_dir).resolve_unit(unit)
        except NianbaoError:
            return unit  # a unit not yet in the data folder: as given (import validates it)
    if identity.unit_id and identity.confidence != UNKNOWN and identity.scope != "district_government":
        return identity.unit_id
    return ""


def _read_tables(tables: dict[str, list[Table]], version: str, notes: list[str]) -> dict[str, TableRead]:
    reads: dict[str, TableRead] = {}
    readers = {"A": lambda ts: read_table_a(ts, version), "B": lambda ts: read_table_b(ts[0], version),
               "C": lambda ts: read_table_c(ts[0])}  # fmt: skip
    for kind, found in tables.items():
        try:
            reads[kind] = readers[kind](found)
        except TableTooLarge as exc:
            notes.append(str(exc))
    notes.extend(note for found in tables.values() for table in found for note in table.notes)
    return reads


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


def _findings(result: AuditResult, headings: dict[str, str], data_dir) -> list[Finding]:
    uy, reads = result.uy, result.tables
    out: list[Finding] = []
    for kind, name in TABLE_NAMES.items():
        if kind not in reads:
            out.append(Finding("F1", WARNING, uy.unit, uy.year, Location(kind), f"{name}（{_table_title(kind)}）", None,
                               F1_FORMULA, f"页面中没有找到{name}；它可能以图片或附件形式发布，无法核对"))  # fmt: skip
    for read in reads.values():
        out.extend(_problem_finding(uy, p) for p in read.problems)
    checked = read_blanks_as_zero(uy, reads)
    result.checked = checked
    quotes = {k: headings.get(k) or _table_title(k) for k in ("B", "C")}
    out.extend(blank_findings(uy, reads, checked, quotes))
    published_rows = row_quotes(uy, reads)
    table = table_findings(checked, _previous(uy, data_dir), result.locate, published_rows)
    out.extend(_one_b3(table, published_rows.get(("B", cell_labels(uy, "B", "new_received", "total")[0]))))
    figures = result.narrative.figures
    result.judgements, merged = judge_ratios(figures, checked, uy)
    out.extend(count_findings(figures, checked, uy, merged))
    out.extend(j.finding for j in result.judgements if j.finding is not None)
    out.extend(claim_findings(figures, checked, uy))
    out.extend(sum_findings(figures, uy))
    out.extend(change_findings(figures, uy))
    for extra in (balance_finding(result.narrative, checked, uy), year_finding(result.identity, uy)):
        if extra is not None:
            out.append(extra)
    return out


def _one_b3(findings: list[Finding], row_one: str | None) -> list[Finding]:
    """B3 broken in several columns by one defect is one finding (naming the columns), quoted on
    row 一 as published (the balance starts there)."""
    b3 = [f for f in findings if f.rule == "B3" and f.location.table == "B"]
    if not b3:
        return findings
    main = next((f for f in b3 if f.location.column == schema.TABLE_B_COLUMN_LABEL["total"]), b3[0])
    note = main.note
    if len(b3) > 1:
        note += f"（不平衡的列：{'、'.join(f.location.column or '' for f in b3)}）"
    merged = replace(main, note=note, location=replace(main.location, quote=row_one or main.location.quote))
    return [merged if f is main else f for f in findings if f not in b3 or f is main]


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
