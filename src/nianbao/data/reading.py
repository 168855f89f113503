"""Reading a unit-year data file (YAML): every key checked, every error located.

Layout and format: ``data/README.md``. The file is read strictly (:mod:`nianbao.data.yamlfile`:
UTF-8, no duplicate keys), checked against its schema (:mod:`nianbao.data.validation`: known
keys, types, ranges), then read here with what the schema cannot say (the rows of the file's
format version, references that must resolve). A file that breaks the format raises
:class:`DataError` naming the file and the key (``table_b.granted.total``); nothing is guessed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.data.model import NARRATIVE_KEYS, STATEMENT_KINDS, Figure, NarrativeItem, Statement, UnitYear
from nianbao.data.validation import validate_data_file
from nianbao.data.yamlfile import read_yaml
from nianbao.errors import DataError
from nianbao.format import schema


class _Reader:
    """Typed reading of one file's values; every failure names the file and the key."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, message: str) -> DataError:
        return DataError(f"{self.path}: {where}: {message}", path=self.path, location=where)

    def count(self, value: Any, where: str, allow_negative: bool = False) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"expected a whole number or ~ (unknown), found {value!r}")
        if value < 0 and not allow_negative:
            raise self.fail(where, f"a count cannot be negative, found {value}")
        return value

    def amount(self, value: Any, where: str) -> Decimal | int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.fail(where, f"expected an amount or ~ (unknown), found {value!r}")
        try:
            amount = Decimal(str(value))
        except Exception:
            raise self.fail(where, f"expected an amount, found {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise self.fail(where, f"an amount must be a non-negative number, found {value!r}")
        return int(amount) if amount == amount.to_integral_value() and isinstance(value, int) else amount

    def row_values(self, value: Any, columns: tuple[str, ...], where: str) -> dict[str, Any]:
        """A row given as a list in official column order, or as a mapping column id → value."""
        if isinstance(value, list):
            if len(value) != len(columns):
                raise self.fail(where, f"expected {len(columns)} values ({', '.join(columns)}), found {len(value)}")
            return dict(zip(columns, value))
        if isinstance(value, dict):
            bad = sorted(set(value) - set(columns))
            if bad:
                raise self.fail(where, f"unknown column(s) {bad}; expected some of {list(columns)}")
            return value
        raise self.fail(where, f"expected a list of {len(columns)} values or a mapping, found {value!r}")

    def unit_list(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail("compiled_from", f"expected a list of unit ids, found {value!r}")
        return tuple(value)


def load_unit_year(path: Path | str) -> UnitYear:
    """Read one unit-year file; raise :class:`DataError` naming the file and the key on bad input."""
    path = Path(path)
    r = _Reader(path)
    raw = _load_yaml(path)
    uy = _header(r, raw, path)
    _table_a(r, raw, uy)
    _table_b(r, raw, uy)
    _table_c(r, raw, uy)
    _figures(r, raw, uy)
    _statements(r, raw, uy)
    _narrative(r, raw, uy)
    return uy


def _load_yaml(path: Path) -> dict:
    """The file's values, checked against the data file's schema (types, ranges, known keys)."""
    raw = read_yaml(path, "data file")
    validate_data_file(raw, path)
    return raw


def _header(r: _Reader, raw: dict, path: Path) -> UnitYear:
    for key in ("unit", "year"):
        if key not in raw:
            raise r.fail(key, "missing")
    year = raw["year"]
    if not isinstance(year, int):
        raise r.fail("year", f"expected a year such as 2020, found {year!r}")
    version = str(raw.get("format_version") or schema.format_version_for_year(year))
    if version not in schema.FORMAT_VERSIONS:
        raise r.fail("format_version", f"expected one of {schema.FORMAT_VERSIONS}, found {version!r}")
    variant = raw.get("heading_variant", "standard")
    if variant not in ("standard", "long"):
        raise r.fail("heading_variant", f"expected 'standard' or 'long', found {variant!r}")
    return UnitYear(
        unit=str(raw["unit"]),
        unit_name=str(raw.get("unit_name") or raw["unit"]),
        year=year,
        format_version=version,
        heading_variant=variant,
        synthetic=bool(raw.get("synthetic", False)),
        source=str(raw.get("source") or ""),
        compiled_from=r.unit_list(raw.get("compiled_from")),
        path=path,
    )


def _table_a(r: _Reader, raw: dict, uy: UnitYear) -> None:
    spec, version = uy.spec, uy.format_version
    for row_id, cells in (raw.get("table_a") or {}).items():
        where = f"table_a.{row_id}"
        try:
            block = spec.table_a.block_of(row_id)
        except KeyError:
            valid = [row.id for b in spec.table_a.blocks for row in b.rows]
            raise r.fail(where, f"no such row in the {version} Table A; expected one of {valid}") from None
        cols = tuple(c.id for c in block.columns)
        for col_id, value in r.row_values(cells, cols, where).items():
            col = spec.table_a.column(row_id, col_id)
            w = f"{where}.{col_id}"
            v = r.amount(value, w) if col.kind == "amount" else r.count(value, w, allow_negative=col.kind == "change")
            if v is not None:
                uy.table_a[(row_id, col_id)] = v


def _table_b(r: _Reader, raw: dict, uy: UnitYear) -> None:
    """Table B and its group totals (categories published without their rows)."""
    spec, version = uy.spec, uy.format_version
    for key, valid_ids, target in (
        ("table_b", spec.table_b.row_ids, uy.table_b),
        ("table_b_groups", tuple(g.id for g in spec.table_b.groups), uy.table_b_groups),
    ):
        for row_id, cells in (raw.get(key) or {}).items():
            where = f"{key}.{row_id}"
            if row_id not in valid_ids:
                raise r.fail(where, f"no such row in the {version} Table B; expected one of {list(valid_ids)}")
            for col_id, value in r.row_values(cells, schema.TABLE_B_COLUMN_IDS, where).items():
                v = r.count(value, f"{where}.{col_id}")
                if v is not None:
                    target[(row_id, col_id)] = v


def _table_c(r: _Reader, raw: dict, uy: UnitYear) -> None:
    for block_id, cells in (raw.get("table_c") or {}).items():
        where = f"table_c.{block_id}"
        if block_id not in schema.TABLE_C_BLOCK_IDS:
            raise r.fail(where, f"no such block in Table C; expected one of {list(schema.TABLE_C_BLOCK_IDS)}")
        for col_id, value in r.row_values(cells, schema.TABLE_C_COLUMN_IDS, where).items():
            v = r.count(value, f"{where}.{col_id}")
            if v is not None:
                uy.table_c[(block_id, col_id)] = v


def _figures(r: _Reader, raw: dict, uy: UnitYear) -> None:
    for i, item in enumerate(raw.get("figures") or []):
        where = f"figures[{i}]"
        if not isinstance(item, dict) or "id" not in item:
            raise r.fail(where, "expected a mapping with at least id, label, value, unit, part")
        where = f"figures[{i}] ({item['id']})"
        for key in ("label", "value", "unit", "part"):
            if key not in item:
                raise r.fail(where, f"missing {key!r}")
        if item["id"] in uy.figures:
            raise r.fail(where, "duplicate figure id")
        if item["part"] not in schema.PART_BY_NUMBER:
            raise r.fail(where, f"part must be 1-6, found {item['part']!r}")
        if item.get("area") is not None and item["area"] not in schema.OVERVIEW_AREAS:
            raise r.fail(where, f"area must be one of {list(schema.OVERVIEW_AREAS)}, found {item['area']!r}")
        uy.figures[item["id"]] = Figure(
            id=str(item["id"]),
            label=str(item["label"]),
            value=r.amount(item["value"], f"{where}.value"),  # type: ignore[arg-type]
            unit=str(item["unit"]),
            part=int(item["part"]),
            area=item.get("area"),
            qualifier=item.get("qualifier"),
            note=item.get("note"),
            source=item.get("source"),
        )


def _statements(r: _Reader, raw: dict, uy: UnitYear) -> None:
    """Published statements; their references must resolve (after tables and figures are read)."""
    for i, item in enumerate(raw.get("statements") or []):
        where = f"statements[{i}]"
        if not isinstance(item, dict) or "id" not in item:
            raise r.fail(where, "expected a mapping with at least id, kind, label, value")
        where = f"statements[{i}] ({item['id']})"
        st = _statement(r, item, where)
        if st.kind == "count" and not st.subject:
            raise r.fail(
                where, "a count statement needs a subject: the table cell it states, e.g. B.new_received.total"
            )
        for ref_key in ("numerator", "denominator") + (("subject",) if st.kind == "count" else ()):
            ref = getattr(st, ref_key)
            problem = reference_problem(uy, ref) if ref is not None else None
            if problem:
                raise r.fail(f"{where}.{ref_key}", f"cannot resolve reference {ref!r}: {problem}")
        uy.statements[st.id] = st


def reference_problem(uy: UnitYear, ref: str) -> str | None:
    """Why ``ref`` names no cell of ``uy``'s format (or no figure of ``uy``); None when it does."""
    head, _, rest = ref.partition(".")
    row, _, col = rest.partition(".")
    spec = uy.spec
    if head == "F":
        return None if row in uy.figures else f"no figure {row!r} in this file"
    rows, cols = {
        "B": (spec.table_b.row_ids, schema.TABLE_B_COLUMN_IDS),
        "BG": (tuple(g.id for g in spec.table_b.groups), schema.TABLE_B_COLUMN_IDS),
        "C": ((*schema.TABLE_C_BLOCK_IDS, "litigation"), schema.TABLE_C_COLUMN_IDS),
        "A": (tuple(x.id for b in spec.table_a.blocks for x in b.rows), ()),
    }.get(head, ((), ()))
    if not rows:
        return "it must start with B., BG., C., A. or F."
    if row not in rows:
        return f"no row {row!r} in the {uy.format_version} format; rows are {', '.join(rows)}"
    if head == "A":
        cols = tuple(c.id for c in spec.table_a.block_of(row).columns)
        if not col:
            return f"a Table A reference names its column too: {', '.join(cols)}"
    if col and col not in cols:
        return f"no column {col!r}; columns are {', '.join(cols)}"
    return None


def _statement(r: _Reader, item: dict, where: str) -> Statement:
    for key in ("kind", "label", "value"):
        if key not in item:
            raise r.fail(where, f"missing {key!r}")
    if item["kind"] not in STATEMENT_KINDS:
        raise r.fail(where, f"kind must be one of {', '.join(STATEMENT_KINDS)}, found {item['kind']!r}")
    try:
        value = Decimal(str(item["value"]))
    except Exception:
        raise r.fail(f"{where}.value", f"expected a number as published, found {item['value']!r}") from None
    if not value.is_finite():
        raise r.fail(f"{where}.value", f"expected a number as published, found {item['value']!r}")
    return Statement(
        id=str(item["id"]),
        kind=item["kind"],
        label=str(item["label"]),
        value=value,
        unit=str(item.get("unit", "%")),
        numerator=item.get("numerator"),
        denominator=item.get("denominator"),
        subject=item.get("subject"),
        base_year=item.get("base_year"),
        direction=item.get("direction"),
        source=item.get("source"),
        acknowledged=item.get("acknowledged"),
    )


def _narrative(r: _Reader, raw: dict, uy: UnitYear) -> None:
    narrative = raw.get("narrative") or {}
    bad = sorted(set(narrative) - set(NARRATIVE_KEYS))
    if bad:
        raise r.fail("narrative", f"unknown key(s) {bad}; expected some of {list(NARRATIVE_KEYS)}")
    for key in NARRATIVE_KEYS:
        items = []
        for i, item in enumerate(narrative.get(key) or []):
            where = f"narrative.{key}[{i}]"
            if isinstance(item, str):
                items.append(NarrativeItem(item))
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                area = item.get("area")
                if area is not None and area not in schema.OVERVIEW_AREAS:
                    raise r.fail(where, f"area must be one of {list(schema.OVERVIEW_AREAS)}, found {area!r}")
                items.append(NarrativeItem(item["text"], area))
            else:
                raise r.fail(where, "expected a text, or a mapping with 'text' (and 'area')")
        uy.narrative[key] = items
