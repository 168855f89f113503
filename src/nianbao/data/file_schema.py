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

COUNT = {
    "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_VALUE}, {"type": "null"}],
    "description": f"a whole number from 0 to {MAX_VALUE}, or ~ (unknown)",
}
TABLE_A_CELL = {
    "anyOf": [
        {"type": "integer", "minimum": -MAX_VALUE, "maximum": MAX_VALUE},
        {"type": "number", "minimum": 0, "maximum": MAX_VALUE},
        {"type": "string", "pattern": _DECIMAL},
        {"type": "null"},
    ],
    "description": f"a number of at most {MAX_VALUE} (an amount may have decimals), or ~ (unknown)",
}
AMOUNT = {
    "anyOf": [{"type": "number", "minimum": 0, "maximum": MAX_VALUE}, {"type": "string", "pattern": _DECIMAL}],
    "description": f"a non-negative number of at most {MAX_VALUE}",
}
PUBLISHED = {
    "anyOf": [{"type": "number", "minimum": -MAX_VALUE, "maximum": MAX_VALUE}, {"type": "string", "pattern": _DECIMAL}],
    "description": "a number as published, e.g. '41.53'",
}
REFERENCE = {
    "type": "string",
    "pattern": r"^(B|BG|C|A)\.[a-z_]{1,40}(\.[a-z_]{1,40})?$|^F\.[A-Za-z0-9_-]{1,64}$",
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
        "anyOf": [
            {"type": "array", "items": cell, "minItems": len(columns), "maxItems": len(columns)},
            {"type": "object", "propertyNames": {"enum": list(columns)}, "additionalProperties": cell},
        ],
        "description": f"a list of {len(columns)} values ({', '.join(columns)}) or a mapping of them",
    }


def _table(rows: list[str], row: dict, what: str) -> dict:
    return {
        "anyOf": [
            {"type": "object", "propertyNames": {"enum": rows}, "additionalProperties": row},
            {"type": "null"},
        ],
        "description": f"a mapping of {what} (row id → values)",
    }


_TABLE_A_ROW = {
    "anyOf": [
        {"type": "object", "propertyNames": {"enum": _all_table_a_columns()}, "additionalProperties": TABLE_A_CELL},
        {"type": "array", "items": TABLE_A_CELL, "minItems": 1, "maxItems": 3},
    ],
    "description": "a mapping column id → value (or a list in column order)",
}

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
        "subject": {"anyOf": [REFERENCE, _IDENT], "description": "a reference, or the id of a statement"},
        "base_year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR, "description": "a year"},
        "direction": {"enum": ["上升", "下降", "持平", None], "description": "上升, 下降 or 持平"},
        "source": _TEXT,
        "acknowledged": _TEXT,
    },
}

NARRATIVE_ITEM = {
    "anyOf": [
        {"type": "string", "maxLength": 20_000},
        {
            "type": "object",
            "required": ["text"],
            "additionalProperties": False,
            "properties": {"text": _TEXT, "area": {"enum": [*schema.OVERVIEW_AREAS, None]}},
        },
    ],
    "description": "a text, or a mapping with 'text' (and 'area')",
}

#: The JSON Schema of a unit-year data file.
DATA_FILE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
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
        "source": {"anyOf": [_TEXT, {"type": "null"}], "description": "a text"},
        "compiled_from": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {"type": "string", "pattern": UNIT_ID.pattern, "description": "a unit id"},
                    "maxItems": 1000,
                },
                {"type": "null"},
            ],
            "description": "a list of unit ids",
        },  # fmt: skip
        "table_a": _table(_all_table_a_rows(), _TABLE_A_ROW, "Table A"),
        "table_b": _table(_all_table_b_rows(), _row(schema.TABLE_B_COLUMN_IDS, COUNT), "Table B"),
        "table_b_groups": _table(
            sorted({g.id for v in schema.FORMAT_VERSIONS for g in schema.spec(v).table_b.groups}),
            _row(schema.TABLE_B_COLUMN_IDS, COUNT),
            "Table B group totals",
        ),
        "table_c": _table(list(schema.TABLE_C_BLOCK_IDS), _row(schema.TABLE_C_COLUMN_IDS, COUNT), "Table C"),
        "figures": {
            "anyOf": [{"type": "array", "items": FIGURE, "maxItems": 10_000}, {"type": "null"}],
            "description": "a list of figures (id, label, value, unit, part)",
        },  # fmt: skip
        "statements": {
            "anyOf": [{"type": "array", "items": STATEMENT, "maxItems": 10_000}, {"type": "null"}],
            "description": "a list of statements (id, kind, label, value)",
        },  # fmt: skip
        "narrative": {
            "anyOf": [
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        k: {
                            "anyOf": [{"type": "array", "items": NARRATIVE_ITEM, "maxItems": 10_000}, {"type": "null"}],
                            "description": "a list of texts",
                        }
                        for k in NARRATIVE_KEYS
                    },
                },
                {"type": "null"},
            ],
            "description": f"a mapping of {', '.join(NARRATIVE_KEYS)} to lists of texts",
        },  # fmt: skip
    },
}
