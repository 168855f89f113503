"""HTML page → PDF with WeasyPrint: A4, fonts embedded (subset), nothing fetched from anywhere.

The page size, running header and the 「第 N 页 / 共 M 页」 footer come from the stylesheet
(``templates/report.css``); this module only renders, and checks that the Chinese text was set
in a CJK font (a PDF whose Chinese silently vanished or became boxes is an error, not a result).
"""

from __future__ import annotations

import functools
import re

from nianbao.errors import FontError

_HAN = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=1)
def _url_fetcher():
    """A fetcher that only decodes ``data:`` URIs: pages are self-contained by construction."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def render_pdf(html: str, *, title: str | None = None) -> bytes:
    """Render a self-contained HTML page to PDF bytes.

    Raises :class:`FontError` when the page has Chinese text but no CJK font was used for it.
    """
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_url_fetcher(), base_url=None).render()
    if title:
        document.metadata.title = title
    pdf = document.write_pdf()
    if _HAN.search(html):
        families = sorted({str(f.family) for f in document.fonts.values()})
        if not any("CJK" in f or "Han" in f for f in families):
            raise FontError(
                "the PDF has Chinese text but no CJK font was used (fonts used: "
                + (", ".join(families) or "none")
                + "). Install Noto CJK (Debian/Ubuntu: apt-get install fonts-noto-cjk)."
            )
    return pdf
