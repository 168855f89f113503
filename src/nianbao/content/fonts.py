"""CJK fonts for charts: find one or fail loudly, never fall back to boxes."""

from __future__ import annotations

import functools

from nianbao.errors import FontError

#: Preferred families, best first. Debian's fonts-noto-cjk provides the first two.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN")


@functools.lru_cache(maxsize=1)
def cjk_family() -> str:
    """The name of an installed CJK font family matplotlib can use; FontError if there is none."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    # matplotlib's cache may predate the font install: rebuild it once before giving up
    # (_load_fontmanager is private, but it is how matplotlib's docs say to rebuild the cache).
    font_manager._load_fontmanager(try_read_cache=False)
    fresh = font_manager._load_fontmanager(try_read_cache=False)
    names = {f.name for f in fresh.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            font_manager.fontManager = fresh
            return family
    raise FontError(
        "no CJK font found for charts (looked for: " + ", ".join(CJK_FAMILIES) + "). "
        "Chinese labels would render as empty boxes. On Debian/Ubuntu: apt-get install fonts-noto-cjk, "
        "then run scripts/setup.sh to rebuild matplotlib's font cache."
    )


def font_file_for(family: str) -> str:
    """The font file matplotlib resolves ``family`` to (for checks that the CJK font is used)."""
    from matplotlib import font_manager

    return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)


def setup_charts() -> str:
    """Configure matplotlib and seaborn for Chinese charts; returns the CJK family used."""
    import matplotlib
    import seaborn as sns

    family = cjk_family()
    sns.set_theme(style="whitegrid", context="notebook", font=family)
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family],  # one family, as the text: no other face for digits
            "axes.unicode_minus": False,
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "xtick.labelsize": 8.5,
            "ytick.labelsize": 8.5,
            "legend.fontsize": 8.5,
            "figure.dpi": 110,
            "savefig.dpi": 300,  # only for a raster export; the report's charts are SVG
            "savefig.bbox": "standard",  # the figures are laid out by matplotlib ("constrained")
            "svg.fonttype": "none",  # text stays text, set by the reader in the named family
            "svg.hashsalt": "nianbao",  # the same ids every run
        }
    )
    return family
