"""Executed notebook → self-contained HTML.

Two steps, each a pure function (nothing here touches the file system except to read templates):

1. :func:`notebook_fragment` renders the cells of an executed notebook with nianbao's own lean
   nbconvert template (``templates/nbconvert/nianbao``): outputs and prose only, no code, no
   prompts, no parameters cells, no stderr, images embedded as ``data:`` URIs. The result is then
   made self-contained (:func:`make_self_contained`): scripts and external loads are removed,
   external hyperlinks become plain text.
2. :func:`page` wraps a fragment in a full HTML page (``templates/section.html.j2``)
   with the report's stylesheet (``templates/report.css``), ready for a browser or WeasyPrint.

The combined report (cover, table of contents, all parts) is in :mod:`nianbao.render.combined`; PDF
rendering is in :mod:`nianbao.render.pdf`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from nianbao.errors import NianbaoError

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from nianbao.data.model import UnitYear

TEMPLATES = Path(__file__).resolve().parent / "templates"
NBCONVERT_TEMPLATES = TEMPLATES / "nbconvert"
NBCONVERT_TEMPLATE = "nianbao"

#: Output types in order of preference: the first one present in an output is shown.
DISPLAY_PRIORITY = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain")

# Attribute and CSS references that make a browser load something.
_LOADING_ATTRS = ("src", "srcset", "poster", "data", "background", "xlink:href")
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import\s+(['\"])(.*?)\3", re.IGNORECASE)
_DROPPED_TAGS = ("script", "noscript", "link", "iframe", "object", "embed", "base", "meta")


class ExportError(NianbaoError):
    """A notebook cannot be exported as a self-contained report page."""


# ---------------------------------------------------------------------------------------------
# notebook → fragment
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def exporter():
    """The nbconvert exporter, built once per process (building it loads all of nbconvert)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    # nbconvert's own priority puts JavaScript (and widgets) before HTML; ours never shows them.
    config = Config({"NbConvertBase": {"display_data_priority": list(DISPLAY_PRIORITY)}})
    return HTMLExporter(
        config=config,
        template_name=NBCONVERT_TEMPLATE,
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        sanitize_html=False,  # the outputs are our own; make_self_contained removes what loads
    )


def notebook_fragment(nb: NotebookNode) -> str:
    """The reader-visible content of an executed notebook, as a self-contained HTML fragment."""
    import nbformat

    nb = nbformat.from_dict(nb)  # a copy: nbconvert's preprocessors may touch the notebook
    html, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": ""}})
    return make_self_contained(html)


def make_self_contained(html: str) -> str:
    """Remove everything in ``html`` that would load or run something.

    Scripts, ``<link>``/``<iframe>``/``<object>`` elements and event-handler attributes are
    dropped; an external hyperlink becomes its text (followed by the address in brackets when the
    text does not show it). An external image or CSS ``url()`` is an error: silently dropping it
    would lose content, keeping it would make the page fetch from the network.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, features="html.parser")
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    problems: list[str] = []
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            if attr.lower().startswith("on"):
                del tag.attrs[attr]
        for attr in _LOADING_ATTRS:
            value = tag.attrs.get(attr)
            if isinstance(value, str) and not value.strip().lower().startswith("data:"):
                problems.append(f"<{tag.name} {attr}={value[:80]!r}>")
        style = tag.attrs.get("style")
        if isinstance(style, str):
            problems.extend(f"style url {u!r}" for u in _css_refs(style) if not u.lower().startswith("data:"))
        if tag.name == "a":
            href = tag.attrs.get("href", "")
            if isinstance(href, str) and (_EXTERNAL.match(href) or href.lower().startswith(("mailto:", "javascript:"))):
                text = tag.get_text()
                address = re.sub(r"^(?:mailto:|javascript:.*)", "", href)
                shown = text if (not address or address in text) else f"{text}（{address}）"
                tag.replace_with(soup.new_string(shown))
    for style in soup.find_all("style"):
        problems.extend(f"CSS url {u!r}" for u in _css_refs(style.get_text()) if not u.lower().startswith("data:"))
    if problems:
        raise ExportError(
            "the notebook's outputs refer to external resources, which a self-contained report cannot "
            "load: " + "; ".join(problems[:5]) + (" ..." if len(problems) > 5 else "")
        )
    return str(soup)


def _css_refs(css: str) -> list[str]:
    return [m.group(2) if m.group(2) is not None else m.group(4) for m in _CSS_URL.finditer(css)]


def external_references(html: str) -> list[str]:
    """Every reference in ``html`` that is neither a ``data:`` URI nor an in-page ``#anchor``.

    A self-contained page returns ``[]``. Used by the tests and as a last check before writing.
    """
    refs = re.findall(r"""\b(?:src|href|srcset|poster|action)\s*=\s*["']?([^"'\s>]+)""", html, re.IGNORECASE)
    refs += list(_css_refs(html))
    return [r for r in refs if not r.lower().startswith(("data:", "#"))]


# ---------------------------------------------------------------------------------------------
# fragment → page
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def page_templates() -> jinja2.Environment:
    """The Jinja environment of the page templates (``templates/*.j2`` and ``report.css``)."""
    from nianbao.render.words import label_words

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["words"] = label_words  # a header label that breaks between words only
    return env


@dataclass(frozen=True)
class PageContext:
    """What the page around a notebook's content says: every page nianbao writes (a report
    section, trends, a comparison, an audit) is built from this by :func:`page`."""

    title: str  # the running title, printed at the top of every page (the report's title)
    heading: str  # the page's own name: the part's heading, or the notebook's title
    part: int | str  # the part number or the notebook's id (an anchor and a CSS hook)
    synthetic: bool = False  # made from demo data: every page says 「示例数据」
    data_version: str = ""  # the short fingerprint of the data it was made from (data/versions.py)

    @classmethod
    def for_section(cls, uy: UnitYear, part: int, title: str | None = None, data_version: str = "") -> PageContext:
        """A report section's page: the report's title (default: the unit-year's) above the part."""
        return cls(title or uy.title, uy.heading(part), part, uy.synthetic, data_version)


def page(fragment: str, context: PageContext) -> str:
    """A full, self-contained HTML page around a notebook's fragment."""
    template = page_templates().get_template("section.html.j2")
    return template.render(
        title=context.title, heading=context.heading, part=context.part, synthetic=context.synthetic,
        data_version=context.data_version, fragment=Markup(fragment),
    )  # fmt: skip


def report_context(uy: UnitYear, title: str | None = None, data_version: str = "") -> dict:
    """What the combined report's template knows: title, unit, year, synthetic flag, data version."""
    return {
        "title": title or uy.title,
        "unit_name": uy.unit_name,
        "unit": uy.unit,
        "year": uy.year,
        "synthetic": uy.synthetic,
        "data_version": data_version,
    }
