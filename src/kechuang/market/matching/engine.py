"""Technology supply–demand matching, the pure core: records in, ranked and explained results out.

No Django here. Text is segmented with rjieba and ranked with BM25 (bm25s builds the sparse
term × document score matrix; a query sums the columns of its terms). The BM25 score, taken
relative to the best text match of the query, is combined with structured signals of the pair:

- field     the two records are in the same technology field (core.TechField);
- industry  how much the enterprise's GB/T 4754 division takes up results of the achievement's
            field (`data/signals.toml`, the project's own table);
- maturity  the achievement's TRL (an enterprise needs something it can use);
- budget    the demand's budget against the usual amount of a transfer at that TRL;
- deadline  the demand is still open on `today`.

A candidate must share at least one term with the query. Every result carries the shared terms
with their BM25 contributions and each component's value and weight, so a page can say why.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import rjieba

# bm25s logs every index build at DEBUG to its own handler: keep rebuilds out of the server log.
logging.getLogger("bm25s").setLevel(logging.WARNING)

SIGNALS_FILE = Path(__file__).resolve().parent / "data" / "signals.toml"
K1, B = 1.2, 0.75
TERMS_SHOWN = 8
_NO_DEADLINE = date.max.toordinal()

# Function words and the boilerplate of achievement and demand write-ups: they carry no subject.
_STOPWORDS_TEXT = """
的 了 和 与 及 或 等 在 对 为 是 将 把 被 从 以 于 其 之 并
也 而 且 由 向 可 能 中 上 下 个 该 本 我 我们 公司 我公司 企业
单位 一种 一个 进行 通过 基于 具有 采用 用于 实现 提高 提升 开展
研究 研发 开发 技术 关键 相关 问题 方面 需要 希望 要求 达到 以上
以下 形成 目前 已 已经 完成 项目 方法 方案 情况 主要 影响 水平 国内
国际 先进 领先 合作 引进 解决 能力 领域 应用 面向 针对 存在 现有
不能 难以 获 获得 取得 成果 团队 新 有效 显著 明显 左右 不 超过
一年 内 拟 项 家 篇 提供 依据 方向 成套 推广 建立 提出 结合 围绕
兼顾 用 到 较 很 越来越 随着 找到 落地 满足 客户
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff]")
_NUMBER = re.compile(r"^[0-9.%]+$")


def tokenize(text: str) -> list[str]:
    """Search-mode segmentation (a compound also yields its parts), lower case, no stopwords."""
    out = []
    for token in rjieba.cut_for_search(text.lower()):
        token = token.strip()
        if (
            token
            and token not in STOPWORDS
            and _WORDLIKE.search(token)
            and not _NUMBER.match(token)
        ):
            out.append(token)
    return out


def tokenize_many(texts: Iterable[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]


def achievement_text(title: str, keywords: str, abstract: str) -> str:
    # The title and keywords say what the result is; repeating the title weighs it double.
    return f"{title}\n{title}\n{keywords}\n{abstract}"


def demand_text(title: str, problem: str, targets: str) -> str:
    return f"{title}\n{title}\n{problem}\n{targets}"


@dataclass(frozen=True, slots=True)
class Item:
    """One record to match: an achievement (field, TRL) or a demand (field, industry, budget…)."""

    key: int
    text: str
    field: str | None = None
    industry: str | None = None  # GB/T 4754 division of the enterprise, e.g. "39"
    trl: int | None = None
    budget: Decimal | None = None  # yuan
    deadline: date | None = None


@dataclass(frozen=True)
class Signals:
    """The structured knowledge matching uses: field → division affinity, deal size by TRL."""

    affinity: dict[str, dict[str, float]]
    deal_size: dict[int, Decimal]

    @classmethod
    def load(cls, path: Path = SIGNALS_FILE) -> Signals:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        affinity = {
            code: {div: float(w) for div, w in spec["divisions"].items()}
            for code, spec in raw["fields"].items()
        }
        deal = {int(trl): Decimal(str(amount)) for trl, amount in raw["deal_size"].items()}
        return cls(affinity, deal)

    def industry_affinity(self, field: str | None, division: str | None) -> float:
        if not field or not division:
            return 0.0
        return self.affinity.get(field, {}).get(division, 0.0)


@cache
def default_signals() -> Signals:
    return Signals.load()


@dataclass(frozen=True)
class Weights:
    """How much each component counts; a zero weight leaves it out of the explanation."""

    text: float = 0.55
    field: float = 0.2
    industry: float = 0.1
    maturity: float = 0.1
    budget: float = 0.05
    deadline: float = 0.0

    def items(self) -> list[tuple[str, float]]:
        return [(name, getattr(self, name)) for name in COMPONENTS]


COMPONENTS = ("text", "field", "industry", "maturity", "budget", "deadline")
# Achievements for a demand: the deadline is the demand's own, the same for every candidate.
FOR_DEMAND = Weights()
# Demands for an achievement: the achievement's TRL is fixed; a demand past its deadline sinks.
FOR_ACHIEVEMENT = Weights(maturity=0.0, deadline=0.1)
TEXT_ONLY = Weights(text=1.0, field=0.0, industry=0.0, maturity=0.0, budget=0.0, deadline=0.0)


@dataclass(frozen=True)
class Term:
    term: str
    score: float  # its share of the BM25 score


@dataclass(frozen=True)
class Component:
    name: str
    value: float  # 0..1
    weight: float

    @property
    def contribution(self) -> float:
        return round(self.value * self.weight, 4)


@dataclass(frozen=True)
class Match:
    key: int
    score: float
    bm25: float
    terms: tuple[Term, ...]
    components: tuple[Component, ...]
    field_match: bool
    industry_affinity: float

    def component(self, name: str) -> Component | None:
        return next((c for c in self.components if c.name == name), None)


Allow = Callable[[list[int]], Collection[int]]


class Index:
    """A BM25 index of items with their structured columns, searched by another item."""

    def __init__(
        self,
        items: Sequence[Item],
        *,
        tokens: Sequence[Sequence[str]] | None = None,
        signals: Signals | None = None,
    ) -> None:
        self.signals = signals or default_signals()
        self.items = tuple(items)
        n = len(self.items)
        toks = tokens if tokens is not None else tokenize_many(i.text for i in self.items)
        self.keys = np.fromiter((i.key for i in self.items), dtype=np.int64, count=n)
        codes = sorted({*self.signals.affinity, *(i.field for i in self.items if i.field)})
        self._field_no = {code: no for no, code in enumerate(codes, start=1)}
        self._affinity = np.zeros((len(codes) + 1, 100), dtype=np.float64)
        for code, divisions in self.signals.affinity.items():
            for div, weight in divisions.items():
                self._affinity[self._field_no[code], _division_no(div)] = weight
        self._deal = np.full(10, np.nan)
        for trl, amount in self.signals.deal_size.items():
            self._deal[trl] = float(amount)
        self._field = np.array([self._field_no.get(i.field or "", 0) for i in self.items], np.int16)
        self._industry = np.array([_division_no(i.industry) for i in self.items], np.int16)
        self._trl = np.array([i.trl or 0 for i in self.items], np.int16)
        self._budget = np.array(
            [float(i.budget) if i.budget is not None else np.nan for i in self.items], np.float64
        )
        self._deadline = np.array(
            [i.deadline.toordinal() if i.deadline else _NO_DEADLINE for i in self.items], np.int64
        )
        self._vocab: dict[str, int] = {}
        self._words: list[str] = []
        if n:
            bm25 = bm25s.BM25(k1=K1, b=B)
            bm25.index([list(t) for t in toks], show_progress=False)
            self._data = bm25.scores["data"]
            self._indices = bm25.scores["indices"]
            self._indptr = bm25.scores["indptr"]
            self._vocab = {w: i for w, i in bm25.vocab_dict.items() if w}
            self._words = [""] * len(bm25.vocab_dict)
            for w, i in bm25.vocab_dict.items():
                self._words[i] = w
        self._position = {int(k): p for p, k in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, key: int) -> bool:
        return key in self._position

    def search(
        self,
        query: Item,
        *,
        k: int = 10,
        weights: Weights = FOR_DEMAND,
        today: date | None = None,
        exclude: Iterable[int] = (),
        allow: Allow | None = None,
        query_tokens: Sequence[str] | None = None,
    ) -> list[Match]:
        """The best `k` items for `query`. `allow` (keys → the allowed ones) filters lazily,
        widening the pool until `k` are found or the candidates run out."""
        if not self.items or k <= 0:
            return []
        ids = self._query_ids(query_tokens if query_tokens is not None else tokenize(query.text))
        if not ids:
            return []
        postings = self._postings(ids)
        bm25 = np.bincount(postings[0], weights=postings[1], minlength=len(self.items))
        candidates = np.flatnonzero(bm25 > 0)
        for key in exclude:
            p = self._position.get(key)
            if p is not None:
                candidates = candidates[candidates != p]
        if not candidates.size:
            return []
        columns = self._components(query, bm25[candidates], candidates, today or date.today())
        total = np.zeros(candidates.size)
        for name, w in weights.items():
            if w:
                total += columns[name] * w
        chosen = self._best(candidates, total, k, allow)
        words = self._shared_terms(postings, candidates[chosen])
        out = []
        for c in chosen:
            p = int(candidates[c])
            parts = tuple(
                Component(name, round(float(columns[name][c]), 4), w)
                for name, w in weights.items()
                if w
            )
            out.append(
                Match(
                    key=int(self.keys[p]),
                    score=round(float(total[c]), 4),
                    bm25=round(float(bm25[p]), 4),
                    terms=words.get(p, ()),
                    components=parts,
                    field_match=bool(columns["field"][c]),
                    industry_affinity=round(float(columns["industry"][c]), 4),
                )
            )
        return out

    # --- internals ------------------------------------------------------------------------

    def _query_ids(self, tokens: Sequence[str]) -> list[int]:
        # Each query term once: a word the demand repeats is not worth more than once.
        return list(dict.fromkeys(self._vocab[t] for t in tokens if t in self._vocab))

    def _postings(self, ids: list[int]) -> tuple[Any, Any, Any]:
        """(document, BM25 contribution, term) of every posting of the query's terms."""
        starts, ends = self._indptr[ids], self._indptr[np.array(ids) + 1]
        docs = np.concatenate([self._indices[s:e] for s, e in zip(starts, ends, strict=True)])
        scores = np.concatenate([self._data[s:e] for s, e in zip(starts, ends, strict=True)])
        terms = np.repeat(np.array(ids, dtype=np.int64), ends - starts)
        return docs, scores, terms

    def _components(self, q: Item, bm25: Any, pos: Any, today: date) -> dict[str, Any]:
        top = float(bm25.max())
        qf = self._field_no.get(q.field or "", 0)
        fields = self._field[pos]
        trl = np.where(self._trl[pos] > 0, self._trl[pos], q.trl or 0)
        budget = self._budget[pos]
        if q.budget is not None:
            budget = np.where(np.isnan(budget), float(q.budget), budget)
        deal = self._deal[np.clip(trl, 0, 9)]
        with np.errstate(invalid="ignore"):
            fit = np.clip(budget / deal, 0.0, 1.0)
        deadline = self._deadline[pos]
        if q.deadline is not None:
            deadline = np.minimum(deadline, q.deadline.toordinal())
        return {
            "text": bm25 / top if top > 0 else bm25,
            "field": ((fields == qf) & (qf > 0)).astype(np.float64),
            # Either side may be the enterprise: the demand's division against the other's field.
            "industry": np.maximum(
                self._affinity[qf, self._industry[pos]],
                self._affinity[fields, _division_no(q.industry)],
            ),
            "maturity": np.where(trl > 0, (trl - 1) / 8.0, 0.0),
            "budget": np.where(np.isnan(fit), 0.5, fit),
            "deadline": (deadline >= today.toordinal()).astype(np.float64),
        }

    def _best(self, candidates: Any, total: Any, k: int, allow: Allow | None) -> list[int]:
        """Indexes into `candidates` of the best k allowed, best first (ties by position)."""
        n = len(candidates)
        want = min(n, k if allow is None else k * 4)
        allowed: dict[int, bool] = {}
        while True:
            part = np.argpartition(-total, want - 1)[:want] if want < n else np.arange(n)
            order = part[np.lexsort((candidates[part], -total[part]))]
            if allow is None:
                return [int(c) for c in order[:k]]
            unknown = [int(c) for c in order if int(c) not in allowed]
            if unknown:
                ok = set(allow([int(self.keys[candidates[c]]) for c in unknown]))
                for c in unknown:
                    allowed[c] = int(self.keys[candidates[c]]) in ok
            chosen = [int(c) for c in order if allowed[int(c)]][:k]
            if len(chosen) >= k or want >= n:
                return chosen
            want = min(n, want * 4)

    def _shared_terms(
        self, postings: tuple[Any, Any, Any], chosen: Any
    ) -> dict[int, tuple[Term, ...]]:
        docs, scores, terms = postings
        keep = np.isin(docs, chosen)
        found: dict[int, list[Term]] = {}
        for d, s, t in zip(docs[keep], scores[keep], terms[keep], strict=True):
            found.setdefault(int(d), []).append(Term(self._words[int(t)], round(float(s), 4)))
        return {
            d: tuple(sorted(ts, key=lambda x: (-x.score, x.term))[:TERMS_SHOWN])
            for d, ts in found.items()
        }


def _division_no(code: str | None) -> int:
    """GB/T 4754 division "01".."97" as a column number; 0 when unknown."""
    if code and code.isdigit() and 0 < int(code) < 100:
        return int(code)
    return 0
