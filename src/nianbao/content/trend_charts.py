"""Charts of one unit over a range of years (the trends notebook): seaborn, CJK font.

Values come from :func:`nianbao.content.trends.measures_frame`: counts as published, rates recomputed
from each year's counts. A dotted line marks where the 2021 format begins.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from nianbao.content.charts import PALETTE
from nianbao.content.fonts import setup_charts
from nianbao.content.trends import Series, measures_frame
from nianbao.rules import measures

FLOW_MEASURES = ("new_received", "answered", "carried_in", "carried_forward")
SHARE_MEASURES = ("disclosure_rate", "share_withheld", "share_unavailable", "share_not_processed", "share_other")
SHARE_COLOURS = dict(zip(SHARE_MEASURES, ["#2e75b6", "#c55a11", "#7f7f7f", "#bf9000", "#9dc3e6"]))


def _figure(width: float = 7.5, height: float = 3.4, ncols: int = 1):
    setup_charts()
    return plt.subplots(1, ncols, figsize=(width, height), layout="constrained")


def _version_line(ax, years: list[int]) -> None:
    """A dotted line where the format changes (2021 revision)."""
    if years and years[0] <= 2020 and years[-1] >= 2021:
        ax.axvline(2020.5, color="#999999", linestyle=":", linewidth=1)
        ax.text(
            2020.52,
            0.98,
            "2021年起采用新版表格",
            transform=ax.get_xaxis_transform(),
            fontsize=7,
            color="#666666",
            va="top",
        )


def applications_chart(series: Series):
    """Left: applications received and answered per year; right: carried in and carried forward."""
    frame = measures_frame(series)
    frame = frame[frame["measure"].isin(FLOW_MEASURES)].dropna(subset=["数值"])
    if frame.empty:
        return None
    fig, axes = _figure(7.5, 3.4, ncols=2)
    years = series.present
    panels = (
        (axes[0], ("new_received", "answered"), "新收与答复", "new_received"),
        (axes[1], ("carried_in", "carried_forward"), "上年结转与结转下年度", "carried_forward"),
    )
    for ax, pair, title, labelled in panels:
        part = frame[frame["measure"].isin(pair)]
        order = [measures.get(m).label for m in pair]
        colours = PALETTE[:2] if pair[0] == "new_received" else [PALETTE[2], PALETTE[3]]
        sns.lineplot(data=part, x="年度", y="数值", hue="指标", hue_order=order, style="指标", style_order=order,
                     markers=True, dashes=False, palette=colours, ax=ax)  # fmt: skip
        for _, row in part[part["measure"] == labelled].iterrows():
            ax.annotate(f"{row['数值']:.0f}", (row["年度"], row["数值"]), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7)  # fmt: skip
        ax.set_xticks(years, [f"{y}年" for y in years], fontsize=8)
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        ax.set_ylim(0, (part["数值"].max() or 1) * 1.25)
        _version_line(ax, years)
        ax.set_xlabel("")
        ax.set_ylabel("件")
        ax.legend(title="", fontsize=7, loc="lower right")
        ax.set_title(title, fontsize=10)
    fig.suptitle(f"{series.unit_name}政府信息公开申请数量", fontsize=11)
    return fig


def dispositions_chart(series: Series):
    """100% bars per year: the disposition categories' shares of （七）总计."""
    frame = measures_frame(series)
    frame = frame[frame["measure"].isin(SHARE_MEASURES)]
    years = [y for y in series.present if frame[(frame["年度"] == y)]["数值"].notna().all()]
    if not years:
        return None
    fig, ax = _figure(7.5, 0.5 * len(years) + 1.6)
    left = pd.Series(0.0, index=years)
    for m in SHARE_MEASURES:
        part = frame[frame["measure"] == m].set_index("年度")["数值"].reindex(years)
        name = measures.get(m).full_label.removesuffix("占比")  # 予以公开及部分公开, 不予公开, ...
        ax.barh(
            [f"{y}年" for y in years],
            part.values,
            left=left.values,
            color=SHARE_COLOURS[m],
            edgecolor="white",
            label=name,
        )
        for y, v, start in zip(years, part.values, left.values):
            if v >= 4.5:
                ax.text(start + v / 2, f"{y}年", f"{v:.1f}%", ha="center", va="center", fontsize=7, color="white")
        left += part.values
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    skipped = [y for y in series.present if y not in years]
    note = f"（{'、'.join(map(str, skipped))}年无申请或数字未公布，未列出）" if skipped else ""
    ax.set_xlabel("占答复总数（（七）总计）的比例，%" + note, fontsize=8)
    fig.legend(loc="outside lower center", ncols=5, fontsize=8, frameon=False)
    ax.set_title("申请办理结果构成（逐年）", fontsize=11)
    return fig


def review_chart(series: Series):
    """Left: 行政复议 and 行政诉讼 cases per year; right: their 纠错率 per year."""
    frame = measures_frame(series)
    colours = {measures.get(m).label: c for m, c in zip(
        ("review", "litigation", "review_correction_rate", "litigation_correction_rate"), [PALETTE[0], PALETTE[3]] * 2
    )}  # fmt: skip
    counts = frame[frame["measure"].isin(("review", "litigation"))].dropna(subset=["数值"])
    rates = frame[frame["measure"].isin(("review_correction_rate", "litigation_correction_rate"))].dropna(
        subset=["数值"]
    )
    if counts.empty:
        return None
    fig, (left, right) = _figure(7.5, 3.2, ncols=2)
    sns.barplot(data=counts, x="年度", y="数值", hue="指标", palette=colours, ax=left)
    left.set_xticks(left.get_xticks(), [f"{y}年" for y in sorted(counts["年度"].unique())], fontsize=8)
    for container in left.containers:
        left.bar_label(container, fmt="%.0f", fontsize=7, padding=1)
    left.set_ylim(0, counts["数值"].max() * 1.2 or 1)
    left.set_xlabel("")
    left.set_ylabel("件")
    left.set_title("行政复议和行政诉讼案件", fontsize=10)
    left.legend(title="", fontsize=7)
    if not rates.empty:
        sns.lineplot(data=rates, x="年度", y="数值", hue="指标", style="指标", markers=True, dashes=False,
                     palette=colours, ax=right)  # fmt: skip
        for _, row in rates.iterrows():  # review's labels above its points, litigation's below
            above = row["measure"] == "review_correction_rate"
            right.annotate(f"{row['数值']:.2f}%", (row["年度"], row["数值"]), textcoords="offset points",
                           xytext=(0, 6 if above else -12), ha="center", fontsize=7)  # fmt: skip
        right.set_xticks(series.present, [f"{y}年" for y in series.present], fontsize=8)
        right.set_xlim(series.present[0] - 0.4, series.present[-1] + 0.4)
        right.set_ylim(0, max(rates["数值"].max() * 1.3, 1))
        right.legend(title="", fontsize=7)
    right.set_xlabel("")
    right.set_ylabel("%")
    right.set_title("纠错率（结果纠正 ÷ 总计）", fontsize=10)
    return fig
