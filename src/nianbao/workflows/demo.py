"""A synthetic, rule-consistent demo data set for every unit of the registry.

Real unit-level tables for a whole city are not at hand, so :func:`generate` makes them up,
deterministically from a seed: the same seed always gives the same files. What holds in the
result (the tests check it):

- every unit of the registry, every year asked for (2019–2023 by default), in the format version
  of the year (2019 trial format up to 2020, the 2021 revision from 2021);
- Table B obeys B1–B4 in every row and column, Table C obeys C1;
- 二 of year t equals 四 of year t−1 for the same unit, cell by cell (X1);
- a few units receive no applications at all, and publish every table filled with zeros;
- each parent's tables are the sums of its units' (G1): the parents are compiled with
  :mod:`nianbao.workflows.compile`, and their files say which units went in (``compiled_from``);
- every file says ``synthetic: true``, so every output made from it shows 「示例数据」.

:func:`write_demo` refuses to write into a folder that holds any real (non-synthetic) data file.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.atomic import write_atomic
from nianbao.data.model import Figure, NarrativeItem, UnitYear
from nianbao.data.reading import load_unit_year
from nianbao.data.units import Registry, Unit, load_registry
from nianbao.data.writing import save_unit_year
from nianbao.errors import NianbaoError
from nianbao.format import schema
from nianbao.roots import project_data_dir
from nianbao.workflows.compile import sum_unit_years

DEFAULT_SEED = 2024
DEFAULT_YEARS = tuple(range(2019, 2024))
SOURCE = "nianbao demo：程序生成的示例数据（非真实统计）"

#: Units that receive no applications at all, in every year (all tables zeros).
ZERO_UNITS = ("finance", "commerce")
#: Units that receive none in one year only (carrying nothing into or out of it).
ZERO_YEARS = {"culture_tourism": 2021}
#: How many more applications than a typical unit of its level a unit receives.
SIZE = {
    "pudong": 3.0, "minhang": 1.8, "baoshan": 1.5, "huangpu": 1.4, "jingan": 1.4, "chongming": 0.4,
    "jinshan": 0.5, "planning_resources": 4.0, "housing_management": 3.0, "public_security": 2.0,
    "housing_construction": 1.6, "market_regulation": 1.2, "culture_tourism": 0.2,
}  # fmt: skip
TYPICAL = {"district": 900, "agency": 350, "other": 100, "city": 1000}
#: Year-on-year movement of demand common to all units.
YEAR_FACTOR = {2019: 1.00, 2020: 0.93, 2021: 1.06, 2022: 0.91, 2023: 1.04}

APPLICANT_WEIGHTS = {
    "natural_person": 0.86, "commercial": 0.07, "research": 0.004, "public_interest": 0.008,
    "legal_services": 0.038, "other_org": 0.02,
}  # fmt: skip
#: Shares of answered applications per disposition category (rows split within a category).
DISPOSITION_WEIGHTS = {"disclosed": 0.42, "withheld": 0.05, "unavailable": 0.36, "not_processed": 0.06, "other": 0.11}
GRANTED_SHARE = 0.72  # of 予以公开及部分公开, the part 予以公开
#: How often each reason is given within its category (rows not listed: 1.0).
ROW_WEIGHTS = {
    "withheld_state_secret": 0.1, "withheld_prohibited": 0.3, "withheld_security": 0.3, "withheld_third_party": 2.0,
    "withheld_internal": 1.2, "withheld_deliberative": 1.5, "withheld_enforcement_file": 0.8, "withheld_inquiry": 1.0,
    "unavailable_not_held": 3.0, "unavailable_needs_creation": 1.0, "unavailable_unclear": 0.8,
    "not_processed_petition": 2.0, "not_processed_repeat": 1.5, "not_processed_publication": 0.4,
    "not_processed_excessive": 0.6, "not_processed_confirmation": 0.8,
    "other_no_correction": 1.0, "other_no_fee": 0.05, "other_other": 0.9,
}  # fmt: skip
TABLE_C_WEIGHTS = {"upheld": 0.70, "corrected": 0.07, "other": 0.15, "pending": 0.08}


class DemoError(NianbaoError):
    """The demo data cannot be written where asked."""


# ---------------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------------


def apportion(total: int, weights: Sequence[float], rng: random.Random, jitter: float = 0.35) -> list[int]:
    """Split ``total`` into whole parts roughly in proportion to ``weights`` (each weight moved by
    up to ±``jitter``), by largest remainder, so the parts add up to ``total`` exactly."""
    if total == 0:
        return [0] * len(weights)
    moved = [w * (1 + rng.uniform(-jitter, jitter)) for w in weights]
    scale = total / sum(moved)
    exact = [w * scale for w in moved]
    parts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (exact[i] - parts[i], -i), reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _count(rng: random.Random, mean: float) -> int:
    return max(0, round(rng.gauss(mean, mean * 0.12)))


# ---------------------------------------------------------------------------------------------
# one unit, all years
# ---------------------------------------------------------------------------------------------


@dataclass
class _UnitState:
    """What a unit carries from one year to the next."""

    carried: dict[str, int] = field(default_factory=dict)  # 四 of last year, per applicant column
    in_force: dict[str, int] = field(default_factory=dict)  # 现行有效件数 (2021 format)
    total_public: dict[str, int] = field(default_factory=dict)  # 对外公开总数量 (2019 format)
    items: dict[str, int] = field(default_factory=dict)  # list items at the start of the year (2019)


def unit_series(unit: Unit, years: Sequence[int], seed: int = DEFAULT_SEED) -> list[UnitYear]:
    """A unit's unit-years for consecutive ``years``, chained (X1, X2 and the list counts)."""
    rng = random.Random(f"{seed}:{unit.id}")
    size = TYPICAL.get(unit.level, 100) * SIZE.get(unit.id, 1.0) * rng.uniform(0.6, 1.4)
    bias = {g: rng.uniform(0.75, 1.25) for g in DISPOSITION_WEIGHTS}  # each unit its own habits
    state = _UnitState()
    out = []
    for i, year in enumerate(years):
        zero = unit.id in ZERO_UNITS or ZERO_YEARS.get(unit.id) == year
        zero_next = i + 1 < len(years) and (unit.id in ZERO_UNITS or ZERO_YEARS.get(unit.id) == years[i + 1])
        uy = UnitYear(
            unit=unit.id,
            unit_name=unit.name,
            year=year,
            format_version=schema.format_version_for_year(year),
            heading_variant="standard",
            synthetic=True,
            source=SOURCE,
        )
        mean = 0 if zero else size * YEAR_FACTOR.get(year, 1.0)
        _table_b(uy, rng, mean, state, bias, close_out=zero_next)
        _table_c(uy, rng)
        _table_a(uy, rng, unit, zero, state)
        _extras(uy, rng, unit, zero)
        out.append(uy)
    return out


def _table_b(uy: UnitYear, rng: random.Random, mean: float, state: _UnitState, bias: dict, close_out: bool) -> None:
    spec = uy.spec.table_b
    new_total = _count(rng, mean) if mean else 0
    parts = schema.TABLE_B_PART_COLUMNS
    new = dict(zip(parts, apportion(new_total, [APPLICANT_WEIGHTS[c] for c in parts], rng)))
    if not state.carried:  # the first year: what 2018 left over
        state.carried = {c: round(new[c] * rng.uniform(0.02, 0.06)) for c in parts}
    groups = spec.groups
    weights = [DISPOSITION_WEIGHTS[g.id] * bias[g.id] for g in groups]
    for col in parts:
        carried_in = state.carried[col]
        available = new[col] + carried_in
        carried_fwd = 0 if close_out else round(available * rng.uniform(0.03, 0.09))
        answered = available - carried_fwd
        by_group = apportion(answered, weights, rng)
        for group, n in zip(groups, by_group):
            if group.id == "disclosed":
                rows = apportion(n, [GRANTED_SHARE, 1 - GRANTED_SHARE], rng, jitter=0.1)
            else:
                rows = apportion(n, [ROW_WEIGHTS.get(r, 1.0) for r in group.rows], rng, jitter=0.5)
            for row_id, v in zip(group.rows, rows):
                uy.table_b[(row_id, col)] = v
        uy.table_b[("new_received", col)] = new[col]
        uy.table_b[("carried_in", col)] = carried_in
        uy.table_b[("total", col)] = answered
        uy.table_b[("carried_forward", col)] = carried_fwd
        state.carried[col] = carried_fwd
    for row_id in spec.row_ids:  # 总计 column = sum of the six (B1)
        uy.table_b[(row_id, "total")] = sum(uy.table_b[(row_id, c)] for c in parts)


def _table_c(uy: UnitYear, rng: random.Random) -> None:
    answered = uy.table_b[("total", "total")]
    shares = {
        "review": rng.uniform(0.015, 0.04),
        "litigation_direct": rng.uniform(0.008, 0.02),
        "litigation_after_review": rng.uniform(0.003, 0.012),
    }
    cols = [c for c in schema.TABLE_C_COLUMN_IDS if c != "total"]
    for block in schema.TABLE_C_BLOCK_IDS:
        total = round(answered * shares[block])
        for col, v in zip(cols, apportion(total, [TABLE_C_WEIGHTS[c] for c in cols], rng, jitter=0.6)):
            uy.table_c[(block, col)] = v
        uy.table_c[(block, "total")] = total


def _table_a(uy: UnitYear, rng: random.Random, unit: Unit, zero: bool, state: _UnitState) -> None:
    makes_rules = unit.level == "agency" and not zero  # 规章 are drafted by municipal agencies
    active = 0 if zero else 1
    scale = 0 if zero else rng.uniform(0.5, 2.0)
    if uy.format_version == "2021":
        rules_range = (0, 3) if makes_rules else (0, 0)
        for row, (lo, hi), start in (
            ("regulations", rules_range, (5, 40) if makes_rules else (0, 0)),
            ("normative_documents", (4, 30), (60, 260)),
        ):
            issued = rng.randint(lo, hi) * active
            before = state.in_force.get(row)
            if before is None:
                before = rng.randint(*start) * active
            repealed = min(before, rng.randint(0, issued // 2 + 2)) * active
            state.in_force[row] = before + issued - repealed  # X2 holds exactly
            uy.table_a.update(
                {(row, "issued"): issued, (row, "repealed"): repealed, (row, "in_force"): state.in_force[row]}
            )
        for row, mean in (("licensing", 2500), ("penalty", 700), ("coercion", 40)):
            uy.table_a[(row, "decisions")] = round(mean * scale)
        uy.table_a[("fees", "fee_amount")] = Decimal(rng.randint(0, 90_000) * active) / 100  # 万元
        return
    for row, (lo, hi) in (("regulations", (0, 3) if makes_rules else (0, 0)), ("normative_documents", (4, 30))):
        made = rng.randint(lo, hi) * active
        published = made
        total = state.total_public.get(row, rng.randint(20, 200) * active if row == "normative_documents" else 0)
        state.total_public[row] = total + published
        uy.table_a.update(
            {(row, "made"): made, (row, "published"): published, (row, "total_public"): state.total_public[row]}
        )
    for row, (items, decisions) in (
        ("licensing", (60, 2500)), ("other_services", (30, 800)), ("penalty", (900, 700)), ("coercion", (40, 40)),
    ):  # fmt: skip
        prev = state.items.get(row, round(items * rng.uniform(0.5, 1.5)) * active)
        change = max(-prev, round(prev * rng.uniform(-0.15, 0.1))) * active
        uy.table_a.update(
            {(row, "prev_items"): prev, (row, "change"): change, (row, "decisions"): round(decisions * scale)}
        )
        state.items[row] = prev + change
    prev = state.items.get("fees", rng.randint(0, 12) * active)
    change = max(-prev, rng.randint(-2, 1)) * active
    uy.table_a.update({("fees", "prev_items"): prev, ("fees", "change"): change})
    state.items["fees"] = prev + change
    items = round(rng.uniform(5, 60) * scale)
    uy.table_a[("procurement", "procurement_items")] = items
    uy.table_a[("procurement", "procurement_amount")] = Decimal(items * rng.randint(2_000, 9_000)) / 100


_OVERVIEW = {
    "proactive": "（示例）{name}围绕重点领域做好主动公开，及时发布政策文件和解读材料。",
    "on_request": "（示例）{name}规范依申请公开办理流程，按期答复政府信息公开申请。",
    "information_management": "（示例）{name}开展政策文件清理，动态更新政府信息公开目录。",
    "platforms": "（示例）{name}优化政府网站信息公开专栏，提升检索和阅读体验。",
    "oversight": "（示例）{name}将政府信息公开工作纳入年度考核，组织业务培训。",
}


def _extras(uy: UnitYear, rng: random.Random, unit: Unit, zero: bool) -> None:
    """A few figures and narrative items, so parts 1, 5 and 6 have something to show."""
    uy.figures["press_conferences"] = Figure(
        "press_conferences",
        "举办新闻发布会",
        rng.randint(0, 6) if zero else rng.randint(4, 40),
        "场",
        1,
        area="proactive",
    )
    uy.figures["processing_fees"] = Figure("processing_fees", "收取信息处理费", 0, "元", 6)
    name = unit.name
    uy.narrative["overview"] = [NarrativeItem(t.format(name=name), area) for area, t in _OVERVIEW.items()]
    uy.narrative["problems"] = [
        NarrativeItem("（示例）政策解读的针对性和可读性有待提高。"),
        NarrativeItem("（示例）依申请公开答复的规范化水平仍需提升。"),
    ]
    uy.narrative["measures"] = [
        NarrativeItem("（示例）围绕群众关切加强政策解读和回应。"),
        NarrativeItem("（示例）加强答复文书审核，开展案例培训。"),
    ]
    if zero:
        uy.narrative["other"] = [NarrativeItem(f"（示例）{uy.year}年{name}未收到政府信息公开申请。")]
    else:
        uy.narrative["other"] = [NarrativeItem("（示例）本年度未收取信息处理费。")]


# ---------------------------------------------------------------------------------------------
# the whole data set
# ---------------------------------------------------------------------------------------------


def generate(
    years: Iterable[int] = DEFAULT_YEARS, seed: int = DEFAULT_SEED, registry: Registry | None = None
) -> list[UnitYear]:
    """Every unit-year of the demo data set, parents compiled from their units."""
    registry = registry or load_registry()
    years = sorted({int(y) for y in years})
    if not years or years != list(range(years[0], years[-1] + 1)):
        raise DemoError(f"years must be consecutive (carry-forwards chain from year to year), got {years}")
    parents = {u.id for u in registry.parents()}
    by_unit = {u.id: unit_series(u, years, seed) for u in registry if u.id not in parents}
    # parents after their units, deepest first
    pending = [registry.units[p] for p in parents]
    while pending:
        ready = [p for p in pending if all(c.id in by_unit for c in registry.children(p.id))]
        if not ready:
            raise DemoError(f"cannot order the parents {[p.id for p in pending]}: check the registry's parents")
        for p in ready:
            lists: dict[str, int] = {}  # the parent's own list counts, chained across years
            by_unit[p.id] = [_parent_year(p, registry, by_unit, year, i, seed, lists) for i, year in enumerate(years)]
            pending.remove(p)
    return [uy for unit in registry for uy in by_unit[unit.id]]


def _parent_year(
    parent: Unit, registry: Registry, by_unit: dict, year: int, index: int, seed: int, lists: dict[str, int]
) -> UnitYear:
    children = [by_unit[c.id][index] for c in registry.children(parent.id)]
    uy, unknown = sum_unit_years(children, parent, year)
    assert not unknown, f"demo units left cells unknown: {list(unknown)[:3]}"
    uy.heading_variant = "long" if parent.level == "city" else "standard"
    uy.source = f"{SOURCE}；表二、表三及表一可汇总项由{len(children)}个单位汇总"
    rng = random.Random(f"{seed}:{parent.id}:{year}")
    if uy.format_version == "2019":  # the parent's own (deduplicated) lists: not sums
        for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
            prev = lists.get(row, rng.randint(40, 900))
            change = round(prev * rng.uniform(-0.2, 0.05))
            uy.table_a.update({(row, "prev_items"): prev, (row, "change"): change})
            lists[row] = prev + change
    _extras(uy, rng, parent, zero=False)
    return uy


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    files: tuple[Path, ...]
    units: int
    years: tuple[int, ...]
    seed: int


def default_folder() -> Path:
    """Where demo data goes by default: the project's ``data/demo`` (the ``demo`` alias)."""
    return project_data_dir() / "demo"


def write_demo(
    folder: Path | str | None = None,
    years: Iterable[int] = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    registry: Registry | None = None,
) -> DemoResult:
    """Generate the demo data set and write it under ``folder`` (default: ``data/demo``).

    Refuses (:class:`DemoError`, nothing written) when ``folder`` holds any data file that is not
    synthetic: demo figures must never overwrite or sit beside real ones.
    """
    folder = Path(folder).resolve() if folder else default_folder()
    real = _real_files(folder)
    if real:
        shown = ", ".join(str(p) for p in real[:3]) + (f" and {len(real) - 3} more" if len(real) > 3 else "")
        raise DemoError(
            f"{folder} holds real (non-synthetic) data ({shown}); demo data goes into a folder of its own, "
            f"e.g. {default_folder()}"
        )
    unit_years = generate(years, seed, registry)
    files = tuple(save_unit_year(uy, folder) for uy in unit_years)
    write_atomic(folder / "README.md", _readme(seed, sorted({uy.year for uy in unit_years})))
    return DemoResult(
        folder, files, len({uy.unit for uy in unit_years}), tuple(sorted({uy.year for uy in unit_years})), seed
    )


def _real_files(folder: Path) -> list[Path]:
    out = []
    for path in sorted((folder / "units").glob("*/*.yaml")) if folder.exists() else []:
        try:
            if not load_unit_year(path).synthetic:
                out.append(path)
        except NianbaoError:
            out.append(path)  # unreadable: not ours to overwrite
    return out


def _readme(seed: int, years: list[int]) -> str:
    return (
        "# Demo data (示例数据) — generated, not real\n\n"
        f"Written by `nianbao demo --seed {seed}` for {years[0]}–{years[-1]}. Every file is synthetic "
        "(`synthetic: true`) and every output made from it shows 「示例数据」. The parents' tables are "
        "the sums of their units' (`compiled_from`). Regenerate rather than edit; see data/README.md.\n"
    )
