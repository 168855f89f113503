"""One unit over a range of years: the trends notebook's logic and tables (charts: trend_charts).

Applications received, answered and carried over, the shares of the disposition categories,
行政复议 and 行政诉讼 with their 纠错率, per year; and the carry-over check X1 (二 of year t = 四 of
year t−1, cell by cell) between consecutive years. Rates are recomputed from each year's counts
(:mod:`nianbao.rules.measures`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nianbao.content import section
from nianbao.content.fonts import setup_charts
from nianbao.content.markup import HtmlTable, macros
from nianbao.data.model import UnitYear
from nianbao.errors import NianbaoError
from nianbao.format import schema
from nianbao.rules import measures

TEMPLATE = "trends.html.j2"

TABLE_MEASURES = (
    "new_received", "carried_in", "answered", "carried_forward",
    "disclosure_rate", "share_withheld", "share_unavailable", "share_not_processed", "share_other",
    "review", "litigation", "review_correction_rate", "litigation_correction_rate",
)  # fmt: skip


@dataclass
class Series:
    """A unit's unit-years over a range of years (years without data are listed, not invented)."""

    unit: str
    unit_name: str
    years: list[int]  # the range asked for
    unit_years: dict[int, UnitYear]  # the years with data

    @property
    def present(self) -> list[int]:
        return sorted(self.unit_years)

    @property
    def missing(self) -> list[int]:
        return [y for y in self.years if y not in self.unit_years]

    @property
    def synthetic(self) -> bool:
        return any(uy.synthetic for uy in self.unit_years.values())

    @property
    def span(self) -> str:
        return f"{self.years[0]}—{self.years[-1]}年" if len(self.years) > 1 else f"{self.years[0]}年"


def open_series(unit: str, first_year: int | str, last_year: int | str, data_dir: str = "") -> Series:
    """Load ``unit`` (id or name) for every year from ``first_year`` to ``last_year``."""

    store = section.open_store(data_dir)
    unit_id = store.resolve_unit(str(unit))
    first, last = int(first_year), int(last_year)
    if first > last:
        raise NianbaoError(f"first_year {first} is after last_year {last}")
    years = list(range(first, last + 1))
    found = {y: uy for y in years if (uy := store.try_load(unit_id, y)) is not None}
    if not found:
        have = store.years(unit_id)
        raise NianbaoError(f"no data for {unit_id} in {first}–{last} under {store.root}; years with data: {have}")
    setup_charts()
    name = found[min(found)].unit_name
    return Series(unit_id, name, years, found)


# ---------------------------------------------------------------------------------------------
# text and tables
# ---------------------------------------------------------------------------------------------


def title(series: Series) -> str:
    return f"{series.unit_name}政府信息公开申请办理情况趋势（{series.span}）"


def heading(series: Series):
    """The notebook's <h1>, the years with data, and the 「示例数据」 notice when needed."""
    missing = f"（{'、'.join(map(str, series.missing))}年无数据）" if series.missing else ""
    return section.title_block(
        title(series), f"数据年度：{'、'.join(map(str, series.present))}{missing}", synthetic=series.synthetic
    )


def measures_frame(series: Series) -> pd.DataFrame:
    """Long form: one row per year and measure, for charts."""
    rows = []
    for year, uy in sorted(series.unit_years.items()):
        for m in TABLE_MEASURES:
            v = measures.value(uy, m)
            rows.append(
                {"年度": year, "measure": m, "指标": measures.get(m).label, "数值": None if v is None else float(v)}
            )
    return pd.DataFrame(rows)


def trend_table(series: Series) -> HtmlTable:
    """The measures per year: rows are measures, columns are years."""
    years = series.present
    rows, data = [], []
    for m in TABLE_MEASURES:
        values = [measures.value(series.unit_years[y], m) for y in years]
        shown = [None if v is None else measures.fmt(v, m, percent_sign=False) for v in values]
        rows.append({"label": measures.label(m), "rate": measures.is_rate(m), "figures": shown})
        data.append(values)
    versions = [series.unit_years[y].format_version for y in years]
    data.append(versions)
    index = [measures.label(m) for m in TABLE_MEASURES] + ["格式版本"]
    frame = pd.DataFrame(data, index=pd.Index(index, name="项目"), columns=[f"{y}年" for y in years], dtype=object)
    note = measures.definitions(list(TABLE_MEASURES)) + "；比率均按当年件数重新计算，四舍五入保留两位小数"
    html = macros(TEMPLATE).trend_table(
        f"{series.unit_name}主要数据（{series.span}）", note, ["项目"] + [f"{y}年" for y in years], rows,
        {"label": "格式版本", "figures": versions}, [schema.UNKNOWN_NOTE],
    )  # fmt: skip
    return HtmlTable(str(html), frame, "trends")


@dataclass(frozen=True)
class CarryCheck:
    """X1 for one applicant column between two consecutive years."""

    year: int  # year t: its 二 is compared with 四 of t−1
    column: str  # column id
    carried_forward: int | None  # 四 of t−1
    carried_in: int | None  # 二 of t

    @property
    def matches(self) -> bool | None:
        if self.carried_forward is None or self.carried_in is None:
            return None
        return self.carried_forward == self.carried_in

    @property
    def verdict(self) -> str:
        if self.matches is None:
            return "无法核对（数字未公布）"
        if self.matches:
            return "一致"
        return f"不一致（相差{abs(self.carried_in - self.carried_forward)}）"  # type: ignore[operator]


def carry_over_checks(series: Series) -> list[CarryCheck]:
    """Rule X1 for every pair of consecutive years with data, column by column."""
    out = []
    for year in series.present:
        prev, uy = series.unit_years.get(year - 1), series.unit_years[year]
        if prev is None:
            continue
        for col in schema.TABLE_B_COLUMN_IDS:
            out.append(CarryCheck(year, col, prev.b("carried_forward", col), uy.b("carried_in", col)))
    return out


def carry_over_table(series: Series) -> HtmlTable:
    """X1 as a table: a row per pair of consecutive years, a column per applicant column. A cell
    shows the carried figure when 四 (t−1) and 二 (t) agree, both figures when they do not."""
    checks = carry_over_checks(series)
    labels = [schema.TABLE_B_COLUMN_LABEL[c] for c in schema.TABLE_B_COLUMN_IDS]
    rows, records = [], []
    for year in sorted({c.year for c in checks}):
        row_checks = [c for c in checks if c.year == year]
        cells = [_carry_cell(c) for c in row_checks]
        verdict, verdict_cls = _carry_verdict(row_checks)
        rows.append({"label": f"{year - 1}年→{year}年", "cells": cells, "verdict": verdict, "verdict_cls": verdict_cls})
        records.append(
            {
                "年度": f"{year - 1}年→{year}年",
                **{label: c["record"] for label, c in zip(labels, cells)},
                "核对": verdict,
            }
        )
    gaps = [y for y in series.present if y - 1 in series.years and y - 1 not in series.unit_years]
    bad = [c for c in checks if c.matches is False]
    summary = f"共核对{sum(c.matches is not None for c in checks)}格，{len(bad)}格不一致" + (
        f"；{'、'.join(str(y - 1) for y in gaps)}年无数据，相邻年度无法核对" if gaps else ""
    )
    note = (
        "本年“二、上年结转政府信息公开申请数量”应等于上年“四、结转下年度继续办理”，逐格核对；"
        "一致时列出结转件数，不一致时列出“上年四 → 本年二”。" + summary + "。"
    )
    html = macros(TEMPLATE).carry_over(
        "上年结转核对（规则X1）", note, ["年度", *labels, "核对"], rows, "所选年度中没有相邻两年的数据，无法核对。"
    )
    return HtmlTable(str(html), pd.DataFrame(records, columns=["年度"] + labels + ["核对"], dtype=object), "carry_over")


def _carry_cell(c: CarryCheck) -> dict:
    """A cell of the carry-over table, and what the downloads get for it."""
    if c.matches is None:
        return {"value": None, "mismatch": False, "record": None}
    if c.matches:
        return {"value": c.carried_in, "mismatch": False, "record": c.carried_in}
    text = f"{c.carried_forward} → {c.carried_in}"
    return {"text": text, "mismatch": True, "verdict": c.verdict, "record": text}


def _carry_verdict(checks: list[CarryCheck]) -> tuple[str, str]:
    """A pair of years' verdict (一致, n格不一致, n格无法核对) and its class."""
    bad = sum(c.matches is False for c in checks)
    open_ = sum(c.matches is None for c in checks)
    if not bad and not open_:
        return "一致", "ok"
    verdict = (f"{bad}格不一致" if bad else "") + (f"{'，' if bad else ''}{open_}格无法核对" if open_ else "")
    return verdict, "mismatch" if bad else ""


def summary_sentence(series: Series) -> str:
    """「2019—2023年，新收申请由X件变为Y件……」 from the first and last year with data."""
    years = series.present
    first, last = series.unit_years[years[0]], series.unit_years[years[-1]]
    if len(years) < 2:
        return f"所选范围内仅有{years[0]}年的数据。"
    parts = []
    for m in ("new_received", "answered", "disclosure_rate", "review_correction_rate"):
        a, b = measures.value(first, m), measures.value(last, m)
        if a is None or b is None:
            continue
        parts.append(
            f"{measures.get(m).label}由{years[0]}年的{measures.words(a, m)}变为{years[-1]}年的{measures.words(b, m)}"
        )
    checks = carry_over_checks(series)
    bad = [c for c in checks if c.matches is False]
    if not any(c.matches is not None for c in checks):
        x1 = "相邻年度的结转数字未公布或缺少相邻年度数据，上年结转无法核对。"
    else:
        x1 = (
            "相邻年度的上年结转与结转下年度数字逐格一致。"
            if not bad
            else (f"有{len(bad)}处本年“上年结转”与上年“结转下年度”的数字不一致，详见下文核对表。")
        )
    return ("，".join(parts) + "。" if parts else "") + x1
