"""The corpus dataset's four tables, declared once: their Arrow schemas and what each column holds.

Every file of one run is written from these schemas (Parquet and CSV alike), each audited
document's rows are kept in the store as Arrow data of the same schemas, and the corpus report
queries the columns by these names.

    documents   one row per file: where it is, what it is, whom and which year it reports on, and
                how its audit went
    cells       one row per table cell read: the official row and column, the text as published,
                the value, what the cell held, where it stood
    statements  one row per figure of the narrative: kind, value as published, numerator and base,
                the verdict on a share, the words and where they stand
    findings    one row per finding: rule, severity, unit, year, where, expected and found
"""

from __future__ import annotations

import pyarrow as pa

#: Numbers as published, exactly: counts, 万元 amounts, shares (up to ten decimals; a number with
#: more is kept in its text only).
NUMBER = pa.decimal128(38, 10)
NUMBER_PLACES = 10

#: What a cell held, as published (the ``held`` column of ``cells``).
HELD_NUMBER, HELD_ZERO, HELD_BLANK, HELD_NOT_APPLICABLE, HELD_TEXT = "number", "zero", "blank", "not_applicable", "text"
HELD = (HELD_NUMBER, HELD_ZERO, HELD_BLANK, HELD_NOT_APPLICABLE, HELD_TEXT)

OK, FAILED = "ok", "failed"

#: Text that repeats (ids, official labels, the document's digest, what a cell held): stored
#: dictionary-encoded, as pandas categories — small in memory, quick to read and to extend.
LABEL = pa.dictionary(pa.int32(), pa.string())


def _field(name: str, kind: pa.DataType, doc: str) -> pa.Field:
    return pa.field(name, kind, metadata={"doc": doc})


_DOCUMENT = _field("document", LABEL, "the document's sha256 (documents.sha256)")

DOCUMENTS = pa.schema([
    _field("path", pa.string(), "the file, as an absolute path"),
    _field("name", pa.string(), "the file's name"),
    _field("bytes", pa.int64(), "its size"),
    _field("sha256", pa.string(), "the SHA-256 of its content (empty when it could not be read)"),
    _field("format", LABEL, "the format recognised by content: html, text, pdf, docx, doc, wps, image"),
    _field("read_as", LABEL, "how its text was got: the encoding, text layer, OCR, LibreOffice → DOCX"),
    _field("pages", pa.int32(), "pages of a PDF, scan or Word document (empty for web pages and text)"),
    _field("title", pa.string(), "the report's title as published"),
    _field("unit_id", pa.string(), "the unit's registry id (empty when the registry does not know it)"),
    _field("unit_name", pa.string(), "the unit as the report names it (simplified characters)"),
    _field("unit_confidence", LABEL, "how the unit was recognised: exact, by name, unknown"),
    _field("unit_scope", LABEL, "city, district, district_government, agency, street, town"),
    _field("year", pa.int32(), "the reporting year"),
    _field("format_version", LABEL, "the format version the audit used: 2019 or 2021"),
    _field("tables", LABEL, "the statistical tables found: A (表一), B (表二), C (表三)"),
    _field("status", LABEL, "ok, or failed (the file could not be audited: see reason)"),
    _field("reason", pa.string(), "why it failed, in one line"),
    _field("errors", pa.int32(), "findings of severity error"),
    _field("warnings", pa.int32(), "findings of severity warning"),
    _field("unverifiable", pa.int32(), "published figures that cannot be checked (无法复核)"),
    _field("cells", pa.int32(), "table cells read"),
    _field("statements", pa.int32(), "narrative figures read"),
    _field("seconds", pa.float64(), "the audit's time"),
    _field("audited_at", pa.timestamp("ms", tz="UTC"), "when it was audited"),
    _field("nianbao_version", LABEL, "the nianbao version that audited it"),
    _field("reader", LABEL, "the digest of the code and registry the audit used (a change re-audits)"),
])  # fmt: skip

CELLS = pa.schema([
    _DOCUMENT,
    _field("table_id", LABEL, "A (表一), B (表二) or C (表三)"),
    _field("row_id", LABEL, "the official row's id (group:<id> for a category total of 表二)"),
    _field("column_id", LABEL, "the official column's id"),
    _field("row_label", LABEL, "the official row label"),
    _field("column_label", LABEL, "the official column label"),
    _field("text", LABEL, "the cell's text as published"),
    _field("value", NUMBER, "its number (empty when it holds none)"),
    _field("held", LABEL, "what it held: number, zero, blank, not_applicable (—, /, 无), text"),
    _field("page", pa.int32(), "the page it is on (PDF, scan)"),
    _field("page_table", pa.int32(), "the table's number in the document (1-based)"),
    _field("table_row", pa.int32(), "its row in that table (1-based)"),
    _field("table_column", pa.int32(), "its column in that table, merged cells expanded (1-based)"),
    _field("ocr_confidence", pa.float64(), "OCR confidence 0–100 of its least sure word, when OCR'd"),
])  # fmt: skip

STATEMENTS = pa.schema([
    _DOCUMENT,
    _field("id", pa.string(), "the figure's id in the document: count_3, share_7, ..."),
    _field("kind", LABEL, "count, share, rate, change, claim, sum"),
    _field("label", LABEL, "what it counts, or the rate's name, or the claim"),
    _field("value", pa.string(), "the value as published (<1 for 不足1%)"),
    _field("number", NUMBER, "the value as a number (empty for claims and 不足1%)"),
    _field("unit", LABEL, "件, 条, 个 for shares; %, 个百分点, 件 for changes"),
    _field("cell", LABEL, "the table cell(s) a count states: B.new_received.total, ..."),
    _field("numerator", NUMBER, "a share's or rate's numerator"),
    _field("numerator_cell", LABEL, "the cell the numerator is"),
    _field("numerator_words", pa.string(), "the words it was read from"),
    _field("base", NUMBER, "the base it was judged against"),
    _field("base_cell", LABEL, "the cell the base is"),
    _field("base_words", pa.string(), "the words it was read from, or why it was taken"),
    _field("base_named", pa.bool_(), "the text names its base (占答复总数的)"),
    _field("verdict", LABEL, "a share or rate judged: 一致, 截尾取值, 另一基数, 不一致（应为x%）, 无法复核, 件数与表不符"),
    _field("judgement", pa.string(), "the judgement in words"),
    _field("quote", pa.string(), "the published words"),
    _field("paragraph", pa.int32(), "the narrative paragraph (1-based)"),
    _field("part", LABEL, "the report part it stands in"),
    _field("page", pa.int32(), "the page it is on (PDF, scan)"),
    _field("ocr_confidence", pa.float64(), "OCR confidence 0–100 of the paragraph's least sure word, when OCR'd"),
])  # fmt: skip

FINDINGS = pa.schema([
    _DOCUMENT,
    _field("rule", LABEL, "B1 … T4, R1, Y1, F1, ..."),
    _field("severity", LABEL, "error, warning, unverifiable"),
    _field("unit", LABEL, "the unit's registry id (empty when unknown)"),
    _field("unit_name", LABEL, "the unit as the report names it"),
    _field("year", pa.int32(), "the reporting year"),
    _field("table_id", LABEL, "A, B, C, text (the narrative) or file"),
    _field("row_label", LABEL, "the official row label"),
    _field("column_label", LABEL, "the official column label"),
    _field("cell", pa.string(), "where in the document: 第2个表格第9行第10列, 正文第8段"),
    _field("quote", pa.string(), "the published words"),
    _field("location", pa.string(), "the place in words"),
    _field("expected", pa.string(), "what the rule expects"),
    _field("found", pa.string(), "what was published"),
    _field("formula", LABEL, "the rule in words"),
    _field("note", pa.string(), "the difference and what may explain it"),
])  # fmt: skip

#: The dataset's tables, in the order they are written.
SCHEMAS: dict[str, pa.Schema] = {"documents": DOCUMENTS, "cells": CELLS, "statements": STATEMENTS, "findings": FINDINGS}

#: Tables with rows per document part (cells, statements, findings), keyed by ``document``.
PER_DOCUMENT = ("cells", "statements", "findings")


def plain(schema: pa.Schema) -> pa.Schema:
    """The schema with plain strings for :data:`LABEL` columns: how one document's rows travel
    (ten thousand small dictionaries are slower to join than to encode once)."""
    return pa.schema([f.with_type(pa.string()) if f.type == LABEL else f for f in schema])


PLAIN = {name: plain(schema) for name, schema in SCHEMAS.items()}

#: The facts of a document that do not depend on where the file is (stored per sha256).
FACTS = [name for name in DOCUMENTS.names if name not in ("path", "name", "bytes", "sha256")]
