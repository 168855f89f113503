"""Charts for the report sections: matplotlib in the report's CJK font, as SVG with a text
alternative (:class:`nianbao.content.figure.Chart`), or a loud failure (never boxes).

A value that was not published is shown as 「未公布」 where its bar would be, never left out (a
reader would take a missing bar for 0). Labels on coloured bars are dark or white, whichever
contrasts more; shares are written as the tables write them (two decimals).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from nianbao.content.figure import ALL_ZERO_NOTE, COLUMN_WIDTH, UNKNOWN_LABEL, Chart, spread, text_colour
from nianbao.content.fonts import setup_charts
from nianbao.data.model import UnitYear
from nianbao.rules import measures

PALETTE = ["#1f4e79", "#2e75b6", "#9dc3e6", "#b4500e", "#767676"]
UNKNOWN_COLOUR = "#595959"


def _figure(height: float, width: float = COLUMN_WIDTH):
    setup_charts()
    return plt.subplots(figsize=(width, height), layout="constrained")


def disposition_frame(uy: UnitYear) -> pd.DataFrame:
    """Every disposition category: label, count (None when unknown) and share (number, text)."""
    rows = [
        {
            "办理结果": d.narrative_label,
            "件数": d.count,
            "占比": None if d.share is None else float(d.share),
            "占比文字": "" if d.share is None else f"{d.share}%",
        }
        for d in measures.dispositions(uy)
    ]
    return pd.DataFrame(rows)


def _count_label(row) -> str:
    if row["件数"] is None or pd.isna(row["件数"]):
        return UNKNOWN_LABEL
    return f"{int(row['件数'])}件" + (f"（{row['占比文字']}）" if row["占比文字"] else "")


def _all_zero(values) -> bool:
    """Every value known and 0: a chart would be empty bars (the table above says it all)."""
    values = list(values)
    return bool(values) and all(v is not None and not pd.isna(v) and v == 0 for v in values)


def dispositions(uy: UnitYear) -> Chart | str | None:
    """Horizontal bars: each disposition category with its count and share of （七）总计; a note
    instead when every count is 0."""
    frame = disposition_frame(uy)
    if frame.empty or frame["件数"].isna().all():
        return None
    if _all_zero(frame["件数"]):
        return ALL_ZERO_NOTE
    fig, ax = _figure(0.42 * len(frame) + 0.9)
    counts = [0 if pd.isna(c) or c is None else int(c) for c in frame["件数"]]
    top = max(counts) or 1
    positions = range(len(frame))
    ax.barh(positions, counts, color=PALETTE[: len(frame)], height=0.62)
    for i, (_, row) in enumerate(frame.iterrows()):
        unknown = row["件数"] is None or pd.isna(row["件数"])
        ax.text(counts[i] + top * 0.01, i, _count_label(row), va="center", fontsize=8.5,
                color=UNKNOWN_COLOUR if unknown else "#1a1a1a")  # fmt: skip
    ax.set_yticks(list(positions), frame["办理结果"])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.32)
    ax.set_xlabel("件数")
    ax.set_title(f"{uy.year}年政府信息公开申请办理结果")
    ax.grid(axis="y", visible=False)
    parts = "；".join(f"{r['办理结果']}{_count_label(r)}" for _, r in frame.iterrows())
    return Chart(fig, f"条形图：{uy.year}年政府信息公开申请办理结果。{parts}。")


def share_strip(uy: UnitYear) -> Chart | str | None:
    """A single 100% bar of the disposition shares: the year at a glance. Every share is labelled:
    on its segment, or above it when the segment is too narrow. A note instead when nothing was
    answered (every count 0: there are no shares)."""
    frame = disposition_frame(uy)
    if not frame.empty and _all_zero(frame["件数"]):
        return ALL_ZERO_NOTE
    if frame.empty or frame["占比"].isna().all():
        return None
    fig, ax = _figure(1.55)
    left, small = 0.0, []
    for colour, (_, row) in zip(PALETTE, frame.iterrows()):
        if row["占比"] is None or pd.isna(row["占比"]):
            ax.barh([0], [0], color=colour, label=f"{row['办理结果']}（{UNKNOWN_LABEL}）")
            continue
        share = float(row["占比"])
        ax.barh([0], [share], left=left, color=colour, edgecolor="white", linewidth=0.8, label=row["办理结果"])
        if share >= 9:
            ax.text(left + share / 2, 0, row["占比文字"], ha="center", va="center", fontsize=8.5,
                    color=text_colour(colour))  # fmt: skip
        else:
            small.append((left + share / 2, row["占比文字"]))
        left += share
    for x, (centre, text) in zip(spread([x for x, _ in small], 8.5), small):
        ax.annotate(text, (centre, 0.4), xytext=(x, 0.72), textcoords="data", ha="center", va="bottom", fontsize=8.5,
                    arrowprops={"arrowstyle": "-", "color": "#595959", "linewidth": 0.6})  # fmt: skip
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.5, 1.25)
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("占答复总数（（七）总计）的比例，%", fontsize=8.5)
    fig.legend(loc="outside lower center", ncol=5, fontsize=8.5, frameon=False, handlelength=1.2)
    ax.set_title("申请办理结果构成")
    parts = "；".join(f"{r['办理结果']}{r['占比文字'] or UNKNOWN_LABEL}" for _, r in frame.iterrows())
    return Chart(fig, f"构成图：占答复总数的比例。{parts}。")


def _table_a_rows(uy: UnitYear) -> tuple[list[dict], str, str]:
    spec = uy.spec.table_a
    rows = []
    if uy.format_version == "2019":
        for block in spec.blocks:
            for row in block.rows:
                prev, change = uy.a(row.id, "prev_items"), uy.a(row.id, "change")
                if any(c.id == "prev_items" for c in block.columns):
                    now = prev + change if prev is not None and change is not None else None
                    rows.append({"事项": row.label, "values": {f"{uy.year - 1}年": prev, f"{uy.year}年": now}})
        return rows, "清单事项数量（上一年与本年）", "项"
    for row_id in ("licensing", "penalty", "coercion"):
        rows.append({"事项": spec.row(row_id).label, "values": {f"{uy.year}年": uy.a(row_id, "decisions")}})
    return rows, "本年处理决定数量", "件"


def table_a_items(uy: UnitYear) -> Chart | str | None:
    """Table A: items last year and this year (2019 version), or decisions (2021 version); a note
    instead when every value is 0."""
    rows, title, unit = _table_a_rows(uy)
    if not rows or all(v is None for r in rows for v in r["values"].values()):
        return None
    if _all_zero(v for r in rows for v in r["values"].values()):
        return ALL_ZERO_NOTE
    series = list(rows[0]["values"])
    colours = [PALETTE[1]] if len(series) == 1 else [PALETTE[2], PALETTE[0]]
    height = 0.8 / len(series)
    fig, ax = _figure(0.36 * len(rows) * (1 + 0.35 * (len(series) - 1)) + 0.85)
    top = max([v for r in rows for v in r["values"].values() if v is not None] or [1]) or 1
    for k, (name, colour) in enumerate(zip(series, colours)):
        ys = [i - 0.4 + height * (k + 0.5) for i in range(len(rows))]
        values = [r["values"][name] for r in rows]
        ax.barh(ys, [v or 0 for v in values], height=height * 0.9, color=colour, label=name)
        for y, v in zip(ys, values):
            ax.text((v or 0) + top * 0.01, y, UNKNOWN_LABEL if v is None else f"{v}", va="center", fontsize=8.5,
                    color=UNKNOWN_COLOUR if v is None else "#1a1a1a")  # fmt: skip
    ax.set_yticks(range(len(rows)), [r["事项"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.2)
    ax.set_xlabel(unit)
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    if len(series) > 1:
        ax.legend(fontsize=8.5, loc="lower right")
    described = "；".join(
        r["事项"] + "，".join(f"{n}{UNKNOWN_LABEL if v is None else f'{v}{unit}'}" for n, v in r["values"].items())
        for r in rows
    )
    return Chart(fig, f"条形图：{title}。{described}。")


def review_litigation(uy: UnitYear) -> Chart | str | None:
    """Table C: cases per block with the corrected ones beside them; a note instead when every
    count is 0."""
    from nianbao.format.schema import TABLE_C_BLOCKS

    blocks = [(b.label if b.id == "review" else f"行政诉讼·{b.label}", uy.c(b.id), uy.c(b.id, "corrected"))
              for b in TABLE_C_BLOCKS]  # fmt: skip
    if all(t is None and c is None for _, t, c in blocks):
        return None
    if _all_zero(v for _, t, c in blocks for v in (t, c)):
        return ALL_ZERO_NOTE
    fig, ax = _figure(2.2)  # three groups of two bars: no taller than they need
    top = max([v for _, t, c in blocks for v in (t, c) if v is not None] or [1]) or 1
    for k, (name, colour) in enumerate((("总计", PALETTE[0]), ("结果纠正", PALETTE[3]))):
        xs = [i - 0.2 + 0.4 * k for i in range(len(blocks))]
        values = [b[1 + k] for b in blocks]
        ax.bar(xs, [v or 0 for v in values], width=0.38, color=colour, label=name)
        for x, v in zip(xs, values):
            ax.text(x, (v or 0) + top * 0.02, UNKNOWN_LABEL if v is None else f"{v}", ha="center", va="bottom",
                    fontsize=8.5, color=UNKNOWN_COLOUR if v is None else "#1a1a1a")  # fmt: skip
    ax.set_xticks(range(len(blocks)), [b[0] for b in blocks])
    ax.set_ylim(0, top * 1.2)
    ax.set_ylabel("件数", rotation=0, ha="right", va="center")  # Hanzi stay upright
    ax.grid(axis="x", visible=False)
    ax.legend(fontsize=8.5, loc="upper right")
    ax.set_title("行政复议与行政诉讼案件")
    described = "；".join(
        f"{n}：总计{UNKNOWN_LABEL if t is None else f'{t}件'}，结果纠正{UNKNOWN_LABEL if c is None else f'{c}件'}"
        for n, t, c in blocks
    )
    return Chart(fig, f"柱状图：行政复议与行政诉讼案件。{described}。")
