"""Labs, national platforms, compute centres, facilities, pilot bases and their money.

Counting rules the bulletin figures come from (stats computes them, the generator only
makes them hold):

- F01: platforms of kind `national_key_lab` approved by the period's end.
- F02: *national-level S&T innovation platforms* are platforms of level `national`, of any
  kind (national key labs, AI compute platforms, national engineering and technology
  centres …), approved by the date and not revoked. Large-facility pre-research projects
  are provincially funded and not yet national facilities, so they are level `provincial`.
- F03: kind `provincial_lab`; F08: kind `industry_academia` whose parent is a provincial
  lab and that has co-building enterprises; F10: kind `large_facility` and the sum of their
  investments; F11: kind `ai_compute` at level national; F26: kind `pilot_base` at level
  provincial, approved in the period (new) or by its end (total).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from kechuang.core.reference import DATA_DIR as CORE_DATA
from kechuang.demo.context import Context, PilotBase
from kechuang.demo.firms import day_between
from kechuang.demo.naming import CITY_SHORT, words
from kechuang.demo.targets import Targets, TargetsError
from kechuang.registry.models import Platform, PlatformInvestment

DATA = Path(__file__).resolve().parent / "data"
PLATFORM_COLS = words(
    "id name kind level city_id host_institution_id host_enterprise_id parent_id approved_on"
    " status field_id description"
)
CORE_KIND = {"liaoning_lab": "provincial_lab", "national_key_lab": "national_key_lab"}
# Lab partners of the seed bulletin and the labs they co-build with (anchors.csv keys).
INDUSTRY_ACADEMIA = (
    ("辽宁材料实验室", "angang", "鞍钢先进钢铁材料联合研发中心"),
    ("辽宁材料实验室", "liming", "航空发动机材料联合实验室"),
    ("辽宁辽河实验室", "wazhou", "瓦轴智能轴承联合创新中心"),
    ("辽宁辽河实验室", "siasun", "新松智能制造联合实验室"),
    ("辽宁滨海实验室", "rongke", "液流储能联合研发中心"),
    ("辽宁黄海实验室", "piotech", "集成电路装备联合实验室"),
)
ADJECTIVES = ("智能", "绿色", "先进", "高性能", "精密", "新型", "高端", "低碳")
NOUNS = words("""
制造 材料 化工 能源 传感 检测 控制 装备 焊接 涂层 催化 医药 诊断 育种
储能 电池 芯片 软件 机器人 轴承 铸造 冶金 矿山 海洋 船舶 航空 汽车 轨道交通
电网 水处理 食品 生态 中药 影像 光电 镁材料 钢铁 石化 数控 工业互联网
""")
NATIONAL_PATTERNS = (
    ("engineering_center", "{t}国家工程研究中心"),
    ("engineering_center", "国家{t}工程技术研究中心"),
    ("national_platform", "国家{t}技术创新中心"),
    ("national_platform", "国家{t}国际联合研究中心"),
    ("national_platform", "国家{t}临床医学研究中心"),
)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class Platforms:
    """Accumulates platform rows; ids are the row numbers."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows: list[tuple] = []
        self.by_name: dict[str, int] = {}
        self.info = {r["name"]: r for r in _csv(DATA / "platforms.csv")}

    def add(
        self,
        name: str,
        kind: str,
        level: str,
        city: str,
        approved: dt.date | None,
        *,
        host: str = "",
        host_enterprise: int | None = None,
        parent: int | None = None,
        status: str = "operating",
        field: str | None = None,
        description: str = "",
    ) -> int:
        pid = len(self.rows) + 1
        info = self.info.get(name, {})
        host = host or info.get("host", "")
        inst = self.ctx.institutions.get(host) if host else None
        field = field or info.get("field") or None
        if info.get("generated") == "1":
            description = description or "演示数据:名称为生成,非官方名单。"
        self.rows.append(
            (
                pid,
                name,
                kind,
                level,
                city,
                inst,
                host_enterprise,
                parent,
                approved,
                status,
                field,
                description,
            )
        )
        self.by_name[name] = pid
        self.ctx.platform_host[pid] = inst
        return pid

    def named(self, kind: str, n: int) -> list[dict[str, str]]:
        """The first n names of `kind`: reference labs first, then the demo's own list."""
        found = [
            {"name": r["name"], "city": self._city(r["host_city"])}
            for r in _csv(CORE_DATA / "labs-liaoning.csv")
            if CORE_KIND.get(r["kind"]) == kind
        ]
        seen = {r["name"] for r in found}
        found += [
            {"name": r["name"], "city": r["city"]}
            for r in self.info.values()
            if r["kind"] == kind and r["name"] not in seen
        ]
        for i in range(len(found), n):
            topic = f"{ADJECTIVES[i % len(ADJECTIVES)]}{NOUNS[i % len(NOUNS)]}"
            suffix = {"national_key_lab": "全国重点实验室", "provincial_lab": "实验室"}.get(
                kind, ""
            )
            found.append({"name": f"辽宁{topic}{suffix or kind}{i + 1}", "city": "210100"})
        return found[:n]

    def _city(self, name: str) -> str:
        return next((c for c, n in self.ctx.geo.names.items() if n == name), "210100")


def national_split(t: Targets) -> dict[str, tuple[int, int]]:
    """(approved before the period, approved in it) for each kind of national platform."""
    total, start = t.count("F02"), t.start_count("F02")
    new = total - start
    ai = t.count("F11")
    ai_new = min(ai, new)
    nkl = t.count("F01")
    nkl_new = min(nkl, new - ai_new)
    other_new = new - ai_new - nkl_new
    other_before = start - (ai - ai_new) - (nkl - nkl_new)
    if other_before < 0:
        raise TargetsError("F01 + F11 exceed the national platforms at the start (F02)")
    return {
        "national_key_lab": (nkl - nkl_new, nkl_new),
        "ai_compute": (ai - ai_new, ai_new),
        "other": (other_before, other_new),
    }


def generate(ctx: Context) -> None:
    t, rng = ctx.targets, ctx.rng("platforms")
    period = t.period
    before = (dt.date(period.year - 1, 1, 1), period.start - dt.timedelta(days=1))
    during = (period.start, period.end)
    p = Platforms(ctx)
    split = national_split(t)

    def when(is_new: bool, lo: dt.date | None = None) -> dt.date:
        a, b = during if is_new else (lo or before[0], before[1])
        return day_between(rng, a, b)

    nkl_before, _ = split["national_key_lab"]
    for i, r in enumerate(p.named("national_key_lab", t.count("F01"))):
        ctx.national_key_labs.append(
            p.add(r["name"], "national_key_lab", "national", r["city"], when(i >= nkl_before))
        )
    ai_before, _ = split["ai_compute"]
    for i, r in enumerate(p.named("ai_compute", t.count("F11"))):
        p.add(r["name"], "ai_compute", "national", r["city"], when(i >= ai_before))
    other_before, other_new = split["other"]
    taken = set(p.by_name)
    for i in range(other_before + other_new):
        kind, pattern = NATIONAL_PATTERNS[i % len(NATIONAL_PATTERNS)]
        name = pattern.format(t=rng.choice(NOUNS))
        while name in taken:
            name = pattern.format(t=rng.choice(ADJECTIVES) + rng.choice(NOUNS))
        taken.add(name)
        host = rng.choice(list(ctx.institutions)[:12])
        p.add(
            name,
            kind,
            "national",
            ctx.institution_city[ctx.institutions[host]],
            when(i >= other_before, dt.date(1995, 1, 1)),
            host=host,
        )

    lab_opened = dt.date(2022, 9, 5)
    for r in p.named("provincial_lab", t.count("F03")):
        opened = min(lab_opened, period.end)
        ctx.provincial_labs.append(
            p.add(r["name"], "provincial_lab", "provincial", r["city"], opened)
        )
    co_builders = _industry_academia(ctx, p, rng, lab_opened)
    _facilities(ctx, p, rng)
    _pilot_bases(ctx, p, rng, (dt.date(period.year - 3, 1, 1), before[1]), during)
    _provincial(ctx, p, rng)
    ctx.insert(Platform, PLATFORM_COLS, p.rows)
    ctx.insert(Platform.co_builders.through, ("id", "platform_id", "enterprise_id"), co_builders)


def _industry_academia(ctx: Context, p: Platforms, rng, opened: dt.date) -> list[tuple]:
    """F08 platforms: a provincial lab and one or more enterprises build them together."""
    labs = [row for row in p.rows if row[0] in ctx.provincial_labs]
    links: list[tuple] = []
    for i in range(ctx.targets.count("F08")):
        if i < len(INDUSTRY_ACADEMIA) and INDUSTRY_ACADEMIA[i][0] in p.by_name:
            lab_name, key, title = INDUSTRY_ACADEMIA[i]
            lab = next(row for row in labs if row[1] == lab_name)
            firm_ids = [ctx.anchors[key]]
        else:
            lab = labs[i % len(labs)]
            firm = rng.choice(ctx.firms_in(lab[4], "C"))
            firm_ids, title = [firm.id], f"{firm.name[:6]}联合创新中心"
        partner = rng.choice(ctx.firms_in(lab[4], "C"))
        if rng.random() < 0.5 and partner.id not in firm_ids:
            firm_ids.append(partner.id)
        pid = p.add(
            f"{lab[1]}—{title}",
            "industry_academia",
            "provincial",
            lab[4],
            day_between(rng, opened, ctx.targets.period.end),
            parent=lab[0],
            field=lab[10],
        )
        for fid in firm_ids:
            links.append((len(links) + 1, pid, fid))
    return links


def _facilities(ctx: Context, p: Platforms, rng) -> None:
    """F10: pre-research projects of large facilities and investments summing exactly."""
    count, total = (int(x) for x in ctx.targets.parts("F10"))
    end = ctx.targets.period.end
    started = dt.date(end.year - 1, 3, 1)
    ids = [
        p.add(
            r["name"],
            "large_facility",
            "provincial",
            r["city"],
            started,
            status="preparing",
            description="大科学装置预研项目",
        )
        for r in p.named("large_facility", count)
    ]
    weights = [rng.uniform(0.6, 1.4) for _ in ids]
    shares = [int(total * w / sum(weights)) for w in weights]
    if shares:
        shares[-1] += total - sum(shares)
    rows: list[tuple] = []
    for pid, share in zip(ids, shares, strict=True):
        tranches = rng.randint(3, 5)
        cuts = sorted(rng.sample(range(1, share), tranches - 1)) if share > tranches else []
        amounts = [b - a for a, b in zip([0, *cuts], [*cuts, share], strict=True)]
        for amount in amounts:
            rows.append(
                (
                    len(rows) + 1,
                    pid,
                    day_between(rng, started, end),
                    Decimal(amount),
                    rng.choice(("省级财政", "中央财政", "地方配套", "依托单位自筹")),
                )
            )
    ctx.insert(PlatformInvestment, ("id", "platform_id", "invested_on", "amount", "source"), rows)


def _pilot_bases(ctx: Context, p: Platforms, rng, before: tuple, during: tuple) -> None:
    """F26: provincial pilot-scale bases, new in the period and before it."""
    new, total = (int(x) for x in ctx.targets.parts("F26"))
    order = list(range(total))
    new_ones = set(rng.sample(order, new))
    topics = [(r["topic"], r["city"]) for r in _csv(DATA / "pilot-bases.csv")]
    for i in order:
        topic, city = topics[i % len(topics)]
        name = f"{CITY_SHORT[city]}{topic}中试基地"
        if i >= len(topics):
            name = f"{CITY_SHORT[city]}{topic}中试基地({i // len(topics) + 1})"
        approved = day_between(rng, *(during if i in new_ones else before))
        host = rng.choice(ctx.firms_in(city, "CM"))
        p.add(
            name,
            "pilot_base",
            "provincial",
            city,
            approved,
            host_enterprise=host.id,
            field=p.info.get(name, {}).get("field") or None,
        )
        ctx.pilot_bases.append(PilotBase(name, city, host.county, approved))


def _provincial(ctx: Context, p: Platforms, rng) -> None:
    """Provincial key labs and engineering centres, the bulk of the platform registry."""
    end = ctx.targets.period.end
    taken = set(p.by_name)
    inst_keys = list(ctx.institutions)
    specs = (
        ("provincial_key_lab", "辽宁省{t}重点实验室", "provincial_key_labs"),
        ("engineering_center", "辽宁省{t}工程技术研究中心", "provincial_engineering_centers"),
    )
    for kind, pattern, param in specs:
        for _ in range(int(ctx.targets.param(param, 0))):
            name = pattern.format(t=rng.choice(ADJECTIVES) + rng.choice(NOUNS))
            while name in taken:
                name = pattern.format(
                    t=rng.choice(ADJECTIVES) + rng.choice(NOUNS) + rng.choice(NOUNS)
                )
            taken.add(name)
            status = "revoked" if rng.random() < 0.03 else "operating"
            approved = day_between(rng, dt.date(2005, 1, 1), end)
            if kind == "provincial_key_lab" and rng.random() < 0.7:
                host = rng.choice(inst_keys)
                p.add(
                    name,
                    kind,
                    "provincial",
                    ctx.institution_city[ctx.institutions[host]],
                    approved,
                    host=host,
                    status=status,
                )
            else:
                firm = rng.choice(ctx.firms_in(ctx.geo.city(rng), "CIM"))
                p.add(
                    name,
                    kind,
                    "provincial",
                    firm.city,
                    approved,
                    host_enterprise=firm.id,
                    status=status,
                )
