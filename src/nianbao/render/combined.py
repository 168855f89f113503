"""The whole report as one HTML page: cover, table of contents, then the parts in order.

The page (``templates/report.html.j2``) is the source of both ``report.html`` and, through
:mod:`nianbao.render.pdf`, ``report.pdf``: in print the table of contents gets its page numbers from
WeasyPrint's ``target-counter()`` and every part starts on a new page; its ``<h1>`` and
``<h2>`` headings become the PDF bookmarks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from nianbao.render.html import page_templates, report_context

if TYPE_CHECKING:
    from nianbao.data.model import UnitYear


@dataclass(frozen=True)
class PartFragment:
    """One part's content as rendered by :func:`nianbao.render.html.notebook_fragment`."""

    part: int
    heading: str
    fragment: str


def report_page(
    parts: Sequence[PartFragment], *, uy: UnitYear, title: str | None = None, data_version: str = ""
) -> str:
    """The combined report's HTML page; ``parts`` are put in the order of their part number.
    ``title`` is the report's title (default: the unit-year's); ``data_version`` the short
    fingerprint of the data it was made from, printed on the cover."""
    ordered = sorted(parts, key=lambda p: p.part)
    numbers = [p.part for p in ordered]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"a part appears twice in {numbers}")
    template = page_templates().get_template("report.html.j2")
    return template.render(
        **report_context(uy, title, data_version),
        parts=[PartFragment(p.part, p.heading, Markup(p.fragment)) for p in ordered],
    )
