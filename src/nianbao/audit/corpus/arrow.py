"""Rows into typed Arrow tables (the schemas of :mod:`.tables`), and Arrow tables into the files
of the dataset: Parquet, and CSV for people without Parquet tools — UTF-8 with a BOM (Excel
reads the Chinese), numbers as written, and text a spreadsheet would run as a formula (a leading
=, +, -, @, tab or CR) neutralised exactly as the report's own CSVs are
(:func:`nianbao.render.downloads.csv_text`).
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from nianbao.audit.corpus.tables import LABEL, NUMBER
from nianbao.render.downloads import FORMULA_PREFIXES, csv_text

_RISKY = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_PREFIXES) + "]"


def _column(values: Sequence, kind: pa.DataType) -> pa.Array:
    if kind == LABEL:
        return pa.array(values, pa.string()).dictionary_encode()
    if kind == NUMBER:
        return pa.array(values, pa.string()).cast(NUMBER)
    if pa.types.is_timestamp(kind):  # seconds since the epoch (Parquet keeps milliseconds)
        return pa.array([None if v is None else v * 1000 for v in values], pa.int64()).cast(kind)
    return pa.array(values, kind)


def batch(rows: Sequence[Sequence], schema: pa.Schema) -> pa.RecordBatch:
    """A record batch of ``rows`` (tuples in the schema's column order)."""
    if not rows:
        return pa.RecordBatch.from_pylist([], schema=schema)
    columns = list(zip(*rows))
    return pa.RecordBatch.from_arrays([_column(c, f.type) for c, f in zip(columns, schema)], schema=schema)


def with_document(rows: Sequence[Sequence], document: str) -> list[tuple]:
    return [(document, *row) for row in rows]


def encode(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A table of plain strings with the :data:`LABEL` columns of ``schema`` dictionary-encoded."""
    columns = [pc.dictionary_encode(column) if field.type == LABEL and pa.types.is_string(column.type) else column
               for field, column in zip(schema, table.columns)]  # fmt: skip
    return pa.table(columns, schema=schema)


def to_ipc(rows: Sequence[Sequence], schema: pa.Schema) -> bytes:
    """Rows as an Arrow IPC stream (how a document's rows travel and are stored)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_batch(batch(rows, schema))
    return sink.getvalue().to_pybytes()


def from_ipc(blob: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(blob)).read_all()


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table.unify_dictionaries(), path, compression="zstd", row_group_size=256_000)


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def _plain_number(column: pa.ChunkedArray) -> pa.Array:
    """A decimal as people write it: 487, 12.5 (not 487.0000000000)."""
    column = column.combine_chunks()
    whole = pc.cast(column, pa.int64(), safe=False)
    integral = pc.fill_null(pc.equal(pc.cast(whole, column.type), column), True)
    text = pc.cast(whole, pa.string())
    if pc.all(integral).as_py():  # counts: the usual case, without a regular expression
        return text
    fraction = pc.replace_substring_regex(pc.cast(column, pa.string()), pattern=r"(\.\d*?)0+$", replacement=r"\1")
    return pc.if_else(integral, text, pc.replace_substring_regex(fraction, pattern=r"\.$", replacement=""))


def _safe(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text made safe for spreadsheets, by the report's own rule, value by value where needed."""
    distinct = pc.unique(column)  # labels, ids and figures repeat: look at each text once
    if not pc.any(pc.fill_null(pc.match_substring_regex(distinct, pattern=_RISKY), False)).as_py():
        return column
    risky = pc.fill_null(pc.match_substring_regex(column, pattern=_RISKY), False)
    flat, mask = column.combine_chunks(), risky.combine_chunks()
    made_safe = [csv_text(v) for v in pc.filter(flat, mask).to_pylist()]
    return pa.chunked_array([pc.replace_with_mask(flat, mask, pa.array(made_safe, pa.string()))])


def csv_ready(table: pa.Table) -> pa.Table:
    """The table as its CSV shows it: numbers plain, timestamps in ISO form, text made safe."""
    columns = []
    for field, column in zip(table.schema, table.columns):
        if field.type == NUMBER:
            column = _plain_number(column)
        elif pa.types.is_timestamp(field.type):
            column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%SZ")
        elif field.type == LABEL:
            column = _safe(pc.cast(column, pa.string()))
        elif pa.types.is_string(field.type):
            column = _safe(column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_csv(table: pa.Table, path: Path, *, append: bool = False) -> None:
    """The table as CSV in ``path``; with ``append``, its rows only, after the file's own."""
    with pa.OSFile(str(path), "ab" if append else "wb") as sink:
        if not append:
            sink.write(codecs.BOM_UTF8)
        pa_csv.write_csv(csv_ready(table), sink, pa_csv.WriteOptions(include_header=not append))
