"""The whole report: cover, 目录 (two levels: the parts and their sub-headings), then the parts.

``report.html`` is one page for browsers (``templates/report.html.j2``). ``report.pdf`` is not
laid out from that page: it is assembled from the parts' own pages (:mod:`nianbao.render.book`),
after a short front matter (``templates/front.html.j2``: the cover and the 目录 with the page
numbers the parts' layout gave). Both read the 目录's entries from the parts' headings:
:func:`anchored` gives every ``<h1>`` and ``<h2>`` of a part an id (``part-3``, ``part-3-2``),
:func:`outline` lists them.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from markupsafe import Markup

from nianbao.render.html import page_templates, report_context

if TYPE_CHECKING:
    from nianbao.data.model import UnitYear

_HEADING = re.compile(r"<(h[12])(\s[^>]*)?>(.*?)</\1>", re.S | re.I)
_ID = re.compile(r"""\sid\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)


@dataclass(frozen=True)
class PartFragment:
    """One part's content as rendered by :func:`nianbao.render.html.notebook_fragment`."""

    part: int
    heading: str
    fragment: str


@dataclass(frozen=True)
class Entry:
    """A line of the 目录: a part (level 1) or one of its sub-headings (level 2)."""

    level: int
    label: str
    anchor: str
    page: int | None = None  # in the PDF: the report's page number


def anchored(fragment: str, part: int) -> str:
    """``fragment`` with an id on each ``<h1>`` (``part-N``) and ``<h2>`` (``part-N-k``)."""
    count = 0

    def put_id(match: re.Match) -> str:
        nonlocal count
        tag, attrs, inner = match.group(1), match.group(2) or "", match.group(3)
        if tag.lower() == "h1":
            anchor = f"part-{part}"
        else:
            count += 1
            anchor = f"part-{part}-{count}"
        return f'<{tag}{_ID.sub("", attrs)} id="{anchor}">{inner}</{tag}>'

    return _HEADING.sub(put_id, fragment)


def outline(fragment: str, part: int, heading: str) -> list[Entry]:
    """The 目录's entries of an :func:`anchored` part: the part, then its sub-headings."""
    entries = [Entry(1, heading, f"part-{part}")]
    for match in _HEADING.finditer(fragment):
        if match.group(1).lower() == "h2":
            anchor = _ID.search(match.group(2) or "")
            label = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(3))).strip()
            if anchor and label:
                entries.append(Entry(2, label, anchor.group(1).strip("\"'")))
    return entries


def _ordered(parts: Sequence[PartFragment]) -> list[PartFragment]:
    ordered = sorted(parts, key=lambda p: p.part)
    numbers = [p.part for p in ordered]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"a part appears twice in {numbers}")
    return ordered


def report_page(
    parts: Sequence[PartFragment], *, uy: UnitYear, title: str | None = None, data_version: str = ""
) -> str:
    """The combined report's HTML page for browsers; ``parts`` are put in the order of their part
    number. ``title`` is the report's title (default: the unit-year's); ``data_version`` the short
    fingerprint of the data it was made from, printed on the cover."""
    ordered = [replace(p, fragment=anchored(p.fragment, p.part)) for p in _ordered(parts)]
    entries = [e for p in ordered for e in outline(p.fragment, p.part, p.heading)]
    template = page_templates().get_template("report.html.j2")
    return template.render(
        **report_context(uy, title, data_version),
        entries=entries,
        parts=[PartFragment(p.part, p.heading, Markup(p.fragment)) for p in ordered],
    )


def front_page(entries: Sequence[Entry], *, uy: UnitYear, title: str | None = None, data_version: str = "") -> str:
    """The cover and the 目录 of report.pdf, each entry with its page number."""
    template = page_templates().get_template("front.html.j2")
    return template.render(**report_context(uy, title, data_version), entries=list(entries))
