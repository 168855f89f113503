"""HTML page → PDF with WeasyPrint: A4, PDF/A-3a (tagged), fonts embedded, nothing fetched.

The page size, running header and the page number come from the stylesheet
(``templates/report.css``). This module lays a page out (:func:`layout`), and writes a laid-out
document (or some of its pages) as an archival PDF (:func:`write`), checking that the Chinese
text was set in a CJK font (a PDF whose Chinese silently vanished or became boxes is an error,
not a result). A report's parts are laid out once each and written into both their own PDF and
``report.pdf`` by :mod:`nianbao.render.book`; a page of its own goes through :func:`render_pdf`.
"""

from __future__ import annotations

import functools
import re
import threading

from nianbao.errors import FontError
from nianbao.render.archival import PDF_VARIANT, DocumentInfo, apply
from nianbao.render.weasy import fewer_collections, load
from nianbao.render.words import for_print

_HAN = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=1)
def _url_fetcher():
    """A fetcher that only decodes ``data:`` URIs: pages are self-contained by construction."""
    load()
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


_local = threading.local()


def _shared():
    """One font configuration and the report's stylesheet, parsed once per thread: every
    document laid out here shares them (a part of a report is a document of its own)."""
    if not hasattr(_local, "shared"):
        load()
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from nianbao.render.html import TEMPLATES

        fonts = FontConfiguration()
        _local.shared = fonts, CSS(string=(TEMPLATES / "report.css").read_text(encoding="utf-8"), font_config=fonts)
    return _local.shared


def warm_up() -> None:
    """Import WeasyPrint, parse the stylesheet and load the CJK fonts in this thread, ahead of
    the first real layout (e.g. while the notebooks that feed it are still running)."""
    layout('<html lang="zh-CN"><body><p>年报</p></body></html>', first_page=1)


_INLINE_REPORT_CSS = re.compile(r'<style id="report-css">.*?</style>', re.S)


def layout(html: str, *, first_page: int | None = None):
    """Lay ``html`` out on A4 pages: a WeasyPrint document. ``first_page`` is the number printed
    on its first page (default 1). The report's stylesheet inlined in the page is replaced by
    the one parsed once (:func:`_shared`); table labels are set as :func:`nianbao.render.words.for_print`
    says."""
    load()
    from weasyprint import CSS, HTML

    fonts, report_css = _shared()
    html = for_print(html)
    sheets = []
    if _INLINE_REPORT_CSS.search(html):
        html, sheets = _INLINE_REPORT_CSS.sub("", html, count=1), [report_css]
    if first_page:
        sheets.append(CSS(string=f"@page :first {{ counter-reset: page {int(first_page)} }}", font_config=fonts))
    with fewer_collections():
        return HTML(string=html, url_fetcher=_url_fetcher(), base_url=None).render(
            stylesheets=sheets, font_config=fonts, pdf_variant=PDF_VARIANT
        )


def write(document, info: DocumentInfo, *, labels: list[tuple[int, str, int]] | None = None) -> bytes:
    """A laid-out document (or a :meth:`copy` of some of its pages) as PDF/A-3a bytes.

    ``labels`` are the page labels a viewer shows: (first page index, style ``D`` (digits) or
    ``r`` (roman), number of that page); default: the printed page numbers from 1.
    """
    apply(document, info)
    with fewer_collections():
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=_page_labels(labels or [(0, "D", 1)]))
    _check_fonts(document)
    return pdf


def _page_labels(labels: list[tuple[int, str, int]]):
    def finisher(document, pdf) -> None:
        import pydyf

        nums = pydyf.Array()
        for index, style, start in labels:
            nums.extend([index, pydyf.Dictionary({"S": f"/{style}", "St": start})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})

    return finisher


def _check_fonts(document) -> None:
    """FontError when the document has Chinese text but no CJK font was used for it."""
    text = "".join(_page_text(page) for page in document.pages[:3])
    if not _HAN.search(text):
        return
    families = sorted({str(f.family) for f in document.fonts.values()})
    if not any("CJK" in f or "Han" in f for f in families):
        raise FontError(
            "the PDF has Chinese text but no CJK font was used (fonts used: "
            + (", ".join(families) or "none")
            + "). Install Noto CJK (Debian/Ubuntu: apt-get install fonts-noto-cjk)."
        )


def _page_text(page) -> str:
    return "".join(getattr(box, "text", "") for box in page._page_box.descendants())


def render_pdf(html: str, *, title: str | None = None, info: DocumentInfo | None = None) -> bytes:
    """Render a self-contained HTML page to PDF bytes (PDF/A-3a, numbered from 1).

    Raises :class:`FontError` when the page has Chinese text but no CJK font was used for it.
    """
    document = layout(html)
    info = info or DocumentInfo(title or document.metadata.title or "")
    return write(document, info)
