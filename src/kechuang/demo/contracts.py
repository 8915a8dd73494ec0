"""Registered technology contracts of the demo province (F13, F14, F34).

The turnover of each half-year is a figure of the targets file and the contracts of a half
sum to it to the cent, so that `market.contracts.stats.contract_totals` gives F13, its YoY and the
points against last year's growth (F14) from the rows alone. The full years 2021 and 2022
are generated so that the growth of 2022 over 2021 is the one the bulletin implies.

Contracts are written in bulk: the registration services work one contract at a time and
would take minutes for tens of thousands. Each row is what `contract_register_existing`
produces — status registered, accepted and registered on the same day, a number from the
office of the contract's city, one "registered" event carrying the number — and the
offices' counters are set past the numbers given out, so that later registrations through
the services continue the series.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from kechuang.core.models import TechField
from kechuang.demo.context import Context
from kechuang.market.contracts import regnumber
from kechuang.market.models import (
    ContractEvent,
    RegistrationCounter,
    RegistrationOffice,
    TechContract,
)
from kechuang.registry.models import Institution

CENT = Decimal("0.01")
DMTO_TITLE = "第三代甲醇制烯烃(DMTO-III)技术许可合同"
DMTO_SELLER = "dicp"

CONTRACT_COLS = (
    "id",
    "title",
    "type",
    "subtype",
    "number",
    "status",
    "city_id",
    "office_id",
    "seller_enterprise_id",
    "seller_institution_id",
    "seller_name",
    "seller_kind",
    "seller_region_code",
    "seller_city_id",
    "buyer_enterprise_id",
    "buyer_name",
    "buyer_region_code",
    "buyer_city_id",
    "turnover",
    "tech_value",
    "signed_on",
    "effective_on",
    "field_id",
    "ip_type",
    "accepted_on",
    "registered_on",
    "expert_review",
)
EVENT_COLS = ("id", "contract_id", "kind", "at", "data")
COUNTER_COLS = ("id", "office_id", "year", "last")

# (type, subtype, ip type, weight): development and services dominate the province's market.
KINDS = (
    ("development", "commissioned", "none", 30),
    ("development", "cooperative", "none", 8),
    ("transfer", "patent", "invention", 5),
    ("transfer", "secret", "secret", 3),
    ("licence", "patent_licence", "invention", 4),
    ("consulting", "consulting", "none", 8),
    ("service", "service", "none", 38),
    ("service", "training", "none", 2),
    ("service", "intermediary", "none", 2),
)
TOPICS = (
    "智能制造产线改造",
    "工业软件研发",
    "新材料制备工艺",
    "精细化工工艺优化",
    "数控机床控制系统",
    "海洋工程装备设计",
    "生物医药中试",
    "农产品加工技术",
    "能源装备检测",
    "集成电路封装测试",
    "储能系统集成",
    "机器人视觉检测",
)
TYPE_WORD = {
    "development": "技术开发",
    "transfer": "技术转让",
    "licence": "技术许可",
    "consulting": "技术咨询",
    "service": "技术服务",
}


@dataclass(frozen=True)
class Half:
    start: dt.date
    end: dt.date
    turnover: Decimal  # yuan, what the contracts registered in the half sum to


@dataclass
class Party:
    enterprise: int | None
    institution: int | None
    name: str
    kind: str
    county: str
    city: str


def halves(ctx: Context) -> list[Half]:
    """2021 H1 … 2023 H1 with the turnover each must sum to."""
    t = ctx.targets
    year = t.period.year
    current = Decimal(str(t.figures["F13"]))
    prior = Decimal(str(t.prior["F13"]))
    # The growth of last year implied by the current YoY and the stated points (F14).
    yoy = current / prior - 1
    last_growth = yoy - Decimal(str(t.figures["F14"])) / 100
    year_before = Decimal(str(t.param("contracts_year_before_turnover", 53_500_000_000)))
    last_year = (year_before * (1 + last_growth)).quantize(CENT)
    before_h1 = (year_before * Decimal(str(t.param("contracts_first_half_share", 0.42)))).quantize(
        CENT
    )

    def half(y: int, h: int, total: Decimal) -> Half:
        if h == 1:
            return Half(dt.date(y, 1, 1), dt.date(y, 6, 30), total)
        return Half(dt.date(y, 7, 1), dt.date(y, 12, 31), total)

    return [
        half(year - 2, 1, before_h1),
        half(year - 2, 2, year_before - before_h1),
        half(year - 1, 1, prior),
        half(year - 1, 2, last_year - prior),
        half(year, 1, current),
    ]


def split(total: Decimal, n: int, rng: random.Random, cap: Decimal) -> list[Decimal]:
    """`n` skewed amounts (log-normal) summing to `total` exactly, each between 1,000 yuan
    and `cap` (so that the one named large contract stays the largest)."""
    cents, top = int(total / CENT), int(cap / CENT)
    floor = 100_000  # 1,000 yuan in cents
    if not floor * n <= cents <= top * n:
        raise ValueError("the turnover cannot be split into that many contracts")
    weights = [rng.lognormvariate(0.0, 1.5) for _ in range(n)]
    parts = [0.0] * n
    free, room = set(range(n)), float(cents - floor * n)
    # Water-filling: contracts over the cap are held at it and the rest share what is left.
    while True:
        scale = room / sum(weights[i] for i in free)
        over = {i for i in free if floor + weights[i] * scale > top}
        if not over:
            break
        for i in over:
            parts[i] = float(top - floor)
        room -= (top - floor) * len(over)
        free -= over
    for i in free:
        parts[i] = weights[i] * scale
    out = [floor + math.floor(p) for p in parts]
    rest = cents - sum(out)
    for i in sorted(free, key=lambda i: -weights[i])[:rest]:
        out[i] += 1
    return [Decimal(p) * CENT for p in out]


class ContractMaker:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("contracts")
        self.fields = list(TechField.objects.order_by("code").values_list("code", flat=True))
        self.offices: dict[str | None, RegistrationOffice] = {}
        for office in RegistrationOffice.objects.order_by("prefecture", "code"):
            self.offices.setdefault(office.city_id, office)
        self.institutions = list(
            Institution.objects.order_by("pk").values_list(
                "pk", "name", "kind", "region_id", "city_id"
            )
        )
        self.firms = [f for f in ctx.firms if f.section in "CIM"] or ctx.firms
        self.serials: dict[tuple[int, int], int] = {}

    def seller(self) -> Party:
        r = self.rng.random()
        if r < 0.27 and self.institutions:
            pk, name, kind, county, city = self.rng.choice(self.institutions)
            seller_kind = "university" if kind == "university" else "institute"
            return Party(None, pk, name, seller_kind, county, city)
        f = self.rng.choice(self.firms)
        return Party(f.id, None, f.name or f"企业{f.id}", "enterprise", f.county, f.city)

    def buyer(self) -> Party:
        if self.rng.random() < 0.3:
            name = self.rng.choice(("北京", "上海", "江苏", "山东", "广东", "吉林", "天津"))
            return Party(None, None, f"{name}某科技有限公司", "enterprise", "", "")
        f = self.rng.choice(self.ctx.firms)
        return Party(f.id, None, f.name or f"企业{f.id}", "enterprise", f.county, f.city)

    def number(self, city: str, day: dt.date) -> tuple[int, str]:
        office = self.offices.get(city) or self.offices[None]
        key = (office.pk, day.year)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        value = regnumber.make(
            year=day.year,
            province=office.province,
            prefecture=office.prefecture,
            office=office.code,
            serial=serial,
        )
        return office.pk, value

    def contracts(self, plan: list[Half]) -> Iterator[tuple[object, ...]]:
        per_contract = Decimal(str(self.ctx.targets.param("contract_average", 5_000_000)))
        dmto = self.dmto()
        cap = Decimal(str(self.ctx.targets.param("contract_cap", 120_000_000)))
        pk = 0
        for i, half in enumerate(plan):
            last = i == len(plan) - 1
            total = half.turnover - (dmto[1].turnover if last and dmto else 0)
            # Not scaled: a few thousand contracts a half-year at any scale keep the amounts
            # realistic, and the DMTO licence the largest.
            n = max(1, round(float(total / per_contract)))
            amounts = split(total, n, self.rng, cap)
            days = (half.end - half.start).days
            rows: list[tuple[dt.date, Decimal, Party | None]] = []
            for amount in amounts:
                day = half.start + dt.timedelta(days=self.rng.randrange(days + 1))
                rows.append((day, amount, None))
            if last and dmto:
                rows.append((dmto[1].day, dmto[1].turnover, dmto[0]))
            rows.sort(key=lambda r: r[0])
            for day, amount, party in rows:
                pk += 1
                yield self.row(pk, day, amount, party)

    @dataclass(frozen=True)
    class Fixed:
        day: dt.date
        turnover: Decimal

    def dmto(self) -> tuple[Party, ContractMaker.Fixed] | None:
        """The methanol-to-olefins licence of the Dalian institute (F34), in the period."""
        pk = self.ctx.institutions.get(DMTO_SELLER)
        if pk is None or "F34" not in self.ctx.targets.figures:
            return None
        inst = next(i for i in self.institutions if i[0] == pk)
        party = Party(None, pk, inst[1], "institute", inst[3], inst[4])
        start = self.ctx.targets.period.start
        day = start + dt.timedelta(days=95)
        return party, self.Fixed(day, Decimal(str(self.ctx.targets.figures["F34"])))

    def row(
        self, pk: int, day: dt.date, amount: Decimal, fixed: Party | None
    ) -> tuple[object, ...]:
        rng = self.rng
        seller = fixed or self.seller()
        buyer = self.buyer()
        if fixed:
            ctype, subtype, ip = "licence", "secret_licence", "secret"
            title = DMTO_TITLE
            buyer = self.in_province_buyer()
        else:
            ctype, subtype, ip, _w = rng.choices(KINDS, weights=[k[3] for k in KINDS])[0]
            title = f"{rng.choice(TOPICS)}{TYPE_WORD[ctype]}合同"
        city = seller.city or self.ctx.geo.cities[0]
        office, number = self.number(city, day)
        signed = day - dt.timedelta(days=rng.randrange(5, 60))
        tech_value = (amount * Decimal(rng.choice((100, 100, 95, 90, 80))) / 100).quantize(CENT)
        return (
            pk,
            title,
            ctype,
            subtype,
            number,
            TechContract.Status.REGISTERED,
            city,
            office,
            seller.enterprise,
            seller.institution,
            seller.name,
            seller.kind,
            seller.county,
            seller.city or None,
            buyer.enterprise,
            buyer.name,
            buyer.county,
            buyer.city or None,
            amount,
            tech_value,
            signed,
            signed,
            rng.choice(self.fields),
            ip,
            day,
            day,
            tech_value > Decimal("5000000.00"),
        )

    def in_province_buyer(self) -> Party:
        f = max(
            (f for f in self.ctx.firms if f.section == "C"),
            key=lambda f: f.staff0,
            default=self.ctx.firms[0],
        )
        return Party(f.id, None, f.name or f"企业{f.id}", "enterprise", f.county, f.city)


def generate(ctx: Context) -> dict[str, int]:
    """Write the contracts, their events and the offices' counters; returns the DMTO ids."""
    maker = ContractMaker(ctx)
    rows = list(maker.contracts(halves(ctx)))
    ctx.insert(TechContract, CONTRACT_COLS, rows)
    number_at, day_at = CONTRACT_COLS.index("number"), CONTRACT_COLS.index("registered_on")

    def events() -> Iterator[tuple[object, ...]]:
        for r in rows:
            day: dt.date = r[day_at]  # type: ignore[assignment]
            at = dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)
            yield (r[0], r[0], "registered", at, json.dumps({"number": r[number_at]}))

    ctx.insert(ContractEvent, EVENT_COLS, events())
    counters = [
        (i, office, year, last)
        for i, ((office, year), last) in enumerate(sorted(maker.serials.items()), start=1)
    ]
    ctx.insert(RegistrationCounter, COUNTER_COLS, counters)
    dmto = [r[0] for r in rows if r[1] == DMTO_TITLE]
    return {"dmto": int(dmto[0])} if dmto else {}  # type: ignore[call-overload]
