import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib import font_manager

from nianbao.content import charts, fonts
from nianbao.errors import FontError


def _font_files(fig):
    files = set()
    for ax in fig.axes:
        for text in [ax.title, ax.xaxis.label, *ax.get_yticklabels(), *ax.get_xticklabels(), *ax.texts]:
            if text.get_text():
                files.add(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
    return files


@pytest.mark.parametrize(
    "make", [charts.dispositions, charts.share_strip, charts.table_a_items, charts.review_litigation]
)
def test_chart_text_uses_a_cjk_font(shanghai, make):
    fig = make(shanghai)
    assert fig is not None
    files = _font_files(fig)
    assert files and all("CJK" in f for f in files), files


def test_no_cjk_font_fails_loudly(monkeypatch):
    fonts.cjk_family.cache_clear()

    class NoCJK:
        ttflist = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]

    monkeypatch.setattr(font_manager, "fontManager", NoCJK())
    monkeypatch.setattr(font_manager, "_load_fontmanager", lambda try_read_cache=True: NoCJK())
    with pytest.raises(FontError, match="fonts-noto-cjk"):
        fonts.cjk_family()
    fonts.cjk_family.cache_clear()


def test_chart_family_is_noto():
    assert fonts.cjk_family() == "Noto Sans CJK SC"
    assert "NotoSansCJK" in fonts.font_file_for("Noto Sans CJK SC")
