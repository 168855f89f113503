"""Recognising the official labels in published tables, whatever their spacing, brackets,
quotes, numbering or small variants (the variants themselves are data in :mod:`nianbao.format.schema`)."""

from __future__ import annotations

import functools
import re
import unicodedata

from nianbao.format import schema

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十]+\)|\d+[.、．)]|\(\d+\)|[①②③④⑤⑥⑦⑧⑨])"
)
_REMARK = re.compile(r"\([^()]*\)$")
_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉,，.。;；:：、·*※/／\\\-—_]+")


def key(text: str | None) -> str:
    """The comparable core of a label: 「（二）部分公开（区分处理的…）」 → 「部分公开」."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    for variant, official in schema.LABEL_CHARACTER_VARIANTS.items():
        t = t.replace(variant, official)
    t = t.replace("“", "").replace("”", "").replace('"', "")
    for _ in range(2):
        t = _NUMBERING.sub("", t)
    while _REMARK.search(t) and len(_REMARK.sub("", t)) >= 2:
        t = _REMARK.sub("", t)
    return _NOISE.sub("", t)


# ---------------------------------------------------------------------------------------------
# Table B
# ---------------------------------------------------------------------------------------------


@functools.cache
def b_row_keys(version: str) -> dict[str, str]:
    spec = schema.TABLE_B[version]
    out = {key(r.label): r.id for r in spec.rows}
    out.update({key(k): v for k, v in schema.TABLE_B_ROW_VARIANTS.items() if v in spec.row_ids})
    return out


@functools.cache
def b_group_keys() -> dict[str, str]:
    groups = schema.TABLE_B["2021"].groups
    return {key(g.label): g.id for g in groups if g.id != "disclosed"}


RESULTS_KEY = key(schema.TABLE_B_RESULTS_HEADER)
B_COLUMN_KEYS = {key(c.label): c.id for c in schema.TABLE_B_COLUMNS}
#: Labels only the 2021 version's Table B has.
B_2021_KEYS = frozenset(
    k for k in (key(r.label) for r in schema.TABLE_B["2021"].rows if r.id.startswith("other_")) if len(k) >= 4
)  # 「3.其他」 alone is no evidence: 其他 is also a column


def match_b_row(labels: list[str], version: str) -> tuple[str, str | None]:
    """What a Table B row is, from its label cells (left to right): ``("row", id)``,
    ``("group", id)`` for a category header or subtotal, ``("results", None)``, or ``("none", None)``."""
    rows, groups = b_row_keys(version), b_group_keys()
    keys = [k for k in (key(t) for t in labels) if k]
    if not keys:
        return "none", None
    k = keys[-1]  # the rightmost label is the most specific; those left of it are its categories
    if k in rows:
        return "row", rows[k]
    if k in groups:
        if groups[k] == "other" and version == "2019":
            return "row", "other"
        return "group", groups[k]
    if k == RESULTS_KEY:
        return "results", None
    found = _contained(k, rows)
    return ("row", found) if found else ("none", None)


def _contained(k: str, table: dict[str, str]) -> str | None:
    """An official key that contains, or is contained in, ``k`` (the longest such; 4+ characters)."""
    if len(k) < 4:
        return None
    hits = [(len(o), v) for o, v in table.items() if len(o) >= 4 and (o in k or k in o)]
    return max(hits)[1] if hits else None


def b_version(texts: list[str]) -> str | None:
    """ "2021" when a table shows the 2021 version's rows of （六）其他处理, else None (undecided)."""
    keys = {key(t) for t in texts}
    return "2021" if keys & B_2021_KEYS else None


# ---------------------------------------------------------------------------------------------
# Table C
# ---------------------------------------------------------------------------------------------

C_COLUMN_KEYS = {key(c.label): c.id for c in schema.TABLE_C_COLUMNS}
C_COLUMN_KEYS.update({"维持": "upheld", "纠正": "corrected", "其他": "other", "未审结": "pending", "合计": "total"})


def c_block(header_texts: list[str]) -> str | None:
    """The Table C block a column belongs to, from the header cells above it."""
    keys = [key(t) for t in header_texts]
    if any("未经复议" in k or "直接起诉" in k for k in keys):
        return "litigation_direct"
    if any("复议后起诉" in k for k in keys):
        return "litigation_after_review"
    if any(k == "行政复议" or k.endswith("行政复议") for k in keys):
        return "review"
    return None


# ---------------------------------------------------------------------------------------------
# Table A
# ---------------------------------------------------------------------------------------------


@functools.cache
def a_row_keys() -> dict[str, str]:
    out = {key(r.label): r.id for v in schema.FORMAT_VERSIONS for b in schema.TABLE_A[v].blocks for r in b.rows}
    out.update({key(k): v for k, v in schema.TABLE_A_ROW_VARIANTS.items()})
    return out


@functools.cache
def a_column_keys(version: str) -> dict[str, str]:
    out = {key(c.label): c.id for b in schema.TABLE_A[version].blocks for c in b.columns}
    ids = set(out.values())
    out.update({key(k): v for k, v in schema.TABLE_A_COLUMN_VARIANTS.items() if v in ids})
    return out


def a_version(texts: list[str]) -> str | None:
    """The Table A version its column headers show, or None."""
    keys = {key(t) for t in texts}
    only = {v: set(a_column_keys(v)) - set(a_column_keys(other)) for v, other in (("2021", "2019"), ("2019", "2021"))}
    hits = {v: len(keys & only[v]) for v in only}
    if hits["2021"] > hits["2019"]:
        return "2021"
    if hits["2019"] > hits["2021"]:
        return "2019"
    return None


ARTICLE = "第二十条"
