"""A chart as the report shows it: SVG with its text kept as text, and a text alternative.

Charts are drawn by matplotlib at the width of the printed text column, so that their 8–10 pt
labels print at that size, in the report's type family (Noto Sans CJK SC, named in the SVG so
that WeasyPrint sets it with the same embedded font as the text: the Chinese of a chart is
searchable in the PDF and sharp at any zoom). A :class:`Chart` displays itself in Jupyter as
``image/svg+xml`` (JupyterLab shows it as it shows a PNG), with its description as
``text/plain`` and as the ``alt`` metadata the HTML export writes into the ``<img>``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

#: The printed text column (A4 less 20 mm margins), in inches: charts are drawn at this width.
COLUMN_WIDTH = 170 / 25.4
UNKNOWN_LABEL = "未公布"  # drawn where an unknown value would be: never a bar of 0
ALL_ZERO_NOTE = "（各项均为0，未作图。）"  # shown instead of a chart whose every value is 0
NO_CASES_LABEL = "无案件"  # drawn where a rate would be that has no cases to be computed from (0 ÷ 0)
TEXT_DARK, TEXT_LIGHT = "#1a1a1a", "#ffffff"


@dataclass
class Chart:
    """A matplotlib figure with what it shows in words."""

    figure: object
    alt: str
    _svg: str | None = field(default=None, repr=False)

    def svg(self) -> str:
        """The figure as SVG (text as text, no timestamp), rendered once."""
        if self._svg is None:
            buf = io.StringIO()
            self.figure.savefig(buf, format="svg", metadata={"Date": None})  # constrained layout: one draw
            self._svg = buf.getvalue()
        return self._svg

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/svg+xml": self.svg(), "text/plain": self.alt}
        return data, {"alt": self.alt, "image/svg+xml": {"alt": self.alt}}

    def close(self) -> None:
        import matplotlib.pyplot as plt

        self.svg()
        plt.close(self.figure)

    @property
    def axes(self):
        return self.figure.axes


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """Dark or white text, whichever reads better on ``background``."""
    return TEXT_LIGHT if contrast(TEXT_LIGHT, background) >= contrast(TEXT_DARK, background) else TEXT_DARK


def spread(positions: list[float], gap: float) -> list[float]:
    """``positions`` moved apart as little as needed so that neighbours are ``gap`` apart
    (order kept): where labels at those positions would collide."""
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    out = [0.0] * len(positions)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out
