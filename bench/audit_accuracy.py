"""How well `nianbao audit` reads the audit corpus (tests/audit_corpus): recall and precision of
the narrative's figures and of the problems found, and the false alarms. Not a test (the tests
call :func:`evaluate` and hold it to its thresholds).

    .venv/bin/python bench/audit_accuracy.py [--corpus DIR] [--verbose] [--only 012]

Matching, precisely:

- A **figure** extracted by the audit matches a gold figure of the same document when their
  kinds and values agree and their quotes overlap. Values: a count's value; a share's published
  value (as a string, 「不足1%」 as "<1"), its numerator's value and its base's value (null when
  the base cannot be known); a rate's value, numerator and base; a change's value, unit,
  direction, this year's and last year's values (null when not given); a claim's id; a sum's
  total and its parts' values, in order. Quotes overlap when one contains the other or they
  share at least 6 consecutive characters (quotes are the published words, so traditional in
  the mirrors). Each gold figure matches at most one extracted figure and vice versa (in
  document order). Table cells are not figures; which table cell a count states (its ``ref``)
  is reported separately, as agreement among matched counts.
- A **problem** found matches a gold problem when the rule, the severity class (error,
  warning, unverifiable) and the quoted words (finding's quote against the gold quote, as
  above) agree, one to one. Only findings of the rules the gold uses count (B1–B4, C1, T1–T4,
  R1, Y1; F1 — a table not found — and A1 are outside the gold's vocabulary).
- A **false alarm** is an error finding (of any rule) that matches no gold problem.

Figure recall = matched gold figures ÷ gold figures; figure precision = matched extracted
figures ÷ extracted figures; likewise for problems. Also printed: unit, registry id and year
against the gold, the blank cells counted in 表二/表三, and the figures missed, by shape.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from nianbao.audit import audit_file

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "audit_corpus"
GOLD_RULES = {"B1", "B2", "B3", "B4", "C1", "T1", "T2", "T3", "T4", "R1", "Y1"}
MIN_OVERLAP = 6


def overlaps(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= MIN_OVERLAP


def _v(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return _v(value.get("value"))
    try:
        return str(Decimal(str(value)).normalize()) if str(value) != "<1" else "<1"
    except ArithmeticError:
        return str(value)


def figure_key(f: dict) -> tuple:
    """What must agree for an extracted figure to match a gold one (see the module's docstring)."""
    kind = f["kind"]
    if kind == "count":
        return kind, _v(f["value"])
    if kind in ("share", "rate"):
        return kind, str(f["value"]), _v(f.get("numerator")), _v(f.get("base"))
    if kind == "change":
        return kind, _v(f["value"]), f["unit"], f["direction"], _v(f.get("current")), _v(f.get("previous"))
    if kind == "claim":
        return kind, f["claim"]
    if kind == "sum":
        return kind, _v(f["total"]), tuple(_v(p) for p in f["parts"])
    return (kind,)


def shape(f: dict) -> str:
    """A gold figure's shape, for the list of misses: its kind and what it states."""
    kind = f["kind"]
    if kind == "count":
        ref = f.get("ref")
        return f"count {'+'.join(ref) if isinstance(ref, list) else ref}"
    if kind == "rate":
        return f"rate {f['name']}"
    if kind == "change":
        return f"change {f['unit']}" + (" (no previous)" if f.get("previous") is None else "")
    if kind == "claim":
        return f"claim {f['claim']}"
    if kind == "share":
        base = f.get("base") or {}
        return f"share of {base.get('ref') or ('unknown base' if not base else 'stated total')} in {f['counted_in']}"
    return kind


def pair(gold: list[dict], found: list[dict], key, quote) -> list[tuple[int, int]]:
    """One-to-one matches (gold index, found index): same key, overlapping quotes, in order."""
    used: set[int] = set()
    out = []
    for i, g in enumerate(gold):
        for j, f in enumerate(found):
            if j not in used and key(g) == key(f) and overlaps(quote(g), quote(f)):
                used.add(j)
                out.append((i, j))
                break
    return out


@dataclass
class DocumentScore:
    name: str
    gold_figures: int = 0
    found_figures: int = 0
    matched_figures: int = 0
    gold_problems: int = 0
    found_problems: int = 0
    matched_problems: int = 0
    false_alarms: list[str] = field(default_factory=list)
    missed_figures: list[dict] = field(default_factory=list)
    extra_figures: list[dict] = field(default_factory=list)
    missed_problems: list[dict] = field(default_factory=list)
    extra_problems: list[str] = field(default_factory=list)
    refs: tuple[int, int] = (0, 0)  # matched counts whose table cell agrees, matched counts
    identity: dict = field(default_factory=dict)  # what → (gold, found) where they differ


@dataclass
class Score:
    documents: list[DocumentScore]

    def _sum(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.documents)

    @property
    def figure_recall(self) -> float:
        return self._sum("matched_figures") / max(1, self._sum("gold_figures"))

    @property
    def figure_precision(self) -> float:
        return self._sum("matched_figures") / max(1, self._sum("found_figures"))

    @property
    def problem_recall(self) -> float:
        return self._sum("matched_problems") / max(1, self._sum("gold_problems"))

    @property
    def problem_precision(self) -> float:
        return self._sum("matched_problems") / max(1, self._sum("found_problems"))

    @property
    def false_alarms(self) -> list[str]:
        return [f"{d.name}: {a}" for d in self.documents for a in d.false_alarms]


def _problem_quote(p):
    return p["quote"] if isinstance(p, dict) else p.location.quote


def _problem_key(p):
    if isinstance(p, dict):
        return p["rule"], p["severity"]
    return p.rule, p.severity


def score_document(gold_path: Path) -> DocumentScore:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    result = audit_file(gold_path.parent / gold["document"])
    score = DocumentScore(gold["document"])
    found = [f.to_dict() for f in result.figures]
    matches = pair(gold["figures"], found, figure_key, lambda f: f["quote"])
    score.gold_figures, score.found_figures, score.matched_figures = len(gold["figures"]), len(found), len(matches)
    gi, fi = {i for i, _ in matches}, {j for _, j in matches}
    score.missed_figures = [g for i, g in enumerate(gold["figures"]) if i not in gi]
    score.extra_figures = [f for j, f in enumerate(found) if j not in fi]
    counts = [(gold["figures"][i], found[j]) for i, j in matches if found[j]["kind"] == "count"]
    score.refs = (sum(_ref(g) == _ref(f) for g, f in counts), len(counts))
    findings = [f for f in result.findings if f.rule in GOLD_RULES]
    problem_matches = pair(gold["problems"], findings, _problem_key, _problem_quote)
    score.gold_problems, score.found_problems = len(gold["problems"]), len(findings)
    score.matched_problems = len(problem_matches)
    pi, qi = {i for i, _ in problem_matches}, {j for _, j in problem_matches}
    score.missed_problems = [p for i, p in enumerate(gold["problems"]) if i not in pi]
    score.extra_problems = [_shown(f) for j, f in enumerate(findings) if j not in qi]
    matched_findings = {id(findings[j]) for j in qi}
    score.false_alarms = [_shown(f) for f in result.findings if f.is_error and id(f) not in matched_findings]
    ident = result.identity
    for what, expected, got in (("unit", gold["unit"], ident.unit), ("unit_id", gold["unit_id"], ident.unit_id),
                                ("year", gold["year"], result.uy.year or None)):  # fmt: skip
        if expected != got:
            score.identity[what] = (expected, got)
    blanks = sum(len(r.empty) for k, r in result.tables.items() if k in ("B", "C"))
    if gold["tables"] and gold["tables"]["blank_cells"] != blanks:
        score.identity["blank_cells"] = (gold["tables"]["blank_cells"], blanks)
    return score


def _ref(f: dict):
    ref = f.get("ref")
    return tuple(ref) if isinstance(ref, list) else ref


def _shown(f) -> str:
    return f"{f.severity} {f.rule} 「{f.location.quote or f.location.row}」 {f.note[:80]}"


def evaluate(corpus: Path = CORPUS, only: str | None = None) -> Score:
    golds = sorted(corpus.glob("[0-9][0-9][0-9]_*.gold.yaml"))
    if only:
        golds = [g for g in golds if g.name.startswith(only)]
    return Score([score_document(g) for g in golds])


def report(score: Score, verbose: bool = False) -> str:
    docs = score.documents
    refs_ok, refs_all = sum(d.refs[0] for d in docs), sum(d.refs[1] for d in docs)
    lines = [
        f"documents: {len(docs)}",
        f"figures:   recall {score.figure_recall:.2%} ({score._sum('matched_figures')}/{score._sum('gold_figures')}), "
        f"precision {score.figure_precision:.2%} ({score._sum('matched_figures')}/{score._sum('found_figures')})",
        f"           table cell of matched counts agrees: {refs_ok}/{refs_all}",
        f"problems:  recall {score.problem_recall:.2%} ({score._sum('matched_problems')}/{score._sum('gold_problems')}), "
        f"precision {score.problem_precision:.2%} ({score._sum('matched_problems')}/{score._sum('found_problems')})",
        f"false alarms (errors not in the gold): {len(score.false_alarms)}",
    ]
    lines += [f"  {a}" for a in score.false_alarms]
    identity = [(d.name, what, v) for d in docs for what, v in d.identity.items()]
    lines.append(f"identity and blanks differing from the gold: {len(identity)}")
    lines += [f"  {name}: {what} gold {v[0]!r}, found {v[1]!r}" for name, what, v in identity]
    misses = Counter(shape(f) for d in docs for f in d.missed_figures)
    lines.append("figures missed, by shape:" + ("" if misses else " none"))
    lines += [f"  {n:3d}  {s}" for s, n in misses.most_common()]
    missed = [(d.name, p) for d in docs for p in d.missed_problems]
    lines.append(f"problems missed: {len(missed)}")
    lines += [f"  {name}: {p['severity']} {p['rule']} 「{p['quote']}」" for name, p in missed]
    if verbose:
        lines += _details(docs)
    return "\n".join(lines)


def _details(docs: list[DocumentScore]) -> list[str]:
    lines = []
    by_doc = defaultdict(list)
    for d in docs:
        by_doc[d.name] += [f"  missed  {f['kind']} {figure_key(f)} 「{f['quote']}」" for f in d.missed_figures]
        by_doc[d.name] += [f"  extra   {f['kind']} {figure_key(f)} 「{f['quote']}」" for f in d.extra_figures]
        by_doc[d.name] += [f"  extra problem: {p}" for p in d.extra_problems]
    for name, items in by_doc.items():
        if items:
            lines.append(name)
            lines += items
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list every missed and extra figure and problem")
    parser.add_argument("--only", help="documents whose name starts with this (e.g. 012)")
    args = parser.parse_args(argv)
    print(report(evaluate(args.corpus, args.only), args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
