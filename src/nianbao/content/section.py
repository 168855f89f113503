"""What every report notebook calls first and throughout: load its data, show its heading,
sub-headings, paragraphs, lists, notes and charts.

Notebooks stay thin: a parameters cell, then calls into this module and the other content
modules (tables, summaries, prose, charts). The markup is in ``render/templates/blocks.html.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nianbao.content.fonts import setup_charts
from nianbao.content.markup import macros
from nianbao.data.model import UnitYear
from nianbao.data.store import DataStore
from nianbao.errors import NianbaoError

TEMPLATE = "blocks.html.j2"
SYNTHETIC_NOTICE = "示例数据：本部分数据为程序生成的合成数据，仅用于演示，不是真实统计。"


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


def open_store(data_dir: str = "") -> DataStore:
    """The data folder a notebook parameter names (path, alias or "" for data/); it must exist."""
    store = DataStore(data_dir or None)
    if not (store.root / "units").is_dir():
        hint = " (the demo data: run `nianbao demo` first)" if store.root.name == "demo" else ""
        raise NianbaoError(f"no data folder at {store.root}{hint}")
    return store


def _html(markup: str):
    from IPython.display import HTML

    return HTML(str(markup))


def title_block(title: str, subtitle: str, *, synthetic: bool = False, anchor: str | None = None):
    """A notebook's <h1>, the line under it, and the 「示例数据」 notice when the data are synthetic."""
    return _html(macros(TEMPLATE).heading(title, subtitle, SYNTHETIC_NOTICE if synthetic else "", anchor))


def heading(uy: UnitYear, part: int):
    """The part heading as the section's <h1>, plus the synthetic-data notice when needed (the
    report's title is the page's running header, not repeated under every part)."""
    return title_block(uy.heading(part), "", synthetic=uy.synthetic, anchor=f"part-{part}")


def subheading(text: str):
    return _html(macros(TEMPLATE).subheading(text))


def paragraph(text: str, cls: str = "prose"):
    return _html(macros(TEMPLATE).paragraph(text, cls))


def numbered(items: list[str], cls: str = "items"):
    """A numbered list, e.g. the problems and measures of part 5."""
    return _html(macros(TEMPLATE).numbered(items, cls)) if items else paragraph("（本年度报告未列出。）", "empty")


def note(text: str):
    return _html(macros(TEMPLATE).note(text))


def other_figures(figures: list, title: str, heading: str | None = None) -> None:
    """Display a part's other figures (those the format's tables do not hold): its sub-heading,
    when it has one, and their table (:func:`nianbao.content.tables.figures_table`). A unit-year
    with none of them shows nothing: an empty block would only say so under a heading, and in
    print it often took a page of its own."""
    from IPython.display import display

    from nianbao.content.tables import figures_table

    if not figures:
        return
    if heading:
        display(subheading(heading))
    display(figures_table(figures, title))


def show(chart):
    """Display a chart once (SVG with its description, :class:`nianbao.content.figure.Chart`) and
    close its figure (so it is not shown twice); a bare matplotlib figure is shown as SVG too. A
    text (a chart function's reason for not drawing, e.g. every value 0) is shown as a note, and
    None says there was too little to draw."""
    from IPython.display import display

    from nianbao.content.figure import Chart

    if chart is None:
        display(note("（数据不足，未生成图表。）"))
        return
    if isinstance(chart, str):
        display(note(chart))
        return
    if not isinstance(chart, Chart):
        title = " ".join(ax.get_title() for ax in chart.axes if ax.get_title())
        chart = Chart(chart, f"图表：{title or '（无标题）'}")
    display(chart)
    chart.close()
