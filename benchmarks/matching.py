"""Matching over 100,000 achievements: index build time and top-10 query latency.

Generates BENCH_ACHIEVEMENTS achievements (100–200 characters each, from the per-field
vocabulary of the evaluation set) and BENCH_QUERIES demands, then times

- the index build: segmentation with rjieba, then the BM25 matrix and the structured columns
  (goal ≤ 10 s); and the rebuild from cached tokens, which is what a change costs a process;
- top-10 searches with all signals, segmentation of the demand included (goal p95 ≤ 10 ms).

Baselines measured in the same run: a plain-Python BM25 scorer in the manner of rank-bm25
(a term-frequency dict per document, every document scored for every query) over the same
tokens, on a sample of queries; and jieba instead of rjieba on a sample of texts, when jieba
is installed. No database is involved: the engine is pure.

    python -m benchmarks matching
    BENCH_ACHIEVEMENTS=20000 python -m benchmarks matching
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import statistics
import time
from collections import Counter
from decimal import Decimal
from typing import Any

from kechuang.market.matching import engine
from kechuang.market.matching.evalset import build
from kechuang.market.matching.evalset.vocab import SUBJECTS

N_DOCS = int(os.environ.get("BENCH_ACHIEVEMENTS", "100000"))
N_QUERIES = int(os.environ.get("BENCH_QUERIES", "1000"))
NAIVE_QUERIES = int(os.environ.get("BENCH_NAIVE_QUERIES", "20"))
JIEBA_SAMPLE = 5000
TODAY = dt.date(2024, 6, 30)


def _achievements(n: int, rng: random.Random) -> list[engine.Item]:
    items = []
    for key in range(1, n + 1):
        s = rng.choice(SUBJECTS)
        a = build.make_achievement(rng, s, mature=rng.random() < 0.6)
        abstract = a["abstract"]
        if len(a["title"]) + len(abstract) < 100:  # bring short ones into 100–200 characters
            abstract += build.make_achievement(rng, s, mature=True)["abstract"][:60]
        items.append(
            engine.Item(
                key,
                engine.achievement_text(a["title"], a["keywords"], abstract),
                field=a["field"],
                trl=a["trl"],
            )
        )
    return items


def _demands(n: int, rng: random.Random) -> list[engine.Item]:
    out = []
    for key in range(1, n + 1):
        d = build.make_demand(rng, rng.choice(SUBJECTS), rng.randrange(2))
        out.append(
            engine.Item(
                key,
                engine.demand_text(d["title"], d["problem"], d["targets"]),
                field=d["field"],
                industry=d["industry"],
                budget=Decimal(d["budget"]) if d["budget"] else None,
                deadline=dt.date.fromisoformat(d["deadline"]),
            )
        )
    return out


class NaiveBM25:
    """BM25 as rank-bm25 computes it, with bm25s's Lucene variant so the scores agree."""

    def __init__(self, corpus: list[list[str]], k1: float = engine.K1, b: float = engine.B):
        self.k1, self.b = k1, b
        self.tf = [Counter(doc) for doc in corpus]
        self.dl = [len(doc) for doc in corpus]
        self.avgdl = sum(self.dl) / len(corpus)
        df: Counter[str] = Counter()
        for doc in self.tf:
            df.update(doc.keys())
        n = len(corpus)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def top(self, query: list[str], k: int = 10) -> list[int]:
        terms = [t for t in dict.fromkeys(query) if t in self.idf]
        scores = []
        for i, (tf, dl) in enumerate(zip(self.tf, self.dl, strict=True)):
            norm = self.k1 * (1 - self.b + self.b * dl / self.avgdl)
            s = 0.0
            for t in terms:
                f = tf.get(t, 0)
                if f:
                    s += self.idf[t] * f / (f + norm)
            scores.append((s, i))
        scores.sort(key=lambda x: (-x[0], x[1]))
        return [i for s, i in scores[:k] if s > 0]


class Clock:
    """Wall and CPU seconds of a block: the machine may be shared, CPU time is the steadier."""

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def _timed(
    index: engine.Index, queries: list[engine.Item], weights: engine.Weights
) -> tuple[list[float], list[float], int]:
    wall, cpu, empty = [], [], 0
    for q in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        found = index.search(q, k=10, weights=weights, today=TODAY)
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
        empty += not found
    return wall, cpu, empty


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    rng = random.Random(2024)
    items = _achievements(N_DOCS, rng)
    demands = _demands(N_QUERIES, rng)
    lengths = [len(i.text) - len(i.text.split("\n", 1)[0]) - 1 for i in items]
    print(
        f"{N_DOCS:,} achievements ({min(lengths)}–{max(lengths)} characters, median "
        f"{statistics.median(lengths):.0f}, title counted once), {N_QUERIES:,} demand queries"
    )

    with Clock() as tok:
        tokens = engine.tokenize_many(i.text for i in items)
    with Clock() as idx:
        index = engine.Index(items, tokens=tokens)
    wall, cpu = tok.wall + idx.wall, tok.cpu + idx.cpu
    print(
        f"index build: {wall:.2f} s wall, {cpu:.2f} s CPU (segmentation {tok.wall:.2f} s / "
        f"{tok.cpu:.2f} s CPU + BM25 matrix and columns {idx.wall:.2f} s / {idx.cpu:.2f} s CPU); "
        f"goal ≤ 10 s: {'met' if wall <= 10 else 'MISSED'}"
    )
    with Clock() as rebuild:
        engine.Index(items, tokens=tokens)
    print(
        f"rebuild from cached tokens (a change in a running process): {rebuild.wall:.2f} s "
        f"wall, {rebuild.cpu:.2f} s CPU"
    )

    for q in demands[:20]:  # warm-up
        index.search(q, k=10, today=TODAY)
    latencies, cpu_ms, empty = _timed(index, demands, engine.FOR_DEMAND)
    p50, p95 = statistics.median(latencies), _pct(latencies, 95)
    print(
        f"top-10 search, all signals: p50 {p50:.2f} ms, p95 {p95:.2f} ms wall "
        f"(CPU p50 {statistics.median(cpu_ms):.2f} ms, p95 {_pct(cpu_ms, 95):.2f} ms); "
        f"{empty} queries without a match; goal p95 ≤ 10 ms: {'met' if p95 <= 10 else 'MISSED'}"
    )
    text_lat, text_cpu, _ = _timed(index, demands, engine.TEXT_ONLY)
    print(
        f"top-10 search, BM25 only:   p50 {statistics.median(text_lat):.2f} ms, "
        f"p95 {_pct(text_lat, 95):.2f} ms wall (CPU p50 {statistics.median(text_cpu):.2f} ms)"
    )

    t0 = time.perf_counter()
    naive = NaiveBM25(tokens)
    t_naive_build = time.perf_counter() - t0
    naive_lat: list[float] = []
    agree = 0
    for q in demands[:NAIVE_QUERIES]:
        t0 = time.perf_counter()
        top = naive.top(engine.tokenize(q.text))
        naive_lat.append((time.perf_counter() - t0) * 1000)
        ours = [m.key - 1 for m in index.search(q, k=10, weights=engine.TEXT_ONLY, today=TODAY)]
        agree += len(set(top) & set(ours))
    naive_p50 = statistics.median(naive_lat)
    bm25_p50 = statistics.median(text_lat)
    print(
        f"baseline, plain-Python BM25 (rank-bm25 style) over the same tokens: build "
        f"{t_naive_build:.2f} s (+ the same segmentation), query p50 {naive_p50:.0f} ms "
        f"on {NAIVE_QUERIES} queries; same top-10 for {agree / (10 * NAIVE_QUERIES):.0%} "
        f"of the results"
    )
    print(
        f"ratio: query {naive_p50 / bm25_p50:.0f}× faster than the baseline with BM25 alone, "
        f"{naive_p50 / p50:.0f}× with all signals"
    )
    _jieba(items[:JIEBA_SAMPLE], tokens[:JIEBA_SAMPLE], tok.cpu / N_DOCS)


def _jieba(sample: list[engine.Item], ours: list[list[str]], per_doc: float) -> None:
    try:
        import jieba  # type: ignore[import-not-found]
    except ImportError:
        print("baseline, jieba segmentation: jieba is not installed, skipped")
        return
    jieba.initialize()
    texts = [i.text for i in sample]
    t0 = time.perf_counter()
    cut: Any = [list(jieba.cut_for_search(t)) for t in texts]
    t = time.perf_counter() - t0
    same = sum(set(engine.tokenize("".join(c))) == set(o) for c, o in zip(cut, ours, strict=True))
    print(
        f"baseline, jieba segmentation of {len(texts):,} texts: {t:.2f} s vs rjieba "
        f"{per_doc * len(texts):.2f} s: ratio {t / (per_doc * len(texts)):.1f}× ({same} equal)"
    )
