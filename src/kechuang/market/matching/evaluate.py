"""Quality of the matching engine on the labelled evaluation set (evalset/README.md).

    python -m kechuang.market.matching.evaluate

Prints recall@10 and nDCG@10 of the engine (text + structured signals) and of BM25 alone.
Pure: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kechuang.market.matching import engine

EVALSET = Path(__file__).resolve().parent / "evalset" / "evalset.json"
K = 10


@dataclass(frozen=True)
class EvalSet:
    achievements: list[engine.Item]
    demands: list[engine.Item]
    relevant: dict[int, dict[int, int]]  # demand → achievement → grade (1 or 2)
    as_of: dt.date

    @property
    def pairs(self) -> int:
        return sum(len(v) for v in self.relevant.values())


@dataclass(frozen=True)
class Metrics:
    recall: float
    ndcg: float
    queries: int


def load(path: Path = EVALSET) -> EvalSet:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    achievements = [
        engine.Item(
            key=a["key"],
            text=engine.achievement_text(a["title"], a["keywords"], a["abstract"]),
            field=a["field"],
            trl=a["trl"],
        )
        for a in raw["achievements"]
    ]
    demands = [
        engine.Item(
            key=d["key"],
            text=engine.demand_text(d["title"], d["problem"], d["targets"]),
            field=d["field"],
            industry=d["industry"],
            budget=Decimal(d["budget"]) if d["budget"] else None,
            deadline=dt.date.fromisoformat(d["deadline"]),
        )
        for d in raw["demands"]
    ]
    relevant = {
        int(d): {int(a): g for a, g in grades.items()} for d, grades in raw["relevant"].items()
    }
    return EvalSet(achievements, demands, relevant, dt.date.fromisoformat(raw["as_of"]))


def recall_at(ranked: Sequence[int], grades: Mapping[int, int], k: int = K) -> float:
    relevant = {key for key, g in grades.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def ndcg_at(ranked: Sequence[int], grades: Mapping[int, int], k: int = K) -> float:
    """Graded gain 2^g − 1, discounted by log2(rank + 1); 1.0 is the ideal order."""

    def dcg(gains: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(key, 0) for key in ranked]) / ideal if ideal else 0.0


def evaluate(
    data: EvalSet, weights: engine.Weights, index: engine.Index | None = None, k: int = K
) -> Metrics:
    index = index or engine.Index(data.achievements)
    recall = ndcg = 0.0
    for demand in data.demands:
        ranked = [m.key for m in index.search(demand, k=k, weights=weights, today=data.as_of)]
        grades = data.relevant[demand.key]
        recall += recall_at(ranked, grades, k)
        ndcg += ndcg_at(ranked, grades, k)
    n = len(data.demands)
    return Metrics(round(recall / n, 4), round(ndcg / n, 4), n)


def main() -> None:
    data = load()
    index = engine.Index(data.achievements)
    print(
        f"evaluation set: {len(data.achievements)} achievements, {len(data.demands)} demands, "
        f"{data.pairs} labelled pairs"
    )
    for name, weights in (("BM25 only", engine.TEXT_ONLY), ("engine", engine.FOR_DEMAND)):
        m = evaluate(data, weights, index)
        print(f"{name:<10} recall@{K} {m.recall:.4f}  nDCG@{K} {m.ndcg:.4f}")


if __name__ == "__main__":
    main()
