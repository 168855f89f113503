"""Which unit and which year a report is about.

From the title, in every shape reports use: 「2023年上海市某某区政府信息公开工作年度报告」,
「2014年…政府信息公开年报」, 「2008上海市某某局…」 (no 年), 「2024年政府信息公开工作年度报告
（上海市某某区某某办公室）」 (the unit in brackets), 「上海市某某区人民政府2025年…」 (the unit
first), 「上海市某某街道办事处政府信息公开工作年度报告」 (no year) — looked for in the page's
headings, its first paragraphs and its ``<title>`` (「…_某某区人民政府」 site suffixes dropped).
The period sentence 「本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止」 gives the
reporting year; a title year that disagrees with it is a finding (Y1). A publication date
(「2024年1月20日」) or a compiler's clause (「本报告由…编制」) names neither.

The unit is matched against the registry (``data/units.yaml``): *exact* when the title's unit is
a registry name, full name or alias; *by name* when it is a registry name with 「上海市」 before it
or 「人民政府」 after it; *unknown* otherwise. 「上海市某某区人民政府」 is the district
government's own report (本级), kept apart from the district-wide 「上海市某某区」.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.audit.reading.normalise import Text, normalise
from nianbao.data.units import Registry, registry_for

EXACT, BY_NAME, UNKNOWN = "exact", "by name", "unknown"
_REPORT = r"(?:政府)?信息公开(?:工作)?(?:年度报告|年报)"
_TITLES = (
    re.compile(rf"^(?:关于)?(?P<year>\d{{4}})(?:年度?)?(?P<unit>.*?){_REPORT}(?:（(?P<bracket>[^）]*)）)?"),
    re.compile(rf"^(?P<unit>.+?)(?P<year>\d{{4}})年度?{_REPORT}(?:（(?P<bracket>[^）]*)）)?"),
    re.compile(rf"^(?P<unit>.+?){_REPORT}(?:（(?P<bracket>[^）]*)）)?$"),
)
_UNIT_SHAPE = re.compile(r"^[\u4e00-\u9fff（）]{2,40}$")
_NOT_UNIT = re.compile(r"首页|公开|栏目|当前位置|报告|^(?:人民)?政府$")
_SITE_SUFFIX = re.compile(r"[_|｜\-—]+[^_|｜\-—]*$")
_PERIOD = re.compile(
    r"统计期限(?:为|自|从|是)?(?P<start>\d{4})年\d{1,2}月\d{1,2}日(?:起)?(?:至|到|-|—|~)(?P<end>\d{4})年\d{1,2}月\d{1,2}日"
)
_OPENING_YEAR = re.compile(r"^(?P<year>\d{4})年[，,]")
_SCOPES = (
    ("street", re.compile(r"街道办事处$|街道$")),
    ("town", re.compile(r"(?:镇|乡)(?:人民政府)?$")),
    ("district_government", re.compile(r"(?:区|县)人民政府$")),
    ("district", re.compile(r"(?:区|县)$")),
    ("city", re.compile(r"^[^区县]*市(?:人民政府)?$")),
)


@dataclass
class Identity:
    title: str = ""  # the title's published words
    unit: str | None = None  # the unit as the report names it (published script)
    unit_name: str | None = None  # the same, simplified
    unit_id: str | None = None
    confidence: str = UNKNOWN  # EXACT | BY_NAME | UNKNOWN
    scope: str | None = None  # city | district | district_government | agency | street | town
    year: int | None = None
    title_year: int | None = None
    period_year: int | None = None
    period_words: str = ""
    year_from: str = ""  # what the year was read from, in words
    notes: list[str] = field(default_factory=list)


def identify(candidates: list[str], page_title: str, paragraphs: list[Text], data_dir=None) -> Identity:
    """The unit and year of a report, from its title candidates (headings and first paragraphs,
    in document order), the page's ``<title>`` and the narrative's paragraphs."""
    found = Identity()
    for raw in [*candidates, _SITE_SUFFIX.sub("", page_title or "")]:
        _title(raw, found)
        if found.unit and found.title_year:
            break
    _period(paragraphs, found)
    if found.period_year:
        found.year, found.year_from = found.period_year, f"统计期限「{found.period_words}」"
    elif found.title_year:
        found.year, found.year_from = found.title_year, f"标题「{found.title}」"
    else:
        _opening_year(paragraphs, found)
    if found.unit_name:
        _match(found, registry_for(data_dir))
    return found


def _title(raw: str, found: Identity) -> None:
    """What a title candidate says of the unit and the year (the first candidate that names each
    wins; the title shown is the one that named the unit, or else the year)."""
    text = normalise(raw.strip())
    norm = text.norm.replace("（节选）", "")
    m = next((m for m in (p.match(norm) for p in _TITLES) if m), None)
    if m is None:
        return
    unit, span = _unit_of(m)
    if unit and not found.unit:
        found.unit_name, found.unit, found.title = unit, text.quote(*span), text.original.strip()
    year = m.groupdict().get("year")
    if year and not found.title_year:
        found.title_year = int(year)
        found.title = found.title or text.original.strip()


def _unit_of(m: re.Match) -> tuple[str | None, tuple[int, int]]:
    for group in ("bracket", "unit"):
        value = (m.groupdict().get(group) or "").strip()
        value = re.sub(r"^(?:关于)", "", value)
        if value and _UNIT_SHAPE.match(value) and not _NOT_UNIT.search(value):
            start = m.start(group) + m.group(group).index(value)
            return value, (start, start + len(value))
    return None, (0, 0)


def _period(paragraphs: list[Text], found: Identity) -> None:
    for text in paragraphs[:40]:
        m = _PERIOD.search(text.norm)
        if m:
            found.period_year = int(m.group("end"))
            found.period_words = text.quote(m.start(), m.end())
            if found.title_year and found.title_year != found.period_year:
                found.notes.append(f"标题年度{found.title_year}与统计期限{found.period_year}年不一致")
            return


def _opening_year(paragraphs: list[Text], found: Identity) -> None:
    """No title year and no period: the year that opens the narrative's sentences, if one does."""
    years = {int(m.group("year")) for t in paragraphs for m in [_OPENING_YEAR.match(t.norm)] if m}
    if len(years) == 1:
        found.year = years.pop()
        found.year_from = f"正文开头的「{found.year}年，」（标题和统计期限都未写年度）"


def _match(found: Identity, registry: Registry) -> None:
    name = found.unit_name or ""
    found.scope = next((scope for scope, pattern in _SCOPES if pattern.search(name)), "agency")
    unit = registry.find(name)
    if unit is not None:
        found.unit_id, found.confidence = unit.id, EXACT
        return
    best = None
    for u in registry:
        for key in u.keys:
            if len(key) < 2 or key not in name:
                continue
            before, _, after = name.partition(key)
            if (
                before in ("", "上海市")
                and after in ("", "人民政府", "政府")
                and (best is None or len(key) > len(best[1]))
            ):
                best = (u, key)
    if best is not None:
        found.unit_id, found.confidence = best[0].id, BY_NAME
