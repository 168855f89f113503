"""One audit as rows of the corpus dataset (:class:`Entry`): the document's facts, every table cell
read, every narrative figure, every finding — in the column order of :mod:`.tables`.

The rows are made into typed Arrow record batches in the worker that audited the document, and
travel (to the parent, into the store) as Arrow IPC bytes: building the dataset from ten thousand
stored documents is then reading bytes, not turning millions of Python objects into columns.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow as pa

from nianbao import __version__
from nianbao.audit.corpus import arrow
from nianbao.audit.corpus import tables as t
from nianbao.audit.output import share_checks
from nianbao.audit.page import Cell, grid
from nianbao.audit.reading.figures import CLAIM, Side, TextFigure
from nianbao.audit.run import AuditResult
from nianbao.audit.tables import MARKS, CellRef, TableRead
from nianbao.data import numbers
from nianbao.rules.base import cell_labels
from nianbao.rules.findings import Finding

MAGIC = b"nianbao-corpus-entry 1\n"


@dataclass
class Entry:
    """What the dataset holds about one document (one sha256)."""

    sha256: str
    facts: dict  # the documents columns of tables.FACTS
    blobs: dict[str, bytes] = field(default_factory=dict)  # table → its rows as an Arrow IPC stream
    keep: bool = True  # False: the environment failed, not the file (a missing tool): tried again next run

    @property
    def ok(self) -> bool:
        return self.facts.get("status") == t.OK

    def table(self, name: str) -> pa.Table:
        """The rows of ``name`` (cells, statements, findings) with their ``document`` column, in
        the plain form of the table's schema (:data:`.tables.PLAIN`)."""
        blob = self.blobs.get(name)
        return arrow.from_ipc(blob) if blob else t.PLAIN[name].empty_table()

    def to_bytes(self) -> bytes:
        """The store's form: a header line (facts, the blobs' sizes), then the blobs."""
        sizes = {name: len(blob) for name, blob in self.blobs.items()}
        head = json.dumps({"sha256": self.sha256, "facts": self.facts, "sizes": sizes}, ensure_ascii=False)
        return MAGIC + head.encode("utf-8") + b"\n" + b"".join(self.blobs.values())

    @classmethod
    def from_bytes(cls, data: bytes) -> Entry:
        if not data.startswith(MAGIC):
            raise ValueError("not a corpus entry")
        end = data.index(b"\n", len(MAGIC))
        head = json.loads(data[len(MAGIC) : end])
        blobs, at = {}, end + 1
        for name, size in head["sizes"].items():
            blobs[name] = data[at : at + size]
            at += size
        return cls(head["sha256"], head["facts"], blobs)


def _number(value) -> str | None:
    """An exact decimal string for the NUMBER columns (None beyond their ten decimals)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    if not number.is_finite() or number.as_tuple().exponent < -t.NUMBER_PLACES:  # type: ignore[operator]
        return None
    return str(number)


def _text(value) -> str | None:
    return None if value is None else str(value)


def base_facts(reader: str, seconds: float) -> dict:
    """The facts every entry has, whether the audit went well or not."""
    return dict.fromkeys(t.FACTS) | {
        "nianbao_version": __version__, "reader": reader, "seconds": round(seconds, 3), "audited_at": int(time.time()),
        "errors": 0, "warnings": 0, "unverifiable": 0, "cells": 0, "statements": 0,
    }  # fmt: skip


def failed(
    sha256: str, reason: str, reader: str, seconds: float, *, fmt: str | None = None, keep: bool = True
) -> Entry:
    """A document that could not be audited, and why (one line)."""
    facts = base_facts(reader, seconds) | {"status": t.FAILED, "reason": one_line(reason), "format": fmt}
    return Entry(sha256, facts, {}, keep)


def one_line(text: str, limit: int = 400) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def entry_of(result: AuditResult, sha256: str, reader: str, seconds: float) -> Entry:
    """The rows of one audit."""
    cells, statements = cell_rows(result), statement_rows(result)
    uy, ident = result.uy, result.identity
    facts = base_facts(reader, seconds) | {
        "format": result.kind, "read_as": result.encoding, "pages": result.pages, "title": result.title,
        "unit_id": uy.unit or None, "unit_name": ident.unit_name, "unit_confidence": ident.confidence,
        "unit_scope": ident.scope, "year": uy.year or None, "format_version": result.version,
        "tables": ",".join(sorted(result.tables)), "status": t.OK, "errors": result.errors,
        "warnings": result.warnings, "unverifiable": result.unverifiable, "cells": len(cells),
        "statements": len(statements),
    }  # fmt: skip
    found = {"cells": cells, "statements": statements, "findings": finding_rows(result)}
    blobs = {name: arrow.to_ipc(arrow.with_document(rows_of, sha256), t.PLAIN[name]) for name, rows_of in found.items()}
    return Entry(sha256, facts, blobs)


# ---------------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------------


def _cells_by_place(result: AuditResult) -> dict[tuple[int, int, int], Cell]:
    """Every cell of the statistical tables by (page table, its first row, grid column), 1-based:
    the place a :class:`CellRef` names."""
    out: dict[tuple[int, int, int], Cell] = {}
    for found in result.page_tables.values():
        for table in found:
            for line in grid(table):
                for j, cell in enumerate(line):
                    if cell is not None:
                        out.setdefault((table.number, cell.row + 1, j + 1), cell)
    return out


def cell_rows(result: AuditResult) -> list[tuple]:
    """One row per cell read into 表一, 表二 or 表三: numbers, empty cells and cells that hold text."""
    places = _cells_by_place(result)
    rows: list[tuple] = []
    for read in result.tables.values():
        for (row_id, col_id), value in read.values.items():
            rows.append(_cell(result, places, read.table, row_id, col_id, read.refs.get((row_id, col_id)), value))
        for (group, col_id), value in read.groups.items():
            row_id = f"group:{group}"
            rows.append(_cell(result, places, read.table, row_id, col_id, read.refs.get((row_id, col_id)), value))
        for (row_id, col_id), ref in read.empty.items():
            rows.append(_cell(result, places, read.table, row_id, col_id, ref, None))
        rows.extend(_problem_cells(result, places, read))
    return rows


def _problem_cells(result: AuditResult, places, read: TableRead) -> list[tuple]:
    """Cells whose text is no number (「251000元」): kept as published, without a value."""
    return [
        _cell(result, places, read.table, p.row_id, p.col_id, p.ref, None, p.found)
        for p in read.problems
        if p.ref is not None and p.row_id and p.col_id and p.rule != "F1"
    ]


def _held(value, text: str) -> str:
    if value is not None:
        return t.HELD_ZERO if value == 0 else t.HELD_NUMBER
    shown = numbers.normalize(text)
    if not shown:
        return t.HELD_BLANK
    return t.HELD_NOT_APPLICABLE if shown in MARKS else t.HELD_TEXT


def _cell(result, places, table: str, row_id: str, col_id: str, ref: CellRef | None, value, found=None) -> tuple:
    cell = places.get((ref.table, ref.row, ref.column)) if ref is not None else None
    text = cell.published if cell is not None else (ref.text if ref is not None else (found or ""))
    row_label, col_label = cell_labels(result.uy, table, row_id, col_id)
    return (
        table, row_id, col_id, row_label, col_label, text, _number(value), _held(value, text),
        cell.page if cell is not None else None, ref.table if ref else None, ref.row if ref else None,
        ref.column if ref else None, cell.confidence if cell is not None else None,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# statements and findings
# ---------------------------------------------------------------------------------------------


def _ref(ref) -> str | None:
    if not ref:
        return None
    return "+".join(ref) if isinstance(ref, tuple) else str(ref)


def _side(side: Side | None) -> tuple:
    if side is None:
        return None, None, None
    return _number(side.value), _ref(side.ref), side.words or side.label or None


def statement_rows(result: AuditResult) -> list[tuple]:
    checks = {c.id: c for c in share_checks(result)}
    texts = result.narrative.texts
    rows = []
    for f in result.narrative.figures:
        check = checks.get(f.id)
        paragraph = texts[f.paragraph - 1].original if 0 < f.paragraph <= len(texts) else None
        rows.append((
            f.id, f.kind, _label(f), _published(f), None if f.kind == CLAIM else _number(f.value),
            f.counted_in or f.unit or None, _ref(f.ref), *_side(f.numerator), *_side(f.base), f.base_named,
            check.verdict if check else None, check.note if check else None, f.quote, f.paragraph, f.part or None,
            getattr(paragraph, "page", None), getattr(paragraph, "confidence", None),
        ))  # fmt: skip
    return rows


def _label(f: TextFigure) -> str | None:
    if f.kind == CLAIM:
        return f.claim or None
    if f.label:
        return f.label
    return f"{f.numerator.label}占比" if f.numerator is not None and f.numerator.label else None


def _published(f: TextFigure) -> str | None:
    if f.kind == CLAIM:
        return f.quote
    return _text(f.value)


def finding_rows(result: AuditResult) -> list[tuple]:
    return [_finding(f, result.identity.unit_name) for f in result.findings]


def _finding(f: Finding, unit_name: str | None) -> tuple:
    loc = f.location
    return (
        f.rule, f.severity, f.unit or None, unit_name, f.year or None, loc.table, loc.row, loc.column, loc.cell,
        loc.quote, loc.describe(), _text(f.expected), _text(f.found), f.formula, f.note or None,
    )  # fmt: skip
