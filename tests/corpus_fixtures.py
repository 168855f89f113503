"""Synthetic reports for the corpus tests and benchmark (bench/bench_corpus.py), in the layout of the project's own hand-made page
(tests/fixtures/pages/district_2021.html): a title, the 统计期限 sentence, 表一, the narrative of
part 3 with its shares, 表二, the narrative of part 4, 表三. Nothing of a real report is in them.

Every figure is generated, and consistent by construction: 表二's cells are drawn from a profile and
its totals recomputed (rows, （七）总计, 一 = （七）+ 四 − 二), the shares in the narrative are half-up
at two decimals of the answered total, 表三's totals are the sums of their outcomes, and a unit's
上年结转 is its previous year's 结转下年度. Some documents carry planted defects (a narrative count
off by one, a truncated share, a row total off by one, a blank cell, a unit typed into 表一's fee
cell) so that the corpus has findings of every severity; a few units jump from one year to the
next (more than 5× or less than a fifth). Units are the registry's (by their full names) and
departments and streets of its districts (not in the registry: recognised by name only).

A DOCX, DOC, PDF or scan of a page is made by tests/formats_fixtures.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from nianbao.data.units import load_registry
from nianbao.format import schema
from nianbao.rules import metrics

TEMPLATE = Path(__file__).parent / "fixtures" / "corpus_page.html.j2"
DEPARTMENTS = (
    "发展和改革委员会", "教育局", "科学技术委员会", "公安分局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
    "规划和自然资源局", "生态环境局", "建设和管理委员会", "交通委员会", "商务委员会", "文化和旅游局", "卫生健康委员会",
    "市场监督管理局", "房屋管理局", "应急管理局", "审计局", "统计局", "体育局", "医疗保障局", "退役军人事务局",
    "绿化和市容管理局", "城市管理行政执法局", "民防办公室", "国有资产监督管理委员会", "信访办公室", "农业农村委员会",
    "水务局", "档案局", "地方金融监督管理局", "数据局", "机关事务管理局", "住房保障中心", "税务局", "消防救援支队",
    "人民防空办公室", "残疾人联合会", "科学技术协会",
)  # fmt: skip
STREET_WORDS = "东南西北中新华安和平兴长宁康乐福明光阳春江河湖山林桥湾港城园".replace("", " ").split()
B_ROWS = [r.id for r in schema.TABLE_B["2021"].rows]
DISPOSITIONS = list(schema.TABLE_B["2021"].disposition_rows)
#: How answered applications spread over the disposition rows (a made-up profile) and the applicants.
ROW_WEIGHTS = [4, 11, 2, 4, 8, 1, 2, 10, 7, 2, 5, 8, 2, 10, 5, 3, 1, 2, 5, 5, 2]
COLUMN_WEIGHTS = [72, 15, 2, 2, 5, 4]
GROUPS = {g.id: g for g in schema.TABLE_B["2021"].groups}


def units(n: int, seed: int = 7) -> list[str]:
    """``n`` unit names: the registry's own (full names), then departments and streets of its districts."""
    registry = load_registry()
    own = [u.full_name if u.level == "agency" else u.name for u in registry.units.values()]
    districts = [u.name for u in registry.units.values() if u.level == "district"]
    derived = [f"上海市{d}{dep}" for d in districts for dep in DEPARTMENTS]
    rng = random.Random(seed)
    streets = sorted({f"上海市{d}{a}{b}街道" for d in districts for a in STREET_WORDS for b in STREET_WORDS if a != b})
    rng.shuffle(derived)
    rng.shuffle(streets)
    return (own + derived + streets)[:n]


@dataclass
class Report:
    unit: str
    year: int
    b: dict[str, list[int]]  # row id → the six applicant columns
    c: dict[str, list[int]]  # block → upheld, corrected, other, pending (total computed)
    a: dict[str, object]
    defects: list[str] = field(default_factory=list)

    def b_total(self, row: str) -> int:
        return sum(self.b[row])


def _counts(rng: random.Random, total: int, weights: list[int]) -> list[int]:
    out = [0] * len(weights)
    for i in rng.choices(range(len(weights)), weights=weights, k=total):
        out[i] += 1
    return out


def _b_table(rng: random.Random, answered: int, carried_in: list[int]) -> dict[str, list[int]]:
    cells = _counts(rng, answered, [r * c for r in ROW_WEIGHTS for c in COLUMN_WEIGHTS])
    b = {row: cells[i * 6 : i * 6 + 6] for i, row in enumerate(DISPOSITIONS)}
    b["total"] = [sum(b[row][c] for row in DISPOSITIONS) for c in range(6)]
    b["carried_in"] = carried_in
    b["carried_forward"] = _counts(rng, max(0, round(answered * rng.uniform(0, 0.04))), COLUMN_WEIGHTS)
    b["new_received"] = [b["total"][c] + b["carried_forward"][c] - carried_in[c] for c in range(6)]
    for c in range(6):  # 一 cannot be negative: carry in no more than was answered and carried forward
        if b["new_received"][c] < 0:
            b["carried_in"][c] += b["new_received"][c]
            b["new_received"][c] = 0
    return b


def unit_reports(unit: str, years: list[int], seed: int) -> list[Report]:
    """A unit's reports over consecutive ``years``, each year's 上年结转 its previous 结转下年度."""
    rng = random.Random(seed)
    size = max(5, round(rng.lognormvariate(4.3, 1.1)))
    carried = _counts(rng, rng.randint(0, 3), COLUMN_WEIGHTS)
    out = []
    for year in years:
        size = max(5, round(size * rng.uniform(0.8, 1.25) * (rng.choice((8, 0.1)) if rng.random() < 0.03 else 1)))
        b = _b_table(rng, size, carried)
        carried = list(b["carried_forward"])
        cases = max(0, round(rng.gauss(size * 0.02, 1 + size * 0.01)))
        c = {block: _counts(rng, n, [6, 1, 2, 1]) for block, n in
             (("review", cases), ("litigation_direct", cases // 2), ("litigation_after_review", cases // 4))}  # fmt: skip
        a = {"issued": rng.randint(0, 15), "repealed": rng.randint(0, 5), "in_force": rng.randint(20, 120),
             "licensing": round(size * rng.uniform(2, 8)), "penalty": round(size * rng.uniform(0.5, 2)),
             "coercion": rng.randint(0, 40), "fees": f"{rng.uniform(0, 300):.2f}"}  # fmt: skip
        report = Report(unit, year, b, c, a)
        _plant(rng, report)
        out.append(report)
    return out


def _plant(rng: random.Random, r: Report) -> None:
    for defect, chance in (("received", 0.12), ("truncated", 0.06), ("row_total", 0.08), ("blank", 0.05),
                           ("fee_text", 0.04)):  # fmt: skip
        if rng.random() < chance:
            r.defects.append(defect)


# ---------------------------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------------------------


def _share(part: int, whole: int, truncate: bool = False) -> str:
    if not whole:
        return "0"
    value = metrics.truncate(metrics.ratio(part, whole) * 100, 2) if truncate else metrics.percent(part, whole)
    return str(value)


def narrative(r: Report) -> tuple[str, str]:
    """The paragraphs of parts 3 and 4."""
    answered, received = r.b_total("total"), r.b_total("new_received")
    shown_received = received + 1 if "received" in r.defects else received
    said = f"{r.year}年，本机关共收到政府信息公开申请{shown_received}件，其中自然人申请{r.b['new_received'][0]}件，"
    said += f"占{_share(r.b['new_received'][0], received)}%；上年结转政府信息公开申请{r.b_total('carried_in')}件。"
    said += f"本年度答复政府信息公开申请{answered}件（含上年度结转申请），结转下年度继续办理{r.b_total('carried_forward')}件。其中"
    parts = []
    for i, group in enumerate(GROUPS.values()):
        count = sum(r.b_total(row) for row in group.rows)
        words = {"disclosed": None, "withheld": "不予公开", "unavailable": "无法提供", "not_processed": "不予处理",
                 "other": "其他处理"}[group.id]  # fmt: skip
        truncate = "truncated" in r.defects and i == 2
        if words is None:
            for row, name in (("granted", "予以公开"), ("partly_granted", "部分公开")):
                parts.append(f"{name}{r.b_total(row)}件，占{_share(r.b_total(row), answered)}%")
        else:
            parts.append(f"{words}{count}件，占{_share(count, answered, truncate)}%")
    said += "；".join(parts) + "。"
    review = r.c["review"]
    total = sum(review)
    cases = f"{r.year}年，因政府信息公开工作被申请行政复议{total}件，其中结果维持{review[0]}件，结果纠正{review[1]}件，"
    cases += f"其他结果{review[2]}件，尚未审结{review[3]}件" + (
        f"，纠错率{_share(review[1], total)}%。" if total else "。"
    )
    direct, after = sum(r.c["litigation_direct"]), sum(r.c["litigation_after_review"])
    cases += f"被提起行政诉讼{direct + after}件，其中未经复议直接起诉{direct}件，复议后起诉{after}件。"
    return said, cases


def _lead(row: str) -> list[tuple[str, int, int]]:
    """The label cells before a row's numbers: (text, rowspan, colspan), as the official layout spans them."""
    label = schema.TABLE_B["2021"].row(row).label
    if row in ("new_received", "carried_in", "carried_forward"):
        return [(label, 1, 3)]
    if row in ("granted", "partly_granted", "total"):
        first = [(schema.TABLE_B_RESULTS_HEADER, 22, 1)] if row == "granted" else []
        return first + [(label, 1, 2)]
    group = schema.TABLE_B["2021"].group_of(row)
    first = [(group.label, len(group.rows), 1)] if group is not None and group.rows[0] == row else []
    return first + [(label, 1, 1)]


def b_rows(r: Report) -> list[dict]:
    """表二's numeric rows as the template lays them out: label cells, the seven cells as published."""
    rows = []
    for row in B_ROWS:
        cells = [str(v) for v in r.b[row]] + [str(r.b_total(row))]
        if "row_total" in r.defects and row == "withheld_prohibited":
            cells[6] = str(r.b_total(row) + 1)
        if "blank" in r.defects and row == "withheld_state_secret" and cells[2] == "0":
            cells[2] = ""
        rows.append({"lead": _lead(row), "cells": cells})
    return rows


def title(r: Report) -> str:
    return f"{r.year}年{r.unit}政府信息公开工作年度报告"


def context(r: Report) -> dict:
    part3, part4 = narrative(r)
    c = {block: [*map(str, v), str(sum(v))] for block, v in r.c.items()}
    fees = "251000元" if "fee_text" in r.defects else r.a["fees"]
    return {"title": title(r), "year": r.year, "part3": part3, "part4": part4, "a": {**r.a, "fees": fees},
            "b": b_rows(r), "c": c, "rule_note": schema.TABLE_B_RULE_NOTE}  # fmt: skip


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE.parent)), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)  # fmt: skip


def page_html(r: Report) -> str:
    return _ENV.get_template(TEMPLATE.name).render(**context(r))


def page_text(r: Report) -> str:
    """The same report as a plain-text copy: paragraphs, and tables as lines of tab-separated cells."""
    ctx = context(r)
    a = ctx["a"]
    lines = [ctx["title"], f"本报告根据《中华人民共和国政府信息公开条例》编制，数据统计期限为{r.year}年1月1日至12月31日。",
             "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
             "规章\t0\t0\t0", f"行政规范性文件\t{a['issued']}\t{a['repealed']}\t{a['in_force']}",
             "第二十条第（五）项", "信息内容\t本年处理决定数量", f"行政许可\t{a['licensing']}", "第二十条第（六）项",
             "信息内容\t本年处理决定数量", f"行政处罚\t{a['penalty']}", f"行政强制\t{a['coercion']}",
             "第二十条第（八）项", "信息内容\t本年收费金额（单位：万元）", f"行政事业性收费\t{a['fees']}",
             "三、收到和处理政府信息公开申请情况", ctx["part3"],
             "\t".join([schema.TABLE_B_RULE_NOTE, *(c.label for c in schema.TABLE_B_COLUMNS)])]  # fmt: skip
    for row in ctx["b"]:
        for text, _, _ in row["lead"][:-1]:
            lines.append(text)
        lines.append("\t".join([row["lead"][-1][0], *row["cells"]]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", ctx["part4"], "行政复议\t行政诉讼",
              "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
              "\t".join(ctx["c"]["review"] + ctx["c"]["litigation_direct"] + ctx["c"]["litigation_after_review"]),
              "五、存在的主要问题及改进情况", "政策解读形式较为单一。下一步将丰富解读形式。"]  # fmt: skip
    return "\n".join(lines) + "\n"
