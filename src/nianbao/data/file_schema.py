"""The data file's JSON Schema, as data: which keys a unit-year file may hold, their types and
their ranges (``data/README.md`` describes the same in words).

Row and column ids come from the national format (:mod:`nianbao.format.schema`), the union of
both versions; which rows a given version has is checked when the file is read
(:mod:`nianbao.data.reading`). Every sub-schema is closed (no key or value goes unchecked), and a
``description`` says in words what a value must be: :mod:`nianbao.data.validation` puts it in
its messages.
"""

from __future__ import annotations

from nianbao.data.model import FIRST_YEAR, LAST_YEAR, NARRATIVE_KEYS, STATEMENT_KINDS
from nianbao.data.numbers import MAX_VALUE
from nianbao.data.units import UNIT_ID
from nianbao.format import schema

_TEXT = {"type": "string", "maxLength": 20_000, "description": "a text"}
_SHORT = {"type": "string", "maxLength": 500, "description": "a short text"}
_NAME = {"type": "string", "minLength": 1, "maxLength": 200, "description": "a name"}
_IDENT = {
    "type": "string",
    "pattern": r"^[A-Za-z0-9_-]{1,64}$",
    "description": "an id (ascii letters, digits, _ and -)",
}
_DECIMAL = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"

# Each value's kinds are given as a list of types, and each keyword applies only to its own type
# (minimum to numbers, pattern to texts, items to lists): no anyOf, so a value is checked once
# and a failure names the value itself.
COUNT = {
    "type": ["integer", "null"], "minimum": 0, "maximum": MAX_VALUE,
    "description": f"a whole number from 0 to {MAX_VALUE}, or ~ (unknown)",
}  # fmt: skip
TABLE_A_CELL = {
    "type": ["integer", "number", "string", "null"], "minimum": -MAX_VALUE, "maximum": MAX_VALUE, "pattern": _DECIMAL,
    "description": f"a number of at most {MAX_VALUE} (an amount may have decimals), or ~ (unknown)",
}  # fmt: skip
AMOUNT = {
    "type": ["number", "string"], "minimum": 0, "maximum": MAX_VALUE, "pattern": _DECIMAL,
    "description": f"a non-negative number of at most {MAX_VALUE}",
}  # fmt: skip
PUBLISHED = {
    "type": ["number", "string"], "minimum": -MAX_VALUE, "maximum": MAX_VALUE, "pattern": _DECIMAL,
    "description": "a number as published, e.g. '41.53'",
}  # fmt: skip
_REFERENCE = r"^(B|BG|C|A)\.[a-z_]{1,40}(\.[a-z_]{1,40})?$|^F\.[A-Za-z0-9_-]{1,64}$"
REFERENCE = {
    "type": "string",
    "pattern": _REFERENCE,
    "description": "a reference such as B.new_received.total, BG.withheld.total, C.review.total or F.<figure id>",
}


def _all_table_a_rows() -> list[str]:
    return sorted({row.id for v in schema.FORMAT_VERSIONS for b in schema.spec(v).table_a.blocks for row in b.rows})


def _all_table_a_columns() -> list[str]:
    return sorted({c.id for v in schema.FORMAT_VERSIONS for b in schema.spec(v).table_a.blocks for c in b.columns})


def _all_table_b_rows() -> list[str]:
    return sorted({r for v in schema.FORMAT_VERSIONS for r in schema.spec(v).table_b.row_ids})


def _row(columns: list[str] | tuple[str, ...], cell: dict) -> dict:
    """A table row: a list in official column order, or a mapping column id → value."""
    return {
        "type": ["array", "object"],
        "items": cell, "minItems": len(columns), "maxItems": len(columns),
        "propertyNames": {"enum": list(columns)}, "additionalProperties": cell,
        "description": f"a list of {len(columns)} values ({', '.join(columns)}) or a mapping of them",
    }  # fmt: skip


def _table(rows: list[str], row: dict, what: str) -> dict:
    return {
        "type": ["object", "null"],
        "propertyNames": {"enum": rows},
        "additionalProperties": row,
        "description": f"a mapping of {what} (row id → values)",
    }


def _list(item: dict, what: str) -> dict:
    return {"type": ["array", "null"], "items": item, "maxItems": 10_000, "description": what}


_TABLE_A_ROW = {
    "type": ["object", "array"],
    "propertyNames": {"enum": _all_table_a_columns()}, "additionalProperties": TABLE_A_CELL,
    "items": TABLE_A_CELL, "minItems": 1, "maxItems": 3,
    "description": "a mapping column id → value (or a list in column order)",
}  # fmt: skip

FIGURE = {
    "type": "object",
    "required": ["id", "label", "value", "unit", "part"],
    "additionalProperties": False,
    "properties": {
        "id": _IDENT,
        "label": _NAME,
        "value": AMOUNT,
        "unit": {"type": "string", "maxLength": 20, "description": "a unit of measure such as 件"},
        "part": {"type": "integer", "minimum": 1, "maximum": 6, "description": "a part number, 1 to 6"},
        "area": {"enum": [*schema.OVERVIEW_AREAS, None], "description": "an area of part 1"},
        "qualifier": {"type": ["string", "null"], "maxLength": 10, "description": "余, 超, 逾 or 近 as published"},
        "note": _TEXT,
        "source": _TEXT,
    },
}

STATEMENT = {
    "type": "object",
    "required": ["id", "kind", "label", "value"],
    "additionalProperties": False,
    "properties": {
        "id": _IDENT,
        "kind": {"enum": list(STATEMENT_KINDS), "description": f"one of {', '.join(STATEMENT_KINDS)}"},
        "label": _NAME,
        "value": PUBLISHED,
        "unit": {"type": "string", "maxLength": 20, "description": "%, 个百分点, 件 or another unit"},
        "numerator": REFERENCE,
        "denominator": REFERENCE,
        "subject": {
            "type": "string",
            "pattern": f"{_REFERENCE}|^[A-Za-z0-9_-]{{1,64}}$",
            "description": "a reference, or the id of a statement",
        },  # fmt: skip
        "base_year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR, "description": "a year"},
        "direction": {"enum": ["上升", "下降", "持平", None], "description": "上升, 下降 or 持平"},
        "source": _TEXT,
        "acknowledged": _TEXT,
    },
}

NARRATIVE_ITEM = {
    "type": ["string", "object"],
    "maxLength": 20_000,
    "required": ["text"],
    "additionalProperties": False,
    "properties": {"text": _TEXT, "area": {"enum": [*schema.OVERVIEW_AREAS, None]}},
    "description": "a text, or a mapping with 'text' (and 'area')",
}

#: The JSON Schema of a unit-year data file.
DATA_FILE = {
    "$schema": "http://json-schema.org/draft-07/schema#",  # what both validators read (data/validation.py)
    "type": "object",
    "required": ["unit", "year"],
    "additionalProperties": False,
    "properties": {
        "unit": {
            "type": "string",
            "pattern": UNIT_ID.pattern,
            "description": "a unit id (lower-case ascii letters, digits, '_' or '-', starting with a letter)",
        },  # fmt: skip
        "unit_name": _NAME,
        "year": {
            "type": "integer",
            "minimum": FIRST_YEAR,
            "maximum": LAST_YEAR,
            "description": f"a year from {FIRST_YEAR} to {LAST_YEAR}",
        },  # fmt: skip
        "format_version": {
            "enum": [*schema.FORMAT_VERSIONS, *(int(v) for v in schema.FORMAT_VERSIONS)],
            "description": f"one of {', '.join(schema.FORMAT_VERSIONS)}",
        },  # fmt: skip
        "heading_variant": {"enum": ["standard", "long"], "description": "standard or long"},
        "synthetic": {"type": "boolean", "description": "true or false"},
        "source": {"type": ["string", "null"], "maxLength": 20_000, "description": "a text"},
        "compiled_from": _list(
            {"type": "string", "pattern": UNIT_ID.pattern, "description": "a unit id"}, "a list of unit ids"
        ),  # fmt: skip
        "table_a": _table(_all_table_a_rows(), _TABLE_A_ROW, "Table A"),
        "table_b": _table(_all_table_b_rows(), _row(schema.TABLE_B_COLUMN_IDS, COUNT), "Table B"),
        "table_b_groups": _table(
            sorted({g.id for v in schema.FORMAT_VERSIONS for g in schema.spec(v).table_b.groups}),
            _row(schema.TABLE_B_COLUMN_IDS, COUNT),
            "Table B group totals",
        ),
        "table_c": _table(list(schema.TABLE_C_BLOCK_IDS), _row(schema.TABLE_C_COLUMN_IDS, COUNT), "Table C"),
        "figures": _list(FIGURE, "a list of figures (id, label, value, unit, part)"),
        "statements": _list(STATEMENT, "a list of statements (id, kind, label, value)"),
        "narrative": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {k: _list(NARRATIVE_ITEM, "a list of texts") for k in NARRATIVE_KEYS},
            "description": f"a mapping of {', '.join(NARRATIVE_KEYS)} to lists of texts",
        },
    },
}
