"""Writes to the registry. Each is one transaction, checks the actor, and is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from kechuang.core import scoping, uscc
from kechuang.core.services import object_create, object_delete, object_update
from kechuang.registry.models import (
    Bank,
    BankRead,
    Enterprise,
    EnterpriseYear,
    Institution,
    Platform,
    ServiceInstitution,
)

ORGANIZATION_MODELS: tuple[type[models.Model], ...] = (
    Enterprise,
    Institution,
    ServiceInstitution,
    Bank,
)


def organization_create(
    *, actor: Any, model: type[models.Model], data: Mapping[str, Any], source: str = "web"
) -> Any:
    """Register an organisation. The province registers anywhere, a city bureau in its city."""
    city = data.get("city_id") or getattr(data.get("city"), "pk", None)
    scoping.require(scoping.can_create(actor, model, city_id=city))
    return object_create(actor=actor, model=model, data=data, source=source)


def enterprise_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> Enterprise:
    obj: Enterprise = organization_create(actor=actor, model=Enterprise, data=data, source=source)
    return obj


def organization_update(
    *, actor: Any, obj: models.Model, data: Mapping[str, Any], source: str = "web"
) -> Any:
    new_city = data.get("city_id") or getattr(data.get("city"), "pk", None)
    if new_city and scoping.role_of(actor) == scoping.Role.CITY_ADMIN:
        # A city bureau may not move a record out of its city.
        scoping.require(new_city == actor.city_id)
    return object_update(actor=actor, obj=obj, data=data, source=source)


def enterprise_update(
    *, actor: Any, enterprise: Enterprise, data: Mapping[str, Any], source: str = "web"
) -> Enterprise:
    obj: Enterprise = organization_update(actor=actor, obj=enterprise, data=data, source=source)
    return obj


def organization_delete(*, actor: Any, obj: models.Model, source: str = "web") -> None:
    # Only the province deletes registry records; others correct them.
    scoping.require(scoping.role_of(actor) == scoping.Role.PROVINCE_ADMIN)
    object_delete(actor=actor, obj=obj, source=source)


@transaction.atomic
def enterprise_year_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    year: int,
    data: Mapping[str, Any],
    source: str = "web",
) -> EnterpriseYear:
    """Create or update one enterprise's figures for one year."""
    scoping.require_edit(actor, enterprise)
    existing = (
        EnterpriseYear.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    )
    if existing is None:
        return object_create(
            actor=actor,
            model=EnterpriseYear,
            data={**data, "enterprise": enterprise, "year": year},
            source=source,
        )
    # Refused to the owner once a program has used the year (EnterpriseYear.scope_policy).
    return object_update(actor=actor, obj=existing, data=data, source=source)


def platform_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> Platform:
    city = data.get("city_id") or getattr(data.get("city"), "pk", None)
    scoping.require(scoping.can_create(actor, Platform, city_id=city))
    return object_create(actor=actor, model=Platform, data=data, source=source)


def platform_update(
    *, actor: Any, platform: Platform, data: Mapping[str, Any], source: str = "web"
) -> Platform:
    return object_update(actor=actor, obj=platform, data=data, source=source)


def record_warnings(obj: Any) -> list[str]:
    """What looks wrong in a saved record but is not refused: a USCC registered in another
    region than the record's county (a firm that moved keeps its code)."""
    code = getattr(obj, "uscc", "")
    region = getattr(obj, "region_id", "") or ""
    if not code or not region:
        return []
    try:
        registered = uscc.parse(code).region_code
    except uscc.USCCError:
        return []
    # A code issued by the city or the province also covers the county.
    if registered in (region, region[:4] + "00", region[:2] + "0000"):
        return []
    message = _("统一社会信用代码的登记地区(%(code)s)与所在区县(%(region)s)不一致,请核实。")
    return [str(message) % {"code": registered, "region": region}]


def bank_reads_record(
    *, user: Any, enterprise_ids: Iterable[int], what: str, channel: str = "web"
) -> None:
    """Record that a bank's user read these enterprises' data (nothing for other readers):
    the enterprise sees who read what and when."""
    if scoping.role_of(user) != scoping.Role.BANK or user.organization_id is None:
        return
    BankRead.objects.bulk_create(
        BankRead(
            bank_id=user.organization_id, enterprise_id=pk, reader=user, what=what, channel=channel
        )
        for pk in dict.fromkeys(enterprise_ids)
    )


def bank_reads_of_enterprise(*, user: Any, enterprise: Enterprise, channel: str = "web") -> None:
    """Record a bank's read of one enterprise's record, and of its yearly figures when its
    consent shows them."""
    if scoping.role_of(user) != scoping.Role.BANK:
        return
    what = [BankRead.What.PROFILE]
    years = EnterpriseYear.objects.filter(enterprise=enterprise)
    if scoping.visible(years, user).exists():
        what.append(BankRead.What.FIGURES)
    for w in what:
        bank_reads_record(user=user, enterprise_ids=[enterprise.pk], what=w, channel=channel)


def bank_reads_exported(*, user: Any, rows: models.QuerySet[Any]) -> None:
    """Record a bank's export of enterprises (their profile) or of their yearly figures."""
    if rows.model is Enterprise:
        ids, what = rows.values_list("pk", flat=True), BankRead.What.PROFILE
    elif rows.model is EnterpriseYear:
        ids, what = rows.values_list("enterprise_id", flat=True), BankRead.What.FIGURES
    else:
        return
    bank_reads_record(user=user, enterprise_ids=ids, what=what, channel=BankRead.Channel.EXPORT)
