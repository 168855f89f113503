"""What the corpus notebook shows (``notebooks/corpus.ipynb``): the documents by status and format,
the findings by rule and severity, the units ranked by errors with each one's findings, the spread
of 予以公开及部分公开占比 and 纠错率 across units with each unit's place, and the year-on-year jumps.

Everything is read from the dataset through DuckDB (:mod:`.queries`); the numbers are computed
exactly (:mod:`.stats`); the markup is in ``templates/corpus.html.j2``. Long lists show their head
(and tail) on the page; every row is in the tables workbook (corpus.xlsx).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import jinja2
import pandas as pd

from nianbao.audit.corpus import queries, stats
from nianbao.content import section
from nianbao.content.findings_html import SEVERITY_LABELS, Html
from nianbao.content.fonts import setup_charts
from nianbao.content.markup import TEMPLATE_VARS, HtmlTable
from nianbao.format.measures import MEASURES
from nianbao.render.html import page_templates
from nianbao.roots import outputs_dir
from nianbao.rules import metrics

FORMAT_LABELS = {"html": "网页（HTML）", "text": "文本", "pdf": "PDF", "docx": "DOCX", "doc": "DOC", "wps": "WPS",
                 "image": "图片", "": "无法识别"}  # fmt: skip
SCOPE_LABELS = {"city": "市", "district": "区县", "district_government": "区县政府本级", "agency": "部门",
                "street": "街道", "town": "乡镇"}  # fmt: skip
COUNT_LABELS = {"new_received": "新收申请", "answered": "答复申请（（七）总计）", "review": "行政复议",
                "litigation": "行政诉讼"}  # fmt: skip
RATE_LABELS = {"disclosure_rate": "予以公开及部分公开占比", "review_correction_rate": "行政复议纠错率"}


@functools.cache
def macros():
    """The macros of ``templates/corpus.html.j2`` (which builds on the report's ``tables.html.j2``)."""
    here = jinja2.FileSystemLoader(str(Path(__file__).parent / "templates"))
    base = page_templates()
    env = base.overlay(loader=jinja2.ChoiceLoader([here, base.loader]))  # type: ignore[list-item]
    return env.get_template("corpus.html.j2").make_module(TEMPLATE_VARS)


@dataclass
class Corpus:
    out: Path
    con: object  # a DuckDB connection with the dataset's views
    totals: dict
    series: dict[str, dict[int, dict]] = field(default_factory=dict)  # unit → year → figures
    names: dict[str, str] = field(default_factory=dict)  # unit → name


def open_corpus(out_dir: str | Path) -> Corpus:
    """The dataset in ``out_dir`` (written by ``nianbao audit PATH... --out``), charts set up."""
    setup_charts()
    out = Path(out_dir) if out_dir else outputs_dir(None) / "corpus"
    con = queries.connect(out)
    corpus = Corpus(out, con, queries.totals(con))
    for row in queries.unit_year_figures(con):
        corpus.series.setdefault(row["unit"], {})[row["year"]] = stats.figures(row)
        corpus.names[row["unit"]] = row["unit_name"]
    return corpus


def _c(text, num: bool = False, cls: str = "") -> dict:
    return {"text": "" if text is None else str(text), "num": num, "cls": cls}


def _n(value) -> dict:
    return _c("—" if value is None else f"{value:,}" if isinstance(value, int) else value, num=True)


def _table(cls: str, title: str, note: str, headers: list[str], rows: list[dict], frame: pd.DataFrame,
           notes: list[str] = (), empty: str = "（无）") -> HtmlTable:  # fmt: skip
    html = macros().rows_table(cls, title, note, headers, rows, list(notes), empty)
    return HtmlTable(str(macros().style()) + str(html), frame, cls)


def title(corpus: Corpus) -> str:
    return "政府信息公开工作年度报告·批量审核"


def heading(corpus: Corpus):
    t = corpus.totals
    years = f"{t['first_year']}—{t['last_year']}年" if t["first_year"] and t["first_year"] != t["last_year"] else (
        f"{t['first_year']}年" if t["first_year"] else "年度未知")  # fmt: skip
    sub = f"共{t['files']:,}份文件，{t['units']:,}个单位，{years}"
    return section.title_block(title(corpus), sub)


def summary_sentence(corpus: Corpus) -> str:
    t = corpus.totals
    return (
        f"本次审核共读取{t['files']:,}份文件（内容不同的{t['contents']:,}份），其中{t['ok']:,}份完成审核、"
        f"{t['failed']:,}份未能审核；涉及{t['units']:,}个单位的{t['unit_years']:,}个单位年度。共读取统计表单元格"
        f"{t['cells']:,}个、正文数字{t['statements']:,}项，发现问题{t['findings']:,}项。"
        "数据集为 documents、cells、statements、findings 四张表（Parquet 与 CSV），本报告以 DuckDB 直接查询。"
    )


# ---------------------------------------------------------------------------------------------
# documents and findings
# ---------------------------------------------------------------------------------------------


def documents_table(corpus: Corpus) -> HtmlTable:
    found = queries.by_format(corpus.con)
    headers = ["格式", "文件数", "完成审核", "未能审核", "其中OCR识别", "页数", "平均审核时间（秒）"]
    rows, records = [], []
    for r in found:
        mean = metrics.round_half_up(Decimal(str(r["seconds"])) / r["ok"], 2) if r["ok"] and r["seconds"] else None
        values = [FORMAT_LABELS.get(r["format"], r["format"]), r["files"], r["ok"], r["failed"], r["ocr"],
                  None if r["pages"] is None else int(r["pages"]), mean]  # fmt: skip
        rows.append({"cells": [_c(values[0])] + [_n(v) for v in values[1:]]})
        records.append(dict(zip(headers, values)))
    note = "格式按文件内容识别（不只看扩展名）；内容相同的文件各计一次。"
    return _table("by-format", "文件格式与审核状态", note, headers, rows, pd.DataFrame(records, columns=headers))


def failures_table(corpus: Corpus, limit: int = 15) -> HtmlTable:
    found = queries.failure_reasons(corpus.con, limit)
    headers = ["未能审核的原因", "文件数", "示例文件"]
    rows = [{"cells": [_c(r["reason"]), _n(r["files"]), _c(r["example"])]} for r in found]
    frame = pd.DataFrame([[r["reason"], r["files"], r["example"]] for r in found], columns=headers)
    note = f"按原因归并，列出最多{limit}种；每个文件的原因见 documents 表的 reason 列。"
    return _table("failures", "未能审核的文件", note, headers, rows, frame, empty="所有文件均完成审核。")


def findings_table(corpus: Corpus) -> HtmlTable:
    found = queries.by_rule(corpus.con)
    by_rule: dict[str, dict] = {}
    for r in found:
        item = by_rule.setdefault(r["rule"], {"formula": r["formula"], "documents": 0})
        item[r["severity"]] = r["findings"]
        item["documents"] = max(item["documents"], r["documents"])
    headers = ["规则", "错误", "提示", "无法复核", "涉及文件（至少）", "规则内容"]
    rows, records = [], []
    for rule, item in sorted(by_rule.items(), key=lambda kv: (-kv[1].get("error", 0), kv[0])):
        values = [rule, item.get("error", 0), item.get("warning", 0), item.get("unverifiable", 0), item["documents"],
                  item["formula"]]  # fmt: skip
        rows.append({"cells": [_c(rule), *(_n(v) for v in values[1:5]), _c(item["formula"])]})
        records.append(dict(zip(headers, values)))
    note = "错误：数字自相矛盾；提示：截尾取值、另一基数或空白按0计等；无法复核：正文未给出基数或件数。"
    return _table("by-rule", "按规则和级别统计的问题", note, headers, rows, pd.DataFrame(records, columns=headers),
                  empty="未发现问题。")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------------------------


def units_table(corpus: Corpus, top: int = 30) -> HtmlTable:
    found = queries.units_ranked(corpus.con)
    headers = ["排名", "单位", "级别", "文件数", "年度", "错误", "提示", "无法复核", "有错误的文件"]
    rows, records = [], []
    for rank, r in enumerate(found, start=1):
        values = [rank, r["unit_name"], SCOPE_LABELS.get(r["scope"] or "", "其他"), r["documents"], r["years"],
                  int(r["errors"]), int(r["warnings"]), int(r["unverifiable"]), r["documents_with_errors"]]  # fmt: skip
        records.append(dict(zip(headers, values)))
        if rank <= top:
            rows.append({"cells": [_n(rank), _c(values[1]), _c(values[2]), _n(values[3]), _c(values[4]),
                                   *(_n(v) for v in values[5:])]})  # fmt: skip
    if len(found) > top:
        rows.append({"gap": f"另有{len(found) - top:,}个单位未列出（全部单位见 corpus.xlsx）"})
    note = "按错误数从多到少排列，错误数相同的按提示数；单位以登记名录识别，名录中没有的按报告所写名称。"
    return _table("units", "各单位发现的问题", note, headers, rows, pd.DataFrame(records, columns=headers))


def drill_down(corpus: Corpus, units: int = 10, per_unit: int = 12) -> Html:
    """The findings of the units with the most errors, each unit's errors first."""
    ranked = [r for r in queries.units_ranked(corpus.con) if r["errors"]][:units]
    headers = ["年度", "文件", "级别", "规则", "位置", "公布值", "应为"]
    blocks = []
    for r in ranked:
        found, total = queries.unit_findings(corpus.con, r["unit"], per_unit)
        rows = [{"cells": [_c(f["year"]), _c(f["name"]), _c(SEVERITY_LABELS.get(f["severity"], f["severity"]),
                           cls=f"nowrap {f['severity']}"), _c(f["rule"], cls="nowrap"), _c(f["location"]), _c(f["found"] or "（空白）"),
                           _c(f["expected"])]} for f in found]  # fmt: skip
        notes = [f"另有{total - len(found)}项未列出（见 findings 表）。"] if total > len(found) else []
        summary = f"{r['documents']}份文件（{r['years']}年）：错误{int(r['errors'])}项，提示{int(r['warnings'])}项。"
        blocks.append(str(macros().unit_block(r["unit_name"], summary, headers, rows, notes)))
    if not blocks:
        return Html("<p class='note'>没有发现错误的单位。</p>")
    return Html(str(macros().style()) + "".join(blocks))


# ---------------------------------------------------------------------------------------------
# spreads across units, places, jumps
# ---------------------------------------------------------------------------------------------


def rate_values(corpus: Corpus, rate: str, year: int | None = None) -> list[tuple[str, int, object]]:
    """(unit, year, value) of a rate for every unit-year that has it."""
    return [(unit, y, f[rate]) for unit, years in corpus.series.items() for y, f in years.items()
            if f[rate] is not None and (year is None or y == year)]  # fmt: skip


def focus_year(corpus: Corpus) -> int | None:
    """The year with the most units (the latest of equals): the year whose places are shown."""
    counts: dict[int, int] = {}
    for years in corpus.series.values():
        for y in years:
            counts[y] = counts.get(y, 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def spread_table(corpus: Corpus) -> HtmlTable:
    headers = ["指标", "年度", "单位数", "最低", "P25", "P50（中位数）", "P75", "最高"]
    rows, records = [], []
    years = sorted({y for years in corpus.series.values() for y in years})
    for rate, label in RATE_LABELS.items():
        for year in years:
            s = stats.spread([v for _, _, v in rate_values(corpus, rate, year)])
            if s is None:
                continue
            values = [label, year, s.n, s.low, s.p25, s.p50, s.p75, s.high]
            rows.append({"cells": [_c(label), _c(year), _n(s.n), *(_n(f"{v}%") for v in values[3:])]})
            records.append(dict(zip(headers, values)))
    notes = [MEASURES[r].definition for r in RATE_LABELS] + [
        "每个单位年度取一份文件；只计公布了相应件数且分母不为0的单位；分位数按线性插值计算，四舍五入保留两位小数。"]  # fmt: skip
    return _table("spread", "各单位比率的分布", "", headers, rows, pd.DataFrame(records, columns=headers), notes)


def places_table(corpus: Corpus, rate: str, year: int | None = None, edge: int = 15) -> HtmlTable:
    """Each unit's value of ``rate`` in ``year``, its rank and its quartile band."""
    year = year or focus_year(corpus)
    found = sorted(rate_values(corpus, rate, year), key=lambda x: (-x[2], x[0]))  # type: ignore[operator]
    s = stats.spread([v for _, _, v in found])
    label = RATE_LABELS[rate]
    headers = ["位次", "单位", f"{label}（%）", "所处区间"]
    records = [dict(zip(headers, [k, corpus.names[u], metrics.round_half_up(v, 2), stats.band(v, s)]))  # type: ignore[arg-type]
               for k, (u, _, v) in enumerate(found, start=1)]  # fmt: skip
    shown = records if len(records) <= 2 * edge else records[:edge] + [None] + records[-edge:]
    rows = [{"gap": f"中间{len(records) - 2 * edge:,}个单位略（全部见 corpus.xlsx）"} if r is None else
            {"cells": [_n(r["位次"]), _c(r["单位"]), _n(r[headers[2]]), _c(r["所处区间"])]} for r in shown]  # fmt: skip
    note = f"{year}年，共{len(records)}个单位，从高到低排列" + (
        f"；P25 = {s.p25}%，P50 = {s.p50}%，P75 = {s.p75}%" if s else "")  # fmt: skip
    return _table(f"places-{rate}", f"{year}年各单位的{label}", note, headers, rows,
                  pd.DataFrame(records, columns=headers), [MEASURES[rate].definition])  # fmt: skip


def jumps_table(corpus: Corpus, limit: int = 40) -> HtmlTable:
    found, pairs = stats.jumps(corpus.series, corpus.names)
    headers = ["单位", "指标", "年度", "上年", "本年", "倍数", "变化"]
    records = [dict(zip(headers, [j.unit_name, COUNT_LABELS[j.measure], j.year, j.previous, j.current,
                                  metrics.round_half_up(j.ratio, 2), "大幅上升" if j.up else "大幅下降"]))
               for j in found]  # fmt: skip
    rows = [{"cls": "flag", "cells": [_c(r["单位"]), _c(r["指标"]), _c(r["年度"]), _n(r["上年"]), _n(r["本年"]),
                                      _n(r["倍数"]), _c(r["变化"])]} for r in records[:limit]]  # fmt: skip
    if len(records) > limit:
        rows.append({"gap": f"另有{len(records) - limit:,}处未列出（全部见 corpus.xlsx）"})
    compared = "，".join(f"{COUNT_LABELS[m]}{n:,}对" for m, n in pairs.items())
    checked, mismatched = stats.carry_over_mismatches(corpus.series)
    note = (f"可比较的相邻年度（上年大于0）：{compared}。本年超过上年{stats.JUMP}倍、或不足上年五分之一的标出，"
            "按变化幅度从大到小排列。")  # fmt: skip
    notes = [
        f"上年结转核对（二、上年结转 = 上年四、结转下年度继续办理）：{checked:,}对相邻年度中{mismatched:,}对不一致。"
    ]
    return _table("jumps", "逐年变化中的大幅波动", note, headers, rows, pd.DataFrame(records, columns=headers), notes,
                  empty="语料中没有同一单位相邻两年的报告，或没有大幅波动。")  # fmt: skip


def years_sentence(corpus: Corpus) -> str:
    """How many units the corpus holds in consecutive years."""
    units = sum(any(y - 1 in years for y in years) for years in corpus.series.values())
    pairs = sum(y - 1 in years for years in corpus.series.values() for y in years)
    if not units:
        return "语料中没有同一单位相邻两个年度的报告，无法比较逐年变化。"
    return f"语料中有{units:,}个单位有相邻两个年度的报告（共{pairs:,}对相邻年度），下表列出其中的大幅波动。"
