"""The pure matching engine on a small hand-made set: order, reasons, signals, filtering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.market.matching import engine
from kechuang.market.matching.engine import Item, Weights

TODAY = dt.date(2024, 6, 30)


def ach(key: int, title: str, abstract: str, field: str, trl: int = 6, kw: str = "") -> Item:
    return Item(key, engine.achievement_text(title, kw, abstract), field=field, trl=trl)


def dem(key: int, title: str, problem: str, field: str, **kw) -> Item:
    return Item(key, engine.demand_text(title, problem, ""), field=field, **kw)


ACHIEVEMENTS = [
    ach(
        1, "硅碳负极材料制备技术", "提高锂离子电池首次效率，抑制硅体积膨胀，循环寿命提升。", "05", 7
    ),
    ach(2, "高强钢控轧控冷工艺", "桥梁钢强度与焊接性兼顾的组织调控技术。", "05", 8),
    ach(
        3,
        "机器视觉缺陷检测系统",
        "卷积神经网络识别零部件表面划痕与外观瑕疵，替代人工目检。",
        "01",
        8,
    ),
    ach(4, "海参苗种繁育技术", "海参池塘养殖高温度夏成活率提升。", "09", 6),
    ach(5, "锂离子电池热失控预警", "储能电站电池管理系统的热失控早期预警。", "06", 7),
    ach(6, "钙钛矿光伏电池叠层技术", "提高光伏组件转换效率。", "06", 5),
]


@pytest.fixture(scope="module")
def index() -> engine.Index:
    return engine.Index(ACHIEVEMENTS)


def search(index: engine.Index, query: Item, **kw) -> list[engine.Match]:
    return index.search(query, today=TODAY, **kw)


def test_segmentation_drops_punctuation_numbers_and_boilerplate():
    tokens = engine.tokenize("我公司希望引进硅碳负极技术，容量提升30%以上！")
    assert "硅碳" in tokens and "负极" in tokens
    assert not {"我公司", "希望", "技术", "，", "30%", "以上", "！"} & set(tokens)


@pytest.mark.parametrize(
    ("title", "problem", "field", "expected"),
    [
        ("动力电池负极材料", "电池容量衰减快，希望引进硅碳负极技术抑制体积膨胀", "05", 1),
        ("零部件外观检测", "产线上划痕靠人工目检，漏检多，想用机器视觉自动检测", "01", 3),
        ("海参养殖成活率", "夏季高温海参死亡，池塘养殖成活率低", "09", 4),
        ("桥梁钢焊接开裂", "桥梁钢板焊接开裂，强度等级不够", "05", 2),
    ],
)
def test_the_obviously_relevant_comes_first(index, title, problem, field, expected):
    found = search(index, dem(100, title, problem, field))
    assert found[0].key == expected
    assert found[0].score > found[1].score if len(found) > 1 else True


def test_a_match_says_which_terms_it_shares_and_what_each_part_gave(index):
    query = dem(100, "电池负极", "硅碳负极体积膨胀", "05", industry="38", budget=Decimal("800000"))
    top = search(index, query)[0]
    assert top.key == 1
    terms = {t.term: t.score for t in top.terms}
    assert {"硅碳", "负极", "体积", "膨胀"} <= set(terms)
    assert all(s > 0 for s in terms.values())
    assert [t.score for t in top.terms] == sorted((t.score for t in top.terms), reverse=True)
    assert sum(terms.values()) == pytest.approx(top.bm25, rel=1e-3)
    parts = {c.name: c for c in top.components}
    assert set(parts) == {"text", "field", "industry", "maturity", "budget"}  # weight 0: left out
    assert parts["text"].value == 1.0  # the best text match of the query
    assert parts["field"].value == 1.0 and top.field_match
    # Division 38 (electrical machinery) takes up field 05 results not at all, per signals.toml.
    assert parts["industry"].value == 0.0 == top.industry_affinity
    assert parts["maturity"].value == pytest.approx((7 - 1) / 8, abs=1e-4)
    assert parts["budget"].value == pytest.approx(800000 / 2000000, abs=1e-4)  # TRL 7: 2 M
    assert top.score == pytest.approx(sum(c.value * c.weight for c in parts.values()), abs=1e-3)


def test_without_a_shared_term_nothing_matches(index):
    assert search(index, dem(100, "餐饮", "菜品口味", "11")) == []
    assert search(index, dem(100, "", "", "05")) == []


def test_field_and_industry_decide_between_texts_of_equal_weight():
    # Both mention 电池 once; the demand is an energy storage operator (field 06, division 44).
    idx = engine.Index(
        [
            ach(1, "电池外壳注塑", "电池外壳材料配方", "05", 6),
            ach(2, "电池储能调度", "电池储能电站调度", "06", 6),
        ]
    )
    query = dem(100, "电池", "电池", "06", industry="44")
    by_text = search(idx, query, weights=engine.TEXT_ONLY)
    assert {m.key for m in by_text} == {1, 2}
    found = search(idx, query)
    assert [m.key for m in found] == [2, 1]
    assert found[0].field_match and not found[1].field_match
    assert found[0].industry_affinity == 1.0  # 06 → 44 in signals.toml


def test_maturity_puts_the_usable_result_first_among_equal_texts():
    idx = engine.Index(
        [ach(1, "焊缝跟踪方法", "焊缝跟踪", "03", 2), ach(2, "焊缝跟踪方法", "焊缝跟踪", "03", 8)]
    )
    query = dem(100, "焊缝跟踪", "焊缝跟踪", "03")
    assert [m.key for m in search(idx, query)] == [2, 1]
    # Text alone cannot tell them apart: ties go by position.
    assert [m.key for m in search(idx, query, weights=engine.TEXT_ONLY)] == [1, 2]


def test_for_an_achievement_a_demand_past_its_deadline_sinks():
    demands = engine.Index(
        [
            dem(1, "海参养殖", "海参死亡", "09", deadline=TODAY - dt.timedelta(days=1)),
            dem(2, "海参养殖", "海参死亡", "09", deadline=TODAY),
            dem(3, "海参养殖", "海参死亡", "09"),  # no deadline: open
        ]
    )
    found = search(demands, ACHIEVEMENTS[3], weights=engine.FOR_ACHIEVEMENT)
    assert [m.key for m in found] == [2, 3, 1]
    deadline = {m.key: m.component("deadline") for m in found}
    assert deadline[1] is not None and deadline[1].value == 0.0
    assert deadline[2] is not None and deadline[2].value == 1.0
    assert found[0].component("maturity") is None  # not weighed in this direction


def test_budget_fit_against_the_usual_amount_at_that_maturity():
    idx = engine.Index([ach(1, "海参苗种", "海参", "09", 2), ach(2, "海参育苗", "海参", "09", 8)])
    found = {m.key: m for m in search(idx, dem(100, "海参", "海参", "09", budget=Decimal(50000)))}
    assert found[1].component("budget").value == 0.5  # type: ignore[union-attr]  # 50k of 100k
    assert found[2].component("budget").value == 0.025  # type: ignore[union-attr]  # of 2 M
    unknown = {m.key: m for m in search(idx, dem(100, "海参", "海参", "09"))}
    assert unknown[1].component("budget").value == 0.5  # type: ignore[union-attr]


def test_allow_filters_and_widens_until_enough_are_found():
    idx = engine.Index(
        [ach(i, f"焊缝跟踪{i}", "焊缝跟踪焊接机器人", "03", 6) for i in range(1, 101)]
    )
    asked: list[list[int]] = []

    def only_even(keys: list[int]) -> set[int]:
        asked.append(keys)
        return {k for k in keys if k % 2 == 0}

    found = search(idx, dem(100, "焊缝跟踪", "焊接机器人", "03"), k=30, allow=only_even)
    assert len(found) == 30 and all(m.key % 2 == 0 for m in found)
    assert len(asked) >= 1
    assert len({k for keys in asked for k in keys}) == sum(len(keys) for keys in asked)  # once
    scores = [m.score for m in found]
    assert scores == sorted(scores, reverse=True)
    assert search(idx, dem(100, "焊缝跟踪", "焊接机器人", "03"), allow=lambda keys: ()) == []


def test_exclude_leaves_the_query_itself_out(index):
    query = ACHIEVEMENTS[0]
    assert 1 in {m.key for m in search(index, query)}
    assert 1 not in {m.key for m in search(index, query, exclude=[1])}


def test_zero_weights_leave_components_out_and_an_empty_index_finds_nothing():
    idx = engine.Index(ACHIEVEMENTS)
    w = Weights(text=1.0, field=0.5, industry=0, maturity=0, budget=0, deadline=0)
    top = search(idx, dem(100, "海参", "海参", "09"), weights=w)[0]
    assert [c.name for c in top.components] == ["text", "field"]
    assert engine.Index([]).search(dem(1, "海参", "海参", "09")) == []
    assert len(idx) == 6 and 3 in idx and 99 not in idx


def test_signals_file_covers_every_field_with_real_divisions():
    signals = engine.Signals.load()
    assert sorted(signals.affinity) == [f"{i:02d}" for i in range(1, 12)]
    for divisions in signals.affinity.values():
        assert max(divisions.values()) >= 0.8
        for code, weight in divisions.items():
            assert code.isdigit() and 1 <= int(code) <= 97 and 0 < weight <= 1
    assert sorted(signals.deal_size) == list(range(1, 10))
    assert signals.industry_affinity("01", "39") == 1.0
    assert signals.industry_affinity("01", "01") == 0.0
    assert signals.industry_affinity(None, "39") == 0.0


def test_pruned_ranking_equals_scoring_every_candidate(monkeypatch):
    """Above a few thousand candidates only those whose text can still reach the k-th total
    are scored in full; the order must be the one of scoring them all."""
    import random

    from kechuang.market.matching.evalset import build
    from kechuang.market.matching.evalset.vocab import SUBJECTS

    rng = random.Random(5)
    items = []
    for key in range(1, 6001):
        a = build.make_achievement(rng, rng.choice(SUBJECTS), mature=rng.random() < 0.5)
        items.append(ach(key, a["title"], a["abstract"], a["field"], a["trl"], a["keywords"]))
    idx = engine.Index(items)
    queries = []
    for key in range(1, 41):
        d = build.make_demand(rng, rng.choice(SUBJECTS), key % 2)
        queries.append(dem(key, d["title"], d["problem"], d["field"], industry=d["industry"]))
    pruned = [search(idx, q, k=20) for q in queries]
    allowed = [search(idx, q, k=20, allow=lambda ks: {k for k in ks if k % 3}) for q in queries]
    assert max(len(found) for found in pruned) == 20
    monkeypatch.setattr(engine._Ranking, "PRUNE_FROM", 10**9)
    assert [search(idx, q, k=20) for q in queries] == pruned
    assert [search(idx, q, k=20, allow=lambda ks: {k for k in ks if k % 3}) for q in queries] == (
        allowed
    )
