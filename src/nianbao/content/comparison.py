"""Units side by side for one year: the comparison notebook's logic, tables and charts, and the
table of a compiled report's units (part 3).

The units are given as a list (ids or names) or as a parent, meaning all its units in the
registry. Beside them stands the parent (its stored data file, or else the sum of the units),
so each unit's figures can be read against the whole. Rates are recomputed from each unit's own
counts, and the parent's from its counts, never averaged or added (:mod:`nianbao.rules.measures`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from nianbao.content import section
from nianbao.content.charts import PALETTE
from nianbao.content.figure import COLUMN_WIDTH, Chart
from nianbao.content.fonts import setup_charts
from nianbao.content.markup import HtmlTable, macros
from nianbao.data.model import UnitYear
from nianbao.data.store import DataStore
from nianbao.data.units import Unit, registry_for
from nianbao.errors import NianbaoError
from nianbao.format import schema
from nianbao.rules import measures, metrics
from nianbao.workflows.compile import sum_unit_years

TEMPLATE = "comparison.html.j2"

RANK_MEASURES = (
    "new_received", "answered", "disclosure_rate", "share_unavailable", "review", "review_correction_rate", "carried_forward",
)  # fmt: skip
LEVEL_COLOURS = {"district": PALETTE[1], "agency": PALETTE[3], "other": PALETTE[4], "city": PALETTE[0]}


@dataclass
class Comparison:
    year: int
    unit_years: list[UnitYear]  # the units compared (with data), registry order
    levels: dict[str, str]  # unit id → level
    reference: UnitYear | None  # the parent's unit-year, or the sum of the units
    reference_label: str  # how the reference row is named, e.g. 上海市（全市）
    reference_note: str  # where the reference figures come from
    threshold: int = 0
    missing: list[str] = field(default_factory=list)  # units asked for without data for the year
    excluded: list[UnitYear] = field(default_factory=list)  # below the threshold

    @property
    def synthetic(self) -> bool:
        return any(uy.synthetic for uy in self.unit_years + self.excluded) or bool(
            self.reference and self.reference.synthetic
        )

    @property
    def shown(self) -> list[UnitYear]:
        return [uy for uy in self.unit_years if uy not in self.excluded]


def open_comparison(
    year: int | str, units: str | list[str] = "", parent: str = "", data_dir: str = "", threshold: int | str = 0
) -> Comparison:
    """Load the units to compare for ``year``.

    ``units`` is a list or a comma-separated string of ids or names; empty means all units of
    ``parent``. ``threshold``: units that answered fewer applications (（七）总计) are left out of
    the ranking and the charts (listed under the table), since rates of a handful of cases say
    little.
    """
    store = section.open_store(data_dir)
    registry = registry_for(store.root)
    year = int(year)
    names = [u.strip() for u in (units.split(",") if isinstance(units, str) else units) if str(u).strip()]
    parent_unit: Unit | None = registry.get(parent) if parent else None
    if names:
        ids = [store.resolve_unit(n) for n in names]
    elif parent_unit is not None:
        ids = [u.id for u in registry.children(parent_unit.id)]
        if not ids:
            raise NianbaoError(f"{parent_unit.id} ({parent_unit.name}) has no units in the registry")
    else:
        raise NianbaoError('name the units to compare (units = "huangpu,xuhui") or a parent (parent = "shanghai")')
    loaded = {i: store.try_load(i, year) for i in ids}
    present = [uy for uy in loaded.values() if uy is not None]
    if not present:
        raise NianbaoError(f"none of the units {ids} has data for {year} under {store.root}")
    versions = {uy.format_version for uy in present}
    levels = {i: (registry.units[i].level if i in registry.units else "other") for i in ids}
    reference, label, note = _reference(parent_unit, present, store, year, versions)
    setup_charts()
    comp = Comparison(
        year,
        present,
        levels,
        reference,
        label,
        note,
        int(threshold or 0),
        [i for i, uy in loaded.items() if uy is None],
    )
    comp.excluded = [uy for uy in present if (uy.b("total") or 0) < comp.threshold]
    return comp


def _reference(parent: Unit | None, present: list[UnitYear], store: DataStore, year: int, versions: set[str]):
    if parent is not None:
        stored = store.try_load(parent.id, year)
        if stored is not None:
            how = "按所属单位汇总" if stored.compiled_from else "取自其数据文件"
            return stored, f"{parent.name}（合计）", f"{parent.name}的数字{how}（{year}年）。"
    if len(versions) > 1:
        return None, "", "所列单位使用不同版本的表格，未计算合计。"
    host = parent or Unit("selected", "所列单位", "other")
    summed, unknown = sum_unit_years(present, host, year)
    note = (
        f"合计为所列{len(present)}个单位之和"
        + ("，部分单位未公布的数字不计入合计，相应合计显示为“—”" if unknown else "")
        + "。"
    )
    return summed, f"{host.name}（合计）", note


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------


def measures_frame(comp: Comparison, unit_years: list[UnitYear] | None = None) -> pd.DataFrame:
    """One row per unit: name, level and every ranked measure (None when unknown)."""
    rows = []
    for uy in comp.shown if unit_years is None else unit_years:
        row = {
            "unit": uy.unit,
            "单位": uy.unit_name,
            "级别": schema.UNIT_LEVELS.get(comp.levels.get(uy.unit, "other"), ""),
        }
        row.update({m: measures.value(uy, m) for m in RANK_MEASURES})
        rows.append(row)
    return pd.DataFrame(rows)


def _sort(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Largest first; unknown (and rates of units with no applications) last."""
    key = frame[by].map(lambda v: float("-inf") if v is None or pd.isna(v) else float(v))
    return frame.assign(_key=key).sort_values(["_key", "单位"], ascending=[False, True]).drop(columns="_key")


#: Rows of a ranking (the units and the reference) set in smaller type (``table.ranking.compact``):
#: more than about 36 rows do not fit on the first page under the comparison's title and notes in
#: the ranking's usual type, up to about 48 do in the smaller one. A longer ranking continues on
#: the next page whatever its type, so it keeps the usual one.
COMPACT_ROWS = (36, 48)


def ranking_table(comp: Comparison, rank_by: str = "new_received") -> HtmlTable:
    """The units ranked by ``rank_by``, with each one's share of the reference's applications,
    and the reference row (the parent, or the units' sum) on top."""
    if rank_by not in RANK_MEASURES:
        raise NianbaoError(f"rank_by must be one of {list(RANK_MEASURES)}, found {rank_by!r}")
    frame = _sort(measures_frame(comp), rank_by)
    ref_new = comp.reference.b("new_received") if comp.reference else None
    headers = (
        ["排名", "单位", "级别"]
        + [measures.label(m) for m in RANK_MEASURES[:1]]
        + ["占合计（%）"]
        + [measures.label(m) for m in RANK_MEASURES[1:]]
    )
    rows, records = [], []
    if comp.reference is not None:
        ref = {m: measures.value(comp.reference, m) for m in RANK_MEASURES}
        share = Decimal("100.00") if ref_new else None
        rows.append(
            {
                "cls": "reference",
                "rank": "",
                "name": comp.reference_label,
                "level": "",
                "figures": _shown(ref, share, RANK_MEASURES),
            }
        )
        records.append(dict(zip(headers, ["", comp.reference_label, "", *_figures(ref, share, RANK_MEASURES)])))
    rank = 0
    for _, r in frame.iterrows():
        known = r[rank_by] is not None and not pd.isna(r[rank_by])
        rank += 1 if known else 0
        values = {m: (None if pd.isna(r[m]) else r[m]) for m in RANK_MEASURES}
        share = metrics.percent(values["new_received"], ref_new)
        rows.append({"cls": None, "rank": str(rank) if known else schema.UNKNOWN_MARK, "name": r["单位"], "level": r["级别"],
                     "figures": _shown(values, share, RANK_MEASURES)})  # fmt: skip
        records.append(
            dict(zip(headers, [rank if known else None, r["单位"], r["级别"], *_figures(values, share, RANK_MEASURES)]))
        )
    notes = [f"按{measures.label(rank_by, False)}从高到低排列", comp.reference_note, measures.definitions(list(RANK_MEASURES)),
             "占合计 = 该单位新收申请 ÷ 合计新收申请 × 100%", "无申请的单位不计算比率（显示为“—”）"]  # fmt: skip
    if comp.threshold:
        notes.append(f"答复申请少于{comp.threshold}件的单位未列入排名")
    html = macros(TEMPLATE).units_table(
        "ranking compact" if COMPACT_ROWS[0] < len(rows) <= COMPACT_ROWS[1] else "ranking",
        f"{comp.year}年各单位政府信息公开申请情况", "；".join(n.rstrip("。") for n in notes if n) + "。",
        headers, rows, _excluded_notes(comp), ranked=True,
    )  # fmt: skip
    return HtmlTable(str(html), pd.DataFrame(records, columns=headers, dtype=object), "ranking")


def _figures(values: dict, share, shown: Sequence[str]) -> list:
    """A unit's figures in column order: new applications, their share of the total, the rest."""
    return [values[shown[0]], share] + [values[m] for m in shown[1:]]


def _shown(values: dict, share, shown: Sequence[str]) -> list:
    """The same figures as shown (rates without their percent sign: the header has it)."""

    def text(m: str):
        return None if values[m] is None else measures.fmt(values[m], m, percent_sign=False)

    return [text(shown[0]), share] + [text(m) for m in shown[1:]]


def _excluded_notes(comp: Comparison) -> list[str]:
    notes = []
    if comp.excluded:
        names = "、".join(f"{uy.unit_name}（{uy.b('total')}件）" for uy in comp.excluded)
        notes.append(f"答复申请少于{comp.threshold}件、未列入排名和图表的单位：{names}。")
    if comp.missing:
        notes.append(f"{comp.year}年无数据的单位：{'、'.join(comp.missing)}。")
    return notes


def contributions_table(uy: UnitYear, store: DataStore) -> HtmlTable | None:
    """For a compiled unit-year (part 3): each unit's applications and its share of the total,
    with the totals row; None when ``uy`` was not compiled."""
    if not uy.compiled_from:
        return None
    registry = registry_for(store.root)
    units = [u for u in (store.try_load(i, uy.year) for i in uy.compiled_from) if u is not None]
    missing = [i for i in uy.compiled_from if store.try_load(i, uy.year) is None]
    cols = ("new_received", "answered", "disclosure_rate", "carried_forward")
    headers = ["单位", "级别", measures.label("new_received"), "占合计（%）"] + [measures.label(m) for m in cols[1:]]
    total_new = uy.b("new_received")
    ordered = sorted(units, key=lambda u: -(u.b("new_received") or 0))
    rows, records = [], []
    for u in ordered + [uy]:
        is_total = u is uy
        values = {m: measures.value(u, m) for m in cols}
        share = metrics.percent(values["new_received"], total_new)
        name = f"合计（{uy.unit_name}）" if is_total else u.unit_name
        level = (
            ""
            if is_total
            else schema.UNIT_LEVELS.get(registry.units[u.unit].level if u.unit in registry.units else "other", "")
        )
        rows.append(
            {"cls": "total" if is_total else None, "name": name, "level": level, "figures": _shown(values, share, cols)}
        )
        records.append(dict(zip(headers, [name, level, *_figures(values, share, cols)])))
    note = (
        f"{uy.unit_name}{uy.year}年的表二、表三由以下{len(units)}个单位的数字逐格相加汇总；"
        "占合计 = 该单位新收申请 ÷ 合计新收申请 × 100%；"
        + measures.get("disclosure_rate").definition
        + "，合计行的公开率由合计件数重新计算，不是各单位公开率之和或平均。"
    )
    notes = ["汇总所列但无数据文件的单位：" + "、".join(missing)] if missing else []
    html = macros(TEMPLATE).units_table("contributions", "各单位申请数量及占比", note, headers, rows, notes)
    return HtmlTable(str(html), pd.DataFrame(records, columns=headers, dtype=object), "contributions")


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------


#: Height (inches) of a ranking chart that has a page to itself: the A4 page's text height (251 mm)
#: less its heading and the measure's note under it.
FULL_PAGE_CHART = 251 / 25.4 - 1.5


def ranking_height(bars: int) -> float:
    """A ranking chart's height for ``bars`` units: 0.18 in per bar, or, when two such charts
    would not fit on one page anyway, the whole page, so that a page holding one chart is full
    (and a very long ranking is not taller than the page)."""
    natural = 0.18 * bars + 1.2
    return natural if natural <= FULL_PAGE_CHART / 2 else FULL_PAGE_CHART


def ranking_chart(comp: Comparison, measure: str) -> Chart | None:
    """Horizontal bars of one measure per unit, largest first, coloured by level; for a rate, a
    line at the reference's rate (the parent's, recomputed from its counts)."""
    frame = measures_frame(comp)
    frame = frame[frame[measure].map(lambda v: v is not None and not pd.isna(v))]
    if frame.empty:
        return None
    frame = _sort(frame, measure)
    frame["数值"] = frame[measure].astype(float)
    setup_charts()
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH, ranking_height(len(frame))), layout="constrained")
    palette = {schema.UNIT_LEVELS[k]: v for k, v in LEVEL_COLOURS.items()}
    order = [schema.UNIT_LEVELS[k] for k in LEVEL_COLOURS if schema.UNIT_LEVELS[k] in set(frame["级别"])]
    sns.barplot(data=frame, y="单位", x="数值", hue="级别", hue_order=order, palette=palette, dodge=False, ax=ax)
    is_rate = measures.is_rate(measure)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.2f%%" if is_rate else "%.0f", fontsize=7.5, padding=2,
                     bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3, "alpha": 0.85})  # fmt: skip
    top = frame["数值"].max() or 1
    ref = measures.value(comp.reference, measure) if comp.reference is not None else None
    if is_rate and ref is not None:
        ax.axvline(float(ref), color="#333333", linestyle="--", linewidth=1, zorder=1.5)
        ax.text(
            float(ref), -0.8, f"{comp.reference_label} {ref}%", fontsize=7.5, ha="center", va="bottom", color="#333333"
        )
        top = max(top, float(ref))
    ax.set_xlim(0, top * 1.18)
    ax.set_ylim(len(frame) - 0.5, -1.3 if is_rate and ref is not None else -0.5)
    ax.set_ylabel("")
    ax.set_xlabel(measures.label(measure), fontsize=8.5)
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(title="", fontsize=8, loc="lower right")
    ax.set_title(f"{comp.year}年各单位{measures.get(measure).label}")
    left_out = len(comp.shown) - len(frame)
    if left_out:
        fig.text(0.01, 0.0, f"另有{left_out}个单位无申请或数字未公布，未列出。", fontsize=7.5, va="bottom")
    shown = "；".join(f"{r['单位']}{measures.fmt(r[measure], measure)}" for _, r in frame.iterrows())
    reference = f"；{comp.reference_label}{ref}%" if is_rate and ref is not None else ""
    missing = f"；另有{left_out}个单位无申请或数字未公布" if left_out else ""
    alt = f"条形图：{comp.year}年各单位{measures.get(measure).label}，从高到低。{shown}{reference}{missing}。"
    return Chart(fig, alt)


def title(comp: Comparison) -> str:
    return f"{comp.year}年各单位政府信息公开申请情况比较"


def heading(comp: Comparison):
    """The notebook's <h1>, what is compared, and the 「示例数据」 notice when needed."""
    sub = f"比较{len(comp.unit_years)}个单位" + (
        f"，参照：{comp.reference_label}" if comp.reference is not None else ""
    )
    if comp.excluded:
        sub += f"；其中{len(comp.excluded)}个单位答复申请少于{comp.threshold}件，未列入排名和图表"
    return section.title_block(title(comp), sub, synthetic=any(uy.synthetic for uy in comp.unit_years))


def summary_sentence(comp: Comparison) -> str:
    """Who received the most applications, and the spread of 公开率."""
    frame = measures_frame(comp)
    if frame.empty:
        return "没有符合条件的单位。"
    top = _sort(frame, "new_received").iloc[0]
    text = f"{comp.year}年所比较的{len(frame)}个单位中，{top['单位']}新收申请最多（{top['new_received']}件）"
    rates = frame[frame["disclosure_rate"].map(lambda v: v is not None and not pd.isna(v))]
    if len(rates) > 1:
        hi, lo = _sort(rates, "disclosure_rate").iloc[0], _sort(rates, "disclosure_rate").iloc[-1]
        text += (
            f"；公开率最高为{hi['单位']}（{hi['disclosure_rate']}%），最低为{lo['单位']}（{lo['disclosure_rate']}%）"
        )
    if comp.reference is not None and measures.value(comp.reference, "disclosure_rate") is not None:
        text += f"，{comp.reference_label}为{measures.value(comp.reference, 'disclosure_rate')}%"
    return text + "。"


def measure_note(comp: Comparison, measure: str):
    """The note under a ranking chart: the measure's definition and what the dashed line is."""
    text = measures.get(measure).definition
    if measures.is_rate(measure) and comp.reference is not None and measures.value(comp.reference, measure) is not None:
        text += f"；虚线为{comp.reference_label}的{measures.get(measure).label}，由合计件数计算，不是各单位比率的平均"
    return section.note(text + "。")
