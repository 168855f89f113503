"""What the section notebooks call: load a unit-year, show headings, prose, tables and charts.

Notebooks stay thin: a parameters cell, then calls into this module and the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from nianbao.format import schema
from nianbao.data.files import DataStore
from nianbao.content.fonts import setup_charts
from nianbao.data.model import UnitYear


@dataclass
class Context:
    uy: UnitYear
    prev: UnitYear | None  # the same unit's previous year, when there is data for it
    store: DataStore
    chart_font: str


def open_unit_year(unit: str, year: int | str, data_dir: str | Path | None = "") -> Context:
    """Load the unit-year named by the notebook's parameters and set up charts.

    ``unit`` is a unit id or its Chinese name; ``data_dir`` empty means the project's data/.
    """
    store = DataStore(data_dir or None)
    unit_id = store.resolve_unit(str(unit))
    uy = store.load(unit_id, int(year))
    prev = store.try_load(unit_id, int(year) - 1)
    return Context(uy, prev, store, setup_charts())


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


def heading(uy: UnitYear, part: int):
    """The part heading as the section's <h1>, plus the synthetic-data notice when needed."""
    notice = synthetic_notice(uy)
    return _html(
        f'<h1 class="part-title" id="part-{part}">{escape(uy.heading(part))}</h1>'
        f'<p class="unit-year">{escape(uy.title)}</p>{notice}'
    )


def synthetic_notice(uy: UnitYear) -> str:
    if not uy.synthetic:
        return ""
    return '<div class="synthetic-notice">示例数据：本部分数据为程序生成的合成数据，仅用于演示，不是真实统计。</div>'


def subheading(text: str):
    return _html(f"<h2>{escape(text)}</h2>")


def paragraph(text: str, cls: str = "prose"):
    return _html(f'<p class="{escape(cls)}">{escape(text)}</p>')


def numbered(items: list[str], cls: str = "items"):
    """A numbered list, e.g. the problems and measures of part 5."""
    lis = "".join(f"<li>{escape(t)}</li>" for t in items)
    return _html(f'<ol class="{escape(cls)}">{lis}</ol>') if items else paragraph("（本年度报告未列出。）", "empty")


def note(text: str):
    return _html(f'<p class="note">{escape(text)}</p>')


def show(fig):
    """Display a matplotlib figure once and close it (so it is not shown twice)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    if fig is None:
        display(note("（数据不足，未生成图表。）"))
        return
    display(fig)
    plt.close(fig)


OVERVIEW_AREAS = schema.OVERVIEW_AREAS

_NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 → 一, ..., 10 → 十 (enough for sub-headings)."""
    return _NUMERALS[n - 1] if 1 <= n <= 10 else str(n)


def fees_sentence(uy: UnitYear) -> str:
    fee = uy.figure("processing_fees")
    if fee is None:
        return "本年度数据未载明信息处理费的收取情况。"
    return f"本年度收取信息处理费{fee.display()}。"
