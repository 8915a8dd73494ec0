"""The technology market of the demo province: contracts, achievements, transfers, demands.

Transfers of universities and institutes are records with dates (F12 counts those of the
period and of the same period a year earlier); institutions are not scaled, so neither are
their transfers. The catalogue and the demands only populate the market's pages.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from django.db import models

from kechuang.core.models import TechField
from kechuang.demo import contracts
from kechuang.demo.context import Context
from kechuang.market.models import (
    Achievement,
    AchievementTransfer,
    ContractEvent,
    RegistrationCounter,
    TechContract,
    TechDemand,
)
from kechuang.registry.models import Institution

# Deleted by --replace before the registry rows they refer to.
MODELS: tuple[type[models.Model], ...] = (
    AchievementTransfer,
    Achievement,
    TechDemand,
    ContractEvent,
    RegistrationCounter,
    TechContract,
)

ACHIEVEMENT_COLS = (
    "id",
    "institution_id",
    "title",
    "abstract",
    "keywords",
    "field_id",
    "trl",
    "ip_type",
    "ownership_granted",
    "separate_management",
    "use_first_pay_later",
    "licence_terms",
    "contact",
    "status",
    "published_on",
)
TRANSFER_COLS = (
    "id",
    "institution_id",
    "achievement_id",
    "title",
    "enterprise_id",
    "enterprise_name",
    "in_province",
    "mode",
    "amount",
    "transferred_on",
    "contract_id",
)
DEMAND_COLS = (
    "id",
    "enterprise_id",
    "title",
    "problem",
    "targets",
    "budget",
    "deadline",
    "field_id",
    "is_public",
    "status",
)
SUBJECTS = (
    ("高性能铝合金", "材料"),
    ("氢燃料电池膜电极", "能源"),
    ("工业机器人减速器", "装备"),
    ("海水淡化反渗透膜", "环保"),
    ("航空发动机叶片涂层", "航空"),
    ("智能电网故障诊断", "电力"),
    ("生物基可降解材料", "化工"),
    ("稀土永磁电机", "电机"),
    ("数字孪生运维平台", "软件"),
    ("靶向抗肿瘤药物", "医药"),
    ("水稻耐盐碱品种", "农业"),
    ("高端轴承热处理", "装备"),
)
LICENCE_TERMS = "首两年免费使用,此后按销售额的3%支付许可费。"


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def clear() -> None:
    for model in MODELS:
        model._default_manager.all().delete()


def generate(ctx: Context) -> None:
    made = contracts.generate(ctx)
    fields = list(TechField.objects.order_by("code").values_list("code", flat=True))
    insts = list(Institution.objects.order_by("pk").values_list("pk", "name"))
    achievements = list(_achievements(ctx, insts, fields))
    ctx.insert(Achievement, ACHIEVEMENT_COLS, achievements)
    by_inst: dict[int, list[int]] = {}
    for a in achievements:
        by_inst.setdefault(a[1], []).append(a[0])  # type: ignore[arg-type]
    # A list, not a generator: it queries the DMTO contract, which COPY would not allow.
    transfers = list(_transfers(ctx, insts, by_inst, made))
    ctx.insert(AchievementTransfer, TRANSFER_COLS, transfers)
    ctx.insert(TechDemand, DEMAND_COLS, _demands(ctx, fields))


def _achievements(
    ctx: Context, insts: list[tuple[int, str]], fields: list[str]
) -> Iterator[tuple[object, ...]]:
    rng = ctx.rng("achievements")
    n = int(ctx.targets.param("achievements", 420))
    start, end = dt.date(ctx.targets.period.year - 2, 1, 1), ctx.targets.period.end
    for pk in range(1, n + 1):
        inst, inst_name = rng.choice(insts)
        subject, word = rng.choice(SUBJECTS)
        pay_later = rng.random() < 0.12
        published = rng.random() < 0.9
        yield (
            pk,
            inst,
            f"{subject}关键技术({inst_name[:8]})",
            f"{inst_name}研发的{subject}技术,已完成中试验证,可转让或许可实施。",
            f"{subject},{word}",
            rng.choice(fields),
            rng.randint(4, 9),
            rng.choice(("invention", "invention", "secret", "software", "utility_model")),
            rng.random() < 0.3,
            rng.random() < 0.2,
            pay_later,
            LICENCE_TERMS if pay_later else "",
            rng.choice(("张老师", "李老师", "王老师", "成果转化办公室")),
            Achievement.Status.PUBLISHED if published else Achievement.Status.DRAFT,
            _day(rng, start, end) if published else None,
        )


def _transfers(
    ctx: Context,
    insts: list[tuple[int, str]],
    by_inst: dict[int, list[int]],
    made: dict[str, int],
) -> Iterator[tuple[object, ...]]:
    """Transfers in the period (F12), the same period a year earlier, and the half between."""
    t = ctx.targets
    rng = ctx.rng("transfers")
    year = t.period.year
    plan = [
        (dt.date(year - 1, 1, 1), dt.date(year - 1, 6, 30), int(t.prior["F12"])),  # type: ignore[arg-type]
        (dt.date(year - 1, 7, 1), dt.date(year - 1, 12, 31), int(t.param("transfers_h2", 1_390))),
        (t.period.start, t.period.end, t.count("F12")),
    ]
    firms = ctx.firms
    pk = 0
    dmto = made.get("dmto")
    dicp = ctx.institutions.get(contracts.DMTO_SELLER)
    for start, end, n in plan:
        rows: list[tuple[object, ...]] = []
        for _i in range(n - (1 if dmto and end == t.period.end else 0)):
            inst, _name = rng.choice(insts)
            own = by_inst.get(inst)
            achievement = rng.choice(own) if own and rng.random() < 0.4 else None
            in_province = rng.random() < 0.7
            firm = rng.choice(firms) if in_province else None
            amount = Decimal(round(rng.lognormvariate(13.0, 1.2), -2)).quantize(Decimal("0.01"))
            rows.append(
                (
                    _day(rng, start, end),
                    inst,
                    achievement,
                    f"{rng.choice(SUBJECTS)[0]}成果转化项目",
                    firm.id if firm else None,
                    (firm.name or f"企业{firm.id}") if firm else "省外某科技有限公司",
                    in_province,
                    rng.choice(("transfer", "licence", "licence", "equity", "development")),
                    amount,
                    None,
                )
            )
        if dmto and dicp and end == t.period.end:
            contract = TechContract.objects.values(
                "registered_on", "buyer_enterprise_id", "buyer_name", "turnover"
            ).get(pk=dmto)
            rows.append(
                (
                    contract["registered_on"],
                    dicp,
                    None,
                    contracts.DMTO_TITLE.removesuffix("合同"),
                    contract["buyer_enterprise_id"],
                    contract["buyer_name"],
                    True,
                    "licence",
                    contract["turnover"],
                    dmto,
                )
            )
        rows.sort(key=lambda r: r[0])  # type: ignore[arg-type,return-value]
        for r in rows:
            pk += 1
            yield (pk, *r[1:9], r[0], r[9])


def _demands(ctx: Context, fields: list[str]) -> Iterator[tuple[object, ...]]:
    rng = ctx.rng("demands")
    n = max(20, round(int(ctx.targets.param("demands", 600)) * ctx.scale))
    end = ctx.targets.period.end
    for pk in range(1, n + 1):
        firm = rng.choice(ctx.firms)
        subject, _word = rng.choice(SUBJECTS)
        open_ = rng.random() < 0.8
        yield (
            pk,
            firm.id,
            f"{subject}技术难题攻关",
            f"我单位在{subject}方面存在工艺瓶颈,寻求高校院所合作解决。",
            "良品率提升10%以上;成本降低15%。",
            Decimal(rng.choice((50, 100, 200, 300, 500, 800))) * 10_000,
            end + dt.timedelta(days=rng.randrange(30, 240)),
            rng.choice(fields),
            rng.random() < 0.85,
            TechDemand.Status.OPEN if open_ else TechDemand.Status.CLOSED,
        )
