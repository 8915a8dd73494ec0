"""Enterprise profiles: who they are, where, since when, how big, and what they hold.

A profile is drawn first for every firm; the statuses that must come out in exact numbers
(STAR-board listings, unicorn candidates) or in shares (high-tech certificates, listings on
other boards) are then given to firms chosen by weighted sampling, so that bigger and more
technical firms are likelier to hold them.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from kechuang.core.reference import SHENFU_CODE
from kechuang.demo.geo import Geo, city_of
from kechuang.demo.sectors import TECH_SECTIONS, Sectors, traits
from kechuang.demo.targets import Targets, TargetsError

DATA = Path(__file__).resolve().parent / "data"
STAR_OPENED = dt.date(2019, 7, 22)
BOARD_OPENED = {
    "main": dt.date(1990, 12, 19),
    "chinext": dt.date(2009, 10, 30),
    "bse": dt.date(2021, 11, 15),
    "neeq": dt.date(2013, 1, 16),
    "hk": dt.date(1995, 1, 1),
    "star": STAR_OPENED,
}
OTHER_BOARDS = {"main": 30.0, "chinext": 25.0, "neeq": 25.0, "bse": 10.0, "hk": 10.0}


@dataclass(slots=True)
class Firm:
    id: int
    city: str
    county: str
    division: str
    section: str
    founded: dt.date
    staff0: float  # staff in the first year with data
    rps: float  # revenue per staff, yuan
    growth: float  # yearly growth of revenue
    tech_share: float
    rd_intensity: float
    name: str = ""
    anchor: str = ""
    revenue0: float | None = None
    fast: bool = False
    unicorn: bool = False
    vc: bool = False
    board: str = ""
    listed_on: dt.date | None = None
    ht_from: dt.date | None = None
    ht_to: dt.date | None = None
    ht_no: str = ""
    rd_level: str = ""
    software: bool = False
    awards: list[tuple[str, int, int]] = field(default_factory=list)  # level, year, rank
    standard_years: list[int] = field(default_factory=list)
    listings: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    incident_years: list[int] = field(default_factory=list)

    @property
    def tech(self) -> bool:
        return self.section in TECH_SECTIONS


def day_between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    if b <= a:
        return a
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


def plus_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def weighted_pick(
    rng: random.Random, pool: Sequence[Firm], weights: Sequence[float], k: int
) -> list[Firm]:
    """k firms without replacement, each with probability growing with its weight."""
    if k <= 0 or not pool:
        return []
    keyed = [(math.log(rng.random() or 1e-12) / w, i) for i, w in enumerate(weights) if w > 0]
    keyed.sort(reverse=True)
    return [pool[i] for _, i in keyed[:k]]


def _founding_year_weights(last: int) -> tuple[list[int], list[float]]:
    years = list(range(1980, last + 1))
    weights = []
    for y in years:
        if y < 1995:
            w = 0.3
        elif y < 2005:
            w = 0.8
        elif y < 2010:
            w = 1.5
        else:
            w = 3.0 + 0.2 * (y - 2010)
        weights.append(w)
    weights[-1] *= 0.5  # the period's own year is only half over
    return years, weights


def anchors() -> list[dict[str, str]]:
    with (DATA / "anchors.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class FirmMaker:
    def __init__(
        self, rng: random.Random, targets: Targets, geo: Geo, sectors: Sectors, scale: float
    ) -> None:
        self.rng, self.t, self.geo, self.sectors, self.scale = rng, targets, geo, sectors, scale
        self.period = targets.period
        self.first_year = targets.fiscal_years[0]
        self.years, weights = _founding_year_weights(self.period.year)
        self.year_cum = list(accumulate(weights))

    def profile(self, fid: int, city: str, county: str, division: str, founded: dt.date) -> Firm:
        rng = self.rng
        section = self.sectors.section_of.get(division) or ""
        tr = traits(section)
        age = max(0, self.first_year - founded.year)
        older = 1 + min(age, 30) / 10
        staff0 = min(8000.0, max(2.0, rng.lognormvariate(math.log(14), 1.0) * older))
        lo, hi = tr.tech_share
        return Firm(
            id=fid,
            city=city,
            county=county,
            division=division,
            section=section,
            founded=founded,
            staff0=staff0,
            rps=tr.revenue_per_staff * rng.lognormvariate(0, 0.55),
            growth=max(-0.4, min(0.8, rng.gauss(0.06, 0.16))),
            tech_share=lo + (hi - lo) * rng.betavariate(2, 2),
            rd_intensity=min(0.6, tr.rd_intensity * rng.lognormvariate(0, 0.6)),
        )

    def random_firm(self, fid: int) -> Firm:
        rng = self.rng
        if rng.random() < float(self.t.param("shenfu_share", 0.008)):
            city = SHENFU_CODE
        else:
            city = self.geo.city(rng)
        county = self.geo.county(rng, city)
        year = rng.choices(self.years, cum_weights=self.year_cum)[0]
        end = self.period.end if year == self.period.year else dt.date(year, 12, 31)
        founded = day_between(rng, dt.date(year, 1, 1), end)
        return self.profile(fid, city, county, self.sectors.draw(rng), founded)

    def anchor_firm(self, fid: int, row: dict[str, str]) -> Firm:
        founded = dt.date.fromisoformat(row["founded_on"])
        firm = self.profile(fid, city_of(row["region"]), row["region"], row["industry"], founded)
        firm.name, firm.anchor = row["name"], row["key"]
        firm.staff0 = float(row["staff"])
        firm.revenue0 = float(row["revenue_yuan"])
        firm.growth = 0.05
        if row["board"]:
            firm.board, firm.listed_on = row["board"], dt.date.fromisoformat(row["listed_on"])
        if row["high_tech"] == "1":
            self.certify(firm, current=True)
        return firm

    def certify(self, firm: Firm, *, current: bool) -> None:
        """A three-year high-tech certificate: in force at the period's end, or run out."""
        y = self.period.year
        span = range(y - 3, y) if current else range(y - 7, y - 3)
        years = [v for v in span if v > firm.founded.year] or [y - 1 if current else y - 4]
        year = self.rng.choice(years)
        # Certificates are issued in batches at the end of the year.
        issued = day_between(self.rng, dt.date(year, 10, 1), dt.date(year, 12, 20))
        issued = max(issued, firm.founded + dt.timedelta(days=365))
        if current and issued > self.period.end:
            issued = self.period.end
        firm.ht_from = issued
        firm.ht_to = plus_years(issued, 3) - dt.timedelta(days=1)

    def make(self, n: int) -> list[Firm]:
        rows = anchors()
        firms = [self.anchor_firm(i + 1, r) for i, r in enumerate(rows)]
        for fid in range(len(firms) + 1, n + 1):
            firms.append(self.random_firm(fid))
        self.assign_statuses(firms)
        return firms

    def assign_statuses(self, firms: list[Firm]) -> None:
        rng, t, end = self.rng, self.t, self.period.end
        scale_n = len(firms)
        free = [f for f in firms if not f.anchor]

        def size(f: Firm) -> float:
            return math.log1p(f.staff0)

        star_needed = t.count("F25") - sum(1 for f in firms if f.board == "star")
        if star_needed < 0:
            raise TargetsError("F25 is smaller than the STAR-listed named enterprises")
        mature = [f for f in free if f.tech and f.founded.year <= end.year - 5]
        for f in weighted_pick(rng, mature, [size(f) ** 2 for f in mature], star_needed):
            self.list_on(f, "star")
        if sum(1 for f in firms if f.board == "star") != t.count("F25"):
            raise TargetsError("the scale is too small for F25 STAR-listed enterprises")
        n_other = round(float(t.param("other_listed", 0)) * self.scale)
        unlisted = [f for f in free if not f.board and f.founded.year <= end.year - 4]
        for f in weighted_pick(rng, unlisted, [size(f) ** 2 for f in unlisted], n_other):
            self.list_on(f, rng.choices(list(OTHER_BOARDS), list(OTHER_BOARDS.values()))[0])

        young = [
            f
            for f in free
            if not f.board and f.tech and plus_years(end, -10) < f.founded <= plus_years(end, -3)
        ]
        for f in weighted_pick(
            rng, young, [1.0] * len(young), int(t.param("unicorn_candidates", 0))
        ):
            f.unicorn = f.fast = f.vc = True
            f.staff0 = rng.uniform(150, 500)
            f.rps = rng.uniform(500_000, 900_000)
            f.growth = rng.uniform(0.55, 0.9)
        n_fast = round(float(t.param("fast_grower_share", 0.0)) * scale_n)
        growable = [f for f in free if not f.unicorn and f.founded.year >= end.year - 15]
        for f in weighted_pick(rng, growable, [3.0 if f.tech else 1.0 for f in growable], n_fast):
            f.fast = True
            f.growth = rng.uniform(0.3, 0.9)
            f.vc = f.vc or rng.random() < 0.4
        for f in free:
            if f.tech and not f.vc and f.founded.year >= end.year - 12 and rng.random() < 0.03:
                f.vc = True

        n_ht = round(float(t.param("high_tech_share", 0.0)) * scale_n) - sum(
            1 for f in firms if f.ht_from
        )
        pool = [f for f in free if f.founded <= plus_years(end, -2)]
        weights = [
            (3.0 if f.tech else 0.5)
            * (2.0 if f.fast else 1.0)
            * (4.0 if f.board else 1.0)
            * size(f)
            for f in pool
        ]
        for f in weighted_pick(rng, pool, weights, n_ht):
            self.certify(f, current=True)
        n_old = round(float(t.param("expired_high_tech_share", 0.0)) * scale_n)
        pool = [f for f in free if not f.ht_from and f.founded <= plus_years(end, -6)]
        for f in weighted_pick(rng, pool, [size(f) for f in pool], n_old):
            self.certify(f, current=False)
        self.number_certificates(firms)
        self.facts(firms)

    def list_on(self, f: Firm, board: str) -> None:
        f.board = board
        start = max(BOARD_OPENED[board], plus_years(f.founded, 3))
        f.listed_on = day_between(self.rng, start, self.period.end)
        f.staff0 *= self.rng.uniform(4, 15)

    def number_certificates(self, firms: list[Firm]) -> None:
        seq: dict[int, int] = {}
        for f in firms:
            if f.ht_from:
                y = f.ht_from.year
                seq[y] = seq.get(y, 0) + 1
                f.ht_no = f"GR{y}21{seq[y]:06d}"

    def facts(self, firms: list[Firm]) -> None:
        """R&D institutions, software certificates, awards, standards, list entries, incidents."""
        rng, y = self.rng, self.period.year
        for f in firms:
            big = math.log1p(f.staff0) / 5
            r = rng.random()
            if r < 0.003 * big * (3 if f.tech else 1):
                f.rd_level = "national"
            elif r < 0.04 * big * (2 if f.tech else 1):
                f.rd_level = "provincial"
            elif r < 0.10 * big:
                f.rd_level = "city"
            f.software = f.division == "65" and rng.random() < 0.4
            # Awards and standards come in the years the firm existed before the period.
            since = max(f.founded.year, y - 6)
            if since < y:
                if f.tech and rng.random() < 0.004 * big * 3:
                    f.awards.append(("national", rng.randrange(since, y), rng.randint(1, 5)))
                if rng.random() < 0.02 * big * (2 if f.tech else 1):
                    f.awards.append(("provincial", rng.randrange(since, y), rng.randint(1, 5)))
                if f.tech and f.founded.year >= y - 8 and rng.random() < 0.02:
                    level = "contest_national" if rng.random() < 0.2 else "contest_provincial"
                    f.awards.append((level, rng.randrange(since, y), 1))
                if rng.random() < 0.015 * big * 2:
                    f.standard_years.append(rng.randrange(since, y))
            if not f.anchor and rng.random() < 0.022:
                on = day_between(rng, max(f.founded, dt.date(y - 4, 1, 1)), self.period.end)
                off = (
                    None
                    if rng.random() < 0.4
                    else day_between(rng, on, min(self.period.end, on + dt.timedelta(days=500)))
                )
                f.listings.append((on, off))
            if not f.anchor and rng.random() < 0.003:
                f.incident_years.append(rng.randrange(max(f.founded.year, y - 4), y + 1))
