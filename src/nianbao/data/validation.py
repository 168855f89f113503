"""A data file's values checked against its JSON Schema (:mod:`nianbao.data.file_schema`) before
they are read: an unknown key (``tabel_b:``), a value of the wrong type (``narrative: 42``) or out
of range (``year: -5``) is refused with its key path, never skipped.

Two validators read the same schema: ``fastjsonschema`` compiles it once per process and decides,
in a fraction of a millisecond per file, whether a file is valid; only for a file that is not does
``jsonschema`` (thirty times slower, but with every error and its path) say what is wrong.
"""

from __future__ import annotations

import difflib
import functools
import sys
from pathlib import Path
from typing import Any

from nianbao.data.file_schema import DATA_FILE
from nianbao.errors import DataError
from nianbao.format import schema

MAX_LISTED = 8  # problems listed in one message; the rest are counted


@functools.lru_cache(maxsize=1)
def _fast():
    """The schema compiled to a Python function (once per process)."""
    import fastjsonschema

    return fastjsonschema.compile(DATA_FILE)


@functools.lru_cache(maxsize=1)
def _validator():
    # jsonschema imports rfc3987_syntax when it is installed, to check the format "iri", which
    # builds a grammar for nearly a second; the data file's schema uses no format: keep it out.
    blocked = "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # an import of it fails
    try:
        from jsonschema import Draft7Validator
    finally:
        if blocked:
            del sys.modules["rfc3987_syntax"]
    Draft7Validator.check_schema(DATA_FILE)
    return Draft7Validator(DATA_FILE)


def validate_data_file(raw: Any, path: Path) -> None:
    """Raise :class:`DataError` listing every place where ``raw`` breaks the data file's schema."""
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a mapping of keys (unit, year, table_b, ...) at the top level", path=path)
    from fastjsonschema import JsonSchemaValueException

    try:
        _fast()(raw)
        return
    except JsonSchemaValueException:
        pass  # jsonschema says where and what
    errors = [inner for e in _validator().iter_errors(raw) for inner in _resolved(e)]
    if not errors:
        return
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    problems = [(key_path([*e.absolute_path, *([e.instance] if _names_a_key(e) else [])]), explain(e)) for e in errors]
    lines = [f"{where}: {message}" if where else message for where, message in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"… and {len(problems) - MAX_LISTED} more")
    head = f"{path}: {lines[0]}" if len(lines) == 1 else f"{path}: {len(problems)} problems:\n  " + "\n  ".join(lines)
    raise DataError(head, path=path, location=problems[0][0] or None)


#: Tables whose rows may be lists in official column order: a position is named by its column.
_COLUMNS = {"table_b": schema.TABLE_B_COLUMN_IDS, "table_b_groups": schema.TABLE_B_COLUMN_IDS,
            "table_c": schema.TABLE_C_COLUMN_IDS}  # fmt: skip


def key_path(parts) -> str:
    """``table_b.granted.total`` from jsonschema's path ``['table_b', 'granted', 6]``;
    ``figures[3].part`` from ``['figures', 3, 'part']``."""
    parts = list(parts)
    columns = _COLUMNS.get(parts[0]) if parts else None
    if columns and len(parts) == 3 and isinstance(parts[2], int) and parts[2] < len(columns):
        parts[2] = columns[parts[2]]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def explain(error) -> str:
    """What is wrong, in words a person editing the file understands."""
    kind, schema, value = error.validator, error.schema, error.instance
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        return "; ".join(_unknown_key(k, allowed) for k in extra)
    if kind == "enum" and _names_a_key(error):
        return _unknown_key(value, list(schema["enum"]), what="id")
    if kind == "required":
        return f"missing {error.message.split(' is a required')[0]}"
    if kind in ("minimum", "maximum"):
        return f"{_shown(value)} is out of range ({_range(schema)})"
    if kind in ("minItems", "maxItems"):
        return f"{len(value)} values, expected {_items(schema)}"
    if kind in ("maxLength",):
        return f"a text of {len(value)} characters is too long (at most {schema['maxLength']})"
    description = schema.get("description")
    return f"expected {description or _expected(kind, schema)}, found {_shown(value)}"


def _resolved(error) -> list:
    """For a value that fits none of the alternatives of an ``anyOf``: the failures of the
    alternative that was meant (the one that failed on something else than the value's type, the
    deepest into the value); the ``anyOf`` itself when the value's type fits no alternative."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    meant = [e for e in error.context if e.validator != "type" or e.relative_path]
    if not meant:
        return [error]
    best = max(meant, key=lambda e: len(e.absolute_path))
    chosen = [e for e in meant if e.schema_path[0] == best.schema_path[0]]  # same alternative
    return [inner for e in chosen for inner in _resolved(e)]


def _names_a_key(error) -> bool:
    return "propertyNames" in list(error.relative_schema_path)[-2:]


def _unknown_key(key: Any, allowed: list[str], what: str = "key") -> str:
    close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else f"; expected one of {', '.join(map(str, allowed))}"
    return f"unknown {what} {_shown(key)}{hint}"


def _range(schema: dict) -> str:
    return f"{schema.get('minimum', '…')} to {schema.get('maximum', '…')}"


def _items(schema: dict) -> str:
    low, high = schema.get("minItems"), schema.get("maxItems")
    return str(low) if low == high else f"{low or 0} to {high}"


def _expected(kind: str, schema: dict) -> str:
    if kind == "type":
        return " or ".join(schema["type"]) if isinstance(schema["type"], list) else schema["type"]
    if kind == "enum":
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if kind == "pattern":
        return f"a text of the form {schema['pattern']}"
    return kind


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
