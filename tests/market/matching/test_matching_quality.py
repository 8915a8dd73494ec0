"""Matching quality on the labelled evaluation set, computed for real on every run.

Measured when the floors were set (python -m kechuang.market.matching.evaluate):
engine recall@10 0.8634, nDCG@10 0.8648; BM25 alone 0.8145 and 0.8257. The floors sit just
below: a change that loses quality fails here.
"""

from __future__ import annotations

import json

import pytest

from kechuang.market.matching import engine, evaluate
from kechuang.market.matching.evalset import build

RECALL_FLOOR = 0.85
NDCG_FLOOR = 0.85


@pytest.fixture(scope="module")
def data() -> evaluate.EvalSet:
    return evaluate.load()


@pytest.fixture(scope="module")
def index(data) -> engine.Index:
    return engine.Index(data.achievements)


def test_the_set_is_large_enough_and_labelled(data):
    assert data.pairs >= 200
    assert len(data.demands) >= 200
    keys = {a.key for a in data.achievements}
    for demand in data.demands:
        grades = data.relevant[demand.key]
        assert 2 in grades.values(), "every demand has a mature relevant achievement"
        assert set(grades) <= keys


def test_the_committed_file_is_what_the_generator_writes():
    committed = json.loads(evaluate.EVALSET.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(build.generate(), ensure_ascii=False))


def test_engine_holds_the_quality_floor(data, index):
    m = evaluate.evaluate(data, engine.FOR_DEMAND, index)
    assert m.queries == len(data.demands)
    assert m.recall >= RECALL_FLOOR, m
    assert m.ndcg >= NDCG_FLOOR, m


def test_structured_signals_add_to_bm25_alone(data, index):
    with_signals = evaluate.evaluate(data, engine.FOR_DEMAND, index)
    text_only = evaluate.evaluate(data, engine.TEXT_ONLY, index)
    assert with_signals.ndcg > text_only.ndcg + 0.02, (with_signals, text_only)
    assert with_signals.recall > text_only.recall + 0.02, (with_signals, text_only)


def test_metrics_on_known_rankings():
    grades = {1: 2, 2: 1}
    assert evaluate.recall_at([1, 2, 3], grades) == 1.0
    assert evaluate.recall_at([3, 1], grades) == 0.5
    assert evaluate.ndcg_at([1, 2], grades) == 1.0
    assert evaluate.ndcg_at([2, 1], grades) < 1.0
    assert evaluate.ndcg_at([9] * 10 + [1, 2], grades) == 0.0  # beyond the cut-off
    assert evaluate.ndcg_at([], {}) == 0.0
