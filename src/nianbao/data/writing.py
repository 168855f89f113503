"""Writing a unit-year data file: YAML that people read, edit and diff, with the official labels
as comments; written atomically, and only after it reads back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from nianbao.atomic import write_atomic
from nianbao.data.model import NARRATIVE_KEYS, UnitYear
from nianbao.data.store import writable_path
from nianbao.data.validation import validate_data_file
from nianbao.format import schema


def _scalar(value: Any) -> str:
    if value is None:
        return "~"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return (
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("...")
        .strip()
    )


def _row(values: list) -> str:
    return f"[{', '.join(_scalar(v) for v in values)}]"


def dump_unit_year(uy: UnitYear) -> str:
    """The YAML text of a unit-year, with official labels as comments, stable for diffs."""
    out = _header(uy)
    for part in (_table_a, _table_b, _table_b_groups, _table_c, _figures, _statements, _narrative):
        lines = part(uy)
        if lines:
            out.extend(lines)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _header(uy: UnitYear) -> list[str]:
    out = [
        "# nianbao data file: one reporting unit, one year. Format: data/README.md",
        "# ~ means unknown (not published), which is different from 0.",
        f"unit: {_scalar(uy.unit)}",
        f"unit_name: {_scalar(uy.unit_name)}",
        f"year: {uy.year}",
        f'format_version: "{uy.format_version}"  # {uy.spec.document}',
        f"heading_variant: {uy.heading_variant}",
        f"synthetic: {'true' if uy.synthetic else 'false'}",
        f"source: {_scalar(uy.source)}",
    ]
    if uy.compiled_from:
        out.append(f"compiled_from: [{', '.join(uy.compiled_from)}]  # the units whose tables were summed")
    out.append("")
    return out


def _table_a(uy: UnitYear) -> list[str]:
    if not uy.table_a:
        return []
    out = [f"table_a:  # 主动公开政府信息情况 ({uy.format_version} version)"]
    for block in uy.spec.table_a.blocks:
        for row in block.rows:
            cells = {c.id: uy.a(row.id, c.id) for c in block.columns}
            if any(v is not None for v in cells.values()):
                inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in cells.items() if v is not None)
                labels = " · ".join(c.label for c in block.columns)
                out.append(f"  {row.id}: {{{inner}}}  # {block.article} {row.label}: {labels}")
    return out


def _table_b(uy: UnitYear) -> list[str]:
    if not uy.table_b:
        return []
    cols = " · ".join(c.label for c in schema.TABLE_B_COLUMNS)
    out = [f"table_b:  # 收到和处理政府信息公开申请情况; columns: {cols}"]
    for row in uy.spec.table_b.rows:
        values = [uy.b(row.id, c) for c in schema.TABLE_B_COLUMN_IDS]
        if any(v is not None for v in values):
            out.append(f"  {row.id}: {_row(values)}  # {row.label}")
    return out


def _table_b_groups(uy: UnitYear) -> list[str]:
    if not uy.table_b_groups:
        return []
    out = ["table_b_groups:  # category totals published without their rows; same columns"]
    for group in uy.spec.table_b.groups:
        values = [uy.table_b_groups.get((group.id, c)) for c in schema.TABLE_B_COLUMN_IDS]
        if any(v is not None for v in values):
            out.append(f"  {group.id}: {_row(values)}  # {group.label}")
    return out


def _table_c(uy: UnitYear) -> list[str]:
    if not uy.table_c:
        return []
    cols = " · ".join(c.label for c in schema.TABLE_C_COLUMNS)
    out = [f"table_c:  # 行政复议、行政诉讼情况; columns: {cols}"]
    for block in schema.TABLE_C_BLOCKS:
        values = [uy.c(block.id, c) for c in schema.TABLE_C_COLUMN_IDS]
        if any(v is not None for v in values):
            out.append(f"  {block.id}: {_row(values)}  # {block.label}")
    return out


def _figures(uy: UnitYear) -> list[str]:
    if not uy.figures:
        return []
    out = ["figures:"]
    for f in uy.figures.values():
        out.append(f"  - id: {f.id}")
        for key in ("label", "value", "unit", "part", "area", "qualifier", "note", "source"):
            value = getattr(f, key)
            if value is not None:
                out.append(f"    {key}: {_scalar(value)}")
    return out


_STATEMENT_KEYS = ("kind", "label", "value", "unit", "numerator", "denominator", "subject", "base_year",
                   "direction", "source", "acknowledged")  # fmt: skip


def _statements(uy: UnitYear) -> list[str]:
    if not uy.statements:
        return []
    out = ["statements:  # shares, rates and changes as published, with what they are computed from"]
    for s in uy.statements.values():
        out.append(f"  - id: {s.id}")
        for key in _STATEMENT_KEYS:
            value = getattr(s, key)
            if value is not None:
                out.append(f"    {key}: {_scalar(value) if key != 'value' else repr(str(value))}")
    return out


def _narrative(uy: UnitYear) -> list[str]:
    if not any(uy.narrative.get(k) for k in NARRATIVE_KEYS):
        return []
    out = ["narrative:"]
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
    return out


def save_unit_year(uy: UnitYear, data_dir: Path | str) -> Path:
    """Write ``uy`` to its place under ``data_dir`` (a valid unit id and year, inside the folder),
    atomically, after checking that it reads back as a valid data file."""
    path = writable_path(Path(data_dir), uy.unit, uy.year)
    text = dump_unit_year(uy)
    validate_data_file(yaml.safe_load(text), path)  # refuse to write what could not be read back
    return write_atomic(path, text)
