"""Self-consistency of the audit corpus (tests/audit_corpus): the gold files are the yardstick for
`nianbao audit`, so they must hold together on their own.

Checked here, without reading the documents the way the audit does:
- every gold file names an existing document and uses exactly the documented keys and values;
- every quote is a substring of its document (the decoded file; for HTML also its visible text);
- every share and rate with a known numerator and base recomputes (exact fraction, half-up, to the
  published number of decimals) to the published value, unless a problem quotes it; a share or
  rate without a base carries an `unverifiable` problem; changes with a stated previous value and
  stated sums add up unless a problem quotes them;
- blank table cells come with exactly one B4 warning;
- traditional-character mirrors carry the same values as their originals;
- size: at least 80 documents, 15 subtle problems, 8 traditional mirrors.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "audit_corpus"
GOLDS = sorted(CORPUS.glob("[0-9][0-9][0-9]_*.gold.yaml"))

TOP_KEYS = [
    "document",
    "description",
    "unit",
    "unit_id",
    "unit_scope",
    "year",
    "format_version",
    "figures",
    "tables",
    "problems",
]
SCOPES = {"city", "district", "district_government", "agency", "street", "town", None}
FIGURE_KEYS = {
    "count": {"kind", "ref", "value", "quote"},
    "share": {"kind", "value", "numerator", "base", "counted_in", "quote", "unit"},
    "rate": {"kind", "name", "value", "numerator", "base", "quote"},
    "change": {"kind", "value", "unit", "direction", "current", "previous", "quote"},
    "claim": {"kind", "claim", "quote"},
    "sum": {"kind", "total", "parts", "quote"},
}
REQUIRED = {k: v - {"unit"} for k, v in FIGURE_KEYS.items()}
RATE_NAMES = {"主动公开率", "公开率", "同意公开率", "纠错率"}
CLAIMS = {
    "no_applications",
    "no_carried_in",
    "no_carried_forward",
    "no_review_litigation",
    "review_litigation_all_upheld",
    "no_correction",
}
CHANGE_UNITS = {"%", "个百分点", "件", "项", "条"}
RULES = {"B1", "B2", "B3", "B4", "C1", "T1", "T2", "T3", "T4", "R1", "Y1"}
SEVERITIES = {"error", "warning", "unverifiable"}
PROBLEM_KEYS = ["rule", "severity", "subtle", "quote", "expected", "found", "note"]
REF_RE = re.compile(r"^(B|BG|C)\.[a-z_]+(\.[a-z_]+)?$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def document_text(name: str) -> str:
    raw = (CORPUS / name).read_bytes()
    head = raw[:1024].decode("ascii", "replace").lower()
    if re.search(r"charset=[\"']?(gbk|gb2312|gb18030)", head):
        return raw.decode("gb18030")
    return raw.decode("utf-8")


def visible_text(name: str, text: str) -> str:
    if not name.endswith(".html"):
        return text
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def half_up(value: Fraction, decimals: int) -> Decimal:
    sign = -1 if value < 0 else 1
    scaled = abs(value) * 10**decimals
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(sign * whole).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals))


def decimals_of(published: str) -> int:
    return max(0, -Decimal(published).as_tuple().exponent)


def overlaps(a: str, b: str) -> bool:
    return a in b or b in a


def named_by_problem(gold: dict, quote: str, severity: str | None = None) -> bool:
    return any(
        overlaps(quote, p["quote"]) and (severity is None or p["severity"] == severity) for p in gold["problems"]
    )


def check_ref(ref) -> None:
    refs = ref if isinstance(ref, list) else [ref]
    for r in refs:
        assert r is None or REF_RE.match(r), r


@pytest.fixture(scope="module")
def golds() -> dict[str, dict]:
    return {p.name: load(p) for p in GOLDS}


def test_corpus_size(golds):
    assert len(golds) >= 80
    subtle = [p for g in golds.values() for p in g["problems"] if p["subtle"]]
    assert len(subtle) >= 15
    mirrors = [g for g in golds.values() if g["description"].startswith("Traditional-character mirror")]
    assert len(mirrors) >= 8
    correct = [g for g in golds.values() if not g["problems"]]
    assert 0.3 * len(golds) <= len(correct) <= 0.55 * len(golds)


@pytest.mark.parametrize("path", GOLDS, ids=lambda p: p.name.split(".")[0])
def test_gold_file(path: Path):
    gold = load(path)
    assert list(gold) == TOP_KEYS
    assert gold["document"] == path.name.replace(".gold.yaml", "") + Path(gold["document"]).suffix
    assert gold["document"].endswith((".txt", ".html"))
    assert gold["unit_scope"] in SCOPES
    assert gold["year"] is None or isinstance(gold["year"], int)
    assert gold["format_version"] in ("2019", "2021", None)
    text = document_text(gold["document"])
    seen = visible_text(gold["document"], text)

    def quoted(q: str) -> None:
        assert isinstance(q, str) and q, q
        assert q in text, f"quote not in {gold['document']}: {q}"
        assert q in seen, f"quote not in the visible text of {gold['document']}: {q}"

    for fig in gold["figures"]:
        kind = fig["kind"]
        assert kind in FIGURE_KEYS, kind
        assert REQUIRED[kind] <= set(fig) <= FIGURE_KEYS[kind], (kind, set(fig))
        quoted(fig["quote"])
        if kind == "count":
            check_ref(fig["ref"])
            assert isinstance(fig["value"], int) and fig["value"] >= 0
            digits = fig["quote"].replace(",", "")
            assert str(fig["value"]) in digits, fig
        elif kind in ("share", "rate"):
            if kind == "share":
                assert fig["counted_in"] in ("件", "条", "个")
            else:
                assert fig["name"] in RATE_NAMES
            assert isinstance(fig["value"], str)
            num, base = fig["numerator"], fig["base"]
            for part in (num, base):
                if part is not None:
                    assert set(part) <= {"value", "ref", "label"}
                    check_ref(part.get("ref"))
            if num is None or base is None:
                assert named_by_problem(gold, fig["quote"], "unverifiable"), fig["quote"]
                continue
            exact = Fraction(num["value"]) / Fraction(base["value"]) * 100
            if fig["value"] == "<1":
                ok = exact < 1
            else:
                ok = half_up(exact, decimals_of(fig["value"])) == Decimal(fig["value"])
            assert ok or named_by_problem(gold, fig["quote"]), fig["quote"]
        elif kind == "change":
            assert fig["unit"] in CHANGE_UNITS and fig["direction"] in ("up", "down")
            if fig["previous"] is None:
                continue
            cur, prev = (
                Fraction(Decimal(str(fig["current"]["value"]))),
                Fraction(Decimal(str(fig["previous"]["value"]))),
            )
            if fig["unit"] == "%":
                ok = half_up(abs(cur - prev) / prev * 100, decimals_of(fig["value"])) == Decimal(fig["value"])
            else:
                ok = abs(cur - prev) == Fraction(Decimal(fig["value"]))
            ok = ok and cur != prev and (fig["direction"] == "up") == (cur > prev)
            assert ok or named_by_problem(gold, fig["quote"]), fig["quote"]
        elif kind == "claim":
            assert fig["claim"] in CLAIMS
        elif kind == "sum":
            ok = sum(p["value"] for p in fig["parts"]) == fig["total"]["value"]
            assert len(fig["parts"]) >= 2
            assert ok or named_by_problem(gold, fig["quote"]), fig["quote"]

    for prob in gold["problems"]:
        assert list(prob) == PROBLEM_KEYS
        assert prob["rule"] in RULES and prob["severity"] in SEVERITIES and isinstance(prob["subtle"], bool)
        quoted(prob["quote"])
        assert prob["note"]
        if prob["severity"] == "unverifiable":
            assert prob["expected"] is None

    tables = gold["tables"]
    b4 = [p for p in gold["problems"] if p["rule"] == "B4"]
    if tables is None:
        assert gold["format_version"] is None
        assert not b4
    else:
        assert set(tables) == {"blank_cells", "read_blank_as_zero"}
        n = tables["blank_cells"]
        assert tables["read_blank_as_zero"] == (n > 0)
        if n:
            assert (
                len(b4) == 1
                and b4[0]["severity"] == "warning"
                and b4[0]["note"] == f"表二有{n}个空白单元格，按空白为0核对"
            )
        else:
            assert not b4


def test_mirrors_match_their_originals(golds):
    mirrors = {k: g for k, g in golds.items() if g["description"].startswith("Traditional-character mirror")}
    assert mirrors
    for name, gold in mirrors.items():
        original = re.search(r"mirror \([^)]*\) of (\d{3}_[a-z0-9_]+\.(?:txt|html))", gold["description"]).group(1)
        orig = golds[original.rsplit(".", 1)[0] + ".gold.yaml"]
        assert original != gold["document"]

        def values(g):
            figs = [{k: v for k, v in f.items() if k != "quote"} for f in g["figures"]]
            probs = [{k: v for k, v in p.items() if k != "quote"} for p in g["problems"]]
            return figs, probs, g["year"], g["unit_id"], g["unit_scope"], g["format_version"], g["tables"]

        assert values(gold) == values(orig), name
        for f, o in zip(gold["figures"], orig["figures"]):
            digits = lambda s: re.sub(r"\D", "", s)
            assert digits(f["quote"]) == digits(o["quote"])
