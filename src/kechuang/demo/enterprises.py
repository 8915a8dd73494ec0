"""Rows of the enterprise registry: enterprises and the dated facts programs test."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from kechuang.demo.firms import Firm, day_between
from kechuang.demo.geo import Geo
from kechuang.demo.naming import (
    CodeBook,
    address,
    enterprise_name,
    mobile,
    person_name,
    words,
)
from kechuang.demo.sectors import Sectors

ENTERPRISE_COLS = words(
    "id uscc name region_id city_id zone_id address contact phone founded_on industry_id"
    " cluster_id listing_status listing_board listed_on high_tech_cert_no"
    " high_tech_valid_from high_tech_valid_to rd_institution_level is_software_enterprise"
)
AWARD_COLS = ("id", "enterprise_id", "name", "level", "year", "rank")
STANDARD_COLS = ("id", "enterprise_id", "code", "title", "level", "year")
LIST_COLS = ("id", "enterprise_id", "kind", "listed_on", "removed_on", "reason")
INCIDENT_COLS = ("id", "enterprise_id", "kind", "occurred_on", "description")

AWARD_NAMES = {
    "national": ("国家科学技术进步奖二等奖", "国家技术发明奖二等奖"),
    "provincial": (
        "辽宁省科学技术进步奖一等奖",
        "辽宁省科学技术进步奖二等奖",
        "辽宁省科学技术进步奖三等奖",
        "辽宁省技术发明奖二等奖",
    ),
    "contest_national": ("中国创新创业大赛全国赛优秀企业",),
    "contest_provincial": (
        "中国创新创业大赛(辽宁赛区)一等奖",
        "中国创新创业大赛(辽宁赛区)二等奖",
        "中国创新创业大赛(辽宁赛区)三等奖",
    ),
}
STANDARD_PREFIX = {"C": "JB/T", "I": "SJ/T", "M": "GB/T"}
STANDARD_TOPICS = ("通用技术条件", "试验方法", "安全要求", "性能测试规范", "术语和定义")
LIST_REASONS = {
    "abnormal": (
        "未按规定公示年度报告",
        "通过登记的住所或经营场所无法联系",
        "公示企业信息隐瞒真实情况",
    ),
    "blacklist": ("被列入经营异常名录届满3年仍未履行相关义务", "提交虚假材料取得登记"),
}
INCIDENT_TEXT = {
    "safety": "生产车间发生较大安全生产事故",
    "quality": "产品质量抽检严重不合格",
    "environment": "超标排放受到行政处罚",
    "integrity": "科研项目申报材料弄虚作假",
    "fraud": "骗取财政补助资金",
}


def enterprise_rows(
    firms: list[Firm],
    rng: random.Random,
    geo: Geo,
    sectors: Sectors,
    codes: CodeBook,
    zone_share: float,
) -> Iterator[tuple]:
    taken: set[str] = set()
    for f in firms:
        name = f.name
        while not name or name in taken:
            name = enterprise_name(rng, f.city, f.section)
        f.name = name
        taken.add(name)
        zone = geo.zone_for(rng, f.city, f.county, zone_share)
        city_name = geo.names.get(f.county[:4] + "00", "")
        yield (
            f.id,
            codes.next(f.county),
            name,
            f.county,
            f.city,
            zone,
            address(rng, city_name, geo.names.get(f.county, "")),
            person_name(rng),
            mobile(rng),
            f.founded,
            f.division,
            sectors.cluster(rng, f.division),
            "listed" if f.board else "unlisted",
            f.board,
            f.listed_on,
            f.ht_no,
            f.ht_from,
            f.ht_to,
            f.rd_level,
            f.software,
        )


def fact_rows(firms: list[Firm], rng: random.Random, period_end: dt.date) -> dict[str, list]:
    awards: list[tuple] = []
    standards: list[tuple] = []
    listings: list[tuple] = []
    incidents: list[tuple] = []
    for f in firms:
        for level, year, rank in f.awards:
            awards.append(
                (len(awards) + 1, f.id, rng.choice(AWARD_NAMES[level]), level, year, rank)
            )
        for year in f.standard_years:
            r = rng.random()
            if r < 0.05:
                code, level = f"ISO {rng.randrange(20000, 24000)}:{year}", "international"
            elif r < 0.45:
                code, level = f"GB/T {rng.randrange(30000, 43000)}-{year}", "national"
            else:
                prefix = STANDARD_PREFIX.get(f.section, "T/LNKJ")
                code, level = f"{prefix} {rng.randrange(10000, 15000)}-{year}", "industry"
            title = f"{f.name[2:6]}产品{rng.choice(STANDARD_TOPICS)}"
            standards.append((len(standards) + 1, f.id, code, title, level, year))
        for on, off in f.listings:
            kind = "blacklist" if rng.random() < 0.1 else "abnormal"
            listings.append(
                (len(listings) + 1, f.id, kind, on, off, rng.choice(LIST_REASONS[kind]))
            )
        for year in f.incident_years:
            kind = rng.choice(list(INCIDENT_TEXT))
            first = max(f.founded, dt.date(year, 1, 1))
            when = day_between(rng, first, min(period_end, dt.date(year, 12, 31)))
            incidents.append((len(incidents) + 1, f.id, kind, when, INCIDENT_TEXT[kind]))
    return {"awards": awards, "standards": standards, "listings": listings, "incidents": incidents}
