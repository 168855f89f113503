"""The audit against its yardstick: bench/audit_accuracy.py over tests/audit_corpus, held to the
issue's thresholds (figures: recall ≥ 95%, precision ≥ 99%; every planted problem found,
problems' precision ≥ 98%; no error finding on a correct figure)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "audit_accuracy.py"


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("audit_accuracy", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module, module.evaluate()


def test_no_false_alarm(score):
    _, s = score
    assert s.false_alarms == []


def test_figures_are_read(score):
    module, s = score
    assert s.figure_recall >= 0.95, module.report(s, verbose=True)
    assert s.figure_precision >= 0.99, module.report(s, verbose=True)


def test_every_planted_problem_is_found(score):
    module, s = score
    assert s.problem_recall == 1.0, module.report(s)
    assert s.problem_precision >= 0.98, module.report(s, verbose=True)


def test_units_years_and_blank_cells_as_the_gold_says(score):
    _, s = score
    assert {d.name: d.identity for d in s.documents if d.identity} == {}


def test_matching_is_strict_enough_to_fail(score):
    """The yardstick itself: a figure with another value, or quoting other words, does not match."""
    module, _ = score
    gold = {"kind": "count", "value": 3, "quote": "不予处理3件"}
    assert module.pair([gold], [{"kind": "count", "value": 3, "quote": "其他处理3件"}], module.figure_key,
                       lambda f: f["quote"]) == []  # fmt: skip
    assert module.pair([gold], [{"kind": "count", "value": 4, "quote": "不予处理3件"}], module.figure_key,
                       lambda f: f["quote"]) == []  # fmt: skip
    assert module.pair([gold], [{"kind": "count", "value": 3, "quote": "因重复申请不予处理3件"}], module.figure_key,
                       lambda f: f["quote"]) == [(0, 0)]  # fmt: skip
