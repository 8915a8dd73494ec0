"""The matching indexes of this process, built from the database and kept fresh.

Two indexes: every achievement (searched for a demand) and every demand (searched for an
achievement), whatever their status — who may see which is decided per request, by the
selectors, over the candidates. An index is rebuilt lazily, on the first search after it went
stale:

- in this process, saving or deleting an achievement, a demand or an enterprise (whose industry
  the demands carry) marks it stale at once, and again when the transaction commits;
- changes made by other processes are noticed by a fingerprint of the table (row count, last
  `updated_at`, highest id), read at most every `MATCHING_CHECK_SECONDS` (default 5).

bm25s has no incremental insert (IDF and document lengths are global), so a change means a
rebuild; segmentation, about half of its cost, is cached per record and redone only for changed
rows. While one thread rebuilds, the others keep searching the index they have (stale for a few
seconds rather than blocked); only the very first build is waited for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Model
from django.db.models.signals import post_delete, post_save

from kechuang.market.catalogue.models import Achievement, TechDemand
from kechuang.market.matching import engine
from kechuang.registry.models import Enterprise

DEFAULT_CHECK_SECONDS = 5.0


def achievement_item(
    *, pk: int, title: str, keywords: str, abstract: str, field_id: str | None, trl: int | None
) -> engine.Item:
    return engine.Item(
        key=pk,
        text=engine.achievement_text(title, keywords, abstract),
        field=field_id,
        trl=trl,
    )


def demand_item(
    *,
    pk: int,
    title: str,
    problem: str,
    targets: str,
    field_id: str | None,
    industry_id: str | None,
    budget: Any,
    deadline: Any,
) -> engine.Item:
    return engine.Item(
        key=pk,
        text=engine.demand_text(title, problem, targets),
        field=field_id,
        industry=industry_id,
        budget=budget,
        deadline=deadline,
    )


def _achievement_rows() -> list[tuple[engine.Item, datetime]]:
    rows = Achievement.objects.order_by("pk").values_list(
        "pk", "title", "keywords", "abstract", "field_id", "trl", "updated_at"
    )
    return [
        (
            achievement_item(
                pk=pk, title=title, keywords=kw, abstract=abstract, field_id=fid, trl=trl
            ),
            updated,
        )
        for pk, title, kw, abstract, fid, trl, updated in rows
    ]


def _demand_rows() -> list[tuple[engine.Item, datetime]]:
    rows = TechDemand.objects.order_by("pk").values_list(
        "pk",
        "title",
        "problem",
        "targets",
        "field_id",
        "enterprise__industry_id",
        "budget",
        "deadline",
        "updated_at",
    )
    return [
        (
            demand_item(
                pk=pk,
                title=title,
                problem=problem,
                targets=targets,
                field_id=fid,
                industry_id=industry,
                budget=budget,
                deadline=deadline,
            ),
            updated,
        )
        for pk, title, problem, targets, fid, industry, budget, deadline, updated in rows
    ]


@dataclass
class _Slot:
    model: type[Model]
    load: Callable[[], list[tuple[engine.Item, datetime]]]
    index: engine.Index | None = None
    fingerprint: tuple[Any, ...] | None = None
    checked_at: float = 0.0
    stale: bool = True
    builds: int = 0
    tokens: dict[int, tuple[datetime, list[str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _fingerprint(self) -> tuple[Any, ...]:
        agg = self.model._default_manager.aggregate(
            n=Count("pk"), last=Max("updated_at"), top=Max("pk")
        )
        return (agg["n"], agg["last"], agg["top"])

    def get(self) -> engine.Index:
        now = time.monotonic()
        interval = float(getattr(settings, "MATCHING_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))
        if not self.stale and self.index is not None and now - self.checked_at < interval:
            return self.index
        # While another thread rebuilds, the others keep searching the index they have.
        if not self.lock.acquire(blocking=self.index is None):
            assert self.index is not None
            return self.index
        try:
            fingerprint = self._fingerprint()
            self.checked_at = time.monotonic()
            if self.stale or self.index is None or fingerprint != self.fingerprint:
                # Cleared before reading: a change landing meanwhile marks it stale again.
                self.stale = False
                self._build()
                self.fingerprint = fingerprint
            assert self.index is not None
            return self.index
        finally:
            self.lock.release()

    def _build(self) -> None:
        rows = self.load()
        tokens: dict[int, tuple[datetime, list[str]]] = {}
        for item, updated in rows:
            cached = self.tokens.get(item.key)
            if cached is not None and cached[0] == updated:
                tokens[item.key] = cached
            else:
                tokens[item.key] = (updated, engine.tokenize(item.text))
        self.tokens = tokens
        items = [item for item, _ in rows]
        self.index = engine.Index(items, tokens=[tokens[i.key][1] for i in items])
        self.builds += 1


_ACHIEVEMENTS = _Slot(Achievement, _achievement_rows)
_DEMANDS = _Slot(TechDemand, _demand_rows)


def achievement_index() -> engine.Index:
    """Every achievement of the database, for demands to search."""
    return _ACHIEVEMENTS.get()


def demand_index() -> engine.Index:
    """Every demand of the database, for achievements to search."""
    return _DEMANDS.get()


def builds() -> dict[str, int]:
    """How many times each index was built in this process (for tests and diagnostics)."""
    return {"achievements": _ACHIEVEMENTS.builds, "demands": _DEMANDS.builds}


def mark_stale(*slots: _Slot) -> None:
    for slot in slots or (_ACHIEVEMENTS, _DEMANDS):
        slot.stale = True


def _changed(slot: _Slot) -> Callable[..., None]:
    def handler(**kwargs: Any) -> None:
        mark_stale(slot)
        # Once more after commit: a rebuild between the save and the commit read the old rows.
        transaction.on_commit(lambda: mark_stale(slot))

    return handler


_on_achievement = _changed(_ACHIEVEMENTS)
_on_demand = _changed(_DEMANDS)
for _name, _signal in (("save", post_save), ("delete", post_delete)):
    _signal.connect(_on_achievement, sender=Achievement, dispatch_uid=f"matching-a-{_name}")
    _signal.connect(_on_demand, sender=TechDemand, dispatch_uid=f"matching-d-{_name}")
    _signal.connect(_on_demand, sender=Enterprise, dispatch_uid=f"matching-e-{_name}")
