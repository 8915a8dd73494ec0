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

from kechuang.market.matching.text import (
    STOPWORDS,
    achievement_text,
    demand_text,
    tokenize,
    tokenize_many,
)

__all__ = [
    "COMPONENTS",
    "FOR_ACHIEVEMENT",
    "FOR_DEMAND",
    "STOPWORDS",
    "TEXT_ONLY",
    "Component",
    "Index",
    "Item",
    "Match",
    "Signals",
    "Term",
    "Weights",
    "achievement_text",
    "default_signals",
    "demand_text",
    "tokenize",
    "tokenize_many",
]

# bm25s logs every index build at DEBUG to its own handler: keep rebuilds out of the server log.
logging.getLogger("bm25s").setLevel(logging.WARNING)

SIGNALS_FILE = Path(__file__).resolve().parent / "data" / "signals.toml"
K1, B = 1.2, 0.75
TERMS_SHOWN = 8
_NO_DEADLINE = date.max.toordinal()


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
            _sort_columns(self._indices, self._data, self._indptr)
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
        bm25 = self._bm25(ids)
        candidates = np.flatnonzero(bm25 > 0)
        gone = [self._position[key] for key in exclude if key in self._position]
        if gone:
            candidates = candidates[~np.isin(candidates, gone)]
        if not candidates.size:
            return []
        ranking = _Ranking(self, query, weights, today or date.today(), bm25, candidates)
        chosen = candidates[self._best(ranking, k, allow)]
        columns = ranking.columns(chosen)
        total = ranking.total(columns)
        words = self._shared_terms(ids, chosen)
        out = []
        for i, p in enumerate(chosen):
            parts = tuple(
                Component(name, round(float(columns[name][i]), 4), w)
                for name, w in weights.items()
                if w
            )
            out.append(
                Match(
                    key=int(self.keys[p]),
                    score=round(float(total[i]), 4),
                    bm25=round(float(bm25[p]), 4),
                    terms=words.get(int(p), ()),
                    components=parts,
                    field_match=bool(columns["field"][i]),
                    industry_affinity=round(float(columns["industry"][i]), 4),
                )
            )
        return out

    # --- internals ------------------------------------------------------------------------

    def _query_ids(self, tokens: Sequence[str]) -> list[int]:
        # Each query term once: a word the demand repeats is not worth more than once.
        return list(dict.fromkeys(self._vocab[t] for t in tokens if t in self._vocab))

    def _bm25(self, ids: list[int]) -> Any:
        """The BM25 score of every item: the sum of the query terms' columns of the matrix."""
        spans = [(self._indptr[t], self._indptr[t + 1]) for t in ids]
        docs = np.concatenate([self._indices[a:b] for a, b in spans])
        scores = np.concatenate([self._data[a:b] for a, b in spans])
        return np.bincount(docs, weights=scores, minlength=len(self.items))

    def _best(self, ranking: _Ranking, k: int, allow: Allow | None) -> list[int]:
        """Indexes into the candidates of the best k allowed, best first (ties by position)."""
        n = ranking.size
        want = min(n, k if allow is None else k * 4)
        allowed: dict[int, bool] = {}
        while True:
            order = ranking.top(want)
            if allow is None:
                return [int(c) for c in order[:k]]
            unknown = [int(c) for c in order if int(c) not in allowed]
            if unknown:
                keys = [int(self.keys[ranking.candidates[c]]) for c in unknown]
                ok = set(allow(keys))
                for c, key in zip(unknown, keys, strict=True):
                    allowed[c] = key in ok
            chosen = [int(c) for c in order if allowed[int(c)]][:k]
            if len(chosen) >= k or want >= n:
                return chosen
            want = min(n, want * 4)

    def _shared_terms(self, ids: list[int], chosen: Any) -> dict[int, tuple[Term, ...]]:
        """Each chosen item's query terms with their BM25 contributions, largest first."""
        found: dict[int, list[Term]] = {}
        targets = np.sort(chosen)
        for t in ids:
            a, b = self._indptr[t], self._indptr[t + 1]
            column = self._indices[a:b]  # item positions, ascending (checked at build)
            at = np.minimum(np.searchsorted(column, targets), b - a - 1)
            for pos, j in zip(targets, at, strict=True):
                if column[j] == pos:
                    term = Term(self._words[t], round(float(self._data[a + j]), 4))
                    found.setdefault(int(pos), []).append(term)
        return {
            d: tuple(sorted(ts, key=lambda x: (-x.score, x.term))[:TERMS_SHOWN])
            for d, ts in found.items()
        }


class _Ranking:
    """The components and totals of one query's candidates, computed only where needed.

    The text component is known for every candidate; the others are bounded by 1 each. To rank
    the best `want`, the best `want` by text give a floor for the want-th total, and only the
    candidates whose text score can still reach that floor get their components computed —
    the same order as scoring every candidate, at a fraction of the cost.
    """

    PRUNE_FROM = 2048

    def __init__(
        self, index: Index, q: Item, weights: Weights, today: date, bm25: Any, candidates: Any
    ) -> None:
        self.index, self.q, self.weights, self.today = index, q, weights, today
        self.candidates = candidates
        self.size = int(candidates.size)
        top = float(bm25[candidates].max())
        self.text = bm25[candidates] / top
        self.slack = sum(w for name, w in weights.items() if name != "text")

    def columns(self, pos: Any, text: Any = None) -> dict[str, Any]:
        ix, q = self.index, self.q
        qf = ix._field_no.get(q.field or "", 0)
        fields = ix._field[pos]
        trl = np.where(ix._trl[pos] > 0, ix._trl[pos], q.trl or 0)
        budget = ix._budget[pos]
        if q.budget is not None:
            budget = np.where(np.isnan(budget), float(q.budget), budget)
        with np.errstate(invalid="ignore"):
            fit = np.clip(budget / ix._deal[np.clip(trl, 0, 9)], 0.0, 1.0)
        deadline = ix._deadline[pos]
        if q.deadline is not None:
            deadline = np.minimum(deadline, q.deadline.toordinal())
        if text is None:
            text = self.text[np.searchsorted(self.candidates, pos)]
        return {
            "text": text,
            "field": ((fields == qf) & (qf > 0)).astype(np.float64),
            # Either side may be the enterprise: the demand's division against the other's field.
            "industry": np.maximum(
                ix._affinity[qf, ix._industry[pos]],
                ix._affinity[fields, _division_no(q.industry)],
            ),
            "maturity": np.where(trl > 0, (trl - 1) / 8.0, 0.0),
            "budget": np.where(np.isnan(fit), 0.5, fit),
            "deadline": (deadline >= self.today.toordinal()).astype(np.float64),
        }

    def total(self, columns: dict[str, Any]) -> Any:
        total = np.zeros(len(columns["text"]))
        for name, w in self.weights.items():
            if w:
                total += columns[name] * w
        return total

    def _totals(self, sub: Any) -> Any:
        return self.total(self.columns(self.candidates[sub], self.text[sub]))

    def top(self, want: int) -> Any:
        """Indexes into the candidates of the best `want`, best first, ties by position."""
        n = self.size
        if want >= n or n <= self.PRUNE_FROM:
            sub = np.arange(n)
        else:
            seed = np.argpartition(-self.text, want - 1)[:want]
            floor = float(self._totals(seed).min())
            reach = self.weights.text * self.text + self.slack
            sub = np.flatnonzero(reach >= floor - 1e-9)
        total = self._totals(sub)
        m = min(want, sub.size)
        if m < sub.size:
            # Every candidate tied with the m-th stays in, so that ties go by position.
            kth = total[np.argpartition(-total, m - 1)[m - 1]]
            part = np.flatnonzero(total >= kth)
        else:
            part = np.arange(sub.size)
        order = part[np.lexsort((sub[part], -total[part]))][:m]
        return sub[order]


def _sort_columns(indices: Any, data: Any, indptr: Any) -> None:
    """Items ascending within each term's column (bm25s builds them so; made sure here),
    so that explaining a match is a binary search per term."""
    down = np.flatnonzero(np.diff(indices) <= 0) + 1
    if np.isin(down, indptr).all():
        return
    column = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    order = np.lexsort((indices, column))
    indices[:] = indices[order]
    data[:] = data[order]


def _division_no(code: str | None) -> int:
    """GB/T 4754 division "01".."97" as a column number; 0 when unknown."""
    if code and code.isdigit() and 0 < int(code) < 100:
        return int(code)
    return 0
