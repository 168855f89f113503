"""Reading and writing unit-year data files (YAML) and finding them under ``data/``.

Layout: ``data/units/<unit id>/<year>.yaml``. See ``data/README.md`` for the format.
Writes are atomic: a file is written beside its target and renamed over it only when complete.
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from nianbao.format import schema
from nianbao.errors import DataError, UnitError
from nianbao.data.model import Figure, NarrativeItem, Statement, UnitYear

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# libyaml's loader when PyYAML has it (several times faster on many files), else the Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STATEMENT_KINDS = ("share", "rate", "change", "count")
NARRATIVE_KEYS = ("overview", "problems", "measures", "other")


def default_data_dir() -> Path:
    """``$NIANBAO_DATA`` if set, else the project's ``data/`` folder."""
    env = os.environ.get("NIANBAO_DATA")
    return resolve_data_dir(env) if env else PROJECT_ROOT / "data"


#: Short names for data folders, accepted wherever a data folder is asked for (``--data demo``).
DATA_ALIASES = {"demo": "data/demo"}


def resolve_data_dir(value: Path | str | None) -> Path:
    """A data folder from a path or an alias (``demo`` → the project's ``data/demo``, the folder
    ``nianbao demo`` writes); empty or None means the default folder."""
    if value is None or str(value) == "":
        return default_data_dir()
    if str(value) in DATA_ALIASES and not Path(value).exists():
        return PROJECT_ROOT / DATA_ALIASES[str(value)]
    return Path(value).resolve()


def unit_year_path(data_dir: Path, unit: str, year: int) -> Path:
    return Path(data_dir) / "units" / unit / f"{int(year)}.yaml"


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------


class _Reader:
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


def _unit_list(r: _Reader, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise r.fail("compiled_from", f"expected a list of unit ids, found {value!r}")
    return tuple(value)


def load_unit_year(path: Path | str) -> UnitYear:
    """Read one unit-year file; raise :class:`DataError` naming the file and the key on bad input."""
    path = Path(path)
    r = _Reader(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise DataError(f"{path}: no such data file", path=path) from None
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}", path=path) from None
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a mapping at the top level", path=path)
    for key in ("unit", "year"):
        if key not in raw:
            raise r.fail(key, "missing")
    year = raw["year"]
    if not isinstance(year, int):
        raise r.fail("year", f"expected a year such as 2020, found {year!r}")
    version = str(raw.get("format_version") or schema.format_version_for_year(year))
    if version not in schema.FORMAT_VERSIONS:
        raise r.fail("format_version", f"expected one of {schema.FORMAT_VERSIONS}, found {version!r}")
    spec = schema.spec(version)
    variant = raw.get("heading_variant", "standard")
    if variant not in ("standard", "long"):
        raise r.fail("heading_variant", f"expected 'standard' or 'long', found {variant!r}")
    uy = UnitYear(
        unit=str(raw["unit"]),
        unit_name=str(raw.get("unit_name") or raw["unit"]),
        year=year,
        format_version=version,
        heading_variant=variant,
        synthetic=bool(raw.get("synthetic", False)),
        source=str(raw.get("source") or ""),
        compiled_from=_unit_list(r, raw.get("compiled_from")),
        path=path,
    )

    # Table A
    for row_id, cells in (raw.get("table_a") or {}).items():
        where = f"table_a.{row_id}"
        try:
            block = spec.table_a.block_of(row_id)
        except KeyError:
            valid = [r.id for b in spec.table_a.blocks for r in b.rows]
            raise r.fail(where, f"no such row in the {version} Table A; expected one of {valid}") from None
        cols = tuple(c.id for c in block.columns)
        for col_id, value in r.row_values(cells, cols, where).items():
            col = spec.table_a.column(row_id, col_id)
            w = f"{where}.{col_id}"
            v = r.amount(value, w) if col.kind == "amount" else r.count(value, w, allow_negative=col.kind == "change")
            if v is not None:
                uy.table_a[(row_id, col_id)] = v

    # Table B and its group totals
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

    # Table C
    for block_id, cells in (raw.get("table_c") or {}).items():
        where = f"table_c.{block_id}"
        if block_id not in schema.TABLE_C_BLOCK_IDS:
            raise r.fail(where, f"no such block in Table C; expected one of {list(schema.TABLE_C_BLOCK_IDS)}")
        for col_id, value in r.row_values(cells, schema.TABLE_C_COLUMN_IDS, where).items():
            v = r.count(value, f"{where}.{col_id}")
            if v is not None:
                uy.table_c[(block_id, col_id)] = v

    # Figures
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
        value = r.amount(item["value"], f"{where}.value")
        uy.figures[item["id"]] = Figure(
            id=str(item["id"]),
            label=str(item["label"]),
            value=value,  # type: ignore[arg-type]
            unit=str(item["unit"]),
            part=int(item["part"]),
            area=item.get("area"),
            qualifier=item.get("qualifier"),
            note=item.get("note"),
            source=item.get("source"),
        )

    # Published statements
    for i, item in enumerate(raw.get("statements") or []):
        where = f"statements[{i}]"
        if not isinstance(item, dict) or "id" not in item:
            raise r.fail(where, "expected a mapping with at least id, kind, label, value")
        where = f"statements[{i}] ({item['id']})"
        for key in ("kind", "label", "value"):
            if key not in item:
                raise r.fail(where, f"missing {key!r}")
        if item["kind"] not in STATEMENT_KINDS:
            raise r.fail(where, f"kind must be one of {', '.join(STATEMENT_KINDS)}, found {item['kind']!r}")
        try:
            value = Decimal(str(item["value"]))
        except Exception:
            raise r.fail(f"{where}.value", f"expected a number as published, found {item['value']!r}") from None
        st = Statement(
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
        if st.kind == "count" and not st.subject:
            raise r.fail(where, "a count statement needs a subject: the table cell it states, e.g. B.new_received.total")
        for ref_key in ("numerator", "denominator") + (("subject",) if st.kind == "count" else ()):
            ref = getattr(st, ref_key)
            if ref is not None:
                try:
                    uy.resolve(ref)
                except (ValueError, IndexError, KeyError):
                    raise r.fail(f"{where}.{ref_key}", f"cannot resolve reference {ref!r}") from None
        uy.statements[st.id] = st

    # Narrative
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
    return uy


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return "~"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def dump_unit_year(uy: UnitYear) -> str:
    """The YAML text of a unit-year, with official labels as comments, stable for diffs."""
    spec = uy.spec
    out = [
        "# nianbao data file: one reporting unit, one year. Format: data/README.md",
        "# ~ means unknown (not published), which is different from 0.",
        f"unit: {_scalar(uy.unit)}",
        f"unit_name: {_scalar(uy.unit_name)}",
        f"year: {uy.year}",
        f'format_version: "{uy.format_version}"  # {spec.document}',
        f"heading_variant: {uy.heading_variant}",
        f"synthetic: {'true' if uy.synthetic else 'false'}",
        f"source: {_scalar(uy.source)}",
    ]
    if uy.compiled_from:
        out.append(f"compiled_from: [{', '.join(uy.compiled_from)}]  # the units whose tables were summed")
    out.append("")
    if uy.table_a:
        out.append(f"table_a:  # 主动公开政府信息情况 ({uy.format_version} version)")
        for block in spec.table_a.blocks:
            for row in block.rows:
                cells = {c.id: uy.a(row.id, c.id) for c in block.columns}
                if any(v is not None for v in cells.values()):
                    inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in cells.items() if v is not None)
                    labels = " · ".join(c.label for c in block.columns)
                    out.append(f"  {row.id}: {{{inner}}}  # {block.article} {row.label}: {labels}")
        out.append("")
    cols = " · ".join(c.label for c in schema.TABLE_B_COLUMNS)
    if uy.table_b:
        out.append(f"table_b:  # 收到和处理政府信息公开申请情况; columns: {cols}")
        for row in spec.table_b.rows:
            values = [uy.b(row.id, c) for c in schema.TABLE_B_COLUMN_IDS]
            if any(v is not None for v in values):
                out.append(f"  {row.id}: [{', '.join(_scalar(v) for v in values)}]  # {row.label}")
        out.append("")
    if uy.table_b_groups:
        out.append("table_b_groups:  # category totals published without their rows; same columns")
        for group in spec.table_b.groups:
            values = [uy.table_b_groups.get((group.id, c)) for c in schema.TABLE_B_COLUMN_IDS]
            if any(v is not None for v in values):
                out.append(f"  {group.id}: [{', '.join(_scalar(v) for v in values)}]  # {group.label}")
        out.append("")
    if uy.table_c:
        ccols = " · ".join(c.label for c in schema.TABLE_C_COLUMNS)
        out.append(f"table_c:  # 行政复议、行政诉讼情况; columns: {ccols}")
        for block in schema.TABLE_C_BLOCKS:
            values = [uy.c(block.id, c) for c in schema.TABLE_C_COLUMN_IDS]
            if any(v is not None for v in values):
                out.append(f"  {block.id}: [{', '.join(_scalar(v) for v in values)}]  # {block.label}")
        out.append("")
    if uy.figures:
        out.append("figures:")
        for f in uy.figures.values():
            out.append(f"  - id: {f.id}")
            for key in ("label", "value", "unit", "part", "area", "qualifier", "note", "source"):
                value = getattr(f, key)
                if value is not None:
                    out.append(f"    {key}: {_scalar(value)}")
        out.append("")
    if uy.statements:
        out.append("statements:  # shares, rates and changes as published, with what they are computed from")
        for s in uy.statements.values():
            out.append(f"  - id: {s.id}")
            for key in ("kind", "label", "value", "unit", "numerator", "denominator", "subject", "base_year", "direction", "source", "acknowledged"):
                value = getattr(s, key)
                if value is not None:
                    out.append(f"    {key}: {_scalar(value) if key != 'value' else repr(str(value))}")
        out.append("")
    if any(uy.narrative.get(k) for k in NARRATIVE_KEYS):
        out.append("narrative:")
        for key in NARRATIVE_KEYS:
            items = uy.narrative.get(key) or []
            if not items:
                continue
            out.append(f"  {key}:")
            for item in items:
                if item.area:
                    out.append(f"    - area: {item.area}")
                    out.append(f"      text: {_scalar(item.text)}")
                else:
                    out.append(f"    - {_scalar(item.text)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see either the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_unit_year(uy: UnitYear, data_dir: Path | str) -> Path:
    """Write ``uy`` to its place under ``data_dir``, atomically, after checking it reads back."""
    path = unit_year_path(Path(data_dir), uy.unit, uy.year)
    text = dump_unit_year(uy)
    tmp_check = yaml.safe_load(text)  # refuse to write what we could not read back
    assert tmp_check["unit"] == uy.unit
    atomic_write_text(path, text)
    return path


# ---------------------------------------------------------------------------------------------
# the store
# ---------------------------------------------------------------------------------------------


class DataStore:
    """All unit-years under one data folder."""

    def __init__(self, data_dir: Path | str | None = None):
        self.root = resolve_data_dir(data_dir)

    def path(self, unit: str, year: int) -> Path:
        return unit_year_path(self.root, unit, year)

    def load(self, unit: str, year: int) -> UnitYear:
        path = self.path(unit, year)
        if not path.exists():
            have = self.years(unit)
            hint = f"; years with data for {unit!r}: {have}" if have else f"; units with data: {self.units()}"
            raise DataError(f"no data for unit {unit!r}, year {year}: {path} does not exist{hint}", path=path)
        return load_unit_year(path)

    def try_load(self, unit: str, year: int) -> UnitYear | None:
        path = self.path(unit, year)
        return load_unit_year(path) if path.exists() else None

    def units(self) -> list[str]:
        base = self.root / "units"
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.exists() else []

    def years(self, unit: str) -> list[int]:
        base = self.root / "units" / unit
        if not base.exists():
            return []
        return sorted(int(p.stem) for p in base.glob("*.yaml") if p.stem.isdigit())

    def all(self) -> list[tuple[str, int]]:
        return [(u, y) for u in self.units() for y in self.years(u)]

    def resolve_unit(self, unit: str) -> str:
        """A unit id from an id, a Chinese name or an alias: a folder under ``units/``, then the
        unit registry (``units.yaml``, see :mod:`nianbao.units`), then the names in the data files."""
        from nianbao.data.units import registry_for

        unit = str(unit).strip()
        if unit and (self.root / "units" / unit).is_dir():
            return unit
        known = registry_for(self.root).find(unit)
        if known is not None:
            return known.id
        for unit_id in self.units():
            years = self.years(unit_id)
            if years and load_unit_year(self.path(unit_id, years[-1])).unit_name == unit:
                return unit_id
        raise UnitError(
            f"unknown unit {unit!r}: no folder units/{unit}/ under {self.root}, not in the unit registry "
            f"(data/units.yaml) and no data file names it; units with data: {self.units()}"
        )

