"""The corpus report's charts, in the project's conventions (:mod:`nianbao.content.charts`: seaborn
with a CJK font or a loud failure, the report's palette, titles in the chart)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from nianbao.audit.corpus import queries, stats
from nianbao.audit.corpus.report import COUNT_LABELS, FORMAT_LABELS, RATE_LABELS, Corpus, focus_year, rate_values
from nianbao.content.charts import PALETTE
from nianbao.content.findings_html import SEVERITY_LABELS
from nianbao.content.fonts import setup_charts

SEVERITY_COLOURS = {"error": "#c00000", "warning": "#c55a11", "unverifiable": "#7f7f7f"}


def _figure(width: float = 7.5, height: float = 3.2, ncols: int = 1):
    setup_charts()
    return plt.subplots(1, ncols, figsize=(width, height), layout="constrained")


def formats_chart(corpus: Corpus):
    """Files per format, audited and not."""
    found = queries.by_format(corpus.con)
    if not found:
        return None
    frame = pd.DataFrame([{"格式": FORMAT_LABELS.get(r["format"], r["format"]), "完成审核": r["ok"],
                           "未能审核": r["failed"]} for r in found])  # fmt: skip
    fig, ax = _figure(7.5, 0.45 * len(frame) + 1.3)
    ax.barh(frame["格式"], frame["完成审核"], color=PALETTE[1], label="完成审核")
    ax.barh(frame["格式"], frame["未能审核"], left=frame["完成审核"], color=PALETTE[3], label="未能审核")
    for i, row in frame.iterrows():
        total = row["完成审核"] + row["未能审核"]
        ax.text(total, i, f" {total:,}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, (frame["完成审核"] + frame["未能审核"]).max() * 1.15)
    ax.set_xlabel("文件数")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("各格式文件数", fontsize=11)
    return fig


def rules_chart(corpus: Corpus, top: int = 15):
    """Findings per rule, by severity (the rules with the most findings)."""
    found = queries.by_rule(corpus.con)
    if not found:
        return None
    frame = pd.DataFrame(found).pivot_table(index="rule", columns="severity", values="findings", aggfunc="sum",
                                            fill_value=0)  # fmt: skip
    frame = frame.loc[frame.sum(axis=1).sort_values(ascending=False).index[:top]]
    fig, ax = _figure(7.5, 0.32 * len(frame) + 1.3)
    left = pd.Series(0, index=frame.index)
    for severity, colour in SEVERITY_COLOURS.items():
        if severity in frame:
            ax.barh(frame.index, frame[severity], left=left, color=colour, label=SEVERITY_LABELS[severity])
            left = left + frame[severity]
    ax.invert_yaxis()
    ax.set_xlabel("问题数")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("各规则发现的问题", fontsize=11)
    return fig


def spread_chart(corpus: Corpus, year: int | None = None):
    """The two rates across units in one year: a histogram each, with P25, P50 and P75 marked."""
    year = year or focus_year(corpus)
    fig, axes = _figure(7.5, 3.0, ncols=2)
    drawn = False
    for ax, (rate, label) in zip(axes, RATE_LABELS.items()):
        values = [float(v) for _, _, v in rate_values(corpus, rate, year)]
        s = stats.spread([v for _, _, v in rate_values(corpus, rate, year)])
        ax.set_title(f"{label}（{len(values)}个单位）", fontsize=9)
        ax.set_xlabel("%", fontsize=8)
        if s is None:
            ax.text(0.5, 0.5, "无数据", ha="center", va="center", transform=ax.transAxes)
            continue
        drawn = True
        sns.histplot(values, bins=min(30, max(5, len(values) // 3)), color=PALETTE[1], ax=ax)
        for value, name in zip((s.p25, s.p50, s.p75), ("P25", "P50", "P75")):
            ax.axvline(float(value), color=PALETTE[3], linestyle="--", linewidth=1)
            ax.text(float(value), ax.get_ylim()[1] * 0.95, f"{name}\n{value}%", fontsize=7, ha="center", va="top",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})  # fmt: skip
        ax.set_ylabel("单位数", fontsize=8)
    if not drawn:
        plt.close(fig)
        return None
    fig.suptitle(f"{year}年各单位比率的分布", fontsize=11)
    return fig


def jumps_chart(corpus: Corpus, measure: str = "new_received"):
    """Last year's figure against this year's, for every unit with consecutive years: points beyond
    the dashed lines (5× and a fifth) are the flagged jumps."""
    points = [(before[measure], now[measure]) for years in corpus.series.values() for y, now in years.items()
              if (before := years.get(y - 1)) and before.get(measure) and now.get(measure) is not None]  # fmt: skip
    if not points:
        return None
    frame = pd.DataFrame(points, columns=["上年", "本年"])
    frame["本年"] = frame["本年"].clip(lower=0.5)  # 0 shown at the bottom of the log scale
    flagged = (frame["本年"] > stats.JUMP * frame["上年"]) | (frame["本年"] < frame["上年"] / stats.JUMP)
    fig, ax = _figure(7.5, 3.6)
    ax.scatter(frame.loc[~flagged, "上年"], frame.loc[~flagged, "本年"], s=8, color=PALETTE[1], alpha=0.5, label="其他")
    ax.scatter(frame.loc[flagged, "上年"], frame.loc[flagged, "本年"], s=14, color=PALETTE[3], label="大幅波动")
    top = max(frame["上年"].max(), frame["本年"].max()) * 1.5
    line = pd.Series([0.5, top])
    for factor, style in ((1, ":"), (stats.JUMP, "--"), (1 / stats.JUMP, "--")):
        ax.plot(line, line * factor, color="#555555", linestyle=style, linewidth=0.8)
    ax.set(xscale="log", yscale="log", xlim=(0.5, top), ylim=(0.4, top))
    ax.set_xlabel(f"上年{COUNT_LABELS[measure]}（件）")
    ax.set_ylabel(f"本年{COUNT_LABELS[measure]}（件）")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"{COUNT_LABELS[measure]}：本年与上年（虚线为5倍与五分之一）", fontsize=11)
    return fig
