"""Content as HTML: the Jinja macros of ``render/templates`` called from Python, and the table
object the notebooks display.

The markup lives in the templates (``tables.html.j2`` for table building blocks and the official
tables, ``summaries.html.j2``, ``trends.html.j2``, ``comparison.html.j2``, ``blocks.html.j2``,
``findings.html.j2``); the content modules decide what is shown and pass the words and values.
The templates autoescape: a value that is already markup must be passed as
:class:`markupsafe.Markup`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from nianbao.format import schema
from nianbao.render.downloads import TABLE_MIME, table_payload
from nianbao.render.html import page_templates
from nianbao.rules.rates import StatementCheck

#: What every content template may refer to: how an unknown figure is shown.
TEMPLATE_VARS = {"UNKNOWN_MARK": schema.UNKNOWN_MARK, "UNKNOWN_TITLE": "未公布"}


@functools.cache
def macros(template: str):
    """The macros of a template in ``render/templates``: callables that return Markup."""
    return page_templates().get_template(template).make_module(TEMPLATE_VARS)


def cell(value, cls: str = "") -> Markup:
    """A number cell: the value, or “—” (unknown, never 0)."""
    return macros("tables.html.j2").cell(value, cls)


def caption(title: str, note: str = "") -> Markup:
    """A table's title, with a note under it when there is one."""
    return macros("tables.html.j2").caption(title, note)


def verdict_class(check: StatementCheck | None) -> str:
    """The class of a check's cell: ok or mismatch when a published figure was checked."""
    if check is None or check.matches is None:
        return ""
    return "ok" if check.matches else "mismatch"


@dataclass
class HtmlTable:
    """Rendered HTML plus the data behind it; displays itself in Jupyter.

    Displayed, it also carries its data as :data:`nianbao.render.downloads.TABLE_MIME` (not
    shown by the HTML exporter), from which the CSV and XLSX downloads are written.
    """

    html: str
    frame: pd.DataFrame
    name: str = "table"  # file stem for downloads

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        payload = table_payload(self.html, self.frame, self.name)
        return {"text/html": self.html, "text/plain": payload["title"], TABLE_MIME: payload}
