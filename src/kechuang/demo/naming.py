"""Names, codes and contacts of generated organisations and people (zh-CN)."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from itertools import accumulate

from faker.providers.person.zh_CN import Provider as PersonNames

from kechuang.core import uscc

# GB 32100 "registration authority + entity type" prefixes.
ENTERPRISE = "91"  # 工商 / 企业
PUBLIC_INSTITUTION = "12"  # 机构编制 / 事业单位
SOCIAL_ORG = "52"  # 民政 / 民办非企业单位

CITY_SHORT = {
    "210100": "沈阳",
    "210200": "大连",
    "210300": "鞍山",
    "210400": "抚顺",
    "210500": "本溪",
    "210600": "丹东",
    "210700": "锦州",
    "210800": "营口",
    "210900": "阜新",
    "211000": "辽阳",
    "211100": "盘锦",
    "211200": "铁岭",
    "211300": "朝阳",
    "211400": "葫芦岛",
    "SHENFU": "沈抚",
}
# Syllables of brand names; two of them make a name such as 华创 or 博远.
BRAND = (
    "华创博远新瑞恒信德昌宏泰鑫达盛兴隆安康力源丰凯捷中科天成汇通智航联亿金诺威星宇光明晟腾"
    "辉煌锐思卓越嘉合君道海峰云启北方东辰正泽永益诚誉睿拓精工迈普英特佳伟和讯安泰志远翔鹏"
)
INDUSTRY_WORDS: dict[str, Sequence[str]] = {
    "C": (
        "智能装备",
        "精密机械",
        "新材料",
        "数控",
        "机器人",
        "电子",
        "化工",
        "生物医药",
        "汽车零部件",
        "电气",
        "仪器仪表",
        "轴承",
        "航空部件",
        "环保设备",
        "光电",
    ),
    "I": ("软件", "信息技术", "网络科技", "数据科技", "智能科技", "云计算", "集成电路设计"),
    "M": ("检测技术", "工程技术", "科技研发", "技术咨询", "设计研究", "生物技术"),
    "*": ("科技", "实业", "能源", "环境科技", "农业科技", "供应链", "商贸"),
}
SUFFIXES = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
ROADS = (
    "创新路",
    "智慧街",
    "科技路",
    "文化路",
    "长江街",
    "黄河大街",
    "世纪路",
    "浑南大道",
    "学府路",
    "新华路",
    "中华路",
    "人民路",
    "解放路",
    "建设大路",
    "高新路",
    "工业大街",
)


def pad(text: str, width: int) -> str:
    """Pad to a display width: CJK characters take two columns in a terminal."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def words(text: str) -> tuple[str, ...]:
    """A tuple of the whitespace-separated words of `text` (for long lists of names)."""
    return tuple(text.split())


def brand(rng: random.Random) -> str:
    a, b = rng.sample(BRAND, 2)
    return a + b


def enterprise_name(rng: random.Random, city: str, section: str) -> str:
    words = INDUSTRY_WORDS.get(section, INDUSTRY_WORDS["*"])
    return f"{CITY_SHORT.get(city, '辽宁')}{brand(rng)}{rng.choice(words)}{rng.choice(SUFFIXES)}"


_SURNAMES = list(PersonNames.last_names)  # type: ignore[attr-defined]
_SURNAME_CUM = list(accumulate(PersonNames.last_names.values()))  # type: ignore[attr-defined]
_GIVEN = list(PersonNames.first_names)  # type: ignore[attr-defined]


def person_name(rng: random.Random) -> str:
    """Surnames by their frequency; given names of one or two characters."""
    surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]
    given = rng.choice(_GIVEN)
    if rng.random() < 0.6:
        given += rng.choice(_GIVEN)
    return f"{surname}{given}"


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10):d}{rng.randrange(10**8):08d}"


def address(rng: random.Random, city_name: str, county_name: str) -> str:
    return f"辽宁省{city_name}{county_name}{rng.choice(ROADS)}{rng.randrange(1, 400)}号"


class CodeBook:
    """Hands out unique, valid USCCs (GB 32100 check character and GB 11714 org code)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def next(self, region_code: str, entity: str = ENTERPRISE) -> str:
        while True:
            org8 = f"{self._rng.randrange(10**8):08d}"
            if org8 not in self._used:
                self._used.add(org8)
                return uscc.make(entity + region_code + org8 + uscc.org_code_check(org8))
