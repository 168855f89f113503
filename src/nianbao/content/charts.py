"""Charts for the report sections: seaborn with a CJK font, or a loud failure (never boxes)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from nianbao.content.fonts import setup_charts
from nianbao.data.model import UnitYear
from nianbao.rules import measures, metrics

PALETTE = ["#1f4e79", "#2e75b6", "#9dc3e6", "#c55a11", "#7f7f7f"]


def _figure(width: float = 7.5, height: float = 3.2):
    setup_charts()
    return plt.subplots(figsize=(width, height), layout="constrained")


def disposition_frame(uy: UnitYear) -> pd.DataFrame:
    """The known disposition categories: label, count and share (number and text)."""
    rows = [
        {
            "办理结果": d.narrative_label,
            "件数": d.count,
            "占比": None if d.share is None else float(d.share),
            "占比文字": "" if d.share is None else f"{d.share}%",
            "约占比文字": "" if d.share is None else f"{metrics.round_half_up(d.share, 1)}%",
        }
        for d in measures.dispositions(uy)
        if d.count is not None
    ]
    return pd.DataFrame(rows)


def dispositions(uy: UnitYear):
    """Horizontal bars: each disposition category with its count and share of （七）总计."""
    frame = disposition_frame(uy)
    if frame.empty:
        return None
    fig, ax = _figure(7.5, 0.55 * len(frame) + 1.2)
    sns.barplot(data=frame, y="办理结果", x="件数", hue="办理结果", palette=PALETTE[: len(frame)], legend=False, ax=ax)
    top = frame["件数"].max() or 1
    for i, row in frame.iterrows():
        label = f"{row['件数']}件" + (f"（{row['占比文字']}）" if row["占比文字"] else "")
        ax.text(row["件数"] + top * 0.01, i, label, va="center", fontsize=9)
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel("件数")
    ax.set_ylabel("")
    ax.set_title(f"{uy.year}年政府信息公开申请办理结果", fontsize=11)
    return fig


def share_strip(uy: UnitYear):
    """A single 100% bar of the disposition shares: the year at a glance."""
    frame = disposition_frame(uy)
    if frame.empty or frame["占比"].isna().all():
        return None
    fig, ax = _figure(7.5, 1.9)
    left = 0.0
    for colour, (_, row) in zip(PALETTE, frame.iterrows()):
        share = row["占比"] or 0.0
        ax.barh([0], [share], left=left, color=colour, edgecolor="white", label=f"{row['办理结果']} {row['占比文字']}")
        if share >= 6:
            ax.text(left + share / 2, 0, row["约占比文字"], ha="center", va="center", color="white", fontsize=8)
        left += share
    ax.set_xlim(0, 100)
    ax.set_yticks([])
    ax.set_xlabel("占答复总数（（七）总计）的比例，%", fontsize=8)
    fig.legend(loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    ax.set_title("申请办理结果构成", fontsize=10)
    return fig


def table_a_items(uy: UnitYear):
    """Table A: items last year and this year (2019 version), or decisions (2021 version)."""
    spec = uy.spec.table_a
    rows = []
    if uy.format_version == "2019":
        for block in spec.blocks:
            for row in block.rows:
                prev, change = uy.a(row.id, "prev_items"), uy.a(row.id, "change")
                if prev is not None and change is not None:
                    rows.append({"事项": row.label, "年份": f"{uy.year - 1}年", "数量": prev})
                    rows.append({"事项": row.label, "年份": f"{uy.year}年", "数量": prev + change})
        title, xlabel = "清单事项数量（上一年与本年）", "项"
    else:
        for row_id in ("licensing", "penalty", "coercion"):
            value = uy.a(row_id, "decisions")
            if value is not None:
                rows.append({"事项": spec.row(row_id).label, "年份": f"{uy.year}年", "数量": value})
        title, xlabel = "本年处理决定数量", "件"
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    fig, ax = _figure(7.5, 0.5 * frame["事项"].nunique() + 1.6)
    sns.barplot(data=frame, y="事项", x="数量", hue="年份", palette=PALETTE[1:3][::-1], ax=ax)
    for container in ax.containers:
        ax.bar_label(container, fontsize=8, padding=2)
    ax.set_xlim(0, frame["数量"].max() * 1.18)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.set_title(title, fontsize=11)
    ax.legend(title="", fontsize=8)
    return fig


def review_litigation(uy: UnitYear):
    """Table C: cases per block with the corrected ones beside them."""
    from nianbao.format.schema import TABLE_C_BLOCKS

    rows = []
    for block in TABLE_C_BLOCKS:
        total, corrected = uy.c(block.id), uy.c(block.id, "corrected")
        label = block.label if block.id == "review" else f"行政诉讼·{block.label}"
        if total is not None:
            rows.append({"类别": label, "指标": "总计", "件数": total})
        if corrected is not None:
            rows.append({"类别": label, "指标": "结果纠正", "件数": corrected})
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    fig, ax = _figure(7.5, 2.8)
    sns.barplot(data=frame, x="类别", y="件数", hue="指标", palette=[PALETTE[0], PALETTE[3]], ax=ax)
    for container in ax.containers:
        ax.bar_label(container, fontsize=8, padding=2)
    ax.set_ylim(0, frame["件数"].max() * 1.18)
    ax.set_xlabel("")
    ax.set_title("行政复议与行政诉讼案件", fontsize=11)
    ax.legend(title="", fontsize=8)
    return fig
