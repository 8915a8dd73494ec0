"""Universities and institutes, service institutions, banks and their branches."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from kechuang.demo.context import Context
from kechuang.demo.firms import day_between
from kechuang.demo.geo import CITY_WEIGHTS, city_of
from kechuang.demo.naming import (
    CITY_SHORT,
    ENTERPRISE,
    PUBLIC_INSTITUTION,
    SOCIAL_ORG,
    address,
    brand,
    mobile,
    person_name,
)
from kechuang.demo.targets import TargetsError
from kechuang.registry.models import Bank, BankBranch, Institution, ServiceInstitution

DATA = Path(__file__).resolve().parent / "data"
ORG_COLS = ("id", "uscc", "name", "region_id", "city_id", "zone_id", "address", "contact", "phone")
TOPICS = (
    "装备制造",
    "精细化工",
    "新材料",
    "生物医药",
    "海洋",
    "农业",
    "冶金",
    "能源",
    "环境",
    "信息技术",
    "矿业",
    "林业",
    "水利",
    "轻工",
    "纺织",
    "食品",
    "检验检测",
    "智能制造",
)
SERVICE_NAMES = {
    "tech_transfer": ("{c}{b}技术转移中心", "{c}{b}科技成果转化服务有限公司"),
    "incubator": ("{c}{b}科技企业孵化器", "{c}{b}创业服务中心"),
    "maker_space": ("{b}众创空间", "{c}{b}创客空间"),
    "science_park": ("{u}国家大学科技园", "{u}大学科技园"),
    "other": ("{c}{b}生产力促进中心", "{c}{b}科技咨询服务有限公司", "{c}{b}知识产权服务有限公司"),
}
LEVELS = (("national", 0.1), ("provincial", 0.5), ("city", 0.4))
STREETS = ("中山", "青年", "人民", "新华", "解放", "长江", "黄河", "建设")
# The cities that tech branches open in first: where the tech firms are.
TECH_BRANCH_CITIES = (
    "210100",
    "210200",
    "210100",
    "210200",
    "210300",
    "210100",
    "210200",
    "210800",
    "210700",
    "210600",
    "211100",
    "211000",
    "210400",
    "211200",
    "211400",
    "210500",
    "210900",
    "211300",
)


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _org(ctx: Context, rng, oid: int, name: str, county: str, city: str, entity: str) -> tuple:
    geo = ctx.geo
    return (
        oid,
        ctx.codes.next(county, entity),
        name,
        county,
        city,
        None,
        address(rng, geo.names.get(city_of(county), ""), geo.names.get(county, "")),
        person_name(rng),
        mobile(rng),
    )


def institutions(ctx: Context) -> None:
    rng = ctx.rng("institutions")
    rows: list[tuple] = []
    for r in _csv("institutions.csv"):
        oid = len(rows) + 1
        ctx.institutions[r["key"]] = oid
        ctx.institution_city[oid] = city_of(r["region"])
        rows.append(
            (
                *_org(
                    ctx, rng, oid, r["name"], r["region"], city_of(r["region"]), PUBLIC_INSTITUTION
                ),
                r["kind"],
                r["central"] == "1",
            )
        )
    names = {r[2] for r in rows}
    for _ in range(int(ctx.targets.param("generated_institutions", 0))):
        city = ctx.geo.city(rng)
        kind = rng.choice(("institute", "institute", "new_rd"))
        while True:
            topic = rng.choice(TOPICS)
            name = (
                f"辽宁省{topic}研究院"
                if kind == "institute" and rng.random() < 0.4
                else f"{CITY_SHORT[city]}{topic}研究所"
                if kind == "institute"
                else f"{CITY_SHORT[city]}{brand(rng)}{topic}产业技术研究院"
            )
            if name not in names:
                break
        names.add(name)
        oid = len(rows) + 1
        ctx.institutions[f"gen{oid}"] = oid
        ctx.institution_city[oid] = city
        entity = PUBLIC_INSTITUTION if kind == "institute" else SOCIAL_ORG
        rows.append(
            (*_org(ctx, rng, oid, name, ctx.geo.county(rng, city), city, entity), kind, False)
        )
    ctx.insert(Institution, (*ORG_COLS, "kind", "central_in_province"), rows)


def service_institutions(ctx: Context) -> None:
    """Each kind of service institution; pilot-base operators carry their base's name."""
    rng = ctx.rng("services")
    end = ctx.targets.period.end
    universities = [r["name"] for r in _csv("institutions.csv") if r["kind"] == "university"]
    rows: list[tuple] = []
    names: set[str] = set()
    counts = dict(ctx.targets.param("service_institutions", {}))
    for kind, n in counts.items():
        for i in range(int(n)):
            city = ctx.geo.city(rng)
            while True:
                pattern = rng.choice(SERVICE_NAMES.get(kind, SERVICE_NAMES["other"]))
                u = universities[i % len(universities)]
                name = pattern.format(c=CITY_SHORT[city], b=brand(rng), u=u)
                if name not in names:
                    break
            names.add(name)
            level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
            recognized = day_between(rng, dt.date(2008, 1, 1), end)
            revoked = None
            if rng.random() < 0.03 and recognized.year < end.year - 1:
                revoked = day_between(rng, recognized, dt.date(end.year - 1, 12, 31))
            rows.append(
                _service_row(ctx, rng, len(rows) + 1, name, city, kind, level, recognized, revoked)
            )
    for base in ctx.pilot_bases:
        rows.append(
            _service_row(
                ctx,
                rng,
                len(rows) + 1,
                base.name,
                base.city,
                "pilot_base_operator",
                "provincial",
                base.approved_on,
                None,
                county=base.county,
            )
        )
    for r in rows:
        ctx.services.setdefault(r[9], []).append(r[0])
    ctx.insert(
        ServiceInstitution,
        (*ORG_COLS, "kind", "level", "recognized_on", "revoked_on"),
        rows,
    )


def _service_row(
    ctx: Context,
    rng,
    oid: int,
    name: str,
    city: str,
    kind: str,
    level: str,
    recognized: dt.date,
    revoked: dt.date | None,
    county: str = "",
) -> tuple:
    county = county or ctx.geo.county(rng, city)
    entity = PUBLIC_INSTITUTION if "大学" in name else ENTERPRISE
    return (*_org(ctx, rng, oid, name, county, city, entity), kind, level, recognized, revoked)


def banks(ctx: Context) -> None:
    """Banks, their branches in the cities they serve, and exactly F23 tech branches."""
    rng = ctx.rng("banks")
    end = ctx.targets.period.end
    per_city = int(ctx.targets.param("bank_branches_per_city", 2))
    rows: list[tuple] = []
    branches: list[tuple] = []
    tech_banks: list[tuple[int, str]] = []
    cities = list(CITY_WEIGHTS)
    for r in _csv("banks.csv"):
        oid = len(rows) + 1
        ctx.banks[r["short"]] = oid
        home = city_of(r["region"])
        rows.append((*_org(ctx, rng, oid, r["name"], r["region"], home, ENTERPRISE), r["short"]))
        others = [c for c in cities if c != home]
        served = cities if r["served"] == "all" else [home, *rng.sample(others, int(r["served"]))]
        for city in served:
            for k in range(per_city):
                label = "分行营业部" if k == 0 else f"{rng.choice(STREETS)}支行"
                branches.append(
                    (
                        len(branches) + 1,
                        oid,
                        f"{r['short']}{CITY_SHORT[city]}{label}",
                        city,
                        False,
                        day_between(rng, dt.date(1995, 1, 1), end),
                    )
                )
        if r["tech"] == "1":
            tech_banks.append((oid, r["short"]))
    ctx.insert(Bank, (*ORG_COLS, "short_name"), rows)
    for oid, short, city in _tech_slots(ctx.targets.count("F23"), tech_banks, cities):
        branches.append(
            (
                len(branches) + 1,
                oid,
                f"{short}{CITY_SHORT[city]}科技支行",
                city,
                True,
                day_between(rng, dt.date(2016, 1, 1), end),
            )
        )
    ctx.insert(
        BankBranch, ("id", "bank_id", "name", "city_id", "is_tech_branch", "opened_on"), branches
    )


def _tech_slots(
    n: int, tech_banks: list[tuple[int, str]], cities: list[str]
) -> list[tuple[int, str, str]]:
    """(bank, short name, city) of each tech branch: big cities first, one per bank and city."""
    if n > len(tech_banks) * len(cities):
        raise TargetsError(f"F23 = {n} tech branches exceed one per bank and city")
    order = [*TECH_BRANCH_CITIES, *cities]
    slots: list[tuple[int, str, str]] = []
    used: set[tuple[int, str]] = set()
    i = 0
    while len(slots) < n:
        city = order[i] if i < len(order) else cities[i % len(cities)]
        for d in range(len(tech_banks)):
            oid, short = tech_banks[(i + d) % len(tech_banks)]
            if (oid, city) not in used:
                used.add((oid, city))
                slots.append((oid, short, city))
                break
        i += 1
    return slots
