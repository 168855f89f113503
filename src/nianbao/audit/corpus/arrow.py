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

from nianbao.audit.corpus.tables import NUMBER
from nianbao.render.downloads import FORMULA_PREFIXES, csv_text

_RISKY = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_PREFIXES) + "]"


def _column(values: Sequence, kind: pa.DataType) -> pa.Array:
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


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd", row_group_size=256_000)


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def _plain_number(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A decimal as people write it: 487, 12.5 (not 487.0000000000)."""
    text = pc.cast(column, pa.string())
    text = pc.replace_substring_regex(text, pattern=r"(\.\d*?)0+$", replacement=r"\1")
    return pc.replace_substring_regex(text, pattern=r"\.$", replacement="")


def _safe(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text made safe for spreadsheets, by the report's own rule, value by value where needed."""
    risky = pc.fill_null(pc.match_substring_regex(column, pattern=_RISKY), False)
    if not pc.any(risky).as_py():
        return column
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
        elif pa.types.is_string(field.type):
            column = _safe(column)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_csv(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink:
        sink.write(codecs.BOM_UTF8)
        pa_csv.write_csv(csv_ready(table), sink, pa_csv.WriteOptions(include_header=True))
