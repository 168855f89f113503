"""How long `nianbao check` takes over 10,000 unit-years.

Generates 2,000 units × 5 years (2019–2023, both format versions, carry-overs chained across
years so X1 holds, published shares computed half-up) into a temporary folder, puts a defect
into about one unit-year in twenty (a cell off by one, a share off by 0.01), then runs the real
command (`nianbao check --data TMP --quiet`) and prints how long it took. Not a test.

    .venv/bin/python bench/bench_check.py [--units 2000] [--keep]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from nianbao.data.model import Statement, UnitYear
from nianbao.data.store import unit_year_path
from nianbao.data.writing import dump_unit_year
from nianbao.format import schema
from nianbao.rules import metrics

YEARS = range(2019, 2024)
PARTS = schema.TABLE_B_PART_COLUMNS


def split(total: int, rng: random.Random) -> list[int]:
    """A total spread over the six applicant columns (mostly natural persons)."""
    others = []
    left = total
    for weight in (0.08, 0.01, 0.02, 0.05, 0.04):
        part = min(left, int(total * weight * rng.uniform(0.5, 1.5)))
        others.append(part)
        left -= part
    return [left] + others


def _carry_table_a(uy: UnitYear, state: dict) -> None:
    """Table A consistent with last year's (X2): documents in force, item counts carried over."""
    for row in ("regulations", "normative_documents"):
        if uy.format_version == "2021":
            before = state.get(("in_force", row), uy.a(row, "in_force"))
            uy.table_a[(row, "repealed")] = min(uy.a(row, "repealed"), before)
            uy.table_a[(row, "in_force")] = before + uy.a(row, "issued") - uy.a(row, "repealed")
            state[("in_force", row)] = uy.a(row, "in_force")
        else:
            before = state.get(("public", row))
            if before is not None:
                uy.table_a[(row, "total_public")] = before + uy.a(row, "published")
            state[("public", row)] = uy.a(row, "total_public")
    for (row, col), value in list(uy.table_a.items()):
        if col == "prev_items":
            uy.table_a[(row, col)] = state.get(("items", row), value)
            change = uy.table_a[(row, "change")] = max(uy.a(row, "change"), -uy.a(row, col))
            state[("items", row)] = uy.a(row, col) + change


def unit_year(
    unit: str, year: int, carried_in: list[int], rng: random.Random, state: dict
) -> tuple[UnitYear, list[int]]:
    version = schema.format_version_for_year(year)
    spec = schema.TABLE_B[version]
    uy = UnitYear(unit, f"单位{unit[1:]}", year, version, synthetic=True, source="bench")
    size = rng.randint(20, 900)
    for row in spec.disposition_rows:
        for col, v in zip(PARTS, split(rng.randint(0, size // 8), rng)):
            uy.table_b[(row, col)] = v
    forward_total = rng.randint(0, size // 20)
    forward = split(forward_total, rng)
    for i, col in enumerate(PARTS):
        total = sum(uy.table_b[(row, col)] for row in spec.disposition_rows)
        uy.table_b[("total", col)] = total
        uy.table_b[("carried_in", col)] = carried_in[i]
        uy.table_b[("carried_forward", col)] = forward[i]
        uy.table_b[("new_received", col)] = max(0, total + forward[i] - carried_in[i])
        uy.table_b[("carried_forward", col)] = uy.table_b[("new_received", col)] + carried_in[i] - total
    for row in spec.row_ids:
        uy.table_b[(row, "total")] = sum(uy.table_b[(row, c)] for c in PARTS)
    for block in schema.TABLE_C_BLOCK_IDS:
        outcomes = [rng.randint(0, 5) for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending"), outcomes):
            uy.table_c[(block, col)] = v
        uy.table_c[(block, "total")] = sum(outcomes)
    for block in schema.TABLE_A[version].blocks:
        for row in block.rows:
            for col in block.columns:
                if col.kind == "amount":
                    value = Decimal(rng.randint(0, 5000)) / 10
                elif col.kind == "change":
                    value = rng.randint(-3, 3)
                else:
                    value = rng.randint(3, 500)
                uy.table_a[(row.id, col.id)] = value
    _carry_table_a(uy, state)
    answered = uy.b("total")
    if answered:
        for group in spec.groups:
            share = metrics.percent(uy.b_group(group.id), answered)
            uy.statements[f"share_{group.id}"] = Statement(
                f"share_{group.id}",
                "share",
                f"{group.narrative_label}占比",
                share,
                numerator=f"BG.{group.id}.total",
                denominator="B.total.total",
            )
    return uy, [uy.b("carried_forward", c) for c in PARTS]


def defect(uy: UnitYear, rng: random.Random) -> None:
    if uy.statements and rng.random() < 0.5:
        st = rng.choice(list(uy.statements.values()))
        st.value += Decimal("0.01")
    else:
        key = rng.choice(list(uy.table_b))
        uy.table_b[key] += 1


def generate(folder: Path, units: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    count = 0
    for u in range(units):
        carried, state = [0] * len(PARTS), {}
        for year in YEARS:
            uy, carried = unit_year(f"u{u:05d}", year, carried, rng, state)
            if rng.random() < 0.05:
                defect(uy, rng)
            path = unit_year_path(folder, uy.unit, year)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_unit_year(uy), encoding="utf-8")
            count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000, help="units to generate (× 5 years; default 2000)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder and print where it is")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    try:
        started = time.perf_counter()
        n = generate(folder, args.units)
        print(f"generated {n} unit-years in {time.perf_counter() - started:.1f} s")
        nianbao = Path(sys.executable).with_name("nianbao")
        command = [str(nianbao), "check", "--data", str(folder), "--quiet"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()
        print(summary)
        print(
            f"nianbao check over {n} unit-years: {seconds:.1f} s ({seconds / n * 1000:.2f} ms per unit-year), exit code {done.returncode}"
        )
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
