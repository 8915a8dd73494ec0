"""The state one demo build passes from stage to stage."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from kechuang.demo import bulk
from kechuang.demo.firms import Firm
from kechuang.demo.geo import Geo
from kechuang.demo.naming import CodeBook
from kechuang.demo.sectors import Sectors
from kechuang.demo.targets import Targets


@dataclass(frozen=True)
class PilotBase:
    name: str
    city: str
    county: str
    approved_on: dt.date


@dataclass
class Context:
    seed: int
    scale: float
    targets: Targets
    now: dt.datetime  # stamped on every row, so that rebuilding gives identical rows
    geo: Geo
    sectors: Sectors
    codes: CodeBook
    out: Callable[[str], None] = print
    counts: dict[str, int] = field(default_factory=dict)
    firms: list[Firm] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)  # key of anchors.csv -> id
    institutions: dict[str, int] = field(default_factory=dict)  # key -> id
    institution_city: dict[int, str] = field(default_factory=dict)
    provincial_labs: list[int] = field(default_factory=list)
    national_key_labs: list[int] = field(default_factory=list)
    pilot_bases: list[PilotBase] = field(default_factory=list)
    banks: dict[str, int] = field(default_factory=dict)  # short name -> id
    services: dict[str, list[int]] = field(default_factory=dict)  # kind -> ids
    platform_host: dict[int, int | None] = field(default_factory=dict)  # platform -> institution
    written: list[type[models.Model]] = field(default_factory=list)
    _by_city: dict[str, dict[str, list[Firm]]] = field(default_factory=dict, repr=False)

    def rng(self, stage: str) -> random.Random:
        """One stream per stage: a change in one stage leaves the others' data as it was."""
        return random.Random(f"kechuang-demo:{self.seed}:{stage}")

    def insert(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        n = bulk.insert(model, columns, rows, now=self.now)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + n
        if model not in self.written:
            self.written.append(model)
        return n

    def firms_in(self, city: str, sections: str = "CIM") -> list[Firm]:
        """Generated (not named) firms of `city` in `sections`; the province's if it has none."""
        if sections not in self._by_city:
            index: dict[str, list[Firm]] = {"*": []}
            for f in self.firms:
                if not f.anchor and f.section in sections:
                    index.setdefault(f.city, []).append(f)
                    index["*"].append(f)
            self._by_city[sections] = index
        index = self._by_city[sections]
        return index.get(city) or index["*"] or self.firms
