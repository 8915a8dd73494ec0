"""Where generated organisations sit: cities, counties and high-tech zones of the province.

The weights give the skew a provincial registry shows: Shenyang and Dalian hold most
enterprises, Fuxin, Chaoyang and Benxi few; urban districts and zone districts more than
rural counties.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import accumulate

from kechuang.core.models import HighTechZone, Region
from kechuang.core.reference import SHENFU_CODE

CITY_WEIGHTS = {
    "210100": 34.0,
    "210200": 31.0,
    "210300": 6.0,
    "210400": 2.5,
    "210500": 1.2,
    "210600": 3.0,
    "210700": 4.0,
    "210800": 4.0,
    "210900": 1.2,
    "211000": 2.5,
    "211100": 3.0,
    "211200": 2.5,
    "211300": 1.3,
    "211400": 2.2,
}
COUNTY_BOOST = {
    "210112": 3.0,  # 浑南: Shenyang high-tech zone
    "210106": 1.8,  # 铁西: Shenyang's industrial district
    "210211": 2.5,  # 甘井子: Dalian high-tech zone
    "210204": 1.5,
    "210213": 1.5,
    "210804": 1.5,
    "210302": 1.3,
}
# The Shenfu zone spans Hunnan (Shenyang) and Fushun; its firms sit in these counties.
SHENFU_COUNTIES = {"210112": 4.0, "210403": 2.0, "210411": 1.5, "210402": 1.0, "210421": 1.0}
SHENYANG_ZONE = "沈阳高新技术产业开发区"


@dataclass
class Geo:
    names: dict[str, str]
    cities: list[str]
    city_cum: list[float]  # cumulative weights, so that a draw need not add them up
    counties: dict[str, list[str]]
    county_cum: dict[str, list[float]]
    zone_by_county: dict[str, int] = field(default_factory=dict)
    zone_by_city: dict[str, int] = field(default_factory=dict)
    zone_names: dict[int, str] = field(default_factory=dict)
    shenfu_zone: int | None = None

    def county(self, rng: random.Random, city: str) -> str:
        return rng.choices(self.counties[city], cum_weights=self.county_cum[city])[0]

    def city(self, rng: random.Random) -> str:
        return rng.choices(self.cities, cum_weights=self.city_cum)[0]

    def zone_for(self, rng: random.Random, city: str, county: str, share: float) -> int | None:
        """A zone for a firm in `county`; zones known only by city cover a smaller part of it."""
        if city == SHENFU_CODE:
            return self.shenfu_zone if rng.random() < min(1.0, share * 2.3) else None
        zone = self.zone_by_county.get(county)
        if zone is not None:
            return zone if rng.random() < share else None
        zone = self.zone_by_city.get(city)
        if zone is not None:
            return zone if rng.random() < share / 4 else None
        return None

    def zone_id(self, name: str) -> int | None:
        return next((k for k, v in self.zone_names.items() if v == name), None)


def _county_weight(code: str, name: str) -> float:
    base = 3.0 if name.endswith("区") else 1.2 if name.endswith("市") else 0.6
    return base * COUNTY_BOOST.get(code, 1.0)


def load() -> Geo:
    regions = list(Region.objects.values_list("code", "name", "level", "parent_id"))
    names = {code: name for code, name, _, _ in regions}
    counties: dict[str, list[str]] = {}
    weights: dict[str, list[float]] = {}
    for code, name, level, parent in regions:
        if level == Region.Level.COUNTY and parent in CITY_WEIGHTS:
            counties.setdefault(parent, []).append(code)
            weights.setdefault(parent, []).append(_county_weight(code, name))
    cities = [c for c in CITY_WEIGHTS if c in counties]
    if not cities:
        raise RuntimeError("reference regions are missing: run `kechuang migrate` first")
    shenfu = [c for c in SHENFU_COUNTIES if c in names]
    counties[SHENFU_CODE] = shenfu
    weights[SHENFU_CODE] = [SHENFU_COUNTIES[c] for c in shenfu]
    geo = Geo(
        names=names,
        cities=cities,
        city_cum=list(accumulate(CITY_WEIGHTS[c] for c in cities)),
        counties=counties,
        county_cum={c: list(accumulate(w)) for c, w in weights.items()},
    )
    for zid, name, region, city, level in HighTechZone.objects.order_by("id").values_list(
        "id", "name", "region_id", "city_id", "level"
    ):
        geo.zone_names[zid] = name
        if level == HighTechZone.Level.DEMONSTRATION:
            geo.shenfu_zone = zid
        elif region == city:
            geo.zone_by_city.setdefault(city, zid)
        else:
            geo.zone_by_county.setdefault(region, zid)
    return geo


def city_of(county: str) -> str:
    return county[:4] + "00"
