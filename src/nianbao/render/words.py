"""Table labels (column headers and row labels) that break between words, never inside one.

Chinese is written without spaces, so a narrow table column may break a label anywhere: 「上/年」,
「结果纠/正」, 「总/计」. The labels of the report's tables are a fixed vocabulary, so they are cut
into words here (longest match against :data:`WORDS`, the words those labels are made of), and
each word is set as a unit that does not break (``<span class="w">``, ``white-space: nowrap``);
lines may still break between words (``<wbr>``). Digits with their unit (「2021年」), a bracketed remark
(「（%）」) and anything the vocabulary does not know stay whole too, in short runs. Unit names
are not cut: they do not break at all. For print, :func:`for_print` sets the same words with
word joiners instead of elements.
"""

from __future__ import annotations

import re
from html import unescape

from markupsafe import Markup, escape

#: The words the tables' labels are made of (longest match wins).
WORDS = frozenset(
    """
    本年 上年 上一年 年度 下年度 其他 级别 指标 依据 排名 说明 单位 件数 总计 合计 占比 核对 变化 类别 方面
    项目 数值 自然人 申请人 纠错率 商业 企业 结果 纠正 尚未 审结 维持 办理 行政 诉讼 复议 复议后 科研 机构
    信息 内容 比较 情况 起诉 采购 总金额 金额 公开率 处理 决定 数量 法律 服务 制发 现行 有效 社会 公益 组织
    新公开 新制作 新收 申请 法人 对外 公开 总数量 报告 公布 公布的 答复 未经 直接 结转 无法提供 收费 增/减
    第二十条 废止 予以 部分 不予 不予公开 不予处理 其他处理 无法 提供 一审 许可 处罚 强制 规章 规范性 文件
    事业性 行政事业性 政府 集中 上年结转 结转下年度 本年度 勾稽 关系 计算 分类 公开率 比率 年份 数字 来源
    """.split()
)
_MAX_WORD = max(len(w) for w in WORDS)
_TOKEN = re.compile(
    r"第（[^（）]{1,4}）项"  # 「第（八）项」
    r"|[0-9A-Za-z.%+\-/]+[年月日件项个%]?"  # figures and Latin, with a unit character
    r"|（[^（）]{1,6}）"  # a short bracketed remark: 「（%）」, 「（件）」, 「（八）」
    r"|(?:(?!第（)[\u3400-\u9fff])+"  # a run of Hanzi: cut into words below
    r"|\s+|."  # spaces and single punctuation
)
_MAX_UNKNOWN = 3  # Hanzi the vocabulary does not know are kept together in runs this short


def words(text: str) -> list[str]:
    """``text`` cut into the pieces that must not break inside."""
    pieces: list[str] = []
    for match in _TOKEN.finditer(str(text)):
        token = match.group(0)
        if re.fullmatch(r"[\u3400-\u9fff]+", token) and not token.startswith("第（"):
            pieces.extend(_hanzi_words(token))
        else:
            pieces.append(token)
    return pieces


def _hanzi_words(run: str) -> list[str]:
    out: list[str] = []
    unknown = ""
    i = 0
    while i < len(run):
        for size in range(min(_MAX_WORD, len(run) - i), 1, -1):
            if run[i : i + size] in WORDS:
                if unknown:
                    out.extend(_chunks(unknown))
                    unknown = ""
                out.append(run[i : i + size])
                i += size
                break
        else:
            unknown += run[i]
            i += 1
    if unknown:
        out.extend(_chunks(unknown))
    return out


def _chunks(text: str) -> list[str]:
    return [text[i : i + _MAX_UNKNOWN] for i in range(0, len(text), _MAX_UNKNOWN)]


#: No line starts with these (closing brackets and punctuation) ...
_NO_BREAK_BEFORE = frozenset("）」』】〕〉》，。、：；！？%)]},.:;!?")
#: ... and none ends with these (opening brackets).
_NO_BREAK_AFTER = frozenset("（「『【〔〈《([{")


def label_words(text) -> Markup:
    """A header or row label as HTML: each word in a ``<span class="w">`` that does not break inside,
    a ``<wbr>`` between words (WeasyPrint finds no break between two unbreakable spans), except
    before a closing bracket or punctuation and after an opening bracket (a browser honours a
    ``<wbr>`` even there)."""
    if text is None:
        return Markup("")
    if isinstance(text, Markup):  # already markup (it may hold elements): as it is
        return text
    pieces = [p for p in words(str(text)) if p]
    out: list[Markup] = []
    for index, piece in enumerate(pieces):
        if index and piece[0] not in _NO_BREAK_BEFORE and pieces[index - 1][-1] not in _NO_BREAK_AFTER:
            out.append(Markup("<wbr>"))
        out.append(
            Markup('<span class="w">{}</span>').format(piece) if piece.strip() and len(piece) > 1 else escape(piece)
        )
    return Markup("").join(out)


WORD_JOINER = "\u2060"
_WORD_SPAN = re.compile(r'<span class="w">([^<]*)</span>')
_WBR = re.compile(r"<wbr\s*/?>")


def for_print(page_html: str) -> str:
    """``page_html`` as WeasyPrint lays it out: each word of a table label (a
    ``<span class="w">``, :func:`label_words`) is its characters joined by U+2060 WORD JOINER,
    which forbids a break between them and prints and extracts as nothing, and the ``<wbr>``
    between words go (a line may break between two Hanzi anyway).

    Same lines, no elements: an inline box per word made a report's PDFs 6% slower to lay out
    (bench/bench_batch.py's floor). Pages for browsers keep the spans, whose text copies and
    searches without invisible characters."""
    if 'class="w"' not in page_html:
        return page_html
    joined = _WORD_SPAN.sub(lambda m: escape(WORD_JOINER.join(unescape(m.group(1)))), page_html)
    if 'class="w"' in joined:  # a word span with markup inside: keep the spans' break points
        return joined
    return _WBR.sub("", joined)
