"""Builds the demo province stage by stage, in one transaction, and records the build."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core import audit
from kechuang.core.models import AuditEntry
from kechuang.demo import (
    activities,
    bid_reviews,
    bulk,
    market_stage,
    organizations,
    people,
    platforms,
    programs_stage,
    users,
    yeardata,
)
from kechuang.demo.context import Context
from kechuang.demo.enterprises import (
    AWARD_COLS,
    ENTERPRISE_COLS,
    INCIDENT_COLS,
    LIST_COLS,
    STANDARD_COLS,
    enterprise_rows,
    fact_rows,
)
from kechuang.demo.firms import FirmMaker
from kechuang.demo.geo import load as load_geo
from kechuang.demo.models import DemoBuild
from kechuang.demo.naming import CodeBook, pad
from kechuang.demo.sectors import Sectors
from kechuang.demo.targets import Targets
from kechuang.registry.models import (
    Award,
    Bank,
    BankBranch,
    DataConsent,
    Enterprise,
    EnterpriseYear,
    Incident,
    Institution,
    ListEntry,
    Person,
    Platform,
    PlatformInvestment,
    PlatformMember,
    ServiceInstitution,
    StandardLed,
)

# Deleted in this order by --replace: dependants before what they depend on.
REGISTRY: tuple[type[models.Model], ...] = (
    PlatformMember,
    PlatformInvestment,
    Person,
    DataConsent,
    BankBranch,
    Bank,
    ServiceInstitution,
    Award,
    StandardLed,
    ListEntry,
    Incident,
    EnterpriseYear,
)
MIN_ENTERPRISES = 200  # room for the named firms, the listings and the candidates


class DemoError(Exception):
    """The demo cannot be built as asked; the message tells the user what to do."""


@dataclass(frozen=True)
class Result:
    build: DemoBuild
    built: bool  # False: an identical demo was already there
    logins: list[users.Login]


def progress(label: str, rows: int | None, seconds: float) -> str:
    """One line of progress: stage, rows written, seconds."""
    count = f"{rows:>10,} rows" if rows is not None else " " * 15
    return f"  {pad(str(label), 28)}{count} {seconds:7.2f} s"


def normalized_scale(scale: float) -> Decimal:
    return Decimal(str(scale)).quantize(Decimal("0.0001"))


def registry_empty() -> bool:
    return not any(
        m.objects.exists() for m in (Enterprise, Institution, ServiceInstitution, Bank, Platform)
    )


def same_build(seed: int, scale: float, targets: Targets) -> DemoBuild | None:
    return DemoBuild.objects.filter(
        seed=seed, scale=normalized_scale(scale), targets_digest=targets.digest
    ).first()


def clear() -> None:
    """Delete the registry rows a demo writes, its logins and its build records."""
    try:
        bid_reviews.clear()  # bids refer to the challenges, reviews to the experts
        activities.clear()  # these refer to the registry
        market_stage.clear()
        programs_stage.clear()
        for model in REGISTRY:
            model._default_manager.all().delete()
        # Children before parents: platforms protect the platforms built on them.
        Platform.objects.filter(parent__isnull=False).delete()
        Platform.objects.all().delete()
        Enterprise.objects.all().delete()
        Institution.objects.all().delete()
    except ProtectedError as exc:
        raise DemoError(
            _("其他数据仍引用登记库记录(%(detail)s),请改用空数据库生成演示数据。")
            % {"detail": str(exc.args[0])[:120]}
        ) from exc
    users.remove()
    DemoBuild.objects.all().delete()


def build(
    *,
    seed: int,
    scale: float,
    targets: Targets,
    replace: bool = False,
    out: Callable[[str], None] = print,
) -> Result:
    """Generate the demo province, or keep it if the same build is already there."""
    existing = same_build(seed, scale, targets)
    if existing and not registry_empty() and not replace:
        out(
            _("演示数据已存在(seed=%(seed)s, scale=%(scale)s, %(period)s),跳过生成。")
            % {"seed": seed, "scale": scale, "period": targets.period.code}
        )
        return Result(existing, False, users.plan())
    if not registry_empty() and not replace:
        raise DemoError(
            _(
                "数据库中已有登记数据,且不是以相同参数生成的演示数据。"
                "如需删除后重新生成,请加 --replace 参数。"
            )
        )
    started = time.perf_counter()
    with transaction.atomic():
        if replace:
            t0 = time.perf_counter()
            clear()
            out(progress(_("清除原有数据"), None, time.perf_counter() - t0))
        else:
            DemoBuild.objects.all().delete()  # records of data that is no longer there
        ctx = new_context(seed, scale, targets, out)
        for name, stage in STAGES:
            before = sum(ctx.counts.values())
            t0 = time.perf_counter()
            stage(ctx)
            rows = sum(ctx.counts.values()) - before
            out(progress(name, rows, time.perf_counter() - t0))
        t0 = time.perf_counter()
        logins = users.create(seed)
        out(progress(_("演示账号"), len(logins), time.perf_counter() - t0))
        before, t0 = sum(ctx.counts.values()), time.perf_counter()
        bid_reviews.generate(ctx)  # the experts and the province are logins
        rows = sum(ctx.counts.values()) - before
        out(progress(_("揭榜申请与专家评审"), rows, time.perf_counter() - t0))
        bulk.reset_sequences(ctx.written)
        seconds = time.perf_counter() - started
        record = DemoBuild.objects.create(
            seed=seed,
            scale=normalized_scale(scale),
            period=targets.period.code,
            targets_digest=targets.digest,
            targets_source=targets.source[-300:],
            seconds=Decimal(f"{seconds:.2f}"),
            counts=ctx.counts,
        )
        audit.record(
            None, AuditEntry.Action.CREATE, record, None, audit.snapshot(record), source="demo"
        )
    total = sum(ctx.counts.values())
    out(progress(_("合计"), total, seconds) + f" ({total / seconds:,.0f} rows/s)")
    return Result(record, True, logins)


def new_context(seed: int, scale: float, targets: Targets, out: Callable[[str], None]) -> Context:
    period_end = targets.period.end
    now = dt.datetime(period_end.year, period_end.month, period_end.day, 9, 0, tzinfo=dt.UTC)
    return Context(
        seed=seed,
        scale=scale,
        targets=targets,
        now=now,
        geo=load_geo(),
        sectors=Sectors(),
        codes=CodeBook(random.Random(f"kechuang-demo:{seed}:codes")),
        out=out,
    )


def stage_enterprises(ctx: Context) -> None:
    n = max(MIN_ENTERPRISES, round(int(ctx.targets.param("enterprises", 45_000)) * ctx.scale))
    maker = FirmMaker(ctx.rng("firms"), ctx.targets, ctx.geo, ctx.sectors, ctx.scale)
    ctx.firms = maker.make(n)
    ctx.anchors = {f.anchor: f.id for f in ctx.firms if f.anchor}
    rows = enterprise_rows(
        ctx.firms,
        ctx.rng("enterprise-rows"),
        ctx.geo,
        ctx.sectors,
        ctx.codes,
        float(ctx.targets.param("zone_share", 0.3)),
    )
    ctx.insert(Enterprise, ENTERPRISE_COLS, rows)


def stage_facts(ctx: Context) -> None:
    facts = fact_rows(ctx.firms, ctx.rng("facts"), ctx.targets.period.end)
    ctx.insert(Award, AWARD_COLS, facts["awards"])
    ctx.insert(StandardLed, STANDARD_COLS, facts["standards"])
    ctx.insert(ListEntry, LIST_COLS, facts["listings"])
    ctx.insert(Incident, INCIDENT_COLS, facts["incidents"])


def stage_years(ctx: Context) -> None:
    ctx.insert(
        EnterpriseYear, yeardata.YEAR_COLS, yeardata.rows(ctx.firms, ctx.rng("years"), ctx.targets)
    )


STAGES: tuple[tuple[Any, Callable[[Context], None]], ...] = (
    (gettext_lazy("企业"), stage_enterprises),
    (gettext_lazy("企业获奖、标准、名录与事故"), stage_facts),
    (gettext_lazy("企业年度数据"), stage_years),
    (gettext_lazy("高校院所"), organizations.institutions),
    (gettext_lazy("平台与投资"), platforms.generate),
    (gettext_lazy("平台人员"), people.generate),
    (gettext_lazy("服务机构"), organizations.service_institutions),
    (gettext_lazy("银行与网点"), organizations.banks),
    (gettext_lazy("技术市场"), market_stage.generate),
    (gettext_lazy("项目、榜单、活动与培训"), activities.generate),
    (gettext_lazy("科技型中小企业与梯度培育"), programs_stage.generate),
)
