"""Builds the demo province stage by stage, in one transaction, and records the build."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.db.models import ProtectedError

from kechuang.core import audit
from kechuang.core.models import AuditEntry
from kechuang.demo import bulk, organizations, people, platforms, users, yeardata
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
from kechuang.demo.naming import CodeBook
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
MIN_ENTERPRISES = 60  # room for the named firms, the listings and the candidates


class DemoError(Exception):
    """The demo cannot be built as asked; the message tells the user what to do."""


@dataclass(frozen=True)
class Result:
    build: DemoBuild
    built: bool  # False: an identical demo was already there
    logins: list[users.Login]


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
        for model in REGISTRY:
            model._default_manager.all().delete()
        # Children before parents: platforms protect the platforms built on them.
        Platform.objects.filter(parent__isnull=False).delete()
        Platform.objects.all().delete()
        Enterprise.objects.all().delete()
        Institution.objects.all().delete()
    except ProtectedError as exc:
        raise DemoError(
            f"other records still refer to the registry ({exc.args[0][:120]}); "
            "start from an empty database instead"
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
        out(f"演示数据已存在(seed={seed}, scale={scale}, {targets.period.code}),跳过生成。")
        return Result(existing, False, users.plan(seed))
    if not registry_empty() and not replace:
        raise DemoError(
            "the database already holds registry data that this demo did not build with these "
            "parameters; run again with --replace to delete it and generate anew"
        )
    started = time.perf_counter()
    with transaction.atomic():
        if replace:
            t0 = time.perf_counter()
            clear()
            out(f"  {'cleared':<22}{'':>10}   {time.perf_counter() - t0:6.2f} s")
        ctx = new_context(seed, scale, targets, out)
        for name, stage in STAGES:
            before = sum(ctx.counts.values())
            t0 = time.perf_counter()
            stage(ctx)
            rows = sum(ctx.counts.values()) - before
            out(f"  {name:<22}{rows:>10,} rows {time.perf_counter() - t0:6.2f} s")
        bulk.reset_sequences(ctx.written)
        t0 = time.perf_counter()
        logins = users.create(seed)
        out(f"  {'logins':<22}{len(logins):>10,} rows {time.perf_counter() - t0:6.2f} s")
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
    out(f"  {'total':<22}{total:>10,} rows {seconds:6.2f} s ({total / seconds:,.0f} rows/s)")
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


STAGES: tuple[tuple[str, Callable[[Context], None]], ...] = (
    ("enterprises", stage_enterprises),
    ("enterprise facts", stage_facts),
    ("enterprise years", stage_years),
    ("institutions", organizations.institutions),
    ("platforms", platforms.generate),
    ("people", people.generate),
    ("service institutions", organizations.service_institutions),
    ("banks", organizations.banks),
)
