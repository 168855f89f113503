"""Charts of one unit over a range of years (the trends notebook), as SVG with a description.

Values come from :func:`nianbao.content.trends.measures_frame`: counts as published, rates recomputed
from each year's counts. A dotted line marks where the 2021 format begins. Lines are labelled at
their last point, the labels moved apart when they would touch; every figure is in the trends
table above the charts and in each chart's description. A year whose value was not published
shows 「未公布」 at that year.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from nianbao.content.charts import PALETTE, UNKNOWN_COLOUR
from nianbao.content.figure import COLUMN_WIDTH, NO_CASES_LABEL, UNKNOWN_LABEL, Chart, spread, text_colour
from nianbao.content.fonts import setup_charts
from nianbao.content.trends import Series, measures_frame
from nianbao.rules import measures

FLOW_MEASURES = ("new_received", "answered", "carried_in", "carried_forward")
SHARE_MEASURES = ("disclosure_rate", "share_withheld", "share_unavailable", "share_not_processed", "share_other")
SHARE_COLOURS = dict(zip(SHARE_MEASURES, ["#1f4e79", "#b4500e", "#767676", "#bf9000", "#9dc3e6"]))
MARKERS = ("o", "s")


def _figure(height: float, ncols: int = 1):
    setup_charts()
    return plt.subplots(1, ncols, figsize=(COLUMN_WIDTH, height), layout="constrained")


def _version_line(ax, years: list[int]) -> None:
    """A dotted line where the format changes (2021 revision)."""
    if years and years[0] <= 2020 and years[-1] >= 2021:
        ax.axvline(2020.5, color="#999999", linestyle=":", linewidth=1)
        ax.text(2020.55, 0.98, "2021年起新版表格", transform=ax.get_xaxis_transform(), fontsize=7.5,
                color="#595959", va="top")  # fmt: skip


def _values(frame: pd.DataFrame, measure: str, years: list[int]) -> list[float | None]:
    part = frame[frame["measure"] == measure].set_index("年度")["数值"]
    return [None if y not in part.index or pd.isna(part[y]) else float(part[y]) for y in years]


def _blanks(series: list[tuple[str, list, str]], blanks: dict[str, list[str]] | None) -> list[list[str]]:
    """What each series shows where it has no value, year by year: 「未公布」 unless ``blanks``
    (series label → a text per year) says otherwise (e.g. 「无案件」 for a rate of no cases)."""
    return [(blanks or {}).get(label) or [UNKNOWN_LABEL] * len(values) for label, values, _ in series]


def _lines(
    ax, years: list[int], series: list[tuple[str, list, str]], fmt: str, top: float,
    blanks: dict[str, list[str]] | None = None,
) -> None:  # fmt: skip
    """Lines with markers, each labelled at its last point. A year a series has no value for is
    marked at the foot of the axes, 「未公布」 unless ``blanks`` says otherwise: once, in grey,
    when every series says the same there, else a mark per series in its colour, one above the
    other."""
    ends = []
    drawn = any(v is not None for _, values, _ in series for v in values)  # else no line and no legend
    for k, (label, values, colour) in enumerate(series):
        known = [(y, v) for y, v in zip(years, values) if v is not None]
        if drawn:  # a series with no value at all is still in the legend: its marks are in its colour
            ax.plot([y for y, _ in known], [v for _, v in known], marker=MARKERS[k % 2], color=colour, label=label,
                    linewidth=1.6, markersize=4.5)  # fmt: skip
        if known:
            ends.append((known[-1][1], fmt.format(known[-1][1]), colour, known[-1][0]))
    texts = _blanks(series, blanks)
    for i, y in enumerate(years):
        missing = [(texts[k][i], colour) for k, (_, values, colour) in enumerate(series) if values[i] is None]
        if len(series) > 1 and len(missing) == len(series) and len({t for t, _ in missing}) == 1:
            missing = [(missing[0][0], UNKNOWN_COLOUR)]  # the same for every series: said once, in grey
        elif len(series) == 1:
            missing = [(t, UNKNOWN_COLOUR) for t, _ in missing]
        for row, (text, colour) in enumerate(missing):
            ax.text(y, top * (0.04 + 0.12 * row), text, ha="center", fontsize=7.5, color=colour)
    for y_text, (value, text, colour, year) in zip(spread([e[0] for e in ends], top * 0.09), ends):
        ax.annotate(text, (year, value), xytext=(year + 0.12, y_text), fontsize=8, color=colour, va="center")


def _axes(ax, years: list[int], top: float, ylabel: str, title: str) -> None:
    ax.set_xticks(years, [f"{y}年" for y in years], fontsize=8)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.75)
    ax.set_ylim(0, top * 1.15)
    _version_line(ax, years)
    ax.set_xlabel("")
    ax.set_ylabel(ylabel, rotation=0, ha="right", va="center")  # Hanzi stay upright
    ax.set_title(title, fontsize=9.5)
    if ax.get_legend_handles_labels()[0]:  # below the axes: never over a line, a bar or a mark
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, frameon=False)


def _described(
    years: list[int], series: list[tuple[str, list, str]], fmt: str, blanks: dict[str, list[str]] | None = None
) -> str:
    return "；".join(
        name
        + "："
        + "，".join(f"{y}年{blank if v is None else fmt.format(v)}" for y, v, blank in zip(years, values, texts))
        for (name, values, _), texts in zip(series, _blanks(series, blanks))
    )


def applications_chart(series: Series) -> Chart | None:
    """Left: applications received and answered per year; right: carried in and carried forward."""
    frame = measures_frame(series)
    years = series.present
    panels = [
        ("新收与答复", [(m, c) for m, c in zip(("new_received", "answered"), PALETTE[:2])]),
        ("上年结转与结转下年度", [(m, c) for m, c in zip(("carried_in", "carried_forward"), (PALETTE[4], PALETTE[3]))]),
    ]
    if frame[frame["measure"].isin(FLOW_MEASURES)]["数值"].isna().all():
        return None
    fig, axes = _figure(2.5, ncols=2)
    words = []
    for ax, (title, pairs) in zip(axes, panels):
        lines = [(measures.get(m).label, _values(frame, m, years), c) for m, c in pairs]
        top = max([v for _, vs, _ in lines for v in vs if v is not None] or [1]) or 1
        _lines(ax, years, lines, "{:.0f}", top)
        _axes(ax, years, top, "件", title)
        words.append(f"{title}（件）：" + _described(years, lines, "{:.0f}"))
    fig.suptitle(f"{series.unit_name}政府信息公开申请数量", fontsize=10)
    return Chart(fig, "折线图：" + "。".join(words) + "。")


def dispositions_chart(series: Series) -> Chart | None:
    """100% bars per year: the disposition categories' shares of （七）总计, each labelled (on its
    segment, or, when too narrow, beside the bar)."""
    frame = measures_frame(series)
    frame = frame[frame["measure"].isin(SHARE_MEASURES)]
    years = [y for y in series.present if frame[(frame["年度"] == y)]["数值"].notna().all()]
    if not years:
        return None
    fig, ax = _figure(0.5 * len(years) + 1.3)
    left = pd.Series(0.0, index=years)
    inside = []  # (label, year, measure, segment's start and width)
    for m in SHARE_MEASURES:
        values = _values(frame, m, years)
        name = measures.get(m).full_label.removesuffix("占比")  # 予以公开及部分公开, 不予公开, ...
        colour = SHARE_COLOURS[m]
        ax.barh([f"{y}年" for y in years], values, left=left.values, color=colour, edgecolor="white", label=name)
        for y, v, start in zip(years, values, left.values):
            label = ax.text(start + v / 2, f"{y}年", f"{v:.2f}%", ha="center", va="center", fontsize=7.5,
                            color=text_colour(colour))  # fmt: skip
            inside.append((label, y, m, start, v))
        left += values
    fig.legend(loc="outside lower center", ncols=5, fontsize=8, frameon=False, handlelength=1.2)
    beside: set[tuple[int, str]] = set()
    limit = 128.0  # room right of the bars for the labels beside them
    while True:
        ax.set_xlim(0, limit)
        beside |= _too_narrow(fig, ax, [i for i in inside if (i[1], i[2]) not in beside])
        needed = max(_beside_end([v for _, y2, m, _, v in inside if y2 == y and (y, m) in beside]) for y in years)
        if needed <= limit:
            break
        limit = needed
    _small_labels(ax, frame, years, beside)
    ax.set_xticks(range(0, 101, 20))
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    skipped = [y for y in series.present if y not in years]
    note = f"（{'、'.join(map(str, skipped))}年无申请或数字未公布，未列出）" if skipped else ""
    ax.set_xlabel("占答复总数（（七）总计）的比例，%" + note, fontsize=8.5)
    ax.set_title("申请办理结果构成（逐年）")
    lines = [(measures.get(m).full_label, _values(frame, m, years), "") for m in SHARE_MEASURES]
    return Chart(fig, "构成图：" + _described(years, lines, "{:.2f}%") + "。")


def _too_narrow(fig, ax, inside: list) -> set[tuple[int, str]]:
    """(year, measure) of the segment labels wider than their segment with some room to spare,
    measured on the laid-out figure; those labels are removed (they go beside the bar)."""
    fig.draw_without_rendering()  # lays the figure out: the axes' final size
    renderer = fig.canvas.get_renderer()
    beside = set()
    for label, year, measure, start, width in inside:
        (x0, _), (x1, _) = ax.transData.transform([(start, 0), (start + width, 0)])
        if label.get_window_extent(renderer).width + 4 * fig.dpi / 72 > x1 - x0:  # 2 pt each side
            label.remove()
            beside.add((year, measure))
    return beside


_BESIDE = 101.5  # where the labels beside a bar start (the bars end at 100)


def _beside_step(text: str) -> float:
    """How far (in the axis' units) a label beside the bar takes, with its square and a gap."""
    return 1.1 * len(text) + 4


def _beside_end(shares: list[float]) -> float:
    """Where the labels of ``shares`` beside one bar end, with a margin."""
    return _BESIDE + sum(_beside_step(f"{v:.2f}%") for v in shares) + 2


def _small_labels(ax, frame: pd.DataFrame, years: list[int], beside: set[tuple[int, str]]) -> None:
    """The shares too narrow for their segment, right of the bar: a square in the segment's
    colour, then the share in dark text (coloured text would be too pale to read)."""
    for y in years:
        small = [(m, _values(frame, m, [y])[0]) for m in SHARE_MEASURES if (y, m) in beside]
        x = _BESIDE
        for m, v in small:
            text = f"{v:.2f}%"
            ax.text(x, f"{y}年", "■", ha="left", va="center", fontsize=7, color=SHARE_COLOURS[m])
            ax.text(x + 2.6, f"{y}年", text, ha="left", va="center", fontsize=7, color="#1a1a1a")
            x += _beside_step(text)


def review_chart(series: Series) -> Chart | None:
    """Left: 行政复议 and 行政诉讼 cases per year; right: their 纠错率 per year."""
    frame = measures_frame(series)
    years = series.present
    counts = [(measures.get(m).label, _values(frame, m, years), c) for m, c in zip(("review", "litigation"), (PALETTE[0], PALETTE[3]))]  # fmt: skip
    rates = [
        (measures.get(m).label, _values(frame, m, years), c)
        for m, c in zip(("review_correction_rate", "litigation_correction_rate"), (PALETTE[0], PALETTE[3]))
    ]
    if all(v is None for _, vs, _ in counts for v in vs):
        return None
    fig, (left, right) = _figure(2.5, ncols=2)
    top = max([v for _, vs, _ in counts for v in vs if v is not None] or [1]) or 1
    for k, (label, values, colour) in enumerate(counts):
        xs = [y - 0.2 + 0.4 * k for y in years]
        left.bar(xs, [v or 0 for v in values], width=0.38, color=colour, label=label)
        for x, v in zip(xs, values):
            left.text(x, (v or 0) + top * 0.02, UNKNOWN_LABEL if v is None else f"{v:.0f}", ha="center",
                      va="bottom", fontsize=7, color=UNKNOWN_COLOUR if v is None else "#1a1a1a")  # fmt: skip
    _axes(left, years, top * 1.05, "件", "行政复议和行政诉讼案件")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))  # cases are whole
    left.grid(axis="x", visible=False)
    rate_top = max([v for _, vs, _ in rates for v in vs if v is not None] or [1]) or 1
    # a rate of no cases (总计 0) is not unknown: there is nothing to compute it from
    blanks = {label: [NO_CASES_LABEL if n == 0 else UNKNOWN_LABEL for n in count]
              for (label, _, _), (_, count, _) in zip(rates, counts)}  # fmt: skip
    _lines(right, years, rates, "{:.2f}%", rate_top, blanks)
    _axes(right, years, rate_top, "%", "纠错率（结果纠正 ÷ 总计）")
    words = [
        "案件数（件）：" + _described(years, counts, "{:.0f}"),
        "纠错率：" + _described(years, rates, "{:.2f}%", blanks),
    ]
    return Chart(fig, "柱状图与折线图：" + "。".join(words) + "。")
