"""Industries of generated enterprises (GB/T 4754-2017) and the traits that go with them.

A science-and-technology registry leans to manufacturing (C), software and IT services (I)
and research and technical services (M); within manufacturing to equipment, chemicals,
electronics and pharmaceuticals, which is where Liaoning's industrial clusters are.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from kechuang.core.models import Industry, IndustryCluster

SECTION_WEIGHTS = {
    "C": 50.0,
    "I": 17.0,
    "M": 13.0,
    "G": 4.0,
    "F": 3.0,
    "N": 2.5,
    "L": 2.0,
    "A": 2.0,
    "D": 2.0,
    "E": 1.0,
    "Q": 1.0,
    "R": 1.0,
    "B": 0.5,
    "K": 0.5,
    "O": 0.5,
}
DIVISION_BOOST = {
    "26": 3.0,
    "27": 2.5,
    "34": 4.0,
    "35": 4.0,
    "36": 2.0,
    "37": 2.5,
    "38": 3.0,
    "39": 3.0,
    "40": 2.0,
    "31": 1.5,
    "32": 1.5,
    "33": 2.0,
    "29": 1.5,
    "30": 1.5,
    "65": 6.0,
    "64": 2.0,
    "63": 1.0,
    "73": 3.0,
    "74": 3.0,
    "75": 4.0,
}
# Which clusters a division's firms may belong to (names as in core/data/clusters-liaoning.csv).
CLUSTERS = {
    "25": ("石油化工产业集群",),
    "26": ("精细化工", "化工新材料产业集群"),
    "27": ("生物医药产业集群",),
    "30": ("菱镁新材料产业集群",),
    "31": ("钢铁产业集群",),
    "32": ("先进有色金属材料",),
    "34": ("数控机床", "机器人及智能制造产业集群"),
    "35": ("机器人及智能制造产业集群", "医疗装备产业集群", "集成电路装备产业集群"),
    "36": ("汽车及零部件产业集群", "新能源汽车产业集群"),
    "37": ("航空装备", "轨道交通装备", "船舶与海洋工程装备产业集群"),
    "38": ("电力装备产业集群", "新能源产业集群"),
    "39": ("新一代信息技术产业集群",),
    "64": ("新一代信息技术产业集群", "人工智能产业集群"),
    "65": ("新一代信息技术产业集群", "人工智能产业集群"),
    "77": ("节能环保产业集群",),
    "13": ("绿色食品产业集群",),
    "14": ("绿色食品产业集群",),
}
CLUSTER_SHARE = 0.6
TECH_SECTIONS = frozenset({"C", "I", "M"})


@dataclass(frozen=True)
class Traits:
    """Medians of a section's firms: R&D intensity and the share of technical staff."""

    rd_intensity: float
    tech_share: tuple[float, float]
    revenue_per_staff: float


TRAITS = {
    "C": Traits(0.035, (0.10, 0.35), 420_000.0),
    "I": Traits(0.090, (0.35, 0.80), 320_000.0),
    "M": Traits(0.080, (0.30, 0.75), 280_000.0),
}
OTHER = Traits(0.012, (0.04, 0.20), 380_000.0)


def traits(section: str) -> Traits:
    return TRAITS.get(section, OTHER)


class Sectors:
    def __init__(self) -> None:
        rows = list(
            Industry.objects.filter(level="division")
            .order_by("code")
            .values_list("code", "parent_id")
        )
        self.section_of = {code: parent for code, parent in rows}
        self.divisions = [code for code, _ in rows]
        # A section keeps its weight; the boosts only share it out among its divisions.
        boost_sum: dict[str, float] = {}
        for code, parent in rows:
            boost_sum[parent or ""] = boost_sum.get(parent or "", 0.0) + DIVISION_BOOST.get(
                code, 1.0
            )
        self.weights = [
            SECTION_WEIGHTS.get(parent or "", 0.1)
            * DIVISION_BOOST.get(code, 1.0)
            / boost_sum[parent or ""]
            for code, parent in rows
        ]
        self.cum_weights = list(accumulate(self.weights))
        names = dict(IndustryCluster.objects.values_list("name", "id"))
        self.clusters = {d: [names[n] for n in ns if n in names] for d, ns in CLUSTERS.items()}

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.divisions, cum_weights=self.cum_weights)[0]

    def cluster(self, rng: random.Random, division: str) -> int | None:
        options = self.clusters.get(division)
        if options and rng.random() < CLUSTER_SHARE:
            return rng.choice(options)
        return None
